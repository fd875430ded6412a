// Bunker's own commands through a real client (ioredis) against a real Bunker process: CAS, LOCK /
// UNLOCK / EXTEND with fencing tokens, RATELIMIT.ADD, FETCH_OR_COMPUTE with parked waiters; races of
// many clients for one lock and one computation; and what survives SIGKILL + restart.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Redis from "ioredis";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open } from "../src/embedded/index.ts";
import { startBunker, type ServerHandle } from "./support/servers.ts";

let server: ServerHandle;
const clients: Redis[] = [];

async function connect(port = server.port): Promise<Redis> {
  const c = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  await c.connect();
  clients.push(c);
  return c;
}

/** The rejection message of a command that must fail. */
async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e: unknown) {
    return (e as Error).message;
  }
  throw new Error("expected an error reply");
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  server = await startBunker();
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await server?.stop();
  await server?.removeDir();
});

const nativeNames = ["cas", "lock", "unlock", "extend", "ratelimit.add", "fetch_or_compute", "fetch_or_compute_result", "fetch_or_compute_error"];

test("COMMAND DOCS and COMMAND GETKEYS know every native command", async () => {
  const c = await connect();
  const docs = (await c.call("COMMAND", "DOCS", ...nativeNames)) as unknown[];
  const byName = new Map<string, unknown[]>();
  for (let i = 0; i + 1 < docs.length; i += 2) byName.set(docs[i] as string, docs[i + 1] as unknown[]);
  for (const name of nativeNames) {
    const fields = byName.get(name);
    expect(fields).toBeDefined();
    const doc = new Map<string, unknown>();
    for (let i = 0; i + 1 < (fields as unknown[]).length; i += 2) doc.set((fields as unknown[])[i] as string, (fields as unknown[])[i + 1]);
    expect(doc.get("group")).toBe("bunker");
    expect((doc.get("summary") as string).length).toBeGreaterThan(10);
    expect(Array.isArray(doc.get("arguments"))).toBe(true);
  }
  // Keys are found from the key specs, so cluster clients route them by hash slot.
  expect(await c.call("COMMAND", "GETKEYS", "LOCK", "{user:1}:lock", "me", "100")).toEqual(["{user:1}:lock"]);
  expect(await c.call("COMMAND", "GETKEYS", "RATELIMIT.ADD", "rl", "1000", "5")).toEqual(["rl"]);
  expect(await c.call("COMMAND", "GETKEYS", "FETCH_OR_COMPUTE_RESULT", "page", "v", "100")).toEqual(["page"]);
});

describe("CAS", () => {
  test("1 swapped, 0 differs, nil missing, WRONGTYPE, option errors", async () => {
    const c = await connect();
    await c.set("cas:a", "10");
    expect(await c.call("CAS", "cas:a", "10", "9")).toBe(1);
    expect(await c.get("cas:a")).toBe("9");
    expect(await c.call("CAS", "cas:a", "10", "8")).toBe(0);
    expect(await c.get("cas:a")).toBe("9");
    expect(await c.call("CAS", "cas:missing", "x", "y")).toBeNull();
    expect(await c.get("cas:missing")).toBeNull();
    await c.call("LOCK", "cas:lock", "me", "10000");
    expect(await errorOf(c.call("CAS", "cas:lock", "a", "b"))).toBe("WRONGTYPE Operation against a key holding the wrong kind of value");
    expect(await errorOf(c.call("CAS", "cas:a", "9", "8", "EX"))).toBe("ERR syntax error");
    expect(await errorOf(c.call("CAS", "cas:a", "9", "8", "EX", "1", "KEEPTTL"))).toBe("ERR syntax error");
    expect(await errorOf(c.call("CAS", "cas:a", "9", "8", "NX"))).toBe("ERR syntax error");
    expect(await errorOf(c.call("CAS", "cas:a", "9", "8", "PX", "0"))).toBe("ERR invalid expire time in 'cas' command");
    expect(await errorOf(c.call("CAS", "cas:a", "9", "8", "EX", "x"))).toBe("ERR value is not an integer or out of range");
    expect(await errorOf(c.call("CAS", "cas:a", "9"))).toBe("ERR wrong number of arguments for 'cas' command");
    expect(await c.get("cas:a")).toBe("9");
  });

  test("keeps the TTL unless EX or PX gives a new one", async () => {
    const c = await connect();
    await c.set("cas:t1", "a", "PX", 300);
    expect(await c.call("CAS", "cas:t1", "a", "b")).toBe(1); // TTL kept by default
    await c.set("cas:t2", "a", "PX", 300);
    expect(await c.call("CAS", "cas:t2", "a", "b", "KEEPTTL")).toBe(1);
    await c.set("cas:t3", "a", "PX", 300);
    expect(await c.call("CAS", "cas:t3", "a", "b", "EX", "100")).toBe(1); // replaced by a longer one
    await c.set("cas:t4", "a");
    expect(await c.call("CAS", "cas:t4", "a", "b", "PX", "150")).toBe(1);
    await sleep(450);
    expect(await c.get("cas:t1")).toBeNull();
    expect(await c.get("cas:t2")).toBeNull();
    expect(await c.get("cas:t3")).toBe("b");
    expect(await c.get("cas:t4")).toBeNull();
  });
});

