// Incremental RESP request parser with Redis 7.0's acceptance rules and error texts
// (networking.c processMultibulkBuffer and processInlineBuffer).
//
// Input arrives as chunks (feed); next() pulls one command at a time. An argument lying inside one chunk
// is a zero-copy view into it, except short ones (<= 32 bytes), which are copied because that is cheaper
// than a view in JavaScriptCore. A bulk argument split across chunks is assembled in one buffer allocated
// once its length is known; a header or inline line split across chunks is carried in a small reused
// buffer. Every byte is looked at once: state survives between feeds.
//
// Quirks kept on purpose, because a client can observe them:
// - Header lines end at the first CR and the byte after it is skipped unchecked; so are the two bytes
//   after a bulk payload ("$4\r\nPINGxy" is PING).
// - Redis finds line ends with strchr, which stops at a NUL byte: a NUL before the line end means the
//   line never ends, and the connection waits until more than 64 KiB have arrived, then gets "too big".
//   Such a connection is "stalled" here: further bytes are counted, not kept.
// Deliberate difference: Redis checks the 64 KiB line limit only after each read(2), so how long a line
// it accepts depends on read sizes. Here a line errs when its terminator is more than inlineBytesMax
// bytes from its start, whatever the chunking.
import { splitInlineArgs } from "./inline.ts";
import { parseIntegerRange } from "./numbers.ts";

export interface ParserLimits {
  /** proto-max-bulk-len: a longer bulk argument is "invalid bulk length" (Redis: 512 MiB). */
  bulkBytesMax: number;
  /** PROTO_INLINE_MAX_SIZE: the longest inline line or header line (Redis: 64 KiB). */
  inlineBytesMax: number;
  /** The largest multibulk count (Redis 7.0: INT_MAX, 2147483647). */
  multibulkCountMax: number;
  /** Apply the pre-AUTH limits (at most 10 arguments of at most 16 KiB) until setAuthenticated(true). */
  unauthenticated: boolean;
}

/** Pre-AUTH limits from processMultibulkBuffer. */
export const UNAUTHENTICATED_MULTIBULK_COUNT_MAX = 10;
export const UNAUTHENTICATED_BULK_BYTES_MAX = 16384;

/** A request Redis would reject with "-ERR <message>" before closing the connection. */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
}

const CR = 13;
const LF = 10;
const STAR = 42;
const DOLLAR = 36;
const DIGIT_0 = 48;
const DIGIT_9 = 57;

/** Bulk lengths with more digits than this go through the exact (slow) path. */
const FAST_LENGTH_DIGITS_MAX = 12;
/** Arguments up to this long are copied rather than viewed (see argument()). */
const ARGUMENT_COPY_BYTES_MAX = 32;
const CARRY_BYTES_INITIAL = 256;
/** A carry buffer grown beyond this is dropped once its line is done. */
const CARRY_BYTES_RETAINED_MAX = 4096;

const EMPTY = new Uint8Array(0);
const NO_ARGS: Uint8Array[] = [];

// Where the parser stands inside the current frame.
const STEP_FRAME = 0; // at the first byte of a frame
const STEP_COUNT = 1; // in the "*<count>" line
const STEP_BULK_HEADER = 2; // at or in a "$<length>" line
const STEP_BULK_DATA = 3; // in a bulk payload
const STEP_BULK_TAIL = 4; // in the two bytes after a bulk payload
const STEP_INLINE = 5; // in an inline line
const STEP_STALLED = 6; // a line with a NUL before its end: counting bytes until "too big"
type Step = 0 | 1 | 2 | 3 | 4 | 5 | 6;

const STALL_INLINE = "Protocol error: too big inline request";
const STALL_MBULK = "Protocol error: too big mbulk count string";
const STALL_BULK = "Protocol error: too big bulk count string";
type TooBigText = typeof STALL_INLINE | typeof STALL_MBULK | typeof STALL_BULK;

export class RespParser {
  private readonly limits: ParserLimits;
  private unauthenticated: boolean;

