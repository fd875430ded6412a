// The HTTP endpoints of a real server process (`--http-port`): /metrics is valid Prometheus text and
// agrees with INFO taken right after it; /health is 200 while the node serves and 503, with reasons,
// while it cannot (a cluster node that lost its majority; a server shutting down).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Redis from "ioredis";
import { freePort, startBunker, type ServerHandle } from "./support/servers.ts";
import { startCluster, until, type TestCluster } from "./support/cluster.ts";

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Parses the text exposition format strictly enough to catch malformed output. */
function parseMetrics(text: string): { samples: Sample[]; types: Map<string, string> } {
  expect(text.endsWith("\n")).toBe(true);
  const types = new Map<string, string>();
  const helped = new Set<string>();
  const seenSamplesOf = new Set<string>();
  const samples: Sample[] = [];
  for (const line of text.slice(0, -1).split("\n")) {
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (meta !== null) {
      const [, what, name, rest] = meta as unknown as [string, string, string, string];
      // HELP and TYPE once per family, before any of its samples.
      expect(seenSamplesOf.has(name)).toBe(false);
      if (what === "TYPE") {
        expect(types.has(name)).toBe(false);
        expect(["counter", "gauge"]).toContain(rest);
        types.set(name, rest);
      } else {
        expect(helped.has(name)).toBe(false);
        helped.add(name);
      }
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (m === null) throw new Error(`malformed metrics line: ${JSON.stringify(line)}`);
    const name = m[1] as string;
    expect(types.has(name)).toBe(true);
    expect(helped.has(name)).toBe(true);
    if (types.get(name) === "counter") expect(name.endsWith("_total")).toBe(true);
    seenSamplesOf.add(name);
    const labels: Record<string, string> = {};
    if (m[3] !== undefined) {
      for (const pair of (m[3] as string).match(/[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"/g) ?? []) {
        const eq = pair.indexOf("=");
        labels[pair.slice(0, eq)] = pair.slice(eq + 2, -1).replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
      }
    }
    const value = Number(m[4]);
    expect(Number.isNaN(value)).toBe(false);
    samples.push({ name, labels, value });
  }
  return { samples, types };
}

function value(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

function infoFields(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0 && !line.startsWith("#")) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

describe("standalone", () => {
  let bunker: ServerHandle;
  let httpPort: number;
  let client: Redis;
  beforeAll(async () => {
    httpPort = await freePort();
    bunker = await startBunker({ args: ["--shards", "2", "--http-port", String(httpPort)] });
    client = new Redis({ port: bunker.port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
    await client.connect();
  });
  afterAll(async () => {
    client?.disconnect();
    await bunker?.stop();
    await bunker?.removeDir();
  });

  test("/metrics is valid exposition text that agrees with INFO", async () => {
    for (let i = 0; i < 25; i++) await client.set(`k${i}`, "v");
    await client.set("ttl", "v", "EX", 1000);
    await client.select(3);
    await client.sadd("s", "a", "b");
    await client.select(0);
    await client.get("missing");
    await client.lpush("k0", "x").catch(() => {});
    const res = await fetch(`http://127.0.0.1:${httpPort}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const { samples, types } = parseMetrics(await res.text());
    const info = infoFields(await client.info("everything"));

    expect(value(samples, "bunker_up")).toBe(1);
    expect(types.get("bunker_command_calls_total")).toBe("counter");
    expect(value(samples, "bunker_command_calls_total", { command: "set" })).toBe(26);
    expect(info.get("cmdstat_set")?.startsWith("calls=26,")).toBe(true);
    expect(value(samples, "bunker_command_calls_total", { command: "sadd" })).toBe(1);
    expect(value(samples, "bunker_command_failed_calls_total", { command: "lpush" })).toBe(1);
    expect(value(samples, "bunker_errors_total", { error: "WRONGTYPE" })).toBe(1);
    expect(value(samples, "bunker_db_keys", { db: "0" })).toBe(26);
    expect(value(samples, "bunker_db_expiring_keys", { db: "0" })).toBe(1);
    expect(value(samples, "bunker_db_keys", { db: "3" })).toBe(1);
    expect(info.get("db0")).toBe("keys=26,expires=1,avg_ttl=0");
    expect(value(samples, "bunker_keyspace_misses_total")).toBe(Number(info.get("keyspace_misses")));
    expect(value(samples, "bunker_memory_used_bytes")).toBe(Number(info.get("used_memory")));
    expect(value(samples, "bunker_log_fsyncs_total")).toBeGreaterThan(0);
    // Every reply above waited for its write to be durable: nothing was pending at the scrape.
    expect(value(samples, "bunker_durability_lag_units")).toBe(0);
    expect(value(samples, "bunker_log_write_ok")).toBe(1);
    expect(value(samples, "bunker_role_master")).toBe(1);
    const seconds = value(samples, "bunker_command_duration_seconds_total", { command: "set" }) as number;
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(10);
  });

  test("/health is 200 with every shard's log ok", async () => {
    const res = await fetch(`http://127.0.0.1:${httpPort}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", role: "standalone", problems: [], shards: [{ shard: 0, log: "ok" }, { shard: 1, log: "ok" }] });
  });

  test("other paths are 404, other methods 405", async () => {
    expect((await fetch(`http://127.0.0.1:${httpPort}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${httpPort}/metrics/x`)).status).toBe(404);
    const post = await fetch(`http://127.0.0.1:${httpPort}/health`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    expect((await fetch(`http://127.0.0.1:${httpPort}/metrics`, { method: "HEAD" })).status).toBe(200);
  });
});

test("a port already taken stops start-up with a clear message", async () => {
  const taken = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  try {
    await expect(startBunker({ args: ["--http-port", String(taken.port)] })).rejects.toThrow(/cannot start: HTTP on 127\.0\.0\.1:\d+/);
  } finally {
    taken.stop(true);
  }
});

describe("cluster", () => {
  let cluster: TestCluster;
  const httpPorts = new Map<number, number>();
  beforeAll(async () => {
    for (const id of [1, 2, 3]) httpPorts.set(id, await freePort());
    cluster = await startCluster(3, 2, { argsOf: (id) => ["--http-port", String(httpPorts.get(id))] });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  interface ClusterHealth {
    status: string;
    problems: string[];
    shards: { shard: number; leader: number; leading: boolean }[];
  }
  const healthOf = async (id: number): Promise<{ status: number; body: ClusterHealth }> => {
    const res = await fetch(`http://127.0.0.1:${httpPorts.get(id)}/health`);
    return { status: res.status, body: (await res.json()) as ClusterHealth };
  };

  test("every node is healthy once each shard has a leader, and the nodes agree on the leaders", async () => {
    await until("all nodes healthy", async () => {
      for (const id of [1, 2, 3]) if ((await healthOf(id)).status !== 200) return null;
      return true;
    });
    for (let shard = 0; shard < 2; shard++) {
      const leaders = new Set<number>();
      let leading = 0;
      for (const id of [1, 2, 3]) {
        const { samples } = parseMetrics(await (await fetch(`http://127.0.0.1:${httpPorts.get(id)}/metrics`)).text());
        leaders.add(value(samples, "bunker_raft_leader_id", { shard: String(shard) }) as number);
        leading += value(samples, "bunker_raft_is_leader", { shard: String(shard) }) as number;
      }
      expect(leading).toBe(1);
      if (leaders.size !== 1) {
        // A heartbeat may not have reached a follower yet; /health agrees with itself either way.
        await until(`one leader for shard ${shard}`, async () => {
          const seen = new Set<number>();
          for (const id of [1, 2, 3]) seen.add(((await healthOf(id)).body.shards[shard] as { leader: number }).leader);
          return seen.size === 1 ? true : null;
        });
      }
    }
  });

  test("a node that lost its majority answers 503 with the shards that have no leader", async () => {
    const survivor = cluster.nodes[0] as (typeof cluster.nodes)[number];
    for (const n of cluster.nodes.slice(1)) await n.handle.kill9();
    const unhealthy = await until("503 on the survivor", async () => {
      const h = await healthOf(survivor.id);
      return h.status === 503 && h.body.problems.length === 2 ? h : null;
    });
    expect(unhealthy.body.status).toBe("unavailable");
    expect(unhealthy.body.problems).toEqual(["shard 0: no known leader", "shard 1: no known leader"]);
    const { samples } = parseMetrics(await (await fetch(`http://127.0.0.1:${httpPorts.get(survivor.id)}/metrics`)).text());
    expect(value(samples, "bunker_up")).toBe(0);
  });
});
