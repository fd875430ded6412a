// Hash commands: HSET/HMSET/HSETNX, reads (HGET, HMGET, HLEN, HSTRLEN, HEXISTS, HKEYS, HVALS, HGETALL),
// HDEL, HINCRBY/HINCRBYFLOAT, HRANDFIELD and HSCAN. A hash is a Map in insertion order, which is the order
// Redis's listpack encoding replies in (new fields appended, updated fields kept in place), so small
// hashes read back byte-identical; large (hashtable-encoded) ones differ only in order.
import { notify } from "../server/notify.ts";
import type { CommandContext, CommandSpec, KeySpec } from "./types.ts";
import { keys } from "./types.ts";
import { latin1, word } from "./args.ts";
import { newEntry, type HashEntry } from "../keyspace/entry.ts";
import { hashIsListpack, noteHashWrite } from "../keyspace/encodings.ts";
import {
  errArity, errHashNotFloat, errHashNotInteger, errNotInteger, errNotFloat, errOverflow, errIncrementNanOrInfinity,
  errValueNanOrInfinity, errSyntax, errWrongType,
} from "../protocol/errors.ts";
import { parseIntegerStrict, parseLongDouble, addLongDouble, formatLongDouble } from "../protocol/numbers.ts";
import { distinctIndices, randomIndex, replyScan, scanCursorArg, scanOptions, scanPage } from "./collection-scan.ts";


const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
/** -LONG_MAX..LONG_MAX: the range HRANDFIELD accepts for its count. */
const COUNT_LIMIT = INT64_MAX;
const errCountRange = `ERR value is out of range, value must between ${-COUNT_LIMIT} and ${COUNT_LIMIT}`;

/** The hash at `key`: undefined when missing, false after replying WRONGTYPE. */
function lookupHash(ctx: CommandContext, key: string, forWrite: boolean): HashEntry | undefined | false {
  const e = forWrite ? ctx.db.getForWrite(key) : ctx.db.get(key);
  if (e === undefined) return undefined;
  if (e.type !== "hash") {
    ctx.reply.error(errWrongType);
    return false;
  }
  return e;
}

/** Redis hashTypeLookupWriteOrCreate: the hash to modify, created (and stored) when missing. */
function hashForWrite(ctx: CommandContext, key: string): HashEntry | false {
  const e = lookupHash(ctx, key, true);
  if (e === false) return false;
  if (e !== undefined) return e;
  const created = newEntry("hash", new Map<string, string>());
  ctx.db.set(key, created);
  return created;
}

function keyOf(argv: readonly Uint8Array[], i: number): string {
  return latin1(argv[i] as Uint8Array);
}

// ---------------------------------------------------------------------------------------------------
// Writes

/** HSET and HMSET: one command, all pairs applied at once (logged as received). */
function hsetGeneric(ctx: CommandContext, argv: readonly Uint8Array[], name: "hset" | "hmset"): void {
  if (argv.length % 2 === 1) return ctx.reply.error(errArity(name));
  const key = keyOf(argv, 1);
  const e = hashForWrite(ctx, key);
  if (e === false) return;
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) {
    const field = keyOf(argv, i);
    if (!e.data.has(field)) created++;
    const value = keyOf(argv, i + 1);
    e.data.set(field, value);
    noteHashWrite(e.data, field, value);
  }
  ctx.dirty += (argv.length - 2) / 2;
  if (name === "hset") ctx.reply.integer(created);
  else ctx.reply.ok();
  notify(ctx, "hash", "hset", key);
}

function hsetnx(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const key = keyOf(argv, 1);
  const field = keyOf(argv, 2);
  const existing = lookupHash(ctx, key, false);
  if (existing === false) return;
  if (existing !== undefined && existing.data.has(field)) return ctx.reply.integer(0);
  const e = hashForWrite(ctx, key);
  if (e === false) return;
  const value = keyOf(argv, 3);
  e.data.set(field, value);
  noteHashWrite(e.data, field, value);
  ctx.dirty++;
  ctx.reply.integer(1);
  notify(ctx, "hash", "hset", key);
}

