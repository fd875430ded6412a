// Health under a disk failure (issue 5): a node whose Raft log cannot be written stops acknowledging
// writes and leaves its shards to the others. Node 1's data directory is a small tmpfs; node 1 is made
// the leader (CLUSTER FAILOVER) and writes are sent until its disk is full. Its log write fails
// (ENOSPC), the node stops (docs/ARCHITECTURE.md, "Cluster": after a failed write or fsync its log
// cannot be trusted), the two others elect a leader, writes resume through them, and every write that
// was acknowledged, before or after, is on both survivors. Needs mount(2) (root in a container that
// allows it, as this project's test machines do); without it the test is skipped with a message.
import { afterAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Redis from "ioredis";
import { agreedLeaders, expectAllOn, plainClient, startCluster, type TestCluster, until } from "./support/cluster.ts";

const mountPoint = mkdtempSync(join(tmpdir(), "bunker-small-disk-"));
const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=6m", "tmpfs", mountPoint]).status === 0;
if (!mounted) console.warn(`cluster-disk-full: skipped, cannot mount a tmpfs at ${mountPoint} (needs root and mount permission)`);

let cluster: TestCluster | null = null;

afterAll(async () => {
  await cluster?.stop();
  if (mounted) spawnSync("umount", [mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

/** SET with retries on errors (the leader died, an election is running); true once acknowledged. */
async function setAcked(r: Redis, key: string, value: string, deadline: number): Promise<boolean> {
  for (;;) {
    try {
      return (await r.set(key, value)) === "OK";
    } catch {
      if (Date.now() > deadline) return false;
      await Bun.sleep(50);
    }
  }
}

test.skipIf(!mounted)("a leader whose disk fills up stops; the others take over and keep every acknowledged write", async () => {
  cluster = await startCluster(3, 1, { dirOf: (id) => (id === 1 ? join(mountPoint, "node1") : undefined) });
  const c = cluster;
  const [n1, n2, n3] = c.nodes as [(typeof c.nodes)[0], (typeof c.nodes)[0], (typeof c.nodes)[0]];
  await agreedLeaders(c.nodes);
  const admin = plainClient(n1.port);
  try {
    await until("node 1 to lead the shard", async () => {
      const leaders = await agreedLeaders(c.nodes);
      if (leaders[0] === n1.port) return true;
      await admin.call("CLUSTER", "FAILOVER").catch(() => {});
      return null;
    });
  } finally {
    admin.disconnect();
  }

  // Through node 2, whose commands are forwarded to node 1 while it leads.
  const r = plainClient(n2.port);
  const acked = new Map<string, string>();
  const value = "x".repeat(8 * 1024);
  const deadline = Date.now() + 60_000;
  let i = 0;
  try {
    // 6 MB of tmpfs: about 700 writes of 8 KB fill it (log, segments); go on until node 1 has exited,
    // then write as many again through the new leader.
    for (; n1.handle.proc.exitCode === null && Date.now() < deadline; i++) {
      const key = `full:${i}`;
      if (await setAcked(r, key, `${value}${i}`, deadline)) acked.set(key, `${value}${i}`);
    }
    expect(n1.handle.proc.exitCode).not.toBeNull();
    expect(n1.handle.proc.exitCode).not.toBe(0);
    expect(n1.handle.output()).toMatch(/ENOSPC|no space/i);
    const leaders = await agreedLeaders([n2, n3]);
    expect([n2.port, n3.port]).toContain(leaders[0] ?? 0);
    for (const end = i + 200; i < end; i++) {
      const key = `full:${i}`;
      expect(await setAcked(r, key, `after${i}`, deadline)).toBe(true);
      acked.set(key, `after${i}`);
    }
  } finally {
    r.disconnect();
  }
  expect(acked.size).toBeGreaterThan(200);
  await expectAllOn(n2, acked);
  await expectAllOn(n3, acked);
}, 120_000);