describe("LOCK / UNLOCK / EXTEND", () => {
  test("acquire, refresh, wrong owner, release, expiry, fencing tokens", async () => {
    const c = await connect();
    const t1 = (await c.call("LOCK", "lk:1", "alice", "10000")) as number;
    expect(Number.isSafeInteger(t1) && t1 > 0).toBe(true);
    // The same owner refreshes and keeps its token; another owner is refused.
    expect(await c.call("LOCK", "lk:1", "alice", "20000")).toBe(t1);
    expect(await errorOf(c.call("LOCK", "lk:1", "bob", "1000"))).toBe("LOCKED lock is held by another owner");
    expect(await errorOf(c.call("UNLOCK", "lk:1", "bob"))).toBe("LOCKED lock is held by another owner");
    expect(await errorOf(c.call("EXTEND", "lk:1", "bob", "1000"))).toBe("LOCKED lock is held by another owner");
    expect(await c.call("EXTEND", "lk:1", "alice", "1000")).toBe(1);
    expect(await c.call("UNLOCK", "lk:1", "alice")).toBe(1);
    expect(await c.call("UNLOCK", "lk:1", "alice")).toBe(0); // released already
    expect(await errorOf(c.call("EXTEND", "lk:1", "alice", "1000"))).toBe("NOTHELD lock is not held");
    const t2 = (await c.call("LOCK", "lk:1", "bob", "60")) as number;
    expect(t2).toBeGreaterThan(t1);
    // An expired lease: nobody holds it, and the next acquisition gets a larger token.
    await sleep(120);
    expect(await c.call("UNLOCK", "lk:1", "bob")).toBe(0);
    expect(await errorOf(c.call("EXTEND", "lk:1", "bob", "1000"))).toBe("NOTHELD lock is not held");
    const t3 = (await c.call("LOCK", "lk:1", "carol", "10000")) as number;
    expect(t3).toBeGreaterThan(t2);
    // Deleting the record forgets the counter, but the time floor still yields a larger token.
    expect(await c.del("lk:1")).toBe(1);
    const t4 = (await c.call("LOCK", "lk:1", "dave", "10000")) as number;
    expect(t4).toBeGreaterThan(t3);
  });

  test("missing keys, wrong types, bad TTLs, EXTEND keeps a lock alive", async () => {
    const c = await connect();
    expect(await c.call("UNLOCK", "lk:none", "x")).toBe(0);
    expect(await errorOf(c.call("EXTEND", "lk:none", "x", "100"))).toBe("NOTHELD lock is not held");
    await c.set("lk:str", "plain");
    for (const args of [["LOCK", "lk:str", "a", "100"], ["UNLOCK", "lk:str", "a"], ["EXTEND", "lk:str", "a", "100"]]) {
      expect(await errorOf(c.call(args[0] as string, ...args.slice(1)))).toBe("WRONGTYPE Operation against a key holding the wrong kind of value");
    }
    await c.call("LOCK", "lk:get", "a", "1000");
    expect(await errorOf(c.get("lk:get"))).toBe("WRONGTYPE Operation against a key holding the wrong kind of value");
    expect(await errorOf(c.call("LOCK", "lk:bad", "a", "0"))).toBe("ERR invalid expire time in 'lock' command");
    expect(await errorOf(c.call("LOCK", "lk:bad", "a", "-5"))).toBe("ERR invalid expire time in 'lock' command");
    expect(await errorOf(c.call("LOCK", "lk:bad", "a", "soon"))).toBe("ERR value is not an integer or out of range");
    expect(await errorOf(c.call("EXTEND", "lk:get", "a", "0"))).toBe("ERR invalid expire time in 'extend' command");
    expect(await errorOf(c.call("LOCK", "lk:bad", "a"))).toBe("ERR wrong number of arguments for 'lock' command");
    const t = (await c.call("LOCK", "lk:ext", "a", "150")) as number;
    for (let i = 0; i < 4; i++) {
      await sleep(80);
      expect(await c.call("EXTEND", "lk:ext", "a", "150")).toBe(1);
    }
    expect(await errorOf(c.call("LOCK", "lk:ext", "b", "100"))).toBe("LOCKED lock is held by another owner");
    expect(await c.call("LOCK", "lk:ext", "a", "100")).toBe(t);
  });
});

