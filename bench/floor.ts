// What the runtime costs before any work: redis-server (`appendonly yes appendfsync always`), Bunker,
// and the Bun floor (bench/floor-server.ts: frames each request and answers +OK, nothing else) under
// the same redis-benchmark SET load, in one run, servers alternating every round. Reports throughput
// and each server's CPU per request (utime+stime from /proc), medians over rounds, as ratios to
// redis-server. The floor's CPU per request is a lower bound for any server on Bun.listen on this
// machine: if it already equals redis-server's whole durable SET, no Bun server can beat that Redis
// where CPU decides (two cores shared with the load generator). Appends a section to bench/RESULTS.md.
//
//   bun bench/floor.ts [--rounds 5] [--requests 100000] [--no-write]
//
// --requests N: redis-benchmark -n at pipeline 1; pipeline 16 runs 8N.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort, probe } from "./support.ts";

const repoRoot = resolve(import.meta.dir, "..");
const bun = process.execPath;
const argv = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} needs a positive integer`);
  return n;
};
for (let i = 0; i < argv.length; i++) {
  const a = argv[i] as string;
  if (a === "--rounds" || a === "--requests") i++;
  else if (a !== "--no-write") throw new Error(`unknown argument ${a} (see the top of bench/floor.ts)`);
}
const rounds = flag("rounds", 5);
const requestsP1 = flag("requests", 100_000);
const noWrite = argv.includes("--no-write");
const pipelines = [1, 16] as const;
const requests = (p: number): number => (p > 1 ? requestsP1 * 8 : requestsP1);
const startedAt = new Date();
const loadAtStart = loadavg().map((x) => x.toFixed(2)).join(" ");

type Kind = "redis" | "bunker" | "floor";
const kinds: readonly Kind[] = ["redis", "bunker", "floor"];
interface Server {
  readonly kind: Kind;
  readonly port: number;
  readonly proc: ReturnType<typeof Bun.spawn>;
  readonly command: string[];
}

const scratch = mkdtempSync(join(tmpdir(), "bunker-floor-"));
const servers: Server[] = [];
function cleanup(): void {
  for (const s of servers) if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill("SIGKILL");
  rmSync(scratch, { recursive: true, force: true });
}
process.on("exit", cleanup);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => process.exit(130));

async function start(kind: Kind): Promise<Server> {
  const port = await freePort();
  const dir = join(scratch, kind);
  const command =
    kind === "redis"
      ? ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--dir", scratch, "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--protected-mode", "no", "--daemonize", "no"]
      : kind === "bunker"
        ? [bun, "src/main.ts", "--bind", "127.0.0.1", "--port", String(port), "--dir", dir]
        : [bun, "bench/floor-server.ts", String(port)];
  const proc = Bun.spawn(command, { cwd: repoRoot, stdout: "ignore", stderr: "ignore" });
  const server = { kind, port, proc, command };
  servers.push(server);
  const deadline = performance.now() + 60_000;
  while ((await probe(port, "PING", 1000)) === null) {
    if (proc.exitCode !== null || performance.now() > deadline) throw new Error(`${kind} did not start serving on port ${port}`);
    await Bun.sleep(20);
  }
  return server;
}

const clockTicks = Number(Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim()) || 100;
function cpuSeconds(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, "latin1");
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / clockTicks;
}

interface Sample {
  readonly rps: number;
  readonly usPerReq: number;
}

async function measure(s: Server, pipeline: number): Promise<Sample> {
  const n = requests(pipeline);
  const cmd = ["redis-benchmark", "-p", String(s.port), "-t", "set", "-n", String(n), "-c", "50", "-P", String(pipeline), "-r", "100000", "-d", "32", "--csv"];
  const before = cpuSeconds(s.proc.pid);
  const p = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
  const out = await new Response(p.stdout).text();
  await p.exited;
  const after = cpuSeconds(s.proc.pid);
  const row = out.split("\n").find((l) => l.startsWith('"SET"'));
  const rps = row === undefined ? NaN : Number((row.split(",")[1] ?? "").replace(/"/g, ""));
  if (p.exitCode !== 0 || !(rps > 0)) throw new Error(`${s.kind}: redis-benchmark failed: ${out}`);
  return { rps, usPerReq: ((after - before) * 1e6) / n };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const samples = new Map<string, Sample[]>();
const key = (k: Kind, p: number): string => `${k}/${p}`;

const byKind = new Map<Kind, Server>();
for (const k of kinds) byKind.set(k, await start(k));
// Warm-up: preloads the key space and lets Bunker's JIT settle (not measured).
for (const k of kinds) for (const p of [16, 1]) await measure(byKind.get(k) as Server, p);
for (let r = 0; r < rounds; r++) {
  const order = kinds.map((_, i) => kinds[(i + r) % kinds.length] as Kind);
  for (const p of pipelines) {
    for (const k of order) {
      const s = await measure(byKind.get(k) as Server, p);
      (samples.get(key(k, p)) ?? samples.set(key(k, p), []).get(key(k, p)))!.push(s);
      console.error(`round ${r + 1} P${p} ${k}: ${Math.round(s.rps)} SET/s, ${s.usPerReq.toFixed(2)} us CPU/SET`);
    }
  }
}

const lines: string[] = [];
lines.push(`## ${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC: floor.ts, the Bun floor beside redis-server appendfsync always and Bunker`);
lines.push("");
lines.push(`- Command: \`bun bench/floor.ts ${argv.join(" ")}\``.replace(/ `$/, "`"));
lines.push(`- Machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "?"}); load average at start ${loadAtStart}, at end ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
lines.push(`- Versions: ${Bun.spawnSync(["redis-server", "--version"]).stdout.toString().trim()}; Bun ${Bun.version}; Bunker ${Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"], { cwd: repoRoot }).stdout.toString().trim()} (working tree)`);
lines.push(`- Load: \`redis-benchmark -t set -c 50 -r 100000 -d 32 -P 1 -n ${requests(1)}\` and \`-P 16 -n ${requests(16)}\`, ${rounds} rounds, servers in rotating order; each server warmed once with both first. CPU: the server process's utime+stime over the run / requests.`);
lines.push(`- Servers: redis-server \`--appendonly yes --appendfsync always --save ""\`; Bunker \`bun src/main.ts\` (defaults: 4 shards, fsync before every reply); floor \`bun bench/floor-server.ts\` (frames requests, answers +OK, no storage).`);
lines.push("");
lines.push("| workload | server | SET/s rounds | SET/s median | vs redis | CPU µs/SET rounds | CPU µs/SET median | vs redis |");
lines.push("|---|---|---|---|---|---|---|---|");
for (const p of pipelines) {
  const redis = samples.get(key("redis", p)) as Sample[];
  for (const k of kinds) {
    const xs = samples.get(key(k, p)) as Sample[];
    const rps = median(xs.map((s) => s.rps));
    const us = median(xs.map((s) => s.usPerReq));
    const rr = median(redis.map((s) => s.rps));
    const ru = median(redis.map((s) => s.usPerReq));
    lines.push(
      `| SET P${p} | ${k} | ${xs.map((s) => Math.round(s.rps).toLocaleString("en-US")).join(", ")} | ${Math.round(rps).toLocaleString("en-US")} | ${(rps / rr).toFixed(2)}x | ` +
        `${xs.map((s) => s.usPerReq.toFixed(1)).join(", ")} | ${us.toFixed(2)} | ${(us / ru).toFixed(2)}x |`,
    );
  }
}
lines.push("");
const section = lines.join("\n");
console.log(section);
if (!noWrite) appendFileSync(join(repoRoot, "bench/RESULTS.md"), `\n${section}\n`);
// The servers keep the event loop alive: stop them, then leave (the exit handler removes the scratch).
for (const s of servers) s.proc.kill("SIGTERM");
await Promise.race([Promise.all(servers.map((s) => s.proc.exited)), Bun.sleep(15_000)]);
process.exit(0);
