// Values go cold before keys are evicted: filling past maxmemory with large strings keeps every key
// (evicted_keys stays 0) and memory under the limit, and every value reads back byte for byte through
// GET, GETRANGE, STRLEN, APPEND, DUMP/RESTORE, also after a restart; a seeded model check compares
// random reads and writes on cold and hot values with an in-memory model.
import { afterAll, expect, test } from "bun:test";
import { RawClient } from "./support/raw-client.ts";
import { startBunker, type ServerHandle } from "./support/servers.ts";
import { distinctValue } from "./support/values.ts";

const started: ServerHandle[] = [];
afterAll(async () => {
  for (const s of started) await s.stop().catch(() => {});
  for (const s of started) s.removeDir();
});
const text = (b: Uint8Array): string => Buffer.from(b).toString("latin1");
const bulk = (v: string): string => `$${v.length}\r\n${v}\r\n`;
const maxmemory = 1024 * 1024;

async function infoField(c: RawClient, section: string, field: string): Promise<number> {
  const body = text(await c.send(["INFO", section]));
  const m = new RegExp(`${field}:(\\d+)`).exec(body);
  if (!m) throw new Error(`INFO ${section} has no ${field}`);
  return Number(m[1]);
}

const valueOf = distinctValue;
const arg = (s: string): Uint8Array => Buffer.from(s, "latin1");

test("filling past maxmemory with large values makes them cold instead of evicting keys", async () => {
  const s = await startBunker({ args: ["--maxmemory", String(maxmemory), "--maxmemory-policy", "allkeys-lru"] });
  started.push(s);
  const c = await RawClient.connect(s.port);
  const keys = 1000;
  const size = 4096; // 4 MB of values against a 1 MB limit
  // Pipelined in batches: the values of a batch get their disk location once the batch is written, in
  // time for the next batch to need the room.
  for (let i = 0; i < keys; i += 20) {
    const batch: Uint8Array[][] = [];
    for (let j = i; j < i + 20; j++) batch.push([arg("SET"), arg(`big:${j}`), arg(valueOf(j, size))]);
    for (const r of await c.sendMany(batch)) expect(text(r)).toBe("+OK\r\n");
    expect(await infoField(c, "memory", "used_memory")).toBeLessThanOrEqual(maxmemory);
  }
  expect(await infoField(c, "stats", "evicted_keys")).toBe(0);
  expect(await infoField(c, "memory", "bunker_cooled_for_memory")).toBeGreaterThan(keys / 2);
  expect(await infoField(c, "memory", "bunker_cooled_for_memory_bytes")).toBeGreaterThan((keys / 2) * size);
  expect(text(await c.send(["DBSIZE"]))).toBe(`:${keys}\r\n`);

  const gets = await c.sendMany(Array.from({ length: keys }, (_, i) => ["GET", `big:${i}`]));
  gets.forEach((r, i) => expect(text(r)).toBe(bulk(valueOf(i, size))));
  expect(await infoField(c, "persistence", "bunker_cold_reads_async")).toBeGreaterThan(0);
  const ranges = await c.sendMany(Array.from({ length: keys }, (_, i) => ["GETRANGE", `big:${i}`, "100", "199"]));
  ranges.forEach((r, i) => expect(text(r)).toBe(bulk(valueOf(i, size).slice(100, 200))));
  const lengths = await c.sendMany(Array.from({ length: keys }, (_, i) => ["STRLEN", `big:${i}`]));
  lengths.forEach((r) => expect(text(r)).toBe(`:${size}\r\n`));
  // Reading did not bring the values back for good: memory is still under the limit.
  expect(await infoField(c, "memory", "used_memory")).toBeLessThanOrEqual(maxmemory);

  // APPEND to a value that is cold now (key 0 was written first, least recently used).
  expect(text(await c.send(["APPEND", "big:0", "tail"]))).toBe(`:${size + 4}\r\n`);
  expect(text(await c.send(["GET", "big:0"]))).toBe(bulk(valueOf(0, size) + "tail"));
  // DUMP of a cold value restores to the same bytes.
  const dump = await c.send(["DUMP", "big:1"]);
  const payload = dump.subarray(dump.indexOf(10) + 1, dump.length - 2);
  expect(text(await c.send([arg("RESTORE"), arg("copy:1"), arg("0"), payload]))).toBe("+OK\r\n");
  expect(text(await c.send(["GET", "copy:1"]))).toBe(bulk(valueOf(1, size)));
  expect(await infoField(c, "stats", "evicted_keys")).toBe(0);
  c.close();

  await s.kill9();
  const again = await startBunker({ dir: s.dir, args: ["--maxmemory", String(maxmemory), "--maxmemory-policy", "allkeys-lru"] });
  started.push(again);
  const r = await RawClient.connect(again.port);
  expect(text(await r.send(["GET", "big:0"]))).toBe(bulk(valueOf(0, size) + "tail"));
  const after = await r.sendMany(Array.from({ length: keys - 1 }, (_, i) => ["GET", `big:${i + 1}`]));
  after.forEach((x, i) => expect(text(x)).toBe(bulk(valueOf(i + 1, size))));
  expect(text(await r.send(["GET", "copy:1"]))).toBe(bulk(valueOf(1, size)));
  // Replayed values got their log records back as locations: the next writes make them cold, no key goes.
  for (let i = keys; i < keys + 100; i += 20) {
    const batch: Uint8Array[][] = [];
    for (let j = i; j < i + 20; j++) batch.push([arg("SET"), arg(`big:${j}`), arg(valueOf(j, size))]);
    for (const x of await r.sendMany(batch)) expect(text(x)).toBe("+OK\r\n");
  }
  expect(await infoField(r, "memory", "used_memory")).toBeLessThanOrEqual(maxmemory);
  expect(await infoField(r, "stats", "evicted_keys")).toBe(0);
  const all = await r.sendMany(Array.from({ length: keys + 99 }, (_, i) => ["GET", `big:${i + 1}`]));
  all.forEach((x, i) => expect(text(x)).toBe(bulk(valueOf(i + 1, size))));
  r.close();
});

