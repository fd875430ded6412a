// The disk as the storage engine sees it: an interface so the simulator and tests can swap in faults.
import * as native from "../native/ffi.ts";

export type OpenMode = "read" | "write" | "append";

export interface LogIo {
  crc32c(data: Uint8Array): number;
  openFile(path: string, mode: OpenMode): number;
  closeFile(fd: number): void;
  fileSize(fd: number): number;
  pwriteAll(fd: number, data: Uint8Array, offset: number): void;
  preadInto(fd: number, target: Uint8Array, offset: number): number;
  preadAsync(fd: number, target: Uint8Array, offset: number): Promise<number>;
  ftruncate(fd: number, length: number): void;
  fdatasync(fd: number): void;
  fdatasyncAsync(fd: number): Promise<void>;
  fsyncDir(path: string): void;
  unlinkFile(path: string): void;
  renameFile(from: string, to: string): void;
}

const modeFlags: Record<OpenMode, number> = {
  read: native.openRead,
  write: native.openWrite,
  append: native.openCreate | native.openWrite,
};

/** The real disk, through the native library. */
export const nativeIo: LogIo = {
  crc32c: (data) => native.crc32c(data),
  openFile: (path, mode) => native.openFile(path, modeFlags[mode]),
  closeFile: (fd) => native.closeFile(fd),
  fileSize: (fd) => native.fileSize(fd),
  pwriteAll: (fd, data, offset) => native.pwriteAll(fd, data, offset),
  preadInto: (fd, target, offset) => native.preadInto(fd, target, offset),
  preadAsync: (fd, target, offset) => native.preadAsync(fd, target, offset),
  ftruncate: (fd, length) => native.ftruncate(fd, length),
  fdatasync: (fd) => native.fdatasyncSync(fd),
  fdatasyncAsync: (fd) => native.fdatasyncAsync(fd),
  fsyncDir: (path) => native.fsyncDir(path),
  unlinkFile: (path) => native.unlinkFile(path),
  renameFile: (from, to) => native.renameFile(from, to),
};
