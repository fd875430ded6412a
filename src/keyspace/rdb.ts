// Redis's value serialization (the RDB object encoding used by DUMP and RESTORE), so a value moves
// between Bunker and redis-server 7.0 both ways. A payload is: object type byte, the encoded value,
// the 2-byte RDB version (little-endian) and a CRC64 (Jones polynomial, reflected) of everything
// before it. Encoding follows Redis 7.0's choices (int-encoded and LZF-compressed strings, quicklist
// of listpacks, listpack hashes and sorted sets, intsets), so small values serialize byte-identically;
// decoding accepts every encoding a Redis 7.0 payload may carry (also the older ziplist, zipmap and
// plain forms). Streams and module values are not supported (Bunker has no such types).
import { Deque } from "./deque.ts";
import { newEntry, newStringEntry, type Entry } from "./entry.ts";
import { SortedSet } from "./sorted-set.ts";
import { hashIsListpack, intsetValues, LIST_NODE_BYTES_MAX } from "./encodings.ts";
import { integerValue } from "./string-encoding.ts";
import { formatDouble17g, parseDouble } from "../protocol/numbers.ts";

/** Redis 7.0 writes and accepts RDB versions up to 10. */
export const RDB_VERSION = 10;

const TYPE_STRING = 0;
const TYPE_LIST = 1;
const TYPE_SET = 2;
const TYPE_ZSET = 3;
const TYPE_HASH = 4;
const TYPE_ZSET_2 = 5;
const TYPE_HASH_ZIPMAP = 9;
const TYPE_LIST_ZIPLIST = 10;
const TYPE_SET_INTSET = 11;
const TYPE_ZSET_ZIPLIST = 12;
const TYPE_HASH_ZIPLIST = 13;
const TYPE_LIST_QUICKLIST = 14;
const TYPE_HASH_LISTPACK = 16;
const TYPE_ZSET_LISTPACK = 17;
const TYPE_LIST_QUICKLIST_2 = 18;

/** Quicklist node containers (RDB_TYPE_LIST_QUICKLIST_2). */
const NODE_PLAIN = 1;
const NODE_PACKED = 2;

/** Redis's SIZE_ESTIMATE_OVERHEAD when deciding whether an element still fits a node. */
const QUICKLIST_ENTRY_OVERHEAD_BYTES = 8;
/** Strings longer than this are LZF-compressed when it saves at least 4 bytes (rdbcompression yes). */
const COMPRESS_BYTES_MIN = 21;
/** Strings up to this length are tried as integers (Redis rdbTryIntegerEncoding). */
const INTEGER_ENCODING_CHARS_MAX = 11;
/** No collection in a payload may claim more elements than this (guards allocations on bad input). */
const ELEMENTS_MAX = 2 ** 32;

/** A payload that cannot be decoded ("ERR Bad data format"). */
export class RdbFormatError extends Error {}

function bad(what: string): never {
  throw new RdbFormatError(what);
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

/** CRC64 of `data` as Redis's crc64(0, data, len), written into 8 little-endian bytes. */
export function crc64(data: Uint8Array): Uint8Array {
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < data.length; i++) {
    const t = (lo ^ (data[i] as number)) & 0xff;
    lo = ((lo >>> 8) | ((hi & 0xff) << 24)) ^ (crcTableLo[t] as number);
    hi = (hi >>> 8) ^ (crcTableHi[t] as number);
  }
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, lo >>> 0, true);
  view.setUint32(4, hi >>> 0, true);
  return out;
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

class ByteOut {
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

