// Generator templates for the string basics: GET, and SET with random subsets of its options (valid and
// conflicting combinations, good and malformed expiry values). Expiry is never short and absolute times
// are far in the past or future, so the two servers agree on what has expired.
import type { Arg } from "../../support/resp.ts";
import type { CommandTemplate, GenContext } from "../generator.ts";

function expiryOption(g: GenContext): Arg[] {
  const future = g.nowSeconds + g.rng.int(1_000, 100_000);
  const past = g.nowSeconds - g.rng.int(1_000, 100_000);
  if (g.rng.chance(0.15)) return [g.rng.pick(["EX", "PX", "EXAT", "PXAT"]), g.badInteger()];
  if (g.rng.chance(0.1)) return [g.rng.pick(["EX", "PX"]), g.rng.pick(["0", "-1", "9223372036854775807"])];
  return g.rng.pick([
    ["EX", g.integer(1_000, 100_000)],
    ["PX", g.integer(1_000_000, 100_000_000)],
    ["EXAT", String(g.rng.chance(0.8) ? future : past)],
    ["PXAT", String((g.rng.chance(0.8) ? future : past) * 1000)],
    ["KEEPTTL"],
  ]);
}

function setOptions(g: GenContext): Arg[] {
  const options: Arg[] = [];
  const count = g.rng.pick([0, 0, 1, 1, 2, 3]);
  for (let i = 0; i < count; i++) {
    const kind = g.rng.int(0, 9);
    if (kind < 2) options.push(g.rng.pick(["NX", "XX", "nx"]));
    else if (kind < 4) options.push(g.rng.pick(["GET", "get"]));
    else if (kind < 9) options.push(...expiryOption(g));
    else options.push(g.rng.pick(["BOGUS", "EX"]));
  }
  return options;
}

export const templates: CommandTemplate[] = [
  { name: "GET", weight: 3, build: (g) => ["GET", g.key()] },
  { name: "GET wrong arity", weight: 0.2, build: (g) => (g.rng.chance(0.5) ? ["GET"] : ["GET", g.key(), g.key()]) },
  { name: "SET with options", weight: 4, build: (g) => ["SET", g.key(), g.value(), ...setOptions(g)] },
  { name: "SET wrong arity", weight: 0.2, build: (g) => (g.rng.chance(0.5) ? ["SET"] : ["SET", g.key()]) },
  { name: "SETNX", weight: 1, build: (g) => ["SETNX", g.key(), g.value()] },
  { name: "SETEX or PSETEX", weight: 1, build: (g) => [g.rng.pick(["SETEX", "PSETEX"]), g.key(), g.rng.chance(0.8) ? g.integer(100_000, 1_000_000) : g.badInteger(), g.value()] },
  { name: "GETSET or GETDEL", weight: 1, build: (g) => (g.rng.chance(0.5) ? ["GETSET", g.key(), g.value()] : ["GETDEL", g.key()]) },
  { name: "GETEX", weight: 1, build: (g) => ["GETEX", g.key(), ...(g.rng.chance(0.3) ? ["PERSIST"] : g.rng.chance(0.5) ? expiryOption(g).filter((a) => a !== "KEEPTTL") : [])] },
  { name: "MGET", weight: 1, build: (g) => ["MGET", ...Array.from({ length: g.rng.int(1, 4) }, () => g.key())] },
  { name: "MSET or MSETNX", weight: 1, build: (g) => [g.rng.pick(["MSET", "MSETNX"]), ...Array.from({ length: g.rng.int(1, 3) }, () => [g.key(), g.value()]).flat(), ...(g.rng.chance(0.1) ? [g.key()] : [])] },
  { name: "APPEND", weight: 1, build: (g) => ["APPEND", g.key(), g.value()] },
  { name: "STRLEN", weight: 0.5, build: (g) => ["STRLEN", g.key()] },
  { name: "GETRANGE", weight: 1, build: (g) => ["GETRANGE", g.key(), g.rng.chance(0.9) ? g.integer(-10, 10) : g.badInteger(), g.integer(-10, 10)] },
  { name: "SETRANGE", weight: 1, build: (g) => ["SETRANGE", g.key(), g.rng.chance(0.9) ? g.integer(0, 20) : g.rng.pick(["-1", g.badInteger()]), g.value()] },
  { name: "INCR family", weight: 2, build: (g) => (g.rng.chance(0.5) ? [g.rng.pick(["INCR", "DECR"]), g.key()] : [g.rng.pick(["INCRBY", "DECRBY"]), g.key(), g.rng.chance(0.85) ? g.integer(-1000, 1000) : g.badInteger()]) },
  { name: "INCRBYFLOAT", weight: 1, build: (g) => ["INCRBYFLOAT", g.key(), g.rng.pick(["0.1", "-1.5", "1e3", "3", "abc", "inf", "2.5e-3", g.integer(-50, 50)])] },
  { name: "LCS", weight: 0.5, build: (g) => ["LCS", g.key(), g.key(), ...g.rng.pick([[], ["LEN"], ["IDX"], ["IDX", "WITHMATCHLEN"], ["IDX", "MINMATCHLEN", g.integer(0, 3)], ["LEN", "IDX"]])] },
];

