// Differential cases for DUMP and RESTORE: payloads of every type in its compact and large encodings
// (compared byte for byte), RESTORE of payloads in every encoding Redis 7.0 accepts (also the older
// ziplist, zipmap and plain forms, built here), options, TTLs, and every error.
import { type DiffCase, script } from "../case.ts";
import { intWithin, sortArray } from "../normalise.ts";
import { crc64 } from "../../../src/keyspace/rdb.ts";

const nowMs = Date.now();
const ttl = [intWithin(2, "TTL"), intWithin(2000, "PTTL")];

/** A payload: type byte and body, RDB version 10, CRC64. */
function payload(type: number, body: number[], version = 10): Uint8Array {
  const head = Uint8Array.from([type, ...body, version & 0xff, version >> 8]);
  const out = new Uint8Array(head.length + 8);
  out.set(head);
  out.set(crc64(head), head.length);
  return out;
}

const bytes = (s: string): number[] => [...Buffer.from(s, "latin1")];
/** An RDB string of up to 63 bytes. */
const rdbString = (s: string): number[] => [s.length, ...bytes(s)];

/** A ziplist of short strings and small integers (0..12 use the immediate form, others int16). */
function ziplist(items: readonly (string | number)[]): number[] {
  const entries: number[] = [];
  let prev = 0;
  for (const it of items) {
    const e: number[] = [prev];
    if (typeof it === "number") {
      if (it >= 0 && it <= 12) e.push(0xf1 + it);
      else e.push(0xc0, it & 0xff, (it >> 8) & 0xff);
    } else e.push(it.length, ...bytes(it));
    prev = e.length;
    entries.push(...e);
  }
  const total = 10 + entries.length + 1;
  const tail = total - 1 - prev;
  const le32 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24];
  return [...le32(total), ...le32(items.length > 0 ? tail : 10), items.length & 0xff, items.length >> 8, ...entries, 0xff];
}

/** An LZF string declaring 0 uncompressed bytes, with `data` (under 64 bytes) as its compressed bytes. */
const lzfEmpty = (data: number[]): number[] => [0xc3, data.length, 0, ...data];

/** An RDB string holding raw bytes (length < 64). */
const blob = (b: number[]): number[] => [b.length, ...b];

const zipmap = (pairs: [string, string][]): number[] => [pairs.length, ...pairs.flatMap(([k, v]) => [k.length, ...bytes(k), v.length, 0, ...bytes(v)]), 0xff];

