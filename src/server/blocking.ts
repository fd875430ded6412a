// Blocking commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP; reusable for BZPOPMIN/BZPOPMAX/BZMPOP):
// a client whose command finds nothing waits, keyed by (db, key), until a write makes a key ready.
//
// How a family uses it. A blocking handler is written as its non-blocking form plus one call:
//
//   const deadlineMs = blockingTimeoutArg(ctx, argv[argv.length - 1]); if (deadlineMs === null) return;
//   const hint = blockedKeyHint(ctx);             // non-null when re-run for a waiter: the ready key
//   for (const key of hint === null ? keys : [hint]) { ...pop, reply, ctx.propagate(non-blocking form); return }
//   if (!blockClient(ctx, argv, { keys, deadlineMs, ready: (e) => e.type === "zset" })) ctx.reply.nullArray();
//
// blockClient returns false when the command may not block (inside MULTI/EXEC, during replay, from the
// embedded API): the handler then answers as Redis does without waiting. Otherwise the client's
// connection is paused (no further input is processed) and nothing is replied yet.
//
// Serving, after Redis's handleClientsBlockedOnKeys: a key-change hook notes every written key that has
// waiters (a no-op while nobody waits); after each unit the engine runs, the waiters of each noted key,
// first come first served, whose `ready` accepts the key's entry re-run their own command through the
// executor, with blockedKeyHint(ctx) naming that key. The handler pops and propagates its non-blocking
// form, so the log holds LPOP/LMOVE/..., never the blocking command; the reply is released to the
// client behind the durability barrier like any other, and the client's input resumes. If the re-run
// still finds nothing (the key expired), it calls blockClient again, which keeps the client waiting
// in its place. On timeout the client gets `onTimeout` (default: the null array, as Redis replies for
// lists and sorted sets). A client that disconnects while waiting is forgotten.
//
// Cluster mode: waiters belong to the leadership of their keys' shard (all keys of a command share one
// slot there). When the node stops leading it, they are answered with the redirect a new command would
// get (MOVED, TRYAGAIN, CLUSTERDOWN) so the client blocks again on the new leader; and a waiter is never
// served on a node that does not lead its slot. Otherwise a write replicated from the new leader would
// make the key ready here and the re-run's pop would change a shard this node does not lead (which
// stops the node), or the waiter would simply sleep on a node that no longer receives writes.
//
// Wiring: parking and close notification use server/park.ts (the connection pauses after the command
// and hands itself over); the only change outside is Engine.afterUnitHooks, called after each unit of
// Engine.execute, where waiters are served (Redis serves right after the writing command, before the
// writer's next pipelined command).
import type { Command } from "../commands/table.ts";
import type { CommandContext } from "../commands/types.ts";
import type { Engine } from "../engine/engine.ts";
import type { ServerContext } from "../engine/server-context.ts";
import type { Entry } from "../keyspace/entry.ts";
import type { ReplyWriter } from "../protocol/writer.ts";
import { errTimeoutNegative, errTimeoutNotFloat } from "../protocol/errors.ts";
import { longDoubleToNumber, parseLongDouble } from "../protocol/numbers.ts";
import { keySlot } from "../keyspace/slot.ts";
import type { ClientState } from "./client-state.ts";
import { onClientClose, requestPark, type ParkedConnection } from "./park.ts";
import { noteServed, noteServedLater, noteUnblocked } from "./call-stats.ts";

export interface BlockOptions {
  /** Keys to wait on, in the command's order (duplicates are ignored). */
  readonly keys: readonly string[];
  /** Absolute deadline in ms since the epoch (from ctx.now), 0 to wait forever. */
  readonly deadlineMs: number;
  /** Whether this entry can serve the waiter (e.g. a list for list pops, a sorted set for BZPOPMIN). */
  readonly ready: (entry: Entry) => boolean;
  /** The reply on timeout; the null array when absent. */
  readonly onTimeout?: (reply: ReplyWriter) => void;
}

