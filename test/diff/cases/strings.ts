// Differential cases for the string basics: SET with every option and its errors, GET, binary-safe and
// empty values and keys, and GET on a key of another type.
import { type DiffCase, cmd, script } from "../case.ts";
import { intWithin } from "../normalise.ts";

// Absolute expiry times are fixed when the cases load, well away from "now" in both directions, so the
// two servers (which receive each command a moment apart) always agree on whether a key has expired.
const nowSeconds = Math.floor(Date.now() / 1000);
const futureSeconds = String(nowSeconds + 5_000);
const futureMs = String((nowSeconds + 5_000) * 1000);
const pastSeconds = String(nowSeconds - 5_000);
const pastMs = String((nowSeconds - 5_000) * 1000);

/** TTL ticks once a second and PTTL once a millisecond; the servers see each command a moment apart. */
const ttlTolerance = [intWithin(1, "TTL"), intWithin(50, "PTTL")];

const binary = new Uint8Array([0, 255, 13, 10, 0, 128, 36, 42]);

/** A value long enough that SETRANGE/APPEND change it in place in Bunker (BufferedStringEntry). */
const longValue = "xxxxxxxxxxxxxxxxxxxx".repeat(250);

export const cases: DiffCase[] = [
  script("strings: SETRANGE, APPEND and reads of a long value changed in place", [
    `SET big ${longValue}`, "SETRANGE big 100 abc", "GETRANGE big 98 104", "SETRANGE big 6000 zz", "STRLEN big", "GETRANGE big 4998 5002", "GETRANGE big 5999 -1",
    "APPEND big tail", "STRLEN big", "GETRANGE big -6 -1", "OBJECT ENCODING big", "GET big", "SETRANGE big 3 q", "GETRANGE big 0 5",
    "INCR big", "SET n 12", "SETRANGE n 5000 1", "STRLEN n", "INCR n", "APPEND n 7", "STRLEN n", "GETRANGE n 0 2",
  ]),
  script("strings: SET then GET", ["SET k hello", "GET k", "SET k world", "GET k"]),
  script("strings: GET of a missing key is nil", ["GET missing"]),
  script("strings: SET and GET arity errors", ["GET", "GET a b", "SET", "SET k"]),
  script("strings: option names are case-insensitive", ["SET k v nx", "SET k w Xx", "GET k", "SET k x get"]),

  script("strings: SET NX only when missing", ["SET k v1 NX", "SET k v2 NX", "GET k"]),
  script("strings: SET XX only when present", ["SET k v1 XX", "GET k", "SET k v0", "SET k v2 XX", "GET k"]),
  script("strings: SET NX with XX is a syntax error", ["SET k v NX XX", "SET k v XX NX", "GET k"]),
  script("strings: SET GET returns the old value", ["SET k v1 GET", "SET k v2 GET", "GET k"]),
  script("strings: SET GET with NX and XX", ["SET k v1 NX GET", "SET k v2 NX GET", "SET k v3 XX GET", "GET k"]),
  script("strings: SET GET on a missing key with XX", ["SET k v XX GET", "GET k"]),
  script("strings: repeated options", ["SET k v NX NX", "SET k v GET GET", "SET k v XX XX", "GET k"]),

  script("strings: SET EX sets a TTL in seconds", ["SET k v EX 100", "TTL k", "PTTL k", "GET k"], ttlTolerance),
  script("strings: SET PX sets a TTL in milliseconds", ["SET k v PX 100000", "TTL k", "PTTL k"], ttlTolerance),
  script("strings: SET EXAT and PXAT in the future", [
    `SET k v EXAT ${futureSeconds}`,
    "TTL k",
    `SET j v PXAT ${futureMs}`,
    "TTL j",
  ], ttlTolerance),
  script("strings: SET EXAT and PXAT in the past delete the key", [
    "SET k old",
    `SET k v EXAT ${pastSeconds}`,
    "GET k",
    "EXISTS k",
    `SET j v PXAT ${pastMs}`,
    "GET j",
  ]),
  script("strings: SET with plain overwrite clears the TTL", ["SET k v EX 100", "SET k w", "TTL k"]),
  script("strings: SET KEEPTTL keeps the TTL", ["SET k v EX 100", "SET k w KEEPTTL", "TTL k", "GET k"], ttlTolerance),
  script("strings: SET KEEPTTL on a key without TTL", ["SET k v", "SET k w KEEPTTL", "TTL k"]),
  script("strings: SET GET with EX returns the old value and sets the TTL", [
    "SET k v1",
    "SET k v2 GET EX 100",
    "TTL k",
  ], ttlTolerance),
  script("strings: SET with zero and negative expiry", [
    "SET k v EX 0",
    "SET k v EX -1",
    "SET k v PX 0",
    "SET k v PX -5",
    "SET k v EXAT 0",
    "SET k v PXAT -1",
    "GET k",
  ]),
  script("strings: SET with non-integer expiry", [
    "SET k v EX abc",
    "SET k v EX 1.5",
    "SET k v PX 10e3",
    "SET k v EXAT 1e10",
    "SET k v EX 0x10",
    "GET k",
  ]),
  {
    name: "strings: SET with empty and padded expiry",
    cmds: [
      ["SET", "k", "v", "EX", ""],
      ["SET", "k", "v", "EX", " 10"],
      ["SET", "k", "v", "EX", "10 "],
      ["SET", "k", "v", "EX", "+10"],
      cmd("GET k"),
    ],
  },
  script("strings: SET with huge expiry", [
    "SET k v EX 9223372036854775807",
    "SET k v EX 9223372036854775808",
    "SET k v PX 9223372036854775807",
    "SET k v EX 9223372036854775",
    "SET k v EXAT 9223372036854775807",
    "SET k v PXAT 9223372036854775807",
    "SET k v EX -9223372036854775808",
    "GET k",
  ]),
  script("strings: SET with conflicting expiry options", [
    "SET k v EX 10 PX 10000",
    "SET k v EX 10 EX 20",
    "SET k v EX 10 KEEPTTL",
    "SET k v KEEPTTL PX 10",
    "SET k v EXAT 10 PXAT 10",
    "GET k",
  ]),
  script("strings: SET with an option missing its value", ["SET k v EX", "SET k v PX", "SET k v EXAT", "SET k v NX EX"]),
  script("strings: SET with unknown options", ["SET k v BOGUS", "SET k v NX BOGUS", "SET k v EX 10 20", "GET k"]),

  script("strings: GET and SET GET on a list are WRONGTYPE", [
    "RPUSH l a b",
    "GET l",
    "SET l v GET",
    "SET l v NX",
    "SET l v XX",
    "GET l",
  ]),

  { name: "strings: binary values round-trip", cmds: [["SET", "bin", binary], ["GET", "bin"], ["SET", "bin", binary, "GET"]] },
  {
    name: "strings: values containing CRLF and RESP syntax",
    cmds: [["SET", "k", "line1\r\nline2"], ["GET", "k"], ["SET", "k", "*1\r\n$3\r\nfoo\r\n"], ["GET", "k"]],
  },
  { name: "strings: empty value", cmds: [["SET", "k", ""], ["GET", "k"], ["EXISTS", "k"]] },
  { name: "strings: empty key", cmds: [["SET", "", "empty-key"], ["GET", ""], ["EXISTS", ""], ["DEL", ""], ["GET", ""]] },
  { name: "strings: binary keys", cmds: [["SET", binary, "v"], ["GET", binary], ["EXISTS", binary], ["GET", "bin"]] },
  { name: "strings: UTF-8 keys and values", cmds: [["SET", "ключ", "значение ✓"], ["GET", "ключ"]] },
  {
    name: "strings: a 100 KB value",
    cmds: [["SET", "big", "x".repeat(100_000)], ["GET", "big"], ["SET", "big", "y".repeat(100_000), "GET"]],
  },
  script("strings: values that look like numbers stay strings", [
    "SET n 10",
    "GET n",
    "SET n 007",
    "GET n",
    "SET n -0",
    "GET n",
    "SET n 3.14e10",
    "GET n",
  ]),

  script("strings: SETNX", ["SETNX a 1", "SETNX a 2", "GET a", "SETNX", "SETNX a", "RPUSH l x", "SETNX l v", "TYPE l"]),
  script("strings: SETEX and PSETEX set value and TTL", ["SETEX b 100 v", "TTL b", "GET b", "PSETEX c 100000 v", "PTTL c", "SETEX l 100 v", "GET l"], ttlTolerance),
  script("strings: SETEX and PSETEX reject bad times", [
    "SETEX b 0 v", "SETEX b -5 v", "SETEX b abc v", "SETEX b 9223372036854775807 v", "SETEX b 9223372036854775 v",
    "PSETEX c 0 v", "PSETEX c 9223372036854775807 v", "PSETEX c 1.5 v", "EXISTS b c", "SETEX b 10", "PSETEX",
  ]),
  script("strings: GETSET returns the old value and clears the TTL", ["GETSET a 5", "SET a 1 EX 100", "GETSET a 6", "TTL a", "GET a", "RPUSH l x", "GETSET l 5", "GETSET a"]),
  script("strings: GETDEL", ["SET a 1", "GETDEL a", "GETDEL a", "EXISTS a", "RPUSH l x", "GETDEL l", "GETDEL"]),
  script("strings: GETEX options", [
    "SET g hello", "GETEX g", "TTL g", "GETEX g EX 100", "TTL g", "GETEX g PERSIST", "TTL g", "GETEX g PX 100000 PX 200000", "PTTL g",
    `GETEX g EXAT ${futureSeconds}`, "TTL g", `GETEX g PXAT ${futureMs}`, "TTL g", "GETEX g persist persist", "TTL g",
  ], ttlTolerance),
  script("strings: GETEX errors", [
    "SET g hello", "GETEX g EX 10 PX 10", "GETEX g PERSIST EX 10", "GETEX g EX 10 PERSIST", "GETEX g NX", "GETEX g KEEPTTL", "GETEX g EX",
    "GETEX g EX abc", "GETEX g EX 0", "GETEX g PX -1", "GETEX g EX 9223372036854775807", "GETEX missing EX abc", "GETEX", "TTL g",
    "RPUSH l x", "GETEX l", "GETEX l EX abc",
  ]),
  script("strings: GETEX with a time in the past deletes the key", ["SET g hello", `GETEX g EXAT ${pastSeconds}`, "EXISTS g", "SET g v", `GETEX g PXAT ${pastMs}`, "EXISTS g"]),
  script("strings: MGET", ["MSET a 1 b 2", "RPUSH l x", "MGET a b missing l a", "MGET"]),
  script("strings: MSET over many keys and shards", [
    "MSET k1 a k2 b k3 c k4 d k5 e k6 f k7 g k8 h k9 i", "MGET k1 k2 k3 k4 k5 k6 k7 k8 k9", "MSET k1 x k1 y", "GET k1",
    "SET t v EX 100", "MSET t w", "TTL t", "MSET a", "MSET a 1 b", "MSET", "RPUSH l x", "MSET l v", "GET l",
  ]),
  script("strings: MSETNX", ["MSETNX a 1 b 2", "MSETNX a 1 c 3", "EXISTS c", "MSETNX c 1 c 2", "GET c", "MSETNX d", "MSETNX d 1 e", "MGET a b c"]),
  { name: "strings: APPEND", cmds: [["APPEND", "ap", "hello"], ["APPEND", "ap", " world"], ["GET", "ap"], ["APPEND", "ap", ""], ["STRLEN", "ap"], cmd("SET n 12"), cmd("APPEND n 34"), cmd("INCR n"), cmd("RPUSH l x"), cmd("APPEND l x"), cmd("APPEND"), cmd("APPEND x")] },
  script("strings: APPEND keeps the TTL", ["SET a v EX 100", "APPEND a w", "TTL a"], ttlTolerance),
  script("strings: STRLEN", ["SET s hello", "STRLEN s", "STRLEN missing", "SET n -123", "STRLEN n", "RPUSH l x", "STRLEN l", "STRLEN"]),
  script("strings: GETRANGE and SUBSTR", [
    "SET s HelloWorld", "GETRANGE s 0 4", "GETRANGE s -3 -1", "GETRANGE s 0 -1", "GETRANGE s 10 100", "GETRANGE s -1 -5", "GETRANGE s 5 3",
    "GETRANGE s -100 100", "GETRANGE s 0 9223372036854775807", "GETRANGE s -9223372036854775808 0", "GETRANGE s a 1", "GETRANGE s 1 b",
    "GETRANGE missing 0 1", "SUBSTR s 0 4", "SUBSTR missing x 1", "SET n 12345", "GETRANGE n 1 2", "RPUSH l x", "GETRANGE l 0 1", "GETRANGE s 0",
  ]),
  { name: "strings: SETRANGE", cmds: [
    cmd("SET s HelloWorld"), cmd("SETRANGE s 5 XYZ"), cmd("GET s"), cmd("SETRANGE s 20 end"), cmd("GET s"), cmd("SETRANGE new 3 abc"), cmd("GET new"),
    ["SETRANGE", "new2", "3", ""], cmd("EXISTS new2"), ["SETRANGE", "s", "3", ""], cmd("SETRANGE s -1 x"), cmd("SETRANGE s x x"),
    cmd("SETRANGE s 536870911 ab"), cmd("SETRANGE s 9223372036854775807 ab"), cmd("RPUSH l x"), cmd("SETRANGE l 0 x"), ["SETRANGE", "l", "0", ""], cmd("SETRANGE s 0"),
  ] },
  script("strings: SETRANGE keeps the TTL", ["SET a hello EX 100", "SETRANGE a 1 E", "TTL a", "GET a"], ttlTolerance),
  script("strings: INCR, DECR, INCRBY, DECRBY", [
    "INCR i", "INCR i", "INCRBY i 10", "DECR i", "DECRBY i 5", "INCRBY i -100", "DECRBY i -3", "GET i", "INCRBY i abc", "INCRBY i 1.5",
    "INCRBY i 9223372036854775808", "DECRBY i -9223372036854775808", "INCR", "INCRBY i", "DECR a b",
  ]),
  script("strings: INCR overflow", [
    "SET i 9223372036854775806", "INCR i", "INCR i", "GET i", "SET i -9223372036854775807", "DECR i", "DECR i", "DECRBY i 1", "INCRBY i -1",
    "SET j 1", "INCRBY j 9223372036854775807", "DECRBY j -9223372036854775807", "GET j",
  ]),
  { name: "strings: INCR of values that are not integers", cmds: [
    ["SET", "i", " 1"], cmd("INCR i"), cmd("SET i 01"), cmd("INCR i"), cmd("SET i -0"), cmd("INCR i"), cmd("SET i +1"), cmd("INCR i"),
    cmd("SET i 1.0"), cmd("INCR i"), cmd("SET i 99999999999999999999"), cmd("INCR i"), ["SET", "i", ""], cmd("INCR i"), cmd("RPUSH l x"), cmd("INCR l"), cmd("DECRBY l 1"),
  ] },
  script("strings: INCR keeps the TTL", ["SET i 5 EX 100", "INCR i", "TTL i", "DECRBY i 2", "TTL i"], ttlTolerance),
  script("strings: INCRBYFLOAT", [
    "SET f 10.5", "INCRBYFLOAT f 0.1", "INCRBYFLOAT f -5e3", "INCRBYFLOAT f 1e20", "INCRBYFLOAT f1 3.0e3", "INCRBYFLOAT f1 0x10",
    "INCRBYFLOAT f2 5.0000000000000001", "INCRBYFLOAT f3 1.1", "INCRBYFLOAT f3 2.2", "INCRBYFLOAT f4 -0", "INCRBYFLOAT f5 1.5e-10",
    "INCRBYFLOAT f6 1e300", "INCRBYFLOAT f6 -1e300", "INCRBYFLOAT f7 0.1", "INCRBYFLOAT f7 0.2", "INCRBYFLOAT f8 -1.5", "INCRBYFLOAT f9 1e-20",
  ]),
  script("strings: INCRBYFLOAT errors", [
    "SET f 1", "INCRBYFLOAT f abc", "INCRBYFLOAT f inf", "INCRBYFLOAT f -inf", "INCRBYFLOAT f nan", "INCRBYFLOAT f 1e5000", "SET bad abc",
    "INCRBYFLOAT bad 1", "SET inf inf", "INCRBYFLOAT inf 1", "RPUSH l x", "INCRBYFLOAT l 1", "INCRBYFLOAT f", "GET f",
  ]),
  script("strings: INCRBYFLOAT keeps the TTL", ["SET f 5 EX 100", "INCRBYFLOAT f 1.5", "TTL f", "GET f"], ttlTolerance),
  script("strings: LCS", [
    "MSET k1 ohmytext k2 mynewtext", "LCS k1 k2", "LCS k1 k2 LEN", "LCS k1 k2 IDX", "LCS k1 k2 IDX MINMATCHLEN 4", "LCS k1 k2 IDX MINMATCHLEN 4 WITHMATCHLEN",
    "LCS k1 k2 IDX WITHMATCHLEN", "LCS k1 k2 idx minmatchlen -5", "LCS k1 k2 WITHMATCHLEN", "LCS k1 missing", "LCS missing missing2 IDX", "LCS k1 k1 IDX",
    "MSET a1 abcdefgh a2 xxabyycdzzefgh", "LCS a1 a2 IDX WITHMATCHLEN", "LCS a2 a1 IDX", "LCS a1 a2",
  ]),
  script("strings: LCS errors", [
    "MSET k1 a k2 b", "LCS k1 k2 LEN IDX", "LCS k1 k2 MINMATCHLEN", "LCS k1 k2 MINMATCHLEN x", "LCS k1 k2 FOO", "RPUSH l x", "LCS k1 l", "LCS l k1 FOO", "LCS", "LCS k1",
  ]),
  script("strings: OBJECT ENCODING of strings follows Redis", [
    "SET a 1", "OBJECT ENCODING a", "APPEND a 2", "OBJECT ENCODING a", "SET b 12345678901234567890", "OBJECT ENCODING b",
    "SET b -9223372036854775808", "OBJECT ENCODING b", "SET c 123456789012345678901234567890123456789012345", "OBJECT ENCODING c",
    "SET c 12345678901234567890123456789012345678901234", "OBJECT ENCODING c", "INCRBYFLOAT f 3", "OBJECT ENCODING f", "INCR f", "OBJECT ENCODING f",
    "SETRANGE r 0 5", "OBJECT ENCODING r", "INCR r", "OBJECT ENCODING r", "OBJECT REFCOUNT r", "OBJECT REFCOUNT c", "SET d 10000", "OBJECT REFCOUNT d",
    "COPY f f2", "OBJECT ENCODING f2", "INCRBYFLOAT g 1.5", "RENAME g g2", "OBJECT ENCODING g2", "MSET m1 1 m2 x", "OBJECT ENCODING m1", "OBJECT ENCODING m2",
  ]),
];
