// One Raft group's durable log on one node: a single append-only file of CRC32C-framed records, each an
// entry (term, index, type, data) or a hard state (term, vote, commit). Appends are written with pwrite
// on the JavaScript thread (page cache) and made durable by fdatasync on the thread pool.
//
// Replacing a conflicting tail needs no rewrite: an entry record at index i supersedes every earlier
// record at index >= i, so reading the file in order rebuilds the log the node last acknowledged. The
// newest hard state record wins. A torn tail (nothing valid after a bad record) is truncated; a bad record
// followed by valid ones is corruption and stops start-up.
//
// First version limits (docs/ARCHITECTURE.md, "Cluster"): no snapshots and no compaction, so the file and
// the in-memory copy (MemoryStorage) grow with every write, and a restart replays the whole log.
import type { LogIo } from "../storage/io.ts";
import { ByteWriter, recordBytesMax, recordHeaderBytes } from "../storage/record.ts";
import { assert, CompactedError, type ConfState, EMPTY_HARD_STATE, type Entry, type HardState, type Snapshot, type Storage, UnavailableError } from "./core/index.ts";

/**
 * The core's read side of the group's log, in memory. Unlike MemoryStorage, appending at the end is a
 * push (MemoryStorage copies the array per append); nothing is ever compacted in this first version.
 */
export class GroupStorage implements Storage {
  hardState: HardState = EMPTY_HARD_STATE;
  private readonly snap: Snapshot;
  /** ents[i] is the entry at index i + 1. */
  private readonly ents: Entry[] = [];

  constructor(confState: ConfState) {
    this.snap = { meta: { index: 0, term: 0, confState }, data: new Uint8Array(0) };
  }

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: this.hardState, confState: this.snap.meta.confState };
  }

  entries(lo: number, hi: number, maxCount: number): Entry[] {
    if (lo < 1) throw new CompactedError(`entries from ${lo}`);
    if (hi > this.ents.length + 1) throw new UnavailableError(`entries to ${hi}: last is ${this.ents.length}`);
    return this.ents.slice(lo - 1, Math.min(hi, lo + Math.max(1, maxCount)) - 1);
  }

  term(index: number): number {
    if (index === 0) return 0;
    const e = this.ents[index - 1];
    if (e === undefined) throw new UnavailableError(`term of ${index}: last is ${this.ents.length}`);
    return e.term;
  }

  firstIndex(): number {
    return 1;
  }

  lastIndex(): number {
    return this.ents.length;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Appends entries, replacing any conflicting tail (entries at or after the first new index). */
  append(entries: readonly Entry[]): void {
    const first = entries[0];
    if (first === undefined) return;
    assert(first.index >= 1 && first.index <= this.ents.length + 1, `append at ${first.index} leaves a gap after ${this.ents.length}`);
    if (first.index <= this.ents.length) this.ents.length = first.index - 1;
    for (const e of entries) this.ents.push(e);
  }
}

const kindEntry = 1;
const kindHardState = 2;

export class CorruptRaftLogError extends Error {
  override readonly name = "CorruptRaftLogError";
}

export class GroupLog {
  private readonly writer = new ByteWriter(64 * 1024);
  private fileOffset = 0;
  /** Bytes written since the file was opened (INFO). */
  bytesWritten = 0;
  fsyncCount = 0;

  private constructor(
    private readonly io: LogIo,
    readonly path: string,
    private fd: number,
  ) {}

  /** Opens (creating) the file and rebuilds the persisted log into a MemoryStorage. */
  static open(io: LogIo, path: string, confState: ConfState): { log: GroupLog; storage: GroupStorage; tornBytes: number } {
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
    if (hardState !== null) storage.hardState = hardState;
    const log = new GroupLog(io, path, fd);
    log.fileOffset = at;
    return { log, storage, tornBytes };
  }

  /** Writes entries, then the hard state, into the page cache (call sync() before acting on them). */
  write(entries: readonly Entry[], hardState: HardState | undefined): void {
    const w = this.writer;
    w.reset();
    for (const e of entries) {
      const start = beginRecord(w);
      w.u8(kindEntry);
      w.f64(e.term);
      w.f64(e.index);
      w.u8(e.type === "conf-change" ? 1 : 0);
      w.raw(e.data);
      endRecord(this.io, w, start);
    }
    if (hardState !== undefined) {
      const start = beginRecord(w);
      w.u8(kindHardState);
      w.f64(hardState.term);
      w.u32(hardState.vote);
      w.f64(hardState.commit);
      endRecord(this.io, w, start);
    }
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

  close(): void {
    if (this.fd >= 0) this.io.closeFile(this.fd);
    this.fd = -1;
  }
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
