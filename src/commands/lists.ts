// List commands: pushes, pops (with counts), indexed access, ranges, trims, inserts, removals, LPOS,
// moves between lists, multi-key pops, and their blocking forms (which wait through server/blocking.ts
// and are logged as their non-blocking forms). An emptied list is deleted, as Redis does.
import type { CommandContext, CommandSpec, KeySpec } from "./types.ts";
import { keys } from "./types.ts";
import { intArg, latin1, word } from "./args.ts";
import { newEntry, latin1Bytes, type Entry, type ListEntry } from "../keyspace/entry.ts";
import { Deque } from "../keyspace/deque.ts";
import { errNoSuchKey, errOutOfRange, errPositive, errSyntax, errWrongType } from "../protocol/errors.ts";
import { parseInteger } from "../protocol/numbers.ts";
import { blockClient, blockedKeyHint, blockingTimeoutArg } from "../server/blocking.ts";
import { notify } from "../server/notify.ts";

type Side = "left" | "right";

/** A list for reading: undefined when missing; false (after writing WRONGTYPE) for another type. */
function readList(ctx: CommandContext, key: string): ListEntry | undefined | false {
  const e = ctx.db.get(key);
  if (e === undefined) return undefined;
  if (e.type !== "list") {
    ctx.reply.error(errWrongType);
    return false;
  }
  return e;
}

/** As readList, for a change in place (tells WATCH, snapshots and logging that the key changes). */
function writeList(ctx: CommandContext, key: string): ListEntry | undefined | false {
  const e = ctx.db.getForWrite(key);
  if (e === undefined) return undefined;
  if (e.type !== "list") {
    ctx.reply.error(errWrongType);
    return false;
  }
  return e;
}

/** A read that must not touch data: only the type is checked. */
function peekIsWrongType(ctx: CommandContext, key: string): boolean {
  const e = ctx.db.peek(key);
  return e !== undefined && e.type !== "list";
}

function isList(e: Entry): boolean {
  return e.type === "list";
}

function pop(list: Deque<string>, side: Side): string {
  return (side === "left" ? list.popFront() : list.popBack()) as string;
}

function push(list: Deque<string>, side: Side, v: string): void {
  if (side === "left") list.pushFront(v);
  else list.pushBack(v);
}

/** Deletes the key when its list became empty (with its `del` event, as Redis). */
function dropIfEmpty(ctx: CommandContext, key: string, e: ListEntry): void {
  if (e.data.length === 0) {
    ctx.db.delete(key);
    notify(ctx, "generic", "del", key);
  }
}

/** After popping from `side` (Redis's listElementsRemoved): the lpop/rpop event, then the key's deletion. */
function popped(ctx: CommandContext, key: string, e: ListEntry, side: Side): void {
  notify(ctx, "list", side === "left" ? "lpop" : "rpop", key);
  dropIfEmpty(ctx, key, e);
}

/** LEFT or RIGHT, else a syntax error. */
function sideArg(ctx: CommandContext, arg: Uint8Array | undefined): Side | null {
  const w = word(arg);
  if (w === "left" || w === "right") return w;
  ctx.reply.error(errSyntax);
  return null;
}

/** A signed 64-bit integer argument (Redis getLongFromObjectOrReply). */
function longArg(ctx: CommandContext, arg: Uint8Array | undefined): number | null {
  return intArg(ctx, arg);
}

// ---------------------------------------------------------------------------------------------------
// Pushes

function pushGeneric(ctx: CommandContext, argv: readonly Uint8Array[], side: Side, onlyExisting: boolean): void {
  const key = latin1(argv[1] as Uint8Array);
  let e = writeList(ctx, key);
  if (e === false) return;
  if (e === undefined) {
    if (onlyExisting) return ctx.reply.integer(0);
    e = newEntry("list", new Deque<string>());
    ctx.db.set(key, e);
  }
  for (let i = 2; i < argv.length; i++) push(e.data, side, latin1(argv[i] as Uint8Array));
  ctx.dirty += argv.length - 2;
  ctx.reply.integer(e.data.length);
  notify(ctx, "list", side === "left" ? "lpush" : "rpush", key);
}

