// Byte strings: every byte value survives the conversion from a view to a latin1 string.
import { expect, test } from "bun:test";
import { latin1 } from "./entry.ts";

test("latin1 is byte-identical for every byte value, ASCII or not, short or long", () => {
  for (const len of [0, 1, 5, 31, 32, 255, 256, 257, 1000]) {
    for (const base of [0, 0x41, 0x7f, 0x80, 0x9f, 0xff]) {
      const bytes = new Uint8Array(len).map((_, i) => (base + i * 7) & 0xff);
      const s = latin1(bytes);
      expect(s.length).toBe(len);
      for (let i = 0; i < len; i++) expect(s.charCodeAt(i)).toBe(bytes[i] as number);
    }
  }
});

test("latin1 reads a view at its own offset, not its buffer's start", () => {
  const backing = new Uint8Array(new ArrayBuffer(64)).map((_, i) => 0xc0 + (i & 0x3f));
  for (const [from, to] of [[3, 5], [10, 14], [7, 40], [0, 64], [63, 64]] as const) {
    const view = backing.subarray(from, to);
    expect(Array.from(latin1(view), (c) => c.charCodeAt(0))).toEqual(Array.from(view));
  }
});
