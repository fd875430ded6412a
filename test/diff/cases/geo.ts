// Differential cases for the geo commands: GEOADD's scores and options, GEOPOS/GEOHASH/GEODIST number
// formats, every GEOSEARCH/GEORADIUS form and option with its errors, the STORE forms read back with
// ZRANGE WITHSCORES, odd scores put in with ZADD, and seeded random points near the poles and the
// antimeridian searched at many radii and box sizes.
import { type DiffCase, cmd, script } from "../case.ts";
import { createRng } from "../generator.ts";

const cities = "GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 2.3522 48.8566 Paris -0.1276 51.5072 London 12.4964 41.9028 Rome 9.19 45.4642 Milan 14.2681 40.8518 Naples";
const all = "Palermo Catania Paris London Rome Milan Naples missing";

/** Seeded points, written as GEOADD lines of up to 40 members each. */
function randomPoints(seed: number, count: number, draw: (rng: ReturnType<typeof createRng>) => [number, number]): { lines: string[]; members: string[] } {
  const rng = createRng(seed);
  const lines: string[] = [];
  const members: string[] = [];
  let line = "GEOADD r";
  for (let i = 0; i < count; i++) {
    const [lon, lat] = draw(rng);
    const member = `p${i}`;
    members.push(member);
    line += ` ${lon.toFixed(rng.int(0, 9))} ${lat.toFixed(rng.int(0, 9))} ${member}`;
    if ((i + 1) % 40 === 0 || i === count - 1) {
      lines.push(line);
      line = "GEOADD r";
    }
  }
  return { lines, members };
}

const between = (rng: ReturnType<typeof createRng>, min: number, max: number): number => min + rng.float() * (max - min);

/** Points near the north pole, the south pole and either side of the antimeridian, and anywhere. */
const regions: { name: string; draw: (rng: ReturnType<typeof createRng>) => [number, number]; centres: [number, number][] }[] = [
  { name: "north pole", draw: (rng) => [between(rng, -180, 180), between(rng, 80, 85.05112878)], centres: [[0, 85.05112878], [179.9, 84], [-45, 82], [10, 70]] },
  { name: "south pole", draw: (rng) => [between(rng, -180, 180), between(rng, -85.05112878, -80)], centres: [[0, -85.05112878], [-179.9, -84], [90, -81], [-10, -67]] },
  { name: "antimeridian", draw: (rng) => [rng.chance(0.5) ? between(rng, 175, 180) : between(rng, -180, -175), between(rng, -60, 60)], centres: [[180, 0], [-180, 10], [179.5, -20], [-179.99, 45]] },
  { name: "anywhere", draw: (rng) => [between(rng, -180, 180), between(rng, -85.05112878, 85.05112878)], centres: [[0, 0], [120, 30], [-75, -40], [2.35, 48.85]] },
];

function randomCases(): DiffCase[] {
  const out: DiffCase[] = [];
  regions.forEach((region, r) => {
    for (let variant = 0; variant < 3; variant++) {
      const seed = 1000 * (r + 1) + variant;
      const { lines, members } = randomPoints(seed, variant === 2 ? 200 : 60, region.draw);
      const rng = createRng(seed + 7);
      const cmds = [...lines, "ZCARD r", "OBJECT ENCODING r", `GEOPOS r ${members.slice(0, 20).join(" ")}`, `GEOHASH r ${members.slice(0, 20).join(" ")}`];
      for (let k = 0; k < 10; k++) cmds.push(`GEODIST r ${rng.pick(members)} ${rng.pick(members)} ${rng.pick(["m", "km", "mi", "ft"])}`);
      for (const [lon, lat] of region.centres) {
        for (const radius of ["0", "1", "50", "300", "1000", "2500", "6000", "12000", "20000"]) {
          cmds.push(`GEOSEARCH r FROMLONLAT ${lon} ${lat} BYRADIUS ${radius} km ASC WITHDIST WITHCOORD WITHHASH`);
        }
        for (const [w, h] of [["100", "100"], ["1000", "300"], ["50", "4000"], ["8000", "8000"], ["40000", "20000"]]) {
          cmds.push(`GEOSEARCH r FROMLONLAT ${lon} ${lat} BYBOX ${w} ${h} km DESC WITHDIST`);
        }
        cmds.push(`GEORADIUS r ${lon} ${lat} 800 mi WITHDIST COUNT 5`);
        cmds.push(`GEORADIUS r ${lon} ${lat} 3000 km`);
      }
      for (let k = 0; k < 6; k++) {
        const m = rng.pick(members);
        cmds.push(`GEOSEARCH r FROMMEMBER ${m} BYRADIUS ${rng.int(1, 3000)} km ASC WITHDIST`);
        cmds.push(`GEORADIUSBYMEMBER r ${m} ${rng.int(1, 2000)} mi DESC COUNT ${rng.int(1, 10)} WITHCOORD`);
        cmds.push(`GEOSEARCH r FROMMEMBER ${m} BYBOX ${rng.int(1, 5000)} ${rng.int(1, 5000)} km`);
      }
      cmds.push("GEOSEARCHSTORE d r FROMLONLAT 0 0 BYRADIUS 20000 km STOREDIST", "ZRANGE d 0 -1 WITHSCORES", "GEOSEARCHSTORE d r FROMLONLAT 0 0 BYBOX 40000 40000 km", "ZRANGE d 0 -1 WITHSCORES", "OBJECT ENCODING d");
      out.push(script(`geo: seeded random points, ${region.name} #${variant}`, cmds));
    }
  });
  return out;
}

