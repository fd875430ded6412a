// Sorted set pops: ZPOPMIN, ZPOPMAX, ZMPOP and their blocking forms BZPOPMIN, BZPOPMAX, BZMPOP.
import type { CommandContext } from "./types.ts";
import { latin1, word } from "./args.ts";
import type { Entry, ZSetEntry } from "../keyspace/entry.ts";
import { errPositive, errSyntax } from "../protocol/errors.ts";
import { notify } from "../server/notify.ts";
import { blockClient, blockedKeyHint, blockingTimeoutArg } from "../server/blocking.ts";
import { lookupZset, rangedLongArg } from "./zset-common.ts";

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

export function zpopGeneric(ctx: CommandContext, argv: readonly Uint8Array[], max: boolean): void {
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

export function zmpop(ctx: CommandContext, argv: readonly Uint8Array[]): void {
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
export function bzpopGeneric(ctx: CommandContext, argv: readonly Uint8Array[], max: boolean): void {
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
export function bzmpop(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  // Redis checks numkeys, MIN|MAX and COUNT before the timeout.
  const parsed = parseMpop(ctx, argv, 2);
  if (parsed === null) return;
  const deadlineMs = blockingTimeoutArg(ctx, argv[1]);
  if (deadlineMs === null) return;
  const hint = blockedKeyHint(ctx);
  if (mpopFirst(ctx, hint === null ? parsed.keys : [hint], parsed.count, parsed.max)) return;
  if (!blockClient(ctx, argv, { keys: parsed.keys, deadlineMs, ready: isZset })) ctx.reply.nullArray();
}

