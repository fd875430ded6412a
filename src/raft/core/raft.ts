// The Raft state machine: elections (pre-vote, check-quorum), replication with flow control, commit,
// chunked snapshots, single-step membership changes with learners, leadership transfer and ReadIndex.
// It is pure: inputs are step(), tick() and the proposal methods; outputs are collected in ready().
// This file is the node's face: the driver's API, the term rules and per-role dispatch of step(), and
// the Ready hand-off. The parts it dispatches to share one NodeState (node-state.ts):
//   roles.ts (role transitions), election.ts (timeouts, campaigns, votes, heartbeats, check-quorum),
//   replication.ts (appends, flow control, commit, leadership transfer), snapshot-transfer.ts (chunked
//   snapshots, both ends), read-index.ts (ReadIndex on the leader), proposals.ts, membership.ts.
import type { RaftConfig } from "./config.ts";
import { Elections } from "./election.ts";
import type { RaftLog } from "./log.ts";
import { Membership } from "./membership.ts";
import { NodeState } from "./node-state.ts";
import type { Progress } from "./progress.ts";
import { Proposals } from "./proposals.ts";
import { ReadIndex } from "./read-index.ts";
import { Replication } from "./replication.ts";
import { Roles } from "./roles.ts";
import { SnapshotTransfer } from "./snapshot-transfer.ts";
import {
  assert,
  CAMPAIGN_TRANSFER,
  type ConfChange,
  type ConfState,
  encodeConfChange,
  type HardState,
  hardStateEqual,
  type Message,
  message,
  NONE,
  type NodeId,
  type Ready,
  type SoftState,
  type StateRole,
} from "./types.ts";

// Re-exported: importers of raft.ts keep their paths.
export { RAFT_DEFAULTS, type RaftConfig } from "./config.ts";
export { decodeConfChange } from "./types.ts";

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
  /** Leader only: each member's replication progress. */
  readonly progress: ReadonlyMap<NodeId, string>;
}

export class RaftNode {
  readonly id: NodeId;
  readonly log: RaftLog;

  private readonly node: NodeState;
  private readonly snapshots: SnapshotTransfer;
  private readonly reads: ReadIndex;
  private readonly replication: Replication;
  private readonly roles: Roles;
  private readonly elections: Elections;
  private readonly membership: Membership;
  private readonly proposals: Proposals;
  private prevSoftState: SoftState;
  private prevHardState: HardState;
  private readyOutstanding = false;

  constructor(config: RaftConfig) {
    const node = new NodeState(config);
    this.node = node;
    this.id = node.id;
    this.log = node.log;
    this.snapshots = new SnapshotTransfer(node);
    this.reads = new ReadIndex(node);
    this.replication = new Replication(node, { snapshots: this.snapshots, reads: this.reads });
    this.roles = new Roles(node, { replication: this.replication, reads: this.reads });
    this.elections = new Elections(node, { roles: this.roles, reads: this.reads });
    this.membership = new Membership(node, { roles: this.roles, replication: this.replication });
    this.proposals = new Proposals(node, this.replication);
    this.roles.becomeFollower(node.term, NONE);
    this.prevSoftState = this.softState();
    this.prevHardState = this.hardState();
  }

  get term(): number {
    return this.node.term;
  }

  get vote(): NodeId {
    return this.node.vote;
  }

  get lead(): NodeId {
    return this.node.lead;
  }

  get state(): StateRole {
    return this.node.state;
  }

  // ---- the driver's API ----

  /** Advances logical time by one tick: election timeouts for followers, heartbeats for the leader. */
  tick(): void {
    this.elections.tick();
  }

  /** Starts an election now (with a pre-vote round when enabled). */
  campaign(): void {
    this.elections.campaign();
  }

  /** Proposes an entry; throws ProposalDroppedError when no leader can take it now. */
  propose(data: Uint8Array): void {
    this.proposals.propose("normal", data);
  }

  /** Proposes one membership step; only one may be in flight (ProposalDroppedError otherwise). */
  proposeConfChange(change: ConfChange): void {
    this.proposals.propose("conf-change", encodeConfChange(change));
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
    return this.membership.apply(change);
  }

