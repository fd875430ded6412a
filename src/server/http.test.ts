// /health's verdicts that a real process shows only for an instant: shutting down, and a shard whose log
// failed (the process then exits). In-process, on the real engine over MemoryIo.
import { expect, test } from "bun:test";
import { Config } from "../config/config.ts";
import { buildCommandTable } from "../commands/index.ts";
import { Engine } from "../engine/engine.ts";
import { systemClock } from "../engine/clock.ts";
import { MemoryIo } from "../storage/memory-io.ts";
import { Server } from "./server.ts";
import { ClientState } from "./client-state.ts";
import { ReplyWriter } from "../protocol/writer.ts";
import { health } from "./http.ts";

function start(): { server: Server; engine: Engine; io: MemoryIo; fatal: Error[] } {
  const config = new Config();
  const table = buildCommandTable();
  const io = new MemoryIo();
  const fatal: Error[] = [];
  const engine = Engine.open({ dir: "/data", shards: 2, databases: 16, segmentBytesMax: 1 << 20, salvage: false, io, clock: systemClock, table, config, onFatal: (e) => fatal.push(e) }, null);
  const server = new Server({ config, table, engine, log: () => {}, onShutdown: () => {} });
  return { server, engine, io, fatal };
}

test("health is ok on a fresh server and unavailable from the start of a shutdown", async () => {
  const { server } = start();
  expect(health(server)).toEqual({ status: "ok", role: "standalone", problems: [], shards: [{ shard: 0, log: "ok" }, { shard: 1, log: "ok" }] });
  const done = server.shutdown();
  expect(health(server).status).toBe("unavailable");
  expect(health(server).problems).toEqual(["shutting down"]);
  await done;
});

test("a shard whose log failed makes the node unavailable, naming the shard", async () => {
  const { server, engine, io, fatal } = start();
  // Every fdatasync fails from now on: the next write's flush fails and the log stops accepting writes.
  io.beforeOp = (op) => {
    if (op === "fdatasync") throw new Error("EIO: injected");
  };
  const shard = engine.shards[1] as (typeof engine.shards)[number];
  let key = "k0";
  for (let i = 0; engine.executor.shardOfKey(key) !== 1; i++) key = `k${i}`;
  const set = server.table.get("set");
  if (set === undefined) throw new Error("no SET in the command table");
  engine.execute(new ClientState(1, "test", "", Date.now(), false), server, new ReplyWriter(), set, [Buffer.from("SET"), Buffer.from(key), Buffer.from("v")]);
  for (let i = 0; i < 100 && shard.log.healthy; i++) await Bun.sleep(5);
  expect(shard.log.healthy).toBe(false);
  expect(fatal.length).toBeGreaterThan(0);
  const h = health(server);
  expect(h.status).toBe("unavailable");
  expect(h.problems).toEqual(["shard 1: log write failed"]);
  expect(h.shards[1]).toEqual({ shard: 1, log: "failed" });
});
