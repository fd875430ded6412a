// The HSCAN/SSCAN cursor over large collections: a full scan returns every element once, and elements
// present for the whole scan are returned exactly once while others come and go.
import { expect, test } from "bun:test";
import { nameHash32, scanPage } from "./collection-scan.ts";

function fullScan(names: Set<string>, count: number, between?: (round: number) => void): string[] {
  const seen: string[] = [];
  let cursor = 0n;
  for (let round = 0; round < 100_000; round++) {
    const page = scanPage(names, cursor, count);
    seen.push(...page.names);
    if (page.next === 0) return seen;
    cursor = BigInt(page.next);
    between?.(round);
  }
  throw new Error("scan did not finish");
}

test("a full scan returns every element exactly once, in pages of at least COUNT", () => {
  const names = new Set(Array.from({ length: 1000 }, (_, i) => `m${i}`));
  const seen = fullScan(names, 10);
  expect(seen.length).toBe(1000);
  expect(new Set(seen)).toEqual(names);
  expect(scanPage(names, 0n, 10).names.length).toBeGreaterThanOrEqual(10);
});

test("elements present throughout are returned exactly once while others are added and removed", () => {
  const stable = Array.from({ length: 500 }, (_, i) => `s${i}`);
  const names = new Set(stable);
  const seen = fullScan(names, 7, (round) => {
    names.add(`new${round}`);
    names.delete(`new${round - 3}`);
  });
  for (const s of stable) expect(seen.filter((x) => x === s).length).toBe(1);
});

test("a cursor beyond the hash range ends the scan; the hash is FNV-1a", () => {
  expect(scanPage(new Set(["a"]), 1n << 40n, 10)).toEqual({ names: [], next: 0 });
  expect(nameHash32("")).toBe(0x811c9dc5);
  expect(nameHash32("a")).toBe(0xe40c292c);
});