  /** The chunk being parsed and the read position in it. */
  private chunk: Uint8Array = EMPTY;
  private pos = 0;
  /** Chunks fed while `chunk` still had unread bytes. */
  private readonly queue: Uint8Array[] = [];
  private queueHead = 0;

  private step: Step = STEP_FRAME;
  private failure: ProtocolError | null = null;
  /** The frame being assembled. */
  private argv: Uint8Array[] = NO_ARGS;
  private argsLeft = 0;
  private bulkBytes = 0;
  /** A bulk payload split across chunks, allocated at its full length. */
  private bulkBuffer: Uint8Array | null = null;
  private bulkFilled = 0;
  private tailLeft = 0;

  /** Start of a line split across chunks (header or inline), without its terminator. */
  private carry: Uint8Array = new Uint8Array(CARRY_BYTES_INITIAL);
  private carryLength = 0;
  /** The carried header line ends with its CR; the next byte completes it. */
  private carryEndsWithCr = false;
  /** Where a completed header line lies: lineSource[lineFrom, lineTo), CR excluded. */
  private lineSource: Uint8Array = EMPTY;
  private lineFrom = 0;
  private lineTo = 0;

  private stallText: TooBigText = STALL_INLINE;
  private stallBytes = 0;

  constructor(limits: ParserLimits) {
    this.limits = { ...limits };
    this.unauthenticated = limits.unauthenticated;
  }

  /** After AUTH succeeds the pre-AUTH limits stop applying (and apply again after false). */
  setAuthenticated(authenticated: boolean): void {
    this.unauthenticated = !authenticated;
  }

  /** Appends a chunk of input; the parser keeps it (zero-copy views point into it). */
  feed(chunk: Uint8Array): void {
    if (chunk.length === 0 || this.failure !== null) return;
    if (this.pos >= this.chunk.length && this.queueHead === this.queue.length) {
      this.chunk = chunk;
      this.pos = 0;
      return;
    }
    this.queue.push(chunk);
  }

  /**
   * The next complete command's arguments, or null when more input is needed. Throws ProtocolError on
   * input Redis rejects (and keeps throwing it): reply "-ERR " + message, then close the connection.
   */
  next(): Uint8Array[] | null {
    if (this.failure !== null) throw this.failure;
    try {
      return this.parse();
    } catch (e: unknown) {
      if (e instanceof ProtocolError) this.fail(e);
      throw e;
    }
  }

  /**
   * Input bytes held but not yet parsed, plus what the unfinished frame holds (carried line, bulk
   * buffer, arguments so far). After next() returns null only the unfinished frame remains, bounded by
   * the limits; a caller that feeds without draining can use this for a query-buffer limit.
   */
  bufferedBytes(): number {
    let n = this.chunk.length - this.pos + this.carryLength;
    for (let i = this.queueHead; i < this.queue.length; i++) n += this.queue[i]!.length;
    if (this.bulkBuffer !== null) n += this.bulkBuffer.length;
    for (const a of this.argv) n += a.length;
    return n;
  }

  /** Capacity of the carried-line buffer (tests check it stays within the line limit). */
  carryCapacity(): number {
    return this.carry.length;
  }

  // -------------------------------------------------------------------------------------------------

  private fail(e: ProtocolError): void {
    this.failure = e;
    this.chunk = EMPTY;
    this.pos = 0;
    this.queue.length = 0;
    this.queueHead = 0;
    this.argv = NO_ARGS;
    this.bulkBuffer = null;
    this.carry = EMPTY;
    this.carryLength = 0;
  }

  private parse(): Uint8Array[] | null {
    // Bound: every pass consumes input, completes a frame, or returns null when input runs out.
    for (;;) {
      if (this.pos >= this.chunk.length && !this.nextChunk()) return null;
      switch (this.step) {
        case STEP_FRAME:
          this.step = this.chunk[this.pos] === STAR ? STEP_COUNT : STEP_INLINE;
          break;
        case STEP_COUNT:
          this.readCount();
          break;
        case STEP_BULK_HEADER: {
          const argv = this.readBulks();
          if (argv !== null) return argv;
          break;
        }
        case STEP_BULK_DATA:
          this.readBulkData();
          break;
        case STEP_BULK_TAIL: {
          const argv = this.readBulkTail();
          if (argv !== null) return argv;
          break;
        }
        case STEP_INLINE: {
          const argv = this.readInline();
          if (argv !== null) return argv;
          break;
        }
        case STEP_STALLED:
          this.stallBytes += this.chunk.length - this.pos;
          this.pos = this.chunk.length;
          if (this.stallBytes > this.limits.inlineBytesMax) throw new ProtocolError(this.stallText);
          break;
      }
    }
  }

