// Blocking sorted-set pops (BZPOPMIN, BZPOPMAX, BZMPOP) between real clients: each scenario runs against
// redis-server 7.0 and Bunker and the replies each client sees must be byte-identical (waiter served by
// another client's ZADD, RESP2 and RESP3 shapes, timeouts, FIFO among waiters, wrong-type writes that do
// not wake, keyspace events of a served pop, MULTI); plus served pops surviving SIGKILL and restart.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { RawClient } from "./support/raw-client.ts";
import { startBunker, startRedis, type ServerHandle } from "./support/servers.ts";

const text = (b: Uint8Array): string => Buffer.from(b).toString("latin1");
const words = (line: string): string[] => line.split(" ");
/** Time for a command sent on one connection to reach the server before another client acts. */
const settleMs = 80;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let redis: ServerHandle;
let bunker: ServerHandle;
const opened: RawClient[] = [];

beforeAll(async () => {
  [redis, bunker] = await Promise.all([startRedis(), startBunker({ args: ["--shards", "4"] })]);
}, 60_000);

afterAll(async () => {
  for (const c of opened) c.close();
  await Promise.all([redis?.stop(), bunker?.stop()]);
  await Promise.all([redis?.removeDir(), bunker?.removeDir()]);
});

async function client(port: number, proto: 2 | 3 = 2): Promise<RawClient> {
  const c = await RawClient.connect(port);
  opened.push(c);
  if (proto === 3) await c.send(["HELLO", "3"]);
  return c;
}

/** Sends a command without waiting; the promise is the reply as text. */
function start(c: RawClient, line: string): Promise<string> {
  return c.send(words(line)).then(text);
}

async function cmd(c: RawClient, line: string): Promise<string> {
  return text(await c.send(words(line)));
}

/** Runs `scenario` on both servers (on a flushed keyspace) and expects the same transcript. */
async function same(scenario: (port: number) => Promise<string[]>): Promise<string[]> {
  const results: string[][] = [];
  for (const s of [redis, bunker]) {
    const admin = await client(s.port);
    await cmd(admin, "FLUSHALL");
    admin.close();
    results.push(await scenario(s.port));
  }
  expect(results[1]).toEqual(results[0] as string[]);
  return results[1] as string[];
}

for (const proto of [2, 3] as const) {
  test(`waiters are served by another client's ZADD with Redis's shapes (RESP${proto})`, async () => {
    const out = await same(async (port) => {
      const min = await client(port, proto);
      const max = await client(port, proto);
      const mpop = await client(port, proto);
      const waitMin = start(min, "BZPOPMIN a z1 0");
      const waitMax = start(max, "BZPOPMAX b z2 0");
      const waitMpop = start(mpop, "BZMPOP 0 2 c z3 MAX COUNT 2");
      await sleep(settleMs);
      const w = await client(port);
      const added = [await cmd(w, "ZADD z1 1 x 2 y -0 n"), await cmd(w, "ZADD z2 1.5 x 2.5 y"), await cmd(w, "ZADD z3 1 p 2 q 3 r")];
      return [...added, await waitMin, await waitMax, await waitMpop, await cmd(w, "ZRANGE z1 0 -1 WITHSCORES"), await cmd(w, "ZRANGE z3 0 -1")];
    });
    if (proto === 3) expect(out[3]).toBe("*3\r\n$2\r\nz1\r\n$1\r\nn\r\n,0\r\n");
    else expect(out[4]).toBe("*3\r\n$2\r\nz2\r\n$1\r\ny\r\n$3\r\n2.5\r\n");
  });

  test(`timeouts reply with the null array (RESP${proto})`, async () => {
    await same(async (port) => {
      const a = await client(port, proto);
      return [await cmd(a, "BZPOPMIN k 0.05"), await cmd(a, "BZPOPMAX k1 k2 0.05"), await cmd(a, "BZMPOP 0.05 2 k1 k2 MIN COUNT 3"), await cmd(a, "PING")];
    });
  });
}

test("several waiters are served first come, first served, one member each", async () => {
  await same(async (port) => {
    const waiters = [await client(port), await client(port), await client(port)];
    const replies: Promise<string>[] = [];
    for (const [i, w] of waiters.entries()) {
      replies.push(start(w, i === 1 ? "BZMPOP 0 1 q MIN COUNT 5" : "BZPOPMIN q 0"));
      await sleep(settleMs / 2);
    }
    const b = await client(port);
    const added = await cmd(b, "ZADD q 1 a 2 b 3 c");
    const firstTwo = await Promise.all(replies.slice(0, 2));
    const exists = await cmd(b, "EXISTS q");
    const added2 = await cmd(b, "ZADD q 9 z 8 y");
    const third = await (replies[2] as Promise<string>);
    return [added, ...firstTwo, exists, added2, third, await cmd(b, "ZRANGE q 0 -1 WITHSCORES")];
  });
});

