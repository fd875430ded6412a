// A cluster of real Bunker processes on loopback for cross-module tests: start, wait for agreed leaders,
// pause and resume members (SIGSTOP/SIGCONT), restart a killed member, check a member holds writes, stop.
import Redis from "ioredis";
import type { PeerAddress } from "../../src/raft/transport/transport.ts";
import { ProxyMesh } from "../raft/proxy.ts";
import { freePort, startBunker, type ServerHandle } from "./servers.ts";

export const clusterSecret = "cluster-test-secret-0123456789";
/** How long a cluster may take to elect every shard's leader, and followers to catch up. */
export const settleTimeoutMs = 15_000;

export interface ClusterMemberHandle {
  readonly id: number;
  readonly port: number;
  readonly clusterPort: number;
  handle: ServerHandle;
}

export interface TestCluster {
  readonly nodes: ClusterMemberHandle[];
  readonly shards: number;
  /** The proxies between the nodes (null unless started with `proxied`). */
  readonly mesh: ProxyMesh | null;
  /** Starts a killed member again on its own data directory, same ports and peers. */
  restart(node: ClusterMemberHandle): Promise<void>;
  /** Stops every member (SIGCONT first, so a paused one can die) and deletes their directories. */
  stop(): Promise<void>;
}

/**
 * Starts `nodeCount` members. With `proxied`, every node-to-node link runs through a fault-injecting
 * proxy (test/raft/proxy.ts): each node is given a peers list that names the proxies for the peers it
 * dials (the lower id dials), so `mesh.isolate(id)` partitions a node while its connections stay open.
 * `dirOf` names a member's data directory (stop() leaves it; by default each gets a fresh one it deletes).
 * `argsOf` adds flags to a member's command line.
 */
export async function startCluster(
  nodeCount: number,
  shards: number,
  opts: { proxied?: boolean; dirOf?: (id: number) => string | undefined; argsOf?: (id: number) => string[] } = {},
): Promise<TestCluster> {
  const ports: [number, number][] = [];
  for (let i = 0; i < nodeCount; i++) ports.push([await freePort(), await freePort()]);
  const mesh = opts.proxied === true ? new ProxyMesh(new Map(ports.map(([, c], i) => [i + 1, { host: "127.0.0.1", port: c }]))) : null;
  const peersOf = (id: number): string =>
    ports
      .map(([p, c], i) => {
        const via = mesh !== null && i + 1 !== id ? (mesh.peersOf(id).get(i + 1) as PeerAddress).port : c;
        return `${i + 1}=127.0.0.1:${p}@${via}`;
      })
      .join(",");
  const start = (id: number, port: number, dir?: string): Promise<ServerHandle> =>
    startBunker({
      port,
      ...(dir !== undefined ? { dir } : {}),
      args: ["--shards", String(shards), "--node-id", String(id), "--cluster-peers", peersOf(id), "--cluster-secret", clusterSecret, ...(opts.argsOf?.(id) ?? [])],
    });
  const handles = await Promise.all(ports.map(([port], i) => start(i + 1, port, opts.dirOf?.(i + 1))));
  const nodes = handles.map((handle, i) => ({ id: i + 1, port: (ports[i] as [number, number])[0], clusterPort: (ports[i] as [number, number])[1], handle }));
  return {
    nodes,
    shards,
    mesh,
    async restart(node) {
      node.handle = await start(node.id, node.port, node.handle.dir);
    },
    async stop() {
      for (const n of nodes) {
        n.handle.proc.kill("SIGCONT");
        await n.handle.kill9();
        await n.handle.removeDir();
      }
      mesh?.stop();
    },
  };
}

export function pause(node: ClusterMemberHandle): void {
  node.handle.proc.kill("SIGSTOP");
}

export function resume(node: ClusterMemberHandle): void {
  node.handle.proc.kill("SIGCONT");
}

export function plainClient(port: number): Redis {
  return new Redis({ port, host: "127.0.0.1", lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: true });
}

/** Polls `probe` until it returns non-null (errors count as "not yet"). */
export async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = settleTimeoutMs): Promise<T> {
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

/** Leader port per shard, once every node in `among` reports the same leaders and none is `excluding`. */
export async function agreedLeaders(among: readonly ClusterMemberHandle[], excluding = 0): Promise<number[]> {
  return until("every shard to have one agreed leader", async () => {
    let agreed: number[] | null = null;
    for (const n of among) {
      const r = plainClient(n.port);
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
export async function expectAllOn(node: ClusterMemberHandle, expected: ReadonlyMap<string, string>): Promise<void> {
  const r = plainClient(node.port);
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