interface Waiter {
  readonly conn: ParkedConnection;
  readonly server: ServerContext;
  readonly cmd: Command;
  /** Copied: the parser's views point into socket chunks. */
  readonly argv: readonly Uint8Array[];
  readonly db: number;
  /** Ids ("db\0key") the waiter is queued under. */
  readonly ids: readonly string[];
  readonly ready: (entry: Entry) => boolean;
  /** The keys' hash slot (cluster mode routes by it). */
  readonly slot: number;
  readonly onTimeout: (reply: ReplyWriter) => void;
  timer: ReturnType<typeof setTimeout> | null;
  deadlineMs: number;
  cancelClose: () => void;
}

interface ReadyKey {
  readonly db: number;
  readonly key: string;
  readonly id: string;
}

/** setTimeout's largest delay (2^31 - 1 ms); longer waits re-arm. */
const timerDelayMaxMs = 2_147_483_647;
/** Bound on serving rounds per unit: a chain of BLMOVEs between waiters ends long before this. */
const serveRoundsMax = 1_000_000;

function keyId(db: number, key: string): string {
  return `${db}\u0000${key}`;
}

class BlockingRegistry {
  blockedCount(): number {
    return this.byClient.size;
  }

  /** Waiters per (db, key), first come first served. */
  private readonly byKey = new Map<string, Waiter[]>();
  private readonly byClient = new Map<ClientState, Waiter>();
  private ready: ReadyKey[] = [];
  private readonly readyIds = new Set<string>();
  /** While re-running a waiter's command: that client and the ready key. */
  private serving: { client: ClientState; key: string; reblocked: boolean } | null = null;
  private servingLoop = false;
  private clusterHooked = false;

  constructor(private readonly engine: Engine) {
    engine.keyChangeHooks.push((_shard, db, key) => {
      if (this.byClient.size === 0) return;
      const id = keyId(db, key);
      if (this.byKey.has(id) && !this.readyIds.has(id)) {
        this.readyIds.add(id);
        this.ready.push({ db, key, id });
      }
    });
    engine.flushHooks.push((_shard, db) => {
      // FLUSHDB/SWAPDB: any waited key of that db may have changed.
      if (this.byClient.size === 0) return;
      for (const w of this.byClient.values()) {
        if (w.db !== db) continue;
        for (const id of w.ids) {
          if (this.readyIds.has(id)) continue;
          this.readyIds.add(id);
          this.ready.push({ db, key: id.slice(id.indexOf("\u0000") + 1), id });
        }
      }
    });
    engine.afterUnitHooks.push(() => {
      if (this.ready.length > 0) this.serveReadyKeys();
    });
  }

  hint(ctx: CommandContext): string | null {
    const s = this.serving;
    return s !== null && s.client === ctx.client ? s.key : null;
  }

  block(ctx: CommandContext, cmd: Command, argv: readonly Uint8Array[], opts: BlockOptions): boolean {
    const s = this.serving;
    if (s !== null && s.client === ctx.client) {
      s.reblocked = true;
      return true;
    }
    // Only a command dispatched from a connection waits: not inside MULTI/EXEC (lastCommand is
    // "exec"), not during replay, not from the embedded API (it never dispatches).
    if (ctx.replaying || ctx.client.lastCommand !== cmd.fullName || this.byClient.has(ctx.client)) return false;
    const db = ctx.client.db;
    const owned = argv.map((a) => a.slice());
    const ids = [...new Set(opts.keys.map((k) => keyId(db, k)))];
    const cluster = ctx.server.cluster ?? null;
    if (cluster !== null && !this.clusterHooked) {
      this.clusterHooked = true;
      cluster.onLeadershipLost(() => this.leadershipLost());
    }
    const slot = opts.keys[0] === undefined ? 0 : keySlot(opts.keys[0]);
    ctx.client.blockedNow = true;
    requestPark(ctx.client, (conn) => {
      const w: Waiter = {
        conn,
        server: ctx.server,
        cmd,
        argv: owned,
        db,
        ids,
        ready: opts.ready,
        slot,
        onTimeout: opts.onTimeout ?? ((r) => r.nullArray()),
        timer: null,
        deadlineMs: 0,
        cancelClose: () => {},
      };
      for (const id of ids) {
        let q = this.byKey.get(id);
        if (!q) this.byKey.set(id, (q = []));
        q.push(w);
      }
      this.byClient.set(conn.state, w);
      w.cancelClose = onClientClose(conn.state, () => this.remove(w));
      if (opts.deadlineMs > 0) w.timer = setTimeout(() => this.timeOut(w), Math.min(timerDelayMaxMs, Math.max(0, opts.deadlineMs - Date.now())));
      w.deadlineMs = opts.deadlineMs;
    });
    return true;
  }

