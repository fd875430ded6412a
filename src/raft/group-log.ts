// One Raft group's durable log on one node: a single append-only file of CRC32C-framed records, each an
// entry (term, index, type, data) or a hard state (term, vote, commit). Appends are written with pwrite
// on the JavaScript thread (page cache) and made durable by fdatasync on the thread pool.
//
// Replacing a conflicting tail needs no rewrite: an entry record at index i supersedes every earlier
// record at index >= i, so reading the file in order rebuilds the log the node last acknowledged. The
// newest hard state record wins. A torn tail (nothing valid after a bad record) is truncated; a bad record
// followed by valid ones is corruption and stops start-up.
//
// Compaction (cluster.ts decides when): once the shard's snapshot at index I is durable, the entries up
// to I are dropped from memory and the file is rewritten: a snapshot record (I and its term), the hard
// state, then the entries after I, written to `<file>.tmp`, fdatasynced, renamed over the file, and the
// directory fsynced. A crash leaves either the old file or the new one, and both are complete, because
// the snapshot they rely on was durable first. At open, the shard's newest snapshot (loaded by the
// engine) is applied on top of whatever the file holds: entries up to its index are dropped, and if the
// file's entry at that index has another term (or none), everything after it too (Raft's rule for an
// installed snapshot).
import { dirname } from "node:path";
import type { LogIo } from "../storage/io.ts";
import { ByteWriter, recordBytesMax, recordHeaderBytes } from "../storage/record.ts";
import { assert, CompactedError, type ConfState, EMPTY_HARD_STATE, type Entry, type HardState, type Snapshot, type SnapshotMeta, type Storage, UnavailableError } from "./core/index.ts";

/** Where the leader gets its newest snapshot's bytes when a follower needs them (read on demand). */
export type SnapshotSource = () => Snapshot | null;

/**
 * The core's read side of the group's log, in memory. Unlike MemoryStorage, appending at the end is a
 * push (MemoryStorage copies the array per append). Entries up to the snapshot index are dropped.
 */
export class GroupStorage implements Storage {
  hardState: HardState = EMPTY_HARD_STATE;
  /** Index and term of the last entry replaced by a snapshot (0, 0: none). */
  private meta: SnapshotMeta;
  /** ents[i] is the entry at index meta.index + 1 + i. */
  private ents: Entry[] = [];
  /** Set by the driver: reads the shard's newest snapshot file. */
  snapshotSource: SnapshotSource = () => null;

  constructor(confState: ConfState) {
    this.meta = { index: 0, term: 0, confState };
  }

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: this.hardState, confState: this.meta.confState };
  }

  entries(lo: number, hi: number, maxCount: number): Entry[] {
    const offset = this.meta.index;
    if (lo <= offset) throw new CompactedError(`entries from ${lo}: compacted through ${offset}`);
    if (hi > this.lastIndex() + 1) throw new UnavailableError(`entries to ${hi}: last is ${this.lastIndex()}`);
    return this.ents.slice(lo - offset - 1, Math.min(hi, lo + Math.max(1, maxCount)) - offset - 1);
  }

  term(index: number): number {
    const offset = this.meta.index;
    if (index === offset) return this.meta.term;
    if (index < offset) throw new CompactedError(`term of ${index}: compacted through ${offset}`);
    const e = this.ents[index - offset - 1];
    if (e === undefined) throw new UnavailableError(`term of ${index}: last is ${this.lastIndex()}`);
    return e.term;
  }

  firstIndex(): number {
    return this.meta.index + 1;
  }

  lastIndex(): number {
    return this.meta.index + this.ents.length;
  }

  /** The snapshot meta the log starts after. */
  snapshotMeta(): SnapshotMeta {
    return this.meta;
  }

  /**
   * The newest snapshot (the shard's snapshot file, read now). It may be newer than the compaction
   * point (a merge committed, the log not yet rewritten): the core only needs it to cover the log's start.
   */
  snapshot(): Snapshot {
    const snap = this.snapshotSource();
    if (snap === null || snap.meta.index < this.meta.index) return { meta: this.meta, data: new Uint8Array(0) };
    return snap;
  }

  /** Retained entries (after the snapshot index), for a rewrite. */
  retained(): readonly Entry[] {
    return this.ents;
  }

  /** Appends entries, replacing any conflicting tail (entries at or after the first new index). */
  append(entries: readonly Entry[]): void {
    const first = entries[0];
    if (first === undefined) return;
    const offset = this.meta.index;
    const skip = Math.max(0, offset + 1 - first.index);
    if (skip >= entries.length) return; // all at or below the snapshot
    const start = first.index + skip;
    assert(start <= this.lastIndex() + 1, `append at ${start} leaves a gap after ${this.lastIndex()}`);
    if (start <= this.lastIndex()) this.ents.length = start - offset - 1;
    for (let i = skip; i < entries.length; i++) this.ents.push(entries[i] as Entry);
  }

  /**
   * The log now starts after a snapshot at (index, term). Entries after it stay only if the log holds
   * the snapshot's last entry with the same term (compaction, or an installed snapshot our log already
   * agrees with); otherwise the whole log is replaced by the snapshot.
   */
  compactTo(index: number, term: number): void {
    const offset = this.meta.index;
    if (index <= offset) return;
    const have = index <= this.lastIndex() ? (this.ents[index - offset - 1] as Entry).term : undefined;
    this.ents = have === term ? this.ents.slice(index - offset) : [];
    this.meta = { index, term, confState: this.meta.confState };
  }
}

