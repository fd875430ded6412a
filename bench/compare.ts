// Bunker side by side with redis-server (Debian's), one command: starts every server on free loopback
// ports, warms them, runs the same workloads against each with the same tools (redis-benchmark, and
// bench/loadgen.ts for the Zipf mix), alternating which server goes first every round, then measures
// memory for 1M keys and restart time; prints and appends a dated section to bench/RESULTS.md with
// the machine, versions, exact command, per-round raw numbers, medians, Bunker/Redis ratios and the
// targets from issue 6.
//
//   bun bench/compare.ts [--rounds 3] [--requests 100000] [--mix-seconds 10] [--mix-rate 20000]
//                        [--memory-keys 1000000] [--restart-5m] [--skip throughput,mix,memory]
//                        [--bunker-rev HEAD] [--note "free text"] [--no-write]
//
// --bunker-rev REV runs Bunker from a `git archive` of REV (built in a scratch directory) instead of
// the working tree, so uncommitted work elsewhere in src/ cannot change (or break) the measurement.
//
// Which redis-server each workload is compared with (the comparable durability):
//   reads (GET, MGET)                 redis-server without persistence (appendonly no, save "")
//   durable writes (SET, HSET, ...)   appendonly yes, appendfsync always  (Bunker default: fsync before reply)
//   async-namespace SET               appendonly yes, appendfsync everysec (Bunker: BUNKER.CONFIG SET async: durability async)
//   Zipf 1:10 mix                     appendfsync always (its writes are durable in Bunker)
//   memory, restart                   appendfsync everysec (restart replays the AOF, as Bunker replays its log)
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { formatResult, preloadKeys, runLoad, type LoadResult } from "./loadgen.ts";
import { bunkerTreeAt, freePort, probe } from "./support.ts";

const repoRoot = resolve(import.meta.dir, "..");
const resultsPath = join(repoRoot, "bench/RESULTS.md");
const argv = process.argv.slice(2);

function flagNumber(name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(argv[i + 1]);
  if (!Number.isFinite(n)) throw new Error(`--${name} needs a number`);
  return n;
}
function flagText(name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? fallback : (argv[i + 1] ?? fallback);
}

const rounds = flagNumber("rounds", 3);
const requestsPipeline1 = flagNumber("requests", 100_000);
/** Pipelined runs are several times faster; more requests keep them long enough to measure. */
const requestsPipelined = requestsPipeline1 * 4;
const clients = 50;
const keySpace = 100_000;
const valueBytes = 32;
const mixSeconds = flagNumber("mix-seconds", 10);
const mixRateRps = flagNumber("mix-rate", 20_000);
const memoryKeys = flagNumber("memory-keys", 1_000_000);
const restart5m = argv.includes("--restart-5m");
const skipped = new Set(flagText("skip", "").split(",").filter((s) => s !== ""));
const note = flagText("note", "");
const bunkerRev = flagText("bunker-rev", "");
/** How long a server may take to start serving (5M keys included) before the run gives up. */
const serveTimeoutMs = 300_000;

// ---------------------------------------------------------------------------------------------
// Servers

type RedisPersistence = "none" | "always" | "everysec";

interface Server {
  readonly label: string;
  readonly kind: "redis" | "bunker";
  readonly port: number;
  readonly dir: string;
  proc: ReturnType<typeof Bun.spawn>;
  /** The argv that starts (and restarts) it. */
  readonly command: string[];
}

const scratch = mkdtempSync(join(tmpdir(), "bunker-compare-"));
const running: Server[] = [];

const bunkerRoot = bunkerTreeAt(repoRoot, bunkerRev, join(scratch, "bunker-tree"));

/** Serving means answering DBSIZE with a number (Redis answers -LOADING while it replays its AOF). */
async function waitServing(port: number, label: string, proc: ReturnType<typeof Bun.spawn>): Promise<void> {
  const deadline = performance.now() + serveTimeoutMs;
  while (performance.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      const stderr = existsSync(stderrPath(label)) ? readFileSync(stderrPath(label), "utf8") : "";
      throw new Error(`${label} exited (${proc.exitCode ?? proc.signalCode}) before serving:\n${stderr.slice(-2000)}`);
    }
    const reply = await probe(port, "DBSIZE", 1000);
    if (reply !== null && reply.startsWith(":")) return;
    await Bun.sleep(5);
  }
  throw new Error(`${label} on port ${port} did not start serving within ${serveTimeoutMs} ms`);
}

