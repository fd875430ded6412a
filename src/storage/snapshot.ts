// Snapshot and hint files: a shard's whole state at one seq, written by a merge, read at start-up.
//
//   <generation>.snap  framed records (record.ts), all of kind entryKindSnapshot with seq S:
//                      first a header record (`seed` carries the first segment to replay; no ops in
//                      standalone, in cluster mode one CMD op of the system database recording the
//                      Raft index, term and membership the snapshot stands for),
//                      then one record per key holding one PUT op, then an end record (no ops).
//   <generation>.hint  "BKHINT01" | seq:f64 | firstSegment:u32 | snapshotBytes:f64 | count:u32
//                      | (db:u8 type:u8 expireAt:f64 recordOffset:f64 recordBytes:u32 valueBytes:u32 key)*
//                      | crc32c:u32 of everything before it
//
// A snapshot file exists under its final name only once it is complete and durable (it is written as
// .tmp, fdatasynced, renamed, and the directory fsynced), so its presence is the commit point. The hint
// is an accelerator: start-up reads only the records of hot values, and leaves large strings on disk
// as cold references. Without a valid hint the snapshot is scanned instead.
//
// A cold reference names its file for the whole store, not just the shard: ColdRef.segment is
// coldFileId(shard, generation), so an entry that moved to another shard (a cross-shard RENAME)
// still knows where its bytes are.
import { join } from "node:path";
import type { ColdRef, Entry } from "../keyspace/entry.ts";
import { latin1Range, newStringEntry } from "../keyspace/entry.ts";
import type { LogIo } from "./io.ts";
import { ByteWriter, decodeBodyAt, encodeEntry, entryKindSnapshot, opCmd, opPut, recordBytesMax, recordHeaderBytes, type LogEntry, type LogOp } from "./record.ts";
import { CorruptLogError } from "./segment-log.ts";
import { decodeValue, valueTypeCodes } from "./value-codec.ts";

const hintMagic = "BKHINT01";
const snapshotPattern = /^(\d{8})\.snap$/;
const hintHeaderBytes = 8 + 8 + 4 + 8 + 4;
/** The writer hands its buffer to the file once it holds this much. */
const writeChunkBytes = 1024 * 1024;
/** Hot records are read at start-up in runs of at most this many bytes (one pread each). */
const readRunBytesMax = 4 * 1024 * 1024;
const stringTypeCode = valueTypeCodes.string;
/** Snapshot records in this database index are server settings, not keys; they are never cold. */
export const systemDb = 255;

/**
 * Cluster mode: the Raft log position a shard snapshot stands for (the state after applying every entry
 * of the shard's group up to `index`) and the group's membership then. The snapshot is the Raft snapshot.
 */
export interface RaftSnapshotMeta {
  readonly index: number;
  readonly term: number;
  readonly voters: readonly number[];
  readonly learners: readonly number[];
}

const raftHeaderTag = "raft-snapshot";

function raftHeaderOps(raft: RaftSnapshotMeta | null): LogOp[] {
  if (raft === null) return [];
  return [{ kind: opCmd, db: systemDb, argv: [raftHeaderTag, String(raft.index), String(raft.term), raft.voters.join(","), raft.learners.join(",")] }];
}

function parseRaftHeader(path: string, ops: readonly LogOp[]): RaftSnapshotMeta | null {
  const op = ops[0];
  if (op === undefined) return null;
  const text = op.kind === opCmd ? op.argv.map((a) => (typeof a === "string" ? a : Buffer.from(a).toString("latin1"))) : [];
  const ids = (t: string | undefined): number[] => (t === undefined || t === "" ? [] : t.split(",").map(Number));
  const index = Number(text[1]);
  const term = Number(text[2]);
  if (ops.length !== 1 || text[0] !== raftHeaderTag || text.length !== 5 || !Number.isSafeInteger(index) || !Number.isSafeInteger(term) || index < 1) {
    throw new CorruptLogError(path, 0, "snapshot header has an unknown op");
  }
  return { index, term, voters: ids(text[3]), learners: ids(text[4]) };
}

