// SLOWLOG, LATENCY and LASTSAVE where one connection cannot show it: a blocking command enters the slow
// log when it is served or unblocked (not when it blocks, not when it times out), latency samples of a
// slow command, commandstats of EXEC's commands, against redis-server 7.0; LASTSAVE after merges.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RawClient, decodeReply, type Reply } from "./support/raw-client.ts";
import { startBunker, startRedis, type ServerHandle } from "./support/servers.ts";

let redis: ServerHandle;
let bunker: ServerHandle;
beforeAll(async () => {
  [redis, bunker] = await Promise.all([startRedis(), startBunker({ args: ["--shards", "2"] })]);
});
afterAll(async () => {
  await Promise.all([redis?.stop(), bunker?.stop()]);
  await Promise.all([redis?.removeDir(), bunker?.removeDir()]);
});

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("latin1");

function items(reply: Reply): Reply[] {
  if ((reply.type === "array" || reply.type === "set") && reply.value !== null) return reply.value;
  throw new Error(`not an array: ${JSON.stringify(reply.type)}`);
}

function str(reply: Reply | undefined): string {
  if (reply?.type === "bulk" && reply.value !== null) return Buffer.from(reply.value).toString("latin1");
  if (reply?.type === "integer") return String(reply.value);
  throw new Error("not a string or integer");
}

/** SLOWLOG GET -1 as [argv joined by spaces, client address, client name] per entry, newest first. */
async function slowlog(c: RawClient): Promise<[string, string, string][]> {
  return items(decodeReply(await c.send(["SLOWLOG", "GET", "-1"]))).map((e) => {
    const f = items(e);
    return [items(f[3] as Reply).map(str).join(" "), str(f[4]), str(f[5])];
  });
}

/** Runs `scenario` against both servers; returns both results for comparison. */
async function onBoth<T>(scenario: (port: number) => Promise<T>): Promise<[T, T]> {
  return [await scenario(redis.port), await scenario(bunker.port)];
}

describe("blocking commands in the slow log", () => {
  test("BLPOP is logged once served, with its own client; a timeout is not logged", async () => {
    const [r, b] = await onBoth(async (port) => {
      const admin = await RawClient.connect(port);
      const waiter = await RawClient.connect(port);
      await waiter.send(["CLIENT", "SETNAME", "waiter"]);
      await admin.send(["CONFIG", "SET", "slowlog-log-slower-than", "0"]);
      await admin.send(["SLOWLOG", "RESET"]);
      const popped = waiter.send(["BLPOP", "q", "0"]);
      await Bun.sleep(50);
      const whileBlocked = await slowlog(admin);
      await admin.send(["RPUSH", "q", "x"]);
      expect(text(await popped)).toBe("*2\r\n$1\r\nq\r\n$1\r\nx\r\n");
      await waiter.send(["BLPOP", "none", "0.05"]);
      const after = await slowlog(admin);
      await admin.send(["CONFIG", "SET", "slowlog-log-slower-than", "10000"]);
      const waiterAddr = text(await waiter.send(["CLIENT", "INFO"])).match(/addr=(\S+)/)?.[1];
      admin.close();
      waiter.close();
      // Addresses differ between the servers: keep only whether the entry names the waiter.
      const mark = (rows: [string, string, string][]): string[] => rows.map(([argv, addr, name]) => `${argv} | ${addr === waiterAddr ? "waiter-addr" : "other"} | ${name}`);
      return { whileBlocked: mark(whileBlocked), after: mark(after) };
    });
    expect(b).toEqual(r);
    expect(r.whileBlocked.some((e) => e.startsWith("BLPOP"))).toBe(false);
    expect(r.after.filter((e) => e.startsWith("BLPOP"))).toEqual(["BLPOP q 0 | waiter-addr | waiter"]);
  });

  test("a command unblocked by CLIENT UNBLOCK is logged and counted as failed", async () => {
    const [r, b] = await onBoth(async (port) => {
      const admin = await RawClient.connect(port);
      const waiter = await RawClient.connect(port);
      const id = text(await waiter.send(["CLIENT", "ID"])).slice(1, -2);
      await admin.send(["CONFIG", "RESETSTAT"]);
      await admin.send(["CONFIG", "SET", "slowlog-log-slower-than", "0"]);
      await admin.send(["SLOWLOG", "RESET"]);
      const popped = waiter.send(["BRPOP", "nothing", "0"]);
      await Bun.sleep(50);
      await admin.send(["CLIENT", "UNBLOCK", id]);
      await popped;
      // Client ids differ between the servers. Redis 7.0 logs the unblocked command without arguments.
      const entries = (await slowlog(admin)).map(([argv]) => argv.replace(`UNBLOCK ${id}`, "UNBLOCK <id>"));
      await admin.send(["CONFIG", "SET", "slowlog-log-slower-than", "10000"]);
      const stats = text(await admin.send(["INFO", "commandstats"])).match(/cmdstat_brpop:calls=(\d+),usec=\d+,usec_per_call=[\d.]+,rejected_calls=(\d+),failed_calls=(\d+)/);
      admin.close();
      waiter.close();
      return { entries, stats: stats?.slice(1) };
    });
    expect(b).toEqual(r);
    expect(r.entries).toEqual(["CLIENT UNBLOCK <id>", "", "SLOWLOG RESET"]);
  });
});

