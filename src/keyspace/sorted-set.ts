// Sorted set API used across the code base (commands, codec). This simple version keeps members in a
// Map and sorts on demand; the zset family replaces the internals with a skiplist with spans (O(log n)
// rank and range) behind the same methods.

export class SortedSet {
  private readonly scores = new Map<string, number>();

  get size(): number {
    return this.scores.size;
  }

  score(member: string): number | undefined {
    return this.scores.get(member);
  }

  /** Adds or updates; returns true when the member is new. */
  add(member: string, score: number): boolean {
    const isNew = !this.scores.has(member);
    this.scores.set(member, score);
    return isNew;
  }

  remove(member: string): boolean {
    return this.scores.delete(member);
  }

  /** Members in ascending (score, member) order. */
  *entries(): Generator<[string, number]> {
    const all = [...this.scores];
    all.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    yield* all;
  }
}