const oldPayloads: [string, Uint8Array, string[][]][] = [
  ["LIST (plain)", payload(1, [3, ...rdbString("a"), ...rdbString("b"), 0xc0, 7]), [["LRANGE", "k", "0", "-1"]]],
  ["LIST_ZIPLIST", payload(10, blob(ziplist(["x", 5, 300, "yy"]))), [["LRANGE", "k", "0", "-1"]]],
  ["LIST_QUICKLIST (ziplist nodes)", payload(14, [2, ...blob(ziplist(["a", "b"])), ...blob(ziplist([1, "c"]))]), [["LRANGE", "k", "0", "-1"]]],
  ["SET (plain)", payload(2, [2, ...rdbString("m1"), ...rdbString("m2")]), [["SMEMBERS", "k"], ["SISMEMBER", "k", "m2"]]],
  ["ZSET (text scores)", payload(3, [3, ...rdbString("a"), 3, ...bytes("1.5"), ...rdbString("b"), 254, ...rdbString("c"), 255]), [["ZRANGE", "k", "0", "-1", "WITHSCORES"]]],
  ["ZSET_ZIPLIST", payload(12, blob(ziplist(["a", 1, "b", "2.5"]))), [["ZRANGE", "k", "0", "-1", "WITHSCORES"]]],
  ["HASH (plain)", payload(4, [2, ...rdbString("f"), ...rdbString("v"), ...rdbString("g"), 0xc1, 0x10, 0x27]), [["HGET", "k", "f"], ["HGET", "k", "g"], ["HLEN", "k"]]],
  ["HASH_ZIPMAP", payload(9, blob(zipmap([["f1", "v1"], ["f2", "value2"]]))), [["HGET", "k", "f1"], ["HGET", "k", "f2"], ["HLEN", "k"]]],
  ["HASH_ZIPLIST", payload(13, blob(ziplist(["f", "v", "n", 12]))), [["HGET", "k", "f"], ["HGET", "k", "n"], ["HLEN", "k"]]],
  ["STRING (LZF)", payload(0, [0xc3, 5, 30, 0x00, 0x61, 0xe0, 0x14, 0x00]), [["GET", "k"]]],
  // lzf_decompress answers 0 for an error as for an empty result, and Redis only compares that with the
  // declared length: an LZF string declaring 0 bytes loads as "" whatever its compressed bytes.
  ["STRING (LZF declaring 0 bytes, a literal run)", payload(0, lzfEmpty([0x02, ...bytes("abc")])), [["GET", "k"], ["STRLEN", "k"]]],
  ["STRING (LZF declaring 0 bytes, no data)", payload(0, lzfEmpty([])), [["GET", "k"]]],
  ["STRING (LZF declaring 0 bytes, a cut back reference)", payload(0, lzfEmpty([0xff])), [["GET", "k"]]],
  ["STRING (LZF declaring 0 bytes, a bad back reference)", payload(0, lzfEmpty([0xff, 0xff, 0xff])), [["GET", "k"]]],
  ["STRING (LZF declaring 0 bytes, a literal run past the data)", payload(0, lzfEmpty([0x1f, 0x61])), [["GET", "k"]]],
  ["STRING (LZF declaring 0 bytes in 32-bit lengths)", payload(0, [0xc3, 0x80, 0, 0, 0, 3, 0x80, 0, 0, 0, 0, 0x02, ...bytes("abc")]), [["GET", "k"]]],
  ["STRING (LZF declaring 0 bytes, data into the footer)", payload(0, [0xc3, 8, 0, 0x00]), [["GET", "k"]]],
  ["STRING (LZF back reference)", payload(0, [0xc3, 4, 4, 0x00, 0x61, 0x20, 0x00]), [["GET", "k"]]],
  ["LIST (plain, an empty LZF element)", payload(1, [2, ...lzfEmpty([0x02, ...bytes("abc")]), ...rdbString("x")]), [["LRANGE", "k", "0", "-1"]]],
  ["SET (plain, an empty LZF member)", payload(2, [2, ...lzfEmpty([0xff]), ...rdbString("x")]), [["SMEMBERS", "k"], ["SISMEMBER", "k", ""]]],
  ["HASH (plain, empty LZF field and value)", payload(4, [1, ...lzfEmpty([0xff]), ...lzfEmpty([0x02, ...bytes("abc")])]), [["HGETALL", "k"]]],
  ["ZSET_2 (an empty LZF member)", payload(5, [1, ...lzfEmpty([0x02, ...bytes("abc")]), 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]), [["ZRANGE", "k", "0", "-1", "WITHSCORES"]]],
  ["ZSET (text scores, an empty LZF member)", payload(3, [1, ...lzfEmpty([0x02, ...bytes("abc")]), 1, ...bytes("2")]), [["ZRANGE", "k", "0", "-1", "WITHSCORES"]]],
];

// A set's DUMP follows its hash table order, which differs between servers: compared by content only.
const restoreOld: DiffCase[] = oldPayloads.map(([name, p, reads]) => {
  // A quicklist keeps the node boundaries of its payload; Bunker re-packs nodes (contents compared).
  const contentOnly = name.startsWith("SET") || name.startsWith("LIST_QUICKLIST");
  return {
    name: `dump: RESTORE of a ${name} payload`,
    cmds: [["RESTORE", "k", "0", p], ["TYPE", "k"], ["OBJECT", "ENCODING", "k"], ...reads, ...(contentOnly ? [] : [["DUMP", "k"]])],
    ...(contentOnly ? { normalise: [sortArray("SMEMBERS")] } : {}),
  };
});