test("noeviction: values go cold before any write is refused", async () => {
  const s = await startBunker({ args: ["--maxmemory", String(maxmemory), "--maxmemory-policy", "noeviction"] });
  started.push(s);
  const c = await RawClient.connect(s.port);
  const keys = 600;
  const size = 4096;
  for (let i = 0; i < keys; i += 20) {
    const batch: Uint8Array[][] = [];
    for (let j = i; j < i + 20; j++) batch.push([arg("SET"), arg(`n:${j}`), arg(valueOf(j, size))]);
    for (const r of await c.sendMany(batch)) expect(text(r)).toBe("+OK\r\n");
  }
  expect(await infoField(c, "memory", "used_memory")).toBeLessThanOrEqual(maxmemory);
  expect(await infoField(c, "memory", "bunker_cooled_for_memory")).toBeGreaterThan(0);
  // Small values have no disk location to go cold from: once they fill memory, OOM as Redis does.
  const small: string[][] = Array.from({ length: 20_000 }, (_, i) => ["SET", `s:${i}`, "x".repeat(100)]);
  const replies = (await c.sendMany(small)).map(text);
  expect(replies.filter((x) => x.startsWith("-OOM")).length).toBeGreaterThan(0);
  const gets = await c.sendMany(Array.from({ length: keys }, (_, i) => ["GET", `n:${i}`]));
  gets.forEach((r, i) => expect(text(r)).toBe(bulk(valueOf(i, size))));
  c.close();
});

test("values built in place get a location from the next merge and then go cold too", async () => {
  const s = await startBunker({ args: ["--maxmemory", String(maxmemory), "--maxmemory-policy", "allkeys-lru"] });
  started.push(s);
  const c = await RawClient.connect(s.port);
  // SETRANGE past the end builds a value whose bytes are in no single log argument: no location yet.
  const built = (i: number): string => "\0".repeat(4000) + valueOf(i, 96);
  const write = async (from: number, to: number): Promise<void> => {
    const batch = Array.from({ length: to - from }, (_, j) => [arg("SETRANGE"), arg(`b:${from + j}`), arg("4000"), arg(valueOf(from + j, 96))]);
    for (const r of await c.sendMany(batch)) expect(text(r)).toBe(":4096\r\n");
  };
  await write(0, 200);
  expect(await infoField(c, "memory", "bunker_coolable_values")).toBe(0);
  expect(text(await c.send(["BGREWRITEAOF"]))).toStartWith("+Background");
  for (let i = 0; i < 600 && (await infoField(c, "persistence", "bunker_merges")) < 4; i++) await Bun.sleep(50);
  expect(await infoField(c, "memory", "bunker_coolable_values")).toBe(200);
  // 200 more push memory past the limit: the merged ones go cold, no key is evicted.
  await write(200, 400);
  expect(await infoField(c, "stats", "evicted_keys")).toBe(0);
  expect(await infoField(c, "memory", "used_memory")).toBeLessThanOrEqual(maxmemory);
  const gets = await c.sendMany(Array.from({ length: 400 }, (_, i) => ["GET", `b:${i}`]));
  gets.forEach((r, i) => expect(text(r)).toBe(bulk(built(i))));
  c.close();
});