test("commands run by EXEC are counted in INFO commandstats, as in Redis", async () => {
  const [r, b] = await onBoth(async (port) => {
    const c = await RawClient.connect(port);
    await c.send(["CONFIG", "RESETSTAT"]);
    await c.sendMany([["MULTI"], ["SET", "a", "1"], ["INCR", "a"], ["LPUSH", "a", "x"], ["EXEC"]]);
    await c.send(["SLOWLOG", "LEN"]);
    const body = text(await c.send(["INFO", "commandstats"]));
    c.close();
    return [...body.matchAll(/cmdstat_([a-z|]+):calls=(\d+),usec=\d+,usec_per_call=[\d.]+,rejected_calls=(\d+),failed_calls=(\d+)/g)].map((m) => m.slice(1).join(" ")).sort();
  });
  expect(b).toEqual(r);
  expect(r).toContain("lpush 1 0 1");
  expect(r).toContain("slowlog|len 1 0 0");
});

test("a command slower than latency-monitor-threshold is a 'command' latency sample", async () => {
  const members = Array.from({ length: 200_000 }, (_, i) => `member-${i}`);
  const [r, b] = await onBoth(async (port) => {
    const c = await RawClient.connect(port);
    // SADD is a fast command (its samples are "fast-command"): it fills the set with the monitor off.
    await c.send(["SADD", "big", ...members]);
    await c.send(["LATENCY", "RESET"]);
    await c.send(["CONFIG", "SET", "latency-monitor-threshold", "1"]);
    const before = Math.floor(Date.now() / 1000);
    await c.send(["SMEMBERS", "big"]);
    await c.send(["CONFIG", "SET", "latency-monitor-threshold", "0"]);
    const latest = items(decodeReply(await c.send(["LATENCY", "LATEST"]))).map((e) => items(e).map(str));
    const history = items(decodeReply(await c.send(["LATENCY", "HISTORY", "command"]))).map((e) => items(e).map(str).map(Number));
    const resets = text(await c.send(["LATENCY", "RESET", "COMMAND"]));
    const after = text(await c.send(["LATENCY", "LATEST"]));
    await c.send(["DEL", "big"]);
    c.close();
    const command = latest.find((e) => e[0] === "command");
    if (command === undefined) throw new Error(`no 'command' event in ${JSON.stringify(latest)}`);
    const [, time, latencyMs, maxMs] = command.map(Number) as [number, number, number, number];
    expect(time).toBeGreaterThanOrEqual(before);
    expect(latencyMs).toBeGreaterThanOrEqual(1);
    expect(maxMs).toBeGreaterThanOrEqual(latencyMs);
    expect(history.at(-1)).toEqual([time, latencyMs]);
    return { events: latest.map((e) => e[0]).sort(), resets, after };
  });
  expect(b).toEqual(r);
  expect(r.after).toBe("*0\r\n");
});

test("LASTSAVE is the start time until every shard has merged, then moves", async () => {
  const c = await RawClient.connect(bunker.port);
  const first = Number(text(await c.send(["LASTSAVE"])).slice(1, -2));
  expect(first).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  expect(first).toBeGreaterThan(Math.floor(Date.now() / 1000) - 120);
  await c.send(["SET", "k", "v"]);
  await Bun.sleep(1100);
  expect(text(await c.send(["BGREWRITEAOF"]))).toBe("+Background append only file rewriting started\r\n");
  const merges = async (): Promise<number> => Number(/bunker_merges:(\d+)/.exec(text(await c.send(["INFO", "persistence"])))?.[1]);
  for (let i = 0; i < 200 && (await merges()) < 2; i++) await Bun.sleep(25);
  const second = Number(text(await c.send(["LASTSAVE"])).slice(1, -2));
  expect(second).toBeGreaterThan(first);
  expect(second).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  c.close();
});

