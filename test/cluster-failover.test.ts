// CLUSTER FAILOVER: a node asks to lead every shard it does not lead (a Raft leadership transfer per
// shard). The transfer completes asynchronously: the leaders move, every acknowledged write is still
// there, and writes go on through the new leaders. Preconditions and option errors follow Redis.
import { afterAll, expect, test } from "bun:test";
import { agreedLeaders, plainClient, startCluster, type TestCluster, until } from "./support/cluster.ts";

let cluster: TestCluster | null = null;

afterAll(async () => {
  await cluster?.stop();
});

test("CLUSTER FAILOVER moves every shard's leadership to the node that asks, without losing writes", async () => {
  cluster = await startCluster(3, 4);
  const c = cluster;
  const leaders = await agreedLeaders(c.nodes);
  // The node leading the fewest shards asks for all of them.
  const target = c.nodes.map((n) => ({ n, led: leaders.filter((p) => p === n.port).length })).sort((a, b) => a.led - b.led)[0]?.n;
  if (target === undefined) throw new Error("no nodes");
  const r = plainClient(target.port);
  try {
    // Writes through forwarding, before the failover.
    for (let i = 0; i < 200; i++) expect(await r.set(`fo:${i}`, `before-${i}`)).toBe("OK");
    expect(await r.call("CLUSTER", "FAILOVER", "SOMETIMES").catch((e: Error) => e.message)).toBe("ERR syntax error");
    expect(await r.call("CLUSTER", "FAILOVER", "FORCE", "NOW").catch((e: Error) => e.message)).toBe("ERR Unknown subcommand or wrong number of arguments for 'FAILOVER'. Try CLUSTER HELP.");
    expect(await r.call("CLUSTER", "FAILOVER")).toBe("OK");
    const after = await until("every shard to be led by the node that asked", async () => {
      const now = await agreedLeaders(c.nodes);
      return now.every((p) => p === target.port) ? now : null;
    });
    expect(after).toEqual(Array.from({ length: 4 }, () => target.port));
    // It leads everything now: Redis's answer to a master.
    expect(await r.call("CLUSTER", "FAILOVER").catch((e: Error) => e.message)).toBe("ERR You should send CLUSTER FAILOVER to a replica");
    for (let i = 0; i < 200; i++) expect(await r.get(`fo:${i}`)).toBe(`before-${i}`);
    for (let i = 0; i < 200; i++) expect(await r.set(`fo:${i}`, `after-${i}`)).toBe("OK");
    for (let i = 0; i < 200; i++) expect(await r.get(`fo:${i}`)).toBe(`after-${i}`);
  } finally {
    r.disconnect();
  }
}, 120_000);
