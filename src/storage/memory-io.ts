// An in-memory LogIo with a crash model, for tests and the simulator. It keeps, besides what a reader
// sees, what would survive a power cut: a file's bytes up to its last fdatasync, and a directory's
// entries (creates, renames, unlinks) up to its last fsync. crash() returns the disk as it would be
// found after the cut, optionally with a torn prefix of the unsynced tail of each file.
// `beforeOp` lets a test fail any mutating call (an I/O error, or the instant of a crash).
import { dirname } from "node:path";
import { crc32c } from "../native/ffi.ts";
import type { FlushJob, LogIo, OpenMode } from "./io.ts";
import { scanRecordsWith } from "./record.ts";

interface Inode {
  data: Uint8Array;
  size: number;
  /** Content that survives a crash. */
  synced: Uint8Array;
}

export class MemoryIoError extends Error {
  override readonly name = "MemoryIoError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export type MutatingOp = "create" | "pwrite" | "ftruncate" | "fdatasync" | "fsyncDir" | "rename" | "unlink";

export class MemoryIo implements LogIo {
  private readonly inodes = new Map<number, Inode>();
  private readonly names = new Map<string, number>();
  private readonly durableNames = new Map<string, number>();
  private readonly dirs = new Set<string>();
  private readonly fds = new Map<number, number>();
  private nextInode = 1;
  private nextFd = 3;
  /** Mutating calls made so far (fault schedules count these). */
  mutatingOps = 0;
  /** Called before every mutating call; throw from it to inject a failure. */
  beforeOp: (op: MutatingOp, path: string) => void = () => {};

  crc32cRange(data: Uint8Array, start: number, end: number): number {
    return crc32c(data.subarray(start, end));
  }

  crc32c(data: Uint8Array): number {
    return crc32c(data);
  }

  scanRecords(data: Uint8Array, at: number, bodyBytesMax: number, out: Uint32Array): number {
    return scanRecordsWith(this, data, at, bodyBytesMax, out);
  }

  private mutate(op: MutatingOp, path: string): void {
    this.mutatingOps++;
    this.beforeOp(op, path);
  }

  private inodeOf(fd: number): Inode {
    const id = this.fds.get(fd);
    const inode = id === undefined ? undefined : this.inodes.get(id);
    if (!inode) throw new MemoryIoError("EBADF", `bad file descriptor ${fd}`);
    return inode;
  }

  openFile(path: string, mode: OpenMode): number {
    let id = this.names.get(path);
    if (id === undefined) {
      if (mode !== "append") throw new MemoryIoError("ENOENT", `no such file, open '${path}'`);
      if (!this.dirs.has(dirname(path))) throw new MemoryIoError("ENOENT", `no such directory, open '${path}'`);
      this.mutate("create", path);
      id = this.nextInode++;
      this.inodes.set(id, { data: new Uint8Array(256), size: 0, synced: new Uint8Array(0) });
      this.names.set(path, id);
    }
    const fd = this.nextFd++;
    this.fds.set(fd, id);
    return fd;
  }

  closeFile(fd: number): void {
    this.inodeOf(fd);
    this.fds.delete(fd);
  }

  fileSize(fd: number): number {
    return this.inodeOf(fd).size;
  }

  pwriteAll(fd: number, data: Uint8Array, offset: number): void {
    const inode = this.inodeOf(fd);
    this.mutate("pwrite", String(fd));
    const end = offset + data.length;
    if (end > inode.data.length) {
      let cap = inode.data.length * 2;
      while (cap < end) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(inode.data.subarray(0, inode.size));
      inode.data = next;
    }
    inode.data.set(data, offset);
    if (end > inode.size) inode.size = end;
  }

  preadInto(fd: number, target: Uint8Array, offset: number): number {
    const inode = this.inodeOf(fd);
    const n = Math.max(0, Math.min(target.length, inode.size - offset));
    target.set(inode.data.subarray(offset, offset + n));
    return n;
  }