  /** Moves to the next queued chunk, releasing the finished one. */
  private nextChunk(): boolean {
    if (this.queueHead < this.queue.length) {
      this.chunk = this.queue[this.queueHead]!;
      this.queue[this.queueHead] = EMPTY;
      this.queueHead++;
      if (this.queueHead === this.queue.length) {
        this.queue.length = 0;
        this.queueHead = 0;
      }
      this.pos = 0;
      return true;
    }
    this.chunk = EMPTY;
    this.pos = 0;
    return false;
  }

  /** "*<count>\r\n": starts a frame, skips an empty one, or throws. */
  private readCount(): void {
    const chunk = this.chunk;
    const end = chunk.length;
    let count = -1;
    // Fast path: a canonical positive count followed by CR and one more byte, all in this chunk.
    if (this.carryLength === 0 && chunk[this.pos] === STAR) {
      let i = this.pos + 1;
      let value = 0;
      let c = i < end ? chunk[i]! : -1;
      if (c > DIGIT_0 && c <= DIGIT_9) {
        for (; i < end && i - this.pos <= FAST_LENGTH_DIGITS_MAX; i++) {
          c = chunk[i]!;
          if (c < DIGIT_0 || c > DIGIT_9) break;
          value = value * 10 + (c - DIGIT_0);
        }
        if (c === CR && i + 1 < end) {
          count = value;
          this.pos = i + 2;
        }
      }
    }
    if (count < 0) {
      if (!this.readHeaderLine(STALL_MBULK)) return;
      const v = parseIntegerRange(this.lineSource, this.lineFrom + 1, this.lineTo);
      this.releaseCarry();
      if (v === null || (typeof v === "bigint" ? v > 0n : v > this.limits.multibulkCountMax)) {
        throw new ProtocolError("Protocol error: invalid multibulk length");
      }
      count = typeof v === "bigint" || v <= 0 ? 0 : v;
    }
    if (count > this.limits.multibulkCountMax) throw new ProtocolError("Protocol error: invalid multibulk length");
    if (count > UNAUTHENTICATED_MULTIBULK_COUNT_MAX && this.unauthenticated) {
      throw new ProtocolError("Protocol error: unauthenticated multibulk length");
    }
    if (count === 0) {
      // "*0" and negative counts are no command at all.
      this.step = STEP_FRAME;
      return;
    }
    this.argv = [];
    this.argsLeft = count;
    this.step = STEP_BULK_HEADER;
  }

  /**
   * Reads "$<len>\r\n<payload>\r\n" arguments while they lie whole in this chunk; returns the argv
   * when the frame completes, null when input ran out or a payload continues in the next chunk.
   */
  private readBulks(): Uint8Array[] | null {
    const chunk = this.chunk;
    const end = chunk.length;
    const argv = this.argv;
    let pos = this.pos;
    // Bound: argsLeft decreases each pass; the loop exits when it reaches 0 or input runs out.
    while (this.argsLeft > 0) {
      if (pos >= end) break;
      let length = -1;
      if (this.carryLength === 0 && chunk[pos] === DOLLAR) {
        let i = pos + 1;
        let c = i < end ? chunk[i]! : -1;
        if (c > DIGIT_0 && c <= DIGIT_9) {
          let value = 0;
          for (; i < end && i - pos <= FAST_LENGTH_DIGITS_MAX; i++) {
            c = chunk[i]!;
            if (c < DIGIT_0 || c > DIGIT_9) break;
            value = value * 10 + (c - DIGIT_0);
          }
          if (c === CR && i + 1 < end) {
            length = value;
            pos = i + 2;
          }
        } else if (c === DIGIT_0 && i + 2 < end && chunk[i + 1] === CR) {
          length = 0;
          pos = i + 3;
        }
      }
      if (length < 0) {
        this.pos = pos;
        length = this.readBulkHeaderSlow();
        pos = this.pos;
        if (length < 0) break;
      } else {
        this.checkBulkLength(length);
      }
      if (pos + length + 2 <= end) {
        argv.push(argument(chunk, pos, length));
        pos += length + 2;
        this.argsLeft--;
        continue;
      }
      this.pos = pos;
      this.bulkBytes = length;
      this.step = STEP_BULK_DATA;
      return null;
    }
    this.pos = pos;
    if (this.argsLeft > 0) return null;
    return this.finishFrame();
  }

