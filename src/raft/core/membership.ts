// Single-step membership changes with learners: a committed conf change adds a voter, adds (or keeps) a
// learner, or removes a member. A leader that removed itself steps down; one that stays re-counts the
// commit under the new quorum. (Proposals admits one change at a time: proposals.ts.)
import type { NodeState } from "./node-state.ts";
import type { Replication } from "./replication.ts";
import type { Roles } from "./roles.ts";
import { type ConfChange, type ConfState, NONE } from "./types.ts";

export class Membership {
  constructor(
    private readonly node: NodeState,
    private readonly parts: { readonly roles: Roles; readonly replication: Replication },
  ) {}

  /** Applies a committed conf change entry and returns the membership after it. */
  apply(change: ConfChange): ConfState {
    const node = this.node;
    const voters = new Set(node.tracker.voters);
    const learners = new Set(node.tracker.learners);
    if (change.type === "add-node") {
      learners.delete(change.nodeId);
      voters.add(change.nodeId);
    } else if (change.type === "add-learner") {
      if (!voters.has(change.nodeId)) learners.add(change.nodeId); // demotion needs joint consensus
    } else {
      voters.delete(change.nodeId);
      learners.delete(change.nodeId);
    }
    node.tracker.setConfState({ voters: [...voters], learners: [...learners] }, node.log.lastIndex() + 1);
    if (node.state === "leader") {
      if (!node.tracker.isVoter(node.id)) {
        this.parts.roles.becomeFollower(node.term, NONE); // removed: let the remaining voters elect a leader
      } else {
        if (node.leadTransferee !== NONE && !node.tracker.isVoter(node.leadTransferee)) node.leadTransferee = NONE;
        this.parts.replication.advanceCommit();
        this.parts.replication.bcastAppend();
      }
    }
    return node.tracker.confState();
  }
}
