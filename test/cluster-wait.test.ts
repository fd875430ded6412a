// WAIT in a cluster: on the shard's leader, the members whose log holds every write made there; with
// a follower stopped (SIGSTOP) only the one still replicating counts, and a WAIT for both times out.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { agreedLeaders, pause, plainClient, resume, startCluster, until, type TestCluster } from "./support/cluster.ts";

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startCluster(3, 1);
});
afterAll(async () => {
  await cluster?.stop();
});

test("WAIT counts the followers that have every write, and waits for them", async () => {
  const [leaderPort] = await agreedLeaders(cluster.nodes);
  const leader = cluster.nodes.find((n) => n.port === leaderPort) as (typeof cluster.nodes)[number];
  const followers = cluster.nodes.filter((n) => n !== leader);
  const c = plainClient(leader.port);
  try {
    await c.set("w", "1");
    // Both followers catch up within the timeout.
    expect(await c.call("WAIT", "2", "5000")).toBe(2);
    // One follower stopped: the next write reaches only the other; asking for both times out with 1.
    pause(followers[0] as (typeof followers)[number]);
    await c.set("w", "2");
    await until("the running follower to have the write", async () => ((await c.call("WAIT", "1", "100")) === 1 ? true : null));
    expect(await c.call("WAIT", "2", "300")).toBe(1);
    resume(followers[0] as (typeof followers)[number]);
    expect(await c.call("WAIT", "2", "10000")).toBe(2);
  } finally {
    c.disconnect();
  }
  // A node leading no shard sees no replication of its own.
  const f = plainClient((followers[1] as (typeof followers)[number]).port);
  try {
    expect(await f.call("WAIT", "0", "0")).toBe(0);
    expect(await f.call("WAIT", "1", "50")).toBe(0);
  } finally {
    f.disconnect();
  }
});
