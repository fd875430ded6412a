// The per-peer send queue: bounded in frames and bytes, dropping the oldest, batching in order.
import { describe, expect, test } from "bun:test";
import { SendQueue } from "./send-queue.ts";

const frame = (tag: number, bytes = 4) => new Uint8Array(bytes).fill(tag);

describe("SendQueue", () => {
  test("drops the oldest frames when the frame bound is reached", () => {
    const q = new SendQueue(3, 1_000);
    expect([1, 2, 3].map((t) => q.push(frame(t)))).toEqual([0, 0, 0]);
    expect(q.push(frame(4))).toBe(1);
    expect(q.frames).toBe(3);
    expect(Array.from(q.take(1_000).bytes)).toEqual([2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4]);
  });

  test("drops the oldest frames when the byte bound is reached", () => {
    const q = new SendQueue(100, 10);
    q.push(frame(1));
    q.push(frame(2));
    expect(q.push(frame(3))).toBe(1);
    expect(q.bytes).toBe(8);
  });

  test("take batches frames up to the byte limit, at least one, in order", () => {
    const q = new SendQueue(100, 1_000);
    for (let t = 1; t <= 5; t++) q.push(frame(t));
    const first = q.take(9);
    expect(first.frames).toBe(2);
    const big = new SendQueue(10, 1_000);
    big.push(frame(7, 50));
    expect(big.take(10).frames).toBe(1);
    expect(q.take(1_000).frames).toBe(3);
    expect(q.frames).toBe(0);
    expect(q.bytes).toBe(0);
  });

  test("a long run of push and take keeps the bounds and the order", () => {
    const q = new SendQueue(50, 1_000_000);
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 10_000; round++) {
      q.push(Uint8Array.of(next++ & 0xff));
      // The oldest frame still queued: everything before it was taken or dropped.
      expected = Math.max(expected, next - q.frames);
      if (round % 3 === 0) {
        const batch = q.take(2);
        for (const b of batch.bytes) expect(b).toBe(expected++ & 0xff);
      }
      expect(q.frames).toBeLessThanOrEqual(50);
    }
  });
});
