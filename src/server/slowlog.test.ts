// The slow log's bounds: arguments cut as Redis cuts them, newest first, trimming, ids kept across RESET.
import { expect, test } from "bun:test";
import { SlowLog, slowlogArgcMax, slowlogArgBytesMax } from "./slowlog.ts";

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const textOf = (a: Uint8Array): string => new TextDecoder().decode(a);
const call = (argv: string[]) => ({ argv: argv.map(bytes), durationUs: 5, timeSec: 1, peer: "127.0.0.1:1", clientName: "" });

test("more than 32 arguments keep 31 and say how many more there were", () => {
  const log = new SlowLog();
  log.push(call(Array.from({ length: 40 }, (_, i) => `a${i}`)));
  const argv = (log.newest(1)[0]?.argv ?? []).map(textOf);
  expect(argv.length).toBe(slowlogArgcMax);
  expect(argv[30]).toBe("a30");
  expect(argv[31]).toBe("... (9 more arguments)");
});

test("an argument over 128 bytes keeps 128 and says how many bytes more", () => {
  const log = new SlowLog();
  log.push(call(["SET", "k", "x".repeat(200)]));
  expect(textOf(log.newest(1)[0]?.argv[2] ?? new Uint8Array())).toBe("x".repeat(slowlogArgBytesMax) + "... (72 more bytes)");
});

test("entries are newest first, trimmed from the oldest; ids keep counting after RESET", () => {
  const log = new SlowLog();
  for (const k of ["a", "b", "c"]) log.push(call(["GET", k]));
  log.trim(2);
  expect(log.newest(10).map((e) => [e.id, textOf(e.argv[1] ?? new Uint8Array())])).toEqual([[2, "c"], [1, "b"]]);
  log.reset();
  expect(log.length).toBe(0);
  log.push(call(["GET", "d"]));
  expect(log.newest(1)[0]?.id).toBe(3);
});
