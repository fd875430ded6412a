// LOCK and FETCH_OR_COMPUTE races on a 3-node cluster of real Bunker processes, through leader changes.
//
// 1. Many ioredis Cluster clients race for one lock (LOCK / EXTEND / UNLOCK or let expire) and one
//    FETCH_OR_COMPUTE key (in rounds: DEL, everybody asks, the computer stores a value, everybody must
//    end with a hit) while the leader of the keys' shard is SIGKILLed mid-race and later restarted.
//    Checked from what the clients saw: fencing tokens strictly increase in grant order and are never
//    reused; no two holders' validity overlaps (a holder counts its lease from when it *sent* LOCK or
//    EXTEND, and stops at its UNLOCK, so a server that granted too early shows up as an overlap); within
//    a compute round a second computer is granted only after a leader change; every hit of a round is
//    the one value stored; both races carry on after the failover.
// 2. A leader with a computation in flight is paused (SIGSTOP) until the others elect a new leader, then
//    resumed: it steps down, and its parked waiters are redirected at once instead of waiting out their
//    60 s bound; they finish on the new leader with one stored value.
//
// Timing only sets generous bounds; the assertions are about order and values.
import { afterAll, beforeAll, expect, test } from "bun:test";
import Redis, { Cluster, Command } from "ioredis";
import { keySlot, shardOfSlot } from "../src/keyspace/slot.ts";
import { freePort, startBunker, type ServerHandle } from "./support/servers.ts";

const nodeCount = 3;
const shards = 2;
const secret = "cluster-native-test-secret-0123";
const settleTimeoutMs = 20_000;
const lockKey = "{race}:lock";
const computeKey = "{race}:value";
const raceShard = shardOfSlot(keySlot(lockKey), shards);
/** Lease of every LOCK/EXTEND in the race. */
const lockTtlMs = 300;
/** A computer's lease and a waiter's bound: far longer than any failover, so neither lapses in the race. */
const computeTtlMs = 20_000;

interface Node {
  readonly id: number;
  readonly port: number;
  readonly clusterPort: number;
  handle: ServerHandle;
}

const nodes: Node[] = [];
let peers = "";
const clients: (Cluster | Redis)[] = [];

function start(id: number, port: number, clusterPort: number, dir?: string): Promise<ServerHandle> {
  return startBunker({
    port,
    ...(dir !== undefined ? { dir } : {}),
    args: ["--shards", String(shards), "--node-id", String(id), "--cluster-peers", peers, "--cluster-secret", secret],
  });
}

beforeAll(async () => {
  const ports: [number, number][] = [];
  for (let i = 0; i < nodeCount; i++) ports.push([await freePort(), await freePort()]);
  peers = ports.map(([p, c], i) => `${i + 1}=127.0.0.1:${p}@${c}`).join(",");
  const handles = await Promise.all(ports.map(([p, c], i) => start(i + 1, p, c)));
  handles.forEach((handle, i) => nodes.push({ id: i + 1, port: (ports[i] as [number, number])[0], clusterPort: (ports[i] as [number, number])[1], handle }));
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  for (const n of nodes) {
    n.handle.proc.kill("SIGCONT");
    await n.handle.kill9();
    await n.handle.removeDir();
  }
});

function plain(port: number): Redis {
  const r = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: true });
  r.on("error", () => {});
  return r;
}

/**
 * A cluster-aware client. Replies lost with a connection (the node died) are rejected rather than sent
 * again on reconnection: the race's own loops decide what to retry.
 */
function clusterClient(): Cluster {
  const c = new Cluster(
    nodes.map((n) => ({ host: "127.0.0.1", port: n.port })),
    {
      maxRedirections: 200,
      retryDelayOnFailover: 50,
      retryDelayOnClusterDown: 50,
      retryDelayOnTryAgain: 50,
      redisOptions: { maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false, connectTimeout: 2000 },
    },
  );
  c.on("error", () => {});
  clients.push(c);
  return c;
}

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = settleTimeoutMs): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await probe();
      if (v !== null) return v;
    } catch (e: unknown) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await Bun.sleep(50);
  }
}

