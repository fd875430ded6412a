// RDB lengths from untrusted payloads: a length no payload could back (more than the bytes left, past
// 2^53, or an LZF size that no compressed data could expand to) is a format error RESTORE answers with
// "Bad data format", never an allocation failure or a RangeError.
import { expect, test } from "bun:test";
import { crc64, RdbFormatError, Reader } from "./rdb-codec.ts";
import { payloadFooterValid, RDB_VERSION, restoreValue } from "./rdb.ts";

/** A RESTORE payload around `body` with a correct version footer and CRC64. */
function payload(body: readonly number[]): Uint8Array {
  const head = Uint8Array.from([...body, RDB_VERSION, 0]);
  const out = new Uint8Array(head.length + 8);
  out.set(head);
  out.set(crc64(head), head.length);
  return out;
}

/** The 9-byte RDB_64BITLEN form of `n` (big-endian, as Redis writes it). */
function length64(n: bigint): number[] {
  const out = [0x81];
  for (let shift = 56n; shift >= 0n; shift -= 8n) out.push(Number((n >> shift) & 0xffn));
  return out;
}

/** The 5-byte RDB_32BITLEN form of `n`. */
function length32(n: number): number[] {
  return [0x80, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

const TYPE_STRING = 0;
const TYPE_LIST_QUICKLIST_2 = 18;
const LZF = 0xc3;

test("a length up to the bytes left is read, one past them is a format error", () => {
  const body = [...length64(3n), 0x61, 0x62, 0x63];
  expect(new Reader(Uint8Array.from(body)).length()).toBe(3);
  expect(new Reader(Uint8Array.from(length64(0n))).length()).toBe(0);
  expect(() => new Reader(Uint8Array.from([...length64(4n), 0x61, 0x62, 0x63])).length()).toThrow(RdbFormatError);
  expect(() => new Reader(Uint8Array.from([...length32(4), 0x61, 0x62, 0x63])).length()).toThrow(RdbFormatError);
});

test("64-bit lengths past 2^53 are format errors, not rounded numbers", () => {
  for (const n of [2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n]) {
    expect(() => new Reader(Uint8Array.from(length64(n))).length()).toThrow(RdbFormatError);
  }
});

test("RESTORE payloads with a valid footer but a huge length are format errors", () => {
  const huge = [
    // A string claiming 2^62 bytes (also past 2^53) and one claiming one byte more than the payload has.
    payload([TYPE_STRING, ...length64(2n ** 62n), 0x61]),
    payload([TYPE_STRING, ...length64(100n), 0x61]),
    // LZF strings whose uncompressed size no 3 compressed bytes can reach: these must not be allocated.
    payload([TYPE_STRING, LZF, 3, ...length64(2n ** 62n), 0x02, 0x61, 0x62, 0x63]),
    payload([TYPE_STRING, LZF, 3, ...length64(2n ** 40n), 0x02, 0x61, 0x62, 0x63]),
    payload([TYPE_STRING, LZF, 3, ...length32(0xffffffff), 0x02, 0x61, 0x62, 0x63]),
    // A compressed size past the payload, and a quicklist claiming 2^64-1 nodes.
    payload([TYPE_STRING, LZF, ...length64(2n ** 56n), 3, 0x02, 0x61, 0x62, 0x63]),
    payload([TYPE_LIST_QUICKLIST_2, ...length64(2n ** 64n - 1n), 2, 1, 0x61]),
  ];
  for (const p of huge) {
    expect(payloadFooterValid(p)).toBe(true);
    expect(() => restoreValue(p)).toThrow(RdbFormatError);
  }
});

test("an LZF string that really expands past its compressed size still loads", () => {
  // "a" then a back reference repeating it: 1 literal and a 264-byte match from 5 compressed bytes.
  const p = payload([TYPE_STRING, LZF, 5, ...length32(265), 0x00, 0x61, 0xe0, 0xff, 0x00]);
  const e = restoreValue(p);
  expect(e.type).toBe("string");
  expect(e.data).toBe("a".repeat(265));
});
