// Bunker's own commands (group "bunker"): CAS, LOCK/UNLOCK/EXTEND with fencing tokens, RATELIMIT.ADD,
// FETCH_OR_COMPUTE and its RESULT/ERROR replies. Semantics, storage layout and the rate limiter's error
// bound are written down in docs/NATIVE-COMMANDS.md.
//
// Determinism: CAS is logged as SET ... PXAT/KEEPTTL. LOCK, UNLOCK, EXTEND and RATELIMIT.ADD are
// logged as received: their effect is a function of the key's state, argv and ctx.now, and replay
// (recovery, followers) runs them with the logged time, so every node agrees on who holds a lock and
// what a window holds. Lock and limiter records carry no keyspace TTL that replay could disagree on:
// lock expiry lives inside the record and is decided by ctx.now.
import type { CommandContext, CommandSpec } from "./types.ts";
import { keys } from "./types.ts";
import { intArg, latin1, word } from "./args.ts";
import { newEntry, newStringEntry, type Entry, type HashEntry } from "../keyspace/entry.ts";
import { errSyntax, errWrongType } from "../protocol/errors.ts";
import { ComputeWaiters, computeWaitersOf } from "../server/compute-waiters.ts";
import { requestPark } from "../server/park.ts";
import { keySlot } from "../keyspace/slot.ts";

/** Largest absolute time (ms) a record may hold: stays an exact JS integer. */
const timeMsMax = Number.MAX_SAFE_INTEGER;
/** Fencing tokens never fall below logged-time ms × this (see docs: the counter after DEL). */
const tokenFloorPerMs = 1000;

/** A positive TTL in ms as an absolute time, or null after writing the error (texts as SET's). */
function expireAtArg(ctx: CommandContext, arg: Uint8Array | undefined, commandName: string, unitMs = 1): number | null {
  const n = intArg(ctx, arg);
  if (n === null) return null;
  const at = ctx.now + n * unitMs;
  if (n <= 0 || !Number.isSafeInteger(n * unitMs) || at > timeMsMax) {
    ctx.reply.error(`ERR invalid expire time in '${commandName}' command`);
    return null;
  }
  return at;
}

// ---- CAS ---------------------------------------------------------------------------------------

