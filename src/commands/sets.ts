// Set commands: SADD/SREM/SMOVE, membership and cardinality, SMEMBERS and the set algebra (SINTER,
// SINTERCARD, SUNION, SDIFF and their STORE forms), SPOP/SRANDMEMBER and SSCAN. Redis 7.0 keeps a set of
// up to 512 integers as a sorted intset and replies it in ascending order; Bunker does the same for such
// sets, so they read back byte-identical. Other sets are hash tables in Redis, whose order Bunker cannot
// reproduce (it replies insertion order; the differential cases sort those replies).
import { notify } from "../server/notify.ts";
import type { CommandContext, CommandSpec, KeySpec } from "./types.ts";
import { keys } from "./types.ts";
import { latin1 } from "./args.ts";
import { newEntry, type SetEntry } from "../keyspace/entry.ts";
import { intsetValues } from "../keyspace/encodings.ts";
import { errNotInteger, errPositive, errSyntax, errWrongType } from "../protocol/errors.ts";
import { parseIntegerStrict } from "../protocol/numbers.ts";
import { word } from "./args.ts";
import { distinctIndices, randomIndex, replyScan, scanCursorArg, scanOptions, scanPage } from "./collection-scan.ts";

const INT64_MAX = (1n << 63n) - 1n;
/** -LONG_MAX..LONG_MAX: the range SRANDMEMBER accepts for its count. */
const errCountRange = `ERR value is out of range, value must between ${-INT64_MAX} and ${INT64_MAX}`;

/** The set at `key`: undefined when missing, false after replying WRONGTYPE. */
function lookupSet(ctx: CommandContext, key: string, forWrite: boolean): SetEntry | undefined | false {
  const e = forWrite ? ctx.db.getForWrite(key) : ctx.db.get(key);
  if (e === undefined) return undefined;
  if (e.type !== "set") {
    ctx.reply.error(errWrongType);
    return false;
  }
  return e;
}

function keyOf(argv: readonly Uint8Array[], i: number): string {
  return latin1(argv[i] as Uint8Array);
}

