// Sorted set: a skiplist with spans (after Redis's zskiplist) ordered by (score, member bytes), plus a
// Map member -> score. Rank, range by rank/score/lex, counts and range deletions are O(log n) to find
// the start plus the elements touched. Levels come from a PRNG seeded with a constant per set, so the
// same operations always build the same structure (replay, followers and tests see identical shapes).
import { ZSET_LISTPACK_ENTRIES_MAX, ZSET_LISTPACK_VALUE_BYTES_MAX } from "./encodings.ts";

/** Redis ZSKIPLIST_MAXLEVEL. */
const LEVELS_MAX = 32;
/** Redis ZSKIPLIST_P: the chance a node reaches the next level, as a 32-bit threshold. */
const LEVEL_UP_THRESHOLD = 0.25 * 0x1_0000_0000;
const PRNG_SEED = 0x9e3779b9;

interface Node {
  member: string;
  score: number;
  backward: Node | null;
  readonly forward: (Node | null)[];
  readonly span: number[];
}

function newNode(levels: number, member: string, score: number): Node {
  const forward: (Node | null)[] = new Array<Node | null>(levels).fill(null);
  const span: number[] = new Array<number>(levels).fill(0);
  return { member, score, backward: null, forward, span };
}

/** A score interval; `minExclusive`/`maxExclusive` as written with "(" in ZRANGEBYSCORE. */
export interface ScoreRange {
  readonly min: number;
  readonly max: number;
  readonly minExclusive: boolean;
  readonly maxExclusive: boolean;
}

/** A lex bound: "-" (lowest), "+" (highest), or a member inclusive "[" / exclusive "(". */
export type LexBound = { readonly kind: "-" } | { readonly kind: "+" } | { readonly kind: "value"; readonly value: string; readonly exclusive: boolean };

export interface LexRange {
  readonly min: LexBound;
  readonly max: LexBound;
}

export interface RangeLimit {
  /** Walk from the high end (ZREVRANGEBYSCORE...). */
  readonly reverse: boolean;
  /** Elements to skip first. */
  readonly offset: number;
  /** Elements to return at most; negative for all. */
  readonly count: number;
}

function scoreGteMin(v: number, r: ScoreRange): boolean {
  return r.minExclusive ? v > r.min : v >= r.min;
}
function scoreLteMax(v: number, r: ScoreRange): boolean {
  return r.maxExclusive ? v < r.max : v <= r.max;
}
function lexGteMin(v: string, r: LexRange): boolean {
  const b = r.min;
  if (b.kind === "-") return true;
  if (b.kind === "+") return false;
  return b.exclusive ? v > b.value : v >= b.value;
}
function lexLteMax(v: string, r: LexRange): boolean {
  const b = r.max;
  if (b.kind === "+") return true;
  if (b.kind === "-") return false;
  return b.exclusive ? v < b.value : v <= b.value;
}

/** True when the lex range cannot hold anything whatever the set holds (Redis zslIsInLexRange's first test). */
function lexRangeEmpty(r: LexRange): boolean {
  const { min, max } = r;
  if (min.kind === "+" || max.kind === "-") return true;
  if (min.kind === "-" || max.kind === "+") return false;
  if (min.value > max.value) return true;
  return min.value === max.value && (min.exclusive || max.exclusive);
}

function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minExclusive || r.maxExclusive));
}

/** (score, member) of `n` sorts before (score, member). */
function nodeLess(n: Node, score: number, member: string): boolean {
  return n.score < score || (n.score === score && n.member < member);
}

/** How a new set starts: Redis creates a skiplist directly when the first write already outgrows a listpack. */
export interface SortedSetOptions {
  readonly sizeHint: number;
  readonly memberBytesMax: number;
}

export class SortedSet {
  private readonly scores = new Map<string, number>();
  private readonly header: Node = newNode(LEVELS_MAX, "", -Infinity);
  private tail: Node | null = null;
  private level = 1;
  /** Nodes in the skiplist (equals scores.size between public calls). */
  private length = 0;
  private prngState = PRNG_SEED;
  /** Whether Redis would still hold this set as a listpack (it never converts back). */
  private listpackEncoded = true;
  /** Scratch arrays reused by insert/delete. */
  private readonly update: Node[] = new Array<Node>(LEVELS_MAX);
  private readonly rankAt: number[] = new Array<number>(LEVELS_MAX).fill(0);

  constructor(options: SortedSetOptions = { sizeHint: 0, memberBytesMax: 0 }) {
    this.listpackEncoded = options.sizeHint <= ZSET_LISTPACK_ENTRIES_MAX && options.memberBytesMax <= ZSET_LISTPACK_VALUE_BYTES_MAX;
  }

