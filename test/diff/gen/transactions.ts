// Generator templates for transactions: MULTI, EXEC, DISCARD, WATCH and UNWATCH drawn often enough that
// scripts open transactions, queue commands (of every family, plus errors that abort the transaction at
// EXEC: wrong arity, unknown commands, commands refused inside MULTI), and WATCH keys that the same script
// then changes (or not) before EXEC. Nested MULTI, EXEC and DISCARD without MULTI, and WATCH inside MULTI
// come up as well.
import type { CommandTemplate } from "../generator.ts";

export const templates: CommandTemplate[] = [
  { name: "MULTI", weight: 3, build: () => ["MULTI"] },
  { name: "EXEC", weight: 3, build: () => ["EXEC"] },
  { name: "DISCARD", weight: 0.7, build: () => ["DISCARD"] },
  { name: "WATCH", weight: 2, build: (g) => ["WATCH", ...Array.from({ length: g.rng.int(1, 3) }, () => g.key())] },
  { name: "UNWATCH", weight: 0.5, build: () => ["UNWATCH"] },
  { name: "a write that may touch a watched key", weight: 2, build: (g) => g.rng.pick([["SET", g.key(), g.value()], ["INCR", g.key()], ["LPUSH", g.key(), "x"], ["DEL", g.key()], ["EXPIRE", g.key(), "1000"], ["SET", g.key(), "v", "NX"]]) },
  { name: "a read", weight: 1, build: (g) => g.rng.pick([["GET", g.key()], ["EXISTS", g.key()], ["TYPE", g.key()], ["DBSIZE"]]) },
  {
    name: "an error queued or rejected",
    weight: 1,
    build: (g) => g.rng.pick([["SET", g.key()], ["GET"], ["NOSUCHCOMMAND", "x"], ["INCR", g.key(), "x"], ["WATCH"], ["MULTI", "x"], ["EXEC", "x"], ["UNWATCH", "x"], ["DISCARD", "x"], ["INCRBY", g.key(), "abc"]]),
  },
  { name: "SELECT or SWAPDB", weight: 0.3, build: (g) => g.rng.pick([["SELECT", g.rng.pick(["0", "1", "x"])], ["SWAPDB", "0", "1"], ["FLUSHDB"]]) },
];

