// Covers each normaliser: what it makes equal, what it must still tell apart, and how it is scoped.
import { describe, expect, test } from "bun:test";
import { type Reply, decodeReply, encodeReply } from "../support/resp.ts";
import {
  clientInfoVolatileFields,
  defaultNormalisers,
  ignoreFields,
  ignoreItemFields,
  ignoreValue,
  intWithin,
  replaceText,
  sortArray,
  unorderedMap,
  type Normaliser,
} from "./normalise.ts";

const reply = (wire: string): Reply => decodeReply(Uint8Array.from(wire, (char) => char.charCodeAt(0)));

/** True when the two wire replies are equal after the normaliser. */
function sameAfter(normaliser: Normaliser, reference: string, candidate: string): boolean {
  const [a, b] = normaliser.apply(reply(reference), reply(candidate));
  const left = encodeReply(a, 3);
  const right = encodeReply(b, 3);
  return left.length === right.length && left.every((byte, i) => byte === right[i]);
}

describe("scopes", () => {
  test("a command name matches case-insensitively, with an optional subcommand", () => {
    expect(sortArray("smembers").appliesTo(["SMEMBERS", "s"], 3)).toBe(true);
    expect(sortArray("CLIENT INFO").appliesTo(["client", "info"], 0)).toBe(true);
    expect(sortArray("CLIENT INFO").appliesTo(["CLIENT", "ID"], 0)).toBe(false);
  });
  test("a number matches the command at that index; no scope matches everything", () => {
    expect(ignoreValue(2).appliesTo(["TIME"], 2)).toBe(true);
    expect(ignoreValue(2).appliesTo(["TIME"], 1)).toBe(false);
    expect(ignoreValue().appliesTo(["ANY"], 9)).toBe(true);
  });
});

test("sortArray ignores element order but not the elements", () => {
  expect(sameAfter(sortArray(), "*2\r\n$1\r\nb\r\n$1\r\na\r\n", "*2\r\n$1\r\na\r\n$1\r\nb\r\n")).toBe(true);
  expect(sameAfter(sortArray(), "~2\r\n+b\r\n+a\r\n", "~2\r\n+a\r\n+b\r\n")).toBe(true);
  expect(sameAfter(sortArray(), "*2\r\n$1\r\nb\r\n$1\r\na\r\n", "*2\r\n$1\r\na\r\n$1\r\nc\r\n")).toBe(false);
  expect(sameAfter(sortArray(), "~1\r\n+a\r\n", "*1\r\n+a\r\n")).toBe(false);
});

test("unorderedMap ignores pair order in maps and flat RESP2 pair arrays, keeping pairs together", () => {
  expect(sameAfter(unorderedMap(), "%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n", "%2\r\n+b\r\n:2\r\n+a\r\n:1\r\n")).toBe(true);
  expect(sameAfter(unorderedMap(), "*4\r\n+a\r\n:1\r\n+b\r\n:2\r\n", "*4\r\n+b\r\n:2\r\n+a\r\n:1\r\n")).toBe(true);
  expect(sameAfter(unorderedMap(), "*4\r\n+a\r\n:1\r\n+b\r\n:2\r\n", "*4\r\n+b\r\n:1\r\n+a\r\n:2\r\n")).toBe(false);
});

test("ignoreValue keeps shape, types, errors and nulls", () => {
  expect(sameAfter(ignoreValue(), "*2\r\n$10\r\n1700000000\r\n$3\r\n123\r\n", "*2\r\n$1\r\n9\r\n$1\r\n1\r\n")).toBe(true);
  expect(sameAfter(ignoreValue(), ":5\r\n", ":7\r\n")).toBe(true);
  expect(sameAfter(ignoreValue(), ":5\r\n", "$1\r\n5\r\n")).toBe(false);
  expect(sameAfter(ignoreValue(), "-ERR a\r\n", "-ERR b\r\n")).toBe(false);
  expect(sameAfter(ignoreValue(), "$-1\r\n", "$0\r\n\r\n")).toBe(false);
  expect(sameAfter(ignoreValue(), "*1\r\n:1\r\n", "*2\r\n:1\r\n:1\r\n")).toBe(false);
});

test("ignoreFields blanks only the named fields of a map or pair array", () => {
  const fields = ignoreFields(["id", "version"]);
  const hello = (id: number): string => `%2\r\n$2\r\nid\r\n:${id}\r\n$5\r\nproto\r\n:3\r\n`;
  expect(sameAfter(fields, hello(4), hello(9))).toBe(true);
  expect(sameAfter(fields, "*2\r\n$7\r\nversion\r\n$1\r\n7\r\n", "*2\r\n$7\r\nversion\r\n$1\r\n8\r\n")).toBe(true);
  expect(sameAfter(fields, "%1\r\n$5\r\nproto\r\n:3\r\n", "%1\r\n$5\r\nproto\r\n:2\r\n")).toBe(false);
});

