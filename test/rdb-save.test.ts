// SAVE, BGSAVE and redis-cli --rdb produce RDB files a real redis-server 7.0 loads with every key, type,
// value and TTL Bunker held: all types in both of Redis's encodings (small listpack/intset forms and
// large ones), LZF-compressible and cold (on-disk) strings, several databases. BGSAVE is a snapshot of
// one instant while writes, deletes, FLUSHDB and SWAPDB go on. Also the handshake's errors, SAVE's
// bookkeeping (LASTSAVE, INFO persistence) and SYNC/PSYNC's framing.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { copyFile, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { startBunker, startRedis, type ServerHandle } from "./support/servers.ts";
import { RawClient } from "./support/raw-client.ts";

type Value = { type: string; value: unknown; expireAt: number };

function client(port: number): Redis {
  return new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
}

/** Every key of the given databases with its type, value and absolute expiry (0: none). */
async function contents(port: number, dbs: readonly number[]): Promise<Map<string, Value>> {
  const c = client(port);
  await c.connect();
  const out = new Map<string, Value>();
  try {
    for (const db of dbs) {
      await c.select(db);
      let cursor = "0";
      const keys: string[] = [];
      do {
        const [next, batch] = await c.scan(cursor, "COUNT", "500");
        cursor = next;
        keys.push(...batch);
      } while (cursor !== "0");
      const types = ((await keys.reduce((p, k) => p.type(k), c.pipeline()).exec()) ?? []).map(([, t]) => String(t));
      const reads = c.pipeline();
      keys.forEach((key, i) => {
        const type = types[i];
        if (type === "string") reads.getBuffer(key);
        else if (type === "list") reads.lrange(key, 0, -1);
        else if (type === "hash") reads.hgetall(key);
        else if (type === "set") reads.smembers(key);
        else reads.call("ZRANGE", key, "0", "-1", "WITHSCORES");
        reads.pttl(key);
      });
      const results = (await reads.exec()) ?? [];
      const now = Date.now();
      keys.forEach((key, i) => {
        const type = types[i] as string;
        const raw = (results[2 * i] as [Error | null, unknown])[1];
        const pttl = Number((results[2 * i + 1] as [Error | null, unknown])[1]);
        let value: unknown = raw;
        if (type === "string") value = (raw as Buffer).toString("latin1");
        else if (type === "hash") value = Object.entries(raw as Record<string, string>).sort();
        else if (type === "set") value = [...(raw as string[])].sort();
        out.set(`${db}/${key}`, { type, value, expireAt: pttl > 0 ? now + pttl : 0 });
      });
    }
  } finally {
    c.disconnect();
  }
  return out;
}

function expectSameContents(actual: Map<string, Value>, expected: Map<string, Value>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [k, e] of expected) {
    const a = actual.get(k) as Value;
    expect({ key: k, type: a.type, value: a.value }).toEqual({ key: k, type: e.type, value: e.value });
    expect(a.expireAt === 0).toBe(e.expireAt === 0);
    if (e.expireAt !== 0) expect(Math.abs(a.expireAt - e.expireAt)).toBeLessThan(5000);
  }
}

/** Starts redis-server on a copy of `rdbPath` (its own directory), so it loads that file at start. */
async function redisLoading(rdbPath: string): Promise<ServerHandle> {
  const dir = await mkdtemp(join(tmpdir(), "bunker-rdb-load-"));
  await copyFile(rdbPath, join(dir, "dump.rdb"));
  const redis = await startRedis({ args: ["--dir", dir, "--dbfilename", "dump.rdb"] });
  const cleanup = redis.removeDir.bind(redis);
  return { ...redis, removeDir: async () => { await cleanup(); await rm(dir, { recursive: true, force: true }); } };
}

async function infoField(c: Redis, field: string): Promise<string> {
  const m = new RegExp(`^${field}:(.*)\\r$`, "m").exec(await c.info("persistence"));
  if (m === null) throw new Error(`INFO persistence has no ${field}`);
  return m[1] as string;
}

async function waitForBgsave(c: Redis): Promise<void> {
  for (let i = 0; i < 2000 && (await infoField(c, "rdb_bgsave_in_progress")) !== "0"; i++) await Bun.sleep(10);
  expect(await infoField(c, "rdb_bgsave_in_progress")).toBe("0");
}

