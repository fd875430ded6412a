// Generator templates for sorted sets: every non-blocking command with valid and malformed arguments over
// the shared small keyspace (so types clash with the other families): ZADD option combinations, score
// and lexicographic bounds (exclusive, infinite, malformed, "nan"), WEIGHTS/AGGREGATE on the set
// operations, counts on the pops. Random picks (ZRANDMEMBER) and scans keep only their shape.
import type { Arg } from "../../support/resp.ts";
import type { CommandTemplate, GenContext } from "../generator.ts";
import { ignoreValue } from "../normalise.ts";

const member = (g: GenContext): Arg => g.rng.pick(["a", "b", "c", "d", "e", "1", "10", g.value()]);
const some = (g: GenContext, make: (g: GenContext) => Arg[], max: number): Arg[] => Array.from({ length: g.rng.int(1, max) }, () => make(g)).flat();
const keyList = (g: GenContext): Arg[] => some(g, (x) => [x.key()], 3);

/** A score argument: mostly small numbers, sometimes infinities, exponents, or malformed. */
function score(g: GenContext): string {
  if (g.rng.chance(0.75)) return g.rng.pick([g.integer(-5, 10), g.integer(-5, 10), "1.5", "-0.25", "0"]);
  return g.rng.pick(["inf", "-inf", "+inf", "1e3", "nan", "abc", "", "1.5x", " 1", "0x10", "1e400"]);
}

/** A score range bound: inclusive, exclusive "(", infinite, or malformed. */
function scoreBound(g: GenContext): string {
  if (g.rng.chance(0.2)) return g.rng.pick(["-inf", "+inf", "inf", "(-inf", "(+inf"]);
  if (g.rng.chance(0.1)) return g.rng.pick(["nan", "(nan", "abc", "((1", "(", ""]);
  return (g.rng.chance(0.3) ? "(" : "") + g.rng.pick([g.integer(-3, 8), "1.5"]);
}

/** A lexicographic range bound: "[x", "(x", "-", "+", or malformed. */
function lexBound(g: GenContext): string {
  if (g.rng.chance(0.25)) return g.rng.pick(["-", "+"]);
  if (g.rng.chance(0.1)) return g.rng.pick(["a", "", "(", "[", "x"]);
  return g.rng.pick(["[", "("]) + g.rng.pick(["a", "b", "c", "d", "1", ""]);
}

const index = (g: GenContext): string => (g.rng.chance(0.9) ? g.integer(-6, 6) : g.badInteger());
const count = (g: GenContext): string => (g.rng.chance(0.85) ? g.integer(-2, 5) : g.badInteger());

function zaddFlags(g: GenContext): Arg[] {
  const flags: Arg[] = [];
  const n = g.rng.pick([0, 0, 1, 1, 2, 3]);
  for (let i = 0; i < n; i++) flags.push(g.rng.pick(["NX", "XX", "GT", "LT", "CH", "INCR", "ch", "nx"]));
  return flags;
}

function limit(g: GenContext): Arg[] {
  if (!g.rng.chance(0.3)) return [];
  return g.rng.pick([["LIMIT", g.integer(-1, 3), g.integer(-1, 3)], ["LIMIT", g.badInteger(), "1"], ["LIMIT", "0"]]);
}

/** ZRANGE in its unified form: by index, BYSCORE or BYLEX, with REV, LIMIT and WITHSCORES. */
function zrangeArgs(g: GenContext): Arg[] {
  const by = g.rng.pick(["", "", "BYSCORE", "BYLEX"]);
  const rev = g.rng.chance(0.3);
  const [start, stop] = by === "BYSCORE" ? [scoreBound(g), scoreBound(g)] : by === "BYLEX" ? [lexBound(g), lexBound(g)] : [index(g), index(g)];
  return [
    start,
    stop,
    ...(by === "" ? [] : [by]),
    ...(rev ? ["REV"] : []),
    ...limit(g),
    ...(g.rng.chance(0.4) ? ["WITHSCORES"] : []),
    ...(g.rng.chance(0.05) ? ["BOGUS"] : []),
  ];
}

/** WEIGHTS and AGGREGATE for ZUNION/ZINTER(STORE), sometimes with the wrong number of weights. */
function setOperationOptions(g: GenContext, keys: number, withScores: boolean): Arg[] {
  const options: Arg[] = [];
  if (g.rng.chance(0.4)) {
    const n = g.rng.chance(0.85) ? keys : g.rng.int(0, keys + 1);
    options.push("WEIGHTS", ...Array.from({ length: n }, () => (g.rng.chance(0.85) ? g.rng.pick(["1", "2", "0", "-1", "0.5", "inf"]) : g.rng.pick(["nan", "x", ""]))));
  }
  if (g.rng.chance(0.4)) options.push("AGGREGATE", g.rng.pick(["SUM", "MIN", "MAX", "min", "avg"]));
  if (withScores && g.rng.chance(0.4)) options.push("WITHSCORES");
  if (g.rng.chance(0.04)) options.push("BOGUS");
  return options;
}

function numkeysAndKeys(g: GenContext): { keys: Arg[]; numkeys: string } {
  const keys = keyList(g);
  const numkeys = g.rng.chance(0.9) ? String(keys.length) : g.rng.pick(["0", "-1", "x", String(keys.length + 1)]);
  return { keys, numkeys };
}

