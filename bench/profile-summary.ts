// Summarises a .cpuprofile (Chrome DevTools format, as `bun --cpu-prof` writes it): self time per
// function (name, file:line), the share of all samples, and the same rolled up per source file.
//
//   bun bench/profile-summary.ts FILE.cpuprofile [--top 30] [--callers 8]
// --callers N also lists, for the N functions with the most self time, the callers that time came
// through (JSC's sampler attributes inlined code to the frame it was inlined into, so a surprising
// entry is best read together with its callers).
import { readFileSync } from "node:fs";

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface SelfTime {
  readonly name: string;
  readonly where: string;
  readonly selfUs: number;
}

function shortFile(url: string): string {
  if (url === "") return "(native/runtime)";
  const at = url.indexOf("/src/");
  return at >= 0 ? url.slice(at + 1) : url.replace(/^.*node_modules\//, "node_modules/").replace(/^file:\/\//, "");
}

/** Self time per function, most first; idle ("(idle)", "(program)") kept so the reader sees how busy it was. */
export function selfTimes(profile: CpuProfile): { functions: SelfTime[]; files: Map<string, number>; totalUs: number; callers: Map<string, Map<string, number>> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  // Each sample stands for one sampling interval (the median gap). The raw gap is not used: the
  // sampler takes no samples while the thread sleeps in the event loop, so the first sample after an
  // idle stretch would otherwise be charged with the whole stretch.
  const intervalUs = [...profile.timeDeltas].sort((a, b) => a - b)[Math.floor(profile.timeDeltas.length / 2)] ?? 1000;
  const selfUsById = new Map<number, number>();
  let totalUs = 0;
  for (const id of profile.samples) {
    selfUsById.set(id, (selfUsById.get(id) ?? 0) + intervalUs);
    totalUs += intervalUs;
  }
  const byFunction = new Map<string, SelfTime>();
  const files = new Map<string, number>();
  const callers = new Map<string, Map<string, number>>();
  const label = (frame: CallFrame): { key: string; name: string; where: string; file: string } => {
    const file = shortFile(frame.url);
    const where = frame.url === "" ? file : `${file}:${frame.lineNumber + 1}`;
    const name = frame.functionName || "(anonymous)";
    return { key: `${name}  ${where}`, name, where, file };
  };
  for (const [id, us] of selfUsById) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const { key, name, where, file } = label(frame);
    const prev = byFunction.get(key);
    byFunction.set(key, { name, where, selfUs: (prev?.selfUs ?? 0) + us });
    files.set(file, (files.get(file) ?? 0) + us);
    // Up to three frames of callers, as one line ("a <- b <- c").
    const chain: string[] = [];
    for (let p = parentOf.get(id); p !== undefined && chain.length < 3; p = parentOf.get(p)) {
      const pf = byId.get(p)?.callFrame;
      if (pf) chain.push(label(pf).key);
    }
    const mine = callers.get(key) ?? new Map<string, number>();
    const chainText = chain.join("  <-  ") || "(root)";
    mine.set(chainText, (mine.get(chainText) ?? 0) + us);
    callers.set(key, mine);
  }
  const functions = [...byFunction.values()].sort((a, b) => b.selfUs - a.selfUs);
  return { functions, files, totalUs, callers };
}

if (import.meta.main) {
  const path = process.argv[2];
  if (path === undefined) throw new Error("usage: bun bench/profile-summary.ts FILE.cpuprofile [--top N]");
  const topIndex = process.argv.indexOf("--top");
  const top = topIndex > 0 ? Number(process.argv[topIndex + 1]) : 30;
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const callersIndex = process.argv.indexOf("--callers");
  const callersTop = callersIndex > 0 ? Number(process.argv[callersIndex + 1]) : 0;
  const { functions, files, totalUs, callers } = selfTimes(profile);
  const idle = functions.filter((f) => f.name === "(idle)" || f.name === "(program)").reduce((n, f) => n + f.selfUs, 0);
  const pct = (us: number): string => ((100 * us) / totalUs).toFixed(1).padStart(5) + "%";
  const wallS = (profile.endTime - profile.startTime) / 1e6;
  console.log(`${(totalUs / 1e6).toFixed(2)} s of samples (busy time) over ${wallS.toFixed(2)} s of wall time, ${pct(idle)} of samples idle; self time:`);
  for (const f of functions.slice(0, top)) console.log(`${pct(f.selfUs)}  ${(f.selfUs / 1000).toFixed(0).padStart(7)} ms  ${f.name}  ${f.where}`);
  for (const f of functions.slice(0, callersTop)) {
    const key = `${f.name}  ${f.where}`;
    console.log(`\ncallers of ${key}:`);
    for (const [chain, us] of [...(callers.get(key) ?? [])].sort((a, b) => b[1] - a[1]).slice(0, 4)) console.log(`  ${pct(us)}  <-  ${chain}`);
  }
  console.log("\nby file:");
  for (const [file, us] of [...files].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${pct(us)}  ${file}`);
}
