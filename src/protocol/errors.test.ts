// Error texts built from client input match redis-server 7.0.15's replies byte for byte.
import { describe, expect, test } from "bun:test";
import { errArity, errInvalidExpireTime, errUnknownCommand, errUnknownSubcommand } from "./errors.ts";
import { ReplyWriter } from "./writer.ts";

function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** The reply line as a client receives it. */
function reply(errorText: string): string {
  const w = new ReplyWriter();
  w.error(errorText);
  return String.fromCharCode(...w.take());
}

describe("unknown command", () => {
  // [argv, reply] captured from redis-server 7.0.15.
  const a = (n: number) => "a".repeat(n);
  const cases: [string[], string][] = [
    [["foo", "a", "b"], "-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n"],
    [["foo"], "-ERR unknown command 'foo', with args beginning with: \r\n"],
    [["", ""], "-ERR unknown command '', with args beginning with: '' \r\n"],
    [["foo", a(200)], `-ERR unknown command 'foo', with args beginning with: '${a(128)}' \r\n`],
    [["foo", a(100), "b".repeat(100), "c"], `-ERR unknown command 'foo', with args beginning with: '${a(100)}' '${"b".repeat(25)}' \r\n`],
    [["foo", a(120), "bcdefghijklmn", "c"], `-ERR unknown command 'foo', with args beginning with: '${a(120)}' 'bcdef' \r\n`],
    [["foo", a(123), "b", "c"], `-ERR unknown command 'foo', with args beginning with: '${a(123)}' 'b' \r\n`],
    [["foo", a(124), "b", "c"], `-ERR unknown command 'foo', with args beginning with: '${a(124)}' 'b' \r\n`],
    [["f".repeat(200), "x"], `-ERR unknown command '${"f".repeat(128)}', with args beginning with: 'x' \r\n`],
    [["foo", "a\u0000b", "c\r\nd"], "-ERR unknown command 'foo', with args beginning with: 'a' 'c  d' \r\n"],
    [["fo\r\no", "x"], "-ERR unknown command 'fo  o', with args beginning with: 'x' \r\n"],
    [["\u00e9\u00ff", "\u0080"], "-ERR unknown command '\u00e9\u00ff', with args beginning with: '\u0080' \r\n"],
  ];
  for (const [argv, want] of cases) {
    test(JSON.stringify(argv).slice(0, 80), () => {
      const [name, ...args] = argv as [string, ...string[]];
      expect(reply(errUnknownCommand(name, args))).toBe(want);
      expect(reply(errUnknownCommand(bytes(name), args.map(bytes)))).toBe(want);
    });
  }
});

describe("unknown subcommand", () => {
  const cases: [string, string][] = [
    ["foo", "-ERR unknown subcommand 'foo'. Try CONFIG HELP.\r\n"],
    ["FoO", "-ERR unknown subcommand 'FoO'. Try CONFIG HELP.\r\n"],
    ["a".repeat(200), `-ERR unknown subcommand '${"a".repeat(128)}'. Try CONFIG HELP.\r\n`],
    ["x\u0000y", "-ERR unknown subcommand 'x'. Try CONFIG HELP.\r\n"],
    ["\r\nx\r\n", "-ERR unknown subcommand '  x  '. Try CONFIG HELP.\r\n"],
  ];
  for (const [sub, want] of cases) {
    test(JSON.stringify(sub).slice(0, 40), () => {
      expect(reply(errUnknownSubcommand(sub, "CONFIG"))).toBe(want);
      expect(reply(errUnknownSubcommand(bytes(sub), "CONFIG"))).toBe(want);
    });
  }
});

test("arity and expire time name the command", () => {
  expect(errArity("get")).toBe("ERR wrong number of arguments for 'get' command");
  expect(errArity("config|get")).toBe("ERR wrong number of arguments for 'config|get' command");
  expect(errInvalidExpireTime("set")).toBe("ERR invalid expire time in 'set' command");
});