  latin1(s: string): void {
    this.room(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.length++] = s.charCodeAt(i);
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

function writeLength(out: ByteOut, n: number): void {
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
function writeString(out: ByteOut, s: string): void {
  const n = s.length;
  if (n <= INTEGER_ENCODING_CHARS_MAX) {
    const v = integerValue(s);
    if (v !== null && v >= -(2n ** 31n) && v < 2n ** 31n) {
      writeIntegerEncoded(out, Number(v));
      return;
    }
  }
  writeBlob(out, Buffer.from(s, "latin1"));
}

function writeIntegerEncoded(out: ByteOut, v: number): void {
  if (v >= -128 && v <= 127) {
    out.byte(0xc0);
    out.byte(v);
  } else if (v >= -32768 && v <= 32767) {
    out.byte(0xc1);
    out.uintLE(v, 2);
  } else {
    out.byte(0xc2);
    out.uintLE(v, 4);
  }
}

/** A byte string (also listpack/intset blobs), LZF-compressed when Redis would. */
function writeBlob(out: ByteOut, bytes: Uint8Array): void {
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

class Reader {
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
    if (first === 0x81) return { length: this.uintBE(8), encoding: -1 };
    return bad("bad length prefix");
  }

  length(): number {
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
      return Buffer.from(String(v), "latin1");
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
        const plainBytes = this.length();
        return lzfDecompress(this.take(packedBytes), plainBytes);
      }
      default:
        return bad("unknown string encoding");
    }
  }

  string(): string {
    return Buffer.from(this.stringBytes()).toString("latin1");
  }

  /** A score of the old ZSET type: length-prefixed text, or 253/254/255 for nan/+inf/-inf. */
  textDouble(): number {
    const n = this.byte();
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    const text = Buffer.from(this.take(n)).toString("latin1");
    const v = Number(text);
    if (Number.isNaN(v) && text.trim() !== "nan") bad("bad double");
    return v;
  }

  binaryDouble(): number {
    const b = this.take(8);
    return new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
  }

  count(): number {
    const n = this.length();
    if (n > ELEMENTS_MAX) bad("too many elements");
    return n;
  }
}

// ---------------------------------------------------------------------------------------------------
// Listpack

function listpackBacklen(out: number[], l: number): void {
  if (l <= 127) out.push(l);
  else if (l < 16383) out.push(l >> 7, (l & 127) | 128);
  else if (l < 2097151) out.push(l >> 14, ((l >> 7) & 127) | 128, (l & 127) | 128);
  else if (l < 268435455) out.push(l >> 21, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128);
  else out.push(Math.floor(l / 2 ** 28), ((l >>> 21) & 127) | 128, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128);
}

/** The encoded bytes of one listpack entry (encoding, data, backlen). */
function listpackEntry(s: string): number[] {
  const e: number[] = [];
  const v = integerValue(s);
  if (v !== null) {
    const n = Number(v);
    if (v >= 0n && v <= 127n) e.push(n);
    else if (v >= -4096n && v <= 4095n) {
      const u = n < 0 ? n + 8192 : n;
      e.push(0xc0 | (u >> 8), u & 0xff);
    } else {
      const width = v >= -32768n && v <= 32767n ? 2 : v >= -8388608n && v <= 8388607n ? 3 : v >= -(2n ** 31n) && v < 2n ** 31n ? 4 : 8;
      e.push(width === 2 ? 0xf1 : width === 3 ? 0xf2 : width === 4 ? 0xf3 : 0xf4);
      let u = BigInt.asUintN(width * 8, v);
      for (let i = 0; i < width; i++) {
        e.push(Number(u & 0xffn));
        u >>= 8n;
      }
    }
  } else {
    const n = s.length;
    if (n < 64) e.push(0x80 | n);
    else if (n < 4096) e.push(0xe0 | (n >> 8), n & 0xff);
    else e.push(0xf0, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
    for (let i = 0; i < n; i++) e.push(s.charCodeAt(i));
  }
  listpackBacklen(e, e.length);
  return e;
}

/** Bytes one element adds to a listpack. */
function listpackEntryBytes(s: string): number {
  return listpackEntry(s).length;
}

/** A listpack holding `items` in order. */
export function listpackEncode(items: readonly string[]): Uint8Array {
  const body = new ByteOut();
  for (const s of items) {
    const e = listpackEntry(s);
    for (const b of e) body.byte(b);
  }
  const total = 6 + body.length + 1;
  const out = new ByteOut();
  out.uintLE(total, 4);
  out.uintLE(Math.min(items.length, 65535), 2);
  out.bytes(body.view());
  out.byte(0xff);
  return out.view();
}

export function listpackDecode(lp: Uint8Array): string[] {
  if (lp.length < 7) bad("listpack too short");
  const dv = new DataView(lp.buffer, lp.byteOffset, lp.byteLength);
  if (dv.getUint32(0, true) !== lp.length) bad("listpack size mismatch");
  const declared = dv.getUint16(4, true);
  const items: string[] = [];
  let p = 6;
  const need = (n: number): void => {
    if (p + n > lp.length - 1) bad("listpack entry overrun");
  };
  const signed = (u: bigint, bits: number): string => String(BigInt.asIntN(bits, u));
  const le = (count: number): bigint => {
    need(count);
    let u = 0n;
    for (let i = count - 1; i >= 0; i--) u = (u << 8n) | BigInt(lp[p + i] as number);
    p += count;
    return u;
  };
  while (p < lp.length - 1) {
    const start = p;
    const b = lp[p++] as number;
    let item: string;
    if ((b & 0x80) === 0) item = String(b);
    else if ((b & 0xc0) === 0x80) {
      const n = b & 0x3f;
      need(n);
      item = Buffer.from(lp.subarray(p, p + n)).toString("latin1");
      p += n;
    } else if ((b & 0xe0) === 0xc0) {
      need(1);
      item = signed(BigInt(((b & 0x1f) << 8) | (lp[p++] as number)), 13);
    } else if ((b & 0xf0) === 0xe0) {
      need(1);
      const n = ((b & 0x0f) << 8) | (lp[p++] as number);
      need(n);
      item = Buffer.from(lp.subarray(p, p + n)).toString("latin1");
      p += n;
    } else if (b === 0xf0) {
      const n = Number(le(4));
      need(n);
      item = Buffer.from(lp.subarray(p, p + n)).toString("latin1");
      p += n;
    } else if (b === 0xf1) item = signed(le(2), 16);
    else if (b === 0xf2) item = signed(le(3), 24);
    else if (b === 0xf3) item = signed(le(4), 32);
    else if (b === 0xf4) item = signed(le(8), 64);
    else bad("bad listpack encoding");
    // Skip the backlen after checking it describes this entry.
    const l = p - start;
    const width = l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
    need(width);
    p += width;
    items.push(item);
  }
  if (lp[lp.length - 1] !== 0xff) bad("listpack without terminator");
  if (declared !== 65535 && declared !== items.length) bad("listpack count mismatch");
  return items;
}

// ---------------------------------------------------------------------------------------------------
// Ziplist, intset, zipmap (read only: older encodings a payload may still carry)

export function ziplistDecode(zl: Uint8Array): string[] {
  if (zl.length < 11) bad("ziplist too short");
  const dv = new DataView(zl.buffer, zl.byteOffset, zl.byteLength);
  if (dv.getUint32(0, true) !== zl.length) bad("ziplist size mismatch");
  const items: string[] = [];
  let p = 10;
  const need = (n: number): void => {
    if (p + n > zl.length - 1) bad("ziplist entry overrun");
  };
  while (p < zl.length && zl[p] !== 0xff) {
    need(1);
    p += zl[p] === 0xfe ? 5 : 1;
    need(1);
    const b = zl[p++] as number;
    const top = b >> 6;
    let n = -1;
    if (top === 0) n = b & 0x3f;
    else if (top === 1) {
      need(1);
      n = ((b & 0x3f) << 8) | (zl[p++] as number);
    } else if (top === 2) {
      need(4);
      n = dv.getUint32(p, false);
      p += 4;
    }
    if (n >= 0) {
      need(n);
      items.push(Buffer.from(zl.subarray(p, p + n)).toString("latin1"));
      p += n;
      continue;
    }
    let v: bigint | number;
    if (b === 0xc0) {
      need(2);
      v = dv.getInt16(p, true);
      p += 2;
    } else if (b === 0xd0) {
      need(4);
      v = dv.getInt32(p, true);
      p += 4;
    } else if (b === 0xe0) {
      need(8);
      v = dv.getBigInt64(p, true);
      p += 8;
    } else if (b === 0xf0) {
      need(3);
      v = ((zl[p] as number) | ((zl[p + 1] as number) << 8) | ((zl[p + 2] as number) << 16)) << 8 >> 8;
      p += 3;
    } else if (b === 0xfe) {
      need(1);
      v = dv.getInt8(p);
      p += 1;
    } else if (b >= 0xf1 && b <= 0xfd) v = (b & 0x0f) - 1;
    else bad("bad ziplist encoding");
    items.push(String(v));
  }
  if (p !== zl.length - 1) bad("ziplist without terminator");
  return items;
}

export function intsetDecode(is: Uint8Array): string[] {
  if (is.length < 8) bad("intset too short");
  const dv = new DataView(is.buffer, is.byteOffset, is.byteLength);
  const width = dv.getUint32(0, true);
  const count = dv.getUint32(4, true);
  if ((width !== 2 && width !== 4 && width !== 8) || is.length !== 8 + width * count) bad("bad intset");
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = 8 + i * width;
    out.push(String(width === 2 ? dv.getInt16(at, true) : width === 4 ? dv.getInt32(at, true) : dv.getBigInt64(at, true)));
  }
  return out;
}

function intsetEncode(values: readonly bigint[]): Uint8Array {
  let width = 2;
  for (const v of values) {
    if (v < -32768n || v > 32767n) width = Math.max(width, 4);
    if (v < -(2n ** 31n) || v >= 2n ** 31n) width = 8;
  }
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out = new ByteOut();
  out.uintLE(width, 4);
  out.uintLE(sorted.length, 4);
  for (const v of sorted) out.uintLE(v, width);
  return out.view();
}

function zipmapDecode(zm: Uint8Array): [string, string][] {
  const pairs: [string, string][] = [];
  let p = 1;
  const dv = new DataView(zm.buffer, zm.byteOffset, zm.byteLength);
  const len = (): number => {
    if (p >= zm.length) bad("zipmap overrun");
    const b = zm[p++] as number;
    if (b < 254) return b;
    if (b !== 254 || p + 4 > zm.length) bad("bad zipmap length");
    const v = dv.getUint32(p, true);
    p += 4;
    return v;
  };
  const str = (n: number): string => {
    if (p + n > zm.length) bad("zipmap overrun");
    const s = Buffer.from(zm.subarray(p, p + n)).toString("latin1");
    p += n;
    return s;
  };
  while (p < zm.length && zm[p] !== 255) {
    const field = str(len());
    const valueBytes = len();
    if (p >= zm.length) bad("zipmap overrun");
    const free = zm[p++] as number;
    const value = str(valueBytes);
    p += free;
    pairs.push([field, value]);
  }
  if (p !== zm.length - 1) bad("zipmap without terminator");
  return pairs;
}

// ---------------------------------------------------------------------------------------------------
// Values

/** The members as integers when the set qualifies for an intset, else null. */
function intsetMembers(s: Set<string>): bigint[] | null {
  const values = intsetValues(s);
  return values === null ? null : [...values.values()];
}

/** The list split into quicklist nodes as RPUSH would fill them (8 KiB listpacks). */
function quicklistNodes(items: readonly string[]): string[][] {
  const nodes: string[][] = [];
  let node: string[] = [];
  let nodeBytes = 7;
  for (const s of items) {
    if (node.length > 0 && nodeBytes + s.length + QUICKLIST_ENTRY_OVERHEAD_BYTES > LIST_NODE_BYTES_MAX) {
      nodes.push(node);
      node = [];
      nodeBytes = 7;
    }
    node.push(s);
    nodeBytes += listpackEntryBytes(s);
  }
  if (node.length > 0) nodes.push(node);
  return nodes;
}

/** Integral scores within ±2^62 are stored as listpack integers (Redis double2ll), others as %.17g. */
const LISTPACK_INTEGER_SCORE_MAX = 2 ** 62;

function scoreText(score: number): string {
  if (Number.isInteger(score) && Math.abs(score) <= LISTPACK_INTEGER_SCORE_MAX) return BigInt(score).toString();
  return formatDouble17g(score);
}

function writeValue(out: ByteOut, e: Entry): void {
  switch (e.type) {
    case "string":
      out.byte(TYPE_STRING);
      writeString(out, e.data as string);
      return;
    case "list": {
      out.byte(TYPE_LIST_QUICKLIST_2);
      const nodes = quicklistNodes(e.data.toArray());
      writeLength(out, nodes.length);
      for (const node of nodes) {
        writeLength(out, NODE_PACKED);
        writeBlob(out, listpackEncode(node));
      }
      return;
    }
    case "set": {
      const ints = intsetMembers(e.data);
      if (ints !== null) {
        out.byte(TYPE_SET_INTSET);
        writeBlob(out, intsetEncode(ints));
        return;
      }
      out.byte(TYPE_SET);
      writeLength(out, e.data.size);
      for (const m of e.data) writeString(out, m);
      return;
    }
    case "hash": {
      if (hashIsListpack(e.data)) {
        out.byte(TYPE_HASH_LISTPACK);
        const items: string[] = [];
        for (const [f, v] of e.data) items.push(f, v);
        writeBlob(out, listpackEncode(items));
        return;
      }
      out.byte(TYPE_HASH);
      writeLength(out, e.data.size);
      for (const [f, v] of e.data) {
        writeString(out, f);
        writeString(out, v);
      }
      return;
    }
    case "zset": {
      if (e.data.encoding === "listpack") {
        out.byte(TYPE_ZSET_LISTPACK);
        const items: string[] = [];
        for (const [m, s] of e.data.entries()) items.push(m, scoreText(s));
        writeBlob(out, listpackEncode(items));
        return;
      }
      // Redis writes a skiplist from the highest element down, so loading inserts at the head.
      out.byte(TYPE_ZSET_2);
      writeLength(out, e.data.size);
      const all = [...e.data.entries()];
      for (let i = all.length - 1; i >= 0; i--) {
        const [m, s] = all[i] as [string, number];
        writeString(out, m);
        const d = new Uint8Array(8);
        new DataView(d.buffer).setFloat64(0, s, true);
        out.bytes(d);
      }
      return;
    }
  }
}

/** DUMP's payload for a (hot) entry: value, RDB version, CRC64. */
export function dumpPayload(e: Entry): Uint8Array {
  const out = new ByteOut();
  writeValue(out, e);
  out.uintLE(RDB_VERSION, 2);
  out.bytes(crc64(out.view()));
  return out.view().slice();
}

/** RESTORE's checks (verifyDumpPayload): footer present, version known, checksum right. */
export function payloadFooterValid(payload: Uint8Array): boolean {
  if (payload.length < 10) return false;
  const footer = payload.length - 10;
  const version = (payload[footer] as number) | ((payload[footer + 1] as number) << 8);
  if (version > RDB_VERSION) return false;
  const crc = crc64(payload.subarray(0, payload.length - 8));
  for (let i = 0; i < 8; i++) if (crc[i] !== payload[payload.length - 8 + i]) return false;
  return true;
}

function scoreFromText(text: string): number {
  const v = parseDouble(Buffer.from(text, "latin1"));
  if (v === null) {
    if (text === "nan") bad("nan score");
    bad("bad score");
  }
  return v;
}

function zsetFromPairs(pairs: Iterable<[string, number]>, size: number, compactLoad: boolean): SortedSet {
  const list = [...pairs];
  let memberBytesMax = 0;
  if (!compactLoad) for (const [m] of list) memberBytesMax = Math.max(memberBytesMax, m.length);
  // A compact payload stays compact unless it has too many entries; a skiplist payload is made compact
  // when it fits (Redis rdbLoadObject).
  const z = new SortedSet({ sizeHint: size, memberBytesMax: compactLoad ? 0 : memberBytesMax });
  for (const [m, s] of list) {
    if (Number.isNaN(s)) bad("nan score");
    if (!z.add(m, s)) bad("duplicate zset member");
  }
  return z;
}

function pairsOf(items: readonly string[]): [string, string][] {
  if (items.length % 2 !== 0) bad("odd number of elements");
  const out: [string, string][] = [];
  for (let i = 0; i < items.length; i += 2) out.push([items[i] as string, items[i + 1] as string]);
  return out;
}

function hashFromPairs(pairs: readonly [string, string][]): Map<string, string> {
  const h = new Map<string, string>();
  for (const [f, v] of pairs) {
    if (h.has(f)) bad("duplicate hash field");
    h.set(f, v);
  }
  return h;
}

function setFromMembers(members: readonly string[]): Set<string> {
  const s = new Set<string>();
  for (const m of members) {
    if (s.has(m)) bad("duplicate set member");
    s.add(m);
  }
  return s;
}

function nonEmpty<T extends { readonly length: number } | { readonly size: number }>(v: T): T {
  const n = "length" in v ? v.length : v.size;
  if (n === 0) bad("empty collection");
  return v;
}

function readValue(r: Reader, type: number): Entry {
  switch (type) {
    case TYPE_STRING:
      return newStringEntry(r.string());
    case TYPE_LIST: {
      const n = r.count();
      const d = new Deque<string>();
      for (let i = 0; i < n; i++) d.pushBack(r.string());
      return newEntry("list", nonEmpty(d));
    }
    case TYPE_LIST_ZIPLIST:
      return newEntry("list", nonEmpty(Deque.from(ziplistDecode(r.stringBytes()))));
    case TYPE_LIST_QUICKLIST:
    case TYPE_LIST_QUICKLIST_2: {
      const nodes = r.count();
      const d = new Deque<string>();
      for (let i = 0; i < nodes; i++) {
        const container = type === TYPE_LIST_QUICKLIST_2 ? r.length() : NODE_PACKED;
        if (container === NODE_PLAIN) {
          d.pushBack(r.string());
          continue;
        }
        if (container !== NODE_PACKED) bad("unknown quicklist container");
        const blob = r.stringBytes();
        const items = type === TYPE_LIST_QUICKLIST_2 ? listpackDecode(blob) : ziplistDecode(blob);
        // Redis skips empty nodes when loading.
        for (const s of items) d.pushBack(s);
      }
      return newEntry("list", nonEmpty(d));
    }
    case TYPE_SET: {
      const n = r.count();
      const members: string[] = [];
      for (let i = 0; i < n; i++) members.push(r.string());
      return newEntry("set", nonEmpty(setFromMembers(members)));
    }
    case TYPE_SET_INTSET:
      return newEntry("set", nonEmpty(setFromMembers(intsetDecode(r.stringBytes()))));
    case TYPE_HASH: {
      const n = r.count();
      const pairs: [string, string][] = [];
      for (let i = 0; i < n; i++) pairs.push([r.string(), r.string()]);
      return newEntry("hash", nonEmpty(hashFromPairs(pairs)));
    }
    case TYPE_HASH_ZIPMAP:
      return newEntry("hash", nonEmpty(hashFromPairs(zipmapDecode(r.stringBytes()))));
    case TYPE_HASH_ZIPLIST:
      return newEntry("hash", nonEmpty(hashFromPairs(pairsOf(ziplistDecode(r.stringBytes())))));
    case TYPE_HASH_LISTPACK:
      return newEntry("hash", nonEmpty(hashFromPairs(pairsOf(listpackDecode(r.stringBytes())))));
    case TYPE_ZSET:
    case TYPE_ZSET_2: {
      const n = r.count();
      const pairs: [string, number][] = [];
      for (let i = 0; i < n; i++) {
        const m = r.string();
        pairs.push([m, type === TYPE_ZSET_2 ? r.binaryDouble() : r.textDouble()]);
      }
      if (n === 0) bad("empty collection");
      return newEntry("zset", zsetFromPairs(pairs, n, false));
    }
    case TYPE_ZSET_ZIPLIST:
    case TYPE_ZSET_LISTPACK: {
      const items = type === TYPE_ZSET_LISTPACK ? listpackDecode(r.stringBytes()) : ziplistDecode(r.stringBytes());
      const pairs = pairsOf(items).map(([m, s]): [string, number] => [m, scoreFromText(s)]);
      if (pairs.length === 0) bad("empty collection");
      return newEntry("zset", zsetFromPairs(pairs, pairs.length, true));
    }
    default:
      return bad(`unsupported object type ${type}`);
  }
}

/**
 * Decodes a RESTORE payload whose footer was checked; throws RdbFormatError on anything wrong. Like
 * Redis, the reader may run on into the footer's bytes (a value is not checked to end before it).
 */
export function restoreValue(payload: Uint8Array): Entry {
  const r = new Reader(payload);
  const type = r.byte();
  return readValue(r, type);
}
