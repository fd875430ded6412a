// Generator templates for the geo commands over the shared small keyspace (so geo indexes meet other
// types, and zsets written by other families are read as geo indexes): GEOADD with options and
// coordinates in and out of range, GEOPOS/GEOHASH/GEODIST with units, and GEOSEARCH/GEORADIUS forms
// with random shapes, options and malformed numbers.
import type { Arg } from "../../support/resp.ts";
import type { CommandTemplate, GenContext } from "../generator.ts";

const member = (g: GenContext): Arg => g.rng.pick(["a", "b", "c", "d", "e", "1", "10", g.value()]);
const members = (g: GenContext): Arg[] => Array.from({ length: g.rng.int(1, 4) }, () => member(g));

function longitude(g: GenContext): string {
  if (g.rng.chance(0.1)) return g.rng.pick(["180", "-180", "180.1", "x", "inf", "-0", ""]);
  return (g.rng.float() * 360 - 180).toFixed(g.rng.int(0, 8));
}

function latitude(g: GenContext): string {
  if (g.rng.chance(0.1)) return g.rng.pick(["85.05112878", "-85.05112878", "85.06", "91", "nan", "1e400"]);
  return (g.rng.float() * 170 - 85).toFixed(g.rng.int(0, 8));
}

const unit = (g: GenContext): string => g.rng.pick(["m", "km", "mi", "ft", "KM", "Mi", "parsecs"]);
const distance = (g: GenContext): string => (g.rng.chance(0.1) ? g.rng.pick(["-1", "x", "0", "inf"]) : String(g.rng.pick([1, 10, 100, 500, 2000, 8000, 20000]) * 1000));

function options(g: GenContext, allowWith: boolean): Arg[] {
  const out: Arg[] = [];
  for (let i = g.rng.int(0, 3); i > 0; i--) {
    const pick = g.rng.pick(["ASC", "DESC", "COUNT", "ANY", "WITHDIST", "WITHCOORD", "WITHHASH", "COUNT0"]);
    if (pick === "COUNT") out.push("COUNT", g.integer(1, 5));
    else if (pick === "COUNT0") out.push("COUNT", g.rng.pick(["0", "-1", "x"]));
    else if (pick.startsWith("WITH") && !allowWith) out.push("ASC");
    else out.push(pick);
  }
  return out;
}

function from(g: GenContext): Arg[] {
  return g.rng.chance(0.5) ? ["FROMMEMBER", member(g)] : ["FROMLONLAT", longitude(g), latitude(g)];
}

function by(g: GenContext): Arg[] {
  return g.rng.chance(0.5) ? ["BYRADIUS", distance(g), unit(g)] : ["BYBOX", distance(g), distance(g), unit(g)];
}

export const templates: CommandTemplate[] = [
  { name: "GEOADD", weight: 4, build: (g) => ["GEOADD", g.key(), ...(g.rng.chance(0.3) ? [g.rng.pick(["NX", "XX", "CH"])] : []), ...Array.from({ length: g.rng.int(1, 3) }, () => [longitude(g), latitude(g), member(g)]).flat()] },
  { name: "GEOPOS", build: (g) => ["GEOPOS", g.key(), ...members(g)] },
  { name: "GEOHASH", build: (g) => ["GEOHASH", g.key(), ...members(g)] },
  { name: "GEODIST", build: (g) => ["GEODIST", g.key(), member(g), member(g), ...(g.rng.chance(0.6) ? [unit(g)] : [])] },
  { name: "GEOSEARCH", weight: 3, build: (g) => ["GEOSEARCH", g.key(), ...from(g), ...by(g), ...options(g, true)] },
  { name: "GEOSEARCHSTORE", build: (g) => ["GEOSEARCHSTORE", g.key(), g.key(), ...from(g), ...by(g), ...options(g, false), ...(g.rng.chance(0.5) ? ["STOREDIST"] : [])] },
  { name: "GEORADIUS", weight: 2, build: (g) => [g.rng.pick(["GEORADIUS", "GEORADIUS_RO"]), g.key(), longitude(g), latitude(g), distance(g), unit(g), ...options(g, true)] },
  { name: "GEORADIUSBYMEMBER", weight: 2, build: (g) => [g.rng.pick(["GEORADIUSBYMEMBER", "GEORADIUSBYMEMBER_RO"]), g.key(), member(g), distance(g), unit(g), ...options(g, true)] },
  { name: "GEORADIUS STORE", build: (g) => ["GEORADIUS", g.key(), longitude(g), latitude(g), distance(g), unit(g), ...options(g, false), g.rng.pick(["STORE", "STOREDIST"]), g.key()] },
];
