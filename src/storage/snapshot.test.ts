// Snapshot and hint files: round trip with and without the hint, cold references, damage detection,
// the clean-up of what an interrupted merge leaves behind, and (cluster mode) the Raft position in the
// header and a snapshot installed from another node's bytes.
import { describe, expect, test } from "bun:test";
import { Deque } from "../keyspace/deque.ts";
import { newEntry, newStringEntry, type ColdRef, type Entry } from "../keyspace/entry.ts";
import { MemoryIo } from "./memory-io.ts";
import { CorruptLogError } from "./segment-log.ts";
import { SnapshotFiles, SnapshotWriter, coldFileId, coldFileShard, hintName, installSnapshotFile, loadNewestSnapshot, readSnapshotFile, snapshotName, systemDb } from "./snapshot.ts";
import { encodeValue, valueTypeCodes } from "./value-codec.ts";

const dir = "/d/shard-000";

function sample(): [number, string, Entry][] {
  const hash = newEntry("hash", new Map([["f", "1"], ["g", "two"]]));
  const list = newEntry("list", new Deque<string>(2));
  list.data.pushBack("a");
  list.data.pushBack("b\u00ff");
  const big = newStringEntry("B".repeat(500) + "\u0000\u00fe", 1_800_000_000_000);
  return [
    [0, "small", newStringEntry("hello")],
    [0, "big", big],
    [1, "h", hash],
    [0, "l", list],
    [1, "big2", newStringEntry("x".repeat(100))],
  ];
}

async function writeSnapshot(io: MemoryIo, generation: number, seq: number, firstSegment: number): Promise<void> {
  const w = new SnapshotWriter(io, dir, generation, seq, firstSegment);
  for (const [db, key, e] of sample()) w.add(db, key, valueTypeCodes[e.type], e.expireAt, encodeValue(e));
  await w.finish();
  await w.commit();
}

function load(io: MemoryIo, salvage = false) {
  const keys: { db: number; key: string; entry: Entry }[] = [];
  const loaded = loadNewestSnapshot(io, dir, { shard: 3, hotValueBytesMax: 64, salvage, onKey: (db, key, entry) => keys.push({ db, key, entry }) });
  return { loaded, keys };
}

function fresh(): MemoryIo {
  const io = new MemoryIo();
  io.makeDirs(dir);
  return io;
}

