// The RaftNode API contract: a single voter commits alone, Ready/advance pairing is enforced, restarts
// resume from persisted state, proposals without a leader are refused, and a follower that lost its log
// is rebuilt from a snapshot.
import { expect, test } from "bun:test";
import { SeededRandom } from "./prng.ts";
import { RaftNode } from "./raft.ts";
import { MemoryStorage } from "./storage.ts";
import { ProposalDroppedError, RaftAssertionError, type Ready } from "./types.ts";

function persist(storage: MemoryStorage, rd: Ready): void {
  if (rd.snapshot !== undefined) storage.applySnapshot(rd.snapshot);
  storage.append(rd.entries);
  if (rd.hardState !== undefined) storage.setHardState(rd.hardState);
}

test("a single voter elects itself and commits a proposal without messages", () => {
  const storage = new MemoryStorage({ voters: [1], learners: [] });
  const node = new RaftNode({ id: 1, storage, random: new SeededRandom(1) });
  node.campaign();
  node.propose(new TextEncoder().encode("x"));
  const rd = node.ready();
  expect(rd.softState?.state).toBe("leader");
  expect(rd.mustSync).toBe(true);
  expect(rd.messages).toEqual([]);
  expect(rd.committedEntries.map((e) => e.index)).toEqual([1, 2]);
  persist(storage, rd);
  node.advance(rd);
  expect(node.hasReady()).toBe(false);
  expect(node.status().applied).toBe(2);
});

test("ready() twice without advance() is a bug, reported as an assertion", () => {
  const node = new RaftNode({ id: 1, storage: new MemoryStorage({ voters: [1], learners: [] }), random: new SeededRandom(1) });
  node.campaign();
  node.ready();
  expect(() => node.ready()).toThrow(RaftAssertionError);
});

test("a follower with no known leader refuses proposals", () => {
  const node = new RaftNode({ id: 2, storage: new MemoryStorage({ voters: [1, 2, 3], learners: [] }), random: new SeededRandom(2) });
  expect(() => node.propose(new Uint8Array([1]))).toThrow(ProposalDroppedError);
});

test("a restarted node resumes its term, vote and log, and hands committed entries out again", () => {
  const storage = new MemoryStorage({ voters: [1], learners: [] });
  const node = new RaftNode({ id: 1, storage, random: new SeededRandom(1) });
  node.campaign();
  node.propose(new Uint8Array([9]));
  const rd = node.ready();
  persist(storage, rd);
  node.advance(rd);
  const restarted = new RaftNode({ id: 1, storage, random: new SeededRandom(2) });
  expect(restarted.hardState()).toEqual({ term: 1, vote: 1, commit: 2 });
  expect(restarted.ready().committedEntries.map((e) => e.index)).toEqual([1, 2]);
});

test("an election timeout is randomised within [timeout, 2*timeout) ticks by the injected generator", () => {
  const node = new RaftNode({ id: 1, storage: new MemoryStorage({ voters: [1, 2, 3], learners: [] }), random: new SeededRandom(5), electionTimeoutTicks: 10 });
  let ticks = 0;
  while (node.state === "follower" && ticks < 100) {
    node.tick();
    ticks++;
  }
  expect(node.state).toBe("pre-candidate");
  expect(ticks).toBeGreaterThanOrEqual(10);
  expect(ticks).toBeLessThan(20);
});

test("a follower that lost its log (wiped disk) is not trusted for what it had matched: it gets the snapshot", () => {
  const conf = { voters: [1, 2], learners: [] };
  const nodes = new Map<number, { node: RaftNode; storage: MemoryStorage }>();
  const add = (id: number): void => {
    const storage = new MemoryStorage(conf);
    nodes.set(id, { node: new RaftNode({ id, storage, random: new SeededRandom(id) }), storage });
  };
  add(1);
  add(2);
  // Runs every node's Readys (persist, then send) until the cluster is quiet.
  const settle = (): void => {
    for (let round = 0; round < 1000; round++) {
      let busy = false;
      for (const { node, storage } of nodes.values()) {
        if (!node.hasReady()) continue;
        busy = true;
        const rd = node.ready();
        persist(storage, rd);
        node.advance(rd);
        for (const m of rd.messages) nodes.get(m.to)?.node.step(m);
      }
      if (!busy) return;
    }
    throw new Error("the cluster did not settle");
  };
  const leader = nodes.get(1) as { node: RaftNode; storage: MemoryStorage };
  leader.node.campaign();
  settle();
  expect(leader.node.state).toBe("leader");
  for (let i = 0; i < 5; i++) leader.node.propose(new Uint8Array([i]));
  settle();
  const applied = leader.node.status().applied;
  expect(applied).toBe(6);
  leader.storage.createSnapshot(applied, conf, new TextEncoder().encode("state at 6"));
  leader.storage.compact(applied);
  // Node 2 comes back with an empty disk; the leader still believes it matched index 6.
  add(2);
  for (let t = 0; t < 2; t++) leader.node.tick();
  settle();
  const follower = nodes.get(2) as { node: RaftNode; storage: MemoryStorage };
  expect(follower.storage.snapshot().meta.index).toBe(6);
  expect(new TextDecoder().decode(follower.storage.snapshot().data)).toBe("state at 6");
  // And replication carries on from there.
  leader.node.propose(new Uint8Array([42]));
  settle();
  expect(follower.node.status().commit).toBe(7);
  expect(follower.storage.lastIndex()).toBe(7);
});
