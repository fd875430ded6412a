// SORT and SORT_RO over lists, sets and sorted sets: numeric (as doubles) or ALPHA (byte order) sorts,
// weights from other keys (BY pattern, hash fields with "->", a pattern without "*" skips sorting),
// LIMIT, GET (several, "#" for the element itself), ASC/DESC, and STORE (SORT only) into a list.
// Patterns read arbitrary keys, possibly on other shards; the executor then logs STORE's result as
// the destination's resulting state, so replay never re-reads them.
import { notify } from "../server/notify.ts";
import type { CommandContext, CommandSpec, KeySpec } from "./types.ts";
import { keys } from "./types.ts";
import { latin1, word } from "./args.ts";
import { errNotInteger, errSyntax, errWrongType } from "../protocol/errors.ts";
import { parseInteger, strtod } from "../protocol/numbers.ts";
import { newEntry } from "../keyspace/entry.ts";
import { Deque } from "../keyspace/deque.ts";

const errScores = "ERR One or more scores can't be converted into double";
const INT64_MAX = 2n ** 63n - 1n;

interface SortOptions {
  desc: boolean;
  alpha: boolean;
  limitStart: number;
  limitCount: number;
  /** The BY pattern, null when absent. */
  by: string | null;
  /** BY with a pattern that holds no "*": the elements keep their order. */
  dontSort: boolean;
  getPatterns: string[];
  store: Uint8Array | null;
}

/** The text up to its first NUL byte (Redis treats patterns as C strings in places). */
function cString(s: string): string {
  const nul = s.indexOf("\0");
  return nul < 0 ? s : s.slice(0, nul);
}

/** A LIMIT number: a 64-bit integer, clamped to the range where it still means the same here. */
function limitNumber(arg: Uint8Array): number | null {
  const v = parseInteger(arg);
  if (v === null) return null;
  const b = BigInt(v);
  if (b > INT64_MAX) return null;
  return Number(b);
}

function parseSortOptions(ctx: CommandContext, argv: readonly Uint8Array[], readonly: boolean): SortOptions | null {
  const o: SortOptions = { desc: false, alpha: false, limitStart: 0, limitCount: -1, by: null, dontSort: false, getPatterns: [], store: null };
  for (let j = 2; j < argv.length; j++) {
    const opt = word(argv[j]);
    const left = argv.length - j - 1;
    if (opt === "asc") o.desc = false;
    else if (opt === "desc") o.desc = true;
    else if (opt === "alpha") o.alpha = true;
    else if (opt === "limit" && left >= 2) {
      const start = limitNumber(argv[j + 1] as Uint8Array);
      const count = start === null ? null : limitNumber(argv[j + 2] as Uint8Array);
      if (start === null || count === null) {
        ctx.reply.error(errNotInteger);
        return null;
      }
      o.limitStart = start;
      o.limitCount = count;
      j += 2;
    } else if (!readonly && opt === "store" && left >= 1) {
      o.store = argv[++j] as Uint8Array;
    } else if (opt === "by" && left >= 1) {
      o.by = latin1(argv[++j] as Uint8Array);
      o.dontSort = !cString(o.by).includes("*");
    } else if (opt === "get" && left >= 1) {
      o.getPatterns.push(latin1(argv[++j] as Uint8Array));
    } else {
      ctx.reply.error(errSyntax);
      return null;
    }
  }
  return o;
}

/**
 * The value a pattern names for an element (Redis lookupKeyByPattern): "#" is the element, the first
 * "*" is replaced by it, and "->field" after it reads a hash field. Null when missing or of another type.
 */
