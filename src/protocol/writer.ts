// Reply writer for RESP2 and RESP3 into one reused, growable buffer.
import { formatDouble17g } from "./numbers.ts";

const crlf = [13, 10];

export class ReplyWriter {
  proto: 2 | 3 = 2;
  private buf = new Uint8Array(new ArrayBuffer(16 * 1024));
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  private ensure(extra: number): void {
    if (this.end + extra <= this.buf.length) return;
    const used = this.end - this.start;
    let size = this.buf.length;
    while (size < used + extra) size *= 2;
    const next = size === this.buf.length ? this.buf : new Uint8Array(new ArrayBuffer(size));
    next.copyWithin(0, 0, 0);
    next.set(this.buf.subarray(this.start, this.end), 0);
    this.buf = next;
    this.start = 0;
    this.end = used;
  }

  private ascii(s: string): void {
    const n = s.length;
    this.ensure(n);
    const b = this.buf;
    let at = this.end;
    for (let i = 0; i < n; i++) b[at++] = s.charCodeAt(i) & 0xff;
    this.end = at;
  }

  private line(prefix: string, s: string): void {
    this.ensure(s.length + 3);
    this.buf[this.end++] = prefix.charCodeAt(0);
    this.ascii(s);
    this.buf[this.end++] = 13;
    this.buf[this.end++] = 10;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.end);
    this.end += bytes.length;
  }

  simple(s: string): void {
    this.line("+", s.replace(/[\r\n]/g, " "));
  }

  error(text: string): void {
    this.line("-", text.replace(/[\r\n]/g, " "));
  }

  integer(n: number | bigint): void {
    this.line(":", typeof n === "bigint" ? n.toString() : String(n));
  }

  bulk(v: Uint8Array | string): void {
    const n = v.length;
    this.line("$", String(n));
    this.ensure(n + 2);
    if (typeof v === "string") {
      if (n < 64) {
        const b = this.buf;
        let at = this.end;
        for (let i = 0; i < n; i++) b[at++] = v.charCodeAt(i);
        this.end = at;
      } else {
        Buffer.from(this.buf.buffer, this.buf.byteOffset + this.end, n).write(v, "latin1");
        this.end += n;
      }
    } else {
      this.buf.set(v, this.end);
      this.end += n;
    }
    this.buf[this.end++] = crlf[0] as number;
    this.buf[this.end++] = crlf[1] as number;
  }

  nullBulk(): void {
    this.ascii(this.proto === 3 ? "_\r\n" : "$-1\r\n");
  }

  nullArray(): void {
    this.ascii(this.proto === 3 ? "_\r\n" : "*-1\r\n");
  }

  arrayHeader(n: number): void {
    this.line("*", String(n));
  }

  mapHeader(n: number): void {
    if (this.proto === 3) this.line("%", String(n));
    else this.line("*", String(n * 2));
  }

  setHeader(n: number): void {
    this.line(this.proto === 3 ? "~" : "*", String(n));
  }

  pushHeader(n: number): void {
    this.line(this.proto === 3 ? ">" : "*", String(n));
  }

  double(d: number): void {
    const s = formatDouble17g(d);
    if (this.proto === 3) this.line(",", s);
    else this.bulk(s);
  }

  boolean(b: boolean): void {
    if (this.proto === 3) this.ascii(b ? "#t\r\n" : "#f\r\n");
    else this.ascii(b ? ":1\r\n" : ":0\r\n");
  }

  bigNumber(s: string): void {
    if (this.proto === 3) this.line("(", s);
    else this.bulk(s);
  }

  verbatim(text: string, format = "txt"): void {
    if (this.proto === 3) {
      this.line("=", String(text.length + 4));
      this.ascii(format + ":");
      this.bulkBody(text);
    } else this.bulk(text);
  }

  private bulkBody(text: string): void {
    const n = text.length;
    this.ensure(n + 2);
    Buffer.from(this.buf.buffer, this.buf.byteOffset + this.end, n).write(text, "latin1");
    this.end += n;
    this.buf[this.end++] = 13;
    this.buf[this.end++] = 10;
  }

  /** Bytes written since the last take(); valid until the next write. Resets the writer. */
  take(): Uint8Array {
    const v = this.buf.subarray(this.start, this.end);
    this.start = 0;
    this.end = 0;
    return v;
  }

  /** Drops everything written after `mark` (a previous `length`), for CLIENT REPLY OFF/SKIP. */
  truncate(mark: number): void {
    this.end = this.start + mark;
  }

  reset(): void {
    this.start = 0;
    this.end = 0;
  }
}
