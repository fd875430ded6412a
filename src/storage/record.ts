// Log entry encoding. One entry per command (or EXEC, or one shard's part of a cross-shard write):
//
//   record  = crc32c:u32 | bodyLength:u32 | body            (little endian; crc covers bodyLength+body)
//   body    = kind:u8 | seq:f64 | timeMs:f64 | seed:u32 | participantCount:u16 | participant:u16*
//             | opCount:u32 | op*
//   op      = CMD  db:u8 argc:u32 (len:u32 bytes)*
//           | PUT  db:u8 key:(len:u32 bytes) type:u8 expireAt:f64 value:(len:u32 bytes)
//           | DEL  db:u8 key:(len:u32 bytes)
//
// `seq` is the engine-wide sequence number; a cross-shard write has one entry per participant shard,
// all with the same seq and the participant list, and is committed only when every part is durable.
// Byte strings are latin1: one char code per byte.

import { latin1Range } from "../keyspace/entry.ts";

export const recordHeaderBytes = 8;
/** A record larger than this is corruption, not data (bounds the reader). */
export const recordBytesMax = 1024 * 1024 * 1024;

export const entryKindData = 1;
/** A merge (snapshot) base: PUT ops describing the full state as of `seq`. */
export const entryKindSnapshot = 2;

export const opCmd = 1;
export const opPut = 2;
export const opDel = 3;

export type LogOp =
  | { readonly kind: typeof opCmd; readonly db: number; readonly argv: readonly (string | Uint8Array)[] }
  | { readonly kind: typeof opPut; readonly db: number; readonly key: string; readonly valueType: number; readonly expireAt: number; readonly value: Uint8Array }
  | { readonly kind: typeof opDel; readonly db: number; readonly key: string };

export interface LogEntry {
  readonly kind: number;
  readonly seq: number;
  readonly timeMs: number;
  readonly seed: number;
  /** Shards of a cross-shard write (empty for a single-shard entry). */
  readonly participants: readonly number[];
  readonly ops: readonly LogOp[];
}

/** A growable little-endian byte writer over one reused ArrayBuffer. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = new Uint8Array(new ArrayBuffer(initialBytes));
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(new ArrayBuffer(size));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.length++] = v;
  }
  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
  }
  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, v >>> 0, true);
    this.length += 4;
  }
  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }
  setU32(at: number, v: number): void {
    this.view.setUint32(at, v >>> 0, true);
  }
  bytes(v: string | Uint8Array): void {
    if (typeof v === "string") {
      this.u32(v.length);
      this.ensure(v.length);
      if (v.length < 64) {
        for (let i = 0; i < v.length; i++) this.buf[this.length + i] = v.charCodeAt(i);
      } else {
        Buffer.from(this.buf.buffer, this.buf.byteOffset + this.length, v.length).write(v, "latin1");
      }
      this.length += v.length;
    } else {
      this.u32(v.length);
      this.ensure(v.length);
      this.buf.set(v, this.length);
      this.length += v.length;
    }
  }
  /** Appends bytes as they are (no length prefix). */
  raw(v: Uint8Array): void {
    this.ensure(v.length);
    this.buf.set(v, this.length);
    this.length += v.length;
  }
  /** Makes room for `extra` more bytes; returns where they start (the current length). */
  reserve(extra: number): number {
    this.ensure(extra);
    return this.length;
  }
  /** The buffer and its DataView, for writers that fill reserved bytes in place (valid until the next growth). */
  get bytesView(): Uint8Array {
    return this.buf;
  }
  get dataView(): DataView {
    return this.view;
  }
  /** View of bytes [start, end): valid until the next write that grows the buffer. */
  view_(start: number, end = this.length): Uint8Array {
    return this.buf.subarray(start, end);
  }
  reset(): void {
    this.length = 0;
  }
}

/** What computes the log's checksum: CRC32C of data[start, end), without a view per call (a LogIo). */
export interface RecordChecksum {
  crc32cRange(data: Uint8Array, start: number, end: number): number;
}

/**
 * Walks the records of data[at, ...) as the native bk_scan_records does: stores each valid record's
 * header offset and body length as a pair in `out` until it is full or a record is not valid (fewer than
 * recordHeaderBytes left, a length of 0, above `bodyBytesMax` or past the end, a CRC mismatch); returns
 * the number of pairs. The portable path (MemoryIo, buffers beyond the native length limit).
 */
