// Redis's pqsort: the Bentley-McIlroy quicksort (as in NetBSD's qsort) that only recurses into
// partitions overlapping the index range [lrange, rrange]. GEORADIUS/GEOSEARCH with a COUNT below the
// number of matches sort with it, and it is not stable, so equal distances come out in the order this
// exact algorithm leaves them; it is reproduced step for step (over indexes instead of bytes) for that.

export type Compare<T> = (a: T, b: T) => number;

/** Sorts `items` in place so that positions lrange..rrange hold what a full sort would put there. */
export function partialSort<T>(items: T[], compare: Compare<T>, range: { readonly lrange: number; readonly rrange: number }): void {
  sortPart(items, compare, { from: 0, count: items.length }, range);
}

function swap<T>(items: T[], i: number, j: number): void {
  const t = items[i] as T;
  items[i] = items[j] as T;
  items[j] = t;
}

function swapRuns<T>(items: T[], i: number, j: number, count: number): void {
  for (let k = 0; k < count; k++) swap(items, i + k, j + k);
}

function median3<T>(items: T[], compare: Compare<T>, a: number, b: number, c: number): number {
  const x = items[a] as T;
  const y = items[b] as T;
  const z = items[c] as T;
  if (compare(x, y) < 0) return compare(y, z) < 0 ? b : compare(x, z) < 0 ? c : a;
  return compare(y, z) > 0 ? b : compare(x, z) < 0 ? a : c;
}

/** Whether [lrange, rrange] overlaps the index interval [low, high]. */
function overlaps(range: { readonly lrange: number; readonly rrange: number }, low: number, high: number): boolean {
  return !((range.lrange < low && range.rrange < low) || (range.lrange > high && range.rrange > high));
}

/** Below this many elements, insertion sort. */
const INSERTION_SORT_BELOW = 7;
/** Above this many, the pivot is the median of three medians. */
const NINTHER_ABOVE = 40;

function sortPart<T>(items: T[], compare: Compare<T>, part: { from: number; count: number }, range: { readonly lrange: number; readonly rrange: number }): void {
  let a = part.from;
  let n = part.count;
  // Each pass either returns or continues with the right partition (the C code's `goto loop`); the
  // partitions shrink, so the loop ends.
  for (;;) {
    if (n < INSERTION_SORT_BELOW) {
      for (let m = a + 1; m < a + n; m++) {
        for (let l = m; l > a && compare(items[l - 1] as T, items[l] as T) > 0; l--) swap(items, l, l - 1);
      }
      return;
    }
    let pm = a + Math.floor(n / 2);
    if (n > INSERTION_SORT_BELOW) {
      let pl = a;
      let pn = a + n - 1;
      if (n > NINTHER_ABOVE) {
        const d = Math.floor(n / 8);
        pl = median3(items, compare, pl, pl + d, pl + 2 * d);
        pm = median3(items, compare, pm - d, pm, pm + d);
        pn = median3(items, compare, pn - 2 * d, pn - d, pn);
      }
      pm = median3(items, compare, pl, pm, pn);
    }
    swap(items, a, pm);
    let pa = a + 1;
    let pb = a + 1;
    let pc = a + n - 1;
    let pd = a + n - 1;
    for (;;) {
      let c: number;
      while (pb <= pc && (c = compare(items[pb] as T, items[a] as T)) <= 0) {
        if (c === 0) swap(items, pa++, pb);
        pb++;
      }
      while (pb <= pc && (c = compare(items[pc] as T, items[a] as T)) >= 0) {
        if (c === 0) swap(items, pc, pd--);
        pc--;
      }
      if (pb > pc) break;
      swap(items, pb++, pc--);
    }
    const end = a + n;
    let r = Math.min(pa - a, pb - pa);
    swapRuns(items, a, pb - r, r);
    r = Math.min(pd - pc, end - pd - 1);
    swapRuns(items, pb, end - r, r);
    r = pb - pa;
    if (r > 1 && overlaps(range, a, a + r - 1)) sortPart(items, compare, { from: a, count: r }, range);
    r = pd - pc;
    if (r <= 1) return;
    a = end - r;
    n = r;
    if (!overlaps(range, a, a + r - 1)) return;
  }
}
