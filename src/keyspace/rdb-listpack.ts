// Listpack, ziplist, intset and zipmap blobs: encoding the compact forms Redis 7.0 writes, decoding all.
import { bad, ByteOut, fitsSigned } from "./rdb-codec.ts";
import { latin1Range } from "./entry.ts";
import { integerValue } from "./string-encoding.ts";

// ---------------------------------------------------------------------------------------------------
// Listpack

/** A listpack's total-bytes (u32) and element-count (u16) header. */
const LISTPACK_HEADER_BYTES = 6;
const LISTPACK_END = 0xff;
/** The element count a listpack stores once it holds more than fits its u16 ("count unknown"). */
const LISTPACK_COUNT_UNKNOWN = 65535;

/**
 * Bytes of the back-length that follows a listpack entry of `l` bytes (Redis lpEncodeBacklen; its
 * thresholds are not all powers of two, so encoder and decoder both take the width from here).
 */
function listpackBacklenBytes(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

/** The back-length of an `l`-byte entry: 7 bits a byte, most significant first, all but the first marked. */
function writeListpackBacklen(out: ByteOut, l: number): void {
  const width = listpackBacklenBytes(l);
  out.byte(Math.floor(l / 2 ** (7 * (width - 1))));
  for (let shift = 7 * (width - 2); shift >= 0; shift -= 7) out.byte(((l >>> shift) & 127) | 128);
}

/** Appends one listpack entry for `s` (encoding, data, back-length). */
function writeListpackEntry(out: ByteOut, s: string): void {
  const start = out.length;
  const v = integerValue(s);
  if (v !== null) {
    const n = Number(v);
    if (v >= 0n && v <= 127n) out.byte(n);
    else if (fitsSigned(v, 13)) {
      const u = n < 0 ? n + 8192 : n;
      out.byte(0xc0 | (u >> 8));
      out.byte(u & 0xff);
    } else {
      const width = fitsSigned(v, 16) ? 2 : fitsSigned(v, 24) ? 3 : fitsSigned(v, 32) ? 4 : 8;
      out.byte(width === 2 ? 0xf1 : width === 3 ? 0xf2 : width === 4 ? 0xf3 : 0xf4);
      out.uintLE(v, width);
    }
  } else {
    const n = s.length;
    if (n < 64) out.byte(0x80 | n);
    else if (n < 4096) {
      out.byte(0xe0 | (n >> 8));
      out.byte(n & 0xff);
    } else {
      out.byte(0xf0);
      out.uintLE(n, 4);
    }
    out.latin1(s);
  }
  writeListpackBacklen(out, out.length - start);
}

/**
 * A listpack built one element at a time, each encoded once: `bytes` is its size so far, so a caller
 * filling size-bounded nodes (the quicklist) decides where to split without encoding anything twice.
 */
export class ListpackWriter {
  private readonly entries = new ByteOut();
  private elements = 0;

  get count(): number {
    return this.elements;
  }

  /** The listpack's size if finished now: header, entries, terminator. */
  get bytes(): number {
    return LISTPACK_HEADER_BYTES + this.entries.length + 1;
  }

  push(s: string): void {
    writeListpackEntry(this.entries, s);
    this.elements++;
  }

  finish(): Uint8Array {
    const out = new ByteOut();
    out.uintLE(this.bytes, 4);
    out.uintLE(Math.min(this.elements, LISTPACK_COUNT_UNKNOWN), 2);
    out.bytes(this.entries.view());
    out.byte(LISTPACK_END);
    return out.view();
  }
}

/** A listpack holding `items` in order. */
export function listpackEncode(items: readonly string[]): Uint8Array {
  const lp = new ListpackWriter();
  for (const s of items) lp.push(s);
  return lp.finish();
}

export function listpackDecode(lp: Uint8Array): string[] {
  if (lp.length < LISTPACK_HEADER_BYTES + 1) bad("listpack too short");
  const dv = new DataView(lp.buffer, lp.byteOffset, lp.byteLength);
  if (dv.getUint32(0, true) !== lp.length) bad("listpack size mismatch");
  const declared = dv.getUint16(4, true);
  const items: string[] = [];
  let p = LISTPACK_HEADER_BYTES;
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
      item = latin1Range(lp, p, p + n);
      p += n;
    } else if ((b & 0xe0) === 0xc0) {
      need(1);
      item = signed(BigInt(((b & 0x1f) << 8) | (lp[p++] as number)), 13);
    } else if ((b & 0xf0) === 0xe0) {
      need(1);
      const n = ((b & 0x0f) << 8) | (lp[p++] as number);
      need(n);
      item = latin1Range(lp, p, p + n);
      p += n;
    } else if (b === 0xf0) {
      const n = Number(le(4));
      need(n);
      item = latin1Range(lp, p, p + n);
      p += n;
    } else if (b === 0xf1) item = signed(le(2), 16);
    else if (b === 0xf2) item = signed(le(3), 24);
    else if (b === 0xf3) item = signed(le(4), 32);
    else if (b === 0xf4) item = signed(le(8), 64);
    else bad("bad listpack encoding");
    // Skip the backlen after checking it describes this entry.
    const width = listpackBacklenBytes(p - start);
    need(width);
    p += width;
    items.push(item);
  }
  if (lp[lp.length - 1] !== LISTPACK_END) bad("listpack without terminator");
  if (declared !== LISTPACK_COUNT_UNKNOWN && declared !== items.length) bad("listpack count mismatch");
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
      items.push(latin1Range(zl, p, p + n));
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

export function intsetEncode(values: readonly bigint[]): Uint8Array {
  let width = 2;
  for (const v of values) {
    if (!fitsSigned(v, 32)) width = 8;
    else if (!fitsSigned(v, 16)) width = Math.max(width, 4);
  }
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out = new ByteOut();
  out.uintLE(width, 4);
  out.uintLE(sorted.length, 4);
  for (const v of sorted) out.uintLE(v, width);
  return out.view();
}

export function zipmapDecode(zm: Uint8Array): [string, string][] {
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
    const s = latin1Range(zm, p, p + n);
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

