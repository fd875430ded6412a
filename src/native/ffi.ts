/**
 * The one module that imports bun:ffi. It loads native/build/libbunker.so (built by
 * `make -C native`) and wraps it in a small typed API: CRC32C and the file primitives the log needs.
 *
 * Memory handed to C. Every function here passes the caller's Uint8Array itself as a bun:ffi `ptr`
 * argument, so Bun reads the address (including the view's byteOffset) at the moment of the call,
 * and C never keeps it after returning. That makes any view safe for the duration of one
 * synchronous call, including Buffers and Uint8Arrays that Bun sockets hand out. Measured with
 * Bun 1.4.5 on the development machine (CRC32C of 32 bytes, call included): passing the view as a
 * `ptr` argument takes 9-13 ns, `ptr(view)` plus a number 17-20 ns, and the `buffer` and
 * `buffer`/`buffer_length` argument types 17-25 ns.
 * Never call `ptr()` on memory and keep the number: a small `new Uint8Array(n)` lives in the GC
 * heap and can move, so a kept address goes stale. Long-lived I/O buffers should be views of an
 * explicit `new ArrayBuffer(n)`, which does not move.
 *
 * Numbers at the boundary: lengths are 32-bit (at most 2^31 - 1 bytes per call, so the byte count
 * fits in the int32 result); file offsets and sizes travel as doubles holding integers up to 2^53,
 * which needs no BigInt on either side (an `f64` offset measured 18 ns a call against 24 ns for
 * `i64`). The C side rejects negative, fractional or oversized offsets with EINVAL. Failures come
 * back as -errno and become a `NativeIoError` here.
 *
 * The async helpers keep the JS thread free: fdatasync runs on the native syncer's threads (see
 * Syncer), reads on Bun's thread pool (node:fs); the sync ones block it and suit start-up, recovery
 * and tests.
 */
import { dlopen, ptr } from "bun:ffi";
import { fdatasync as fdatasyncWithCallback, read as readWithCallback } from "node:fs";
import { constants as osConstants } from "node:os";
import { fileURLToPath } from "node:url";
import { getSystemErrorMessage } from "node:util";

const libraryPath = fileURLToPath(new URL("../../native/build/libbunker.so", import.meta.url));

/** Most bytes one native call takes; the C side returns byte counts as int32. */
export const nativeLengthMax = 0x7fff_ffff;

// Flags for `openFile`, combined with `|`; the values match BK_OPEN_* in native/bunker.h.
/** Create the file (mode 0644) if it does not exist. */
export const openCreate = 1;
/** Open for reading only; also what you get when `openWrite` is absent. */
export const openRead = 2;
/**
 * Open for reading and writing. Deliberately not O_APPEND: Linux pwrite ignores the offset on an
 * O_APPEND descriptor, and the log writes at offsets it tracks itself.
 */
export const openWrite = 4;
/** With `openCreate`: fail with EEXIST if the file already exists. */
export const openExclusive = 8;

const symbols = {
  bk_crc32c: { args: ["u32", "ptr", "u32"], returns: "u32" },
  bk_crc32c_sw: { args: ["u32", "ptr", "u32"], returns: "u32" },
  bk_crc32c_range: { args: ["u32", "ptr", "u32", "u32"], returns: "u32" },
  bk_crc32c_hw: { args: [], returns: "i32" },
  bk_scan_records: { args: ["ptr", "u32", "u32", "u32", "ptr", "u32"], returns: "i32" },
  bk_open: { args: ["ptr", "i32"], returns: "i32" },
  bk_close: { args: ["i32"], returns: "i32" },
  bk_pwrite: { args: ["i32", "ptr", "u32", "f64"], returns: "i32" },
  bk_pread: { args: ["i32", "ptr", "u32", "f64"], returns: "i32" },
  bk_fdatasync: { args: ["i32"], returns: "i32" },
  bk_fallocate: { args: ["i32", "f64", "f64"], returns: "i32" },
  bk_fallocate_keep_size: { args: ["i32", "f64", "f64"], returns: "i32" },
  bk_ftruncate: { args: ["i32", "f64"], returns: "i32" },
  bk_file_size: { args: ["i32"], returns: "f64" },
  bk_fsync_dir: { args: ["ptr"], returns: "i32" },
  bk_rename: { args: ["ptr", "ptr"], returns: "i32" },
  bk_unlink: { args: ["ptr"], returns: "i32" },
  bk_syncer_start: { args: ["i32"], returns: "i32" },
  bk_syncer_submit: { args: ["ptr", "u32", "u32"], returns: "i32" },
} as const;

