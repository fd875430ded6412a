// Log append batches: encoding SET entries into a record batch (encodeEntry with the native CRC32C),
// and SegmentLog append + group-commit flush on a temporary directory (pwrite, then fdatasync off the
// JavaScript thread), the write path every durable SET takes.
// Run: node_modules/.bin/bun bench/log-append.bench.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bench, do_not_optimize, group, run } from "mitata";
import { nativeIo } from "../src/storage/io.ts";
import { ByteWriter, encodeEntry, entryKindData, opCmd, type LogEntry } from "../src/storage/record.ts";
import { SegmentLog } from "../src/storage/segment-log.ts";

const batchSizes = [1, 16, 128];
const value = Buffer.from("v".repeat(32), "latin1");
const setVerb = Buffer.from("SET", "latin1");

function setEntry(seq: number): LogEntry {
  const key = Buffer.from(`key:${String(seq % 100000).padStart(12, "0")}`, "latin1");
  return { kind: entryKindData, seq, timeMs: 1_700_000_000_000 + seq, seed: seq, participants: [], ops: [{ kind: opCmd, db: 0, argv: [setVerb, key, value] }] };
}

// Entries are built once: the benchmark measures encoding and I/O, not building the objects.
const entries: LogEntry[] = Array.from({ length: 128 }, (_, i) => setEntry(i + 1));
const writer = new ByteWriter();

group("encodeEntry (SET key:NNN <32 bytes>, native CRC32C)", () => {
  for (const n of batchSizes) {
    bench(`batch of ${n}`, () => {
      writer.reset();
      for (let i = 0; i < n; i++) encodeEntry(writer, entries[i] as LogEntry, nativeIo);
      do_not_optimize(writer.length);
    });
  }
});

const dir = mkdtempSync(join(tmpdir(), "bunker-bench-log-"));
const { log } = SegmentLog.open({ dir, segmentBytesMax: 64 * 1024 * 1024, salvage: false, io: nativeIo });
let seq = 0;
let durableSeq = 0;
let wake: (() => void) | null = null;
log.onDurable = (s) => {
  durableSeq = s;
  wake?.();
};
log.onFailure = (e) => {
  throw e;
};

function appendBatch(n: number): number {
  for (let i = 0; i < n; i++) {
    const e = entries[i] as LogEntry;
    log.append({ ...e, seq: ++seq });
  }
  log.requestFlush();
  return seq;
}

async function untilDurable(target: number): Promise<void> {
  while (durableSeq < target) await new Promise<void>((r) => (wake = r));
}

group("SegmentLog append + flush until durable (pwrite + fdatasync)", () => {
  for (const n of batchSizes) {
    bench(`batch of ${n}`, async () => {
      await untilDurable(appendBatch(n));
    });
  }
});

try {
  const results = await run();
  console.log("\nper entry (avg):");
  results.benchmarks.forEach((trial, index) => {
    const stats = trial.runs[0]?.stats;
    const n = batchSizes[index % batchSizes.length] as number;
    if (stats === undefined) return;
    const nsPerEntry = stats.avg / n;
    const label = index < batchSizes.length ? "encode" : "append+fsync";
    console.log(`  ${label.padEnd(14)} batch ${String(n).padStart(3)}  ${(nsPerEntry / 1000).toFixed(2).padStart(9)} us/entry  ${(1e9 / nsPerEntry).toFixed(0).padStart(9)} entries/s`);
  });
} finally {
  await log.close();
  rmSync(dir, { recursive: true, force: true });
}
