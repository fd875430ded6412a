// Filling past maxmemory under each policy: writes keep succeeding (except noeviction, which answers
// Redis's OOM error), the dataset estimate stays under the limit, and evicted keys are gone on every
// path: GET, EXISTS, DBSIZE/KEYS, and after a restart.
import { afterAll, expect, test } from "bun:test";
import { RawClient } from "./support/raw-client.ts";
import { startBunker, type ServerHandle } from "./support/servers.ts";

const started: ServerHandle[] = [];
afterAll(async () => {
  for (const s of started) await s.stop().catch(() => {});
  for (const s of started) s.removeDir();
});
const text = (b: Uint8Array): string => Buffer.from(b).toString("latin1");
const maxmemory = 1024 * 1024;
const keys = 8000;
const value = "v".repeat(200);

async function info(c: RawClient, field: string): Promise<number> {
  const body = text(await c.send(["INFO", "memory"]));
  const m = new RegExp(`${field}:(\\d+)`).exec(body);
  return Number(m?.[1]);
}

async function fill(c: RawClient, volatile: boolean): Promise<string[]> {
  const replies: string[] = [];
  for (let i = 0; i < keys; i += 500) {
    const batch: string[][] = [];
    for (let j = i; j < i + 500; j++) batch.push(volatile ? ["SET", `k:${j}`, value, "EX", String(1000 + j)] : ["SET", `k:${j}`, value]);
    for (const r of await c.sendMany(batch)) replies.push(text(r));
  }
  return replies;
}

for (const policy of ["allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"]) {
  test(`${policy}: writes succeed, memory stays under maxmemory, evicted keys are gone everywhere`, async () => {
    const s = await startBunker({ args: ["--maxmemory", String(maxmemory), "--maxmemory-policy", policy] });
    started.push(s);
    const c = await RawClient.connect(s.port);
    const replies = await fill(c, policy.startsWith("volatile"));
    expect(replies.every((r) => r === "+OK\r\n")).toBe(true);
    expect(await info(c, "used_memory")).toBeLessThanOrEqual(maxmemory);
    const dbsize = Number(text(await c.send(["DBSIZE"])).slice(1));
    expect(dbsize).toBeGreaterThan(0);
    expect(dbsize).toBeLessThan(keys);
    const present = new Set<number>();
    const gets = await c.sendMany(Array.from({ length: keys }, (_, i) => ["GET", `k:${i}`]));
    const exists = await c.sendMany(Array.from({ length: keys }, (_, i) => ["EXISTS", `k:${i}`]));
    gets.forEach((r, i) => {
      const got = text(r);
      const ex = text(exists[i] as Uint8Array);
      if (got === "$-1\r\n") expect(ex).toBe(":0\r\n");
      else {
        expect(got).toBe(`$${value.length}\r\n${value}\r\n`);
        expect(ex).toBe(":1\r\n");
        present.add(i);
      }
    });
    expect(present.size).toBe(dbsize);
    const evictedStat = /evicted_keys:(\d+)/.exec(text(await c.send(["INFO", "stats"])));
    expect(Number(evictedStat?.[1])).toBe(keys - dbsize);
    c.close();
    await s.kill9();
    const again = await startBunker({ dir: s.dir, args: ["--maxmemory", String(maxmemory), "--maxmemory-policy", policy] });
    started.push(again);
    const r = await RawClient.connect(again.port);
    expect(text(await r.send(["DBSIZE"]))).toBe(`:${dbsize}\r\n`);
    const after = await r.sendMany(Array.from({ length: keys }, (_, i) => ["EXISTS", `k:${i}`]));
    after.forEach((x, i) => expect(text(x)).toBe(present.has(i) ? ":1\r\n" : ":0\r\n"));
    r.close();
  });
}

test("noeviction answers OOM once full, keeps serving reads and deletes", async () => {
  const s = await startBunker({ args: ["--maxmemory", String(maxmemory), "--maxmemory-policy", "noeviction"] });
  started.push(s);
  const c = await RawClient.connect(s.port);
  const replies = await fill(c, false);
  const oom = replies.filter((r) => r === "-OOM command not allowed when used memory > 'maxmemory'.\r\n").length;
  expect(oom).toBeGreaterThan(0);
  expect(oom + replies.filter((r) => r === "+OK\r\n").length).toBe(keys);
  expect(text(await c.send(["GET", "k:0"]))).toBe(`$${value.length}\r\n${value}\r\n`);
  expect(text(await c.send(["DEL", "k:0"]))).toBe(":1\r\n");
  c.close();
});

test("volatile policies refuse with OOM when no key has a TTL", async () => {
  const s = await startBunker({ args: ["--maxmemory", String(maxmemory), "--maxmemory-policy", "volatile-lru"] });
  started.push(s);
  const c = await RawClient.connect(s.port);
  const replies = await fill(c, false);
  expect(replies.some((r) => r.startsWith("-OOM"))).toBe(true);
  c.close();
});