function libraryOpen() {
  try {
    return dlopen(libraryPath, symbols).symbols;
  } catch (error: unknown) {
    throw new Error(`cannot load ${libraryPath}; build it with \`make -C native\``, { cause: error });
  }
}

const native = libraryOpen();

let errnoNames: Map<number, string> | undefined;

function errnoName(errno: number): string {
  if (errnoNames === undefined) {
    errnoNames = new Map();
    for (const [name, value] of Object.entries(osConstants.errno)) {
      // Several names share a number (EAGAIN/EWOULDBLOCK, ENOTSUP/EOPNOTSUPP): keep the first.
      if (!errnoNames.has(value)) errnoNames.set(value, name);
    }
  }
  return errnoNames.get(errno) ?? `errno ${errno}`;
}

export interface NativeIoErrorDetails {
  /** The system call that failed, as in node:fs errors ("open", "pwrite", "rename"). */
  syscall: string;
  path?: string;
  /** The second path of a two-path call (rename's target). */
  destination?: string;
}

/** A failed system call: `errno` is positive (2 for ENOENT), `code` its name ("ENOENT"). */
export class NativeIoError extends Error {
  override readonly name = "NativeIoError";
  readonly errno: number;
  readonly code: string;
  readonly syscall: string;
  readonly path: string | undefined;
  readonly destination: string | undefined;

  constructor(errno: number, details: NativeIoErrorDetails) {
    const code = errnoName(errno);
    let where = details.syscall;
    if (details.path !== undefined) where += ` '${details.path}'`;
    if (details.destination !== undefined) where += ` -> '${details.destination}'`;
    super(`${code}: ${getSystemErrorMessage(-errno)}, ${where}`);
    this.errno = errno;
    this.code = code;
    this.syscall = details.syscall;
    this.path = details.path;
    this.destination = details.destination;
  }
}

const textEncoder = new TextEncoder();

/** A path as NUL-terminated UTF-8. Paths are not on hot paths, so a fresh buffer is fine. */
function pathBytes(path: string): Uint8Array {
  if (path.includes("\0")) throw new TypeError(`path contains a NUL byte: ${JSON.stringify(path)}`);
  return textEncoder.encode(`${path}\0`);
}

/**
 * CRC32C (Castagnoli) of `data`, continuing from `crc` (a previous result; 0 to start):
 * `crc32c(b, crc32c(a))` is the CRC of `a` followed by `b`. Uses SSE4.2 when the CPU has it.
 */
export function crc32c(data: Uint8Array, crc = 0): number {
  if (data.byteLength <= nativeLengthMax) return native.bk_crc32c(crc, data, data.byteLength);
  return crc32cInChunks(data, crc, native.bk_crc32c);
}

/** crc32c(data.subarray(start, end)) without creating the view (the log checksums records in place). */
export function crc32cRange(data: Uint8Array, start: number, end: number): number {
  if (!(start >= 0 && start <= end && end <= data.byteLength)) throw new RangeError(`crc32cRange: [${start}, ${end}) outside 0..${data.byteLength}`);
  if (end - start <= nativeLengthMax) return native.bk_crc32c_range(0, data, start, end - start);
  return crc32c(data.subarray(start, end));
}

/**
 * The log records of data[at, ...) in one native call (bk_scan_records): each valid record's header
 * offset and body length, as pairs in `out`, until `out` is full or a record is not valid. Returns the
 * number of pairs. `data` must be at most nativeLengthMax bytes.
 */
export function scanRecords(data: Uint8Array, at: number, bodyBytesMax: number, out: Uint32Array): number {
  if (data.byteLength > nativeLengthMax) throw new RangeError(`scanRecords: ${data.byteLength} bytes is over the native limit`);
  if (!(at >= 0 && at <= data.byteLength)) throw new RangeError(`scanRecords: offset ${at} outside 0..${data.byteLength}`);
  const n = native.bk_scan_records(data, data.byteLength, at, Math.min(bodyBytesMax, nativeLengthMax), out, out.length >>> 1);
  if (n < 0) throw new NativeIoError(-n, { syscall: "bk_scan_records" });
  return n;
}