const kindEntry = 1;
const kindHardState = 2;
const kindSnapshot = 3;
/** A rewrite hands its buffer to the file once it holds this much. */
const rewriteChunkBytes = 1024 * 1024;

export class CorruptRaftLogError extends Error {
  override readonly name = "CorruptRaftLogError";
}

export class GroupLog {
  private readonly writer = new ByteWriter(64 * 1024);
  private fileOffset = 0;
  /** Bytes written since the file was opened (INFO). */
  bytesWritten = 0;
  fsyncCount = 0;
  /** File size right after the last rewrite (or at open): growth past it triggers the next snapshot. */
  bytesAtCompaction = 0;
  compactions = 0;

  private constructor(
    private readonly io: LogIo,
    readonly path: string,
    private fd: number,
  ) {}

  /** Bytes of the file now. */
  get fileBytes(): number {
    return this.fileOffset;
  }

  /**
   * Opens (creating) the file and rebuilds the persisted log into a GroupStorage. `snapshot`: the
   * shard's newest snapshot (its state is what the engine loaded), applied on top of the file.
   */
  static open(io: LogIo, path: string, confState: ConfState, snapshot: { index: number; term: number } | null = null): { log: GroupLog; storage: GroupStorage; tornBytes: number } {
    try {
      io.unlinkFile(path + ".tmp"); // an interrupted rewrite: the file itself is intact
    } catch {
      // none
    }
    const fd = io.openFile(path, "append");
    const size = io.fileSize(fd);
    const data = new Uint8Array(new ArrayBuffer(size));
    if (size > 0) io.preadInto(fd, data, 0);
    const storage = new GroupStorage(confState);
    const dv = new DataView(data.buffer);
    let at = 0;
    let hardState: HardState | null = null;
    while (at < size) {
      const len = validRecordAt(io, data, dv, at);
      if (len < 0) {
        for (let p = at + 1; p + recordHeaderBytes <= size; p++) {
          if (validRecordAt(io, data, dv, p) > 0) throw new CorruptRaftLogError(`corrupt Raft log record in ${path} at offset ${at}: valid records follow at ${p}`);
        }
        break;
      }
      const body = data.subarray(at + recordHeaderBytes, at + recordHeaderBytes + len);
      const bv = new DataView(body.buffer, body.byteOffset, body.byteLength);
      const kind = body[0];
      if (kind === kindEntry) {
        const term = bv.getFloat64(1, true);
        const index = bv.getFloat64(9, true);
        const type = body[17] === 1 ? "conf-change" : "normal";
        // Copied: the file image is dropped after start-up, entries live on.
        const entry: Entry = { term, index, type, data: body.slice(18) };
        assert(index <= storage.lastIndex() + 1, `Raft log ${path}: entry ${index} after last ${storage.lastIndex()}`);
        storage.append([entry]);
      } else if (kind === kindHardState) {
        hardState = { term: bv.getFloat64(1, true), vote: bv.getUint32(9, true), commit: bv.getFloat64(13, true) };
      } else if (kind === kindSnapshot) {
        storage.compactTo(bv.getFloat64(1, true), bv.getFloat64(9, true));
      } else {
        throw new CorruptRaftLogError(`Raft log ${path}: unknown record kind ${String(kind)} at offset ${at}`);
      }
      at += recordHeaderBytes + len;
    }
    const tornBytes = size - at;
    if (tornBytes > 0) {
      io.ftruncate(fd, at);
      io.fdatasync(fd);
    }
    if (snapshot !== null) {
      const logStart = storage.snapshotMeta().index;
      // Compaction follows a durable snapshot, and snapshots are deleted only once a newer one is.
      if (snapshot.index < logStart) throw new CorruptRaftLogError(`Raft log ${path} starts after index ${logStart} but the shard's snapshot is at ${snapshot.index}`);
      storage.compactTo(snapshot.index, snapshot.term);
    } else if (storage.snapshotMeta().index > 0) {
      throw new CorruptRaftLogError(`Raft log ${path} starts after index ${storage.snapshotMeta().index} but the shard has no snapshot`);
    }
    if (hardState !== null) storage.hardState = hardState;
    const log = new GroupLog(io, path, fd);
    log.fileOffset = at;
    log.bytesAtCompaction = at;
    return { log, storage, tornBytes };
  }

  /** Writes entries, then the hard state, into the page cache (call sync() before acting on them). */
  write(entries: readonly Entry[], hardState: HardState | undefined): void {
    const w = this.writer;
    w.reset();
    for (const e of entries) encodeEntryRecord(this.io, w, e);
    if (hardState !== undefined) encodeHardState(this.io, w, hardState);
    if (w.length === 0) return;
    this.io.pwriteAll(this.fd, w.view_(0), this.fileOffset);
    this.fileOffset += w.length;
    this.bytesWritten += w.length;
  }

