// Geohash arithmetic of Redis 7.0's geo commands (its geohash.c and geohash_helper.c): the 52-bit
// interleaved score, decoding a score to its cell's centre, the eight neighbours of a cell, the nine
// cells that cover a search shape, and the haversine distances. Every step is done in the same
// floating-point order as Redis, so scores, coordinates and distances come out bit-identical; integer
// parts that need more than 32 bits (hash bits, neighbour moves) are BigInt.

/** 26 steps of latitude and longitude: 52 bits, which a double holds exactly. */
export const GEO_STEP_MAX = 26;
/** The Web Mercator limits (EPSG:900913) Redis encodes within. */
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;

/** Redis's EARTH_RADIUS_IN_METERS (the quadratic mean radius of WGS-84). */
const EARTH_RADIUS_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const DEGREES_TO_RADIANS = Math.PI / 180.0;

export interface GeoRange {
  readonly min: number;
  readonly max: number;
}

/** A cell: `bits` holds 2*step interleaved bits (latitude in the even positions). bits 0, step 0 = none. */
export interface GeoHashBits {
  readonly bits: bigint;
  readonly step: number;
}

export interface GeoArea {
  readonly hash: GeoHashBits;
  readonly longitude: GeoRange;
  readonly latitude: GeoRange;
}

const WGS84_LONGITUDE: GeoRange = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
const WGS84_LATITUDE: GeoRange = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };
/** The standard geohash latitude range GEOHASH re-encodes with. */
export const STANDARD_LATITUDE: GeoRange = { min: -90, max: 90 };

export const NO_CELL: GeoHashBits = { bits: 0n, step: 0 };

const deg2rad = (degrees: number): number => degrees * DEGREES_TO_RADIANS;
const rad2deg = (radians: number): number => radians / DEGREES_TO_RADIANS;

// ---------------------------------------------------------------------------------------------------
// Interleaving

/** Bits 0..15 of `v` moved to the even positions 0..30 of a 32-bit word. */
function spread16(v: number): number {
  let x = v & 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x >>> 0;
}

/** The even bits of a 32-bit word packed into 16 bits (the inverse of spread16). */
function compact16(v: number): number {
  let x = v & 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x;
}

/** Redis interleave64: x (latitude) in the even bits, y (longitude) in the odd; both below 2^32. */
function interleave(x: number, y: number): bigint {
  const low = (spread16(x) | (spread16(y) << 1)) >>> 0;
  const high = (spread16(x >>> 16) | (spread16(y >>> 16) << 1)) >>> 0;
  return (BigInt(high) << 32n) | BigInt(low);
}

const TWO_32 = 0x1_0000_0000;
const TWO_63 = 2 ** 63;
const TWO_64 = 2 ** 64;
const UINT64_MASK = (1n << 64n) - 1n;

/**
 * The (high, low) 32-bit words of `(uint64_t)score` as x86-64 computes it (Redis casts the score
 * unchecked): truncation toward zero, negative values wrapped modulo 2^64, and out-of-range values
 * giving the processor's "integer indefinite" (0 from 2^64 up, 2^63 below -2^63).
 */
function scoreWords(score: number): [number, number] {
  if (score >= 0 && score < TWO_64) {
    const t = Math.trunc(score);
    const high = Math.floor(t / TWO_32);
    return [high, t - high * TWO_32];
  }
  if (!(score < TWO_64)) return [0, 0];
  const t = Math.trunc(score);
  if (t < -TWO_63) return [0x8000_0000, 0];
  const wrapped = BigInt(t) & UINT64_MASK;
  return [Number(wrapped >> 32n), Number(wrapped & 0xffff_ffffn)];
}

// ---------------------------------------------------------------------------------------------------
// Encoding and decoding