/** The portable table path even where SSE4.2 exists; for tests and benchmarks. */
export function crc32cSoftware(data: Uint8Array, crc = 0): number {
  if (data.byteLength <= nativeLengthMax) return native.bk_crc32c_sw(crc, data, data.byteLength);
  return crc32cInChunks(data, crc, native.bk_crc32c_sw);
}

type Crc32cNative = (crc: number, data: Uint8Array, length: number) => number;

function crc32cInChunks(data: Uint8Array, crc: number, crcNative: Crc32cNative): number {
  let result = crc;
  for (let start = 0; start < data.byteLength; start += nativeLengthMax) {
    const chunk = data.subarray(start, start + nativeLengthMax);
    result = crcNative(result, chunk, chunk.byteLength);
  }
  return result;
}

/** Whether `crc32c` runs on the SSE4.2 instruction rather than the table fallback. */
export function crc32cHardware(): boolean {
  return native.bk_crc32c_hw() === 1;
}

/** Opens `path` with the open* flags combined by `|` (openCreate | openWrite); returns the fd. */
export function openFile(path: string, flags: number): number {
  const result = native.bk_open(pathBytes(path), flags);
  if (result < 0) throw new NativeIoError(-result, { syscall: "open", path });
  return result;
}

export function closeFile(fd: number): void {
  const result = native.bk_close(fd);
  if (result < 0) throw new NativeIoError(-result, { syscall: "close" });
}

/** Writes all of `data` at `offset`, retrying short writes; throws if any byte could not be written. */
export function pwriteAll(fd: number, data: Uint8Array, offset: number): void {
  const result = native.bk_pwrite(fd, data, data.byteLength, offset);
  if (result < 0) throw new NativeIoError(-result, { syscall: "pwrite" });
}

/** Fills `target` from `offset`; returns the bytes read, fewer than its length only at end of file. */
export function preadInto(fd: number, target: Uint8Array, offset: number): number {
  const result = native.bk_pread(fd, target, target.byteLength, offset);
  if (result < 0) throw new NativeIoError(-result, { syscall: "pread" });
  return result;
}

/** Flushes the file's data (and the metadata needed to read it back) to stable storage. Blocks. */
export function fdatasyncSync(fd: number): void {
  const result = native.bk_fdatasync(fd);
  if (result < 0) throw new NativeIoError(-result, { syscall: "fdatasync" });
}

/**
 * Reserves disk blocks for [offset, offset + length) and extends the file size to cover them
 * (posix_fallocate: the new bytes read as zeros). Writes into reserved space cannot fail with ENOSPC.
 */
export function fallocate(fd: number, offset: number, length: number): void {
  const result = native.bk_fallocate(fd, offset, length);
  if (result < 0) throw new NativeIoError(-result, { syscall: "fallocate" });
}

/**
 * Reserves disk blocks for [offset, offset + length) without changing the file size
 * (FALLOC_FL_KEEP_SIZE), so the size still marks the end of written data. Returns false when the
 * file system cannot do it (EOPNOTSUPP); reservation is an optimisation, so callers carry on.
 */
export function fallocateKeepSize(fd: number, offset: number, length: number): boolean {
  const result = native.bk_fallocate_keep_size(fd, offset, length);
  if (result === -osConstants.errno.EOPNOTSUPP) return false;
  if (result < 0) throw new NativeIoError(-result, { syscall: "fallocate" });
  return true;
}

export function ftruncate(fd: number, length: number): void {
  const result = native.bk_ftruncate(fd, length);
  if (result < 0) throw new NativeIoError(-result, { syscall: "ftruncate" });
}

export function fileSize(fd: number): number {
  const result = native.bk_file_size(fd);
  if (result < 0) throw new NativeIoError(-result, { syscall: "fstat" });
  return result;
}

/** fsyncs a directory, which makes a create, rename or unlink inside it durable. */
export function fsyncDir(path: string): void {
  const result = native.bk_fsync_dir(pathBytes(path));
  if (result < 0) throw new NativeIoError(-result, { syscall: "fsync", path });
}