describe("RATELIMIT.ADD", () => {
  test("allows up to max, then denies with the time until a slot frees", async () => {
    const c = await connect();
    // Start right after a bucket boundary so the whole test runs inside one bucket.
    const windowMs = 400;
    await sleep(windowMs - (Date.now() % windowMs) + 5);
    expect(await c.call("RATELIMIT.ADD", "rl:a", windowMs, 3)).toEqual(["allowed", 1, 2, 0]);
    expect(await c.call("RATELIMIT.ADD", "rl:a", windowMs, 3)).toEqual(["allowed", 2, 1, 0]);
    const third = (await c.call("RATELIMIT.ADD", "rl:a", windowMs, 3)) as [string, number, number, number];
    expect(third.slice(0, 3)).toEqual(["allowed", 3, 0]);
    expect(third[3]).toBeGreaterThan(0);
    const denied = (await c.call("RATELIMIT.ADD", "rl:a", windowMs, 3)) as [string, number, number, number];
    expect(denied.slice(0, 3)).toEqual(["denied", 3, 0]);
    // Denied requests are not counted, and waiting the advertised time is enough.
    expect(denied[3]).toBeGreaterThan(windowMs - (Date.now() % windowMs) - 50);
    expect(denied[3]).toBeLessThanOrEqual(2 * windowMs);
    await sleep(denied[3] + 5);
    expect(((await c.call("RATELIMIT.ADD", "rl:a", windowMs, 3)) as string[])[0]).toBe("allowed");
  });

  test("count, peeks with count 0, and argument errors", async () => {
    const c = await connect();
    const seven = (await c.call("RATELIMIT.ADD", "rl:b", 600000, 10, 7)) as unknown[];
    expect(seven.slice(0, 3)).toEqual(["allowed", 7, 3]);
    expect(seven[3]).toBeGreaterThan(0); // another 7 fit only once the window has moved on
    expect(((await c.call("RATELIMIT.ADD", "rl:b", 600000, 10, 4)) as unknown[]).slice(0, 3)).toEqual(["denied", 7, 3]);
    expect(await c.call("RATELIMIT.ADD", "rl:b", 600000, 10, 0)).toEqual(["allowed", 7, 3, 0]);
    expect(((await c.call("RATELIMIT.ADD", "rl:b", 600000, 10, 3)) as unknown[]).slice(0, 3)).toEqual(["allowed", 10, 0]);
    expect(await errorOf(c.call("RATELIMIT.ADD", "rl:b", 0, 10))).toBe("ERR window_ms must be a positive integer (at most 10^12)");
    expect(await errorOf(c.call("RATELIMIT.ADD", "rl:b", -1, 10))).toBe("ERR window_ms must be a positive integer (at most 10^12)");
    expect(await errorOf(c.call("RATELIMIT.ADD", "rl:b", 1000, 0))).toBe("ERR max must be a positive integer");
    expect(await errorOf(c.call("RATELIMIT.ADD", "rl:b", 1000, 5, 6))).toBe("ERR count must be between 0 and max");
    expect(await errorOf(c.call("RATELIMIT.ADD", "rl:b", 1000, 5, -1))).toBe("ERR count must be between 0 and max");
    expect(await errorOf(c.call("RATELIMIT.ADD", "rl:b", "x", 5))).toBe("ERR value is not an integer or out of range");
    expect(await errorOf(c.call("RATELIMIT.ADD", "rl:b", 1000, 5, 1, 1))).toBe("ERR syntax error");
    expect(await errorOf(c.call("RATELIMIT.ADD", "rl:b", 1000))).toBe("ERR wrong number of arguments for 'ratelimit.add' command");
    await c.set("rl:str", "x");
    expect(await errorOf(c.call("RATELIMIT.ADD", "rl:str", 1000, 5))).toBe("WRONGTYPE Operation against a key holding the wrong kind of value");
  });
});

