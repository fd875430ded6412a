// Reading a value out of a log segment record: the location of a value that went cold for memory
// before any merge wrote it into a snapshot (engine/cooling.ts). The reference names the whole record
// (offset and length in the segment) and where the value's bytes start in it; the record's CRC is
// checked before a byte of it is used, so a wrong reference fails loudly instead of returning other
// bytes (FerricStore's compaction bug), exactly like a snapshot reference.
import { join } from "node:path";
import type { ColdRef } from "../keyspace/entry.ts";
import type { LogIo } from "./io.ts";
import { recordBytesMax, recordHeaderBytes } from "./record.ts";
import { CorruptLogError, segmentName } from "./segment-log.ts";
import { coldFileSegment } from "./snapshot.ts";

/** Open segment files of one shard, for cold reads of values that live in log records. */
export class LogValueFiles {
  private readonly fds = new Map<number, number>();

  constructor(
    private readonly io: LogIo,
    private readonly dir: string,
  ) {}

  private fdOf(segment: number): number {
    let fd = this.fds.get(segment);
    if (fd === undefined) {
      fd = this.io.openFile(join(this.dir, segmentName(segment)), "read");
      this.fds.set(segment, fd);
    }
    return fd;
  }

  private valueOf(ref: ColdRef, valueAt: number, record: Uint8Array, got: number): Uint8Array {
    const segment = coldFileSegment(ref.segment);
    const fail = (detail: string): never => {
      throw new CorruptLogError(join(this.dir, segmentName(segment)), ref.offset, detail);
    };
    if (got !== record.length) fail("cold reference beyond the end of the segment");
    const dv = new DataView(record.buffer, record.byteOffset, record.byteLength);
    const bodyBytes = dv.getUint32(4, true);
    if (bodyBytes > recordBytesMax || recordHeaderBytes + bodyBytes !== record.length) fail("cold reference does not span one record");
    if (this.io.crc32c(record.subarray(4)) !== dv.getUint32(0, true)) fail("cold reference: record CRC mismatch");
    if (valueAt < recordHeaderBytes + 4 || valueAt > record.length) fail("cold reference: value outside its record");
    const valueBytes = dv.getUint32(valueAt - 4, true);
    if (valueAt + valueBytes > record.length) fail("cold reference: value outside its record");
    return record.subarray(valueAt, valueAt + valueBytes);
  }

  /** Reads a cold value, blocking (the fallback when it was not preloaded). Verifies the record's CRC. */
  readSync(ref: ColdRef, valueAt: number): Uint8Array {
    const record = new Uint8Array(new ArrayBuffer(ref.length));
    const got = this.io.preadInto(this.fdOf(coldFileSegment(ref.segment)), record, ref.offset);
    return this.valueOf(ref, valueAt, record, got);
  }

  /** Reads a cold value off the JavaScript thread. Verifies the record's CRC. */
  async read(ref: ColdRef, valueAt: number): Promise<Uint8Array> {
    const record = new Uint8Array(new ArrayBuffer(ref.length));
    const got = await this.io.preadAsync(this.fdOf(coldFileSegment(ref.segment)), record, ref.offset);
    return this.valueOf(ref, valueAt, record, got);
  }

  /** Closes the files of segments below `segment` (a merge deleted them). */
  closeBefore(segment: number): void {
    for (const [s, fd] of this.fds) {
      if (s >= segment) continue;
      this.io.closeFile(fd);
      this.fds.delete(s);
    }
  }

  closeAll(): void {
    this.closeBefore(Infinity);
  }
}
