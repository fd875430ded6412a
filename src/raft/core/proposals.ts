// Proposals: the leader appends them to its log and replicates them, refusing while a leadership
// transfer runs and admitting one membership change at a time; a follower forwards them to its leader.
import type { NodeState } from "./node-state.ts";
import type { Replication } from "./replication.ts";
import { type Entry, type EntryType, NONE, ProposalDroppedError } from "./types.ts";

export class Proposals {
  constructor(
    private readonly node: NodeState,
    private readonly replication: Replication,
  ) {}

  /** A proposal of this node's client; throws ProposalDroppedError when no leader can take it now. */
  propose(type: EntryType, data: Uint8Array): void {
    const node = this.node;
    const entries: Entry[] = [{ term: 0, index: 0, type, data }];
    if (node.state === "leader") {
      if (!this.leaderPropose(entries, true)) throw new ProposalDroppedError("proposal dropped by the leader");
      return;
    }
    if (node.state !== "follower" || node.lead === NONE) throw new ProposalDroppedError("no leader known");
    node.send({ type: "prop", to: node.lead, term: 0, entries });
  }

  /** Appends proposed entries; false if dropped (transfer in progress, or a conf change already pending). */
  leaderPropose(proposed: readonly Entry[], local: boolean): boolean {
    const node = this.node;
    if (!node.tracker.progress.has(node.id) || node.leadTransferee !== NONE) return false;
    const accepted: Pick<Entry, "type" | "data">[] = [];
    for (const [i, entry] of proposed.entries()) {
      if (entry.type === "conf-change") {
        if (node.pendingConfIndex > node.log.applied) {
          if (local && proposed.length === 1) return false;
          accepted.push({ type: "normal", data: new Uint8Array(0) }); // keep positions; drop the change
          continue;
        }
        node.pendingConfIndex = node.log.lastIndex() + i + 1;
      }
      accepted.push({ type: entry.type, data: entry.data });
    }
    this.replication.appendEntries(accepted);
    this.replication.bcastAppend();
    return true;
  }
}