/** The port of the race shard's leader, once every given node agrees on one that is not `excluding`. */
async function raceLeader(among: readonly Node[], excluding = 0): Promise<number> {
  return until("the race shard to have one agreed leader", async () => {
    let agreed: number | null = null;
    for (const n of among) {
      const r = plain(n.port);
      try {
        const slots = (await r.call("CLUSTER", "SLOTS")) as [number, number, [string, number, string]][];
        const leader = slots[raceShard]?.[2][1];
        if (leader === undefined || leader === excluding || (agreed !== null && agreed !== leader)) return null;
        agreed = leader;
      } finally {
        r.disconnect();
      }
    }
    if (agreed === null) return null;
    // The leader must also have caught up (it answers TRYAGAIN until then).
    const r = plain(agreed);
    try {
      await r.set("{race}:probe", "x");
    } finally {
      r.disconnect();
    }
    return agreed;
  });
}

/**
 * Sends a native command (key first) straight to its slot's master. ioredis only knows the key positions
 * of Redis's own commands and would send Bunker's to a random node (and follow the MOVED from there).
 */
function keyed(c: Cluster, name: string, key: string, ...args: (string | number)[]): Promise<unknown> {
  const cmd = new Command(name, [key, ...args], { replyEncoding: "utf8" });
  (cmd as unknown as { slot: number }).slot = keySlot(key);
  c.sendCommand(cmd);
  return cmd.promise;
}

/**
 * GET answered by the key's shard leader: a plain connection (never READONLY) to the next node in turn;
 * a node that does not lead the shard forwards the command to its leader, which answers after a ReadIndex
 * round, so the read sees every write acknowledged before it (docs/ARCHITECTURE.md, "Linearizable
 * reads"). Throws on any error (a node down, no leader yet, a forwarding failure): callers retry.
 *
 * Not through a Cluster client: ioredis sends READONLY on its connections to nodes it lists as replicas,
 * and after a failover, with the master it knew gone from its pool, it sends reads meant for the master to
 * any node it has a connection to. The nodes forward its writes instead of answering MOVED, so it may never
 * refresh its slot map, and such a read on a READONLY connection to a follower is answered from that
 * follower's applied state: possibly stale, as documented for READONLY (seen: a GET on a follower 4 ms
 * after the leader stored a round's value, which every racer already had, answered nil).
 */
let leaderGetTurn = 0;
async function leaderGet(key: string): Promise<string | null> {
  const n = nodes[leaderGetTurn++ % nodes.length] as Node;
  const r = plain(n.port);
  try {
    return await r.get(key);
  } finally {
    r.disconnect();
  }
}

/** A reply's error code (its first word), or null for a connection-level failure. */
function serverError(e: unknown): string | null {
  // A node that forwarded the command lost its link to the leader (src/server/forward.ts): the same as
  // a lost connection, the command may or may not have run.
  if (e instanceof Error && e.message.startsWith("ERR forwarding to the shard's leader")) return null;
  const m = e instanceof Error ? /^([A-Z]+) /.exec(e.message) : null;
  const code = m?.[1] ?? null;
  // Routing answers ioredis gave up following count as "try again", like a lost connection.
  return code === null || code === "MOVED" || code === "TRYAGAIN" || code === "CLUSTERDOWN" ? null : code;
}

// ---- the lock race ----

interface Grant {
  readonly token: number;
  readonly owner: string;
  /** When LOCK was sent: the server's lease (logged time + ttl) cannot end before sentAt + ttl. */
  readonly sentAt: number;
  readonly receivedAt: number;
  /** The end of what the holder may rely on: the last acknowledged lease, or its first UNLOCK. */
  validUntil: number;
}

