// A shard's log: append-only segment files of CRC32C-checked records, group-committed.
//
// Group commit: entries are encoded into `pending`; one flush at a time writes the whole pending batch
// (pwrite, then fdatasync, both off the JavaScript thread: LogIo.flushAsync). Entries
// appended while a flush runs form the next batch. `onDurable(seq)` reports the highest seq whose
// record is on disk.
//
// Prepared space: the active segment is zero-filled ahead of the writes (in chunks written and
// fdatasynced by the flush that needs them, as PostgreSQL zero-fills WAL segments), so a flush that
// lands inside the prepared region only overwrites allocated, written blocks and its fdatasync has no
// metadata to commit (measured on ext4 here: about half the kernel CPU per fsync, and under CPU
// contention about half the latency, against appending). The file is therefore longer than its log
// while it is active: recovery treats zeros from the end of the last record to the end of the last
// segment as its clean end, not as a torn tail. A segment is truncated to its log before it is sealed
// (before the next one exists), so a sealed segment never has a zero tail and a bad record in it is
// still corruption.
//
// Sealing (for merges): sealPending() ends the current segment after what is appended so far. Entries
// appended later go to the next segment, so a merge's snapshot at seq S can cover every segment below
// it. The seal happens where a size rotation would: after a flush is durable, so a sealed segment is
// complete on disk before the next one exists (recovery treats a bad record in a sealed segment as
// corruption). When entries arrived after the seal point, the flush writes only the batch's prefix up
// to that point and leaves the rest pending for the next segment.
import { join } from "node:path";
import { ByteWriter, decodeBodyAt, encodeEntry, entryKindData, opCmd, recordBytesMax, recordHeaderBytes, type LogEntry } from "./record.ts";
import type { LogIo } from "./io.ts";

export class CorruptLogError extends Error {
  override readonly name = "CorruptLogError";
  constructor(
    readonly file: string,
    readonly offset: number,
    detail: string,
  ) {
    super(`corrupt log record in ${file} at offset ${offset}: ${detail}; start with --salvage yes to drop the rest of that segment`);
  }
}

export interface SegmentLogOptions {
  readonly dir: string;
  readonly segmentBytesMax: number;
  readonly salvage: boolean;
  readonly io: LogIo;
  /** Segments below this id are covered by a snapshot: not read, and deleted if a merge left them. */
  readonly firstSegment?: number;
  /** Entries with a seq at or below this are in the snapshot already and are skipped. */
  readonly afterSeq?: number;
}

/** Prepared space grows in chunks from this size, doubling per segment up to the maximum. */
const prepareChunkMinBytes = 64 * 1024;
const prepareChunkMaxBytes = 4 * 1024 * 1024;
/** How far past segment-bytes-max space is prepared (a batch may end a little beyond it). */
const prepareSlackBytes = 64 * 1024;

export interface RecoveryReport {
  /** The valid records read, in log order, decoded on demand (start-up applies them one at a time). */
  readonly records: RecoveredRecords;
  /** Every record decoded at once (tests; start-up uses `records`, so it never holds them all decoded). */
  readonly entries: LogEntry[];
  /** Bytes dropped from a torn tail (0 when the log ended cleanly). */
  readonly tornBytes: number;
  readonly segments: number;
  /** Bytes of log read: the valid records (not a torn tail, nor the active segment's prepared space). */
  readonly bytesRead: number;
}

/** Where a plain SET record's parts lie (RecoveredRecords.plainSet fills one, reused across records). */
export class PlainSetRecord {
  data: Uint8Array = new Uint8Array(0);
  db = 0;
  seq = 0;
  timeMs = 0;
  keyStart = 0;
  keyEnd = 0;
  valueStart = 0;
  valueEnd = 0;
  /** The record's segment, its offset there and its size, header included. */
  segment = 0;
  recordOffset = 0;
  recordBytes = 0;
}