export const templates: CommandTemplate[] = [
  { name: "ZADD", weight: 5, build: (g) => ["ZADD", g.key(), ...zaddFlags(g), ...some(g, (x) => [score(x), member(x)], 3), ...(g.rng.chance(0.04) ? ["odd"] : [])] },
  { name: "ZINCRBY", weight: 1.5, build: (g) => ["ZINCRBY", g.key(), score(g), member(g)] },
  { name: "ZREM", build: (g) => ["ZREM", g.key(), ...some(g, (x) => [member(x)], 3)] },
  { name: "ZCARD ZSCORE ZRANK ZREVRANK", weight: 1.5, build: (g) => g.rng.pick([["ZCARD", g.key()], ["ZSCORE", g.key(), member(g)], ["ZRANK", g.key(), member(g)], ["ZREVRANK", g.key(), member(g)]]) },
  { name: "ZMSCORE", weight: 0.5, build: (g) => ["ZMSCORE", g.key(), ...some(g, (x) => [member(x)], 3)] },
  { name: "ZRANGE", weight: 3, build: (g) => ["ZRANGE", g.key(), ...zrangeArgs(g)] },
  { name: "ZRANGESTORE", weight: 1, build: (g) => ["ZRANGESTORE", g.key(), g.key(), ...zrangeArgs(g).filter((a) => a !== "WITHSCORES")] },
  { name: "ZREVRANGE", build: (g) => ["ZREVRANGE", g.key(), index(g), index(g), ...(g.rng.chance(0.4) ? ["WITHSCORES"] : [])] },
  {
    name: "ZRANGEBYSCORE ZREVRANGEBYSCORE",
    build: (g) => [g.rng.pick(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"]), g.key(), scoreBound(g), scoreBound(g), ...(g.rng.chance(0.4) ? ["WITHSCORES"] : []), ...limit(g)],
  },
  { name: "ZRANGEBYLEX ZREVRANGEBYLEX", build: (g) => [g.rng.pick(["ZRANGEBYLEX", "ZREVRANGEBYLEX"]), g.key(), lexBound(g), lexBound(g), ...limit(g)] },
  { name: "ZCOUNT", weight: 1.5, build: (g) => ["ZCOUNT", g.key(), scoreBound(g), scoreBound(g)] },
  { name: "ZLEXCOUNT", build: (g) => ["ZLEXCOUNT", g.key(), lexBound(g), lexBound(g)] },
  { name: "ZREMRANGEBYSCORE", weight: 0.5, build: (g) => ["ZREMRANGEBYSCORE", g.key(), scoreBound(g), scoreBound(g)] },
  { name: "ZREMRANGEBYLEX", weight: 0.5, build: (g) => ["ZREMRANGEBYLEX", g.key(), lexBound(g), lexBound(g)] },
  { name: "ZREMRANGEBYRANK", weight: 0.5, build: (g) => ["ZREMRANGEBYRANK", g.key(), index(g), index(g)] },
  {
    name: "ZUNION ZINTER",
    weight: 1.5,
    build: (g) => {
      const { keys, numkeys } = numkeysAndKeys(g);
      return [g.rng.pick(["ZUNION", "ZINTER"]), numkeys, ...keys, ...setOperationOptions(g, keys.length, true)];
    },
  },
  {
    name: "ZUNIONSTORE ZINTERSTORE",
    weight: 1.5,
    build: (g) => {
      const { keys, numkeys } = numkeysAndKeys(g);
      return [g.rng.pick(["ZUNIONSTORE", "ZINTERSTORE"]), g.key(), numkeys, ...keys, ...setOperationOptions(g, keys.length, false)];
    },
  },
  {
    name: "ZDIFF ZDIFFSTORE",
    build: (g) => {
      const { keys, numkeys } = numkeysAndKeys(g);
      if (g.rng.chance(0.5)) return ["ZDIFF", numkeys, ...keys, ...(g.rng.chance(0.4) ? ["WITHSCORES"] : []), ...(g.rng.chance(0.05) ? ["WEIGHTS", "1"] : [])];
      return ["ZDIFFSTORE", g.key(), numkeys, ...keys];
    },
  },
  { name: "ZINTERCARD", weight: 0.5, build: (g) => { const { keys, numkeys } = numkeysAndKeys(g); return ["ZINTERCARD", numkeys, ...keys, ...g.rng.pick([[], [], ["LIMIT", g.integer(0, 3)], ["LIMIT", g.rng.pick(["-1", "x"])], ["BOGUS"]])]; } },
  { name: "ZPOPMIN ZPOPMAX", weight: 1.5, build: (g) => [g.rng.pick(["ZPOPMIN", "ZPOPMAX"]), g.key(), ...g.rng.pick([[], [], [count(g)]])] },
  {
    name: "ZMPOP",
    build: (g) => {
      const { keys, numkeys } = numkeysAndKeys(g);
      return ["ZMPOP", numkeys, ...keys, g.rng.pick(["MIN", "MAX", "min", "mid"]), ...g.rng.pick([[], ["COUNT", count(g)], ["COUNT"]])];
    },
  },
  { name: "ZRANDMEMBER", weight: 0.5, build: (g) => ["ZRANDMEMBER", g.key(), ...g.rng.pick([[], [count(g)], [count(g), "WITHSCORES"], [count(g), "x"]])], normalise: (i) => [ignoreValue(i)] },
  { name: "ZSCAN", weight: 0.5, build: (g) => ["ZSCAN", g.key(), g.rng.pick(["0", "x"]), ...g.rng.pick([[], ["COUNT", g.integer(0, 5)], ["MATCH", "a*"], ["FOO"]])], normalise: (i) => [ignoreValue(i)] },
  {
    name: "zset wrong arity",
    weight: 0.3,
    build: (g) => g.rng.pick([["ZADD", g.key()], ["ZADD", g.key(), "1"], ["ZINCRBY", g.key(), "1"], ["ZRANGE", g.key(), "0"], ["ZUNION", "1"], ["ZPOPMIN"], ["ZCOUNT", g.key(), "0"], ["ZRANGESTORE", g.key(), g.key(), "0"]]),
  },
];
