// The skiplist sorted set agrees with a naive sorted-array model under seeded random operations:
// rank, ranges by rank/score/lex with limits, counts and range deletions.
import { describe, expect, test } from "bun:test";
import { SortedSet, type LexBound, type LexRange, type ScoreRange } from "./sorted-set.ts";

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Pair = [string, number];

class Model {
  readonly map = new Map<string, number>();
  sorted(): Pair[] {
    return [...this.map].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
}

function inScore(v: number, r: ScoreRange): boolean {
  return (r.minExclusive ? v > r.min : v >= r.min) && (r.maxExclusive ? v < r.max : v <= r.max);
}
function inLex(v: string, r: LexRange): boolean {
  const lo = r.min.kind === "-" ? true : r.min.kind === "+" ? false : r.min.exclusive ? v > r.min.value : v >= r.min.value;
  const hi = r.max.kind === "+" ? true : r.max.kind === "-" ? false : r.max.exclusive ? v < r.max.value : v <= r.max.value;
  return lo && hi;
}

function limited(all: Pair[], reverse: boolean, offset: number, count: number): Pair[] {
  const ordered = reverse ? [...all].reverse() : all;
  const from = ordered.slice(offset);
  return count < 0 ? from : from.slice(0, count);
}

describe("SortedSet against a naive model", () => {
  for (const seed of [1, 2, 3, 42, 1234]) {
    test(`seed ${seed}: random operations`, () => {
      const rnd = mulberry32(seed);
      const z = new SortedSet();
      const m = new Model();
      const member = (): string => "m" + Math.floor(rnd() * 300).toString(36);
      // Few distinct scores so ties (ordered by member) are common.
      const score = (): number => Math.floor(rnd() * 40) - 20 + (rnd() < 0.2 ? 0.5 : 0);
      for (let step = 0; step < 3000; step++) {
        const op = rnd();
        if (op < 0.45) {
          const k = member();
          const s = score();
          expect(z.add(k, s)).toBe(!m.map.has(k));
          m.map.set(k, s);
        } else if (op < 0.6) {
          const k = member();
          expect(z.remove(k)).toBe(m.map.delete(k));
        } else if (op < 0.65) {
          const sorted = m.sorted();
          const a = Math.floor(rnd() * (sorted.length + 2));
          const b = a + Math.floor(rnd() * 5);
          const removed = z.removeRangeByRank(a, Math.min(b, sorted.length - 1));
          const expected = sorted.slice(a, b + 1).map((p) => p[0]);
          expect(removed).toEqual(expected);
          for (const k of expected) m.map.delete(k);
        } else if (op < 0.68) {
          const lo = score();
          const r: ScoreRange = { min: lo, max: lo + rnd() * 4, minExclusive: rnd() < 0.5, maxExclusive: rnd() < 0.5 };
          const expected = m.sorted().filter((p) => inScore(p[1], r)).map((p) => p[0]);
          expect(z.removeRangeByScore(r)).toEqual(expected);
          for (const k of expected) m.map.delete(k);
        } else if (op < 0.7) {
          // Lex ranges are only defined when every score is equal: use a separate all-zero set.
          continue;
        }
        const sorted = m.sorted();
        expect(z.size).toBe(sorted.length);
        if (step % 10 !== 0) continue;
        expect([...z.entries()]).toEqual(sorted);
        for (let i = 0; i < sorted.length; i += 7) {
          const [k] = sorted[i] as Pair;
          expect(z.rank(k)).toBe(i);
          expect(z.rank(k, true)).toBe(sorted.length - 1 - i);
        }
        expect(z.rank("absent")).toBeUndefined();
        const a = Math.floor(rnd() * (sorted.length + 1));
        const b = a + Math.floor(rnd() * 10);
        expect(z.byRank(a, b)).toEqual(sorted.slice(a, b + 1));
        expect(z.byRank(a, b, true)).toEqual([...sorted].reverse().slice(a, b + 1));
        const lo = score();
        const r: ScoreRange = { min: lo, max: lo + rnd() * 10, minExclusive: rnd() < 0.5, maxExclusive: rnd() < 0.5 };
        const inRange = sorted.filter((p) => inScore(p[1], r));
        expect(z.countInScore(r)).toBe(inRange.length);
        const reverse = rnd() < 0.5;
        const offset = Math.floor(rnd() * 4);
        const count = Math.floor(rnd() * 6) - 1;
        expect(z.rangeByScore(r, { reverse, offset, count })).toEqual(limited(inRange, reverse, offset, count));
      }
    });

    test(`seed ${seed}: lex ranges on equal scores`, () => {
      const rnd = mulberry32(seed);
      const z = new SortedSet();
      const m = new Model();
      const member = (): string => String.fromCharCode(97 + Math.floor(rnd() * 6)) + (rnd() < 0.5 ? String.fromCharCode(97 + Math.floor(rnd() * 6)) : "");
      const bound = (): LexBound => {
        const p = rnd();
        if (p < 0.1) return { kind: "-" };
        if (p < 0.2) return { kind: "+" };
        return { kind: "value", value: member(), exclusive: rnd() < 0.5 };
      };
      for (let step = 0; step < 1500; step++) {
        const op = rnd();
        if (op < 0.5) {
          const k = member();
          z.add(k, 0);
          m.map.set(k, 0);
        } else if (op < 0.6) {
          const k = member();
          expect(z.remove(k)).toBe(m.map.delete(k));
        } else if (op < 0.65) {
          const r: LexRange = { min: bound(), max: bound() };
          const expected = m.sorted().filter((p) => inLex(p[0], r)).map((p) => p[0]);
          expect(z.removeRangeByLex(r)).toEqual(expected);
          for (const k of expected) m.map.delete(k);
        } else {
          const r: LexRange = { min: bound(), max: bound() };
          const inRange = m.sorted().filter((p) => inLex(p[0], r));
          expect(z.countInLex(r)).toBe(inRange.length);
          const reverse = rnd() < 0.5;
          const offset = Math.floor(rnd() * 3);
          const count = Math.floor(rnd() * 5) - 1;
          expect(z.rangeByLex(r, { reverse, offset, count })).toEqual(limited(inRange, reverse, offset, count));
        }
      }
    });
  }

  test("same operations build the same structure (deterministic levels)", () => {
    const a = new SortedSet();
    const b = new SortedSet();
    for (let i = 0; i < 500; i++) {
      a.add("k" + i, i % 17);
      b.add("k" + i, i % 17);
    }
    expect(JSON.stringify([...a.entries()])).toBe(JSON.stringify([...b.entries()]));
    expect(a.rank("k250")).toBe(b.rank("k250"));
  });

  test("encoding turns to skiplist past 128 entries or a 65-byte member and stays", () => {
    const z = new SortedSet();
    for (let i = 0; i < 128; i++) z.add("m" + i, i);
    expect(z.encoding).toBe("listpack");
    z.add("extra", 1);
    expect(z.encoding).toBe("skiplist");
    z.remove("extra");
    expect(z.encoding).toBe("skiplist");
    const y = new SortedSet();
    y.add("x".repeat(65), 1);
    expect(y.encoding).toBe("skiplist");
  });
});
