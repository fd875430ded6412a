// MONITOR streams and CLIENT PAUSE ordering: one scenario run against redis-server 7.0 and Bunker, whose
// monitor streams (timestamps and client ports masked) and postponed-command outcomes must be identical.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { RawClient } from "./support/raw-client.ts";
import { type ServerHandle, startBunker, startRedis } from "./support/servers.ts";

/** Generous: postponed commands wait for a pause, and Bunker's replies for the disk. */
const replyTimeoutMs = 30_000;
/** Bound on INFO polls while waiting for a command to be postponed. */
const pollsMax = 400;
const pollIntervalMs = 10;
const endMarker = "end-of-scenario";

interface Outcome {
  monitorResp2: string[];
  monitorResp3: string[];
  replies: string[];
}

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("latin1");

async function connect(port: number): Promise<RawClient> {
  return RawClient.connect(port, { replyTimeoutMs });
}

/** Waits until INFO clients reports `count` blocked clients (postponed commands count, as in Redis). */
async function waitBlocked(probe: RawClient, count: number): Promise<void> {
  for (let i = 0; i < pollsMax; i++) {
    if (text(await probe.send(["INFO", "clients"])).includes(`blocked_clients:${count}\r\n`)) return;
    await Bun.sleep(pollIntervalMs);
  }
  throw new Error(`blocked_clients never reached ${count}`);
}

/**
 * The monitor's lines (and its own replies) up to the end marker, timestamps masked and client
 * addresses named by first use.
 */
async function drainMonitor(monitor: RawClient): Promise<string[]> {
  const lines: string[] = [];
  const names = new Map<string, string>();
  for (let i = 0; i < 1000; i++) {
    const line = text(await monitor.readReply()).replace(/^\+\d+\.\d{6} /, "+<time> ");
    // waitBlocked's polls: how many it takes is a matter of timing.
    if (line.includes('"INFO" "clients"')) continue;
    lines.push(line.replace(/\[(\d+) (127\.0\.0\.1:\d+)\]/, (_m, db: string, addr: string) => {
      if (!names.has(addr)) names.set(addr, `client${names.size + 1}`);
      return `[${db} ${names.get(addr)}]`;
    }));
    if (line.includes(endMarker)) return lines;
  }
  throw new Error("no end marker in the monitor stream");
}

