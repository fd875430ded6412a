// Closing an engine: merges running are aborted and no merge starts afterwards. The last flushes of
// close() can meet a merge trigger (growth or dead bytes); a merge started then outlived the engine, and
// when the directory was reopened, start-up removed its temporary files (it failed renaming them) or
// its commit deleted segments the new engine was reading. The model test hit this in about 1 run of 10.
import { expect, test } from "bun:test";
import { buildCommandTable } from "../commands/index.ts";
import { MemoryIo } from "../storage/memory-io.ts";
import { MergeAbortedError } from "../storage/merge.ts";
import type { Clock } from "./clock.ts";
import { Engine } from "./engine.ts";

const clock: Clock = { nowMs: () => 1_700_000_000_000, monotonicMs: () => performance.now() };

test("no merge starts once the engine is closing", async () => {
  const io = new MemoryIo();
  const engine = Engine.open({ dir: "/data", shards: 1, databases: 1, segmentBytesMax: 1 << 20, salvage: false, io, clock, table: buildCommandTable(), onFatal: () => {}, autoMerge: true }, null);
  const closing = engine.close();
  const late = engine.storage.merge(0);
  await expect(late).rejects.toBeInstanceOf(MergeAbortedError);
  await closing;
  expect(engine.storage.stats().merges).toBe(0);
  expect(io.listDir("/data/shard-000").filter((n) => n.endsWith(".tmp") || n.endsWith(".snap"))).toEqual([]);
});
