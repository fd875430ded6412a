// Incremental RESP request parser (multibulk and inline), after Redis's processMultibulkBuffer and
// processInlineBuffer. Arguments are zero-copy views into the received chunks; a frame split across
// chunks is joined once enough bytes for the next step have arrived, so no byte is scanned twice and
// a large bulk is assembled in linear time.

export interface ParserLimits {
  bulkBytesMax: number;
  inlineBytesMax: number;
  multibulkCountMax: number;
  unauthenticated: boolean;
}

export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
}

/** Longest count line (`*N` / `$N`) Redis accepts before the newline. */
const countLineBytesMax = 64 * 1024;
const unauthMultibulkMax = 10;
const unauthBulkMax = 16384;
const empty = new Uint8Array(0);

export class RespParser {
  private buf: Uint8Array = empty;
  private pos = 0;
  private readonly pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Bytes needed from `pos` before parsing can progress. */
  private need = 1;
  /** Where the search for the current line's newline resumes (absolute index in buf). */
  private scanFrom = 0;
  private argc = -1;
  private argv: Uint8Array[] = [];
  private bulkLen = -1;

  constructor(private readonly limits: ParserLimits) {}

  setAuthenticated(authenticated: boolean): void {
    this.limits.unauthenticated = !authenticated;
  }

  /** Bytes held for an incomplete frame. */
  get bufferedBytes(): number {
    return this.buf.length - this.pos + this.pendingBytes;
  }

  feed(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.pos >= this.buf.length && this.pendingBytes === 0) {
      this.buf = chunk;
      this.pos = 0;
      this.scanFrom = 0;
      return;
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
  }

  private join(): void {
    const rest = this.buf.length - this.pos;
    const out = new Uint8Array(rest + this.pendingBytes);
    out.set(this.buf.subarray(this.pos), 0);
    let at = rest;
    for (const c of this.pending) {
      out.set(c, at);
      at += c.length;
    }
    this.scanFrom = Math.max(0, this.scanFrom - this.pos);
    this.buf = out;
    this.pos = 0;
    this.pending.length = 0;
    this.pendingBytes = 0;
  }

  /** The next complete command, or null when more input is needed. Throws ProtocolError. */
  next(): Uint8Array[] | null {
    for (;;) {
      const avail = this.buf.length - this.pos;
      if (avail < this.need) {
        if (avail + this.pendingBytes < this.need || this.pendingBytes === 0) return null;
        this.join();
      }
      if (this.buf.length - this.pos === 0) return null;
      const r = this.argc >= 0 || this.buf[this.pos] === 42 ? this.multibulk() : this.inline();
      if (r === "more") return null;
      if (r === "skip") continue;
      return r;
    }
  }

  private waitMore(bytesFromPos: number): "more" {
    this.need = bytesFromPos;
    return "more";
  }

  private findNewline(limit: number, error: string): number | "more" {
    const b = this.buf;
    const from = Math.max(this.pos, this.scanFrom);
    const nl = b.indexOf(10, from);
    if (nl === -1) {
      if (b.length - this.pos > limit) throw new ProtocolError(error);
      this.scanFrom = b.length;
      return this.waitMore(b.length - this.pos + 1);
    }
    this.scanFrom = 0;
    return nl;
  }

  private readCount(start: number, end: number): number | null {
    // Digits between start and end (end excludes the \r); Redis string2ll semantics.
    const b = this.buf;
    if (end <= start || end - start > 20) return null;
    let i = start;
    let neg = false;
    if (b[i] === 45) {
      neg = true;
      i++;
      if (i === end) return null;
    }
    if (b[i] === 48 && end - i > 1) return null;
    let v = 0;
    for (; i < end; i++) {
      const c = (b[i] as number) - 48;
      if (c < 0 || c > 9) return null;
      v = v * 10 + c;
    }
    return neg ? -v : v;
  }

