// Generic key commands: DEL, UNLINK, EXISTS, TYPE, KEYS, SCAN, RANDOMKEY, RENAME, RENAMENX, COPY, MOVE,
// TOUCH, OBJECT, the EXPIRE family, TTL/PTTL, EXPIRETIME/PEXPIRETIME and PERSIST.
import type { CommandContext, CommandSpec } from "./types.ts";
import { keys } from "./types.ts";
import { latin1, word, intArg } from "./args.ts";
import { newEntry, newStringEntry, stringInMemory, type Entry } from "../keyspace/entry.ts";
import { Deque } from "../keyspace/deque.ts";
import { SortedSet } from "../keyspace/sorted-set.ts";
import { hashIsListpack, intsetValues, ZSET_LISTPACK_ENTRIES_MAX } from "../keyspace/encodings.ts";
import type { KeyMap } from "../keyspace/key-map.ts";
import { globMatcher } from "../keyspace/glob.ts";
import { forceStringEncoding, forcedStringEncoding, stringEncoding, stringRefcount } from "../keyspace/string-encoding.ts";
import { errDbIndexOutOfRange, errInvalidCursor, errInvalidExpireTime, errNoSuchKey, errNotInteger, errSyntax } from "../protocol/errors.ts";
import { isCSpace, parseInteger } from "../protocol/numbers.ts";
import { notify } from "../server/notify.ts";

function del(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) {
    const key = latin1(argv[i] as Uint8Array);
    if (!ctx.db.delete(key)) continue;
    notify(ctx, "generic", "del", key);
    n++;
  }
  ctx.dirty += n;
  ctx.reply.integer(n);
}

function exists(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (ctx.db.peekRead(latin1(argv[i] as Uint8Array)) !== undefined) n++;
  ctx.reply.integer(n);
}

const errSameObject = "ERR source and destination objects are the same";
const errIntRange = "ERR value is out of range, value must between -2147483648 and 2147483647";

function keyArg(argv: readonly Uint8Array[], i: number): string {
  return latin1(argv[i] as Uint8Array);
}

function type(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const e = ctx.db.peekRead(keyArg(argv, 1));
  ctx.reply.simple(e === undefined ? "none" : e.type);
}

function keysCommand(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const matches = globMatcher(keyArg(argv, 1));
  const found: string[] = [];
  for (const k of ctx.db.keys()) if (matches(k)) found.push(k);
  ctx.reply.arrayHeader(found.length);
  for (const k of found) ctx.reply.bulk(k);
}

/** strtoul's range: a larger magnitude sets ERANGE, which Redis rejects. */
const ULONG_MAX = 0xffff_ffff_ffff_ffffn;

/**
 * Redis parseScanCursorOrReply: strtoul in base 10 over a C string, so the text ends at its first NUL
 * byte. No leading space, an optional sign (a negative wraps modulo 2^64, as in C), and the digits must
 * reach that end; no digits at all is valid only when the text is empty, since strtoul then stops at
 * the very start, which must be the end. Shared by SCAN, HSCAN, SSCAN and ZSCAN.
 */
export function parseScanCursor(arg: Uint8Array): bigint | null {
  const nul = arg.indexOf(0);
  const end = nul === -1 ? arg.length : nul;
  if (end === 0) return 0n;
  if (isCSpace(arg[0] as number)) return null;
  const negative = arg[0] === 45; /* - */
  const digitsFrom = negative || arg[0] === 43 /* + */ ? 1 : 0;
  let i = digitsFrom;
  while (i < end && (arg[i] as number) >= 48 && (arg[i] as number) <= 57) i++;
  if (i === digitsFrom || i !== end) return null;
  const magnitude = BigInt(latin1(arg.subarray(digitsFrom, end)));
  if (magnitude > ULONG_MAX) return null;
  return negative && magnitude !== 0n ? (1n << 64n) - magnitude : magnitude;
}

/** Slots examined per requested key before SCAN returns anyway (bounds a call over a sparse index). */
const SCAN_EMPTY_SLOTS_PER_COUNT = 10;