function redisCommand(port: number, dir: string, persistence: RedisPersistence): string[] {
  const base = ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--protected-mode", "no", "--daemonize", "no"];
  if (persistence === "none") return [...base, "--appendonly", "no"];
  return [...base, "--appendonly", "yes", "--appendfsync", persistence];
}

function bunkerCommand(port: number, dir: string): string[] {
  return [process.execPath, "src/main.ts", "--port", String(port), "--dir", dir];
}

/** Each server's stderr goes to a file (a pipe nobody reads would block a chatty server). */
function stderrPath(label: string): string {
  return join(scratch, `${label}.stderr`);
}

function spawnServer(s: Pick<Server, "command" | "kind" | "label">): ReturnType<typeof Bun.spawn> {
  return Bun.spawn(s.command, { cwd: s.kind === "bunker" ? bunkerRoot : repoRoot, stdout: "ignore", stderr: Bun.file(stderrPath(s.label)) });
}

async function startServer(label: string, kind: Server["kind"], persistence: RedisPersistence = "none"): Promise<Server> {
  const port = await freePort();
  const dir = mkdtempSync(join(scratch, `${label}-`));
  const command = kind === "redis" ? redisCommand(port, dir, persistence) : bunkerCommand(port, dir);
  const server: Server = { label, kind, port, dir, command, proc: spawnServer({ command, kind, label }) };
  running.push(server);
  await waitServing(port, label, server.proc);
  return server;
}

async function stopServer(s: Server): Promise<void> {
  s.proc.kill("SIGTERM");
  const killed = await Promise.race([s.proc.exited.then(() => false), Bun.sleep(60_000).then(() => true)]);
  if (killed) {
    s.proc.kill("SIGKILL");
    await s.proc.exited;
  }
}

/** Stops (cleanly: SIGTERM) and starts again; returns ms from spawn to serving. */
async function restartServer(s: Server): Promise<number> {
  await stopServer(s);
  const t0 = performance.now();
  s.proc = spawnServer(s);
  await waitServing(s.port, s.label, s.proc);
  return performance.now() - t0;
}

async function shutdownAll(): Promise<void> {
  for (const s of running.splice(0)) await stopServer(s);
}

function redisCli(port: number, ...args: string[]): string {
  const p = Bun.spawnSync(["redis-cli", "-p", String(port), ...args]);
  if (p.exitCode !== 0) throw new Error(`redis-cli ${args.join(" ")}: ${p.stderr.toString()}`);
  return p.stdout.toString();
}

function infoField(port: number, field: string): number {
  const m = new RegExp(`^${field}:(\\d+)`, "m").exec(redisCli(port, "INFO", "memory"));
  return m ? Number(m[1]) : NaN;
}

