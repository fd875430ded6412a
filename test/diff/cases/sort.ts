// Differential cases for SORT and SORT_RO: numeric and ALPHA sorts of lists, sets and sorted sets, BY
// patterns (keys, hash fields, constant patterns that skip sorting), LIMIT, GET, ASC/DESC, STORE, and
// every error (bad numbers, wrong types, syntax, STORE in SORT_RO).
import { type DiffCase, script } from "../case.ts";
import { sortArray } from "../normalise.ts";

export const cases: DiffCase[] = [
  script("sort: numeric sort of a list, ASC and DESC", ["RPUSH l 3 1 2 10 -5 2.5 1e3 0x10", "SORT l", "SORT l DESC", "SORT l ASC", "SORT_RO l", "SORT_RO l DESC"]),
  script("sort: ALPHA sort is byte order", ["RPUSH l b a B 10 9 ab aa A é", "SORT l ALPHA", "SORT l ALPHA DESC", "SORT_RO l alpha desc"]),
  script("sort: numbers that are not doubles", ["RPUSH l 1 x 2", "SORT l", "SORT l ALPHA", "RPUSH m 1 nan", "SORT m", "RPUSH n 1e400", "SORT n", "RPUSH o 1e-400", "SORT o",
    // Redis never clears errno before strtod, so a range error sticks until something else clears it
    // (INCRBYFLOAT does): clear it so later numeric sorts are not refused.
    "INCRBYFLOAT reset 1", "RPUSH p inf -inf 0", "SORT p"]),
  { name: "sort: whitespace, empty strings and trailing bytes", cmds: [["RPUSH", "l", "", " 1", "  -3.5", "1e2"], ["SORT", "l"], ["RPUSH", "m", "1 "], ["SORT", "m"], ["RPUSH", "z", "a\u0000b", "a"], ["SORT", "z", "ALPHA"]] },
  script("sort: equal scores fall back to byte order", ["RPUSH l 1.0 1 01 1e0 b a", "SORT l BY nosort", "SADD s 2 02 2.0", "SORT s"]),
  script("sort: a set and a sorted set", ["SADD s 5 3 9 1", "SORT s", "SORT s DESC", "ZADD z 1 c 2 b 3 a", "SORT z ALPHA", "SORT z BY nosort", "SORT z BY nosort DESC", "SORT z BY nosort LIMIT 1 1", "SORT z BY nosort DESC LIMIT 1 5", "OBJECT ENCODING z"]),
  script("sort: SORT_RO converts a compact sorted set too", ["ZADD z 1 a", "OBJECT ENCODING z", "SORT_RO z ALPHA", "OBJECT ENCODING z"]),
  script("sort: missing key and wrong type", ["SORT nope", "SORT nope STORE d", "EXISTS d", "SET str x", "SORT str", "SORT_RO str", "HSET h f v", "SORT h"]),
  script("sort: LIMIT", [
    "RPUSH l 5 4 3 2 1", "SORT l LIMIT 0 2", "SORT l LIMIT 2 2", "SORT l LIMIT 4 10", "SORT l LIMIT 5 1", "SORT l LIMIT 50 1", "SORT l LIMIT -3 2",
    "SORT l LIMIT 1 -1", "SORT l LIMIT 1 0", "SORT l DESC LIMIT 1 2", "SORT l LIMIT 0 9223372036854775807", "SORT l LIMIT -9223372036854775808 2",
    "SORT l LIMIT x 1", "SORT l LIMIT 1 x", "SORT l LIMIT 1", "SORT l LIMIT 9223372036854775808 1",
  ]),
  script("sort: BY a key pattern", [
    "RPUSH l a b c d", "MSET w_a 3 w_b 1 w_c 2", "SORT l BY w_*", "SORT l BY w_* DESC", "SORT l BY w_* ALPHA", "SORT l BY w_* LIMIT 1 2",
    "SET w_d notanumber", "SORT l BY w_*", "SORT l BY w_* ALPHA", "DEL w_d", "RPUSH w_c x", "SORT l BY w_*",
  ]),
  script("sort: BY a constant pattern keeps the order", [
    "RPUSH l 3 1 2", "SORT l BY nosort", "SORT l BY nosort DESC", "SORT l BY nosort LIMIT 1 1", "SORT l BY nosort DESC LIMIT 0 2", "SORT l BY nosort ALPHA",
    "SORT l BY nosort LIMIT 5 5", "SORT l BY nosort LIMIT -1 -1",
  ]),
  script("sort: BY a hash field", [
    "RPUSH l 1 2 3", "HSET h_1 w 30 name one", "HSET h_2 w 10 name two", "HSET h_3 w 20", "SORT l BY h_*->w", "SORT l BY h_*->w GET h_*->name",
    "SORT l BY h_*->name ALPHA", "SORT l BY h_*->missing", "SORT l BY h_*->", "SET s_1 x", "SORT l BY s_*->w",
  ]),
  script("sort: GET patterns", [
    "RPUSH l 2 1 3", "MSET v_1 one v_2 two", "HSET h_3 f three", "SORT l GET v_*", "SORT l GET # GET v_*", "SORT l GET v_* GET h_*->f GET #",
    "SORT l GET nostar", "SORT l GET # LIMIT 0 1", "SORT l GET", "SORT l BY nosort GET v_* DESC", "RPUSH v_3 x", "SORT l GET v_*",
  ]),
  script("sort: patterns with the star at either end and keys in other shards", [
    "RPUSH l x y", "MSET x_pre 2 y_pre 1 prefix-x-suffix 5 prefix-y-suffix 4", "SORT l BY *_pre", "SORT l BY prefix-*-suffix", "SORT l BY *_pre GET prefix-*-suffix",
  ]),
  script("sort: STORE writes a list", [
    "RPUSH l 3 1 2", "SORT l STORE d", "LRANGE d 0 -1", "TYPE d", "SORT l DESC LIMIT 0 2 STORE d", "LRANGE d 0 -1",
    "MSET v_1 a v_3 c", "SORT l GET v_* GET # STORE d", "LRANGE d 0 -1", "SET d x EX 100", "SORT l STORE d", "TTL d",
    "SORT nope STORE d", "EXISTS d", "SORT l LIMIT 10 1 STORE d", "EXISTS d", "SORT l STORE l", "LRANGE l 0 -1",
  ]),
  script("sort: STORE of a set without sorting sorts ALPHA", ["SADD s c a b 10 2", "SORT s BY nosort STORE d", "LRANGE d 0 -1", "SORT s BY nosort DESC STORE d", "LRANGE d 0 -1"]),
  script("sort: a set BY nosort without STORE keeps its own order", ["SADD s c a b", "SORT s BY nosort"], [sortArray("SORT")]),
  script("sort: STORE is a syntax error in SORT_RO", ["RPUSH l 1", "SORT_RO l STORE d", "EXISTS d"]),
  script("sort: syntax errors and arity", ["RPUSH l 1", "SORT l BOGUS", "SORT l BY", "SORT l GET", "SORT l STORE", "SORT l LIMIT 1", "SORT", "SORT_RO", "SORT_RO l BY"]),
  script("sort: a score error wins over STORE", ["RPUSH l 1 x", "SET d keep", "SORT l STORE d", "GET d"]),
];