/**
 * SCAN over the shards' key maps (see keyspace/key-map.ts). A cursor is a position in the interleaved
 * slot order: position p names slot floor((p-1) / shards) of shard (p-1) % shards, so cursor 0 is the
 * start and the end. A key present for the whole scan keeps its slot and is returned exactly once.
 */
function scan(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const cursor = parseScanCursor(argv[1] as Uint8Array);
  if (cursor === null) return ctx.reply.error(errInvalidCursor);
  let count = 10;
  let pattern: string | null = null;
  let typeName: string | null = null;
  for (let i = 2; i < argv.length; i += 2) {
    const opt = word(argv[i]);
    const more = i + 1 < argv.length;
    if (opt === "count" && more) {
      const n = intArg(ctx, argv[i + 1]);
      if (n === null) return;
      if (n < 1) return ctx.reply.error(errSyntax);
      count = n;
    } else if (opt === "match" && more) pattern = keyArg(argv, i + 1);
    else if (opt === "type" && more) typeName = keyArg(argv, i + 1).toLowerCase();
    else return ctx.reply.error(errSyntax);
  }
  const matches = pattern === null ? null : globMatcher(pattern);
  const maps: KeyMap[] = [];
  for (const db of ctx.db.shardDbs()) maps.push(db.map);
  const shards = maps.length;
  let end = 0;
  for (const m of maps) end = Math.max(end, m.slotCount * shards);
  const found: string[] = [];
  let position = cursor === 0n ? 0 : cursor > BigInt(end) ? end : Number(cursor) - 1;
  let examined = 0;
  let emptyBudget = count * SCAN_EMPTY_SLOTS_PER_COUNT;
  while (position < end && examined < count && emptyBudget > 0) {
    const key = (maps[position % shards] as KeyMap).keyAt(Math.floor(position / shards));
    position++;
    if (key === null) {
      emptyBudget--;
      continue;
    }
    examined++;
    // peek applies lazy expiry, as Redis's scan does for each key it returns.
    const e = ctx.db.peek(key);
    if (e === undefined) continue;
    if (matches !== null && !matches(key)) continue;
    if (typeName !== null && typeName !== e.type) continue;
    found.push(key);
  }
  ctx.reply.arrayHeader(2);
  ctx.reply.bulk(position >= end ? "0" : String(position + 1));
  ctx.reply.arrayHeader(found.length);
  for (const k of found) ctx.reply.bulk(k);
}

/** Tries for a used slot before falling back to walking the chosen shard's keys. */
const RANDOM_SLOT_TRIES = 32;

function randomkey(ctx: CommandContext): void {
  const maps: KeyMap[] = [];
  for (const db of ctx.db.shardDbs()) maps.push(db.map);
  for (;;) {
    let total = 0;
    for (const m of maps) total += m.size;
    if (total === 0) return ctx.reply.nullBulk();
    let r = Math.floor(ctx.random() * total);
    let map = maps[0] as KeyMap;
    for (const m of maps) {
      map = m;
      if (r < m.size) break;
      r -= m.size;
    }
    let key: string | null = null;
    for (let t = 0; t < RANDOM_SLOT_TRIES && key === null; t++) key = map.keyAt(Math.floor(ctx.random() * map.slotCount));
    if (key === null) {
      for (const k of map.keys()) if (r-- === 0) key = k;
    }
    if (key === null) return ctx.reply.nullBulk();
    // An expired key is deleted and another is drawn, as Redis's dbRandomKey does.
    if (ctx.db.peek(key) !== undefined) return ctx.reply.bulk(key);
  }
}

function renameGeneric(ctx: CommandContext, argv: readonly Uint8Array[], nx: boolean): void {
  const src = keyArg(argv, 1);
  const dst = keyArg(argv, 2);
  const e = ctx.db.get(src);
  if (e === undefined) return ctx.reply.error(errNoSuchKey);
  if (src === dst) return nx ? ctx.reply.integer(0) : ctx.reply.ok();
  if (ctx.db.get(dst) !== undefined) {
    if (nx) return ctx.reply.integer(0);
    ctx.db.delete(dst);
  }
  ctx.db.delete(src);
  ctx.db.set(dst, e);
  ctx.dirty++;
  notify(ctx, "generic", "rename_from", src);
  notify(ctx, "generic", "rename_to", dst);
  if (nx) ctx.reply.integer(1);
  else ctx.reply.ok();
}

