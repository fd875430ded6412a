// Where memory cooling points a value: at its record once the batch holding it is written, moved along
// when a seal splits the batch, never into a segment a running merge will delete, never a changed value.
import { expect, test } from "bun:test";
import { newStringEntry, type StringEntry } from "../keyspace/entry.ts";
import { ShardState } from "../keyspace/shard-state.ts";
import type { Merge } from "../storage/merge.ts";
import { entryKindData, opCmd, visitValueOffsets, type LogEntry } from "../storage/record.ts";
import type { SegmentLog } from "../storage/segment-log.ts";
import { coldFileId, type SnapshotFiles } from "../storage/snapshot.ts";
import { MemoryCooler } from "./cooling.ts";
import { Shard } from "./shard.ts";

function setup(): { shard: Shard; cooler: MemoryCooler; write: (key: string, value: string, recordStart: number, batch: number) => { entry: StringEntry; recordBytes: number; valueAt: number } } {
  const shard = new Shard(0, new ShardState(0, 1), null as unknown as SegmentLog, "/data/shard-000", null as unknown as SnapshotFiles);
  const cooler = new MemoryCooler([shard]);
  cooler.enabled = true;
  const write = (key: string, value: string, recordStart: number, batch: number) => {
    const entry = newStringEntry(value);
    shard.state.db(0).put(key, entry);
    const log: LogEntry = { kind: entryKindData, seq: 1, timeMs: 0, seed: 0, participants: [], ops: [{ kind: opCmd, db: 0, argv: ["SET", key, value] }] };
    let valueAt = -1;
    const recordBytes = visitValueOffsets(log, (_op, arg, at) => {
      if (arg === 2) valueAt = at;
    });
    cooler.noteAppended(0, log, recordStart, recordStart + recordBytes, batch);
    cooler.noteTouched(0, 0, key, entry);
    cooler.endUnit();
    return { entry, recordBytes, valueAt };
  };
  return { shard, cooler, write };
}

test("a value gets its record's location when its batch is written, following a split batch", () => {
  const { shard, cooler, write } = setup();
  const a = write("a", "A".repeat(300), 0, 1);
  const b = write("b", "B".repeat(400), a.recordBytes, 1);
  // A seal point after the first record: only `a` is in segment 7; `b` opens the next batch.
  cooler.batchWritten(shard, 1, 7, 4096, a.recordBytes);
  expect(a.entry.cold).toEqual({ segment: coldFileId(0, 7), offset: 4096, length: a.recordBytes, valueAt: a.valueAt });
  expect(b.entry.cold).toBeNull();
  const c = write("c", "C".repeat(500), b.recordBytes, 2); // appended after the split, behind `b`
  cooler.batchWritten(shard, 2, 8, 0, b.recordBytes + c.recordBytes);
  expect(b.entry.cold).toEqual({ segment: coldFileId(0, 8), offset: 0, length: b.recordBytes, valueAt: b.valueAt });
  expect(c.entry.cold).toEqual({ segment: coldFileId(0, 8), offset: b.recordBytes, length: c.recordBytes, valueAt: c.valueAt });
  expect(cooler.coolable).toBe(3);
});

test("no location for a changed value, a small one, or one in a segment a running merge deletes", () => {
  const { shard, cooler, write } = setup();
  const changed = write("changed", "X".repeat(300), 0, 1);
  changed.entry.data = "Y".repeat(300);
  const small = write("small", "s".repeat(100), changed.recordBytes, 1);
  cooler.batchWritten(shard, 1, 3, 0, 1 << 20);
  expect(changed.entry.cold).toBeNull();
  expect(small.entry.cold).toBeNull();
  const late = write("late", "L".repeat(300), 0, 2);
  shard.merge = { firstSegment: 4 } as unknown as Merge;
  cooler.batchWritten(shard, 2, 3, 1000, 1 << 20);
  expect(late.entry.cold).toBeNull();
  expect(cooler.coolable).toBe(0);
});

test("victims are the least recently used coolable values, and only live ones", () => {
  const { shard, cooler, write } = setup();
  const old = write("old", "o".repeat(300), 0, 1);
  const recent = write("recent", "r".repeat(300), old.recordBytes, 1);
  const gone = write("gone", "g".repeat(300), old.recordBytes + recent.recordBytes, 1);
  cooler.batchWritten(shard, 1, 1, 0, 1 << 20);
  old.entry.accessedAt = 1000;
  recent.entry.accessedAt = 5000;
  gone.entry.accessedAt = 1;
  shard.state.db(0).remove("gone");
  const v = cooler.pickVictim("allkeys-lru", 5, () => true, 10_000);
  expect(v?.key).toBe("old");
  expect(cooler.coolable).toBe(2); // the deleted entry was dropped from the pool
});

test("every value of a large MSET is found at its own argument (the last one for a repeated key)", () => {
  const { shard, cooler } = setup();
  const argv: string[] = ["MSET"];
  for (let i = 0; i < 100; i++) argv.push(`k${i}`, String(i).padStart(3, "0").repeat(100));
  argv.push("k7", "again".repeat(100)); // MSET's last write of a key wins
  const log: LogEntry = { kind: entryKindData, seq: 1, timeMs: 0, seed: 0, participants: [], ops: [{ kind: opCmd, db: 0, argv }] };
  const offsets: number[] = [];
  const recordBytes = visitValueOffsets(log, (_op, _arg, at) => offsets.push(at));
  const entries = new Map<string, StringEntry>();
  for (let i = 1; i < argv.length; i += 2) {
    const e = newStringEntry(argv[i + 1] as string);
    shard.state.db(0).put(argv[i] as string, e);
    entries.set(argv[i] as string, e);
  }
  cooler.noteAppended(0, log, 0, recordBytes, 1);
  for (const [key, e] of entries) cooler.noteTouched(0, 0, key, e);
  cooler.endUnit();
  cooler.batchWritten(shard, 1, 2, 0, recordBytes);
  for (let i = 0; i < 100; i++) {
    const arg = i === 7 ? argv.length - 1 : 2 + 2 * i;
    expect(entries.get(`k${i}`)?.cold?.valueAt).toBe(offsets[arg]);
  }
  expect(cooler.coolable).toBe(100);
});
