// The RDB byte layer: the output buffer and reader, length and string encodings, LZF and CRC64.
import { latin1, latin1Bytes } from "./entry.ts";
import { integerValue } from "./string-encoding.ts";

/** Strings longer than this are LZF-compressed when it saves at least 4 bytes (rdbcompression yes). */
const COMPRESS_BYTES_MIN = 21;
/** Strings up to this length are tried as integers (Redis rdbTryIntegerEncoding). */
const INTEGER_ENCODING_CHARS_MAX = 11;
/**
 * The most bytes one byte of LZF data can expand to: a 3-byte back reference copies at most 264 bytes
 * (literal runs never expand). A larger uncompressed size can only fail to decompress, so it is
 * rejected before its buffer is allocated.
 */
const LZF_EXPANSION_MAX = 88;
/** The high 32 bits of the largest 64-bit length that is still a safe integer (2^53 - 1). */
const LENGTH_64_HIGH_MAX = 2 ** 21 - 1;

/** A payload that cannot be decoded ("ERR Bad data format"). */
export class RdbFormatError extends Error {}

export function bad(what: string): never {
  throw new RdbFormatError(what);
}

/** Whether `v` fits a `bits`-bit two's-complement integer (the test behind every integer width choice). */
export function fitsSigned(v: bigint, bits: number): boolean {
  return BigInt.asIntN(bits, v) === v;
}

// ---------------------------------------------------------------------------------------------------
// CRC64 (Jones polynomial 0xad93d23594c935a9, reflected in and out, initial value 0, no final xor).
// The table is kept as two 32-bit halves so the loop stays in integer arithmetic.

const CRC_POLY_REFLECTED_HI = 0x95ac9329;
const CRC_POLY_REFLECTED_LO = 0xac4bc9b5;
const crcTableHi = new Uint32Array(256);
const crcTableLo = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let bit = 0; bit < 8; bit++) {
    const odd = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (odd) {
      hi = (hi ^ CRC_POLY_REFLECTED_HI) >>> 0;
      lo = (lo ^ CRC_POLY_REFLECTED_LO) >>> 0;
    }
  }
  crcTableHi[i] = hi;
  crcTableLo[i] = lo;
}

/** Redis's crc64 over data given in pieces (an RDB file is checksummed as it is assembled). */
export class Crc64 {
  private hi = 0;
  private lo = 0;

  update(data: Uint8Array): void {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < data.length; i++) {
      const t = (lo ^ (data[i] as number)) & 0xff;
      lo = ((lo >>> 8) | ((hi & 0xff) << 24)) ^ (crcTableLo[t] as number);
      hi = (hi >>> 8) ^ (crcTableHi[t] as number);
    }
    this.hi = hi;
    this.lo = lo;
  }

  /** The CRC so far as 8 little-endian bytes. */
  digest(): Uint8Array {
    const out = new Uint8Array(8);
    const view = new DataView(out.buffer);
    view.setUint32(0, this.lo >>> 0, true);
    view.setUint32(4, this.hi >>> 0, true);
    return out;
  }
}

/** CRC64 of `data` as Redis's crc64(0, data, len), written into 8 little-endian bytes. */
export function crc64(data: Uint8Array): Uint8Array {
  const c = new Crc64();
  c.update(data);
  return c.digest();
}

// ---------------------------------------------------------------------------------------------------
// LZF (the format of liblzf, as Redis uses it). The compressor makes the same greedy choices as
// liblzf built the way Redis builds it (16-bit hash table, "very fast" re-hashing after a match), so
// compressed strings come out byte-identical; its table starts empty on every call.

const LZF_HASH_SLOTS = 1 << 16;
const LZF_LITERALS_MAX = 32;
const LZF_OFFSET_MAX = 1 << 13;
const LZF_MATCH_MAX = (1 << 8) + (1 << 3);
const lzfTable = new Uint32Array(LZF_HASH_SLOTS);

function lzfSlot(h: number): number {
  return ((h >>> 8) - Math.imul(h, 5)) & (LZF_HASH_SLOTS - 1);
}