function rename(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  renameGeneric(ctx, argv, false);
}

function renamenx(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  renameGeneric(ctx, argv, true);
}

/** A deep copy of an entry's value and expiry (COPY): nothing is shared with the source. */
export function copyEntry(e: Entry): Entry {
  let copy: Entry;
  switch (e.type) {
    case "string": {
      const s = newStringEntry(e.data as string, e.expireAt);
      forceStringEncoding(s, forcedStringEncoding(e) ?? null);
      return s;
    }
    case "hash":
      copy = newEntry("hash", new Map(e.data));
      break;
    case "list":
      copy = newEntry("list", Deque.from(e.data.toArray()));
      break;
    case "set":
      copy = newEntry("set", new Set(e.data));
      break;
    case "zset": {
      const skiplist = e.data.encoding === "skiplist";
      const z = new SortedSet({ sizeHint: skiplist ? ZSET_LISTPACK_ENTRIES_MAX + 1 : 0, memberBytesMax: 0 });
      for (const [member, score] of e.data.byRank(0, e.data.size - 1)) z.add(member, score);
      copy = newEntry("zset", z);
      break;
    }
  }
  copy.expireAt = e.expireAt;
  return copy;
}

/** A DB index argument (getIntFromObjectOrReply, then the databases range); null after the error. */
function dbIndexArg(ctx: CommandContext, arg: Uint8Array | undefined): number | null {
  const v = arg ? parseInteger(arg) : null;
  if (v === null) {
    ctx.reply.error(errNotInteger);
    return null;
  }
  if (v < -2147483648 || v > 2147483647) {
    ctx.reply.error(errIntRange);
    return null;
  }
  const n = Number(v);
  if (n < 0 || n >= ctx.server.config.int("databases")) {
    ctx.reply.error(errDbIndexOutOfRange);
    return null;
  }
  return n;
}

/** Runs `body` with the view switched to database `db` (COPY DB, MOVE), then switches back. */
function inDb<T>(ctx: CommandContext, db: number, body: () => T): T {
  const saved = ctx.db.index;
  ctx.db.index = db;
  try {
    return body();
  } finally {
    ctx.db.index = saved;
  }
}

function copy(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const src = keyArg(argv, 1);
  const dst = keyArg(argv, 2);
  let replace = false;
  let dstDb = ctx.db.index;
  for (let i = 3; i < argv.length; i++) {
    const opt = word(argv[i]);
    if (opt === "replace") replace = true;
    else if (opt === "db" && i + 1 < argv.length) {
      const n = dbIndexArg(ctx, argv[i + 1]);
      if (n === null) return;
      dstDb = n;
      i++;
    } else return ctx.reply.error(errSyntax);
  }
  if (dstDb === ctx.db.index && src === dst) return ctx.reply.error(errSameObject);
  const e = ctx.db.lookupRead(src); // Redis's copyCommand reads its source with lookupKeyRead
  if (e === undefined) return ctx.reply.integer(0);
  const done = inDb(ctx, dstDb, () => {
    if (ctx.db.get(dst) !== undefined) {
      if (!replace) return false;
      ctx.db.delete(dst);
    }
    ctx.db.set(dst, copyEntry(e));
    notify(ctx, "generic", "copy_to", dst);
    return true;
  });
  if (!done) return ctx.reply.integer(0);
  ctx.dirty++;
  ctx.reply.integer(1);
}

function move(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const key = keyArg(argv, 1);
  const dstDb = dbIndexArg(ctx, argv[2]);
  if (dstDb === null) return;
  if (dstDb === ctx.db.index) return ctx.reply.error(errSameObject);
  const e = ctx.db.get(key);
  if (e === undefined) return ctx.reply.integer(0);
  const moved = inDb(ctx, dstDb, () => {
    if (ctx.db.get(key) !== undefined) return false;
    ctx.db.set(key, e);
    return true;
  });
  if (!moved) return ctx.reply.integer(0);
  ctx.db.delete(key);
  ctx.dirty++;
  notify(ctx, "generic", "move_from", key);
  inDb(ctx, dstDb, () => notify(ctx, "generic", "move_to", key));
  ctx.reply.integer(1);
}