  get size(): number {
    return this.scores.size;
  }

  /** "listpack" while Redis would keep this set compact, "skiplist" once it has outgrown that. */
  get encoding(): "listpack" | "skiplist" {
    return this.listpackEncoded ? "listpack" : "skiplist";
  }

  /** Marks the set as outgrown its listpack (Redis's SORT converts a compact set before sorting it). */
  convertToSkiplist(): void {
    this.listpackEncoded = false;
  }

  score(member: string): number | undefined {
    return this.scores.get(member);
  }

  has(member: string): boolean {
    return this.scores.has(member);
  }

  /**
   * Adds or updates; returns true when the member is new. A listpack-encoded set stores scores as text
   * that prints -0 as "0", so there -0 becomes 0 (a skiplist keeps the sign, as in Redis).
   */
  add(member: string, score: number): boolean {
    const old = this.scores.get(member);
    if (old === undefined && this.listpackEncoded && (this.scores.size + 1 > ZSET_LISTPACK_ENTRIES_MAX || member.length > ZSET_LISTPACK_VALUE_BYTES_MAX)) {
      this.listpackEncoded = false;
    }
    if (score === 0 && this.listpackEncoded) score = 0;
    if (old !== undefined) {
      // Equal scores (0 and -0 included) keep the node's place; only the stored value changes.
      if (old === score) this.findNode(old, member).score = score;
      else {
        this.deleteScored(old, member);
        this.insert(score, member);
      }
      this.scores.set(member, score);
      return false;
    }
    this.scores.set(member, score);
    this.insert(score, member);
    return true;
  }

  remove(member: string): boolean {
    const old = this.scores.get(member);
    if (old === undefined) return false;
    this.scores.delete(member);
    this.deleteScored(old, member);
    return true;
  }

  /** Members in ascending (score, member) order. */
  *entries(): Generator<[string, number]> {
    for (let x = this.header.forward[0] ?? null; x !== null; x = x.forward[0] ?? null) yield [x.member, x.score];
  }