export const cases: DiffCase[] = [
  // GEOADD
  script("geo: GEOADD stores 52-bit scores in a zset", [cities, "ZRANGE g 0 -1 WITHSCORES", "TYPE g", "OBJECT ENCODING g", "ZCARD g", "GEOADD g 13.361389 38.115556 Palermo", "ZSCORE g Palermo"]),
  script("geo: GEOADD NX XX CH", [
    cities, "GEOADD g NX 1 1 Palermo 2 2 new", "GEOPOS g Palermo new", "GEOADD g XX 1 1 Palermo 3 3 other", "GEOPOS g Palermo other", "GEOADD g CH 1 1 Palermo 4 4 x", "GEOADD g XX CH 5 5 Palermo",
    "GEOADD g CH XX 5 5 Palermo", "GEOADD g NX CH 5 5 Palermo 6 6 y", "GEOADD g ch nx 7 7 z", "GEOADD none XX 1 1 a", "EXISTS none", "ZRANGE g 0 -1 WITHSCORES",
  ]),
  script("geo: GEOADD errors", [
    "GEOADD g NX XX 1 1 a", "GEOADD g 1 1", "GEOADD g 1 1 a 2", "GEOADD g x 1 a", "GEOADD g 1 y a", "GEOADD g nan 1 a", "GEOADD g 1 1 a x 2 b", "GEOADD g GT 1 1 a", "GEOADD g", "GEOADD g 1 1", "GEOADD g NX",
    "GEOADD g CH CH CH", "GEOADD g NX XX CH", "EXISTS g", "SET s v", "GEOADD s 1 1 a", "GEOADD s 200 1 a", "GEOADD s x 1 a",
  ]),
  script("geo: GEOADD coordinate limits and the invalid pair text", [
    "GEOADD g 180 85.05112878 ne 180 -85.05112878 se -180 85.05112878 nw -180 -85.05112878 sw 0 0 origin 180 0 east", "ZRANGE g 0 -1 WITHSCORES", "GEOPOS g ne se nw sw origin east", "GEOHASH g ne se nw sw origin east",
    "GEOADD g 180.0000001 0 a", "GEOADD g -180.0000001 0 a", "GEOADD g 0 85.05112879 a", "GEOADD g 0 -85.05112879 a", "GEOADD g 200 100 a", "GEOADD g -0 91 a", "GEOADD g inf 0 a", "GEOADD g 0 -inf a",
    "GEOADD g 0.0078125 90 a", "GEOADD g 1e300 0 a", "GEOADD g -1e-9 -1e-9 a 1 1 b", "GEOADD g 1e-320 1e-320 tiny", "GEOPOS g tiny", "GEOADD g 0 0 ok 500 0 bad", "EXISTS ok", "GEOADD g 0x10 0 a", "GEOADD g 1.5e1 -2.5E1 hex",
    "GEOPOS g hex",
  ]),
  script("geo: GEOADD with many members becomes a skiplist", [
    "GEOADD big " + Array.from({ length: 130 }, (_, i) => `${(i * 2.7 - 175).toFixed(4)} ${(i * 1.3 - 84).toFixed(4)} m${i}`).join(" "), "OBJECT ENCODING big", "ZCARD big", "GEOPOS big m0 m64 m129", "GEOSEARCH big FROMMEMBER m64 BYRADIUS 500 km ASC WITHDIST",
    "GEOADD long 1 1 " + "x".repeat(65), "OBJECT ENCODING long",
  ]),

  // GEOPOS, GEOHASH, GEODIST
  script("geo: GEOPOS", [cities, `GEOPOS g ${all}`, "GEOPOS g", "GEOPOS none a b", "GEOPOS none", "SET s v", "GEOPOS s a"]),
  script("geo: GEOHASH", [cities, `GEOHASH g ${all}`, "GEOHASH g", "GEOHASH none a", "SET s v", "GEOHASH s a"]),
  script("geo: GEODIST in every unit", [
    cities, "GEODIST g Palermo Catania", "GEODIST g Palermo Catania m", "GEODIST g Palermo Catania KM", "GEODIST g Palermo Catania mi", "GEODIST g Palermo Catania Ft", "GEODIST g Paris London km", "GEODIST g Palermo Palermo",
    "GEODIST g Palermo missing", "GEODIST g missing Palermo", "GEODIST none a b", "GEODIST none a b km", "GEODIST g Palermo Catania parsecs", "GEODIST none a b parsecs", "GEODIST g Palermo Catania km extra", "GEODIST g a",
    "SET s v", "GEODIST s a b", "GEODIST s a b km", "GEODIST s a b xx",
  ]),
  script("geo: GEODIST across the globe", [
    "GEOADD g 0 0 a 180 0 b -180 0 c 0 85 n 0 -85 s 90 0 e 179.9999 1 f -179.9999 -1 w", "GEODIST g a b", "GEODIST g b c", "GEODIST g n s km", "GEODIST g a e mi", "GEODIST g f w ft", "GEODIST g n a",
  ]),
  script("geo: scores not written by GEOADD decode too", [
    "ZADD z -1 neg 1.5 frac 0 zero 4503599627370496 two52 4503599627370495 max52 9007199254740992 two53 1e30 huge inf pinf -inf ninf -1e30 nhuge 9223372036854775808 two63 -9223372036854775808 ntwo63 13510798882111488 corner",
    "GEOPOS z neg frac zero two52 max52 two53 huge pinf ninf nhuge two63 ntwo63 corner", "GEOHASH z neg frac zero two52 max52 two53 huge pinf ninf nhuge two63 ntwo63 corner", "GEODIST z neg pinf", "GEODIST z zero max52 km",
    "GEOSEARCH z FROMMEMBER zero BYRADIUS 1 km WITHHASH", "GEOSEARCH z FROMMEMBER neg BYRADIUS 100 km WITHHASH WITHCOORD", "GEOSEARCH z FROMLONLAT -180 -85.05112878 BYRADIUS 10 km WITHHASH",
    "ZADD f 123.75 a 1e3 b", "GEOSEARCH f FROMLONLAT -180 -85 BYRADIUS 1000 km WITHHASH WITHCOORD WITHDIST",
  ]),

  // GEOSEARCH
  script("geo: GEOSEARCH FROMLONLAT BYRADIUS", [
    cities, "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km", "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km ASC", "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km DESC", "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 2000 km WITHDIST",
    "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 2000 km WITHCOORD", "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 2000 km WITHHASH", "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 2000 km WITHDIST WITHHASH WITHCOORD ASC",
    "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 2000 km withcoord withhash withdist desc", "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 1243 mi WITHDIST", "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 6561679 FT WITHDIST",
    "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 2000000 M WITHDIST", "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 0 km", "GEOSEARCH g FROMLONLAT 13.361389 38.115556 BYRADIUS 0 m WITHDIST", "GEOSEARCH g FROMLONLAT -100 -50 BYRADIUS 10 km",
    "GEOSEARCH g BYRADIUS 200 km FROMLONLAT 15 37 WITHDIST", "GEOSEARCH g WITHDIST BYRADIUS 200 km ASC FROMLONLAT 15 37",
  ]),
  script("geo: GEOSEARCH FROMMEMBER BYBOX", [
    cities, "GEOSEARCH g FROMMEMBER Rome BYBOX 400 400 km", "GEOSEARCH g FROMMEMBER Rome BYBOX 400 400 km ASC WITHDIST", "GEOSEARCH g FROMMEMBER Rome BYBOX 1200 600 km DESC WITHCOORD",
    "GEOSEARCH g FROMMEMBER Rome BYBOX 2000 2000 mi WITHDIST WITHHASH", "GEOSEARCH g FROMMEMBER Rome BYBOX 0 0 km WITHDIST", "GEOSEARCH g FROMMEMBER Paris BYBOX 700 10 km", "GEOSEARCH g FROMMEMBER Paris BYBOX 10 1000 km",
    "GEOSEARCH g FROMMEMBER Paris BYBOX 4000000 4000000 ft ASC", "GEOSEARCH g FROMMEMBER Palermo BYRADIUS 300 km WITHDIST", "GEOSEARCH g FROMMEMBER Palermo FROMMEMBER Paris BYRADIUS 300 km WITHDIST",
    "GEOSEARCH g FROMLONLAT 1 1 FROMLONLAT 13 38 BYRADIUS 300 km WITHDIST", "GEOSEARCH g FROMMEMBER Rome BYRADIUS 10 km BYRADIUS 700 km", "GEOSEARCH g FROMMEMBER Rome BYBOX 1 1 km BYBOX 900 900 km",
  ]),
  script("geo: GEOSEARCH COUNT and ANY", [
    cities, "GEOSEARCH g FROMLONLAT 12 42 BYRADIUS 5000 km COUNT 3", "GEOSEARCH g FROMLONLAT 12 42 BYRADIUS 5000 km COUNT 3 DESC", "GEOSEARCH g FROMLONLAT 12 42 BYRADIUS 5000 km COUNT 3 ANY",
    "GEOSEARCH g FROMLONLAT 12 42 BYRADIUS 5000 km COUNT 3 ANY ASC WITHDIST", "GEOSEARCH g FROMLONLAT 12 42 BYRADIUS 5000 km ANY COUNT 2 DESC WITHDIST", "GEOSEARCH g FROMLONLAT 12 42 BYRADIUS 5000 km COUNT 100 WITHDIST",
    "GEOSEARCH g FROMLONLAT 12 42 BYRADIUS 5000 km COUNT 1 COUNT 4", "GEOSEARCH g FROMLONLAT 12 42 BYRADIUS 5000 km COUNT 9223372036854775807", "GEOSEARCH g FROMLONLAT 12 42 BYBOX 3000 3000 km COUNT 2 ANY",
    "GEOSEARCH g FROMLONLAT 12 42 BYRADIUS 5000 km COUNT 1 ANY", "GEOSEARCH g FROMLONLAT 12 42 BYRADIUS 5000 km COUNT 7 ANY",
  ]),
  script("geo: GEOSEARCH errors", [
    cities, "GEOSEARCH g BYRADIUS 10 km", "GEOSEARCH g FROMLONLAT 1 1 WITHDIST", "GEOSEARCH g FROMMEMBER Rome", "GEOSEARCH g FROMMEMBER nobody BYRADIUS 10 km", "GEOSEARCH g FROMMEMBER Rome FROMLONLAT 1 1 BYRADIUS 10 km",
    "GEOSEARCH g FROMLONLAT 1 1 FROMMEMBER Rome BYRADIUS 10 km", "GEOSEARCH g FROMLONLAT 1 1 BYRADIUS 10 km BYBOX 1 1 km", "GEOSEARCH g FROMLONLAT 1 1 BYBOX 1 1 km BYRADIUS 10 km",
    "GEOSEARCH g FROMLONLAT 1 1 BYRADIUS 10 km ANY", "GEOSEARCH g FROMLONLAT 1 1 BYRADIUS 10 km COUNT 0", "GEOSEARCH g FROMLONLAT 1 1 BYRADIUS 10 km COUNT -1", "GEOSEARCH g FROMLONLAT 1 1 BYRADIUS 10 km COUNT x",
    "GEOSEARCH g FROMLONLAT 1 1 BYRADIUS 10 km COUNT", "GEOSEARCH g FROMLONLAT 1 1 BYRADIUS 10 parsecs", "GEOSEARCH g FROMLONLAT 1 1 BYRADIUS x km", "GEOSEARCH g FROMLONLAT 1 1 BYRADIUS -1 km",
    "GEOSEARCH g FROMLONLAT 1 1 BYBOX x 1 km", "GEOSEARCH g FROMLONLAT 1 1 BYBOX 1 x km", "GEOSEARCH g FROMLONLAT 1 1 BYBOX -1 1 km", "GEOSEARCH g FROMLONLAT 1 1 BYBOX 1 -1 km", "GEOSEARCH g FROMLONLAT 1 1 BYBOX 1 1 parsecs",
    "GEOSEARCH g FROMLONLAT 1 1 BYBOX 1 1", "GEOSEARCH g FROMLONLAT 200 1 BYRADIUS 10 km", "GEOSEARCH g FROMLONLAT x 1 BYRADIUS 10 km", "GEOSEARCH g FROMLONLAT 1 BYRADIUS 10 km", "GEOSEARCH g FROMLONLAT 1 1 BYRADIUS 10 km STORE d",
    "GEOSEARCH g FROMLONLAT 1 1 BYRADIUS 10 km STOREDIST", "GEOSEARCH g FROMLONLAT 1 1 BYRADIUS 10 km foo", "geosearch g BYRADIUS 10 km ASC", "GeoSearch g FROMLONLAT 1 1 ASC DESC",
    "GEOSEARCH g FROMLONLAT 1 1 BYRADIUS -1 km COUNT 0", "GEOSEARCH g COUNT 0 FROMLONLAT 1 1 BYRADIUS -1 km", "GEOSEARCH g FROMLONLAT 1 1", "GEOSEARCH g", "GEOSEARCH g FROMLONLAT 1 1 BYRADIUS",
  ]),
  script("geo: GEOSEARCH on a missing key and a wrong type", [
    "GEOSEARCH none FROMMEMBER a BYRADIUS 10 km", "GEOSEARCH none FROMLONLAT 1 1 BYRADIUS 10 km", "GEOSEARCH none FROMMEMBER a", "GEOSEARCH none BYRADIUS 10 km", "GEOSEARCH none FROMLONLAT 1 1 BYRADIUS 10 km ANY",
    "GEOSEARCH none FROMLONLAT 1 1 BYRADIUS -1 km", "GEOSEARCH none FROMLONLAT 1 1 BYRADIUS 10 km WITHDIST COUNT 3", "SET s v", "GEOSEARCH s FROMLONLAT 1 1 BYRADIUS 10 km", "GEOSEARCH s FROMLONLAT 1 1 BYRADIUS 10 parsecs",
    "SADD set a", "GEOSEARCH set FROMMEMBER a BYRADIUS 1 km",
  ]),

  // GEOSEARCHSTORE
  script("geo: GEOSEARCHSTORE stores hashes or distances", [
    cities, "GEOSEARCHSTORE d g FROMLONLAT 12 42 BYRADIUS 800 km", "ZRANGE d 0 -1 WITHSCORES", "TYPE d", "OBJECT ENCODING d", "GEOSEARCHSTORE d g FROMLONLAT 12 42 BYRADIUS 800 km STOREDIST", "ZRANGE d 0 -1 WITHSCORES",
    "GEOSEARCHSTORE d g FROMMEMBER Rome BYBOX 1500 1500 km DESC COUNT 2 STOREDIST", "ZRANGE d 0 -1 WITHSCORES", "GEOSEARCHSTORE d g FROMMEMBER Rome BYRADIUS 600 mi ASC COUNT 3 ANY", "ZRANGE d 0 -1 WITHSCORES",
    "GEOSEARCHSTORE d g FROMLONLAT 12 42 BYRADIUS 800 km STOREDIST STOREDIST", "ZRANGE d 0 -1 WITHSCORES", "GEOPOS d Rome Naples", "GEOSEARCHSTORE g g FROMMEMBER Rome BYRADIUS 300 km", "ZRANGE g 0 -1 WITHSCORES",
  ]),
  script("geo: GEOSEARCHSTORE empty results delete the destination", [
    cities, "SET d v", "GEOSEARCHSTORE d g FROMLONLAT -100 -50 BYRADIUS 1 km", "EXISTS d", "SET d v", "GEOSEARCHSTORE d none FROMLONLAT 1 1 BYRADIUS 1 km", "EXISTS d", "GEOSEARCHSTORE d none FROMMEMBER x BYRADIUS 1 km",
    "SET d v EX 1000", "GEOSEARCHSTORE d g FROMLONLAT 12 42 BYRADIUS 800 km", "TTL d", "GEOSEARCHSTORE d none FROMLONLAT 1 1 BYRADIUS 1 km", "EXISTS d",
  ]),
  script("geo: GEOSEARCHSTORE errors", [
    cities, "GEOSEARCHSTORE d g FROMLONLAT 12 42 BYRADIUS 800 km WITHDIST", "GEOSEARCHSTORE d g FROMLONLAT 12 42 BYRADIUS 800 km WITHCOORD", "GEOSEARCHSTORE d g FROMLONLAT 12 42 BYRADIUS 800 km WITHHASH",
    "GEOSEARCHSTORE d g FROMLONLAT 12 42 BYRADIUS 800 km STORE x", "GEOSEARCHSTORE d g FROMLONLAT 12 42 BYRADIUS 800 km ANY", "GEOSEARCHSTORE d g BYRADIUS 800 km ASC", "GEOSEARCHSTORE d g FROMLONLAT 12 42 ASC DESC",
    "GEOSEARCHSTORE d g FROMMEMBER nobody BYRADIUS 10 km", "GEOSEARCHSTORE d none FROMLONLAT 12 42 BYRADIUS 800 km WITHDIST", "GEOSEARCHSTORE d g FROMLONLAT 12 42 BYRADIUS", "EXISTS d", "SET s v",
    "GEOSEARCHSTORE d s FROMLONLAT 12 42 BYRADIUS 800 km", "GEOSEARCHSTORE s g FROMLONLAT 12 42 BYRADIUS 800 km", "TYPE s", "geosearchstore d g BYBOX 1 1 km",
  ]),

  // GEORADIUS and friends
  script("geo: GEORADIUS options", [
    cities, "GEORADIUS g 15 37 200 km", "GEORADIUS g 15 37 200 km ASC", "GEORADIUS g 15 37 2000 km DESC WITHDIST", "GEORADIUS g 15 37 2000 km WITHCOORD WITHHASH WITHDIST", "GEORADIUS g 15 37 2000 km COUNT 2",
    "GEORADIUS g 15 37 2000 km COUNT 2 ANY", "GEORADIUS g 15 37 2000 km COUNT 2 DESC WITHDIST", "GEORADIUS g 15 37 1200 MI WITHDIST", "GEORADIUS g 15 37 0 m", "GEORADIUS_RO g 15 37 2000 km WITHDIST ASC COUNT 3",
    "GEORADIUS_RO g 15 37 200 km", "georadius g 15 37 2000 KM withdist", "GEORADIUS g -100 -50 1 km", "GEORADIUS g 15 37 2000 km FROMLONLAT 1 1", "GEORADIUS g 15 37 2000 km BYBOX 1 1 km",
  ]),
  script("geo: GEORADIUS STORE and STOREDIST", [
    cities, "GEORADIUS g 15 37 2000 km STORE d", "ZRANGE d 0 -1 WITHSCORES", "GEORADIUS g 15 37 2000 km STOREDIST d", "ZRANGE d 0 -1 WITHSCORES", "GEORADIUS g 15 37 2000 km COUNT 2 DESC STOREDIST d", "ZRANGE d 0 -1 WITHSCORES",
    "GEORADIUS g 15 37 2000 km STORE a STOREDIST b", "EXISTS a b", "ZRANGE b 0 -1 WITHSCORES", "GEORADIUS g 15 37 2000 km STOREDIST a STORE c", "ZRANGE c 0 -1 WITHSCORES", "GEORADIUS g 15 37 1 km STORE c", "EXISTS c",
    "GEORADIUS none 15 37 1 km STORE d", "EXISTS d", "GEORADIUS g 15 37 2000 km STORE", "GEORADIUS g 15 37 2000 km STORE d WITHDIST", "GEORADIUS g 15 37 2000 km WITHCOORD STOREDIST d", "GEORADIUS g 15 37 2000 km STORE d ANY",
    "GEORADIUS_RO g 15 37 2000 km STORE d", "GEORADIUS_RO g 15 37 2000 km STOREDIST d", "GEORADIUS g 15 37 2000 km STORE g", "ZRANGE g 0 -1 WITHSCORES",
  ]),
  script("geo: GEORADIUS errors", [
    cities, "GEORADIUS g 200 37 10 km", "GEORADIUS g x 37 10 km", "GEORADIUS g 15 x 10 km", "GEORADIUS g 15 37 x km", "GEORADIUS g 15 37 -1 km", "GEORADIUS g 15 37 10 parsecs", "GEORADIUS g 15 37 10 km COUNT 0",
    "GEORADIUS g 15 37 10 km COUNT x", "GEORADIUS g 15 37 10 km ANY", "GEORADIUS g 15 37 10 km foo", "GEORADIUS g 15 37 10", "GEORADIUS g 15 37 10 km COUNT", "GEORADIUS none 200 37 10 km", "GEORADIUS none 15 37 -1 km",
    "GEORADIUS none 15 37 10 km ANY", "GEORADIUS none 15 37 10 km", "GEORADIUS none 15 37 10 km STORE d WITHDIST", "SET s v", "GEORADIUS s 15 37 10 km", "GEORADIUS s 200 37 10 km", "GEORADIUS_RO s 15 37 10 km",
    "GEORADIUS_RO g 15 37 10 km STORE", "GEORADIUS_RO g 15 37 10 km ANY",
  ]),
  script("geo: GEORADIUSBYMEMBER", [
    cities, "GEORADIUSBYMEMBER g Rome 500 km", "GEORADIUSBYMEMBER g Rome 500 km WITHDIST ASC", "GEORADIUSBYMEMBER g Rome 1500 km WITHCOORD WITHHASH DESC COUNT 3", "GEORADIUSBYMEMBER g Rome 1500 km COUNT 3 ANY",
    "GEORADIUSBYMEMBER_RO g Rome 500 mi WITHDIST", "GEORADIUSBYMEMBER g Rome 500 km STORE d", "ZRANGE d 0 -1 WITHSCORES", "GEORADIUSBYMEMBER g Rome 500 km STOREDIST d", "ZRANGE d 0 -1 WITHSCORES",
    "GEORADIUSBYMEMBER g nobody 500 km", "GEORADIUSBYMEMBER g Rome -1 km", "GEORADIUSBYMEMBER g Rome x km", "GEORADIUSBYMEMBER g Rome 1 parsecs", "GEORADIUSBYMEMBER g Rome 1 km ANY", "GEORADIUSBYMEMBER g Rome 1 km STORE d WITHDIST",
    "GEORADIUSBYMEMBER_RO g Rome 1 km STORE d", "GEORADIUSBYMEMBER g Rome 1 km COUNT -5", "GEORADIUSBYMEMBER g Rome 1",
  ]),
  script("geo: GEORADIUSBYMEMBER on a missing key skips the radius checks", [
    "GEORADIUSBYMEMBER none a 10 km", "GEORADIUSBYMEMBER none a -5 km", "GEORADIUSBYMEMBER none a x parsecs", "GEORADIUSBYMEMBER none a 10 km WITHDIST", "GEORADIUSBYMEMBER none a 10 km ANY",
    "GEORADIUSBYMEMBER none a 10 km foo", "GEORADIUSBYMEMBER none a 10 km COUNT 0", "SET d v", "GEORADIUSBYMEMBER none a 10 km STORE d", "EXISTS d", "GEORADIUSBYMEMBER none a 10 km STORE d WITHDIST",
    "GEORADIUSBYMEMBER_RO none a -5 km", "GEORADIUSBYMEMBER_RO none a 10 km STORE d", "SET s v", "GEORADIUSBYMEMBER s a 10 km",
  ]),

  // Encoding, huge radii, notifications
  script("geo: huge radii cover the globe without duplicates", [
    cities, "GEOADD g 179 80 a -179 -80 b 0 -85 c 90 85 d -90 0 e", "GEOSEARCH g FROMLONLAT 0 0 BYRADIUS 5000 km WITHDIST", "GEOSEARCH g FROMLONLAT 0 0 BYRADIUS 10000 km WITHDIST", "GEOSEARCH g FROMLONLAT 0 0 BYRADIUS 20038 km",
    "GEOSEARCH g FROMLONLAT 0 0 BYRADIUS 50000 km", "GEOSEARCH g FROMLONLAT 0 0 BYBOX 100000 100000 km", "GEOSEARCH g FROMLONLAT 179 -85 BYRADIUS 7000 km WITHDIST", "GEOSEARCH g FROMLONLAT -180 85.05112878 BYRADIUS 19000 km",
    "GEOSEARCH g FROMLONLAT 12 42 BYRADIUS 1e30 km", "GEOSEARCH g FROMLONLAT 12 42 BYRADIUS inf km", "GEOSEARCH g FROMLONLAT 12 42 BYBOX inf 10 km", "GEOSEARCH g FROMLONLAT 12 42 BYRADIUS 1e-300 m WITHDIST",
  ]),
  script("geo: equal distances keep Redis's order", [
    "GEOADD g 10 10 a 10 10 b 10 10 c 10 10 d 20 20 e 20 20 f", "GEOSEARCH g FROMLONLAT 10 10 BYRADIUS 5000 km ASC", "GEOSEARCH g FROMLONLAT 10 10 BYRADIUS 5000 km DESC", "GEOSEARCH g FROMLONLAT 10 10 BYRADIUS 5000 km",
    "GEOSEARCH g FROMLONLAT 10 10 BYRADIUS 5000 km COUNT 6", "GEOSEARCH g FROMLONLAT 10 10 BYRADIUS 5000 km COUNT 6 DESC",
  ]),
  script("geo: equal distances under a COUNT below the matches (Redis's partial quicksort)", [
    "GEOADD t 10 10 a 10 10 b 10 10 c 10 10 d 10 10 e 10 10 f 10 10 g 10 10 h 11 11 z", "GEOSEARCH t FROMLONLAT 10 10 BYRADIUS 5000 km COUNT 1", "GEOSEARCH t FROMLONLAT 10 10 BYRADIUS 5000 km COUNT 3",
    "GEOSEARCH t FROMLONLAT 10 10 BYRADIUS 5000 km COUNT 5 DESC", "GEOSEARCH t FROMLONLAT 10 10 BYRADIUS 5000 km COUNT 8 DESC", "GEORADIUS t 10 10 5000 km COUNT 8 DESC STOREDIST d", "ZRANGE d 0 -1 WITHSCORES",
    "GEOADD u " + Array.from({ length: 90 }, (_, i) => `${10 + (i % 5) * 0.01} ${10 + (i % 3) * 0.01} u${i}`).join(" "),
    ...[1, 2, 7, 8, 20, 41, 60, 89].flatMap((n) => [`GEOSEARCH u FROMLONLAT 10 10 BYRADIUS 5000 km COUNT ${n} WITHDIST`, `GEOSEARCH u FROMLONLAT 10.02 10.01 BYBOX 5000 5000 km COUNT ${n} DESC`]),
  ]),
  {
    name: "geo: keyspace notifications arrive before the STORE reply",
    cmds: [
      ...["CONFIG SET notify-keyspace-events KEA", "HELLO 3", "SUBSCRIBE __keyevent@0__:zadd __keyevent@0__:georadiusstore __keyevent@0__:geosearchstore __keyevent@0__:del", "GEOADD g 1 1 a 2 2 b", "GEOADD g NX 1 1 a",
        "GEORADIUS g 1 1 500 km STORE d", "GEOSEARCHSTORE d g FROMLONLAT 1 1 BYRADIUS 500 km", "GEOSEARCHSTORE d g FROMLONLAT 50 50 BYRADIUS 1 km", "SET d v", "GEOSEARCHSTORE d none FROMLONLAT 50 50 BYRADIUS 1 km", "PING", "UNSUBSCRIBE"].map(cmd),
      ["CONFIG", "SET", "notify-keyspace-events", ""],
    ],
  },
  script("geo: GEOADD and GEOSEARCHSTORE inside MULTI", [
    "MULTI", "GEOADD g 1 1 a 2 2 b", "GEOSEARCHSTORE d g FROMLONLAT 1 1 BYRADIUS 500 km STOREDIST", "ZRANGE d 0 -1 WITHSCORES", "GEOADD g 200 1 c", "EXEC",
  ]),
  ...randomCases(),
];
