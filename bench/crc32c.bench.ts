// CRC32C throughput: the native library (SSE4.2 and its table fallback) against the TypeScript
// reference, at a record-header size, a typical value size and a large value.
// Run: node_modules/.bin/bun bench/crc32c.bench.ts
import { bench, do_not_optimize, group, run, summary } from "mitata";
import { crc32cReference } from "../src/native/crc32c-reference.ts";
import { crc32c, crc32cHardware, crc32cSoftware } from "../src/native/ffi.ts";

const inputSizesBytes = [32, 1024, 64 * 1024];

function patternedBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(new ArrayBuffer(length));
  for (let index = 0; index < length; index++) bytes[index] = (index * 131 + 7) & 0xff;
  return bytes;
}

// mitata reports trials in the order they were declared; this remembers each one's input size.
const trialSizesBytes: number[] = [];

for (const size of inputSizesBytes) {
  const data = patternedBytes(size);
  group(`crc32c ${size} B`, () => {
    summary(() => {
      bench(`native ${crc32cHardware() ? "sse4.2" : "table"}`, () => do_not_optimize(crc32c(data))).baseline(true);
      bench("native table (slicing-by-8)", () => do_not_optimize(crc32cSoftware(data)));
      bench("typescript reference", () => do_not_optimize(crc32cReference(data)));
    });
  });
  trialSizesBytes.push(size, size, size);
}

const results = await run();

console.log("\nthroughput (input bytes / average time per call):");
results.benchmarks.forEach((trial, index) => {
  const stats = trial.runs[0]?.stats;
  const size = trialSizesBytes[index];
  if (stats === undefined || size === undefined) return;
  const gigabytesPerSecond = size / stats.avg; // bytes per nanosecond == GB/s
  console.log(`  ${String(size).padStart(6)} B  ${trial.alias.padEnd(28)} ${gigabytesPerSecond.toFixed(3)} GB/s  (${stats.avg.toFixed(1)} ns/call)`);
});
