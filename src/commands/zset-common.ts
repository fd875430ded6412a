// Helpers shared by the sorted set command files: key lookup, argument and range parsing, storing a
// computed result, and the member/score reply shape.
import type { CommandContext } from "./types.ts";
import { latin1 } from "./args.ts";
import { newEntry, type ZSetEntry } from "../keyspace/entry.ts";
import type { LexBound, LexRange, ScoreRange, SortedSet } from "../keyspace/sorted-set.ts";
import { errNotInteger, errWrongType } from "../protocol/errors.ts";
import { formatDouble17g, parseInteger, strtod } from "../protocol/numbers.ts";
import { notify } from "../server/notify.ts";

// ---------------------------------------------------------------------------------------------------
// Lookups and argument parsing

/** The zset at `key`: undefined when missing, false after replying WRONGTYPE. */
export function lookupZset(ctx: CommandContext, key: string, forWrite: boolean): ZSetEntry | undefined | false {
  // Not for writing: Redis's lookupKeyRead, which counts even in a write command (ZRANGESTORE's source).
  const e = forWrite ? ctx.db.getForWrite(key) : ctx.db.lookupRead(key);
  if (e === undefined) return undefined;
  if (e.type !== "zset") {
    ctx.reply.error(errWrongType);
    return false;
  }
  return e;
}

/** Redis getLongFromObjectOrReply as a bigint, for range checks at the int64 edges (intArg rounds beyond 2^53). */
export function longArgExact(ctx: CommandContext, arg: Uint8Array, error = errNotInteger): bigint | null {
  const v = parseInteger(arg);
  if (v === null) {
    ctx.reply.error(error);
    return null;
  }
  return BigInt(v);
}

/** Redis getRangeLongFromObjectOrReply with a custom message used for both failures. */
export function rangedLongArg(ctx: CommandContext, arg: Uint8Array, min: bigint, message: string): number | null {
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

export function parseScoreRange(minArg: Uint8Array, maxArg: Uint8Array): ScoreRange | null {
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

export function parseLexRange(minArg: Uint8Array, maxArg: Uint8Array): LexRange | null {
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
 * set did. Redis replies before it notifies (`event` on a stored result, `del` on a deleted one),
 * except where `options.notifyBeforeReply` says otherwise (the geo commands).
 */
export function storeResult(ctx: CommandContext, key: string, z: SortedSet, event: string, options: { readonly notifyBeforeReply: boolean } = { notifyBeforeReply: false }): void {
  const early = options.notifyBeforeReply;
  if (z.size === 0) {
    if (!early) ctx.reply.integer(0);
    if (ctx.db.delete(key)) {
      ctx.dirty++;
      ctx.propagate(["DEL", key]);
      notify(ctx, "generic", "del", key);
    }
    if (early) ctx.reply.integer(0);
    return;
  }
  ctx.db.set(key, newEntry("zset", z));
  ctx.dirty++;
  if (!early) ctx.reply.integer(z.size);
  notify(ctx, "zset", event, key);
  if (early) ctx.reply.integer(z.size);
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
export function notifyRemoval(ctx: CommandContext, key: string, e: ZSetEntry, event: string): void {
  notify(ctx, "zset", event, key);
  if (e.data.size === 0) {
    ctx.db.delete(key);
    notify(ctx, "generic", "del", key);
  }
}

// ---------------------------------------------------------------------------------------------------
// Replies

/** An array of members, with scores flat (RESP2) or as [member, score] pairs (RESP3). */
export function replyElements(ctx: CommandContext, items: readonly (readonly [string, number])[], withScores: boolean): void {
  const r = ctx.reply;
  const pairs = withScores && r.proto === 3;
  r.arrayHeader(withScores && !pairs ? items.length * 2 : items.length);
  for (const [member, score] of items) {
    if (pairs) r.arrayHeader(2);
    r.bulk(member);
    if (withScores) r.double(score);
  }
}
