// The Raft state machine: elections (pre-vote, check-quorum), replication with flow control, commit,
// chunked snapshots, single-step membership changes with learners, leadership transfer and ReadIndex.
// It is pure: inputs are step(), tick() and the proposal methods; outputs are collected in ready().
import { RaftLog } from "./log.ts";
import { type Progress, ProgressTracker } from "./progress.ts";
import { ReadOnly, type ReadIndexRequest } from "./read-only.ts";
import type { Storage } from "./storage.ts";
import {
  assert,
  CAMPAIGN_TRANSFER,
  type ConfChange,
  type ConfState,
  decodeConfChange,
  EMPTY_HARD_STATE,
  encodeConfChange,
  type Entry,
  type EntryType,
  type HardState,
  hardStateEqual,
  type Message,
  message,
  type MessageType,
  NONE,
  type NodeId,
  ProposalDroppedError,
  type Random,
  type Ready,
  type ReadState,
  type SnapshotMeta,
  type SoftState,
  type StateRole,
} from "./types.ts";

/** Every tunable of the core, with its default. Ticks are the driver's tick() calls. */
export const RAFT_DEFAULTS = {
  electionTimeoutTicks: 10,
  heartbeatTimeoutTicks: 1,
  preVote: true,
  checkQuorum: true,
  /** Entries in one append message. */
  maxEntriesPerMessage: 64,
  /** Unacknowledged append messages per follower in the replicate state. */
  maxInflightMessages: 64,
  /** Committed entries handed out in one Ready. */
  maxCommittedEntriesPerReady: 1024,
  /** Bytes of snapshot payload in one snap message. */
  snapshotChunkBytes: 64 * 1024,
};

export interface RaftConfig extends Partial<typeof RAFT_DEFAULTS> {
  readonly id: NodeId;
  readonly storage: Storage;
  readonly random: Random;
  /** The index the application has applied (from its own snapshot) when restarting; default: none. */
  readonly applied?: number;
}

type CampaignType = "pre-election" | "election" | "transfer";

export interface RaftStatus {
  readonly id: NodeId;
  readonly state: StateRole;
  readonly term: number;
  readonly vote: NodeId;
  readonly lead: NodeId;
  readonly commit: number;
  readonly applied: number;
  readonly firstIndex: number;
  readonly lastIndex: number;
  readonly confState: ConfState;
  readonly leadTransferee: NodeId;
  /** Leader only: each member's replication state. */
  readonly progress: ReadonlyMap<NodeId, string>;
}

/** A follower's snapshot being assembled from chunks of one leader's transfer. */
interface SnapshotAssembly {
  readonly from: NodeId;
  readonly meta: SnapshotMeta;
  readonly totalBytes: number;
  readonly parts: Uint8Array[];
  receivedBytes: number;
}

export class RaftNode {
  readonly id: NodeId;
  term = 0;
  vote: NodeId = NONE;
  lead: NodeId = NONE;
  state: StateRole = "follower";
  readonly log: RaftLog;

  private readonly limits: typeof RAFT_DEFAULTS;
  private readonly random: Random;
  private readonly tracker: ProgressTracker;
  private readonly readOnly = new ReadOnly();
  private msgs: Message[] = [];
  private readStates: ReadState[] = [];
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;
  private leadTransferee: NodeId = NONE;
  /** A conf change may not be proposed until the leader has applied past this index. */
  private pendingConfIndex = 0;
  /** Reads that arrived before this leader committed an entry of its term. */
  private pendingReadIndexMessages: Message[] = [];
  private assembly: SnapshotAssembly | undefined = undefined;
  private prevSoftState: SoftState;
  private prevHardState: HardState;
  private readyOutstanding = false;

