// One client connection: parse -> dispatch -> queue replies behind the durable watermark -> write.
//
// All replies produced from one `data` chunk leave in one write. A reply is held until every log entry
// appended before it was produced is durable (its barrier), so no client sees un-durable state.
import type { Socket } from "bun";
import { RespParser, ProtocolError } from "../protocol/parser.ts";
import { ReplyWriter } from "../protocol/writer.ts";
import { ClientState } from "./client-state.ts";
import type { Dispatcher } from "./dispatch.ts";
import { clientClosed, takeParkRequest } from "./park.ts";
import type { ForwardingConnection, ReservedReply } from "./forward.ts";

interface PendingOutput {
  /** null: the place of a reply relayed from another node, not in yet (see forward.ts). */
  bytes: Uint8Array | null;
  /** Released when the engine's durable seq reaches this. */
  barrier: number;
  /** Cluster mode: replies of reads that also wait for their shard leader's ReadIndex confirmation. */
  hold: ReplyHold | null;
  /** How many replies `bytes` holds when `hold` is set (each becomes the error if the hold fails). */
  replies: number;
}

export interface ReplyHoldWaiter {
  flush(): void;
}

/**
 * A condition besides durability that some replies wait for (src/raft/read-index.ts: a ReadIndex round).
 * When it fails, each held reply is replaced by `error`, so a pipelined client stays in step.
 */
export interface ReplyHold {
  readonly outcome: "pending" | "released" | "failed";
  /** Error text without the leading '-'. */
  readonly error: string;
  /** Calls waiter.flush() once the outcome is known (at once if it is). */
  notify(waiter: ReplyHoldWaiter): void;
}

/** A run of the writer's bytes, produced by consecutive commands that wait on the same hold. */
interface HeldRange {
  start: number;
  end: number;
  replies: number;
  hold: ReplyHold;
}

export interface ConnectionHost {
  readonly dispatcher: Dispatcher;
  /** Bytes the socket accepted (INFO total_net_output_bytes). */
  countOutput(bytes: number): void;
  durableSeq(): number;
  appendedSeq(): number;
  outputBytesMax(): number;
  bulkBytesMax(): number;
  /** Commands run from one client's input per turn before yielding to others. */
  pipelineDepthMax(): number;
  queryBufferBytesMax(): number;
  passwordRequired(): boolean;
  /** The connection has output waiting for durability. */
  waitForDurable(conn: Connection): void;
  /** Held replies were replaced by `error` (INFO errorstats counts them). */
  repliedErrors(error: string, count: number): void;
  closed(conn: Connection): void;
  nowMs(): number;
}

export class Connection implements ForwardingConnection {
  readonly parser: RespParser;
  readonly writer = new ReplyWriter();
  private readonly queue: PendingOutput[] = [];
  private queueHead = 0;
  /** Bytes waiting in `queue` plus unsent remainder. */
  private queuedBytes = 0;
  private isPaused = false;
  private isClosed = false;
  /** A microtask will move pushed messages from the writer to the output queue. */
  private pushFlushScheduled = false;