describe("snapshots", () => {
  test("round trip through the hint: hot values decoded, large strings left cold and readable", async () => {
    const io = fresh();
    await writeSnapshot(io, 1, 42, 7);
    const { loaded, keys } = load(io);
    expect(loaded).toMatchObject({ generation: 1, seq: 42, firstSegment: 7, keys: 5, usedHint: true });
    expect(keys.map((k) => `${k.db}:${k.key}`)).toEqual(["0:small", "0:big", "1:h", "0:l", "1:big2"]);
    const byKey = new Map(keys.map((k) => [k.key, k.entry]));
    expect(byKey.get("small")).toMatchObject({ type: "string", data: "hello", cold: null });
    const h = byKey.get("h");
    expect(h?.type === "hash" ? [...h.data] : null).toEqual([["f", "1"], ["g", "two"]]);
    const big = byKey.get("big");
    expect(big?.type === "string" && big.data).toBe(null);
    expect(big?.expireAt).toBe(1_800_000_000_000);
    if (big?.type !== "string" || big.cold === null) throw new Error("big should be cold");
    expect(coldFileShard(big.cold.segment)).toBe(3);
    expect(big.cold.segment).toBe(coldFileId(3, 1));
    const files = new SnapshotFiles(io, dir);
    expect(Buffer.from(files.readSync(big.cold)).toString("latin1")).toBe("B".repeat(500) + "\u0000\u00fe");
    expect(Buffer.from(await files.read(big.cold)).toString("latin1")).toBe("B".repeat(500) + "\u0000\u00fe");
  });

  test("without a usable hint the snapshot is scanned, with the same result", async () => {
    for (const damage of ["missing", "flipped", "stale"] as const) {
      const io = fresh();
      await writeSnapshot(io, 1, 42, 7);
      const withHint = load(io).keys;
      const hintPath = `${dir}/${hintName(1)}`;
      if (damage === "missing") io.unlinkFile(hintPath);
      else if (damage === "flipped") {
        const h = io.readWhole(hintPath);
        h[40] = (h[40] as number) ^ 1;
        io.writeWhole(hintPath, h);
      } else {
        // A hint describing a different snapshot size is ignored.
        const snap = io.readWhole(`${dir}/${snapshotName(1)}`);
        const longer = new Uint8Array(snap.length + 1);
        longer.set(snap);
        io.writeWhole(`${dir}/${snapshotName(1)}`, longer);
      }
      const { loaded, keys } = load(io);
      expect(loaded?.usedHint).toBe(false);
      expect(keys.map((k) => [k.db, k.key, k.entry.type, k.entry.expireAt])).toEqual(withHint.map((k) => [k.db, k.key, k.entry.type, k.entry.expireAt]));
    }
  });

  test("a damaged record refuses to load, naming the file; salvage keeps what precedes it", async () => {
    const io = fresh();
    await writeSnapshot(io, 1, 42, 7);
    io.unlinkFile(`${dir}/${hintName(1)}`);
    const path = `${dir}/${snapshotName(1)}`;
    const data = io.readWhole(path);
    data[data.length - 60] = (data[data.length - 60] as number) ^ 0x20;
    io.writeWhole(path, data);
    expect(() => load(io)).toThrow(CorruptLogError);
    try {
      load(io);
    } catch (e: unknown) {
      expect((e as Error).message).toContain(path);
    }
    expect(load(io, true).keys.length).toBe(4);
  });

  test("a cold reference that does not point at its record fails loudly instead of returning other bytes", async () => {
    const io = fresh();
    await writeSnapshot(io, 1, 42, 7);
    const big = load(io).keys.find((k) => k.key === "big")?.entry;
    if (big?.type !== "string" || big.cold === null) throw new Error("big should be cold");
    const files = new SnapshotFiles(io, dir);
    expect(() => files.readSync({ ...big.cold!, offset: big.cold!.offset + 1 })).toThrow(CorruptLogError);
    // Pointing at a different (valid) record of a non-string is refused too.
    expect(() => files.readSync({ segment: big.cold!.segment, offset: 0, length: big.cold!.length })).toThrow();
  });

  test("temporary files and older generations are removed; the newest snapshot wins", async () => {
    const io = fresh();
    await writeSnapshot(io, 1, 10, 2);
    await writeSnapshot(io, 2, 20, 5);
    const stray = io.openFile(`${dir}/${snapshotName(3)}.tmp`, "append");
    io.closeFile(stray);
    const { loaded } = load(io);
    expect(loaded?.generation).toBe(2);
    expect(loaded?.seq).toBe(20);
    expect(io.listDir(dir)).toEqual([snapshotName(2), hintName(2)].sort());
  });

  test("settings records (the system database) are never left cold", async () => {
    const io = fresh();
    const w = new SnapshotWriter(io, dir, 1, 5, 1);
    w.add(systemDb, "ns:", valueTypeCodes.string, 0, Buffer.from("async"));
    w.add(0, "k", valueTypeCodes.string, 0, Buffer.from("value"));
    await w.finish();
    await w.commit();
    const keys: [number, string, string | null][] = [];
    loadNewestSnapshot(io, dir, { shard: 0, hotValueBytesMax: 0, salvage: false, onKey: (db, key, e) => keys.push([db, key, e.type === "string" ? e.data : null]) });
    expect(keys).toEqual([[systemDb, "ns:", "async"], [0, "k", null]]);
  });

  test("an aborted writer leaves nothing behind", () => {
    const io = fresh();
    const w = new SnapshotWriter(io, dir, 1, 5, 1);
    w.add(0, "k", valueTypeCodes.string, 0, Buffer.from("v"));
    w.abort();
    expect(io.listDir(dir)).toEqual([]);
    expect(load(io).loaded).toBe(null);
  });

  test("a cluster snapshot records its Raft position, and installed elsewhere loads the same keys with valid cold references", async () => {
    const io = fresh();
    const raft = { index: 1234, term: 7, voters: [1, 2, 3], learners: [] };
    const w = new SnapshotWriter(io, dir, 3, 99, 0, raft);
    for (const [db, key, e] of sample()) w.add(db, key, valueTypeCodes[e.type], e.expireAt, encodeValue(e));
    await w.finish();
    await w.commit();
    const here = load(io);
    expect(here.loaded?.raft).toEqual(raft);
    expect(load(fresh()).loaded).toBe(null);
    // Another node receives the file's bytes as its generation 8 (no hint: scanned).
    const other = new MemoryIo();
    const otherDir = "/other/shard-000";
    other.makeDirs(otherDir);
    const keys: string[] = [];
    const installed = await installSnapshotFile(other, otherDir, 8, readSnapshotFile(io, dir, 3), { shard: 0, hotValueBytesMax: 64, salvage: false, onKey: (_db, key, e) => keys.push(key + (e.type === "string" && e.cold !== null ? ":cold" : "")) });
    expect(installed.raft).toEqual(raft);
    expect(installed.usedHint).toBe(false);
    expect(keys).toEqual(["small", "big:cold", "h", "l", "big2:cold"]);
    // Durable under its final name: a power cut right after keeps it, and a cold value reads back.
    const after = other.crash();
    expect(after.listDir(otherDir)).toEqual([snapshotName(8)]);
    const refs: ColdRef[] = [];
    loadNewestSnapshot(after, otherDir, {
      shard: 0,
      hotValueBytesMax: 64,
      salvage: false,
      onKey: (_db, key, e) => {
        if (key === "big" && e.type === "string" && e.cold !== null) refs.push(e.cold);
      },
    });
    expect(refs.length).toBe(1);
    const value = new SnapshotFiles(after, otherDir).readSync(refs[0] as ColdRef);
    expect(Buffer.from(value).toString("latin1")).toBe("B".repeat(500) + "\u0000\u00fe");
  });
});
