// INFO's instantaneous_ops_per_sec and instantaneous_input/output_kbps follow the load: above zero
// while commands flow, back to zero once they stop (the samples cover the last 1.6 s). Each phase
// waits for its condition with a deadline; no timing decides the outcome.
import { afterAll, beforeAll, expect, test } from "bun:test";
import Redis from "ioredis";
import { startBunker, type ServerHandle } from "./support/servers.ts";
import { InstantaneousMetric } from "../src/server/instantaneous.ts";

let bunker: ServerHandle;
beforeAll(async () => {
  bunker = await startBunker({ args: ["--shards", "2"] });
});
afterAll(async () => {
  await bunker?.stop();
  await bunker?.removeDir();
});

function field(info: string, name: string): number {
  return Number(new RegExp(`^${name}:(.*)\\r$`, "m").exec(info)?.[1]);
}

test("the ring averages 16 samples of the rate since the previous one", () => {
  const m = new InstantaneousMetric(0, 0);
  m.track(100, 50); // 500/s
  expect(m.value).toBe(Math.trunc(500 / 16));
  for (let i = 2; i <= 16; i++) m.track(i * 100, i * 50);
  expect(m.value).toBe(500);
  for (let i = 17; i <= 32; i++) m.track(i * 100, 800);
  expect(m.value).toBe(0);
  // A counter that went back (CONFIG RESETSTAT) restarts the ring instead of giving a negative rate.
  m.track(3300, 1000);
  m.track(3400, 0);
  expect(m.value).toBe(0);
  m.track(3500, 100);
  expect(m.value).toBe(Math.trunc(1000 / 16));
});

test("INFO reports the rates while commands flow and zero after; total_net_output_bytes counts replies", async () => {
  const c = new Redis({ port: bunker.port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
  await c.connect();
  let busy: Record<string, number> | null = null;
  const deadline = Date.now() + 20_000;
  while (busy === null && Date.now() < deadline) {
    const p = c.pipeline();
    for (let i = 0; i < 500; i++) p.set(`k${i}`, "v".repeat(100));
    await p.exec();
    const info = await c.info("stats");
    const ops = field(info, "instantaneous_ops_per_sec");
    if (ops > 0 && field(info, "instantaneous_input_kbps") > 0 && field(info, "instantaneous_output_kbps") > 0) {
      busy = { ops, input: field(info, "instantaneous_input_kbps") };
    }
  }
  expect(busy).not.toBeNull();
  const before = field(await c.info("stats"), "total_net_output_bytes");
  await c.set("out", "x");
  const reply = "+OK\r\n".length;
  // INFO's own reply was counted once it was written (before the SET), then +OK.
  expect(field(await c.info("stats"), "total_net_output_bytes") - before).toBeGreaterThanOrEqual(reply);
  let idle = Infinity;
  // INFO itself is a command: polling every 200 ms leaves about 5 per second.
  while (idle >= 10 && Date.now() < deadline + 10_000) {
    await Bun.sleep(200);
    idle = field(await c.info("stats"), "instantaneous_ops_per_sec");
  }
  expect(idle).toBeLessThan(10);
  c.disconnect();
});
