// Linearizable reads on a shard's leader: ReadIndex rounds, batched per Raft group.
//
// A read executes at once against the leader's memory (as a write does) and its reply is queued behind
// a ReadRound that starts after the read executed; the reply leaves only once that round is confirmed:
// a quorum acknowledged a heartbeat of this leader's term sent for the round (the core's ReadIndex), and
// this node has applied up to the round's read index R. If the node stops leading the shard first, the
// round fails and every reply held on it becomes a TRYAGAIN error: a deposed leader never answers from
// its memory. Why this is linearizable: docs/ARCHITECTURE.md, "Linearizable reads".
//
// Batching: one round is in flight per group; reads executed while it is in flight join the next round,
// which starts when the current one settles. All reads of one event-loop turn (a pipeline) share a round.
import type { ReplyHold, ReplyHoldWaiter } from "../server/connection.ts";
import type { ReadState } from "./core/index.ts";

/** The error a held read gets when its node lost the shard's leadership before confirming it. */
export const errReadLeadershipLost = "TRYAGAIN The node lost leadership of the slot's shard before the read was confirmed; retry";

/** Rounds confirmed by a quorum but waiting for the apply loop to reach their read index. */
const confirmedRoundsMax = 1024;

export class ReadRound implements ReplyHold {
  outcome: "pending" | "released" | "failed" = "pending";
  readonly error = errReadLeadershipLost;
  /** The core's request id, set when the round starts. */
  context = "";
  /** The read index R: the leader's commit index when the round started (set when confirmed). */
  index = 0;
  private waiters: ReplyHoldWaiter[] = [];

  notify(waiter: ReplyHoldWaiter): void {
    if (this.outcome !== "pending") waiter.flush();
    else if (this.waiters[this.waiters.length - 1] !== waiter) this.waiters.push(waiter);
  }

  settle(outcome: "released" | "failed"): void {
    if (this.outcome !== "pending") return;
    this.outcome = outcome;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.flush();
  }
}

/** A round that has already failed: handed out when the node does not lead the shard at all. */
export function failedRound(): ReadRound {
  const r = new ReadRound();
  r.settle("failed");
  return r;
}

/** One group's ReadIndex rounds on this node. */
export class GroupReads {
  /** Collects reads executed since the in-flight round started. */
  private next: ReadRound | null = null;
  private inflight: ReadRound | null = null;
  /** Confirmed, in order of confirmation (so of their read indexes), waiting for applied >= index. */
  private confirmed: ReadRound[] = [];
  private startScheduled = false;
  private rounds = 0;
  /** Rounds started and confirmed since the node started, for INFO. */
  started = 0;
  released = 0;
  failed = 0;

  constructor(
    private readonly shard: number,
    /** Asks the core for a read index with this context (the caller has checked leadership). */
    private readonly request: (context: string) => boolean,
  ) {}

  /** The round a read executed now must wait for. */
  hold(): ReadRound {
    const round = (this.next ??= new ReadRound());
    this.scheduleStart();
    return round;
  }

  get pendingRounds(): number {
    return (this.next === null ? 0 : 1) + (this.inflight === null ? 0 : 1) + this.confirmed.length;
  }

  /** Serves the Ready's read states (after its committed entries were applied up to `applied`). */
  afterApply(readStates: readonly ReadState[], applied: number): void {
    for (const rs of readStates) {
      const r = this.inflight;
      if (r === null || rs.context !== r.context) continue; // a round failed meanwhile: its answer is stale
      r.index = rs.index;
      this.inflight = null;
      this.confirmed.push(r);
      if (this.confirmed.length > confirmedRoundsMax) throw new Error(`bug: shard ${this.shard} has ${this.confirmed.length} confirmed read rounds waiting for apply`);
    }
    let done = 0;
    while (done < this.confirmed.length && (this.confirmed[done] as ReadRound).index <= applied) done++;
    if (done > 0) {
      const ready = this.confirmed.splice(0, done);
      this.released += ready.length;
      for (const r of ready) r.settle("released");
    }
    if (this.inflight === null && this.next !== null) this.scheduleStart();
  }

  /** The node stopped leading the shard (or stopped altogether): every waiting read fails. */
  failAll(): void {
    const rounds = [...this.confirmed, this.inflight, this.next];
    this.confirmed = [];
    this.inflight = null;
    this.next = null;
    for (const r of rounds) {
      if (r === null) continue;
      this.failed++;
      r.settle("failed");
    }
  }

  private scheduleStart(): void {
    if (this.inflight !== null || this.startScheduled) return;
    this.startScheduled = true;
    // A microtask: every read of the current turn (a whole pipeline, other connections' data) joins.
    queueMicrotask(() => {
      this.startScheduled = false;
      this.start();
    });
  }

  private start(): void {
    const r = this.next;
    if (this.inflight !== null || r === null) return;
    this.next = null;
    r.context = `r${this.shard}.${++this.rounds}`;
    this.inflight = r;
    this.started++;
    if (!this.request(r.context)) {
      this.inflight = null;
      this.failed++;
      r.settle("failed");
    }
  }
}
