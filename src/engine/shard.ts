// A shard: its state machine (databases) and its log. Standalone is a group of one voter whose commit
// is the local fsync; the Raft driver replaces `log` with a replicated log behind the same seam
// (append, requestFlush, onDurable = "committed").
import { ShardState } from "../keyspace/shard-state.ts";
import type { Merge, MergeResult } from "../storage/merge.ts";
import type { SegmentLog } from "../storage/segment-log.ts";
import type { RaftSnapshotMeta, SnapshotFiles } from "../storage/snapshot.ts";

export class Shard {
  /** Seqs appended to the log and not yet durable, in order (a FIFO with a moving head). */
  private pending: number[] = [];
  private pendingHead = 0;

  /** The newest snapshot: its generation (0: none yet), the seq it stands for, its size. */
  generation = 0;
  snapshotSeq = 0;
  snapshotBytes = 0;
  /**
   * Wall-clock ms when this shard's newest snapshot was committed by this process (a merge finished, or
   * in cluster mode a leader's snapshot was installed); null: none since start. LASTSAVE reads it.
   */
  snapshotCommittedMs: number | null = null;
  /** Cluster mode: the Raft position of the newest snapshot (null: none, or standalone). */
  raftSnapshot: RaftSnapshotMeta | null = null;
  /** The merge running on this shard, if any (engine/storage.ts). */
  merge: Merge | null = null;
  mergePromise: Promise<MergeResult> | null = null;
  /** Real snapshot size over estimated size, from the last merge. */
  liveScale = 1;
  /** log.bytesWritten when the last merge started. */
  bytesWrittenAtMerge = 0;
  /** Hot strings larger than hot-value-bytes-max, waiting for a merge to make them cold (approximate). */
  hotLargeValues = 0;

  constructor(
    readonly id: number,
    readonly state: ShardState,
    readonly log: SegmentLog,
    readonly dir: string,
    readonly files: SnapshotFiles,
  ) {}

  notePending(seq: number): void {
    this.pending.push(seq);
  }

  /** Lowest seq not yet durable on this shard, or Infinity. */
  firstPendingSeq(): number {
    return this.pendingHead < this.pending.length ? (this.pending[this.pendingHead] as number) : Infinity;
  }

  markDurable(seq: number): void {
    while (this.pendingHead < this.pending.length && (this.pending[this.pendingHead] as number) <= seq) this.pendingHead++;
    if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
  }
}
