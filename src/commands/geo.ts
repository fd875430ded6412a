// Geo commands (Redis 7.0 geo.c): a geo index is a sorted set whose scores are 52-bit geohashes
// (geohash.ts). GEOADD writes through ZADD's path (and is logged as that ZADD, as Redis propagates it),
// the searches read the zset's score ranges of nine cells, and the STORE forms write through the
// zset store helper. Replies, number formats and errors follow Redis byte for byte.
import type { CommandContext, CommandSpec, KeySpec } from "./types.ts";
import { keys } from "./types.ts";
import { latin1, word } from "./args.ts";
import { SortedSet } from "../keyspace/sorted-set.ts";
import { errNotFloat, errNotInteger, errSyntax } from "../protocol/errors.ts";
import { formatLongDouble, longDoubleFromNumber, parseDouble, parseInteger } from "../protocol/numbers.ts";
import { lookupZset, storeResult } from "./zset-common.ts";
import { zaddGeneric } from "./zsets.ts";
import { partialSort } from "./partial-sort.ts";
import { GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN, cellScoreRange, decodeScore, distance, distanceWithin, geohashString, scoreAsLongLong, scoreOf, searchCells, type GeoShape } from "./geohash.ts";

// ---------------------------------------------------------------------------------------------------
// Number formats

/** The magnitude of a finite double times 10^digits, rounded half-to-even on its exact binary value. */
function scaledExact(d: number, digits: number): bigint {
  const x = longDoubleFromNumber(d);
  const scale = 10n ** BigInt(digits);
  if (x.exponent >= 0) return (x.mantissa << BigInt(x.exponent)) * scale;
  const shift = BigInt(-x.exponent);
  const numerator = x.mantissa * scale;
  let scaled = numerator >> shift;
  const rest = numerator - (scaled << shift);
  const half = 1n << (shift - 1n);
  if (rest > half || (rest === half && (scaled & 1n) === 1n)) scaled += 1n;
  return scaled;
}

/** printf("%f", d) as glibc prints it (the invalid-pair error). */
function formatPrintfF(d: number): string {
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  const digits = scaledExact(d, 6).toString().padStart(7, "0");
  const negative = d < 0 || Object.is(d, -0);
  return (negative ? "-" : "") + digits.slice(0, -6) + "." + digits.slice(-6);
}