/** The members in reply order: ascending for an intset (as Redis), insertion order otherwise. */
function orderedMembers(members: Set<string>): string[] {
  const values = intsetValues(members);
  const list = [...members];
  if (values === null) return list;
  return list.sort((a, b) => {
    const x = values.get(a) as bigint;
    const y = values.get(b) as bigint;
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

function replySet(ctx: CommandContext, members: Set<string>): void {
  const list = orderedMembers(members);
  ctx.reply.setHeader(list.length);
  for (const m of list) ctx.reply.bulk(m);
}

// ---------------------------------------------------------------------------------------------------
// SADD, SREM, SMOVE

function sadd(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const key = keyOf(argv, 1);
  const present = lookupSet(ctx, key, false);
  if (present === false) return;
  let fresh = present === undefined;
  for (let i = 2; i < argv.length && !fresh; i++) fresh = present?.data.has(keyOf(argv, i)) !== true;
  // Every member already there: not a write (no WATCH invalidation, nothing logged), as in Redis.
  if (!fresh) return ctx.reply.integer(0);
  let e = lookupSet(ctx, key, true);
  if (e === false) return;
  if (e === undefined) {
    e = newEntry("set", new Set<string>());
    ctx.db.set(key, e);
  }
  let added = 0;
  for (let i = 2; i < argv.length; i++) {
    const m = keyOf(argv, i);
    if (!e.data.has(m)) {
      e.data.add(m);
      added++;
    }
  }
  if (added > 0) {
    ctx.dirty += added;
    notify(ctx, "set", "sadd", key);
  }
  ctx.reply.integer(added);
}

function srem(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const key = keyOf(argv, 1);
  const present = lookupSet(ctx, key, false);
  if (present === false) return;
  let any = false;
  for (let i = 2; i < argv.length && present !== undefined && !any; i++) any = present.data.has(keyOf(argv, i));
  // Nothing to remove: not a write (no WATCH invalidation, nothing logged), as in Redis.
  if (present === undefined || !any) return ctx.reply.integer(0);
  const e = lookupSet(ctx, key, true) as SetEntry;
  let removed = 0;
  for (let i = 2; i < argv.length; i++) if (e.data.delete(keyOf(argv, i))) removed++;
  ctx.dirty += removed;
  notify(ctx, "set", "srem", key);
  if (e.data.size === 0) {
    ctx.db.delete(key);
    notify(ctx, "generic", "del", key);
  }
  ctx.reply.integer(removed);
}

function smove(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const source = keyOf(argv, 1);
  const destination = keyOf(argv, 2);
  const member = keyOf(argv, 3);
  const src = ctx.db.get(source);
  const dst = ctx.db.get(destination);
  // A missing source answers 0 before the destination's type is checked (as Redis does).
  if (src === undefined) return ctx.reply.integer(0);
  if (src.type !== "set" || (dst !== undefined && dst.type !== "set")) return ctx.reply.error(errWrongType);
  if (source === destination || !src.data.has(member)) return ctx.reply.integer(src.data.has(member) ? 1 : 0);
  const from = lookupSet(ctx, source, true) as SetEntry;
  from.data.delete(member);
  ctx.dirty++;
  notify(ctx, "set", "srem", source);
  if (from.data.size === 0) {
    ctx.db.delete(source);
    notify(ctx, "generic", "del", source);
  }
  // The destination is taken for writing (WATCH, logging) only when the member is added, as Redis.
  const existing = ctx.db.peek(destination) as SetEntry | undefined;
  if (existing === undefined || !existing.data.has(member)) {
    let to = existing === undefined ? undefined : (lookupSet(ctx, destination, true) as SetEntry);
    if (to === undefined) {
      to = newEntry("set", new Set<string>());
      ctx.db.set(destination, to);
    }
    to.data.add(member);
    ctx.dirty++;
    notify(ctx, "set", "sadd", destination);
  }
  ctx.reply.integer(1);
}

// ---------------------------------------------------------------------------------------------------
// Reads

function scard(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const e = lookupSet(ctx, keyOf(argv, 1), false);
  if (e === false) return;
  ctx.reply.integer(e === undefined ? 0 : e.data.size);
}

function sismember(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const e = lookupSet(ctx, keyOf(argv, 1), false);
  if (e === false) return;
  ctx.reply.integer(e !== undefined && e.data.has(keyOf(argv, 2)) ? 1 : 0);
}

function smismember(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const e = lookupSet(ctx, keyOf(argv, 1), false);
  if (e === false) return;
  ctx.reply.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) ctx.reply.integer(e !== undefined && e.data.has(keyOf(argv, i)) ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------------
// Set algebra

/** Looks up every source (all type-checked first, as Redis does); null after replying WRONGTYPE. */
function lookupSources(ctx: CommandContext, names: readonly string[]): (Set<string> | undefined)[] | null {
  const sets: (Set<string> | undefined)[] = [];
  for (const name of names) {
    const e = ctx.db.lookupRead(name); // lookupKeyRead, also for the *STORE variants
    if (e !== undefined && e.type !== "set") {
      ctx.reply.error(errWrongType);
      return null;
    }
    sets.push(e?.data);
  }
  return sets;
}

/** Stores a STORE command's result (overwriting any type), or deletes the destination when empty. */
function storeResult(ctx: CommandContext, destination: string, result: Set<string>, event: string): void {
  ctx.dirty++;
  if (result.size > 0) {
    ctx.db.set(destination, newEntry("set", result));
    ctx.reply.integer(result.size);
    notify(ctx, "set", event, destination);
    return;
  }
  ctx.reply.integer(0);
  if (ctx.db.delete(destination)) notify(ctx, "generic", "del", destination);
}

interface InterCall {
  readonly destination: string | null;
  readonly cardinalityOnly: boolean;
  /** SINTERCARD's LIMIT; 0 is no limit. */
  readonly limit: number;
}

function sinterGeneric(ctx: CommandContext, names: readonly string[], call: InterCall): void {
  const found = lookupSources(ctx, names);
  if (found === null) return;
  if (found.some((s) => s === undefined)) {
    // An empty set makes the intersection empty: answered before any work (the destination goes first).
    if (call.destination !== null) {
      ctx.dirty++;
      if (ctx.db.delete(call.destination)) notify(ctx, "generic", "del", call.destination);
      ctx.reply.integer(0);
    } else if (call.cardinalityOnly) ctx.reply.integer(0);
    else ctx.reply.setHeader(0);
    return;
  }
  const sets = (found as Set<string>[]).slice().sort((a, b) => a.size - b.size);
  const [smallest, ...others] = sets as [Set<string>, ...Set<string>[]];
  const result = new Set<string>();
  for (const m of orderedMembers(smallest)) {
    if (!others.every((s) => s.has(m))) continue;
    result.add(m);
    if (call.cardinalityOnly && call.limit > 0 && result.size >= call.limit) break;
  }
  if (call.destination !== null) storeResult(ctx, call.destination, result, "sinterstore");
  else if (call.cardinalityOnly) ctx.reply.integer(result.size);
  else replySet(ctx, result);
}

function sunionDiffGeneric(ctx: CommandContext, names: readonly string[], op: "union" | "diff", destination: string | null): void {
  const sets = lookupSources(ctx, names);
  if (sets === null) return;
  const result = new Set<string>();
  if (op === "union") {
    for (const s of sets) if (s !== undefined) for (const m of s) result.add(m);
  } else if (sets[0] !== undefined) {
    for (const m of sets[0]) {
      let keep = true;
      for (let i = 1; i < sets.length && keep; i++) if (sets[i]?.has(m) === true) keep = false;
      if (keep) result.add(m);
    }
  }
  if (destination !== null) storeResult(ctx, destination, result, op === "union" ? "sunionstore" : "sdiffstore");
  else replySet(ctx, result);
}

function sintercard(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const numKeys = parseIntegerStrict(argv[1] as Uint8Array);
  if (numKeys === null || numKeys < 1n) return ctx.reply.error("ERR numkeys should be greater than 0");
  if (numKeys > BigInt(argv.length - 2)) return ctx.reply.error("ERR Number of keys can't be greater than number of args");
  const n = Number(numKeys);
  let limit = 0;
  for (let i = 2 + n; i < argv.length; i++) {
    if (word(argv[i]) === "limit" && i + 1 < argv.length) {
      const v = parseIntegerStrict(argv[++i] as Uint8Array);
      if (v === null || v < 0n) return ctx.reply.error("ERR LIMIT can't be negative");
      limit = v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
    } else return ctx.reply.error(errSyntax);
  }
  const names: string[] = [];
  for (let i = 2; i < 2 + n; i++) names.push(keyOf(argv, i));
  sinterGeneric(ctx, names, { destination: null, cardinalityOnly: true, limit });
}

function keysFrom(argv: readonly Uint8Array[], from: number): string[] {
  const names: string[] = [];
  for (let i = from; i < argv.length; i++) names.push(keyOf(argv, i));
  return names;
}

// ---------------------------------------------------------------------------------------------------
// SPOP, SRANDMEMBER

function memberAt(members: Set<string>, at: number): string {
  let i = 0;
  for (const m of members) if (i++ === at) return m;
  throw new Error(`set member index ${at} out of ${members.size}`);
}

function spop(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  if (argv.length === 3) return spopWithCount(ctx, argv);
  if (argv.length > 3) return ctx.reply.error(errSyntax);
  const key = keyOf(argv, 1);
  const e = lookupSet(ctx, key, true);
  if (e === false) return;
  if (e === undefined) return ctx.reply.nullBulk();
  const member = memberAt(e.data, randomIndex(ctx, e.data.size));
  e.data.delete(member);
  ctx.dirty++;
  ctx.propagate(["SREM", argv[1] as Uint8Array, member]);
  notify(ctx, "set", "spop", key);
  ctx.reply.bulk(member);
  if (e.data.size === 0) {
    ctx.db.delete(key);
    notify(ctx, "generic", "del", key);
  }
}

function spopWithCount(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const raw = parseIntegerStrict(argv[2] as Uint8Array);
  if (raw === null || raw < 0n) return ctx.reply.error(errPositive);
  const key = keyOf(argv, 1);
  const present = lookupSet(ctx, key, false);
  if (present === false) return;
  if (present === undefined || raw === 0n) return ctx.reply.setHeader(0);
  const e = lookupSet(ctx, key, true) as SetEntry;
  notify(ctx, "set", "spop", key);
  ctx.dirty++;
  if (raw >= BigInt(e.data.size)) {
    // The whole set: replied in its order, then the key goes.
    replySet(ctx, e.data);
    ctx.db.delete(key);
    ctx.propagate(["DEL", argv[1] as Uint8Array]);
    notify(ctx, "generic", "del", key);
    return;
  }
  const members = [...e.data];
  const picks = distinctIndices(ctx, members.length, Number(raw)).map((i) => members[i] as string);
  for (const m of picks) e.data.delete(m);
  ctx.propagate(["SREM", argv[1] as Uint8Array, ...picks]);
  ctx.reply.setHeader(picks.length);
  for (const m of picks) ctx.reply.bulk(m);
}

function srandmember(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  if (argv.length === 3) return srandmemberWithCount(ctx, argv);
  if (argv.length > 3) return ctx.reply.error(errSyntax);
  const e = lookupSet(ctx, keyOf(argv, 1), false);
  if (e === false) return;
  if (e === undefined) return ctx.reply.nullBulk();
  ctx.reply.bulk(memberAt(e.data, randomIndex(ctx, e.data.size)));
}

function srandmemberWithCount(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const raw = parseIntegerStrict(argv[2] as Uint8Array);
  if (raw === null) return ctx.reply.error(errNotInteger);
  if (raw < -INT64_MAX) return ctx.reply.error(errCountRange);
  const e = lookupSet(ctx, keyOf(argv, 1), false);
  if (e === false) return;
  if (e === undefined || raw === 0n) return ctx.reply.arrayHeader(0);
  const members = orderedMembers(e.data);
  const size = members.length;
  let picks: string[];
  if (raw < 0n) {
    const n = Number(-raw);
    picks = [];
    for (let i = 0; i < n; i++) picks.push(members[randomIndex(ctx, size)] as string);
  } else if (raw >= BigInt(size)) picks = members;
  else picks = distinctIndices(ctx, size, Number(raw)).map((i) => members[i] as string);
  ctx.reply.arrayHeader(picks.length);
  for (const m of picks) ctx.reply.bulk(m);
}

// ---------------------------------------------------------------------------------------------------
// SSCAN

function sscan(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const cursor = scanCursorArg(ctx, argv[2] as Uint8Array);
  if (cursor === null) return;
  const e = lookupSet(ctx, keyOf(argv, 1), false);
  if (e === false) return;
  if (e === undefined) return replyScan(ctx, 0, []);
  const options = scanOptions(ctx, argv, 3);
  if (options === null) return;
  let members: string[];
  let next = 0;
  if (intsetValues(e.data) !== null) members = orderedMembers(e.data);
  else {
    const page = scanPage(e.data, cursor, options.count);
    members = page.names;
    next = page.next;
  }
  const matches = options.matches;
  replyScan(ctx, next, matches === null ? members : members.filter((m) => matches(m)));
}

// ---------------------------------------------------------------------------------------------------
// Declarations

const st = { group: "set", acl: ["set"] } as const;
const one = (flags: KeySpec["flags"]): KeySpec[] => [keys.one(1, flags)];
const readAll: KeySpec[] = [keys.range(1, -1, 1, ["RO", "ACCESS"])];
const storeSpecs = (destination: KeySpec["flags"]): KeySpec[] => [keys.one(1, destination), keys.range(2, -1, 1, ["RO", "ACCESS"])];

export const setCommands: CommandSpec[] = [
  { ...st, name: "sadd", arity: -3, flags: ["write", "denyoom", "fast"], summary: "Adds one or more members to a set. Creates the key if it doesn't exist.", since: "1.0.0", complexity: "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", keySpecs: one(["RW", "INSERT"]), handler: sadd },
  { ...st, name: "srem", arity: -3, flags: ["write", "fast"], summary: "Removes one or more members from a set. Deletes the set if the last member was removed.", since: "1.0.0", complexity: "O(N) where N is the number of members to be removed.", keySpecs: one(["RW", "DELETE"]), handler: srem },
  { ...st, name: "scard", arity: 2, flags: ["readonly", "fast"], summary: "Returns the number of members in a set.", since: "1.0.0", complexity: "O(1)", keySpecs: one(["RO"]), handler: scard },
  { ...st, name: "sismember", arity: 3, flags: ["readonly", "fast"], summary: "Determines whether a member belongs to a set.", since: "1.0.0", complexity: "O(1)", keySpecs: one(["RO"]), handler: sismember },
  { ...st, name: "smismember", arity: -3, flags: ["readonly", "fast"], summary: "Determines whether multiple members belong to a set.", since: "6.2.0", complexity: "O(N) where N is the number of elements being checked for membership", keySpecs: one(["RO", "ACCESS"]), handler: smismember },
  { ...st, name: "smembers", arity: 2, flags: ["readonly"], summary: "Returns all members of a set.", since: "1.0.0", complexity: "O(N) where N is the set cardinality.", tips: ["nondeterministic_output_order"], keySpecs: one(["RO", "ACCESS"]), handler: (ctx, argv) => sinterGeneric(ctx, [keyOf(argv, 1)], { destination: null, cardinalityOnly: false, limit: 0 }) },
  { ...st, name: "srandmember", arity: -2, flags: ["readonly"], summary: "Get one or multiple random members from a set", since: "1.0.0", complexity: "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.", tips: ["nondeterministic_output"], keySpecs: one(["RO", "ACCESS"]), handler: srandmember },
  { ...st, name: "spop", arity: -2, flags: ["write", "fast"], summary: "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.", since: "1.0.0", complexity: "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.", tips: ["nondeterministic_output"], keySpecs: one(["RW", "ACCESS", "DELETE"]), handler: spop },
  { ...st, name: "smove", arity: 4, flags: ["write", "fast"], summary: "Moves a member from one set to another.", since: "1.0.0", complexity: "O(1)", keySpecs: [keys.one(1, ["RW", "ACCESS", "DELETE"]), keys.one(2, ["RW", "INSERT"])], handler: smove },
  { ...st, name: "sinter", arity: -2, flags: ["readonly"], summary: "Returns the intersect of multiple sets.", since: "1.0.0", complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.", tips: ["nondeterministic_output_order"], keySpecs: readAll, handler: (ctx, argv) => sinterGeneric(ctx, keysFrom(argv, 1), { destination: null, cardinalityOnly: false, limit: 0 }) },
  { ...st, name: "sintercard", arity: -3, flags: ["readonly"], summary: "Returns the number of members of the intersect of multiple sets.", since: "7.0.0", complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.", keySpecs: [keys.keynum(1, ["RO", "ACCESS"])], handler: sintercard },
  { ...st, name: "sinterstore", arity: -3, flags: ["write", "denyoom"], summary: "Stores the intersect of multiple sets in a key.", since: "1.0.0", complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.", keySpecs: storeSpecs(["RW", "UPDATE"]), handler: (ctx, argv) => sinterGeneric(ctx, keysFrom(argv, 2), { destination: keyOf(argv, 1), cardinalityOnly: false, limit: 0 }) },
  { ...st, name: "sunion", arity: -2, flags: ["readonly"], summary: "Returns the union of multiple sets.", since: "1.0.0", complexity: "O(N) where N is the total number of elements in all given sets.", tips: ["nondeterministic_output_order"], keySpecs: readAll, handler: (ctx, argv) => sunionDiffGeneric(ctx, keysFrom(argv, 1), "union", null) },
  { ...st, name: "sunionstore", arity: -3, flags: ["write", "denyoom"], summary: "Stores the union of multiple sets in a key.", since: "1.0.0", complexity: "O(N) where N is the total number of elements in all given sets.", keySpecs: storeSpecs(["OW", "UPDATE"]), handler: (ctx, argv) => sunionDiffGeneric(ctx, keysFrom(argv, 2), "union", keyOf(argv, 1)) },
  { ...st, name: "sdiff", arity: -2, flags: ["readonly"], summary: "Returns the difference of multiple sets.", since: "1.0.0", complexity: "O(N) where N is the total number of elements in all given sets.", tips: ["nondeterministic_output_order"], keySpecs: readAll, handler: (ctx, argv) => sunionDiffGeneric(ctx, keysFrom(argv, 1), "diff", null) },
  { ...st, name: "sdiffstore", arity: -3, flags: ["write", "denyoom"], summary: "Stores the difference of multiple sets in a key.", since: "1.0.0", complexity: "O(N) where N is the total number of elements in all given sets.", keySpecs: storeSpecs(["OW", "UPDATE"]), handler: (ctx, argv) => sunionDiffGeneric(ctx, keysFrom(argv, 2), "diff", keyOf(argv, 1)) },
  { ...st, name: "sscan", arity: -3, flags: ["readonly"], summary: "Iterates over members of a set.", since: "2.8.0", complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.", tips: ["nondeterministic_output"], keySpecs: one(["RO", "ACCESS"]), handler: sscan },
];
