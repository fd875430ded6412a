// RDB lengths from untrusted payloads: a length no payload could back (more than the bytes left, past
// 2^53, or an LZF size that no compressed data could expand to) is a format error RESTORE answers with
// "Bad data format", never an allocation failure or a RangeError; LZF strings whose declared size is 0
// or does not match their data are accepted or refused exactly as Redis 7.0 does.
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

// Redis (rdbLoadLzfStringObject) accepts an LZF string when lzf_decompress returns its declared length,
// and lzf_decompress returns 0 both for an empty result and for any error: with a declared length of 0,
// whatever the compressed bytes hold, the string loads as empty (checked against redis-server 7.0).
const TYPE_LIST = 1;
const TYPE_SET = 2;
const TYPE_ZSET = 3;
const TYPE_HASH = 4;
const TYPE_ZSET_2 = 5;
const TYPE_HASH_ZIPMAP = 9;
const TYPE_LIST_ZIPLIST = 10;
const TYPE_SET_INTSET = 11;
const TYPE_LIST_QUICKLIST = 14;
const TYPE_HASH_LISTPACK = 16;
const NODE_PLAIN = 1;
const NODE_PACKED = 2;
/** An LZF string declaring 0 uncompressed bytes, holding `data` as its compressed bytes. */
const lzfEmpty = (data: readonly number[]): number[] => [LZF, data.length, 0, ...data];
const abc = [0x61, 0x62, 0x63];

test("an LZF string declaring 0 bytes loads as an empty string whatever its compressed bytes", () => {
  const bodies = [
    lzfEmpty([0x02, ...abc]), // a valid 3-byte literal run
    lzfEmpty([]), // no compressed bytes
    lzfEmpty([0xff]), // a back reference cut short
    lzfEmpty([0xff, 0xff, 0xff]), // a back reference before the start
    lzfEmpty([0x1f, 0x61]), // a literal run longer than the data
    [LZF, ...length32(3), ...length32(0), 0x02, ...abc], // the same lengths in their 32-bit forms
    [LZF, 3, ...length64(0n), 0x02, ...abc],
    [LZF, 8, 0, 0x00], // compressed bytes that run into the footer
  ];
  for (const body of bodies) {
    const e = restoreValue(payload([TYPE_STRING, ...body]));
    expect(e.type).toBe("string");
    expect(e.data).toBe("");
  }
});

test("an LZF string declaring 0 bytes still needs its compressed bytes in the payload", () => {
  expect(() => restoreValue(payload([TYPE_STRING, LZF, 30, 0, 0x00]))).toThrow(RdbFormatError);
});

test("an LZF string that expands to fewer or more bytes than it declares is a format error", () => {
  const bodies = [
    [LZF, 4, 4, 0x02, ...abc], // 3 literal bytes for 4
    [LZF, 4, 2, 0x02, ...abc], // 3 literal bytes for 2
    [LZF, 4, 5, 0x00, 0x61, 0x20, 0x00], // "a" and a 3-byte match: 4 bytes for 5
    [LZF, 4, 3, 0x00, 0x61, 0x20, 0x00], // ... and for 3
    [LZF, 0, 1], // nothing for 1
  ];
  for (const body of bodies) expect(() => restoreValue(payload([TYPE_STRING, ...body]))).toThrow(RdbFormatError);
  expect(restoreValue(payload([TYPE_STRING, LZF, 4, 4, 0x00, 0x61, 0x20, 0x00])).data).toBe("aaaa");
});

test("empty LZF strings load as empty list elements, set members, hash fields and values, zset members", () => {
  const list = restoreValue(payload([TYPE_LIST, 2, ...lzfEmpty([0x02, ...abc]), 1, 0x78]));
  if (list.type !== "list") throw new Error(`a list, got ${list.type}`);
  expect(list.data.toArray()).toEqual(["", "x"]);
  const set = restoreValue(payload([TYPE_SET, 2, ...lzfEmpty([0xff]), 1, 0x78]));
  if (set.type !== "set") throw new Error(`a set, got ${set.type}`);
  expect([...set.data].sort()).toEqual(["", "x"]);
  const hash = restoreValue(payload([TYPE_HASH, 1, ...lzfEmpty([0xff]), ...lzfEmpty([0x02, ...abc])]));
  if (hash.type !== "hash") throw new Error(`a hash, got ${hash.type}`);
  expect([...hash.data]).toEqual([["", ""]]);
  const one = [0, 0, 0, 0, 0, 0, 0xf0, 0x3f]; // 1.0 as a little-endian double
  const zsets = [payload([TYPE_ZSET_2, 1, ...lzfEmpty([0x02, ...abc]), ...one]), payload([TYPE_ZSET, 1, ...lzfEmpty([0x02, ...abc]), 1, 0x31])];
  for (const p of zsets) {
    const zset = restoreValue(p);
    if (zset.type !== "zset") throw new Error(`a sorted set, got ${zset.type}`);
    expect(zset.data.byRank(0, zset.data.size - 1)).toEqual([["", 1]]);
  }
});

test("an empty blob is a format error where Redis needs a listpack, ziplist, intset, zipmap or quicklist node", () => {
  const empties = [lzfEmpty([0x02, ...abc]), [0]];
  for (const empty of empties) {
    const bodies = [
      [TYPE_LIST_QUICKLIST_2, 1, NODE_PLAIN, ...empty],
      [TYPE_LIST_QUICKLIST_2, 2, NODE_PLAIN, ...empty, NODE_PLAIN, 1, 0x61], // also beside a good node
      [TYPE_LIST_QUICKLIST_2, 1, NODE_PACKED, ...empty],
      [TYPE_LIST_QUICKLIST, 1, ...empty],
      [TYPE_LIST_ZIPLIST, ...empty],
      [TYPE_SET_INTSET, ...empty],
      [TYPE_HASH_ZIPMAP, ...empty],
      [TYPE_HASH_LISTPACK, ...empty],
    ];
    for (const body of bodies) expect(() => restoreValue(payload(body))).toThrow(RdbFormatError);
  }
});
