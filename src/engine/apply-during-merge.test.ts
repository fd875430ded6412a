// Entries applied as a follower does (Engine.applyReplicated) while a merge of the shard runs: PUT and DEL
// ops change keys the merge has not walked yet, and the snapshot must still hold each key as it was when
// the merge started (a cluster follower's Raft snapshot stands for exactly that index).
import { expect, test } from "bun:test";
import { buildCommandTable } from "../commands/index.ts";
import { entryKindData, opDel, opPut } from "../storage/record.ts";
import { MemoryIo } from "../storage/memory-io.ts";
import { loadNewestSnapshot } from "../storage/snapshot.ts";
import { valueTypeCodes } from "../storage/value-codec.ts";
import type { Clock } from "./clock.ts";
import { Engine } from "./engine.ts";

const clock: Clock = { nowMs: () => 1_700_000_000_000, monotonicMs: () => performance.now() };
/** More than one slice of the merge's walk (2000 keys), so the last keys are walked after a yield. */
const keyCount = 10_000;

test("PUT and DEL ops applied during a merge do not leak into its snapshot", async () => {
  const io = new MemoryIo();
  const engine = Engine.open({ dir: "/data", shards: 1, databases: 1, segmentBytesMax: 1 << 20, salvage: false, io, clock, table: buildCommandTable(), onFatal: () => {}, autoMerge: false }, null);
  const put = (key: string, value: string) => ({ kind: opPut, db: 0, key, valueType: valueTypeCodes.string, expireAt: 0, value: Buffer.from(value) }) as const;
  let seq = 0;
  const apply = (ops: Parameters<typeof engine.applyReplicated>[1]["ops"]): void =>
    engine.applyReplicated(0, { kind: entryKindData, seq: ++seq, timeMs: 0, seed: 0, participants: [], ops }, null);
  for (let i = 0; i < keyCount; i++) apply([put(`k${i}`, `before${i}`)]);
  const merging = engine.merge(0);
  // The walk has taken at most its first slice: change keys at the end of the map.
  apply([put(`k${keyCount - 1}`, "after"), { kind: opDel, db: 0, key: `k${keyCount - 2}` }, put("new", "after")]);
  await merging;
  const snapshot = new Map<string, string>();
  loadNewestSnapshot(io, "/data/shard-000", {
    shard: 0,
    hotValueBytesMax: 1 << 20,
    salvage: false,
    onKey: (_db, key, e) => snapshot.set(key, e.type === "string" ? String(e.data) : ""),
  });
  expect(snapshot.size).toBe(keyCount);
  expect(snapshot.get(`k${keyCount - 1}`)).toBe(`before${keyCount - 1}`);
  expect(snapshot.get(`k${keyCount - 2}`)).toBe(`before${keyCount - 2}`);
  expect(snapshot.has("new")).toBe(false);
  await engine.close();
});
