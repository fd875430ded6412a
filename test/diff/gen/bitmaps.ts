// Generator templates for bitmaps and HyperLogLog: SETBIT/GETBIT/BITCOUNT/BITPOS/BITOP/BITFIELD(_RO) with
// good and bad offsets, units and overflow modes, and PFADD/PFCOUNT/PFMERGE over the shared small
// keyspace (so HLLs meet plain strings and other types), each followed often enough by GET-visible state.
import type { Arg } from "../../support/resp.ts";
import type { CommandTemplate, GenContext } from "../generator.ts";

/** A bit offset; never a valid huge one, which would make both servers allocate 512 MB. */
function offset(g: GenContext): string {
  if (g.rng.chance(0.1)) return g.rng.pick([g.badInteger(), "-1", "4294967296"]);
  return g.integer(0, g.rng.chance(0.8) ? 64 : 4000);
}

function rangeArgs(g: GenContext, withUnit: boolean): Arg[] {
  const n = g.rng.int(0, 3);
  const bound = (): string => (g.rng.chance(0.08) ? g.badInteger() : g.integer(-20, 40));
  const args: Arg[] = [];
  if (n >= 1) args.push(bound());
  if (n >= 2) args.push(bound());
  if (n >= 3 && withUnit) args.push(g.rng.pick(["BIT", "BYTE", "bit", "bogus"]));
  return args;
}

function fieldType(g: GenContext): string {
  if (g.rng.chance(0.05)) return g.rng.pick(["u64", "i65", "x8", "i0", "U8"]);
  return (g.rng.chance(0.5) ? "i" : "u") + String(g.rng.int(1, 16) === 16 ? g.rng.pick([63, 32]) : g.rng.int(1, 16));
}

function fieldOffset(g: GenContext): string {
  if (g.rng.chance(0.3)) return `#${g.rng.int(0, 10)}`;
  return offset(g);
}

function fieldOps(g: GenContext, writes: boolean): Arg[] {
  const ops: Arg[] = [];
  const count = g.rng.int(0, 4);
  for (let i = 0; i < count; i++) {
    const kind = writes ? g.rng.int(0, 9) : 0;
    if (kind < 4) ops.push("GET", fieldType(g), fieldOffset(g));
    else if (kind < 6) ops.push("SET", fieldType(g), fieldOffset(g), g.rng.chance(0.1) ? g.badInteger() : g.integer(-300, 300));
    else if (kind < 8) ops.push("INCRBY", fieldType(g), fieldOffset(g), g.integer(-300, 300));
    else ops.push("OVERFLOW", g.rng.pick(["WRAP", "SAT", "FAIL", "fail", "bogus"]));
  }
  if (g.rng.chance(0.05)) ops.push(g.rng.pick(["GET", "BOGUS", "SET"]));
  return ops;
}

function elements(g: GenContext): Arg[] {
  const n = g.rng.chance(0.1) ? g.rng.int(100, 400) : g.rng.int(0, 6);
  const base = g.rng.int(0, 1000);
  return Array.from({ length: n }, (_, i) => (i < 3 && g.rng.chance(0.2) ? g.value() : `e${base + i}`));
}

export const templates: CommandTemplate[] = [
  { name: "SETBIT", weight: 3, build: (g) => ["SETBIT", g.key(), offset(g), g.rng.chance(0.9) ? g.rng.pick(["0", "1"]) : g.rng.pick(["2", "-1", "x"])] },
  { name: "GETBIT", weight: 2, build: (g) => ["GETBIT", g.key(), g.rng.chance(0.05) ? "4294967295" : offset(g)] },
  { name: "BITCOUNT", weight: 2, build: (g) => ["BITCOUNT", g.key(), ...rangeArgs(g, true)] },
  { name: "BITPOS", weight: 2, build: (g) => ["BITPOS", g.key(), g.rng.chance(0.9) ? g.rng.pick(["0", "1"]) : g.rng.pick(["2", "x"]), ...rangeArgs(g, true)] },
  {
    name: "BITOP", weight: 2,
    build: (g) => {
      const op = g.rng.pick(["AND", "OR", "XOR", "NOT", "and", "bogus"]);
      const sources = op === "NOT" && g.rng.chance(0.8) ? 1 : g.rng.int(1, 3);
      return ["BITOP", op, g.key(), ...Array.from({ length: sources }, () => g.key())];
    },
  },
  { name: "BITFIELD", weight: 3, build: (g) => ["BITFIELD", g.key(), ...fieldOps(g, true)] },
  { name: "BITFIELD_RO", weight: 1, build: (g) => ["BITFIELD_RO", g.key(), ...fieldOps(g, g.rng.chance(0.2))] },
  { name: "bitmap wrong arity", weight: 0.3, build: (g) => g.rng.pick([["SETBIT", g.key(), "1"], ["GETBIT", g.key()], ["BITCOUNT"], ["BITPOS", g.key()], ["BITOP", "AND", g.key()], ["BITFIELD"]]) },
  { name: "PFADD", weight: 3, build: (g) => ["PFADD", g.key(), ...elements(g)] },
  { name: "PFCOUNT", weight: 2, build: (g) => ["PFCOUNT", g.key(), ...(g.rng.chance(0.3) ? [g.key()] : [])] },
  { name: "PFMERGE", weight: 1, build: (g) => ["PFMERGE", g.key(), ...Array.from({ length: g.rng.int(0, 3) }, () => g.key())] },
  { name: "GET after bit and HLL writes", weight: 2, build: (g) => ["GET", g.key()] },
  { name: "HLL wrong arity", weight: 0.2, build: () => ["PFADD"] },
];