// ---------------------------------------------------------------------------------------------------
// Pops

function popGeneric(ctx: CommandContext, argv: readonly Uint8Array[], side: Side): void {
  let count = -1;
  if (argv.length === 3) {
    const v = parseInteger(argv[2] as Uint8Array);
    if (v === null || v < 0) return ctx.reply.error(errPositive);
    count = Number(v);
  }
  const key = latin1(argv[1] as Uint8Array);
  if (count === 0) {
    // LPOP key 0 changes nothing: looked up without taking the list for writing (no WATCH touch), as Redis.
    const current = ctx.db.peek(key);
    if (current === undefined) return ctx.reply.nullArray();
    return current.type === "list" ? ctx.reply.arrayHeader(0) : ctx.reply.error(errWrongType);
  }
  const e = writeList(ctx, key);
  if (e === false) return;
  if (e === undefined) return count < 0 ? ctx.reply.nullBulk() : ctx.reply.nullArray();
  if (count < 0) {
    ctx.reply.bulk(pop(e.data, side));
    ctx.dirty++;
  } else {
    popRangeReply(ctx, e, side, count);
  }
  popped(ctx, key, e, side);
}

/** Pops up to `count` elements and replies with them as an array. */
function popRangeReply(ctx: CommandContext, e: ListEntry, side: Side, count: number): void {
  const n = Math.min(count, e.data.length);
  ctx.reply.arrayHeader(n);
  for (let i = 0; i < n; i++) ctx.reply.bulk(pop(e.data, side));
  ctx.dirty += n;
}

// ---------------------------------------------------------------------------------------------------
// Reads and in-place edits

function llen(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const e = readList(ctx, latin1(argv[1] as Uint8Array));
  if (e === false) return;
  ctx.reply.integer(e === undefined ? 0 : e.data.length);
}

function lindex(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const e = readList(ctx, latin1(argv[1] as Uint8Array));
  if (e === false) return;
  if (e === undefined) return ctx.reply.nullBulk();
  let index = longArg(ctx, argv[2]);
  if (index === null) return;
  if (index < 0) index += e.data.length;
  const v = e.data.at(index);
  if (v === undefined) ctx.reply.nullBulk();
  else ctx.reply.bulk(v);
}

function lset(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const key = latin1(argv[1] as Uint8Array);
  if (ctx.db.peek(key) === undefined) return ctx.reply.error(errNoSuchKey);
  if (peekIsWrongType(ctx, key)) return ctx.reply.error(errWrongType);
  let index = longArg(ctx, argv[2]);
  if (index === null) return;
  const e = writeList(ctx, key) as ListEntry;
  if (index < 0) index += e.data.length;
  if (index < 0 || index >= e.data.length) return ctx.reply.error(errOutOfRange);
  e.data.set(index, latin1(argv[3] as Uint8Array));
  ctx.dirty++;
  ctx.reply.simple("OK");
  notify(ctx, "list", "lset", key);
}

/** Redis's start/end normalisation for LRANGE and LTRIM: [start, end] inclusive, or null if empty. */
function normaliseRange(start: number, end: number, length: number): [number, number] | null {
  if (start < 0) start += length;
  if (end < 0) end += length;
  if (start < 0) start = 0;
  if (start > end || start >= length) return null;
  if (end >= length) end = length - 1;
  return [start, end];
}

function lrange(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const start = longArg(ctx, argv[2]);
  if (start === null) return;
  const end = longArg(ctx, argv[3]);
  if (end === null) return;
  const e = readList(ctx, latin1(argv[1] as Uint8Array));
  if (e === false) return;
  const range = e === undefined ? null : normaliseRange(start, end, e.data.length);
  if (e === undefined || range === null) return ctx.reply.arrayHeader(0);
  ctx.reply.arrayHeader(range[1] - range[0] + 1);
  for (let i = range[0]; i <= range[1]; i++) ctx.reply.bulk(e.data.at(i) as string);
}