function hdel(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const key = keyOf(argv, 1);
  const present = lookupHash(ctx, key, false);
  if (present === false) return;
  if (present === undefined) return ctx.reply.integer(0);
  let any = false;
  for (let i = 2; i < argv.length && !any; i++) any = present.data.has(keyOf(argv, i));
  // Nothing to delete: not a write (no WATCH invalidation, nothing logged), as in Redis.
  if (!any) return ctx.reply.integer(0);
  const e = lookupHash(ctx, key, true) as HashEntry;
  let deleted = 0;
  let emptied = false;
  for (let i = 2; i < argv.length; i++) {
    if (e.data.delete(keyOf(argv, i))) deleted++;
    if (e.data.size === 0) {
      ctx.db.delete(key);
      emptied = true;
      break;
    }
  }
  if (deleted > 0) {
    ctx.dirty += deleted;
    notify(ctx, "hash", "hdel", key);
    if (emptied) notify(ctx, "generic", "del", key);
  }
  ctx.reply.integer(deleted);
}

function hincrby(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const increment = parseIntegerStrict(argv[3] as Uint8Array);
  if (increment === null) return ctx.reply.error(errNotInteger);
  const key = keyOf(argv, 1);
  const field = keyOf(argv, 2);
  const e = hashForWrite(ctx, key);
  if (e === false) return;
  const old = e.data.get(field);
  let value = 0n;
  if (old !== undefined) {
    const parsed = parseIntegerStrict(Buffer.from(old, "latin1"));
    if (parsed === null) return hashErrorAfterCreate(ctx, key, e, errHashNotInteger);
    value = parsed;
  }
  const sum = value + increment;
  if (sum < INT64_MIN || sum > INT64_MAX) return hashErrorAfterCreate(ctx, key, e, errOverflow);
  e.data.set(field, sum.toString());
  noteHashWrite(e.data, field, sum.toString());
  ctx.dirty++;
  ctx.reply.integer(sum);
  notify(ctx, "hash", "hincrby", key);
}

function hincrbyfloat(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const increment = parseLongDouble(argv[3] as Uint8Array);
  if (increment === null) return ctx.reply.error(errNotFloat);
  if (increment.kind !== "finite") return ctx.reply.error(errValueNanOrInfinity);
  const key = keyOf(argv, 1);
  const field = keyOf(argv, 2);
  const e = hashForWrite(ctx, key);
  if (e === false) return;
  const old = e.data.get(field);
  let sum = increment;
  if (old !== undefined) {
    const value = parseLongDouble(Buffer.from(old, "latin1"));
    if (value === null) return hashErrorAfterCreate(ctx, key, e, errHashNotFloat);
    sum = addLongDouble(value, increment);
  }
  if (sum.kind !== "finite") return hashErrorAfterCreate(ctx, key, e, errIncrementNanOrInfinity);
  const text = formatLongDouble(sum);
  e.data.set(field, text);
  noteHashWrite(e.data, field, text);
  ctx.dirty++;
  // The result, not the increment, is logged: long double sums must not be recomputed on replay.
  ctx.propagate(["HSET", argv[1] as Uint8Array, argv[2] as Uint8Array, text]);
  ctx.reply.bulk(text);
  notify(ctx, "hash", "hincrbyfloat", key);
}

/** An increment failed on an existing field: the hash cannot have just been created, so just reply. */
function hashErrorAfterCreate(ctx: CommandContext, key: string, e: HashEntry, error: string): void {
  // Defensive: a hash created by this command holds no fields yet, so no field can fail to parse.
  if (e.data.size === 0) ctx.db.delete(key);
  ctx.reply.error(error);
}

// ---------------------------------------------------------------------------------------------------
// Reads

function hget(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const e = lookupHash(ctx, keyOf(argv, 1), false);
  if (e === false) return;
  const v = e?.data.get(keyOf(argv, 2));
  if (v === undefined) ctx.reply.nullBulk();
  else ctx.reply.bulk(v);
}

function hmget(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const e = lookupHash(ctx, keyOf(argv, 1), false);
  if (e === false) return;
  ctx.reply.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const v = e?.data.get(keyOf(argv, i));
    if (v === undefined) ctx.reply.nullBulk();
    else ctx.reply.bulk(v);
  }
}

function hlen(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const e = lookupHash(ctx, keyOf(argv, 1), false);
  if (e === false) return;
  ctx.reply.integer(e === undefined ? 0 : e.data.size);
}

function hstrlen(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const e = lookupHash(ctx, keyOf(argv, 1), false);
  if (e === false) return;
  ctx.reply.integer(e?.data.get(keyOf(argv, 2))?.length ?? 0);
}

function hexists(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const e = lookupHash(ctx, keyOf(argv, 1), false);
  if (e === false) return;
  ctx.reply.integer(e !== undefined && e.data.has(keyOf(argv, 2)) ? 1 : 0);
}

