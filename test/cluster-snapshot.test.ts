// Raft snapshots in a 3-node cluster of real processes: after many writes every group log is compacted
// (its file stays small) and a restarted node comes back with all data from its snapshots plus the log
// after them; a node whose data directory was wiped while it was down catches up through InstallSnapshot
// and then holds every acknowledged write.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis, { Cluster } from "ioredis";
import { freePort, startBunker, type ServerHandle } from "./support/servers.ts";

const nodeCount = 3;
const shards = 4;
const secret = "cluster-snapshot-test-secret-0123";
/** Small, so a few MB of writes compact every group log many times. */
const compactLogBytes = 64 * 1024;
/** A snapshot of a shard here is about 1.3 MB: 5% of it is about compactLogBytes, so both rules take turns. */
const growthPercent = 5;
const settleTimeoutMs = 30_000;
const valueText = "v".repeat(200);

interface Node {
  readonly id: number;
  readonly port: number;
  readonly clusterPort: number;
  readonly dir: string;
  handle: ServerHandle;
}

const nodes: Node[] = [];
let peers = "";
/** Every write acknowledged so far, over all tests. */
const acknowledged = new Map<string, string>();

function start(n: { id: number; port: number; dir: string }): Promise<ServerHandle> {
  return startBunker({
    port: n.port,
    dir: n.dir,
    args: ["--shards", String(shards), "--node-id", String(n.id), "--cluster-peers", peers, "--cluster-secret", secret, "--raft-log-compact-bytes", String(compactLogBytes), "--auto-aof-rewrite-percentage", String(growthPercent)],
  });
}

beforeAll(async () => {
  const specs: { id: number; port: number; clusterPort: number; dir: string }[] = [];
  for (let i = 0; i < nodeCount; i++) specs.push({ id: i + 1, port: await freePort(), clusterPort: await freePort(), dir: await mkdtemp(join(tmpdir(), "bunker-snap-")) });
  peers = specs.map((s) => `${s.id}=127.0.0.1:${s.port}@${s.clusterPort}`).join(",");
  const handles = await Promise.all(specs.map((s) => start(s)));
  specs.forEach((s, i) => nodes.push({ ...s, handle: handles[i] as ServerHandle }));
});

afterAll(async () => {
  for (const n of nodes) {
    await n.handle.kill9();
    await rm(n.dir, { recursive: true, force: true });
  }
});

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
    await Bun.sleep(100);
  }
}

/** Writes `count` keys with the prefix through the cluster, in concurrent batches; records the acknowledged. */
async function writeMany(prefix: string, count: number): Promise<void> {
  const c = clusterClient();
  try {
    const batch = 500;
    for (let at = 0; at < count; at += batch) {
      await Promise.all(
        Array.from({ length: Math.min(batch, count - at) }, async (_, i) => {
          const key = `${prefix}:${at + i}`;
          const value = `${at + i}:${valueText}`;
          // Retried until acknowledged (SET is idempotent): a leader change may fail one attempt.
          for (let attempt = 0; ; attempt++) {
            try {
              await c.set(key, value);
              acknowledged.set(key, value);
              return;
            } catch (e: unknown) {
              if (attempt > 50) throw e;
              await Bun.sleep(100);
            }
          }
        }),
      );
    }
  } finally {
    c.disconnect();
  }
}

