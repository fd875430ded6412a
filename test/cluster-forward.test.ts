// Forwarding in a 3-node cluster of real processes: a plain client connected to a node that does not
// lead a key's shard gets the leader's reply, in order with its other replies (pipelines, RESP3, SELECT,
// MULTI/EXEC, a blocking pop), MOVED with cluster-forward no, and a plain client and ioredis Cluster both
// keep a read/write workload going through a leader failover without losing an acknowledged write.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Cluster } from "ioredis";
import { keySlot, shardOfSlot } from "../src/keyspace/slot.ts";
import { agreedLeaders, expectAllOn, plainClient, startCluster, until, type ClusterMemberHandle, type TestCluster } from "./support/cluster.ts";
import { RawClient } from "./support/raw-client.ts";

const shards = 4;
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster(3, shards);
});

afterAll(async () => {
  await cluster.stop();
});

function shardOf(key: string): number {
  return shardOfSlot(keySlot(key), shards);
}

/** The node leading the fewest shards (it must forward the most), and the leader port per shard. */
async function mostlyFollower(): Promise<{ node: ClusterMemberHandle; leaders: number[] }> {
  const leaders = await agreedLeaders(cluster.nodes);
  const counts = cluster.nodes.map((n) => leaders.filter((p) => p === n.port).length);
  return { node: cluster.nodes[counts.indexOf(Math.min(...counts))] as ClusterMemberHandle, leaders };
}

/** A key (with the given prefix) on a shard that `port` does not lead. */
function remoteKey(prefix: string, leaders: readonly number[], port: number): string {
  for (let i = 0; ; i++) {
    const key = `${prefix}${i}`;
    if (leaders[shardOf(key)] !== port) return key;
  }
}