function ltrim(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const start = longArg(ctx, argv[2]);
  if (start === null) return;
  const end = longArg(ctx, argv[3]);
  if (end === null) return;
  const key = latin1(argv[1] as Uint8Array);
  if (peekIsWrongType(ctx, key)) return ctx.reply.error(errWrongType);
  const current = ctx.db.peek(key);
  if (current === undefined) return ctx.reply.simple("OK");
  const length = (current as ListEntry).data.length;
  const range = normaliseRange(start, end, length);
  const fromLeft = range === null ? length : range[0];
  const fromRight = range === null ? 0 : length - range[1] - 1;
  // Redis signals the key (WATCH) and emits ltrim even when nothing is trimmed.
  const e = writeList(ctx, key) as ListEntry;
  for (let i = 0; i < fromLeft; i++) e.data.popFront();
  for (let i = 0; i < fromRight; i++) e.data.popBack();
  ctx.dirty += fromLeft + fromRight;
  notify(ctx, "list", "ltrim", key);
  dropIfEmpty(ctx, key, e);
  ctx.reply.simple("OK");
}

function linsert(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const where = word(argv[2]);
  if (where !== "before" && where !== "after") return ctx.reply.error(errSyntax);
  const key = latin1(argv[1] as Uint8Array);
  const current = ctx.db.peek(key);
  if (current === undefined) return ctx.reply.integer(0);
  if (current.type !== "list") return ctx.reply.error(errWrongType);
  const pivot = latin1(argv[3] as Uint8Array);
  const list = current.data;
  let at = -1;
  for (let i = 0; i < list.length; i++) {
    if (list.at(i) === pivot) {
      at = i;
      break;
    }
  }
  if (at < 0) {
    ctx.db.get(key); // an access, as Redis's lookupKeyWrite counts it
    return ctx.reply.integer(-1);
  }
  const e = writeList(ctx, key) as ListEntry;
  e.data.insertAt(where === "before" ? at : at + 1, latin1(argv[4] as Uint8Array));
  ctx.dirty++;
  notify(ctx, "list", "linsert", key);
  ctx.reply.integer(e.data.length);
}

function lrem(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const count = longArg(ctx, argv[2]);
  if (count === null) return;
  const key = latin1(argv[1] as Uint8Array);
  const current = ctx.db.peek(key);
  if (current === undefined) return ctx.reply.integer(0);
  if (current.type !== "list") return ctx.reply.error(errWrongType);
  const element = latin1(argv[3] as Uint8Array);
  const values = current.data.toArray();
  const limit = count === 0 ? Infinity : Math.abs(count);
  let removed = 0;
  const keep = new Array<boolean>(values.length).fill(true);
  if (count >= 0) {
    for (let i = 0; i < values.length && removed < limit; i++) if (values[i] === element) (keep[i] = false), removed++;
  } else {
    for (let i = values.length - 1; i >= 0 && removed < limit; i--) if (values[i] === element) (keep[i] = false), removed++;
  }
  if (removed > 0) {
    const e = writeList(ctx, key) as ListEntry;
    e.data.replaceAll(values.filter((_, i) => keep[i]));
    ctx.dirty += removed;
    notify(ctx, "list", "lrem", key);
    dropIfEmpty(ctx, key, e);
  } else {
    ctx.db.get(key);
  }
  ctx.reply.integer(removed);
}

const int64Min = -9223372036854775808;

