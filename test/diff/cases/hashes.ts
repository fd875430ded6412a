// Differential cases for hashes: every command and option, listpack order of small hashes, RESP3 shapes
// (HGETALL as a map, HRANDFIELD WITHVALUES as pairs), integer and float increments with their errors,
// wrong types, wrong arities and bad numbers.
import { type DiffCase, script } from "../case.ts";
import { sortArray, unorderedMap } from "../normalise.ts";

const seed = "HSET h a 1 b 2 c 3";
const bigHset = "HSET big " + Array.from({ length: 200 }, (_, i) => `f${i} v${i}`).join(" ");

export const cases: DiffCase[] = [
  script("hashes: HSET creates, updates and counts new fields", [
    "HSET h a 1", "HSET h a 2 b 3 c 4", "HSET h a 5 a 6", "HGET h a", "HGETALL h", "HLEN h", "HSET h", "HSET h a", "HSET h a 1 b", "HLEN none",
  ]),
  script("hashes: HMSET and HSETNX", [
    "HMSET h a 1 b 2", "HMSET h a 3", "HMSET h a", "HMSET h", "HGETALL h", "HSETNX h a 9", "HSETNX h c 9", "HSETNX new x 1", "HGETALL h", "HGETALL new", "HSETNX h c", "HSETNX h c 1 2",
  ]),
  script("hashes: field order follows insertion, updates keep their place, HDEL closes gaps", [
    "HSET h z 1 y 2 x 3 w 4", "HSET h y 20", "HDEL h x", "HSET h x 30 v 5", "HKEYS h", "HVALS h", "HGETALL h",
  ]),
  script("hashes: HGET HMGET HEXISTS HSTRLEN", [
    seed, "HGET h a", "HGET h x", "HGET none a", "HMGET h a x c", "HMGET none a b", "HEXISTS h a", "HEXISTS h x", "HEXISTS none a",
    "HSTRLEN h a", "HSTRLEN h x", "HSTRLEN none a", "HSET h long 123456789012345", "HSTRLEN h long", "HGET h", "HMGET h", "HEXISTS h", "HSTRLEN h a b",
  ]),
  { name: "hashes: binary and empty fields and values", cmds: [["HSET", "h", "", "empty"], ["HSET", "h", "e", ""], ["HSET", "h", new Uint8Array([0, 255, 10]), new Uint8Array([13, 10, 0])], ["HGETALL", "h"], ["HSTRLEN", "h", "e"], ["HGET", "h", ""], ["HKEYS", "h"]] },
  script("hashes: HDEL removes fields and the empty key", [
    seed, "HDEL h a x", "HDEL h x y", "HDEL h b c d", "EXISTS h", "HDEL none a", "HDEL h", "HSET h a 1", "HDEL h a a", "EXISTS h",
  ]),
  script("hashes: HKEYS HVALS HGETALL of missing keys", ["HKEYS none", "HVALS none", "HGETALL none", "HKEYS h x", "HGETALL"]),
  script("hashes: HINCRBY", [
    "HINCRBY h n 5", "HINCRBY h n -7", "HINCRBY h n 0", "HGET h n", "HSET h s abc f 1.5 big 9223372036854775800", "HINCRBY h s 1", "HINCRBY h f 1", "HINCRBY h big 7", "HINCRBY h big 8",
    "HINCRBY h big -9223372036854775807", "HINCRBY h x 1.0", "HINCRBY h x abc", "HINCRBY h x 9223372036854775808", "HINCRBY h neg -9223372036854775808", "HINCRBY h neg -1", "HINCRBY h n", "HGETALL h",
  ]),
  {
    name: "hashes: HINCRBY on leading zeros, signs, spaces and empty values",
    cmds: [["HSET", "h", "z", "007", "p", "+5", "m", "-0", "e", "", "sp", " 1"], ["HINCRBY", "h", "z", "1"], ["HINCRBY", "h", "p", "1"], ["HINCRBY", "h", "m", "1"], ["HINCRBY", "h", "e", "1"], ["HINCRBY", "h", "sp", "1"], ["HINCRBY", "h", "n", "+1"], ["HINCRBY", "h", "n", "01"], ["HINCRBY", "h", "n", " 1"], ["HINCRBY", "h", "n", ""]],
  },
  script("hashes: HINCRBYFLOAT", [
    "HINCRBYFLOAT h f 1.5", "HINCRBYFLOAT h f 0.1", "HINCRBYFLOAT h f -1.6", "HINCRBYFLOAT h f 1e3", "HINCRBYFLOAT h f 5.0e-3", "HINCRBYFLOAT h i 10", "HSET h n 12", "HINCRBYFLOAT h n 0.5",
    "HINCRBYFLOAT h f inf", "HINCRBYFLOAT h f -inf", "HINCRBYFLOAT h f nan", "HINCRBYFLOAT h f abc", "HSET h s abc", "HINCRBYFLOAT h s 1",
    "HINCRBYFLOAT h big 1e308", "HINCRBYFLOAT h big 1e308", "HINCRBYFLOAT h big 1e4932", "HINCRBYFLOAT h f", "HGETALL h",
  ], [unorderedMap("HGETALL")]), // the 309-digit value makes the hash a hashtable
  {
    name: "hashes: HINCRBYFLOAT results, spaces and empty texts",
    cmds: [["HINCRBYFLOAT", "h", "a", "3.0"], ["HINCRBYFLOAT", "h", "a", "1.23456789012345678"], ["HINCRBYFLOAT", "h", "b", " 1"], ["HINCRBYFLOAT", "h", "b", "1 "], ["HINCRBYFLOAT", "h", "b", ""], ["HSET", "h", "c", " 2", "e", ""], ["HINCRBYFLOAT", "h", "c", "1"], ["HINCRBYFLOAT", "h", "e", "1"], ["HINCRBYFLOAT", "h", "d", "0x10"], ["HGETALL", "h"]],
  },
  script("hashes: HRANDFIELD whole hash and errors", [
    seed, "HRANDFIELD h 3", "HRANDFIELD h 10", "HRANDFIELD h 10 WITHVALUES", "HRANDFIELD h 3 withvalues", "HRANDFIELD h 0", "HRANDFIELD h 0 WITHVALUES", "HRANDFIELD none", "HRANDFIELD none 5",
    "HRANDFIELD none -5 WITHVALUES", "HRANDFIELD h x", "HRANDFIELD h 1 foo", "HRANDFIELD h 1 WITHVALUES x", "HRANDFIELD h -9223372036854775808", "HRANDFIELD h 4611686018427387904 WITHVALUES",
    "HRANDFIELD h -4611686018427387904 WITHVALUES", "HRANDFIELD h 9223372036854775807", "HRANDFIELD h 9223372036854775808",
  ]),
  script("hashes: HRANDFIELD on one field", ["HSET h only 1", "HRANDFIELD h", "HRANDFIELD h 1", "HRANDFIELD h -3", "HRANDFIELD h -2 WITHVALUES", "HRANDFIELD h 1 WITHVALUES"]),
  script("hashes: HSCAN of a small hash returns it whole", [
    seed, "HSCAN h 0", "HSCAN h 0 COUNT 1", "HSCAN h 123", "HSCAN h 0 MATCH b*", "HSCAN h 0 MATCH [ac] COUNT 100", "HSCAN h 0 match * count 2", "HSCAN none 0", "HSCAN none 0 COUNT 0", "HSCAN none x",
    "HSCAN h x", "HSCAN h -1", "HSCAN h 18446744073709551615", "HSCAN h 18446744073709551616", "HSCAN h 0 COUNT 0", "HSCAN h 0 COUNT -1", "HSCAN h 0 COUNT x", "HSCAN h 0 MATCH", "HSCAN h 0 foo bar", "HSCAN h",
  ]),
  // 200 fields is still a listpack (hash-max-listpack-entries is 512 without a config file): insertion order.
  script("hashes: a 200-field hash replies in insertion order", [bigHset, "HLEN big", "HGET big f150", "HKEYS big", "HVALS big", "HGETALL big", "HRANDFIELD big 300", "OBJECT ENCODING big"], [sortArray("HRANDFIELD")]),
  script("hashes: wrong type everywhere", [
    "SET s v", "HSET s a 1", "HMSET s a 1", "HSETNX s a 1", "HGET s a", "HMGET s a", "HDEL s a", "HLEN s", "HSTRLEN s a", "HEXISTS s a", "HKEYS s", "HVALS s", "HGETALL s", "HINCRBY s a 1",
    "HINCRBYFLOAT s a 1", "HINCRBY s a x", "HINCRBYFLOAT s a x", "HRANDFIELD s", "HRANDFIELD s 2", "HSCAN s 0", "HSCAN s x", "HSET h a 1", "GET h", "SADD h x", "GET s",
  ]),
  script("hashes: wrong arity", ["HGET h", "HLEN", "HLEN h x", "HKEYS", "HVALS h x", "HGETALL h x", "HINCRBY h a", "HINCRBYFLOAT h a 1 2", "HRANDFIELD", "HSCAN h", "HDEL h", "HMGET h", "HSETNX h a"]),
  script("hashes: COMMAND INFO of the family", [
    "COMMAND INFO hset hsetnx hget hmget hmset hdel hlen hstrlen", "COMMAND INFO hexists hkeys hvals hgetall hincrby hincrbyfloat hrandfield hscan",
  ]),
  script("hashes: keys expire and are typed", ["HSET h a 1", "TYPE h", "EXPIRE h 1000", "HSET h b 2", "TTL h", "OBJECT ENCODING h", "HDEL h a b", "TTL h", "EXISTS h"]),
];