async function lockWorker(c: Cluster, name: string, grants: Grant[], stop: () => boolean): Promise<void> {
  let cycle = 0;
  while (!stop()) {
    // One owner name per acquisition: a LOCK retried after a lost reply is the same acquisition (the
    // server answers the same token), a new acquisition never reuses an owner.
    const owner = `${name}#${cycle++}`;
    let grant: Grant | null = null;
    while (!stop() && grant === null) {
      const sentAt = Date.now();
      try {
        const token = (await keyed(c, "LOCK", lockKey, owner, lockTtlMs)) as number;
        grant = { token, owner, sentAt, receivedAt: Date.now(), validUntil: sentAt + lockTtlMs };
      } catch (e: unknown) {
        const code = serverError(e);
        if (code !== null && code !== "LOCKED") throw e;
        await Bun.sleep(code === "LOCKED" ? 5 + Math.random() * 10 : 50);
      }
    }
    if (grant === null) return;
    grants.push(grant);
    // Hold, extend once, hold; then unlock, or (one time in three) walk away and let the lease expire.
    await Bun.sleep(20 + Math.random() * 40);
    if (Date.now() < grant.validUntil) {
      const sentAt = Date.now();
      try {
        if ((await keyed(c, "EXTEND", lockKey, owner, lockTtlMs)) === 1) grant.validUntil = Math.max(grant.validUntil, sentAt + lockTtlMs);
      } catch (e: unknown) {
        const code = serverError(e);
        if (code !== null && code !== "NOTHELD" && code !== "LOCKED") throw e;
      }
    }
    await Bun.sleep(20 + Math.random() * 40);
    if (Math.random() < 1 / 3) continue;
    // The holder stops relying on the lock when it sends the first UNLOCK, whatever becomes of it.
    grant.validUntil = Math.min(grant.validUntil, Date.now());
    for (let attempt = 0; attempt < 5 && !stop(); attempt++) {
      try {
        await keyed(c, "UNLOCK", lockKey, owner);
        break;
      } catch (e: unknown) {
        const code = serverError(e);
        if (code === "LOCKED") break; // expired and taken by another meanwhile
        if (code !== null) throw e;
        await Bun.sleep(50);
      }
    }
  }
}

// ---- the compute race ----

interface ComputeGrant {
  readonly round: number;
  readonly racer: number;
  readonly sentAt: number;
  readonly receivedAt: number;
}

/** One racer's part in one round: ends with the value it was handed (a hit), or null if stopped. */
async function racer(c: Cluster, i: number, round: number, grants: ComputeGrant[], stop: () => boolean): Promise<string | null> {
  let computed = 0;
  while (!stop()) {
    const sentAt = Date.now();
    let reply: [string, string | null];
    try {
      reply = (await keyed(c, "FETCH_OR_COMPUTE", computeKey, computeTtlMs, `racer-${i}`)) as [string, string | null];
    } catch (e: unknown) {
      if (serverError(e) !== null) throw e;
      await Bun.sleep(50);
      continue;
    }
    if (reply[0] === "hit") return reply[1];
    expect(reply).toEqual(["compute", `racer-${i}`]);
    grants.push({ round, racer: i, sentAt, receivedAt: Date.now() });
    await Bun.sleep(30 + Math.random() * 30);
    const value = `round-${round}-by-${i}-${computed++}`;
    // Retried until answered (even once the race is stopping: others may be waiting for it): a stored
    // value (waiters woken) or nil (someone else's value won).
    for (;;) {
      try {
        await keyed(c, "FETCH_OR_COMPUTE_RESULT", computeKey, value, 600_000);
        break;
      } catch (e: unknown) {
        if (serverError(e) !== null) throw e;
        await Bun.sleep(50);
      }
    }
    // Back to FETCH_OR_COMPUTE: the computer too ends with the value that was stored.
  }
  return null;
}

interface Round {
  readonly round: number;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly values: readonly (string | null)[];
  readonly stored: string | null;
}

async function computeRounds(racers: readonly Cluster[], admin: Cluster, grants: ComputeGrant[], rounds: Round[], stop: () => boolean): Promise<void> {
  for (let round = 0; !stop(); round++) {
    const startedAt = Date.now();
    for (;;) {
      try {
        await admin.del(computeKey);
        break;
      } catch {
        await Bun.sleep(50);
      }
    }
    const values = await Promise.all(racers.map((c, i) => racer(c, i, round, grants, stop)));
    if (stop()) return;
    let stored: string | null = null;
    for (;;) {
      try {
        stored = await leaderGet(computeKey);
        break;
      } catch {
        await Bun.sleep(50);
      }
    }
    rounds.push({ round, startedAt, endedAt: Date.now(), values, stored });
  }
}