function lookupByPattern(ctx: CommandContext, pattern: string, element: string): string | null {
  if (pattern[0] === "#" && (pattern.length === 1 || pattern[1] === "\0")) return element;
  const c = cString(pattern);
  const star = c.indexOf("*");
  if (star < 0) return null;
  const arrow = c.indexOf("->", star + 1);
  const isField = arrow >= 0 && arrow + 2 < c.length;
  const keyEnd = isField ? arrow : pattern.length;
  const key = pattern.slice(0, star) + element + pattern.slice(star + 1, keyEnd);
  const e = ctx.db.lookupRead(key);
  if (e === undefined) return null;
  if (isField) {
    if (e.type !== "hash") return null;
    return e.data.get(pattern.slice(arrow + 2)) ?? null;
  }
  return e.type === "string" ? (e.data as string) : null;
}

/** strcmp over C strings: bytes up to the first NUL (Redis compares with strcoll in the C locale). */
function compareCStrings(a: string, b: string): number {
  const x = cString(a);
  const y = cString(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareBinary(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Item {
  element: string;
  score: number;
  /** The BY value for ALPHA sorts with a pattern; null when missing. */
  weight: string | null;
}

/** Numeric weight as Redis reads it: strtod over the whole text (to its first NUL), no NaN, no range error. */
function numericWeight(text: string): number | null {
  const c = cString(text);
  const bytes = Buffer.from(c, "latin1");
  const r = strtod(bytes, 0, bytes.length);
  if (r.end !== bytes.length || r.outOfRange || Number.isNaN(r.value)) return null;
  return r.value;
}

function sortGeneric(ctx: CommandContext, argv: readonly Uint8Array[], readonly: boolean): void {
  const o = parseSortOptions(ctx, argv, readonly);
  if (o === null) return;
  const source = ctx.db.lookupRead(latin1(argv[1] as Uint8Array)); // lookupKeyRead, with STORE too
  if (source !== undefined && source.type !== "list" && source.type !== "set" && source.type !== "zset") return ctx.reply.error(errWrongType);

  let { dontSort, alpha, by } = o;
  // Without a sort a set's order is its hash order; STORE must be reproducible, so it sorts ALPHA.
  if (dontSort && source?.type === "set" && o.store !== null) {
    dontSort = false;
    alpha = true;
    by = null;
  }
  // Redis converts a compact sorted set to a skiplist before sorting it.
  if (source?.type === "zset") source.data.convertToSkiplist();

  const length = source === undefined ? 0 : source.type === "list" ? source.data.length : source.data.size;
  let start = o.limitStart < 0 ? 0 : o.limitStart;
  let end = o.limitCount < 0 ? length - 1 : start + o.limitCount - 1;
  if (start >= length) {
    start = length - 1;
    end = length - 2;
  }
  if (end >= length) end = length - 1;

  let elements: string[];
  if (source === undefined) elements = [];
  else if (dontSort && source.type !== "set") {
    // Lists and sorted sets keep their order (reversed by DESC); only the LIMIT range is read.
    elements = [];
    if (end >= start) {
      const all = source.type === "list" ? source.data.toArray() : [...source.data.entries()].map(([m]) => m);
      if (o.desc) all.reverse();
      elements = all.slice(start, end + 1);
    }
    end -= start;
    start = 0;
  } else if (source.type === "list") elements = source.data.toArray();
  else if (source.type === "set") elements = [...source.data];
  else elements = [...source.data.entries()].map(([m]) => m);

  let conversionError = false;
  let items: Item[] = elements.map((element) => ({ element, score: 0, weight: null }));
  if (!dontSort) {
    for (const item of items) {
      let value: string | null = item.element;
      if (by !== null) value = lookupByPattern(ctx, by, item.element);
      if (value === null) continue;
      if (alpha) {
        if (by !== null) item.weight = value;
      } else {
        const d = numericWeight(value);
        if (d === null) conversionError = true;
        else item.score = d;
      }
    }
    const storing = o.store !== null;
    const compare = (a: Item, b: Item): number => {
      let cmp: number;
      if (!alpha) cmp = a.score > b.score ? 1 : a.score < b.score ? -1 : compareBinary(a.element, b.element);
      else if (by !== null) {
        if (a.weight === null || b.weight === null) cmp = a.weight === b.weight ? 0 : a.weight === null ? -1 : 1;
        else cmp = storing ? compareBinary(a.weight, b.weight) : compareCStrings(a.weight, b.weight);
      } else cmp = storing ? compareBinary(a.element, b.element) : compareCStrings(a.element, b.element);
      return o.desc ? -cmp : cmp;
    };
    items = items.sort(compare);
  }

  const selected = end >= start ? items.slice(start, end + 1) : [];
  const gets = o.getPatterns;
  const outputLength = gets.length > 0 ? gets.length * selected.length : selected.length;
  if (conversionError) return ctx.reply.error(errScores);

  if (o.store === null) {
    ctx.reply.arrayHeader(outputLength);
    for (const item of selected) {
      if (gets.length === 0) ctx.reply.bulk(item.element);
      for (const p of gets) {
        const v = lookupByPattern(ctx, p, item.element);
        if (v === null) ctx.reply.nullBulk();
        else ctx.reply.bulk(v);
      }
    }
    return;
  }

  const result = new Deque<string>();
  for (const item of selected) {
    if (gets.length === 0) result.pushBack(item.element);
    for (const p of gets) result.pushBack(lookupByPattern(ctx, p, item.element) ?? "");
  }
  const dest = latin1(o.store);
  if (outputLength > 0) {
    ctx.db.set(dest, newEntry("list", result));
    ctx.dirty += outputLength;
    notify(ctx, "list", "sortstore", dest);
  } else if (ctx.db.delete(dest)) {
    ctx.dirty++;
    notify(ctx, "generic", "del", dest);
  }
  ctx.reply.integer(outputLength);
}

const sourceSpec: KeySpec = keys.one(1, ["RO", "ACCESS"]);
const patternSpec: KeySpec = {
  notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
  flags: ["RO", "ACCESS"],
  beginSearch: { type: "unknown" },
  findKeys: { type: "unknown" },
};
const storeSpec: KeySpec = {
  notes: "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
  flags: ["OW", "UPDATE"],
  beginSearch: { type: "unknown" },
  findKeys: { type: "unknown" },
};

const complexity = "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).";
const commonArguments = [
  { name: "key", type: "key", keySpecIndex: 0 },
  { name: "pattern", type: "pattern", keySpecIndex: 1, token: "BY", optional: true },
  { name: "offset_count", type: "block", token: "LIMIT", optional: true, arguments: [{ name: "offset", type: "integer" }, { name: "count", type: "integer" }] },
  { name: "pattern", type: "pattern", keySpecIndex: 1, token: "GET", optional: true, multiple: true, multipleToken: true },
  { name: "order", type: "oneof", optional: true, arguments: [{ name: "asc", type: "pure-token", token: "ASC" }, { name: "desc", type: "pure-token", token: "DESC" }] },
  { name: "sorting", type: "pure-token", token: "ALPHA", optional: true },
] as const;

export const sortCommands: CommandSpec[] = [
  {
    name: "sort", arity: -2, flags: ["write", "denyoom"], acl: ["set", "sortedset", "list", "dangerous"], group: "generic",
    summary: "Sort the elements in a list, set or sorted set", since: "1.0.0", complexity,
    keySpecs: [sourceSpec, patternSpec, storeSpec],
    arguments: [...commonArguments, { name: "destination", type: "key", keySpecIndex: 2, token: "STORE", optional: true }],
    handler: (ctx, argv) => sortGeneric(ctx, argv, false),
  },
  {
    name: "sort_ro", arity: -2, flags: ["readonly"], acl: ["set", "sortedset", "list", "dangerous"], group: "generic",
    summary: "Sort the elements in a list, set or sorted set. Read-only variant of SORT.", since: "7.0.0", complexity,
    keySpecs: [sourceSpec, patternSpec],
    arguments: [...commonArguments],
    handler: (ctx, argv) => sortGeneric(ctx, argv, true),
  },
];
