// A Raft group's log file survives restarts and power cuts: synced entries and hard state come back, a
// replaced tail stays replaced, a torn unsynced tail is dropped, and a damaged middle stops start-up.
import { expect, test } from "bun:test";
import { MemoryIo } from "../storage/memory-io.ts";
import type { Entry } from "./core/index.ts";
import { CorruptRaftLogError, GroupLog } from "./group-log.ts";

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
