// A Raft group's log file survives restarts and power cuts: synced entries and hard state come back, a
// replaced tail stays replaced, a torn unsynced tail is dropped, a damaged middle stops start-up, and
// compaction below a snapshot (a rewrite of the file) is safe against a power cut at every step.
import { expect, test } from "bun:test";
import { MemoryIo } from "../storage/memory-io.ts";
import type { Entry } from "./core/index.ts";
import { CorruptRaftLogError, GroupLog, type GroupStorage } from "./group-log.ts";

const conf = { voters: [1, 2, 3], learners: [] };
const path = "/data/raft/group-000.log";

function entry(index: number, term: number, text = `e${index}`): Entry {
  return { index, term, type: "normal", data: new TextEncoder().encode(text) };
}

function newIo(): MemoryIo {
  const io = new MemoryIo();
  io.makeDirs("/data/raft");
  io.fsyncDir("/data/raft");
  return io;
}

function texts(entries: readonly Entry[]): string[] {
  return entries.map((e) => `${e.index}/${e.term}:${new TextDecoder().decode(e.data)}`);
}

test("entries and hard state come back after a restart", async () => {
  const io = newIo();
  const { log } = GroupLog.open(io, path, conf);
  io.fsyncDir("/data/raft");
  log.write([entry(1, 1), entry(2, 1)], { term: 1, vote: 2, commit: 1 });
  await log.sync();
  const after = GroupLog.open(io.crash(), path, conf);
  expect(texts(after.storage.entries(1, 3, 10))).toEqual(["1/1:e1", "2/1:e2"]);
  expect(after.storage.initialState().hardState).toEqual({ term: 1, vote: 2, commit: 1 });
  expect(after.storage.term(2)).toBe(1);
});

test("a conflicting tail written later replaces the old one", async () => {
  const io = newIo();
  const { log } = GroupLog.open(io, path, conf);
  io.fsyncDir("/data/raft");
  log.write([entry(1, 1), entry(2, 1), entry(3, 1)], { term: 1, vote: 1, commit: 1 });
  log.write([entry(2, 2, "new2")], { term: 2, vote: 3, commit: 2 });
  await log.sync();
  const { storage } = GroupLog.open(io.crash(), path, conf);
  expect(texts(storage.entries(1, storage.lastIndex() + 1, 10))).toEqual(["1/1:e1", "2/2:new2"]);
  expect(storage.initialState().hardState.term).toBe(2);
});

test("an unsynced torn tail is dropped and the file truncated", async () => {
  const io = newIo();
  const { log } = GroupLog.open(io, path, conf);
  io.fsyncDir("/data/raft");
  log.write([entry(1, 1)], undefined);
  await log.sync();
  log.write([entry(2, 1, "x".repeat(100))], undefined);
  const crashed = io.crash((unsynced) => unsynced - 7);
  const opened = GroupLog.open(crashed, path, conf);
  expect(opened.tornBytes).toBeGreaterThan(0);
  expect(opened.storage.lastIndex()).toBe(1);
  // Appending after recovery continues from the truncated end.
  opened.log.write([entry(2, 2)], undefined);
  await opened.log.sync();
  expect(texts(GroupLog.open(crashed.crash(), path, conf).storage.entries(1, 3, 10))).toEqual(["1/1:e1", "2/2:e2"]);
});

test("a damaged record followed by valid ones stops start-up", async () => {
  const io = newIo();
  const { log } = GroupLog.open(io, path, conf);
  io.fsyncDir("/data/raft");
  log.write([entry(1, 1), entry(2, 1), entry(3, 1)], undefined);
  await log.sync();
  const bytes = io.readWhole(path).slice();
  bytes[12] = (bytes[12] as number) ^ 0xff; // inside the first record
  io.writeWhole(path, bytes);
  expect(() => GroupLog.open(io, path, conf)).toThrow(CorruptRaftLogError);
});

function all(storage: GroupStorage): string[] {
  return texts(storage.entries(storage.firstIndex(), storage.lastIndex() + 1, 1_000_000));
}

/** A synced log of entries 1..count (term 1 up to 10, then term 2) with hard state commit = count. */
async function filled(io: MemoryIo, count: number): Promise<{ log: GroupLog; storage: GroupStorage }> {
  const opened = GroupLog.open(io, path, conf);
  io.fsyncDir("/data/raft");
  const entries = Array.from({ length: count }, (_, i) => entry(i + 1, i < 10 ? 1 : 2, `e${i + 1}-` + "x".repeat(200)));
  opened.log.write(entries, { term: 2, vote: 1, commit: count });
  opened.storage.append(entries);
  opened.storage.hardState = { term: 2, vote: 1, commit: count };
  await opened.log.sync();
  return opened;
}