  constructor(config: RaftConfig) {
    assert(config.id !== NONE, "node id must not be 0");
    this.id = config.id;
    this.random = config.random;
    const limits = { ...RAFT_DEFAULTS };
    for (const key of Object.keys(RAFT_DEFAULTS) as (keyof typeof RAFT_DEFAULTS)[]) {
      const value = config[key];
      if (value !== undefined) (limits as Record<string, number | boolean>)[key] = value;
    }
    this.limits = limits;
    assert(limits.heartbeatTimeoutTicks > 0 && limits.electionTimeoutTicks > limits.heartbeatTimeoutTicks, "election timeout must exceed heartbeat timeout");
    assert(limits.maxInflightMessages > 0 && limits.snapshotChunkBytes > 0, "window and chunk size must be positive");
    this.log = new RaftLog(config.storage);
    this.tracker = new ProgressTracker(limits.maxInflightMessages);
    const { hardState, confState } = config.storage.initialState();
    this.tracker.setConfState(confState, this.log.lastIndex() + 1);
    if (!hardStateEqual(hardState, EMPTY_HARD_STATE)) {
      // The snapshot's index is committed by definition; a crash may have kept a snapshot but not the
      // hard state written after it, so the stored commit can be lower, never higher than the log.
      assert(hardState.commit <= this.log.lastIndex(), `hard state commit ${hardState.commit} beyond last index ${this.log.lastIndex()}`);
      this.log.committed = Math.max(hardState.commit, this.log.committed);
      this.term = hardState.term;
      this.vote = hardState.vote;
    }
    if (config.applied !== undefined && config.applied > this.log.applied) this.log.appliedTo(config.applied);
    this.becomeFollower(this.term, NONE);
    this.prevSoftState = this.softState();
    this.prevHardState = this.hardState();
  }

  // ---- the driver's API ----

  /** Advances logical time by one tick: election timeouts for followers, heartbeats for the leader. */
  tick(): void {
    if (this.state === "leader") this.tickHeartbeat();
    else this.tickElection();
  }

  /** Starts an election now (with a pre-vote round when enabled). */
  campaign(): void {
    this.hup(this.limits.preVote ? "pre-election" : "election");
  }

  /** Proposes an entry; throws ProposalDroppedError when no leader can take it now. */
  propose(data: Uint8Array): void {
    this.proposeEntry("normal", data);
  }

  /** Proposes one membership step; only one may be in flight (ProposalDroppedError otherwise). */
  proposeConfChange(change: ConfChange): void {
    this.proposeEntry("conf-change", encodeConfChange(change));
  }

  /** Asks the leader to hand leadership to `transferee` (via TimeoutNow once it is caught up). */
  transferLeader(transferee: NodeId): void {
    this.step(message({ type: "transfer-leader", from: transferee, to: this.id, term: 0 }));
  }

  /** Requests a linearizable read; a ReadState with this context appears in a later Ready. */
  readIndex(context: string): void {
    this.step(message({ type: "read-index", from: this.id, to: this.id, term: 0, context }));
  }

  /** Applies a committed conf change entry; the driver calls this while applying it. */
  applyConfChange(change: ConfChange): ConfState {
    const voters = new Set(this.tracker.voters);
    const learners = new Set(this.tracker.learners);
    if (change.type === "add-node") {
      learners.delete(change.nodeId);
      voters.add(change.nodeId);
    } else if (change.type === "add-learner") {
      if (!voters.has(change.nodeId)) learners.add(change.nodeId); // demotion needs joint consensus
    } else {
      voters.delete(change.nodeId);
      learners.delete(change.nodeId);
    }
    this.tracker.setConfState({ voters: [...voters], learners: [...learners] }, this.log.lastIndex() + 1);
    if (this.state === "leader") {
      if (!this.tracker.isVoter(this.id)) {
        this.becomeFollower(this.term, NONE); // removed: let the remaining voters elect a leader
      } else {
        if (this.leadTransferee !== NONE && !this.tracker.isVoter(this.leadTransferee)) this.leadTransferee = NONE;
        if (this.maybeCommit()) this.releasePendingReadIndexMessages();
        this.bcastAppend();
      }
    }
    return this.tracker.confState();
  }

