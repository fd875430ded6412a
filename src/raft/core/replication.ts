// Log replication with flow control: the leader appends to its own log, sends appends (or starts a
// snapshot) to each follower as its progress allows, and commits what a quorum holds; a follower
// appends or rejects with a hint, and follows the leader's commit. Leadership transfer rides on it: the
// transferee is caught up first, then told to campaign (TimeoutNow).
import type { NodeState } from "./node-state.ts";
import type { Progress } from "./progress.ts";
import type { ReadIndex } from "./read-index.ts";
import type { SnapshotTransfer } from "./snapshot-transfer.ts";
import type { Entry, Message, NodeId } from "./types.ts";

export class Replication {
  constructor(
    private readonly node: NodeState,
    private readonly parts: { readonly snapshots: SnapshotTransfer; readonly reads: ReadIndex },
  ) {}

  // ---- leader ----

  /** Appends entries of this term to the leader's own log; a single voter commits them at once. */
  appendEntries(entries: readonly Pick<Entry, "type" | "data">[]): void {
    const node = this.node;
    let index = node.log.lastIndex();
    const stamped = entries.map((e) => ({ term: node.term, index: ++index, type: e.type, data: e.data }));
    const last = node.log.append(stamped);
    node.tracker.progress.get(node.id)?.maybeUpdate(last);
    this.advanceCommit();
  }

  /** Commits what a quorum of voters holds; true if the commit index moved (waiting reads then start). */
  advanceCommit(): boolean {
    if (!this.node.log.maybeCommit(this.node.tracker.committed(), this.node.term)) return false;
    this.parts.reads.releasePending();
    return true;
  }

  bcastAppend(): void {
    for (const id of this.node.peers()) this.maybeSendAppend(id, true);
  }

  /** Sends an append (or starts a snapshot) if flow control allows; true if something was sent. */
  maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const node = this.node;
    const pr = node.tracker.progress.get(to);
    if (pr === undefined || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = node.log.term(prevIndex);
    const entries = prevTerm === undefined ? undefined : node.log.entriesFrom(pr.next, node.limits.maxEntriesPerMessage);
    if (prevTerm === undefined || entries === undefined) return this.parts.snapshots.start(to, pr);
    if (entries.length === 0 && !sendIfEmpty) return false;
    node.send({ type: "app", to, index: prevIndex, logTerm: prevTerm, entries, commit: node.log.committed });
    pr.sentEntries(prevIndex + entries.length, entries.length);
    return true;
  }

  /** Hands leadership to `transferee` once it holds the whole log (TimeoutNow); appends catch it up. */
  transferLeadership(transferee: NodeId): void {
    const node = this.node;
    const pr = node.tracker.progress.get(transferee);
    if (pr === undefined || pr.isLearner) return;
    if (node.leadTransferee === transferee || transferee === node.id) return;
    node.leadTransferee = transferee;
    node.electionElapsed = 0; // the transfer must finish within one election timeout
    if (pr.match === node.log.lastIndex()) node.send({ type: "timeout-now", to: transferee });
    else this.maybeSendAppend(transferee, true);
  }

  handleAppendResponse(m: Message, pr: Progress): void {
    const node = this.node;
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
      if (m.logTerm > 0) nextProbe = node.log.findConflictByTerm(m.rejectHint, m.logTerm).index;
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
      if (pr.match + 1 >= node.log.firstIndex()) {
        pr.becomeProbe();
        pr.becomeReplicate();
      } else if (pr.match >= (pr.pendingSnapshot?.meta.index ?? 0)) {
        pr.becomeProbe(); // the log moved on past this snapshot: the next send starts a newer one
      }
    } else {
      pr.inflights.freeLE(m.index);
    }
    if (this.advanceCommit()) {
      this.bcastAppend();
    } else if (wasPaused) {
      this.maybeSendAppend(m.from, true);
    }
    for (let sent = 0; sent < node.limits.maxInflightMessages && this.maybeSendAppend(m.from, false); sent++);
    if (m.from === node.leadTransferee && pr.match === node.log.lastIndex()) {
      node.send({ type: "timeout-now", to: m.from });
    }
  }

  handleHeartbeatResponse(m: Message, pr: Progress): void {
    pr.recentActive = true;
    pr.probeSent = false;
    if (pr.state === "snapshot") {
      this.parts.snapshots.sendChunk(m.from, pr); // retransmit: chunks are acknowledged one by one
    } else {
      if (pr.state === "replicate" && pr.inflights.full()) pr.inflights.freeFirstOne();
      if (pr.match < this.node.log.lastIndex() || pr.state === "probe") this.maybeSendAppend(m.from, true);
    }
    this.parts.reads.handleHeartbeatAck(m);
  }

  // ---- follower ----

  handleAppend(m: Message): void {
    const node = this.node;
    if (m.index < node.log.committed) {
      node.send({ type: "app-resp", to: m.from, index: node.log.committed });
      return;
    }
    const lastNew = node.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNew !== undefined) {
      node.send({ type: "app-resp", to: m.from, index: lastNew });
      return;
    }
    const hint = node.log.findConflictByTerm(Math.min(m.index, node.log.lastIndex()), m.logTerm);
    node.send({ type: "app-resp", to: m.from, index: m.index, reject: true, rejectHint: hint.index, logTerm: hint.term });
  }

  handleHeartbeat(m: Message): void {
    const node = this.node;
    const last = node.log.lastIndex();
    if (m.commit > last) {
      // The leader counts entries as ours that we do not hold: this node lost its log (a wiped data
      // directory). Tell it where our log really ends, as a rejected append, so it probes from there.
      node.log.commitTo(last);
      node.send({ type: "app-resp", to: m.from, index: m.commit, reject: true, rejectHint: last });
    } else node.log.commitTo(m.commit);
    node.send({ type: "heartbeat-resp", to: m.from, context: m.context });
  }
}
