// Sorted set commands: the command table `zsetCommands`, and the member commands (ZADD, ZINCRBY, ZREM,
// the reads by member, rank and count), ZRANDMEMBER and ZSCAN. Ranges, set algebra and pops live in
// zset-range.ts, zset-setops.ts and zset-pop.ts. Replies and errors follow Redis 7.0 byte for byte,
// including the RESP3 shapes (WITHSCORES as [member, score] pairs) and the listpack encoding's habit of
// storing -0 as 0.
import type { CommandContext, CommandSpec, KeySpec } from "./types.ts";
import { keys } from "./types.ts";
import { latin1, word } from "./args.ts";
import { newEntry } from "../keyspace/entry.ts";
import { SortedSet } from "../keyspace/sorted-set.ts";
import { errMinMaxNotFloat, errMinMaxNotStringRange, errNotFloat, errScoreNaN, errSyntax } from "../protocol/errors.ts";
import { formatDouble17g, parseDouble } from "../protocol/numbers.ts";
import { notify } from "../server/notify.ts";
import { randomIndex, replyScan, scanCursorArg, scanOptions } from "./collection-scan.ts";
import { longArgExact, lookupZset, notifyRemoval, parseLexRange, parseScoreRange, replyElements } from "./zset-common.ts";
import { zrange, zrangebylex, zrangebyscore, zrangestore, zremrangeGeneric, zrevrange, zrevrangebylex, zrevrangebyscore } from "./zset-range.ts";
import { setOp, setOpGeneric } from "./zset-setops.ts";
import { bzmpop, bzpopGeneric, zmpop, zpopGeneric } from "./zset-pop.ts";

const LONG_MAX = 9223372036854775807n;
/** Bound on the elements a negative ZRANDMEMBER count may ask for with WITHSCORES (Redis: LONG_MAX/2). */
const RANDMEMBER_WITHSCORES_COUNT_MAX = LONG_MAX / 2n;

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

export function zaddGeneric(ctx: CommandContext, argv: readonly Uint8Array[], initialFlags: number): void {
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

function zscan(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  if (scanCursorArg(ctx, argv[2] as Uint8Array) === null) return;
  const e = lookupZset(ctx, latin1(argv[1] as Uint8Array), false);
  if (e === false) return;
  if (e === undefined) return replyScan(ctx, 0, []);
  const options = scanOptions(ctx, argv, 3);
  if (options === null) return;
  // The whole set in one reply with cursor 0: what Redis does for listpack-encoded sets, and a valid
  // (if unpaged) scan for larger ones, where COUNT is only a hint. Scores are bulk strings even in
  // RESP3, as Redis replies them.
  const items: string[] = [];
  for (const [member, score] of e.data.entries()) {
    if (options.matches === null || options.matches(member)) items.push(member, formatDouble17g(score));
  }
  replyScan(ctx, 0, items);
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