test("ignoreItemFields blanks the given positions of each inner array, comparing the rest", () => {
  const fields = ignoreItemFields([0, 2]);
  const entry = (id: number, arg: string, us: number): string => `*3\r\n:${id}\r\n$1\r\n${arg}\r\n:${us}\r\n`;
  expect(sameAfter(fields, `*2\r\n${entry(1, "a", 5)}${entry(2, "b", 6)}`, `*2\r\n${entry(7, "a", 9)}${entry(8, "b", 1)}`)).toBe(true);
  expect(sameAfter(fields, `*1\r\n${entry(1, "a", 5)}`, `*1\r\n${entry(1, "b", 5)}`)).toBe(false);
  expect(sameAfter(fields, `*1\r\n${entry(1, "a", 5)}`, `*2\r\n${entry(1, "a", 5)}${entry(1, "a", 5)}`)).toBe(false);
});

test("the defaults blank HELLO's identity in an EXEC reply too, and nothing else there", () => {
  const exec = defaultNormalisers.find((n) => n.label.startsWith("helloInsideExec"));
  if (exec === undefined) throw new Error("no helloInsideExec normaliser among the defaults");
  expect(exec.appliesTo(["EXEC"], 0)).toBe(true);
  expect(exec.appliesTo(["GET", "k"], 0)).toBe(false);
  const hello = (id: number): string => `%3\r\n$6\r\nserver\r\n$5\r\nredis\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:${id}\r\n`;
  const flat = (id: number): string => `*6\r\n$6\r\nserver\r\n$5\r\nredis\r\n$5\r\nproto\r\n:2\r\n$2\r\nid\r\n:${id}\r\n`;
  expect(sameAfter(exec, `*2\r\n+OK\r\n${hello(4)}`, `*2\r\n+OK\r\n${hello(9)}`)).toBe(true);
  expect(sameAfter(exec, `*2\r\n${flat(4)}:1\r\n`, `*2\r\n${flat(7)}:1\r\n`)).toBe(true);
  // Other elements, and a HELLO reply's other fields, are still compared.
  expect(sameAfter(exec, `*2\r\n+OK\r\n${hello(4)}`, `*2\r\n+NO\r\n${hello(4)}`)).toBe(false);
  expect(sameAfter(exec, `*1\r\n${flat(4)}`, `*1\r\n${flat(4).replace(":2", ":3")}`)).toBe(false);
  // A map that is not a HELLO reply keeps its id.
  const other = (id: number): string => `*1\r\n%1\r\n$2\r\nid\r\n:${id}\r\n`;
  expect(sameAfter(exec, other(1), other(2))).toBe(false);
});

test("intWithin accepts integers within the delta, at the top level and inside arrays", () => {
  expect(sameAfter(intWithin(1), ":100\r\n", ":99\r\n")).toBe(true);
  expect(sameAfter(intWithin(1), ":100\r\n", ":98\r\n")).toBe(false);
  expect(sameAfter(intWithin(50), "*2\r\n:1000\r\n:-1\r\n", "*2\r\n:990\r\n:-1\r\n")).toBe(true);
  expect(sameAfter(intWithin(1), ":-2\r\n", ":-1\r\n")).toBe(true);
});

test("replaceText rewrites matches in strings, bulk and verbatim text without touching other bytes", () => {
  const info = replaceText(clientInfoVolatileFields);
  const a = "id=3 addr=127.0.0.1:1 laddr=127.0.0.1:2 fd=8 name=x age=1 idle=0 flags=N db=0 qbuf-free=9 resp=2\n";
  const b = "id=9 addr=127.0.0.1:5 laddr=127.0.0.1:6 fd=9 name=x age=0 idle=2 flags=N db=0 qbuf-free=1 resp=2\n";
  const c = b.replace("db=0", "db=1");
  const bulk = (text: string): string => `$${text.length}\r\n${text}\r\n`;
  expect(sameAfter(info, bulk(a), bulk(b))).toBe(true);
  expect(sameAfter(info, bulk(a), bulk(c))).toBe(false);
  expect(sameAfter(info, `=${a.length + 4}\r\ntxt:${a}\r\n`, `=${b.length + 4}\r\ntxt:${b}\r\n`)).toBe(true);
  expect(sameAfter(replaceText(/x/g), "$3\r\nx\xff\0\r\n", "$3\r\ny\xff\0\r\n")).toBe(false);
  expect(sameAfter(replaceText(/[xy]/g), "$3\r\nx\xff\0\r\n", "$3\r\ny\xff\0\r\n")).toBe(true);
});
