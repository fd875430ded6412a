// Generator templates for sets: every command with valid and malformed arguments over the
// shared small keyspace (so types clash with the other families). Replies whose order is Redis's hash
// table order are sorted; random picks (SRANDMEMBER) and hashtable scans keep only their shape; SPOP always
// takes the whole set so both servers keep the same state.
import type { Arg } from "../../support/resp.ts";
import type { CommandTemplate, GenContext } from "../generator.ts";
import { ignoreValue, sortArray } from "../normalise.ts";

const field = (g: GenContext): Arg => g.rng.pick(["a", "b", "c", "n", "f", g.value()]);
const member = (g: GenContext): Arg => (g.rng.chance(0.5) ? g.integer(-5, 20) : field(g));
const some = (g: GenContext, make: (g: GenContext) => Arg[], max: number): Arg[] => Array.from({ length: g.rng.int(1, max) }, () => make(g)).flat();
const keyList = (g: GenContext): Arg[] => some(g, (x) => [x.key()], 3);
const count = (g: GenContext): string => (g.rng.chance(0.85) ? g.integer(-6, 6) : g.badInteger());

export const templates: CommandTemplate[] = [
  { name: "SADD", weight: 3, build: (g) => ["SADD", g.key(), ...some(g, (x) => [member(x)], 4)] },
  { name: "SREM", build: (g) => ["SREM", g.key(), ...some(g, (x) => [member(x)], 3)] },
  { name: "SCARD SISMEMBER", build: (g) => (g.rng.chance(0.5) ? ["SCARD", g.key()] : ["SISMEMBER", g.key(), member(g)]) },
  { name: "SMISMEMBER", weight: 0.5, build: (g) => ["SMISMEMBER", g.key(), ...some(g, (x) => [member(x)], 3)] },
  { name: "SMEMBERS", build: (g) => ["SMEMBERS", g.key()], normalise: (i) => [sortArray(i)] },
  { name: "SMOVE", build: (g) => ["SMOVE", g.key(), g.key(), member(g)] },
  { name: "SINTER SUNION SDIFF", weight: 2, build: (g) => [g.rng.pick(["SINTER", "SUNION", "SDIFF"]), ...keyList(g)], normalise: (i) => [sortArray(i)] },
  { name: "STORE forms", weight: 2, build: (g) => [g.rng.pick(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]), g.key(), ...keyList(g)] },
  { name: "SINTERCARD", build: (g) => ["SINTERCARD", g.rng.chance(0.85) ? g.integer(1, 3) : g.badInteger(), ...keyList(g), ...g.rng.pick([[], ["LIMIT", g.integer(0, 3)], ["LIMIT", g.badInteger()], ["BOGUS"]])] },
  { name: "SPOP whole set", build: (g) => ["SPOP", g.key(), g.rng.pick(["100", "0", "-1", g.badInteger()])], normalise: (i) => [sortArray(i)] },
  { name: "SRANDMEMBER", build: (g) => ["SRANDMEMBER", g.key(), ...g.rng.pick([[], [count(g)], [count(g), "x"]])], normalise: (i) => [ignoreValue(i)] },
  { name: "SSCAN", build: (g) => ["SSCAN", g.key(), g.rng.pick(["0", "x"]), ...g.rng.pick([[], ["COUNT", g.integer(0, 5)], ["MATCH", "1*"]])], normalise: (i) => [ignoreValue(i)] },
  { name: "set wrong arity", weight: 0.3, build: (g) => g.rng.pick([["SADD", g.key()], ["SMOVE", g.key()], ["SINTERCARD"], ["SPOP"], ["SSCAN", g.key()]]) },
];
