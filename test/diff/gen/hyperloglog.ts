// Generator templates for HyperLogLog: PFADD, PFCOUNT (one key or several) and PFMERGE over the shared small
// keyspace, mixed with writes of plain strings, of strings that only look like HLLs (the "HYLL" magic with
// a corrupt body) and of appends to existing HLLs, so the WRONGTYPE and INVALIDOBJ paths come up; GET and
// PFDEBUG ENCODING show the stored bytes and encoding after each change.
import type { Arg } from "../../support/resp.ts";
import type { CommandTemplate, GenContext } from "../generator.ts";

const element = (g: GenContext): Arg => (g.rng.chance(0.6) ? `e${g.rng.int(0, 40)}` : g.value());
const some = (g: GenContext, make: (g: GenContext) => Arg, max: number): Arg[] => Array.from({ length: g.rng.int(1, max) }, () => make(g));

/** Many distinct elements at once, sometimes enough to promote the HLL past the sparse limit. */
const bulkElements = (g: GenContext): Arg[] => {
  const base = g.rng.int(0, 100_000);
  return Array.from({ length: g.rng.pick([50, 300, 2000]) }, (_, i) => `b${base + i}`);
};

/** A value with the HLL magic whose header or body is wrong (bad encoding byte, truncated, bad sparse opcodes). */
const corrupt = (g: GenContext): Arg => {
  const magic = [0x48, 0x59, 0x4c, 0x4c];
  return new Uint8Array(g.rng.pick([
    [...magic],
    [...magic, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [...magic, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff],
    [...magic, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0x00],
    [...magic, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3],
    [0x48, 0x59, 0x4c],
  ]));
};

export const templates: CommandTemplate[] = [
  { name: "PFADD", weight: 4, build: (g) => ["PFADD", g.key(), ...g.rng.pick([[], some(g, element, 5), some(g, element, 5)])] },
  { name: "PFADD many", weight: 0.5, build: (g) => ["PFADD", g.key(), ...bulkElements(g)] },
  { name: "PFCOUNT", weight: 3, build: (g) => ["PFCOUNT", ...some(g, (x) => x.key(), 3)] },
  { name: "PFMERGE", weight: 1.5, build: (g) => ["PFMERGE", g.key(), ...g.rng.pick([[], some(g, (x) => x.key(), 3)])] },
  { name: "GET (the stored bytes)", weight: 1.5, build: (g) => ["GET", g.key()] },
  { name: "SET a plain string", weight: 0.7, build: (g) => ["SET", g.key(), g.value()] },
  { name: "SET a corrupt HLL", weight: 0.7, build: (g) => ["SET", g.key(), corrupt(g)] },
  { name: "APPEND to a value", weight: 0.4, build: (g) => ["APPEND", g.key(), g.rng.pick(["x", "\u0000\u00ff"])] },
  { name: "SETRANGE inside a value", weight: 0.4, build: (g) => ["SETRANGE", g.key(), g.integer(4, 20), g.rng.pick(["\u0000", "\u00ff\u00ff", "z"])] },
  { name: "PFDEBUG ENCODING or TODENSE", weight: 0.4, build: (g) => ["PFDEBUG", g.rng.pick(["ENCODING", "TODENSE", "GETREG", "bogus"]), g.key()] },
  { name: "a key of another type", weight: 0.5, build: (g) => g.rng.pick([["RPUSH", g.key(), "x"], ["SADD", g.key(), "x"]]) },
  { name: "hyperloglog wrong arity", weight: 0.3, build: (g) => g.rng.pick([["PFADD"], ["PFCOUNT"], ["PFMERGE"], ["PFDEBUG", "ENCODING"]]) },
];
