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

interface PendingOutput {
  bytes: Uint8Array;
  /** Released when the engine's durable seq reaches this. */
  barrier: number;
}

export interface ConnectionHost {
  readonly dispatcher: Dispatcher;
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
  closed(conn: Connection): void;
  nowMs(): number;
}

export class Connection {
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
    const d = this.host.dispatcher;
    const depthMax = this.host.pipelineDepthMax();
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
      this.state.lastInteractionMs = this.host.nowMs();
      this.writer.proto = this.state.proto;
      d.dispatch(this, argv);
      // A command that waits for another client (see park.ts): stop reading until it resumes us.
      const park = takeParkRequest(this.state);
      if (park !== undefined) {
        this.isPaused = true;
        park(this);
      }
      if (this.state.authenticated) this.parser.setAuthenticated(true);
    }
    this.finishBatch();
  }

  /**
   * The barrier of the replies in the writer when only async-namespace commands produced them (they
   * do not wait for their own entries); -1 means "everything appended so far", the default.
   */
  barrierOverride = -1;

  /** Moves the writer's bytes to the output queue behind the current barrier, then flushes. */
  finishBatch(): void {
    if (this.writer.length > 0) {
      const barrier = this.barrierOverride >= 0 ? this.barrierOverride : this.host.appendedSeq();
      this.barrierOverride = -1;
      if (this.queueHead === this.queue.length && barrier <= this.host.durableSeq()) {
        this.writeNow(this.writer.take());
      } else {
        const bytes = this.writer.take().slice();
        this.queue.push({ bytes, barrier });
        this.queuedBytes += bytes.length;
        this.host.waitForDurable(this);
      }
    }
    this.flush();
  }

  /** Writes what the durable watermark allows (called on durable progress and on drain). */
  flush(): void {
    if (this.isClosed) return;
    const durable = this.host.durableSeq();
    while (this.queueHead < this.queue.length) {
      const head = this.queue[this.queueHead] as PendingOutput;
      if (head.barrier > durable) break;
      const written = this.socket.write(head.bytes);
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

  private writeNow(bytes: Uint8Array): void {
    const written = this.socket.write(bytes);
    if (written < bytes.length) {
      const rest = bytes.slice(written);
      this.queue.push({ bytes: rest, barrier: 0 });
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