/** Redis addReplyDoubleDistance: fixedpoint_d2string(d, 4) of llrint(d * 10^4), half-to-even. */
export function formatDistance(d: number): string {
  if (d === 0) return "0.0000";
  const v = d * 10000;
  const floor = Math.floor(v);
  const fraction = v - floor;
  const rounded = fraction > 0.5 || (fraction === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
  const negative = rounded < 0;
  const digits = Math.abs(rounded).toString().padStart(5, "0");
  return (negative ? "-" : "") + digits.slice(0, -4) + "." + digits.slice(-4);
}

/** Redis addReplyHumanLongDouble: the double widened to long double, "%.17Lf" with trailing zeros cut. */
function formatCoordinate(d: number): string {
  return formatLongDouble(longDoubleFromNumber(d));
}

// ---------------------------------------------------------------------------------------------------
// Argument parsing (each returns null after replying the error, as Redis's *OrReply helpers)

/** Redis extractLongLatOrReply: two doubles at argv[at], argv[at + 1], within the WGS84 limits. */
function longLatArg(ctx: CommandContext, argv: readonly Uint8Array[], at: number): [number, number] | null {
  const xy: number[] = [];
  for (let i = 0; i < 2; i++) {
    const v = parseDouble(argv[at + i] as Uint8Array);
    if (v === null) {
      ctx.reply.error(errNotFloat);
      return null;
    }
    xy.push(v);
  }
  const [longitude, latitude] = xy as [number, number];
  if (longitude < GEO_LONG_MIN || longitude > GEO_LONG_MAX || latitude < GEO_LAT_MIN || latitude > GEO_LAT_MAX) {
    ctx.reply.error(`ERR invalid longitude,latitude pair ${formatPrintfF(longitude)},${formatPrintfF(latitude)}`);
    return null;
  }
  return [longitude, latitude];
}

/** Redis extractUnitOrReply: meters per unit. */
function unitArg(ctx: CommandContext, arg: Uint8Array | undefined): number | null {
  const unit = word(arg);
  if (unit === "m") return 1;
  if (unit === "km") return 1000;
  if (unit === "ft") return 0.3048;
  if (unit === "mi") return 1609.34;
  ctx.reply.error("ERR unsupported unit provided. please use M, KM, FT, MI");
  return null;
}

function numberArg(ctx: CommandContext, arg: Uint8Array | undefined, error: string): number | null {
  const v = arg === undefined ? null : parseDouble(arg);
  if (v === null) ctx.reply.error(error);
  return v;
}

/** Redis extractDistanceOrReply: `<radius> <unit>`. */
function radiusArgs(ctx: CommandContext, argv: readonly Uint8Array[], at: number): { radius: number; conversion: number } | null {
  const radius = numberArg(ctx, argv[at], "ERR need numeric radius");
  if (radius === null) return null;
  if (radius < 0) {
    ctx.reply.error("ERR radius cannot be negative");
    return null;
  }
  const conversion = unitArg(ctx, argv[at + 1]);
  return conversion === null ? null : { radius, conversion };
}

/** Redis extractBoxOrReply: `<width> <height> <unit>`. */
function boxArgs(ctx: CommandContext, argv: readonly Uint8Array[], at: number): { width: number; height: number; conversion: number } | null {
  const width = numberArg(ctx, argv[at], "ERR need numeric width");
  if (width === null) return null;
  const height = numberArg(ctx, argv[at + 1], "ERR need numeric height");
  if (height === null) return null;
  if (height < 0 || width < 0) {
    ctx.reply.error("ERR height or width cannot be negative");
    return null;
  }
  const conversion = unitArg(ctx, argv[at + 2]);
  return conversion === null ? null : { width, height, conversion };
}

// ---------------------------------------------------------------------------------------------------
// GEOADD, GEOPOS, GEOHASH, GEODIST

function geoadd(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  let nx = false;
  let xx = false;
  let longIndex = 2;
  for (; longIndex < argv.length; longIndex++) {
    const opt = word(argv[longIndex]);
    if (opt === "nx") nx = true;
    else if (opt === "xx") xx = true;
    else if (opt !== "ch") break; // CH is ZADD's to handle
  }
  if ((argv.length - longIndex) % 3 !== 0 || (xx && nx)) {
    ctx.reply.error(errSyntax);
    return;
  }
  // Redis rewrites the command into ZADD key [options] score member ... and runs ZADD.
  const zadd: Uint8Array[] = [Buffer.from("zadd"), ...argv.slice(1, longIndex)];
  for (let i = longIndex; i < argv.length; i += 3) {
    const xy = longLatArg(ctx, argv, i);
    if (xy === null) return;
    zadd.push(Buffer.from(scoreOf(xy[0], xy[1]).toString()), argv[i + 2] as Uint8Array);
  }
  const dirtyBefore = ctx.dirty;
  zaddGeneric(ctx, zadd, 0);
  if (ctx.dirty > dirtyBefore) ctx.propagate(zadd);
}

/**
 * GEOPOS and GEOHASH: one reply per member argument, `missing` for a member (or key) that is not
 * there, else `found` with its decoded coordinates.
 */
function eachMemberPosition(ctx: CommandContext, argv: readonly Uint8Array[], missing: () => void, found: (longitude: number, latitude: number) => void): void {
  const e = lookupZset(ctx, latin1(argv[1] as Uint8Array), false);
  if (e === false) return;
  ctx.reply.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const score = e === undefined ? undefined : e.data.score(latin1(argv[i] as Uint8Array));
    if (score === undefined) {
      missing();
      continue;
    }
    const [longitude, latitude] = decodeScore(score);
    found(longitude, latitude);
  }
}

function geopos(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  eachMemberPosition(
    ctx,
    argv,
    () => ctx.reply.nullArray(),
    (longitude, latitude) => {
      ctx.reply.arrayHeader(2);
      ctx.reply.doubleText(formatCoordinate(longitude));
      ctx.reply.doubleText(formatCoordinate(latitude));
    },
  );
}

function geohash(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  eachMemberPosition(
    ctx,
    argv,
    () => ctx.reply.nullBulk(),
    (longitude, latitude) => ctx.reply.bulk(geohashString(longitude, latitude)),
  );
}

