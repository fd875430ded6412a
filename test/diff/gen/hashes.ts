// Generator templates for hashes: every command with valid and malformed arguments over the
// shared small keyspace (so types clash with the other families). Replies whose order is Redis's hash
// table order are unordered; random picks (HRANDFIELD) and hashtable scans keep only their shape.
import type { Arg } from "../../support/resp.ts";
import type { CommandTemplate, GenContext } from "../generator.ts";
import { ignoreValue, sortArray, unorderedMap } from "../normalise.ts";

const field = (g: GenContext): Arg => g.rng.pick(["a", "b", "c", "n", "f", g.value()]);
const some = (g: GenContext, make: (g: GenContext) => Arg[], max: number): Arg[] => Array.from({ length: g.rng.int(1, max) }, () => make(g)).flat();
const count = (g: GenContext): string => (g.rng.chance(0.85) ? g.integer(-6, 6) : g.badInteger());

export const templates: CommandTemplate[] = [
  { name: "HSET or HMSET", weight: 3, build: (g) => [g.rng.pick(["HSET", "HMSET"]), g.key(), ...some(g, (x) => [field(x), x.value()], 3), ...(g.rng.chance(0.05) ? ["odd"] : [])] },
  { name: "HSETNX", build: (g) => ["HSETNX", g.key(), field(g), g.value()] },
  { name: "HGET HEXISTS HSTRLEN", weight: 2, build: (g) => [g.rng.pick(["HGET", "HEXISTS", "HSTRLEN"]), g.key(), field(g)] },
  { name: "HMGET", build: (g) => ["HMGET", g.key(), ...some(g, (x) => [field(x)], 4)] },
  { name: "HDEL", build: (g) => ["HDEL", g.key(), ...some(g, (x) => [field(x)], 3)] },
  { name: "HLEN", weight: 0.5, build: (g) => ["HLEN", g.key()] },
  { name: "HKEYS HVALS", build: (g) => [g.rng.pick(["HKEYS", "HVALS"]), g.key()], normalise: (i) => [sortArray(i)] },
  { name: "HGETALL", build: (g) => ["HGETALL", g.key()], normalise: (i) => [unorderedMap(i)] },
  { name: "HINCRBY", build: (g) => ["HINCRBY", g.key(), g.rng.pick(["n", "a", field(g)]), g.rng.chance(0.85) ? g.integer(-100, 100) : g.badInteger()] },
  { name: "HINCRBYFLOAT", build: (g) => ["HINCRBYFLOAT", g.key(), g.rng.pick(["f", "n", field(g)]), g.rng.pick(["0.1", "-1.5", "1e3", "3", "abc", "inf", "2.5e-3", g.integer(-50, 50)])] },
  { name: "HRANDFIELD", build: (g) => ["HRANDFIELD", g.key(), ...g.rng.pick([[], [count(g)], [count(g), "WITHVALUES"], [count(g), "bogus"]])], normalise: (i) => [ignoreValue(i)] },
  { name: "HSCAN", build: (g) => ["HSCAN", g.key(), g.rng.pick(["0", "0", "x"]), ...g.rng.pick([[], ["COUNT", g.integer(0, 5)], ["MATCH", "*a*"], ["FOO"]])], normalise: (i) => [ignoreValue(i)] },
  { name: "hash wrong arity", weight: 0.3, build: (g) => g.rng.pick([["HSET", g.key()], ["HGET", g.key()], ["HMSET", g.key(), "a"], ["HRANDFIELD"], ["HSCAN", g.key()]]) },
];
