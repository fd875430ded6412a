// MemoryStorage: appends replace conflicting tails, compaction keeps the boundary term, snapshots reset.
import { expect, test } from "bun:test";
import { CompactedError, MemoryStorage, UnavailableError } from "./storage.ts";
import type { Entry } from "./types.ts";

function entries(term: number, from: number, count: number): Entry[] {
  return Array.from({ length: count }, (_, i) => ({ term, index: from + i, type: "normal", data: new Uint8Array([i]) }));
}

test("an append that conflicts replaces the tail from the first new index", () => {
  const storage = new MemoryStorage();
  storage.append(entries(1, 1, 5));
  storage.append(entries(2, 3, 2));
  expect(storage.lastIndex()).toBe(4);
  expect([1, 2, 3, 4].map((i) => storage.term(i))).toEqual([1, 1, 2, 2]);
});

test("compaction keeps the term of the last compacted entry and refuses older reads", () => {
  const storage = new MemoryStorage();
  storage.append(entries(1, 1, 3).concat(entries(2, 4, 3)));
  storage.compact(4);
  expect(storage.firstIndex()).toBe(5);
  expect(storage.term(4)).toBe(2);
  expect(() => storage.entries(4, 6, 10)).toThrow(CompactedError);
  expect(() => storage.term(9)).toThrow(UnavailableError);
  expect(storage.entries(5, 7, 1).map((e) => e.index)).toEqual([5]);
});

test("applying a newer snapshot discards the log; an older one is ignored", () => {
  const storage = new MemoryStorage();
  storage.append(entries(1, 1, 3));
  const confState = { voters: [1, 2, 3], learners: [] };
  storage.applySnapshot({ meta: { index: 10, term: 3, confState }, data: new Uint8Array([7]) });
  expect([storage.firstIndex(), storage.lastIndex(), storage.term(10)]).toEqual([11, 10, 3]);
  storage.applySnapshot({ meta: { index: 5, term: 2, confState }, data: new Uint8Array() });
  expect(storage.snapshot().meta.index).toBe(10);
});
