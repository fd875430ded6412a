// Size estimates of values that go cold and come back: a value a merge moved cold and that a command
// then made hot for good without rewriting it (EXPIRE after a preload loaded it) is measured as the
// hot value it is again, so used_memory counts it (it used to keep a cold entry's 16-byte estimate).
import { expect, test } from "bun:test";
import { buildCommandTable } from "../commands/index.ts";
import { Config } from "../config/config.ts";
import { entrySizeBytes } from "../keyspace/memory.ts";
import { ReplyWriter } from "../protocol/writer.ts";
import { ClientState } from "../server/client-state.ts";
import { MemoryIo } from "../storage/memory-io.ts";
import type { Clock } from "./clock.ts";
import { Engine } from "./engine.ts";
import { newStats, type ServerContext } from "./server-context.ts";

const clock: Clock = { nowMs: () => 1_700_000_000_000, monotonicMs: () => performance.now() };

test("a cold value made hot by EXPIRE is measured as hot again", async () => {
  const io = new MemoryIo();
  const table = buildCommandTable();
  const open = (): Engine => Engine.open({ dir: "/data", shards: 1, databases: 1, segmentBytesMax: 1 << 20, salvage: false, io, clock, table, onFatal: (e) => { throw e; }, hotValueBytesMax: 64, autoMerge: false }, null);
  let engine = open();
  const server: { -readonly [K in keyof ServerContext]: ServerContext[K] } = { config: new Config(), table, engine, stats: newStats(), runId: "t", startedMs: 0, tcpPort: 0, version: "7.0.15", mode: "embedded", clients: () => [], requestShutdown: () => {} };
  const client = new ClientState(1, "t", "", 0, false);
  const w = new ReplyWriter();
  const run = async (...argv: string[]): Promise<string> => {
    const cmd = table.get(argv[0] as string);
    if (cmd === undefined) throw new Error(argv[0]);
    const bytes = argv.map((a) => Buffer.from(a, "latin1"));
    const cold = engine.coldKeysOf(0, cmd, bytes);
    await engine.preload(cold);
    engine.execute(client, server, w, cmd, bytes);
    engine.release(cold);
    const out = Buffer.from(w.take()).toString("latin1");
    w.reset();
    return out;
  };
  const value = "v".repeat(1000);
  expect(await run("SET", "big", value)).toBe("+OK\r\n");
  await engine.waitDurable();
  await engine.merge(0);
  // Loaded from the snapshot, the value starts cold, with a cold entry's size estimate.
  await engine.close();
  engine = open();
  server.engine = engine;
  const db = engine.shards[0]!.state.db(0);
  const entry = db.map.get("big");
  expect(entry?.type === "string" && entry.data === null && entry.cold !== null).toBe(true);
  expect(await run("PEXPIRE", "big", "100000000")).toBe(":1\r\n");
  const hot = db.map.get("big");
  expect(hot?.type === "string" && hot.data === value && hot.cold === null).toBe(true);
  expect(hot?.sizeBytes).toBe(entrySizeBytes("big", hot!));
  let sum = 0;
  for (const e of db.map.values()) sum += e.sizeBytes;
  expect(db.usedBytes).toBe(sum);
  expect(db.usedBytes).toBeGreaterThan(value.length);
  await engine.close();
});
