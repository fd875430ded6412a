// CPU per command of the whole server path without sockets: real Connections (parser, dispatcher,
// engine, log append, reply queue behind the durable watermark) fed redis-benchmark-shaped pipelines
// through fake sockets, with the real native log on a temporary directory. Measures JS thread time per
// command: CPU time of the JS thread (utime + stime of /proc/thread-self/stat) and the time spent in
// the connections' data handling; fsyncs overlap on the native syncer's threads.
//   bun bench/server-path.bench.ts [--pipeline 16] [--clients 50] [--rounds 400] [--cmd set|get] [--keys 100000]
// Development aids (environment): BUNKER_STUB=execute|dispatch|endUnit|noBarrier replaces that step
// with the least it must do (the difference to a normal run is what the step costs);
// BUNKER_STUB=timed reports the time spent in the main steps (each timed call adds ~50 ns).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Config } from "../src/config/config.ts";
import { buildCommandTable } from "../src/commands/index.ts";
import { Engine } from "../src/engine/engine.ts";
import { systemClock } from "../src/engine/clock.ts";
import { nativeIo } from "../src/storage/io.ts";
import { Server } from "../src/server/server.ts";
import { ClientState } from "../src/server/client-state.ts";
import { Connection } from "../src/server/connection.ts";

const args = process.argv.slice(2);
const flag = (n: string, d: number): number => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const text = (n: string, d: string): string => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? (args[i + 1] ?? d) : d;
};
const pipeline = flag("pipeline", 16);
const clients = flag("clients", 50);
const rounds = flag("rounds", 400);
const cmd = text("cmd", "set");
const keySpace = flag("keys", 100000);

const dir = mkdtempSync(join(tmpdir(), "bunker-path-"));
const config = new Config();
const table = buildCommandTable();
const engine = Engine.open({ dir, shards: 4, databases: 16, segmentBytesMax: 64 << 20, salvage: false, io: nativeIo, clock: systemClock, table, config, onFatal: (e) => { throw e; } }, null);
const server = new Server({ config, table, engine, log: () => {}, onShutdown: () => {} });
const stub = process.env["BUNKER_STUB"] ?? "";
if (stub === "execute") (engine as unknown as { execute: unknown }).execute = (_c: unknown, _s: unknown, w: { simple(t: string): void }) => w.simple("OK");
if (stub === "dispatch") (server.dispatcher as unknown as { dispatch: unknown }).dispatch = (conn: { writer: { simple(t: string): void } }) => conn.writer.simple("OK");
if (stub === "endUnit") (engine as unknown as { endUnit: unknown }).endUnit = () => engine.executor.clearUnitOps();
if (stub === "noBarrier") (server as unknown as { appendedSeq: unknown }).appendedSeq = () => 0;

const timed: Record<string, number> = {};
function timeMethod(obj: Record<string, unknown>, name: string, label: string): void {
  const orig = obj[name] as (...a: unknown[]) => unknown;
  obj[name] = function (this: unknown, ...a: unknown[]) {
    const t0 = performance.now();
    try {
      return orig.apply(this, a);
    } finally {
      timed[label] = (timed[label] ?? 0) + performance.now() - t0;
    }
  };
}
if (stub === "timed") {
  timeMethod(server.dispatcher as never, "dispatch", "dispatch");
  timeMethod(engine as never, "execute", "execute");
  timeMethod(engine.executor as never, "run", "executor.run");
  timeMethod(engine as never, "endUnit", "endUnit");
  timeMethod(engine.storage as never, "afterUnit", "afterUnit");
  timeMethod(engine as never, "flushAll", "flushAll");
  timeMethod(engine as never, "shardDurable", "shardDurable");
  timeMethod(nativeIo as never, "submitFlushes", "submitFlushes");
  for (const s of engine.shards) timeMethod(s.log as never, "append", "log.append");
}

let bytesOut = 0;
const fakeSocket = { write: (b: Uint8Array) => { bytesOut += b.length; return b.length; }, end: () => {} };
const conns = Array.from({ length: clients }, (_, i) => new Connection(fakeSocket as never, new ClientState(i + 1, "x:1", "y:2", Date.now(), false), server));
const value = "x".repeat(32);
let rnd = 12345;
function chunk(): Uint8Array {
  let s = "";
  for (let i = 0; i < pipeline; i++) {
    rnd = (rnd * 1103515245 + 12345) & 0x7fffffff;
    const key = `key:${String(rnd % keySpace).padStart(12, "0")}`;
    s += cmd === "set" ? `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$32\r\n${value}\r\n` : `*2\r\n$3\r\nGET\r\n$${key.length}\r\n${key}\r\n`;
  }
  return Buffer.from(s, "latin1");
}
const chunks = Array.from({ length: 256 }, chunk);
let spent = 0;
let n = 0;
async function round(r: number): Promise<void> {
  const t0 = performance.now();
  for (let c = 0; c < clients; c++) (conns[c] as Connection).onData((chunks[(r * clients + c) & 255] as Uint8Array).slice());
  spent += performance.now() - t0;
  n += clients * pipeline;
  await engine.waitDurable();
  await Promise.resolve();
}
/** CPU time of the JS thread (utime + stime of /proc/thread-self/stat), in ms. */
function threadCpuMs(): number {
  const fields = readFileSync("/proc/thread-self/stat", "latin1").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
for (let r = 0; r < 100; r++) await round(r);
spent = 0;
n = 0;
const bytes0 = bytesOut;
const cpu0 = threadCpuMs();
const wall0 = performance.now();
for (let r = 0; r < rounds; r++) await round(r);
const cpu = threadCpuMs() - cpu0;
const wall = performance.now() - wall0;
console.log(`${cmd.toUpperCase()} P${pipeline} x ${clients} clients: ${((spent * 1000) / n).toFixed(3)} us per command in onData, ${((cpu * 1000) / n).toFixed(3)} us of JS-thread CPU, ${((wall * 1000) / n).toFixed(3)} us wall (${n} commands, ${((bytesOut - bytes0) / n).toFixed(1)} reply bytes each)`);
if (Object.keys(timed).length > 0) console.log(Object.entries(timed).map(([k, v]) => `${k} ${((v * 1000) / n).toFixed(3)} us/cmd`).join(", "));
await engine.close();
rmSync(dir, { recursive: true, force: true });
