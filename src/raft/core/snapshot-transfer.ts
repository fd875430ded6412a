// Streaming a snapshot in chunks to a follower that fell behind the compacted log: the leader sends one
// chunk at a time and moves on as each is acknowledged; the follower assembles the chunks of one
// transfer in order and restores the snapshot when it is complete.
import type { NodeState } from "./node-state.ts";
import type { Progress } from "./progress.ts";
import { assert, type Message, type NodeId, type SnapshotMeta } from "./types.ts";

/** A follower's snapshot being assembled from chunks of one leader's transfer. */
interface SnapshotAssembly {
  readonly from: NodeId;
  readonly meta: SnapshotMeta;
  readonly totalBytes: number;
  readonly parts: Uint8Array[];
  receivedBytes: number;
}

export class SnapshotTransfer {
  private assembly: SnapshotAssembly | undefined = undefined;

  constructor(private readonly node: NodeState) {}

  // ---- leader ----

  /** Starts streaming the latest snapshot to `to`; false (nothing sent) if `to` may be down. */
  start(to: NodeId, pr: Progress): boolean {
    if (!pr.recentActive) return false; // do not stream a snapshot to a node that may be down
    const snapshot = this.node.log.snapshot();
    pr.becomeSnapshot(snapshot);
    this.sendChunk(to, pr);
    return true;
  }

  /** Sends the chunk after what `to` has acknowledged. */
  sendChunk(to: NodeId, pr: Progress): void {
    const snapshot = pr.pendingSnapshot;
    if (snapshot === undefined) return;
    const offset = pr.snapshotAckedBytes;
    const data = snapshot.data.subarray(offset, offset + this.node.limits.snapshotChunkBytes);
    this.node.send({ type: "snap", to, snapshot: { meta: snapshot.meta, offset, totalBytes: snapshot.data.length, data } });
  }

  handleResponse(m: Message, pr: Progress): void {
    pr.recentActive = true;
    const snapshot = pr.pendingSnapshot;
    if (pr.state !== "snapshot" || snapshot === undefined || snapshot.meta.index !== m.index) return;
    if (m.reject) {
      pr.becomeProbe();
      return;
    }
    if (m.chunkOffset === pr.snapshotAckedBytes) return; // a duplicate; a heartbeat response retransmits
    pr.snapshotAckedBytes = Math.min(m.chunkOffset, snapshot.data.length);
    if (pr.snapshotAckedBytes < snapshot.data.length) this.sendChunk(m.from, pr);
  }

  // ---- follower ----

  /** Adds one chunk to the snapshot being assembled; restores it when complete. */
  handleChunk(m: Message): void {
    const node = this.node;
    const chunk = m.snapshot;
    if (chunk === undefined) return;
    if (chunk.meta.index <= node.log.committed) {
      // Already have it (perhaps our completion reply was lost): tell the leader where we are.
      this.assembly = undefined;
      node.send({ type: "app-resp", to: m.from, index: node.log.committed });
      return;
    }
    const current = this.assembly;
    const sameTransfer =
      current !== undefined && current.from === m.from && current.meta.index === chunk.meta.index && current.meta.term === chunk.meta.term;
    if (chunk.offset === 0 && !(sameTransfer && current.receivedBytes > 0)) {
      this.assembly = { from: m.from, meta: chunk.meta, totalBytes: chunk.totalBytes, parts: [], receivedBytes: 0 };
    } else if (!sameTransfer || chunk.offset !== current.receivedBytes) {
      node.send({ type: "snap-resp", to: m.from, index: chunk.meta.index, chunkOffset: sameTransfer ? current.receivedBytes : 0 });
      return;
    }
    const assembly = this.assembly as SnapshotAssembly;
    assembly.parts.push(chunk.data.slice());
    assembly.receivedBytes += chunk.data.length;
    assert(assembly.receivedBytes <= assembly.totalBytes, "snapshot chunks exceed the announced size");
    if (assembly.receivedBytes < assembly.totalBytes) {
      node.send({ type: "snap-resp", to: m.from, index: chunk.meta.index, chunkOffset: assembly.receivedBytes });
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
    node.send({ type: "app-resp", to: m.from, index: restored ? node.log.lastIndex() : node.log.committed });
  }

  private restore(snapshot: { meta: SnapshotMeta; data: Uint8Array }): boolean {
    const log = this.node.log;
    const { index, term, confState } = snapshot.meta;
    if (index <= log.committed) return false;
    if (log.matchTerm(index, term)) {
      // Our log already holds the snapshot's last entry: just commit up to it.
      log.commitTo(index);
      return false;
    }
    log.restore(snapshot);
    this.node.tracker.setConfState(confState, log.lastIndex() + 1);
    return true;
  }
}