function geodist(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  let perMeter = 1;
  if (argv.length === 5) {
    const unit = unitArg(ctx, argv[4]);
    if (unit === null) return;
    perMeter = unit;
  } else if (argv.length > 5) {
    ctx.reply.error(errSyntax);
    return;
  }
  const e = lookupZset(ctx, latin1(argv[1] as Uint8Array), false);
  if (e === false) return;
  const score1 = e === undefined ? undefined : e.data.score(latin1(argv[2] as Uint8Array));
  const score2 = e === undefined ? undefined : e.data.score(latin1(argv[3] as Uint8Array));
  if (score1 === undefined || score2 === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  const [long1, lat1] = decodeScore(score1);
  const [long2, lat2] = decodeScore(score2);
  ctx.reply.bulk(formatDistance(distance(long1, lat1, long2, lat2) / perMeter));
}

// ---------------------------------------------------------------------------------------------------
// GEORADIUS, GEORADIUSBYMEMBER, their _RO forms, GEOSEARCH, GEOSEARCHSTORE

type SearchKind = "coords" | "member" | "search";

interface SearchCall {
  readonly kind: SearchKind;
  /** The _RO forms: no STORE/STOREDIST. */
  readonly noStore: boolean;
  /** GEOSEARCHSTORE: the destination is argv[1], the source argv[2]. */
  readonly searchStore: boolean;
}

interface GeoPoint {
  readonly member: string;
  readonly score: number;
  readonly longitude: number;
  readonly latitude: number;
  readonly dist: number;
}

/** Redis geoGetPointsInRange + membersOfAllNeighbors: the points of the nine cells within the shape. */
function pointsInShape(z: SortedSet, shape: GeoShape, limit: number): GeoPoint[] {
  const cells = searchCells(shape);
  const points: GeoPoint[] = [];
  let lastProcessed = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (cell.bits === 0n && cell.step === 0) continue;
    // Large radii make neighbours coincide; Redis skips a cell equal to the one searched just before.
    const previous = cells[lastProcessed]!;
    if (lastProcessed !== 0 && cell.bits === previous.bits && cell.step === previous.step) continue;
    if (points.length > 0 && limit > 0 && points.length >= limit) break;
    const [min, max] = cellScoreRange(cell);
    const inRange = z.rangeByScore({ min, max, minExclusive: false, maxExclusive: true });
    for (const [member, score] of inRange) {
      const [longitude, latitude] = decodeScore(score);
      const dist = distanceWithin(shape, longitude, latitude);
      if (dist !== null) points.push({ member, score, longitude, latitude, dist });
      if (points.length > 0 && limit > 0 && points.length >= limit) break;
    }
    lastProcessed = i;
  }
  return points;
}

interface SearchOptions {
  withDist: boolean;
  withHash: boolean;
  withCoord: boolean;
  sort: "none" | "asc" | "desc";
  any: boolean;
  count: number;
  storeKey: string | null;
  storeDist: boolean;
  fromMember: boolean;
  fromLonLat: boolean;
  byRadius: boolean;
  byBox: boolean;
}

type ShapeParts = { longitude: number; latitude: number; conversion: number; type: "radius" | "box"; radius: number; width: number; height: number };

function emptyShape(): ShapeParts {
  return { longitude: 0, latitude: 0, conversion: 0, type: "radius", radius: 0, width: 0, height: 0 };
}

/**
 * The option loop of Redis georadiusGeneric, from argv[base]. `z` is the source (undefined when
 * missing: FROMMEMBER is then accepted without a lookup). Returns false after replying an error.
 */
