// Runs the deterministic Raft simulator over a fixed set of seeds (faults, then liveness); a failure
// names the seed, and RAFT_SEED=<n> replays just that one.
import { expect, test } from "bun:test";
import { runSeed } from "./simulator.ts";

const replay = process.env.RAFT_SEED;
const seeds = replay !== undefined ? [Number(replay)] : Array.from({ length: 20 }, (_, i) => i + 1);

for (const seed of seeds) {
  test(`seed ${seed}: replicas agree under faults and recover when faults stop`, () => {
    const stats = runSeed(seed);
    expect(stats.leadersElected).toBeGreaterThan(0);
    expect(stats.committed).toBeGreaterThan(0);
  });
}