  /** 0-based rank of `member` in ascending order (descending when `reverse`), undefined when absent. */
  rank(member: string, reverse = false): number | undefined {
    const score = this.scores.get(member);
    if (score === undefined) return undefined;
    let x = this.header;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i] ?? null; f !== null && (nodeLess(f, score, member) || (f.score === score && f.member === member)); f = x.forward[i] ?? null) {
        traversed += x.span[i] as number;
        x = f;
      }
      if (x !== this.header && x.member === member) break;
    }
    const ascending = traversed - 1;
    return reverse ? this.size - 1 - ascending : ascending;
  }

  /**
   * Elements at 0-based positions start..end inclusive, counted from the low end (from the high end when
   * `reverse`, and returned in that order). The caller clamps the indices into [0, size).
   */
  byRank(start: number, end: number, reverse = false): [string, number][] {
    const out: [string, number][] = [];
    if (start > end || start >= this.size || end < 0) return out;
    const first = reverse ? this.size - start : start + 1;
    let x: Node | null = this.nodeAtRank(first);
    for (let n = end - start + 1; n > 0 && x !== null; n--) {
      out.push([x.member, x.score]);
      x = reverse ? x.backward : (x.forward[0] ?? null);
    }
    return out;
  }

  /** Elements whose score is in `range`, ascending (descending when reverse), after offset, at most count. */
  rangeByScore(range: ScoreRange, limit: RangeLimit = { reverse: false, offset: 0, count: -1 }): [string, number][] {
    const out: [string, number][] = [];
    const edge = limit.reverse ? this.lastInScore(range) : this.firstInScore(range);
    if (edge === null) return out;
    let x = this.skipFrom(edge, limit);
    for (let n = limit.count; n !== 0 && x !== null; n--) {
      if (limit.reverse ? !scoreGteMin(x.score, range) : !scoreLteMax(x.score, range)) break;
      out.push([x.member, x.score]);
      x = limit.reverse ? x.backward : (x.forward[0] ?? null);
    }
    return out;
  }

  /** Elements whose member is in `range` (meaningful when all scores are equal), like rangeByScore. */
  rangeByLex(range: LexRange, limit: RangeLimit = { reverse: false, offset: 0, count: -1 }): [string, number][] {
    const out: [string, number][] = [];
    const edge = limit.reverse ? this.lastInLex(range) : this.firstInLex(range);
    if (edge === null) return out;
    let x = this.skipFrom(edge, limit);
    for (let n = limit.count; n !== 0 && x !== null; n--) {
      if (limit.reverse ? !lexGteMin(x.member, range) : !lexLteMax(x.member, range)) break;
      out.push([x.member, x.score]);
      x = limit.reverse ? x.backward : (x.forward[0] ?? null);
    }
    return out;
  }

  countInScore(range: ScoreRange): number {
    const first = this.firstInScore(range);
    if (first === null) return 0;
    const last = this.lastInScore(range);
    return last === null ? 0 : last.rank - first.rank + 1;
  }

  countInLex(range: LexRange): number {
    const first = this.firstInLex(range);
    if (first === null) return 0;
    const last = this.lastInLex(range);
    return last === null ? 0 : Math.max(0, last.rank - first.rank + 1);
  }

  /** Removes positions start..end (0-based, ascending, inclusive, already clamped); returns the members removed. */
  removeRangeByRank(start: number, end: number): string[] {
    const removed: string[] = [];
    if (start > end || start >= this.size || end < 0) return removed;
    const update = this.update;
    let x = this.header;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i] ?? null; f !== null && traversed + (x.span[i] as number) <= start; f = x.forward[i] ?? null) {
        traversed += x.span[i] as number;
        x = f;
      }
      update[i] = x;
    }
    let node = x.forward[0] ?? null;
    for (let n = end - start + 1; n > 0 && node !== null; n--) {
      const next = node.forward[0] ?? null;
      this.deleteNode(node);
      this.scores.delete(node.member);
      removed.push(node.member);
      node = next;
    }
    return removed;
  }

  removeRangeByScore(range: ScoreRange): string[] {
    const removed: string[] = [];
    const update = this.update;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i] ?? null; f !== null && !scoreGteMin(f.score, range); f = x.forward[i] ?? null) x = f;
      update[i] = x;
    }
    let node = x.forward[0] ?? null;
    while (node !== null && scoreLteMax(node.score, range)) {
      const next = node.forward[0] ?? null;
      this.deleteNode(node);
      this.scores.delete(node.member);
      removed.push(node.member);
      node = next;
    }
    return removed;
  }

  removeRangeByLex(range: LexRange): string[] {
    const removed: string[] = [];
    if (lexRangeEmpty(range)) return removed;
    const update = this.update;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i] ?? null; f !== null && !lexGteMin(f.member, range); f = x.forward[i] ?? null) x = f;
      update[i] = x;
    }
    let node = x.forward[0] ?? null;
    while (node !== null && lexLteMax(node.member, range)) {
      const next = node.forward[0] ?? null;
      this.deleteNode(node);
      this.scores.delete(node.member);
      removed.push(node.member);
      node = next;
    }
    return removed;
  }

  // -------------------------------------------------------------------------------------------------
  // Skiplist internals

  private randomLevel(): number {
    let level = 1;
    while (level < LEVELS_MAX && this.nextRandom() < LEVEL_UP_THRESHOLD) level++;
    return level;
  }

  /** xorshift32: deterministic per set. */
  private nextRandom(): number {
    let s = this.prngState;
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    this.prngState = s;
    return s;
  }

  private insert(score: number, member: string): void {
    const update = this.update;
    const rank = this.rankAt;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : (rank[i + 1] as number);
      for (let f = x.forward[i] ?? null; f !== null && nodeLess(f, score, member); f = x.forward[i] ?? null) {
        rank[i] = (rank[i] as number) + (x.span[i] as number);
        x = f;
      }
      update[i] = x;
    }
    const level = this.randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.header;
        this.header.span[i] = this.length;
      }
      this.level = level;
    }
    const node = newNode(level, member, score);
    const rank0 = rank[0] as number;
    for (let i = 0; i < level; i++) {
      const u = update[i] as Node;
      node.forward[i] = u.forward[i] ?? null;
      u.forward[i] = node;
      node.span[i] = (u.span[i] as number) - (rank0 - (rank[i] as number));
      u.span[i] = rank0 - (rank[i] as number) + 1;
    }
    for (let i = level; i < this.level; i++) {
      const u = update[i] as Node;
      u.span[i] = (u.span[i] as number) + 1;
    }
    const prev = update[0] as Node;
    node.backward = prev === this.header ? null : prev;
    const next = node.forward[0] ?? null;
    if (next !== null) next.backward = node;
    else this.tail = node;
    this.length++;
  }

  /** Fills `update` for (score, member) and returns its node (which must exist). */
  private findNode(score: number, member: string): Node {
    const update = this.update;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i] ?? null; f !== null && nodeLess(f, score, member); f = x.forward[i] ?? null) x = f;
      update[i] = x;
    }
    const node = x.forward[0] ?? null;
    if (node === null || node.member !== member) throw new Error(`sorted set: member missing from the skiplist`);
    return node;
  }

  private deleteScored(score: number, member: string): void {
    this.deleteNode(this.findNode(score, member));
  }

  /** Unlinks `node`; `update` must hold its predecessors at every level. */
  private deleteNode(node: Node): void {
    const update = this.update;
    for (let i = 0; i < this.level; i++) {
      const u = update[i] as Node;
      if (u.forward[i] === node) {
        u.span[i] = (u.span[i] as number) + (node.span[i] as number) - 1;
        u.forward[i] = node.forward[i] ?? null;
      } else {
        u.span[i] = (u.span[i] as number) - 1;
      }
    }
    const next = node.forward[0] ?? null;
    if (next !== null) next.backward = node.backward;
    else this.tail = node.backward;
    this.length--;
    while (this.level > 1 && (this.header.forward[this.level - 1] ?? null) === null) this.level--;
  }

  /** The node at 1-based ascending rank, or null. */
  private nodeAtRank(rank: number): Node | null {
    let x = this.header;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i] ?? null; f !== null && traversed + (x.span[i] as number) <= rank; f = x.forward[i] ?? null) {
        traversed += x.span[i] as number;
        x = f;
      }
      if (traversed === rank) return x === this.header ? null : x;
    }
    return null;
  }

  /** Moves `offset` places from an edge in the walking direction, by rank (O(log n)). */
  private skipFrom(edge: { node: Node; rank: number }, limit: RangeLimit): Node | null {
    if (limit.offset <= 0) return edge.node;
    const rank = limit.reverse ? edge.rank - limit.offset : edge.rank + limit.offset;
    if (rank < 1 || rank > this.size) return null;
    return this.nodeAtRank(rank);
  }

  private firstInScore(range: ScoreRange): { node: Node; rank: number } | null {
    if (scoreRangeEmpty(range)) return null;
    if (this.tail === null || !scoreGteMin(this.tail.score, range)) return null;
    const head = this.header.forward[0] ?? null;
    if (head === null || !scoreLteMax(head.score, range)) return null;
    let x = this.header;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i] ?? null; f !== null && !scoreGteMin(f.score, range); f = x.forward[i] ?? null) {
        traversed += x.span[i] as number;
        x = f;
      }
    }
    const node = x.forward[0] ?? null;
    if (node === null || !scoreLteMax(node.score, range)) return null;
    return { node, rank: traversed + 1 };
  }

  private lastInScore(range: ScoreRange): { node: Node; rank: number } | null {
    if (scoreRangeEmpty(range)) return null;
    if (this.tail === null || !scoreGteMin(this.tail.score, range)) return null;
    const head = this.header.forward[0] ?? null;
    if (head === null || !scoreLteMax(head.score, range)) return null;
    let x = this.header;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i] ?? null; f !== null && scoreLteMax(f.score, range); f = x.forward[i] ?? null) {
        traversed += x.span[i] as number;
        x = f;
      }
    }
    if (x === this.header || !scoreGteMin(x.score, range)) return null;
    return { node: x, rank: traversed };
  }

  private firstInLex(range: LexRange): { node: Node; rank: number } | null {
    if (lexRangeEmpty(range)) return null;
    if (this.tail === null || !lexGteMin(this.tail.member, range)) return null;
    const head = this.header.forward[0] ?? null;
    if (head === null || !lexLteMax(head.member, range)) return null;
    let x = this.header;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i] ?? null; f !== null && !lexGteMin(f.member, range); f = x.forward[i] ?? null) {
        traversed += x.span[i] as number;
        x = f;
      }
    }
    const node = x.forward[0] ?? null;
    if (node === null || !lexLteMax(node.member, range)) return null;
    return { node, rank: traversed + 1 };
  }

  private lastInLex(range: LexRange): { node: Node; rank: number } | null {
    if (lexRangeEmpty(range)) return null;
    if (this.tail === null || !lexGteMin(this.tail.member, range)) return null;
    const head = this.header.forward[0] ?? null;
    if (head === null || !lexLteMax(head.member, range)) return null;
    let x = this.header;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i] ?? null; f !== null && lexLteMax(f.member, range); f = x.forward[i] ?? null) {
        traversed += x.span[i] as number;
        x = f;
      }
    }
    if (x === this.header || !lexGteMin(x.member, range)) return null;
    return { node: x, rank: traversed };
  }
}
