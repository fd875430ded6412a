// Linearizable reads in a 3-node cluster of real processes: a read on a shard's leader is answered only
// after a ReadIndex round confirms the leadership (batched per pipeline), a leader cut off from its peers
// or already replaced never answers from its memory, and INFO replication agrees across the nodes.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { keySlot, shardOfSlot } from "../src/keyspace/slot.ts";
import { agreedLeaders, type ClusterMemberHandle, pause, plainClient, resume, startCluster, type TestCluster, until } from "./support/cluster.ts";
import type { ProxyMesh } from "./raft/proxy.ts";
import { RawClient } from "./support/raw-client.ts";
import { startBunker } from "./support/servers.ts";

const shards = 4;
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster(3, shards, { proxied: true });
});

afterAll(async () => {
  await cluster.stop();
});

/** A key whose slot falls in `shard`. */
function keyIn(shard: number, prefix: string): string {
  for (let i = 0; ; i++) {
    const key = `${prefix}:${i}`;
    if (shardOfSlot(keySlot(key), shards) === shard) return key;
  }
}

function nodeOnPort(port: number): ClusterMemberHandle {
  return cluster.nodes.find((n) => n.port === port) as ClusterMemberHandle;
}

/** INFO replication as field -> value, and each `bunker_shardN...` line's `a=b,c=d` as a map. */
async function replicationInfo(port: number): Promise<{ fields: Map<string, string>; lines: Map<string, Map<string, string>> }> {
  const r = plainClient(port);
  try {
    const text = await r.info("replication");
    const fields = new Map<string, string>();
    const lines = new Map<string, Map<string, string>>();
    for (const line of text.split("\r\n")) {
      const at = line.indexOf(":");
      if (line.startsWith("#") || at < 0) continue;
      const name = line.slice(0, at);
      const value = line.slice(at + 1);
      fields.set(name, value);
      if (name.startsWith("bunker_shard")) lines.set(name, new Map(value.split(",").map((kv) => kv.split("=") as [string, string])));
    }
    return { fields, lines };
  } finally {
    r.disconnect();
  }
}

async function readRounds(port: number, shard: number): Promise<number> {
  const { lines } = await replicationInfo(port);
  return Number(lines.get(`bunker_shard${shard}`)?.get("read_rounds"));
}

/** Sends GET on an already connected raw client and returns the reply as text. */
async function rawGet(c: RawClient, key: string): Promise<string> {
  return Buffer.from(await c.send(["GET", key])).toString("latin1");
}

test("INFO replication: role, term, leader, commit and applied per shard agree across the nodes", async () => {
  const leaders = await agreedLeaders(cluster.nodes);
  const c = plainClient(leaders[0] as number);
  try {
    await c.set(keyIn(0, "info"), "x");
  } finally {
    c.disconnect();
  }
  await until("every node to have applied the same commit index on every shard", async () => {
    const infos = await Promise.all(cluster.nodes.map((n) => replicationInfo(n.port)));
    for (let s = 0; s < shards; s++) {
      const views = infos.map((i) => i.lines.get(`bunker_shard${s}`));
      if (views.some((v) => v === undefined || v.get("commit_index") !== v.get("applied_index"))) return null;
      if (new Set(views.map((v) => v?.get("commit_index"))).size !== 1) return null;
    }
    return true;
  });
  const infos = await Promise.all(cluster.nodes.map((n) => replicationInfo(n.port)));
  for (let s = 0; s < shards; s++) {
    const leaderPort = leaders[s] as number;
    const leader = nodeOnPort(leaderPort);
    const views = infos.map((i) => i.lines.get(`bunker_shard${s}`) as Map<string, string>);
    expect(new Set(views.map((v) => v.get("term"))).size).toBe(1);
    expect(views.map((v) => v.get("leader_id"))).toEqual(cluster.nodes.map(() => String(leader.id)));
    cluster.nodes.forEach((n, i) => {
      const own = views[i] as Map<string, string>;
      expect(own.get("role")).toBe(n === leader ? "leader" : "follower");
      const followerLines = [...(infos[i] as { lines: Map<string, Map<string, string>> }).lines.keys()].filter((k) => k.startsWith(`bunker_shard${s}_follower`));
      if (n === leader) {
        // The leader tracks each follower: everything committed is matched, so the lag is what is not.
        expect(followerLines.sort()).toEqual(cluster.nodes.filter((m) => m !== leader).map((m) => `bunker_shard${s}_follower${m.id}`).sort());
        for (const name of followerLines) {
          const pr = (infos[i] as { lines: Map<string, Map<string, string>> }).lines.get(name) as Map<string, string>;
          expect(Number(pr.get("match_index"))).toBe(Number(own.get("commit_index")));
          expect(Number(pr.get("lag"))).toBe(Number(own.get("last_index")) - Number(pr.get("match_index")));
        }
      } else expect(followerLines).toEqual([]);
    });
  }
  cluster.nodes.forEach((n, i) => {
    const fields = (infos[i] as { fields: Map<string, string> }).fields;
    const leads = leaders.filter((p) => p === n.port).length;
    expect(fields.get("role")).toBe(leads > 0 ? "master" : "slave");
    expect(fields.get("bunker_shards_led")).toBe(String(leads));
    expect(fields.get("bunker_node_id")).toBe(String(n.id));
    if (leads === 0) expect(fields.get("master_link_status")).toBe("up");
  });
  // ROLE maps leadership the same way: a node leading a shard is a master with the others as replicas.
  for (const n of cluster.nodes) {
    const leads = leaders.filter((p) => p === n.port).length;
    const r = plainClient(n.port);
    try {
      const role = (await r.call("ROLE")) as unknown[];
      expect(role[0]).toBe(leads > 0 ? "master" : "slave");
      if (leads > 0) expect((role[2] as unknown[]).length).toBe(cluster.nodes.length - 1);
      else expect(role[3]).toBe("connected"); // slave, host, port, state, offset
    } finally {
      r.disconnect();
    }
  }
}, 60_000);

