// The per-command latency histogram against the C hdr_histogram Redis 7.0 vendors
// (deps/hdr_histogram, hdr_init(1, 1000000000, 2)): the expected values below were printed by that C
// code, fed the same samples, with Redis's fillCommandCDF walk (log iterator, 1024 ns, base 2) and
// hdr_value_at_percentile.
import { expect, test } from "bun:test";
import { LatencyHistogram } from "./latency-histogram.ts";
import { formatFixedTrimmed } from "../protocol/numbers.ts";

test("a few durations: the CDF buckets and percentiles of the C histogram", () => {
  const h = new LatencyHistogram();
  for (const us of [1, 1, 2, 3, 5, 8, 13, 21, 100, 1000, 5000]) h.record(us * 1000);
  expect(h.total).toBe(11);
  expect(h.cdf()).toEqual([[1, 2], [2, 3], [4, 4], [8, 6], [16, 7], [33, 8], [132, 9], [1056, 10], [8454, 11]]);
  expect([h.valueAtPercentile(50), h.valueAtPercentile(99), h.valueAtPercentile(99.9)]).toEqual([8031, 5013503, 5013503]);
});

test("2000 pseudo-random durations with clamped extremes match the C histogram", () => {
  const h = new LatencyHistogram();
  let s = 12345;
  for (let i = 0; i < 2000; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    let v = ((s >>> 8) % 3000000) * ((i % 7) + 1);
    if (i % 97 === 0) v = 2_000_000_000;
    if (i % 89 === 0) v = 0;
    h.record(v);
  }
  expect(h.cdf()).toEqual([
    [1, 23], [2, 24], [16, 27], [33, 32], [66, 38], [132, 62], [264, 93], [528, 179], [1056, 312], [2113, 568],
    [4227, 951], [8454, 1511], [16908, 1928], [33816, 1980], [1073741, 2000],
  ]);
  expect([0, 50, 90, 99, 99.9, 100].map((p) => h.valueAtPercentile(p))).toEqual([1, 4489215, 13041663, 21102591, 1002438655, 1002438655]);
});

test("an empty histogram has no buckets; percentile labels print as Redis's %f trimmed", () => {
  expect(new LatencyHistogram().cdf()).toEqual([]);
  expect([50, 99, 99.9, 0, 100, 12.5].map(formatFixedTrimmed)).toEqual(["50", "99", "99.9", "0", "100", "12.5"]);
});