  /** Feeds a message from a peer. */
  step(m: Message): void {
    if (m.term > this.term && m.term !== 0) {
      if (m.type === "vote" || m.type === "pre-vote") {
        const force = m.context === CAMPAIGN_TRANSFER;
        const inLease = this.limits.checkQuorum && this.lead !== NONE && this.electionElapsed < this.limits.electionTimeoutTicks;
        // A node that heard from a live leader recently ignores the disruptive candidate.
        if (!force && inLease) return;
      }
      if (m.type === "pre-vote" || (m.type === "pre-vote-resp" && !m.reject)) {
        // A pre-vote does not change anyone's term; a granted reply carries the proposed term.
      } else if (m.type === "app" || m.type === "heartbeat" || m.type === "snap") {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term && m.term !== 0) {
      if ((this.limits.checkQuorum || this.limits.preVote) && (m.type === "heartbeat" || m.type === "app")) {
        // A deposed leader (perhaps healed from a partition) learns the newer term and steps down.
        this.send({ type: "app-resp", to: m.from });
      } else if (m.type === "pre-vote") {
        this.send({ type: "pre-vote-resp", to: m.from, reject: true });
      }
      return;
    }
    if (m.type === "vote" || m.type === "pre-vote") {
      this.handleVoteRequest(m);
      return;
    }
    if (this.state === "leader") this.stepLeader(m);
    else if (this.state === "follower") this.stepFollower(m);
    else this.stepCandidate(m);
  }

  hasReady(): boolean {
    return (
      this.msgs.length > 0 ||
      this.readStates.length > 0 ||
      this.log.unstableEntries().length > 0 ||
      this.log.hasPendingSnapshot() ||
      this.log.hasNextCommittedEntries() ||
      !hardStateEqual(this.hardState(), this.prevHardState) ||
      !softStateEqual(this.softState(), this.prevSoftState)
    );
  }

  /** Collects the outstanding work. Call advance(ready) before the next ready(). */
  ready(): Ready {
    assert(!this.readyOutstanding, "ready() called again before advance()");
    const softState = this.softState();
    const hardState = this.hardState();
    const softChanged = !softStateEqual(softState, this.prevSoftState);
    const hardChanged = !hardStateEqual(hardState, this.prevHardState);
    const entries = this.log.unstableEntries().slice();
    const rd: Ready = {
      softState: softChanged ? softState : undefined,
      hardState: hardChanged ? hardState : undefined,
      entries,
      snapshot: this.log.unstableSnapshot(),
      committedEntries: this.log.nextCommittedEntries(this.limits.maxCommittedEntriesPerReady),
      messages: this.msgs,
      readStates: this.readStates,
      mustSync:
        entries.length > 0 ||
        this.log.hasPendingSnapshot() ||
        (hardChanged && (hardState.term !== this.prevHardState.term || hardState.vote !== this.prevHardState.vote)),
    };
    this.msgs = [];
    this.readStates = [];
    if (softChanged) this.prevSoftState = softState;
    this.readyOutstanding = true;
    return rd;
  }

  /** Reports that `rd` was persisted, sent and applied. */
  advance(rd: Ready): void {
    assert(this.readyOutstanding, "advance() without ready()");
    this.readyOutstanding = false;
    if (rd.hardState !== undefined) this.prevHardState = rd.hardState;
    const lastEntry = rd.entries[rd.entries.length - 1];
    if (lastEntry !== undefined) this.log.stableTo(lastEntry.index, lastEntry.term);
    if (rd.snapshot !== undefined) {
      this.log.stableSnapshotTo(rd.snapshot.meta.index);
      if (rd.snapshot.meta.index > this.log.applied) this.log.applied = rd.snapshot.meta.index;
    }
    const lastApplied = rd.committedEntries[rd.committedEntries.length - 1];
    if (lastApplied !== undefined) this.log.appliedTo(lastApplied.index);
  }

  softState(): SoftState {
    return { lead: this.lead, state: this.state };
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  status(): RaftStatus {
    const progress = new Map<NodeId, string>();
    if (this.state === "leader") {
      for (const id of [...this.tracker.progress.keys()].sort((a, b) => a - b)) {
        progress.set(id, (this.tracker.progress.get(id) as Progress).describe());
      }
    }
    return {
      id: this.id,
      state: this.state,
      term: this.term,
      vote: this.vote,
      lead: this.lead,
      commit: this.log.committed,
      applied: this.log.applied,
      firstIndex: this.log.firstIndex(),
      lastIndex: this.log.lastIndex(),
      confState: this.tracker.confState(),
      leadTransferee: this.leadTransferee,
      progress,
    };
  }

  /** Leader only: a member's replication progress as the leader tracks it (undefined otherwise). */
  progressOf(id: NodeId): Readonly<Pick<Progress, "match" | "next" | "state" | "recentActive">> | undefined {
    return this.state === "leader" ? this.tracker.progress.get(id) : undefined;
  }

  // ---- roles ----

  private reset(term: number): void {
    if (term !== this.term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.limits.electionTimeoutTicks + this.random.intBelow(this.limits.electionTimeoutTicks);
    this.leadTransferee = NONE;
    this.tracker.resetVotes();
    const lastIndex = this.log.lastIndex();
    for (const [id, pr] of this.tracker.progress) {
      pr.becomeProbe();
      pr.match = id === this.id ? lastIndex : 0;
      pr.next = lastIndex + 1;
      pr.recentActive = false;
    }
    this.pendingConfIndex = 0;
    this.readOnly.reset();
    this.pendingReadIndexMessages = [];
  }

  private becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this.lead = lead;
    this.state = "follower";
  }

  private becomePreCandidate(): void {
    assert(this.state !== "leader", "a leader cannot become pre-candidate");
    // Not reset(): the term and vote stay until the pre-vote is won.
    this.tracker.resetVotes();
    this.lead = NONE;
    this.state = "pre-candidate";
  }

  private becomeCandidate(): void {
    assert(this.state !== "leader", "a leader cannot become candidate");
    this.reset(this.term + 1);
    this.vote = this.id;
    this.state = "candidate";
  }

  private becomeLeader(): void {
    assert(this.state !== "follower", "a follower cannot become leader directly");
    this.reset(this.term);
    this.lead = this.id;
    this.state = "leader";
    const self = this.tracker.progress.get(this.id);
    if (self !== undefined) self.becomeReplicate();
    // Conf changes wait until this term's first entry is applied: that rules out the single-step
    // membership change bug where an old leader's uncommitted change meets a new one.
    this.pendingConfIndex = this.log.lastIndex();
    this.appendEntries([{ type: "normal", data: new Uint8Array(0) }]);
    this.bcastAppend();
  }

  private promotable(): boolean {
    return this.tracker.isVoter(this.id);
  }

  // ---- elections ----

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.campaign();
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.limits.electionTimeoutTicks) {
      this.electionElapsed = 0;
      if (this.limits.checkQuorum) {
        if (!this.tracker.quorumActive(this.id)) {
          this.becomeFollower(this.term, NONE);
          return;
        }
        for (const [id, pr] of this.tracker.progress) if (id !== this.id) pr.recentActive = false;
      }
      // A transfer that did not finish within an election timeout is abandoned.
      this.leadTransferee = NONE;
    }
    if (this.heartbeatElapsed >= this.limits.heartbeatTimeoutTicks) {
      this.heartbeatElapsed = 0;
      this.bcastHeartbeat();
    }
  }