const badPayloads: [string, Uint8Array][] = [
  ["an empty payload", new Uint8Array(0)],
  ["a short payload", Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8])],
  ["a wrong checksum", (() => { const p = payload(0, rdbString("hello")); p[p.length - 1] = (p[p.length - 1] as number) ^ 1; return p; })()],
  ["a newer RDB version", payload(0, rdbString("hello"), 11)],
  ["an older RDB version", payload(0, rdbString("hello"), 6)],
  ["an unknown type", payload(42, rdbString("hello"))],
  ["a truncated string", payload(0, [30, ...bytes("abc")])],
  ["an empty list", payload(1, [0])],
  ["an empty quicklist node list", payload(18, [0])],
  ["a bad listpack", payload(16, blob([9, 0, 0, 0, 1, 0, 0x81, 0x61, 0xff]))],
  ["duplicate set members", payload(2, [2, ...rdbString("a"), ...rdbString("a")])],
  ["bad LZF data", payload(0, [0xc3, 3, 30, 0xff, 0xff, 0xff])],
  ["an LZF string declaring 0 bytes with data past the payload", payload(0, [0xc3, 30, 0, 0x00])],
  ["an LZF string expanding to fewer bytes than declared", payload(0, [0xc3, 4, 4, 0x02, ...bytes("abc")])],
  ["an LZF string expanding to more bytes than declared", payload(0, [0xc3, 4, 2, 0x02, ...bytes("abc")])],
  ["an LZF back reference past the declared length", payload(0, [0xc3, 4, 3, 0x00, 0x61, 0x20, 0x00])],
  ["an LZF back reference short of the declared length", payload(0, [0xc3, 4, 5, 0x00, 0x61, 0x20, 0x00])],
  ["an LZF string with no data declaring 1 byte", payload(0, [0xc3, 0, 1])],
  // Redis refuses an empty quicklist node of either container, raw or LZF, before looking inside it.
  ["an empty plain quicklist node", payload(18, [1, 1, 0])],
  ["an empty plain quicklist node beside a good one", payload(18, [2, 1, 0, 1, ...rdbString("a")])],
  ["an empty LZF plain quicklist node", payload(18, [1, 1, ...lzfEmpty([0x02, ...bytes("abc")])])],
  ["an empty LZF packed quicklist node", payload(18, [1, 2, ...lzfEmpty([0x02, ...bytes("abc")])])],
  ["an empty LZF ziplist quicklist node", payload(14, [1, ...lzfEmpty([0x02, ...bytes("abc")])])],
  ["an empty LZF ziplist", payload(10, lzfEmpty([0x02, ...bytes("abc")]))],
  ["an empty LZF intset", payload(11, lzfEmpty([0x02, ...bytes("abc")]))],
  ["an empty LZF zipmap", payload(9, lzfEmpty([0x02, ...bytes("abc")]))],
  ["an empty LZF hash ziplist", payload(13, lzfEmpty([0x02, ...bytes("abc")]))],
  ["an empty LZF hash listpack", payload(16, lzfEmpty([0x02, ...bytes("abc")]))],
  ["an empty LZF zset listpack", payload(17, lzfEmpty([0x02, ...bytes("abc")]))],
  ["a 64-bit string length past the payload", payload(0, [0x81, 0, 0, 0, 0, 0, 0, 0, 100, ...bytes("abc")])],
  ["a 64-bit string length past 2^53", payload(0, [0x81, 0x40, 0, 0, 0, 0, 0, 0, 0, ...bytes("abc")])],
  ["an LZF string with a 64-bit uncompressed length of 2^62", payload(0, [0xc3, 3, 0x81, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x02, ...bytes("abc")])],
  ["an LZF string with a 64-bit uncompressed length of 2^40", payload(0, [0xc3, 3, 0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0x02, ...bytes("abc")])],
  ["an LZF string with a 64-bit compressed length past the payload", payload(0, [0xc3, 0x81, 1, 0, 0, 0, 0, 0, 0, 0, 3, 0x02, ...bytes("abc")])],
  ["a quicklist with 2^64-1 nodes", payload(18, [0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 1, 0x61])],
];

const restoreBad: DiffCase[] = badPayloads.map(([name, p]) => ({
  name: `dump: RESTORE rejects ${name}`,
  cmds: [["RESTORE", "k", "0", p], ["EXISTS", "k"]],
}));

const many = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join(" ");

