// Start-up replays a plain `SET key value` record without running the command (engine replayPlainSet):
// after a crash, every key written by plain SETs in any letter case, mixed with SETs with options, TTLs,
// other types, deletes and several databases, comes back with the same value, type, encoding, expiry
// and memory usage, and large replayed values can go cold and still read back byte for byte.
import { afterAll, expect, test } from "bun:test";
import { RawClient, type Arg } from "./support/raw-client.ts";
import { startBunker, type ServerHandle } from "./support/servers.ts";
import { distinctValue } from "./support/values.ts";

const started: ServerHandle[] = [];
afterAll(async () => {
  for (const s of started) await s.stop().catch(() => {});
  for (const s of started) await s.removeDir();
});
const text = (b: Uint8Array): string => Buffer.from(b).toString("latin1");
const arg = (s: string): Uint8Array => Buffer.from(s, "latin1");

const valueOf = distinctValue;

const future = Date.now() + 10_000_000;
/** [db, command] pairs, run in order; keys spread over the four shards. */
function writes(): [number, string[]][] {
  const w: [number, string[]][] = [];
  for (let i = 0; i < 200; i++) {
    const name = ["SET", "set", "SeT", "sEt"][i % 4] as string;
    const size = [0, 1, 31, 255, 256, 300, 4096, 70_000][i % 8] as number;
    w.push([i % 3, [name, `k:${i}`, valueOf(i, size)]]);
  }
  w.push([0, ["SET", "", "empty key"]]);
  w.push([0, ["SET", "int", "12345"]]);
  w.push([0, ["SET", "neg", "-7"]]);
  // A plain SET clears a TTL, replaces other types, and is itself overwritten or deleted later.
  w.push([0, ["SET", "ttl", "v", "PX", "9000000"]]);
  w.push([0, ["SET", "ttl", "plain now"]]);
  w.push([0, ["SET", "keep", "v", "PXAT", String(future)]]);
  w.push([0, ["SET", "keep", "kept ttl", "KEEPTTL"]]);
  w.push([0, ["HSET", "was-hash", "f", "v"]]);
  w.push([0, ["SET", "was-hash", "string now"]]);
  w.push([0, ["RPUSH", "was-list", "a", "b"]]);
  w.push([0, ["set", "was-list", valueOf(9, 500)]]);
  w.push([0, ["SET", "later-list", "x"]]);
  w.push([0, ["LPUSH", "l2", "y"]]);
  w.push([0, ["DEL", "later-list"]]);
  w.push([0, ["RPUSH", "later-list", "z"]]);
  w.push([0, ["SET", "gone", valueOf(3, 1000)]]);
  w.push([0, ["DEL", "gone"]]);
  w.push([0, ["SET", "nx", "first", "NX"]]);
  w.push([0, ["SET", "nx", "second", "NX"]]);
  w.push([0, ["SET", "nx", "third"]]);
  w.push([0, ["SET", "get", "old"]]);
  w.push([0, ["SET", "get", "new", "GET"]]);
  w.push([0, ["SET", "appended", "abc"]]);
  w.push([0, ["APPEND", "appended", "def"]]);
  w.push([0, ["SET", "incr", "41"]]);
  w.push([0, ["INCR", "incr"]]);
  w.push([0, ["SET", "{tag}a", "1"]]);
  w.push([0, ["MSET", "{tag}b", "2", "{tag}a", "3"]]);
  w.push([1, ["SET", "k:1", "db1 overwrite"]]);
  w.push([0, ["SET", "k:2", valueOf(2, 8)]]);
  return w;
}

const keysOf = (w: [number, string[]][]): [number, string][] => {
  const seen = new Set<string>();
  const out: [number, string][] = [];
  for (const [db, cmd] of w) {
    for (const key of cmd[0]?.toUpperCase() === "MSET" ? [cmd[1], cmd[3]] : [cmd[1]]) {
      const id = `${db}/${key}`;
      if (key === undefined || seen.has(id)) continue;
      seen.add(id);
      out.push([db, key]);
    }
  }
  return out;
};

/** Everything a client can see of each key, per database. */
async function snapshot(c: RawClient, keys: [number, string][]): Promise<string[]> {
  const out: string[] = [];
  for (const db of [0, 1, 2]) {
    await c.send(["SELECT", String(db)]);
    out.push(`db${db} size ${text(await c.send(["DBSIZE"]))}`);
    const mine = keys.filter(([d]) => d === db).map(([, k]) => k);
    const probes: Arg[][] = [];
    for (const k of mine) probes.push(["TYPE", k], ["PEXPIRETIME", k], ["OBJECT", "ENCODING", k], ["MEMORY", "USAGE", k], ["DUMP", k]);
    const replies = await c.sendMany(probes);
    mine.forEach((k, i) => out.push(`${db}/${k}: ${replies.slice(5 * i, 5 * i + 5).map(text).join(" | ")}`));
  }
  await c.send(["SELECT", "0"]);
  return out;
}

test("plain SETs replayed at start-up restore exactly what was written, in every database", async () => {
  const s = await startBunker();
  started.push(s);
  const c = await RawClient.connect(s.port);
  const w = writes();
  let db = 0;
  for (const [target, cmd] of w) {
    if (target !== db) {
      expect(text(await c.send(["SELECT", String(target)]))).toBe("+OK\r\n");
      db = target;
    }
    const reply = text(await c.send(cmd.map(arg)));
    expect(reply.startsWith("-")).toBe(false);
  }
  await c.send(["SELECT", "0"]);
  const keys = keysOf(w);
  const before = await snapshot(c, keys);
  c.close();

  await s.kill9();
  const again = await startBunker({ dir: s.dir });
  started.push(again);
  const r = await RawClient.connect(again.port);
  expect(await snapshot(r, keys)).toEqual(before);
  const recovered = /bunker_recovery_entries:(\d+)/.exec(text(await r.send(["INFO", "persistence"])));
  expect(Number(recovered?.[1])).toBeGreaterThanOrEqual(200);
  r.close();
});

test("large values replayed from plain SETs go cold from their records and read back byte for byte", async () => {
  const maxmemory = 1024 * 1024;
  const args = ["--maxmemory", String(maxmemory), "--maxmemory-policy", "allkeys-lru"];
  const s = await startBunker();
  started.push(s);
  const c = await RawClient.connect(s.port);
  const keys = 600;
  const size = 4096; // 2.4 MB of values: more than the limit the restart runs with
  for (let i = 0; i < keys; i += 50) {
    const batch: Uint8Array[][] = [];
    for (let j = i; j < i + 50; j++) batch.push([arg(j % 2 === 0 ? "SET" : "set"), arg(`big:${j}`), arg(valueOf(j, size))]);
    for (const x of await c.sendMany(batch)) expect(text(x)).toBe("+OK\r\n");
  }
  c.close();
  await s.kill9();

  const again = await startBunker({ dir: s.dir, args });
  started.push(again);
  const r = await RawClient.connect(again.port);
  const used = /used_memory:(\d+)/.exec(text(await r.send(["INFO", "memory"])));
  expect(Number(used?.[1])).toBeLessThanOrEqual(maxmemory);
  const gets = await r.sendMany(Array.from({ length: keys }, (_, i) => ["GET", `big:${i}`]));
  gets.forEach((x, i) => expect(text(x)).toBe(`$${size}\r\n${valueOf(i, size)}\r\n`));
  const stats = text(await r.send(["INFO", "stats"]));
  expect(/evicted_keys:(\d+)/.exec(stats)?.[1]).toBe("0");
  r.close();
});
