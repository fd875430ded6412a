// Generator templates for the keyspace basics: DEL and EXISTS over several keys, TTL and PTTL (whose
// values tick, hence intWithin), and RPUSH, which is here only to make keys of another type so that
// WRONGTYPE replies come up; it passes against Bunker once lists exist.
import type { CommandTemplate } from "../generator.ts";
import { intWithin } from "../normalise.ts";

export const templates: CommandTemplate[] = [
  { name: "DEL", weight: 1.5, build: (g) => ["DEL", ...Array.from({ length: g.rng.int(1, 4) }, () => g.key())] },
  { name: "EXISTS", weight: 1.5, build: (g) => ["EXISTS", ...Array.from({ length: g.rng.int(1, 4) }, () => g.key())] },
  { name: "DEL or EXISTS wrong arity", weight: 0.2, build: (g) => [g.rng.pick(["DEL", "EXISTS"])] },
  { name: "TTL", weight: 0.5, build: (g) => ["TTL", g.key()], normalise: (index) => [intWithin(1, index)] },
  { name: "PTTL", weight: 0.5, build: (g) => ["PTTL", g.key()], normalise: (index) => [intWithin(50, index)] },
  { name: "RPUSH (a key of another type)", weight: 1, build: (g) => ["RPUSH", g.key(), g.value()] },
  { name: "TYPE", weight: 0.5, build: (g) => ["TYPE", g.key()] },
  { name: "EXPIRE family", weight: 1.5, build: (g) => {
    const cmd = g.rng.pick(["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"]);
    const seconds = cmd === "EXPIRE" ? g.integer(1_000, 100_000) : cmd === "PEXPIRE" ? g.integer(1_000_000, 100_000_000) : cmd === "EXPIREAT" ? String(g.nowSeconds + g.rng.int(1_000, 100_000)) : String((g.nowSeconds + g.rng.int(1_000, 100_000)) * 1000);
    const time = g.rng.chance(0.1) ? g.rng.pick(["-1", "0", g.badInteger()]) : seconds;
    return [cmd, g.key(), time, ...(g.rng.chance(0.4) ? [g.rng.pick(["NX", "XX", "GT", "LT", "nx", "BOGUS"])] : [])];
  }, normalise: (index) => [intWithin(1, index)] },
  { name: "PERSIST", weight: 0.5, build: (g) => ["PERSIST", g.key()] },
  { name: "EXPIRETIME", weight: 0.3, build: (g) => [g.rng.pick(["EXPIRETIME", "PEXPIRETIME"]), g.key()], normalise: (index) => [intWithin(50, index)] },
  { name: "RENAME or RENAMENX", weight: 0.7, build: (g) => [g.rng.pick(["RENAME", "RENAMENX"]), g.key(), g.key()] },
  { name: "COPY", weight: 0.5, build: (g) => ["COPY", g.key(), g.key(), ...(g.rng.chance(0.4) ? ["REPLACE"] : []), ...(g.rng.chance(0.2) ? ["DB", g.dbIndex()] : [])] },
  { name: "MOVE", weight: 0.3, build: (g) => ["MOVE", g.key(), g.dbIndex()] },
  { name: "TOUCH", weight: 0.3, build: (g) => ["TOUCH", g.key(), g.key()] },
  { name: "OBJECT ENCODING", weight: 0.5, build: (g) => ["OBJECT", "ENCODING", g.key()] },
];

