// Length-prefixed frames: a big-endian u32 body length, then the body. The decoder is incremental,
// copies each byte at most once (linear in the input however it is split) and hands out views into the
// received chunk when a whole frame lies inside it.
import { FRAME_HEADER_BYTES } from "./limits.ts";

export type FrameSink = (body: Uint8Array) => boolean;

export type PushResult = "ok" | "oversize" | "stopped";

export class FrameDecoder {
  /** Lengths above this are refused before any body byte is buffered. */
  maxFrameBytes: number;
  private readonly header = new Uint8Array(FRAME_HEADER_BYTES);
  private headerFilled = 0;
  /** The body of a frame that straddles chunks, allocated once its length is known. */
  private body: Uint8Array | null = null;
  private bodyFilled = 0;

  constructor(maxFrameBytes: number) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Bytes held for an unfinished frame (header and body). */
  get bufferedBytes(): number {
    return this.headerFilled + this.bodyFilled;
  }

  /**
   * Feeds one chunk; calls `sink` for every completed body, in order. A sink returning false stops the
   * decoder (the caller is closing the connection). Bodies are valid for as long as the caller holds them:
   * a view into `chunk` or a private copy, never a buffer the decoder reuses.
   */
  push(chunk: Uint8Array, sink: FrameSink): PushResult {
    let at = 0;
    const end = chunk.byteLength;
    // Each iteration consumes at least one byte or returns, so the loop is bounded by the chunk length.
    while (at < end) {
      if (this.body !== null) {
        const take = Math.min(this.body.byteLength - this.bodyFilled, end - at);
        this.body.set(chunk.subarray(at, at + take), this.bodyFilled);
        this.bodyFilled += take;
        at += take;
        if (this.bodyFilled < this.body.byteLength) return "ok";
        const done = this.body;
        this.body = null;
        this.bodyFilled = 0;
        if (!sink(done)) return "stopped";
        continue;
      }
      let length: number;
      if (this.headerFilled === 0 && end - at >= FRAME_HEADER_BYTES) {
        length = readU32(chunk, at);
        at += FRAME_HEADER_BYTES;
      } else {
        const take = Math.min(FRAME_HEADER_BYTES - this.headerFilled, end - at);
        this.header.set(chunk.subarray(at, at + take), this.headerFilled);
        this.headerFilled += take;
        at += take;
        if (this.headerFilled < FRAME_HEADER_BYTES) return "ok";
        this.headerFilled = 0;
        length = readU32(this.header, 0);
      }
      if (length > this.maxFrameBytes) return "oversize";
      if (end - at >= length) {
        const view = chunk.subarray(at, at + length);
        at += length;
        if (!sink(view)) return "stopped";
      } else {
        this.body = new Uint8Array(length);
        this.bodyFilled = 0;
      }
    }
    return "ok";
  }
}

function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/** One frame (header and body) in a fresh buffer. */
export function encodeFrame(body: Uint8Array): Uint8Array {
  const frame = new Uint8Array(FRAME_HEADER_BYTES + body.byteLength);
  const length = body.byteLength;
  frame[0] = length >>> 24;
  frame[1] = (length >>> 16) & 0xff;
  frame[2] = (length >>> 8) & 0xff;
  frame[3] = length & 0xff;
  frame.set(body, FRAME_HEADER_BYTES);
  return frame;
}
