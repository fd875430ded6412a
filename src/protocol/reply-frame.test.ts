// replyFrameEnd finds reply boundaries in RESP2/RESP3 streams exactly where the test suite's reference
// framer does, for whole replies, for every prefix (incomplete), and for replies back to back.
import { expect, test } from "bun:test";
import { encodeReply, frameReply, type Reply } from "../../test/support/resp.ts";
import { ReplyFrameError, replyFrameEnd } from "./reply-frame.ts";

const enc = new TextEncoder();

const samples: Uint8Array[] = [
  enc.encode("+OK\r\n"),
  enc.encode("-ERR unknown command 'x'\r\n"),
  enc.encode(":-12\r\n"),
  enc.encode("$-1\r\n"),
  enc.encode("*-1\r\n"),
  enc.encode("$0\r\n\r\n"),
  enc.encode("$4\r\na\r\nb\r\n"), // a bulk containing CRLF
  enc.encode("*0\r\n"),
  enc.encode("*3\r\n$1\r\na\r\n*2\r\n:1\r\n$-1\r\n+x\r\n"),
  enc.encode("%2\r\n+a\r\n:1\r\n+b\r\n*1\r\n_\r\n"),
  enc.encode("~2\r\n#t\r\n,3.5\r\n"),
  enc.encode("(12345678901234567890\r\n"),
  enc.encode("=8\r\ntxt:abcd\r\n"),
  enc.encode("!5\r\nERR x\r\n"),
  enc.encode("|1\r\n+key\r\n+value\r\n*1\r\n:7\r\n"),
  enc.encode(">3\r\n+message\r\n+ch\r\n+hi\r\n"),
  encodeReply({ type: "map", value: [[{ type: "bulk", value: enc.encode("server") }, { type: "bulk", value: enc.encode("redis") }]] } satisfies Reply, 3),
];

test("each sample is one reply, and no proper prefix of it is", () => {
  for (const s of samples) {
    expect(replyFrameEnd(s, 0)).toBe(frameReply(s, 0));
    expect(replyFrameEnd(s, 0)).toBe(s.length);
    for (let cut = 0; cut < s.length; cut++) expect(replyFrameEnd(s.subarray(0, cut), 0)).toBe(-1);
  }
});

test("replies back to back are found one after the other", () => {
  const all = new Uint8Array(samples.reduce((n, s) => n + s.length, 0));
  let pos = 0;
  for (const s of samples) {
    all.set(s, pos);
    pos += s.length;
  }
  const ends: number[] = [];
  for (let at = 0; at < all.length; ) {
    at = replyFrameEnd(all, at);
    ends.push(at);
  }
  let expected = 0;
  expect(ends).toEqual(samples.map((s) => (expected += s.length)));
});

test("bytes no server sends are an error, not a hang", () => {
  expect(() => replyFrameEnd(enc.encode("?\r\n"), 0)).toThrow(ReplyFrameError);
  expect(() => replyFrameEnd(enc.encode("$x\r\n"), 0)).toThrow(ReplyFrameError);
});

test("deep nesting does not use the stack", () => {
  const depth = 100_000;
  const bytes = enc.encode("*1\r\n".repeat(depth) + ":1\r\n");
  expect(replyFrameEnd(bytes, 0)).toBe(bytes.length);
});
