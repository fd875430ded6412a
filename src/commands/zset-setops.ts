// Sorted set algebra: ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD (plain sets count as
// zsets whose scores are all 1).
import type { CommandContext } from "./types.ts";
import { intArg, latin1, word } from "./args.ts";
import { SortedSet } from "../keyspace/sorted-set.ts";
import { errSyntax, errWrongType } from "../protocol/errors.ts";
import { parseDouble } from "../protocol/numbers.ts";
import { rangedLongArg, replyElements, storeResult } from "./zset-common.ts";

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
export function setOpGeneric(ctx: CommandContext, argv: readonly Uint8Array[], call: SetOpCall): void {
  const { op, numKeysIndex } = call;
  const setCount = intArg(ctx, argv[numKeysIndex] as Uint8Array);
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

export const setOp = (op: SetOp, numKeysIndex: number, store: boolean, cardinalityOnly = false): SetOpCall => ({ op, numKeysIndex, store, cardinalityOnly });

