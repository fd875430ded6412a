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

export const cases: DiffCase[] = [
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
];
