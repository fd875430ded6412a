// Merges in a running server: overwrites trigger them on their own (no timer), INFO reports them,
// large values go cold and read back through the dispatcher's preload, and a restart loads the
// snapshot and agrees.
import { afterAll, expect, test } from "bun:test";
import { RawClient } from "./support/raw-client.ts";
import { startBunker, type ServerHandle } from "./support/servers.ts";

const text = (b: Uint8Array): string => Buffer.from(b).toString("latin1");
let server: ServerHandle | undefined;
afterAll(async () => {
  await server?.kill9();
  await server?.removeDir();
});

function field(info: string, name: string): string {
  const m = new RegExp(`^${name}:(.*)$`, "m").exec(info);
  if (!m) throw new Error(`INFO has no ${name}`);
  return (m[1] as string).trim();
}

test("overwrites trigger merges; large values go cold and read back before and after a restart", async () => {
  const args = ["--shards", "2", "--segment-bytes-max", "16384", "--merge-dead-ratio", "50", "--hot-value-bytes-max", "200"];
  server = await startBunker({ args });
  let c = await RawClient.connect(server.port);
  const expected = new Map<string, string>();
  for (let round = 0; round < 60; round++) {
    const commands: string[][] = [];
    for (let i = 0; i < 20; i++) {
      // Large values written once (a merge then moves them to disk), small ones overwritten.
      const large = i % 4 === 0;
      if (large && round > 0) continue;
      const key = `key:${i}`;
      const value = `${round}:` + (large ? "L".repeat(1000 + i) : "s".repeat(i * 10));
      expected.set(key, value);
      commands.push(["SET", key, value]);
    }
    expect((await c.sendMany(commands)).every((r) => text(r) === "+OK\r\n")).toBe(true);
  }
  let info = "";
  for (let i = 0; i < 100; i++) {
    info = text(await c.send(["INFO", "persistence"]));
    if (Number(field(info, "bunker_merges")) > 0 && field(info, "bunker_merges_in_progress") === "0") break;
    await Bun.sleep(20);
  }
  expect(Number(field(info, "bunker_merges"))).toBeGreaterThan(0);
  expect(Number(field(info, "aof_rewrites"))).toBe(Number(field(info, "bunker_merges")));
  expect(field(info, "bunker_last_merge_status")).toBe("ok");
  // Compaction reclaimed space: what recovery would read is a fraction of what was written.
  expect(Number(field(info, "bunker_log_retained_bytes"))).toBeLessThan(Number(field(info, "bunker_log_bytes_written")) / 2);
  const dead = Number(field(info, "bunker_log_dead_ratio"));
  expect(dead >= 0 && dead <= 1).toBe(true);
  const check = async (): Promise<void> => {
    const keys = [...expected.keys()];
    const replies = await c.sendMany(keys.map((k) => ["GET", k]));
    keys.forEach((k, i) => {
      const v = expected.get(k) as string;
      expect({ k, r: text(replies[i] as Uint8Array) }).toEqual({ k, r: `$${v.length}\r\n${v}\r\n` });
    });
  };
  await check();
  info = text(await c.send(["INFO", "persistence"]));
  // The large values went cold and were loaded ahead of their GETs, off the event loop.
  expect(Number(field(info, "bunker_cold_reads_async"))).toBeGreaterThan(0);
  expect(Number(field(info, "bunker_cold_reads_sync"))).toBe(0);
  await server.kill9();
  server = await startBunker({ args, dir: server.dir });
  c = await RawClient.connect(server.port);
  info = text(await c.send(["INFO", "persistence"]));
  expect(Number(field(info, "bunker_recovery_snapshot_keys"))).toBeGreaterThan(0);
  await check();
  info = text(await c.send(["INFO", "persistence"]));
  expect(Number(field(info, "bunker_cold_reads_async"))).toBeGreaterThan(0);
  expect(Number(field(info, "bunker_cold_reads_sync"))).toBe(0);
  c.close();
});