function parseSearchOptions(ctx: CommandContext, argv: readonly Uint8Array[], base: number, call: SearchCall, z: SortedSet | undefined, shape: ShapeParts, o: SearchOptions): boolean {
  const remaining = argv.length - base;
  const search = call.kind === "search";
  for (let i = 0; i < remaining; i++) {
    const at = base + i;
    const arg = word(argv[at]);
    if (arg === "withdist") o.withDist = true;
    else if (arg === "withhash") o.withHash = true;
    else if (arg === "withcoord") o.withCoord = true;
    else if (arg === "any") o.any = true;
    else if (arg === "asc") o.sort = "asc";
    else if (arg === "desc") o.sort = "desc";
    else if (arg === "count" && i + 1 < remaining) {
      const v = parseInteger(argv[at + 1] as Uint8Array);
      if (v === null) {
        ctx.reply.error(errNotInteger);
        return false;
      }
      if (v <= 0) {
        ctx.reply.error("ERR COUNT must be > 0");
        return false;
      }
      o.count = Number(v);
      i++;
    } else if ((arg === "store" || arg === "storedist") && i + 1 < remaining && !call.noStore && !search) {
      o.storeKey = latin1(argv[at + 1] as Uint8Array);
      o.storeDist = arg === "storedist";
      i++;
    } else if (arg === "storedist" && search && call.searchStore) {
      o.storeDist = true;
    } else if (arg === "frommember" && i + 1 < remaining && search && !o.fromLonLat) {
      if (z !== undefined) {
        const score = z.score(latin1(argv[at + 1] as Uint8Array));
        if (score === undefined) {
          ctx.reply.error("ERR could not decode requested zset member");
          return false;
        }
        [shape.longitude, shape.latitude] = decodeScore(score);
      }
      o.fromMember = true;
      i++;
    } else if (arg === "fromlonlat" && i + 2 < remaining && search && !o.fromMember) {
      const xy = longLatArg(ctx, argv, at + 1);
      if (xy === null) return false;
      [shape.longitude, shape.latitude] = xy;
      o.fromLonLat = true;
      i += 2;
    } else if (arg === "byradius" && i + 2 < remaining && search && !o.byBox) {
      const r = radiusArgs(ctx, argv, at + 1);
      if (r === null) return false;
      shape.type = "radius";
      shape.radius = r.radius;
      shape.conversion = r.conversion;
      o.byRadius = true;
      i += 2;
    } else if (arg === "bybox" && i + 3 < remaining && search && !o.byRadius) {
      const b = boxArgs(ctx, argv, at + 1);
      if (b === null) return false;
      shape.type = "box";
      shape.width = b.width;
      shape.height = b.height;
      shape.conversion = b.conversion;
      o.byBox = true;
      i += 3;
    } else {
      ctx.reply.error(errSyntax);
      return false;
    }
  }
  return true;
}