/** HKEYS, HVALS (arrays) and HGETALL (a map). */
function hgetallGeneric(ctx: CommandContext, argv: readonly Uint8Array[], what: "keys" | "values" | "both"): void {
  const e = lookupHash(ctx, keyOf(argv, 1), false);
  if (e === false) return;
  const r = ctx.reply;
  const size = e === undefined ? 0 : e.data.size;
  if (what === "both") r.mapHeader(size);
  else r.arrayHeader(size);
  if (e === undefined) return;
  for (const [f, v] of e.data) {
    if (what !== "values") r.bulk(f);
    if (what !== "keys") r.bulk(v);
  }
}

// ---------------------------------------------------------------------------------------------------
// HRANDFIELD

function hrandfield(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  if (argv.length >= 3) {
    const raw = parseIntegerStrict(argv[2] as Uint8Array);
    if (raw === null) return ctx.reply.error(errNotInteger);
    if (raw < -COUNT_LIMIT) return ctx.reply.error(errCountRange);
    let withValues = false;
    if (argv.length > 4 || (argv.length === 4 && word(argv[3]) !== "withvalues")) return ctx.reply.error(errSyntax);
    if (argv.length === 4) {
      withValues = true;
      if (raw < -COUNT_LIMIT / 2n || raw > COUNT_LIMIT / 2n) return ctx.reply.error("ERR value is out of range");
    }
    return hrandfieldWithCount(ctx, keyOf(argv, 1), raw, withValues);
  }
  const e = lookupHash(ctx, keyOf(argv, 1), false);
  if (e === false) return;
  if (e === undefined) return ctx.reply.nullBulk();
  const at = randomIndex(ctx, e.data.size);
  let i = 0;
  for (const f of e.data.keys()) if (i++ === at) return ctx.reply.bulk(f);
}

function hrandfieldWithCount(ctx: CommandContext, key: string, raw: bigint, withValues: boolean): void {
  const e = lookupHash(ctx, key, false);
  if (e === false) return;
  if (e === undefined || raw === 0n) return ctx.reply.arrayHeader(0);
  const fields = [...e.data.entries()];
  const size = fields.length;
  let picks: [string, string][];
  if (raw < 0n) {
    // Repetitions allowed: -count independent picks.
    const n = Number(-raw);
    picks = [];
    for (let i = 0; i < n; i++) picks.push(fields[randomIndex(ctx, size)] as [string, string]);
  } else if (raw >= BigInt(size)) {
    picks = fields; // The whole hash, in its order (as Redis replies it).
  } else {
    picks = distinctIndices(ctx, size, Number(raw)).map((i) => fields[i] as [string, string]);
  }
  replyFieldPairs(ctx, picks, withValues);
}

/** Fields, or with values: flat (RESP2) or [field, value] pairs (RESP3). */
function replyFieldPairs(ctx: CommandContext, picks: readonly (readonly [string, string])[], withValues: boolean): void {
  const r = ctx.reply;
  const pairs = withValues && r.proto === 3;
  r.arrayHeader(withValues && !pairs ? picks.length * 2 : picks.length);
  for (const [f, v] of picks) {
    if (pairs) r.arrayHeader(2);
    r.bulk(f);
    if (withValues) r.bulk(v);
  }
}

// ---------------------------------------------------------------------------------------------------
// HSCAN

function hscan(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const cursor = scanCursorArg(ctx, argv[2] as Uint8Array);
  if (cursor === null) return;
  const e = lookupHash(ctx, keyOf(argv, 1), false);
  if (e === false) return;
  if (e === undefined) return replyScan(ctx, 0, []);
  const options = scanOptions(ctx, argv, 3);
  if (options === null) return;
  const h = e.data;
  let fields: Iterable<string>;
  let next = 0;
  if (hashIsListpack(h)) fields = h.keys();
  else {
    const page = scanPage(h.keys(), cursor, options.count);
    fields = page.names;
    next = page.next;
  }
  const items: string[] = [];
  for (const f of fields) {
    if (options.matches !== null && !options.matches(f)) continue;
    items.push(f, h.get(f) as string);
  }
  replyScan(ctx, next, items);
}

// ---------------------------------------------------------------------------------------------------
// Declarations

const hs = { group: "hash", acl: ["hash"] } as const;
const one = (flags: KeySpec["flags"]): KeySpec[] => [keys.one(1, flags)];
const scanComplexity = "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.";

