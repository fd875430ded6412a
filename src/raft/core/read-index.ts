// ReadIndex on the leader: a read is answered at the commit index once a quorum of voters has
// acknowledged a heartbeat sent after it arrived; reads that arrive before this term has committed an
// entry wait for that commit. (The queue of rounds is in read-only.ts; src/raft/read-index.ts batches a
// cluster node's client reads into these requests.)
import type { NodeState } from "./node-state.ts";
import { ReadOnly, type ReadIndexRequest } from "./read-only.ts";
import { type Message, NONE } from "./types.ts";

export class ReadIndex {
  private readonly readOnly = new ReadOnly();
  /** Reads that arrived before this leader committed an entry of its term. */
  private pendingReadIndexMessages: Message[] = [];

  constructor(private readonly node: NodeState) {}

  /** Leader: a read-index request, from a client of this node or forwarded by a follower. */
  handleRequest(m: Message): void {
    const node = this.node;
    if (node.tracker.voters.size === 1 && node.tracker.isVoter(node.id)) {
      this.answer({ index: node.log.committed, from: m.from, context: m.context, acks: new Set() });
      return;
    }
    // Until this term has committed an entry, our commit index may lag the true one.
    if (node.log.term(node.log.committed) !== node.term) {
      this.pendingReadIndexMessages.push(m);
      return;
    }
    this.readOnly.add(node.log.committed, m.from, m.context);
    this.readOnly.recordAck(node.id, m.context);
    node.sendHeartbeats(m.context);
  }

  /** Leader: starts the rounds of reads that waited, once this term has committed an entry. */
  releasePending(): void {
    if (this.pendingReadIndexMessages.length === 0 || this.node.log.term(this.node.log.committed) !== this.node.term) return;
    const waiting = this.pendingReadIndexMessages;
    this.pendingReadIndexMessages = [];
    for (const m of waiting) this.handleRequest(m);
  }

  /** Leader: a heartbeat response's ack; a quorum of voters answers its round and every earlier one. */
  handleHeartbeatAck(m: Message): void {
    if (m.context === "") return;
    const acks = this.readOnly.recordAck(m.from, m.context);
    if (acks === undefined) return;
    let voterAcks = 0;
    for (const id of acks) if (this.node.tracker.isVoter(id)) voterAcks++;
    if (voterAcks < this.node.tracker.quorum()) return;
    for (const request of this.readOnly.releaseThrough(m.context)) this.answer(request);
  }

  /** The newest round still waiting for acks: every heartbeat carries it. */
  lastPendingContext(): string {
    return this.readOnly.lastPendingContext();
  }

  /** Drops every round and waiting read (a new term or role). */
  reset(): void {
    this.readOnly.reset();
    this.pendingReadIndexMessages = [];
  }

  private answer(request: ReadIndexRequest): void {
    if (request.from === this.node.id || request.from === NONE) {
      this.node.readStates.push({ index: request.index, context: request.context });
    } else {
      this.node.send({ type: "read-index-resp", to: request.from, index: request.index, context: request.context });
    }
  }
}
