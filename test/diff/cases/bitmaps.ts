// Differential cases for bitmaps: SETBIT/GETBIT with their offset and value limits, BITCOUNT and BITPOS
// in BYTE and BIT units with Redis 7.0's argument order and edge cases, BITOP in every form, BITFIELD
// and BITFIELD_RO types, #offsets, overflow modes and every error text, wrong types and arities.
import { type DiffCase, script as plainScript } from "../case.ts";
import { intWithin, type Normaliser } from "../normalise.ts";

/** A script where the token '' stands for an empty argument. */
function script(name: string, lines: readonly string[], normalise?: readonly Normaliser[]): DiffCase {
  const c = plainScript(name, lines, normalise);
  return { ...c, cmds: c.cmds.map((argv) => argv.map((a) => (a === "''" ? "" : a))) };
}

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

export const cases: DiffCase[] = [
  // SETBIT / GETBIT
  script("bitmaps: SETBIT grows the string and returns the old bit", [
    "SETBIT k 7 1", "GET k", "SETBIT k 7 1", "SETBIT k 7 0", "SETBIT k 0 1", "GET k", "SETBIT k 100 1", "STRLEN k", "GET k", "GETBIT k 0", "GETBIT k 100", "GETBIT k 101", "GETBIT k 10000",
  ]),
  script("bitmaps: SETBIT on an existing string and integer value", [
    "SET s abc", "SETBIT s 6 1", "GET s", "SET n 12", "GETBIT n 2", "GETBIT n 3", "SETBIT n 7 0", "GET n", "OBJECT ENCODING n", "SET e hello", "SETBIT e 0 0", "OBJECT ENCODING e",
  ]),
  script("bitmaps: SETBIT keeps the TTL", ["SET k v EX 1000", "SETBIT k 1 0", "TTL k"], [intWithin(1, "TTL")]),
  script("bitmaps: SETBIT and GETBIT offset limits", [
    "SETBIT k 4294967296 1", "SETBIT k -1 1", "SETBIT k x 1", "SETBIT k 1.5 1", "SETBIT k #8 1", "SETBIT k 9223372036854775808 1",
    "GETBIT k 4294967296", "GETBIT k -1", "GETBIT k x", "GETBIT k 4294967295", "EXISTS k",
  ]),
  script("bitmaps: SETBIT bit value errors", ["SETBIT k 1 2", "SETBIT k 1 -1", "SETBIT k 1 x", "SETBIT k 1 01", "SETBIT k 1 ''", "SETBIT k x 2", "EXISTS k"]),
  script("bitmaps: SETBIT and GETBIT wrong type and arity", [
    "LPUSH l a", "SETBIT l 1 1", "GETBIT l 1", "SETBIT l x 1", "SETBIT l 1 x", "GETBIT l x", "SETBIT k 1", "SETBIT k 1 1 1", "GETBIT k", "GETBIT k 1 1",
  ]),

  // BITCOUNT
  script("bitmaps: BITCOUNT whole string and byte ranges", [
    "SET s foobar", "BITCOUNT s", "BITCOUNT s 0 0", "BITCOUNT s 1 1", "BITCOUNT s 0 -1", "BITCOUNT s -2 -1", "BITCOUNT s -1 -2", "BITCOUNT s 3 1", "BITCOUNT s -100 100",
    "BITCOUNT s 5 100", "BITCOUNT s 6 100", "BITCOUNT s 0 -100", "BITCOUNT s -9223372036854775808 9223372036854775807", "BITCOUNT s 0 0 BYTE", "BITCOUNT s 1 1 byte",
  ]),
  script("bitmaps: BITCOUNT in bits", [
    "SET s foobar", "BITCOUNT s 5 30 BIT", "BITCOUNT s 0 7 bit", "BITCOUNT s 1 6 BIT", "BITCOUNT s 3 3 BIT", "BITCOUNT s 2 2 BIT", "BITCOUNT s -5 -1 BIT", "BITCOUNT s -1 -5 BIT",
    "BITCOUNT s 0 1000 BIT", "BITCOUNT s 47 47 BIT", "BITCOUNT s 48 100 BIT", "BITCOUNT s 9 17 BIT",
  ]),
  script("bitmaps: BITCOUNT missing key, empty string and errors (key first in 7.0)", [
    "BITCOUNT none", "BITCOUNT none 0", "BITCOUNT none a b", "BITCOUNT none 0 1 bad", "BITCOUNT none 0 1 BIT x", "SET s foo", "BITCOUNT s 0", "BITCOUNT s a 1", "BITCOUNT s 0 b",
    "BITCOUNT s 0 1 bad", "BITCOUNT s -1 -2 bad", "BITCOUNT s -2 -1 bad", "BITCOUNT s a 1 bad", "BITCOUNT s 0 1 BIT x", "SET e ''", "BITCOUNT e", "BITCOUNT e 0 -1", "BITCOUNT e 0 -1 BIT", "LPUSH l a", "BITCOUNT l", "BITCOUNT l x y", "BITCOUNT",
  ]),
  { name: "bitmaps: BITCOUNT on binary bytes", cmds: [["SET", "b", bytes(0xff, 0xf0, 0x00, 0x0f, 0x81)], ["BITCOUNT", "b"], ["BITCOUNT", "b", "4", "35", "BIT"], ["BITCOUNT", "b", "1", "3"]] },

  // BITPOS
  script("bitmaps: BITPOS set and clear bits", [
    "SET s foobar", "BITPOS s 1", "BITPOS s 0", "BITPOS s 1 1", "BITPOS s 1 2 -1", "BITPOS s 0 -3 -2", "BITPOS s 1 7 15 BIT", "BITPOS s 0 7 15 bit", "BITPOS s 1 0 -1 BYTE",
  ]),
  { name: "bitmaps: BITPOS clear bits past the end", cmds: [
    ["SET", "f", bytes(0xff, 0xff, 0xff)], ["BITPOS", "f", "0"], ["BITPOS", "f", "0", "1"], ["BITPOS", "f", "0", "1", "-1"], ["BITPOS", "f", "0", "0", "2"], ["BITPOS", "f", "1", "0", "2"],
    ["BITPOS", "f", "0", "3", "BIT"], ["BITPOS", "f", "0", "3"], ["BITPOS", "f", "0", "0", "23", "BIT"], ["BITPOS", "f", "0", "10", "-1", "BIT"], ["BITPOS", "f", "0", "20"],
    ["SET", "g", bytes(0xff, 0xf0, 0x00)], ["BITPOS", "g", "0"], ["BITPOS", "g", "0", "0", "11", "BIT"], ["BITPOS", "g", "0", "0", "12", "BIT"], ["BITPOS", "g", "1", "12", "-1", "BIT"],
    ["BITPOS", "g", "1", "2"], ["BITPOS", "g", "0", "-1"], ["BITPOS", "g", "1", "-1"],
  ] },
  { name: "bitmaps: BITPOS ranges within and across bytes", cmds: [
    ["SET", "b", bytes(0x00, 0x10, 0x00, 0x01, 0xfe)], ["BITPOS", "b", "1"], ["BITPOS", "b", "1", "2"], ["BITPOS", "b", "1", "12", "30", "BIT"], ["BITPOS", "b", "1", "11", "11", "BIT"],
    ["BITPOS", "b", "1", "13", "31", "BIT"], ["BITPOS", "b", "0", "32", "39", "BIT"], ["BITPOS", "b", "0", "32", "38", "BIT"], ["BITPOS", "b", "0", "33", "38", "BIT"], ["BITPOS", "b", "1", "39", "39", "BIT"],
    ["BITPOS", "b", "1", "-9", "-1", "BIT"], ["BITPOS", "b", "1", "5", "2"], ["BITPOS", "b", "0", "5", "2"], ["BITPOS", "b", "1", "-1", "-2"],
  ] },
  script("bitmaps: BITPOS missing key, empty string and errors", [
    "BITPOS none 1", "BITPOS none 0", "BITPOS none 1 abc", "BITPOS none 0 1 2 BIT x", "BITPOS none 2", "BITPOS none abc", "SET s x", "BITPOS s 2", "BITPOS s 1 a", "BITPOS s 1 0 b",
    "BITPOS s 1 0 0 bad", "BITPOS s 1 a 0 bad", "BITPOS s 1 0 0 BIT extra", "BITPOS s -1", "SET e ''", "BITPOS e 0", "BITPOS e 1", "BITPOS e 0 0 -1", "LPUSH l a", "BITPOS l 1",
    "BITPOS l 2", "BITPOS l x", "BITPOS s", "BITPOS",
  ]),

  // BITOP
  { name: "bitmaps: BITOP AND OR XOR NOT with different lengths", cmds: [
    ["SET", "a", bytes(0xff, 0x0f, 0xaa)], ["SET", "b", bytes(0xf0, 0xff)], ["SET", "c", bytes(0x01)],
    ["BITOP", "AND", "d", "a", "b"], ["GET", "d"], ["BITOP", "or", "d", "a", "b", "c"], ["GET", "d"], ["BITOP", "Xor", "d", "a", "b", "c"], ["GET", "d"],
    ["BITOP", "NOT", "d", "a"], ["GET", "d"], ["BITOP", "AND", "d", "a", "none"], ["GET", "d"], ["BITOP", "OR", "d", "none", "c"], ["GET", "d"], ["BITOP", "AND", "d", "a"], ["GET", "d"],
    ["OBJECT", "ENCODING", "d"], ["BITOP", "XOR", "d", "a", "a"], ["GET", "d"], ["STRLEN", "d"],
  ] },
  script("bitmaps: BITOP on missing sources deletes the destination", ["SET d x EX 1000", "BITOP OR d n1 n2", "EXISTS d", "BITOP NOT d n1", "EXISTS d", "SET e ''", "BITOP AND d e n1", "EXISTS d"]),
  script("bitmaps: BITOP result drops the TTL and replaces other types", ["SET d x EX 1000", "SET a 1", "BITOP OR d a", "TTL d", "GET d", "LPUSH l a", "BITOP OR l a", "TYPE l", "GET l", "BITOP AND a a a", "GET a"], [intWithin(1, "TTL")]),
  script("bitmaps: BITOP errors", [
    "BITOP NOT d a b", "BITOP NOT d", "BITOP bad d a", "BITOP ANDX d a", "BITOP", "BITOP AND d", "LPUSH l a", "SET s x", "BITOP AND d s l", "BITOP NOT d l", "EXISTS d", "BITOP nand d s",
  ]),

  // BITFIELD
  script("bitmaps: BITFIELD SET GET INCRBY signed and unsigned", [
    "BITFIELD k SET i8 0 -100 GET i8 0 GET u8 0", "GET k", "BITFIELD k INCRBY u4 4 3 GET u4 4 INCRBY i5 100 -7", "STRLEN k", "BITFIELD k GET u2 0 GET i1 0 GET u1 0 GET i64 0 GET u63 1",
    "BITFIELD k SET u63 0 9223372036854775807 GET u63 0 GET i64 0", "BITFIELD k SET i64 0 -9223372036854775808 GET i64 0 GET u63 1", "GET k",
  ]),
  script("bitmaps: BITFIELD #offsets multiply by the width", [
    "BITFIELD k SET u8 #1 255 SET u8 #0 1 GET u16 0 GET u8 #2 SET i4 #3 -1", "GET k", "BITFIELD k GET u8 #536870911", "BITFIELD k GET u8 #536870912", "BITFIELD k GET i64 #288230376151711744",
    "BITFIELD k GET u8 #9223372036854775807", "BITFIELD k GET u8 #-1", "BITFIELD k GET u8 #", "BITFIELD k GET u8 ##1", "BITFIELD k GET u8 #+1", "BITFIELD k GET u8 +5", "BITFIELD k GET u8 4294967295",
    "BITFIELD k GET u8 4294967296", "BITFIELD k GET u8 -1", "BITFIELD k GET u8 x",
  ]),
  script("bitmaps: BITFIELD overflow WRAP SAT FAIL", [
    "BITFIELD k SET u8 0 255 INCRBY u8 0 10", "BITFIELD k OVERFLOW SAT INCRBY u8 0 300 INCRBY u8 0 -1000", "BITFIELD k OVERFLOW FAIL INCRBY u8 0 1 INCRBY u8 0 -1 GET u8 0",
    "BITFIELD k OVERFLOW wrap SET i8 8 200 GET i8 8 OVERFLOW sat SET i8 8 200 GET i8 8 SET i8 8 -200 GET i8 8", "BITFIELD k OVERFLOW FAIL SET i8 8 128 SET i8 8 -129 SET i8 8 127",
    "BITFIELD k OVERFLOW SAT SET u8 16 -1 GET u8 16 OVERFLOW WRAP SET u8 16 -1 GET u8 16 SET u8 16 -256 GET u8 16", "BITFIELD k OVERFLOW FAIL SET u8 16 -1 SET u8 16 256",
    "BITFIELD k SET i64 0 9223372036854775807 INCRBY i64 0 1 OVERFLOW SAT INCRBY i64 0 9223372036854775807 INCRBY i64 0 -9223372036854775808 OVERFLOW FAIL INCRBY i64 0 -1",
    "BITFIELD k SET u63 0 0 INCRBY u63 0 -1 OVERFLOW SAT INCRBY u63 0 -5 INCRBY u63 0 9223372036854775807 INCRBY u63 0 1 OVERFLOW FAIL INCRBY u63 0 1",
    "BITFIELD k OVERFLOW WRAP INCRBY i3 40 3 INCRBY i3 40 1 INCRBY i3 40 -9 INCRBY u3 44 9", "GET k",
  ]),
  script("bitmaps: BITFIELD FAIL still creates the key", ["BITFIELD k OVERFLOW FAIL INCRBY u2 100 10", "EXISTS k", "STRLEN k", "GET k"]),
  script("bitmaps: BITFIELD with only GETs reads without creating", ["BITFIELD k GET u8 0 GET i16 100", "EXISTS k", "BITFIELD k", "BITFIELD k OVERFLOW FAIL", "EXISTS k", "SET s ab", "BITFIELD s GET u16 0 GET u4 12 GET i3 14"]),
  script("bitmaps: BITFIELD type errors", [
    "BITFIELD k GET u64 0", "BITFIELD k GET i65 0", "BITFIELD k GET i0 0", "BITFIELD k GET u0 0", "BITFIELD k GET x8 0", "BITFIELD k GET U8 0", "BITFIELD k GET I8 0", "BITFIELD k GET u08 0",
    "BITFIELD k GET u+8 0", "BITFIELD k GET u 0", "BITFIELD k GET '' 0", "BITFIELD k GET i-1 0", "BITFIELD k GET i64 0", "BITFIELD k GET u63 0",
  ]),
  script("bitmaps: BITFIELD syntax and value errors", [
    "BITFIELD k GET u8", "BITFIELD k SET u8 0", "BITFIELD k INCRBY u8 0", "BITFIELD k OVERFLOW", "BITFIELD k OVERFLOW bad", "BITFIELD k bogus", "BITFIELD k GET u8 0 bogus",
    "BITFIELD k SET u8 0 abc", "BITFIELD k INCRBY u8 0 1.5", "BITFIELD k SET u8 0 9223372036854775808", "BITFIELD k SET u8 0 1 INCRBY u8 0 1 overflow", "BITFIELD k OVERFLOW SAT OVERFLOW bad GET u8 0",
    "BITFIELD k SET x8 0 abc", "BITFIELD k SET u8 x abc", "EXISTS k", "BITFIELD", "get k",
  ]),
  script("bitmaps: BITFIELD keeps the TTL and answers WRONGTYPE", [
    "SET k ab EX 1000", "BITFIELD k SET u8 0 65", "TTL k", "GET k", "LPUSH l a", "BITFIELD l GET u8 0", "BITFIELD l SET u8 0 1", "BITFIELD l SET u8 0 x", "BITFIELD l SET x8 0 1",
  ], [intWithin(1, "TTL")]),
  script("bitmaps: BITFIELD_RO", [
    "SET k abc", "BITFIELD_RO k GET u8 0 GET i8 #1 GET u24 0", "BITFIELD_RO none GET u8 0", "BITFIELD_RO k SET u8 0 1", "BITFIELD_RO k GET u8 0 INCRBY u8 0 1",
    "BITFIELD_RO k SET u8 0 abc", "BITFIELD_RO k SET x8 0 1", "BITFIELD_RO k SET u8 -1 1", "BITFIELD_RO k OVERFLOW SAT GET u8 0", "BITFIELD_RO k OVERFLOW bad", "BITFIELD_RO k",
    "LPUSH l a", "BITFIELD_RO l GET u8 0", "BITFIELD_RO l SET u8 0 1", "BITFIELD_RO", "GET k",
  ]),
  script("bitmaps: commands on other types leave them alone", ["SADD st a", "SETBIT st 0 1", "BITFIELD st INCRBY u8 0 1", "BITOP NOT st st", "TYPE st", "SMEMBERS st"]),

  // Values of 4096 bytes and more that these commands change are kept in a buffer and changed in place
  // in Bunker (keyspace/entry.ts BufferedStringEntry): every reply must be the same as for a string.
  script("bitmaps: a large bitmap changed in place, read every way", [
    "SETBIT big 40000 1", "SETBIT big 40001 1", "SETBIT big 7 1", "SETBIT big 40000 1", "SETBIT big 40001 0", "GETBIT big 40000", "GETBIT big 40001",
    "GETBIT big 7", "GETBIT big 100000", "STRLEN big", "BITCOUNT big", "BITCOUNT big 0 -1 BIT", "BITCOUNT big 4999 5000", "BITCOUNT big 39999 40007 BIT",
    "BITPOS big 1", "BITPOS big 0", "BITPOS big 1 8", "BITPOS big 1 40 -1 BIT", "BITPOS big 0 4999", "GETRANGE big 4999 -1", "GETRANGE big -3 -1", "GETRANGE big 0 1",
    "OBJECT ENCODING big", "GET big", "SETBIT big 80000 1", "STRLEN big", "BITCOUNT big", "GETRANGE big 9999 -1", "TYPE big",
  ]),
  script("bitmaps: BITFIELD, BITOP, APPEND and SETRANGE on a large bitmap", [
    "SETBIT big 65535 1", "BITFIELD big SET u8 72000 255 GET u8 72000 INCRBY i16 100 7 GET u4 65532", "BITFIELD big OVERFLOW FAIL INCRBY u8 72000 1", "BITFIELD_RO big GET u8 72000",
    "STRLEN big", "APPEND big xyz", "STRLEN big", "GETRANGE big -5 -1", "SETRANGE big 9000 hello", "GETRANGE big 8999 9005", "GETBIT big 72000",
    "BITOP NOT inv big", "STRLEN inv", "BITCOUNT inv", "GETRANGE inv 0 2", "BITOP AND both big inv", "BITCOUNT both", "GET big",
  ]),
  script("bitmaps: a large bitmap keeps its TTL and survives COPY, RENAME and DUMP/RESTORE", [
    "SETBIT big 50000 1", "EXPIRE big 1000", "SETBIT big 50001 1", "TTL big", "COPY big copy", "SETBIT copy 50002 1", "BITCOUNT big", "BITCOUNT copy",
    "RENAME big moved", "GETBIT moved 50001", "TTL moved", "DEL copy", "SETBIT restored 1 1", "DEL restored", "BITCOUNT moved",
  ], [intWithin(1, "TTL")]),
  // Redis changes nothing when the bits already hold the values: the WATCHed key is not touched, so
  // EXEC runs; a real change (or a grown string) touches it and EXEC aborts.
  script("bitmaps: SETBIT and BITFIELD that change nothing leave a WATCH intact", [
    "SET k a", "WATCH k", "SETBIT k 1 1", "SETBIT k 0 0", "BITFIELD k SET u8 0 97", "BITFIELD k SET u4 0 6 GET u8 0", "MULTI", "PING", "EXEC",
    "WATCH k", "BITFIELD k SET u8 0 98", "MULTI", "PING", "EXEC",
    "WATCH k", "SETBIT k 0 1", "MULTI", "PING", "EXEC",
    "WATCH k", "SETBIT k 100 0", "MULTI", "PING", "EXEC", "STRLEN k",
    "WATCH k", "BITFIELD k SET u8 0 226 OVERFLOW FAIL INCRBY u2 0 5", "MULTI", "PING", "EXEC", "GET k",
  ]),
  // The same on a large value (changed in place): a no-op is tried on its bytes and leaves them intact;
  // a change after no-op writes is undone by the trial and then made for real.
  script("bitmaps: no-op and changing BITFIELD on a large bitmap, with WATCH", [
    "SETBIT big 50000 1", "WATCH big", "BITFIELD big SET u8 6000 0 GET u8 6250 SET i4 100 0", "MULTI", "PING", "EXEC",
    "WATCH big", "BITFIELD big SET u8 6000 0 SET u8 6001 9 SET u8 6002 0", "MULTI", "PING", "EXEC",
    "BITFIELD big GET u8 6000 GET u8 6001 GET u8 6002 GET u8 6250", "BITCOUNT big", "STRLEN big",
  ]),
];