/** rename(2): atomic replace within one file system. Follow with `fsyncDir` to make it durable. */
export function renameFile(from: string, to: string): void {
  const result = native.bk_rename(pathBytes(from), pathBytes(to));
  if (result < 0) throw new NativeIoError(-result, { syscall: "rename", path: from, destination: to });
}

export function unlinkFile(path: string): void {
  const result = native.bk_unlink(pathBytes(path));
  if (result < 0) throw new NativeIoError(-result, { syscall: "unlink", path });
}

/** Turns a node:fs callback error into the same error type the sync calls throw. */
function nodeErrorToNative(error: NodeJS.ErrnoException, syscall: string): NativeIoError {
  // node:fs reports errno negated (-9 for EBADF), as libuv does.
  const errno = error.errno === undefined ? osConstants.errno.EIO : Math.abs(error.errno);
  return new NativeIoError(errno, { syscall });
}

/**
 * `fdatasyncSync` off the JavaScript thread: the JS thread keeps serving while the disk flushes.
 * Runs on the native syncer (below); calls made in the same turn of the event loop are submitted as
 * one group, which its workers flush in parallel and report with one event-loop wake-up.
 */
export function fdatasyncAsync(fd: number): Promise<void> {
  return syncer().run({ fd, data: null, offset: 0, zeroFrom: 0, zeroTo: 0, truncateTo: -1, overwrite: false });
}

/** A log flush for the syncer: each step is optional but the fdatasync, and they run in this order. */
export interface FlushJob {
  readonly fd: number;
  /** Written at `offset` (pwriteAll). It must view an explicit ArrayBuffer and stay unchanged until the job is done. */
  readonly data: Uint8Array | null;
  readonly offset: number;
  /** Then zeros are written over [zeroFrom, zeroTo) (nothing when that is empty). */
  readonly zeroFrom: number;
  readonly zeroTo: number;
  /** Then the file is truncated to this size (-1: it is not). */
  readonly truncateTo: number;
  /**
   * The caller knows `data` lands in blocks that are already allocated, written and durable, within the
   * file's durable size, and the job does nothing else: its fdatasync would commit no metadata. The
   * syncer then lets such jobs of one group share one fdatasync (one device cache flush, after each
   * one's data is written back: bk_syncer_submit). A wrong claim can lose the job's data in a power cut.
   */
  readonly overwrite: boolean;
}

/**
 * Runs a FlushJob off the JavaScript thread (the pwrite and zero writes too), then fdatasync; grouped
 * with the other calls of the same turn as fdatasyncAsync is. The syncer keeps `data` referenced until
 * the promise settles; until then its bytes may not be in the file yet.
 */
export function flushAsync(job: FlushJob): Promise<void> {
  if (job.data !== null && job.data.byteLength > nativeLengthMax) throw new RangeError(`flushAsync: ${job.data.byteLength} bytes in one call`);
  return syncer().run(job.data !== null && job.data.byteLength === 0 ? { ...job, data: null } : job);
}

/** fdatasync on Bun's thread pool (node:fs): the syncer's fallback. */
function fdatasyncOnPool(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fdatasyncWithCallback(fd, (error) => {
      if (error === null) resolve();
      else reject(nodeErrorToNative(error, "fdatasync"));
    });
  });
}

/** Jobs per submitted group (BK_SYNC_GROUP_MAX in native/bunker.h), doubles per job (BK_SYNC_JOB_DOUBLES). */
const syncGroupMax = 64;
const syncJobDoubles = 8;
/**
 * Worker threads of the syncer: one per file flushed at once with the default 4 shards (1 or 2 workers
 * measured slower at pipeline 1, bench/RESULTS.md). More shards share them.
 */
const syncWorkers = 4;

