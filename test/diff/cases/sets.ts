// Differential cases for sets: every command and option, intset (ascending) reply order, RESP3 set
// replies, the STORE forms over destinations of other types, SPOP/SRANDMEMBER count forms, SSCAN, wrong
// types, wrong arities and bad numbers. Replies of hashtable-encoded sets are sorted (their order is
// Redis's hash table order, which Bunker does not reproduce).
import { type DiffCase, script } from "../case.ts";
import { ignoreValue, sortArray } from "../normalise.ts";

const unordered = ["SMEMBERS", "SINTER", "SUNION", "SDIFF", "SPOP", "SRANDMEMBER"].map((c) => sortArray(c));
const ints = "SADD i 5 -3 100 0 42 7";
const bigInts = "SADD bi " + Array.from({ length: 600 }, (_, i) => String(600 - i)).join(" ");

export const cases: DiffCase[] = [
  script("sets: SADD SCARD SISMEMBER SMISMEMBER", [
    "SADD s a b c", "SADD s a d", "SADD s a", "SCARD s", "SCARD none", "SISMEMBER s a", "SISMEMBER s x", "SISMEMBER none a", "SMISMEMBER s a x d", "SMISMEMBER none a b", "SADD s", "SISMEMBER s", "SMISMEMBER s", "SCARD s x",
  ]),
  script("sets: integer sets reply in ascending order", [
    ints, "SMEMBERS i", "SADD i 9223372036854775807 -9223372036854775808 1", "SMEMBERS i", "SRANDMEMBER i 100", "SINTER i i", "SUNION i i", "SDIFF i none", "SSCAN i 0", "SSCAN i 0 MATCH 1*",
    "SADD j 007 10 -0 +1", "SMEMBERS j", "SRANDMEMBER j 10",
  ], [sortArray(11), sortArray(12)]), // j's members are not canonical integers: a hashtable
  script("sets: mixed and large sets (order unspecified)", [
    "SADD m b a 3 c 1", "SMEMBERS m", "SREM m b a c", "SMEMBERS m", bigInts, "SCARD bi", "SISMEMBER bi 300", "SMEMBERS bi", "SRANDMEMBER bi 1000",
  ], unordered),
  script("sets: SMEMBERS of missing keys", ["SMEMBERS none", "SRANDMEMBER none", "SRANDMEMBER none 3", "SRANDMEMBER none -3", "SPOP none", "SPOP none 3", "SPOP none 0"]),
  script("sets: SREM deletes the empty key", ["SADD s a b c", "SREM s a x", "SREM s x y", "SREM s b c d", "EXISTS s", "SREM none a", "SREM s", "SADD s 1 2", "SREM s 1 1 2", "EXISTS s"]),
  { name: "sets: binary and empty members", cmds: [["SADD", "s", ""], ["SADD", "s", new Uint8Array([0, 255])], ["SISMEMBER", "s", ""], ["SISMEMBER", "s", new Uint8Array([0, 255])], ["SCARD", "s"], ["SREM", "s", ""], ["SMEMBERS", "s"]] },
  script("sets: SMOVE", [
    "SADD a 1 2 3", "SADD b 3 4", "SMOVE a b 1", "SMOVE a b 3", "SMOVE a b 9", "SMEMBERS a", "SMEMBERS b", "SMOVE a a 2", "SMOVE a a 9", "SMOVE a c 2", "EXISTS a", "SMEMBERS c", "SMOVE none b 1",
    "SET str v", "SMOVE none str 1", "SMOVE str b 1", "SMOVE b str 4", "SMOVE b str 99", "SMEMBERS b", "SMOVE a b", "SMOVE a b c d",
  ]),
  script("sets: SINTER SUNION SDIFF", [
    "SADD a 1 2 3 4", "SADD b 2 3 5", "SADD c 3 4 5", "SINTER a b", "SINTER a b c", "SINTER a none", "SINTER none a", "SUNION a b c", "SUNION none a", "SUNION none", "SDIFF a b", "SDIFF a b c",
    "SDIFF b a", "SDIFF none a", "SDIFF a none", "SDIFF a a", "SINTER a", "SINTER", "SUNION", "SDIFF",
  ]),
  script("sets: SINTER SUNION SDIFF over string members", [
    "SADD x a b c d", "SADD y c d e", "SINTER x y", "SUNION x y", "SDIFF x y", "SDIFF y x",
  ], unordered),
  script("sets: wrong type in any source position", [
    "SADD a 1 2", "SET str v", "SINTER a str", "SINTER str a", "SINTER none str", "SINTER str none", "SUNION none str", "SDIFF none str", "SDIFF a str", "SINTERCARD 2 none str",
    "SINTERSTORE d a str", "SUNIONSTORE d str", "SDIFFSTORE d none str", "EXISTS d",
  ]),
  script("sets: STORE forms overwrite and delete the destination", [
    "SADD a 1 2 3", "SADD b 2 3 4", "SET d v", "EXPIRE d 1000", "SINTERSTORE d a b", "TYPE d", "TTL d", "SMEMBERS d", "SUNIONSTORE d a b", "SMEMBERS d", "SDIFFSTORE d a b", "SMEMBERS d",
    "SET d v", "SINTERSTORE d a none", "EXISTS d", "SET d v", "SDIFFSTORE d none a", "EXISTS d", "SET d v", "SUNIONSTORE d none", "EXISTS d", "SINTERSTORE d a none", "SDIFFSTORE d a a", "EXISTS d",
    "HSET h f v", "SUNIONSTORE h a", "TYPE h", "SINTERSTORE a a b", "SMEMBERS a", "SDIFFSTORE b b a", "SMEMBERS b", "SINTERSTORE d", "SUNIONSTORE d",
  ]),
  script("sets: SINTERCARD", [
    "SADD a 1 2 3 4 5", "SADD b 2 3 4 5 6", "SINTERCARD 2 a b", "SINTERCARD 2 a b LIMIT 2", "SINTERCARD 2 a b LIMIT 0", "SINTERCARD 2 a b limit 100", "SINTERCARD 1 a", "SINTERCARD 2 a none",
    "SINTERCARD 2 a b LIMIT 1 LIMIT 3", "SINTERCARD 0 a", "SINTERCARD -1 a", "SINTERCARD x a", "SINTERCARD 3 a b", "SINTERCARD 2 a b LIMIT", "SINTERCARD 2 a b LIMIT -1", "SINTERCARD 2 a b LIMIT x",
    "SINTERCARD 2 a b FOO", "SINTERCARD 1 a b", "SINTERCARD 1", "SINTERCARD 99999999999999999999 a",
  ]),
  script("sets: SPOP", [
    "SADD s 1", "SPOP s", "EXISTS s", "SADD s 1 2 3", "SPOP s 3", "EXISTS s", "SADD s 1 2 3", "SPOP s 10", "EXISTS s", "SADD s a", "SPOP s 0", "SPOP s 1", "EXISTS s", "SADD s a", "SPOP s -1", "SPOP s x",
    "SPOP s 1 2", "SPOP none -1", "SPOP none x", "SPOP none 1 2", "SPOP",
  ]),
  script("sets: SPOP with a count leaves the rest", ["SADD s 1 2 3 4 5 6", "SPOP s 2", "SCARD s", "SPOP s", "SCARD s", "SPOP s 9", "EXISTS s"], [ignoreValue("SPOP")]),
  script("sets: SRANDMEMBER", [
    "SADD s only", "SRANDMEMBER s", "SRANDMEMBER s 1", "SRANDMEMBER s 5", "SRANDMEMBER s -3", "SRANDMEMBER s 0", "SRANDMEMBER s x", "SRANDMEMBER s 1 2", "SRANDMEMBER s x 2",
    "SRANDMEMBER s -9223372036854775808", "SRANDMEMBER none -9223372036854775808", "SRANDMEMBER", "SCARD s",
  ]),
  script("sets: SSCAN", [
    ints, "SSCAN i 0", "SSCAN i 0 COUNT 1", "SSCAN i 77 MATCH *2", "SSCAN i 0 MATCH -*", "SSCAN none 0", "SSCAN none 0 COUNT 0", "SADD one x", "SSCAN one 0", "SSCAN one 0 MATCH y", "SSCAN i x", "SSCAN i -1",
    "SSCAN i 18446744073709551616", "SSCAN i 0 COUNT 0", "SSCAN i 0 COUNT x", "SSCAN i 0 MATCH", "SSCAN i 0 bar", "SSCAN i",
  ]),
  script("sets: wrong type everywhere", [
    "SET str v", "SADD str a", "SREM str a", "SCARD str", "SISMEMBER str a", "SMISMEMBER str a", "SMEMBERS str", "SRANDMEMBER str", "SRANDMEMBER str 2", "SRANDMEMBER str x", "SPOP str", "SPOP str 2",
    "SPOP str 0", "SSCAN str 0", "SADD s a", "GET s", "HGET s a", "ZADD s 1 a", "GET str",
  ]),
  script("sets: wrong arity", ["SADD s", "SREM s", "SCARD", "SISMEMBER s", "SISMEMBER s a b", "SMISMEMBER s", "SMEMBERS", "SMEMBERS s x", "SRANDMEMBER", "SPOP", "SMOVE a b", "SSCAN s", "SINTERSTORE d", "SDIFFSTORE d"]),
  script("sets: COMMAND INFO of the family", [
    "COMMAND INFO sadd srem scard sismember smismember smembers srandmember spop smove",
    "COMMAND INFO sinter sintercard sinterstore sunion sunionstore sdiff sdiffstore sscan",
    "COMMAND GETKEYS SINTERCARD 2 a b LIMIT 1", "COMMAND GETKEYS SMOVE a b m", "COMMAND GETKEYS SDIFFSTORE d a b",
  ]),
  // Pushes arrive on the connection that caused them (RESP3), before or after the reply as Redis sends
  // them; the harness reads one reply per command, so the trailing PINGs take up the shift.
  withEmptyWords(script("sets: keyspace events and their order against the reply", [
    "CONFIG SET notify-keyspace-events Eghs", "PSUBSCRIBE __keyevent@0__:*",
    "SADD s 1 2 3", "SADD s 1", "SREM s 1", "SREM s 9", "SMOVE s t 2", "SMOVE s t 3", "SMOVE t t 2", "SADD a 1", "SPOP a", "SPOP a", "SADD a 1 2 3", "SPOP a 5", "SPOP a 5",
    "SADD a 5", "SINTERSTORE d a", "SUNIONSTORE d a", "SDIFFSTORE d a a", "SET d v", "SINTERSTORE d a none", "SINTERSTORE d none", "SADD b 9", "SINTERSTORE d a b", "SPOP none",
    "HSET h a 1", "HMSET h b 2", "HSETNX h c 3", "HSETNX h c 3", "HINCRBY h n 1", "HINCRBYFLOAT h f 1.5", "HDEL h x", "HDEL h a b c n", "HDEL h f",
    ...Array.from({ length: 40 }, (_, i) => `PING ${i}`),
    "PUNSUBSCRIBE", "CONFIG SET notify-keyspace-events ''",
  ])),
];

/** `''` words become empty arguments. */
function withEmptyWords(c: DiffCase): DiffCase {
  return { ...c, cmds: c.cmds.map((argv) => argv.map((w) => (w === "''" ? "" : w))) };
}
