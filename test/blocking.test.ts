// Blocking list commands between real clients: each scenario runs against redis-server 7.0 and Bunker
// and the replies each client sees must be byte-identical (waiter served by another client's push,
// timeouts in RESP2 and RESP3, FIFO among waiters, disconnect while blocked, BLMOVE chains, pipelines
// behind a blocked command, MULTI); plus a served pop surviving SIGKILL and restart.
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

test("a BLPOP waiter is served by another client's LPUSH", async () => {
  const out = await same(async (port) => {
    const a = await client(port);
    const b = await client(port);
    const waiting = start(a, "BLPOP k 0");
    await sleep(settleMs);
    const pushed = await cmd(b, "LPUSH k x y");
    const served = await waiting;
    const left = await cmd(b, "LRANGE k 0 -1");
    return [pushed, served, left];
  });
  expect(out[1]).toBe("*2\r\n$1\r\nk\r\n$1\r\ny\r\n");
});

for (const proto of [2, 3] as const) {
  test(`timeouts reply with Redis's null shapes (RESP${proto})`, async () => {
    await same(async (port) => {
      const a = await client(port, proto);
      return [
        await cmd(a, "BLPOP k 0.05"),
        await cmd(a, "BRPOP k1 k2 0.05"),
        await cmd(a, "BLMOVE src dst LEFT RIGHT 0.05"),
        await cmd(a, "BRPOPLPUSH src dst 0.05"),
        await cmd(a, "BLMPOP 0.05 2 k1 k2 LEFT COUNT 3"),
        await cmd(a, "PING"),
      ];
    });
  });
}

test("several waiters are served first come, first served", async () => {
  await same(async (port) => {
    const waiters = [await client(port), await client(port), await client(port)];
    const replies: Promise<string>[] = [];
    for (const w of waiters) {
      replies.push(start(w, "BLPOP q 0"));
      await sleep(settleMs / 2);
    }
    const b = await client(port);
    const pushed = await cmd(b, "RPUSH q 1 2");
    const first = await Promise.all(replies.slice(0, 2));
    const pushed2 = await cmd(b, "RPUSH q 3 4");
    const third = await (replies[2] as Promise<string>);
    return [pushed, ...first, pushed2, third, await cmd(b, "LRANGE q 0 -1")];
  });
});

test("a client that disconnects while blocked is forgotten", async () => {
  await same(async (port) => {
    const gone = await client(port);
    void start(gone, "BLPOP k 0").catch(() => "closed");
    await sleep(settleMs);
    gone.close();
    await sleep(settleMs);
    const a = await client(port);
    const waiting = start(a, "BRPOP k 0");
    await sleep(settleMs);
    const b = await client(port);
    const pushed = await cmd(b, "RPUSH k only");
    return [pushed, await waiting, await cmd(b, "EXISTS k")];
  });
});

test("BLMOVE serves a waiter, and its push serves a BLPOP waiting on the destination", async () => {
  await same(async (port) => {
    const mover = await client(port);
    const popper = await client(port);
    const moving = start(mover, "BLMOVE src dst RIGHT LEFT 0");
    await sleep(settleMs);
    const popping = start(popper, "BLPOP dst 0");
    await sleep(settleMs);
    const b = await client(port);
    const pushed = await cmd(b, "RPUSH src a b");
    return [pushed, await moving, await popping, await cmd(b, "LRANGE src 0 -1"), await cmd(b, "EXISTS dst")];
  });
});

test("a waiter on several keys is served from the key that was pushed; wrong-type writes do not wake it", async () => {
  await same(async (port) => {
    const a = await client(port);
    const waiting = start(a, "BLPOP k1 k2 k3 0");
    await sleep(settleMs);
    const b = await client(port);
    const set = await cmd(b, "SET k1 str");
    await sleep(settleMs);
    const del = await cmd(b, "DEL k1");
    const pushed = await cmd(b, "RPUSH k3 z");
    return [set, del, pushed, await waiting];
  });
});

test("pipelined commands behind a blocked command wait, and a writer's pipeline is served in Redis order", async () => {
  await same(async (port) => {
    const a = await client(port);
    const replies = a.sendMany([words("BLPOP k 0"), words("PING"), words("LLEN k")]).then((r) => r.map(text));
    await sleep(settleMs);
    const b = await client(port);
    // Redis serves the waiter right after LPUSH, before the writer's LPOP runs.
    const writer = (await b.sendMany([words("LPUSH k v"), words("LPOP k"), words("RPUSH k w")])).map(text);
    return [...writer, ...(await replies)];
  });
});

