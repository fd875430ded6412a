// Covers the test-support RESP framer, decoder and encoder on every RESP2/RESP3 reply type, including
// replies cut at every byte, attributes, nesting, and malformed input.
import { describe, expect, test } from "bun:test";
import { RespFormatError, decodeReply, encodeCommand, encodeReply, frameReply, renderRawReply } from "./resp.ts";

const bytes = (text: string): Uint8Array => Uint8Array.from(text, (char) => char.charCodeAt(0));
const text = (data: Uint8Array): string => String.fromCharCode(...data);

const samples: Record<string, string> = {
  simple: "+OK\r\n",
  error: "-ERR unknown command 'x'\r\n",
  integer: ":-42\r\n",
  bulk: "$5\r\nhe\r\no\r\n",
  emptyBulk: "$0\r\n\r\n",
  nullBulk: "$-1\r\n",
  nullArray: "*-1\r\n",
  emptyArray: "*0\r\n",
  nestedArray: "*2\r\n*2\r\n:1\r\n$1\r\na\r\n*0\r\n",
  null: "_\r\n",
  double: ",3.14\r\n",
  infinity: ",-inf\r\n",
  booleans: "*2\r\n#t\r\n#f\r\n",
  bignum: "(3492890328409238509324850943850943825024385\r\n",
  blobError: "!21\r\nSYNTAX invalid syntax\r\n",
  verbatim: "=15\r\ntxt:Some string\r\n",
  map: "%2\r\n+first\r\n:1\r\n+second\r\n*1\r\n_\r\n",
  set: "~3\r\n+a\r\n+b\r\n:3\r\n",
  push: ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n",
  attribute: "|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*2\r\n:2039123\r\n:9543892\r\n",
  attributeInsideArray: "*2\r\n:1\r\n|1\r\n+ttl\r\n:3600\r\n:2\r\n",
  emptyAttribute: "|0\r\n+OK\r\n",
};

describe("frameReply", () => {
  for (const [name, sample] of Object.entries(samples)) {
    test(`finds the end of the ${name} sample and needs more bytes for every prefix`, () => {
      const data = bytes(sample);
      expect(frameReply(data)).toBe(data.length);
      for (let cut = 0; cut < data.length; cut++) expect(frameReply(data.subarray(0, cut))).toBe(-1);
    });
  }

  test("stops at the end of the first of several pipelined replies", () => {
    const data = bytes("+OK\r\n*1\r\n:1\r\n$1\r\nx\r\n");
    expect(frameReply(data, 0)).toBe(5);
    expect(frameReply(data, 5)).toBe(13);
    expect(frameReply(data, 13)).toBe(data.length);
  });

  test("rejects bytes no server sends", () => {
    for (const bad of ["?x\r\n", "$abc\r\n", "$2\r\nabc\r\n", "*-2\r\n", "~-1\r\n", "+a\rb\r\n"]) {
      expect(() => frameReply(bytes(bad))).toThrow(RespFormatError);
    }
  });
});

describe("decodeReply and encodeReply", () => {
  for (const [name, sample] of Object.entries(samples)) {
    test(`the ${name} sample round-trips byte for byte in RESP3`, () => {
      expect(text(encodeReply(decodeReply(bytes(sample)), 3))).toBe(sample);
    });
  }

  test("decodes types into a tagged tree", () => {
    expect(decodeReply(bytes(samples.map ?? ""))).toEqual({
      type: "map",
      value: [
        [{ type: "simple", value: "first" }, { type: "integer", value: 1n }],
        [{ type: "simple", value: "second" }, { type: "array", value: [{ type: "null" }] }],
      ],
    });
    expect(decodeReply(bytes(samples.verbatim ?? ""))).toEqual({
      type: "verbatim",
      format: "txt",
      value: bytes("Some string"),
    });
  });

  test("downgrades RESP3 types for RESP2 the way Redis does", () => {
    const downgrade = (sample: string): string => text(encodeReply(decodeReply(bytes(sample)), 2));
    expect(downgrade("%1\r\n+a\r\n:1\r\n")).toBe("*2\r\n+a\r\n:1\r\n");
    expect(downgrade("_\r\n")).toBe("$-1\r\n");
    expect(downgrade(",1.5\r\n")).toBe("$3\r\n1.5\r\n");
    expect(downgrade("#t\r\n")).toBe(":1\r\n");
    expect(downgrade("=7\r\ntxt:abc\r\n")).toBe("$3\r\nabc\r\n");
    expect(downgrade("~1\r\n+x\r\n")).toBe("*1\r\n+x\r\n");
    expect(downgrade(samples.attribute ?? "")).toBe("*2\r\n:2039123\r\n:9543892\r\n");
  });

  test("refuses trailing bytes", () => {
    expect(() => decodeReply(bytes("+OK\r\n+OK\r\n"))).toThrow(RespFormatError);
  });
});

test("encodeCommand writes a multibulk with binary-safe arguments", () => {
  expect(text(encodeCommand(["SET", "k", new Uint8Array([0, 13, 10])]))).toBe("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n\0\r\n\r\n");
  expect(text(encodeCommand([""]))).toBe("*1\r\n$0\r\n\r\n");
});

test("renderRawReply shows one RESP line per line with bytes escaped", () => {
  expect(renderRawReply(bytes("*1\r\n$2\r\n\0\xff\r\n"), { indent: "  " })).toBe("  *1\\r\\n\n  $2\\r\\n\n  \\x00\\xff\\r\\n");
});