export const hashCommands: CommandSpec[] = [
  { ...hs, name: "hset", arity: -4, flags: ["write", "denyoom", "fast"], summary: "Creates or modifies the value of a field in a hash.", since: "2.0.0", complexity: "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.", keySpecs: one(["RW", "UPDATE"]), handler: (ctx, argv) => hsetGeneric(ctx, argv, "hset") },
  { ...hs, name: "hsetnx", arity: 4, flags: ["write", "denyoom", "fast"], summary: "Sets the value of a field in a hash only when the field doesn't exist.", since: "2.0.0", complexity: "O(1)", keySpecs: one(["RW", "INSERT"]), handler: hsetnx },
  { ...hs, name: "hget", arity: 3, flags: ["readonly", "fast"], summary: "Returns the value of a field in a hash.", since: "2.0.0", complexity: "O(1)", keySpecs: one(["RO", "ACCESS"]), handler: hget },
  { ...hs, name: "hmget", arity: -3, flags: ["readonly", "fast"], summary: "Returns the values of all fields in a hash.", since: "2.0.0", complexity: "O(N) where N is the number of fields being requested.", keySpecs: one(["RO", "ACCESS"]), handler: hmget },
  { ...hs, name: "hmset", arity: -4, flags: ["write", "denyoom", "fast"], summary: "Sets the values of multiple fields.", since: "2.0.0", complexity: "O(N) where N is the number of fields being set.", docFlags: ["deprecated"], deprecatedSince: "4.0.0", replacedBy: "`HSET` with multiple field-value pairs", keySpecs: one(["RW", "UPDATE"]), handler: (ctx, argv) => hsetGeneric(ctx, argv, "hmset") },
  { ...hs, name: "hdel", arity: -3, flags: ["write", "fast"], summary: "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.", since: "2.0.0", complexity: "O(N) where N is the number of fields to be removed.", keySpecs: one(["RW", "DELETE"]), handler: hdel },
  { ...hs, name: "hlen", arity: 2, flags: ["readonly", "fast"], summary: "Returns the number of fields in a hash.", since: "2.0.0", complexity: "O(1)", keySpecs: one(["RO"]), handler: hlen },
  { ...hs, name: "hstrlen", arity: 3, flags: ["readonly", "fast"], summary: "Returns the length of the value of a field.", since: "3.2.0", complexity: "O(1)", keySpecs: one(["RO"]), handler: hstrlen },
  { ...hs, name: "hexists", arity: 3, flags: ["readonly", "fast"], summary: "Determines whether a field exists in a hash.", since: "2.0.0", complexity: "O(1)", keySpecs: one(["RO"]), handler: hexists },
  { ...hs, name: "hkeys", arity: 2, flags: ["readonly"], summary: "Returns all fields in a hash.", since: "2.0.0", complexity: "O(N) where N is the size of the hash.", tips: ["nondeterministic_output_order"], keySpecs: one(["RO", "ACCESS"]), handler: (ctx, argv) => hgetallGeneric(ctx, argv, "keys") },
  { ...hs, name: "hvals", arity: 2, flags: ["readonly"], summary: "Returns all values in a hash.", since: "2.0.0", complexity: "O(N) where N is the size of the hash.", tips: ["nondeterministic_output_order"], keySpecs: one(["RO", "ACCESS"]), handler: (ctx, argv) => hgetallGeneric(ctx, argv, "values") },
  { ...hs, name: "hgetall", arity: 2, flags: ["readonly"], summary: "Returns all fields and values in a hash.", since: "2.0.0", complexity: "O(N) where N is the size of the hash.", tips: ["nondeterministic_output_order"], keySpecs: one(["RO", "ACCESS"]), handler: (ctx, argv) => hgetallGeneric(ctx, argv, "both") },
  { ...hs, name: "hincrby", arity: 4, flags: ["write", "denyoom", "fast"], summary: "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.", since: "2.0.0", complexity: "O(1)", keySpecs: one(["RW", "ACCESS", "UPDATE"]), handler: hincrby },
  { ...hs, name: "hincrbyfloat", arity: 4, flags: ["write", "denyoom", "fast"], summary: "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.", since: "2.6.0", complexity: "O(1)", keySpecs: one(["RW", "ACCESS", "UPDATE"]), handler: hincrbyfloat },
  { ...hs, name: "hrandfield", arity: -2, flags: ["readonly"], summary: "Returns one or more random fields from a hash.", since: "6.2.0", complexity: "O(N) where N is the number of fields returned", tips: ["nondeterministic_output"], keySpecs: one(["RO", "ACCESS"]), handler: hrandfield },
  { ...hs, name: "hscan", arity: -3, flags: ["readonly"], summary: "Iterates over fields and values of a hash.", since: "2.8.0", complexity: scanComplexity, tips: ["nondeterministic_output"], keySpecs: one(["RO", "ACCESS"]), handler: hscan },
];