  private finishFrame(): Uint8Array[] {
    const argv = this.argv;
    this.argv = NO_ARGS;
    this.step = STEP_FRAME;
    return argv;
  }

  /** A bulk header the fast path did not take: split, non-canonical or invalid. -1 = need input. */
  private readBulkHeaderSlow(): number {
    if (!this.readHeaderLine(STALL_BULK)) return -1;
    const source = this.lineSource;
    const first = source[this.lineFrom]!;
    if (first !== DOLLAR) {
      this.releaseCarry();
      throw new ProtocolError(`Protocol error: expected '$', got '${String.fromCharCode(first)}'`);
    }
    const v = parseIntegerRange(source, this.lineFrom + 1, this.lineTo);
    this.releaseCarry();
    if (v === null || typeof v === "bigint" || v < 0) throw new ProtocolError("Protocol error: invalid bulk length");
    this.checkBulkLength(v);
    return v;
  }

  private checkBulkLength(length: number): void {
    if (length > this.limits.bulkBytesMax) throw new ProtocolError("Protocol error: invalid bulk length");
    if (length > UNAUTHENTICATED_BULK_BYTES_MAX && this.unauthenticated) {
      throw new ProtocolError("Protocol error: unauthenticated bulk length");
    }
  }

  /** A payload that did not fit in its chunk: a view if it ends here, else copied into one buffer. */
  private readBulkData(): void {
    const chunk = this.chunk;
    const available = chunk.length - this.pos;
    const length = this.bulkBytes;
    if (this.bulkBuffer === null) {
      if (available >= length) {
        this.argv.push(argument(chunk, this.pos, length));
        this.pos += length;
        this.endBulk();
        return;
      }
      this.bulkBuffer = new Uint8Array(length);
      this.bulkFilled = 0;
    }
    const n = Math.min(available, length - this.bulkFilled);
    this.bulkBuffer.set(chunk.subarray(this.pos, this.pos + n), this.bulkFilled);
    this.bulkFilled += n;
    this.pos += n;
    if (this.bulkFilled === length) {
      this.argv.push(this.bulkBuffer);
      this.bulkBuffer = null;
      this.endBulk();
    }
  }

  private endBulk(): void {
    this.argsLeft--;
    this.tailLeft = 2;
    this.step = STEP_BULK_TAIL;
  }

  /** The two bytes after a payload, skipped unchecked as Redis does. */
  private readBulkTail(): Uint8Array[] | null {
    const n = Math.min(this.tailLeft, this.chunk.length - this.pos);
    this.pos += n;
    this.tailLeft -= n;
    if (this.tailLeft > 0) return null;
    if (this.argsLeft === 0) return this.finishFrame();
    this.step = STEP_BULK_HEADER;
    return null;
  }