  private hup(type: CampaignType): void {
    if (this.state === "leader" || !this.promotable()) return;
    // An unapplied conf change could change who may vote; wait until it is applied.
    const unapplied = this.log.slice(this.log.applied + 1, this.log.committed + 1, Number.MAX_SAFE_INTEGER) ?? [];
    if (unapplied.some((e) => e.type === "conf-change")) return;
    this.runCampaign(type);
  }

  private runCampaign(type: CampaignType): void {
    let voteType: MessageType;
    let term: number;
    if (type === "pre-election") {
      this.becomePreCandidate();
      voteType = "pre-vote";
      term = this.term + 1;
    } else {
      this.becomeCandidate();
      voteType = "vote";
      term = this.term;
    }
    if (this.poll(this.id, true) === "won") {
      if (type === "pre-election") this.runCampaign("election");
      else this.becomeLeader();
      return;
    }
    const index = this.log.lastIndex();
    const logTerm = this.log.lastTerm();
    const context = type === "transfer" ? CAMPAIGN_TRANSFER : "";
    for (const id of [...this.tracker.voters].sort((a, b) => a - b)) {
      if (id !== this.id) this.send({ type: voteType, to: id, term, index, logTerm, context });
    }
  }

  private poll(from: NodeId, granted: boolean): "won" | "lost" | "pending" {
    this.tracker.recordVote(from, granted);
    return this.tracker.tally().result;
  }