/** Generations per shard in a cold file id (ColdRef.segment = shard * stride + generation). */
const coldFileStride = 1 << 24;

export function coldFileId(shard: number, generation: number): number {
  if (generation >= coldFileStride) throw new Error(`bug: snapshot generation ${generation} out of range`);
  return shard * coldFileStride + generation;
}

export function coldFileShard(fileId: number): number {
  return Math.floor(fileId / coldFileStride);
}

function coldFileGeneration(fileId: number): number {
  return fileId % coldFileStride;
}

/** The file's number within its shard: a snapshot generation, or a segment for a log-record reference. */
export function coldFileSegment(fileId: number): number {
  return fileId % coldFileStride;
}

export function snapshotName(generation: number): string {
  return String(generation).padStart(8, "0") + ".snap";
}

export function hintName(generation: number): string {
  return String(generation).padStart(8, "0") + ".hint";
}

/** Generations of the complete snapshots in `dir`, ascending. */
export function listSnapshots(io: LogIo, dir: string): number[] {
  return io
    .listDir(dir)
    .map((f) => snapshotPattern.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

interface HintRecord {
  db: number;
  typeCode: number;
  expireAt: number;
  recordOffset: number;
  recordBytes: number;
  valueBytes: number;
  key: string;
}

/** Where the writer put one key's record. */
export interface WrittenRecord {
  readonly offset: number;
  readonly bytes: number;
  readonly valueBytes: number;
}

/** Writes one snapshot (and its hint) under temporary names; commit() makes it the recovery base. */
export class SnapshotWriter {
  private readonly buffer = new ByteWriter(writeChunkBytes + 64 * 1024);
  private readonly hint = new ByteWriter(64 * 1024);
  private fd: number;
  private fileBytes = 0;
  private count = 0;
  private readonly snapTmp: string;
  private readonly hintTmp: string;

  constructor(
    private readonly io: LogIo,
    private readonly dir: string,
    readonly generation: number,
    readonly seq: number,
    readonly firstSegment: number,
    readonly raft: RaftSnapshotMeta | null = null,
  ) {
    this.snapTmp = join(dir, snapshotName(generation) + ".tmp");
    this.hintTmp = join(dir, hintName(generation) + ".tmp");
    this.fd = io.openFile(this.snapTmp, "append");
    io.ftruncate(this.fd, 0);
    this.appendRecord({ kind: entryKindSnapshot, seq, timeMs: 0, seed: firstSegment, participants: [], ops: raftHeaderOps(raft) });
  }

  /** Total bytes of the snapshot so far. */
  get bytes(): number {
    return this.fileBytes + this.buffer.length;
  }

  private appendRecord(entry: LogEntry): [number, number] {
    const base = this.fileBytes;
    const start = encodeEntry(this.buffer, entry, this.io);
    const end = this.buffer.length;
    if (this.buffer.length >= writeChunkBytes) this.flushBuffer();
    return [base + start, end - start];
  }

  private flushBuffer(): void {
    if (this.buffer.length === 0) return;
    this.io.pwriteAll(this.fd, this.buffer.view_(0), this.fileBytes);
    this.fileBytes += this.buffer.length;
    this.buffer.reset();
  }

  /** Adds one key; `value` is its serialised value (value-codec.ts). */
  add(db: number, key: string, typeCode: number, expireAt: number, value: Uint8Array): WrittenRecord {
    const [offset, bytes] = this.appendRecord({
      kind: entryKindSnapshot,
      seq: this.seq,
      timeMs: 0,
      seed: 0,
      participants: [],
      ops: [{ kind: opPut, db, key, valueType: typeCode, expireAt, value }],
    });
    const h = this.hint;
    h.u8(db);
    h.u8(typeCode);
    h.f64(expireAt);
    h.f64(offset);
    h.u32(bytes);
    h.u32(value.length);
    h.bytes(key);
    this.count++;
    return { offset, bytes, valueBytes: value.length };
  }

  /** Ends the snapshot and makes both temporary files durable. */
  async finish(): Promise<void> {
    this.appendRecord({ kind: entryKindSnapshot, seq: this.seq, timeMs: 0, seed: 0, participants: [], ops: [] });
    this.flushBuffer();
    await this.io.fdatasyncAsync(this.fd);
    const h = new ByteWriter(hintHeaderBytes + this.hint.length + 4);
    for (let i = 0; i < hintMagic.length; i++) h.u8(hintMagic.charCodeAt(i));
    h.f64(this.seq);
    h.u32(this.firstSegment);
    h.f64(this.fileBytes);
    h.u32(this.count);
    h.raw(this.hint.view_(0));
    h.u32(this.io.crc32c(h.view_(0)));
    const hfd = this.io.openFile(this.hintTmp, "append");
    try {
      this.io.ftruncate(hfd, 0);
      this.io.pwriteAll(hfd, h.view_(0), 0);
      await this.io.fdatasyncAsync(hfd);
    } finally {
      this.io.closeFile(hfd);
    }
  }

  /** The commit point: renames the snapshot, then its hint, and makes the renames durable. */
  async commit(): Promise<void> {
    this.io.closeFile(this.fd);
    this.fd = -1;
    this.io.renameFile(this.snapTmp, join(this.dir, snapshotName(this.generation)));
    this.io.renameFile(this.hintTmp, join(this.dir, hintName(this.generation)));
    await this.io.fsyncDirAsync(this.dir);
  }

  /** Gives up: closes and removes the temporary files (best effort; start-up removes leftovers too). */
  abort(): void {
    if (this.fd >= 0) {
      try {
        this.io.closeFile(this.fd);
      } catch {
        // Already failing: the temporary file is removed below or at the next start.
      }
      this.fd = -1;
    }
    for (const p of [this.snapTmp, this.hintTmp]) {
      try {
        this.io.unlinkFile(p);
      } catch {
        // Missing or failing: start-up deletes *.tmp files.
      }
    }
  }
}

/** Decodes a hint file; null when it is damaged or does not describe `snapshotBytes` of snapshot. */
function parseHint(io: LogIo, data: Uint8Array, snapshotBytes: number): { seq: number; firstSegment: number; records: HintRecord[] } | null {
  if (data.length < hintHeaderBytes + 4) return null;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (io.crc32c(data.subarray(0, data.length - 4)) !== dv.getUint32(data.length - 4, true)) return null;
  if (Buffer.from(data.subarray(0, 8)).toString("latin1") !== hintMagic) return null;
  const seq = dv.getFloat64(8, true);
  const firstSegment = dv.getUint32(16, true);
  if (dv.getFloat64(20, true) !== snapshotBytes) return null;
  const count = dv.getUint32(28, true);
  const records: HintRecord[] = [];
  let at = hintHeaderBytes;
  const end = data.length - 4;
  for (let i = 0; i < count; i++) {
    if (at + 30 > end) return null;
    const db = dv.getUint8(at);
    const typeCode = dv.getUint8(at + 1);
    const expireAt = dv.getFloat64(at + 2, true);
    const recordOffset = dv.getFloat64(at + 10, true);
    const recordBytes = dv.getUint32(at + 18, true);
    const valueBytes = dv.getUint32(at + 22, true);
    const keyBytes = dv.getUint32(at + 26, true);
    at += 30;
    if (at + keyBytes > end || recordOffset + recordBytes > snapshotBytes) return null;
    const key = latin1Range(data, at, at + keyBytes);
    at += keyBytes;
    records.push({ db, typeCode, expireAt, recordOffset, recordBytes, valueBytes, key });
  }
  return at === end ? { seq, firstSegment, records } : null;
}

/** Validates and decodes the single-PUT record at `at` of `data`; throws CorruptLogError otherwise. */
function decodeKeyRecord(io: LogIo, path: string, data: Uint8Array, at: number, fileOffset: number) {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const len = at + recordHeaderBytes <= data.length ? dv.getUint32(at + 4, true) : -1;
  if (len <= 0 || len > recordBytesMax || at + recordHeaderBytes + len > data.length) {
    throw new CorruptLogError(path, fileOffset, "snapshot record length out of bounds");
  }
  if (io.crc32cRange(data, at + 4, at + recordHeaderBytes + len) !== dv.getUint32(at, true)) {
    throw new CorruptLogError(path, fileOffset, "snapshot record checksum mismatch");
  }
  const entry = decodeBodyAt(data, dv, at + recordHeaderBytes, at + recordHeaderBytes + len);
  return { entry, recordBytes: recordHeaderBytes + len };
}

/**
 * The value bytes of the single-PUT record the hint `h` describes, checked without building a LogEntry:
 * CRC over the record, then the fixed layout (record.ts) compared field by field with the hint. Start-up
 * does this once per key, so it avoids the generic decoder's allocations.
 */
function hintedValue(io: LogIo, path: string, data: Uint8Array, dv: DataView, at: number, h: HintRecord): Uint8Array {
  const mismatch = (detail: string): CorruptLogError => new CorruptLogError(path, h.recordOffset, `snapshot record does not match its hint (${detail})`);
  const len = at + recordHeaderBytes <= data.length ? dv.getUint32(at + 4, true) : -1;
  if (len <= 0 || recordHeaderBytes + len !== h.recordBytes || at + recordHeaderBytes + len > data.length) throw mismatch("length");
  if (io.crc32cRange(data, at + 4, at + recordHeaderBytes + len) !== dv.getUint32(at, true)) {
    throw new CorruptLogError(path, h.recordOffset, "snapshot record checksum mismatch");
  }
  // body: kind u8, seq f64, time f64, seed u32, participants u16 (0), ops u32 (1), then the PUT op:
  // kind u8, db u8, key (u32 + bytes), value type u8, expireAt f64, value (u32 + bytes).
  let p = at + recordHeaderBytes;
  if (data[p] !== entryKindSnapshot || dv.getUint16(p + 21, true) !== 0 || dv.getUint32(p + 23, true) !== 1) throw mismatch("header");
  p += 27;
  if (data[p] !== opPut || data[p + 1] !== h.db) throw mismatch("op");
  const keyLength = dv.getUint32(p + 2, true);
  if (keyLength !== h.key.length) throw mismatch("key");
  p += 6;
  for (let i = 0; i < keyLength; i++) if (data[p + i] !== h.key.charCodeAt(i)) throw mismatch("key");
  p += keyLength;
  if (data[p] !== h.typeCode || dv.getFloat64(p + 1, true) !== h.expireAt) throw mismatch("type or expiry");
  const valueLength = dv.getUint32(p + 9, true);
  p += 13;
  if (valueLength !== h.valueBytes || p + valueLength !== at + recordHeaderBytes + len) throw mismatch("value");
  return data.subarray(p, p + valueLength);
}

export interface LoadedSnapshot {
  readonly generation: number;
  readonly seq: number;
  readonly firstSegment: number;
  readonly bytes: number;
  readonly keys: number;
  readonly usedHint: boolean;
  /** Cluster mode: the Raft position the snapshot stands for (null: a standalone merge's snapshot). */
  readonly raft: RaftSnapshotMeta | null;
}

export interface LoadSnapshotOptions {
  readonly shard: number;
  readonly hotValueBytesMax: number;
  readonly salvage: boolean;
  /** Receives every key of the snapshot. */
  readonly onKey: (db: number, key: string, entry: Entry) => void;
  /**
   * Hot strings of at least this many bytes keep their record's location too (value in memory and on
   * disk: memory cooling may drop it, engine/cooling.ts). Absent: hot values get no location.
   */
  readonly locateBytesMin?: number;
}

/** A hot value as loaded, with its record's location when opts.locateBytesMin asks for it. */
function hotEntry(opts: LoadSnapshotOptions, fileId: number, at: { offset: number; bytes: number }, typeCode: number, value: Uint8Array, expireAt: number): Entry {
  const e = decodeValue(typeCode, value, expireAt);
  if (e.type === "string" && opts.locateBytesMin !== undefined && value.length >= opts.locateBytesMin) {
    e.cold = { segment: fileId, offset: at.offset, length: at.bytes };
  }
  return e;
}

function coldEntry(fileId: number, offset: number, bytes: number, expireAt: number): Entry {
  const e = newStringEntry("", expireAt);
  e.data = null;
  const cold: ColdRef = { segment: fileId, offset, length: bytes };
  e.cold = cold;
  return e;
}

/**
 * Finds the newest complete snapshot of a shard directory and loads it; removes temporary files and
 * older snapshots a merge left behind. Returns null when there is no snapshot.
 */
export function loadNewestSnapshot(io: LogIo, dir: string, opts: LoadSnapshotOptions): LoadedSnapshot | null {
  const names = io.listDir(dir);
  for (const n of names) if (n.endsWith(".tmp")) io.unlinkFile(join(dir, n));
  const generations = listSnapshots(io, dir);
  const newest = generations[generations.length - 1];
  if (newest === undefined) return null;
  const path = join(dir, snapshotName(newest));
  const fd = io.openFile(path, "read");
  let loaded: LoadedSnapshot;
  try {
    loaded = loadSnapshotFile(io, { dir, path, fd, generation: newest }, opts);
  } finally {
    io.closeFile(fd);
  }
  let removed = false;
  for (const n of names) {
    const m = /^(\d{8})\.(snap|hint)$/.exec(n);
    if (m && Number(m[1]) < newest) {
      io.unlinkFile(join(dir, n));
      removed = true;
    }
  }
  if (removed) io.fsyncDir(dir);
  return loaded;
}

/**
 * Cluster mode, a follower installing its leader's snapshot: writes the bytes as snapshot `generation`
 * (temporary name, fdatasync, rename, directory fsync: durable before it becomes the recovery base),
 * then loads it as start-up would. The bytes are a snapshot file exactly as the leader's merge wrote
 * it, so cold references (offsets into the file) stay valid. No hint: it is loaded by scanning.
 */
export async function installSnapshotFile(io: LogIo, dir: string, generation: number, data: Uint8Array, opts: LoadSnapshotOptions): Promise<LoadedSnapshot> {
  const tmp = join(dir, snapshotName(generation) + ".tmp");
  const path = join(dir, snapshotName(generation));
  const wfd = io.openFile(tmp, "append");
  try {
    io.ftruncate(wfd, 0);
    io.pwriteAll(wfd, data, 0);
    await io.fdatasyncAsync(wfd);
  } finally {
    io.closeFile(wfd);
  }
  io.renameFile(tmp, path);
  await io.fsyncDirAsync(dir);
  const fd = io.openFile(path, "read");
  try {
    return loadSnapshotFile(io, { dir, path, fd, generation }, opts);
  } finally {
    io.closeFile(fd);
  }
}

/** The whole snapshot file of `generation`, as the Raft leader streams it to a follower. */
export function readSnapshotFile(io: LogIo, dir: string, generation: number): Uint8Array {
  const fd = io.openFile(join(dir, snapshotName(generation)), "read");
  try {
    const data = new Uint8Array(new ArrayBuffer(io.fileSize(fd)));
    io.preadInto(fd, data, 0);
    return data;
  } finally {
    io.closeFile(fd);
  }
}

/** Deletes the snapshots (and hints) older than `generation`. Not fsynced: start-up redoes it. */
export function deleteSnapshotsBefore(io: LogIo, dir: string, generation: number): void {
  for (const g of listSnapshots(io, dir)) {
    if (g >= generation) continue;
    for (const name of [snapshotName(g), hintName(g)]) {
      try {
        io.unlinkFile(join(dir, name));
      } catch {
        // A hint may be missing; start-up removes any leftover.
      }
    }
  }
}

interface SnapshotFileRef {
  readonly dir: string;
  readonly path: string;
  readonly fd: number;
  readonly generation: number;
}

function loadSnapshotFile(io: LogIo, file: SnapshotFileRef, opts: LoadSnapshotOptions): LoadedSnapshot {
  const size = io.fileSize(file.fd);
  let hintData: Uint8Array | null = null;
  try {
    const hfd = io.openFile(join(file.dir, hintName(file.generation)), "read");
    try {
      hintData = new Uint8Array(new ArrayBuffer(io.fileSize(hfd)));
      io.preadInto(hfd, hintData, 0);
    } finally {
      io.closeFile(hfd);
    }
  } catch (e: unknown) {
    if ((e as { code?: unknown }).code !== "ENOENT") throw e;
  }
  // The header record says which seq and segment the snapshot stands for; read it first.
  const head = new Uint8Array(new ArrayBuffer(Math.min(size, 4096)));
  io.preadInto(file.fd, head, 0);
  const header = decodeKeyRecord(io, file.path, head, 0, 0);
  if (header.entry.kind !== entryKindSnapshot) {
    throw new CorruptLogError(file.path, 0, "snapshot does not start with a header record");
  }
  const raft = parseRaftHeader(file.path, header.entry.ops);
  const seq = header.entry.seq;
  const firstSegment = header.entry.seed;
  const hint = hintData === null ? null : parseHint(io, hintData, size);
  if (hint !== null && hint.seq === seq && hint.firstSegment === firstSegment) {
    loadWithHint(io, file, hint.records, opts);
    return { generation: file.generation, seq, firstSegment, bytes: size, keys: hint.records.length, usedHint: true, raft };
  }
  const keys = loadByScanning(io, file, size, opts);
  return { generation: file.generation, seq, firstSegment, bytes: size, keys, usedHint: false, raft };
}

function isCold(db: number, typeCode: number, valueBytes: number, opts: LoadSnapshotOptions): boolean {
  return db !== systemDb && typeCode === stringTypeCode && valueBytes > opts.hotValueBytesMax;
}

function loadWithHint(io: LogIo, file: SnapshotFileRef, records: readonly HintRecord[], opts: LoadSnapshotOptions): void {
  let i = 0;
  // Bounded by records.length: every pass consumes at least one record.
  while (i < records.length) {
    const r = records[i] as HintRecord;
    if (isCold(r.db, r.typeCode, r.valueBytes, opts)) {
      opts.onKey(r.db, r.key, coldEntry(coldFileId(opts.shard, file.generation), r.recordOffset, r.recordBytes, r.expireAt));
      i++;
      continue;
    }
    // A run of contiguous hot records, read with one pread.
    let j = i + 1;
    let runEnd = r.recordOffset + r.recordBytes;
    while (j < records.length) {
      const n = records[j] as HintRecord;
      if (n.recordOffset !== runEnd || isCold(n.db, n.typeCode, n.valueBytes, opts)) break;
      if (n.recordOffset + n.recordBytes - r.recordOffset > readRunBytesMax) break;
      runEnd = n.recordOffset + n.recordBytes;
      j++;
    }
    const run = new Uint8Array(new ArrayBuffer(runEnd - r.recordOffset));
    if (io.preadInto(file.fd, run, r.recordOffset) !== run.length) throw new CorruptLogError(file.path, r.recordOffset, "snapshot shorter than its hint says");
    const runView = new DataView(run.buffer);
    for (let k = i; k < j; k++) {
      const h = records[k] as HintRecord;
      const value = hintedValue(io, file.path, run, runView, h.recordOffset - r.recordOffset, h);
      const at = { offset: h.recordOffset, bytes: h.recordBytes };
      opts.onKey(h.db, h.key, h.db === systemDb ? decodeValue(h.typeCode, value, h.expireAt) : hotEntry(opts, coldFileId(opts.shard, file.generation), at, h.typeCode, value, h.expireAt));
    }
    i = j;
  }
}

function loadByScanning(io: LogIo, file: SnapshotFileRef, size: number, opts: LoadSnapshotOptions): number {
  const data = new Uint8Array(new ArrayBuffer(size));
  io.preadInto(file.fd, data, 0);
  let at = decodeKeyRecord(io, file.path, data, 0, 0).recordBytes;
  let keys = 0;
  for (;;) {
    let decoded;
    try {
      decoded = decodeKeyRecord(io, file.path, data, at, at);
    } catch (e: unknown) {
      if (e instanceof CorruptLogError && opts.salvage) return keys;
      throw e;
    }
    const { entry, recordBytes } = decoded;
    if (entry.ops.length === 0) return keys;
    const op = entry.ops[0];
    if (entry.ops.length !== 1 || op?.kind !== opPut) throw new CorruptLogError(file.path, at, "snapshot record is not a single PUT");
    if (isCold(op.db, op.valueType, op.value.length, opts)) {
      opts.onKey(op.db, op.key, coldEntry(coldFileId(opts.shard, file.generation), at, recordBytes, op.expireAt));
    } else if (op.db === systemDb) opts.onKey(op.db, op.key, decodeValue(op.valueType, op.value, op.expireAt));
    else opts.onKey(op.db, op.key, hotEntry(opts, coldFileId(opts.shard, file.generation), { offset: at, bytes: recordBytes }, op.valueType, op.value, op.expireAt));
    keys++;
    at += recordBytes;
  }
}

/** Open snapshot files of one shard, for cold reads. */
export class SnapshotFiles {
  private readonly fds = new Map<number, number>();

  constructor(
    private readonly io: LogIo,
    private readonly dir: string,
  ) {}

  private fdOf(generation: number): number {
    let fd = this.fds.get(generation);
    if (fd === undefined) {
      fd = this.io.openFile(join(this.dir, snapshotName(generation)), "read");
      this.fds.set(generation, fd);
    }
    return fd;
  }

  private valueOf(ref: ColdRef, record: Uint8Array): Uint8Array {
    const path = join(this.dir, snapshotName(coldFileGeneration(ref.segment)));
    const { entry } = decodeKeyRecord(this.io, path, record, 0, ref.offset);
    const op = entry.ops[0];
    if (entry.ops.length !== 1 || op?.kind !== opPut || op.valueType !== stringTypeCode) {
      throw new CorruptLogError(path, ref.offset, "cold reference does not point at a string record");
    }
    return op.value;
  }

  /** Reads a cold value, blocking (the fallback when it was not preloaded). Verifies its CRC. */
  readSync(ref: ColdRef): Uint8Array {
    const record = new Uint8Array(new ArrayBuffer(ref.length));
    this.io.preadInto(this.fdOf(coldFileGeneration(ref.segment)), record, ref.offset);
    return this.valueOf(ref, record);
  }

  /** Reads a cold value off the JavaScript thread. Verifies its CRC. */
  async read(ref: ColdRef): Promise<Uint8Array> {
    const record = new Uint8Array(new ArrayBuffer(ref.length));
    await this.io.preadAsync(this.fdOf(coldFileGeneration(ref.segment)), record, ref.offset);
    return this.valueOf(ref, record);
  }

  /** Closes the files of generations below `generation` (they are about to be deleted). */
  closeBefore(generation: number): void {
    for (const [g, fd] of this.fds) {
      if (g >= generation) continue;
      this.io.closeFile(fd);
      this.fds.delete(g);
    }
  }

  closeAll(): void {
    this.closeBefore(Infinity);
  }
}
