// Sorted set commands: ZADD and friends, ranges by rank/score/lex (ZRANGE in every form and its older
// spellings), range deletions, set algebra (ZUNION/ZINTER/ZDIFF, their STORE forms, ZINTERCARD), pops
// (with their blocking forms BZPOPMIN/BZPOPMAX/BZMPOP), keyspace notifications,
// ZRANDMEMBER and ZSCAN. Replies and errors follow Redis 7.0 byte for byte, including the RESP3 shapes
// (WITHSCORES as [member, score] pairs) and the listpack encoding's habit of storing -0 as 0.
import type { CommandContext, CommandSpec, KeySpec } from "./types.ts";
import { keys } from "./types.ts";
import { latin1, word } from "./args.ts";
import { newEntry, type Entry, type ZSetEntry } from "../keyspace/entry.ts";
import { SortedSet, type LexBound, type LexRange, type RangeLimit, type ScoreRange } from "../keyspace/sorted-set.ts";
import { errNotFloat, errNotInteger, errPositive, errSyntax, errWrongType } from "../protocol/errors.ts";
import { formatDouble17g, parseDouble, parseInteger, strtod, isCSpace } from "../protocol/numbers.ts";
import { notify } from "../server/notify.ts";
import { blockClient, blockedKeyHint, blockingTimeoutArg } from "../server/blocking.ts";

// Texts used only by this family (kept here so the family does not depend on unreleased shared edits).
const errInvalidCursor = "ERR invalid cursor";
const errMinMaxNotFloat = "ERR min or max is not a float";
const errMinMaxNotStringRange = "ERR min or max not valid string range item";
const errScoreNaN = "ERR resulting score is not a number (NaN)";

const LONG_MAX = 9223372036854775807n;
/** Bound on the elements a negative ZRANDMEMBER count may ask for with WITHSCORES (Redis: LONG_MAX/2). */
const RANDMEMBER_WITHSCORES_COUNT_MAX = LONG_MAX / 2n;

// ---------------------------------------------------------------------------------------------------
// Lookups and argument parsing

/** The zset at `key`: undefined when missing, false after replying WRONGTYPE. */
function lookupZset(ctx: CommandContext, key: string, forWrite: boolean): ZSetEntry | undefined | false {
  // Not for writing: Redis's lookupKeyRead, which counts even in a write command (ZRANGESTORE's source).
  const e = forWrite ? ctx.db.getForWrite(key) : ctx.db.lookupRead(key);
  if (e === undefined) return undefined;
  if (e.type !== "zset") {
    ctx.reply.error(errWrongType);
    return false;
  }
  return e;
}

/** Redis getLongFromObjectOrReply: a signed 64-bit integer (as a JS number), or null after the error. */
function longArg(ctx: CommandContext, arg: Uint8Array, error = errNotInteger): number | null {
  const v = parseInteger(arg);
  if (v === null) {
    ctx.reply.error(error);
    return null;
  }
  return Number(v);
}

/** The same as a bigint, for range checks at the int64 edges. */
function longArgExact(ctx: CommandContext, arg: Uint8Array, error = errNotInteger): bigint | null {
  const v = parseInteger(arg);
  if (v === null) {
    ctx.reply.error(error);
    return null;
  }
  return BigInt(v);
}

/** Redis getRangeLongFromObjectOrReply with a custom message used for both failures. */
function rangedLongArg(ctx: CommandContext, arg: Uint8Array, min: bigint, message: string): number | null {
  const v = parseInteger(arg);
  if (v === null || BigInt(v) < min) {
    ctx.reply.error(message);
    return null;
  }
  return Number(v);
}

/** One bound of a score range (Redis zslParseRange): "(" makes it exclusive; strtod must end the text. */
function parseScoreBound(arg: Uint8Array): { value: number; exclusive: boolean } | null {
  const exclusive = arg[0] === 40; /* ( */
  const from = exclusive ? 1 : 0;
  const r = strtod(arg, from, arg.length);
  // strtod stops at the C string's end: an embedded NUL ends the text as far as Redis can tell.
  if ((r.end !== arg.length && arg[r.end] !== 0) || Number.isNaN(r.value)) return null;
  return { value: r.value, exclusive };
}

function parseScoreRange(minArg: Uint8Array, maxArg: Uint8Array): ScoreRange | null {
  const min = parseScoreBound(minArg);
  const max = parseScoreBound(maxArg);
  if (min === null || max === null) return null;
  return { min: min.value, max: max.value, minExclusive: min.exclusive, maxExclusive: max.exclusive };
}

/** One lex bound (Redis zslParseLexRangeItem): "+", "-", "(member" or "[member". */
function parseLexBound(arg: Uint8Array): LexBound | null {
  const c = arg[0];
  // Redis reads a C string: "+" or "-" must be followed by the end (a NUL byte counts as the end).
  const alone = arg.length === 1 || arg[1] === 0;
  if (c === 43 /* + */) return alone ? { kind: "+" } : null;
  if (c === 45 /* - */) return alone ? { kind: "-" } : null;
  if (c === 40 /* ( */ || c === 91 /* [ */) return { kind: "value", value: latin1(arg.subarray(1)), exclusive: c === 40 };
  return null;
}

function parseLexRange(minArg: Uint8Array, maxArg: Uint8Array): LexRange | null {
  const min = parseLexBound(minArg);
  const max = parseLexBound(maxArg);
  if (min === null || max === null) return null;
  return { min, max };
}

/**
 * Stores `z` at `key`, or deletes the key when `z` is empty (counted in dirty either way), and replies
 * the stored size. The sources may live on other shards, which a replay of the destination's shard log
 * cannot read, so the effect is logged as DEL + ZADD of the result. The ZADD puts the longest member
 * first and -0 scores last, so that replay picks the same encoding and keeps -0 exactly where the live
 * set did. Redis replies before it notifies (`event` on a stored result, `del` on a deleted one).
 */
function storeResult(ctx: CommandContext, key: string, z: SortedSet, event: string): void {
  if (z.size === 0) {
    ctx.reply.integer(0);
    if (ctx.db.delete(key)) {
      ctx.dirty++;
      ctx.propagate(["DEL", key]);
      notify(ctx, "generic", "del", key);
    }
    return;
  }
  ctx.db.set(key, newEntry("zset", z));
  ctx.dirty++;
  ctx.reply.integer(z.size);
  notify(ctx, "zset", event, key);
  const pairs = [...z.entries()];
  let longest = 0;
  for (let i = 1; i < pairs.length; i++) if ((pairs[i] as [string, number])[0].length > (pairs[longest] as [string, number])[0].length) longest = i;
  const ordered = [pairs[longest] as [string, number]];
  const negativeZeros: [string, number][] = [];
  for (let i = 0; i < pairs.length; i++) {
    if (i === longest) continue;
    const pair = pairs[i] as [string, number];
    if (Object.is(pair[1], -0)) negativeZeros.push(pair);
    else ordered.push(pair);
  }
  const zadd: string[] = ["ZADD", key];
  for (const [member, score] of [...ordered, ...negativeZeros]) zadd.push(formatDouble17g(score), member);
  ctx.propagate(["DEL", key]);
  ctx.propagate(zadd);
}