function touch(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (ctx.db.get(keyArg(argv, i)) !== undefined) n++;
  ctx.reply.integer(n);
}

const expireNX = 1;
const expireXX = 2;
const expireGT = 4;
const expireLT = 8;
const int64Max = 9223372036854775807n;
const int64Min = -9223372036854775808n;

/** Redis's "%s" of user text in an error: up to the first NUL, CR and LF as spaces. */
function errorText(arg: Uint8Array): string {
  const s = latin1(arg);
  const nul = s.indexOf("\0");
  return (nul < 0 ? s : s.slice(0, nul)).replace(/[\r\n]/g, " ");
}

/** Redis expireGenericCommand: `basetime` is 0 for absolute times, now for relative ones. */
function expireGeneric(ctx: CommandContext, argv: readonly Uint8Array[], how: { relative: boolean; seconds: boolean; name: string }): void {
  let flags = 0;
  for (let i = 3; i < argv.length; i++) {
    const opt = word(argv[i]);
    if (opt === "nx") flags |= expireNX;
    else if (opt === "xx") flags |= expireXX;
    else if (opt === "gt") flags |= expireGT;
    else if (opt === "lt") flags |= expireLT;
    else return ctx.reply.error(`ERR Unsupported option ${errorText(argv[i] as Uint8Array)}`);
  }
  if (flags & expireNX && flags & (expireXX | expireGT | expireLT)) {
    return ctx.reply.error("ERR NX and XX, GT or LT options at the same time are not compatible");
  }
  if (flags & expireGT && flags & expireLT) return ctx.reply.error("ERR GT and LT options at the same time are not compatible");
  const raw = parseInteger(argv[2] as Uint8Array);
  if (raw === null) return ctx.reply.error(errNotInteger);
  let when = BigInt(raw);
  if (how.seconds) {
    if (when > int64Max / 1000n || when < int64Min / 1000n) return ctx.reply.error(errInvalidExpireTime(how.name));
    when *= 1000n;
  }
  const basetime = how.relative ? BigInt(ctx.now) : 0n;
  if (when > int64Max - basetime) return ctx.reply.error(errInvalidExpireTime(how.name));
  when += basetime;
  const key = keyArg(argv, 1);
  const e = ctx.db.get(key);
  if (e === undefined) return ctx.reply.integer(0);
  const current = e.expireAt === 0 ? -1n : BigInt(e.expireAt);
  if (flags & expireNX && current !== -1n) return ctx.reply.integer(0);
  if (flags & expireXX && current === -1n) return ctx.reply.integer(0);
  if (flags & expireGT && (when <= current || current === -1n)) return ctx.reply.integer(0);
  if (flags & expireLT && current !== -1n && when >= current) return ctx.reply.integer(0);
  ctx.dirty++;
  if (when <= BigInt(ctx.now) && !ctx.replaying) {
    ctx.db.delete(key);
    ctx.propagate(["DEL", argv[1] as Uint8Array]);
    notify(ctx, "generic", "del", key);
    return ctx.reply.integer(1);
  }
  // A time at or before the epoch can only be replayed here; it must still read as "has an expiry".
  ctx.db.setExpire(key, e, when > 0n ? Number(when) : 1);
  if (how.relative || how.seconds) ctx.propagate(["PEXPIREAT", argv[1] as Uint8Array, when.toString(), ...argv.slice(3)]);
  // Redis replies before notifying here (the deletion branch above notifies first).
  ctx.reply.integer(1);
  notify(ctx, "generic", "expire", key);
}

function expire(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  expireGeneric(ctx, argv, { relative: true, seconds: true, name: "expire" });
}

function pexpire(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  expireGeneric(ctx, argv, { relative: true, seconds: false, name: "pexpire" });
}

function expireat(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  expireGeneric(ctx, argv, { relative: false, seconds: true, name: "expireat" });
}

function pexpireat(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  expireGeneric(ctx, argv, { relative: false, seconds: false, name: "pexpireat" });
}

