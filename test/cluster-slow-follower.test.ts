// A slow follower never stalls the leader's other followers (issue 5, "health under faults"): the
// proxy on the link from the leader to one follower stops reading, as a follower whose process or
// network stopped draining would. Writes must keep being acknowledged (committed by the leader and the
// other follower), the healthy follower must keep up (it holds every acknowledged write), and the slow
// one must catch up once its link drains again. A leader that waited on its slowest peer (a shared send
// queue, a blocking write) would stop acknowledging here, and the test would time out.
import { afterAll, expect, test } from "bun:test";
import { agreedLeaders, expectAllOn, plainClient, startCluster, type TestCluster, until } from "./support/cluster.ts";

let cluster: TestCluster | null = null;

afterAll(async () => {
  await cluster?.stop();
});

/** `bunker_shard0_follower<id>` of the leader's INFO replication: match index and lag in entries. */
async function followerProgress(port: number, follower: number): Promise<{ match: number; lag: number } | null> {
  const r = plainClient(port);
  try {
    const info = (await r.call("INFO", "replication")) as string;
    const m = new RegExp(`^bunker_shard0_follower${follower}:match_index=(\\d+),lag=(\\d+)`, "m").exec(info);
    return m === null ? null : { match: Number(m[1]), lag: Number(m[2]) };
  } finally {
    r.disconnect();
  }
}

test("a follower whose link stops draining does not stall writes or the other follower; it catches up after", async () => {
  cluster = await startCluster(3, 1, { proxied: true });
  const c = cluster;
  const mesh = c.mesh;
  if (mesh === null) throw new Error("no proxy mesh");
  const [leaderPort] = await agreedLeaders(c.nodes);
  const leader = c.nodes.find((n) => n.port === leaderPort);
  if (leader === undefined) throw new Error(`no node on leader port ${leaderPort}`);
  const [healthy, slow] = c.nodes.filter((n) => n !== leader) as [(typeof c.nodes)[0], (typeof c.nodes)[0]];

  // The leader's frames to `slow` are no longer read: its socket buffers fill, then its bounded send
  // queue for that peer drops the oldest frames.
  mesh.setFaults(leader.id, slow.id, { stalled: true });

  const expected = new Map<string, string>();
  const client = plainClient(leader.port);
  try {
    const value = "v".repeat(2048);
    for (let batch = 0; batch < 20; batch++) {
      const p = client.pipeline();
      for (let i = 0; i < 200; i++) {
        const key = `slow:${batch}:${i}`;
        expected.set(key, `${value}${batch}:${i}`);
        p.set(key, `${value}${batch}:${i}`);
      }
      const results = (await p.exec()) ?? [];
      expect(results.every(([err, reply]) => err === null && reply === "OK")).toBe(true);
    }
  } finally {
    client.disconnect();
  }
  // 4000 writes of 2 KB (8 MB) were acknowledged while `slow` received nothing new.
  const during = await until("the leader to report both followers", async () => {
    const h = await followerProgress(leader.port, healthy.id);
    const s = await followerProgress(leader.port, slow.id);
    return h !== null && s !== null && h.lag === 0 ? { h, s } : null;
  });
  expect(during.s.match).toBeLessThan(during.h.match);
  await expectAllOn(healthy, expected);

  // The link drains again: the slow follower catches up and holds every acknowledged write.
  mesh.setFaults(leader.id, slow.id, { stalled: false });
  await until("the slow follower to catch up", async () => {
    const s = await followerProgress(leader.port, slow.id);
    return s !== null && s.lag === 0 ? true : null;
  }, 60_000);
  await expectAllOn(slow, expected);
}, 120_000);