/** Redis's GETRANGE index rules. */
function getrange(v: string, start: number, end: number): string {
  const n = v.length;
  if (start < 0) start = n + start;
  if (end < 0) end = n + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= n) end = n - 1;
  if (n === 0 || start > end) return "";
  return v.slice(start, end + 1);
}

test("model check: random reads and writes on values going cold under maxmemory", async () => {
  const seed = Number(process.env.COLD_EVICT_SEED ?? Date.now() % 100000);
  let x = (seed * 2654435761 + 1) >>> 0 || 1;
  const rand = (n: number): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
  const limit = 256 * 1024;
  // Small segments and merges during the run: references into log segments must be repointed into the
  // snapshot before a merge deletes the segments they point into.
  const args = ["--maxmemory", String(limit), "--maxmemory-policy", "allkeys-lfu", "--segment-bytes-max", "65536"];
  const s = await startBunker({ args });
  started.push(s);
  const c = await RawClient.connect(s.port);
  const model = new Map<string, string>();
  // Values changed in place (APPEND, SETRANGE) stay hot until overwritten; keeping them to 16 keys of
  // at most 8 KB bounds hot memory (128 KB) under the limit, so going cold always suffices and no key
  // may be evicted: the model does not need to know about eviction.
  const keyCount = 200;
  const mutable = 16;
  let version = 0;
  try {
    for (let round = 0; round < 60; round++) {
      const cmds: Uint8Array[][] = [];
      const expected: string[] = [];
      for (let k = 0; k < 25; k++) {
        const i = rand(keyCount);
        const key = `m:${i}`;
        const cur = model.get(key);
        const op = rand(10);
        if (op < 4 || cur === undefined) {
          const v = valueOf(++version, 300 + rand(3800));
          model.set(key, v);
          cmds.push([arg("SET"), arg(key), arg(v)]);
          expected.push("+OK\r\n");
        } else if (op < 6) {
          cmds.push([arg("GET"), arg(key)]);
          expected.push(bulk(cur));
        } else if (op === 6) {
          const start = rand(cur.length + 50) - 25;
          const end = rand(cur.length + 50) - 25;
          cmds.push([arg("GETRANGE"), arg(key), arg(String(start)), arg(String(end))]);
          expected.push(bulk(getrange(cur, start, end)));
        } else if (op === 7) {
          cmds.push([arg("STRLEN"), arg(key)]);
          expected.push(`:${cur.length}\r\n`);
        } else if (i < mutable && cur.length < 7000) {
          if (op === 8) {
            const tail = valueOf(++version, 1 + rand(200));
            model.set(key, cur + tail);
            cmds.push([arg("APPEND"), arg(key), arg(tail)]);
            expected.push(`:${cur.length + tail.length}\r\n`);
          } else {
            const at = rand(cur.length + 10);
            const patch = valueOf(++version, 1 + rand(100));
            const base = cur.length < at ? cur + "\0".repeat(at - cur.length) : cur;
            const next = base.slice(0, at) + patch + base.slice(at + patch.length);
            model.set(key, next);
            cmds.push([arg("SETRANGE"), arg(key), arg(String(at)), arg(patch)]);
            expected.push(`:${next.length}\r\n`);
          }
        } else {
          cmds.push([arg("GET"), arg(key)]);
          expected.push(bulk(cur));
        }
      }
      // A merge started amid a pipeline seals its shards' segments inside the pending batch (the
      // batch is split there), with values of that batch waiting for their location.
      if (round % 10 === 5) {
        const at = rand(cmds.length);
        cmds.splice(at, 0, [arg("BGREWRITEAOF")]);
        expected.splice(at, 0, "+Background append only file rewriting started\r\n");
      }
      const replies = await c.sendMany(cmds);
      // The eviction pass after each write keeps memory under the limit whenever a reply leaves.
      expect(await infoField(c, "memory", "used_memory")).toBeLessThanOrEqual(limit);
      replies.forEach((r, j) => {
        if (text(r) !== expected[j]) throw new Error(`seed ${seed} round ${round} command ${j} (${text(cmds[j]?.[0] ?? new Uint8Array())}): reply differs from the model`);
      });
    }
    expect(await infoField(c, "stats", "evicted_keys")).toBe(0);
    expect(await infoField(c, "memory", "bunker_cooled_for_memory")).toBeGreaterThan(0);
    expect(await infoField(c, "memory", "used_memory")).toBeLessThanOrEqual(limit);
    expect(await infoField(c, "persistence", "bunker_merges")).toBeGreaterThan(0);
    const keys = [...model.keys()];
    const all = await c.sendMany(keys.map((k) => ["GET", k]));
    all.forEach((r, j) => expect(text(r)).toBe(bulk(model.get(keys[j] as string) as string)));
    // Once every merge is done (their segments deleted), every value still reads back, then after a restart.
    for (let i = 0; i < 600 && (await infoField(c, "persistence", "bunker_merges_in_progress")) > 0; i++) await Bun.sleep(50);
    expect(await infoField(c, "persistence", "bunker_merges_in_progress")).toBe(0);
    const merged = await c.sendMany(keys.map((k) => ["GET", k]));
    merged.forEach((r, j) => expect(text(r)).toBe(bulk(model.get(keys[j] as string) as string)));
    c.close();
    await s.kill9();
    const again = await startBunker({ dir: s.dir, args });
    started.push(again);
    const r = await RawClient.connect(again.port);
    const restarted = await r.sendMany(keys.map((k) => ["GET", k]));
    restarted.forEach((x, j) => expect(text(x)).toBe(bulk(model.get(keys[j] as string) as string)));
    // Values loaded from the snapshot (or replayed) keep a location: new writes make them cold, no key goes.
    for (let i = 0; i < 100; i += 20) {
      const batch = Array.from({ length: 20 }, (_, j) => [arg("SET"), arg(`new:${i + j}`), arg(valueOf(-1 - i - j, 3000))]);
      for (const x of await r.sendMany(batch)) expect(text(x)).toBe("+OK\r\n");
    }
    expect(await infoField(r, "stats", "evicted_keys")).toBe(0);
    expect(await infoField(r, "memory", "used_memory")).toBeLessThanOrEqual(limit);
    const final = await r.sendMany(keys.map((k) => ["GET", k]));
    final.forEach((x, j) => expect(text(x)).toBe(bulk(model.get(keys[j] as string) as string)));
    r.close();
  } catch (e: unknown) {
    throw new Error(`model check failed with COLD_EVICT_SEED=${seed}: ${e instanceof Error ? e.message : String(e)}`);
  }
});