/** After a removal: notifies `event`, then deletes the key (and notifies `del`) when its set became empty. */
function notifyRemoval(ctx: CommandContext, key: string, e: ZSetEntry, event: string): void {
  notify(ctx, "zset", event, key);
  if (e.data.size === 0) {
    ctx.db.delete(key);
    notify(ctx, "generic", "del", key);
  }
}

// ---------------------------------------------------------------------------------------------------
// Replies

/** An array of members, with scores flat (RESP2) or as [member, score] pairs (RESP3). */
function replyElements(ctx: CommandContext, items: readonly (readonly [string, number])[], withScores: boolean): void {
  const r = ctx.reply;
  const pairs = withScores && r.proto === 3;
  r.arrayHeader(withScores && !pairs ? items.length * 2 : items.length);
  for (const [member, score] of items) {
    if (pairs) r.arrayHeader(2);
    r.bulk(member);
    if (withScores) r.double(score);
  }
}

// ---------------------------------------------------------------------------------------------------
// ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT

const ZADD_NX = 1;
const ZADD_XX = 2;
const ZADD_GT = 4;
const ZADD_LT = 8;
const ZADD_CH = 16;
const ZADD_INCR = 32;

/** "same": the member exists and keeps its score (still counted as processed, unlike "nop"). */
type AddOutcome = "added" | "updated" | "same" | "nop" | "nan";

/** Redis zsetAdd: applies one score under the flags; `result.score` is the score now held. */
function zsetAdd(z: SortedSet, member: string, score: number, flags: number, result: { score: number }): AddOutcome {
  const current = z.score(member);
  if (current !== undefined) {
    if (flags & ZADD_NX) return "nop";
    let next = score;
    if (flags & ZADD_INCR) {
      next = current + score;
      if (Number.isNaN(next)) return "nan";
    }
    if ((flags & ZADD_LT && next >= current) || (flags & ZADD_GT && next <= current)) return "nop";
    result.score = next;
    if (next !== current) {
      z.add(member, next);
      return "updated";
    }
    return "same";
  }
  if (flags & ZADD_XX) return "nop";
  z.add(member, score);
  result.score = z.score(member) as number;
  return "added";
}

function zaddGeneric(ctx: CommandContext, argv: readonly Uint8Array[], initialFlags: number): void {
  let flags = initialFlags;
  let scoreIndex = 2;
  for (; scoreIndex < argv.length; scoreIndex++) {
    const opt = word(argv[scoreIndex]);
    if (opt === "nx") flags |= ZADD_NX;
    else if (opt === "xx") flags |= ZADD_XX;
    else if (opt === "ch") flags |= ZADD_CH;
    else if (opt === "incr") flags |= ZADD_INCR;
    else if (opt === "gt") flags |= ZADD_GT;
    else if (opt === "lt") flags |= ZADD_LT;
    else break;
  }
  const incr = (flags & ZADD_INCR) !== 0;
  const pairArgs = argv.length - scoreIndex;
  if (pairArgs === 0 || pairArgs % 2 !== 0) {
    ctx.reply.error(errSyntax);
    return;
  }
  const elements = pairArgs / 2;
  if (flags & ZADD_NX && flags & ZADD_XX) {
    ctx.reply.error("ERR XX and NX options at the same time are not compatible");
    return;
  }
  if ((flags & ZADD_GT && flags & ZADD_NX) || (flags & ZADD_LT && flags & ZADD_NX) || (flags & ZADD_GT && flags & ZADD_LT)) {
    ctx.reply.error("ERR GT, LT, and/or NX options at the same time are not compatible");
    return;
  }
  if (incr && elements > 1) {
    ctx.reply.error("ERR INCR option supports a single increment-element pair");
    return;
  }
  const scores: number[] = [];
  for (let i = 0; i < elements; i++) {
    const s = parseDouble(argv[scoreIndex + i * 2] as Uint8Array);
    if (s === null) {
      ctx.reply.error(errNotFloat);
      return;
    }
    scores.push(s);
  }
  const key = latin1(argv[1] as Uint8Array);
  let e = lookupZset(ctx, key, true);
  if (e === false) return;
  let added = 0;
  let updated = 0;
  let processed = 0;
  const result = { score: 0 };
  if (e === undefined && !(flags & ZADD_XX)) {
    // Redis 7.0 starts a listpack unless the first member alone is too long for one.
    e = newEntry("zset", new SortedSet({ sizeHint: 0, memberBytesMax: (argv[scoreIndex + 1] as Uint8Array).length }));
    ctx.db.set(key, e);
  }
  if (e !== undefined) {
    for (let i = 0; i < elements; i++) {
      const member = latin1(argv[scoreIndex + i * 2 + 1] as Uint8Array);
      const outcome = zsetAdd(e.data, member, scores[i] as number, flags, result);
      if (outcome === "nan") {
        ctx.reply.error(errScoreNaN);
        ctx.dirty += added + updated;
        if (added + updated > 0) notify(ctx, "zset", incr ? "zincr" : "zadd", key);
        return;
      }
      if (outcome === "added") added++;
      else if (outcome === "updated") updated++;
      if (outcome !== "nop") processed++;
    }
  }
  ctx.dirty += added + updated;
  if (incr) {
    if (processed > 0) ctx.reply.double(result.score);
    else ctx.reply.nullBulk();
  } else ctx.reply.integer(flags & ZADD_CH ? added + updated : added);
  // Redis notifies after the reply.
  if (added + updated > 0) notify(ctx, "zset", incr ? "zincr" : "zadd", key);
}

function zadd(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  zaddGeneric(ctx, argv, 0);
}

function zincrby(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  zaddGeneric(ctx, argv, ZADD_INCR);
}

function zrem(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const key = latin1(argv[1] as Uint8Array);
  const e = lookupZset(ctx, key, true);
  if (e === false) return;
  if (e === undefined) {
    ctx.reply.integer(0);
    return;
  }
  let deleted = 0;
  for (let i = 2; i < argv.length; i++) {
    if (e.data.remove(latin1(argv[i] as Uint8Array))) deleted++;
    if (e.data.size === 0) break;
  }
  if (deleted > 0) {
    notifyRemoval(ctx, key, e, "zrem");
    ctx.dirty += deleted;
  }
  ctx.reply.integer(deleted);
}

function zcard(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const e = lookupZset(ctx, latin1(argv[1] as Uint8Array), false);
  if (e === false) return;
  ctx.reply.integer(e === undefined ? 0 : e.data.size);
}

function zscore(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const e = lookupZset(ctx, latin1(argv[1] as Uint8Array), false);
  if (e === false) return;
  const s = e === undefined ? undefined : e.data.score(latin1(argv[2] as Uint8Array));
  if (s === undefined) ctx.reply.nullBulk();
  else ctx.reply.double(s);
}