  /** Feeds a message from a peer. */
  step(m: Message): void {
    const node = this.node;
    if (m.term > node.term && m.term !== 0) {
      if (m.type === "vote" || m.type === "pre-vote") {
        const force = m.context === CAMPAIGN_TRANSFER;
        const inLease = node.limits.checkQuorum && node.lead !== NONE && node.electionElapsed < node.limits.electionTimeoutTicks;
        // A node that heard from a live leader recently ignores the disruptive candidate.
        if (!force && inLease) return;
      }
      if (m.type === "pre-vote" || (m.type === "pre-vote-resp" && !m.reject)) {
        // A pre-vote does not change anyone's term; a granted reply carries the proposed term.
      } else if (m.type === "app" || m.type === "heartbeat" || m.type === "snap") {
        this.roles.becomeFollower(m.term, m.from);
      } else {
        this.roles.becomeFollower(m.term, NONE);
      }
    } else if (m.term < node.term && m.term !== 0) {
      if ((node.limits.checkQuorum || node.limits.preVote) && (m.type === "heartbeat" || m.type === "app")) {
        // A deposed leader (perhaps healed from a partition) learns the newer term and steps down.
        node.send({ type: "app-resp", to: m.from });
      } else if (m.type === "pre-vote") {
        node.send({ type: "pre-vote-resp", to: m.from, reject: true });
      }
      return;
    }
    if (m.type === "vote" || m.type === "pre-vote") {
      this.elections.handleVoteRequest(m);
      return;
    }
    if (node.state === "leader") this.stepLeader(m);
    else if (node.state === "follower") this.stepFollower(m);
    else this.stepCandidate(m);
  }

  hasReady(): boolean {
    const node = this.node;
    return (
      node.msgs.length > 0 ||
      node.readStates.length > 0 ||
      node.log.unstableEntries().length > 0 ||
      node.log.hasPendingSnapshot() ||
      node.log.hasNextCommittedEntries() ||
      !hardStateEqual(this.hardState(), this.prevHardState) ||
      !softStateEqual(this.softState(), this.prevSoftState)
    );
  }

  /** Collects the outstanding work. Call advance(ready) before the next ready(). */
  ready(): Ready {
    assert(!this.readyOutstanding, "ready() called again before advance()");
    const node = this.node;
    const softState = this.softState();
    const hardState = this.hardState();
    const softChanged = !softStateEqual(softState, this.prevSoftState);
    const hardChanged = !hardStateEqual(hardState, this.prevHardState);
    const entries = node.log.unstableEntries().slice();
    const rd: Ready = {
      softState: softChanged ? softState : undefined,
      hardState: hardChanged ? hardState : undefined,
      entries,
      snapshot: node.log.unstableSnapshot(),
      committedEntries: node.log.nextCommittedEntries(node.limits.maxCommittedEntriesPerReady),
      messages: node.msgs,
      readStates: node.readStates,
      mustSync:
        entries.length > 0 ||
        node.log.hasPendingSnapshot() ||
        (hardChanged && (hardState.term !== this.prevHardState.term || hardState.vote !== this.prevHardState.vote)),
    };
    node.msgs = [];
    node.readStates = [];
    if (softChanged) this.prevSoftState = softState;
    this.readyOutstanding = true;
    return rd;
  }

  /** Reports that `rd` was persisted, sent and applied. */
  advance(rd: Ready): void {
    assert(this.readyOutstanding, "advance() without ready()");
    const log = this.node.log;
    this.readyOutstanding = false;
    if (rd.hardState !== undefined) this.prevHardState = rd.hardState;
    const lastEntry = rd.entries[rd.entries.length - 1];
    if (lastEntry !== undefined) log.stableTo(lastEntry.index, lastEntry.term);
    if (rd.snapshot !== undefined) {
      log.stableSnapshotTo(rd.snapshot.meta.index);
      if (rd.snapshot.meta.index > log.applied) log.applied = rd.snapshot.meta.index;
    }
    const lastApplied = rd.committedEntries[rd.committedEntries.length - 1];
    if (lastApplied !== undefined) log.appliedTo(lastApplied.index);
  }