describe("FETCH_OR_COMPUTE", () => {
  test("hit, compute, waiters receive the stored value, unrelated keys do not wait", async () => {
    const [a, b, d] = await Promise.all([connect(), connect(), connect()]);
    await a.set("foc:hit", "cached");
    expect(await a.call("FETCH_OR_COMPUTE", "foc:hit", 1000)).toEqual(["hit", "cached"]);
    expect(await a.call("FETCH_OR_COMPUTE", "foc:1", 5000, "hint-a")).toEqual(["compute", "hint-a"]);
    // The computer asking again is told to compute again, not parked behind itself.
    expect(await a.call("FETCH_OR_COMPUTE", "foc:1", 5000)).toEqual(["compute", null]);
    let settled = false;
    const waiting = b.call("FETCH_OR_COMPUTE", "foc:1", 5000).finally(() => (settled = true));
    // Pipelined behind the parked command: answered after it, in order.
    const behind = b.call("PING", "after");
    await sleep(100);
    expect(settled).toBe(false);
    expect(await d.call("FETCH_OR_COMPUTE", "foc:other", 5000)).toEqual(["compute", null]);
    expect(await errorOf(d.call("FETCH_OR_COMPUTE_ERROR", "foc:1", "nope"))).toBe("NOTCOMPUTING another client is computing this key");
    expect(await a.call("FETCH_OR_COMPUTE_RESULT", "foc:1", "value-1", 60000)).toBe(1);
    expect(await waiting).toEqual(["hit", "value-1"]);
    expect(await behind).toBe("after");
    expect(await a.get("foc:1")).toBe("value-1");
    expect(await d.call("FETCH_OR_COMPUTE_RESULT", "foc:other", "v", 100)).toBe(0);
    await sleep(200);
    expect(await d.get("foc:other")).toBeNull(); // the RESULT's TTL applies
    expect(await d.call("FETCH_OR_COMPUTE_ERROR", "foc:nobody", "x")).toBe(0);
    expect(await errorOf(a.call("FETCH_OR_COMPUTE", "foc:1", 0))).toBe("ERR invalid expire time in 'fetch_or_compute' command");
    expect(await errorOf(a.call("FETCH_OR_COMPUTE_RESULT", "foc:1", "v", 0))).toBe("ERR invalid expire time in 'fetch_or_compute_result' command");
    await a.call("LOCK", "foc:lock", "x", 1000);
    expect(await errorOf(a.call("FETCH_OR_COMPUTE", "foc:lock", 1000))).toBe("WRONGTYPE Operation against a key holding the wrong kind of value");
  });

  test("FETCH_OR_COMPUTE_ERROR hands the message to every waiter", async () => {
    const [a, b, c] = await Promise.all([connect(), connect(), connect()]);
    expect(await a.call("FETCH_OR_COMPUTE", "foc:err", 5000)).toEqual(["compute", null]);
    const w1 = errorOf(b.call("FETCH_OR_COMPUTE", "foc:err", 5000));
    const w2 = errorOf(c.call("FETCH_OR_COMPUTE", "foc:err", 5000));
    await sleep(50);
    expect(await a.call("FETCH_OR_COMPUTE_ERROR", "foc:err", "backend down")).toBe(2);
    expect(await w1).toBe("COMPUTEFAILED backend down");
    expect(await w2).toBe("COMPUTEFAILED backend down");
    // The claim is gone: the next caller computes.
    expect(await b.call("FETCH_OR_COMPUTE", "foc:err", 5000, "retry")).toEqual(["compute", "retry"]);
  });

  test("a disconnecting computer hands the computation to one waiter", async () => {
    const [a, b, c] = await Promise.all([connect(), connect(), connect()]);
    expect(await a.call("FETCH_OR_COMPUTE", "foc:dc", 10000)).toEqual(["compute", null]);
    const first = b.call("FETCH_OR_COMPUTE", "foc:dc", 10000, "from-b");
    await sleep(30);
    const second = c.call("FETCH_OR_COMPUTE", "foc:dc", 10000, "from-c");
    await sleep(30);
    a.disconnect();
    expect(await first).toEqual(["compute", "from-b"]);
    let settled = false;
    void second.finally(() => (settled = true));
    await sleep(100);
    expect(settled).toBe(false); // still waiting, now behind b
    expect(await b.call("FETCH_OR_COMPUTE_RESULT", "foc:dc", "by-b", 60000)).toBe(1);
    expect(await second).toEqual(["hit", "by-b"]);
  });

  test("a computer past its lease is replaced; a waiter past its bound times out", async () => {
    const [a, b, c] = await Promise.all([connect(), connect(), connect()]);
    expect(await a.call("FETCH_OR_COMPUTE", "foc:lease", 150)).toEqual(["compute", null]);
    const started = Date.now();
    expect(await b.call("FETCH_OR_COMPUTE", "foc:lease", 5000, "b")).toEqual(["compute", "b"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    // b computes with a 5 s lease; c is willing to wait only 200 ms.
    const t0 = Date.now();
    expect(await errorOf(c.call("FETCH_OR_COMPUTE", "foc:lease", 200))).toBe("TIMEOUT no value was computed for this key within 200 ms");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    // The timed-out connection is usable again; the late RESULT of the replaced computer still stores.
    expect(await c.ping()).toBe("PONG");
    expect(await a.call("FETCH_OR_COMPUTE_RESULT", "foc:lease", "late", 60000)).toBe(0);
    expect(await c.call("FETCH_OR_COMPUTE", "foc:lease", 200)).toEqual(["hit", "late"]);
    // b's claim ended with a's result: b is no longer the computer, so its result does not replace the
    // value the waiters were handed (nil: not stored).
    expect(await b.call("FETCH_OR_COMPUTE_RESULT", "foc:lease", "b's", 60000)).toBe(null);
    expect(await c.get("foc:lease")).toBe("late");
  });

  test("the current computer's result replaces a value someone else stored meanwhile", async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    expect(await a.call("FETCH_OR_COMPUTE", "foc:own", 5000)).toEqual(["compute", null]);
    await b.set("foc:own", "by-set");
    expect(await b.call("FETCH_OR_COMPUTE_RESULT", "foc:own", "by-b", 60000)).toBe(null);
    expect(await a.call("FETCH_OR_COMPUTE_RESULT", "foc:own", "by-a", 60000)).toBe(0);
    expect(await b.get("foc:own")).toBe("by-a");
  });

  test("inside MULTI a claimed key answers COMPUTING instead of waiting", async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    expect(await a.call("FETCH_OR_COMPUTE", "foc:multi", 5000)).toEqual(["compute", null]);
    const res = await b.multi().call("FETCH_OR_COMPUTE", "foc:multi", 5000).call("PING").exec();
    expect((res?.[0]?.[0] as Error).message).toBe("COMPUTING another client is computing this key");
    expect(res?.[1]?.[1]).toBe("PONG");
  });
});