/**
 * The CRC-valid records recovery found: where each one is in the segment files it read (kept in memory
 * until start-up is done), its seq and participants readable without decoding it, and the entry decoded
 * only when asked. Start-up decodes, applies and drops one entry at a time, so it never holds a million
 * decoded entries (measured: the collector's work on them was a third of a 1M-entry start-up).
 */
export class RecoveredRecords {
  private readonly buffers: Uint8Array[] = [];
  private readonly views: DataView[] = [];
  private readonly segmentIds: number[] = [];
  /** Per record: index into buffers, offset of its header, body length (typed: a million records). */
  private bufferOf = new Uint32Array(1024);
  private offsets = new Uint32Array(1024);
  private lengths = new Uint32Array(1024);
  private records = 0;

  get count(): number {
    return this.records;
  }

  /** Registers a segment's bytes; returns the index add() takes. */
  addSegment(segment: number, data: Uint8Array, dv: DataView): number {
    this.buffers.push(data);
    this.views.push(dv);
    this.segmentIds.push(segment);
    return this.buffers.length - 1;
  }

  add(buffer: number, offset: number, bodyLength: number): void {
    const k = this.records;
    if (k === this.offsets.length) this.grow();
    this.bufferOf[k] = buffer;
    this.offsets[k] = offset;
    this.lengths[k] = bodyLength;
    this.records = k + 1;
  }

