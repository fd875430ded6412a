// Reply encoder for RESP2 and RESP3 into one reused, growable buffer per connection. Each method
// appends one reply (or one aggregate header) exactly as Redis 7.0's addReply* functions write it.
//
// Contract: take() hands out a view of the buffer itself, not a copy. The caller must write it to the
// socket, or copy what the socket did not accept, before the next append, reset() or truncate().
import { formatDouble17g } from "./numbers.ts";

const CR = 13;
const LF = 10;
const SPACE = 32;

/** First allocation; most batches of replies fit. */
const OUTPUT_BYTES_INITIAL = 16 * 1024;
/** After take(), a buffer grown beyond this is dropped so an idle connection does not keep it. */
const OUTPUT_BYTES_RETAINED_MAX = 1024 * 1024;
/** Strings shorter than this are copied by a JS loop, longer ones natively (measured crossover ~14). */
const STRING_LOOP_CHARS_MAX = 16;

/** Byte arrays up to this long are copied by a JS loop, longer ones by set(). */
const BYTES_LOOP_MAX = 16;
const INT32_MAX = 2147483647;

/** Node's Buffer#latin1Write, which Bun implements natively but the type definitions leave out. */
interface Latin1Writable {
  latin1Write(text: string, offset: number, length: number): number;
}

function latin1View(bytes: Uint8Array): Latin1Writable {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const candidate = view as unknown as Partial<Latin1Writable>;
  if (typeof candidate.latin1Write === "function") return view as unknown as Latin1Writable;
  return { latin1Write: (text, offset, length) => view.write(text, offset, length, "latin1") };
}

function encodeLatin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Preencoded replies, shared by all writers (append with raw()). */
export const REPLY_OK = encodeLatin1("+OK\r\n");
export const REPLY_PONG = encodeLatin1("+PONG\r\n");
export const REPLY_QUEUED = encodeLatin1("+QUEUED\r\n");
export const REPLY_ZERO = encodeLatin1(":0\r\n");
export const REPLY_ONE = encodeLatin1(":1\r\n");
export const REPLY_EMPTY_ARRAY = encodeLatin1("*0\r\n");
export const REPLY_EMPTY_BULK = encodeLatin1("$0\r\n\r\n");
/** RESP2 null bulk string; ReplyWriter.nullBulk picks the form for the connection's protocol. */
export const REPLY_NULL_BULK_RESP2 = encodeLatin1("$-1\r\n");
export const REPLY_NULL_ARRAY_RESP2 = encodeLatin1("*-1\r\n");
export const REPLY_NULL_RESP3 = encodeLatin1("_\r\n");

const TRUE_RESP3 = encodeLatin1("#t\r\n");
const FALSE_RESP3 = encodeLatin1("#f\r\n");

export class ReplyWriter {
  /** Protocol of the connection this writer serves (HELLO switches it). */
  proto: 2 | 3 = 2;
  private buf: Uint8Array = new Uint8Array(OUTPUT_BYTES_INITIAL);
  /** The same memory as `buf`, for the native latin1 copy. */
  private bufLatin1: Latin1Writable = latin1View(this.buf);
  private pos = 0;

  /** Bytes appended since the last take() or reset(). */
  get length(): number {
    return this.pos;
  }