function zmscore(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const e = lookupZset(ctx, latin1(argv[1] as Uint8Array), false);
  if (e === false) return;
  ctx.reply.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const s = e === undefined ? undefined : e.data.score(latin1(argv[i] as Uint8Array));
    if (s === undefined) ctx.reply.nullBulk();
    else ctx.reply.double(s);
  }
}

function zrankGeneric(ctx: CommandContext, argv: readonly Uint8Array[], reverse: boolean): void {
  const e = lookupZset(ctx, latin1(argv[1] as Uint8Array), false);
  if (e === false) return;
  const rank = e === undefined ? undefined : e.data.rank(latin1(argv[2] as Uint8Array), reverse);
  if (rank === undefined) ctx.reply.nullBulk();
  else ctx.reply.integer(rank);
}

function zcount(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const range = parseScoreRange(argv[2] as Uint8Array, argv[3] as Uint8Array);
  if (range === null) {
    ctx.reply.error(errMinMaxNotFloat);
    return;
  }
  const e = lookupZset(ctx, latin1(argv[1] as Uint8Array), false);
  if (e === false) return;
  ctx.reply.integer(e === undefined ? 0 : e.data.countInScore(range));
}

function zlexcount(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const range = parseLexRange(argv[2] as Uint8Array, argv[3] as Uint8Array);
  if (range === null) {
    ctx.reply.error(errMinMaxNotStringRange);
    return;
  }
  const e = lookupZset(ctx, latin1(argv[1] as Uint8Array), false);
  if (e === false) return;
  ctx.reply.integer(e === undefined ? 0 : e.data.countInLex(range));
}

// ---------------------------------------------------------------------------------------------------
// ZRANGE and its older forms

type RangeType = "auto" | "rank" | "score" | "lex";
type Direction = "auto" | "forward" | "reverse";

interface RangeCall {
  /** Index of the source key in argv (min and max follow it). */
  readonly keyIndex: number;
  /** ZRANGESTORE: argv[1] is the destination. */
  readonly store: boolean;
  readonly type: RangeType;
  readonly direction: Direction;
}

/** Redis zrangeGenericCommand: option parsing, conflicts, range parsing, lookup, then the range. */
function zrangeGeneric(ctx: CommandContext, argv: readonly Uint8Array[], call: RangeCall): void {
  let type = call.type;
  let direction = call.direction;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = call.keyIndex + 3; j < argv.length; j++) {
    const opt = word(argv[j]);
    const left = argv.length - j - 1;
    if (!call.store && opt === "withscores") withScores = true;
    else if (opt === "limit" && left >= 2) {
      const o = longArg(ctx, argv[j + 1] as Uint8Array);
      if (o === null) return;
      const l = longArg(ctx, argv[j + 2] as Uint8Array);
      if (l === null) return;
      offset = o;
      limit = l;
      j += 2;
    } else if (direction === "auto" && opt === "rev") direction = "reverse";
    else if (type === "auto" && opt === "bylex") type = "lex";
    else if (type === "auto" && opt === "byscore") type = "score";
    else {
      ctx.reply.error(errSyntax);
      return;
    }
  }
  if (direction === "auto") direction = "forward";
  if (type === "auto") type = "rank";
  if (limit !== -1 && type === "rank") {
    ctx.reply.error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    return;
  }
  if (withScores && type === "lex") {
    ctx.reply.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    return;
  }
  const reverse = direction === "reverse";
  let minArg = argv[call.keyIndex + 1] as Uint8Array;
  let maxArg = argv[call.keyIndex + 2] as Uint8Array;
  if (reverse && type !== "rank") [minArg, maxArg] = [maxArg, minArg];

  let select: (z: SortedSet) => [string, number][];
  if (type === "rank") {
    const start = longArg(ctx, minArg);
    if (start === null) return;
    const end = longArg(ctx, maxArg);
    if (end === null) return;
    select = (z) => {
      const n = z.size;
      let s = start < 0 ? n + start : start;
      let t = end < 0 ? n + end : end;
      if (s < 0) s = 0;
      if (s > t || s >= n) return [];
      if (t >= n) t = n - 1;
      return z.byRank(s, t, reverse);
    };
  } else {
    const rangeLimit: RangeLimit = { reverse, offset, count: limit };
    if (type === "score") {
      const range = parseScoreRange(minArg, maxArg);
      if (range === null) {
        ctx.reply.error(errMinMaxNotFloat);
        return;
      }
      select = (z) => (offset < 0 ? [] : z.rangeByScore(range, rangeLimit));
    } else {
      const range = parseLexRange(minArg, maxArg);
      if (range === null) {
        ctx.reply.error(errMinMaxNotStringRange);
        return;
      }
      select = (z) => (offset < 0 ? [] : z.rangeByLex(range, rangeLimit));
    }
  }

  const e = lookupZset(ctx, latin1(argv[call.keyIndex] as Uint8Array), false);
  if (e === false) return;
  const items = e === undefined ? [] : select(e.data);
  if (!call.store) {
    replyElements(ctx, items, withScores);
    return;
  }
  // Redis 7.0 fills a listpack and converts it when it outgrows one.
  const z = new SortedSet();
  for (const [member, score] of items) z.add(member, score);
  storeResult(ctx, latin1(argv[1] as Uint8Array), z, "zrangestore");
}

const rangeCall = (keyIndex: number, store: boolean, type: RangeType, direction: Direction): RangeCall => ({ keyIndex, store, type, direction });

function zrange(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  zrangeGeneric(ctx, argv, rangeCall(1, false, "auto", "auto"));
}
function zrangestore(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  zrangeGeneric(ctx, argv, rangeCall(2, true, "auto", "auto"));
}
function zrevrange(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  zrangeGeneric(ctx, argv, rangeCall(1, false, "rank", "reverse"));
}
function zrangebyscore(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  zrangeGeneric(ctx, argv, rangeCall(1, false, "score", "forward"));
}
function zrevrangebyscore(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  zrangeGeneric(ctx, argv, rangeCall(1, false, "score", "reverse"));
}
function zrangebylex(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  zrangeGeneric(ctx, argv, rangeCall(1, false, "lex", "forward"));
}
function zrevrangebylex(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  zrangeGeneric(ctx, argv, rangeCall(1, false, "lex", "reverse"));
}

// ---------------------------------------------------------------------------------------------------
// ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX

