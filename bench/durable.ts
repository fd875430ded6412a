// Durable SET, Bunker against redis-server `appendonly yes appendfsync always`, in one run: starts both
// on free loopback ports (never 6379), each in its own temp directory, preloads the 100k-key space and
// warms both, then every round drives SET-only closed-loop load with bench/loadgen.ts (50 connections,
// 32-byte values, 100000 keys uniform, pipeline 1 and 16; latency from HDR histograms of the SET
// replies) and the same load with redis-benchmark (`-t set`, so the two generators can be compared),
// alternating which server goes first every round. Each run also records the server's CPU time
// (utime+stime from /proc; Bunker's JS thread alone as well) per request, which is steadier than
// throughput on a shared machine. Prints a markdown section and appends it to bench/RESULTS.md.
//
//   bun bench/durable.ts [--rounds 5] [--duration-s 8] [--warmup-s 2] [--rb-requests 100000]
//                        [--skip-redis-benchmark] [--bunker-rev REV] [--note "free text"] [--no-write]
//
// --duration-s / --warmup-s: each loadgen run measures this long after this much unmeasured load; the
//   servers are also warmed once before round 1 (loadgen SET P16, then P1, --warmup-s each).
// --rb-requests N: redis-benchmark -n at pipeline 1; pipeline 16 runs 4N.
// --bunker-rev REV: Bunker runs from a `git archive` of REV (native library built in a scratch
//   directory) instead of the working tree, so uncommitted work in src/ or native/ cannot change it.
//
// Any error reply (counted by loadgen's reply parser, and by the servers' INFO total_error_replies for
// both generators) is printed loudly and marks the section; so is a server whose INFO commandstats
// shows a different number of SET calls than the replies the generator received.
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { preloadKeys, runLoad, type LoadResult } from "./loadgen.ts";
import { bunkerTreeAt, freePort, probe } from "./support.ts";

const repoRoot = resolve(import.meta.dir, "..");
const resultsPath = join(repoRoot, "bench/RESULTS.md");
const argv = process.argv.slice(2);

// ---------------------------------------------------------------------------------------------
// Flags