describe("races", () => {
  test("many clients race for one lock: one holder at a time, tokens strictly increase", async () => {
    const workers = await Promise.all(Array.from({ length: 16 }, () => connect()));
    let holder: string | null = null;
    let overlaps = 0;
    const tokens: number[] = [];
    const deadline = Date.now() + 1500;
    await Promise.all(
      workers.map(async (c, i) => {
        const me = `worker-${i}`;
        while (Date.now() < deadline) {
          let token: number;
          try {
            token = (await c.call("LOCK", "race:lock", me, 5000)) as number;
          } catch (e: unknown) {
            expect((e as Error).message).toBe("LOCKED lock is held by another owner");
            await sleep(1);
            continue;
          }
          if (holder !== null) overlaps++;
          holder = me;
          tokens.push(token);
          await sleep(2);
          // Give up the local claim before the server's, so the next holder cannot be seen early.
          holder = null;
          expect(await c.call("UNLOCK", "race:lock", me)).toBe(1);
        }
      }),
    );
    expect(overlaps).toBe(0);
    expect(tokens.length).toBeGreaterThan(20);
    for (let i = 1; i < tokens.length; i++) expect(tokens[i] as number).toBeGreaterThan(tokens[i - 1] as number);
  });

  test("many clients race for one computation: one computer, every waiter gets the value", async () => {
    const racers = await Promise.all(Array.from({ length: 30 }, () => connect()));
    for (let round = 0; round < 3; round++) {
      const key = `race:foc:${round}`;
      let computers = 0;
      const results = await Promise.all(
        racers.map(async (c, i) => {
          const r = (await c.call("FETCH_OR_COMPUTE", key, 10000, `h${i}`)) as [string, string | null];
          if (r[0] === "compute") {
            computers++;
            await sleep(100);
            await c.call("FETCH_OR_COMPUTE_RESULT", key, `value-${round}`, 60000);
            return `value-${round}`;
          }
          expect(r[0]).toBe("hit");
          return r[1];
        }),
      );
      expect(computers).toBe(1);
      expect(results.every((v) => v === `value-${round}`)).toBe(true);
    }
  });
});