/** Redis geohashEncode (within `longitude`/`latitude` ranges, at `step`); null outside the WGS84 limits. */
export function encode(longitude: number, latitude: number, step: number, ranges: { longitude: GeoRange; latitude: GeoRange } = { longitude: WGS84_LONGITUDE, latitude: WGS84_LATITUDE }): GeoHashBits | null {
  if (longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) return null;
  const lat = ranges.latitude;
  const long = ranges.longitude;
  if (latitude < lat.min || latitude > lat.max || longitude < long.min || longitude > long.max) return null;
  let latOffset = (latitude - lat.min) / (lat.max - lat.min);
  let longOffset = (longitude - long.min) / (long.max - long.min);
  latOffset *= 2 ** step;
  longOffset *= 2 ** step;
  // C converts to uint32_t by truncation; the offsets are within [0, 2^step].
  return { bits: interleave(Math.trunc(latOffset) >>> 0, Math.trunc(longOffset) >>> 0), step };
}

/** The 52-bit score of a point (geohashAlign52Bits of its step-26 cell), exact as a BigInt. */
export function scoreOf(longitude: number, latitude: number): bigint {
  const hash = encode(longitude, latitude, GEO_STEP_MAX);
  if (hash === null) throw new Error("bug: geo score of a point outside the WGS84 limits");
  return align52(hash);
}

export function align52(hash: GeoHashBits): bigint {
  return hash.bits << BigInt(52 - hash.step * 2);
}

/** Redis geohashDecode over the WGS84 ranges, for a cell given as 32-bit latitude/longitude indexes. */
function decodeIndexes(latIndex: number, longIndex: number, step: number): { longitude: GeoRange; latitude: GeoRange } {
  const latScale = GEO_LAT_MAX - GEO_LAT_MIN;
  const longScale = GEO_LONG_MAX - GEO_LONG_MIN;
  const cells = 2 ** step;
  // (index + 1) is uint32_t arithmetic in Redis: it wraps at 2^32.
  return {
    latitude: { min: GEO_LAT_MIN + (latIndex / cells) * latScale, max: GEO_LAT_MIN + (((latIndex + 1) >>> 0) / cells) * latScale },
    longitude: { min: GEO_LONG_MIN + (longIndex / cells) * longScale, max: GEO_LONG_MIN + (((longIndex + 1) >>> 0) / cells) * longScale },
  };
}

/** Redis geohashDecode of a cell (null for the empty cell). */
export function decodeCell(hash: GeoHashBits): GeoArea | null {
  if (hash.bits === 0n && hash.step === 0) return null;
  const high = Number(hash.bits >> 32n) >>> 0;
  const low = Number(hash.bits & 0xffff_ffffn) >>> 0;
  const latIndex = (compact16(low) | (compact16(high) << 16)) >>> 0;
  const longIndex = (compact16(low >>> 1) | (compact16(high >>> 1) << 16)) >>> 0;
  return { hash, ...decodeIndexes(latIndex, longIndex, hash.step) };
}

/**
 * Redis decodeGeohash: the centre of the step-26 cell a zset score names, clamped to the WGS84
 * limits, as [longitude, latitude]. Any score decodes (Redis casts it to uint64 unchecked).
 */
export function decodeScore(score: number): [number, number] {
  const [high, low] = scoreWords(score);
  const latIndex = (compact16(low) | (compact16(high) << 16)) >>> 0;
  const longIndex = (compact16(low >>> 1) | (compact16(high >>> 1) << 16)) >>> 0;
  const area = decodeIndexes(latIndex, longIndex, GEO_STEP_MAX);
  let longitude = (area.longitude.min + area.longitude.max) / 2;
  if (longitude > GEO_LONG_MAX) longitude = GEO_LONG_MAX;
  if (longitude < GEO_LONG_MIN) longitude = GEO_LONG_MIN;
  let latitude = (area.latitude.min + area.latitude.max) / 2;
  if (latitude > GEO_LAT_MAX) latitude = GEO_LAT_MAX;
  if (latitude < GEO_LAT_MIN) latitude = GEO_LAT_MIN;
  return [longitude, latitude];
}

/** Redis's `(long long)score` for WITHHASH: truncation, and LLONG_MIN where the cast is out of range. */
export function scoreAsLongLong(score: number): bigint {
  if (score > -TWO_63 - 1 && score < TWO_63) return BigInt(Math.trunc(score));
  return -(1n << 63n);
}

const GEOHASH_ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz";

