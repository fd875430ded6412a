// The state every part of the node reads and writes: term, vote, role and leader, the log, the membership
// with each member's progress, the election clocks, and the outputs collected for the next Ready.
// The parts (roles, elections, replication, snapshots, reads, membership) each hold this one object.
import { type RaftConfig, type RaftLimits, resolveLimits } from "./config.ts";
import { RaftLog } from "./log.ts";
import { ProgressTracker } from "./progress.ts";
import {
  assert,
  EMPTY_HARD_STATE,
  hardStateEqual,
  type Message,
  message,
  NONE,
  type NodeId,
  type Random,
  type ReadState,
  type StateRole,
} from "./types.ts";

export class NodeState {
  readonly id: NodeId;
  term = 0;
  vote: NodeId = NONE;
  lead: NodeId = NONE;
  state: StateRole = "follower";
  readonly log: RaftLog;
  readonly limits: RaftLimits;
  readonly random: Random;
  readonly tracker: ProgressTracker;
  /** Outputs for the next Ready. */
  msgs: Message[] = [];
  readStates: ReadState[] = [];
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  leadTransferee: NodeId = NONE;
  /** A conf change may not be proposed until the leader has applied past this index. */
  pendingConfIndex = 0;

  /** Restores term, vote, commit and membership from storage; the role is set by the caller. */
  constructor(config: RaftConfig) {
    assert(config.id !== NONE, "node id must not be 0");
    this.id = config.id;
    this.random = config.random;
    this.limits = resolveLimits(config);
    this.log = new RaftLog(config.storage);
    this.tracker = new ProgressTracker(this.limits.maxInflightMessages);
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
  }

  /** Every other member, voters and learners, in id order. */
  peers(): NodeId[] {
    return [...this.tracker.progress.keys()].filter((id) => id !== this.id).sort((a, b) => a - b);
  }

  /** Only a voter may campaign. */
  promotable(): boolean {
    return this.tracker.isVoter(this.id);
  }

  /** Leader: a heartbeat to every peer, carrying `context` (a ReadIndex round's, or ""). */
  sendHeartbeats(context: string): void {
    for (const to of this.peers()) {
      const pr = this.tracker.progress.get(to);
      // Never tell a follower to commit beyond what it is known to hold.
      const commit = Math.min(pr?.match ?? 0, this.log.committed);
      this.send({ type: "heartbeat", to, commit, context });
    }
  }

  /** Queues a message for the next Ready; `from` and `term` default to this node's. */
  send(fields: Partial<Message> & Pick<Message, "type" | "to">): void {
    const term = fields.term ?? this.term;
    this.msgs.push(message({ ...fields, from: fields.from ?? this.id, term }));
  }
}
