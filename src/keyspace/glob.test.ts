// Glob matching follows Redis's stringmatchlen: wildcards, classes, ranges, escapes and signed bytes.
import { expect, test } from "bun:test";
import { globMatch, globMatcher } from "./glob.ts";

const cases: [string, string, boolean][] = [
  // stringmatchlen never matches an empty subject against a non-empty pattern, not even "*" ...
  ["*", "", false],
  ["**", "", false],
  ["*", "anything", true],
  ["", "", true],
  ["", "a", false],
  ["a*", "a", true],
  ["a*", "abc", true],
  ["a*", "ba", false],
  ["*a", "bca", true],
  ["*a*b", "xaxxb", true],
  ["*a*b", "xaxxbc", false],
  ["h?llo", "hello", true],
  ["h?llo", "hllo", false],
  ["h[ae]llo", "hallo", true],
  ["h[ae]llo", "hillo", false],
  ["h[^e]llo", "hallo", true],
  ["h[^e]llo", "hello", false],
  ["h[a-b]llo", "hbllo", true],
  ["h[b-a]llo", "hallo", true],
  ["h[a-b]llo", "hcllo", false],
  ["h\\*llo", "h*llo", true],
  ["h\\*llo", "hello", false],
  ["h[\\]]llo", "h]llo", true],
  ["h[\\-]llo", "h-llo", true],
  ["[abc", "a", true],
  ["[abc", "d", false],
  ["[", "a", false],
  ["[a-", "a", true],
  ["a\\", "a\\", true],
  ["\\", "\\", true],
  ["**a", "ba", true],
  ["a**", "a", true],
  ["a*?", "a", false],
  ["a*?", "ab", true],
  // Bytes compare as signed char: 0xff is -1, so [a-\xff] spans -1..97.
  ["[a-\u00ff]", "\u00ff", true],
  ["[a-\u00ff]", "\u0000", true],
  ["[a-\u00ff]", "b", false],
  ["[\u0080-\u00ff]", "\u00c0", true],
];

for (const [pattern, subject, expected] of cases) {
  test(`${JSON.stringify(pattern)} ${expected ? "matches" : "does not match"} ${JSON.stringify(subject)}`, () => {
    expect(globMatch(pattern, subject)).toBe(expected);
    if (pattern !== "*") expect(globMatcher(pattern)(subject)).toBe(expected);
  });
}

test("... but KEYS and SCAN treat a lone * as match-all, so the empty key is listed", () => {
  expect(globMatcher("*")("")).toBe(true);
});

test("nocase folds ASCII letters in literals, classes and ranges", () => {
  expect(globMatch("HeLLo", "hello", { nocase: true })).toBe(true);
  expect(globMatch("[A-C]x", "bx", { nocase: true })).toBe(true);
  expect(globMatch("HeLLo", "hello")).toBe(false);
});

test("a pathological pattern finishes quickly", () => {
  const started = performance.now();
  expect(globMatch("a*".repeat(30) + "b", "a".repeat(100))).toBe(false);
  expect(performance.now() - started).toBeLessThan(1000);
});
