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
];
