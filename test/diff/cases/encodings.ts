// Differential cases for Redis 7.0's built-in compact-encoding thresholds (a redis-server without a config
// file): hash 512 entries / 64 bytes, set-max-intset-entries 512, zset 128 entries / 64 bytes, at and just
// past each boundary, with what they make visible: OBJECT ENCODING, reply order, whole-value SCANs, DUMP.
import { type DiffCase, script } from "../case.ts";
import { sortArray, unorderedMap } from "../normalise.ts";

const fields = (n: number, from = 0): string => Array.from({ length: n }, (_, i) => `f${from + i} v${from + i}`).join(" ");
const ints = (n: number): string => Array.from({ length: n }, (_, i) => String(n - i)).join(" ");
const members = (n: number): string => Array.from({ length: n }, (_, i) => `${n - i} m${i}`).join(" ");
const bytes = (n: number): string => "x".repeat(n);

export const cases: DiffCase[] = [
  script("encodings: a hash of 200 fields is a listpack, replied in insertion order", [
    `HSET h ${fields(200)}`, "OBJECT ENCODING h", "HGETALL h", "HKEYS h", "HVALS h", "HSCAN h 0 COUNT 10", "HSET h f7 new f200 v200", "HGETALL h", "DUMP h",
  ]),
  script("encodings: a hash of 512 fields is a listpack, the 513th makes it a hashtable", [
    `HSET h ${fields(512)}`, "OBJECT ENCODING h", "HLEN h", "HGETALL h", "HSET h f511 again", "OBJECT ENCODING h", "HSET h f512 v512", "OBJECT ENCODING h", "HLEN h", "HGETALL h",
  ], [unorderedMap(9)]),
  script("encodings: a hash that became a hashtable stays one when it shrinks", [
    `HSET h ${fields(513)}`, "OBJECT ENCODING h", `HDEL h ${Array.from({ length: 510 }, (_, i) => `f${i}`).join(" ")}`, "HLEN h", "OBJECT ENCODING h", "HGETALL h",
    `HSET g a ${bytes(65)}`, "HDEL g a", "HSET g b 1", "OBJECT ENCODING g", "HSET k n 1", "HINCRBYFLOAT k n 1e100", "OBJECT ENCODING k", "HSET k n 1", "OBJECT ENCODING k",
  ], [unorderedMap("HGETALL")]),
  script("encodings: a hash of 513 fields at once is a hashtable", [`HSET h ${fields(513)}`, "OBJECT ENCODING h", "HKEYS h"], [sortArray("HKEYS")]),
  script("encodings: hash fields and values of 64 bytes fit a listpack, 65 do not", [
    `HSET a f ${bytes(64)}`, "OBJECT ENCODING a", `HSET a ${bytes(64)} v`, "OBJECT ENCODING a", "HGETALL a",
    `HSET b f ${bytes(65)}`, "OBJECT ENCODING b", `HSET c ${bytes(65)} v`, "OBJECT ENCODING c", `HSETNX d g ${bytes(65)}`, "OBJECT ENCODING d",
  ]),
  script("encodings: a set of 512 integers is an intset, the 513th makes it a hashtable", [
    `SADD s ${ints(512)}`, "OBJECT ENCODING s", "SMEMBERS s", "SSCAN s 0", "SADD s 513", "OBJECT ENCODING s", "SCARD s", "SMEMBERS s",
    "SADD t 1 2 3", "OBJECT ENCODING t", "SADD t x", "OBJECT ENCODING t",
  ], [sortArray(7)]),
  script("encodings: a sorted set of 128 members is a listpack, the 129th makes it a skiplist", [
    `ZADD z ${members(128)}`, "OBJECT ENCODING z", "ZRANGE z 0 -1 WITHSCORES", "ZSCAN z 0", "ZADD z 0 extra", "OBJECT ENCODING z", "ZCARD z", `ZADD y ${members(129)}`, "OBJECT ENCODING y",
  ]),
  script("encodings: sorted-set members of 64 bytes fit a listpack, 65 do not", [
    `ZADD a 1 ${bytes(64)}`, "OBJECT ENCODING a", `ZADD b 1 ${bytes(65)}`, "OBJECT ENCODING b", `ZADD c 1 a`, `ZADD c 2 ${bytes(65)}`, "OBJECT ENCODING c",
  ]),
  script("encodings: lists are quicklists", ["RPUSH l a b c", "OBJECT ENCODING l", `RPUSH m ${ints(600)}`, "OBJECT ENCODING m"]),
  script("encodings: CONFIG GET shows the built-in defaults", [
    "CONFIG GET hash-max-listpack-entries", "CONFIG GET hash-max-listpack-value", "CONFIG GET set-max-intset-entries", "CONFIG GET zset-max-listpack-entries", "CONFIG GET zset-max-listpack-value",
    "CONFIG GET list-max-listpack-size",
  ]),
  script("encodings: CONFIG GET shows memory values in bytes, as Redis stores them", [
    "CONFIG SET hash-max-listpack-value 1kb", "CONFIG GET hash-max-listpack-value",
    "CONFIG SET hash-max-listpack-value 064", "CONFIG GET hash-max-listpack-value",
  ]),
];