  /**
   * The bytes appended since the last take(), as a view into the writer's buffer; the writer starts
   * over and will overwrite them on the next append, so write or copy them first.
   */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.pos);
    this.pos = 0;
    if (this.buf.length > OUTPUT_BYTES_RETAINED_MAX) this.replaceBuffer(new Uint8Array(OUTPUT_BYTES_INITIAL));
    return out;
  }

  /** Drops everything appended. */
  reset(): void {
    this.pos = 0;
  }

  /** Drops what was appended after `mark`, a value `length` had earlier (CLIENT REPLY OFF/SKIP). */
  truncate(mark: number): void {
    if (!(mark >= 0 && mark <= this.pos)) throw new Error(`ReplyWriter.truncate(${mark}) outside [0, ${this.pos}]`);
    this.pos = mark;
  }

  /** The byte at `index` (below `length`) of what was appended since the last take() or reset(). */
  byteAt(index: number): number {
    if (!(index >= 0 && index < this.pos)) throw new Error(`ReplyWriter.byteAt(${index}) outside [0, ${this.pos})`);
    return this.buf[index] as number;
  }

  /** Appends preencoded protocol bytes as they are. */
  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    if (this.pos + n > this.buf.length) this.grow(n);
    this.putBytes(bytes);
  }

  ok(): void {
    this.raw(REPLY_OK);
  }

  /** "+text": a status reply; `text` must not hold CR or LF (Redis does not check either). */
  simple(text: string): void {
    this.reserve(text.length + 3);
    this.buf[this.pos++] = 43; // +
    this.putString(text);
    this.putCrlf();
  }

  /** "-text": `text` starts with the error code ("ERR ...", "WRONGTYPE ..."); CR and LF become spaces. */
  /** Error replies written so far, and the code (first word) of the last one: for INFO errorstats. */
  errorCount = 0;
  lastErrorCode = "";

  /** Called for every error reply (INFO errorstats). */
  onError: ((code: string) => void) | null = null;

  error(text: string): void {
    this.errorCount++;
    const space = text.indexOf(" ");
    this.lastErrorCode = space === -1 ? text : text.slice(0, space);
    this.onError?.(this.lastErrorCode);
    this.reserve(text.length + 3);
    const b = this.buf;
    b[this.pos++] = 45; // -
    const start = this.pos;
    this.putString(text);
    for (let i = start; i < this.pos; i++) {
      const c = b[i]!;
      if (c === CR || c === LF) b[i] = SPACE;
    }
    this.putCrlf();
  }

  /** ":n"; a number must be an integer (use a bigint beyond 2^53). */
  integer(n: number | bigint): void {
    this.header(58 /* : */, n);
  }

  /** "$len\r\nbytes\r\n"; a string is latin1, one byte per char. */
  bulk(v: Uint8Array | string): void {
    const n = v.length;
    this.reserve(n + 16);
    this.header(36 /* $ */, n);
    if (typeof v === "string") this.putString(v);
    else this.putBytes(v);
    this.putCrlf();
  }

  /** Null reply for a missing string: "$-1" in RESP2, "_" in RESP3. */
  nullBulk(): void {
    this.raw(this.proto === 3 ? REPLY_NULL_RESP3 : REPLY_NULL_BULK_RESP2);
  }

  /** Null reply for a missing aggregate: "*-1" in RESP2, "_" in RESP3. */
  nullArray(): void {
    this.raw(this.proto === 3 ? REPLY_NULL_RESP3 : REPLY_NULL_ARRAY_RESP2);
  }

  arrayHeader(n: number): void {
    this.header(42 /* * */, n);
  }

  /** n key/value pairs follow: "%n" in RESP3, a flat array "*2n" in RESP2. */
  mapHeader(n: number): void {
    if (this.proto === 3) this.header(37 /* % */, n);
    else this.header(42, 2 * n);
  }

  setHeader(n: number): void {
    this.header(this.proto === 3 ? 126 /* ~ */ : 42, n);
  }

  /** Out-of-band message (pub/sub, invalidation): ">n" in RESP3, "*n" in RESP2. */
  pushHeader(n: number): void {
    this.header(this.proto === 3 ? 62 /* > */ : 42, n);
  }

  /** addReplyDouble: ",%.17g" in RESP3, the same text as a bulk string in RESP2. */
  double(d: number): void {
    this.doubleText(formatDouble17g(d));
  }

  /**
   * A double the caller has already formatted (Redis addReplyHumanLongDouble, GEOPOS coordinates):
   * ",text" in RESP3, the same text as a bulk string in RESP2.
   */
  doubleText(text: string): void {
    if (this.proto === 2) {
      this.bulk(text);
      return;
    }
    this.reserve(text.length + 3);
    this.buf[this.pos++] = 44; // ,
    this.putString(text);
    this.putCrlf();
  }

  /** "#t"/"#f" in RESP3, ":1"/":0" in RESP2. */
  boolean(b: boolean): void {
    if (this.proto === 3) this.raw(b ? TRUE_RESP3 : FALSE_RESP3);
    else this.raw(b ? REPLY_ONE : REPLY_ZERO);
  }

  /** "(digits" in RESP3, a bulk string in RESP2. */
  bigNumber(digits: string): void {
    if (this.proto === 2) {
      this.bulk(digits);
      return;
    }
    this.reserve(digits.length + 3);
    this.buf[this.pos++] = 40; // (
    this.putString(digits);
    this.putCrlf();
  }

  /** "=len\r\nfmt:text\r\n" in RESP3 (`format` is three chars), a bulk string of `text` in RESP2. */
  verbatim(text: Uint8Array | string, format = "txt"): void {
    if (this.proto === 2) {
      this.bulk(text);
      return;
    }
    const n = text.length;
    this.reserve(n + format.length + 18);
    this.header(61 /* = */, n + format.length + 1);
    this.putString(format);
    this.buf[this.pos++] = 58; // :
    if (typeof text === "string") this.putString(text);
    else this.putBytes(text);
    this.putCrlf();
  }

  // -------------------------------------------------------------------------------------------------

  /** "<prefix><integer>\r\n". */
  private header(prefix: number, n: number | bigint): void {
    if (typeof n === "bigint" || !Number.isSafeInteger(n)) {
      if (typeof n === "number" && !Number.isInteger(n)) throw new Error(`ReplyWriter: ${n} is not an integer`);
      const text = String(n);
      this.reserve(text.length + 3);
      this.buf[this.pos++] = prefix;
      this.putString(text);
      this.putCrlf();
      return;
    }
    this.reserve(20);
    const b = this.buf;
    b[this.pos++] = prefix;
    let v = n;
    if (v < 0) {
      b[this.pos++] = 45;
      v = -v;
    }
    if (v < 10) {
      b[this.pos++] = 48 + v;
    } else if (v <= INT32_MAX) {
      // Int32 arithmetic is markedly faster than Math.floor on doubles.
      let digits = 1;
      for (let t = v; t >= 10; t = (t / 10) | 0) digits++;
      const end = this.pos + digits;
      let at = end;
      while (at > this.pos) {
        const q = (v / 10) | 0;
        b[--at] = 48 + (v - q * 10);
        v = q;
      }
      this.pos = end;
    } else {
      let digits = 1;
      for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
      const end = this.pos + digits;
      let at = end;
      while (at > this.pos) {
        const q = Math.floor(v / 10);
        b[--at] = 48 + (v - q * 10);
        v = q;
      }
      this.pos = end;
    }
    b[this.pos++] = CR;
    b[this.pos++] = LF;
  }

  /** Copies a latin1 string; the caller reserved the room. */
  private putString(s: string): void {
    const n = s.length;
    if (n < STRING_LOOP_CHARS_MAX) {
      const b = this.buf;
      let at = this.pos;
      for (let i = 0; i < n; i++) b[at++] = s.charCodeAt(i);
      this.pos = at;
      return;
    }
    this.pos += this.bufLatin1.latin1Write(s, this.pos, n);
  }

  /** Copies bytes; the caller reserved the room. Short ones by loop: set() has a fixed cost. */
  private putBytes(v: Uint8Array): void {
    const n = v.length;
    if (n <= BYTES_LOOP_MAX) {
      const b = this.buf;
      let at = this.pos;
      for (let i = 0; i < n; i++) b[at++] = v[i]!;
      this.pos = at;
      return;
    }
    this.buf.set(v, this.pos);
    this.pos += n;
  }

  private putCrlf(): void {
    this.buf[this.pos++] = CR;
    this.buf[this.pos++] = LF;
  }

  /** Makes room for `n` more bytes. */
  private reserve(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  private grow(n: number): void {
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.replaceBuffer(next);
  }

  private replaceBuffer(next: Uint8Array): void {
    this.buf = next;
    this.bufLatin1 = latin1View(next);
  }
}
