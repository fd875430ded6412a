// The RaftNode API contract: a single voter commits alone, Ready/advance pairing is enforced, restarts
// resume from persisted state, and proposals without a leader are refused.
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
