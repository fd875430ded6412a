// Durable SET throughput of a 3-node cluster on loopback against one standalone node, in the same run:
// starts a standalone Bunker and three cluster members (all durable: a standalone reply waits for its
// fsync, a cluster reply for a majority's fsync of the Raft entry), then drives SET at 50 connections,
// pipeline 1 and 16, routed to each key's shard leader (bench/loadgen.ts targets, from CLUSTER SLOTS),
// alternating which setup goes first every round; prints the medians and the cluster/standalone ratio
// and appends a dated section to bench/RESULTS.md with the exact command and the raw rounds.
//
//   bun bench/cluster.ts [--rounds 3] [--duration-s 10] [--warmup-s 2] [--connections 50] [--note "free text"] [--no-write]
//
// All four processes and the load generator share this machine: on loopback the cluster's three nodes
// compete with each other (and with the client) for the same cores, which a real deployment does not.
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import Redis from "ioredis";
import { keySlot, shardOfSlot } from "../src/keyspace/slot.ts";
import { keyName, runLoad, type LoadResult, type LoadTarget } from "./loadgen.ts";
import { freePort } from "./support.ts";

const repoRoot = resolve(import.meta.dir, "..");
const argv = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? fallback : (argv[i + 1] ?? fallback);
};
const rounds = Number(flag("rounds", "3"));
const durationMs = Number(flag("duration-s", "10")) * 1000;
const warmupMs = Number(flag("warmup-s", "2")) * 1000;
const note = flag("note", "");
const connections = Number(flag("connections", "50"));
const pipelines = [1, 16] as const;
const keyCount = 100_000;
const valueBytes = 32;
const shards = 4;
const secret = "bench-cluster-secret-0123456789";
const startedAt = new Date();
const loadAtStart = loadavg().map((x) => x.toFixed(2)).join(" ");
/** How long a node may take to serve, and the cluster to elect every shard's leader. */
const readyTimeoutMs = 60_000;

const scratch = mkdtempSync(join(tmpdir(), "bunker-bench-cluster-"));
const procs: ReturnType<typeof Bun.spawn>[] = [];
const commands: string[] = [];


/** One command on a fresh connection; the reply, or null on any failure. */
async function ask(port: number, ...args: string[]): Promise<unknown> {
  const r = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  try {
    await r.connect();
    return await r.call(args[0] as string, ...args.slice(1));
  } catch {
    return null;
  } finally {
    r.disconnect();
  }
}

async function until<T>(what: string, probe: () => Promise<T | null>): Promise<T> {
  const deadline = performance.now() + readyTimeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
}

function spawnBunker(label: string, args: string[]): number {
  const command = [process.execPath, "src/main.ts", "--bind", "127.0.0.1", ...args];
  commands.push(`bun ${command.slice(1).join(" ")}`);
  procs.push(Bun.spawn(command, { cwd: repoRoot, stdout: "ignore", stderr: Bun.file(join(scratch, `${label}.stderr`)) }));
  return procs.length - 1;
}

async function startStandalone(): Promise<number> {
  const port = await freePort();
  spawnBunker("standalone", ["--port", String(port), "--dir", join(scratch, "standalone"), "--shards", String(shards)]);
  await until("the standalone node to serve", async () => (typeof (await ask(port, "DBSIZE")) === "number" ? true : null));
  return port;
}

async function startCluster(): Promise<number[]> {
  const ports = [await freePort(), await freePort(), await freePort()];
  const clusterPorts = [await freePort(), await freePort(), await freePort()];
  const peers = ports.map((p, i) => `${i + 1}=127.0.0.1:${p}@${clusterPorts[i]}`).join(",");
  ports.forEach((p, i) =>
    spawnBunker(`node${i + 1}`, ["--port", String(p), "--dir", join(scratch, `node${i + 1}`), "--shards", String(shards), "--node-id", String(i + 1), "--cluster-peers", peers, "--cluster-secret", secret]),
  );
  await until("every shard to have a leader", async () => (String(await ask(ports[0] as number, "CLUSTER", "INFO")).includes("cluster_state:ok") ? true : null));
  return ports;
}

/** Leader port of each slot range, from CLUSTER SLOTS (redis-cli prints one field per line). */
async function leaderTargets(port: number): Promise<LoadTarget[]> {
  const reply = (await until("CLUSTER SLOTS", async () => (await ask(port, "CLUSTER", "SLOTS")) as [number, number, [string, number]][] | null)) ?? [];
  const ranges = reply.map(([start, end, [, leaderPort]]) => ({ start, end, port: leaderPort }));
  if (ranges.length !== shards) throw new Error(`CLUSTER SLOTS: expected ${shards} ranges, got ${JSON.stringify(reply)}`);
  const byPort = new Map<number, number[]>();
  for (let k = 0; k < keyCount; k++) {
    const slot = keySlot(keyName(k));
    const range = ranges.find((r) => r.start <= slot && slot <= r.end);
    if (range === undefined) throw new Error(`slot ${slot} (shard ${shardOfSlot(slot, shards)}) in no range`);
    const list = byPort.get(range.port) ?? [];
    list.push(k);
    byPort.set(range.port, list);
  }
  return [...byPort].map(([p, keyIndexes]) => ({ port: p, keyIndexes }));
}

