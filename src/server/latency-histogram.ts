// Per-command latency histograms (LATENCY HISTOGRAM, INFO latencystats), the HdrHistogram Redis 7.0
// keeps per command: values in ns from 1 to 1e9, 2 significant digits. The bucket layout, the
// percentile lookup and the logarithmic iterator follow the C hdr_histogram Redis vendors, so the
// reported buckets and percentiles are the ones redis-server would report for the same samples.

const LOWEST = 1;
const HIGHEST = 1_000_000_000;
// significant figures 2: largest value with single-unit resolution 2 * 10^2 = 200.
const SUB_BUCKET_COUNT_MAGNITUDE = 8; // ceil(log2(200))
const SUB_BUCKET_HALF_COUNT_MAGNITUDE = SUB_BUCKET_COUNT_MAGNITUDE - 1;
const SUB_BUCKET_COUNT = 1 << SUB_BUCKET_COUNT_MAGNITUDE;
const SUB_BUCKET_HALF_COUNT = SUB_BUCKET_COUNT >> 1;
const SUB_BUCKET_MASK = SUB_BUCKET_COUNT - 1; // unit magnitude 0 (lowest value 1)
const BUCKET_COUNT = ((): number => {
  let smallestUntrackable = SUB_BUCKET_COUNT;
  let buckets = 1;
  while (smallestUntrackable <= HIGHEST) {
    smallestUntrackable *= 2;
    buckets++;
  }
  return buckets;
})();
const COUNTS_LEN = (BUCKET_COUNT + 1) * SUB_BUCKET_HALF_COUNT;

function bucketIndex(value: number): number {
  // 64 - clz64(value | mask), for values below 2^31.
  return 32 - Math.clz32(value | SUB_BUCKET_MASK) - (SUB_BUCKET_HALF_COUNT_MAGNITUDE + 1);
}

function subBucketIndex(value: number, bucket: number): number {
  return value >>> bucket;
}

function countsIndex(bucket: number, sub: number): number {
  return ((bucket + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + (sub - SUB_BUCKET_HALF_COUNT);
}

function valueAtIndex(index: number): number {
  let bucket = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
  let sub = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
  if (bucket < 0) {
    sub -= SUB_BUCKET_HALF_COUNT;
    bucket = 0;
  }
  return sub * 2 ** bucket;
}

function rangeSize(bucket: number, sub: number): number {
  return 2 ** (sub >= SUB_BUCKET_COUNT ? bucket + 1 : bucket);
}

function lowestEquivalent(value: number): number {
  const b = bucketIndex(value);
  return subBucketIndex(value, b) * 2 ** b;
}

function highestEquivalent(value: number): number {
  const b = bucketIndex(value);
  const s = subBucketIndex(value, b);
  return s * 2 ** b + rangeSize(b, s) - 1;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(COUNTS_LEN);
  total = 0;

  /** Records one duration in ns (clamped to 1 ns .. 1 s, as Redis's updateCommandLatencyHistogram). */
  record(ns: number): void {
    const v = Math.min(HIGHEST, Math.max(LOWEST, Math.floor(ns)));
    const b = bucketIndex(v);
    const i = countsIndex(b, subBucketIndex(v, b));
    this.counts[i] = (this.counts[i] as number) + 1;
    this.total++;
  }

  /** hdr_value_at_percentile, in ns. */
  valueAtPercentile(percentile: number): number {
    const requested = percentile < 100 ? percentile : 100;
    let countAt = Math.trunc((requested / 100) * this.total + 0.5);
    countAt = countAt > 0 ? countAt : 1;
    let value = 0;
    let seen = 0;
    for (let i = 0; i < COUNTS_LEN; i++) {
      seen += this.counts[i] as number;
      if (seen >= countAt) {
        value = valueAtIndex(i);
        break;
      }
    }
    return percentile === 0 ? lowestEquivalent(value) : highestEquivalent(value);
  }

  /**
   * Redis's fillCommandCDF: a logarithmic walk (first bucket 1024 ns, base 2) reporting, where the
   * cumulative count grew, the bucket's highest equivalent value in µs and that cumulative count.
   */
  cdf(): [usec: number, cumulative: number][] {
    const out: [number, number][] = [];
    let index = -1;
    let cumulative = 0;
    let value = 0;
    let highest = 0;
    let level = 1024;
    let levelLowest = lowestEquivalent(level);
    const moveNext = (): boolean => {
      index++;
      if (index >= COUNTS_LEN) return false;
      cumulative += this.counts[index] as number;
      value = valueAtIndex(index);
      highest = highestEquivalent(value);
      return true;
    };
    const next = (): boolean => {
      const peekGreater = index < COUNTS_LEN && valueAtIndex(index + 1) > levelLowest;
      if (!(cumulative < this.total || peekGreater)) return false;
      for (;;) {
        if (value >= levelLowest) {
          level *= 2;
          levelLowest = lowestEquivalent(Math.min(level, 2 ** 31 - 1));
          return true;
        }
        if (!moveNext()) return true;
      }
    };
    let previous = 0;
    while (next()) {
      if (cumulative > previous) out.push([Math.floor(highest / 1000), cumulative]);
      previous = cumulative;
      if (index >= COUNTS_LEN) break;
    }
    return out;
  }
}