/** Polls who leads the race shard; records each change with the time it was seen. */
function watchLeader(changes: { at: number; port: number }[], stop: () => boolean): Promise<void> {
  return (async () => {
    let last = 0;
    while (!stop()) {
      for (const n of nodes) {
        const r = plain(n.port);
        try {
          const slots = (await r.call("CLUSTER", "SLOTS")) as [number, number, [string, number, string]][];
          const leader = slots[raceShard]?.[2][1];
          if (leader !== undefined && leader !== last) {
            changes.push({ at: Date.now(), port: leader });
            last = leader;
          }
          break;
        } catch {
          // that node is down: ask the next
        } finally {
          r.disconnect();
        }
      }
      await Bun.sleep(50);
    }
  })();
}

test("LOCK and FETCH_OR_COMPUTE races hold through a SIGKILLed leader and its restart", async () => {
  const leaderPort = await raceLeader(nodes);
  const victim = nodes.find((n) => n.port === leaderPort) as Node;
  let stopped = false;
  const stop = (): boolean => stopped;
  const lockGrants: Grant[] = [];
  const computeGrants: ComputeGrant[] = [];
  const rounds: Round[] = [];
  const leaderChanges: { at: number; port: number }[] = [];
  const lockers = Array.from({ length: 6 }, () => clusterClient());
  const racers = Array.from({ length: 8 }, () => clusterClient());
  const admin = clusterClient();
  const running = [
    ...lockers.map((c, i) => lockWorker(c, `locker-${i}`, lockGrants, stop)),
    computeRounds(racers, admin, computeGrants, rounds, stop),
    watchLeader(leaderChanges, stop),
  ];
  const failures: unknown[] = [];
  const all = Promise.all(running.map((p) => p.catch((e: unknown) => void failures.push(e))));

  await until("both races to be under way", async () => (lockGrants.length >= 20 && rounds.length >= 5 ? true : null));
  const killedAt = Date.now();
  await victim.handle.kill9();
  const survivors = nodes.filter((n) => n !== victim);
  const newLeader = await raceLeader(survivors, victim.port);
  const electedAt = Date.now();
  // Both races resume on the new leader.
  await until("the lock race to resume", async () => (lockGrants.filter((g) => g.sentAt > electedAt).length >= 10 ? true : null));
  await until("compute rounds to resume", async () => (rounds.filter((r) => r.startedAt > electedAt).length >= 3 ? true : null));
  // The victim rejoins on its own data; the races carry on meanwhile.
  victim.handle = await start(victim.id, victim.port, victim.clusterPort, victim.handle.dir);
  const restartedAt = Date.now();
  await until("the races to carry on after the restart", async () => (lockGrants.filter((g) => g.sentAt > restartedAt).length >= 10 && rounds.filter((r) => r.startedAt > restartedAt).length >= 3 ? true : null));
  stopped = true;
  await all;
  expect(failures).toEqual([]);
  const shared = rounds
    .map((r) => computeGrants.filter((g) => g.round === r.round))
    .filter((gs) => gs.length > 1)
    .map((gs) => `round ${gs[0]?.round}: ${gs.map((g) => `racer ${g.racer} at ${g.receivedAt - killedAt} ms`).join(", ")}`);
  const heldAtKill = lockGrants.find((g) => g.receivedAt <= killedAt && g.validUntil > killedAt);
  const nextAfterKill = lockGrants.filter((g) => g.receivedAt > killedAt).sort((x, y) => x.receivedAt - y.receivedAt)[0];
  const lockAtKill =
    heldAtKill === undefined
      ? "no lock held at the kill"
      : `token ${heldAtKill.token} held at the kill, valid until +${heldAtKill.validUntil - killedAt} ms; next grant token ${nextAfterKill?.token} at +${(nextAfterKill?.receivedAt ?? 0) - killedAt} ms`;
  console.log(
    `cluster native race: ${lockAtKill}; ${lockGrants.length} lock grants, ${rounds.length} compute rounds, ${computeGrants.length} computers; leader ${victim.port} killed, ${newLeader} elected after ${electedAt - killedAt} ms; leader changes seen: ${leaderChanges.map((c) => c.port).join(" -> ")}; rounds with more than one computer (times from the kill): ${shared.join("; ") || "none"}`,
  );

  // Fencing tokens: strictly increasing in grant order, never reused, across the failover.
  const byReceipt = [...lockGrants].sort((a, b) => a.receivedAt - b.receivedAt);
  for (let i = 1; i < byReceipt.length; i++) {
    const [prev, next] = [byReceipt[i - 1] as Grant, byReceipt[i] as Grant];
    if (next.token <= prev.token) throw new Error(`token ${next.token} (${next.owner}) granted after ${prev.token} (${prev.owner})`);
  }
  expect(lockGrants.some((g) => g.sentAt < killedAt)).toBe(true);
  expect(lockGrants.some((g) => g.sentAt > electedAt)).toBe(true);
  // One holder at a time: a grant comes only after the previous holder's validity ended.
  const byToken = [...lockGrants].sort((a, b) => a.token - b.token);
  for (let i = 1; i < byToken.length; i++) {
    const [prev, next] = [byToken[i - 1] as Grant, byToken[i] as Grant];
    if (next.receivedAt < prev.validUntil) {
      throw new Error(`${next.owner} got token ${next.token} at ${next.receivedAt} while ${prev.owner} (token ${prev.token}) could rely on its lock until ${prev.validUntil}`);
    }
  }

  // Compute rounds: every racer ended with the value stored for the round, which one of its computers sent.
  expect(rounds.length).toBeGreaterThan(6);
  for (const r of rounds) {
    const computers = computeGrants.filter((g) => g.round === r.round);
    if (r.stored === null || !r.values.every((v) => v === r.stored)) {
      const asked = computers.map((g) => `racer ${g.racer} at ${g.receivedAt - killedAt} ms`).join(", ");
      throw new Error(`round ${r.round} (${r.startedAt - killedAt} to ${r.endedAt - killedAt} ms from the kill; computers: ${asked}): the racers ended with ${JSON.stringify(r.values)}, the leader then held ${JSON.stringify(r.stored)}`);
    }
    expect(computers.length).toBeGreaterThanOrEqual(1);
    expect(computers.some((g) => (r.stored ?? "").startsWith(`round-${r.round}-by-${g.racer}-`))).toBe(true);
    // A second computer in a round only after a leader change that came after the first was asked for.
    const changes = [killedAt, ...leaderChanges.slice(1).map((c) => c.at)];
    for (let i = 1; i < computers.length; i++) {
      const [prev, next] = [computers[i - 1] as ComputeGrant, computers[i] as ComputeGrant];
      // (A change is seen by the poller up to a poll later than it happened, hence the slack.)
      const between = changes.some((at) => at > prev.sentAt && at < next.receivedAt + 2000);
      if (!between) throw new Error(`round ${r.round}: racer ${next.racer} was told to compute at ${next.receivedAt} while racer ${prev.racer} (asked at ${prev.sentAt}) was, with no leader change between`);
    }
  }
  expect(rounds.some((r) => r.startedAt > electedAt)).toBe(true);

  // Every node, the restarted one included, ends with the same lock record, whose counter is at least
  // the last token handed out.
  const last = byToken[byToken.length - 1] as Grant;
  const records: string[] = [];
  for (const n of nodes) {
    const r = plain(n.port);
    try {
      await r.call("READONLY");
      records.push(
        await until(`node ${n.id} to catch up`, async () => {
          const rec = (await r.hgetall(lockKey)) as Record<string, string>;
          return Number(rec.token) >= last.token ? JSON.stringify(rec) : null;
        }),
      );
    } finally {
      r.disconnect();
    }
  }
  await until("every node to hold the same lock record", async () => {
    const now: string[] = [];
    for (const n of nodes) {
      const r = plain(n.port);
      try {
        await r.call("READONLY");
        now.push(JSON.stringify(await r.hgetall(lockKey)));
      } finally {
        r.disconnect();
      }
    }
    return now.every((x) => x === now[0]) ? true : null;
  });
  expect(records.length).toBe(nodeCount);
}, 120_000);