  private remove(w: Waiter): void {
    if (this.byClient.get(w.conn.state) !== w) return;
    this.byClient.delete(w.conn.state);
    w.conn.state.blockedNow = false;
    w.cancelClose();
    if (w.timer !== null) clearTimeout(w.timer);
    w.timer = null;
    for (const id of w.ids) {
      const q = this.byKey.get(id);
      if (!q) continue;
      const i = q.indexOf(w);
      if (i >= 0) q.splice(i, 1);
      if (q.length === 0) this.byKey.delete(id);
    }
  }

  private timeOut(w: Waiter): void {
    w.timer = null;
    if (this.byClient.get(w.conn.state) !== w) return;
    const leftMs = w.deadlineMs - Date.now();
    if (leftMs > 0) {
      // Long timeouts are waited in steps (timers take at most a 32-bit delay).
      w.timer = setTimeout(() => this.timeOut(w), Math.min(timerDelayMaxMs, leftMs));
      return;
    }
    this.remove(w);
    if (w.conn.closed) return;
    w.conn.writer.proto = w.conn.state.proto;
    w.onTimeout(w.conn.writer);
    w.conn.resume();
  }

  /** Cluster mode: the error a waiter gets instead of being served here, or null. */
  private redirectOf(w: Waiter): string | null {
    return w.server.cluster?.redirectFor(w.slot) ?? null;
  }

  /** This node stopped leading some shard: its waiters there are redirected (see the file comment). */
  private leadershipLost(): void {
    for (const w of [...this.byClient.values()]) {
      const error = this.redirectOf(w);
      if (error !== null) this.answer(w, error);
    }
  }

  /** Ends a wait with an error reply and resumes the connection. */
  private answer(w: Waiter, error: string): void {
    this.remove(w);
    if (w.conn.closed) return;
    w.conn.writer.proto = w.conn.state.proto;
    w.conn.writer.error(error);
    queueMicrotask(() => w.conn.resume());
  }

  forget(client: ClientState): void {
    const w = this.byClient.get(client);
    if (w) this.remove(w);
  }

  isBlocked(client: ClientState): boolean {
    return this.byClient.has(client);
  }

  /** CLIENT UNBLOCK: answers the timeout reply (or `error`) now. Returns false if not blocked. */
  unblock(client: ClientState, error: string | null): boolean {
    const w = this.byClient.get(client);
    if (!w) return false;
    this.remove(w);
    if (w.conn.closed) return true;
    w.conn.writer.proto = client.proto;
    if (error === null) w.onTimeout(w.conn.writer);
    else w.conn.writer.error(error);
    // Redis 7.0 records an unblocked command as failed, whichever reply it got, and with no arguments
    // (unblockClient freed them before updateStatsOnUnblock logs it): its slow log entry has an empty argv.
    noteUnblocked(w.server, client, { cmd: w.cmd, argv: [], replyUs: 0, failed: true });
    // The caller is another client's handler: the executor is busy until it returns.
    queueMicrotask(() => w.conn.resume());
    return true;
  }

  private liveEntry(db: number, key: string): Entry | undefined {
    const ex = this.engine.executor;
    const shard = this.engine.shards[ex.shardOfKey(key)];
    const e = shard?.state.db(db).map.get(key);
    if (e === undefined || (e.expireAt !== 0 && e.expireAt <= Date.now())) return undefined;
    return e;
  }

  /** Serves waiters of every noted key, in the order the keys were written, FIFO per key. */
  private serveReadyKeys(): void {
    if (this.servingLoop) return; // a re-run's own unit: the outer loop picks up what it noted
    this.servingLoop = true;
    const resumed: ParkedConnection[] = [];
    try {
      for (let round = 0; this.ready.length > 0 && round < serveRoundsMax; round++) {
        const batch = this.ready;
        this.ready = [];
        this.readyIds.clear();
        for (const r of batch) this.serveKey(r, resumed);
      }
    } finally {
      this.servingLoop = false;
    }
    // Like Redis's processUnblockedClients (beforeSleep): a served client's pipelined commands run after
    // the current batch of input, not in the middle of the writer's pipeline.
    if (resumed.length > 0) queueMicrotask(() => {
      noteServed(); // when the write was not a dispatched command
      for (const c of resumed) c.resume();
    });
  }

