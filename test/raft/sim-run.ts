// A long simulation campaign: `bun test/raft/sim-run.ts --seeds 1000 [--start 1]` prints a summary and
// exits non-zero if any seed fails.
import { runSeed, SimulationFailure, type SimStats } from "./simulator.ts";

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
  return value;
}

const seeds = flag("--seeds", 100);
const start = flag("--start", 1);
const totals: Record<string, number> = {};
const failures: string[] = [];
let maxLivenessTicks = 0;
const began = performance.now();
for (let seed = start; seed < start + seeds; seed++) {
  try {
    const stats: SimStats = runSeed(seed);
    for (const [key, value] of Object.entries(stats)) totals[key] = (totals[key] ?? 0) + value;
    maxLivenessTicks = Math.max(maxLivenessTicks, stats.livenessTicks);
  } catch (e: unknown) {
    if (!(e instanceof SimulationFailure)) throw e;
    failures.push(e.message);
    console.log(`FAIL ${e.message.split("\n")[0]}`);
  }
}
const seconds = ((performance.now() - began) / 1000).toFixed(1);
console.log(`seeds ${start}..${start + seeds - 1}: ${seeds - failures.length} passed, ${failures.length} failed in ${seconds} s`);
console.log(`totals: ${Object.entries(totals).filter(([k]) => k !== "livenessTicks" && k !== "nodes").map(([k, v]) => `${k}=${v}`).join(" ")}`);
console.log(`liveness: worst ${maxLivenessTicks} ticks to elect, commit and apply everywhere after faults stopped`);
for (const failure of failures.slice(0, 5)) console.log(`\n${failure}`);
process.exit(failures.length === 0 ? 0 : 1);
