// Durable SET and GET side by side: redis-server (appendonly yes, appendfsync always) and Bunker,
// both started here on free loopback ports, measured with redis-benchmark in the same run, servers
// alternating over several rounds; prints per-round numbers, medians and the Bunker/Redis ratio, and
// appends a dated section to bench/RESULTS.md.
//
//   bun bench/compare-durable.ts [--rounds 3] [--requests 100000] [--no-write]
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { join, resolve } from "node:path";

const repoRoot = resolve(import.meta.dir, "..");
const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const rounds = flag("rounds", 3);
const requests = flag("requests", 100000);
const clients = 50;

async function freePort(): Promise<number> {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const p = l.port;
  l.stop(true);
  return p;
}

async function waitPing(port: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const p = Bun.spawnSync(["redis-cli", "-p", String(port), "PING"]);
    if (p.stdout.toString().trim() === "PONG") return;
    await Bun.sleep(25);
  }
  throw new Error(`server on ${port} did not start`);
}

interface Running {
  name: string;
  port: number;
  stop(): void;
}

async function startRedis(dir: string): Promise<Running> {
  const port = await freePort();
  const proc = Bun.spawn(["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always"], { stdout: "ignore", stderr: "ignore" });
  await waitPing(port);
  return { name: "redis", port, stop: () => proc.kill() };
}

async function startBunker(dir: string): Promise<Running> {
  const port = await freePort();
  const proc = Bun.spawn([process.execPath, "src/main.ts", "--port", String(port), "--dir", dir], { cwd: repoRoot, stdout: "ignore", stderr: "ignore" });
  await waitPing(port);
  return { name: "bunker", port, stop: () => proc.kill() };
}

function benchmark(port: number, test: string, pipeline: number): number {
  const p = Bun.spawnSync(["redis-benchmark", "-p", String(port), "-t", test, "-n", String(requests * (pipeline > 1 ? 4 : 1)), "-c", String(clients), "-P", String(pipeline), "-r", "100000", "-d", "32", "--csv"]);
  const line = p.stdout.toString().trim().split("\n").find((l) => l.toUpperCase().startsWith(`"${test.toUpperCase()}"`));
  if (!line) throw new Error(`no result for ${test}: ${p.stdout.toString()} ${p.stderr.toString()}`);
  return Number((line.split(",")[1] ?? "0").replace(/"/g, ""));
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

const workloads: [string, number][] = [["set", 1], ["set", 16], ["get", 1], ["get", 16]];
const raw = new Map<string, { redis: number[]; bunker: number[] }>();
const dirs = [mkdtempSync(join(tmpdir(), "cmp-redis-")), mkdtempSync(join(tmpdir(), "cmp-bunker-"))] as const;
const redis = await startRedis(dirs[0]);
const bunker = await startBunker(dirs[1]);
try {
  for (let r = 0; r < rounds; r++) {
    for (const [test, pipeline] of workloads) {
      const key = `${test.toUpperCase()} P${pipeline}`;
      const entry = raw.get(key) ?? { redis: [], bunker: [] };
      const order = r % 2 === 0 ? [redis, bunker] : [bunker, redis];
      for (const s of order) entry[s.name as "redis" | "bunker"].push(benchmark(s.port, test, pipeline));
      raw.set(key, entry);
    }
  }
} finally {
  redis.stop();
  bunker.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

const redisVersion = Bun.spawnSync(["redis-server", "--version"]).stdout.toString().trim();
const lines: string[] = [];
lines.push(`## ${new Date().toISOString().slice(0, 16)}Z durable SET/GET vs redis-server appendfsync always`);
lines.push("");
lines.push(`Machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}); ${redisVersion}; Bun ${Bun.version}.`);
lines.push(`Command: \`bun bench/compare-durable.ts --rounds ${rounds} --requests ${requests}\` (redis-benchmark -c ${clients} -d 32 -r 100000; pipeline 16 runs 4x the requests; servers alternate each round).`);
lines.push("Redis: `--appendonly yes --appendfsync always --save \"\"`. Bunker: defaults (4 shards, every write fsynced before its reply).");
lines.push("");
lines.push("| workload | redis rounds (req/s) | bunker rounds (req/s) | redis median | bunker median | bunker/redis |");
lines.push("|---|---|---|---|---|---|");
for (const [key, v] of raw) {
  const rm = median(v.redis);
  const bm = median(v.bunker);
  lines.push(`| ${key} | ${v.redis.map((x) => Math.round(x)).join(", ")} | ${v.bunker.map((x) => Math.round(x)).join(", ")} | ${Math.round(rm)} | ${Math.round(bm)} | ${(bm / rm).toFixed(2)}x |`);
}
lines.push("");
const out = lines.join("\n");
console.log(out);
if (!args.includes("--no-write")) appendFileSync(join(repoRoot, "bench/RESULTS.md"), "\n" + out);
