// Generator templates for the server family: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, CONFIG GET of
// unknown parameters and COMMAND GETKEYS.
import type { CommandTemplate } from "../generator.ts";
import { ignoreValue } from "../normalise.ts";

export const templates: CommandTemplate[] = [
  { name: "DBSIZE", build: () => ["DBSIZE"] },
  {
    name: "FLUSHDB",
    weight: 0.3,
    build: (g) => ["FLUSHDB", ...g.rng.pick([[], ["ASYNC"], ["SYNC"], ["BAD"], ["SYNC", "ASYNC"]])],
  },
  {
    name: "FLUSHALL",
    weight: 0.15,
    build: (g) => ["FLUSHALL", ...g.rng.pick([[], ["ASYNC"], ["sync"], ["BAD"]])],
  },
  { name: "SWAPDB", weight: 0.7, build: (g) => ["SWAPDB", g.dbIndex(), g.dbIndex()] },
  { name: "SWAPDB wrong arity", weight: 0.1, build: (g) => ["SWAPDB", g.dbIndex()] },
  { name: "TIME", weight: 0.2, build: () => ["TIME"], normalise: (index) => [ignoreValue(index)] },
  { name: "CONFIG GET unknown", weight: 0.2, build: (g) => ["CONFIG", "GET", g.rng.pick(["no-such", "nosuch-*"])] },
  {
    name: "COMMAND GETKEYS",
    weight: 0.2,
    build: (g) =>
      g.rng.pick([
        ["COMMAND", "GETKEYS", "SET", g.key(), g.value()],
        ["COMMAND", "GETKEYS", "GET", g.key()],
        ["COMMAND", "GETKEYS", "DEL", g.key(), g.key()],
        ["COMMAND", "GETKEYS", "PING"],
      ]),
  },
];