test("a waiter is not woken by other types, and is served by the sorted set that appears", async () => {
  await same(async (port) => {
    const a = await client(port);
    const waiting = start(a, "BZPOPMAX k1 k2 0");
    await sleep(settleMs);
    const b = await client(port);
    const writes = [await cmd(b, "SET k1 str"), await cmd(b, "SADD k2 m"), await cmd(b, "RPUSH k2 x")];
    await sleep(settleMs);
    writes.push(await cmd(b, "DEL k1 k2"), await cmd(b, "ZADD k2 5 five 6 six"));
    return [...writes, await waiting, await cmd(b, "ZRANGE k2 0 -1")];
  });
});

test("a disconnected waiter is forgotten; ZUNIONSTORE into a waited key serves the next", async () => {
  await same(async (port) => {
    const gone = await client(port);
    void start(gone, "BZPOPMIN d 0").catch(() => "closed");
    await sleep(settleMs);
    gone.close();
    await sleep(settleMs);
    const a = await client(port);
    const waiting = start(a, "BZPOPMAX d 0");
    await sleep(settleMs);
    const b = await client(port);
    const stored = [await cmd(b, "ZADD s1 1 a 2 b"), await cmd(b, "ZUNIONSTORE d 1 s1")];
    return [...stored, await waiting, await cmd(b, "ZRANGE d 0 -1")];
  });
});

test("MULTI: a blocking pop inside does not wait; pushes from EXEC serve a waiter", async () => {
  await same(async (port) => {
    const a = await client(port);
    const waiting = start(a, "BZPOPMIN k 0");
    await sleep(settleMs);
    const b = await client(port);
    const tx = [await cmd(b, "MULTI"), await cmd(b, "BZPOPMIN k 0"), await cmd(b, "ZADD k 1 a 2 b"), await cmd(b, "BZMPOP 0 1 none MIN"), await cmd(b, "ZPOPMAX k"), await cmd(b, "EXEC")];
    return [...tx, await waiting, await cmd(b, "EXISTS k")];
  });
});

test("a served pop notifies zpopmin and del to subscribers", async () => {
  await same(async (port) => {
    const admin = await client(port);
    await cmd(admin, "CONFIG SET notify-keyspace-events Egz");
    try {
      const sub = await client(port);
      await cmd(sub, "PSUBSCRIBE __keyevent@0__:*");
      const a = await client(port);
      const waiting = start(a, "BZPOPMIN k 0");
      await sleep(settleMs);
      const b = await client(port);
      const added = await cmd(b, "ZADD k 1 only");
      const served = await waiting;
      const events = [];
      for (let i = 0; i < 3; i++) events.push(text(await sub.readReply()));
      return [added, served, ...events];
    } finally {
      await admin.send(["CONFIG", "SET", "notify-keyspace-events", ""]);
    }
  });
});

test("served blocking pops (logged as ZPOPMIN/ZPOPMAX) survive SIGKILL and restart", async () => {
  const node = await startBunker({ args: ["--shards", "4"] });
  let restarted: ServerHandle | undefined;
  try {
    const a = await client(node.port);
    const m = await client(node.port);
    const popping = start(a, "BZPOPMAX k 0");
    const mpopping = start(m, "BZMPOP 0 2 {x}a {x}b MIN COUNT 2");
    await sleep(settleMs);
    const b = await client(node.port);
    expect(await cmd(b, "ZADD k 1 a 2 b 3 c")).toBe(":3\r\n");
    expect(await cmd(b, "ZADD {x}b 1 p 2 q 3 r")).toBe(":3\r\n");
    expect(await popping).toBe("*3\r\n$1\r\nk\r\n$1\r\nc\r\n$1\r\n3\r\n");
    expect(await mpopping).toBe("*2\r\n$4\r\n{x}b\r\n*2\r\n*2\r\n$1\r\np\r\n$1\r\n1\r\n*2\r\n$1\r\nq\r\n$1\r\n2\r\n");
    // The non-waiting paths are logged the same way.
    expect(await cmd(b, "BZPOPMIN k 0")).toBe("*3\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\n1\r\n");
    expect(await cmd(b, "ZADD {x}a 5 e")).toBe(":1\r\n");
    expect(await cmd(b, "BZMPOP 0 1 {x}a MAX COUNT 9")).toBe("*2\r\n$4\r\n{x}a\r\n*1\r\n*2\r\n$1\r\ne\r\n$1\r\n5\r\n");
    const reads = ["ZRANGE k 0 -1 WITHSCORES", "ZRANGE {x}b 0 -1 WITHSCORES", "EXISTS {x}a"];
    const before = await Promise.all(reads.map((r) => cmd(b, r)));
    await node.kill9();
    restarted = await startBunker({ dir: node.dir, args: ["--shards", "4"] });
    const c = await client(restarted.port);
    const after = [];
    for (const r of reads) after.push(await cmd(c, r));
    expect(after).toEqual(before);
    expect(after[0]).toBe("*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
  } finally {
    await node.kill9().catch(() => {});
    if (restarted) await restarted.stop();
    await node.removeDir();
  }
}, 60_000);