function lpos(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  let rank = 1;
  let count = -1; // -1: no COUNT option (single reply)
  let maxlen = 0;
  for (let i = 3; i < argv.length; i++) {
    const opt = word(argv[i]);
    const hasValue = i + 1 < argv.length;
    if (opt === "rank" && hasValue) {
      const v = longArg(ctx, argv[++i]);
      if (v === null) return;
      if (v === 0) {
        return ctx.reply.error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
      }
      rank = v;
    } else if (opt === "count" && hasValue) {
      const v = intArg(ctx, argv[++i], "ERR COUNT can't be negative");
      if (v === null) return;
      if (v < 0) return ctx.reply.error("ERR COUNT can't be negative");
      count = v;
    } else if (opt === "maxlen" && hasValue) {
      const v = intArg(ctx, argv[++i], "ERR MAXLEN can't be negative");
      if (v === null) return;
      if (v < 0) return ctx.reply.error("ERR MAXLEN can't be negative");
      maxlen = v;
    } else {
      return ctx.reply.error(errSyntax);
    }
  }
  const e = readList(ctx, latin1(argv[1] as Uint8Array));
  if (e === false) return;
  if (e === undefined) return count >= 0 ? ctx.reply.arrayHeader(0) : ctx.reply.nullBulk();
  const element = latin1(argv[2] as Uint8Array);
  const list = e.data;
  const length = list.length;
  const fromTail = rank < 0;
  // Redis negates a negative rank; LLONG_MIN stays negative, so every match qualifies and COUNT's
  // stop test (which overflows) never fires.
  const rankMin = rank === int64Min;
  const skip = rankMin ? 0 : Math.abs(rank) - 1;
  const found: number[] = [];
  let matches = 0;
  for (let n = 0; n < length && (maxlen === 0 || n < maxlen); n++) {
    const index = fromTail ? length - 1 - n : n;
    if (list.at(index) !== element) continue;
    matches++;
    if (matches <= skip) continue;
    found.push(index);
    if (count < 0) break;
    if (count > 0 && !rankMin && found.length >= count) break;
  }
  if (count < 0) {
    const first = found[0];
    return first === undefined ? ctx.reply.nullBulk() : ctx.reply.integer(first);
  }
  ctx.reply.arrayHeader(found.length);
  for (const i of found) ctx.reply.integer(i);
}

// ---------------------------------------------------------------------------------------------------
// Moves

/** Pops from `src` (an existing list) and pushes onto `dst`; replies with the element. */
function moveElement(ctx: CommandContext, srcKey: string, dstKey: string, from: Side, to: Side): void {
  const src = writeList(ctx, srcKey) as ListEntry;
  const value = pop(src.data, from);
  let dst = srcKey === dstKey ? src : (ctx.db.getForWrite(dstKey) as ListEntry | undefined);
  if (dst === undefined) {
    dst = newEntry("list", new Deque<string>());
    ctx.db.set(dstKey, dst);
  }
  push(dst.data, to, value);
  notify(ctx, "list", to === "left" ? "lpush" : "rpush", dstKey);
  ctx.reply.bulk(value);
  popped(ctx, srcKey, src, from);
  ctx.dirty++;
}

/** Type checks for a move: false after replying WRONGTYPE. Source must exist. */
function moveTypesOk(ctx: CommandContext, srcKey: string, dstKey: string): boolean {
  if (peekIsWrongType(ctx, srcKey) || peekIsWrongType(ctx, dstKey)) {
    ctx.reply.error(errWrongType);
    return false;
  }
  return true;
}

function lmoveGeneric(ctx: CommandContext, argv: readonly Uint8Array[], from: Side, to: Side): void {
  const srcKey = latin1(argv[1] as Uint8Array);
  const dstKey = latin1(argv[2] as Uint8Array);
  const src = readList(ctx, srcKey);
  if (src === false) return;
  if (src === undefined) return ctx.reply.nullBulk();
  if (!moveTypesOk(ctx, srcKey, dstKey)) return;
  moveElement(ctx, srcKey, dstKey, from, to);
}

function lmove(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const from = sideArg(ctx, argv[3]);
  if (from === null) return;
  const to = sideArg(ctx, argv[4]);
  if (to === null) return;
  lmoveGeneric(ctx, argv, from, to);
}

/** BLMOVE and BRPOPLPUSH: move now, or wait on the source. */
function blmoveGeneric(ctx: CommandContext, argv: readonly Uint8Array[], from: Side, to: Side, deadlineMs: number): void {
  const srcKey = latin1(argv[1] as Uint8Array);
  const dstKey = latin1(argv[2] as Uint8Array);
  const src = readList(ctx, srcKey);
  if (src === false) return;
  if (src !== undefined) {
    if (!moveTypesOk(ctx, srcKey, dstKey)) return;
    moveElement(ctx, srcKey, dstKey, from, to);
    ctx.propagate(["LMOVE", argv[1] as Uint8Array, argv[2] as Uint8Array, from === "left" ? "LEFT" : "RIGHT", to === "left" ? "LEFT" : "RIGHT"]);
    return;
  }
  // In MULTI Redis answers a null bulk here; a timeout answers the null array.
  if (!blockClient(ctx, argv, { keys: [srcKey], deadlineMs, ready: isList })) ctx.reply.nullBulk();
}