  /** fdatasync off the JavaScript thread. */
  async sync(): Promise<void> {
    await this.io.fdatasyncAsync(this.fd);
    this.fsyncCount++;
  }

  /**
   * fdatasync on the calling thread. For the deterministic simulator (test/raft/simulator.ts), whose
   * virtual clock decides when an fsync completes; the cluster driver uses sync().
   */
  syncNow(): void {
    this.io.fdatasync(this.fd);
    this.fsyncCount++;
  }

  /**
   * Replaces the file with what `storage` holds: its snapshot record, its hard state, its retained
   * entries. Call only between Readys (nothing else writes meanwhile), and only once the snapshot the
   * storage starts after is durable. Crash-safe: written as .tmp and fdatasynced before the rename; the
   * rename is made durable by a directory fsync before the old file's descriptor is dropped.
   */
  async rewrite(storage: GroupStorage): Promise<void> {
    const tmp = this.writeTmp(storage);
    try {
      await this.io.fdatasyncAsync(tmp.fd);
      this.io.renameFile(this.path + ".tmp", this.path);
      await this.io.fsyncDirAsync(dirname(this.path));
    } catch (e: unknown) {
      this.io.closeFile(tmp.fd);
      throw e;
    }
    this.adopt(tmp);
  }

  /** rewrite() with every disk step on the calling thread (the simulator's; see syncNow). */
  rewriteNow(storage: GroupStorage): void {
    const tmp = this.writeTmp(storage);
    try {
      this.io.fdatasync(tmp.fd);
      this.io.renameFile(this.path + ".tmp", this.path);
      this.io.fsyncDir(dirname(this.path));
    } catch (e: unknown) {
      this.io.closeFile(tmp.fd);
      throw e;
    }
    this.adopt(tmp);
  }

  /** Writes the rewrite's content into `<path>.tmp` (page cache only). */
  private writeTmp(storage: GroupStorage): { fd: number; bytes: number } {
    const fd = this.io.openFile(this.path + ".tmp", "append");
    let offset = 0;
    try {
      this.io.ftruncate(fd, 0);
      const w = new ByteWriter(rewriteChunkBytes + 64 * 1024);
      const meta = storage.snapshotMeta();
      const start = beginRecord(w);
      w.u8(kindSnapshot);
      w.f64(meta.index);
      w.f64(meta.term);
      endRecord(this.io, w, start);
      encodeHardState(this.io, w, storage.hardState);
      for (const e of storage.retained()) {
        encodeEntryRecord(this.io, w, e);
        if (w.length >= rewriteChunkBytes) {
          this.io.pwriteAll(fd, w.view_(0), offset);
          offset += w.length;
          w.reset();
        }
      }
      this.io.pwriteAll(fd, w.view_(0), offset);
      offset += w.length;
    } catch (e: unknown) {
      this.io.closeFile(fd);
      throw e;
    }
    return { fd, bytes: offset };
  }

  /** The durable rewrite becomes the file appended to. */
  private adopt(tmp: { fd: number; bytes: number }): void {
    this.io.closeFile(this.fd);
    this.fd = tmp.fd;
    this.fileOffset = tmp.bytes;
    this.bytesAtCompaction = tmp.bytes;
    this.bytesWritten += tmp.bytes;
    this.compactions++;
  }

  close(): void {
    if (this.fd >= 0) this.io.closeFile(this.fd);
    this.fd = -1;
  }
}

function encodeEntryRecord(io: LogIo, w: ByteWriter, e: Entry): void {
  const start = beginRecord(w);
  w.u8(kindEntry);
  w.f64(e.term);
  w.f64(e.index);
  w.u8(e.type === "conf-change" ? 1 : 0);
  w.raw(e.data);
  endRecord(io, w, start);
}

function encodeHardState(io: LogIo, w: ByteWriter, hardState: HardState): void {
  const start = beginRecord(w);
  w.u8(kindHardState);
  w.f64(hardState.term);
  w.u32(hardState.vote);
  w.f64(hardState.commit);
  endRecord(io, w, start);
}

function beginRecord(w: ByteWriter): number {
  const start = w.length;
  w.u32(0);
  w.u32(0);
  return start;
}

function endRecord(io: LogIo, w: ByteWriter, start: number): void {
  const end = w.length;
  w.setU32(start + 4, end - start - recordHeaderBytes);
  w.setU32(start, io.crc32c(w.view_(start + 4, end)));
}

function validRecordAt(io: LogIo, data: Uint8Array, dv: DataView, at: number): number {
  if (at + recordHeaderBytes > data.length) return -1;
  const len = dv.getUint32(at + 4, true);
  if (len === 0 || len > recordBytesMax || at + recordHeaderBytes + len > data.length) return -1;
  if (io.crc32c(data.subarray(at + 4, at + recordHeaderBytes + len)) !== dv.getUint32(at, true)) return -1;
  return len;
}