/** Redis georadiusGeneric. */
function searchGeneric(ctx: CommandContext, argv: readonly Uint8Array[], call: SearchCall): void {
  const source = lookupZset(ctx, latin1(argv[call.searchStore ? 2 : 1] as Uint8Array), false);
  if (source === false) return;
  const z = source === undefined ? undefined : source.data;
  const shape = emptyShape();
  let base: number;
  const o: SearchOptions = { withDist: false, withHash: false, withCoord: false, sort: "none", any: false, count: 0, storeKey: null, storeDist: false, fromMember: false, fromLonLat: false, byRadius: false, byBox: false };
  if (call.kind === "coords") {
    base = 6;
    const xy = longLatArg(ctx, argv, 2);
    if (xy === null) return;
    [shape.longitude, shape.latitude] = xy;
    const r = radiusArgs(ctx, argv, 4);
    if (r === null) return;
    shape.radius = r.radius;
    shape.conversion = r.conversion;
  } else if (call.kind === "member") {
    base = 5;
    // Without a source Redis goes on to parse the options (to pick the reply) and checks nothing else.
    if (z !== undefined) {
      const score = z.score(latin1(argv[2] as Uint8Array));
      if (score === undefined) {
        ctx.reply.error("ERR could not decode requested zset member");
        return;
      }
      [shape.longitude, shape.latitude] = decodeScore(score);
      const r = radiusArgs(ctx, argv, 3);
      if (r === null) return;
      shape.radius = r.radius;
      shape.conversion = r.conversion;
    }
  } else {
    base = 2;
    if (call.searchStore) {
      base = 3;
      o.storeKey = latin1(argv[1] as Uint8Array);
    }
  }
  if (!parseSearchOptions(ctx, argv, base, call, z, shape, o)) return;
  const name = latin1(argv[0] as Uint8Array);
  if (o.storeKey !== null && (o.withDist || o.withHash || o.withCoord)) {
    ctx.reply.error(`ERR ${call.searchStore ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS"} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
    return;
  }
  if (call.kind === "search" && !(o.fromMember || o.fromLonLat)) {
    ctx.reply.error(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${name}`);
    return;
  }
  if (call.kind === "search" && !(o.byRadius || o.byBox)) {
    ctx.reply.error(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${name}`);
    return;
  }
  if (o.any && o.count === 0) {
    ctx.reply.error("ERR the ANY argument requires COUNT argument");
    return;
  }
  const event = call.kind === "search" ? "geosearchstore" : "georadiusstore";
  if (z === undefined) {
    if (o.storeKey !== null) storeResult(ctx, o.storeKey, new SortedSet(), event, { notifyBeforeReply: true });
    else ctx.reply.arrayHeader(0);
    return;
  }
  // COUNT asks for the nearest N, so it sorts ascending unless told otherwise (ANY excepted).
  if (o.count !== 0 && o.sort === "none" && !o.any) o.sort = "asc";
  const geoShape: GeoShape =
    shape.type === "radius"
      ? { type: "radius", longitude: shape.longitude, latitude: shape.latitude, conversion: shape.conversion, radius: shape.radius }
      : { type: "box", longitude: shape.longitude, latitude: shape.latitude, conversion: shape.conversion, width: shape.width, height: shape.height };
  const points = pointsInShape(z, geoShape, o.any ? o.count : 0);
  if (points.length === 0 && o.storeKey === null) {
    ctx.reply.arrayHeader(0);
    return;
  }
  const returned = o.count === 0 || points.length < o.count ? points.length : o.count;
  if (o.sort !== "none") {
    const ascending = (a: GeoPoint, b: GeoPoint): number => (a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1);
    const compare = o.sort === "asc" ? ascending : (a: GeoPoint, b: GeoPoint): number => -ascending(a, b);
    // Redis sorts everything with glibc's qsort (a stable merge sort), or only the first `returned`
    // with its own unstable pqsort: equal distances end up where each of those leaves them.
    if (returned === points.length) points.sort(compare);
    else partialSort(points, compare, { lrange: 0, rrange: returned - 1 });
  }
  if (o.storeKey === null) replySearch(ctx, points.slice(0, returned), o, geoShape.conversion);
  else storeSearch(ctx, points.slice(0, returned), o, { key: o.storeKey, event, conversion: geoShape.conversion });
}

function replySearch(ctx: CommandContext, points: readonly GeoPoint[], o: SearchOptions, conversion: number): void {
  const r = ctx.reply;
  const extras = (o.withDist ? 1 : 0) + (o.withCoord ? 1 : 0) + (o.withHash ? 1 : 0);
  r.arrayHeader(points.length);
  for (const p of points) {
    if (extras > 0) r.arrayHeader(extras + 1);
    r.bulk(p.member);
    if (o.withDist) r.bulk(formatDistance(p.dist / conversion));
    if (o.withHash) r.integer(scoreAsLongLong(p.score));
    if (o.withCoord) {
      r.arrayHeader(2);
      r.doubleText(formatCoordinate(p.longitude));
      r.doubleText(formatCoordinate(p.latitude));
    }
  }
}

function storeSearch(ctx: CommandContext, points: readonly GeoPoint[], o: SearchOptions, target: { key: string; event: string; conversion: number }): void {
  let memberBytesMax = 0;
  for (const p of points) if (p.member.length > memberBytesMax) memberBytesMax = p.member.length;
  // Redis builds a skiplist and converts it to a listpack when small enough.
  const z = new SortedSet({ sizeHint: points.length, memberBytesMax });
  for (const p of points) z.add(p.member, o.storeDist ? p.dist / target.conversion : p.score);
  storeResult(ctx, target.key, z, target.event, { notifyBeforeReply: true });
}

// ---------------------------------------------------------------------------------------------------
// Declarations

const geo = { group: "geo", acl: ["geo"] } as const;
const readKey: KeySpec[] = [keys.one(1, ["RO", "ACCESS"])];
/** GEORADIUS[BYMEMBER]: the source, then STORE and STOREDIST destinations found by keyword. */
function radiusKeys(startFrom: number): KeySpec[] {
  const dest = (keyword: string): KeySpec => ({ flags: ["OW", "UPDATE"], beginSearch: { type: "keyword", keyword, startFrom }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } });
  return [keys.one(1, ["RO", "ACCESS"]), dest("STORE"), dest("STOREDIST")];
}
const radiusComplexity = "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.";
const searchComplexity = "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape";
const deprecated = { docFlags: ["deprecated"], deprecatedSince: "6.2.0" } as const;

export const geoCommands: CommandSpec[] = [
  { ...geo, name: "geoadd", arity: -5, flags: ["write", "denyoom"], summary: "Adds members with their longitude and latitude to a geospatial index (a sorted set); creates the key when needed.", since: "3.2.0", complexity: "O(log(N)) for each item added, where N is the number of elements in the sorted set.", keySpecs: [keys.one(1, ["RW", "UPDATE"])], handler: geoadd },
  { ...geo, name: "geodist", arity: -4, flags: ["readonly"], summary: "Returns the distance between two members of a geospatial index.", since: "3.2.0", complexity: "O(log(N))", keySpecs: readKey, handler: geodist },
  { ...geo, name: "geohash", arity: -2, flags: ["readonly"], summary: "Returns the standard geohash strings of members of a geospatial index.", since: "3.2.0", complexity: "O(log(N)) for each member requested, where N is the number of elements in the sorted set.", keySpecs: readKey, handler: geohash },
  { ...geo, name: "geopos", arity: -2, flags: ["readonly"], summary: "Returns the longitude and latitude of members of a geospatial index.", since: "3.2.0", complexity: "O(N) where N is the number of members requested.", keySpecs: readKey, handler: geopos },
  { ...geo, name: "geosearch", arity: -7, flags: ["readonly"], summary: "Returns the members of a geospatial index within a circle or a box.", since: "6.2.0", complexity: searchComplexity, keySpecs: readKey, handler: (ctx, argv) => searchGeneric(ctx, argv, { kind: "search", noStore: false, searchStore: false }) },
  { ...geo, name: "geosearchstore", arity: -8, flags: ["write", "denyoom"], summary: "Stores the members of a geospatial index within a circle or a box in another key.", since: "6.2.0", complexity: searchComplexity, keySpecs: [keys.one(1, ["OW", "UPDATE"]), keys.one(2, ["RO", "ACCESS"])], handler: (ctx, argv) => searchGeneric(ctx, argv, { kind: "search", noStore: false, searchStore: true }) },
  { ...geo, ...deprecated, replacedBy: "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument", name: "georadius", arity: -6, flags: ["write", "denyoom"], summary: "Returns the members of a geospatial index within a distance of a point, optionally storing them.", since: "3.2.0", complexity: radiusComplexity, keySpecs: radiusKeys(6), handler: (ctx, argv) => searchGeneric(ctx, argv, { kind: "coords", noStore: false, searchStore: false }) },
  { ...geo, ...deprecated, replacedBy: "`GEOSEARCH` with the `BYRADIUS` argument", name: "georadius_ro", arity: -6, flags: ["readonly"], summary: "Returns the members of a geospatial index within a distance of a point (read-only GEORADIUS).", since: "3.2.10", complexity: radiusComplexity, keySpecs: readKey, handler: (ctx, argv) => searchGeneric(ctx, argv, { kind: "coords", noStore: true, searchStore: false }) },
  { ...geo, ...deprecated, replacedBy: "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments", name: "georadiusbymember", arity: -5, flags: ["write", "denyoom"], summary: "Returns the members of a geospatial index within a distance of a member, optionally storing them.", since: "3.2.0", complexity: radiusComplexity, keySpecs: radiusKeys(5), handler: (ctx, argv) => searchGeneric(ctx, argv, { kind: "member", noStore: false, searchStore: false }) },
  { ...geo, ...deprecated, replacedBy: "`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments", name: "georadiusbymember_ro", arity: -5, flags: ["readonly"], summary: "Returns the members of a geospatial index within a distance of a member (read-only GEORADIUSBYMEMBER).", since: "3.2.10", complexity: radiusComplexity, keySpecs: readKey, handler: (ctx, argv) => searchGeneric(ctx, argv, { kind: "member", noStore: true, searchStore: false }) },
];
