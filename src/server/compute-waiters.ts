// FETCH_OR_COMPUTE coordination: per (db, key), at most one claim — the client told to compute — and
// the connections parked behind it. One Map entry per key in flight, so unrelated keys never queue
// behind each other. Nothing here is logged: a claim belongs to a live connection and means nothing
// after a restart (the value itself is stored by FETCH_OR_COMPUTE_RESULT, a logged write).
//
// Waking is by re-running the parked command (as Redis re-processes an unblocked client): when the
// claim ends, every waiter's FETCH_OR_COMPUTE runs again, in arrival order. After a RESULT they find
// the value; after a lapse (computer gone or past its lease) the first finds no claim and becomes the
// computer, and the rest park again behind it, keeping their original deadlines.
//
// Cluster mode: claims and waiters live on the node that leads the key's shard, so they belong to that
// leadership. When the node stops leading the shard they end at once: every waiter is answered with
// the redirect a new command would get (MOVED, TRYAGAIN or CLUSTERDOWN) so its client asks the new
// leader, and a waiter re-run after a lease lapse is answered the same way instead of claiming on a
// node that no longer leads. Otherwise a deposed leader could hand out a second computer next to the
// new leader's, or keep waiters parked behind a claim nobody can resolve.
import type { ServerContext } from "../engine/server-context.ts";
import type { ClientState } from "./client-state.ts";
import { onClientClose, takeParkRequest, type ParkedConnection } from "./park.ts";

/** Bound on a timer's delay: setTimeout treats larger delays as 1 ms. */
const timerDelayMaxMs = 2_147_483_647;

interface Waiter {
  readonly conn: ParkedConnection;
  readonly argv: readonly Uint8Array[];
  readonly deadlineMs: number;
  readonly timeoutMs: number;
  timer: ReturnType<typeof setTimeout> | null;
  cancelClose: () => void;
}

interface Claim {
  readonly id: string;
  /** The key's hash slot: whether this node still serves it decides the claim's life in a cluster. */
  readonly slot: number;
  readonly computer: ClientState;
  leaseTimer: ReturnType<typeof setTimeout> | null;
  cancelClose: () => void;
  readonly waiters: Waiter[];
}

/** Reply a timed-out waiter receives. */
export function waiterTimeoutError(timeoutMs: number): string {
  return `TIMEOUT no value was computed for this key within ${timeoutMs} ms`;
}

/** Reply every waiter receives when the computer sends FETCH_OR_COMPUTE_ERROR. */
export function computeFailedError(message: string): string {
  return `COMPUTEFAILED ${message}`;
}

export class ComputeWaiters {
  private readonly claims = new Map<string, Claim>();
  /** Set while a parked command is re-run: a waiter that parks again keeps its first deadline. */
  private carried: { deadlineMs: number; timeoutMs: number } | null = null;

  constructor(
    private readonly rerun: (conn: ParkedConnection, argv: readonly Uint8Array[]) => void,
    /** The error a command for the slot gets on this node instead of running (cluster mode), or null. */
    private readonly redirect: (slot: number) => string | null = () => null,
  ) {}

  static idOf(db: number, key: string): string {
    return `${db}:${key}`;
  }

  computerOf(id: string): ClientState | undefined {
    return this.claims.get(id)?.computer;
  }

  /** Number of keys being computed (for tests and INFO-style introspection). */
  get size(): number {
    return this.claims.size;
  }

  /** Makes `client` the computer for `id` (or refreshes its lease); the claim lapses after `leaseMs`. */
  claim(id: string, slot: number, client: ClientState, leaseMs: number): void {
    let c = this.claims.get(id);
    if (c !== undefined && c.computer !== client) throw new Error("bug: claiming a key another client computes");
    if (c === undefined) {
      c = { id, slot, computer: client, leaseTimer: null, cancelClose: () => {}, waiters: [] };
      this.claims.set(id, c);
      const claim = c;
      c.cancelClose = onClientClose(client, () => this.end(claim));
    }
    if (c.leaseTimer !== null) clearTimeout(c.leaseTimer);
    const claim = c;
    c.leaseTimer = setTimeout(() => {
      claim.leaseTimer = null;
      this.end(claim);
    }, Math.min(leaseMs, timerDelayMaxMs));
  }

  /**
   * The deadline a parking waiter gets: its first one if it is being re-run, else now + timeoutMs.
   * Returns what park() needs.
   */
  waitBounds(nowMs: number, timeoutMs: number): { deadlineMs: number; timeoutMs: number } {
    return this.carried ?? { deadlineMs: nowMs + timeoutMs, timeoutMs };
  }

