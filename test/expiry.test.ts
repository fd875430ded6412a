// Expiry as a user sees it: lazy on access, an active cycle that removes keys nobody reads, and
// expired keys that never reappear after a restart (expirations are logged as deletes).
import { afterAll, expect, test } from "bun:test";
import { RawClient } from "./support/raw-client.ts";
import { startBunker, type ServerHandle } from "./support/servers.ts";

const started: ServerHandle[] = [];
afterAll(async () => {
  for (const s of started) await s.stop().catch(() => {});
  for (const s of started) s.removeDir();
});
const text = (b: Uint8Array): string => Buffer.from(b).toString("latin1");

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await Bun.sleep(25);
  }
  return check();
}

test("expired keys vanish on access and through the active cycle, and stay gone after restarts", async () => {
  const s = await startBunker({ args: ["--hz", "50"] });
  started.push(s);
  const c = await RawClient.connect(s.port);
  const n = 400;
  await c.sendMany(Array.from({ length: n }, (_, i) => ["SET", `ttl:${i}`, "v", "PX", "150"]));
  await c.sendMany(Array.from({ length: 50 }, (_, i) => ["SET", `keep:${i}`, "v"]));
  expect(text(await c.send(["DBSIZE"]))).toBe(`:${n + 50}\r\n`);
  await Bun.sleep(250);
  // Lazy: a read of an expired key misses and removes it.
  expect(text(await c.send(["GET", "ttl:0"]))).toBe("$-1\r\n");
  expect(text(await c.send(["TTL", "ttl:1"]))).toBe(":-2\r\n");
  // Active: the cycle removes the rest without anyone reading them.
  expect(await until(async () => text(await c.send(["DBSIZE"])) === ":50\r\n", 5000)).toBe(true);
  const stats = text(await c.send(["INFO", "stats"]));
  expect(Number(/expired_keys:(\d+)/.exec(stats)?.[1])).toBe(n);
  c.close();
  await s.kill9();
  const again = await startBunker({ dir: s.dir });
  started.push(again);
  const r = await RawClient.connect(again.port);
  expect(text(await r.send(["DBSIZE"]))).toBe(":50\r\n");
  const gets = await r.sendMany(Array.from({ length: n }, (_, i) => ["EXISTS", `ttl:${i}`]));
  expect(gets.every((g) => text(g) === ":0\r\n")).toBe(true);
  r.close();
});

test("a key whose TTL passed while the server was down is not served after restart", async () => {
  const s = await startBunker();
  started.push(s);
  const c = await RawClient.connect(s.port);
  await c.send(["SET", "short", "v", "PX", "200"]);
  await c.send(["SET", "long", "v", "EX", "1000"]);
  c.close();
  await s.kill9();
  await Bun.sleep(300);
  const again = await startBunker({ dir: s.dir });
  started.push(again);
  const r = await RawClient.connect(again.port);
  expect(text(await r.send(["GET", "short"]))).toBe("$-1\r\n");
  expect(text(await r.send(["EXISTS", "short"]))).toBe(":0\r\n");
  expect(text(await r.send(["GET", "long"]))).toBe("$1\r\nv\r\n");
  const ttl = Number(text(await r.send(["TTL", "long"])).slice(1));
  expect(ttl).toBeGreaterThan(990);
  r.close();
});

test("INFO counts keyspace hits and misses of reads", async () => {
  const s = await startBunker();
  started.push(s);
  const c = await RawClient.connect(s.port);
  await c.send(["SET", "a", "1"]);
  await c.sendMany([["GET", "a"], ["GET", "a"], ["GET", "nope"]]);
  const stats = text(await c.send(["INFO", "stats"]));
  expect(Number(/keyspace_hits:(\d+)/.exec(stats)?.[1])).toBe(2);
  expect(Number(/keyspace_misses:(\d+)/.exec(stats)?.[1])).toBe(1);
  c.close();
});

test("INFO commandstats and errorstats count calls, failures, rejections and error codes", async () => {
  const s = await startBunker();
  started.push(s);
  const c = await RawClient.connect(s.port);
  await c.sendMany([["SET", "s", "1"], ["SET", "s", "2"], ["GET", "s"], ["INCR", "s"], ["GET"], ["HGET", "s", "f"]]);
  const info = text(await c.send(["INFO", "everything"]));
  expect(info).toMatch(/cmdstat_set:calls=2,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=0/);
  expect(info).toMatch(/cmdstat_get:calls=1,usec=\d+,usec_per_call=[\d.]+,rejected_calls=1,failed_calls=0/);
  expect(info).toMatch(/cmdstat_hget:calls=1,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=1/);
  expect(info).toContain("errorstat_ERR:count=1\r\n");
  expect(info).toContain("errorstat_WRONGTYPE:count=1\r\n");
  expect(text(await c.send(["CONFIG", "RESETSTAT"]))).toBe("+OK\r\n");
  expect(text(await c.send(["INFO", "errorstats"]))).not.toContain("errorstat_");
  c.close();
});