  private grow(): void {
    const widen = (a: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> => {
      const b = new Uint32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.bufferOf = widen(this.bufferOf);
    this.offsets = widen(this.offsets);
    this.lengths = widen(this.lengths);
  }

  private view(k: number): DataView {
    return this.views[this.bufferOf[k] as number] as DataView;
  }

  /** The record's seq (at a fixed place after the kind byte). */
  seq(k: number): number {
    return this.view(k).getFloat64((this.offsets[k] as number) + recordHeaderBytes + 1, true);
  }

  /** How many participant shards the record names (0 for a single-shard one), without decoding it. */
  participantCount(k: number): number {
    return this.view(k).getUint16((this.offsets[k] as number) + recordHeaderBytes + 21, true);
  }

  /** Participant shards of a cross-shard record (empty for a single-shard one), without decoding it. */
  participants(k: number): number[] {
    const dv = this.view(k);
    const body = (this.offsets[k] as number) + recordHeaderBytes;
    const n = dv.getUint16(body + 21, true);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(dv.getUint16(body + 23 + 2 * i, true));
    return out;
  }

  entry(k: number): LogEntry {
    const b = this.bufferOf[k] as number;
    const start = (this.offsets[k] as number) + recordHeaderBytes;
    return decodeBodyAt(this.buffers[b] as Uint8Array, this.views[b] as DataView, start, start + (this.lengths[k] as number));
  }

  /**
   * When record k is a single-shard data entry of one plain `SET key value` command (no options: the
   * record most logs are made of), fills `out` with where its key and value lie in `out.data` and
   * returns true; else false (decode it with entry()). Reads the bytes in place, as decodeBodyAt would
   * lay them out, and declines anything it does not fully account for, so a malformed record still
   * reaches decodeBodyAt's errors.
   */
  plainSet(k: number, out: PlainSetRecord): boolean {
    const b = this.bufferOf[k] as number;
    const data = this.buffers[b] as Uint8Array;
    const dv = this.views[b] as DataView;
    const record = this.offsets[k] as number;
    const body = record + recordHeaderBytes;
    const end = body + (this.lengths[k] as number);
    // kind, seq, timeMs, seed, participant count (0), op count (1), op kind, db, argc (3), "SET".
    if (end - body < 23 + 4 + 2 + 4 + 4 + 3 + 4 + 4) return false;
    if (data[body] !== entryKindData || dv.getUint16(body + 21, true) !== 0 || dv.getUint32(body + 23, true) !== 1) return false;
    let at = body + 27;
    if (data[at] !== opCmd || dv.getUint32(at + 2, true) !== 3 || dv.getUint32(at + 6, true) !== 3) return false;
    const db = data[at + 1] as number;
    at += 10;
    // Either case, as clients send it: a byte ORed with 0x20 is 's' only for 's' and 'S'.
    if (((data[at] as number) | 0x20) !== 0x73 || ((data[at + 1] as number) | 0x20) !== 0x65 || ((data[at + 2] as number) | 0x20) !== 0x74) return false;
    at += 3;
    const keyLength = dv.getUint32(at, true);
    at += 4;
    if (keyLength > end - at - 4) return false;
    const keyStart = at;
    at += keyLength;
    const valueLength = dv.getUint32(at, true);
    at += 4;
    if (valueLength !== end - at) return false;
    out.data = data;
    out.db = db;
    out.seq = dv.getFloat64(body + 1, true);
    out.timeMs = dv.getFloat64(body + 9, true);
    out.keyStart = keyStart;
    out.keyEnd = keyStart + keyLength;
    out.valueStart = at;
    out.valueEnd = end;
    out.segment = this.segmentIds[b] as number;
    out.recordOffset = record;
    out.recordBytes = end - record;
    return true;
  }

  /** Segment and offset of record k (what SegmentLog.truncateAt takes). */
  position(k: number): { segment: number; offset: number } {
    return { segment: this.segmentIds[this.bufferOf[k] as number] as number, offset: this.offsets[k] as number };
  }

  /** Keeps the first `n` records. */
  truncate(n: number): void {
    this.records = Math.min(n, this.records);
  }

  decodeAll(): LogEntry[] {
    const out: LogEntry[] = [];
    for (let k = 0; k < this.count; k++) out.push(this.entry(k));
    return out;
  }
}

/** Records per native scan call during recovery (pairs of offset and length). */
const scanBatchRecords = 4096;
const scanPairs = new Uint32Array(new ArrayBuffer(8 * scanBatchRecords));

const segmentPattern = /^(\d{8})\.seg$/;

export function segmentName(id: number): string {
  return String(id).padStart(8, "0") + ".seg";
}

export function listSegments(io: LogIo, dir: string): number[] {
  return io.listDir(dir)
    .map((f) => segmentPattern.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/** Whether every byte of data from `from` to its end is zero. */
function allZero(data: Uint8Array, from: number): boolean {
  for (let i = from; i < data.length; i++) if (data[i] !== 0) return false;
  return true;
}

/** True when a complete, CRC-valid record starts at `at` in `data`. */
function validRecordAt(data: Uint8Array, dv: DataView, at: number, io: LogIo): number {
  if (at + recordHeaderBytes > data.length) return -1;
  const len = dv.getUint32(at + 4, true);
  if (len === 0 || len > recordBytesMax || at + recordHeaderBytes + len > data.length) return -1;
  const crc = dv.getUint32(at, true);
  if (io.crc32cRange(data, at + 4, at + recordHeaderBytes + len) !== crc) return -1;
  return len;
}

export class SegmentLog {
  private pending = new ByteWriter();
  private spare = new ByteWriter();
  private pendingLastSeq = 0;
  /** Bytes at the head of `pending` that still belong to the current segment, which is then sealed (-1: no seal). */
  private sealAtBytes = -1;
  /** Seq of the last entry before the seal point. */
  private sealLastSeq = 0;
  private flushing = false;
  private fd = -1;
  private segmentId = 0;
  private fileOffset = 0;
  /** The active segment's file holds zeros, allocated and durable, from fileOffset up to here. */
  private preparedEnd = 0;
  /**
   * Bytes of the active segment known durable as allocated, written blocks of the file's current size:
   * set by a flush with its own fdatasync (which commits the size and allocation it saw), 0 for a
   * segment just opened (even an existing one: its size may be in the page cache only after a crash of
   * the process). A batch inside it, with no zero fill, is an overwrite (FlushJob.overwrite).
   */
  private syncedEnd = 0;
  /** Bytes the next preparation adds (doubles per segment up to prepareChunkMaxBytes). */
  private prepareChunk = prepareChunkMinBytes;
  private failed: Error | null = null;
  /** Called with the highest durable seq after each fsync. */
  onDurable: (seq: number) => void = () => {};
  /** Called once if a write or fsync fails: the shard must stop acknowledging writes. */
  onFailure: (err: Error) => void = () => {};
  bytesWritten = 0;
  fsyncCount = 0;
  /** Bytes of each retained segment file (the ones recovery would read). */
  private readonly segmentBytes = new Map<number, number>();
  /** Sum of segmentBytes: the log's share of what recovery reads (merge accounting). */
  retainedBytes = 0;

  private constructor(private readonly opts: SegmentLogOptions) {}

  /** Opens the log, returning every valid entry in order; truncates a torn tail. */
  static open(opts: SegmentLogOptions): { log: SegmentLog; report: RecoveryReport } {
    opts.io.makeDirs(opts.dir);
    const log = new SegmentLog(opts);
    const report = log.recover();
    return { log, report };
  }

  private recover(): RecoveryReport {
    const { io, dir } = this.opts;
    const firstSegment = this.opts.firstSegment ?? 0;
    const afterSeq = this.opts.afterSeq ?? 0;
    const all = listSegments(io, dir);
    for (const id of all) if (id < firstSegment) io.unlinkFile(join(dir, segmentName(id)));
    if (all.length > 0 && (all[0] as number) < firstSegment) io.fsyncDir(dir);
    const ids = all.filter((id) => id >= firstSegment);
    const records = new RecoveredRecords();
    let tornBytes = 0;
    let bytesRead = 0;
    for (let s = 0; s < ids.length; s++) {
      const id = ids[s] as number;
      const path = join(dir, segmentName(id));
      const isLast = s === ids.length - 1;
      const fd = io.openFile(path, "read");
      const size = io.fileSize(fd);
      const data = new Uint8Array(new ArrayBuffer(size));
      io.preadInto(fd, data, 0);
      io.closeFile(fd);
      const dv = new DataView(data.buffer);
      const buffer = records.addSegment(id, data, dv);
      let at = 0;
      while (at < size) {
        // The valid records from `at` on, checked natively in batches; then whatever stopped the walk.
        const found = io.scanRecords(data, at, recordBytesMax, scanPairs);
        for (let i = 0; i < found; i++) {
          const offset = scanPairs[2 * i] as number;
          // The seq sits at a fixed place (after the kind byte): records a snapshot already covers are
          // skipped without decoding (a merge seals the segment at its seq, but a size rotation just
          // before the seal point can leave some of them in the next segment).
          if (dv.getFloat64(offset + recordHeaderBytes + 1, true) > afterSeq) records.add(buffer, offset, scanPairs[2 * i + 1] as number);
        }
        if (found > 0) at = (scanPairs[2 * found - 2] as number) + recordHeaderBytes + (scanPairs[2 * found - 1] as number);
        if (found === scanPairs.length / 2 || at >= size) continue;
        if (isLast && allZero(data, at)) {
          // Prepared space after the last record: the clean end of the log, kept for the next writes.
          this.segmentBytes.set(id, at);
          break;
        }
        // Either a torn tail (nothing valid follows) or corruption in the middle of the segment.
        let next = -1;
        for (let p = at + 1; p + recordHeaderBytes <= size; p++) {
          if (validRecordAt(data, dv, p, io) > 0) {
            next = p;
            break;
          }
        }
        if ((next >= 0 || !isLast) && !this.opts.salvage) {
          throw new CorruptLogError(path, at, next >= 0 ? `valid records follow at offset ${next}` : "segment is not the last one");
        }
        tornBytes += size - at;
        this.segmentBytes.set(id, at);
        const wfd = io.openFile(path, "write");
        io.ftruncate(wfd, at);
        io.fdatasync(wfd);
        io.closeFile(wfd);
        break;
      }
      if (!this.segmentBytes.has(id)) this.segmentBytes.set(id, size);
      // Log bytes, not file bytes: the last segment's prepared space is not log.
      bytesRead += this.segmentBytes.get(id) as number;
      // A salvaged middle segment keeps its valid prefix; later segments are still replayed.
    }
    for (const bytes of this.segmentBytes.values()) this.retainedBytes += bytes;
    this.segmentId = ids.length > 0 ? Math.max(ids[ids.length - 1] as number, firstSegment) : Math.max(1, firstSegment);
    this.openSegment(this.segmentId);
    let decoded: LogEntry[] | null = null;
    return {
      records,
      get entries(): LogEntry[] {
        return (decoded ??= records.decodeAll());
      },
      tornBytes,
      segments: ids.length,
      bytesRead,
    };
  }

  private openSegment(id: number): void {
    const { io, dir } = this.opts;
    this.openSegmentFile(id);
    io.fsyncDir(dir);
  }

  /** Opens (creating) segment `id` as the active one; the caller makes its directory entry durable. */
  private openSegmentFile(id: number): void {
    const { io, dir } = this.opts;
    const path = join(dir, segmentName(id));
    this.fd = io.openFile(path, "append");
    const size = io.fileSize(this.fd);
    // Recovery measured the log in an existing last segment; whatever follows it is prepared space.
    this.fileOffset = this.segmentBytes.get(id) ?? size;
    this.preparedEnd = Math.max(size, this.fileOffset);
    this.syncedEnd = 0;
    this.prepareChunk = prepareChunkMinBytes;
    this.segmentId = id;
    if (!this.segmentBytes.has(id)) this.segmentBytes.set(id, this.fileOffset);
  }

  /**
   * Deletes the segments below `id` (a durable snapshot covers them). Returns the bytes freed. The
   * deletions need not be durable: start-up deletes segments below the snapshot's first segment.
   */
  deleteSegmentsBefore(id: number): number {
    const { io, dir } = this.opts;
    let freed = 0;
    for (const s of listSegments(io, dir)) {
      if (s >= id || s >= this.segmentId) continue;
      io.unlinkFile(join(dir, segmentName(s)));
      freed += this.segmentBytes.get(s) ?? 0;
      this.segmentBytes.delete(s);
    }
    this.retainedBytes -= freed;
    return freed;
  }

  /** Truncates the log so that it ends just before the record at `position` (cross-shard recovery). */
  truncateAt(position: { segment: number; offset: number }): void {
    const { io, dir } = this.opts;
    io.closeFile(this.fd);
    for (const id of listSegments(io, dir)) {
      if (id <= position.segment) continue;
      io.unlinkFile(join(dir, segmentName(id)));
      this.retainedBytes -= this.segmentBytes.get(id) ?? 0;
      this.segmentBytes.delete(id);
    }
    this.retainedBytes -= (this.segmentBytes.get(position.segment) ?? 0) - position.offset;
    this.segmentBytes.set(position.segment, position.offset);
    const fd = io.openFile(join(dir, segmentName(position.segment)), "write");
    io.ftruncate(fd, position.offset);
    io.fdatasync(fd);
    io.closeFile(fd);
    io.fsyncDir(dir);
    this.openSegment(position.segment);
  }

  get currentSegment(): number {
    return this.segmentId;
  }

  get healthy(): boolean {
    return this.failed === null;
  }

  /**
   * Encodes `entry` into the pending batch. Call requestFlush() once the tick's appends are done.
   * Returns where the record starts within the batch `pendingBatch` (see onBatchWritten); it ends at
   * `pendingBytes`.
   */
  append(entry: LogEntry): number {
    const start = encodeEntry(this.pending, entry, this.opts.io);
    this.pendingLastSeq = entry.seq;
    return start;
  }

  /** Bytes in the pending batch (the end of the record append() added last). */
  get pendingBytes(): number {
    return this.pending.length;
  }

  /** Number of the batch that append() adds to; it changes when a flush takes the batch. */
  pendingBatch = 1;

  /**
   * Called when a batch has been written and fsynced (just before onDurable) with the segment and file
   * offset its first byte landed at and how many of its bytes were written: at a seal point the rest
   * (whole records) moves to the front of the next batch. Memory cooling (engine/cooling.ts) hooks in.
   */
  onBatchWritten: (batch: number, segment: number, fileOffset: number, writtenBytes: number) => void = () => {};

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /**
   * When false, a completed flush does not start the next one by itself: the owner (the engine, which
   * runs one commit cycle across all shards) calls requestFlush() again.
   */
  chainFlushes = true;

  /**
   * Seals the current segment after everything appended so far (see the file comment). Returns the id
   * of the first segment that can hold entries appended from now on: every segment below it holds
   * only entries appended before this call (once the seal has happened, which is before any of those
   * entries is reported durable). A failed log is not sealed (nothing will be durable again anyway).
   */
  sealPending(): number {
    if (this.failed !== null) return this.segmentId;
    // A rotation in progress (after a flush): every segment below the one it opens holds only what was
    // written before, and whatever is appended from now on (or pending) goes to that one or later.
    if (this.rotatingTo !== 0) return this.rotatingTo;
    // A seal already scheduled (at a point in the pending batch, or after the flush in flight) keeps
    // its point: segments below the next one hold only what was appended before it, a fortiori before
    // this call, and everything later goes to the next segment. Moving the point would break the
    // earlier caller's promise.
    if (this.sealAtBytes >= 0) return this.segmentId + 1;
    if (!this.flushing && this.pending.length === 0) {
      // Everything appended is durable: seal now, unless the segment is still empty. The caller is
      // starting a merge, so onRotate (which may start one) is not called.
      if (this.fileOffset > 0) this.rotate(false);
      return this.segmentId;
    }
    this.sealAtBytes = this.pending.length;
    this.sealLastSeq = this.pendingLastSeq;
    return this.segmentId + 1;
  }

  /** Starts a flush unless one is running or nothing is pending; returns whether it started one. */
  requestFlush(): boolean {
    if (this.flushing || this.pending.length === 0 || this.failed) return false;
    this.flushing = true;
    const batch = this.pending;
    // A seal point inside the batch: write only up to it; the rest goes to the next segment.
    const split = this.sealAtBytes > 0 && this.sealAtBytes < batch.length ? this.sealAtBytes : batch.length;
    const lastSeq = split < batch.length ? this.sealLastSeq : this.pendingLastSeq;
    if (this.sealAtBytes > 0) this.sealAtBytes = 0;
    // `batch` becomes the spare: nothing writes into it (or grows it) before this flush is done, so the
    // bytes handed to the syncer stay as they are.
    this.pending = this.spare;
    this.spare = batch;
    if (split < batch.length) this.pending.raw(batch.view_(split));
    const batchNumber = this.pendingBatch++;
    const segment = this.segmentId;
    const at = this.fileOffset;
    this.fileOffset += split;
    this.bytesWritten += split;
    this.retainedBytes += split;
    this.segmentBytes.set(this.segmentId, this.fileOffset);
    // Space for the next flushes is prepared by this one when what is left runs low.
    let zeroFrom = 0;
    let zeroTo = 0;
    const end = this.fileOffset;
    if (this.preparedEnd - end < this.prepareChunk / 2) {
      zeroFrom = Math.max(this.preparedEnd, end);
      zeroTo = Math.min(zeroFrom + this.prepareChunk, this.opts.segmentBytesMax + prepareSlackBytes);
      if (zeroTo <= zeroFrom) zeroFrom = zeroTo = 0;
    }
    // pwrite, zero fill and fdatasync all run off the JavaScript thread.
    const overwrite = zeroTo <= zeroFrom && end <= this.syncedEnd;
    const fd = this.fd;
    this.opts.io.flushAsync({ fd, data: batch.view_(0, split), offset: at, zeroFrom, zeroTo, truncateTo: -1, overwrite }).then(
      () => {
        batch.reset();
        this.fsyncCount++;
        this.preparedEnd = Math.max(this.preparedEnd, end, zeroTo);
        if (!overwrite && fd === this.fd) this.syncedEnd = this.preparedEnd;
        if (zeroTo > zeroFrom) this.prepareChunk = Math.min(this.prepareChunk * 2, prepareChunkMaxBytes);
        // sealAtBytes 0: the segment holds everything before the seal point, durably now.
        const rotate = this.fileOffset >= this.opts.segmentBytesMax || this.sealAtBytes === 0;
        if (!rotate) this.flushing = false;
        // Records past a split stay in the next batch: they are reported with it, `split` bytes further on.
        this.onBatchWritten(batchNumber, segment, at, split);
        if (!rotate) return this.flushDone(lastSeq);
        // The flush stays in progress until the next segment exists: a seal requested meanwhile must not
        // be taken for one to make after this flush (sealPending), and no flush may start before.
        this.rotateAsync().then(
          () => {
            this.flushing = false;
            this.onRotate(this.segmentId - 1);
            this.flushDone(lastSeq);
          },
          (e: unknown) => this.fail(e),
        );
      },
      (e: unknown) => this.fail(e),
    );
    return true;
  }

  private flushDone(lastSeq: number): void {
    this.onDurable(lastSeq);
    if (this.chainFlushes) this.requestFlush();
  }

  /**
   * Seals the active segment after a flush, off the JavaScript thread: its prepared space is cut off
   * and that is durable, then the next segment is created and its directory entry made durable. The
   * flush that led here is reported durable (and onRotate called) only after, so nothing lands in the
   * next segment before the sealed one is complete on disk.
   */
  private async rotateAsync(): Promise<void> {
    const { io, dir } = this.opts;
    // A size rotation before the seal point also satisfies the seal (see rotate()).
    this.sealAtBytes = -1;
    this.rotatingTo = this.segmentId + 1;
    try {
      if (this.preparedEnd > this.fileOffset) {
        await io.flushAsync({ fd: this.fd, data: null, offset: 0, zeroFrom: 0, zeroTo: 0, truncateTo: this.fileOffset, overwrite: false });
      }
      io.closeFile(this.fd);
      this.openSegmentFile(this.segmentId + 1);
      await io.fsyncDirAsync(dir);
    } finally {
      this.rotatingTo = 0;
    }
  }

  /** While rotateAsync runs: the id of the segment it opens (else 0). */
  private rotatingTo = 0;

  /** Seals the active segment at once (nothing is in flight): on the JavaScript thread, rarely. */
  private rotate(notify = true): void {
    // A size rotation before the seal point also satisfies the seal: the segments below the id
    // sealPending returned hold only entries appended before it.
    this.sealAtBytes = -1;
    const { io } = this.opts;
    if (this.preparedEnd > this.fileOffset) {
      io.ftruncate(this.fd, this.fileOffset);
      io.fdatasync(this.fd);
    }
    io.closeFile(this.fd);
    this.openSegment(this.segmentId + 1);
    if (notify) this.onRotate(this.segmentId - 1);
  }

  /** Called after a segment is sealed (its id): merge and hint files hook in here. */
  onRotate: (sealedSegment: number) => void = () => {};

  private fail(e: unknown): void {
    this.failed = e instanceof Error ? e : new Error(String(e));
    this.flushing = false;
    this.onFailure(this.failed);
  }

  /** Waits for pending entries to become durable, then closes the file. */
  async close(): Promise<void> {
    while ((this.flushing || this.pending.length > 0) && !this.failed) {
      this.requestFlush();
      await new Promise((r) => setTimeout(r, 1));
    }
    if (this.fd >= 0) this.opts.io.closeFile(this.fd);
    this.fd = -1;
  }
}
