// Differential cases for lists: every command and option, RESP2/RESP3 null shapes of the count forms,
// LPOS ranks/counts/maxlen, moves (same key, across keys and shards), multi-key pops, the blocking
// commands where they do not wait (data present, inside MULTI, timeout errors), wrong types, wrong
// arities and bad numbers.
import { type DiffCase, script } from "../case.ts";

const seed = "RPUSH l a b c d e";

export const cases: DiffCase[] = [
  script("lists: LPUSH RPUSH order and length", ["LPUSH l a b c", "RPUSH l x y", "LRANGE l 0 -1", "LLEN l", "LLEN none", "LPUSH l", "RPUSH", "TYPE l"]),
  script("lists: LPUSHX RPUSHX only on existing lists", ["LPUSHX l a", "RPUSHX l a", "EXISTS l", "RPUSH l m", "LPUSHX l a b", "RPUSHX l y z", "LRANGE l 0 -1", "LPUSHX l", "SET s v", "LPUSHX s a", "RPUSHX s a"]),
  script("lists: wrong type everywhere", [
    "SET s v", "LPUSH s a", "RPUSH s a", "LPOP s", "RPOP s", "LPOP s 2", "LLEN s", "LINDEX s 0", "LSET s 0 x", "LRANGE s 0 -1", "LTRIM s 0 1",
    "LINSERT s BEFORE a b", "LREM s 0 a", "LPOS s a", "LMOVE s d LEFT LEFT", "RPOPLPUSH s d", "LMPOP 1 s LEFT", "BLPOP s 0", "BRPOP s 0",
    "BLMOVE s d LEFT RIGHT 0", "BRPOPLPUSH s d 0", "BLMPOP 0 1 s LEFT", "RPUSH l a", "LMOVE l s LEFT LEFT", "RPOPLPUSH l s", "BLMOVE l s LEFT LEFT 0", "LRANGE l 0 -1",
  ]),
  script("lists: LPOP RPOP single and count forms", [
    seed, "LPOP l", "RPOP l", "LPOP l 2", "RPOP l 0", "LPOP l 0", "RPOP l 10", "EXISTS l", "LPOP l", "RPOP l", "LPOP l 0", "RPOP l 3",
  ]),
  script("lists: LPOP RPOP bad counts and arity", [seed, "LPOP l -1", "RPOP l x", "LPOP l 1.5", "LPOP l 99999999999999999999", "LPOP none -1", "LPOP l 1 2", "RPOP l 1 2", "LPOP", "RPOP l 9223372036854775807", "EXISTS l"]),
  script("lists: LINDEX", [seed, "LINDEX l 0", "LINDEX l 4", "LINDEX l 5", "LINDEX l -1", "LINDEX l -5", "LINDEX l -6", "LINDEX l x", "LINDEX none 0", "LINDEX none x", "LINDEX l", "LINDEX l 9223372036854775807", "LINDEX l -9223372036854775808"]),
  script("lists: LSET", [seed, "LSET l 0 A", "LSET l -1 E", "LSET l 2 C", "LRANGE l 0 -1", "LSET l 5 x", "LSET l -6 x", "LSET l x y", "LSET none 0 x", "LSET none x y", "LSET l 0", "LSET l 0 a b"]),
  script("lists: LRANGE bounds", [
    seed, "LRANGE l 0 -1", "LRANGE l 1 2", "LRANGE l -2 -1", "LRANGE l -100 100", "LRANGE l 3 1", "LRANGE l 5 10", "LRANGE l -1 -2", "LRANGE l 0 0",
    "LRANGE l x 1", "LRANGE l 0 y", "LRANGE none 0 -1", "LRANGE none x 1", "LRANGE l 0", "LRANGE l -9223372036854775808 9223372036854775807",
  ]),
  script("lists: LTRIM", [
    seed, "LTRIM l 1 -2", "LRANGE l 0 -1", "LTRIM l 0 100", "LRANGE l 0 -1", "LTRIM l -2 -1", "LRANGE l 0 -1", "LTRIM l 5 10", "EXISTS l",
    "RPUSH l a b c", "LTRIM l 2 1", "EXISTS l", "LTRIM none 0 1", "LTRIM l x 1", "LTRIM none x 1", "LTRIM l 0", "RPUSH l a b", "LTRIM l -100 0", "LRANGE l 0 -1",
  ]),
  script("lists: LINSERT", [
    seed, "LINSERT l BEFORE a x", "LINSERT l AFTER e y", "LINSERT l after c z", "LINSERT l before c w", "LRANGE l 0 -1", "LINSERT l BEFORE nothere q",
    "LINSERT l MIDDLE a q", "LINSERT none BEFORE a q", "LINSERT none MIDDLE a q", "EXISTS none", "LINSERT l BEFORE a", "RPUSH d p p p", "LINSERT d AFTER p q", "LRANGE d 0 -1",
  ]),
  script("lists: LREM from head, tail and all", [
    "RPUSH l a b a c a d a", "LREM l 2 a", "LRANGE l 0 -1", "LREM l -1 a", "LRANGE l 0 -1", "LREM l 0 a", "LRANGE l 0 -1", "LREM l 0 zz", "LREM l 1 b",
    "LREM l 0 c", "LREM l 0 d", "EXISTS l", "LREM none 0 a", "LREM l x a", "LREM none x a", "LREM l 0", "RPUSH m x x x", "LREM m -9223372036854775808 x", "EXISTS m",
  ]),
  script("lists: LPOS plain, RANK, COUNT, MAXLEN", [
    "RPUSH l a b c a b c a", "LPOS l a", "LPOS l c", "LPOS l z", "LPOS l a RANK 2", "LPOS l a RANK -1", "LPOS l a RANK -3", "LPOS l a RANK 4", "LPOS l a RANK -4",
    "LPOS l a COUNT 0", "LPOS l a COUNT 2", "LPOS l a COUNT 10", "LPOS l z COUNT 0", "LPOS l a RANK 2 COUNT 0", "LPOS l a RANK -1 COUNT 2", "LPOS l a MAXLEN 3",
    "LPOS l a RANK 2 MAXLEN 3", "LPOS l a COUNT 0 MAXLEN 4", "LPOS l a RANK -1 MAXLEN 1", "LPOS l a rank 1 count 1 maxlen 0", "LPOS l a RANK 1 RANK 2",
    "LPOS l a RANK -9223372036854775808", "LPOS l a RANK -9223372036854775808 COUNT 1", "LPOS l a RANK 9223372036854775807",
  ]),
  script("lists: LPOS errors and missing keys", [
    "RPUSH l a", "LPOS l a RANK 0", "LPOS l a COUNT -1", "LPOS l a MAXLEN -1", "LPOS l a RANK x", "LPOS l a COUNT x", "LPOS l a MAXLEN 1.5", "LPOS l a FOO 1",
    "LPOS l a RANK", "LPOS l a COUNT", "LPOS none a", "LPOS none a COUNT 0", "LPOS none a RANK 0", "LPOS l", "LPOS l a RANK 9223372036854775808",
  ]),
  script("lists: LMOVE all directions", [
    seed, "LMOVE l d LEFT LEFT", "LMOVE l d RIGHT RIGHT", "LMOVE l d left right", "LMOVE l d RIGHT LEFT", "LRANGE l 0 -1", "LRANGE d 0 -1",
    "LMOVE l d LEFT LEFT", "EXISTS l", "LMOVE l d LEFT LEFT", "LMOVE l d UP LEFT", "LMOVE l d LEFT DOWN", "LMOVE none d UP LEFT", "LMOVE l d LEFT", "LRANGE d 0 -1",
  ]),
  script("lists: LMOVE and RPOPLPUSH rotate a single list", [
    seed, "LMOVE l l LEFT RIGHT", "LMOVE l l RIGHT LEFT", "RPOPLPUSH l l", "LRANGE l 0 -1", "RPUSH one x", "LMOVE one one LEFT LEFT", "RPOPLPUSH one one", "LRANGE one 0 -1",
  ]),
  script("lists: moves across shards and databases of keys", [
    "RPUSH {a}src 1 2 3", "RPOPLPUSH {a}src {b}dst", "LMOVE {a}src {c}dst RIGHT RIGHT", "LRANGE {b}dst 0 -1", "LRANGE {c}dst 0 -1", "LMOVE {a}src {b}dst LEFT LEFT",
    "EXISTS {a}src", "LRANGE {b}dst 0 -1", "RPOPLPUSH none d", "RPOPLPUSH {a}src", "RPOPLPUSH a b c",
  ]),
  script("lists: LMPOP", [
    "RPUSH a 1 2 3", "RPUSH b 4 5", "LMPOP 2 none a LEFT", "LMPOP 2 b a RIGHT COUNT 10", "LMPOP 1 a LEFT COUNT 1", "LMPOP 3 x y a right count 5", "LMPOP 1 a LEFT",
    "LMPOP 2 x y LEFT", "EXISTS a b",
  ]),
  script("lists: LMPOP errors", [
    "RPUSH l a", "LMPOP 0 l LEFT", "LMPOP -1 l LEFT", "LMPOP x l LEFT", "LMPOP 1 l MIDDLE", "LMPOP 1 l LEFT COUNT 0", "LMPOP 1 l LEFT COUNT -1", "LMPOP 1 l LEFT COUNT x",
    "LMPOP 1 l LEFT COUNT 1 COUNT 2", "LMPOP 1 l LEFT FOO", "LMPOP 1 l LEFT COUNT", "LMPOP 2 l LEFT", "LMPOP 1000000 l LEFT", "LMPOP 1 l", "LMPOP 9223372036854775807 l LEFT",
    "LMPOP 9223372036854775808 l LEFT", "SET s v", "LMPOP 2 s l LEFT", "LMPOP 2 l s LEFT", "LLEN l",
  ]),
  script("lists: BLPOP BRPOP with data do not block", [
    "RPUSH a 1 2", "RPUSH b 3", "BLPOP none a b 0", "BRPOP a b 0", "BRPOP a b 1.5", "EXISTS a b", "LPUSH a x", "BLPOP a a 0", "RPUSH b y z", "BLPOP b 0.01", "BRPOP b 1e10",
  ]),
  script("lists: blocking timeouts: bad values", [
    "BLPOP k -1", "BLPOP k x", "BLPOP k nan", "BLPOP k inf", "BLPOP k -inf", "BLPOP k 1e400", "BLPOP k 9.3e15", "BRPOP k -0.5", "BLMOVE a b LEFT LEFT -1",
    "BLMOVE a b LEFT LEFT x", "BLMOVE a b UP LEFT x", "BRPOPLPUSH a b -1", "BRPOPLPUSH a b abc", "BLMPOP -1 1 l LEFT", "BLMPOP x 1 l LEFT", "BLMPOP 0 0 l LEFT",
    "BLMPOP -1 0 l LEFT", "BLMPOP 0 1 l UP", "BLMPOP 0 1 l LEFT COUNT 0", "BLMPOP 0 2 l LEFT", "BLPOP k", "BLMOVE a b LEFT LEFT", "BLMPOP 0 1 l", "BLPOP k ''",
  ]),
  script("lists: BLMOVE BRPOPLPUSH BLMPOP with data", [
    "RPUSH s 1 2 3 4", "BLMOVE s d RIGHT LEFT 0", "BLMOVE s d LEFT RIGHT 0.1", "BRPOPLPUSH s d 0", "LRANGE d 0 -1", "BLMPOP 0 2 none s LEFT COUNT 5", "EXISTS s",
    "RPUSH s x", "BLMPOP 1 1 s RIGHT", "BLMOVE d d LEFT RIGHT 0", "LRANGE d 0 -1",
  ]),
  script("lists: blocking commands inside MULTI answer at once", [
    "MULTI", "BLPOP none 0", "BRPOP none 1", "BLMOVE none d LEFT LEFT 0", "BRPOPLPUSH none d 0", "BLMPOP 0 1 none LEFT", "RPUSH l a", "BLPOP l 0", "EXEC",
    "MULTI", "BLPOP k -1", "EXEC",
  ]),
  script("lists: LPUSH then pops in one transaction", ["MULTI", "LPUSH l a b c", "LPOP l", "RPOP l 5", "LPOP l", "EXEC", "EXISTS l"]),
  { name: "lists: binary and empty elements", cmds: [["RPUSH", "l", "", new Uint8Array([0, 255, 13, 10])], ["LRANGE", "l", "0", "-1"], ["LPOS", "l", ""], ["LREM", "l", "0", ""], ["LINSERT", "l", "BEFORE", new Uint8Array([0, 255, 13, 10]), ""], ["LRANGE", "l", "0", "-1"], ["LINDEX", "l", "0"]] },
  script("lists: a big list (beyond listpack limits)", [
    "RPUSH l " + Array.from({ length: 300 }, (_, i) => `e${i}`).join(" "), "LLEN l", "LINDEX l 150", "LRANGE l 140 145", "LINSERT l BEFORE e200 mid", "LPOS l mid", "LREM l 0 e1",
    "LTRIM l 10 -10", "LLEN l", "LSET l 100 changed", "LINDEX l 100", "LPOS l e299",
  ]),
  script("lists: TYPE of lists", ["RPUSH l a", "TYPE l", "LPUSH l2 b", "TYPE l2"]),
];
