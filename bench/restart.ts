// Bunker's restart time alone (compare.ts measures it beside redis-server, in a 15-minute run): starts
// Bunker with its defaults on a free loopback port, loads never-overwritten keys with pipelined SETs
// (compare.ts's memory/restart load: 32-byte values), waits until no merge runs, then restarts it
// (SIGTERM, spawn, ms until DBSIZE answers, and the CPU time the new process used by then) `--rounds`
// times and prints what start-up read (INFO persistence). With several counts the keys are added to
// the same store between measurements.
//
//   bun bench/restart.ts [--keys 1000000,5000000] [--rounds 3] [--bunker-rev REV] [--bunker-args "--flag value ..."]
//
// --bunker-rev REV runs a `git archive` of REV (native library built in a scratch directory) instead
// of the working tree: the way to measure "before" against "after".
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { preloadKeys } from "./loadgen.ts";
import { bunkerTreeAt, freePort } from "./support.ts";

const repoRoot = resolve(import.meta.dir, "..");
const argv = process.argv.slice(2);
function flag(name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? fallback : (argv[i + 1] ?? fallback);
}
const counts = flag("keys", "1000000,5000000").split(",").map(Number);
const rounds = Number(flag("rounds", "3"));
const bunkerRev = flag("bunker-rev", "");
/** Extra flags for Bunker (split on spaces), e.g. "--auto-aof-rewrite-percentage 25". */
const bunkerArgs = flag("bunker-args", "").split(" ").filter((a) => a !== "");
const valueBytes = 32;
/** How long start-up may take before the run gives up. */
const serveTimeoutMs = 300_000;
/** How long the merges started by the load may take to finish. */
const mergeTimeoutMs = 600_000;

const scratch = mkdtempSync(join(tmpdir(), "bunker-restart-"));

function cli(port: number, ...args: string[]): string | null {
  const p = Bun.spawnSync(["redis-cli", "-p", String(port), ...args]);
  return p.exitCode === 0 ? p.stdout.toString() : null;
}

function info(port: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (cli(port, "INFO", "persistence") ?? "").split("\n")) {
    const at = line.indexOf(":");
    if (at > 0) out.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  return out;
}

const tree = bunkerTreeAt(repoRoot, bunkerRev, join(scratch, "tree"));
const port = await freePort();
const dir = join(scratch, "data");
const stderrPath = join(scratch, "bunker.stderr");
const command = [process.execPath, "src/main.ts", "--port", String(port), "--dir", dir, ...bunkerArgs];
const spawn = (): ReturnType<typeof Bun.spawn> => Bun.spawn(command, { cwd: tree, stdout: "ignore", stderr: Bun.file(stderrPath) });

async function waitServing(proc: ReturnType<typeof Bun.spawn>): Promise<void> {
  const deadline = performance.now() + serveTimeoutMs;
  while (performance.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`bunker exited:\n${existsSync(stderrPath) ? readFileSync(stderrPath, "utf8").slice(-2000) : ""}`);
    if (cli(port, "DBSIZE")?.trim().match(/^\d+$/)) return;
    await Bun.sleep(5);
  }
  throw new Error("bunker did not start serving");
}

/**
 * CPU seconds (user + system) the process has used: on a shared machine the wall time of a start-up
 * depends on what else runs, its CPU time much less.
 */
function cpuSeconds(pid: number): number {
  // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function stop(proc: ReturnType<typeof Bun.spawn>): Promise<void> {
  proc.kill("SIGTERM");
  await proc.exited;
}

let proc = spawn();
try {
  await waitServing(proc);
  console.log(`Bunker ${bunkerRev === "" ? "working tree" : bunkerRev} at ${tree}; data in ${dir}; flags: ${bunkerArgs.join(" ") || "defaults"}`);
  let loaded = 0;
  for (const keys of counts) {
    const t0 = performance.now();
    await preloadKeys({ port, keyCount: keys, valueBytes }, { firstKey: loaded });
    loaded = keys;
    const deadline = performance.now() + mergeTimeoutMs;
    while (info(port).get("bunker_merges_in_progress") !== "0" && performance.now() < deadline) await Bun.sleep(200);
    const before = info(port);
    console.log(`${keys} keys loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s; merges ${before.get("bunker_merges")}, log written ${before.get("bunker_log_bytes_written")} B, retained (snapshots + segments) ${before.get("bunker_log_retained_bytes")} B`);
    const ms: number[] = [];
    const cpus: number[] = [];
    for (let r = 0; r < rounds; r++) {
      await stop(proc);
      const t = performance.now();
      proc = spawn();
      await waitServing(proc);
      ms.push(performance.now() - t);
      const cpu = cpuSeconds(proc.pid);
      cpus.push(cpu);
      const after = info(port);
      const fields = ["bunker_recovery_ms", "bunker_recovery_snapshot_keys", "bunker_recovery_entries", "bunker_recovery_log_bytes"].map((f) => `${f}=${after.get(f) ?? "-"}`);
      console.log(`  restart ${r + 1}: ${ms[r]?.toFixed(0)} ms, ${cpu.toFixed(2)} CPU s (${fields.join(" ")})`);
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    console.log(`restart after ${keys} keys: median ${median(ms).toFixed(0)} ms of ${ms.map((x) => x.toFixed(0)).join(", ")}; CPU median ${median(cpus).toFixed(2)} s of ${cpus.map((x) => x.toFixed(2)).join(", ")}`);
  }
} finally {
  await stop(proc);
  rmSync(scratch, { recursive: true, force: true });
}