test("standalone INFO replication keeps its Redis fields and nothing else", async () => {
  const s = await startBunker();
  const r = plainClient(s.port);
  try {
    const text = await r.info("replication");
    expect(text.replace(/master_replid:\w+/, "master_replid:ID")).toBe(
      "# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmaster_failover_state:no-failover\r\nmaster_replid:ID\r\nmaster_repl_offset:0\r\n",
    );
  } finally {
    r.disconnect();
    await s.stop();
    await s.removeDir();
  }
}, 30_000);

test("reads on a leader go through ReadIndex, one round for a pipeline of reads", async () => {
  const leaders = await agreedLeaders(cluster.nodes);
  const leaderPort = leaders[1] as number;
  const key = keyIn(1, "pipelined");
  const c = await RawClient.connect(leaderPort);
  try {
    expect(Buffer.from(await c.send(["SET", key, "v"])).toString()).toBe("+OK\r\n");
    const before = await readRounds(leaderPort, 1);
    const readCount = 200;
    const replies = await c.sendMany(Array.from({ length: readCount }, () => ["GET", key]));
    expect(replies.map((b) => Buffer.from(b).toString())).toEqual(Array.from({ length: readCount }, () => "$1\r\nv\r\n"));
    const rounds = (await readRounds(leaderPort, 1)) - before;
    // At least one round confirmed the reads; batching makes it far fewer than one per read.
    expect(rounds).toBeGreaterThanOrEqual(1);
    expect(rounds).toBeLessThan(readCount / 4);
    // Held reads, writes and no-op writes (held like reads: no entry confirms them) keep their order.
    const counter = keyIn(1, "counter");
    const mixed = await c.sendMany([["SET", key, "w"], ["GET", key], ["INCR", counter], ["GET", counter], ["SETNX", key, "x"], ["GET", key], ["DEL", counter], ["EXISTS", counter]]);
    expect(mixed.map((b) => Buffer.from(b).toString())).toEqual(["+OK\r\n", "$1\r\nw\r\n", ":1\r\n", "$1\r\n1\r\n", ":0\r\n", "$1\r\nw\r\n", ":1\r\n", ":0\r\n"]);
    // A READONLY connection reads the node's state directly: no round.
    const quiet = await readRounds(leaderPort, 1);
    expect(Buffer.from(await c.send(["READONLY"])).toString()).toBe("+OK\r\n");
    expect(await rawGet(c, key)).toBe("$1\r\nw\r\n");
    expect(await readRounds(leaderPort, 1)).toBe(quiet);
  } finally {
    c.close();
  }
}, 60_000);

test("a leader cut off from its peers does not answer a read from its memory", async () => {
  const leaders = await agreedLeaders(cluster.nodes);
  const leaderPort = leaders[2] as number;
  const leader = nodeOnPort(leaderPort);
  const others = cluster.nodes.filter((n) => n !== leader);
  const key = keyIn(2, "isolated");
  const c = await RawClient.connect(leaderPort, { replyTimeoutMs: 30_000 });
  try {
    expect(Buffer.from(await c.send(["SET", key, "before"])).toString()).toBe("+OK\r\n");
    for (const n of others) pause(n);
    // No quorum can confirm the round: the read is held until check-quorum deposes the leader, then fails.
    const reply = await rawGet(c, key);
    expect(reply).not.toBe("$6\r\nbefore\r\n");
    expect(reply).toMatch(/^-(TRYAGAIN|CLUSTERDOWN|MOVED) /);
  } finally {
    for (const n of others) resume(n);
    c.close();
  }
  await agreedLeaders(cluster.nodes);
}, 60_000);

test("a leader replaced while it was frozen does not return a value the new leader has overwritten", async () => {
  const mesh = cluster.mesh as ProxyMesh;
  const leaders = await agreedLeaders(cluster.nodes);
  const shard = 3;
  const oldPort = leaders[shard] as number;
  const oldLeader = nodeOnPort(oldPort);
  const survivors = cluster.nodes.filter((n) => n !== oldLeader);
  const key = keyIn(shard, "replaced");
  const c = await RawClient.connect(oldPort, { replyTimeoutMs: 30_000 });
  try {
    expect(Buffer.from(await c.send(["SET", key, "old"])).toString()).toBe("+OK\r\n");
    // Frozen (its timers stop, so check-quorum cannot depose it), then cut off from its peers.
    pause(oldLeader);
    mesh.isolate(oldLeader.id);
    const newPort = await until("a new leader for the shard", async () => (await agreedLeaders(survivors, oldPort))[shard] ?? null);
    const w = plainClient(newPort);
    try {
      await w.set(key, "new");
    } finally {
      w.disconnect();
    }
    // "new" is acknowledged. The old leader wakes up still believing it leads, hears nothing from its
    // peers, and holds "old" in memory: a read that starts now must not return it.
    resume(oldLeader);
    const reply = await rawGet(c, key);
    expect(reply).not.toBe("$3\r\nold\r\n");
    expect(reply).toMatch(/^-(TRYAGAIN|CLUSTERDOWN|MOVED) /);
  } finally {
    resume(oldLeader);
    mesh.heal();
    c.close();
  }
  await agreedLeaders(cluster.nodes);
}, 60_000);