  /**
   * Completes a header line: ends at the first CR with one more byte present. On success the line (CR
   * excluded) is at lineSource[lineFrom, lineTo) and pos is past CR and the byte after it. Otherwise
   * the rest of the chunk is carried (or counted, when a NUL stalls the line) and false is returned.
   */
  private readHeaderLine(tooBig: TooBigText): boolean {
    const chunk = this.chunk;
    const end = chunk.length;
    const start = this.pos;
    if (this.carryEndsWithCr) {
      this.carryEndsWithCr = false;
      this.pos = start + 1;
      this.setLine(this.carry, 0, this.carryLength - 1);
      return true;
    }
    let i = start;
    for (; i < end; i++) {
      const c = chunk[i]!;
      if (c === CR) break;
      if (c === 0) {
        this.stall(tooBig, this.carryLength + (end - start));
        return false;
      }
    }
    const lineBytes = this.carryLength + (i - start);
    if (lineBytes > this.limits.inlineBytesMax) throw new ProtocolError(tooBig);
    if (i + 1 < end) {
      if (this.carryLength === 0) {
        this.setLine(chunk, start, i);
      } else {
        this.appendCarry(chunk, start, i);
        this.setLine(this.carry, 0, this.carryLength);
      }
      this.pos = i + 2;
      return true;
    }
    this.appendCarry(chunk, start, end);
    this.carryEndsWithCr = i < end;
    this.pos = end;
    return false;
  }

  private setLine(source: Uint8Array, from: number, to: number): void {
    this.lineSource = source;
    this.lineFrom = from;
    this.lineTo = to;
  }

  /** An inline command: one line up to LF (a CR before it is dropped), split like sdssplitargs. */
  private readInline(): Uint8Array[] | null {
    const chunk = this.chunk;
    const end = chunk.length;
    const start = this.pos;
    const carried = this.carryLength;
    const newline = chunk.indexOf(LF, start);
    if (newline < 0) {
      if (carried + (end - start) > this.limits.inlineBytesMax) throw new ProtocolError(STALL_INLINE);
      this.appendCarry(chunk, start, end);
      this.pos = end;
      return null;
    }
    if (carried + (newline - start) > this.limits.inlineBytesMax) throw new ProtocolError(STALL_INLINE);
    let source = chunk;
    let from = start;
    let to = newline;
    if (carried > 0) {
      this.appendCarry(chunk, start, newline);
      source = this.carry;
      from = 0;
      to = this.carryLength;
    }
    if (to > from && source[to - 1] === CR) to--;
    if (hasNul(source, from, to)) {
      this.stall(STALL_INLINE, carried + (end - start));
      return null;
    }
    const args = splitInlineArgs(source, from, to, source !== chunk);
    this.releaseCarry();
    if (args === null) throw new ProtocolError("Protocol error: unbalanced quotes in request");
    this.pos = newline + 1;
    this.step = STEP_FRAME;
    return args.length > 0 ? args : null;
  }

  /** A line Redis's strchr would never see the end of: count bytes until the limit, keep none. */
  private stall(tooBig: TooBigText, bytes: number): void {
    this.releaseCarry();
    this.carryEndsWithCr = false;
    this.argv = NO_ARGS;
    this.step = STEP_STALLED;
    this.stallText = tooBig;
    this.stallBytes = bytes;
    this.pos = this.chunk.length;
    if (bytes > this.limits.inlineBytesMax) throw new ProtocolError(tooBig);
  }

  private appendCarry(source: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (this.carryLength + n > this.carry.length) {
      let size = Math.max(this.carry.length * 2, CARRY_BYTES_INITIAL);
      while (size < this.carryLength + n) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.carry.subarray(0, this.carryLength));
      this.carry = next;
    }
    this.carry.set(source.subarray(from, to), this.carryLength);
    this.carryLength += n;
  }

  /** The carried line has been used; shrink the carry if a long line grew it. */
  private releaseCarry(): void {
    this.carryLength = 0;
    if (this.carry.length > CARRY_BYTES_RETAINED_MAX) this.carry = new Uint8Array(CARRY_BYTES_INITIAL);
  }
}

/**
 * An argument lying whole in `chunk`: short ones are copied, longer ones are views. In JavaScriptCore a
 * view costs ~40 ns to create whatever its length, while allocating and filling a small array costs less
 * up to about 48 bytes (bench/resp.bench.ts); a copy also keeps a short key from pinning the chunk.
 */
function argument(chunk: Uint8Array, from: number, length: number): Uint8Array {
  if (length > ARGUMENT_COPY_BYTES_MAX) return chunk.subarray(from, from + length);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = chunk[from + i]!;
  return out;
}

function hasNul(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] === 0) return true;
  return false;
}