test("LATENCY HISTOGRAM and INFO latencystats: calls and cumulative counts per command, as in Redis", async () => {
  const [r, b] = await onBoth(async (port) => {
    const c = await RawClient.connect(port);
    await c.send(["CONFIG", "RESETSTAT"]);
    for (let i = 0; i < 3; i++) await c.send(["SET", "h", String(i)]);
    await c.send(["CLIENT", "ID"]);
    await c.send(["CLIENT", "GETNAME"]);
    // BLPOP that is served: recorded once, when it is served.
    const waiter = await RawClient.connect(port);
    const popped = waiter.send(["BLPOP", "hq", "0"]);
    await Bun.sleep(50);
    await c.send(["RPUSH", "hq", "x"]);
    await popped;
    waiter.close();
    const histo = decodeReply(await c.send(["LATENCY", "HISTOGRAM", "set", "client", "blpop", "nosuch"]));
    const entries = items(histo);
    const byName = new Map<string, Reply>();
    for (let i = 0; i < entries.length; i += 2) byName.set(str(entries[i]), entries[i + 1] as Reply);
    const summary = [...byName].map(([name, v]) => {
      const f = items(v);
      const cdf = items(f[3] as Reply).map((x) => Number(str(x)));
      const cumulative = cdf.filter((_, i) => i % 2 === 1);
      // Buckets grow, counts are cumulative and end at calls.
      const bucketsIncrease = cdf.filter((_, i) => i % 2 === 0).every((u, i, a) => i === 0 || u > (a[i - 1] as number));
      const countsIncrease = cumulative.every((n, i) => i === 0 || n > (cumulative[i - 1] as number));
      return `${name} ${str(f[0])}=${str(f[1])} ${str(f[2])} last=${cumulative[cumulative.length - 1]} ${bucketsIncrease && countsIncrease}`;
    }).sort();
    const info = text(await c.send(["INFO", "latencystats"]));
    const lines = info.split("\r\n").filter((l) => /^latency_percentiles_usec_(set|blpop|client\|id):/.test(l)).map((l) => l.replace(/=[\d.]+/g, "=N")).sort();
    c.close();
    return { summary, header: info.split("\r\n").find((l) => l.startsWith("# ")), lines };
  });
  expect(b).toEqual(r);
  expect(r.summary).toEqual(["blpop calls=1 histogram_usec last=1 true", "client|getname calls=1 histogram_usec last=1 true", "client|id calls=1 histogram_usec last=1 true", "set calls=3 histogram_usec last=3 true"]);
  expect(r.lines).toEqual(["latency_percentiles_usec_blpop:p50=N,p99=N,p99.9=N", "latency_percentiles_usec_client|id:p50=N,p99=N,p99.9=N", "latency_percentiles_usec_set:p50=N,p99=N,p99.9=N"]);
});

test("an active expiry cycle slower than latency-monitor-threshold is an 'expire-cycle' latency sample", async () => {
  const c = await RawClient.connect(bunker.port);
  await c.send(["CONFIG", "SET", "latency-monitor-threshold", "1"]);
  await c.send(["LATENCY", "RESET"]);
  // 30k keys expiring at once: the cycle keeps finding expired keys and runs up to its 25 ms budget.
  for (let batch = 0; batch < 30; batch++) {
    const args = ["MSET"];
    for (let i = 0; i < 1000; i++) args.push(`exp:${batch}:${i}`, "v");
    await c.send(args);
  }
  const at = Date.now() + 200;
  const p: string[][] = [];
  for (let batch = 0; batch < 30; batch++) for (let i = 0; i < 1000; i++) p.push(["PEXPIREAT", `exp:${batch}:${i}`, String(at)]);
  await Promise.all(p.map((cmd) => c.send(cmd)));
  let history: Reply[] = [];
  const deadline = Date.now() + 20_000;
  while (history.length === 0 && Date.now() < deadline) {
    await Bun.sleep(100);
    history = items(decodeReply(await c.send(["LATENCY", "HISTORY", "expire-cycle"])));
  }
  expect(history.length).toBeGreaterThan(0);
  const latest = items(decodeReply(await c.send(["LATENCY", "LATEST"]))).map((e) => str(items(e)[0]));
  expect(latest).toContain("expire-cycle");
  expect(Number(/expire_cycle_cpu_milliseconds:(\d+)/.exec(text(await c.send(["INFO", "stats"])))?.[1])).toBeGreaterThan(0);
  await c.send(["CONFIG", "SET", "latency-monitor-threshold", "0"]);
  c.close();
});

test("MEMORY DOCTOR reports the dataset against maxmemory and warns near the limit", async () => {
  const c = await RawClient.connect(bunker.port);
  await c.send(["FLUSHALL"]);
  for (let i = 0; i < 20; i++) await c.send(["SET", `md:${i}`, "x".repeat(1000)]);
  const relaxed = text(await c.send(["MEMORY", "DOCTOR"]));
  expect(relaxed).toContain("Dataset: 20 keys");
  expect(relaxed).toContain("maxmemory is 0 (no limit)");
  expect(relaxed).toContain("Nothing needs attention.");
  const used = Number(/used_memory:(\d+)/.exec(text(await c.send(["INFO", "memory"])))?.[1]);
  await c.send(["CONFIG", "SET", "maxmemory", String(Math.ceil(used * 1.05))]);
  const tight = text(await c.send(["MEMORY", "DOCTOR"]));
  expect(tight).toMatch(/maxmemory: [\d.]+ MiB \(9\d\.\d% used\), policy noeviction\./);
  expect(tight).toContain("within 10% of maxmemory");
  await c.send(["CONFIG", "SET", "maxmemory", "0"]);
  await c.send(["FLUSHALL"]);
  c.close();
});