test("lock holders, fencing counters, rate-limit windows and values survive SIGKILL + restart", async () => {
  const first = await startBunker();
  const dir = first.dir;
  let second: ServerHandle | null = null;
  try {
    const c = await connect(first.port);
    const held = (await c.call("LOCK", "rs:held", "alice", 600000)) as number;
    const old = (await c.call("LOCK", "rs:free", "bob", 600000)) as number;
    expect(await c.call("UNLOCK", "rs:free", "bob")).toBe(1);
    expect(await c.call("RATELIMIT.ADD", "rs:rl", 600000, 2)).toEqual(["allowed", 1, 1, 0]);
    expect(((await c.call("RATELIMIT.ADD", "rs:rl", 600000, 2)) as unknown[]).slice(0, 3)).toEqual(["allowed", 2, 0]);
    await c.set("rs:cas", "1");
    expect(await c.call("CAS", "rs:cas", "1", "2")).toBe(1);
    expect(await c.call("FETCH_OR_COMPUTE", "rs:foc", 5000)).toEqual(["compute", null]);
    expect(await c.call("FETCH_OR_COMPUTE_RESULT", "rs:foc", "computed", 600000)).toBe(0);
    c.disconnect();
    await first.kill9();

    second = await startBunker({ dir });
    const d = await connect(second.port);
    expect(await errorOf(d.call("LOCK", "rs:held", "mallory", 1000))).toBe("LOCKED lock is held by another owner");
    expect(await d.call("LOCK", "rs:held", "alice", 1000)).toBe(held);
    const next = (await d.call("LOCK", "rs:free", "carol", 1000)) as number;
    expect(next).toBeGreaterThan(old);
    expect(((await d.call("RATELIMIT.ADD", "rs:rl", 600000, 2)) as unknown[])[0]).toBe("denied");
    expect(await d.get("rs:cas")).toBe("2");
    expect(await d.call("FETCH_OR_COMPUTE", "rs:foc", 5000)).toEqual(["hit", "computed"]);
    d.disconnect();
  } finally {
    await second?.stop();
    if (second === null) await first.stop();
    await first.removeDir();
  }
}, 60_000);

test("the embedded API offers the same operations, durable across reopening", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bunker-native-embedded-"));
  try {
    let db = await open({ dir, shards: 2 });
    await db.set("e:cas", "1");
    expect(await db.cas("e:cas", "1", "2")).toBe(true);
    expect(await db.cas("e:cas", "1", "3")).toBe(false);
    expect(await db.cas("e:none", "1", "3")).toBeNull();
    const token = await db.lock("e:lock", "me", 600000);
    await expect(db.lock("e:lock", "you", 1000)).rejects.toThrow("LOCKED lock is held by another owner");
    await db.extend("e:lock", "me", 600000);
    expect(await db.rateLimit("e:rl", 600000, 1)).toMatchObject({ allowed: true, count: 1, remaining: 0 });
    expect((await db.rateLimit("e:rl", 600000, 1)).allowed).toBe(false);
    expect(await db.command("FETCH_OR_COMPUTE", "e:foc", 1000, "h")).toEqual([Buffer.from("compute"), Buffer.from("h")]);
    await db.close();
    db = await open({ dir, shards: 2 });
    expect(await db.get("e:cas")).toBe("2");
    expect(await db.lock("e:lock", "me", 1000)).toBe(token);
    expect(await db.unlock("e:lock", "me")).toBe(true);
    expect(await db.lock("e:lock", "you", 1000)).toBeGreaterThan(token);
    expect((await db.rateLimit("e:rl", 600000, 1)).allowed).toBe(false);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