test("compaction drops the entries below the snapshot from memory and from the file", async () => {
  const io = newIo();
  const { log, storage } = await filled(io, 40);
  const before = log.fileBytes;
  const kept = all(storage).slice(30);
  storage.compactTo(30, 2);
  expect(storage.firstIndex()).toBe(31);
  expect(storage.term(30)).toBe(2);
  expect(() => storage.entries(30, 31, 10)).toThrow();
  await log.rewrite(storage);
  expect(log.fileBytes).toBeLessThan(before / 3);
  // New entries go into the rewritten file.
  log.write([entry(41, 2)], { term: 2, vote: 1, commit: 41 });
  await log.sync();
  const reopened = GroupLog.open(io.crash(), path, conf, { index: 30, term: 2 });
  expect(reopened.storage.firstIndex()).toBe(31);
  expect(all(reopened.storage)).toEqual([...kept, "41/2:e41"]);
  expect(reopened.storage.initialState().hardState).toEqual({ term: 2, vote: 1, commit: 41 });
  expect(io.exists(path + ".tmp")).toBe(false);
});

test("a power cut at every disk operation of a compaction leaves a complete log", async () => {
  const pristine = newIo();
  const { storage: full } = await filled(pristine, 40);
  const expected = all(full).slice(25);
  let cuts = 0;
  for (let cutAt = 1; ; cutAt++) {
    const io = pristine.crash();
    const { log, storage } = GroupLog.open(io, path, conf);
    let ops = 0;
    let image: MemoryIo | null = null;
    io.beforeOp = () => {
      if (++ops === cutAt) image = io.crash((unsynced) => Math.floor(unsynced / 2));
    };
    storage.compactTo(25, 2);
    await log.rewrite(storage);
    io.beforeOp = () => {};
    if (image === null) break; // the rewrite finished before the cut: every operation was tried
    cuts++;
    // The snapshot at 25 was durable before the rewrite started, so start-up always applies it.
    const after = GroupLog.open(image as MemoryIo, path, conf, { index: 25, term: 2 });
    expect(after.tornBytes).toBe(0);
    expect(after.storage.firstIndex()).toBe(26);
    expect(all(after.storage)).toEqual(expected);
    expect(after.storage.initialState().hardState).toEqual({ term: 2, vote: 1, commit: 40 });
    // And the log keeps working after that start.
    after.log.write([entry(41, 3)], undefined);
    await after.log.sync();
    expect(GroupLog.open((image as MemoryIo).crash(), path, conf, { index: 25, term: 2 }).storage.lastIndex()).toBe(41);
  }
  // open, truncate, write, fdatasync, rename, directory fsync at least.
  expect(cuts).toBeGreaterThanOrEqual(5);
});

test("an installed snapshot replaces a log that disagrees with it, and keeps one that agrees", async () => {
  const io = newIo();
  await filled(io, 20);
  // The log holds index 15 with term 2: entries after the snapshot stay.
  const agrees = GroupLog.open(io.crash(), path, conf, { index: 15, term: 2 });
  expect(agrees.storage.lastIndex()).toBe(20);
  expect(agrees.storage.firstIndex()).toBe(16);
  // Another term at 15 (the leader's history differs there): nothing after the snapshot can be trusted.
  const differs = GroupLog.open(io.crash(), path, conf, { index: 15, term: 3 });
  expect(differs.storage.lastIndex()).toBe(15);
  expect(differs.storage.term(15)).toBe(3);
  // Beyond the log's end: the log is replaced whole.
  const beyond = GroupLog.open(io.crash(), path, conf, { index: 90, term: 4 });
  expect(beyond.storage.firstIndex()).toBe(91);
  expect(beyond.storage.lastIndex()).toBe(90);
});

test("a log compacted beyond the shard's snapshot (or without one) stops start-up", async () => {
  const io = newIo();
  const { log, storage } = await filled(io, 20);
  storage.compactTo(18, 2);
  await log.rewrite(storage);
  expect(() => GroupLog.open(io.crash(), path, conf, { index: 10, term: 1 })).toThrow(CorruptRaftLogError);
  expect(() => GroupLog.open(io.crash(), path, conf, null)).toThrow(CorruptRaftLogError);
  expect(GroupLog.open(io.crash(), path, conf, { index: 18, term: 2 }).storage.lastIndex()).toBe(20);
});