export function scanRecordsWith(checksum: RecordChecksum, data: Uint8Array, at: number, bodyBytesMax: number, out: Uint32Array): number {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const pairs = out.length >>> 1;
  let n = 0;
  while (n < pairs && data.length - at >= recordHeaderBytes) {
    const len = dv.getUint32(at + 4, true);
    if (len === 0 || len > bodyBytesMax || len > data.length - at - recordHeaderBytes) break;
    if (checksum.crc32cRange(data, at + 4, at + recordHeaderBytes + len) !== dv.getUint32(at, true)) break;
    out[2 * n] = at;
    out[2 * n + 1] = len;
    n++;
    at += recordHeaderBytes + len;
  }
  return n;
}

/** Up to this many bytes a byte loop copies faster than TypedArray.prototype.set (a native call). */
const copyLoopBytesMax = 48;

/** Bytes encodeEntry writes for `entry`, header included. */
export function encodedEntryBytes(entry: LogEntry): number {
  let n = recordHeaderBytes + 1 + 8 + 8 + 4 + 2 + 2 * entry.participants.length + 4;
  const ops = entry.ops;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i] as LogOp;
    if (op.kind === opCmd) {
      n += 2 + 4;
      const argv = op.argv;
      for (let j = 0; j < argv.length; j++) n += 4 + (argv[j] as string | Uint8Array).length;
    } else if (op.kind === opPut) n += 2 + 4 + op.key.length + 1 + 8 + 4 + op.value.length;
    else n += 2 + 4 + op.key.length;
  }
  return n;
}

/**
 * Appends one framed record for `entry`; returns where it starts in the writer (it ends at w.length).
 * Runs once per logged command, so it sizes the record first, reserves once and writes in place.
 */
export function encodeEntry(w: ByteWriter, entry: LogEntry, checksum: RecordChecksum): number {
  const total = encodedEntryBytes(entry);
  const start = w.reserve(total);
  const buf = w.bytesView;
  const dv = w.dataView;
  let at = start + recordHeaderBytes;
  buf[at] = entry.kind;
  dv.setFloat64(at + 1, entry.seq, true);
  dv.setFloat64(at + 9, entry.timeMs, true);
  dv.setUint32(at + 17, entry.seed >>> 0, true);
  const participants = entry.participants;
  dv.setUint16(at + 21, participants.length, true);
  at += 23;
  for (let i = 0; i < participants.length; i++, at += 2) dv.setUint16(at, participants[i] as number, true);
  const ops = entry.ops;
  dv.setUint32(at, ops.length, true);
  at += 4;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i] as LogOp;
    buf[at] = op.kind;
    buf[at + 1] = op.db;
    at += 2;
    if (op.kind === opCmd) {
      const argv = op.argv;
      dv.setUint32(at, argv.length, true);
      at += 4;
      for (let j = 0; j < argv.length; j++) at = putBytes(buf, dv, at, argv[j] as string | Uint8Array);
    } else if (op.kind === opPut) {
      at = putBytes(buf, dv, at, op.key);
      buf[at] = op.valueType;
      dv.setFloat64(at + 1, op.expireAt, true);
      at = putBytes(buf, dv, at + 9, op.value);
    } else {
      at = putBytes(buf, dv, at, op.key);
    }
  }
  if (at !== start + total) throw new Error(`bug: record of ${at - start} bytes, sized ${total}`);
  w.length = at;
  dv.setUint32(start + 4, total - recordHeaderBytes, true);
  dv.setUint32(start, checksum.crc32cRange(buf, start + 4, at) >>> 0, true);
  return start;
}

/** Writes len:u32 and the bytes of `v` (a latin1 byte string or bytes) at `at`; returns the end. */
function putBytes(buf: Uint8Array, dv: DataView, at: number, v: string | Uint8Array): number {
  const n = v.length;
  dv.setUint32(at, n, true);
  at += 4;
  if (typeof v === "string") {
    if (n < 64) for (let i = 0; i < n; i++) buf[at + i] = v.charCodeAt(i);
    else Buffer.from(buf.buffer, buf.byteOffset + at, n).write(v, "latin1");
  } else if (n <= copyLoopBytesMax) {
    for (let i = 0; i < n; i++) buf[at + i] = v[i] as number;
  } else buf.set(v, at);
  return at + n;
}