interface SyncWaiter {
  readonly job: FlushJob;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** A zeroed chunk for the thread-pool fallback's zero writes. */
let poolZeros: Uint8Array | null = null;

/** A job the thread pool runs instead (the syncer could not take it): the writes happen here, synchronously. */
function onPool(w: SyncWaiter): Promise<void> {
  const job = w.job;
  try {
    if (job.data !== null) pwriteAll(job.fd, job.data, job.offset);
    for (let at = job.zeroFrom; at < job.zeroTo; ) {
      const zeros = (poolZeros ??= new Uint8Array(new ArrayBuffer(256 * 1024)));
      const n = Math.min(zeros.length, job.zeroTo - at);
      pwriteAll(job.fd, zeros.subarray(0, n), at);
      at += n;
    }
    if (job.truncateTo >= 0) ftruncate(job.fd, job.truncateTo);
  } catch (e: unknown) {
    return Promise.reject(e);
  }
  return fdatasyncOnPool(job.fd);
}

/**
 * The JavaScript half of the native syncer (bk_syncer_* in native/bunker.c): persistent C threads
 * run pwrite + fdatasync jobs and write one completion record per group to a socketpair, whose other
 * end is a Bun socket here, so completions arrive as ordinary `data` events. Compared with node:fs on
 * Bun's thread pool this costs no thread hand-off per call and one wake-up per group (measured: the
 * pool spawned and retired threads under load, and woke the loop once per fsync), and the log's page
 * cache copies (pwrite) leave the JavaScript thread too.
 * The socket is referenced only while groups are outstanding, so an idle syncer never keeps the
 * process alive. If the syncer cannot start or its socket fails, jobs go to the pool instead.
 */
class Syncer {
  /** The bk_syncer_submit layout: per job fd, buffer address, length, offset, zero range, truncate size, unused. */
  private readonly jobs = new Float64Array(new ArrayBuffer(8 * syncJobDoubles * syncGroupMax));
  private readonly waiting = new Map<number, SyncWaiter[]>();
  private group: SyncWaiter[] = [];
  private submitScheduled = false;
  private nextTicket = 1;
  private socket: { ref(): void; unref(): void } | null = null;
  private referenced = false;
  /** Bytes of a record split across two reads. */
  private partial: Uint8Array | null = null;
  private broken: Error | null = null;

  constructor(workers: number) {
    const fd = native.bk_syncer_start(workers);
    if (fd < 0) {
      this.broken = new NativeIoError(-fd, { syscall: "bk_syncer_start" });
      return;
    }
    // Completions written before the socket is connected wait in the socketpair. bun-types declares
    // FdSocketOptions but not the Bun.connect overload that takes it.
    const connectFd = Bun.connect as unknown as (options: Bun.FdSocketOptions<undefined>) => Promise<Bun.Socket<undefined>>;
    connectFd({
      fd,
      socket: {
        binaryType: "uint8array",
        data: (_socket, chunk: Uint8Array) => this.onData(chunk),
        close: () => this.fail(new Error("the native syncer's socket closed")),
        error: (_socket, error: Error) => this.fail(error),
      },
    }).then(
      (socket) => {
        this.socket = socket;
        if (this.waiting.size > 0) this.setReferenced(true);
        else socket.unref();
      },
      (error: unknown) => this.fail(error instanceof Error ? error : new Error(String(error))),
    );
  }

  run(job: FlushJob): Promise<void> {
    return new Promise((resolve, reject) => {
      const w: SyncWaiter = { job, resolve, reject };
      if (this.broken !== null) {
        onPool(w).then(resolve, reject);
        return;
      }
      this.group.push(w);
      if (this.group.length >= syncGroupMax) this.submit();
      else if (!this.submitScheduled) {
        this.submitScheduled = true;
        queueMicrotask(() => this.submit());
      }
    });
  }

  /** Submits the jobs gathered in this turn now rather than at its end. */
  submitNow(): void {
    if (this.group.length > 0) this.submit();
  }

