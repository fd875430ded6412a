// The role transitions: follower, pre-candidate, candidate, leader. Entering a role resets what the old
// one left behind (clocks, votes, each peer's progress, pending reads); becoming leader appends the
// empty entry that lets this term commit.
import type { NodeState } from "./node-state.ts";
import type { ReadIndex } from "./read-index.ts";
import type { Replication } from "./replication.ts";
import { assert, NONE, type NodeId } from "./types.ts";

export class Roles {
  constructor(
    private readonly node: NodeState,
    private readonly parts: { readonly replication: Replication; readonly reads: ReadIndex },
  ) {}

  becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this.node.lead = lead;
    this.node.state = "follower";
  }

  becomePreCandidate(): void {
    const node = this.node;
    assert(node.state !== "leader", "a leader cannot become pre-candidate");
    // Not reset(): the term and vote stay until the pre-vote is won.
    node.tracker.resetVotes();
    node.lead = NONE;
    node.state = "pre-candidate";
  }

  becomeCandidate(): void {
    const node = this.node;
    assert(node.state !== "leader", "a leader cannot become candidate");
    this.reset(node.term + 1);
    node.vote = node.id;
    node.state = "candidate";
  }

  becomeLeader(): void {
    const node = this.node;
    assert(node.state !== "follower", "a follower cannot become leader directly");
    this.reset(node.term);
    node.lead = node.id;
    node.state = "leader";
    const self = node.tracker.progress.get(node.id);
    if (self !== undefined) self.becomeReplicate();
    // Conf changes wait until this term's first entry is applied: that rules out the single-step
    // membership change bug where an old leader's uncommitted change meets a new one.
    node.pendingConfIndex = node.log.lastIndex();
    this.parts.replication.appendEntries([{ type: "normal", data: new Uint8Array(0) }]);
    this.parts.replication.bcastAppend();
  }

  private reset(term: number): void {
    const node = this.node;
    if (term !== node.term) {
      node.term = term;
      node.vote = NONE;
    }
    node.lead = NONE;
    node.electionElapsed = 0;
    node.heartbeatElapsed = 0;
    node.randomizedElectionTimeout = node.limits.electionTimeoutTicks + node.random.intBelow(node.limits.electionTimeoutTicks);
    node.leadTransferee = NONE;
    node.tracker.resetVotes();
    const lastIndex = node.log.lastIndex();
    for (const [id, pr] of node.tracker.progress) {
      pr.becomeProbe();
      pr.match = id === node.id ? lastIndex : 0;
      pr.next = lastIndex + 1;
      pr.recentActive = false;
    }
    node.pendingConfIndex = 0;
    this.parts.reads.reset();
  }
}
