// Differential cases for sorted sets: every command and option, the RESP3 shapes of scores and
// WITHSCORES, Redis's error texts and their order, wrong types, wrong arities and bad numbers.
import { type DiffCase, script } from "../case.ts";
import { ignoreValue } from "../normalise.ts";

const seed = "ZADD z 1 a 2 b 3 c 4 d 5 e";
const lex = "ZADD l 0 a 0 b 0 c 0 d 0 e 0 f";
const bigZadd = "ZADD big " + Array.from({ length: 130 }, (_, i) => `${i} m${i}`).join(" ");

export const cases: DiffCase[] = [
  // ZADD and its options
  script("zsets: ZADD adds and updates, ZSCORE and ZCARD", ["ZADD z 1 a", "ZADD z 2 a 3 b", "ZSCORE z a", "ZSCORE z b", "ZCARD z", "ZSCORE z none", "ZSCORE none a", "ZCARD none"]),
  script("zsets: score formatting", ["ZADD z 0.1 a 1e20 b -inf c inf d 3 e 1.5e-7 f -0 g 123456789012345678 h", "ZRANGE z 0 -1 WITHSCORES", "ZSCORE z a", "ZSCORE z b", "ZSCORE z c", "ZSCORE z g", "ZMSCORE z a b c d e f g h x"]),
  script("zsets: ZADD NX XX GT LT CH", [
    seed,
    "ZADD z NX 10 a 6 f", "ZADD z XX 10 a 7 g", "ZADD z XX CH 11 a 7 g", "ZADD z GT CH 5 a 20 b 8 h", "ZADD z LT CH 50 c 0 d", "ZADD z nx ch 1 a 1 i",
    "ZRANGE z 0 -1 WITHSCORES",
  ]),
  script("zsets: ZADD INCR", [seed, "ZADD z INCR 1.5 a", "ZADD z INCR 1 new", "ZADD z NX INCR 1 a", "ZADD z XX INCR 1 none", "ZADD z GT INCR -1 a", "ZADD z LT INCR 0 a", "ZADD z INCR 0 a", "ZADD none XX INCR 1 a", "EXISTS none"]),
  script("zsets: ZADD option errors", [
    "ZADD z XX NX 1 a", "ZADD z NX GT 1 a", "ZADD z LT NX 1 a", "ZADD z GT LT 1 a", "ZADD z INCR 1 a 2 b", "ZADD z 1 a 2", "ZADD z XX NX 1", "ZADD z NX", "ZADD z x a", "ZADD z nan a", "ZADD z 1 a x b", "ZADD z", "EXISTS z",
  ]),
  script("zsets: NaN results are refused", ["ZADD z inf a", "ZADD z INCR -inf a", "ZINCRBY z -inf a", "ZSCORE z a", "ZINCRBY z 1 a"]),
  script("zsets: ZINCRBY", ["ZINCRBY z 1 a", "ZINCRBY z 2.5 a", "ZINCRBY z -0.5 a", "ZINCRBY z x a", "ZINCRBY z NX a", "ZINCRBY z 1e308 b", "ZINCRBY z 1e308 b", "ZINCRBY z", "ZINCRBY z 1 a b"]),
  script("zsets: -0 is stored as 0 in small sets and kept in large ones", [
    "ZADD s -0 a", "ZSCORE s a", "ZINCRBY s -0 a", "ZSCORE s a", bigZadd, "ZADD big -0 z", "ZSCORE big z", "ZUNION 1 s WEIGHTS -1 WITHSCORES", "ZUNIONSTORE o 1 s WEIGHTS -1", "ZSCORE o a",
  ]),

  // ZREM, ZRANK, ZCOUNT, ZLEXCOUNT
  script("zsets: ZREM deletes members and the empty key", [seed, "ZREM z a x", "ZREM z a", "ZREM z b c d e", "EXISTS z", "ZREM none a", "ZREM z"]),
  script("zsets: ZRANK and ZREVRANK", [seed, "ZRANK z a", "ZRANK z e", "ZREVRANK z a", "ZREVRANK z e", "ZRANK z x", "ZRANK none a", "ZRANK z", "ZRANK z a b"]),
  script("zsets: ZCOUNT bounds", [
    seed, "ZCOUNT z -inf +inf", "ZCOUNT z (1 (5", "ZCOUNT z 1 1", "ZCOUNT z (1 1", "ZCOUNT z 3 1", "ZCOUNT z ( (", "ZCOUNT z 0x2 +inf", "ZCOUNT z 1e400 inf",
    "ZCOUNT z -1e400 -inf", "ZCOUNT z infinity -Infinity", "ZCOUNT z nan 1", "ZCOUNT z (nan 1", "ZCOUNT z x 1", "ZCOUNT z 1 1.e", "ZCOUNT z 1,5 3", "ZCOUNT none 0 1",
  ]),
  { name: "zsets: ZCOUNT with empty and spaced bounds", cmds: [["ZADD", "z", "0", "a", "1", "b"], ["ZCOUNT", "z", "", "1"], ["ZCOUNT", "z", " 1", "1"], ["ZCOUNT", "z", "1 ", "1"], ["ZCOUNT", "z", "(", "1"]] },
  script("zsets: ZLEXCOUNT bounds", [
    lex, "ZLEXCOUNT l - +", "ZLEXCOUNT l [b [d", "ZLEXCOUNT l (b (d", "ZLEXCOUNT l [d [b", "ZLEXCOUNT l (b (b", "ZLEXCOUNT l [b [b", "ZLEXCOUNT l + -", "ZLEXCOUNT l [ [",
    "ZLEXCOUNT l ( (", "ZLEXCOUNT l a c", "ZLEXCOUNT l -x +", "ZLEXCOUNT l [a +x", "ZLEXCOUNT none - +",
  ]),

  // ZRANGE in every form
  script("zsets: ZRANGE by rank", [seed, "ZRANGE z 0 -1", "ZRANGE z 1 2 WITHSCORES", "ZRANGE z -2 -1", "ZRANGE z 3 1", "ZRANGE z 10 20", "ZRANGE z -100 100", "ZRANGE z 0 0 REV WITHSCORES", "ZRANGE z 0 -1 rev", "ZRANGE none 0 -1", "ZRANGE z 0 9223372036854775807", "ZRANGE z -9223372036854775808 -1"]),
  script("zsets: ZRANGE BYSCORE", [
    seed, "ZRANGE z (1 4 BYSCORE", "ZRANGE z -inf +inf BYSCORE WITHSCORES LIMIT 1 2", "ZRANGE z +inf -inf BYSCORE REV WITHSCORES", "ZRANGE z 4 (1 BYSCORE REV LIMIT 1 -1",
    "ZRANGE z -inf +inf BYSCORE LIMIT -1 2", "ZRANGE z -inf +inf BYSCORE LIMIT 0 0", "ZRANGE z -inf +inf BYSCORE LIMIT 10 1", "ZRANGE z -inf +inf BYSCORE LIMIT 1 9223372036854775807", "ZRANGE z x 1 BYSCORE",
  ]),
  script("zsets: ZRANGE BYLEX", [lex, "ZRANGE l [b (e BYLEX", "ZRANGE l - + BYLEX LIMIT 2 2", "ZRANGE l (e [b BYLEX REV", "ZRANGE l + - BYLEX REV LIMIT 1 2", "ZRANGE l b e BYLEX", "ZRANGE l - + BYLEX LIMIT -1 1"]),
  script("zsets: ZRANGE option errors", [
    seed, "ZRANGE z 0 1 LIMIT 0 1", "ZRANGE z 0 1 LIMIT 0 -1", "ZRANGE z - + BYLEX WITHSCORES", "ZRANGE z 0 1 BYSCORE BYLEX", "ZRANGE z 0 1 REV REV", "ZRANGE z a b", "ZRANGE z 0 1 BYSCORE LIMIT x 1",
    "ZRANGE z 0 1 BYSCORE LIMIT 0", "ZRANGE z 0 1 foo", "ZRANGE z 0", "ZRANGE z 0 -1 WITHSCORES WITHSCORES",
  ]),
  script("zsets: ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE", [
    seed, "ZREVRANGE z 0 1 WITHSCORES", "ZREVRANGE z 0 1 LIMIT 0 1", "ZREVRANGE z 0 1 REV", "ZRANGEBYSCORE z 2 4 WITHSCORES LIMIT 1 1", "ZRANGEBYSCORE z (2 +inf", "ZRANGEBYSCORE z 1 2 REV",
    "ZRANGEBYSCORE z a b", "ZREVRANGEBYSCORE z 4 2 WITHSCORES", "ZREVRANGEBYSCORE z +inf -inf LIMIT 1 2", "ZREVRANGEBYSCORE z 2 4", "ZRANGEBYSCORE z 1 2 BYLEX",
  ]),
  script("zsets: ZRANGEBYLEX and ZREVRANGEBYLEX", [lex, "ZRANGEBYLEX l - +", "ZRANGEBYLEX l [c + LIMIT 1 5", "ZRANGEBYLEX l - + WITHSCORES", "ZREVRANGEBYLEX l + - LIMIT 0 2", "ZREVRANGEBYLEX l (d [a", "ZRANGEBYLEX l a b", "ZRANGEBYLEX none - +"]),
  script("zsets: ZRANGESTORE", [
    seed, "ZRANGESTORE d z 0 1", "ZRANGE d 0 -1 WITHSCORES", "ZRANGESTORE d z (2 +inf BYSCORE LIMIT 0 2", "ZRANGE d 0 -1 WITHSCORES", "ZRANGESTORE d z + - BYLEX REV", "ZRANGESTORE d z 0 1 WITHSCORES",
    "ZRANGESTORE d z 0 1 LIMIT 0 1", "ZRANGESTORE d z 5 10", "EXISTS d", "ZRANGESTORE d none 0 -1", "SET s v", "ZRANGESTORE s z 0 0", "ZRANGE s 0 -1", "ZRANGESTORE d z 0",
  ]),

  // Range deletions
  script("zsets: ZREMRANGEBYRANK", [seed, "ZREMRANGEBYRANK z -2 -1", "ZREMRANGEBYRANK z 5 1", "ZREMRANGEBYRANK z 0 0", "ZRANGE z 0 -1", "ZREMRANGEBYRANK z -100 100", "EXISTS z", "ZREMRANGEBYRANK none 0 1", "ZREMRANGEBYRANK z x 1"]),
  script("zsets: ZREMRANGEBYSCORE", [seed, "ZREMRANGEBYSCORE z (2 3", "ZRANGE z 0 -1", "ZREMRANGEBYSCORE z 10 20", "ZREMRANGEBYSCORE z -inf +inf", "EXISTS z", "ZREMRANGEBYSCORE none x 1", "ZREMRANGEBYSCORE z x 1"]),
  script("zsets: ZREMRANGEBYLEX", [lex, "ZREMRANGEBYLEX l [b (d", "ZRANGE l 0 -1", "ZREMRANGEBYLEX l + -", "ZREMRANGEBYLEX l - +", "EXISTS l", "ZREMRANGEBYLEX none x 1", "ZREMRANGEBYLEX l a b"]),

  // Set algebra
  script("zsets: ZUNION ZINTER ZDIFF with weights and aggregates", [
    "ZADD a 1 x 2 y 3 z", "ZADD b 10 y 20 z 30 w",
    "ZUNION 2 a b WITHSCORES", "ZUNION 2 a b WEIGHTS 2 0.5 AGGREGATE MIN WITHSCORES", "ZUNION 2 a b AGGREGATE max", "ZINTER 2 a b WITHSCORES", "ZINTER 2 a b WEIGHTS 1 -1 AGGREGATE SUM WITHSCORES",
    "ZDIFF 2 a b WITHSCORES", "ZDIFF 2 b a", "ZDIFF 1 a", "ZUNION 3 a b none WITHSCORES", "ZINTER 2 a none", "ZINTER 2 a a AGGREGATE sum WITHSCORES",
    "ZUNION 1 a aggregate MIN aggregate max withscores", "ZUNION 1 a WEIGHTS 1 WEIGHTS 2 WITHSCORES",
  ]),
  script("zsets: set algebra with infinities", ["ZADD i inf a -inf b", "ZUNION 2 i i WEIGHTS 1 -1 WITHSCORES", "ZUNION 1 i WEIGHTS 0 WITHSCORES", "ZINTER 2 i i WITHSCORES"]),
  script("zsets: set algebra errors", [
    "ZADD a 1 x", "SET s v", "ZUNION 0 a", "ZUNION -1 a", "ZUNION x a", "ZUNION 3 a", "ZUNION 1 a WEIGHTS", "ZUNION 1 a WEIGHTS x", "ZUNION 1 a AGGREGATE", "ZUNION 1 a AGGREGATE foo",
    "ZUNION 2 a s", "ZUNION 2 a s AGGREGATE foo", "ZDIFF 1 a WEIGHTS 1", "ZDIFF 1 a AGGREGATE sum", "ZUNIONSTORE d 1 a WITHSCORES", "ZINTER 1 a foo", "ZUNION 99999999999999999999 a", "ZUNION 1",
  ]),
  script("zsets: ZUNIONSTORE ZINTERSTORE ZDIFFSTORE", [
    "ZADD a 1 x 2 y 3 z", "ZADD b 10 y 20 z 30 w",
    "ZUNIONSTORE d 2 a b WEIGHTS 2 0.5 AGGREGATE MIN", "ZRANGE d 0 -1 WITHSCORES", "ZINTERSTORE d 2 a b AGGREGATE MAX", "ZRANGE d 0 -1 WITHSCORES", "ZDIFFSTORE d 2 a b", "ZRANGE d 0 -1 WITHSCORES",
    "ZDIFFSTORE d 2 a a", "EXISTS d", "ZUNIONSTORE a 2 a b", "ZRANGE a 0 -1 WITHSCORES", "ZUNIONSTORE d 0 a", "ZINTERSTORE d 1 none", "EXISTS d",
  ]),
  script("zsets: ZINTERCARD", [
    "ZADD a 1 x 2 y 3 z", "ZADD b 1 y 2 z 3 w", "ZINTERCARD 2 a b", "ZINTERCARD 2 a b LIMIT 1", "ZINTERCARD 2 a b LIMIT 0", "ZINTERCARD 1 a LIMIT 2", "ZINTERCARD 2 a none",
    "ZINTERCARD 0 a", "ZINTERCARD x a", "ZINTERCARD 2 a", "ZINTERCARD 1 a LIMIT -1", "ZINTERCARD 1 a LIMIT x", "ZINTERCARD 1 a LIMIT", "ZINTERCARD 1 a WEIGHTS 1", "ZINTERCARD 1 a WITHSCORES", "ZINTERCARD 1 a limit 1 limit 2",
  ]),
  script("zsets: plain sets as inputs", ["ZADD z 1 a 2 b 3 c", "SADD st a x", "ZUNION 2 z st WITHSCORES", "ZINTER 2 z st WEIGHTS 2 3 WITHSCORES", "ZDIFF 2 z st", "ZINTERCARD 2 z st", "ZUNIONSTORE d 2 st st", "ZRANGE d 0 -1 WITHSCORES"]),

  // Pops
  script("zsets: ZPOPMIN and ZPOPMAX", [
    seed, "ZPOPMIN z", "ZPOPMAX z", "ZPOPMIN z 1", "ZPOPMAX z 0", "ZPOPMIN z 10", "EXISTS z", "ZPOPMIN z", "ZPOPMIN z 3", "ZPOPMIN z -1", "ZPOPMIN z x", "ZPOPMIN z 1 2", "ZPOPMAX",
  ]),
  script("zsets: ZMPOP", [
    seed, "ZMPOP 1 z MIN", "ZMPOP 2 none z MAX COUNT 2", "ZMPOP 1 z min count 10", "ZMPOP 1 z MIN", "ZMPOP 1 none MAX",
    "ZMPOP 0 z MIN", "ZMPOP x z MIN", "ZMPOP 1 z MIN COUNT 0", "ZMPOP 1 z MIN COUNT x", "ZMPOP 1 z MIN COUNT 1 COUNT 2", "ZMPOP 2 z MIN", "ZMPOP 1 z LEFT", "ZMPOP 1 z",
  ]),

  // ZRANDMEMBER
  script("zsets: ZRANDMEMBER shapes", [
    "ZADD one 7 a", "ZRANDMEMBER one", "ZRANDMEMBER one 1 WITHSCORES", "ZRANDMEMBER one -3 WITHSCORES", "ZRANDMEMBER one 0", "ZRANDMEMBER none", "ZRANDMEMBER none 3",
    seed, "ZRANDMEMBER z 5", "ZRANDMEMBER z 100 WITHSCORES", bigZadd, "ZRANDMEMBER big 200",
  ]),
  script("zsets: ZRANDMEMBER distinct picks", [seed, "ZRANDMEMBER z 5", "ZRANDMEMBER z 3"], [ignoreValue("ZRANDMEMBER")]),
  script("zsets: ZRANDMEMBER picks with repetition", [seed, "ZRANDMEMBER z -8", "ZRANDMEMBER z -2 WITHSCORES", "ZRANDMEMBER z"], [ignoreValue("ZRANDMEMBER")]),
  script("zsets: ZRANDMEMBER errors", [
    seed, "ZRANDMEMBER z x", "ZRANDMEMBER z 99999999999999999999", "ZRANDMEMBER z -9223372036854775808", "ZRANDMEMBER z 9223372036854775807 WITHSCORES", "ZRANDMEMBER z -4611686018427387904 WITHSCORES",
    "ZRANDMEMBER z 3 foo", "ZRANDMEMBER z 3 WITHSCORES x",
  ]),

  // ZSCAN
  script("zsets: ZSCAN", [
    "ZADD z 1 a 2 b 1.5 ab inf c", "ZSCAN z 0", "ZSCAN z 0 COUNT 1", "ZSCAN z 0 MATCH a*", "ZSCAN z 0 match [^a]", "ZSCAN z 0 MATCH * COUNT 100", "ZSCAN none 0", "ZSCAN none x",
    "ZSCAN z x", "ZSCAN z -1", "ZSCAN z 18446744073709551616", "ZSCAN z 0 COUNT 0", "ZSCAN z 0 COUNT x", "ZSCAN z 0 MATCH", "ZSCAN z 0 TYPE zset", "ZSCAN z",
  ]),

  // ZSCAN's MATCH is Redis's stringmatchlen: signed byte ranges, "**" does not match an empty member; cursors as strtoul reads them.
  {
    name: "zsets: ZSCAN MATCH byte ranges, empty members and cursor edge cases",
    cmds: [
      ["ZADD", "z", "1", "b", "2", new Uint8Array([0x80, 0x78]), "3", "", "4", "ab"],
      ["ZSCAN", "z", "0", "MATCH", new Uint8Array([0x5b, 0x61, 0x2d, 0xff, 0x5d, 0x2a])],
      ["ZSCAN", "z", "0", "MATCH", "**"],
      ["ZSCAN", "z", "0", "MATCH", "*"],
      ["ZSCAN", "z", "0", "MATCH", "a\\b"],
      ["ZSCAN", "z", "+"],
      ["ZSCAN", "z", "-"],
      ["ZSCAN", "z", new Uint8Array([0x30, 0x00, 0x78])],
      ["ZSCAN", "z", new Uint8Array([0x00])],
    ],
  },

  // Wrong types and arities
  script("zsets: wrong type", [
    "SET s v", "ZADD s 1 a", "ZADD s XX 1 a", "ZINCRBY s 1 a", "ZREM s a", "ZCARD s", "ZSCORE s a", "ZMSCORE s a", "ZRANK s a", "ZREVRANK s a", "ZCOUNT s 0 1", "ZLEXCOUNT s - +",
    "ZRANGE s 0 1", "ZRANGEBYSCORE s 0 1", "ZRANGEBYLEX s - +", "ZRANGESTORE d s 0 1", "ZREMRANGEBYRANK s 0 1", "ZREMRANGEBYSCORE s 0 1", "ZREMRANGEBYLEX s - +", "ZUNION 1 s",
    "ZINTERSTORE d 1 s", "ZINTERCARD 1 s", "ZPOPMIN s", "ZPOPMAX s 2", "ZMPOP 1 s MIN", "ZRANDMEMBER s", "ZRANDMEMBER s 2", "ZSCAN s 0", "GET s",
  ]),
  script("zsets: wrong arity", [
    "ZADD z 1", "ZINCRBY z 1", "ZREM z", "ZCARD", "ZSCORE z", "ZMSCORE z", "ZRANK z", "ZREVRANK z a b", "ZCOUNT z 1", "ZLEXCOUNT z -", "ZRANGE z 0", "ZRANGESTORE d z 0", "ZREVRANGE z 0",
    "ZRANGEBYSCORE z 0", "ZREVRANGEBYSCORE z 0", "ZRANGEBYLEX z -", "ZREVRANGEBYLEX z +", "ZREMRANGEBYRANK z 0", "ZREMRANGEBYSCORE z 0", "ZREMRANGEBYLEX z -", "ZUNION 1", "ZINTER 1", "ZDIFF 1",
    "ZUNIONSTORE d 1", "ZINTERSTORE d 1", "ZDIFFSTORE d 1", "ZINTERCARD 1", "ZPOPMIN", "ZPOPMAX", "ZMPOP 1 z", "ZRANDMEMBER", "ZSCAN z",
  ]),
  script("zsets: COMMAND INFO of the family", [
    "COMMAND INFO zadd zincrby zrem zcard zscore zmscore zrank zrevrank zcount zlexcount zrange zrangestore zrevrange zrangebyscore zrevrangebyscore zrangebylex zrevrangebylex",
    "COMMAND INFO zremrangebyrank zremrangebyscore zremrangebylex zunion zinter zdiff zunionstore zinterstore zdiffstore zintercard zpopmin zpopmax zmpop zrandmember zscan",
    "COMMAND GETKEYS ZUNIONSTORE d 2 a b WEIGHTS 1 2", "COMMAND GETKEYS ZMPOP 2 a b MIN", "COMMAND GETKEYS ZRANGESTORE d s 0 1",
  ]),
  script("zsets: binary and large members", [
    "ZADD z 1 " + "x".repeat(65), "ZADD z 1 y", "ZRANGE z 0 -1 WITHSCORES", bigZadd, "ZRANGE big 60 70 WITHSCORES", "ZRANK big m129", "ZREVRANK big m0", "ZCOUNT big (10 20", "ZRANGEBYSCORE big 100 +inf LIMIT 5 3",
    "ZREMRANGEBYRANK big 0 9", "ZREMRANGEBYSCORE big 100 110", "ZCARD big", "ZPOPMAX big 2",
  ]),
  { name: "zsets: members with NUL and high bytes", cmds: [["ZADD", "z", "1", new Uint8Array([0, 255]), "1", new Uint8Array([0]), "1", "a"], ["ZRANGE", "z", "0", "-1"], ["ZRANGEBYLEX", "z", new Uint8Array([91, 0]), "+"], ["ZSCORE", "z", new Uint8Array([0, 255])]] },
  // The blocking pops where they need not wait (a sorted set is there, or MULTI forbids waiting).
  script("zsets: BZPOPMIN BZPOPMAX serve at once", [
    seed, "BZPOPMIN z 0", "BZPOPMAX z 0", "BZPOPMIN none z 1.5", "BZPOPMAX none z 0.001", "ZADD n -0 a 1.5 b inf c", "BZPOPMAX n 0", "BZPOPMIN n 0", "BZPOPMIN n 0", "EXISTS n",
    "ZADD z2 7 x", "BZPOPMIN z z2 0", "BZPOPMIN z2 z 0", "ZRANGE z 0 -1 WITHSCORES",
  ]),
  script("zsets: BZMPOP serves at once", [
    seed, "BZMPOP 0 1 z MIN", "BZMPOP 0 2 none z MAX COUNT 2", "BZMPOP 1.5 1 z min count 10", "EXISTS z", "ZADD y 1 a", "BZMPOP 0 3 none z y MAX COUNT 1", "EXISTS y",
  ]),
  script("zsets: blocking pops inside MULTI answer the null array", [
    "MULTI", "BZPOPMIN none 0", "BZPOPMAX none 10", "BZMPOP 0 1 none MIN", "BZMPOP 5 2 a b MAX COUNT 3", "ZADD z 1 a", "BZPOPMIN none z 0", "BZMPOP 0 1 z MIN", "EXEC",
  ]),
  script("zsets: blocking pop errors", [
    "SET s v", "ZADD z 1 a",
    "BZPOPMIN s 0", "BZPOPMIN none s 0", "BZPOPMIN z s 0", "BZPOPMAX s z 0", "BZMPOP 0 1 s MIN", "BZMPOP 0 2 none s MAX", "BZMPOP 0 2 z s MAX",
    // From here on z always has members left, so no valid timeout makes a command wait.
    "ZADD z 1 a 2 b 3 c 4 d 5 e 6 f 7 g 8 h 9 i 10 j 11 k 12 l",
    "BZPOPMIN z -1", "BZPOPMIN z x", "BZPOPMIN z nan", "BZPOPMIN z inf", "BZPOPMIN z 1e400", "BZPOPMIN none -0.5", "BZPOPMIN s x", "BZPOPMAX z ''", "BZPOPMIN z 0x10",
    "BZMPOP -1 1 z MIN", "BZMPOP x 1 z MIN", "BZMPOP x 0 z MIN", "BZMPOP x 1 z FOO", "BZMPOP x 1 z MIN COUNT 0", "BZMPOP 0 0 z MIN", "BZMPOP 0 -1 z MIN", "BZMPOP 0 x z MIN", "BZMPOP 0 2 z MIN",
    "BZMPOP 0 1 z MIN COUNT", "BZMPOP 0 1 z MIN COUNT 0", "BZMPOP 0 1 z MIN COUNT -1", "BZMPOP 0 1 z MIN COUNT x", "BZMPOP 0 1 z MIN COUNT 1 COUNT 1", "BZMPOP 0 1 z MIN foo", "BZMPOP 0 1 z",
    "BZMPOP 0 9223372036854775807 z MIN", "BZMPOP 0 1 z MIN COUNT 9223372036854775808",
    "BZPOPMIN", "BZPOPMIN z", "BZPOPMAX z", "BZMPOP 0 1 z", "BZMPOP 0 1", "BZMPOP", "ZCARD z",
  ]),
  script("zsets: COMMAND INFO of the blocking pops", ["COMMAND INFO bzpopmin bzpopmax bzmpop", "COMMAND GETKEYS BZPOPMIN a b 0", "COMMAND GETKEYS BZMPOP 0 2 a b MIN COUNT 3"]),
  // Each command is followed by PINGs for its notifications (keyspace then keyevent, per event): the pushes
  // arrive before or after the reply as Redis sends them (RESP3), and the trailing PINGs take up the shift.
  withReset(script("zsets: keyspace events and their order against the reply", [
    "CONFIG SET notify-keyspace-events KEA",
    "PSUBSCRIBE __key*__:*",
    ...([
      ["ZADD z 1 a 2 b 3 c", 2],
      ["ZADD z 1 a", 0],
      ["ZADD z XX 5 new", 0],
      ["ZADD none XX 1 a", 0],
      ["ZADD z GT 0 a", 0],
      ["ZADD z CH 9 a 4 d", 2],
      ["ZADD z INCR 1 a", 2],
      ["ZADD z NX INCR 1 a", 0],
      ["ZINCRBY z 2 b", 2],
      ["ZADD z 1 inf", 2],
      ["ZINCRBY z -inf inf", 0],
      ["ZADD z inf inf", 2],
      ["ZINCRBY z -inf inf", 0],
      ["ZREM z nosuch", 0],
      ["ZREM z a", 2],
      ["ZREM none a", 0],
      ["ZREMRANGEBYRANK z 0 0", 2],
      ["ZREMRANGEBYRANK z 100 200", 0],
      ["ZREMRANGEBYSCORE z 4 4", 2],
      ["ZREMRANGEBYSCORE z 100 200", 0],
      ["ZADD l 0 a 0 b 0 c", 2],
      ["ZREMRANGEBYLEX l [a [a", 2],
      ["ZREMRANGEBYLEX l [x [y", 0],
      ["ZREMRANGEBYLEX l - +", 4],
      ["ZADD s1 1 a 2 b", 2],
      ["ZADD s2 2 b 3 c", 2],
      ["ZUNIONSTORE d 2 s1 s2", 2],
      ["ZINTERSTORE d 2 s1 s2", 2],
      ["ZDIFFSTORE d 2 s1 s2", 2],
      ["ZINTERSTORE d 2 s1 none", 2],
      ["ZINTERSTORE d 2 s1 none", 0],
      ["ZRANGESTORE d s1 0 -1", 2],
      ["ZRANGESTORE d s1 5 6", 2],
      ["ZRANGESTORE d none 0 -1", 0],
      ["ZPOPMIN s1", 2],
      ["ZPOPMAX s2 1", 2],
      ["ZPOPMIN s1 0", 0],
      ["ZPOPMIN s1 5", 4],
      ["ZPOPMIN none", 0],
      ["ZMPOP 2 none s2 MAX COUNT 5", 4],
      ["ZMPOP 1 none MIN", 0],
      ["ZADD p 1 a 2 b 3 c", 2],
      ["ZMPOP 1 p MIN", 2],
      ["ZADD p 1 x", 2],
      ["SET str v", 2],
      ["ZADD str 1 a", 0],
      ["EXPIRE p 1000", 2],
      ["ZREM p a b c x", 4],
      ["ZADD b 1 a 2 b 3 c", 2],
      ["BZPOPMIN b 0", 2],
      ["BZPOPMAX none b 0", 2],
      ["BZMPOP 0 1 b MIN COUNT 5", 4],
    ] as const).flatMap(([command, events]) => [command, ...Array.from({ length: events }, (_, i) => `PING ${i}`)]),
    // Pops push inside their array reply (Redis notifies between the header and the elements), which the
    // harness reads as one reply: these take up the shift so that every push is compared.
    ...Array.from({ length: 40 }, (_, i) => `PING tail ${i}`),
    "PUNSUBSCRIBE",
  ])),
  script("zsets: ZPOPMIN/ZPOPMAX with count 0 still check the key's type", [
    "SET s x",
    "ZPOPMIN s 0",
    "ZPOPMAX s 0",
    "ZPOPMIN missing 0",
    "ZADD z 1 a",
    "ZPOPMAX z 0",
    "ZCARD z",
  ]),
];

/** Appends CONFIG SET notify-keyspace-events "" (an empty argument, which a script line cannot hold). */
function withReset(c: DiffCase): DiffCase {
  return { ...c, cmds: [...c.cmds, ["CONFIG", "SET", "notify-keyspace-events", ""], ["CONFIG", "GET", "notify-keyspace-events"]] };
}