interface Sample {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly errors: number;
}

const sampleOf = (r: LoadResult): Sample => ({ rps: r.throughputRps, p50Ms: r.writes.p50 / 1000, p99Ms: r.writes.p99 / 1000, p999Ms: r.writes.p999 / 1000, errors: r.errorReplies });
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const fmtRps = (x: number) => Math.round(x).toLocaleString("en-US");
const fmtMs = (x: number) => x.toFixed(2);

async function main(): Promise<void> {
  const standalonePort = await startStandalone();
  const clusterPorts = await startCluster();
  const common = { connections, keyCount, valueBytes, readFraction: 0, distribution: "uniform" as const, durationMs, warmupMs, rateRps: 0 };
  const results = new Map<string, Sample[]>();
  const record = (id: string, s: Sample) => results.set(id, [...(results.get(id) ?? []), s]);
  let leaders = "";
  for (let round = 0; round < rounds; round++) {
    for (const pipeline of pipelines) {
      const order = round % 2 === 0 ? (["standalone", "cluster"] as const) : (["cluster", "standalone"] as const);
      for (const setup of order) {
        // Leaders are read again before every cluster run: an election meanwhile would send every request to MOVED.
        const targets = setup === "cluster" ? await leaderTargets(clusterPorts[0] as number) : null;
        if (targets !== null) leaders = targets.map((t) => `${t.port}: ${t.keyIndexes.length} keys`).join(", ");
        const r = await runLoad({ ...common, pipeline, seed: round + 1, port: standalonePort, ...(targets !== null ? { targets } : {}) });
        const s = sampleOf(r);
        record(`${setup} P${pipeline}`, s);
        console.log(`round ${round + 1} ${setup} P${pipeline}: ${fmtRps(s.rps)} SET/s p50 ${fmtMs(s.p50Ms)} p99 ${fmtMs(s.p99Ms)} p99.9 ${fmtMs(s.p999Ms)} ms, ${s.errors} errors${targets !== null ? ` (leaders ${leaders})` : ""}`);
      }
    }
  }
  const section = report(results, leaders);
  console.log(section);
  if (!argv.includes("--no-write")) appendFileSync(join(repoRoot, "bench/RESULTS.md"), "\n" + section);
}

function report(results: ReadonlyMap<string, Sample[]>, leaders: string): string {
  const cpu = cpus();
  const rev = Bun.spawnSync(["git", "describe", "--always", "--dirty"], { cwd: repoRoot }).stdout.toString().trim();
  const lines = [
    `## ${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC: cluster.ts, durable SET, 3-node cluster vs standalone${note ? `: ${note}` : ""}`,
    "",
    `- Command: \`${["bun", "bench/cluster.ts", ...argv].map((a) => (/^[\w./=:@,-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ")}\``,
    `- Machine: ${cpu.length} cores (${cpu[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, shared with other work; load average at start ${loadAtStart}, at end ${loadavg().map((x) => x.toFixed(2)).join(" ")}. All servers and the load generator run on this machine.`,
    `- Bunker ${rev}, Bun ${Bun.version}. ${connections} connections, ${valueBytes}-byte values, ${keyCount} keys (uniform), SET only, ${durationMs / 1000} s measured after ${warmupMs / 1000} s warm-up, ${rounds} rounds alternating which setup goes first. Cluster requests go straight to each key's shard leader (last leaders: ${leaders}).`,
    "- Processes:",
    ...commands.map((c) => `  - \`${c}\``),
    "",
    "SET/s and write latency (ms), medians over rounds; raw rounds are `SET/s @ p99 ms`.",
    "",
    "| pipeline | setup | rounds | SET/s | p50 | p99 | p99.9 | errors |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const pipeline of pipelines) {
    for (const setup of ["standalone", "cluster"]) {
      const xs = results.get(`${setup} P${pipeline}`) ?? [];
      lines.push(
        `| ${pipeline} | ${setup} | ${xs.map((s) => `${fmtRps(s.rps)} @ ${fmtMs(s.p99Ms)}`).join(", ")} | ${fmtRps(median(xs.map((s) => s.rps)))} | ${fmtMs(median(xs.map((s) => s.p50Ms)))} | ${fmtMs(median(xs.map((s) => s.p99Ms)))} | ${fmtMs(median(xs.map((s) => s.p999Ms)))} | ${xs.reduce((n, s) => n + s.errors, 0)} |`,
      );
    }
  }
  lines.push("");
  for (const pipeline of pipelines) {
    const rps = (setup: string) => median((results.get(`${setup} P${pipeline}`) ?? []).map((s) => s.rps));
    lines.push(`- Pipeline ${pipeline}: cluster/standalone throughput **${(rps("cluster") / rps("standalone")).toFixed(2)}x**.`);
  }
  lines.push("");
  return lines.join("\n");
}

try {
  await main();
} finally {
  for (const p of procs) p.kill("SIGTERM");
  await Promise.all(procs.map((p) => p.exited));
  rmSync(scratch, { recursive: true, force: true });
}
