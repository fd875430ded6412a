// Generator templates for lists: every non-waiting list command with valid and malformed arguments over
// the shared small keyspace (so types clash with the other families). Blocking forms are generated only
// where they cannot wait (inside MULTI, or with a negative timeout).
import type { Arg } from "../../support/resp.ts";
import type { CommandTemplate, GenContext } from "../generator.ts";

const element = (g: GenContext): Arg => g.rng.pick(["a", "b", "c", "1", g.value()]);
const some = (g: GenContext, max: number): Arg[] => Array.from({ length: g.rng.int(1, max) }, () => element(g));
const index = (g: GenContext): string => (g.rng.chance(0.9) ? g.integer(-6, 6) : g.badInteger());
const side = (g: GenContext): string => g.rng.pick(["LEFT", "RIGHT", "left", "right", "up"]);

export const templates: CommandTemplate[] = [
  { name: "LPUSH RPUSH", weight: 4, build: (g) => [g.rng.pick(["LPUSH", "RPUSH"]), g.key(), ...some(g, 4)] },
  { name: "LPUSHX RPUSHX", build: (g) => [g.rng.pick(["LPUSHX", "RPUSHX"]), g.key(), ...some(g, 2)] },
  { name: "LPOP RPOP", weight: 2, build: (g) => [g.rng.pick(["LPOP", "RPOP"]), g.key(), ...g.rng.pick([[], [], [g.integer(-1, 4)], [g.badInteger()]])] },
  { name: "LLEN", weight: 0.5, build: (g) => ["LLEN", g.key()] },
  { name: "LINDEX", build: (g) => ["LINDEX", g.key(), index(g)] },
  { name: "LSET", build: (g) => ["LSET", g.key(), index(g), element(g)] },
  { name: "LRANGE", weight: 2, build: (g) => ["LRANGE", g.key(), index(g), index(g)] },
  { name: "LTRIM", build: (g) => ["LTRIM", g.key(), index(g), index(g)] },
  { name: "LINSERT", build: (g) => ["LINSERT", g.key(), g.rng.pick(["BEFORE", "AFTER", "after", "middle"]), element(g), element(g)] },
  { name: "LREM", build: (g) => ["LREM", g.key(), index(g), element(g)] },
  {
    name: "LPOS",
    build: (g) => {
      const opts = g.rng.pick([[], ["RANK", g.integer(-3, 3)], ["COUNT", g.integer(-1, 3)], ["MAXLEN", g.integer(-1, 5)], ["RANK", g.integer(-2, 2), "COUNT", "0"], ["BOGUS", "1"], ["RANK"]]);
      return ["LPOS", g.key(), element(g), ...opts];
    },
  },
  { name: "LMOVE", build: (g) => ["LMOVE", g.key(), g.key(), side(g), side(g)] },
  { name: "RPOPLPUSH", build: (g) => ["RPOPLPUSH", g.key(), g.key()] },
  { name: "LMPOP", build: (g) => ["LMPOP", g.rng.pick(["1", "2", "0", "x"]), g.key(), g.key(), side(g), ...g.rng.pick([[], ["COUNT", g.integer(-1, 3)], ["COUNT"]])] },
  {
    name: "blocking forms with a negative timeout",
    weight: 0.5,
    build: (g) => g.rng.pick([["BLPOP", g.key(), "-1"], ["BRPOP", g.key(), g.key(), "-0.5e3"], ["BLMOVE", g.key(), g.key(), side(g), side(g), "-1"], ["BRPOPLPUSH", g.key(), g.key(), "x"], ["BLMPOP", "-1", "1", g.key(), side(g)]]),
  },
  { name: "list wrong arity", weight: 0.3, build: (g) => g.rng.pick([["LPUSH", g.key()], ["LPOP"], ["LPOP", g.key(), "1", "2"], ["LSET", g.key(), "0"], ["LMOVE", g.key(), g.key(), "LEFT"], ["LMPOP", "1", g.key()], ["BLPOP", g.key()]]) },
];
