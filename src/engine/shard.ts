// A shard: its state machine (databases) and its log. Standalone is a group of one voter whose commit
// is the local fsync; the Raft driver replaces `log` with a replicated log behind the same seam
// (append, requestFlush, onDurable = "committed").
import { ShardState } from "../keyspace/shard-state.ts";
import type { SegmentLog } from "../storage/segment-log.ts";

export class Shard {
  /** Seqs appended to the log and not yet durable, in order (a FIFO with a moving head). */
  private pending: number[] = [];
  private pendingHead = 0;

  constructor(
    readonly id: number,
    readonly state: ShardState,
    readonly log: SegmentLog,
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