function blmove(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const from = sideArg(ctx, argv[3]);
  if (from === null) return;
  const to = sideArg(ctx, argv[4]);
  if (to === null) return;
  const deadline = blockingTimeoutArg(ctx, argv[5]);
  if (deadline === null) return;
  blmoveGeneric(ctx, argv, from, to, deadline);
}

function brpoplpush(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const deadline = blockingTimeoutArg(ctx, argv[3]);
  if (deadline === null) return;
  blmoveGeneric(ctx, argv, "right", "left", deadline);
}

// ---------------------------------------------------------------------------------------------------
// Multi-key pops

/** BLPOP / BRPOP: the first non-empty list among the keys, or wait on all of them. */
function bpopGeneric(ctx: CommandContext, argv: readonly Uint8Array[], side: Side): void {
  const deadline = blockingTimeoutArg(ctx, argv[argv.length - 1]);
  if (deadline === null) return;
  const hint = blockedKeyHint(ctx);
  const keyArgs = hint === null ? argv.slice(1, -1) : [latin1Bytes(hint)];
  for (const arg of keyArgs) {
    const key = latin1(arg);
    const e = writeList(ctx, key);
    if (e === false) return;
    if (e === undefined) continue;
    ctx.reply.arrayHeader(2);
    ctx.reply.bulk(key);
    ctx.reply.bulk(pop(e.data, side));
    ctx.dirty++;
    popped(ctx, key, e, side);
    ctx.propagate([side === "left" ? "LPOP" : "RPOP", arg]);
    return;
  }
  const keysToWait = argv.slice(1, -1).map((a) => latin1(a));
  if (!blockClient(ctx, argv, { keys: keysToWait, deadlineMs: deadline, ready: isList })) ctx.reply.nullArray();
}

interface MpopArgs {
  keyArgs: readonly Uint8Array[];
  side: Side;
  count: number;
}

/** LMPOP/BLMPOP's `numkeys key... LEFT|RIGHT [COUNT n]` from argv[at]. */
function mpopArgs(ctx: CommandContext, argv: readonly Uint8Array[], at: number): MpopArgs | null {
  const numkeys = parseInteger(argv[at] as Uint8Array);
  if (numkeys === null || numkeys < 1) {
    ctx.reply.error("ERR numkeys should be greater than 0");
    return null;
  }
  const whereAt = at + Number(numkeys) + 1;
  if (whereAt >= argv.length) {
    ctx.reply.error(errSyntax);
    return null;
  }
  const side = sideArg(ctx, argv[whereAt]);
  if (side === null) return null;
  let count = -1;
  for (let i = whereAt + 1; i < argv.length; i++) {
    if (count === -1 && word(argv[i]) === "count" && i + 1 < argv.length) {
      const v = parseInteger(argv[++i] as Uint8Array);
      if (v === null || v < 1) {
        ctx.reply.error("ERR count should be greater than 0");
        return null;
      }
      count = Number(v);
    } else {
      ctx.reply.error(errSyntax);
      return null;
    }
  }
  return { keyArgs: argv.slice(at + 1, whereAt), side, count: count === -1 ? 1 : count };
}

/** Pops from the first non-empty list; true when it replied (with elements or an error). */
function mpopFirst(ctx: CommandContext, keyArgs: readonly Uint8Array[], side: Side, count: number, propagate: boolean): boolean {
  for (const arg of keyArgs) {
    const key = latin1(arg);
    const e = writeList(ctx, key);
    if (e === false) return true;
    if (e === undefined) continue;
    ctx.reply.arrayHeader(2);
    ctx.reply.bulk(key);
    popRangeReply(ctx, e, side, count);
    popped(ctx, key, e, side);
    if (propagate) ctx.propagate([side === "left" ? "LPOP" : "RPOP", arg, String(count)]);
    return true;
  }
  return false;
}