async function scenario(port: number): Promise<Outcome> {
  const replies: string[] = [];
  const record = (label: string, bytes: Uint8Array): void => {
    replies.push(`${label} ${JSON.stringify(text(bytes))}`);
  };
  const monitor = await connect(port);
  record("monitor", await monitor.send(["MONITOR"]));
  const monitor3 = await connect(port);
  await monitor3.send(["HELLO", "3"]);
  record("monitor3", await monitor3.send(["MONITOR"]));
  const a = await connect(port);
  for (const argv of [
    ["SET", "k", 'he"l\\lo\n\r\t\x07\x08\x01\x7f\xff'], ["SELECT", "3"], ["SET", "n", "12345"], ["AUTH", "secret"], ["HELLO", "2", "AUTH", "default", "pw"],
    ["CONFIG", "GET", "maxmemory"], ["CLIENT", "ID"], ["CLIENT", "LIST"], ["SET"], ["NOSUCH"],
    ["MULTI"], ["INCR", "n"], ["GET", "n"], ["ECHO", "queued"], ["CONFIG", "GET", "hz"], ["EXEC"],
    ["MULTI"], ["SET", "x", "1"], ["BADCMD"], ["EXEC"], ["SELECT", "0"],
  ]) {
    const reply = await a.send(argv);
    if (argv[0] !== "CLIENT" && argv[0] !== "HELLO") record(argv.join(" "), reply);
  }
  // The monitor itself: keyspace commands refused, others run and are shown.
  for (const argv of [["GET", "k"], ["PUBLISH", "ch", "m"], ["PING"], ["ECHO", "e"]]) monitor.sendRaw(`${argv.join(" ")}\r\n`);

  // A WRITE pause: writes and PUBLISH wait in arrival order, reads pass.
  const pauser = await connect(port);
  const [w1, w2, w3, reader] = await Promise.all([connect(port), connect(port), connect(port), connect(port)]);
  record("pause write", await pauser.send(["CLIENT", "PAUSE", "600000", "WRITE"]));
  // Replies of postponed commands are recorded in the order they were sent: Redis writes the replies of
  // clients released together in no fixed order; the monitor stream shows the order they ran in.
  const late: Promise<[string, Uint8Array]>[] = [];
  const later = (label: string, client: RawClient, argv: string[]): void => {
    late.push(client.send(argv).then((r) => [label, r]));
  };
  const settle = async (): Promise<void> => {
    for (const [label, r] of await Promise.all(late)) record(label, r);
    late.length = 0;
  };
  later("w1 set", w1, ["SET", "p", "1"]);
  await waitBlocked(pauser, 1);
  later("w2 incr", w2, ["INCR", "p"]);
  await waitBlocked(pauser, 2);
  later("w3 publish", w3, ["PUBLISH", "ch", "x"]);
  await waitBlocked(pauser, 3);
  record("reader get during pause", await reader.send(["GET", "p"]));
  record("unpause", await pauser.send(["CLIENT", "UNPAUSE"]));
  await settle();
  record("after unpause", await reader.send(["GET", "p"]));

  // An ALL pause that ends by its timeout: every command waits, the pauser's own too.
  await reader.send(["SET", "e", "1", "PX", "50"]);
  record("pause all", await pauser.send(["CLIENT", "PAUSE", "1500", "ALL"]));
  later("w1 ping", w1, ["PING"]);
  await Bun.sleep(200);
  later("w2 get", w2, ["GET", "p"]);
  await Bun.sleep(200);
  later("pauser set", pauser, ["SET", "q", "2"]);
  await settle();

  // A WRITE pause freezes expiry: the expired key reads as gone but is not deleted until the pause ends.
  const expired = async (): Promise<string> => /expired_keys:(\d+)/.exec(text(await reader.send(["INFO", "stats"])))?.[1] ?? "?";
  await reader.send(["SET", "f", "1", "PX", "50"]);
  const before = await expired();
  record("pause write again", await pauser.send(["CLIENT", "PAUSE", "600000", "WRITE"]));
  await Bun.sleep(300);
  record("expired key during pause", await reader.send(["GET", "f"]));
  replies.push(`expired during pause: ${Number(await expired()) - Number(before)}`);
  await pauser.send(["CLIENT", "UNPAUSE"]);
  record("expired key after pause", await reader.send(["GET", "f"]));
  replies.push(`expired after pause: ${Number(await expired()) - Number(before)}`);

  await a.send(["ECHO", endMarker]);
  const monitorResp2 = await drainMonitor(monitor);
  const monitorResp3 = await drainMonitor(monitor3);
  for (const c of [monitor, monitor3, a, pauser, w1, w2, w3, reader]) c.close();
  return { monitorResp2, monitorResp3, replies };
}

let redis: ServerHandle | undefined;
let bunker: ServerHandle | undefined;

beforeAll(async () => {
  const started = await Promise.allSettled([startRedis(), startBunker({ args: ["--shards", "4"] })]);
  if (started[0].status === "fulfilled") redis = started[0].value;
  if (started[1].status === "fulfilled") bunker = started[1].value;
  for (const r of started) if (r.status === "rejected") throw r.reason;
}, 40_000);

afterAll(async () => {
  for (const s of [redis, bunker]) {
    if (s === undefined) continue;
    await s.stop();
    await s.removeDir();
  }
});

test("MONITOR streams and paused commands match redis-server", async () => {
  if (redis === undefined || bunker === undefined) throw new Error("servers did not start");
  const [expected, actual] = await Promise.all([scenario(redis.port), scenario(bunker.port)]);
  expect(actual.replies).toEqual(expected.replies);
  expect(actual.monitorResp2).toEqual(expected.monitorResp2);
  expect(actual.monitorResp3).toEqual(expected.monitorResp3);
}, 120_000);