const valueFlags = new Set(["rounds", "duration-s", "warmup-s", "rb-requests", "bunker-rev", "note"]);
const booleanFlags = new Set(["no-write", "skip-redis-benchmark"]);
const given = new Map<string, string>();
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i] as string;
  const name = arg.startsWith("--") ? arg.slice(2) : "";
  if (booleanFlags.has(name)) given.set(name, "");
  else if (valueFlags.has(name)) {
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    given.set(name, value);
    i++;
  } else throw new Error(`unknown argument ${arg} (see the top of bench/durable.ts)`);
}
function flagNumber(name: string, fallback: number): number {
  const text = given.get(name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} needs a non-negative number`);
  return n;
}

const rounds = Math.max(1, Math.floor(flagNumber("rounds", 5)));
const durationMs = flagNumber("duration-s", 8) * 1000;
const warmupMs = flagNumber("warmup-s", 2) * 1000;
const rbRequestsP1 = Math.floor(flagNumber("rb-requests", 100_000));
const rbRequests = (pipeline: number): number => (pipeline > 1 ? rbRequestsP1 * 4 : rbRequestsP1);
const skipRedisBenchmark = given.has("skip-redis-benchmark");
const bunkerRev = given.get("bunker-rev") ?? "";
const note = given.get("note") ?? "";
const noWrite = given.has("no-write");
if (durationMs <= 0) throw new Error("--duration-s must be > 0");

const connections = 50;
const keyCount = 100_000;
const valueBytes = 32;
const pipelines = [1, 16] as const;
/** How long a server may take to start serving. */
const serveTimeoutMs = 120_000;
/** A redis-benchmark run that takes longer than this is killed (a stuck server). */
const redisBenchmarkTimeoutMs = 600_000;
const startedAt = new Date();
const loadAtStart = loadavg().map((x) => x.toFixed(2)).join(" ");

// ---------------------------------------------------------------------------------------------
// Clean-up: every child is tracked; servers are stopped and the scratch directory removed on normal
// exit, on an exception and on SIGINT/SIGTERM/SIGHUP.

type Child = ReturnType<typeof Bun.spawn>;
const scratch = mkdtempSync(join(tmpdir(), "bunker-durable-"));
const children = new Set<Child>();
let cleaning: Promise<void> | null = null;

async function stopChild(p: Child): Promise<void> {
  if (p.exitCode === null && p.signalCode === null) {
    p.kill("SIGTERM");
    const stuck = await Promise.race([p.exited.then(() => false), Bun.sleep(15_000).then(() => true)]);
    if (stuck) {
      p.kill("SIGKILL");
      await p.exited;
    }
  }
  children.delete(p);
}

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all([...children].map(stopChild));
    rmSync(scratch, { recursive: true, force: true });
  })();
  return cleaning;
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    console.error(`\ndurable.ts: ${signal}: stopping the servers and removing ${scratch}`);
    void cleanup().finally(() => process.exit(130));
  });
}
process.on("uncaughtException", (err) => {
  console.error("durable.ts: uncaught exception:", err);
  void cleanup().finally(() => process.exit(1));
});
// Last resort (process.exit from anywhere): synchronous, so only SIGKILL and rm.
process.on("exit", () => {
  for (const p of children) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
  rmSync(scratch, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Servers

interface Server {
  readonly kind: "redis" | "bunker";
  readonly port: number;
  readonly proc: Child;
  /** The argv it was started with (ports and directories as in this run). */
  readonly command: readonly string[];
}

const stderrPath = (kind: string): string => join(scratch, `${kind}.stderr`);

async function startServer(kind: Server["kind"], bunkerRoot: string): Promise<Server> {
  const port = await freePort();
  const dir = join(scratch, `${kind}-data`);
  mkdirSync(dir);
  const command =
    kind === "redis"
      ? ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--protected-mode", "no", "--daemonize", "no"]
      : [process.execPath, "src/main.ts", "--bind", "127.0.0.1", "--port", String(port), "--dir", dir];
  const proc = Bun.spawn(command, { cwd: kind === "bunker" ? bunkerRoot : repoRoot, stdout: "ignore", stderr: Bun.file(stderrPath(kind)) });
  children.add(proc);
  // Serving means answering DBSIZE with a number (Redis answers -LOADING while it loads).
  const deadline = performance.now() + serveTimeoutMs;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      const stderr = existsSync(stderrPath(kind)) ? readFileSync(stderrPath(kind), "utf8") : "";
      throw new Error(`${kind} exited (${proc.exitCode ?? proc.signalCode}) before serving:\n${stderr.slice(-2000)}`);
    }
    const reply = await probe(port, "DBSIZE", 1000);
    if (reply !== null && reply.startsWith(":")) break;
    if (performance.now() > deadline) throw new Error(`${kind} on port ${port} did not start serving within ${serveTimeoutMs} ms`);
    await Bun.sleep(10);
  }
  return { kind, port, proc, command };
}

function redisCli(port: number, ...args: string[]): string {
  const p = Bun.spawnSync(["redis-cli", "-h", "127.0.0.1", "-p", String(port), ...args]);
  if (p.exitCode !== 0) throw new Error(`redis-cli ${args.join(" ")}: ${p.stderr.toString()}`);
  return p.stdout.toString();
}

// ---------------------------------------------------------------------------------------------
// Server-side counters: CPU from /proc, SET calls and error replies from INFO.

const clockTicks = ((): number => {
  const n = Number(Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

/** utime+stime in seconds from a /proc .../stat file (fields 14 and 15; the name in parentheses may hold spaces). */
function cpuSeconds(statPath: string): number {
  const text = readFileSync(statPath, "latin1");
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

interface Counters {
  readonly cpuS: number;
  /** Bunker: the JS (main) thread alone. */
  readonly jsCpuS: number | null;
  readonly setCalls: number;
  readonly errorReplies: number;
  /** This process's own CPU (the load generator), microseconds. */
  readonly clientCpuUs: number;
}

/** Before a run the CPU is read after the INFO calls, after a run before them: the CPU interval holds the load only. */
function counters(s: Server, when: "before" | "after"): Counters {
  const pid = s.proc.pid;
  const cpu = (): Pick<Counters, "cpuS" | "jsCpuS" | "clientCpuUs"> => {
    const own = process.cpuUsage();
    return { cpuS: cpuSeconds(`/proc/${pid}/stat`), jsCpuS: s.kind === "bunker" ? cpuSeconds(`/proc/${pid}/task/${pid}/stat`) : null, clientCpuUs: own.user + own.system };
  };
  const cpuAfter = when === "after" ? cpu() : null;
  const stats = redisCli(s.port, "INFO", "stats");
  const commandstats = redisCli(s.port, "INFO", "commandstats");
  const setCalls = /^cmdstat_set:calls=(\d+)/m.exec(commandstats);
  const errors = /^total_error_replies:(\d+)/m.exec(stats);
  return { setCalls: setCalls ? Number(setCalls[1]) : 0, errorReplies: errors ? Number(errors[1]) : NaN, ...(cpuAfter ?? cpu()) };
}

// ---------------------------------------------------------------------------------------------
// Runs

type Tool = "loadgen" | "redis-benchmark";

interface Sample {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** redis-benchmark reports no p99.9. */
  readonly p999Ms: number | null;
  /** Error replies: the generator's count (loadgen) or the server's INFO total_error_replies delta (both). */
  readonly errors: number;
  /** Replies the CPU figures are divided by. */
  readonly replies: number;
  readonly serverUsPerReq: number;
  readonly jsUsPerReq: number | null;
  /** The load generator's own CPU per request (loadgen runs in this process; redis-benchmark: null). */
  readonly clientUsPerReq: number | null;
  /** Problems with this run, printed loudly and listed in the section. */
  readonly problems: readonly string[];
}

const alarms: string[] = [];

function alarm(text: string): void {
  alarms.push(text);
  console.error(`\n!!!!!!!! ${text} !!!!!!!!\n`);
}

/** CPU per request and the server-side checks shared by both tools. */
function serverSide(s: Server, before: Counters, after: Counters, replies: number, what: string): { serverUsPerReq: number; jsUsPerReq: number | null; serverErrors: number; problems: string[] } {
  const problems: string[] = [];
  const serverErrors = after.errorReplies - before.errorReplies;
  const setCalls = after.setCalls - before.setCalls;
  if (!Number.isFinite(serverErrors)) problems.push(`${what}: ${s.kind} INFO stats has no total_error_replies`);
  else if (serverErrors > 0) problems.push(`${what}: ${s.kind} reports ${serverErrors} error replies (INFO total_error_replies)`);
  if (setCalls !== replies) problems.push(`${what}: ${s.kind} counted ${setCalls} SET calls (INFO commandstats), the generator ${replies} replies`);
  const serverUsPerReq = ((after.cpuS - before.cpuS) * 1e6) / Math.max(1, replies);
  const jsUsPerReq = after.jsCpuS !== null && before.jsCpuS !== null ? ((after.jsCpuS - before.jsCpuS) * 1e6) / Math.max(1, replies) : null;
  return { serverUsPerReq, jsUsPerReq, serverErrors: Number.isFinite(serverErrors) ? serverErrors : 0, problems };
}

function loadOptions(s: Server, pipeline: number, seed: number, measureMs: number, warmMs: number) {
  return { host: "127.0.0.1", port: s.port, connections, pipeline, keyCount, valueBytes, readFraction: 0, distribution: "uniform" as const, durationMs: measureMs, warmupMs: warmMs, rateRps: 0, seed };
}

function checkSetOnly(r: LoadResult, what: string): string[] {
  const problems: string[] = [];
  if (r.errorReplies > 0) problems.push(`${what}: ${r.errorReplies} ERROR REPLIES received by loadgen`);
  if (r.reads.count !== 0) problems.push(`${what}: ${r.reads.count} GETs measured in a SET-only run`);
  if (r.writes.count !== r.requests) problems.push(`${what}: ${r.writes.count} SET latencies recorded for ${r.requests} replies`);
  if (r.requests === 0) problems.push(`${what}: no replies counted`);
  return problems;
}

async function measureLoadgen(s: Server, pipeline: number, round: number): Promise<Sample> {
  const what = `round ${round + 1} loadgen SET P${pipeline} ${s.kind}`;
  const before = counters(s, "before");
  const r = await runLoad(loadOptions(s, pipeline, round + 1, durationMs, warmupMs));
  const after = counters(s, "after");
  const side = serverSide(s, before, after, r.totalReplies, what);
  const problems = [...checkSetOnly(r, what), ...side.problems];
  return {
    rps: r.throughputRps,
    p50Ms: r.writes.p50 / 1000,
    p99Ms: r.writes.p99 / 1000,
    p999Ms: r.writes.p999 / 1000,
    errors: Math.max(r.errorReplies, side.serverErrors),
    replies: r.totalReplies,
    serverUsPerReq: side.serverUsPerReq,
    jsUsPerReq: side.jsUsPerReq,
    clientUsPerReq: (after.clientCpuUs - before.clientCpuUs) / Math.max(1, r.totalReplies),
    problems,
  };
}

function redisBenchmarkCommand(port: number, pipeline: number): string[] {
  return ["redis-benchmark", "-p", String(port), "-t", "set", "-n", String(rbRequests(pipeline)), "-c", String(connections), "-P", String(pipeline), "-r", String(keyCount), "-d", String(valueBytes), "--csv"];
}

async function measureRedisBenchmark(s: Server, pipeline: number, round: number): Promise<Sample> {
  const what = `round ${round + 1} redis-benchmark SET P${pipeline} ${s.kind}`;
  const cmd = redisBenchmarkCommand(s.port, pipeline);
  const before = counters(s, "before");
  const p = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
  children.add(p);
  const timer = setTimeout(() => p.kill("SIGKILL"), redisBenchmarkTimeoutMs);
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  await p.exited;
  clearTimeout(timer);
  children.delete(p);
  const after = counters(s, "after");
  if (p.exitCode !== 0) throw new Error(`${what}: redis-benchmark exited ${p.exitCode ?? p.signalCode}: ${out} ${err}`);
  // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  const row = out
    .trim()
    .split("\n")
    .map((line) => line.split('","').map((c) => c.replace(/"/g, "")))
    .find((cells) => cells[0]?.toUpperCase() === "SET");
  if (row === undefined) throw new Error(`${what}: no SET row in redis-benchmark's output: ${out} ${err}`);
  const [, rps, , , p50, , p99] = row;
  const requests = rbRequests(pipeline);
  const side = serverSide(s, before, after, requests, what);
  const problems = [...side.problems];
  if (/error/i.test(err)) problems.push(`${what}: redis-benchmark stderr: ${err.trim().slice(0, 300)}`);
  if (!(Number(rps) > 0)) problems.push(`${what}: no throughput (${out.trim()})`);
  return {
    rps: Number(rps),
    p50Ms: Number(p50),
    p99Ms: Number(p99),
    p999Ms: null,
    errors: side.serverErrors,
    replies: requests,
    serverUsPerReq: side.serverUsPerReq,
    jsUsPerReq: side.jsUsPerReq,
    clientUsPerReq: null,
    problems,
  };
}

