// Merges in a running server: overwrites trigger them on their own (no timer), INFO reports them,
// large values go cold and read back through the dispatcher's preload, and a restart loads the
// snapshot and agrees; a store that only grows is merged by the growth trigger (auto-aof-rewrite-*),
// and a restart then reads the snapshot plus only the log written after it.
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

test("a store that only grows is merged on growth; the active segment is sealed, so a restart reads only the tail", async () => {
  await server?.kill9();
  await server?.removeDir();
  // Segments far larger than the log: without sealing at the merge's seq, no segment would ever be
  // dropped and a restart would replay every record.
  const args = ["--shards", "2", "--auto-aof-rewrite-min-size", "1mb", "--auto-aof-rewrite-percentage", "50"];
  server = await startBunker({ args });
  let c = await RawClient.connect(server.port);
  expect(text(await c.send(["CONFIG", "GET", "auto-aof-rewrite-percentage"]))).toBe("*2\r\n$27\r\nauto-aof-rewrite-percentage\r\n$2\r\n50\r\n");
  // CONFIG SET changes the running trigger (and is validated as Redis does).
  expect(text(await c.send(["CONFIG", "SET", "auto-aof-rewrite-percentage", "100"]))).toBe("+OK\r\n");
  expect(text(await c.send(["CONFIG", "SET", "auto-aof-rewrite-min-size", "64kb"]))).toBe("+OK\r\n");
  expect(text(await c.send(["CONFIG", "GET", "auto-aof-rewrite-min-size"]))).toBe("*2\r\n$25\r\nauto-aof-rewrite-min-size\r\n$5\r\n65536\r\n");
  expect(text(await c.send(["CONFIG", "SET", "auto-aof-rewrite-percentage", "-1"])).startsWith("-ERR CONFIG SET failed")).toBe(true);
  // Only new keys: nothing is ever dead, so any merge is the growth trigger's.
  const keys = 12_000;
  const value = (i: number): string => `${i}:` + "g".repeat(40 + (i % 50));
  for (let from = 0; from < keys; from += 500) {
    const commands: string[][] = [];
    for (let i = from; i < from + 500; i++) commands.push(["SET", `grow:${i}`, value(i)]);
    expect((await c.sendMany(commands)).every((r) => text(r) === "+OK\r\n")).toBe(true);
  }
  let info = "";
  for (let i = 0; i < 500; i++) {
    info = text(await c.send(["INFO", "persistence"]));
    if (Number(field(info, "bunker_merges")) > 0 && field(info, "bunker_merges_in_progress") === "0") break;
    await Bun.sleep(20);
  }
  expect(Number(field(info, "bunker_merges"))).toBeGreaterThan(0);
  expect(field(info, "bunker_last_merge_status")).toBe("ok");
  expect(Number(field(info, "bunker_log_dead_ratio"))).toBeLessThan(0.3);
  // A tail written after the last merge, then a crash.
  for (let i = keys; i < keys + 100; i++) expect(text(await c.send(["SET", `grow:${i}`, value(i)]))).toBe("+OK\r\n");
  const written = Number(field(text(await c.send(["INFO", "persistence"])), "bunker_log_bytes_written"));
  c.close();
  await server.kill9();
  server = await startBunker({ args, dir: server.dir });
  c = await RawClient.connect(server.port);
  info = text(await c.send(["INFO", "persistence"]));
  const snapshotKeys = Number(field(info, "bunker_recovery_snapshot_keys"));
  const entries = Number(field(info, "bunker_recovery_entries"));
  expect(snapshotKeys).toBeGreaterThan(0);
  // Each SET is one entry for one new key: snapshot keys and replayed entries add up to every key...
  expect(snapshotKeys + entries).toBe(keys + 100);
  // ...and the log read at start-up is the tail after the snapshot, not the log written since the start.
  expect(Number(field(info, "bunker_recovery_log_bytes"))).toBeLessThan(written / 2);
  const names = Array.from({ length: keys + 100 }, (_, i) => `grow:${i}`);
  for (let from = 0; from < names.length; from += 1000) {
    const replies = await c.sendMany(names.slice(from, from + 1000).map((k) => ["GET", k]));
    replies.forEach((r, j) => {
      const v = value(from + j);
      expect({ k: from + j, r: text(r) }).toEqual({ k: from + j, r: `$${v.length}\r\n${v}\r\n` });
    });
  }
  c.close();
});