/** Redis ttlGenericCommand: -2 without the key, -1 without an expiry; seconds round to nearest. */
function ttlGeneric(ctx: CommandContext, argv: readonly Uint8Array[], how: { ms: boolean; absolute: boolean }): void {
  const e = ctx.db.peekRead(keyArg(argv, 1));
  if (e === undefined) return ctx.reply.integer(-2);
  if (e.expireAt === 0) return ctx.reply.integer(-1);
  let t = how.absolute ? e.expireAt : e.expireAt - ctx.now;
  if (t < 0) t = 0;
  ctx.reply.integer(how.ms ? t : Math.floor((t + 500) / 1000));
}

function ttl(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  ttlGeneric(ctx, argv, { ms: false, absolute: false });
}

function pttl(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  ttlGeneric(ctx, argv, { ms: true, absolute: false });
}

function expiretime(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  ttlGeneric(ctx, argv, { ms: false, absolute: true });
}

function pexpiretime(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  ttlGeneric(ctx, argv, { ms: true, absolute: true });
}

function persist(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const key = keyArg(argv, 1);
  const e = ctx.db.get(key);
  if (e === undefined || e.expireAt === 0) return ctx.reply.integer(0);
  ctx.db.setExpire(key, e, 0);
  ctx.dirty++;
  notify(ctx, "generic", "persist", key);
  ctx.reply.integer(1);
}

/** Looks up OBJECT's key without touching it; replies nil when it is missing. */
function objectEntry(ctx: CommandContext, argv: readonly Uint8Array[]): Entry | undefined {
  const key = keyArg(argv, 2);
  let e = ctx.db.peek(key);
  // A cold string's bytes are needed to tell int/embstr/raw apart.
  if (e !== undefined && e.type === "string" && !stringInMemory(e)) e = ctx.db.get(key);
  if (e === undefined) ctx.reply.nullBulk();
  return e;
}

function objectEncoding(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const e = objectEntry(ctx, argv);
  if (e === undefined) return;
  let encoding: string;
  switch (e.type) {
    case "string":
      encoding = stringEncoding(e, e.data as string);
      break;
    case "list":
      encoding = "quicklist";
      break;
    case "hash":
      encoding = hashIsListpack(e.data) ? "listpack" : "hashtable";
      break;
    case "set":
      encoding = intsetValues(e.data) !== null ? "intset" : "hashtable";
      break;
    case "zset":
      encoding = e.data.encoding;
      break;
  }
  ctx.reply.bulk(encoding);
}

function lfuSelected(ctx: CommandContext): boolean {
  return ctx.server.config.maxmemoryPolicy.endsWith("-lfu");
}

function objectFreq(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const e = objectEntry(ctx, argv);
  if (e === undefined) return;
  if (!lfuSelected(ctx)) {
    return ctx.reply.error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
  }
  ctx.reply.integer(e.frequency);
}

