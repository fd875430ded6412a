// ZRANGE in every form (its older spellings and ZRANGESTORE) and the range deletions ZREMRANGEBY*.
import type { CommandContext } from "./types.ts";
import { intArg, latin1, word } from "./args.ts";
import { SortedSet, type RangeLimit } from "../keyspace/sorted-set.ts";
import { errMinMaxNotFloat, errMinMaxNotStringRange, errSyntax } from "../protocol/errors.ts";
import { lookupZset, notifyRemoval, parseLexRange, parseScoreRange, replyElements, storeResult } from "./zset-common.ts";

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

/** Redis's rank window: negative ranks count from the end, then clamp to the set; null when empty. */
function clampRanks(start: number, end: number, size: number): [number, number] | null {
  const s = Math.max(start < 0 ? size + start : start, 0);
  const t = end < 0 ? size + end : end;
  if (s > t || s >= size) return null;
  return [s, Math.min(t, size - 1)];
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
      const o = intArg(ctx, argv[j + 1] as Uint8Array);
      if (o === null) return;
      const l = intArg(ctx, argv[j + 2] as Uint8Array);
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
    const start = intArg(ctx, minArg);
    if (start === null) return;
    const end = intArg(ctx, maxArg);
    if (end === null) return;
    select = (z) => {
      const ranks = clampRanks(start, end, z.size);
      return ranks === null ? [] : z.byRank(ranks[0], ranks[1], reverse);
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

export function zrange(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  zrangeGeneric(ctx, argv, rangeCall(1, false, "auto", "auto"));
}
export function zrangestore(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  zrangeGeneric(ctx, argv, rangeCall(2, true, "auto", "auto"));
}
export function zrevrange(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  zrangeGeneric(ctx, argv, rangeCall(1, false, "rank", "reverse"));
}
export function zrangebyscore(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  zrangeGeneric(ctx, argv, rangeCall(1, false, "score", "forward"));
}
export function zrevrangebyscore(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  zrangeGeneric(ctx, argv, rangeCall(1, false, "score", "reverse"));
}
export function zrangebylex(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  zrangeGeneric(ctx, argv, rangeCall(1, false, "lex", "forward"));
}
export function zrevrangebylex(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  zrangeGeneric(ctx, argv, rangeCall(1, false, "lex", "reverse"));
}

// ---------------------------------------------------------------------------------------------------
// ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX

export function zremrangeGeneric(ctx: CommandContext, argv: readonly Uint8Array[], type: "rank" | "score" | "lex"): void {
  let remove: (z: SortedSet) => number;
  if (type === "rank") {
    const start = intArg(ctx, argv[2] as Uint8Array);
    if (start === null) return;
    const end = intArg(ctx, argv[3] as Uint8Array);
    if (end === null) return;
    remove = (z) => {
      const ranks = clampRanks(start, end, z.size);
      return ranks === null ? 0 : z.removeRangeByRank(ranks[0], ranks[1]).length;
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