  /** Parks `conn` behind the claim `id` until the claim ends or the deadline passes. */
  park(id: string, conn: ParkedConnection, argv: readonly Uint8Array[], bounds: { deadlineMs: number; timeoutMs: number }): void {
    const c = this.claims.get(id);
    if (c === undefined) throw new Error("bug: parking behind a claim that does not exist");
    const w: Waiter = { conn, argv, deadlineMs: bounds.deadlineMs, timeoutMs: bounds.timeoutMs, timer: null, cancelClose: () => {} };
    c.waiters.push(w);
    w.cancelClose = onClientClose(conn.state, () => this.dropWaiter(c, w));
    const delay = Math.max(0, Math.min(bounds.deadlineMs - Date.now(), timerDelayMaxMs));
    w.timer = setTimeout(() => {
      w.timer = null;
      this.dropWaiter(c, w);
      this.respond(w, waiterTimeoutError(w.timeoutMs));
    }, delay);
  }

  /** The value was stored: the claim ends and every waiter re-runs (and finds it). Returns the waiter count. */
  resolved(id: string): number {
    const c = this.claims.get(id);
    return c === undefined ? 0 : this.end(c);
  }

  /** The computer gave up with `message`: every waiter receives it as an error. Returns the waiter count. */
  failed(id: string, message: string): number {
    const c = this.claims.get(id);
    if (c === undefined) return 0;
    const waiters = this.detach(c);
    for (const w of waiters) this.respond(w, computeFailedError(message));
    return waiters.length;
  }

  /**
   * This node stopped leading some shard (cluster mode): every claim on a slot it can no longer serve
   * ends, and its waiters are answered with the redirect (their clients retry on the new leader). The
   * computer is told nothing: its FETCH_OR_COMPUTE_RESULT will be redirected like any write. Returns the
   * number of claims ended.
   */
  leadershipLost(): number {
    let ended = 0;
    for (const c of [...this.claims.values()]) {
      const error = this.redirect(c.slot);
      if (error === null) continue;
      ended++;
      for (const w of this.detach(c)) this.respond(w, error);
    }
    return ended;
  }

  /** Ends a claim (resolved, computer gone, lease lapsed): waiters re-run on the next turn. */
  private end(c: Claim): number {
    if (this.claims.get(c.id) !== c) return 0;
    const waiters = this.detach(c);
    // After the current command's unit has been logged, so the re-run replies carry its barrier.
    if (waiters.length > 0) queueMicrotask(() => this.rerunAll(c.slot, waiters));
    return waiters.length;
  }

  private detach(c: Claim): Waiter[] {
    this.claims.delete(c.id);
    if (c.leaseTimer !== null) clearTimeout(c.leaseTimer);
    c.leaseTimer = null;
    c.cancelClose();
    const waiters = c.waiters.splice(0);
    for (const w of waiters) {
      if (w.timer !== null) clearTimeout(w.timer);
      w.timer = null;
      w.cancelClose();
    }
    return waiters.filter((w) => !w.conn.closed);
  }

  private dropWaiter(c: Claim, w: Waiter): void {
    const at = c.waiters.indexOf(w);
    if (at >= 0) c.waiters.splice(at, 1);
    if (w.timer !== null) clearTimeout(w.timer);
    w.timer = null;
    w.cancelClose();
  }

  private rerunAll(slot: number, waiters: readonly Waiter[]): void {
    for (const w of waiters) {
      if (w.conn.closed) continue;
      if (Date.now() >= w.deadlineMs) {
        this.respond(w, waiterTimeoutError(w.timeoutMs));
        continue;
      }
      // Re-runs bypass the dispatcher: check the routing it would have checked (the node may have
      // stopped leading the slot since the waiter parked).
      const redirect = this.redirect(slot);
      if (redirect !== null) {
        this.respond(w, redirect);
        continue;
      }
      this.carried = { deadlineMs: w.deadlineMs, timeoutMs: w.timeoutMs };
      try {
        w.conn.writer.proto = w.conn.state.proto;
        this.rerun(w.conn, w.argv);
      } finally {
        this.carried = null;
      }
      const again = takeParkRequest(w.conn.state);
      if (again !== undefined) again(w.conn);
      else w.conn.resume();
    }
  }

  private respond(w: Waiter, error: string): void {
    if (w.conn.closed) return;
    w.conn.writer.proto = w.conn.state.proto;
    w.conn.writer.error(error);
    w.conn.resume();
  }
}

const registries = new WeakMap<ServerContext, ComputeWaiters>();

/** The server's waiter table, created on first use; re-runs go through the engine like any command. */
export function computeWaitersOf(server: ServerContext): ComputeWaiters {
  let r = registries.get(server);
  if (r === undefined) {
    const cluster = server.cluster ?? null;
    const waiters = new ComputeWaiters(
      (conn, argv) => {
        const cmd = server.table.get("fetch_or_compute");
        if (cmd === undefined) throw new Error("bug: FETCH_OR_COMPUTE is not declared");
        server.engine.execute(conn.state, server, conn.writer, cmd, argv);
      },
      cluster === null ? undefined : (slot) => cluster.redirectFor(slot),
    );
    cluster?.onLeadershipLost(() => waiters.leadershipLost());
    registries.set(server, waiters);
    r = waiters;
  }
  return r;
}