test("a leader that steps down redirects its parked waiters instead of keeping them", async () => {
  const key = "{race}:paused";
  const leaderPort = await raceLeader(nodes);
  const old = nodes.find((n) => n.port === leaderPort) as Node;
  const computer = clusterClient();
  const waiters = Array.from({ length: 5 }, () => clusterClient());
  const waitBoundMs = 60_000;
  expect(await keyed(computer, "FETCH_OR_COMPUTE", key, waitBoundMs)).toEqual(["compute", null]);
  const computedBy: number[] = [];
  const results = waiters.map(async (c, i) => {
    for (;;) {
      let reply: [string, string | null];
      try {
        reply = (await keyed(c, "FETCH_OR_COMPUTE", key, waitBoundMs)) as [string, string | null];
      } catch (e: unknown) {
        if (serverError(e) !== null) throw e;
        await Bun.sleep(50);
        continue;
      }
      if (reply[0] === "hit") return reply[1];
      computedBy.push(i);
      await keyed(c, "FETCH_OR_COMPUTE_RESULT", key, `by-waiter-${i}`, 600_000);
    }
  });
  // Let the waiters park behind the claim, then pause the leader until the others replace it.
  await Bun.sleep(300);
  old.handle.proc.kill("SIGSTOP");
  let resumedAt = 0;
  try {
    await raceLeader(nodes.filter((n) => n !== old), old.port);
  } finally {
    old.handle.proc.kill("SIGCONT");
    resumedAt = Date.now();
  }
  // Resumed, the old leader hears of the new term and steps down: the waiters are redirected (MOVED) and
  // one of them computes on the new leader. Without that they would wait out their 60 s bound.
  const values = await Promise.all(results);
  const waitedMs = Date.now() - resumedAt;
  expect(waitedMs).toBeLessThan(waitBoundMs / 2);
  expect(computedBy.length).toBe(1);
  expect(values.every((v) => v === `by-waiter-${computedBy[0]}`)).toBe(true);
  // The first computer, whose claim died with the old leadership, comes back late: nil, nothing replaced.
  expect(await keyed(computer, "FETCH_OR_COMPUTE_RESULT", key, "stale", 600_000)).toBeNull();
  expect(await until("the leader's value", async () => ({ value: await leaderGet(key) }))).toEqual({ value: `by-waiter-${computedBy[0]}` });
}, 90_000);