// ---------------------------------------------------------------------------------------------
// The run

interface Row {
  readonly tool: Tool;
  readonly pipeline: number;
  readonly redis: Sample[];
  readonly bunker: Sample[];
}
const rows: Row[] = [];
for (const tool of ["loadgen", "redis-benchmark"] as const) {
  if (tool === "redis-benchmark" && skipRedisBenchmark) continue;
  for (const pipeline of pipelines) rows.push({ tool, pipeline, redis: [], bunker: [] });
}
const rowId = (r: Pick<Row, "tool" | "pipeline">): string => `SET P${r.pipeline} (${r.tool})`;
const serverCommands: string[] = [];

const fmtRps = (x: number): string => Math.round(x).toLocaleString("en-US");
const fmtMs = (x: number | null): string => (x === null ? "-" : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const fmtUs = (x: number | null): string => (x === null ? "-" : x.toFixed(1));

function logSample(what: string, s: Sample): void {
  console.error(
    `${what}: ${fmtRps(s.rps)} SET/s, p50 ${fmtMs(s.p50Ms)} p99 ${fmtMs(s.p99Ms)} p99.9 ${fmtMs(s.p999Ms)} ms, ` +
      `server ${fmtUs(s.serverUsPerReq)} us/SET${s.jsUsPerReq !== null ? ` (JS thread ${fmtUs(s.jsUsPerReq)})` : ""}` +
      `${s.clientUsPerReq !== null ? `, loadgen ${fmtUs(s.clientUsPerReq)} us/SET` : ""}, ${s.errors} errors`,
  );
  for (const p of s.problems) alarm(p);
}

async function main(): Promise<void> {
  const bunkerRoot = bunkerTreeAt(repoRoot, bunkerRev, join(scratch, "bunker-tree"));
  const redis = await startServer("redis", bunkerRoot);
  const bunker = await startServer("bunker", bunkerRoot);
  for (const s of [redis, bunker]) {
    const shown = s.kind === "bunker" ? ["bun", ...s.command.slice(1)] : s.command;
    serverCommands.push(shown.map((a) => (a === "" ? '""' : a)).join(" "));
  }
  // Preload every key (as compare.ts does), then warm each server under the measured load.
  for (const s of [redis, bunker]) {
    const before = counters(s, "before");
    await preloadKeys({ host: "127.0.0.1", port: s.port, keyCount, valueBytes });
    const dbsize = Number(redisCli(s.port, "DBSIZE").trim());
    if (dbsize !== keyCount) throw new Error(`${s.kind}: DBSIZE ${dbsize} after preloading ${keyCount} keys`);
    for (const pipeline of [16, 1]) {
      if (warmupMs === 0) break;
      const r = await runLoad(loadOptions(s, pipeline, 1000 + pipeline, warmupMs, 0));
      for (const p of checkSetOnly(r, `warm-up P${pipeline} ${s.kind}`)) alarm(p);
      console.error(`warm-up ${s.kind} SET P${pipeline}: ${fmtRps(r.throughputRps)} SET/s`);
    }
    const after = counters(s, "after");
    if (after.errorReplies - before.errorReplies > 0) alarm(`preload/warm-up: ${s.kind} reports ${after.errorReplies - before.errorReplies} error replies`);
  }
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [redis, bunker] : [bunker, redis];
    for (const row of rows) {
      for (const s of order) {
        const sample = row.tool === "loadgen" ? await measureLoadgen(s, row.pipeline, round) : await measureRedisBenchmark(s, row.pipeline, round);
        row[s.kind].push(sample);
        logSample(`round ${round + 1}/${rounds} ${rowId(row)} ${s.kind}`, sample);
        await Bun.sleep(250); // the previous run's connections close
      }
    }
  }
  // Both generators wrote the same key space with values of the same size (redis-benchmark's -d values
  // are not loadgen's bytes, so only the size is checked).
  for (const s of [redis, bunker]) {
    const dbsize = Number(redisCli(s.port, "DBSIZE").trim());
    if (dbsize !== keyCount) alarm(`${s.kind}: DBSIZE ${dbsize} after the runs, expected the ${keyCount}-key space`);
    const strlen = Number(redisCli(s.port, "STRLEN", "key:000000000000").trim());
    if (strlen !== valueBytes) alarm(`${s.kind}: STRLEN key:000000000000 is ${strlen}, expected ${valueBytes}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The report

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const medianOf = (xs: readonly Sample[], pick: (s: Sample) => number | null): number | null => {
  const vs = xs.map(pick).filter((v): v is number => v !== null);
  return vs.length === 0 ? null : median(vs);
};
const ratio = (b: number | null, r: number | null): string => (b === null || r === null || !(r > 0) ? "-" : `${(b / r).toFixed(2)}x`);

function gitDescribe(): string {
  const short = (rev: string): string => Bun.spawnSync(["git", "rev-parse", "--short", rev], { cwd: repoRoot }).stdout.toString().trim();
  if (bunkerRev !== "") return `${short(bunkerRev)} (git archive of ${bunkerRev})`;
  const dirty = Bun.spawnSync(["git", "status", "--porcelain", "--", "src", "native"], { cwd: repoRoot }).stdout.toString().trim() !== "";
  return `${short("HEAD")}${dirty ? " (working tree, with uncommitted changes in src/ or native/)" : " (working tree)"}`;
}

function quoteArg(a: string): string {
  return /^[\w./=:@,-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`;
}

function report(): string {
  const cpu = cpus();
  const lines: string[] = [];
  const totalErrors = rows.reduce((n, r) => n + [...r.redis, ...r.bunker].reduce((m, s) => m + s.errors, 0), 0);
  lines.push(`## ${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC: durable.ts, durable SET vs redis-server appendfsync always${note ? `: ${note}` : ""}`);
  lines.push("");
  if (alarms.length > 0) {
    lines.push(`**WARNING: ${alarms.length} problem(s) in this run${totalErrors > 0 ? `, ${totalErrors} error replies` : ""}; the numbers below are not a valid measurement of durable SET:**`);
    lines.push("");
    for (const a of alarms) lines.push(`- **${a}**`);
    lines.push("");
  }
  lines.push(`- Command: \`${["bun", "bench/durable.ts", ...argv].map(quoteArg).join(" ")}\``);
  lines.push(
    `- Machine: ${cpu.length} cores (${cpu[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${Bun.spawnSync(["uname", "-r"]).stdout.toString().trim()}; ` +
      `load average at start ${loadAtStart}, at end ${loadavg().map((x) => x.toFixed(2)).join(" ")}. Both servers and the load generators run on this machine.`,
  );
  lines.push(`- Versions: ${Bun.spawnSync(["redis-server", "--version"]).stdout.toString().trim()}; ${Bun.spawnSync(["redis-benchmark", "--version"]).stdout.toString().trim()}; Bun ${Bun.version}; Bunker ${gitDescribe()}`);
  lines.push(
    `- Settings: SET only, ${connections} connections, ${valueBytes}-byte values, ${keyCount} keys uniform (all preloaded), pipeline ${pipelines.join(" and ")}. ` +
      `loadgen: closed loop, ${durationMs / 1000} s measured after ${warmupMs / 1000} s unmeasured per run, seed = round number (the same key sequence for both servers); ` +
      (skipRedisBenchmark ? "redis-benchmark skipped; " : `redis-benchmark: -n ${rbRequests(1)} at P1, ${rbRequests(16)} at P16; `) +
      `${rounds} round(s), servers alternate which goes first; each server warmed with loadgen SET P16 and P1 (${warmupMs / 1000} s each) before round 1.`,
  );
  lines.push(`- Redis: \`${serverCommands[0] ?? "?"}\`. Bunker: \`${serverCommands[1] ?? "?"}\` (defaults: 4 shards, every write fsynced before its reply).`);
  lines.push(
    `- Server CPU per SET: utime+stime of the server process (/proc/PID/stat; Bunker's JS thread alone from /proc/PID/task/PID/stat) from just before a run to just after it, ` +
      `divided by the replies in that time (loadgen: every reply, its warm-up included; redis-benchmark: -n); clock tick ${(1000 / clockTicks).toFixed(0)} ms. ` +
      `Checks per run: no error replies (loadgen's reply parser and the server's INFO total_error_replies), SET calls in INFO commandstats equal to the replies, no GET issued.`,
  );
  lines.push("");
  lines.push("Throughput (SET/s), medians over rounds; raw rounds are `SET/s @ p99 ms`, in round order.");
  lines.push("");
  lines.push("| workload | redis rounds | bunker rounds | redis median | bunker median | bunker/redis | error replies redis / bunker |");
  lines.push("|---|---|---|---|---|---|---|");
  const raw = (xs: readonly Sample[]): string => xs.map((s) => `${fmtRps(s.rps)} @ ${fmtMs(s.p99Ms)}`).join(", ");
  const errs = (xs: readonly Sample[]): number => xs.reduce((n, s) => n + s.errors, 0);
  for (const row of rows) {
    const rr = medianOf(row.redis, (s) => s.rps);
    const br = medianOf(row.bunker, (s) => s.rps);
    const e = `${errs(row.redis)} / ${errs(row.bunker)}`;
    lines.push(`| ${rowId(row)} | ${raw(row.redis)} | ${raw(row.bunker)} | ${fmtRps(rr ?? NaN)} | ${fmtRps(br ?? NaN)} | **${ratio(br, rr)}** | ${errs(row.redis) + errs(row.bunker) > 0 ? `**${e}**` : e} |`);
  }
  lines.push("");
  lines.push("SET latency (ms), medians over rounds: loadgen from HDR histograms of the SET replies (hdr-histogram-js); redis-benchmark its own p50/p99 (it reports no p99.9).");
  lines.push("");
  lines.push("| workload | p50 redis / bunker | p99 redis / bunker | p99.9 redis / bunker | p99 bunker/redis |");
  lines.push("|---|---|---|---|---|");
  for (const row of rows) {
    const pair = (pick: (s: Sample) => number | null): string => `${fmtMs(medianOf(row.redis, pick))} / ${fmtMs(medianOf(row.bunker, pick))}`;
    lines.push(`| ${rowId(row)} | ${pair((s) => s.p50Ms)} | ${pair((s) => s.p99Ms)} | ${pair((s) => s.p999Ms)} | ${ratio(medianOf(row.bunker, (s) => s.p99Ms), medianOf(row.redis, (s) => s.p99Ms))} |`);
  }
  lines.push("");
  lines.push("Server CPU per SET (µs), medians over rounds; raw bunker rounds in round order. The load generator's own CPU (loadgen runs in the benchmark's process) shows what it takes from the same 2 cores.");
  lines.push("");
  lines.push("| workload | redis | bunker process | bunker JS thread | bunker/redis | bunker process rounds | loadgen µs/SET vs redis / bunker |");
  lines.push("|---|---|---|---|---|---|---|");
  for (const row of rows) {
    const r = medianOf(row.redis, (s) => s.serverUsPerReq);
    const b = medianOf(row.bunker, (s) => s.serverUsPerReq);
    const client = row.tool === "loadgen" ? `${fmtUs(medianOf(row.redis, (s) => s.clientUsPerReq))} / ${fmtUs(medianOf(row.bunker, (s) => s.clientUsPerReq))}` : "-";
    lines.push(`| ${rowId(row)} | ${fmtUs(r)} | ${fmtUs(b)} | ${fmtUs(medianOf(row.bunker, (s) => s.jsUsPerReq))} | ${ratio(b, r)} | ${row.bunker.map((s) => fmtUs(s.serverUsPerReq)).join(", ")} | ${client} |`);
  }
  lines.push("");
  const loadgenRatio = (pipeline: number): number | null => {
    const row = rows.find((r) => r.tool === "loadgen" && r.pipeline === pipeline);
    if (!row) return null;
    const rr = medianOf(row.redis, (s) => s.rps);
    const br = medianOf(row.bunker, (s) => s.rps);
    return br === null || rr === null ? null : br / rr;
  };
  const ratios = pipelines.map((p) => ({ p, r: loadgenRatio(p) }));
  const met = ratios.every((x) => x.r !== null && x.r >= 1.0);
  const verdict = alarms.length > 0 ? `**not established** (the run had problems, see the warning above; as measured it would be ${met ? "met" : "not met"})` : met ? "**met**" : "**not met**";
  lines.push(
    `- Target (durable SET throughput >= 1.0x redis-server appendfsync always at pipeline 1 and 16, loadgen medians): ` +
      `${ratios.map((x) => `P${x.p} ${x.r === null ? "-" : `${x.r.toFixed(2)}x`}`).join(", ")}: ${verdict}.`,
  );
  if (!skipRedisBenchmark) {
    const rb = pipelines.map((p) => {
      const row = rows.find((r) => r.tool === "redis-benchmark" && r.pipeline === p);
      return `P${p} ${row ? ratio(medianOf(row.bunker, (s) => s.rps), medianOf(row.redis, (s) => s.rps)) : "-"}`;
    });
    lines.push(`- The same ratio with redis-benchmark (the other generator, same run): ${rb.join(", ")}.`);
  }
  const p99 = pipelines.map((p) => {
    const row = rows.find((r) => r.tool === "loadgen" && r.pipeline === p);
    return `P${p} ${row ? ratio(medianOf(row.bunker, (s) => s.p99Ms), medianOf(row.redis, (s) => s.p99Ms)) : "-"}`;
  });
  lines.push(`- p99 latency bunker/redis (loadgen): ${p99.join(", ")} (<= 1.0x is at least as good as Redis).`);
  lines.push("");
  lines.push("<details><summary>Exact load commands (PORT is each server's port)</summary>");
  lines.push("");
  for (const pipeline of pipelines) {
    lines.push(`    bench/loadgen.ts runLoad: ${connections} connections, pipeline ${pipeline}, closed loop, readFraction 0 (SET only), ${keyCount} keys uniform, ${valueBytes}-byte values, ${durationMs / 1000} s after ${warmupMs / 1000} s warm-up, seed = round`);
  }
  if (!skipRedisBenchmark) for (const pipeline of pipelines) lines.push(`    ${redisBenchmarkCommand(0, pipeline).join(" ").replace("-p 0", "-p PORT")}`);
  lines.push("");
  lines.push("</details>");
  lines.push("");
  return lines.join("\n");
}

let failed = false;
try {
  await main();
} catch (err) {
  failed = true;
  console.error("durable.ts: the run failed:", err);
} finally {
  await cleanup();
}
if (failed) process.exit(1);
const section = report();
console.log(section);
if (alarms.length > 0) console.error(`\n!!!!!!!! durable.ts: ${alarms.length} problem(s), see the WARNING at the top of the section !!!!!!!!`);
if (!noWrite) {
  appendFileSync(resultsPath, "\n" + section);
  console.error(`appended to ${resultsPath}`);
}