function lmpop(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const a = mpopArgs(ctx, argv, 1);
  if (a === null) return;
  if (!mpopFirst(ctx, a.keyArgs, a.side, a.count, false)) ctx.reply.nullArray();
}

function blmpop(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  // Redis checks numkeys, the side and COUNT before the timeout.
  const a = mpopArgs(ctx, argv, 2);
  if (a === null) return;
  const deadline = blockingTimeoutArg(ctx, argv[1]);
  if (deadline === null) return;
  const hint = blockedKeyHint(ctx);
  if (mpopFirst(ctx, hint === null ? a.keyArgs : [latin1Bytes(hint)], a.side, a.count, true)) return;
  if (!blockClient(ctx, argv, { keys: a.keyArgs.map((k) => latin1(k)), deadlineMs: deadline, ready: isList })) ctx.reply.nullArray();
}

// ---------------------------------------------------------------------------------------------------
// Declarations

const list = { group: "list", acl: ["list"] } as const;
const one = (flags: KeySpec["flags"]): KeySpec[] => [keys.one(1, flags)];
const moveKeys: KeySpec[] = [keys.one(1, ["RW", "ACCESS", "DELETE"]), keys.one(2, ["RW", "INSERT"])];
const popKeys = one(["RW", "ACCESS", "DELETE"]);