test("BLPOP waiters on a leader that steps down block again on the new leader; the old node keeps running", async () => {
  const key = "{race}:queue";
  const leaderPort = await raceLeader(nodes);
  const old = nodes.find((n) => n.port === leaderPort) as Node;
  const poppers = Array.from({ length: 3 }, () => clusterClient());
  const popped = poppers.map(async (c) => {
    for (;;) {
      try {
        return (await c.blpop(key, 0)) as [string, string] | null;
      } catch (e: unknown) {
        if (serverError(e) !== null) throw e;
        await Bun.sleep(50);
      }
    }
  });
  await Bun.sleep(300);
  old.handle.proc.kill("SIGSTOP");
  try {
    await raceLeader(nodes.filter((n) => n !== old), old.port);
  } finally {
    old.handle.proc.kill("SIGCONT");
  }
  // Pushes go to the new leader; the old node applies them as a follower. Its former waiters must not be
  // served there (a pop on a shard it does not lead would stop it): they were redirected and wait on the
  // new leader, which serves them.
  const pusher = clusterClient();
  // The probe below needs the old node's own answer (MOVED once it stepped down), not a forwarded write.
  const admin = plain(old.port);
  try {
    await admin.call("CONFIG", "SET", "cluster-forward", "no");
    await until("the old leader to step down", async () => {
      const r = plain(old.port);
      try {
        await r.set(`${key}:probe`, "x");
        return null;
      } catch (e: unknown) {
        return e instanceof Error && e.message.startsWith("MOVED") ? true : null;
      } finally {
        r.disconnect();
      }
    });
  } finally {
    await admin.call("CONFIG", "SET", "cluster-forward", "yes");
    admin.disconnect();
  }
  for (let i = 0; i < poppers.length; i++) await pusher.rpush(key, `item-${i}`);
  const got = await Promise.all(popped);
  expect(got.map((g) => g?.[1]).sort()).toEqual(["item-0", "item-1", "item-2"]);
  await Bun.sleep(500);
  expect(old.handle.proc.exitCode).toBeNull();
  const r = plain(old.port);
  try {
    expect(await r.ping()).toBe("PONG");
  } finally {
    r.disconnect();
  }
}, 90_000);
