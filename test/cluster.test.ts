// A 3-node cluster of real Bunker processes on loopback: every shard elects a leader, ioredis in Cluster
// mode writes through MOVED redirects and every node holds the writes, and SIGKILLing the leader of some
// shards under concurrent writes loses no acknowledged write once the node is back.
import { afterAll, beforeAll, expect, test } from "bun:test";
import Redis, { Cluster } from "ioredis";
import { keySlot, shardOfSlot } from "../src/keyspace/slot.ts";
import { freePort, startBunker, type ServerHandle } from "./support/servers.ts";

const nodeCount = 3;
const shards = 4;
const secret = "cluster-test-secret-0123456789";
/** How long the cluster may take to elect every shard's leader, and followers to catch up. */
const settleTimeoutMs = 15_000;

interface Node {
  readonly id: number;
  readonly port: number;
  readonly clusterPort: number;
  handle: ServerHandle;
}

const nodes: Node[] = [];
let peers = "";

function start(id: number, port: number, clusterPort: number, dir?: string): Promise<ServerHandle> {
  return startBunker({
    port,
    ...(dir !== undefined ? { dir } : {}),
    args: ["--shards", String(shards), "--node-id", String(id), "--cluster-peers", peers, "--cluster-secret", secret],
  });
}

beforeAll(async () => {
  const ports: [number, number][] = [];
  for (let i = 0; i < nodeCount; i++) ports.push([await freePort(), await freePort()]);
  peers = ports.map(([p, c], i) => `${i + 1}=127.0.0.1:${p}@${c}`).join(",");
  const handles = await Promise.all(ports.map(([p, c], i) => start(i + 1, p, c)));
  handles.forEach((handle, i) => nodes.push({ id: i + 1, port: (ports[i] as [number, number])[0], clusterPort: (ports[i] as [number, number])[1], handle }));
});

afterAll(async () => {
  for (const n of nodes) {
    await n.handle.kill9();
    await n.handle.removeDir();
  }
});

function plain(port: number): Redis {
  return new Redis({ port, host: "127.0.0.1", lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: true });
}

function clusterClient(): Cluster {
  return new Cluster(
    nodes.map((n) => ({ host: "127.0.0.1", port: n.port })),
    { maxRedirections: 200, retryDelayOnFailover: 100, retryDelayOnClusterDown: 100, retryDelayOnTryAgain: 100, redisOptions: { maxRetriesPerRequest: 2 } },
  );
}

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = settleTimeoutMs): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await probe();
      if (v !== null) return v;
    } catch (e: unknown) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await Bun.sleep(50);
  }
}

/** Leader port per shard as each given node reports it, once all of them agree and every shard has one. */
async function agreedLeaders(among: readonly Node[], excluding = 0): Promise<number[]> {
  return until("every shard to have one agreed leader", async () => {
    let agreed: number[] | null = null;
    for (const n of among) {
      const r = plain(n.port);
      try {
        const slots = (await r.call("CLUSTER", "SLOTS")) as [number, number, [string, number, string]][];
        const info = (await r.call("CLUSTER", "INFO")) as string;
        if (!info.includes("cluster_state:ok")) return null;
        const leaders = slots.map((s) => s[2][1]);
        if (leaders.includes(excluding)) return null;
        if (agreed !== null && agreed.join() !== leaders.join()) return null;
        agreed = leaders;
      } finally {
        r.disconnect();
      }
    }
    return agreed;
  });
}

/** Waits until `node` serves every key with its value from its own state (READONLY: local reads). */
async function expectAllOn(node: Node, expected: ReadonlyMap<string, string>): Promise<void> {
  const r = plain(node.port);
  try {
    await r.call("READONLY");
    await until(`node ${node.id} to hold ${expected.size} keys`, async () => {
      const keys = [...expected.keys()];
      const pipeline = r.pipeline();
      for (const k of keys) pipeline.get(k);
      const results = (await pipeline.exec()) ?? [];
      const missing = keys.filter((k, i) => results[i]?.[1] !== expected.get(k));
      return missing.length === 0 ? true : null;
    });
  } finally {
    r.disconnect();
  }
}

test("CLUSTER commands answer as a cluster; every shard elects a leader", async () => {
  const leaders = await agreedLeaders(nodes);
  expect(leaders.length).toBe(shards);
  const r = plain((nodes[0] as Node).port);
  try {
    expect(await r.call("CLUSTER", "MYID")).toBe("1".padStart(40, "0"));
    expect(await r.call("READONLY")).toBe("OK");
    const shardsReply = (await r.call("CLUSTER", "SHARDS")) as unknown[];
    expect(shardsReply.length).toBe(shards);
    const nodesText = (await r.call("CLUSTER", "NODES")) as string;
    expect(nodesText.split("\n").filter((l) => l.length > 0).length).toBe(nodeCount);
    expect(nodesText).toContain("myself,master");
    expect((await r.info("cluster")).includes("cluster_enabled:1")).toBe(true);
  } finally {
    r.disconnect();
  }
}, 30_000);