/** A seeded dataset over databases 0, 1 and 7 that covers every type and encoding. */
async function fill(c: Redis, seed: number): Promise<void> {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const text = (n: number): string => Array.from({ length: n }, () => String.fromCharCode(32 + Math.floor(rnd() * 95))).join("");
  for (const db of [0, 1, 7]) {
    await c.select(db);
    const p = c.pipeline();
    for (let i = 0; i < 40; i++) p.set(`int:${i}`, String(Math.floor(rnd() * 2 ** 40) - 2 ** 39));
    for (let i = 0; i < 40; i++) p.set(`str:${i}`, text(1 + Math.floor(rnd() * 60)));
    // Above --hot-value-bytes-max: stored cold, read from disk by the export.
    for (let i = 0; i < 20; i++) p.set(`cold:${i}`, text(300 + Math.floor(rnd() * 400)));
    p.set("lzf", "abcabcabc".repeat(2000));
    p.set("binary", Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
    for (let i = 0; i < 10; i++) p.set(`ttl:${i}`, "v", "PX", 100000 + i * 1000);
    p.rpush("list:small", "a", "b", "3", "-7");
    p.rpush("list:big", ...Array.from({ length: 300 }, (_, i) => `${i}:${text(20)}`));
    p.hset("hash:small", "f1", "v1", "f2", "22");
    p.hset("hash:big", ...Array.from({ length: 600 }, (_, i) => [`f${i}`, text(10)]).flat());
    p.hset("hash:longvalue", "f", text(100));
    p.sadd("set:ints", 1, 2, 3, -5, 2 ** 40);
    p.sadd("set:small", "x", "y", "z");
    p.sadd("set:big", ...Array.from({ length: 600 }, (_, i) => `m${i}`));
    p.zadd("zset:small", 1, "a", 2.5, "b", -3, "c");
    p.zadd("zset:big", ...Array.from({ length: 200 }, (_, i) => [String(rnd() * 1000 - 500), `m${i}`]).flat());
    p.zadd("zset:inf", "inf", "top", "-inf", "bottom", 0, "zero");
    p.set("volatile:hash-parent", "x");
    p.hset("hash:ttl", "a", "b");
    p.pexpire("hash:ttl", 500000);
    await p.exec();
  }
  await c.select(0);
}

describe("SAVE, BGSAVE and --rdb against redis-server", () => {
  let bunker: ServerHandle;
  let c: Redis;
  const started: ServerHandle[] = [];
  beforeAll(async () => {
    bunker = await startBunker({ args: ["--shards", "3", "--hot-value-bytes-max", "100"] });
    c = client(bunker.port);
    await c.connect();
  });
  afterEach(async () => {
    for (const s of started.splice(0)) {
      await s.stop();
      await s.removeDir();
    }
  });
  afterAll(async () => {
    c?.disconnect();
    await bunker?.stop();
    await bunker?.removeDir();
  });

  test("SAVE writes a dump.rdb that redis-server loads with every key, type, value and TTL", async () => {
    await fill(c, 1);
    // A merge of every shard makes the large strings cold (their values then live only on disk).
    const merges = Number(await infoField(c, "aof_rewrites"));
    await c.bgrewriteaof();
    for (let i = 0; i < 1000 && Number(await infoField(c, "aof_rewrites")) < merges + 3; i++) await Bun.sleep(10);
    expect(Number(await infoField(c, "aof_rewrites"))).toBeGreaterThanOrEqual(merges + 3);
    const before = await contents(bunker.port, [0, 1, 7]);
    const coldReads = Number(/bunker_cold_reads_async:(\d+)/.exec(await c.info("persistence"))?.[1]);
    const changes = Number(await infoField(c, "rdb_changes_since_last_save"));
    expect(changes).toBeGreaterThan(0);
    expect(await c.save()).toBe("OK");
    // The cold values were read from disk off the event loop.
    expect(Number(/bunker_cold_reads_async:(\d+)/.exec(await c.info("persistence"))?.[1])).toBeGreaterThanOrEqual(coldReads + 60);
    expect(await infoField(c, "rdb_changes_since_last_save")).toBe("0");
    expect(await infoField(c, "rdb_last_bgsave_status")).toBe("ok");
    expect(Number(await infoField(c, "rdb_last_save_time"))).toBe(await c.lastsave());
    expect(Math.abs((await c.lastsave()) - Date.now() / 1000)).toBeLessThan(5);
    const path = join(bunker.dir, "dump.rdb");
    expect((await stat(path)).size).toBeGreaterThan(1000);
    const redis = await redisLoading(path);
    started.push(redis);
    expectSameContents(await contents(redis.port, [0, 1, 7]), before);
    const r = client(redis.port);
    await r.connect();
    // DUMP payloads are Redis's own serialisation: identical for what both encode the same way.
    for (const key of ["int:0", "str:1", "list:small", "hash:small", "set:ints", "zset:small", "lzf"]) {
      expect((await r.dumpBuffer(key))?.toString("hex")).toBe((await c.dumpBuffer(key))?.toString("hex"));
    }
    r.disconnect();
  });

  test("BGSAVE holds the dataset as of the command while writes, FLUSHDB and SWAPDB continue", async () => {
    await c.flushall();
    const p = c.pipeline();
    for (let i = 0; i < 30000; i++) p.set(`k:${i}`, `v${i}`);
    for (let i = 0; i < 200; i++) p.rpush(`list:${i}`, "a", "b");
    await p.exec();
    await c.select(1);
    await c.set("in-db1", "x");
    await c.select(2);
    await c.set("in-db2", "y");
    // Cold values in a database the walk reaches late: changed during the save, the hook must read
    // their old values from disk.
    await c.select(3);
    for (let i = 0; i < 50; i++) await c.set(`cold:${i}`, `${i}:`.padEnd(300, "c"));
    await c.select(0);
    const merges = Number(await infoField(c, "aof_rewrites"));
    await c.bgrewriteaof();
    for (let i = 0; i < 1000 && Number(await infoField(c, "aof_rewrites")) < merges + 3; i++) await Bun.sleep(10);
    const before = await contents(bunker.port, [0, 1, 2, 3]);
    // On one connection: nothing between the snapshot point and BGSAVE itself.
    expect(String(await c.bgsave())).toBe("Background saving started");
    expect(await c.bgsave().catch((e: Error) => e.message)).toBe("ERR Background save already in progress");
    let round = 0;
    let duringSave = 0;
    for (;;) {
      const running = (await infoField(c, "rdb_bgsave_in_progress")) === "1";
      if (!running && round > 0) break;
      if (running) duringSave++;
      const w = c.pipeline();
      for (let i = 0; i < 500; i++) {
        const k = (round * 500 + i) % 30000;
        w.set(`k:${k}`, `changed${round}`);
        w.del(`k:${(k + 15000) % 30000}`);
        w.set(`new:${round}:${i}`, "n");
      }
      w.lpush(`list:${round % 200}`, "pushed");
      if (round === 0) {
        w.select(3);
        for (let i = 0; i < 50; i++) w.set(`cold:${i}`, "changed");
        w.del("cold:0");
        w.select(1);
        w.flushdb();
        w.set("after-flush", "z");
        w.swapdb(0, 2);
        w.swapdb(0, 2);
        w.select(0);
      }
      await w.exec();
      round++;
    }
    // Writes ran while the walk was still going (not only before its first slice).
    expect(duringSave).toBeGreaterThan(1);
    await waitForBgsave(c);
    expect(await infoField(c, "rdb_last_bgsave_status")).toBe("ok");
    const redis = await redisLoading(join(bunker.dir, "dump.rdb"));
    started.push(redis);
    expectSameContents(await contents(redis.port, [0, 1, 2, 3]), before);
  });

  test("redis-cli --rdb fetches the same snapshot through REPLCONF rdb-only and SYNC", async () => {
    await c.flushall();
    await fill(c, 2);
    const before = await contents(bunker.port, [0, 1, 7]);
    const dir = await mkdtemp(join(tmpdir(), "bunker-cli-rdb-"));
    try {
      const file = join(dir, "fetched.rdb");
      const cli = Bun.spawn(["redis-cli", "-h", "127.0.0.1", "-p", String(bunker.port), "--rdb", file], { stdout: "pipe", stderr: "pipe" });
      const [code, err] = await Promise.all([cli.exited, new Response(cli.stderr).text()]);
      expect({ code, err: code === 0 ? "" : err }).toEqual({ code: 0, err: "" });
      expect(err).toContain("Transfer finished with success");
      const redis = await redisLoading(file);
      started.push(redis);
      expectSameContents(await contents(redis.port, [0, 1, 7]), before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("SYNC needs REPLCONF rdb-only 1; PSYNC answers FULLRESYNC, the bulk, then closes", async () => {
    await c.flushall();
    await c.set("a", "1");
    const plain = await RawClient.connect(bunker.port);
    const refused = Buffer.from(await plain.send(["SYNC"])).toString("latin1");
    expect(refused.startsWith("-ERR Bunker replicates with Raft")).toBe(true);
    plain.close();

    const sock = await new Promise<{ data: () => Buffer; closed: Promise<void>; write: (s: string) => void }>((resolve) => {
      let buf = Buffer.alloc(0);
      let markClosed: () => void = () => {};
      const closed = new Promise<void>((r) => (markClosed = r));
      void Bun.connect({
        hostname: "127.0.0.1",
        port: bunker.port,
        socket: {
          open(s) {
            resolve({ data: () => buf, closed, write: (t) => void s.write(t) });
          },
          data(_s, chunk) {
            buf = Buffer.concat([buf, Buffer.from(chunk)]);
          },
          close() {
            markClosed();
          },
        },
      });
    });
    sock.write("REPLCONF rdb-only 1\r\nPSYNC ? -1\r\n");
    await sock.closed;
    const text = sock.data().toString("latin1");
    const m = /^\+OK\r\n\+FULLRESYNC ([0-9a-f]{40}) (\d+)\r\n\$(\d+)\r\n/.exec(text);
    expect(m).not.toBeNull();
    const header = (m as RegExpExecArray)[0];
    const payload = sock.data().subarray(header.length);
    expect(payload.length).toBe(Number((m as RegExpExecArray)[3]));
    expect(payload.subarray(0, 9).toString("latin1")).toBe("REDIS0010");
  });

  test("BGSAVE inside MULTI is scheduled and runs after EXEC", async () => {
    await c.set("scheduled", "yes");
    const saves = Number(await infoField(c, "rdb_saves"));
    const result = await c.multi().bgsave().exec();
    expect(result).toEqual([[null, "Background saving scheduled"]]);
    for (let i = 0; i < 500 && Number(await infoField(c, "rdb_saves")) === saves; i++) await Bun.sleep(10);
    expect(Number(await infoField(c, "rdb_saves"))).toBe(saves + 1);
  });
});