function rssBytes(s: Server): number {
  const status = readFileSync(`/proc/${s.proc.pid}/status`, "utf8");
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for ${s.label}`);
  return Number(m[1]) * 1024;
}

// ---------------------------------------------------------------------------------------------
// Measurements

interface Sample {
  readonly rps: number;
  /** p99 latency in ms as the tool reported it (redis-benchmark) or measured it (loadgen). */
  readonly p99Ms: number;
  readonly p50Ms: number;
  /** p99.9 from loadgen; redis-benchmark reports no p99.9, so its rows carry the max here (not shown). */
  readonly p999Ms: number;
}

interface BenchmarkRun {
  readonly pipeline: number;
  /** -t tests; ignored when `command` is given. */
  readonly tests?: string;
  /** A custom command line (redis-benchmark's trailing arguments). */
  readonly command?: readonly string[];
}

const exactCommands: string[] = [];

function rememberCommand(cmd: readonly string[]): void {
  const text = cmd.map((a) => (/^[\w:.,_/-]+$/.test(a) ? a : `'${a}'`)).join(" ").replace(/-p \d+/, "-p PORT");
  if (!exactCommands.includes(text)) exactCommands.push(text);
}

/** Runs redis-benchmark once; returns one sample per CSV row (test name upper-cased). */
function redisBenchmark(port: number, run: BenchmarkRun): Map<string, Sample> {
  const requests = run.pipeline > 1 ? requestsPipelined : requestsPipeline1;
  const cmd = ["redis-benchmark", "-p", String(port), "-c", String(clients), "-n", String(requests), "-P", String(run.pipeline), "-r", String(keySpace), "-d", String(valueBytes), "--csv"];
  if (run.command) cmd.push(...run.command);
  else if (run.tests) cmd.push("-t", run.tests);
  rememberCommand(cmd);
  const p = Bun.spawnSync(cmd);
  const out = p.stdout.toString();
  const rows = new Map<string, Sample>();
  for (const line of out.trim().split("\n").slice(1)) {
    const cells = line.split('","').map((c) => c.replace(/"/g, ""));
    // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
    const [name, rps, , , p50, , p99, max] = cells;
    if (name === undefined || rps === undefined) continue;
    rows.set(run.command ? "CUSTOM" : name.toUpperCase().split(" ")[0] ?? name, { rps: Number(rps), p50Ms: Number(p50), p99Ms: Number(p99), p999Ms: Number(max) });
  }
  if (rows.size === 0) throw new Error(`redis-benchmark gave no rows: ${out} ${p.stderr.toString()}`);
  for (const [name, sample] of rows) if (!(sample.rps > 0)) throw new Error(`redis-benchmark ${name}: no throughput (${out})`);
  return rows;
}

interface Workload {
  readonly id: string;
  /** Which redis-server it is compared with. */
  readonly redis: RedisPersistence;
  readonly bunker: "bunker";
  /** Measures one server; returns samples keyed by workload id (one run may produce several rows). */
  readonly measure: (port: number) => Promise<Map<string, Sample>>;
  /** Ids of the rows `measure` returns. */
  readonly rows: readonly string[];
}

const value32 = "x".repeat(valueBytes);
const mgetCommand = ["MGET", ...Array.from({ length: 10 }, () => "key:__rand_int__")];
const zaddCommand = ["ZADD", "myzset:__rand_int__", "__rand_int__", "member:__rand_int__"];
const asyncSetCommand = ["SET", "async:key:__rand_int__", value32];
const typeTests = "hset,lpush,sadd,incr,mset";

function single(id: string, run: BenchmarkRun): (port: number) => Promise<Map<string, Sample>> {
  return async (port) => {
    const rows = redisBenchmark(port, run);
    const first = rows.values().next().value;
    if (first === undefined) throw new Error(`no row for ${id}`);
    return new Map([[id, first]]);
  };
}

function mixSample(r: LoadResult): Sample {
  return { rps: r.throughputRps, p50Ms: r.all.p50 / 1000, p99Ms: r.all.p99 / 1000, p999Ms: r.all.p999 / 1000 };
}

const mixLog: string[] = [];

async function mix(port: number, label: string, rateRps: number): Promise<Sample> {
  const r = await runLoad({ port, connections: clients, pipeline: rateRps > 0 ? 64 : 1, keyCount: keySpace, valueBytes, readFraction: 10 / 11, distribution: "zipf", durationMs: mixSeconds * 1000, warmupMs: 2000, rateRps });
  mixLog.push(`${label}:\n${formatResult(r)}`);
  return mixSample(r);
}

const workloads: Workload[] = [];
for (const pipeline of [1, 16]) {
  workloads.push({ id: `GET P${pipeline}`, redis: "none", bunker: "bunker", rows: [`GET P${pipeline}`], measure: single(`GET P${pipeline}`, { pipeline, tests: "get" }) });
  workloads.push({ id: `SET P${pipeline} durable`, redis: "always", bunker: "bunker", rows: [`SET P${pipeline} durable`], measure: single(`SET P${pipeline} durable`, { pipeline, tests: "set" }) });
  workloads.push({ id: `SET P${pipeline} async`, redis: "everysec", bunker: "bunker", rows: [`SET P${pipeline} async`], measure: single(`SET P${pipeline} async`, { pipeline, command: asyncSetCommand }) });
  const typeRows = typeTests.split(",").map((t) => `${t.toUpperCase()} P${pipeline}`);
  workloads.push({
    id: `types P${pipeline}`,
    redis: "always",
    bunker: "bunker",
    rows: typeRows,
    measure: async (port) => {
      const rows = redisBenchmark(port, { pipeline, tests: typeTests });
      const out = new Map<string, Sample>();
      for (const [name, sample] of rows) out.set(`${name === "MSET" ? "MSET (10 keys)" : name} P${pipeline}`, sample);
      return out;
    },
  });
  workloads.push({ id: `ZADD P${pipeline}`, redis: "always", bunker: "bunker", rows: [`ZADD P${pipeline}`], measure: single(`ZADD P${pipeline}`, { pipeline, command: zaddCommand }) });
  workloads.push({ id: `MGET (10 keys) P${pipeline}`, redis: "none", bunker: "bunker", rows: [`MGET (10 keys) P${pipeline}`], measure: single(`MGET (10 keys) P${pipeline}`, { pipeline, command: mgetCommand }) });
}

const mixClosedId = "Zipf 1:10 mix, closed loop P1 (loadgen)";
const mixOpenId = `Zipf 1:10 mix, open loop ${mixRateRps} req/s (loadgen)`;
if (!skipped.has("mix")) {
  workloads.push({ id: mixClosedId, redis: "always", bunker: "bunker", rows: [mixClosedId], measure: async (port) => new Map([[mixClosedId, await mix(port, `${port} closed`, 0)]]) });
  workloads.push({ id: mixOpenId, redis: "always", bunker: "bunker", rows: [mixOpenId], measure: async (port) => new Map([[mixOpenId, await mix(port, `${port} open`, mixRateRps)]]) });
}

// ---------------------------------------------------------------------------------------------
// The run

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

interface Row {
  redis: Sample[];
  bunker: Sample[];
  against: RedisPersistence;
}
const table = new Map<string, Row>();
const startedAt = new Date();
const loadAtStart = loadavg().map((x) => x.toFixed(2)).join(" ");

async function runThroughput(): Promise<void> {
  const redisServers: Record<RedisPersistence, Server> = {
    none: await startServer("redis-none", "redis", "none"),
    always: await startServer("redis-always", "redis", "always"),
    everysec: await startServer("redis-everysec", "redis", "everysec"),
  };
  const bunker = await startServer("bunker", "bunker");
  redisCli(bunker.port, "BUNKER.CONFIG", "SET", "async:", "durability", "async");
  // Warm-up: every key GET and MGET read exists on every server, and each has served a write load.
  for (const s of [...Object.values(redisServers), bunker]) {
    await preloadKeys({ port: s.port, keyCount: keySpace, valueBytes });
    redisBenchmark(s.port, { pipeline: 16, tests: "set,get" });
  }
  exactCommands.length = 0; // the warm-up's commands are not the measured ones
  for (let round = 0; round < rounds; round++) {
    for (const w of workloads) {
      const order: ("redis" | "bunker")[] = round % 2 === 0 ? ["redis", "bunker"] : ["bunker", "redis"];
      for (const side of order) {
        const server = side === "redis" ? redisServers[w.redis] : bunker;
        const samples = await w.measure(server.port);
        for (const [id, sample] of samples) {
          const row = table.get(id) ?? { redis: [], bunker: [], against: w.redis };
          row[side].push(sample);
          table.set(id, row);
        }
        console.error(`round ${round + 1}/${rounds} ${w.id} ${side}: ${[...samples].map(([id, s]) => `${id} ${Math.round(s.rps)} req/s p99 ${s.p99Ms} ms`).join("; ")}`);
      }
    }
  }
  await shutdownAll();
}

interface MemoryResult {
  readonly label: string;
  readonly keys: number;
  readonly rssEmpty: number;
  readonly rssLoaded: number;
  readonly usedMemory: number;
  readonly restartMs: number[];
}
const memoryResults: MemoryResult[] = [];

async function runMemoryAndRestart(): Promise<void> {
  const counts = restart5m ? [memoryKeys, 5_000_000] : [memoryKeys];
  const redis = await startServer("redis-mem", "redis", "everysec");
  const bunker = await startServer("bunker-mem", "bunker");
  let loaded = 0;
  const empty = new Map([[redis.label, rssBytes(redis)], [bunker.label, rssBytes(bunker)]]);
  for (const keys of counts) {
    const perServer = new Map<string, MemoryResult>();
    for (const s of [redis, bunker]) {
      await preloadKeys({ port: s.port, keyCount: keys, valueBytes }, { firstKey: loaded });
      const dbsize = Number(redisCli(s.port, "DBSIZE").trim());
      if (dbsize !== keys) throw new Error(`${s.label}: DBSIZE ${dbsize}, expected ${keys}`);
      await Bun.sleep(1500); // let an everysec fsync and any background work settle before measuring
      perServer.set(s.label, { label: s.kind, keys, rssEmpty: empty.get(s.label) ?? 0, rssLoaded: rssBytes(s), usedMemory: infoField(s.port, "used_memory"), restartMs: [] });
      console.error(`memory ${s.label} ${keys} keys: rss ${rssBytes(s)} used_memory ${infoField(s.port, "used_memory")}`);
    }
    loaded = keys;
    for (let round = 0; round < rounds; round++) {
      for (const s of round % 2 === 0 ? [redis, bunker] : [bunker, redis]) {
        const ms = await restartServer(s);
        perServer.get(s.label)?.restartMs.push(ms);
        console.error(`restart ${s.label} ${keys} keys: ${ms.toFixed(0)} ms`);
      }
    }
    memoryResults.push(...perServer.values());
  }
  await shutdownAll();
}

// ---------------------------------------------------------------------------------------------
// The report

function gitDescribe(): string {
  if (bunkerRev !== "") return `${Bun.spawnSync(["git", "rev-parse", "--short", bunkerRev], { cwd: repoRoot }).stdout.toString().trim()} (git archive of ${bunkerRev})`;
  const rev = Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"], { cwd: repoRoot }).stdout.toString().trim();
  const dirty = Bun.spawnSync(["git", "status", "--porcelain", "--", "src"], { cwd: repoRoot }).stdout.toString().trim() !== "";
  return `${rev}${dirty ? " (with uncommitted changes in src/)" : ""}`;
}

const fmtRps = (x: number): string => String(Math.round(x));
const fmtMs = (x: number): string => (x >= 10 ? x.toFixed(1) : x.toFixed(3));
const mib = (b: number): string => (b / 1048576).toFixed(1);

interface Target {
  readonly what: string;
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean | null;
}

function ratioOf(id: string, pick: (s: Sample) => number): number | null {
  const row = table.get(id);
  if (!row || row.redis.length === 0 || row.bunker.length === 0) return null;
  return median(row.bunker.map(pick)) / median(row.redis.map(pick));
}

function targets(): Target[] {
  const out: Target[] = [];
  const atLeast = (what: string, id: string, goal: number): void => {
    const r = ratioOf(id, (s) => s.rps);
    if (r === null) return;
    out.push({ what, goal: `>= ${goal.toFixed(1)}x`, measured: `${r.toFixed(2)}x`, met: r >= goal });
  };
  atLeast("GET P1 vs no persistence", "GET P1", 0.9);
  atLeast("GET P16 vs no persistence", "GET P16", 0.9);
  atLeast("durable SET P1 vs appendfsync always", "SET P1 durable", 1.0);
  atLeast("durable SET P16 vs appendfsync always", "SET P16 durable", 1.0);
  atLeast("async SET P1 vs appendfsync everysec", "SET P1 async", 0.8);
  atLeast("async SET P16 vs appendfsync everysec", "SET P16 async", 0.8);
  const p99 = [...table.keys()].map((id) => ({ id, r: ratioOf(id, (s) => s.p99Ms) })).filter((x): x is { id: string; r: number } => x.r !== null);
  if (p99.length > 0) {
    const worst = p99.reduce((a, b) => (b.r > a.r ? b : a));
    const open = p99.find((x) => x.id === mixOpenId);
    out.push({ what: "p99 latency, worst workload", goal: "<= 1.5x", measured: `${worst.r.toFixed(2)}x (${worst.id}); ${p99.filter((x) => x.r <= 1.5).length} of ${p99.length} workloads within`, met: worst.r <= 1.5 });
    if (open) out.push({ what: "p99 latency, Zipf mix at a fixed rate (coordinated omission corrected)", goal: "<= 1.5x", measured: `${open.r.toFixed(2)}x`, met: open.r <= 1.5 });
  }
  const mem = memoryResults.filter((m) => m.keys === memoryKeys);
  const rm = mem.find((m) => m.label === "redis");
  const bm = mem.find((m) => m.label === "bunker");
  if (rm && bm) {
    const r = (bm.rssLoaded - bm.rssEmpty) / (rm.rssLoaded - rm.rssEmpty);
    out.push({ what: `memory per key (RSS growth, ${memoryKeys} keys)`, goal: "<= 2x", measured: `${r.toFixed(2)}x`, met: r <= 2 });
  }
  const b5 = memoryResults.find((m) => m.label === "bunker" && m.keys === 5_000_000);
  if (b5) {
    const ms = median(b5.restartMs);
    out.push({ what: "restart after 5M keys", goal: "< 10 s", measured: `${(ms / 1000).toFixed(2)} s`, met: ms < 10_000 });
  } else {
    out.push({ what: "restart after 5M keys", goal: "< 10 s", measured: "not run (pass --restart-5m)", met: null });
  }
  return out;
}

function report(): string {
  const lines: string[] = [];
  const cpu = cpus();
  const commandLine = `bun bench/compare.ts ${argv.join(" ")}`.trim();
  lines.push(`## ${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC: compare.ts${note ? `: ${note}` : ""}`);
  lines.push("");
  lines.push(`- Command: \`${commandLine}\``);
  lines.push(`- Machine: ${cpu.length} cores (${cpu[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${Bun.spawnSync(["uname", "-r"]).stdout.toString().trim()}; load average at start ${loadAtStart}, at end ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  lines.push(`- Versions: ${Bun.spawnSync(["redis-server", "--version"]).stdout.toString().trim()}; ${Bun.spawnSync(["redis-benchmark", "--version"]).stdout.toString().trim()}; Bun ${Bun.version}; Bunker ${gitDescribe()}`);
  lines.push(`- Settings: ${clients} clients, ${valueBytes}-byte values, ${keySpace}-key space (-r), ${requestsPipeline1} requests at pipeline 1 and ${requestsPipelined} pipelined; ${rounds} rounds, servers alternate which goes first; every key preloaded and each server warmed (SET/GET P16) before round 1.`);
  lines.push(`- Redis: \`redis-server --bind 127.0.0.1 --save "" --appendonly no\` (reads), \`--appendonly yes --appendfsync always\` (durable writes, mix), \`--appendfsync everysec\` (async SET, memory, restart). Bunker: \`bun src/main.ts --port P --dir D\` (defaults: 4 shards, fsync before reply); async SET on keys under \`BUNKER.CONFIG SET async: durability async\`.`);
  lines.push("");
  if (table.size > 0) {
    lines.push("Throughput (req/s) and p99 (ms); medians over rounds. Raw rounds are `req/s @ p99 ms`, in round order.");
    lines.push("");
    lines.push("| workload | against redis | redis rounds | bunker rounds | redis median | bunker median | bunker/redis req/s | p99 redis / bunker | p99 ratio |");
    lines.push("|---|---|---|---|---|---|---|---|---|");
    for (const [id, row] of table) {
      const raw = (xs: Sample[]): string => xs.map((s) => `${fmtRps(s.rps)} @ ${fmtMs(s.p99Ms)}`).join(", ");
      const rr = median(row.redis.map((s) => s.rps));
      const br = median(row.bunker.map((s) => s.rps));
      const rp = median(row.redis.map((s) => s.p99Ms));
      const bp = median(row.bunker.map((s) => s.p99Ms));
      lines.push(`| ${id} | ${row.against} | ${raw(row.redis)} | ${raw(row.bunker)} | ${fmtRps(rr)} | ${fmtRps(br)} | **${(br / rr).toFixed(2)}x** | ${fmtMs(rp)} / ${fmtMs(bp)} | ${(bp / rp).toFixed(2)}x |`);
    }
    lines.push("");
    const mixRows = [mixClosedId, mixOpenId].map((id) => [id, table.get(id)] as const).filter((x): x is [string, Row] => x[1] !== undefined);
    if (mixRows.length > 0) {
      lines.push("Zipf mix latency percentiles (ms, medians over rounds; open loop measures from each request's intended send time):");
      lines.push("");
      lines.push("| workload | server | p50 | p99 | p99.9 | req/s |");
      lines.push("|---|---|---|---|---|---|");
      for (const [id, row] of mixRows) {
        for (const side of ["redis", "bunker"] as const) {
          const xs = row[side];
          lines.push(`| ${id} | ${side} | ${fmtMs(median(xs.map((s) => s.p50Ms)))} | ${fmtMs(median(xs.map((s) => s.p99Ms)))} | ${fmtMs(median(xs.map((s) => s.p999Ms)))} | ${fmtRps(median(xs.map((s) => s.rps)))} |`);
        }
      }
      lines.push("");
    }
  }
  if (memoryResults.length > 0) {
    lines.push(`Memory and restart (redis-server \`appendfsync everysec\`, restart replays the AOF; Bunker replays its log/snapshot). Keys loaded with pipelined SETs of ${valueBytes}-byte values. Bunker's used_memory is its own estimate; RSS is the comparable number. Restart: SIGTERM, then ms from spawn until DBSIZE answers.`);
    lines.push("");
    lines.push("| server | keys | RSS empty MiB | RSS loaded MiB | RSS growth bytes/key | used_memory bytes/key | restart rounds ms | restart median ms |");
    lines.push("|---|---|---|---|---|---|---|---|");
    for (const m of memoryResults) {
      lines.push(`| ${m.label} | ${m.keys} | ${mib(m.rssEmpty)} | ${mib(m.rssLoaded)} | ${((m.rssLoaded - m.rssEmpty) / m.keys).toFixed(0)} | ${(m.usedMemory / m.keys).toFixed(0)} | ${m.restartMs.map((x) => x.toFixed(0)).join(", ")} | ${median(m.restartMs).toFixed(0)} |`);
    }
    lines.push("");
  }
  lines.push("Targets (issue 6):");
  lines.push("");
  lines.push("| target | goal | measured | met |");
  lines.push("|---|---|---|---|");
  for (const t of targets()) lines.push(`| ${t.what} | ${t.goal} | ${t.measured} | ${t.met === null ? "-" : t.met ? "yes" : "**no**"} |`);
  lines.push("");
  if (exactCommands.length > 0) {
    lines.push("<details><summary>Exact load commands (PORT is each server's port)</summary>");
    lines.push("");
    for (const c of exactCommands) lines.push(`    ${c}`);
    lines.push(`    bench/loadgen.ts runLoad: ${clients} connections, ${keySpace} keys zipf 0.99, 1:10 write:read, ${valueBytes}-byte values, ${mixSeconds} s after 2 s warm-up; closed loop pipeline 1; open loop ${mixRateRps} req/s, at most 64 in flight per connection`);
    lines.push("");
    lines.push("</details>");
    lines.push("");
  }
  if (mixLog.length > 0) {
    lines.push("<details><summary>Load generator output, every round (port identifies the server)</summary>");
    lines.push("");
    lines.push("```");
    lines.push(...mixLog);
    lines.push("```");
    lines.push("");
    lines.push("</details>");
    lines.push("");
  }
  return lines.join("\n");
}