/** Waits until `node` serves every acknowledged key from its own state (READONLY: local reads). */
async function expectAllOn(node: Node): Promise<void> {
  const r = new Redis({ port: node.port, host: "127.0.0.1", maxRetriesPerRequest: 1 });
  r.on("error", () => {}); // reported by the wait below, with the server's output
  try {
    await r.call("READONLY");
    const keys = [...acknowledged.keys()];
    await until(`node ${node.id} to hold ${keys.length} keys`, async () => {
      for (let at = 0; at < keys.length; at += 5000) {
        const part = keys.slice(at, at + 5000);
        const pipeline = r.pipeline();
        for (const k of part) pipeline.get(k);
        const results = (await pipeline.exec()) ?? [];
        if (part.some((k, i) => results[i]?.[1] !== acknowledged.get(k))) return null;
      }
      return true;
    }, 60_000);
  } catch (e: unknown) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\nnode ${node.id} output:\n${node.handle.output()}`);
  } finally {
    r.disconnect();
  }
}

async function groupLogBytes(node: Node): Promise<number[]> {
  const out: number[] = [];
  for (let s = 0; s < shards; s++) out.push((await stat(join(node.dir, "raft", `group-${String(s).padStart(3, "0")}.log`))).size);
  return out;
}

async function snapshotFiles(node: Node, shard: number): Promise<string[]> {
  return (await readdir(join(node.dir, `shard-${String(shard).padStart(3, "0")}`))).filter((f) => f.endsWith(".snap"));
}

/** Waits until every node reports every shard served (a leader elected and known). */
async function clusterUp(): Promise<void> {
  for (const n of nodes) {
    const r = new Redis({ port: n.port, host: "127.0.0.1", maxRetriesPerRequest: 1 });
    r.on("error", () => {});
    try {
      await until(`node ${n.id} to see every shard served`, async () => (((await r.call("CLUSTER", "INFO")) as string).includes("cluster_state:ok") ? true : null));
    } finally {
      r.disconnect();
    }
  }
}

test("after many writes every group log is compacted, and a restarted node comes back with all data", async () => {
  await clusterUp();
  const count = 30_000;
  await writeMany("a", count);
  // Bytes of entries each group's log received (about count/shards entries of > 200 bytes each).
  const writtenPerGroup = (count / shards) * valueText.length;
  for (const n of nodes) {
    await until(`node ${n.id}: snapshots in every shard and small group logs`, async () => {
      for (let s = 0; s < shards; s++) if ((await snapshotFiles(n, s)).length === 0) return null;
      const sizes = await groupLogBytes(n);
      // Bounded by the catch-up tail, what arrived while the last snapshot was written, and the trigger.
      return sizes.every((b) => b < 8 * compactLogBytes) ? true : null;
    });
    const sizes = await groupLogBytes(n);
    console.log(`node ${n.id}: group log files ${sizes.join(", ")} bytes after ~${writtenPerGroup} bytes of values per group`);
    for (const b of sizes) expect(b).toBeLessThan(writtenPerGroup / 2);
  }
  // Restart one node (a crash): it loads its snapshots, replays the log after them and has everything.
  const victim = nodes[1] as Node;
  await victim.handle.kill9();
  victim.handle = await start(victim);
  const r = new Redis({ port: victim.port, host: "127.0.0.1", maxRetriesPerRequest: 1 });
  try {
    const info = await r.info("persistence");
    const loadedKeys = Number(/bunker_recovery_snapshot_keys:(\d+)/.exec(info)?.[1] ?? "0");
    expect(loadedKeys).toBeGreaterThan(count / 2);
  } finally {
    r.disconnect();
  }
  for (const n of nodes) await expectAllOn(n);
}, 180_000);

test("a node whose data directory was wiped while down catches up by InstallSnapshot and holds every acknowledged write", async () => {
  const victim = nodes[2] as Node;
  await victim.handle.kill9();
  await rm(victim.dir, { recursive: true, force: true });
  // Writes go on while it is down (the survivors compact further), then while it rebuilds.
  await writeMany("b", 4_000);
  victim.handle = await start(victim);
  await writeMany("c", 4_000);
  await expectAllOn(victim);
  expect(victim.handle.output()).toContain("installed a snapshot");
  for (let s = 0; s < shards; s++) expect((await snapshotFiles(victim, s)).length).toBeGreaterThan(0);
  for (const n of nodes) await expectAllOn(n);
}, 180_000);
