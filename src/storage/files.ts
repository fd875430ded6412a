// Whole-file helpers over LogIo for small metadata files (bunker.json) and the atomic-replace idiom.
import { join } from "node:path";
import type { LogIo } from "./io.ts";

/** Reads a whole file, or returns null when it does not exist. */
export function readWholeFile(io: LogIo, path: string): Uint8Array | null {
  let fd: number;
  try {
    fd = io.openFile(path, "read");
  } catch (e: unknown) {
    if ((e as { code?: unknown }).code === "ENOENT") return null;
    throw e;
  }
  try {
    const data = new Uint8Array(new ArrayBuffer(io.fileSize(fd)));
    io.preadInto(fd, data, 0);
    return data;
  } finally {
    io.closeFile(fd);
  }
}

/**
 * Replaces `dir/name` with `data` so that a crash leaves either the old or the new content: write a
 * temporary file, fdatasync it, rename it over the target, fsync the directory.
 */
export function writeFileAtomically(io: LogIo, dir: string, name: string, data: Uint8Array): void {
  const tmp = join(dir, `${name}.tmp`);
  const fd = io.openFile(tmp, "append");
  try {
    io.ftruncate(fd, 0);
    io.pwriteAll(fd, data, 0);
    io.fdatasync(fd);
  } finally {
    io.closeFile(fd);
  }
  io.renameFile(tmp, join(dir, name));
  io.fsyncDir(dir);
}