/** GEOHASH's 11-character string: the point re-encoded over latitude -90..90, the last character always "0". */
export function geohashString(longitude: number, latitude: number): string {
  const hash = encode(longitude, latitude, GEO_STEP_MAX, { longitude: WGS84_LONGITUDE, latitude: STANDARD_LATITUDE });
  const bits = hash === null ? 0n : hash.bits;
  let text = "";
  for (let i = 0; i < 10; i++) text += GEOHASH_ALPHABET[Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn)];
  return text + "0";
}

// ---------------------------------------------------------------------------------------------------
// Neighbours

const EVEN_BITS = 0x5555_5555_5555_5555n;
const ODD_BITS = 0xaaaa_aaaa_aaaa_aaaan;

/** Redis geohash_move_x/_y: one cell east/west (longitude, odd bits) or north/south (latitude, even bits). */
function move(hash: GeoHashBits, alongLongitude: boolean, direction: number): GeoHashBits {
  if (direction === 0) return hash;
  const shift = BigInt(64 - hash.step * 2);
  const movingMask = alongLongitude ? ODD_BITS : EVEN_BITS;
  const keptMask = alongLongitude ? EVEN_BITS : ODD_BITS;
  let moving = hash.bits & movingMask;
  const kept = hash.bits & keptMask;
  // The bits not moving, set to 1 so that a carry or borrow runs across them.
  const filler = keptMask >> shift;
  if (direction > 0) moving = moving + (filler + 1n);
  else moving = (moving | filler) - (filler + 1n);
  moving &= (movingMask >> shift) & UINT64_MASK;
  return { bits: (moving | kept) & UINT64_MASK, step: hash.step };
}

function neighbour(hash: GeoHashBits, east: number, north: number): GeoHashBits {
  return move(move(hash, true, east), false, north);
}

// ---------------------------------------------------------------------------------------------------
// Search areas

export type GeoShape =
  | { readonly type: "radius"; readonly longitude: number; readonly latitude: number; readonly conversion: number; readonly radius: number }
  | { readonly type: "box"; readonly longitude: number; readonly latitude: number; readonly conversion: number; readonly width: number; readonly height: number };

