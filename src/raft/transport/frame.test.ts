// The framer: frames reassemble however the byte stream is split, oversize lengths are refused, and work
// stays linear in the input.
import { describe, expect, test } from "bun:test";
import { encodeFrame, FrameDecoder } from "./frame.ts";

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

function bodies(): Uint8Array[] {
  // Empty, tiny, header-sized and larger bodies, with distinct contents.
  return [0, 1, 3, 4, 5, 17, 300].map((n, i) => Uint8Array.from({ length: n }, (_, j) => (i * 31 + j) & 0xff));
}

function decodeAll(chunks: readonly Uint8Array[], maxFrameBytes = 1024): Uint8Array[] {
  const decoder = new FrameDecoder(maxFrameBytes);
  const out: Uint8Array[] = [];
  for (const chunk of chunks) {
    expect(decoder.push(chunk, (body) => (out.push(body.slice()), true))).toBe("ok");
  }
  expect(decoder.bufferedBytes).toBe(0);
  return out;
}

describe("FrameDecoder", () => {
  test("a stream in one chunk yields every frame in order", () => {
    const expected = bodies();
    expect(decodeAll([concat(expected.map(encodeFrame))])).toEqual(expected);
  });

  test("a stream split at every byte boundary (two pieces) reassembles", () => {
    const expected = bodies();
    const stream = concat(expected.map(encodeFrame));
    for (let cut = 0; cut <= stream.byteLength; cut++) {
      expect(decodeAll([stream.subarray(0, cut), stream.subarray(cut)])).toEqual(expected);
    }
  });

  test("a stream fed one byte at a time reassembles", () => {
    const expected = bodies();
    const stream = concat(expected.map(encodeFrame));
    const chunks = Array.from({ length: stream.byteLength }, (_, i) => stream.subarray(i, i + 1));
    expect(decodeAll(chunks)).toEqual(expected);
  });

  test("a stream split at every pair of byte boundaries (three pieces) reassembles", () => {
    const expected = bodies().slice(0, 5);
    const stream = concat(expected.map(encodeFrame));
    for (let a = 0; a <= stream.byteLength; a++) {
      for (let b = a; b <= stream.byteLength; b++) {
        expect(decodeAll([stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)])).toEqual(expected);
      }
    }
  });

  test("whole frames inside a chunk are views, not copies", () => {
    const stream = encodeFrame(Uint8Array.of(1, 2, 3));
    const decoder = new FrameDecoder(64);
    let seen: Uint8Array | null = null;
    decoder.push(stream, (body) => ((seen = body), true));
    expect(seen!.buffer).toBe(stream.buffer);
  });

  test("a length above the maximum is refused before its body arrives", () => {
    const decoder = new FrameDecoder(10);
    expect(decoder.push(encodeFrame(new Uint8Array(10)), () => true)).toBe("ok");
    expect(decoder.push(Uint8Array.of(0, 0, 0, 11), () => true)).toBe("oversize");
    // Split header: still refused, with no body buffered.
    const split = new FrameDecoder(10);
    expect(split.push(Uint8Array.of(0xff, 0xff), () => true)).toBe("ok");
    expect(split.push(Uint8Array.of(0xff, 0xff), () => true)).toBe("oversize");
    expect(split.bufferedBytes).toBe(0);
  });

  test("a sink returning false stops the decoder mid-chunk", () => {
    const decoder = new FrameDecoder(64);
    const stream = concat([encodeFrame(Uint8Array.of(1)), encodeFrame(Uint8Array.of(2))]);
    const seen: number[] = [];
    expect(decoder.push(stream, (body) => (seen.push(body[0]!), false))).toBe("stopped");
    expect(seen).toEqual([1]);
  });

  test("a large frame delivered in small chunks costs time linear in its size", () => {
    const body = new Uint8Array(4 * 1024 * 1024).fill(9);
    const stream = encodeFrame(body);
    const decoder = new FrameDecoder(body.byteLength);
    let received = 0;
    const started = performance.now();
    for (let at = 0; at < stream.byteLength; at += 512) {
      decoder.push(stream.subarray(at, at + 512), (b) => ((received = b.byteLength), true));
    }
    expect(received).toBe(body.byteLength);
    // A quadratic re-concatenation would take minutes here (8192 chunks of a 4 MiB buffer).
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