export const listCommands: CommandSpec[] = [
  { ...list, name: "lpush", arity: -3, flags: ["write", "denyoom", "fast"], summary: "Prepend one or multiple elements to a list", since: "1.0.0", complexity: "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", keySpecs: one(["RW", "INSERT"]), handler: (ctx, argv) => pushGeneric(ctx, argv, "left", false) },
  { ...list, name: "rpush", arity: -3, flags: ["write", "denyoom", "fast"], summary: "Append one or multiple elements to a list", since: "1.0.0", complexity: "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", keySpecs: one(["RW", "INSERT"]), handler: (ctx, argv) => pushGeneric(ctx, argv, "right", false) },
  { ...list, name: "lpushx", arity: -3, flags: ["write", "denyoom", "fast"], summary: "Prepend an element to a list, only if the list exists", since: "2.2.0", complexity: "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", keySpecs: one(["RW", "INSERT"]), handler: (ctx, argv) => pushGeneric(ctx, argv, "left", true) },
  { ...list, name: "rpushx", arity: -3, flags: ["write", "denyoom", "fast"], summary: "Append an element to a list, only if the list exists", since: "2.2.0", complexity: "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", keySpecs: one(["RW", "INSERT"]), handler: (ctx, argv) => pushGeneric(ctx, argv, "right", true) },
  { ...list, name: "lpop", arity: -2, flags: ["write", "fast"], summary: "Remove and get the first elements in a list", since: "1.0.0", complexity: "O(N) where N is the number of elements returned", keySpecs: popKeys, handler: (ctx, argv) => (argv.length > 3 ? ctx.reply.error("ERR wrong number of arguments for 'lpop' command") : popGeneric(ctx, argv, "left")) },
  { ...list, name: "rpop", arity: -2, flags: ["write", "fast"], summary: "Remove and get the last elements in a list", since: "1.0.0", complexity: "O(N) where N is the number of elements returned", keySpecs: popKeys, handler: (ctx, argv) => (argv.length > 3 ? ctx.reply.error("ERR wrong number of arguments for 'rpop' command") : popGeneric(ctx, argv, "right")) },
  { ...list, name: "llen", arity: 2, flags: ["readonly", "fast"], summary: "Get the length of a list", since: "1.0.0", complexity: "O(1)", keySpecs: one(["RO"]), handler: llen },
  { ...list, name: "lindex", arity: 3, flags: ["readonly"], summary: "Get an element from a list by its index", since: "1.0.0", complexity: "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).", keySpecs: one(["RO", "ACCESS"]), handler: lindex },
  { ...list, name: "lset", arity: 4, flags: ["write", "denyoom"], summary: "Set the value of an element in a list by its index", since: "1.0.0", complexity: "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).", keySpecs: one(["RW", "UPDATE"]), handler: lset },
  { ...list, name: "lrange", arity: 4, flags: ["readonly"], summary: "Get a range of elements from a list", since: "1.0.0", complexity: "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.", keySpecs: one(["RO", "ACCESS"]), handler: lrange },
  { ...list, name: "ltrim", arity: 4, flags: ["write"], summary: "Trim a list to the specified range", since: "1.0.0", complexity: "O(N) where N is the number of elements to be removed by the operation.", keySpecs: one(["RW", "DELETE"]), handler: ltrim },
  { ...list, name: "linsert", arity: 5, flags: ["write", "denyoom"], summary: "Insert an element before or after another element in a list", since: "2.2.0", complexity: "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).", keySpecs: one(["RW", "INSERT"]), handler: linsert },
  { ...list, name: "lrem", arity: 4, flags: ["write"], summary: "Remove elements from a list", since: "1.0.0", complexity: "O(N+M) where N is the length of the list and M is the number of elements removed.", keySpecs: one(["RW", "DELETE"]), handler: lrem },
  { ...list, name: "lpos", arity: -3, flags: ["readonly"], summary: "Return the index of matching elements on a list", since: "6.0.6", complexity: "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.", keySpecs: one(["RO", "ACCESS"]), handler: lpos },
  { ...list, name: "lmove", arity: 5, flags: ["write", "denyoom"], summary: "Pop an element from a list, push it to another list and return it", since: "6.2.0", complexity: "O(1)", keySpecs: moveKeys, handler: lmove },
  { ...list, name: "rpoplpush", arity: 3, flags: ["write", "denyoom"], summary: "Remove the last element in a list, prepend it to another list and return it", since: "1.2.0", complexity: "O(1)", docFlags: ["deprecated"], deprecatedSince: "6.2.0", replacedBy: "`LMOVE` with the `RIGHT` and `LEFT` arguments", keySpecs: moveKeys, handler: (ctx, argv) => lmoveGeneric(ctx, argv, "right", "left") },
  { ...list, name: "lmpop", arity: -4, flags: ["write"], summary: "Pop elements from a list", since: "7.0.0", complexity: "O(N+M) where N is the number of provided keys and M is the number of elements returned.", keySpecs: [keys.keynum(1, ["RW", "ACCESS", "DELETE"])], handler: lmpop },
  { ...list, name: "blpop", arity: -3, flags: ["write", "noscript", "blocking"], summary: "Remove and get the first element in a list, or block until one is available", since: "2.0.0", complexity: "O(N) where N is the number of provided keys.", keySpecs: [keys.range(1, -2, 1, ["RW", "ACCESS", "DELETE"])], handler: (ctx, argv) => bpopGeneric(ctx, argv, "left") },
  { ...list, name: "brpop", arity: -3, flags: ["write", "noscript", "blocking"], summary: "Remove and get the last element in a list, or block until one is available", since: "2.0.0", complexity: "O(N) where N is the number of provided keys.", keySpecs: [keys.range(1, -2, 1, ["RW", "ACCESS", "DELETE"])], handler: (ctx, argv) => bpopGeneric(ctx, argv, "right") },
  { ...list, name: "blmove", arity: 6, flags: ["write", "denyoom", "noscript", "blocking"], summary: "Pop an element from a list, push it to another list and return it; or block until one is available", since: "6.2.0", complexity: "O(1)", keySpecs: moveKeys, handler: blmove },
  { ...list, name: "brpoplpush", arity: 4, flags: ["write", "denyoom", "noscript", "blocking"], summary: "Pop an element from a list, push it to another list and return it; or block until one is available", since: "2.2.0", complexity: "O(1)", docFlags: ["deprecated"], deprecatedSince: "6.2.0", replacedBy: "`BLMOVE` with the `RIGHT` and `LEFT` arguments", keySpecs: moveKeys, handler: brpoplpush },
  { ...list, name: "blmpop", arity: -5, flags: ["write", "blocking"], summary: "Pop elements from a list, or block until one is available", since: "7.0.0", complexity: "O(N+M) where N is the number of provided keys and M is the number of elements returned.", keySpecs: [keys.keynum(2, ["RW", "ACCESS", "DELETE"])], handler: blmpop },
];
