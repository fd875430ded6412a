// Differential cases for HyperLogLog: PFADD/PFCOUNT/PFMERGE results and the exact stored bytes (GET
// after every change: sparse opcodes, promotion to dense, the cached cardinality and its invalid flag),
// multi-key PFCOUNT, PFDEBUG, invalid and corrupted values, wrong types and arities.
import { type DiffCase, script } from "../case.ts";

const elements = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const pfadd = (key: string, prefix: string, n: number): string[] => ["PFADD", key, ...elements(prefix, n)];

/** A sparse HLL whose cached cardinality (42) is valid but wrong, and the same with an unknown encoding. */
const header = (encoding: number, cacheTop: number): number[] => [0x48, 0x59, 0x4c, 0x4c, encoding, 0, 0, 0, 42, 0, 0, 0, 0, 0, 0, cacheTop];
const sparseEmpty = [0x7f, 0xff];

export const cases: DiffCase[] = [
  script("hyperloglog: PFADD creates a sparse HLL, GET shows its bytes", ["PFADD h", "GET h", "PFCOUNT h", "GET h", "PFADD h", "PFADD h a", "GET h", "PFADD h a", "PFCOUNT h", "GET h", "OBJECT ENCODING h", "TYPE h"]),
  script("hyperloglog: PFADD reports whether a register changed", ["PFADD h a b c d e f g", "PFADD h a b c", "PFADD h a z", "PFCOUNT h", "PFCOUNT h", "GET h"]),
  { name: "hyperloglog: sparse updates, merges and bytes stay identical", cmds: [
    pfadd("h", "e", 20), ["GET", "h"], pfadd("h", "f", 50), ["GET", "h"], ["PFCOUNT", "h"], pfadd("h", "g", 200), ["GET", "h"], ["PFCOUNT", "h"], ["PFDEBUG", "ENCODING", "h"], ["PFDEBUG", "DECODE", "h"],
  ] },
  { name: "hyperloglog: promotion to dense past 3000 bytes", cmds: [
    pfadd("h", "x", 1000), ["STRLEN", "h"], ["PFDEBUG", "ENCODING", "h"], pfadd("h", "y", 2000), ["STRLEN", "h"], ["PFDEBUG", "ENCODING", "h"], ["GET", "h"], ["PFCOUNT", "h"], ["GET", "h"],
    pfadd("h", "z", 5000), ["PFCOUNT", "h"], ["GET", "h"], ["PFADD", "h", "x1"], ["GET", "h"],
  ] },
  { name: "hyperloglog: large cardinalities estimate identically", cmds: [
    pfadd("a", "p", 5000), pfadd("a", "q", 5000), pfadd("a", "r", 5000), pfadd("a", "s", 5000), ["PFCOUNT", "a"], pfadd("b", "s", 5000), pfadd("b", "t", 5000), ["PFCOUNT", "b"], ["PFCOUNT", "a", "b"],
    ["PFCOUNT", "a", "b", "none"], ["GET", "a"],
  ] },
  { name: "hyperloglog: binary and long elements", cmds: [
    ["PFADD", "h", "", new Uint8Array([0, 255, 1]), "x".repeat(1000), "ab", "abcdefgh", "abcdefghi", "abcdefghijklmno"], ["GET", "h"], ["PFCOUNT", "h"],
  ] },
  script("hyperloglog: PFCOUNT of several keys caches nothing", ["PFADD a 1 2 3", "PFADD b 3 4 5 6", "PFCOUNT a b", "GET a", "GET b", "PFCOUNT a b none", "PFCOUNT none none2", "PFCOUNT a a"]),
  { name: "hyperloglog: PFMERGE sparse into new and existing keys", cmds: [
    pfadd("a", "m", 30), pfadd("b", "n", 40), ["PFMERGE", "d", "a", "b"], ["GET", "d"], ["PFCOUNT", "d"], ["PFMERGE", "d", "a"], ["GET", "d"], ["PFMERGE", "a", "b"], ["GET", "a"],
    ["PFMERGE", "e"], ["GET", "e"], ["PFMERGE", "f", "none"], ["GET", "f"], ["PFCOUNT", "f"], ["PFMERGE", "d", "d"], ["GET", "d"],
  ] },
  { name: "hyperloglog: PFMERGE with a dense source makes a dense result", cmds: [
    pfadd("a", "m", 3000), pfadd("b", "n", 10), ["PFMERGE", "d", "a", "b"], ["PFDEBUG", "ENCODING", "d"], ["GET", "d"], ["PFCOUNT", "d"], ["PFMERGE", "b", "a"], ["GET", "b"], ["PFMERGE", "s", "b"],
    ["PFDEBUG", "ENCODING", "s"],
  ] },
  { name: "hyperloglog: PFMERGE of many sparse sources promotes when it outgrows the limit", cmds: [
    pfadd("a", "u", 700), pfadd("b", "v", 700), pfadd("c", "w", 700), ["PFDEBUG", "ENCODING", "a"], ["PFMERGE", "d", "a", "b", "c"], ["PFDEBUG", "ENCODING", "d"], ["GET", "d"], ["PFCOUNT", "d"],
  ] },
  script("hyperloglog: PFMERGE keeps the destination's TTL", ["PFADD d a", "EXPIRE d 1000", "PFADD s b", "PFMERGE d s", "TTL d", "PFADD d c", "TTL d"]),
  script("hyperloglog: not an HLL", [
    "SET s hello", "PFADD s a", "PFCOUNT s", "PFCOUNT s none", "PFMERGE d s", "PFMERGE s", "EXISTS d", "SET n 12345678901234567", "PFADD n a", "SET m HYLLxxxxxxxxxxxxxxxx", "PFADD m a",
    "SET short HYLL", "PFCOUNT short", "LPUSH l a", "PFADD l a", "PFCOUNT l", "PFCOUNT none l", "PFMERGE l", "PFMERGE d l", "PFDEBUG ENCODING l",
  ]),
  { name: "hyperloglog: hand-made headers, encodings and cached values", cmds: [
    ["SET", "h", new Uint8Array([...header(1, 0), ...sparseEmpty])], ["PFCOUNT", "h"], ["PFADD", "h", "a"], ["PFCOUNT", "h"], ["GET", "h"],
    ["SET", "bad", new Uint8Array([...header(2, 0), ...sparseEmpty])], ["PFCOUNT", "bad"], ["PFADD", "bad", "a"],
    ["SET", "dense", new Uint8Array([...header(0, 0x80), ...sparseEmpty])], ["PFCOUNT", "dense"], ["PFADD", "dense", "a"],
    ["SET", "big", new Uint8Array([...header(1, 0x7f), ...sparseEmpty])], ["PFCOUNT", "big"],
  ] },
  { name: "hyperloglog: corrupted sparse data is INVALIDOBJ", cmds: [
    ["SET", "short", new Uint8Array([...header(1, 0x80), 0x7f, 0xfe])], ["PFCOUNT", "short"], ["PFCOUNT", "short", "none"], ["PFMERGE", "d", "short"], ["EXISTS", "d"], ["PFDEBUG", "GETREG", "short"],
    ["SET", "long", new Uint8Array([...header(1, 0x80), 0x7f, 0xff, 0x00])], ["PFCOUNT", "long"], ["PFADD", "long", "a", "b"], ["PFDEBUG", "TODENSE", "long"],
    ["SET", "empty", new Uint8Array(header(1, 0x80))], ["PFCOUNT", "empty"], ["PFADD", "empty", "a"],
    ["SET", "vals", new Uint8Array([...header(1, 0x80), 0x83, 0x7f, 0xfb])], ["PFCOUNT", "vals"], ["PFDEBUG", "DECODE", "vals"],
  ] },
  script("hyperloglog: arity errors", ["PFADD", "PFCOUNT", "PFMERGE", "PFDEBUG", "PFDEBUG ENCODING", "PFDEBUG ENCODING a b", "PFSELFTEST x"]),
  { name: "hyperloglog: PFDEBUG subcommands", cmds: [
    ["PFDEBUG", "ENCODING", "none"], pfadd("h", "d", 10), ["PFDEBUG", "encoding", "h"], ["PFDEBUG", "DECODE", "h"], ["PFDEBUG", "bogus", "h"], ["PFDEBUG", "bogus", "none"],
    ["PFDEBUG", "TODENSE", "h"], ["PFDEBUG", "TODENSE", "h"], ["PFDEBUG", "ENCODING", "h"], ["PFDEBUG", "DECODE", "h"], ["GET", "h"], ["PFCOUNT", "h"],
    pfadd("g", "d", 10), ["PFDEBUG", "GETREG", "g"], ["PFDEBUG", "ENCODING", "g"], ["SET", "s", "x"], ["PFDEBUG", "GETREG", "s"],
  ] },
  script("hyperloglog: PFSELFTEST", ["PFSELFTEST"]),
];
