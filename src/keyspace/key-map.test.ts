// KeyMap keeps each key in one scan slot from insertion to deletion, so a slot walk sees every key
// that stays put, exactly once, however the map changes around it.
import { expect, test } from "bun:test";
import { KeyMap } from "./key-map.ts";
import { newStringEntry } from "./entry.ts";

function walk(m: KeyMap, from: number, to: number): string[] {
  const out: string[] = [];
  for (let s = from; s < to; s++) {
    const k = m.keyAt(s);
    if (k !== null) out.push(k);
  }
  return out;
}

test("overwriting keeps the slot; deleting frees it for reuse", () => {
  const m = new KeyMap();
  m.set("a", newStringEntry("1"));
  m.set("b", newStringEntry("2"));
  m.set("a", newStringEntry("3"));
  expect(walk(m, 0, m.slotCount)).toEqual(["a", "b"]);
  m.delete("a");
  expect(walk(m, 0, m.slotCount)).toEqual(["b"]);
  m.set("c", newStringEntry("4"));
  expect(m.slotCount).toBe(2);
  expect(walk(m, 0, m.slotCount)).toEqual(["c", "b"]);
  expect(m.delete("missing")).toBe(false);
  m.clear();
  expect(m.slotCount).toBe(0);
  expect(m.size).toBe(0);
});

test("a walk interleaved with churn returns every stable key exactly once", () => {
  const m = new KeyMap();
  for (let i = 0; i < 1000; i++) m.set(`stable:${i}`, newStringEntry("v"));
  let seed = 7;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const seen = new Map<string, number>();
  let churn = 0;
  for (let slot = 0; slot < m.slotCount; slot += 10) {
    for (const k of walk(m, slot, Math.min(slot + 10, m.slotCount))) seen.set(k, (seen.get(k) ?? 0) + 1);
    for (let j = 0; j < 5; j++) {
      m.set(`churn:${churn++}`, newStringEntry("x"));
      const victim = `churn:${rand(churn)}`;
      m.delete(victim);
    }
  }
  for (let i = 0; i < 1000; i++) expect(seen.get(`stable:${i}`)).toBe(1);
});

test("the same entry object stored under a new key before the old key is deleted keeps both slots right", () => {
  const m = new KeyMap();
  const e = newStringEntry("v");
  m.set("a", e);
  m.set("b", e);
  m.delete("a");
  expect(m.keyAt(e.scanSlot)).toBe("b");
  const live: string[] = [];
  for (let slot = 0; slot < m.slotCount; slot++) {
    const k = m.keyAt(slot);
    if (k !== null) live.push(k);
  }
  expect(live).toEqual(["b"]);
});