  softState(): SoftState {
    return { lead: this.node.lead, state: this.node.state };
  }

  hardState(): HardState {
    return { term: this.node.term, vote: this.node.vote, commit: this.node.log.committed };
  }

  status(): RaftStatus {
    const node = this.node;
    const progress = new Map<NodeId, string>();
    if (node.state === "leader") {
      for (const id of [...node.tracker.progress.keys()].sort((a, b) => a - b)) {
        progress.set(id, (node.tracker.progress.get(id) as Progress).describe());
      }
    }
    return {
      id: node.id,
      state: node.state,
      term: node.term,
      vote: node.vote,
      lead: node.lead,
      commit: node.log.committed,
      applied: node.log.applied,
      firstIndex: node.log.firstIndex(),
      lastIndex: node.log.lastIndex(),
      confState: node.tracker.confState(),
      leadTransferee: node.leadTransferee,
      progress,
    };
  }

  /** Leader only: a member's replication progress as the leader tracks it (undefined otherwise). */
  progressOf(id: NodeId): Readonly<Pick<Progress, "match" | "next" | "state" | "recentActive">> | undefined {
    return this.node.state === "leader" ? this.node.tracker.progress.get(id) : undefined;
  }

  // ---- per-role message handling ----

  private stepLeader(m: Message): void {
    switch (m.type) {
      case "prop":
        this.proposals.leaderPropose(m.entries, false);
        return;
      case "read-index":
        this.reads.handleRequest(m);
        return;
      case "transfer-leader":
        this.replication.transferLeadership(m.from);
        return;
      default:
        break;
    }
    const pr = this.node.tracker.progress.get(m.from);
    if (pr === undefined) return;
    switch (m.type) {
      case "app-resp":
        this.replication.handleAppendResponse(m, pr);
        return;
      case "heartbeat-resp":
        this.replication.handleHeartbeatResponse(m, pr);
        return;
      case "snap-resp":
        this.snapshots.handleResponse(m, pr);
        return;
      default:
        return;
    }
  }

  private stepCandidate(m: Message): void {
    const myResponse = this.node.state === "pre-candidate" ? "pre-vote-resp" : "vote-resp";
    switch (m.type) {
      case "app":
        this.roles.becomeFollower(m.term, m.from);
        this.replication.handleAppend(m);
        return;
      case "heartbeat":
        this.roles.becomeFollower(m.term, m.from);
        this.replication.handleHeartbeat(m);
        return;
      case "snap":
        this.roles.becomeFollower(m.term, m.from);
        this.snapshots.handleChunk(m);
        return;
      case myResponse:
        this.elections.handleVoteResponse(m);
        return;
      default:
        return; // proposals, reads and transfers are dropped while there is no leader
    }
  }

  private stepFollower(m: Message): void {
    const node = this.node;
    switch (m.type) {
      case "prop":
      case "read-index":
        if (node.lead !== NONE) node.send({ ...m, to: node.lead, term: 0, from: node.id });
        return;
      case "transfer-leader":
        if (node.lead !== NONE) node.send({ ...m, to: node.lead, term: 0, from: m.from });
        return;
      case "app":
        node.electionElapsed = 0;
        node.lead = m.from;
        this.replication.handleAppend(m);
        return;
      case "heartbeat":
        node.electionElapsed = 0;
        node.lead = m.from;
        this.replication.handleHeartbeat(m);
        return;
      case "snap":
        node.electionElapsed = 0;
        node.lead = m.from;
        this.snapshots.handleChunk(m);
        return;
      case "timeout-now":
        this.elections.handleTimeoutNow();
        return;
      case "read-index-resp":
        node.readStates.push({ index: m.index, context: m.context });
        return;
      default:
        return;
    }
  }
}

function softStateEqual(a: SoftState, b: SoftState): boolean {
  return a.lead === b.lead && a.state === b.state;
}