  constructor(
    readonly socket: Socket<Connection | undefined>,
    readonly state: ClientState,
    private readonly host: ConnectionHost,
  ) {
    this.parser = new RespParser({
      bulkBytesMax: host.bulkBytesMax(),
      inlineBytesMax: 64 * 1024,
      multibulkCountMax: 2147483647, // Redis 7.0 accepts up to INT_MAX
      unauthenticated: host.passwordRequired(),
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  onData(chunk: Uint8Array): void {
    if (this.isClosed) return;
    this.parser.feed(chunk);
    // While the batch runs, CLIENT LIST/INFO show the whole input read so far, the running command
    // included (Redis trims its query buffer only after processing what it read).
    this.state.queryBufferBytes = this.parser.bufferedBytes();
    this.process();
    // An incomplete frame larger than client-query-buffer-limit: Redis closes such a client.
    this.state.queryBufferBytes = this.parser.bufferedBytes();
    if (this.state.queryBufferBytes > this.host.queryBufferBytesMax()) this.close();
  }

  /** process() stopped at pipeline-depth-max with commands left in the parser: continue next turn. */
  private continuationScheduled = false;

  /** Parses and runs commands until input runs out, the connection pauses, or it must close. */
  process(): void {
    const depthMax = this.host.pipelineDepthMax();
    // One clock read per batch: a pipeline's commands are processed within the same instant for idle time.
    const now = this.host.nowMs();
    let processed = 0;
    while (!this.isPaused && !this.isClosed && !this.state.closeAfterReply) {
      if (processed++ >= depthMax) {
        // Bound the work one client's pipeline gets per turn; the rest runs after other clients'.
        if (!this.continuationScheduled) {
          this.continuationScheduled = true;
          setImmediate(() => {
            this.continuationScheduled = false;
            if (!this.isPaused && !this.isClosed) this.process();
          });
        }
        break;
      }
      let argv: Uint8Array[] | null;
      try {
        argv = this.parser.next();
      } catch (e: unknown) {
        if (!(e instanceof ProtocolError)) throw e;
        this.writer.proto = this.state.proto;
        this.writer.error(`ERR ${(e as ProtocolError).message}`);
        this.state.closeAfterReply = true;
        break;
      }
      if (argv === null) break;
      this.state.lastInteractionMs = now;
      this.run(argv, false);
    }
    this.finishBatch();
  }

  /** Dispatches one command; `again` when it waited for forwarded replies and was counted already. */
  private run(argv: Uint8Array[], again: boolean): void {
    this.writer.proto = this.state.proto;
    this.host.dispatcher.dispatch(this, argv, again);
    // A command that waits for another client (see park.ts): stop reading until it resumes us.
    const park = takeParkRequest(this.state);
    if (park !== undefined) {
      this.isPaused = true;
      park(this);
    }
    if (this.state.authenticated) this.parser.setAuthenticated(true);
  }

  /**
   * The barrier of the replies in the writer when only async-namespace commands produced them (they
   * do not wait for their own entries); -1 means "everything appended so far", the default.
   */
  barrierOverride = -1;

  /** Replies in the writer that wait on a hold besides durability (cluster reads); usually empty. */
  private readonly held: HeldRange[] = [];

  /**
   * The reply the last command wrote (the writer's bytes from `start`) waits for `hold` too. Standalone
   * never calls this, so its batches keep the single-write path below.
   */
  holdReply(hold: ReplyHold, start: number): void {
    const end = this.writer.length;
    if (end <= start) return;
    const last = this.held[this.held.length - 1];
    if (last !== undefined && last.hold === hold && last.end === start) {
      last.end = end;
      last.replies++;
    } else this.held.push({ start, end, replies: 1, hold });
  }

  /** Moves the writer's bytes to the output queue behind the current barrier, then flushes. */
  finishBatch(): void {
    this.enqueueWritten();
    this.flush();
  }

  /** Moves the writer's bytes to the output queue (or straight to the socket when nothing waits). */
  private enqueueWritten(): void {
    if (this.writer.length === 0) return;
    const barrier = this.barrierOverride >= 0 ? this.barrierOverride : this.host.appendedSeq();
    this.barrierOverride = -1;
    if (this.held.length > 0) {
      this.queueHeld(barrier);
    } else if (this.queueHead === this.queue.length && barrier <= this.host.durableSeq()) {
      this.writeNow(this.writer.take());
    } else {
      this.enqueue(this.writer.take().slice(), barrier, null, 0);
    }
  }

  /**
   * A forwarded command's place in the output: the replies before it are queued first, the ones after
   * it queue behind it. Its barrier is 0: the leader released the reply only once it was durable there.
   */
  reserveReply(): ReservedReply {
    this.enqueueWritten();
    const slot: PendingOutput = { bytes: null, barrier: 0, hold: null, replies: 0 };
    this.queue.push(slot);
    return slot;
  }

  fillReply(slot: ReservedReply, bytes: Uint8Array): void {
    if (this.isClosed || slot.bytes !== null) return;
    slot.bytes = bytes;
    this.queuedBytes += bytes.length;
  }

  /** Splits the writer's bytes at the held ranges: each range waits on its hold, the rest does not. */
  private queueHeld(barrier: number): void {
    const bytes = this.writer.take();
    let at = 0;
    for (const r of this.held) {
      if (r.start > at) this.enqueue(bytes.slice(at, r.start), barrier, null, 0);
      this.enqueue(bytes.slice(r.start, r.end), barrier, r.hold, r.replies);
      at = r.end;
    }
    if (bytes.length > at) this.enqueue(bytes.slice(at), barrier, null, 0);
    this.held.length = 0;
  }

  private enqueue(bytes: Uint8Array, barrier: number, hold: ReplyHold | null, replies: number): void {
    this.queue.push({ bytes, barrier, hold, replies });
    this.queuedBytes += bytes.length;
    this.host.waitForDurable(this);
  }

  /** Writes what the durable watermark allows (called on durable progress and on drain). */
  flush(): void {
    if (this.isClosed) return;
    const durable = this.host.durableSeq();
    while (this.queueHead < this.queue.length) {
      const head = this.queue[this.queueHead] as PendingOutput;
      if (head.bytes === null || head.barrier > durable) break;
      if (head.hold !== null && !this.settleHold(head)) break;
      const written = this.socket.write(head.bytes);
      if (written > 0) this.host.countOutput(written);
      this.queuedBytes -= written;
      if (written < head.bytes.length) {
        head.bytes = head.bytes.subarray(written);
        head.barrier = 0;
        break;
      }
      this.queueHead++;
    }
    if (this.queueHead === this.queue.length) {
      this.queue.length = 0;
      this.queueHead = 0;
    } else if (this.queue[this.queueHead]!.barrier > durable) {
      this.host.waitForDurable(this);
    }
    this.state.outputBytesPending = this.queuedBytes;
    if (this.queuedBytes > this.host.outputBytesMax()) {
      this.close();
      return;
    }
    if (this.state.closeAfterReply && this.queueHead === this.queue.length) this.socket.end();
  }

  /**
   * Appends an out-of-band message (pub/sub, keyspace notification) encoded by `write` for this
   * connection's protocol. While this connection is running a command (it published to itself), the
   * message joins its replies in order, as in Redis 7.0. Otherwise it is written into the idle writer
   * and moved to the output queue by a microtask, after the publisher's unit has been logged: its
   * barrier is then engine.appendedSeq, so a message never overtakes the write that caused it.
   * Delivered under CLIENT REPLY OFF/SKIP too: Redis 7.0 writes messages with CLIENT_PUSHING set, which
   * bypasses the reply mode.
   */
  pushMessage(write: (w: ReplyWriter) => void): void {
    if (this.isClosed) return;
    this.writer.proto = this.state.proto;
    write(this.writer);
    if (this.pushFlushScheduled) return;
    this.pushFlushScheduled = true;
    queueMicrotask(() => {
      this.pushFlushScheduled = false;
      if (!this.isClosed) this.finishBatch();
    });
  }

  /**
   * Whether the head entry's hold lets it go: released, it leaves as it is; failed, its replies are
   * replaced by the hold's error, one per reply; pending, it waits and the hold flushes us when settled.
   */
  private settleHold(head: PendingOutput): boolean {
    const hold = head.hold as ReplyHold;
    if (hold.outcome === "pending") {
      hold.notify(this);
      return false;
    }
    if (hold.outcome === "failed") {
      const error = Buffer.from(`-${hold.error}\r\n`.repeat(head.replies), "latin1");
      this.queuedBytes += error.length - (head.bytes?.length ?? 0);
      head.bytes = error;
      this.host.repliedErrors(hold.error, head.replies);
    }
    head.hold = null;
    return true;
  }

  private writeNow(bytes: Uint8Array): void {
    const written = this.socket.write(bytes);
    if (written > 0) this.host.countOutput(written);
    if (written < bytes.length) {
      const rest = bytes.slice(written);
      this.queue.push({ bytes: rest, barrier: 0, hold: null, replies: 0 });
      this.queuedBytes += rest.length;
    }
  }

  /** Waiting on another client or on the disk (parked, or preloading cold values). */
  get paused(): boolean {
    return this.isPaused;
  }

  get hasPendingOutput(): boolean {
    return this.queueHead < this.queue.length;
  }

  /** Stops processing input (a command is waiting on async work); resume() continues. */
  pause(): void {
    this.isPaused = true;
  }

  resume(): void {
    if (!this.isPaused) return;
    this.isPaused = false;
    this.process();
  }

  resumeWith(argv: Uint8Array[]): void {
    if (this.isClosed) return;
    this.isPaused = false;
    this.run(argv, true);
    if (this.isPaused) this.finishBatch();
    else this.process();
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.socket.end();
    clientClosed(this.state);
    this.host.closed(this);
  }

  /** The socket closed (by the peer or by us). */
  onClose(): void {
    if (!this.isClosed) {
      this.isClosed = true;
      clientClosed(this.state);
      this.host.closed(this);
    }
  }
}