/** A key (with the given prefix) on a shard that `port` leads. */
function keyLedBy(prefix: string, leaders: readonly number[], port: number): string {
  for (let i = 0; ; i++) {
    const key = `${prefix}${i}`;
    if (leaders[shardOf(key)] === port) return key;
  }
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

test("a plain client on a follower: SET/GET/INCR/DEL and pipelines across every shard, replies in order", async () => {
  const { node, leaders } = await mostlyFollower();
  const keys = Array.from({ length: 200 }, (_, i) => `plain:${i}`);
  // Keys of every shard, most of them led elsewhere.
  expect(new Set(keys.map(shardOf)).size).toBe(shards);
  expect(keys.filter((k) => leaders[shardOf(k)] !== node.port).length).toBeGreaterThan(keys.length / 2);
  const r = plainClient(node.port);
  try {
    for (const k of keys.slice(0, 50)) {
      expect(await r.set(k, `v-${k}`)).toBe("OK");
      expect(await r.get(k)).toBe(`v-${k}`);
      expect(await r.incr(`n-${k}`)).toBe(1);
      expect(await r.incrby(`n-${k}`, 4)).toBe(5);
      expect(await r.del(k)).toBe(1);
      expect(await r.get(k)).toBe(null);
    }
    // One pipeline mixing every shard: each reply must be the one of its own command.
    const p = r.pipeline();
    for (const k of keys) p.set(k, `p-${k}`).get(k).incr(`c-${k}`).incr(`c-${k}`).exists(k).ping(k);
    const results = (await p.exec()) ?? [];
    const expected = keys.flatMap((k) => ["OK", `p-${k}`, 1, 2, 1, k]);
    expect(results.map(([err, v]) => (err ? String(err) : v))).toEqual(expected);
    // Then reads only, again pipelined, and DEL of all of them.
    const q = r.pipeline();
    for (const k of keys) q.get(k).del(k).del(`c-${k}`).get(`c-${k}`);
    const after = (await q.exec()) ?? [];
    expect(after.map(([err, v]) => (err ? String(err) : v))).toEqual(keys.flatMap((k) => [`p-${k}`, 1, 1, null]));
  } finally {
    r.disconnect();
  }
  // The upstream connections (named bunker-forward on the leaders) close with the client.
  await until("the forwarding connections to close", async () => {
    for (const n of cluster.nodes) {
      const probe = plainClient(n.port);
      try {
        const list = (await probe.call("CLIENT", "LIST")) as string;
        if (list.includes("name=bunker-forward")) return null;
      } finally {
        probe.disconnect();
      }
    }
    return true;
  });
}, 60_000);

test("RESP3 (HELLO 3) and SELECT are honoured through forwarding, reply bytes as the leader's own", async () => {
  const { node, leaders } = await mostlyFollower();
  const key = remoteKey("resp3:", leaders, node.port);
  const leaderPort = leaders[shardOf(key)] as number;
  const c = await RawClient.connect(node.port);
  const direct = await RawClient.connect(leaderPort);
  try {
    await c.send(["HELLO", "3"]);
    expect(text(await c.send(["SELECT", "5"]))).toBe("+OK\r\n");
    expect(text(await c.send(["HSET", key, "f", "v", "g", "w"]))).toBe(":2\r\n");
    const viaFollower = await c.send(["HGETALL", key]);
    expect(text(viaFollower)).toBe("%2\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$1\r\nw\r\n");
    await direct.send(["HELLO", "3"]);
    await direct.send(["SELECT", "5"]);
    expect(text(await direct.send(["HGETALL", key]))).toBe(text(viaFollower));
    expect(text(await c.send(["ZADD", key + "z", "1.5", "m"]))).toBe(":1\r\n");
    expect(text(await c.send(["ZSCORE", key + "z", "m"]))).toBe(",1.5\r\n");
    // The database follows SELECT: the hash is in db 5 only.
    expect(text(await c.send(["SELECT", "0"]))).toBe("+OK\r\n");
    expect(text(await c.send(["EXISTS", key]))).toBe(":0\r\n");
    expect(text(await c.send(["SELECT", "5"]))).toBe("+OK\r\n");
    expect(text(await c.send(["EXISTS", key]))).toBe(":1\r\n");
    // Back to RESP2: the map is an array again.
    await c.send(["HELLO", "2"]);
    expect(text(await c.send(["HGETALL", key]))).toBe("*4\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$1\r\nw\r\n");
  } finally {
    c.close();
    direct.close();
  }
}, 60_000);

test("CLIENT REPLY OFF and SKIP drop a forwarded command's reply, and only its own", async () => {
  const { node, leaders } = await mostlyFollower();
  const key = remoteKey("replyoff:", leaders, node.port);
  const c = await RawClient.connect(node.port);
  try {
    c.sendRaw("*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n");
    c.sendRaw(`*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$1\r\n1\r\n`);
    expect(text(await c.send(["CLIENT", "REPLY", "ON"]))).toBe("+OK\r\n");
    c.sendRaw("*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n");
    c.sendRaw(`*2\r\n$4\r\nINCR\r\n$${key.length}\r\n${key}\r\n`);
    expect(text(await c.send(["GET", key]))).toBe("$1\r\n2\r\n");
  } finally {
    c.close();
  }
}, 30_000);

test("MULTI/EXEC on one remote slot runs on its leader as a block; WATCH of a remote key is MOVED", async () => {
  const { node, leaders } = await mostlyFollower();
  const tag = remoteKey("tx", leaders, node.port);
  const r = plainClient(node.port);
  try {
    const res = await r.multi().set(`{${tag}}a`, "1").incr(`{${tag}}a`).get(`{${tag}}a`).exec();
    expect(res).toEqual([
      [null, "OK"],
      [null, 2],
      [null, "2"],
    ]);
    // A queued command with a wrong type fails at EXEC, on the leader, as in Redis.
    const mixed = await r.multi().lpush(`{${tag}}a`, "x").incr(`{${tag}}a`).exec();
    expect(String(mixed?.[0]?.[0])).toContain("WRONGTYPE");
    expect(mixed?.[1]).toEqual([null, 3]);
    await expect(r.watch(`{${tag}}a`)).rejects.toThrow("MOVED");
    // Keys of two slots in one transaction: EXEC is refused, as Redis Cluster does.
    const other = remoteKey("other", leaders, node.port);
    await expect(r.multi().set(`{${tag}}a`, "1").set(`{${other}}b`, "1").exec()).rejects.toThrow("CROSSSLOT");
  } finally {
    r.disconnect();
  }
}, 60_000);

test("a forwarded BLPOP holds back later commands, local or remote, and their replies until it is served", async () => {
  const { node, leaders } = await mostlyFollower();
  const listKey = remoteKey("queue:", leaders, node.port);
  const c = await RawClient.connect(node.port);
  const pusher = plainClient(node.port);
  try {
    const replies = c.sendMany([
      ["BLPOP", listKey, "10"],
      ["PING", "after"],
      ["SET", "blpop:other", "x"],
      ["GET", "blpop:other"],
    ]);
    await Bun.sleep(300);
    // Not only its reply: the SET behind the waiting BLPOP has not run either (whichever node leads it).
    expect(await pusher.exists("blpop:other")).toBe(0);
    expect(await pusher.rpush(listKey, "item")).toBe(1);
    const got = (await replies).map(text);
    expect(got).toEqual([`*2\r\n$${listKey.length}\r\n${listKey}\r\n$4\r\nitem\r\n`, "$5\r\nafter\r\n", "+OK\r\n", "$1\r\nx\r\n"]);
  } finally {
    c.close();
    pusher.disconnect();
  }
}, 60_000);

test("with cluster-forward no a follower answers MOVED, as Redis Cluster does", async () => {
  const { node, leaders } = await mostlyFollower();
  const key = remoteKey("moved:", leaders, node.port);
  const r = plainClient(node.port);
  try {
    expect(await r.call("CONFIG", "GET", "cluster-forward")).toEqual(["cluster-forward", "yes"]);
    await r.call("CONFIG", "SET", "cluster-forward", "no");
    await expect(r.set(key, "v")).rejects.toThrow(`MOVED ${keySlot(key)} 127.0.0.1:${leaders[shardOf(key)]}`);
    await r.call("CONFIG", "SET", "cluster-forward", "yes");
    expect(await r.set(key, "v")).toBe("OK");
  } finally {
    r.disconnect();
  }
}, 30_000);

test("with requirepass set on every member, the upstream authenticates and forwarding works", async () => {
  const { node, leaders } = await mostlyFollower();
  const key = remoteKey("auth:", leaders, node.port);
  const password = "forward-test-password";
  const admins = cluster.nodes.map((n) => plainClient(n.port));
  try {
    for (const a of admins) await a.call("CONFIG", "SET", "requirepass", password);
    const c = await RawClient.connect(node.port);
    try {
      expect(text(await c.send(["SET", key, "v"]))).toBe("-NOAUTH Authentication required.\r\n");
      expect(text(await c.send(["AUTH", password]))).toBe("+OK\r\n");
      expect(text(await c.send(["SET", key, "v"]))).toBe("+OK\r\n");
      expect(text(await c.send(["GET", key]))).toBe("$1\r\nv\r\n");
    } finally {
      c.close();
    }
  } finally {
    // The admin connections authenticated implicitly (they were open before the password was set).
    for (const a of admins) {
      await a.call("CONFIG", "SET", "requirepass", "");
      a.disconnect();
    }
  }
}, 30_000);

test("ioredis in Cluster mode and a plain ioredis client both run a read/write workload against the 3-node cluster through a leader failover", async () => {
  const leaders = await agreedLeaders(cluster.nodes);
  const counts = cluster.nodes.map((n) => leaders.filter((p) => p === n.port).length);
  const victim = cluster.nodes[counts.indexOf(Math.max(...counts))] as ClusterMemberHandle;
  const survivors = cluster.nodes.filter((n) => n !== victim);
  const acknowledged = new Map<string, string>();
  /** Per kind of client: acknowledgement times of writes to shards the victim led. */
  const victimShardAcks = { plain: [] as number[], cluster: [] as number[] };
  const wrongReads: string[] = [];
  let errors = 0;
  let stop = false;
  const makeCluster = (): Cluster =>
    new Cluster(
      cluster.nodes.map((n) => ({ host: "127.0.0.1", port: n.port })),
      { maxRedirections: 200, retryDelayOnFailover: 100, retryDelayOnClusterDown: 100, retryDelayOnTryAgain: 100, redisOptions: { maxRetriesPerRequest: 2 } },
    );
  // Plain clients connect to the survivors only (a client of the killed node would just lose its server).
  const workers = [
    { kind: "plain" as const, client: plainClient((survivors[0] as ClusterMemberHandle).port) },
    { kind: "plain" as const, client: plainClient((survivors[1] as ClusterMemberHandle).port) },
    { kind: "cluster" as const, client: makeCluster() },
    { kind: "cluster" as const, client: makeCluster() },
  ];
  const running = workers.map(async ({ kind, client }, w) => {
    for (let i = 0; !stop; i++) {
      const key = `${kind}${w}:${i}`;
      const value = `v${i}`;
      // A write without an answer (or with an error) is retried until acknowledged: SET is idempotent.
      while (!stop) {
        try {
          await client.set(key, value);
          acknowledged.set(key, value);
          if (leaders[shardOf(key)] === victim.port) victimShardAcks[kind].push(Date.now());
          // Read back an earlier acknowledged write of this worker.
          const earlier = `${kind}${w}:${Math.floor(i / 2)}`;
          const read = await client.get(earlier);
          if (read !== acknowledged.get(earlier)) wrongReads.push(`${earlier}=${String(read)}`);
          break;
        } catch {
          errors++;
          await Bun.sleep(50);
        }
      }
    }
  });
  // A BLPOP forwarded to the victim is waiting there when it dies: its client must get an error.
  const stranded = await RawClient.connect((survivors[0] as ClusterMemberHandle).port);
  const strandedKey = keyLedBy("stranded:", leaders, victim.port);
  const strandedReply = stranded.send(["BLPOP", strandedKey, "0"]);
  await Bun.sleep(1500);
  const ackedBeforeKill = acknowledged.size;
  expect(ackedBeforeKill).toBeGreaterThan(20);
  const killedAt = Date.now();
  await victim.handle.kill9();
  expect(text(await strandedReply)).toMatch(/^-ERR forwarding to the shard's leader 127\.0\.0\.1:\d+ failed \(.*\): the command may or may not have run\r\n$/);
  stranded.close();
  const newLeaders = await agreedLeaders(survivors, victim.port);
  expect(newLeaders.every((p) => p !== victim.port)).toBe(true);
  // Both kinds of client get writes through to the shards the victim led.
  await until("plain and Cluster writes to the victim's shards to resume", async () =>
    victimShardAcks.plain.filter((t) => t > killedAt).length > 20 && victimShardAcks.cluster.filter((t) => t > killedAt).length > 20 ? true : null,
  );
  await cluster.restart(victim);
  await Bun.sleep(1000);
  stop = true;
  await Promise.all(running);
  for (const { client } of workers) client.disconnect();
  console.log(`forward failover test: ${ackedBeforeKill} writes before the kill, ${acknowledged.size} in all, ${errors} errors retried`);
  expect(wrongReads).toEqual([]);
  for (const n of cluster.nodes) await expectAllOn(n, acknowledged);
}, 120_000);