export const cases: DiffCase[] = [
  script("dump: DUMP of missing keys and arity", ["DUMP nope", "DUMP", "DUMP a b"]),
  script("dump: DUMP of strings in every encoding", [
    "SET a hello", "DUMP a", "SET a 12", "DUMP a", "SET a -300", "DUMP a", "SET a 70000", "DUMP a", "SET a 2147483648", "DUMP a",
    "SET a 012", "DUMP a", "SET a -0", "DUMP a", "SET a 12345678901234567890", "DUMP a", `SET a ${"x".repeat(200)}`, "DUMP a",
    "SET a abcdefghijklmnopqrstuvwxyz0123456789", "DUMP a", "SET a abcabcabcabcabcabcabcabcabcabcabcabc", "DUMP a", "APPEND a zz", "DUMP a",
    "SET a 1.5", "INCRBYFLOAT a 1", "DUMP a",
  ]),
  script("dump: DUMP of lists (one quicklist node and several)", [
    "RPUSH l a b 1 -1 127 128 4095 -4096 4096 70000 -9000000 3000000000 9223372036854775807", "DUMP l",
    `RPUSH big ${many(1500, (i) => `element-${i}`)}`, "DUMP big",
    `RPUSH long ${"y".repeat(5000)} ${"z".repeat(70)}`, "DUMP long", "LPUSH l front", "DUMP l",
  ]),
  script("dump: DUMP of hashes (listpack)", ["HSET h f v n 12 neg -5", "DUMP h", "HDEL h f", "HSET h f again", "DUMP h", `HSET h2 ${many(200, (i) => `f${i} v${i}`)}`, "DUMP h2"]),
  script("dump: DUMP of integer sets (intset widths)", ["SADD s 3 1 2", "DUMP s", "SADD s 70000", "DUMP s", "SADD s -5000000000", "DUMP s", "SADD one 9", "DUMP one"]),
  script("dump: DUMP of sorted sets (listpack and skiplist)", [
    "ZADD z 1 a 2.5 b -3 c inf d -inf e 0.1 f 1e20 g 4611686018427387904 h 9223372036854775807 i", "DUMP z",
    `ZADD big ${many(200, (i) => `${i * 0.5} m${i}`)}`, "DUMP big",
    `ZADD long 1 ${"m".repeat(80)} 2 b`, "DUMP long",
  ]),
  { name: "dump: RESTORE round trip with Redis's own payload", cmds: [["RESTORE", "k", "0", payload(0, rdbString("hello"))], ["GET", "k"], ["TTL", "k"], ["OBJECT", "ENCODING", "k"]] },
  {
    name: "dump: RESTORE TTL forms",
    cmds: [
      ["RESTORE", "a", "100000", payload(0, rdbString("v"))], ["TTL", "a"],
      ["RESTORE", "b", String(nowMs + 100_000_000), payload(0, rdbString("v")), "ABSTTL"], ["PTTL", "b"],
      ["RESTORE", "c", "1", payload(0, rdbString("v")), "ABSTTL"], ["EXISTS", "c"],
      ["RESTORE", "d", "-1", payload(0, rdbString("v"))], ["RESTORE", "d", "x", payload(0, rdbString("v"))],
      ["RESTORE", "d", "0", payload(0, rdbString("v"))], ["TTL", "d"],
    ],
    normalise: ttl,
  },
  {
    name: "dump: RESTORE REPLACE and BUSYKEY",
    cmds: [
      ["SET", "k", "old"], ["RESTORE", "k", "0", payload(0, rdbString("new"))], ["GET", "k"],
      ["RESTORE", "k", "0", payload(0, rdbString("new")), "REPLACE"], ["GET", "k"],
      ["RESTORE", "k", "0", payload(0, rdbString("x")), "replace", "REPLACE"], ["GET", "k"],
      ["RPUSH", "l", "a"], ["RESTORE", "l", "0", payload(0, rdbString("s")), "REPLACE"], ["TYPE", "l"],
      ["RESTORE", "l", "1", payload(0, rdbString("s")), "REPLACE", "ABSTTL"], ["EXISTS", "l"],
      ["RESTORE", "k", "x", "garbage"], ["RESTORE", "k", "0", "garbage", "REPLACE"],
    ],
  },
  {
    name: "dump: RESTORE IDLETIME and FREQ",
    cmds: [
      ["RESTORE", "a", "0", payload(0, rdbString("v")), "IDLETIME", "1000"], ["OBJECT", "IDLETIME", "a"],
      ["RESTORE", "b", "0", payload(0, rdbString("v")), "FREQ", "100"], ["OBJECT", "IDLETIME", "b"],
      ["RESTORE", "c", "0", payload(0, rdbString("v")), "IDLETIME", "-1"], ["RESTORE", "c", "0", payload(0, rdbString("v")), "IDLETIME", "x"],
      ["RESTORE", "c", "0", payload(0, rdbString("v")), "FREQ", "256"], ["RESTORE", "c", "0", payload(0, rdbString("v")), "FREQ", "-1"],
      ["RESTORE", "c", "0", payload(0, rdbString("v")), "IDLETIME", "1", "FREQ", "1"], ["RESTORE", "c", "0", payload(0, rdbString("v")), "FREQ", "1", "IDLETIME", "1"],
      ["RESTORE", "c", "0", payload(0, rdbString("v")), "IDLETIME"], ["RESTORE", "c", "0", payload(0, rdbString("v")), "BOGUS"],
      ["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"],
      ["RESTORE", "d", "0", payload(0, rdbString("v")), "FREQ", "77"], ["OBJECT", "FREQ", "d"],
      ["RESTORE", "e", "0", payload(0, rdbString("v")), "IDLETIME", "77"], ["OBJECT", "FREQ", "e"],
      ["CONFIG", "SET", "maxmemory-policy", "noeviction"],
    ],
    normalise: [intWithin(2, "OBJECT")],
  },
  { name: "dump: RESTORE reads a value that runs into the footer, as Redis does", cmds: [["RESTORE", "k", "0", payload(0, [10, ...bytes("abc")])], ["STRLEN", "k"], ["DUMP", "k"]] },
  script("dump: RESTORE arity", ["RESTORE", "RESTORE k", "RESTORE k 0"]),
  ...restoreOld,
  ...restoreBad,
];