  private serveKey(r: ReadyKey, resumed: ParkedConnection[]): void {
    for (;;) {
      const q = this.byKey.get(r.id);
      if (!q) return;
      const entry = this.liveEntry(r.db, r.key);
      if (entry === undefined) return;
      const w = q.find((x) => x.ready(entry));
      if (!w) return;
      if (w.conn.closed) {
        this.remove(w);
        continue;
      }
      const redirect = this.redirectOf(w);
      if (redirect !== null) {
        this.answer(w, redirect);
        continue;
      }
      const client = w.conn.state;
      const serving = { client, key: r.key, reblocked: false };
      this.serving = serving;
      w.conn.writer.proto = client.proto;
      const errorsBefore = w.conn.writer.errorCount;
      try {
        this.engine.execute(client, w.server, w.conn.writer, w.cmd, w.argv);
      } finally {
        this.serving = null;
      }
      if (serving.reblocked) return; // still waiting, in its place
      this.remove(w);
      noteServedLater({ server: w.server, client, cmd: w.cmd, argv: w.argv, replyUs: this.engine.lastRunUs, failed: w.conn.writer.errorCount !== errorsBefore });
      resumed.push(w.conn);
    }
  }
}

const registries = new WeakMap<Engine, BlockingRegistry>();

function registryOf(engine: Engine): BlockingRegistry {
  let r = registries.get(engine);
  if (!r) registries.set(engine, (r = new BlockingRegistry(engine)));
  return r;
}

/**
 * Parks the client until a key is ready or the deadline passes. Returns false (and does nothing) when
 * the command may not block here: the handler then replies as its non-blocking form would.
 */
export function blockClient(ctx: CommandContext, argv: readonly Uint8Array[], opts: BlockOptions): boolean {
  const r = registryOf(ctx.server.engine);
  const cmd = ctx.server.table.get(String.fromCharCode(...(argv[0] as Uint8Array)).toLowerCase());
  if (!cmd) return false;
  return r.block(ctx, cmd, argv, opts);
}

/**
 * A blocking command's timeout in seconds (Redis getTimeoutFromObjectOrReply): a long double, times
 * 1000, truncated to int64; negative or unrepresentable is "timeout is negative". Returns the absolute
 * deadline in ms for BlockOptions.deadlineMs (0: wait forever), or null after replying the error.
 */
export function blockingTimeoutArg(ctx: CommandContext, arg: Uint8Array | undefined): number | null {
  const ld = arg ? parseLongDouble(arg) : null;
  if (ld === null) {
    ctx.reply.error(errTimeoutNotFloat);
    return null;
  }
  const ms = longDoubleToNumber(ld) * 1000;
  // C's (long long) conversion of an out-of-range value gives LLONG_MIN on x86: "negative".
  const t = ms > -9223372036854775808 && ms < 9223372036854775808 ? Math.trunc(ms) : -1;
  if (t < 0) {
    ctx.reply.error(errTimeoutNegative);
    return null;
  }
  return t > 0 ? ctx.now + t : 0;
}

/** When the handler re-runs for a waiter: the key that became ready (check only it); otherwise null. */
export function blockedKeyHint(ctx: CommandContext): string | null {
  const r = registries.get(ctx.server.engine);
  return r ? r.hint(ctx) : null;
}

/** For CLIENT LIST flags=b. */
export function isClientBlocked(engine: Engine, client: ClientState): boolean {
  return registries.get(engine)?.isBlocked(client) ?? false;
}

/** INFO blocked_clients. */
export function blockedClientCount(engine: Engine): number {
  return registries.get(engine)?.blockedCount() ?? 0;
}

/** CLIENT UNBLOCK id [TIMEOUT|ERROR]: false when the client is not blocked. */
export function unblockClient(engine: Engine, client: ClientState, error: string | null): boolean {
  return registries.get(engine)?.unblock(client, error) ?? false;
}