  private handleVoteRequest(m: Message): void {
    const responseType = m.type === "vote" ? "vote-resp" : "pre-vote-resp";
    const canVote =
      this.vote === m.from || (this.vote === NONE && this.lead === NONE) || (m.type === "pre-vote" && m.term > this.term);
    if (canVote && this.log.isUpToDate(m.index, m.logTerm)) {
      this.send({ type: responseType, to: m.from, term: m.term });
      if (m.type === "vote") {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type: responseType, to: m.from, reject: true });
    }
  }

  // ---- per-role message handling ----

  private stepLeader(m: Message): void {
    switch (m.type) {
      case "prop":
        this.leaderPropose(m.entries, false);
        return;
      case "read-index":
        this.leaderReadIndex(m);
        return;
      case "transfer-leader":
        this.leaderTransfer(m.from);
        return;
      default:
        break;
    }
    const pr = this.tracker.progress.get(m.from);
    if (pr === undefined) return;
    switch (m.type) {
      case "app-resp":
        this.handleAppendResponse(m, pr);
        return;
      case "heartbeat-resp":
        this.handleHeartbeatResponse(m, pr);
        return;
      case "snap-resp":
        this.handleSnapshotResponse(m, pr);
        return;
      default:
        return;
    }
  }

  private stepCandidate(m: Message): void {
    const myResponse = this.state === "pre-candidate" ? "pre-vote-resp" : "vote-resp";
    switch (m.type) {
      case "app":
        this.becomeFollower(m.term, m.from);
        this.handleAppend(m);
        return;
      case "heartbeat":
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return;
      case "snap":
        this.becomeFollower(m.term, m.from);
        this.handleSnapshotChunk(m);
        return;
      case myResponse: {
        const result = this.poll(m.from, !m.reject);
        if (result === "won") {
          if (this.state === "pre-candidate") this.runCampaign("election");
          else this.becomeLeader();
        } else if (result === "lost") {
          this.becomeFollower(this.term, NONE);
        }
        return;
      }
      default:
        return; // proposals, reads and transfers are dropped while there is no leader
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case "prop":
      case "read-index":
        if (this.lead !== NONE) this.send({ ...m, to: this.lead, term: 0, from: this.id });
        return;
      case "transfer-leader":
        if (this.lead !== NONE) this.send({ ...m, to: this.lead, term: 0, from: m.from });
        return;
      case "app":
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleAppend(m);
        return;
      case "heartbeat":
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleHeartbeat(m);
        return;
      case "snap":
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleSnapshotChunk(m);
        return;
      case "timeout-now":
        // Leadership transfer: campaign at once, skipping pre-vote and past the voters' leases.
        if (this.promotable()) this.runCampaign("transfer");
        return;
      case "read-index-resp":
        this.readStates.push({ index: m.index, context: m.context });
        return;
      default:
        return;
    }
  }

  // ---- proposals ----

  private proposeEntry(type: EntryType, data: Uint8Array): void {
    const entries: Entry[] = [{ term: 0, index: 0, type, data }];
    if (this.state === "leader") {
      if (!this.leaderPropose(entries, true)) throw new ProposalDroppedError("proposal dropped by the leader");
      return;
    }
    if (this.state !== "follower" || this.lead === NONE) throw new ProposalDroppedError("no leader known");
    this.send({ type: "prop", to: this.lead, term: 0, entries });
  }

  /** Appends proposed entries; false if dropped (transfer in progress, or a conf change already pending). */
  private leaderPropose(proposed: readonly Entry[], local: boolean): boolean {
    if (!this.tracker.progress.has(this.id) || this.leadTransferee !== NONE) return false;
    const accepted: Pick<Entry, "type" | "data">[] = [];
    for (const [i, entry] of proposed.entries()) {
      if (entry.type === "conf-change") {
        if (this.pendingConfIndex > this.log.applied) {
          if (local && proposed.length === 1) return false;
          accepted.push({ type: "normal", data: new Uint8Array(0) }); // keep positions; drop the change
          continue;
        }
        this.pendingConfIndex = this.log.lastIndex() + i + 1;
      }
      accepted.push({ type: entry.type, data: entry.data });
    }
    this.appendEntries(accepted);
    this.bcastAppend();
    return true;
  }

  private appendEntries(entries: readonly Pick<Entry, "type" | "data">[]): void {
    let index = this.log.lastIndex();
    const stamped = entries.map((e) => ({ term: this.term, index: ++index, type: e.type, data: e.data }));
    const last = this.log.append(stamped);
    this.tracker.progress.get(this.id)?.maybeUpdate(last);
    if (this.maybeCommit()) this.releasePendingReadIndexMessages();
  }

  private maybeCommit(): boolean {
    return this.log.maybeCommit(this.tracker.committed(), this.term);
  }

  // ---- replication ----

  private bcastAppend(): void {
    for (const id of this.peers()) this.maybeSendAppend(id, true);
  }

  private bcastHeartbeat(): void {
    const context = this.readOnly.lastPendingContext();
    for (const id of this.peers()) this.sendHeartbeat(id, context);
  }

  private peers(): NodeId[] {
    return [...this.tracker.progress.keys()].filter((id) => id !== this.id).sort((a, b) => a - b);
  }

  private sendHeartbeat(to: NodeId, context: string): void {
    const pr = this.tracker.progress.get(to);
    // Never tell a follower to commit beyond what it is known to hold.
    const commit = Math.min(pr?.match ?? 0, this.log.committed);
    this.send({ type: "heartbeat", to, commit, context });
  }

  /** Sends an append (or starts a snapshot) if flow control allows; true if something was sent. */
  private maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.tracker.progress.get(to);
    if (pr === undefined || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.term(prevIndex);
    const entries = prevTerm === undefined ? undefined : this.log.entriesFrom(pr.next, this.limits.maxEntriesPerMessage);
    if (prevTerm === undefined || entries === undefined) return this.startSnapshot(to, pr);
    if (entries.length === 0 && !sendIfEmpty) return false;
    this.send({ type: "app", to, index: prevIndex, logTerm: prevTerm, entries, commit: this.log.committed });
    pr.sentEntries(prevIndex + entries.length, entries.length);
    return true;
  }

  private handleAppend(m: Message): void {
    if (m.index < this.log.committed) {
      this.send({ type: "app-resp", to: m.from, index: this.log.committed });
      return;
    }
    const lastNew = this.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNew !== undefined) {
      this.send({ type: "app-resp", to: m.from, index: lastNew });
      return;
    }
    const hint = this.log.findConflictByTerm(Math.min(m.index, this.log.lastIndex()), m.logTerm);
    this.send({ type: "app-resp", to: m.from, index: m.index, reject: true, rejectHint: hint.index, logTerm: hint.term });
  }

  private handleHeartbeat(m: Message): void {
    const last = this.log.lastIndex();
    if (m.commit > last) {
      // The leader counts entries as ours that we do not hold: this node lost its log (a wiped data
      // directory). Tell it where our log really ends, as a rejected append, so it probes from there.
      this.log.commitTo(last);
      this.send({ type: "app-resp", to: m.from, index: m.commit, reject: true, rejectHint: last });
    } else this.log.commitTo(m.commit);
    this.send({ type: "heartbeat-resp", to: m.from, context: m.context });
  }

  private handleAppendResponse(m: Message, pr: Progress): void {
    pr.recentActive = true;
    if (m.reject) {
      if (m.rejectHint < pr.match) {
        // A healthy follower's log always holds what it acknowledged (messages of one link arrive in
        // order), so this follower lost its log: forget what it matched and probe from its real end.
        pr.match = m.rejectHint;
        pr.becomeProbe();
        this.maybeSendAppend(m.from, true);
        return;
      }
      let nextProbe = m.rejectHint;
      if (m.logTerm > 0) nextProbe = this.log.findConflictByTerm(m.rejectHint, m.logTerm).index;
      if (pr.maybeDecrTo(m.index, nextProbe)) {
        if (pr.state === "replicate") pr.becomeProbe();
        this.maybeSendAppend(m.from, true);
      }
      return;
    }
    const wasPaused = pr.isPaused();
    if (!pr.maybeUpdate(m.index)) return;
    if (pr.state === "probe") {
      pr.becomeReplicate();
    } else if (pr.state === "snapshot") {
      if (pr.match + 1 >= this.log.firstIndex()) {
        pr.becomeProbe();
        pr.becomeReplicate();
      } else if (pr.match >= (pr.pendingSnapshot?.meta.index ?? 0)) {
        pr.becomeProbe(); // the log moved on past this snapshot: the next send starts a newer one
      }
    } else {
      pr.inflights.freeLE(m.index);
    }
    if (this.maybeCommit()) {
      this.releasePendingReadIndexMessages();
      this.bcastAppend();
    } else if (wasPaused) {
      this.maybeSendAppend(m.from, true);
    }
    for (let sent = 0; sent < this.limits.maxInflightMessages && this.maybeSendAppend(m.from, false); sent++);
    if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) {
      this.send({ type: "timeout-now", to: m.from });
    }
  }

  private handleHeartbeatResponse(m: Message, pr: Progress): void {
    pr.recentActive = true;
    pr.probeSent = false;
    if (pr.state === "snapshot") {
      this.sendSnapshotChunk(m.from, pr); // retransmit: chunks are acknowledged one by one
    } else {
      if (pr.state === "replicate" && pr.inflights.full()) pr.inflights.freeFirstOne();
      if (pr.match < this.log.lastIndex() || pr.state === "probe") this.maybeSendAppend(m.from, true);
    }
    if (m.context === "") return;
    const acks = this.readOnly.recordAck(m.from, m.context);
    if (acks === undefined) return;
    let voterAcks = 0;
    for (const id of acks) if (this.tracker.isVoter(id)) voterAcks++;
    if (voterAcks < this.tracker.quorum()) return;
    for (const request of this.readOnly.releaseThrough(m.context)) this.answerRead(request);
  }

  // ---- snapshots ----

  private startSnapshot(to: NodeId, pr: Progress): boolean {
    if (!pr.recentActive) return false; // do not stream a snapshot to a node that may be down
    const snapshot = this.log.snapshot();
    pr.becomeSnapshot(snapshot);
    this.sendSnapshotChunk(to, pr);
    return true;
  }

  private sendSnapshotChunk(to: NodeId, pr: Progress): void {
    const snapshot = pr.pendingSnapshot;
    if (snapshot === undefined) return;
    const offset = pr.snapshotAckedBytes;
    const data = snapshot.data.subarray(offset, offset + this.limits.snapshotChunkBytes);
    this.send({ type: "snap", to, snapshot: { meta: snapshot.meta, offset, totalBytes: snapshot.data.length, data } });
  }

  private handleSnapshotResponse(m: Message, pr: Progress): void {
    pr.recentActive = true;
    const snapshot = pr.pendingSnapshot;
    if (pr.state !== "snapshot" || snapshot === undefined || snapshot.meta.index !== m.index) return;
    if (m.reject) {
      pr.becomeProbe();
      return;
    }
    if (m.chunkOffset === pr.snapshotAckedBytes) return; // a duplicate; a heartbeat response retransmits
    pr.snapshotAckedBytes = Math.min(m.chunkOffset, snapshot.data.length);
    if (pr.snapshotAckedBytes < snapshot.data.length) this.sendSnapshotChunk(m.from, pr);
  }

  /** Follower: adds one chunk to the snapshot being assembled; restores it when complete. */
  private handleSnapshotChunk(m: Message): void {
    const chunk = m.snapshot;
    if (chunk === undefined) return;
    if (chunk.meta.index <= this.log.committed) {
      // Already have it (perhaps our completion reply was lost): tell the leader where we are.
      this.assembly = undefined;
      this.send({ type: "app-resp", to: m.from, index: this.log.committed });
      return;
    }
    const current = this.assembly;
    const sameTransfer =
      current !== undefined && current.from === m.from && current.meta.index === chunk.meta.index && current.meta.term === chunk.meta.term;
    if (chunk.offset === 0 && !(sameTransfer && current.receivedBytes > 0)) {
      this.assembly = { from: m.from, meta: chunk.meta, totalBytes: chunk.totalBytes, parts: [], receivedBytes: 0 };
    } else if (!sameTransfer || chunk.offset !== current.receivedBytes) {
      this.send({ type: "snap-resp", to: m.from, index: chunk.meta.index, chunkOffset: sameTransfer ? current.receivedBytes : 0 });
      return;
    }
    const assembly = this.assembly as SnapshotAssembly;
    assembly.parts.push(chunk.data.slice());
    assembly.receivedBytes += chunk.data.length;
    assert(assembly.receivedBytes <= assembly.totalBytes, "snapshot chunks exceed the announced size");
    if (assembly.receivedBytes < assembly.totalBytes) {
      this.send({ type: "snap-resp", to: m.from, index: chunk.meta.index, chunkOffset: assembly.receivedBytes });
      return;
    }
    this.assembly = undefined;
    const data = new Uint8Array(assembly.totalBytes);
    let at = 0;
    for (const part of assembly.parts) {
      data.set(part, at);
      at += part.length;
    }
    const restored = this.restore({ meta: assembly.meta, data });
    this.send({ type: "app-resp", to: m.from, index: restored ? this.log.lastIndex() : this.log.committed });
  }

  private restore(snapshot: { meta: SnapshotMeta; data: Uint8Array }): boolean {
    const { index, term, confState } = snapshot.meta;
    if (index <= this.log.committed) return false;
    if (this.log.matchTerm(index, term)) {
      // Our log already holds the snapshot's last entry: just commit up to it.
      this.log.commitTo(index);
      return false;
    }
    this.log.restore(snapshot);
    this.tracker.setConfState(confState, this.log.lastIndex() + 1);
    return true;
  }

  // ---- leadership transfer ----

  private leaderTransfer(transferee: NodeId): void {
    const pr = this.tracker.progress.get(transferee);
    if (pr === undefined || pr.isLearner) return;
    if (this.leadTransferee === transferee || transferee === this.id) return;
    this.leadTransferee = transferee;
    this.electionElapsed = 0; // the transfer must finish within one election timeout
    if (pr.match === this.log.lastIndex()) this.send({ type: "timeout-now", to: transferee });
    else this.maybeSendAppend(transferee, true);
  }

  // ---- ReadIndex ----

  private leaderReadIndex(m: Message): void {
    if (this.tracker.voters.size === 1 && this.tracker.isVoter(this.id)) {
      this.answerRead({ index: this.log.committed, from: m.from, context: m.context, acks: new Set() });
      return;
    }
    // Until this term has committed an entry, our commit index may lag the true one.
    if (this.log.term(this.log.committed) !== this.term) {
      this.pendingReadIndexMessages.push(m);
      return;
    }
    this.readOnly.add(this.log.committed, m.from, m.context);
    this.readOnly.recordAck(this.id, m.context);
    for (const id of this.peers()) this.sendHeartbeat(id, m.context);
  }

  private releasePendingReadIndexMessages(): void {
    if (this.pendingReadIndexMessages.length === 0 || this.log.term(this.log.committed) !== this.term) return;
    const waiting = this.pendingReadIndexMessages;
    this.pendingReadIndexMessages = [];
    for (const m of waiting) this.leaderReadIndex(m);
  }

  private answerRead(request: ReadIndexRequest): void {
    if (request.from === this.id || request.from === NONE) {
      this.readStates.push({ index: request.index, context: request.context });
    } else {
      this.send({ type: "read-index-resp", to: request.from, index: request.index, context: request.context });
    }
  }

  // ---- output ----

  private send(fields: Partial<Message> & Pick<Message, "type" | "to">): void {
    const term = fields.term ?? this.term;
    this.msgs.push(message({ ...fields, from: fields.from ?? this.id, term }));
  }
}

function softStateEqual(a: SoftState, b: SoftState): boolean {
  return a.lead === b.lead && a.state === b.state;
}

export { decodeConfChange };