function cas(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  // Options: EX seconds | PX milliseconds | KEEPTTL (also the default: the TTL is kept). At most one.
  let expireAt = -1;
  const opt = word(argv[4]);
  if (argv.length === 6 && (opt === "ex" || opt === "px")) {
    const at = expireAtArg(ctx, argv[5], "cas", opt === "ex" ? 1000 : 1);
    if (at === null) return;
    expireAt = at;
  } else if (argv.length > 4 && !(argv.length === 5 && opt === "keepttl")) {
    ctx.reply.error(errSyntax);
    return;
  }
  const key = latin1(argv[1] as Uint8Array);
  const e = ctx.db.get(key);
  if (e === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  if (e.type !== "string") {
    ctx.reply.error(errWrongType);
    return;
  }
  if (e.data !== latin1(argv[2] as Uint8Array)) {
    ctx.reply.integer(0);
    return;
  }
  const value = latin1(argv[3] as Uint8Array);
  ctx.db.set(key, newStringEntry(value, expireAt === -1 ? e.expireAt : expireAt));
  ctx.dirty++;
  if (expireAt === -1) ctx.propagate(["SET", argv[1] as Uint8Array, argv[3] as Uint8Array, "KEEPTTL"]);
  else ctx.propagate(["SET", argv[1] as Uint8Array, argv[3] as Uint8Array, "PXAT", String(expireAt)]);
  ctx.reply.integer(1);
}

// ---- Locks -------------------------------------------------------------------------------------

/** A lock record: a hash {token, owner, expires}; a free lock keeps only {token} (the counter). */
interface LockRecord {
  token: number;
  owner: string | null;
  expiresAtMs: number;
}

const errLocked = "LOCKED lock is held by another owner";
const errNotHeld = "NOTHELD lock is not held";

function decimal(s: string | undefined): number | null {
  if (s === undefined || !/^[0-9]{1,16}$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

/** The record at `key`: undefined when missing, null (after WRONGTYPE) when the key is not a lock. */
function readLock(ctx: CommandContext, e: Entry | undefined): LockRecord | undefined | null {
  if (e === undefined) return undefined;
  if (e.type === "hash") {
    const m = e.data;
    const token = decimal(m.get("token"));
    const owner = m.get("owner");
    const expires = decimal(m.get("expires"));
    const held = owner !== undefined && expires !== null && m.size === 3;
    if (token !== null && token > 0 && (held || m.size === 1)) return { token, owner: held ? owner : null, expiresAtMs: held ? expires : 0 };
  }
  ctx.reply.error(errWrongType);
  return null;
}

function holder(rec: LockRecord | undefined, now: number): string | null {
  return rec !== undefined && rec.owner !== null && rec.expiresAtMs > now ? rec.owner : null;
}

function writeLock(ctx: CommandContext, key: string, rec: LockRecord, old: Entry | undefined): void {
  const m = new Map<string, string>([["token", String(rec.token)]]);
  if (rec.owner !== null) {
    m.set("owner", rec.owner);
    m.set("expires", String(rec.expiresAtMs));
  }
  const e: HashEntry = newEntry("hash", m);
  // A TTL someone put on the record with EXPIRE stays; locks themselves never set one.
  e.expireAt = old?.expireAt ?? 0;
  ctx.db.set(key, e);
  ctx.dirty++;
}

function lock(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const key = latin1(argv[1] as Uint8Array);
  const owner = latin1(argv[2] as Uint8Array);
  const expiresAtMs = expireAtArg(ctx, argv[3], "lock");
  if (expiresAtMs === null) return;
  const e = ctx.db.get(key);
  const rec = readLock(ctx, e);
  if (rec === null) return;
  const current = holder(rec, ctx.now);
  if (current !== null && current !== owner) {
    ctx.reply.error(errLocked);
    return;
  }
  // The same owner refreshing keeps its token; a new acquisition takes the next one, never below the
  // logged time × 1000 so that a counter lost to DEL still yields a larger token.
  const token = current === owner && rec !== undefined ? rec.token : Math.max((rec?.token ?? 0) + 1, ctx.now * tokenFloorPerMs);
  writeLock(ctx, key, { token, owner, expiresAtMs }, e);
  ctx.reply.integer(token);
}

function unlock(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const key = latin1(argv[1] as Uint8Array);
  const owner = latin1(argv[2] as Uint8Array);
  const e = ctx.db.get(key);
  const rec = readLock(ctx, e);
  if (rec === null) return;
  const current = holder(rec, ctx.now);
  if (current === null || rec === undefined) {
    ctx.reply.integer(0);
    return;
  }
  if (current !== owner) {
    ctx.reply.error(errLocked);
    return;
  }
  writeLock(ctx, key, { token: rec.token, owner: null, expiresAtMs: 0 }, e);
  ctx.reply.integer(1);
}

function extend(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const key = latin1(argv[1] as Uint8Array);
  const owner = latin1(argv[2] as Uint8Array);
  const expiresAtMs = expireAtArg(ctx, argv[3], "extend");
  if (expiresAtMs === null) return;
  const e = ctx.db.get(key);
  const rec = readLock(ctx, e);
  if (rec === null) return;
  const current = holder(rec, ctx.now);
  if (current === null || rec === undefined) {
    ctx.reply.error(errNotHeld);
    return;
  }
  if (current !== owner) {
    ctx.reply.error(errLocked);
    return;
  }
  writeLock(ctx, key, { token: rec.token, owner, expiresAtMs }, e);
  ctx.reply.integer(1);
}

// ---- RATELIMIT.ADD -----------------------------------------------------------------------------

/**
 * Sliding-window counter over two aligned fixed windows (buckets): the estimate at `elapsed` ms into
 * the current bucket is previous × (W − elapsed)/W + current. All arithmetic is exact (bigint,
 * scaled by W) so every node computes the same decision.
 */
interface Window {
  startMs: number;
  previous: number;
  current: number;
}

function readWindow(ctx: CommandContext, e: Entry | undefined, windowMs: number): Window | null | undefined {
  if (e === undefined) return undefined;
  if (e.type === "hash" && e.data.size === 4) {
    const w = decimal(e.data.get("window"));
    const startMs = decimal(e.data.get("start"));
    const previous = decimal(e.data.get("previous"));
    const current = decimal(e.data.get("current"));
    if (w !== null && startMs !== null && previous !== null && current !== null) {
      return w === windowMs ? { startMs, previous, current } : undefined; // a new window size starts afresh
    }
  }
  ctx.reply.error(errWrongType);
  return null;
}

/** Ms until a request of `n` fits, given the state at `elapsed` ms into the bucket (n <= max). */
function msUntilFits(win: Window, elapsed: number, n: number, max: number, windowMs: number): number {
  const W = BigInt(windowMs);
  const prev = BigInt(win.previous);
  const curr = BigInt(win.current);
  const room = BigInt(max) - curr - BigInt(n);
  const e = BigInt(elapsed);
  if (room >= 0n) {
    // Fits in this bucket once previous × (W − t) <= room × W.
    if (prev * (W - e) <= room * W) return 0;
    const t = W - (room * W) / prev;
    return Number(t - e);
  }
  // Not before the next bucket, where previous' = current and current' = 0.
  const t = W - ((BigInt(max) - BigInt(n)) * W) / curr;
  return Number(W - e + t);
}

function ratelimitAdd(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  if (argv.length > 5) {
    ctx.reply.error(errSyntax);
    return;
  }
  const windowMs = intArg(ctx, argv[2]);
  if (windowMs === null) return;
  if (windowMs <= 0 || windowMs > 1e12) {
    ctx.reply.error("ERR window_ms must be a positive integer (at most 10^12)");
    return;
  }
  const max = intArg(ctx, argv[3]);
  if (max === null) return;
  if (max <= 0 || !Number.isSafeInteger(max)) {
    ctx.reply.error("ERR max must be a positive integer");
    return;
  }
  let count = 1;
  if (argv.length === 5) {
    const c = intArg(ctx, argv[4]);
    if (c === null) return;
    if (c < 0 || c > max) {
      ctx.reply.error("ERR count must be between 0 and max");
      return;
    }
    count = c;
  }
  const key = latin1(argv[1] as Uint8Array);
  const e = ctx.db.get(key);
  const stored = readWindow(ctx, e, windowMs);
  if (stored === null) return;
  const bucket = ctx.now - (ctx.now % windowMs);
  let win: Window;
  if (stored === undefined || stored.startMs < bucket - windowMs) win = { startMs: bucket, previous: 0, current: 0 };
  else if (stored.startMs === bucket - windowMs) win = { startMs: bucket, previous: stored.current, current: 0 };
  else win = { ...stored }; // this bucket, or one ahead if the logged clock stepped back: count it as now
  const elapsed = Math.max(0, ctx.now - win.startMs);
  const W = BigInt(windowMs);
  const weighted = (): bigint => BigInt(win.previous) * (W - BigInt(elapsed)) + BigInt(win.current) * W;
  const allowed = weighted() + BigInt(count) * W <= BigInt(max) * W;
  if (allowed && count > 0) {
    win.current += count;
    const m = new Map<string, string>([
      ["window", String(windowMs)],
      ["start", String(win.startMs)],
      ["previous", String(win.previous)],
      ["current", String(win.current)],
    ]);
    // Nothing in the state matters two windows after its bucket began: the key goes away then.
    ctx.db.set(key, Object.assign(newEntry("hash", m), { expireAt: win.startMs + 2 * windowMs }));
    ctx.dirty++;
  }
  const used = weighted();
  const estimate = Number((used + W - 1n) / W); // ceil
  const remaining = Math.max(0, max - estimate);
  ctx.reply.arrayHeader(4);
  ctx.reply.bulk(allowed ? "allowed" : "denied");
  ctx.reply.integer(estimate);
  ctx.reply.integer(remaining);
  ctx.reply.integer(msUntilFits(win, elapsed, Math.max(count, 1), max, windowMs));
}

// ---- FETCH_OR_COMPUTE --------------------------------------------------------------------------

function fetchOrCompute(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const ttlMs = intArg(ctx, argv[2]);
  if (ttlMs === null) return;
  if (ttlMs <= 0 || ttlMs > timeMsMax - ctx.now) {
    ctx.reply.error("ERR invalid expire time in 'fetch_or_compute' command");
    return;
  }
  if (argv.length > 4) {
    ctx.reply.error(errSyntax);
    return;
  }
  const key = latin1(argv[1] as Uint8Array);
  const e = ctx.db.get(key);
  if (e !== undefined) {
    if (e.type !== "string") {
      ctx.reply.error(errWrongType);
      return;
    }
    ctx.reply.arrayHeader(2);
    ctx.reply.bulk("hit");
    ctx.reply.bulk(e.data as string);
    return;
  }
  const waiters = computeWaitersOf(ctx.server);
  const id = ComputeWaiters.idOf(ctx.db.index, key);
  const computer = waiters.computerOf(id);
  if (computer === undefined || computer === ctx.client) {
    waiters.claim(id, keySlot(key), ctx.client, ttlMs);
    ctx.reply.arrayHeader(2);
    ctx.reply.bulk("compute");
    const hint = argv[3];
    if (hint === undefined) ctx.reply.nullBulk();
    else ctx.reply.bulk(latin1(hint));
    return;
  }
  // Only a command dispatched from a connection can wait (not inside MULTI/EXEC, not embedded calls).
  if (ctx.replaying || ctx.client.lastCommand !== "fetch_or_compute") {
    ctx.reply.error("COMPUTING another client is computing this key");
    return;
  }
  const bounds = waiters.waitBounds(ctx.now, ttlMs);
  const args = argv.map((a) => a.slice());
  requestPark(ctx.client, (conn) => waiters.park(id, conn, args, bounds));
}

function fetchOrComputeResult(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const expireAt = expireAtArg(ctx, argv[3], "fetch_or_compute_result");
  if (expireAt === null) return;
  const key = latin1(argv[1] as Uint8Array);
  // A result from a client that is not the current computer (its lease lapsed, it was replaced after a
  // leader change, or it never claimed) fills a missing value but never overwrites one: otherwise a
  // stale computer arriving late would replace the value every waiter was already handed. Nothing is
  // logged when it is refused; replicas only ever see the resulting SET.
  if (!ctx.replaying && ctx.db.get(key) !== undefined) {
    const computer = computeWaitersOf(ctx.server).computerOf(ComputeWaiters.idOf(ctx.db.index, key));
    if (computer !== ctx.client) {
      ctx.reply.nullBulk();
      return;
    }
  }
  ctx.db.set(key, newStringEntry(latin1(argv[2] as Uint8Array), expireAt));
  ctx.dirty++;
  ctx.propagate(["SET", argv[1] as Uint8Array, argv[2] as Uint8Array, "PXAT", String(expireAt)]);
  // Waiters re-run after this unit is logged; their replies wait for it to be durable.
  const woken = ctx.replaying ? 0 : computeWaitersOf(ctx.server).resolved(ComputeWaiters.idOf(ctx.db.index, key));
  ctx.reply.integer(woken);
}

function fetchOrComputeError(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const key = latin1(argv[1] as Uint8Array);
  const waiters = computeWaitersOf(ctx.server);
  const id = ComputeWaiters.idOf(ctx.db.index, key);
  const computer = waiters.computerOf(id);
  if (computer === undefined) {
    ctx.reply.integer(0);
    return;
  }
  if (computer !== ctx.client) {
    ctx.reply.error("NOTCOMPUTING another client is computing this key");
    return;
  }
  ctx.reply.integer(waiters.failed(id, latin1(argv[2] as Uint8Array)));
}

// ---- Declarations ------------------------------------------------------------------------------

const bunker = { group: "bunker", since: "1.0.0" } as const;
const oneKey = (flags: Parameters<typeof keys.one>[1]) => [keys.one(1, flags)];
const keyArg = { name: "key", type: "key", keySpecIndex: 0 } as const;

export const nativeCommands: CommandSpec[] = [
  {
    ...bunker, name: "cas", arity: -4, flags: ["write", "denyoom"], acl: ["string"],
    summary: "Sets a string key to a new value only if it currently holds the expected value. Keeps the TTL unless EX or PX is given.",
    complexity: "O(1)", keySpecs: oneKey(["RW", "ACCESS", "UPDATE"]),
    arguments: [
      keyArg, { name: "expected", type: "string" }, { name: "new", type: "string" },
      {
        name: "expiration", type: "oneof", optional: true,
        arguments: [{ name: "seconds", type: "integer", token: "EX" }, { name: "milliseconds", type: "integer", token: "PX" }, { name: "keepttl", type: "pure-token", token: "KEEPTTL" }],
      },
    ],
    handler: cas,
  },
  {
    ...bunker, name: "lock", arity: 4, flags: ["write", "denyoom"], acl: [],
    summary: "Acquires or refreshes a lock for an owner with a lease in milliseconds. Returns the fencing token.",
    complexity: "O(1)", keySpecs: oneKey(["RW", "ACCESS", "UPDATE"]),
    arguments: [keyArg, { name: "owner", type: "string" }, { name: "ttl_ms", type: "integer" }],
    handler: lock,
  },
  {
    ...bunker, name: "unlock", arity: 3, flags: ["write"], acl: [],
    summary: "Releases a lock held by the owner. The fencing counter is kept.",
    complexity: "O(1)", keySpecs: oneKey(["RW", "UPDATE"]),
    arguments: [keyArg, { name: "owner", type: "string" }],
    handler: unlock,
  },
  {
    ...bunker, name: "extend", arity: 4, flags: ["write"], acl: [],
    summary: "Sets a new lease in milliseconds on a lock held by the owner.",
    complexity: "O(1)", keySpecs: oneKey(["RW", "UPDATE"]),
    arguments: [keyArg, { name: "owner", type: "string" }, { name: "ttl_ms", type: "integer" }],
    handler: extend,
  },
  {
    ...bunker, name: "ratelimit.add", arity: -4, flags: ["write", "denyoom"], acl: [],
    summary: "Counts requests in a sliding window and tells whether this one is allowed, the count, the remaining allowance and the milliseconds until it would fit.",
    complexity: "O(1)", keySpecs: oneKey(["RW", "ACCESS", "UPDATE"]),
    arguments: [keyArg, { name: "window_ms", type: "integer" }, { name: "max", type: "integer" }, { name: "count", type: "integer", optional: true }],
    handler: ratelimitAdd,
  },
  {
    ...bunker, name: "fetch_or_compute", arity: -3, flags: ["write", "blocking"], acl: ["string"],
    summary: "Returns a cached string value, or tells exactly one caller to compute it while other callers wait for the result.",
    complexity: "O(1)", keySpecs: oneKey(["RO", "ACCESS"]),
    arguments: [keyArg, { name: "ttl_ms", type: "integer" }, { name: "hint", type: "string", optional: true }],
    handler: fetchOrCompute,
  },
  {
    ...bunker, name: "fetch_or_compute_result", arity: 4, flags: ["write", "denyoom"], acl: ["string"],
    summary: "Stores a computed value with a TTL in milliseconds and hands it to every caller waiting in FETCH_OR_COMPUTE.",
    complexity: "O(1) plus O(N) for N waiting callers", keySpecs: oneKey(["OW", "UPDATE"]),
    arguments: [keyArg, { name: "value", type: "string" }, { name: "ttl_ms", type: "integer" }],
    handler: fetchOrComputeResult,
  },
  {
    ...bunker, name: "fetch_or_compute_error", arity: 3, flags: ["write", "fast"], acl: [],
    summary: "Abandons a computation: every caller waiting in FETCH_OR_COMPUTE receives the message as an error.",
    complexity: "O(N) for N waiting callers", keySpecs: oneKey(["RO"]),
    arguments: [keyArg, { name: "message", type: "string" }],
    handler: fetchOrComputeError,
  },
];