const resultsHeader = `# Benchmark results

Reproduce a comparison (starts its own redis-server and Bunker on free loopback ports; needs Debian's
redis-server, redis-cli and redis-benchmark; about 15 minutes on 2 cores):

    node_modules/.bin/bun bench/compare.ts                 # 3 rounds, memory for 1M keys, restart after 1M
    node_modules/.bin/bun bench/compare.ts --restart-5m    # also restart after 5M keys
    node_modules/.bin/bun bench/compare.ts --bunker-rev HEAD   # Bunker as committed (ignores uncommitted src/)
    node_modules/.bin/bun bench/compare.ts --rounds 1 --requests 20000 --mix-seconds 3 --no-write   # a quick look

Load generator alone: \`bun bench/loadgen.ts --port P --preload --distribution zipf --ratio 1:10 [--rate 20000]\`.
Micro-benchmarks (RESP, CRC32C, keydir, log append): \`npm run bench\`.
Each run appends a dated section below, with the conditions it ran under.
`;

try {
  if (!skipped.has("throughput")) await runThroughput();
  if (!skipped.has("memory")) await runMemoryAndRestart();
} finally {
  await shutdownAll();
  rmSync(scratch, { recursive: true, force: true });
}
const section = report();
console.log(section);
if (!argv.includes("--no-write")) {
  if (!existsSync(resultsPath)) writeFileSync(resultsPath, resultsHeader);
  appendFileSync(resultsPath, "\n" + section);
  console.error(`appended to ${resultsPath}`);
}
