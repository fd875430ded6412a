// BufferedStringEntry against a plain string model: in-place changes (setByte, write, append,
// growZero, writes through bytes()), the string cached between changes, and the switches between a
// buffer and a plain string that loading and cooling make (assigning `data`).
import { expect, test } from "bun:test";
import { seededRandom } from "../engine/clock.ts";
import { BufferedStringEntry, bufferedForChange, bufferedStringBytesMin, newStringEntry, stringHeldBytes, stringInMemory, stringLength } from "./entry.ts";

const text = (n: number, rng: () => number): string => Array.from({ length: n }, () => String.fromCharCode(Math.floor(rng() * 256))).join("");

test("in-place changes agree with the same changes made to a string", () => {
  const rng = seededRandom(5);
  for (let round = 0; round < 50; round++) {
    let model = text(Math.floor(rng() * 300), rng);
    const e = new BufferedStringEntry(newStringEntry(model, 1234));
    expect(e.expireAt).toBe(1234);
    for (let step = 0; step < 200; step++) {
      const r = rng();
      if (r < 0.3 && model.length > 0) {
        const i = Math.floor(rng() * model.length);
        const v = Math.floor(rng() * 256);
        e.setByte(i, v);
        model = model.slice(0, i) + String.fromCharCode(v) + model.slice(i + 1);
      } else if (r < 0.5) {
        const offset = Math.floor(rng() * (model.length + 50));
        const patch = text(1 + Math.floor(rng() * 20), rng);
        e.write(offset, patch);
        model = model.slice(0, offset).padEnd(offset, "\0") + patch + model.slice(offset + patch.length);
      } else if (r < 0.65) {
        const tail = text(Math.floor(rng() * 70), rng);
        e.append(tail);
        model += tail;
      } else if (r < 0.75) {
        const n = model.length + Math.floor(rng() * 100);
        e.growZero(n);
        model = model.padEnd(n, "\0");
      } else if (r < 0.85 && model.length > 0) {
        const bytes = e.bytes();
        const i = Math.floor(rng() * model.length);
        bytes[i] = 0x5a;
        e.changedInPlace();
        model = model.slice(0, i) + "Z" + model.slice(i + 1);
      } else if (r < 0.9) {
        // Loaded from disk, or replaced by a plain string: back to a string until the next change.
        model = text(Math.floor(rng() * 200), rng);
        e.data = model;
      } else {
        // Read every way; reading twice must give the same (cached) answer.
        expect(e.data).toBe(model);
        expect(e.data).toBe(model);
      }
      expect(e.length).toBe(model.length);
      expect(stringLength(e)).toBe(model.length);
      expect(stringInMemory(e)).toBe(true);
      expect(stringHeldBytes(e)).toBeGreaterThanOrEqual(model.length);
      if (model.length > 0) {
        const i = Math.floor(rng() * model.length);
        expect(e.byteAt(i)).toBe(model.charCodeAt(i));
        const view = e.view();
        expect(typeof view === "string" ? view.charCodeAt(i) : view[i]).toBe(model.charCodeAt(i));
      }
    }
    expect(e.data).toBe(model);
  }
});

test("a cold buffered value has no bytes in memory and is loaded back as a string", () => {
  const e = new BufferedStringEntry(newStringEntry("x".repeat(5000)));
  e.setByte(0, 0x41);
  e.cold = { segment: 1, offset: 0, length: 5100 };
  e.data = null;
  expect(stringInMemory(e)).toBe(false);
  expect(stringLength(e)).toBe(0);
  expect(e.data).toBe(null);
  expect(() => e.setByte(0, 1)).toThrow();
  e.data = "A" + "x".repeat(4999);
  e.cold = null;
  e.append("!");
  expect(e.data).toBe("A" + "x".repeat(4999) + "!");
});

test("only values of bufferedStringBytesMin bytes or more are buffered for a change", () => {
  const small = newStringEntry("abc");
  expect(bufferedForChange(small, 10)).toBe(small);
  const large = newStringEntry("y".repeat(bufferedStringBytesMin));
  const changing = bufferedForChange(large, bufferedStringBytesMin);
  expect(changing).toBeInstanceOf(BufferedStringEntry);
  expect(changing.data).toBe(large.data);
  expect(bufferedForChange(small, bufferedStringBytesMin)).toBeInstanceOf(BufferedStringEntry);
  expect(bufferedForChange(changing, 1)).toBe(changing);
});