  private multibulk(): Uint8Array[] | "more" | "skip" {
    const b = this.buf;
    if (this.argc < 0) {
      const nl = this.findNewline(countLineBytesMax, "Protocol error: too big mbulk count string");
      if (nl === "more") return nl;
      if (b[nl - 1] !== 13) throw new ProtocolError("Protocol error: invalid multibulk length");
      const n = this.readCount(this.pos + 1, nl - 1);
      if (n === null || n > this.limits.multibulkCountMax) throw new ProtocolError("Protocol error: invalid multibulk length");
      if (this.limits.unauthenticated && n > unauthMultibulkMax) throw new ProtocolError("Protocol error: unauthenticated multibulk length");
      this.pos = nl + 1;
      this.need = 1;
      if (n <= 0) return "skip";
      this.argc = n;
      this.argv = [];
    }
    while (this.argv.length < this.argc) {
      if (this.bulkLen < 0) {
        if (this.pos >= b.length) return this.waitMore(1);
        if (b[this.pos] !== 36) {
          throw new ProtocolError(`Protocol error: expected '$', got '${String.fromCharCode(b[this.pos] as number)}'`);
        }
        const nl = this.findNewline(countLineBytesMax, "Protocol error: too big bulk count string");
        if (nl === "more") return nl;
        if (b[nl - 1] !== 13) throw new ProtocolError("Protocol error: invalid bulk length");
        const len = this.readCount(this.pos + 1, nl - 1);
        if (len === null || len < 0 || len > this.limits.bulkBytesMax) throw new ProtocolError("Protocol error: invalid bulk length");
        if (this.limits.unauthenticated && len > unauthBulkMax) throw new ProtocolError("Protocol error: unauthenticated bulk length");
        this.bulkLen = len;
        this.pos = nl + 1;
      }
      if (b.length - this.pos < this.bulkLen + 2) return this.waitMore(this.bulkLen + 2);
      this.argv.push(b.subarray(this.pos, this.pos + this.bulkLen));
      this.pos += this.bulkLen + 2;
      this.bulkLen = -1;
      this.need = 1;
    }
    const argv = this.argv;
    this.argv = [];
    this.argc = -1;
    return argv;
  }

  private inline(): Uint8Array[] | "more" | "skip" {
    const nl = this.findNewline(this.limits.inlineBytesMax, "Protocol error: too big inline request");
    if (nl === "more") return nl;
    let end = nl;
    if (end > this.pos && this.buf[end - 1] === 13) end--;
    const line = this.buf.subarray(this.pos, end);
    this.pos = nl + 1;
    this.need = 1;
    const args = splitArgs(line);
    if (args === null) throw new ProtocolError("Protocol error: unbalanced quotes in request");
    if (args.length === 0) return "skip";
    if (this.limits.unauthenticated && args.length > unauthMultibulkMax) throw new ProtocolError("Protocol error: unauthenticated multibulk length");
    return args;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Redis's sdssplitargs over bytes; null for unbalanced quotes. */
export function splitArgs(line: Uint8Array): Uint8Array[] | null {
  const out: Uint8Array[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isSpace(line[i] as number)) i++;
    if (i >= n) return out;
    const cur: number[] = [];
    let inDq = false;
    let inSq = false;
    const start = i;
    let plain = true;
    for (;;) {
      const c = i < n ? (line[i] as number) : -1;
      if (inDq) {
        if (c === -1) return null;
        if (c === 92 && i + 3 < n && line[i + 1] === 120 && hexValue(line[i + 2] as number) >= 0 && hexValue(line[i + 3] as number) >= 0) {
          cur.push(hexValue(line[i + 2] as number) * 16 + hexValue(line[i + 3] as number));
          i += 3;
        } else if (c === 92 && i + 1 < n) {
          i++;
          const e = line[i] as number;
          cur.push(e === 110 ? 10 : e === 114 ? 13 : e === 116 ? 9 : e === 98 ? 8 : e === 97 ? 7 : e);
        } else if (c === 34) {
          if (i + 1 < n && !isSpace(line[i + 1] as number)) return null;
          i++;
          break;
        } else cur.push(c);
      } else if (inSq) {
        if (c === -1) return null;
        if (c === 92 && i + 1 < n && line[i + 1] === 39) {
          i++;
          cur.push(39);
        } else if (c === 39) {
          if (i + 1 < n && !isSpace(line[i + 1] as number)) return null;
          i++;
          break;
        } else cur.push(c);
      } else {
        if (c === -1 || isSpace(c)) break;
        if (c === 34) {
          inDq = true;
          plain = false;
        } else if (c === 39) {
          inSq = true;
          plain = false;
        } else cur.push(c);
      }
      i++;
    }
    out.push(plain ? line.subarray(start, i) : Uint8Array.from(cur));
  }
}
