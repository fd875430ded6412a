// A peer's outgoing frames not yet handed to the socket, bounded in frames and bytes. When full the oldest
// frame is dropped: Raft retransmits what is lost, and a fresh heartbeat or append is worth more than a
// stale one. Frames leave in batches so that everything queued in one turn goes out in one write.

export interface TakenBatch {
  /** The frames concatenated (or the single frame itself, uncopied). */
  readonly bytes: Uint8Array;
  readonly frames: number;
}

export class SendQueue {
  private items: Uint8Array[] = [];
  private head = 0;
  private queuedBytes = 0;

  constructor(
    private readonly framesMax: number,
    private readonly bytesMax: number,
  ) {
    if (framesMax < 1 || bytesMax < 1) throw new Error("transport: send queue bounds must be positive");
  }

  get frames(): number {
    return this.items.length - this.head;
  }

  get bytes(): number {
    return this.queuedBytes;
  }

  /** Queues a frame and returns how many older frames were dropped to make room for it. */
  push(frame: Uint8Array): number {
    if (frame.byteLength > this.bytesMax) throw new Error("transport: a frame larger than the queue byte bound");
    let dropped = 0;
    // Bounded by the number of queued frames: each iteration removes one.
    while (this.frames >= this.framesMax || this.queuedBytes + frame.byteLength > this.bytesMax) {
      this.shift();
      dropped++;
    }
    this.items.push(frame);
    this.queuedBytes += frame.byteLength;
    return dropped;
  }

  /** Removes frames from the front, at least one, and more while they fit in `bytesMax` together. */
  take(bytesMax: number): TakenBatch {
    const first = this.items[this.head];
    if (first === undefined) throw new Error("transport: take from an empty send queue");
    let count = 1;
    let total = first.byteLength;
    for (let i = this.head + 1; i < this.items.length; i++) {
      const next = this.items[i]!.byteLength;
      if (total + next > bytesMax) break;
      total += next;
      count++;
    }
    if (count === 1) {
      this.shift();
      return { bytes: first, frames: 1 };
    }
    const bytes = new Uint8Array(total);
    let at = 0;
    for (let i = 0; i < count; i++) {
      const frame = this.shift();
      bytes.set(frame, at);
      at += frame.byteLength;
    }
    return { bytes, frames: count };
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.queuedBytes = 0;
  }

  private shift(): Uint8Array {
    const frame = this.items[this.head];
    if (frame === undefined) throw new Error("transport: shift from an empty send queue");
    this.items[this.head] = EMPTY;
    this.head++;
    this.queuedBytes -= frame.byteLength;
    // Compact once the consumed prefix dominates, so the array stays within twice the live frames.
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return frame;
  }
}

const EMPTY = new Uint8Array(0);