/** Redis geohashEstimateStepsByRadius. */
function stepsForRadius(rangeMeters: number, latitude: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  let range = rangeMeters;
  while (range < MERCATOR_MAX) {
    range *= 2;
    step++;
  }
  step -= 2;
  if (latitude > 66 || latitude < -66) {
    step--;
    if (latitude > 80 || latitude < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** Redis geohashBoundingBox: [minLongitude, minLatitude, maxLongitude, maxLatitude]. */
function boundingBox(shape: GeoShape): [number, number, number, number] {
  const { longitude, latitude } = shape;
  const height = shape.conversion * (shape.type === "radius" ? shape.radius : shape.height / 2);
  const width = shape.conversion * (shape.type === "radius" ? shape.radius : shape.width / 2);
  const latDelta = rad2deg(height / EARTH_RADIUS_METERS);
  const longDeltaTop = rad2deg(width / EARTH_RADIUS_METERS / Math.cos(deg2rad(latitude + latDelta)));
  const longDeltaBottom = rad2deg(width / EARTH_RADIUS_METERS / Math.cos(deg2rad(latitude - latDelta)));
  const southern = latitude < 0;
  return [
    southern ? longitude - longDeltaBottom : longitude - longDeltaTop,
    latitude - latDelta,
    southern ? longitude + longDeltaBottom : longitude + longDeltaTop,
    latitude + latDelta,
  ];
}

function centreAndNeighbours(longitude: number, latitude: number, step: number): { hash: GeoHashBits; area: GeoArea; cells: GeoHashBits[] } {
  // The centre comes from validated arguments or a decoded member, so it is within the limits.
  const hash = encode(longitude, latitude, step) ?? NO_CELL;
  const area = decodeCell(hash) as GeoArea;
  // Redis's order: north, south, east, west, north-east, north-west, south-east, south-west.
  const cells = [neighbour(hash, 0, 1), neighbour(hash, 0, -1), neighbour(hash, 1, 0), neighbour(hash, -1, 0), neighbour(hash, 1, 1), neighbour(hash, -1, 1), neighbour(hash, 1, -1), neighbour(hash, -1, -1)];
  return { hash, area, cells };
}

const NORTH = 0;
const SOUTH = 1;
const EAST = 2;
const WEST = 3;
const NORTH_EAST = 4;
const NORTH_WEST = 5;
const SOUTH_EAST = 6;
const SOUTH_WEST = 7;

/**
 * Redis geohashCalculateAreasByShapeWGS84: the centre cell and its eight neighbours (NO_CELL where a
 * neighbour cannot hold a match), in the order Redis searches them.
 */
export function searchCells(shape: GeoShape): GeoHashBits[] {
  const [minLong, minLat, maxLong, maxLat] = boundingBox(shape);
  const radiusMeters = (shape.type === "radius" ? shape.radius : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2))) * shape.conversion;
  let steps = stepsForRadius(radiusMeters, shape.latitude);
  let found = centreAndNeighbours(shape.longitude, shape.latitude, steps);
  // A neighbour too close to the centre to reach the bounding box's edge: one step coarser.
  const north = decodeCell(found.cells[NORTH] as GeoHashBits);
  const south = decodeCell(found.cells[SOUTH] as GeoHashBits);
  const east = decodeCell(found.cells[EAST] as GeoHashBits);
  const west = decodeCell(found.cells[WEST] as GeoHashBits);
  const decrease = (north !== null && north.latitude.max < maxLat) || (south !== null && south.latitude.min > minLat) || (east !== null && east.longitude.max < maxLong) || (west !== null && west.longitude.min > minLong);
  if (steps > 1 && decrease) {
    steps--;
    found = centreAndNeighbours(shape.longitude, shape.latitude, steps);
  }
  const cells = found.cells;
  const area = found.area;
  if (steps >= 2) {
    const drop = (...which: number[]): void => {
      for (const i of which) cells[i] = NO_CELL;
    };
    if (area.latitude.min < minLat) drop(SOUTH, SOUTH_WEST, SOUTH_EAST);
    if (area.latitude.max > maxLat) drop(NORTH, NORTH_EAST, NORTH_WEST);
    if (area.longitude.min < minLong) drop(WEST, SOUTH_WEST, NORTH_WEST);
    if (area.longitude.max > maxLong) drop(EAST, SOUTH_EAST, NORTH_EAST);
  }
  return [found.hash, ...cells];
}

/** The score interval [min, max) of a cell's points (Redis scoresOfGeoHashBox), as doubles. */
export function cellScoreRange(hash: GeoHashBits): [number, number] {
  return [Number(align52(hash)), Number(align52({ bits: hash.bits + 1n, step: hash.step }))];
}

// ---------------------------------------------------------------------------------------------------
// Distances

/** Redis geohashGetLatDistance: the distance along a meridian. */
function latDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS_METERS * Math.abs(deg2rad(lat2) - deg2rad(lat1));
}

/** Redis geohashGetDistance: haversine great-circle distance in meters. */
export function distance(long1: number, lat1: number, long2: number, lat2: number): number {
  const long1r = deg2rad(long1);
  const long2r = deg2rad(long2);
  const v = Math.sin((long2r - long1r) / 2);
  if (v === 0.0) return latDistance(lat1, lat2);
  const lat1r = deg2rad(lat1);
  const lat2r = deg2rad(lat2);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_METERS * Math.asin(Math.sqrt(a));
}

/** Redis geoWithinShape for a decoded point: its distance from the centre in meters, or null outside. */
export function distanceWithin(shape: GeoShape, longitude: number, latitude: number): number | null {
  if (shape.type === "radius") {
    const d = distance(shape.longitude, shape.latitude, longitude, latitude);
    return d > shape.radius * shape.conversion ? null : d;
  }
  const widthMeters = shape.width * shape.conversion;
  const heightMeters = shape.height * shape.conversion;
  if (latDistance(latitude, shape.latitude) > heightMeters / 2) return null;
  if (distance(longitude, latitude, shape.longitude, latitude) > widthMeters / 2) return null;
  return distance(shape.longitude, shape.latitude, longitude, latitude);
}