/**
 * The layout encodeEntry gives `entry`, without encoding it: calls `visit` with where the bytes of each
 * CMD argument (argIndex >= 0) and each PUT value (argIndex -1) start in the record (each is preceded
 * by its u32 length), and returns the record's size. Memory cooling uses it to point a value at the
 * bytes of the log record that carries it (engine/cooling.ts); it must mirror encodeEntry exactly
 * (record.test.ts checks the two against each other).
 */
export function visitValueOffsets(entry: LogEntry, visit: (opIndex: number, argIndex: number, at: number) => void): number {
  let at = recordHeaderBytes + 1 + 8 + 8 + 4 + 2 + 2 * entry.participants.length + 4;
  for (let i = 0; i < entry.ops.length; i++) {
    const op = entry.ops[i] as LogOp;
    at += 2; // kind, db
    if (op.kind === opCmd) {
      at += 4;
      for (let j = 0; j < op.argv.length; j++) {
        visit(i, j, at + 4);
        at += 4 + (op.argv[j] as string | Uint8Array).length;
      }
    } else if (op.kind === opPut) {
      at += 4 + op.key.length + 1 + 8;
      visit(i, -1, at + 4);
      at += 4 + op.value.length;
    } else at += 4 + op.key.length;
  }
  return at;
}

export class RecordDecodeError extends Error {
  override readonly name = "RecordDecodeError";
}

/** Decodes a record body (after the 8-byte header). Strings come back as latin1 byte strings. */
export function decodeBody(body: Uint8Array): LogEntry {
  return decodeBodyAt(body, new DataView(body.buffer, body.byteOffset, body.byteLength), 0, body.length);
}

/**
 * Decodes the record body in data[start, end), read through `dv` (a DataView of all of `data`): the
 * recovery path, which reads whole segments and would otherwise make a view and a DataView per record.
 * CMD arguments and PUT values are views into `data`.
 */
export function decodeBodyAt(data: Uint8Array, dv: DataView, start: number, end: number): LogEntry {
  const truncated = (at: number): RecordDecodeError => new RecordDecodeError(`record body truncated at ${at - start}`);
  let at = start;
  if (at + 23 > end) throw truncated(at);
  const kind = data[at] as number;
  const seq = dv.getFloat64(at + 1, true);
  const timeMs = dv.getFloat64(at + 9, true);
  const seed = dv.getUint32(at + 17, true);
  const participantCount = dv.getUint16(at + 21, true);
  at += 23;
  if (at + 2 * participantCount + 4 > end) throw truncated(at);
  const participants: number[] = [];
  for (let i = 0; i < participantCount; i++, at += 2) participants.push(dv.getUint16(at, true));
  const opCount = dv.getUint32(at, true);
  at += 4;
  const ops: LogOp[] = [];
  for (let i = 0; i < opCount; i++) {
    if (at + 2 > end) throw truncated(at);
    const k = data[at] as number;
    const db = data[at + 1] as number;
    at += 2;
    if (k === opCmd) {
      if (at + 4 > end) throw truncated(at);
      const argc = dv.getUint32(at, true);
      at += 4;
      if (argc > end - start) throw new RecordDecodeError("argc larger than record");
      const argv: Uint8Array[] = [];
      for (let j = 0; j < argc; j++) {
        if (at + 4 > end) throw truncated(at);
        const n = dv.getUint32(at, true);
        at += 4;
        if (at + n > end) throw truncated(at);
        argv.push(data.subarray(at, at + n));
        at += n;
      }
      ops.push({ kind: opCmd, db, argv });
    } else if (k === opPut || k === opDel) {
      if (at + 4 > end) throw truncated(at);
      const keyLength = dv.getUint32(at, true);
      at += 4;
      if (at + keyLength > end) throw truncated(at);
      const key = latin1Range(data, at, at + keyLength);
      at += keyLength;
      if (k === opDel) {
        ops.push({ kind: opDel, db, key });
        continue;
      }
      if (at + 13 > end) throw truncated(at);
      const valueType = data[at] as number;
      const expireAt = dv.getFloat64(at + 1, true);
      const valueLength = dv.getUint32(at + 9, true);
      at += 13;
      if (at + valueLength > end) throw truncated(at);
      ops.push({ kind: opPut, db, key, valueType, expireAt, value: data.subarray(at, at + valueLength) });
      at += valueLength;
    } else throw new RecordDecodeError(`unknown op kind ${k}`);
  }
  if (at !== end) throw new RecordDecodeError(`record body has ${end - at} trailing bytes`);
  return { kind, seq, timeMs, seed, participants, ops };
}
