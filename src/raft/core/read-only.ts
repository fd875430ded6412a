// ReadIndex bookkeeping on the leader: a read at the commit index is safe once a quorum has answered a
// heartbeat sent after the read arrived, proving no newer leader had taken over at that moment.
import type { NodeId } from "./types.ts";

export interface ReadIndexRequest {
  readonly index: number;
  /** The node that asked (the leader itself for a local read). */
  readonly from: NodeId;
  readonly context: string;
  readonly acks: Set<NodeId>;
}

export class ReadOnly {
  private readonly pending = new Map<string, ReadIndexRequest>();
  private queue: string[] = [];

  add(index: number, from: NodeId, context: string): void {
    if (this.pending.has(context)) return;
    this.pending.set(context, { index, from, context, acks: new Set() });
    this.queue.push(context);
  }

  /** Records a heartbeat ack; returns who acknowledged the request, or undefined if unknown. */
  recordAck(from: NodeId, context: string): ReadonlySet<NodeId> | undefined {
    const request = this.pending.get(context);
    if (request === undefined) return undefined;
    request.acks.add(from);
    return request.acks;
  }

  /** Releases `context` and every request queued before it (their heartbeats were answered too). */
  releaseThrough(context: string): ReadIndexRequest[] {
    const at = this.queue.indexOf(context);
    if (at < 0) return [];
    const released = this.queue.slice(0, at + 1).map((ctx) => this.pending.get(ctx) as ReadIndexRequest);
    for (const request of released) this.pending.delete(request.context);
    this.queue = this.queue.slice(at + 1);
    return released;
  }

  lastPendingContext(): string {
    return this.queue[this.queue.length - 1] ?? "";
  }

  count(): number {
    return this.queue.length;
  }

  reset(): void {
    this.pending.clear();
    this.queue = [];
  }
}
