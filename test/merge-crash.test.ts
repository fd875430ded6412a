// Crash safety of merges on an in-memory disk with a power-cut model: a cut at every single disk
// operation of a merge (sealing the active segment included, while clients keep writing) recovers every
// acknowledged write and nothing else; a merge whose I/O fails leaves the shard serving and the next
// merge succeeding.
import { expect, test } from "bun:test";
import { buildCommandTable } from "../src/commands/index.ts";
import { Config } from "../src/config/config.ts";
import { Engine } from "../src/engine/engine.ts";
import { seededRandom, type Clock } from "../src/engine/clock.ts";
import { newStats, type ServerContext } from "../src/engine/server-context.ts";
import { ReplyWriter } from "../src/protocol/writer.ts";
import { ClientState } from "../src/server/client-state.ts";
import { MemoryIo } from "../src/storage/memory-io.ts";
import { SegmentLog } from "../src/storage/segment-log.ts";

const seed = Number(process.env.MERGE_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const table = buildCommandTable();
const clock: Clock = { nowMs: () => 1_700_000_000_000, monotonicMs: () => performance.now() };
const dir = "/data";

function open(io: MemoryIo): { engine: Engine; run: (argv: string[]) => string } {
  const client = new ClientState(1, "t", "", 0, false);
  const writer = new ReplyWriter();
  const holder: { engine?: Engine } = {};
  const server: ServerContext = {
    config: new Config(),
    table,
    get engine() {
      return holder.engine as Engine;
    },
    stats: newStats(),
    runId: "t",
    startedMs: 0,
    tcpPort: 0,
    version: "7.0.15",
    mode: "embedded",
    clients: () => [],
    requestShutdown: () => {},
  };
  const engine = Engine.open(
    { dir, shards: 2, databases: 2, segmentBytesMax: 2048, salvage: false, io, clock, table, onFatal: () => {}, hotValueBytesMax: 32, autoMerge: false },
    server,
  );
  holder.engine = engine;
  const run = (argv: string[]): string => {
    const cmd = table.get(argv[0] as string);
    if (!cmd) throw new Error(`unknown command ${argv[0]}`);
    engine.execute(client, server, writer, cmd, argv.map((a) => Buffer.from(a, "latin1")));
    const out = Buffer.from(writer.take()).toString("latin1");
    writer.reset();
    return out;
  };
  return { engine, run };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

interface Written {
  key: string;
  value: string;
  seq: number;
}

/** Writes a base data set (with values large enough to go cold) and lets it become durable. */
async function base(io: MemoryIo, rng: () => number): Promise<Map<string, string>> {
  const { engine, run } = open(io);
  const model = new Map<string, string>();
  for (let i = 0; i < 60; i++) {
    const key = `base${Math.floor(rng() * 30)}`;
    const value = `${i}-` + "v".repeat(Math.floor(rng() * 80));
    run(["SET", key, value]);
    model.set(key, value);
    if (i % 7 === 0) await tick();
  }
  // One merge first, so the base also has cold values pointing into an older snapshot.
  await engine.merge(0);
  await engine.merge(1);
  for (let i = 0; i < 20; i++) {
    const key = `base${Math.floor(rng() * 30)}`;
    const value = `late${i}-` + "w".repeat(Math.floor(rng() * 80));
    run(["SET", key, value]);
    model.set(key, value);
  }
  await engine.close();
  return model;
}

function readBack(io: MemoryIo, keys: Iterable<string>): Map<string, string | null> {
  const { engine, run } = open(io);
  const out = new Map<string, string | null>();
  for (const k of keys) {
    const r = run(["GET", k]);
    out.set(k, r === "$-1\r\n" ? null : (r.split("\r\n")[1] as string));
  }
  void engine.close();
  return out;
}

test(`a power cut at any disk operation of a merge loses no acknowledged write (seed ${seed})`, async () => {
  console.log(`merge crash test seed ${seed} (replay with MERGE_CRASH_SEED=${seed})`);
  const rng = seededRandom(seed);
  const pristine = new MemoryIo();
  pristine.makeDirs(dir);
  const baseModel = await base(pristine, rng);
  let cutsTested = 0;
  for (let cutAt = 1; ; cutAt++) {
    // Each attempt starts from a copy of the same durable base.
    const io = pristine.crash();
    const { engine, run } = open(io);
    const written: Written[] = [];
    let image: MemoryIo | null = null;
    let durableAtCut = 0;
    let ops = 0;
    io.beforeOp = () => {
      if (++ops !== cutAt) return;
      durableAtCut = engine.durableSeq;
      image = io.crash((unsynced) => Math.floor(rng() * (unsynced + 1)));
    };
    const set = (key: string, value: string): void => {
      run(["SET", key, value]);
      written.push({ key, value, seq: engine.appendedSeq });
    };
    // Writes still pending when the merge starts (at or below its seq), then more in the same batch
    // before it is flushed: the merge seals the active segment, so that batch is split at S.
    for (let i = 0; i < 4; i++) set(`pre${cutAt}-${i}`, `p${i}`);
    const sealedSegment = engine.shards[0]?.log.currentSegment ?? 0;
    const merging = engine.merge(0);
    let done = false;
    void merging.then(() => (done = true));
    for (let i = 0; i < 4; i++) set(`split${cutAt}-${i}`, `s${i}`);
    // Clients keep writing while the merge runs: overwrite base keys and add new ones.
    for (let i = 0; !done && i < 400; i++) {
      const key = rng() < 0.5 ? `base${Math.floor(rng() * 30)}` : `new${cutAt}-${i}`;
      set(key, `m${cutAt}-${i}-` + "x".repeat(Math.floor(rng() * 60)));
      if (i % 3 === 0) await tick();
    }
    const result = await merging;
    await engine.waitDurable();
    await engine.close();
    if (image === null) {
      // The merge finished before the cut: every operation has been tried. It sealed the segment it
      // started in, so a restart reads the snapshot plus only what was written after its seq...
      expect(result.firstSegment).toBe(sealedSegment + 1);
      const shardDir = `${dir}/shard-000`;
      const { report } = SegmentLog.open({ dir: shardDir, io: io.crash(), segmentBytesMax: 2048, salvage: false, firstSegment: result.firstSegment });
      expect(report.entries.length).toBeGreaterThan(0);
      expect(report.entries.every((e) => e.seq > result.seq)).toBe(true);
      // ...and every write comes back, the split batch's and those made during the merge included.
      const model = new Map(baseModel);
      for (const w of written) model.set(w.key, w.value);
      const got = readBack(io, model.keys());
      for (const [k, v] of model) expect({ k, v: got.get(k) }).toEqual({ k, v });
      break;
    }
    cutsTested++;
    // Expected after the cut: base values, then every write acknowledged (durable) by the cut in
    // order; a write not yet acknowledged may or may not be there, but nothing else may.
    const acked = new Map(baseModel);
    const possible = new Map<string, Set<string | null>>();
    for (const w of written) {
      if (w.seq <= durableAtCut) {
        acked.set(w.key, w.value);
        possible.delete(w.key);
      } else {
        const set = possible.get(w.key) ?? new Set<string | null>([acked.get(w.key) ?? null]);
        set.add(w.value);
        possible.set(w.key, set);
      }
    }
    const keys = new Set([...acked.keys(), ...possible.keys()]);
    const got = readBack(image, keys);
    for (const k of keys) {
      const value = got.get(k) ?? null;
      const allowed = possible.get(k) ?? new Set([acked.get(k) ?? null]);
      if (!allowed.has(value)) throw new Error(`cut at merge operation ${cutAt}: ${k} = ${JSON.stringify(value)}, expected one of ${JSON.stringify([...allowed])}`);
    }
  }
  console.log(`merge crash test: ${cutsTested} cut points`);
  expect(cutsTested).toBeGreaterThan(10);
}, 60_000);

test("a merge whose disk operations fail is abandoned; the shard keeps serving and the next merge works", async () => {
  const rng = seededRandom(seed + 1);
  const pristine = new MemoryIo();
  pristine.makeDirs(dir);
  const model = await base(pristine, rng);
  for (const failing of ["rename", "fsyncDir", "fdatasync"] as const) {
    const io = pristine.crash();
    const { engine, run } = open(io);
    let armed = true;
    io.beforeOp = (op) => {
      // Nothing else writes meanwhile, so these are the merge's own operations (a failing log would
      // stop the node by design).
      if (armed && op === failing && engine.shards[0]?.merge !== null) {
        armed = false;
        throw new Error(`EIO: injected ${op} failure`);
      }
    };
    let failed = false;
    await engine.merge(0).catch(() => (failed = true));
    if (!armed) expect(failed).toBe(true);
    expect(engine.shards[0]?.log.healthy).toBe(true);
    expect(io.listDir(`${dir}/shard-000`).some((n) => n.endsWith(".tmp"))).toBe(false);
    run(["SET", "after", failing]);
    await engine.merge(0);
    await engine.waitDurable();
    await engine.close();
    const got = readBack(io, [...model.keys(), "after"]);
    for (const [k, v] of model) expect({ k, v: got.get(k) }).toEqual({ k, v });
    expect(got.get("after")).toBe(failing);
  }
});