  preadAsync(fd: number, target: Uint8Array, offset: number): Promise<number> {
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        try {
          resolve(this.preadInto(fd, target, offset));
        } catch (e: unknown) {
          reject(e);
        }
      });
    });
  }

  ftruncate(fd: number, length: number): void {
    const inode = this.inodeOf(fd);
    this.mutate("ftruncate", String(fd));
    if (length > inode.size) {
      const next = new Uint8Array(Math.max(length, inode.data.length));
      next.set(inode.data.subarray(0, inode.size));
      inode.data = next;
    } else inode.data.fill(0, length, inode.size);
    inode.size = length;
  }

  fdatasync(fd: number): void {
    const inode = this.inodeOf(fd);
    this.mutate("fdatasync", String(fd));
    inode.synced = inode.data.slice(0, inode.size);
  }

  fdatasyncAsync(fd: number): Promise<void> {
    return new Promise((resolve, reject) => {
      // What was written before the call is what the sync makes durable.
      let inode: Inode;
      let content: Uint8Array;
      try {
        inode = this.inodeOf(fd);
        this.mutate("fdatasync", String(fd));
        content = inode.data.slice(0, inode.size);
      } catch (e: unknown) {
        setImmediate(() => reject(e));
        return;
      }
      setImmediate(() => {
        inode.synced = content;
        resolve();
      });
    });
  }

  submitFlushes(): void {
    // Nothing is batched here: each call starts at once.
  }

  flushAsync(job: FlushJob): Promise<void> {
    // The writes land at once (as in a page cache), the sync later: the order the native syncer keeps.
    try {
      if (job.overwrite) this.checkOverwrite(job);
      if (job.data !== null) this.pwriteAll(job.fd, job.data, job.offset);
      if (job.zeroTo > job.zeroFrom) this.pwriteAll(job.fd, new Uint8Array(job.zeroTo - job.zeroFrom), job.zeroFrom);
      if (job.truncateTo >= 0) this.ftruncate(job.fd, job.truncateTo);
    } catch (e: unknown) {
      return new Promise((_, reject) => setImmediate(() => reject(e)));
    }
    return this.fdatasyncAsync(job.fd);
  }

  /** An overwrite claim (FlushJob.overwrite) must hold: inside the synced size, nothing but the write. */
  private checkOverwrite(job: FlushJob): void {
    const inode = this.inodeOf(job.fd);
    const end = job.offset + (job.data === null ? 0 : job.data.length);
    if (job.data === null || job.zeroTo > job.zeroFrom || job.truncateTo >= 0 || end > inode.synced.length || inode.size !== inode.synced.length) {
      throw new Error(`bug: flush claimed an overwrite of [${job.offset}, ${end}) in a file of ${inode.size} bytes, ${inode.synced.length} synced`);
    }
  }

  fsyncDir(path: string): void {
    this.mutate("fsyncDir", path);
    for (const [name] of this.durableNames) if (dirname(name) === path && !this.names.has(name)) this.durableNames.delete(name);
    for (const [name, id] of this.names) if (dirname(name) === path) this.durableNames.set(name, id);
  }

  fsyncDirAsync(path: string): Promise<void> {
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        try {
          this.fsyncDir(path);
          resolve();
        } catch (e: unknown) {
          reject(e);
        }
      });
    });
  }

  unlinkFile(path: string): void {
    if (!this.names.has(path)) throw new MemoryIoError("ENOENT", `no such file, unlink '${path}'`);
    this.mutate("unlink", path);
    this.names.delete(path);
  }

  renameFile(from: string, to: string): void {
    const id = this.names.get(from);
    if (id === undefined) throw new MemoryIoError("ENOENT", `no such file, rename '${from}'`);
    this.mutate("rename", from);
    this.names.delete(from);
    this.names.set(to, id);
  }

  listDir(path: string): string[] {
    const out: string[] = [];
    for (const name of this.names.keys()) if (dirname(name) === path) out.push(name.slice(path.length + 1));
    for (const d of this.dirs) if (dirname(d) === path && d !== path) out.push(d.slice(path.length + 1));
    return out.sort();
  }

  makeDirs(path: string): void {
    // Directories are durable at once: the crash model covers files and their entries, not mkdir.
    for (let p = path; !this.dirs.has(p); p = dirname(p)) {
      this.dirs.add(p);
      if (dirname(p) === p) break;
    }
  }

  /** Current content of a file (tests inspect and damage files with these). */
  readWhole(path: string): Uint8Array {
    const id = this.names.get(path);
    const inode = id === undefined ? undefined : this.inodes.get(id);
    if (!inode) throw new MemoryIoError("ENOENT", `no such file '${path}'`);
    return inode.data.slice(0, inode.size);
  }

  /** Replaces a file's content, durably (a test's way to tamper with the disk). */
  writeWhole(path: string, content: Uint8Array): void {
    let id = this.names.get(path);
    if (id === undefined) {
      id = this.nextInode++;
      this.names.set(path, id);
      this.durableNames.set(path, id);
    }
    const data = content.slice();
    this.inodes.set(id, { data: data.length > 0 ? data : new Uint8Array(16), size: content.length, synced: content.slice() });
  }

  exists(path: string): boolean {
    return this.names.has(path);
  }

  /**
   * The disk as found after a power cut now. `tornTail` (given how many bytes of a file were written
   * since its last fdatasync, counted from the first one that differs) returns how many of those, from
   * the first, happened to reach the disk (0 by default).
   */
  crash(tornTail: (unsyncedBytes: number) => number = () => 0): MemoryIo {
    const next = new MemoryIo();
    for (const d of this.dirs) next.dirs.add(d);
    const copied = new Map<number, number>();
    for (const [name, id] of this.durableNames) {
      let newId = copied.get(id);
      if (newId === undefined) {
        const inode = this.inodes.get(id) as Inode;
        let content = inode.synced;
        const current = inode.data.subarray(0, inode.size);
        // The unsynced writes start where the file first differs from its synced content: an
        // extension (appends), or an overwrite of synced bytes (a log writing into prepared space).
        // A prefix of them may have reached the disk, as the writes went out in order.
        let from = 0;
        const common = Math.min(current.length, content.length);
        while (from < common && current[from] === content[from]) from++;
        if (current.length >= content.length && from < current.length) {
          const extra = Math.min(tornTail(current.length - from), current.length - from);
          if (extra > 0) {
            const kept = new Uint8Array(Math.max(content.length, from + extra));
            kept.set(content);
            kept.set(current.subarray(from, from + extra), from);
            content = kept;
          }
        }
        newId = next.nextInode++;
        next.inodes.set(newId, { data: content.length > 0 ? content.slice() : new Uint8Array(16), size: content.length, synced: content.slice() });
        copied.set(id, newId);
      }
      next.names.set(name, newId);
      next.durableNames.set(name, newId);
    }
    return next;
  }
}