function zremrangeGeneric(ctx: CommandContext, argv: readonly Uint8Array[], type: "rank" | "score" | "lex"): void {
  let remove: (z: SortedSet) => number;
  if (type === "rank") {
    const start = longArg(ctx, argv[2] as Uint8Array);
    if (start === null) return;
    const end = longArg(ctx, argv[3] as Uint8Array);
    if (end === null) return;
    remove = (z) => {
      const n = z.size;
      let s = start < 0 ? n + start : start;
      let t = end < 0 ? n + end : end;
      if (s < 0) s = 0;
      if (s > t || s >= n) return 0;
      if (t >= n) t = n - 1;
      return z.removeRangeByRank(s, t).length;
    };
  } else if (type === "score") {
    const range = parseScoreRange(argv[2] as Uint8Array, argv[3] as Uint8Array);
    if (range === null) {
      ctx.reply.error(errMinMaxNotFloat);
      return;
    }
    remove = (z) => z.removeRangeByScore(range).length;
  } else {
    const range = parseLexRange(argv[2] as Uint8Array, argv[3] as Uint8Array);
    if (range === null) {
      ctx.reply.error(errMinMaxNotStringRange);
      return;
    }
    remove = (z) => z.removeRangeByLex(range).length;
  }
  const key = latin1(argv[1] as Uint8Array);
  const e = lookupZset(ctx, key, true);
  if (e === false) return;
  if (e === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const deleted = remove(e.data);
  if (deleted > 0) {
    notifyRemoval(ctx, key, e, `zremrangeby${type}`);
    ctx.dirty += deleted;
  }
  ctx.reply.integer(deleted);
}

// ---------------------------------------------------------------------------------------------------
// ZUNION, ZINTER, ZDIFF, their STORE forms, ZINTERCARD

type SetOp = "union" | "inter" | "diff";
type Aggregate = "sum" | "min" | "max";

/** An input of the set algebra: a zset, a plain set (every score 1), or nothing (missing key). */
interface Source {
  readonly zset: SortedSet | null;
  readonly set: Set<string> | null;
  weight: number;
}

function sourceSize(s: Source): number {
  return s.zset !== null ? s.zset.size : s.set !== null ? s.set.size : 0;
}

function* sourceElements(s: Source): Generator<[string, number]> {
  if (s.zset !== null) yield* s.zset.entries();
  else if (s.set !== null) for (const m of s.set) yield [m, 1];
}

function sourceScore(s: Source, member: string): number | undefined {
  if (s.zset !== null) return s.zset.score(member);
  if (s.set !== null) return s.set.has(member) ? 1 : undefined;
  return undefined;
}

function aggregateInto(current: number, value: number, aggregate: Aggregate): number {
  if (aggregate === "sum") {
    const sum = current + value;
    // +inf + -inf: Redis keeps the convention that the result is 0.
    return Number.isNaN(sum) ? 0 : sum;
  }
  if (aggregate === "min") return value < current ? value : current;
  return value > current ? value : current;
}

function weighted(score: number, weight: number): number {
  const v = score * weight;
  return Number.isNaN(v) ? 0 : v;
}

/** The result of the operation as member -> score (insertion order does not matter: replies sort). */
function computeSetOp(sources: Source[], op: SetOp, aggregate: Aggregate, cardinalityLimit: number): Map<string, number> {
  const out = new Map<string, number>();
  if (op === "union") {
    // Redis visits inputs from the smallest; the order can matter for floating-point sums.
    const ordered = [...sources].sort((a, b) => sourceSize(a) - sourceSize(b));
    for (const s of ordered) {
      for (const [member, score] of sourceElements(s)) {
        const value = weighted(score, s.weight);
        const current = out.get(member);
        out.set(member, current === undefined ? value : aggregateInto(current, value, aggregate));
      }
    }
    return out;
  }
  if (op === "inter") {
    const ordered = [...sources].sort((a, b) => sourceSize(a) - sourceSize(b));
    const first = ordered[0] as Source;
    if (sourceSize(first) === 0) return out;
    for (const [member, score] of sourceElements(first)) {
      let value = weighted(score, first.weight);
      let inAll = true;
      for (let j = 1; j < ordered.length; j++) {
        const other = ordered[j] as Source;
        const s = sourceScore(other, member);
        if (s === undefined) {
          inAll = false;
          break;
        }
        value = aggregateInto(value, weighted(s, other.weight), aggregate);
      }
      if (!inAll) continue;
      out.set(member, value);
      if (cardinalityLimit > 0 && out.size >= cardinalityLimit) break;
    }
    return out;
  }
  const first = sources[0] as Source;
  for (const [member, score] of sourceElements(first)) {
    let found = false;
    for (let j = 1; j < sources.length && !found; j++) found = sourceScore(sources[j] as Source, member) !== undefined;
    if (!found) out.set(member, score);
  }
  return out;
}

function sortedPairs(result: Map<string, number>): [string, number][] {
  return [...result].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

interface SetOpCall {
  readonly op: SetOp;
  /** Index of numkeys in argv. */
  readonly numKeysIndex: number;
  /** ZUNIONSTORE...: argv[1]. */
  readonly store: boolean;
  readonly cardinalityOnly: boolean;
}

/** Redis zunionInterDiffGenericCommand. */
function setOpGeneric(ctx: CommandContext, argv: readonly Uint8Array[], call: SetOpCall): void {
  const { op, numKeysIndex } = call;
  const setCount = longArg(ctx, argv[numKeysIndex] as Uint8Array);
  if (setCount === null) return;
  if (setCount < 1) {
    ctx.reply.error(`ERR at least 1 input key is needed for '${latin1(argv[0] as Uint8Array).toLowerCase()}' command`);
    return;
  }
  if (setCount > argv.length - (numKeysIndex + 1)) {
    ctx.reply.error(errSyntax);
    return;
  }
  const sources: Source[] = [];
  let j = numKeysIndex + 1;
  for (let i = 0; i < setCount; i++, j++) {
    const e = ctx.db.lookupRead(latin1(argv[j] as Uint8Array)); // sources: lookupKeyRead, with STORE too
    if (e === undefined) sources.push({ zset: null, set: null, weight: 1 });
    else if (e.type === "zset") sources.push({ zset: e.data, set: null, weight: 1 });
    else if (e.type === "set") sources.push({ zset: null, set: e.data, weight: 1 });
    else {
      ctx.reply.error(errWrongType);
      return;
    }
  }
  let aggregate: Aggregate = "sum";
  let withScores = false;
  let limit = 0;
  while (j < argv.length) {
    const remaining = argv.length - j;
    const opt = word(argv[j]);
    if (op !== "diff" && !call.cardinalityOnly && remaining >= setCount + 1 && opt === "weights") {
      j++;
      for (let i = 0; i < setCount; i++, j++) {
        const w = parseDouble(argv[j] as Uint8Array);
        if (w === null) {
          ctx.reply.error("ERR weight value is not a float");
          return;
        }
        (sources[i] as Source).weight = w;
      }
    } else if (op !== "diff" && !call.cardinalityOnly && remaining >= 2 && opt === "aggregate") {
      const a = word(argv[j + 1]);
      if (a !== "sum" && a !== "min" && a !== "max") {
        ctx.reply.error(errSyntax);
        return;
      }
      aggregate = a;
      j += 2;
    } else if (call.cardinalityOnly && remaining >= 2 && opt === "limit") {
      const l = rangedLongArg(ctx, argv[j + 1] as Uint8Array, 0n, "ERR LIMIT can't be negative");
      if (l === null) return;
      limit = l;
      j += 2;
    } else if (!call.store && !call.cardinalityOnly && opt === "withscores") {
      withScores = true;
      j++;
    } else {
      ctx.reply.error(errSyntax);
      return;
    }
  }
  const result = computeSetOp(sources, op, aggregate, call.cardinalityOnly ? limit : 0);
  if (call.cardinalityOnly) {
    ctx.reply.integer(result.size);
    return;
  }
  const pairs = sortedPairs(result);
  if (call.store) {
    let memberBytesMax = 0;
    for (const [m] of pairs) if (m.length > memberBytesMax) memberBytesMax = m.length;
    // Redis builds a skiplist and converts it to a listpack when small enough (which turns -0 into 0).
    const z = new SortedSet({ sizeHint: pairs.length, memberBytesMax });
    for (const [member, score] of pairs) z.add(member, score);
    storeResult(ctx, latin1(argv[1] as Uint8Array), z, `z${op}store`);
    return;
  }
  replyElements(ctx, pairs, withScores);
}

const setOp = (op: SetOp, numKeysIndex: number, store: boolean, cardinalityOnly = false): SetOpCall => ({ op, numKeysIndex, store, cardinalityOnly });

// ---------------------------------------------------------------------------------------------------
// ZPOPMIN, ZPOPMAX, ZMPOP

/** How a pop replies: flat [m, s, ...] or nested [[m, s], ...], with the key first for the blocking and multi-key forms. */
interface PopShape {
  readonly withKey: boolean;
  readonly nested: boolean;
}

/**
 * Pops up to `count` members from the low (min) or high end of the sorted set at `key` and replies
 * them, with the notifications where Redis 7.0 emits them (genericZpopCommand): the headers (and key)
 * first, then `zpopmin`/`zpopmax` (after the first removal, before its element is replied), then the
 * elements, then `del` if the set is gone. A client notified of its own events sees the push there.
 */
function popAndReply(ctx: CommandContext, key: string, e: ZSetEntry, count: number, max: boolean, shape: PopShape): number {
  const z = e.data;
  const n = Math.min(count, z.size);
  const items = max ? z.byRank(0, n - 1, true) : z.byRank(0, n - 1, false);
  for (const [member] of items) z.remove(member);
  ctx.dirty += items.length;
  const r = ctx.reply;
  if (shape.withKey && shape.nested) {
    r.arrayHeader(2);
    r.bulk(key);
    r.arrayHeader(items.length);
  } else if (shape.withKey) {
    r.arrayHeader(items.length * 2 + 1);
    r.bulk(key);
  } else r.arrayHeader(shape.nested ? items.length : items.length * 2);
  notify(ctx, "zset", max ? "zpopmax" : "zpopmin", key);
  for (const [member, score] of items) {
    if (shape.nested) r.arrayHeader(2);
    r.bulk(member);
    r.double(score);
  }
  if (z.size === 0) {
    ctx.db.delete(key);
    notify(ctx, "generic", "del", key);
  }
  return items.length;
}

function zpopGeneric(ctx: CommandContext, argv: readonly Uint8Array[], max: boolean): void {
  if (argv.length > 3) {
    ctx.reply.error(errSyntax);
    return;
  }
  let count = -1;
  if (argv.length === 3) {
    const c = rangedLongArg(ctx, argv[2] as Uint8Array, 0n, errPositive);
    if (c === null) return;
    count = c;
  }
  const key = latin1(argv[1] as Uint8Array);
  // Redis checks the key's type before answering a count of 0.
  const e = lookupZset(ctx, key, true);
  if (e === false) return;
  if (e === undefined || count === 0) {
    ctx.reply.arrayHeader(0);
    return;
  }
  // Without a count the reply is one flat [member, score]; with one, RESP3 nests each pair.
  popAndReply(ctx, key, e, count === -1 ? 1 : count, max, { withKey: false, nested: count !== -1 && ctx.reply.proto === 3 });
}

/** ZMPOP numkeys key... MIN|MAX [COUNT n]: parsing shared with BZMPOP (numkeys at `numKeysIndex`). */
function parseMpop(ctx: CommandContext, argv: readonly Uint8Array[], numKeysIndex: number): { keys: string[]; max: boolean; count: number } | null {
  const numKeys = rangedLongArg(ctx, argv[numKeysIndex] as Uint8Array, 1n, "ERR numkeys should be greater than 0");
  if (numKeys === null) return null;
  const whereIndex = numKeysIndex + numKeys + 1;
  if (whereIndex >= argv.length) {
    ctx.reply.error(errSyntax);
    return null;
  }
  const where = word(argv[whereIndex]);
  if (where !== "min" && where !== "max") {
    ctx.reply.error(errSyntax);
    return null;
  }
  let count = -1;
  for (let j = whereIndex + 1; j < argv.length; j++) {
    const moreArgs = argv.length - 1 - j;
    if (count === -1 && word(argv[j]) === "count" && moreArgs > 0) {
      j++;
      const c = rangedLongArg(ctx, argv[j] as Uint8Array, 1n, "ERR count should be greater than 0");
      if (c === null) return null;
      count = c;
    } else {
      ctx.reply.error(errSyntax);
      return null;
    }
  }
  const keyNames: string[] = [];
  for (let i = 0; i < numKeys; i++) keyNames.push(latin1(argv[numKeysIndex + 1 + i] as Uint8Array));
  return { keys: keyNames, max: where === "max", count: count === -1 ? 1 : count };
}

/**
 * ZMPOP/BZMPOP's pop from the first sorted set among `keyNames`: replies [key, [[member, score]...]]
 * and returns true, or returns true after a WRONGTYPE error, or false when every key is missing.
 */
function mpopFirst(ctx: CommandContext, keyNames: readonly string[], count: number, max: boolean): boolean {
  for (const key of keyNames) {
    const e = lookupZset(ctx, key, true);
    if (e === false) return true;
    if (e === undefined) continue;
    const popped = popAndReply(ctx, key, e, count, max, { withKey: true, nested: true });
    // Logged as the pop that happened, as Redis propagates it.
    ctx.propagate([max ? "ZPOPMAX" : "ZPOPMIN", key, String(popped)]);
    return true;
  }
  return false;
}

function zmpop(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const parsed = parseMpop(ctx, argv, 1);
  if (parsed === null) return;
  if (!mpopFirst(ctx, parsed.keys, parsed.count, parsed.max)) ctx.reply.nullArray();
}

// ---------------------------------------------------------------------------------------------------
// BZPOPMIN, BZPOPMAX, BZMPOP: the pops above, or wait (server/blocking.ts) until a sorted set is there.
// Each is logged as the non-blocking pop it performed; inside MULTI (or wherever a client may not
// block) an empty result answers the null array at once, as Redis's timeout does.

const isZset = (e: Entry): boolean => e.type === "zset";

/** BZPOPMIN/BZPOPMAX key... timeout: [key, member, score] from the first non-empty sorted set. */
function bzpopGeneric(ctx: CommandContext, argv: readonly Uint8Array[], max: boolean): void {
  const deadlineMs = blockingTimeoutArg(ctx, argv[argv.length - 1]);
  if (deadlineMs === null) return;
  const keyNames = argv.slice(1, -1).map((a) => latin1(a));
  const hint = blockedKeyHint(ctx);
  for (const key of hint === null ? keyNames : [hint]) {
    const e = lookupZset(ctx, key, true);
    if (e === false) return;
    if (e === undefined) continue;
    popAndReply(ctx, key, e, 1, max, { withKey: true, nested: false });
    ctx.propagate([max ? "ZPOPMAX" : "ZPOPMIN", key]);
    return;
  }
  if (!blockClient(ctx, argv, { keys: keyNames, deadlineMs, ready: isZset })) ctx.reply.nullArray();
}

/** BZMPOP timeout numkeys key... MIN|MAX [COUNT n]. */
function bzmpop(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  // Redis checks numkeys, MIN|MAX and COUNT before the timeout.
  const parsed = parseMpop(ctx, argv, 2);
  if (parsed === null) return;
  const deadlineMs = blockingTimeoutArg(ctx, argv[1]);
  if (deadlineMs === null) return;
  const hint = blockedKeyHint(ctx);
  if (mpopFirst(ctx, hint === null ? parsed.keys : [hint], parsed.count, parsed.max)) return;
  if (!blockClient(ctx, argv, { keys: parsed.keys, deadlineMs, ready: isZset })) ctx.reply.nullArray();
}

// ---------------------------------------------------------------------------------------------------
// ZRANDMEMBER

function zrandmember(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const key = latin1(argv[1] as Uint8Array);
  if (argv.length >= 3) {
    const raw = longArgExact(ctx, argv[2] as Uint8Array);
    if (raw === null) return;
    if (raw < -LONG_MAX) {
      ctx.reply.error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
      return;
    }
    if (argv.length > 4 || (argv.length === 4 && word(argv[3]) !== "withscores")) {
      ctx.reply.error(errSyntax);
      return;
    }
    const withScores = argv.length === 4;
    if (withScores && (raw < -RANDMEMBER_WITHSCORES_COUNT_MAX || raw > RANDMEMBER_WITHSCORES_COUNT_MAX)) {
      ctx.reply.error("ERR value is out of range");
      return;
    }
    randomWithCount(ctx, key, raw, withScores);
    return;
  }
  const e = lookupZset(ctx, key, false);
  if (e === false) return;
  if (e === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  const at = randomIndex(ctx, e.data.size);
  ctx.reply.bulk((e.data.byRank(at, at)[0] as [string, number])[0]);
}

function randomIndex(ctx: CommandContext, size: number): number {
  return Math.floor(ctx.random() * size);
}

function randomWithCount(ctx: CommandContext, key: string, raw: bigint, withScores: boolean): void {
  const e = lookupZset(ctx, key, false);
  if (e === false) return;
  if (e === undefined || raw === 0n) {
    ctx.reply.arrayHeader(0);
    return;
  }
  const z = e.data;
  const size = z.size;
  const unique = raw > 0n;
  const count = unique ? raw : -raw;
  if (!unique || count === 1n) {
    // Repetitions allowed: `count` independent picks.
    const n = Number(count);
    const items: [string, number][] = [];
    for (let i = 0; i < n; i++) {
      const at = randomIndex(ctx, size);
      items.push(z.byRank(at, at)[0] as [string, number]);
    }
    replyElements(ctx, items, withScores);
    return;
  }
  if (count >= BigInt(size)) {
    // The whole set, from the highest score down (as Redis 7.0 replies it).
    replyElements(ctx, z.byRank(0, size - 1, true), withScores);
    return;
  }
  // Distinct picks: a partial Fisher-Yates shuffle over the ranks.
  const n = Number(count);
  const ranks = Array.from({ length: size }, (_, i) => i);
  const items: [string, number][] = [];
  for (let i = 0; i < n; i++) {
    const j = i + randomIndex(ctx, size - i);
    const t = ranks[i] as number;
    ranks[i] = ranks[j] as number;
    ranks[j] = t;
    const at = ranks[i] as number;
    items.push(z.byRank(at, at)[0] as [string, number]);
  }
  replyElements(ctx, items, withScores);
}

// ---------------------------------------------------------------------------------------------------
// ZSCAN

/** Redis parseScanCursorOrReply: strtoul in base 10 over the whole text, no leading space. */
function validCursor(arg: Uint8Array): boolean {
  if (arg.length === 0) return true;
  if (isCSpace(arg[0] as number)) return false;
  let i = 0;
  if (arg[i] === 43 || arg[i] === 45) i++;
  const digitsFrom = i;
  let value = 0n;
  for (; i < arg.length && (arg[i] as number) >= 48 && (arg[i] as number) <= 57; i++) value = value * 10n + BigInt((arg[i] as number) - 48);
  if (i === digitsFrom) return i === arg.length && digitsFrom === 0 ? true : arg.length === 0;
  if (i !== arg.length && arg[i] !== 0) return false;
  return value <= 0xffff_ffff_ffff_ffffn;
}

/** Redis stringmatchlen: glob with *, ?, [...] (ranges, ^ negation), and \ escapes; byte-wise. */
function globMatch(pattern: string, text: string, nocase = false): boolean {
  const lower = (c: string): string => (nocase ? c.toLowerCase() : c);
  const match = (p: number, s: number): boolean => {
    while (p < pattern.length && s <= text.length) {
      const pc = pattern[p] as string;
      if (pc === "*") {
        while (pattern[p + 1] === "*") p++;
        if (p + 1 === pattern.length) return true;
        for (let k = s; k <= text.length; k++) if (match(p + 1, k)) return true;
        return false;
      }
      if (s >= text.length) return false;
      const sc = text[s] as string;
      if (pc === "?") {
        p++;
        s++;
        continue;
      }
      if (pc === "[") {
        p++;
        const not = pattern[p] === "^";
        if (not) p++;
        let matched = false;
        for (;;) {
          if (p >= pattern.length) {
            p--;
            break;
          }
          const c = pattern[p] as string;
          if (c === "\\" && p + 2 <= pattern.length - 1 + 1 && p + 1 < pattern.length) {
            p++;
            if (pattern[p] === sc) matched = true;
          } else if (c === "]") break;
          else if (pattern[p + 1] === "-" && p + 2 < pattern.length) {
            let start = c.charCodeAt(0);
            let end = (pattern[p + 2] as string).charCodeAt(0);
            const v = lower(sc).charCodeAt(0);
            if (start > end) [start, end] = [end, start];
            if (nocase) {
              start = String.fromCharCode(start).toLowerCase().charCodeAt(0);
              end = String.fromCharCode(end).toLowerCase().charCodeAt(0);
            }
            p += 2;
            if (v >= start && v <= end) matched = true;
          } else if (lower(c) === lower(sc)) matched = true;
          p++;
        }
        if (not) matched = !matched;
        if (!matched) return false;
        p++;
        s++;
        continue;
      }
      if (pc === "\\" && p + 1 < pattern.length) p++;
      if (lower(pattern[p] as string) !== lower(sc)) return false;
      p++;
      s++;
    }
    while (p < pattern.length && pattern[p] === "*") p++;
    return p === pattern.length && s === text.length;
  };
  return match(0, 0);
}

function zscan(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  if (!validCursor(argv[2] as Uint8Array)) {
    ctx.reply.error(errInvalidCursor);
    return;
  }
  const e = lookupZset(ctx, latin1(argv[1] as Uint8Array), false);
  if (e === false) return;
  if (e === undefined) {
    ctx.reply.arrayHeader(2);
    ctx.reply.bulk("0");
    ctx.reply.arrayHeader(0);
    return;
  }
  let pattern: string | null = null;
  for (let i = 3; i < argv.length; i++) {
    const opt = word(argv[i]);
    const left = argv.length - i - 1;
    if (opt === "count" && left >= 1) {
      const c = longArg(ctx, argv[i + 1] as Uint8Array);
      if (c === null) return;
      if (c < 1) {
        ctx.reply.error(errSyntax);
        return;
      }
      i++;
    } else if (opt === "match" && left >= 1) {
      const p = latin1(argv[i + 1] as Uint8Array);
      pattern = p === "*" ? null : p;
      i++;
    } else {
      ctx.reply.error(errSyntax);
      return;
    }
  }
  // The whole set in one reply with cursor 0: what Redis does for listpack-encoded sets, and a valid
  // (if unpaged) scan for larger ones, where COUNT is only a hint.
  const items: [string, number][] = [];
  for (const pair of e.data.entries()) if (pattern === null || globMatch(pattern, pair[0])) items.push(pair);
  ctx.reply.arrayHeader(2);
  ctx.reply.bulk("0");
  ctx.reply.arrayHeader(items.length * 2);
  for (const [member, score] of items) {
    ctx.reply.bulk(member);
    ctx.reply.bulk(formatDouble17g(score));
  }
}

// ---------------------------------------------------------------------------------------------------
// Declarations

const zs = { group: "sorted_set", acl: ["sortedset"] } as const;
const rw = (flags: KeySpec["flags"]): KeySpec[] => [keys.one(1, flags)];
const storeSpecs: KeySpec[] = [keys.one(1, ["OW", "UPDATE"]), keys.keynum(2, ["RO", "ACCESS"])];
const readKeynum: KeySpec[] = [keys.keynum(1, ["RO", "ACCESS"])];

export const zsetCommands: CommandSpec[] = [
  { ...zs, name: "zadd", arity: -4, flags: ["write", "denyoom", "fast"], summary: "Adds members to a sorted set, or updates their scores; creates the key when needed.", since: "1.2.0", complexity: "O(log(N)) for each item added, where N is the number of elements in the sorted set.", keySpecs: rw(["RW", "UPDATE"]), handler: zadd },
  { ...zs, name: "zincrby", arity: 4, flags: ["write", "denyoom", "fast"], summary: "Increments the score of a member of a sorted set.", since: "1.2.0", complexity: "O(log(N)) where N is the number of elements in the sorted set.", keySpecs: rw(["RW", "ACCESS", "UPDATE"]), handler: zincrby },
  { ...zs, name: "zrem", arity: -3, flags: ["write", "fast"], summary: "Removes members from a sorted set; deletes the key when it becomes empty.", since: "1.2.0", complexity: "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.", keySpecs: rw(["RW", "DELETE"]), handler: zrem },
  { ...zs, name: "zcard", arity: 2, flags: ["readonly", "fast"], summary: "Returns the number of members of a sorted set.", since: "1.2.0", complexity: "O(1)", keySpecs: rw(["RO"]), handler: zcard },
  { ...zs, name: "zscore", arity: 3, flags: ["readonly", "fast"], summary: "Returns the score of a member of a sorted set.", since: "1.2.0", complexity: "O(1)", keySpecs: rw(["RO", "ACCESS"]), handler: zscore },
  { ...zs, name: "zmscore", arity: -3, flags: ["readonly", "fast"], summary: "Returns the scores of several members of a sorted set.", since: "6.2.0", complexity: "O(N) where N is the number of members being requested.", keySpecs: rw(["RO", "ACCESS"]), handler: zmscore },
  { ...zs, name: "zrank", arity: 3, flags: ["readonly", "fast"], summary: "Returns the position of a member in a sorted set, by ascending score.", since: "2.0.0", complexity: "O(log(N))", keySpecs: rw(["RO", "ACCESS"]), handler: (ctx, argv) => zrankGeneric(ctx, argv, false) },
  { ...zs, name: "zrevrank", arity: 3, flags: ["readonly", "fast"], summary: "Returns the position of a member in a sorted set, by descending score.", since: "2.0.0", complexity: "O(log(N))", keySpecs: rw(["RO", "ACCESS"]), handler: (ctx, argv) => zrankGeneric(ctx, argv, true) },
  { ...zs, name: "zcount", arity: 4, flags: ["readonly", "fast"], summary: "Counts the members of a sorted set whose scores are within a range.", since: "2.0.0", complexity: "O(log(N)) with N being the number of elements in the sorted set.", keySpecs: rw(["RO", "ACCESS"]), handler: zcount },
  { ...zs, name: "zlexcount", arity: 4, flags: ["readonly", "fast"], summary: "Counts the members of a sorted set within a lexicographical range.", since: "2.8.9", complexity: "O(log(N)) with N being the number of elements in the sorted set.", keySpecs: rw(["RO", "ACCESS"]), handler: zlexcount },
  { ...zs, name: "zrange", arity: -4, flags: ["readonly"], summary: "Returns members of a sorted set within a range of positions, scores or members.", since: "1.2.0", complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.", keySpecs: rw(["RO", "ACCESS"]), handler: zrange },
  { ...zs, name: "zrangestore", arity: -5, flags: ["write", "denyoom"], summary: "Stores a range of members of a sorted set in another key.", since: "6.2.0", complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.", keySpecs: [keys.one(1, ["OW", "UPDATE"]), keys.one(2, ["RO", "ACCESS"])], handler: zrangestore },
  { ...zs, name: "zrevrange", arity: -4, flags: ["readonly"], summary: "Returns members of a sorted set within a range of positions, from the highest score.", since: "1.2.0", complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.", docFlags: ["deprecated"], deprecatedSince: "6.2.0", replacedBy: "`ZRANGE` with the `REV` argument", keySpecs: rw(["RO", "ACCESS"]), handler: zrevrange },
  { ...zs, name: "zrangebyscore", arity: -4, flags: ["readonly"], summary: "Returns members of a sorted set within a range of scores.", since: "1.0.5", complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", docFlags: ["deprecated"], deprecatedSince: "6.2.0", replacedBy: "`ZRANGE` with the `BYSCORE` argument", keySpecs: rw(["RO", "ACCESS"]), handler: zrangebyscore },
  { ...zs, name: "zrevrangebyscore", arity: -4, flags: ["readonly"], summary: "Returns members of a sorted set within a range of scores, from the highest score.", since: "2.2.0", complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", docFlags: ["deprecated"], deprecatedSince: "6.2.0", replacedBy: "`ZRANGE` with the `REV` and `BYSCORE` arguments", keySpecs: rw(["RO", "ACCESS"]), handler: zrevrangebyscore },
  { ...zs, name: "zrangebylex", arity: -4, flags: ["readonly"], summary: "Returns members of a sorted set within a lexicographical range.", since: "2.8.9", complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", docFlags: ["deprecated"], deprecatedSince: "6.2.0", replacedBy: "`ZRANGE` with the `BYLEX` argument", keySpecs: rw(["RO", "ACCESS"]), handler: zrangebylex },
  { ...zs, name: "zrevrangebylex", arity: -4, flags: ["readonly"], summary: "Returns members of a sorted set within a lexicographical range, in reverse order.", since: "2.8.9", complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", docFlags: ["deprecated"], deprecatedSince: "6.2.0", replacedBy: "`ZRANGE` with the `REV` and `BYLEX` arguments", keySpecs: rw(["RO", "ACCESS"]), handler: zrevrangebylex },
  { ...zs, name: "zremrangebyrank", arity: 4, flags: ["write"], summary: "Removes the members of a sorted set within a range of positions.", since: "2.0.0", complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.", keySpecs: rw(["RW", "DELETE"]), handler: (ctx, argv) => zremrangeGeneric(ctx, argv, "rank") },
  { ...zs, name: "zremrangebyscore", arity: 4, flags: ["write"], summary: "Removes the members of a sorted set within a range of scores.", since: "1.2.0", complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.", keySpecs: rw(["RW", "DELETE"]), handler: (ctx, argv) => zremrangeGeneric(ctx, argv, "score") },
  { ...zs, name: "zremrangebylex", arity: 4, flags: ["write"], summary: "Removes the members of a sorted set within a lexicographical range.", since: "2.8.9", complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.", keySpecs: rw(["RW", "DELETE"]), handler: (ctx, argv) => zremrangeGeneric(ctx, argv, "lex") },
  { ...zs, name: "zunion", arity: -3, flags: ["readonly"], summary: "Returns the union of sorted sets.", since: "6.2.0", complexity: "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.", keySpecs: readKeynum, handler: (ctx, argv) => setOpGeneric(ctx, argv, setOp("union", 1, false)) },
  { ...zs, name: "zinter", arity: -3, flags: ["readonly"], summary: "Returns the intersection of sorted sets.", since: "6.2.0", complexity: "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.", keySpecs: readKeynum, handler: (ctx, argv) => setOpGeneric(ctx, argv, setOp("inter", 1, false)) },
  { ...zs, name: "zdiff", arity: -3, flags: ["readonly"], summary: "Returns the difference between sorted sets.", since: "6.2.0", complexity: "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.", keySpecs: readKeynum, handler: (ctx, argv) => setOpGeneric(ctx, argv, setOp("diff", 1, false)) },
  { ...zs, name: "zunionstore", arity: -4, flags: ["write", "denyoom"], summary: "Stores the union of sorted sets in a key.", since: "2.0.0", complexity: "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.", keySpecs: storeSpecs, handler: (ctx, argv) => setOpGeneric(ctx, argv, setOp("union", 2, true)) },
  { ...zs, name: "zinterstore", arity: -4, flags: ["write", "denyoom"], summary: "Stores the intersection of sorted sets in a key.", since: "2.0.0", complexity: "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.", keySpecs: storeSpecs, handler: (ctx, argv) => setOpGeneric(ctx, argv, setOp("inter", 2, true)) },
  { ...zs, name: "zdiffstore", arity: -4, flags: ["write", "denyoom"], summary: "Stores the difference of sorted sets in a key.", since: "6.2.0", complexity: "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.", keySpecs: storeSpecs, handler: (ctx, argv) => setOpGeneric(ctx, argv, setOp("diff", 2, true)) },
  { ...zs, name: "zintercard", arity: -3, flags: ["readonly"], summary: "Returns the number of members in the intersection of sorted sets.", since: "7.0.0", complexity: "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.", keySpecs: readKeynum, handler: (ctx, argv) => setOpGeneric(ctx, argv, setOp("inter", 1, false, true)) },
  { ...zs, name: "zpopmin", arity: -2, flags: ["write", "fast"], summary: "Removes and returns the members with the lowest scores in a sorted set.", since: "5.0.0", complexity: "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.", keySpecs: rw(["RW", "ACCESS", "DELETE"]), handler: (ctx, argv) => zpopGeneric(ctx, argv, false) },
  { ...zs, name: "zpopmax", arity: -2, flags: ["write", "fast"], summary: "Removes and returns the members with the highest scores in a sorted set.", since: "5.0.0", complexity: "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.", keySpecs: rw(["RW", "ACCESS", "DELETE"]), handler: (ctx, argv) => zpopGeneric(ctx, argv, true) },
  { ...zs, name: "zmpop", arity: -4, flags: ["write"], summary: "Removes and returns the members with the lowest or highest scores from the first non-empty sorted set.", since: "7.0.0", complexity: "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.", keySpecs: [keys.keynum(1, ["RW", "ACCESS", "DELETE"])], handler: zmpop },
  { ...zs, name: "bzpopmin", arity: -3, flags: ["write", "noscript", "blocking", "fast"], summary: "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available", since: "5.0.0", complexity: "O(log(N)) with N being the number of elements in the sorted set.", keySpecs: [keys.range(1, -2, 1, ["RW", "ACCESS", "DELETE"])], handler: (ctx, argv) => bzpopGeneric(ctx, argv, false) },
  { ...zs, name: "bzpopmax", arity: -3, flags: ["write", "noscript", "blocking", "fast"], summary: "Remove and return the member with the highest score from one or more sorted sets, or block until one is available", since: "5.0.0", complexity: "O(log(N)) with N being the number of elements in the sorted set.", keySpecs: [keys.range(1, -2, 1, ["RW", "ACCESS", "DELETE"])], handler: (ctx, argv) => bzpopGeneric(ctx, argv, true) },
  { ...zs, name: "bzmpop", arity: -5, flags: ["write", "blocking"], summary: "Remove and return members with scores in a sorted set or block until one is available", since: "7.0.0", complexity: "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.", keySpecs: [keys.keynum(2, ["RW", "ACCESS", "DELETE"])], handler: bzmpop },
  { ...zs, name: "zrandmember", arity: -2, flags: ["readonly"], summary: "Returns random members of a sorted set.", since: "6.2.0", complexity: "O(N) where N is the number of members returned", tips: ["nondeterministic_output"], keySpecs: rw(["RO", "ACCESS"]), handler: zrandmember },
  { ...zs, name: "zscan", arity: -3, flags: ["readonly"], summary: "Iterates over the members and scores of a sorted set.", since: "2.8.0", complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.", tips: ["nondeterministic_output"], keySpecs: rw(["RO", "ACCESS"]), handler: zscan },
];