test("with cluster-forward no, a write to a follower is answered MOVED to the shard's leader", async () => {
  const leaders = await agreedLeaders(nodes);
  const slot = keySlot("foo");
  const leaderPort = leaders[shardOfSlot(slot, shards)] as number;
  const follower = nodes.find((n) => n.port !== leaderPort) as Node;
  const r = plain(follower.port);
  try {
    // Forwarding (the default) is covered by test/cluster-forward.test.ts.
    await r.call("CONFIG", "SET", "cluster-forward", "no");
    await expect(r.set("foo", "bar")).rejects.toThrow(`MOVED ${slot} 127.0.0.1:${leaderPort}`);
    await expect(r.call("MSET", "a", "1", "b", "2")).rejects.toThrow("CROSSSLOT");
  } finally {
    await r.call("CONFIG", "SET", "cluster-forward", "yes");
    r.disconnect();
  }
}, 30_000);

test("writes through ioredis Cluster land on every node", async () => {
  const c = clusterClient();
  const expected = new Map<string, string>();
  try {
    for (let i = 0; i < 200; i++) {
      await c.set(`key:${i}`, `value:${i}`);
      expected.set(`key:${i}`, `value:${i}`);
    }
    await c.incr("{counter}");
    await c.incr("{counter}");
    expected.set("{counter}", "2");
    expect(await c.get("key:17")).toBe("value:17");
  } finally {
    c.disconnect();
  }
  for (const n of nodes) await expectAllOn(n, expected);
}, 60_000);

test("SIGKILL of a leader under concurrent writes: new leaders, writes carry on, nothing acknowledged is lost", async () => {
  const leaders = await agreedLeaders(nodes);
  // The node leading the most shards (at least one) is the victim.
  const counts = nodes.map((n) => leaders.filter((p) => p === n.port).length);
  const victim = nodes[counts.indexOf(Math.max(...counts))] as Node;
  const acknowledged = new Map<string, string>();
  /** Acknowledgement times of writes to shards the victim led. */
  const victimShardAcks: number[] = [];
  let stop = false;
  const writerCount = 4;
  const clients = Array.from({ length: writerCount }, () => clusterClient());
  const writers = clients.map(async (c, w) => {
    for (let i = 0; !stop; i++) {
      const key = `w${w}:${i}`;
      const value = `v${i}`;
      // An unanswered write is retried until acknowledged (SET is idempotent), or given up at the end.
      while (!stop) {
        try {
          await c.set(key, value);
          acknowledged.set(key, value);
          if (leaders[shardOfSlot(keySlot(key), shards)] === victim.port) victimShardAcks.push(Date.now());
          break;
        } catch {
          await Bun.sleep(50);
        }
      }
    }
  });
  await Bun.sleep(1500);
  const ackedBeforeKill = acknowledged.size;
  expect(ackedBeforeKill).toBeGreaterThan(20);
  const killedAt = Date.now();
  await victim.handle.kill9();
  const survivors = nodes.filter((n) => n !== victim);
  const newLeaders = await agreedLeaders(survivors, victim.port);
  const failoverMs = Date.now() - killedAt;
  expect(newLeaders.every((p) => p !== victim.port)).toBe(true);
  // Writes resume on the shards the victim led, within a few election timeouts of the new leaders.
  await until("writes to the victim's shards to resume", async () => (victimShardAcks.filter((t) => t > killedAt).length > 20 ? true : null), 5_000);
  // Restart the killed node on its own data directory; it rejoins and catches up.
  victim.handle = await start(victim.id, victim.port, victim.clusterPort, victim.handle.dir);
  await Bun.sleep(1000);
  stop = true;
  await Promise.all(writers);
  for (const c of clients) c.disconnect();
  console.log(`cluster kill test: ${ackedBeforeKill} writes before the kill, ${acknowledged.size} in all, leaders replaced in ${failoverMs} ms`);
  expect(failoverMs).toBeLessThan(10_000);
  for (const n of nodes) await expectAllOn(n, acknowledged);
}, 90_000);

test("standalone answers CLUSTER like a Redis with cluster support disabled", async () => {
  const s = await startBunker();
  const r = plain(s.port);
  try {
    await expect(r.call("CLUSTER", "INFO")).rejects.toThrow("ERR This instance has cluster support disabled");
    await expect(r.call("READONLY")).rejects.toThrow("ERR This instance has cluster support disabled");
  } finally {
    r.disconnect();
    await s.stop();
    await s.removeDir();
  }
}, 30_000);
