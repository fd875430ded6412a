// The native library through ffi.ts: CRC32C agrees across SSE4.2, the C table path and the
// TypeScript reference, and the file primitives round-trip bytes and report errors as NativeIoError.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32cReference } from "./crc32c-reference.ts";
import {
  closeFile,
  crc32c,
  crc32cHardware,
  crc32cSoftware,
  fallocate,
  fallocateKeepSize,
  fdatasyncAsync,
  fdatasyncSync,
  fileSize,
  flushAsync,
  fsyncDir,
  ftruncate,
  NativeIoError,
  openCreate,
  openExclusive,
  openFile,
  openRead,
  openWrite,
  preadAsync,
  preadInto,
  pwriteAll,
  renameFile,
  scanRecords,
  unlinkFile,
} from "./ffi.ts";
import { scanRecordsWith } from "../storage/record.ts";

const randomCases = 2000;
const randomLengthMax = 4096;
const alignmentShiftMax = 15;
// Set BUNKER_SEED to replay a failure; the default keeps runs reproducible.
const seed = Number(process.env["BUNKER_SEED"] ?? 0x5eed_c0de) >>> 0;

/** mulberry32: returns unsigned 32-bit integers from a seed. */
function seededUint32(seedValue: number): () => number {
  let state = seedValue >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function randomBytes(next: () => number, length: number): Uint8Array {
  const bytes = new Uint8Array(new ArrayBuffer(length));
  for (let index = 0; index < length; index++) bytes[index] = next() & 0xff;
  return bytes;
}

const checkInput = new TextEncoder().encode("123456789");

/** Bytes in an explicit ArrayBuffer (what the syncer may hold the address of). */
function bytesOf(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(new ArrayBuffer(text.length));
  bytes.set(new TextEncoder().encode(text));
  return bytes;
}

function zeroed(length: number): Uint8Array {
  return new Uint8Array(new ArrayBuffer(length));
}

describe("crc32c", () => {
  test("every implementation gives the published check value 0xE3069283", () => {
    expect(crc32c(checkInput)).toBe(0xe3069283);
    expect(crc32cSoftware(checkInput)).toBe(0xe3069283);
    expect(crc32cReference(checkInput)).toBe(0xe3069283);
  });

  test("reports which path is active", () => {
    // Every x86-64 server of the last decade has SSE4.2; the table path is a portability fallback.
    expect(typeof crc32cHardware()).toBe("boolean");
    if (process.arch === "x64") expect(crc32cHardware()).toBe(true);
  });

  test("an empty input returns the starting value", () => {
    const empty = new Uint8Array(new ArrayBuffer(0));
    expect(crc32c(empty)).toBe(0);
    expect(crc32c(empty, 0xdeadbeef)).toBe(0xdeadbeef);
    expect(crc32cSoftware(empty, 0xdeadbeef)).toBe(0xdeadbeef);
    expect(crc32cReference(empty, 0xdeadbeef)).toBe(0xdeadbeef);
  });

  test("hardware, C table and TypeScript agree on random unaligned views, whole and chained", () => {
    const next = seededUint32(seed);
    const pool = randomBytes(next, randomLengthMax + alignmentShiftMax);
    let firstMismatch: string | null = null;
    for (let index = 0; index < randomCases && firstMismatch === null; index++) {
      const length = next() % (randomLengthMax + 1);
      const shift = next() % (alignmentShiftMax + 1);
      const start = index % 2 === 0 ? 0 : next();
      const view = pool.subarray(shift, shift + length);
      const split = length === 0 ? 0 : next() % length;
      const expected = crc32cReference(view, start);
      const results = {
        hardware: crc32c(view, start),
        software: crc32cSoftware(view, start),
        chained: crc32c(view.subarray(split), crc32c(view.subarray(0, split), start)),
        chainedSoftware: crc32cSoftware(view.subarray(split), crc32cSoftware(view.subarray(0, split), start)),
        chainedReference: crc32cReference(view.subarray(split), crc32cReference(view.subarray(0, split), start)),
      };
      for (const [name, actual] of Object.entries(results)) {
        if (actual !== expected && firstMismatch === null) {
          firstMismatch = `seed ${seed} case ${index}: ${name} ${actual} != ${expected} (length ${length}, shift ${shift}, split ${split})`;
        }
      }
    }
    expect(firstMismatch).toBeNull();
  });

  test("inputs long enough for the three-stream path agree with the reference", () => {
    const next = seededUint32(seed ^ 0x9e3779b9);
    const pool = randomBytes(next, 200_000);
    for (const length of [767, 768, 769, 3 * 8192 - 1, 3 * 8192, 3 * 8192 + 7, 100_003, 199_990]) {
      const view = pool.subarray(3, 3 + length);
      const expected = crc32cReference(view);
      expect({ length, crc: crc32c(view) }).toEqual({ length, crc: expected });
      expect({ length, crc: crc32cSoftware(view) }).toEqual({ length, crc: expected });
    }
  });

  test("Buffers and GC-heap Uint8Arrays are read at their own offset", () => {
    const buffer = Buffer.from("xx123456789yy");
    expect(crc32c(buffer.subarray(2, 11))).toBe(0xe3069283);
    const small = new Uint8Array(9);
    small.set(checkInput);
    expect(crc32c(small)).toBe(0xe3069283);
  });
});

describe("scanRecords", () => {
  // Streams of framed records with one defect each (or none): the native walk and the TypeScript
  // reference (MemoryIo's) report the same records and stop at the same place.
  test("agrees with the TypeScript reference on valid, torn, corrupt and zero-padded streams", () => {
    const next = seededUint32(seed ^ 0x5ca4);
    const checksum = { crc32cRange: (d: Uint8Array, a: number, b: number) => crc32cReference(d.subarray(a, b)) };
    for (let c = 0; c < 300; c++) {
      const records = 1 + (next() % 40);
      const parts: Uint8Array[] = [];
      for (let r = 0; r < records; r++) {
        const body = randomBytes(next, 1 + (next() % 300));
        const record = new Uint8Array(8 + body.length);
        const dv = new DataView(record.buffer);
        dv.setUint32(4, body.length, true);
        record.set(body, 8);
        dv.setUint32(0, crc32cReference(record.subarray(4)), true);
        parts.push(record);
      }
      const total = parts.reduce((n, p) => n + p.length, 0);
      const data = zeroed(total + (next() % 64));
      let at = 0;
      for (const p of parts) {
        data.set(p, at);
        at += p.length;
      }
      const defect = next() % 4;
      const where = next() % total;
      const scanned = defect === 1 ? data.subarray(0, where) : data;
      if (defect === 2) (scanned as Uint8Array)[where] = ((scanned[where] as number) ^ (1 << (next() % 8))) & 0xff;
      if (defect === 3) new DataView(data.buffer).setUint32(4, 0x7fff_0000, true);
      const start = next() % 2 === 0 ? 0 : (parts[0] as Uint8Array).length;
      const pairs = 1 + (next() % 50);
      const native = new Uint32Array(new ArrayBuffer(8 * pairs));
      const reference = new Uint32Array(2 * pairs);
      const n = scanRecords(scanned, Math.min(start, scanned.length), 1 << 20, native);
      expect(n).toBe(scanRecordsWith(checksum, scanned, Math.min(start, scanned.length), 1 << 20, reference));
      expect([...native.subarray(0, 2 * n)]).toEqual([...reference.subarray(0, 2 * n)]);
      if (defect === 0 && start === 0 && pairs >= records) expect(n).toBe(records);
    }
  });

  test("rejects an offset past the end", () => {
    expect(() => scanRecords(zeroed(16), 17, 1024, new Uint32Array(new ArrayBuffer(8)))).toThrow(RangeError);
  });
});

describe("file primitives", () => {
  const directory = mkdtempSync(join(tmpdir(), "bunker-ffi-test-"));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  test("bytes written at offsets read back, through both read paths and node:fs", async () => {
    const path = join(directory, "round-trip");
    const fd = openFile(path, openCreate | openWrite | openExclusive);
    try {
      pwriteAll(fd, new TextEncoder().encode("hello"), 0);
      pwriteAll(fd, Buffer.from("world"), 4096);
      expect(fileSize(fd)).toBe(4101);
      fdatasyncSync(fd);
      await fdatasyncAsync(fd);

      const target = new Uint8Array(new ArrayBuffer(16));
      expect(preadInto(fd, target.subarray(0, 5), 0)).toBe(5);
      expect(new TextDecoder().decode(target.subarray(0, 5))).toBe("hello");
      expect(preadInto(fd, target, 4096)).toBe(5); // short only because the file ends
      expect(new TextDecoder().decode(target.subarray(0, 5))).toBe("world");
      expect(preadInto(fd, target, 1 << 20)).toBe(0);

      const asyncTarget = new Uint8Array(new ArrayBuffer(8));
      expect(await preadAsync(fd, asyncTarget, 4093)).toBe(8);
      expect(Array.from(asyncTarget.subarray(0, 3))).toEqual([0, 0, 0]);
      expect(new TextDecoder().decode(asyncTarget.subarray(3))).toBe("world");
      expect(await preadAsync(fd, asyncTarget, 4100)).toBe(1);

      const onDisk = readFileSync(path);
      expect(onDisk.length).toBe(4101);
      expect(onDisk.subarray(0, 5).toString()).toBe("hello");
    } finally {
      closeFile(fd);
    }
  });

  test("offsets beyond 4 GiB travel intact", () => {
    const path = join(directory, "sparse");
    const fd = openFile(path, openCreate | openWrite);
    try {
      const offset = 2 ** 33 + 5;
      pwriteAll(fd, Buffer.from("far"), offset);
      expect(fileSize(fd)).toBe(offset + 3);
      const target = new Uint8Array(new ArrayBuffer(3));
      expect(preadInto(fd, target, offset)).toBe(3);
      expect(Buffer.from(target).toString()).toBe("far");
      ftruncate(fd, 0);
    } finally {
      closeFile(fd);
    }
  });

  test("truncate shrinks, fallocate grows, fallocateKeepSize reserves without growing", () => {
    const path = join(directory, "sizes");
    writeFileSync(path, "0123456789");
    const fd = openFile(path, openWrite);
    try {
      ftruncate(fd, 4);
      expect(fileSize(fd)).toBe(4);
      fallocate(fd, 0, 65536);
      expect(fileSize(fd)).toBe(65536);
      fallocateKeepSize(fd, 65536, 65536); // false where the file system cannot; size is kept either way
      expect(fileSize(fd)).toBe(65536);
      const head = new Uint8Array(new ArrayBuffer(6));
      expect(preadInto(fd, head, 0)).toBe(6);
      expect(Array.from(head)).toEqual([0x30, 0x31, 0x32, 0x33, 0, 0]);
    } finally {
      closeFile(fd);
    }
  });

  test("rename, directory fsync and unlink", () => {
    const from = join(directory, "before");
    const to = join(directory, "after");
    closeFile(openFile(from, openCreate | openWrite));
    renameFile(from, to);
    fsyncDir(directory);
    expect(() => openFile(from, openRead)).toThrow(NativeIoError);
    closeFile(openFile(to, openRead));
    unlinkFile(to);
    fsyncDir(directory);
    expect(() => openFile(to, openRead)).toThrow(NativeIoError);
  });

  test("a missing file is a NativeIoError carrying ENOENT and the path", () => {
    const path = join(directory, "missing");
    let caught: unknown;
    try {
      openFile(path, openRead);
    } catch (error: unknown) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NativeIoError);
    if (!(caught instanceof NativeIoError)) return;
    expect(caught.errno).toBe(2);
    expect(caught.code).toBe("ENOENT");
    expect(caught.syscall).toBe("open");
    expect(caught.path).toBe(path);
    expect(caught.message).toContain("ENOENT");
    expect(caught.message).toContain(path);
  });

  test("fdatasyncAsync calls of one turn share syncer groups; each settles with its own result", async () => {
    const fds = Array.from({ length: 3 }, (_, i) => openFile(join(directory, `sync-${i}`), openCreate | openWrite));
    fds.forEach((fd, i) => pwriteAll(fd, Buffer.from(`data ${i}`), 0));
    const closed = openFile(join(directory, "sync-closed"), openCreate | openWrite);
    closeFile(closed);
    // 200 calls in one turn: more than one group (at most 64 descriptors each), a bad one among them.
    const calls = Array.from({ length: 200 }, (_, i) => (i === 77 ? closed : (fds[i % 3] as number)));
    const results = await Promise.allSettled(calls.map((fd) => fdatasyncAsync(fd)));
    results.forEach((r, i) => {
      if (i === 77) expect(r).toMatchObject({ status: "rejected", reason: { code: "EBADF", syscall: "fdatasync" } });
      else expect(r.status).toBe("fulfilled");
    });
    // Later turns reuse the same syncer.
    for (let round = 0; round < 20; round++) await Promise.all(fds.map((fd) => fdatasyncAsync(fd)));
    for (const fd of fds) closeFile(fd);
  });

  test("overwrite flushes of one turn share one fdatasync; each lands and settles with its own result", async () => {
    const fds = Array.from({ length: 4 }, (_, i) => openFile(join(directory, `shared-${i}`), openCreate | openWrite));
    for (const fd of fds) await flushAsync({ fd, data: zeroed(4096), offset: 0, zeroFrom: 0, zeroTo: 0, truncateTo: -1, overwrite: false });
    const readOnly = openFile(join(directory, "shared-0"), openRead);
    for (let round = 0; round < 10; round++) {
      const payloads: Uint8Array<ArrayBuffer>[] = fds.map((_, i) => bytesOf(`round ${round} file ${i}`));
      const jobs = fds.map((fd, i) => flushAsync({ fd, data: payloads[i] as Uint8Array<ArrayBuffer>, offset: 64 * round, zeroFrom: 0, zeroTo: 0, truncateTo: -1, overwrite: true }));
      // A failing member of the shared set (a read-only descriptor) fails alone.
      const failing = flushAsync({ fd: readOnly, data: bytesOf("never"), offset: 0, zeroFrom: 0, zeroTo: 0, truncateTo: -1, overwrite: true });
      await Promise.all(jobs);
      await expect(failing).rejects.toMatchObject({ code: "EBADF" });
      fds.forEach((fd, i) => {
        const back = new Uint8Array(new ArrayBuffer((payloads[i] as Uint8Array).length));
        expect(preadInto(fd, back, 64 * round)).toBe(back.length);
        expect(back).toEqual(payloads[i] as Uint8Array<ArrayBuffer>);
      });
    }
    closeFile(readOnly);
    for (const fd of fds) closeFile(fd);
  });

  test("other failures carry their errno codes", async () => {
    const path = join(directory, "errors");
    const fd = openFile(path, openCreate | openWrite | openExclusive);
    closeFile(fd);
    expect(() => openFile(path, openCreate | openWrite | openExclusive)).toThrow(
      expect.objectContaining({ code: "EEXIST" }),
    );
    expect(() => openFile(path, openRead | openWrite)).toThrow(expect.objectContaining({ code: "EINVAL" }));

    const readOnly = openFile(path, openRead);
    const data = Buffer.from("x");
    expect(() => pwriteAll(readOnly, data, 0)).toThrow(expect.objectContaining({ code: "EBADF", syscall: "pwrite" }));
    expect(() => pwriteAll(readOnly, data, -1)).toThrow(expect.objectContaining({ code: "EINVAL" }));
    expect(() => pwriteAll(readOnly, data, 0.5)).toThrow(expect.objectContaining({ code: "EINVAL" }));
    closeFile(readOnly);

    expect(() => fileSize(readOnly)).toThrow(expect.objectContaining({ code: "EBADF", syscall: "fstat" }));
    await expect(fdatasyncAsync(readOnly)).rejects.toBeInstanceOf(NativeIoError);
    await expect(preadAsync(readOnly, new Uint8Array(new ArrayBuffer(4)), 0)).rejects.toMatchObject({ code: "EBADF" });
    expect(() => renameFile(join(directory, "nope"), join(directory, "still-nope"))).toThrow(
      expect.objectContaining({ code: "ENOENT", destination: join(directory, "still-nope") }),
    );
    expect(() => openFile("bad\0path", openRead)).toThrow(TypeError);
  });
});
