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