  private submit(): void {
    this.submitScheduled = false;
    const group = this.group;
    if (group.length === 0) return;
    this.group = [];
    const jobs = this.jobs;
    for (let i = 0; i < group.length; i++) {
      const job = (group[i] as SyncWaiter).job;
      const at = syncJobDoubles * i;
      jobs[at] = job.fd;
      // The address is taken now and used by C until the record arrives: `data` views an explicit
      // ArrayBuffer (it does not move) and stays referenced by the waiter meanwhile.
      jobs[at + 1] = job.data === null ? 0 : ptr(job.data);
      jobs[at + 2] = job.data === null ? 0 : job.data.byteLength;
      jobs[at + 3] = job.data === null ? 0 : job.offset;
      jobs[at + 4] = job.zeroFrom;
      jobs[at + 5] = Math.max(job.zeroFrom, job.zeroTo);
      jobs[at + 6] = job.truncateTo;
      jobs[at + 7] = job.overwrite && job.data !== null ? 1 : 0;
    }
    const ticket = this.nextTicket;
    this.nextTicket = ticket === 0xffff_ffff ? 1 : ticket + 1;
    const rc = this.broken === null ? native.bk_syncer_submit(jobs, group.length, ticket) : -1;
    if (rc < 0) {
      if (rc === -osConstants.errno.EINVAL) throw new Error("bug: the native syncer refused a malformed job");
      // Queue full (or the syncer failed): the thread pool still keeps the loop free.
      for (const w of group) onPool(w).then(w.resolve, w.reject);
      return;
    }
    this.waiting.set(ticket, group);
    this.setReferenced(true);
  }

  private onData(chunk: Uint8Array): void {
    let bytes = chunk;
    if (this.partial !== null) {
      bytes = new Uint8Array(this.partial.length + chunk.length);
      bytes.set(this.partial);
      bytes.set(chunk, this.partial.length);
      this.partial = null;
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 0;
    while (at + 8 <= bytes.length) {
      const count = view.getUint32(at + 4, true);
      const end = at + 8 + 4 * count;
      if (end > bytes.length) break;
      const ticket = view.getUint32(at, true);
      const group = this.waiting.get(ticket);
      if (group === undefined) throw new Error(`bug: the native syncer reported unknown ticket ${ticket}`);
      this.waiting.delete(ticket);
      for (let i = 0; i < count; i++) {
        const result = view.getInt32(at + 8 + 4 * i, true);
        const w = group[i] as SyncWaiter;
        if (result === 0) w.resolve();
        else w.reject(new NativeIoError(-result, { syscall: w.job.data !== null || w.job.zeroTo > w.job.zeroFrom || w.job.truncateTo >= 0 ? "log flush" : "fdatasync" }));
      }
      at = end;
    }
    if (at < bytes.length) this.partial = bytes.slice(at);
    if (this.waiting.size === 0) this.setReferenced(false);
  }

  private setReferenced(on: boolean): void {
    if (this.socket === null || this.referenced === on) return;
    this.referenced = on;
    if (on) this.socket.ref();
    else this.socket.unref();
  }

  /**
   * The socket failed: outstanding groups may or may not have run. Their jobs are run again on the
   * thread pool (writing the same bytes at the same offsets again is harmless); later jobs go there
   * directly.
   */
  private fail(error: Error): void {
    if (this.broken !== null) return;
    this.broken = error;
    for (const group of this.waiting.values()) for (const w of group) onPool(w).then(w.resolve, w.reject);
    this.waiting.clear();
  }
}

let syncerInstance: Syncer | null = null;

/**
 * Hands the fdatasyncAsync/flushAsync calls made so far in this turn to the syncer now. Without it
 * they are submitted together at the end of the turn (a microtask); the log's commit cycle calls this
 * once it has requested every shard's flush, so the disk starts before the replies released by the
 * previous cycle are written.
 */
export function submitFlushes(): void {
  syncerInstance?.submitNow();
}

function syncer(): Syncer {
  return (syncerInstance ??= new Syncer(syncWorkers));
}

/**
 * `preadInto` on Bun's thread pool: fills `target` from `offset`, returning fewer bytes than its
 * length only at end of file. `target` must not be touched until the promise settles.
 */
export function preadAsync(fd: number, target: Uint8Array, offset: number): Promise<number> {
  return new Promise((resolve, reject) => {
    // Bounded by target.byteLength: every read either adds at least one byte or ends the loop.
    const readFrom = (done: number): void => {
      if (done === target.byteLength) {
        resolve(done);
        return;
      }
      readWithCallback(fd, target, done, target.byteLength - done, offset + done, (error, bytesRead) => {
        if (error !== null) reject(nodeErrorToNative(error, "pread"));
        else if (bytesRead === 0) resolve(done);
        else readFrom(done + bytesRead);
      });
    };
    readFrom(0);
  });
}