test("CONFIG SET maxmemory below the dataset frees memory at once, as Redis does", async () => {
  // No limit while writing: the values got no disk location to go cold from, so keys are evicted.
  const s = await startBunker({ args: ["--maxmemory-policy", "allkeys-lru"] });
  started.push(s);
  const c = await RawClient.connect(s.port);
  const keys = 600;
  const size = 4096;
  for (let i = 0; i < keys; i += 50) {
    const batch: Uint8Array[][] = [];
    for (let j = i; j < i + 50; j++) batch.push([arg("SET"), arg(`c:${j}`), arg(valueOf(j, size))]);
    for (const r of await c.sendMany(batch)) expect(text(r)).toBe("+OK\r\n");
  }
  expect(await infoField(c, "memory", "used_memory")).toBeGreaterThan(maxmemory);
  expect(text(await c.send(["CONFIG", "SET", "maxmemory", String(maxmemory)]))).toBe("+OK\r\n");
  // No write in between: lowering the limit itself made room.
  expect(await infoField(c, "memory", "used_memory")).toBeLessThanOrEqual(maxmemory);
  const evicted = await infoField(c, "stats", "evicted_keys");
  expect(evicted).toBeGreaterThan(0);
  expect(Number(text(await c.send(["DBSIZE"])).slice(1))).toBe(keys - evicted);
  c.close();
});