function objectIdletime(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const e = objectEntry(ctx, argv);
  if (e === undefined) return;
  if (lfuSelected(ctx)) {
    return ctx.reply.error("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
  }
  // Redis's LRU clock ticks in whole seconds.
  ctx.reply.integer(Math.max(0, Math.floor(ctx.now / 1000) - Math.floor(e.accessedAt / 1000)));
}

function objectRefcount(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const e = objectEntry(ctx, argv);
  if (e === undefined) return;
  if (e.type !== "string") return ctx.reply.integer(1);
  const policy = ctx.server.config.maxmemoryPolicy;
  const sharing = ctx.server.config.int("maxmemory") === 0 || !(policy.endsWith("-lru") || policy.endsWith("-lfu"));
  ctx.reply.integer(stringRefcount(e, e.data as string, sharing));
}

const objectHelpLines = [
  "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "ENCODING <key>",
  "    Return the kind of internal representation used in order to store the value",
  "    associated with a <key>.",
  "FREQ <key>",
  "    Return the access frequency index of the <key>. The returned integer is",
  "    proportional to the logarithm of the recent access frequency of the key.",
  "IDLETIME <key>",
  "    Return the idle time of the <key>, that is the approximated number of",
  "    seconds elapsed since the last access to the key.",
  "REFCOUNT <key>",
  "    Return the number of references of the value associated with the specified",
  "    <key>.",
  "HELP",
  "    Prints this help.",
];

function objectHelp(ctx: CommandContext): void {
  ctx.reply.arrayHeader(objectHelpLines.length);
  for (const line of objectHelpLines) ctx.reply.simple(line);
}

const gen = { group: "generic", acl: ["keyspace"] } as const;

export const keyCommands: CommandSpec[] = [
  { ...gen, name: "del", arity: -2, flags: ["write"], summary: "Deletes one or more keys.", since: "1.0.0", complexity: "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).", tips: ["request_policy:multi_shard", "response_policy:agg_sum"], keySpecs: [keys.range(1, -1, 1, ["RM", "DELETE"])], handler: del },
  { ...gen, name: "unlink", arity: -2, flags: ["write", "fast"], summary: "Asynchronously deletes one or more keys.", since: "4.0.0", complexity: "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.", tips: ["request_policy:multi_shard", "response_policy:agg_sum"], keySpecs: [keys.range(1, -1, 1, ["RM", "DELETE"])], handler: del },
  { ...gen, name: "exists", arity: -2, flags: ["readonly", "fast"], summary: "Determines whether one or more keys exist.", since: "1.0.0", complexity: "O(N) where N is the number of keys to check.", tips: ["request_policy:multi_shard", "response_policy:agg_sum"], keySpecs: [keys.range(1, -1, 1, ["RO"])], handler: exists },
  { name: "type", arity: 2, flags: ["readonly","fast"], ...gen, summary: "Determine the type stored at key", since: "1.0.0", complexity: "O(1)", keySpecs: [{ flags: ["RO"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: type },
  { name: "keys", arity: 2, flags: ["readonly"], acl: ["keyspace","dangerous"], group: "generic", summary: "Find all keys matching the given pattern", since: "1.0.0", complexity: "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.", tips: ["request_policy:all_shards","nondeterministic_output_order"], keySpecs: [], handler: keysCommand },
  { name: "scan", arity: -2, flags: ["readonly"], ...gen, summary: "Incrementally iterate the keys space", since: "2.8.0", complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.", tips: ["nondeterministic_output","request_policy:special"], keySpecs: [], handler: scan },
  { name: "randomkey", arity: 1, flags: ["readonly"], ...gen, summary: "Return a random key from the keyspace", since: "1.0.0", complexity: "O(1)", tips: ["request_policy:all_shards","nondeterministic_output"], keySpecs: [], handler: randomkey },
  { name: "rename", arity: 3, flags: ["write"], ...gen, summary: "Rename a key", since: "1.0.0", complexity: "O(1)", keySpecs: [{ flags: ["RW","ACCESS","DELETE"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }, { flags: ["OW","UPDATE"], beginSearch: { type: "index", index: 2 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: rename },
  { name: "renamenx", arity: 3, flags: ["write","fast"], ...gen, summary: "Rename a key, only if the new key does not exist", since: "1.0.0", complexity: "O(1)", keySpecs: [{ flags: ["RW","ACCESS","DELETE"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }, { flags: ["OW","INSERT"], beginSearch: { type: "index", index: 2 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: renamenx },
  { name: "copy", arity: -3, flags: ["write","denyoom"], ...gen, summary: "Copy a key", since: "6.2.0", complexity: "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.", keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }, { flags: ["OW","UPDATE"], beginSearch: { type: "index", index: 2 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: copy },
  { name: "move", arity: 3, flags: ["write","fast"], ...gen, summary: "Move a key to another database", since: "1.0.0", complexity: "O(1)", keySpecs: [{ flags: ["RW","ACCESS","UPDATE"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: move },
  { name: "touch", arity: -2, flags: ["readonly","fast"], ...gen, summary: "Alters the last access time of a key(s). Returns the number of existing keys specified.", since: "3.2.1", complexity: "O(N) where N is the number of keys that will be touched.", tips: ["request_policy:multi_shard","response_policy:agg_sum"], keySpecs: [{ flags: ["RO"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: -1, keyStep: 1, limit: 0 } }], handler: touch },
  { name: "expire", arity: -3, flags: ["write","fast"], ...gen, summary: "Set a key's time to live in seconds", since: "1.0.0", complexity: "O(1)", keySpecs: [{ flags: ["RW","UPDATE"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: expire },
  { name: "pexpire", arity: -3, flags: ["write","fast"], ...gen, summary: "Set a key's time to live in milliseconds", since: "2.6.0", complexity: "O(1)", keySpecs: [{ flags: ["RW","UPDATE"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: pexpire },
  { name: "expireat", arity: -3, flags: ["write","fast"], ...gen, summary: "Set the expiration for a key as a UNIX timestamp", since: "1.2.0", complexity: "O(1)", keySpecs: [{ flags: ["RW","UPDATE"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: expireat },
  { name: "pexpireat", arity: -3, flags: ["write","fast"], ...gen, summary: "Set the expiration for a key as a UNIX timestamp specified in milliseconds", since: "2.6.0", complexity: "O(1)", keySpecs: [{ flags: ["RW","UPDATE"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: pexpireat },
  { name: "ttl", arity: 2, flags: ["readonly","fast"], ...gen, summary: "Get the time to live for a key in seconds", since: "1.0.0", complexity: "O(1)", tips: ["nondeterministic_output"], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: ttl },
  { name: "pttl", arity: 2, flags: ["readonly","fast"], ...gen, summary: "Get the time to live for a key in milliseconds", since: "2.6.0", complexity: "O(1)", tips: ["nondeterministic_output"], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: pttl },
  { name: "expiretime", arity: 2, flags: ["readonly","fast"], ...gen, summary: "Get the expiration Unix timestamp for a key", since: "7.0.0", complexity: "O(1)", keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: expiretime },
  { name: "pexpiretime", arity: 2, flags: ["readonly","fast"], ...gen, summary: "Get the expiration Unix timestamp for a key in milliseconds", since: "7.0.0", complexity: "O(1)", keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: pexpiretime },
  { name: "persist", arity: 2, flags: ["write","fast"], ...gen, summary: "Remove the expiration from a key", since: "2.2.0", complexity: "O(1)", keySpecs: [{ flags: ["RW","UPDATE"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: persist },
  {
    name: "object", arity: -2, flags: [], acl: [], group: "generic", summary: "A container for object introspection commands", since: "2.2.3", complexity: "Depends on subcommand.", keySpecs: [],
    subcommands: [
      { name: "encoding", group: "generic", arity: 3, flags: ["readonly"], acl: ["keyspace"], summary: "Inspect the internal encoding of a Redis object", since: "2.2.3", complexity: "O(1)", tips: ["nondeterministic_output"], keySpecs: [{ flags: ["RO"], beginSearch: { type: "index", index: 2 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: objectEncoding },
      { name: "freq", group: "generic", arity: 3, flags: ["readonly"], acl: ["keyspace"], summary: "Get the logarithmic access frequency counter of a Redis object", since: "4.0.0", complexity: "O(1)", tips: ["nondeterministic_output"], keySpecs: [{ flags: ["RO"], beginSearch: { type: "index", index: 2 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: objectFreq },
      { name: "idletime", group: "generic", arity: 3, flags: ["readonly"], acl: ["keyspace"], summary: "Get the time since a Redis object was last accessed", since: "2.2.3", complexity: "O(1)", tips: ["nondeterministic_output"], keySpecs: [{ flags: ["RO"], beginSearch: { type: "index", index: 2 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: objectIdletime },
      { name: "refcount", group: "generic", arity: 3, flags: ["readonly"], acl: ["keyspace"], summary: "Get the number of references to the value of the key", since: "2.2.3", complexity: "O(1)", tips: ["nondeterministic_output"], keySpecs: [{ flags: ["RO"], beginSearch: { type: "index", index: 2 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: objectRefcount },
      { name: "help", group: "generic", arity: 2, flags: ["loading","stale"], acl: ["keyspace"], summary: "Show helpful text about the different subcommands", since: "6.2.0", complexity: "O(1)", keySpecs: [], handler: objectHelp },
    ],
  },
];