/** Compresses `input` into at most `outBytesMax` bytes; null when it does not fit (as lzf_compress 0). */
export function lzfCompress(input: Uint8Array, outBytesMax: number): Uint8Array | null {
  const n = input.length;
  if (n < 3 || outBytesMax === 0) return null;
  lzfTable.fill(0);
  const out = new Uint8Array(outBytesMax + 4);
  let ip = 0;
  let op = 1;
  let lit = 0;
  let h = (((input[0] as number) << 8) | (input[1] as number)) >>> 0;
  while (ip < n - 2) {
    h = ((h << 8) | (input[ip + 2] as number)) >>> 0;
    const slot = lzfSlot(h);
    const ref = lzfTable[slot] as number;
    lzfTable[slot] = ip;
    const off = ip - ref - 1;
    if (ref < ip && off < LZF_OFFSET_MAX && ref > 0 && input[ref + 2] === input[ip + 2] && input[ref] === input[ip] && input[ref + 1] === input[ip + 1]) {
      let len = 2;
      let maxlen = n - ip - len;
      if (maxlen > LZF_MATCH_MAX) maxlen = LZF_MATCH_MAX;
      if (op + 4 >= outBytesMax && op - (lit === 0 ? 1 : 0) + 4 >= outBytesMax) return null;
      out[op - lit - 1] = lit - 1;
      if (lit === 0) op--;
      // liblzf compares 16 bytes unconditionally when more than 16 may match, then bounded.
      let mismatched = false;
      if (maxlen > 16) {
        for (let k = 0; k < 16; k++) {
          len++;
          if (input[ref + len] !== input[ip + len]) {
            mismatched = true;
            break;
          }
        }
      }
      if (!mismatched) {
        do len++;
        while (len < maxlen && input[ref + len] === input[ip + len]);
      }
      len -= 2;
      ip++;
      if (len < 7) out[op++] = (off >> 8) + (len << 5);
      else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++;
      ip += len + 1;
      if (ip >= n - 2) break;
      ip -= 2;
      h = (((input[ip] as number) << 8) | (input[ip + 1] as number)) >>> 0;
      for (let k = 0; k < 2; k++) {
        h = ((h << 8) | (input[ip + 2] as number)) >>> 0;
        lzfTable[lzfSlot(h)] = ip;
        ip++;
      }
    } else {
      if (op >= outBytesMax) return null;
      lit++;
      out[op++] = input[ip++] as number;
      if (lit === LZF_LITERALS_MAX) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outBytesMax) return null;
  while (ip < n) {
    lit++;
    out[op++] = input[ip++] as number;
    if (lit === LZF_LITERALS_MAX) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1;
  if (lit === 0) op--;
  return out.subarray(0, op);
}

/** Decompresses LZF data that must expand to exactly `outBytes` bytes. */
export function lzfDecompress(input: Uint8Array, outBytes: number): Uint8Array {
  if (outBytes > input.length * LZF_EXPANSION_MAX) bad("lzf length beyond what its data can expand to");
  const out = new Uint8Array(outBytes);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    const ctrl = input[ip++] as number;
    if (ctrl < 32) {
      const count = ctrl + 1;
      if (op + count > outBytes || ip + count > input.length) bad("lzf literal overrun");
      out.set(input.subarray(ip, ip + count), op);
      ip += count;
      op += count;
      continue;
    }
    let len = ctrl >> 5;
    let ref = op - ((ctrl & 0x1f) << 8) - 1;
    if (len === 7) {
      if (ip >= input.length) bad("lzf truncated");
      len += input[ip++] as number;
    }
    if (ip >= input.length) bad("lzf truncated");
    ref -= input[ip++] as number;
    len += 2;
    if (ref < 0 || op + len > outBytes) bad("lzf back reference out of range");
    for (let k = 0; k < len; k++) out[op++] = out[ref++] as number;
  }
  if (op !== outBytes) bad("lzf length mismatch");
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Output buffer

export class ByteOut {
  private buf = new Uint8Array(256);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.length++] = b & 0xff;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** The bytes of a latin1 byte string (one char code a byte). */
  latin1(s: string): void {
    this.room(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.length++] = s.charCodeAt(i) & 0xff;
  }

  /** `count` bytes of `v` little-endian (count <= 8; v a safe integer or a bigint). */
  uintLE(v: number | bigint, count: number): void {
    let x = BigInt.asUintN(64, BigInt(v));
    for (let i = 0; i < count; i++) {
      this.byte(Number(x & 0xffn));
      x >>= 8n;
    }
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

// ---------------------------------------------------------------------------------------------------
// RDB lengths and strings

export function writeLength(out: ByteOut, n: number): void {
  if (n < 1 << 6) out.byte(n);
  else if (n < 1 << 14) {
    out.byte(0x40 | (n >> 8));
    out.byte(n & 0xff);
  } else if (n <= 0xffffffff) {
    out.byte(0x80);
    out.byte(n >>> 24);
    out.byte(n >>> 16);
    out.byte(n >>> 8);
    out.byte(n);
  } else {
    out.byte(0x81);
    const hi = Math.floor(n / 2 ** 32);
    for (const word of [hi, n >>> 0]) {
      out.byte(word >>> 24);
      out.byte(word >>> 16);
      out.byte(word >>> 8);
      out.byte(word);
    }
  }
}

/** rdbSaveRawString: int-encoded when short and canonical, LZF when long and it pays, else raw. */
export function writeString(out: ByteOut, s: string): void {
  const n = s.length;
  if (n <= INTEGER_ENCODING_CHARS_MAX) {
    const v = integerValue(s);
    if (v !== null && fitsSigned(v, 32)) {
      writeIntegerEncoded(out, v);
      return;
    }
  }
  writeBlob(out, latin1Bytes(s));
}

function writeIntegerEncoded(out: ByteOut, v: bigint): void {
  if (fitsSigned(v, 8)) {
    out.byte(0xc0);
    out.uintLE(v, 1);
  } else if (fitsSigned(v, 16)) {
    out.byte(0xc1);
    out.uintLE(v, 2);
  } else {
    out.byte(0xc2);
    out.uintLE(v, 4);
  }
}

/** A byte string (also listpack/intset blobs), LZF-compressed when Redis would. */
export function writeBlob(out: ByteOut, bytes: Uint8Array): void {
  const n = bytes.length;
  if (n >= COMPRESS_BYTES_MIN) {
    const packed = lzfCompress(bytes, n - 4);
    if (packed !== null) {
      out.byte(0xc3);
      writeLength(out, packed.length);
      writeLength(out, n);
      out.bytes(packed);
      return;
    }
  }
  writeLength(out, n);
  out.bytes(bytes);
}

export class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  byte(): number {
    if (this.pos >= this.buf.length) bad("truncated");
    return this.buf[this.pos++] as number;
  }

  take(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.buf.length) bad("truncated");
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  uintBE(count: number): number {
    let v = 0;
    for (let i = 0; i < count; i++) v = v * 256 + this.byte();
    return v;
  }

  /** An RDB length, or for the special 0b11 form { encoding }. */
  lengthOrEncoding(): { length: number; encoding: -1 } | { length: -1; encoding: number } {
    const first = this.byte();
    const kind = first >> 6;
    if (kind === 0) return { length: first & 0x3f, encoding: -1 };
    if (kind === 1) return { length: ((first & 0x3f) << 8) | this.byte(), encoding: -1 };
    if (kind === 3) return { length: -1, encoding: first & 0x3f };
    if (first === 0x80) return { length: this.uintBE(4), encoding: -1 };
    if (first === 0x81) {
      const high = this.uintBE(4);
      if (high > LENGTH_64_HIGH_MAX) bad("64-bit length beyond 2^53");
      return { length: high * 2 ** 32 + this.uintBE(4), encoding: -1 };
    }
    return bad("bad length prefix");
  }

  /**
   * A length or count within the bytes left: every byte and every element a length counts takes at
   * least one byte of the payload (the footer included, as a value may run into it), so a larger one
   * is malformed however it is used.
   */
  length(): number {
    const n = this.lengthUnbounded();
    if (n > this.buf.length - this.pos) bad("length beyond the payload");
    return n;
  }

  /** A length the payload need not hold (an LZF string's uncompressed size): a safe integer only. */
  lengthUnbounded(): number {
    const l = this.lengthOrEncoding();
    if (l.encoding !== -1) bad("encoded value where a length was expected");
    return l.length;
  }

  /** An RDB string as raw bytes (integer forms become their decimal text). */
  stringBytes(): Uint8Array {
    const l = this.lengthOrEncoding();
    if (l.encoding === -1) return this.take(l.length);
    const view = (count: number, signedMax: number): Uint8Array => {
      let v = 0;
      for (let i = 0; i < count; i++) v += this.byte() * 2 ** (8 * i);
      if (v >= signedMax) v -= signedMax * 2;
      return latin1Bytes(String(v));
    };
    switch (l.encoding) {
      case 0:
        return view(1, 0x80);
      case 1:
        return view(2, 0x8000);
      case 2:
        return view(4, 0x80000000);
      case 3: {
        const packedBytes = this.length();
        const plainBytes = this.lengthUnbounded();
        const packed = this.take(packedBytes);
        // Redis (rdbLoadLzfStringObject) only checks that lzf_decompress returns the declared length,
        // and lzf_decompress returns 0 on any error as well as for an empty result: a string declaring
        // 0 bytes loads as empty whatever its compressed bytes hold (they must still be in the payload).
        if (plainBytes === 0) return packed.subarray(0, 0);
        return lzfDecompress(packed, plainBytes);
      }
      default:
        return bad("unknown string encoding");
    }
  }

  string(): string {
    return latin1(this.stringBytes());
  }

  /** A score of the old ZSET type: length-prefixed text, or 253/254/255 for nan/+inf/-inf. */
  textDouble(): number {
    const n = this.byte();
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    const text = latin1(this.take(n));
    const v = Number(text);
    if (Number.isNaN(v) && text.trim() !== "nan") bad("bad double");
    return v;
  }

  binaryDouble(): number {
    const b = this.take(8);
    return new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
  }

  /** An element count (bounded as length() is, which also bounds what a loop over it may allocate). */
  count(): number {
    return this.length();
  }
}