test("MULTI: pushes are served after EXEC; a blocking command inside MULTI does not wait", async () => {
  await same(async (port) => {
    const a = await client(port);
    const waiting = start(a, "BRPOP k 0");
    await sleep(settleMs);
    const b = await client(port);
    const tx = [await cmd(b, "MULTI"), await cmd(b, "RPUSH k 1 2 3"), await cmd(b, "LPOP k"), await cmd(b, "BLPOP nothing 0"), await cmd(b, "EXEC")];
    return [...tx, await waiting, await cmd(b, "LRANGE k 0 -1")];
  });
});

test("BLMPOP and BRPOPLPUSH waiters are served", async () => {
  await same(async (port) => {
    const a = await client(port, 3);
    const c = await client(port);
    const mpop = start(a, "BLMPOP 0 2 m1 m2 RIGHT COUNT 2");
    const rpl = start(c, "BRPOPLPUSH p1 p2 0");
    await sleep(settleMs);
    const b = await client(port);
    return [await cmd(b, "RPUSH m2 a b c"), await cmd(b, "RPUSH p1 x"), await mpop, await rpl, await cmd(b, "LRANGE m2 0 -1"), await cmd(b, "LRANGE p2 0 -1")];
  });
});

for (const proto of [2, 3] as const) {
  test(`CLIENT UNBLOCK answers a waiter's timeout reply or the UNBLOCKED error; argument errors (RESP${proto})`, async () => {
    await same(async (port) => {
      const a = await client(port, proto);
      const b = await client(port);
      const id = (await cmd(a, "CLIENT ID")).slice(1, -2);
      const out: string[] = [];
      for (const [blocking, reason] of [["BLPOP k 0", ""], ["BZPOPMIN z 0", " TIMEOUT"], ["BLMOVE s d LEFT LEFT 0", " ERROR"], ["BLMPOP 0 1 k LEFT", " timeout"]] as const) {
        const waiting = start(a, blocking);
        await sleep(settleMs);
        out.push(await cmd(b, `CLIENT UNBLOCK ${id}${reason}`), await waiting);
      }
      out.push(await cmd(b, `CLIENT UNBLOCK ${id}`), await cmd(a, "PING"));
      out.push(await cmd(b, "CLIENT UNBLOCK 99999"), await cmd(b, "CLIENT UNBLOCK x"), await cmd(b, "CLIENT UNBLOCK x foo"), await cmd(b, "CLIENT UNBLOCK 1 2 3"));
      return out;
    });
  });
}

test("a served pop (logged as its non-blocking form) survives SIGKILL and restart", async () => {
  const node = await startBunker({ args: ["--shards", "4"] });
  let restarted: ServerHandle | undefined;
  try {
    const a = await client(node.port);
    const m = await client(node.port);
    const popping = start(a, "BLPOP k 0");
    const moving = start(m, "BLMOVE {x}src {y}dst LEFT RIGHT 0");
    await sleep(settleMs);
    const b = await client(node.port);
    expect(await cmd(b, "RPUSH k 1 2 3")).toBe(":3\r\n");
    expect(await cmd(b, "RPUSH {x}src a b")).toBe(":2\r\n");
    expect(await popping).toBe("*2\r\n$1\r\nk\r\n$1\r\n1\r\n");
    expect(await moving).toBe("$1\r\na\r\n");
    const reads = ["LRANGE k 0 -1", "LRANGE {x}src 0 -1", "LRANGE {y}dst 0 -1"];
    const before = await Promise.all(reads.map((r) => cmd(b, r)));
    await node.kill9();
    restarted = await startBunker({ dir: node.dir, args: ["--shards", "4"] });
    const c = await client(restarted.port);
    const after = [];
    for (const r of reads) after.push(await cmd(c, r));
    expect(after).toEqual(before);
    expect(after[0]).toBe("*2\r\n$1\r\n2\r\n$1\r\n3\r\n");
  } finally {
    await node.kill9().catch(() => {});
    if (restarted) await restarted.stop();
    await node.removeDir();
  }
}, 60_000);
