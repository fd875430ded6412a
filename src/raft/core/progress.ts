// The leader's view of each peer (flow control) and the membership with its quorum arithmetic.
import { assert, type ConfState, type NodeId, type Snapshot } from "./types.ts";

/** Appends sent but not acknowledged, by last index; full means "stop sending" (a bounded window). */
export class Inflights {
  private readonly lastIndexes: number[] = [];
  constructor(readonly capacity: number) {}

  add(lastIndex: number): void {
    assert(!this.full(), "inflight window overflow");
    this.lastIndexes.push(lastIndex);
  }

  /** Frees every append whose last index is <= `index`. */
  freeLE(index: number): void {
    let n = 0;
    while (n < this.lastIndexes.length && (this.lastIndexes[n] as number) <= index) n++;
    if (n > 0) this.lastIndexes.splice(0, n);
  }

  freeFirstOne(): void {
    this.lastIndexes.shift();
  }

  full(): boolean {
    return this.lastIndexes.length >= this.capacity;
  }

  count(): number {
    return this.lastIndexes.length;
  }

  reset(): void {
    this.lastIndexes.length = 0;
  }
}

export type ProgressState = "probe" | "replicate" | "snapshot";

/**
 * probe: one append at a time until the follower's match is found; replicate: pipelined appends up to the
 * inflight window; snapshot: a snapshot is being streamed in chunks, appends wait.
 */
export class Progress {
  match = 0;
  next: number;
  state: ProgressState = "probe";
  /** In probe: an append is out and unanswered; cleared by any response or a heartbeat response. */
  probeSent = false;
  /** Heard from since the last check-quorum round. */
  recentActive = false;
  readonly inflights: Inflights;
  /** The snapshot being sent (state "snapshot") and the bytes the follower has acknowledged. */
  pendingSnapshot: Snapshot | undefined = undefined;
  snapshotAckedBytes = 0;
  isLearner: boolean;

  constructor(next: number, inflightMax: number, isLearner: boolean) {
    this.next = next;
    this.inflights = new Inflights(inflightMax);
    this.isLearner = isLearner;
  }

  private resetState(state: ProgressState): void {
    this.probeSent = false;
    this.pendingSnapshot = undefined;
    this.snapshotAckedBytes = 0;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    const snapshotIndex = this.state === "snapshot" ? (this.pendingSnapshot?.meta.index ?? 0) : 0;
    this.resetState("probe");
    this.next = Math.max(this.match + 1, snapshotIndex + 1);
  }

  becomeReplicate(): void {
    this.resetState("replicate");
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshot: Snapshot): void {
    this.resetState("snapshot");
    this.pendingSnapshot = snapshot;
  }

  /** A successful append response; false if it was stale. */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (this.match < index) {
      this.match = index;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, index + 1);
    return updated;
  }

  /**
   * A rejected append of (rejected, the index probed) with the follower's hint of where to look. Returns
   * false when the rejection is stale.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === "replicate") {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1, 1);
    this.probeSent = false;
    return true;
  }

  /** Sent an append whose entries end at lastIndex (or sent nothing new when count is 0). */
  sentEntries(lastIndex: number, count: number): void {
    if (this.state === "replicate") {
      if (count > 0) {
        this.next = lastIndex + 1;
        this.inflights.add(lastIndex);
      }
    } else if (this.state === "probe") {
      this.probeSent = true;
    }
  }

  isPaused(): boolean {
    if (this.state === "probe") return this.probeSent;
    if (this.state === "replicate") return this.inflights.full();
    return true;
  }

  describe(): string {
    let text = `${this.state} match=${this.match} next=${this.next}`;
    if (this.isLearner) text += " learner";
    if (this.state === "replicate" && this.inflights.count() > 0) text += ` inflight=${this.inflights.count()}`;
    if (this.state === "probe" && this.probeSent) text += " paused";
    if (this.pendingSnapshot !== undefined) {
      text += ` snapshot=${this.pendingSnapshot.meta.index} acked=${this.snapshotAckedBytes}/${this.pendingSnapshot.data.length}`;
    }
    return text;
  }
}

export type VoteResult = "won" | "lost" | "pending";

export class ProgressTracker {
  voters = new Set<NodeId>();
  learners = new Set<NodeId>();
  readonly progress = new Map<NodeId, Progress>();
  private readonly votes = new Map<NodeId, boolean>();

  constructor(private readonly inflightMax: number) {}

  confState(): ConfState {
    return { voters: [...this.voters].sort((a, b) => a - b), learners: [...this.learners].sort((a, b) => a - b) };
  }

  /** Replaces the membership, keeping the progress of nodes that stay. */
  setConfState(confState: ConfState, nextIndex: number): void {
    this.voters = new Set(confState.voters);
    this.learners = new Set(confState.learners);
    for (const id of [...this.progress.keys()]) {
      if (!this.voters.has(id) && !this.learners.has(id)) this.progress.delete(id);
    }
    for (const id of [...this.voters, ...this.learners]) {
      const existing = this.progress.get(id);
      if (existing !== undefined) {
        existing.isLearner = this.learners.has(id);
        continue;
      }
      const pr = new Progress(nextIndex, this.inflightMax, this.learners.has(id));
      // A new member counts as active so that check-quorum does not depose the leader before it answers.
      pr.recentActive = true;
      this.progress.set(id, pr);
    }
  }

  isVoter(id: NodeId): boolean {
    return this.voters.has(id);
  }

  quorum(): number {
    return Math.floor(this.voters.size / 2) + 1;
  }

  /** The highest index stored on a quorum of voters. */
  committed(): number {
    if (this.voters.size === 0) return 0;
    const matches = [...this.voters].map((id) => this.progress.get(id)?.match ?? 0).sort((a, b) => b - a);
    return matches[this.quorum() - 1] ?? 0;
  }

  resetVotes(): void {
    this.votes.clear();
  }

  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tally(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    for (const id of this.voters) {
      const vote = this.votes.get(id);
      if (vote === true) granted++;
      else if (vote === false) rejected++;
    }
    const q = this.quorum();
    const result: VoteResult = granted >= q ? "won" : this.voters.size - rejected < q ? "lost" : "pending";
    return { granted, rejected, result };
  }

  /** True if a quorum of voters was heard from (the caller counts itself active). */
  quorumActive(self: NodeId): boolean {
    let active = 0;
    for (const id of this.voters) {
      if (id === self || this.progress.get(id)?.recentActive === true) active++;
    }
    return active >= this.quorum();
  }
}
