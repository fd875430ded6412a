// Differential cases for the keyspace basics: DEL and EXISTS with one and many keys, duplicates,
// missing keys, arity errors, and keys in other databases.
import { type DiffCase, script } from "../case.ts";
import { intWithin, sortArray } from "../normalise.ts";

const nowSeconds = Math.floor(Date.now() / 1000);
const futureSeconds = nowSeconds + 5_000;
const ttl = [intWithin(1, "TTL"), intWithin(50, "PTTL")];

export const cases: DiffCase[] = [
  script("keys: DEL of one key", ["SET a 1", "DEL a", "GET a", "DEL a"]),
  script("keys: DEL of many keys counts the ones removed", [
    "SET a 1",
    "SET b 2",
    "SET c 3",
    "DEL a b missing c",
    "DBSIZE",
  ]),
  script("keys: DEL with a key repeated counts it once", ["SET a 1", "DEL a a a", "SET b 1", "DEL b missing b"]),
  script("keys: DEL arity error", ["DEL"]),
  script("keys: DEL of a key of another type", ["RPUSH l a", "DEL l", "EXISTS l"]),

  script("keys: EXISTS of one key", ["EXISTS a", "SET a 1", "EXISTS a"]),
  script("keys: EXISTS of many keys counts repeats", [
    "SET a 1",
    "SET b 2",
    "EXISTS a b missing",
    "EXISTS a a a",
    "EXISTS missing missing",
  ]),
  script("keys: EXISTS arity error", ["EXISTS"]),
  script("keys: EXISTS is case-sensitive about keys", ["SET Key 1", "EXISTS key", "EXISTS KEY", "EXISTS Key"]),
  script("keys: EXISTS and DEL only see the selected database", [
    "SET a 1",
    "SELECT 4",
    "EXISTS a",
    "DEL a",
    "SELECT 0",
    "EXISTS a",
  ]),
  script("keys: command names are case-insensitive", ["set a 1", "Get a", "exists a", "dEl a", "EXISTS a"]),

  script("keys: TYPE", ["SET a 1", "RPUSH l x", "SADD s x", "HSET h f v", "ZADD z 1 m", "TYPE a", "TYPE l", "TYPE s", "TYPE h", "TYPE z", "TYPE nope", "TYPE", "TYPE a b"]),
  script("keys: KEYS with glob patterns", [
    "MSET a 1 ab 2 b 3 a* 4 abc 5 a? 6 [x] 7 hello 8 hallo 9 hxllo 10", "KEYS a*", "KEYS *", "KEYS a?", "KEYS [ab]", "KEYS [^a]*", "KEYS a\\*",
    "KEYS nomatch", "KEYS h[a-e]llo", "KEYS h[e-a]llo", "KEYS h[^e]llo", "KEYS \\[x\\]", "KEYS [[]x]", "KEYS ***", "KEYS ?", "KEYS [", "KEYS",
  ], [sortArray("KEYS")]),
  script("keys: KEYS skips expired keys and sees only the selected database", ["SET a 1", "SET b 2 PXAT 1", "KEYS *", "SELECT 2", "KEYS *"], [sortArray("KEYS")]),
  script("keys: SCAN of a small keyspace returns everything at once", ["SCAN 0", "SET a 1", "SCAN 0", "SCAN 0 COUNT 1000 MATCH a", "SCAN 0 MATCH nope", "SCAN 0 TYPE list", "SCAN 0 TYPE STRING"]),
  { name: "keys: SCAN errors", cmds: [["SCAN", "0", "COUNT", "0"], ["SCAN", "0", "COUNT", "-1"], ["SCAN", "0", "COUNT", "x"], ["SCAN", "0", "MATCH"], ["SCAN", "0", "TYPE"], ["SCAN", "x"], ["SCAN", "0x10"], ["SCAN", " 1"], ["SCAN", "18446744073709551616"], ["SCAN", "0", "FOO", "bar"], ["SCAN"]] },
  // Cursors as strtoul reads a C string: a lone sign is invalid, text after a NUL byte is ignored.
  { name: "keys: SCAN cursors with signs and NUL bytes", cmds: [["SET", "a", "1"], ["SCAN", "+"], ["SCAN", "-"], ["SCAN", "+0"], ["SCAN", "-0"], ["SCAN", new Uint8Array([0x30, 0x00, 0x78])], ["SCAN", new Uint8Array([0x00])], ["SCAN", new Uint8Array([0x78, 0x00])]] },
  script("keys: RANDOMKEY", ["RANDOMKEY", "SET only 1", "RANDOMKEY", "RANDOMKEY x"]),
  script("keys: RENAME", ["SET a v", "RENAME a b", "GET b", "EXISTS a", "RENAME a c", "RENAME b b", "RENAME nope nope", "SET c other", "RENAME b c", "GET c", "RENAME", "RENAME c"]),
  script("keys: RENAME keeps the TTL and the type", ["SET a v EX 100", "RENAME a b", "TTL b", "RPUSH l x y", "RENAME l l2", "LRANGE l2 0 -1", "SET t v", "RENAME b t", "TTL t"], ttl),
  script("keys: RENAMENX", ["SET a v", "SET b w", "RENAMENX a b", "RENAMENX a c", "GET c", "RENAMENX c c", "RENAMENX nope x", "RENAMENX x"]),
  script("keys: COPY", [
    "SET a v", "EXPIRE a 100", "COPY a b", "GET b", "TTL b", "COPY a b", "COPY a b REPLACE", "COPY a a", "COPY nope x", "COPY a c DB 1", "SELECT 1", "GET c", "TTL c",
    "COPY c c", "COPY c c DB 0", "SELECT 0", "COPY a c DB 1", "COPY a c DB 1 REPLACE", "COPY a d replace replace",
  ], ttl),
  script("keys: COPY errors", ["SET a v", "COPY a b DB 99", "COPY a b DB -1", "COPY a b DB 99999999999", "COPY a b DB x", "COPY a b DB", "COPY a b BOGUS", "COPY a"]),
  script("keys: COPY makes independent copies of every type", [
    "RPUSH l a b c", "COPY l l2", "RPUSH l2 d", "LRANGE l 0 -1", "LRANGE l2 0 -1", "SADD s 1 2 3", "COPY s s2", "SADD s2 4", "SCARD s", "SCARD s2",
    "HSET h f v", "COPY h h2", "HSET h2 g w", "HLEN h", "HLEN h2", "ZADD z 1 a 2 b", "COPY z z2", "ZADD z2 3 c", "ZRANGE z 0 -1 WITHSCORES", "ZRANGE z2 0 -1 WITHSCORES",
    "OBJECT ENCODING s2", "OBJECT ENCODING z2",
  ]),
  script("keys: MOVE", [
    "SET a v", "EXPIRE a 100", "MOVE a 1", "EXISTS a", "SELECT 1", "GET a", "TTL a", "MOVE a 1", "SELECT 0", "SET b w", "SELECT 1", "SET b x", "SELECT 0",
    "MOVE b 1", "GET b", "MOVE nope 1", "MOVE b 0", "MOVE b 99", "MOVE b -1", "MOVE b x", "MOVE b 99999999999", "MOVE b",
  ], ttl),
  script("keys: TOUCH", ["MSET a 1 b 2", "TOUCH a b nope a", "TOUCH nope", "TOUCH"]),
  script("keys: EXPIRE and TTL", ["SET e v", "TTL e", "PTTL e", "EXPIRE e 100", "TTL e", "PTTL e", "PEXPIRE e 200000", "TTL e", "TTL nope", "PTTL nope", "EXPIRE nope 100", "EXPIRE e", "TTL"], ttl),
  script("keys: EXPIRE NX XX GT LT", [
    "SET e v", "EXPIRE e 100 XX", "EXPIRE e 100 GT", "EXPIRE e 100 LT", "TTL e", "EXPIRE e 100 NX", "EXPIRE e 200 NX", "EXPIRE e 200 XX", "TTL e",
    "EXPIRE e 100 GT", "EXPIRE e 300 GT", "TTL e", "EXPIRE e 400 LT", "EXPIRE e 50 LT", "TTL e", "EXPIRE e 50 xx lt", "EXPIRE e 60 Gt XX", "TTL e",
  ], ttl),
  script("keys: EXPIRE option errors", [
    "SET e v", "EXPIRE e 10 NX XX", "EXPIRE e 10 GT LT", "EXPIRE e 10 nx gt", "EXPIRE e 10 NX LT", "EXPIRE e 10 BAR", "EXPIRE e abc", "EXPIRE e abc BAR",
    "EXPIRE e 9223372036854776", "EXPIRE e 9223372036854775807", "PEXPIRE e 9223372036854775807", "EXPIREAT e -9223372036854775808", "EXPIRE e 1.5", "TTL e",
  ]),
  script("keys: EXPIRE with a time in the past deletes the key", [
    "SET e v", "EXPIRE e -1", "EXISTS e", "SET e v", "EXPIREAT e 1", "EXISTS e", "SET e v", "PEXPIREAT e 0", "EXISTS e", "SET e v", "EXPIRE e 0", "EXISTS e",
    "SET e v", "PEXPIRE e -100 NX", "EXISTS e", "SET e v EX 100", "EXPIRE e -1 GT", "EXISTS e", "EXPIRE e -1 LT", "EXISTS e",
  ]),
  script("keys: EXPIREAT, PEXPIREAT, EXPIRETIME, PEXPIRETIME", [
    "SET e v", "EXPIRETIME e", "PEXPIRETIME e", "EXPIRETIME nope", "PEXPIRETIME nope", `EXPIREAT e ${futureSeconds}`, "EXPIRETIME e", "PEXPIRETIME e",
    `PEXPIREAT e ${futureSeconds * 1000 + 499}`, "EXPIRETIME e", `PEXPIREAT e ${futureSeconds * 1000 + 500}`, "EXPIRETIME e", "PEXPIRETIME e", `EXPIREAT e ${futureSeconds + 10} LT`, "EXPIRETIME e",
  ]),
  script("keys: PERSIST", ["SET e v EX 100", "PERSIST e", "PERSIST e", "TTL e", "PERSIST nope", "PERSIST"]),
  script("keys: OBJECT", [
    "SET a 1", "OBJECT ENCODING a", "OBJECT ENCODING nope", "OBJECT REFCOUNT a", "OBJECT REFCOUNT nope", "OBJECT FREQ a", "OBJECT FREQ nope", "OBJECT IDLETIME a",
    "OBJECT HELP", "OBJECT help", "OBJECT", "OBJECT FOO", "OBJECT ENCODING", "OBJECT ENCODING a b", "OBJECT HELP x",
  ], [intWithin(1, "OBJECT IDLETIME")]),
  script("keys: OBJECT ENCODING of collections", [
    "RPUSH l a", "OBJECT ENCODING l", "SADD si 1 2 3", "OBJECT ENCODING si", "SADD ss a b", "OBJECT ENCODING ss", "HSET h f v", "OBJECT ENCODING h",
    "ZADD z 1 a", "OBJECT ENCODING z", "HSET hb f 12345678901234567890123456789012345678901234567890123456789012345", "OBJECT ENCODING hb",
  ]),
  script("keys: OBJECT FREQ and IDLETIME under an LFU policy", [
    "SET a 1", "CONFIG SET maxmemory-policy allkeys-lfu", "OBJECT IDLETIME a", "SET b hello", "OBJECT FREQ b", "OBJECT FREQ nope",
    "CONFIG SET maxmemory-policy noeviction",
  ]),
  // 200 short fields: still a listpack under Redis 7.0's default hash-max-listpack-entries (512).
  script("keys: OBJECT ENCODING of a 200-field hash", ["HSET h f0 v f1 v f2 v f3 v f4 v f5 v f6 v f7 v f8 v f9 v f10 v f11 v f12 v f13 v f14 v f15 v f16 v f17 v f18 v f19 v f20 v f21 v f22 v f23 v f24 v f25 v f26 v f27 v f28 v f29 v f30 v f31 v f32 v f33 v f34 v f35 v f36 v f37 v f38 v f39 v f40 v f41 v f42 v f43 v f44 v f45 v f46 v f47 v f48 v f49 v f50 v f51 v f52 v f53 v f54 v f55 v f56 v f57 v f58 v f59 v f60 v f61 v f62 v f63 v f64 v f65 v f66 v f67 v f68 v f69 v f70 v f71 v f72 v f73 v f74 v f75 v f76 v f77 v f78 v f79 v f80 v f81 v f82 v f83 v f84 v f85 v f86 v f87 v f88 v f89 v f90 v f91 v f92 v f93 v f94 v f95 v f96 v f97 v f98 v f99 v f100 v f101 v f102 v f103 v f104 v f105 v f106 v f107 v f108 v f109 v f110 v f111 v f112 v f113 v f114 v f115 v f116 v f117 v f118 v f119 v f120 v f121 v f122 v f123 v f124 v f125 v f126 v f127 v f128 v f129 v f130 v f131 v f132 v f133 v f134 v f135 v f136 v f137 v f138 v f139 v f140 v f141 v f142 v f143 v f144 v f145 v f146 v f147 v f148 v f149 v f150 v f151 v f152 v f153 v f154 v f155 v f156 v f157 v f158 v f159 v f160 v f161 v f162 v f163 v f164 v f165 v f166 v f167 v f168 v f169 v f170 v f171 v f172 v f173 v f174 v f175 v f176 v f177 v f178 v f179 v f180 v f181 v f182 v f183 v f184 v f185 v f186 v f187 v f188 v f189 v f190 v f191 v f192 v f193 v f194 v f195 v f196 v f197 v f198 v f199 v", "OBJECT ENCODING h"]),
];
