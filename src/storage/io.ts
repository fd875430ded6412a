// The disk as the storage engine sees it: an interface so the simulator and tests can swap in faults
// (see memory-io.ts). Everything the log, snapshots and recovery do to files goes through it.
import { mkdirSync, readdirSync } from "node:fs";
import { open as openPromise } from "node:fs/promises";
import * as native from "../native/ffi.ts";
import { scanRecordsWith } from "./record.ts";

export type FlushJob = native.FlushJob;

export type OpenMode = "read" | "write" | "append";

export interface LogIo {
  crc32c(data: Uint8Array): number;
  /** crc32c of data[start, end). */
  crc32cRange(data: Uint8Array, start: number, end: number): number;
  /** The valid log records from `at` on, as (offset, body length) pairs in `out` (record.ts scanRecordsWith). */
  scanRecords(data: Uint8Array, at: number, bodyBytesMax: number, out: Uint32Array): number;
  /** "write" opens an existing file read-write; "append" creates it when missing (never O_APPEND). */
  openFile(path: string, mode: OpenMode): number;
  closeFile(fd: number): void;
  fileSize(fd: number): number;
  pwriteAll(fd: number, data: Uint8Array, offset: number): void;
  preadInto(fd: number, target: Uint8Array, offset: number): number;
  preadAsync(fd: number, target: Uint8Array, offset: number): Promise<number>;
  ftruncate(fd: number, length: number): void;
  fdatasync(fd: number): void;
  fdatasyncAsync(fd: number): Promise<void>;
  /**
   * A log flush off the JavaScript thread: the job's write, zero fill and truncation, then fdatasync
   * (see FlushJob). Until the promise settles the bytes may not be in the file yet.
   */
  flushAsync(job: FlushJob): Promise<void>;
  /** Starts the flushAsync/fdatasyncAsync calls made so far in this turn now (else at its end). */
  submitFlushes(): void;
  fsyncDir(path: string): void;
  /** fsync of a directory off the JavaScript thread (merges commit their renames with it). */
  fsyncDirAsync(path: string): Promise<void>;
  unlinkFile(path: string): void;
  renameFile(from: string, to: string): void;
  /** Names (not paths) of the entries of a directory; empty when it does not exist. */
  listDir(path: string): string[];
  /** mkdir -p. */
  makeDirs(path: string): void;
}

const modeFlags: Record<OpenMode, number> = {
  read: native.openRead,
  write: native.openWrite,
  append: native.openCreate | native.openWrite,
};

/** The real disk, through the native library. */
export const nativeIo: LogIo = {
  crc32c: (data) => native.crc32c(data),
  crc32cRange: (data, start, end) => native.crc32cRange(data, start, end),
  scanRecords: (data, at, bodyBytesMax, out) =>
    data.byteLength > native.nativeLengthMax ? scanRecordsWith(native, data, at, bodyBytesMax, out) : native.scanRecords(data, at, bodyBytesMax, out),
  openFile: (path, mode) => native.openFile(path, modeFlags[mode]),
  closeFile: (fd) => native.closeFile(fd),
  fileSize: (fd) => native.fileSize(fd),
  pwriteAll: (fd, data, offset) => native.pwriteAll(fd, data, offset),
  preadInto: (fd, target, offset) => native.preadInto(fd, target, offset),
  preadAsync: (fd, target, offset) => native.preadAsync(fd, target, offset),
  ftruncate: (fd, length) => native.ftruncate(fd, length),
  fdatasync: (fd) => native.fdatasyncSync(fd),
  fdatasyncAsync: (fd) => native.fdatasyncAsync(fd),
  flushAsync: (job) => native.flushAsync(job),
  submitFlushes: () => native.submitFlushes(),
  fsyncDir: (path) => native.fsyncDir(path),
  fsyncDirAsync: async (path) => {
    const handle = await openPromise(path, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  unlinkFile: (path) => native.unlinkFile(path),
  renameFile: (from, to) => native.renameFile(from, to),
  listDir: (path) => {
    try {
      return readdirSync(path);
    } catch (e: unknown) {
      if ((e as { code?: unknown }).code === "ENOENT") return [];
      throw e;
    }
  },
  makeDirs: (path) => {
    mkdirSync(path, { recursive: true });
  },
};
