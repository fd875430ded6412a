// Number parsing and formatting with Redis 7.0's exact rules: string2ll for integers, string2d (strtod)
// for doubles, string2ld (strtold on x86-64's 80-bit long double) for INCRBYFLOAT/HINCRBYFLOAT, "%.17g"
// for double replies and ld2string's human-friendly "%.17Lf" for long double results.
//
// JavaScript only has binary64, so the long double path is exact integer arithmetic on BigInt: slow
// (microseconds) but only INCRBYFLOAT and HINCRBYFLOAT use it, and their replies must match byte for byte.

const CHAR_0 = 48;
const CHAR_9 = 57;
const CHAR_MINUS = 45;
const CHAR_PLUS = 43;
const CHAR_DOT = 46;

/** string2ll rejects strings of this length or longer (LONG_STR_SIZE). */
const INTEGER_CHARS_MAX = 20;
/** Up to this many digits an integer accumulates exactly in a double. */
const EXACT_DIGITS_MAX = 15;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
/** string2ld rejects strings of MAX_LONG_DOUBLE_CHARS (5 KiB) or longer. */
const LONG_DOUBLE_CHARS_MAX = 5 * 1024;

/**
 * Redis string2ll over `bytes[from, to)`: optional '-', no '+', no spaces, no leading zeros except "0"
 * itself, no "-0", signed 64-bit range. Returns a number when the value is a safe integer, a bigint for
 * the rest of the int64 range, null when the text is not such an integer.
 */
export function parseIntegerRange(bytes: Uint8Array, from: number, to: number): number | bigint | null {
  const length = to - from;
  if (length <= 0 || length > INTEGER_CHARS_MAX) return null;
  let i = from;
  let negative = false;
  if (bytes[i] === CHAR_MINUS) {
    negative = true;
    i++;
    if (i === to) return null;
  }
  const first = bytes[i]!;
  if (first === CHAR_0) return length === 1 ? 0 : null;
  if (first < CHAR_0 + 1 || first > CHAR_9) return null;
  let value = 0;
  for (let j = i; j < to; j++) {
    const c = bytes[j]!;
    if (c < CHAR_0 || c > CHAR_9) return null;
    value = value * 10 + (c - CHAR_0);
  }
  if (to - i <= EXACT_DIGITS_MAX) return negative ? -value : value;
  // 16..19 digits: the double above may have rounded; redo exactly.
  let exact = 0n;
  for (let j = i; j < to; j++) exact = exact * 10n + BigInt(bytes[j]! - CHAR_0);
  if (negative) exact = -exact;
  if (exact < INT64_MIN || exact > INT64_MAX) return null;
  return exact >= BigInt(Number.MIN_SAFE_INTEGER) && exact <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(exact) : exact;
}

/** Redis string2ll: a number for safe integers, a bigint for the rest of int64, null when invalid. */
export function parseInteger(bytes: Uint8Array): number | bigint | null {
  return parseIntegerRange(bytes, 0, bytes.length);
}

/**
 * Redis string2ll with the value always as a bigint, for exact 64-bit arithmetic (INCRBY, DECRBY and
 * friends check overflow against the int64 range). Same acceptance rules as parseInteger.
 */
export function parseIntegerStrict(bytes: Uint8Array): bigint | null {
  const v = parseIntegerRange(bytes, 0, bytes.length);
  if (v === null) return null;
  return typeof v === "bigint" ? v : BigInt(v);
}

// ---------------------------------------------------------------------------------------------------
// strtod / strtold syntax

/** C isspace in the "C" locale: space, \t, \n, \v, \f, \r. */
export function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigit(c: number | undefined): c is number {
  return c !== undefined && c >= CHAR_0 && c <= CHAR_9;
}

function hexValue(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= CHAR_0 && c <= CHAR_9) return c - CHAR_0;
  const lower = c | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/** Case-insensitive match of ASCII lowercase `word` at bytes[at..]. */
function matchWord(bytes: Uint8Array, at: number, to: number, word: string): boolean {
  if (to - at < word.length) return false;
  for (let k = 0; k < word.length; k++) {
    if ((bytes[at + k]! | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}

/** The longest prefix strtod/strtold would convert, and what it holds. */
interface FloatScan {
  /** Index just past the converted text; equals the start when nothing converts. */
  end: number;
  kind: "none" | "decimal" | "hex" | "inf" | "nan";
  negative: boolean;
  /** Significant digits (decimal or hex) without the point, leading zeros included. */
  digitsFrom: number;
  digitsTo: number;
  /** Index of the radix point inside [digitsFrom, digitsTo], or -1. */
  point: number;
  /** Explicit exponent (decimal for "e", binary for "p"), saturated to ±1e9. */
  exponent: number;
}

const EXPONENT_SATURATION = 1_000_000_000;

/** Reads an optional signed exponent at `at`; returns [value, end] or null when no digits follow. */
function scanExponent(bytes: Uint8Array, at: number, to: number): [number, number] | null {
  let i = at;
  let negative = false;
  const sign = bytes[i];
  if (sign === CHAR_MINUS || sign === CHAR_PLUS) {
    negative = sign === CHAR_MINUS;
    i++;
  }
  if (i >= to || !isDigit(bytes[i])) return null;
  let value = 0;
  while (i < to && isDigit(bytes[i])) {
    if (value < EXPONENT_SATURATION) value = value * 10 + (bytes[i]! - CHAR_0);
    i++;
  }
  return [negative ? -value : value, i];
}

/**
 * Scans bytes[from, to) the way glibc strtod/strtold do in the "C" locale: leading whitespace, sign,
 * then "inf"/"infinity", "nan"/"nan(chars)", hex "0x…[p…]" or decimal "…[e…]".
 */
function scanFloat(bytes: Uint8Array, from: number, to: number): FloatScan {
  const scan: FloatScan = { end: from, kind: "none", negative: false, digitsFrom: 0, digitsTo: 0, point: -1, exponent: 0 };
  let i = from;
  while (i < to && isCSpace(bytes[i]!)) i++;
  const sign = bytes[i];
  if (i < to && (sign === CHAR_MINUS || sign === CHAR_PLUS)) {
    scan.negative = sign === CHAR_MINUS;
    i++;
  }
  if (matchWord(bytes, i, to, "inf")) {
    scan.kind = "inf";
    scan.end = matchWord(bytes, i, to, "infinity") ? i + 8 : i + 3;
    return scan;
  }
  if (matchWord(bytes, i, to, "nan")) {
    scan.kind = "nan";
    scan.end = i + 3;
    if (bytes[i + 3] === 40 /* ( */ && i + 3 < to) {
      let j = i + 4;
      while (j < to) {
        const c = bytes[j]!;
        const ok = isDigit(c) || ((c | 0x20) >= 97 && (c | 0x20) <= 122) || c === 95;
        if (!ok) break;
        j++;
      }
      if (j < to && bytes[j] === 41 /* ) */) scan.end = j + 1;
    }
    return scan;
  }
  const isHex = bytes[i] === CHAR_0 && i + 1 < to && (bytes[i + 1]! | 0x20) === 120;
  if (isHex) {
    let j = i + 2;
    const digitsFrom = j;
    let digits = 0;
    let point = -1;
    while (j < to) {
      const c = bytes[j]!;
      if (hexValue(c) >= 0) digits++;
      else if (c === CHAR_DOT && point < 0) point = j;
      else break;
      j++;
    }
    if (digits > 0) {
      scan.kind = "hex";
      scan.digitsFrom = digitsFrom;
      scan.digitsTo = j;
      scan.point = point;
      scan.end = j;
      if (j < to && (bytes[j]! | 0x20) === 112) {
        const e = scanExponent(bytes, j + 1, to);
        if (e !== null) {
          scan.exponent = e[0];
          scan.end = e[1];
        }
      }
      return scan;
    }
    // "0x" without hex digits converts just the "0".
  }
  let j = i;
  let digits = 0;
  let point = -1;
  while (j < to) {
    const c = bytes[j]!;
    if (isDigit(c)) digits++;
    else if (c === CHAR_DOT && point < 0) point = j;
    else break;
    j++;
  }
  if (digits === 0) return scan;
  scan.kind = "decimal";
  scan.digitsFrom = i;
  scan.digitsTo = j;
  scan.point = point;
  scan.end = j;
  if (j < to && (bytes[j]! | 0x20) === 101) {
    const e = scanExponent(bytes, j + 1, to);
    if (e !== null) {
      scan.exponent = e[0];
      scan.end = e[1];
    }
  }
  return scan;
}

// ---------------------------------------------------------------------------------------------------
// Exact binary rounding

interface BinaryFormat {
  /** Mantissa bits including the leading one. */
  readonly precisionBits: number;
  /** Exponent of the least significant mantissa bit of the smallest subnormal. */
  readonly lsbExponentMin: number;
  /** Largest exponent of the leading bit. */
  readonly leadExponentMax: number;
}

const BINARY64: BinaryFormat = { precisionBits: 53, lsbExponentMin: -1074, leadExponentMax: 1023 };
/** x87 80-bit extended precision, the long double of x86-64 Linux where redis-server runs. */
const EXTENDED80: BinaryFormat = { precisionBits: 64, lsbExponentMin: -16445, leadExponentMax: 16383 };

/** A finite non-negative binary value m·2^e; "overflow" when it rounds past the format's range. */
type Rounded = { readonly mantissa: bigint; readonly exponent: number } | "overflow";

function bitLength(n: bigint): number {
  if (n === 0n) return 0;
  const hex = n.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0]!, 16)));
}

/** Rounds the exact value n·2^e (n ≥ 0) to `format`, ties to even, with gradual underflow. */
function roundBinary(n: bigint, e: number, format: BinaryFormat): Rounded {
  if (n === 0n) return { mantissa: 0n, exponent: 0 };
  const bits = bitLength(n);
  if (e + bits - 1 < format.lsbExponentMin - 2) return { mantissa: 0n, exponent: 0 };
  if (e + bits - 1 > format.leadExponentMax + 1) return "overflow";
  let shift = bits - format.precisionBits;
  if (e + shift < format.lsbExponentMin) shift = format.lsbExponentMin - e;
  let mantissa = n;
  let exponent = e;
  if (shift > 0) {
    const s = BigInt(shift);
    let q = n >> s;
    const rest = n - (q << s);
    const half = 1n << (s - 1n);
    if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
    mantissa = q;
    exponent = e + shift;
    if (bitLength(mantissa) > format.precisionBits) {
      mantissa >>= 1n;
      exponent += 1;
    }
  }
  if (mantissa !== 0n && exponent + bitLength(mantissa) - 1 > format.leadExponentMax) return "overflow";
  return { mantissa, exponent };
}

/** Digits of bytes[from, to) skipping the point, as a BigInt with leading zeros dropped. */
function digitsToBigInt(bytes: Uint8Array, from: number, to: number, radix: 10 | 16): bigint {
  let text = "";
  for (let i = from; i < to; i++) {
    const c = bytes[i]!;
    if (c !== CHAR_DOT) text += String.fromCharCode(c);
  }
  return BigInt(radix === 16 ? "0x" + text : text);
}

/** Decimal magnitude bounds beyond which a value surely overflows or underflows `format`. */
function decimalLimits(format: BinaryFormat): { over: number; under: number } {
  const log10of2 = Math.log10(2);
  return {
    over: Math.ceil((format.leadExponentMax + 1) * log10of2) + 1,
    under: Math.floor((format.lsbExponentMin - 1) * log10of2) - 1,
  };
}

const BINARY64_DECIMAL_LIMITS = decimalLimits(BINARY64);
const EXTENDED80_DECIMAL_LIMITS = decimalLimits(EXTENDED80);

/** Converts the scanned decimal or hex digits exactly, rounding once into `format`. */
function convertScanned(bytes: Uint8Array, scan: FloatScan, format: BinaryFormat): Rounded {
  const fractionDigits = scan.point < 0 ? 0 : scan.digitsTo - scan.point - 1;
  if (scan.kind === "hex") {
    const n = digitsToBigInt(bytes, scan.digitsFrom, scan.digitsTo, 16);
    return roundBinary(n, scan.exponent - 4 * fractionDigits, format);
  }
  let n = digitsToBigInt(bytes, scan.digitsFrom, scan.digitsTo, 10);
  if (n === 0n) return { mantissa: 0n, exponent: 0 };
  let power = scan.exponent - fractionDigits;
  while (n % 10n === 0n) {
    n /= 10n;
    power += 1;
  }
  const limits = format === BINARY64 ? BINARY64_DECIMAL_LIMITS : EXTENDED80_DECIMAL_LIMITS;
  const magnitude = n.toString().length + power;
  if (magnitude > limits.over) return "overflow";
  if (magnitude < limits.under) return { mantissa: 0n, exponent: 0 };
  if (power >= 0) return roundBinary(n * 10n ** BigInt(power), 0, format);
  const denominator = 10n ** BigInt(-power);
  // Enough quotient bits for the mantissa plus guard and round bits, then a sticky bit for the rest.
  const shift = Math.max(0, bitLength(denominator) - bitLength(n) + format.precisionBits + 3);
  const numerator = n << BigInt(shift);
  const quotient = numerator / denominator;
  const sticky = numerator - quotient * denominator === 0n ? 0n : 1n;
  return roundBinary((quotient << 1n) | sticky, -shift - 1, format);
}

function roundedToNumber(r: { mantissa: bigint; exponent: number }): number {
  // The mantissa has at most 53 bits and the exponent keeps the product representable, so both
  // multiplications are exact; splitting the power keeps 2^e itself from underflowing.
  const m = Number(r.mantissa);
  const e = r.exponent;
  if (e >= -1022) return m * 2 ** e;
  return m * 2 ** (e + 600) * 2 ** -600;
}

// ---------------------------------------------------------------------------------------------------
// Doubles

/** Result of a strtod over a prefix: the value and where conversion stopped. */
export interface StrtodResult {
  readonly value: number;
  /** Index just past the converted text; equals `from` when nothing converted. */
  readonly end: number;
  /** strtod would set errno = ERANGE with a result of ±HUGE_VAL or zero (over/underflow). */
  readonly outOfRange: boolean;
}

/**
 * glibc strtod over bytes[from, to) ("C" locale): skips leading whitespace, converts the longest valid
 * prefix, correctly rounded. Commands that call strtod directly (ZRANGEBYSCORE bounds) build on this.
 */
export function strtod(bytes: Uint8Array, from: number, to: number): StrtodResult {
  const scan = scanFloat(bytes, from, to);
  switch (scan.kind) {
    case "none":
      return { value: 0, end: from, outOfRange: false };
    case "inf":
      return { value: scan.negative ? -Infinity : Infinity, end: scan.end, outOfRange: false };
    case "nan":
      return { value: NaN, end: scan.end, outOfRange: false };
    case "decimal": {
      // JavaScript's Number() is correctly rounded like glibc; feed it only the validated digits.
      let text = "";
      for (let i = scan.digitsFrom; i < scan.end; i++) text += String.fromCharCode(bytes[i]!);
      const magnitude = Number(text);
      const value = scan.negative ? -magnitude : magnitude;
      const outOfRange = magnitude === Infinity || (magnitude === 0 && hasNonZeroDigit(bytes, scan));
      return { value, end: scan.end, outOfRange };
    }
    case "hex": {
      const r = convertScanned(bytes, scan, BINARY64);
      if (r === "overflow") return { value: scan.negative ? -Infinity : Infinity, end: scan.end, outOfRange: true };
      const magnitude = roundedToNumber(r);
      const outOfRange = magnitude === 0 && hasNonZeroDigit(bytes, scan);
      return { value: scan.negative ? -magnitude : magnitude, end: scan.end, outOfRange };
    }
  }
}

function hasNonZeroDigit(bytes: Uint8Array, scan: FloatScan): boolean {
  for (let i = scan.digitsFrom; i < scan.digitsTo; i++) {
    const c = bytes[i]!;
    if (c !== CHAR_0 && c !== CHAR_DOT) return true;
  }
  return false;
}

/**
 * Redis string2d (getDoubleFromObject): the whole text must convert, no leading whitespace, no
 * overflow or underflow to zero, no NaN. "inf", "-inf", "+inf" and "infinity" are accepted.
 */
export function parseDouble(bytes: Uint8Array): number | null {
  const length = bytes.length;
  if (length === 0 || isCSpace(bytes[0]!)) return null;
  const r = strtod(bytes, 0, length);
  if (r.end !== length || r.outOfRange || Number.isNaN(r.value)) return null;
  return r.value;
}

/** printf("%f", d) then Redis's trimDoubleString: 50 -> "50", 99.9 -> "99.9" (latency percentiles). */
export function formatFixedTrimmed(d: number): string {
  const s = d.toFixed(6);
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

// ---------------------------------------------------------------------------------------------------
// "%.17g"

const float64 = new Float64Array(1);
const float64Bits = new Uint32Array(float64.buffer);
const LOG10_OF_5 = Math.log10(5);

/**
 * printf("%.17g", d) as glibc prints it (Redis 7.0 addReplyDouble): 17 significant digits rounded
 * half-to-even on the exact binary value, trailing zeros dropped, exponent form below 1e-4 and from
 * 1e17 on; "inf", "-inf", "nan" as Redis spells them.
 */
export function formatDouble17g(d: number): string {
  if (d !== d) return "nan";
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  if (d === 0) return Object.is(d, -0) ? "-0" : "0";
  const magnitude = Math.abs(d);
  if (magnitude <= 2 ** 53 && Number.isInteger(magnitude)) return String(d);
  const sign = d < 0 ? "-" : "";
  // toExponential is correctly rounded except that it breaks exact ties away from zero; glibc breaks
  // them to even, so ties are found and redone exactly.
  const text = magnitude.toExponential(16);
  const e = text.indexOf("e");
  let digits = text.slice(0, 1) + text.slice(2, e);
  let exponent = Number(text.slice(e + 1));
  const tie = exactTieDigits(magnitude);
  if (tie !== null) {
    digits = tie.digits;
    exponent = tie.exponent;
  }
  return sign + layoutG(digits, exponent);
}

/**
 * When `x` lies exactly halfway between two 17-digit decimals, the half-to-even digits and exponent.
 * x = m/2^k with m odd has the exact expansion (m·5^k)·10^-k, whose last digit is 5; a tie at 17
 * significant digits means that expansion has exactly 18 digits.
 */
function exactTieDigits(x: number): { digits: string; exponent: number } | null {
  float64[0] = x;
  const high = float64Bits[1]!;
  const low = float64Bits[0]!;
  const biased = (high >>> 20) & 0x7ff;
  let mantissa = (high & 0xfffff) * 2 ** 32 + low;
  let exponent2 = biased === 0 ? -1074 : biased - 1075;
  if (biased !== 0) mantissa += 2 ** 52;
  let trailing = 0;
  while (mantissa % 2 === 0 && trailing < 64) {
    mantissa /= 2;
    trailing++;
  }
  exponent2 += trailing;
  if (exponent2 >= 0) return null;
  const k = -exponent2;
  const approxDigits = Math.log10(mantissa) + k * LOG10_OF_5;
  if (approxDigits < 16.5 || approxDigits > 18.5) return null;
  const expansion = (BigInt(mantissa) * 5n ** BigInt(k)).toString();
  if (expansion.length !== 18) return null;
  let q = BigInt(expansion.slice(0, 17));
  if ((q & 1n) === 1n) q += 1n;
  let digits = q.toString();
  let exponent = 17 - k;
  if (digits.length === 18) {
    digits = digits.slice(0, 17);
    exponent += 1;
  }
  return { digits, exponent };
}

/** %g layout of 17 significant `digits` with decimal exponent `exponent`. */
function layoutG(digits: string, exponent: number): string {
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === CHAR_0) end--;
  const significant = digits.slice(0, end);
  if (exponent < -4 || exponent >= 17) {
    const mantissa = significant.length > 1 ? significant[0] + "." + significant.slice(1) : significant;
    const abs = Math.abs(exponent);
    return mantissa + (exponent < 0 ? "e-" : "e+") + (abs < 10 ? "0" + abs : String(abs));
  }
  if (exponent < 0) return "0." + "0".repeat(-exponent - 1) + significant;
  if (significant.length <= exponent + 1) return significant + "0".repeat(exponent + 1 - significant.length);
  return significant.slice(0, exponent + 1) + "." + significant.slice(exponent + 1);
}

// ---------------------------------------------------------------------------------------------------
// Long double (x87 80-bit), for INCRBYFLOAT and HINCRBYFLOAT

/**
 * An 80-bit long double: (-1)^negative · mantissa · 2^exponent when finite. Produced by
 * parseLongDouble / longDoubleFromInteger / addLongDouble, consumed by formatLongDouble.
 */
export interface LongDouble {
  readonly kind: "finite" | "infinite" | "nan";
  readonly negative: boolean;
  readonly mantissa: bigint;
  readonly exponent: number;
}

const LONG_DOUBLE_NAN: LongDouble = { kind: "nan", negative: false, mantissa: 0n, exponent: 0 };

function longDoubleInfinity(negative: boolean): LongDouble {
  return { kind: "infinite", negative, mantissa: 0n, exponent: 0 };
}

/**
 * Redis string2ld (getLongDoubleFromObject): strtold must convert the whole text; rejects leading
 * whitespace, an embedded NUL, overflow, underflow to zero, NaN and texts of 5120 bytes or more.
 * Accepts "inf"/"-inf" (the caller decides what infinity means).
 */
export function parseLongDouble(bytes: Uint8Array): LongDouble | null {
  const length = bytes.length;
  if (length === 0 || length >= LONG_DOUBLE_CHARS_MAX || isCSpace(bytes[0]!)) return null;
  const scan = scanFloat(bytes, 0, length);
  if (scan.end !== length || scan.kind === "none" || scan.kind === "nan") return null;
  if (scan.kind === "inf") return longDoubleInfinity(scan.negative);
  const r = convertScanned(bytes, scan, EXTENDED80);
  if (r === "overflow") return null;
  if (r.mantissa === 0n && hasNonZeroDigit(bytes, scan)) return null;
  return { kind: "finite", negative: scan.negative, mantissa: r.mantissa, exponent: r.exponent };
}

function longDoubleZero(negative: boolean): LongDouble {
  return { kind: "finite", negative, mantissa: 0n, exponent: 0 };
}

/** The long double equal to an int64 (exact: 64 mantissa bits hold any int64). */
export function longDoubleFromInteger(n: number | bigint): LongDouble {
  const v = typeof n === "bigint" ? n : BigInt(n);
  const negative = v < 0n;
  return { kind: "finite", negative, mantissa: negative ? -v : v, exponent: 0 };
}

/** The long double equal to a double (exact: every double is a long double), as C's implicit widening. */
export function longDoubleFromNumber(d: number): LongDouble {
  if (d !== d) return LONG_DOUBLE_NAN;
  if (d === Infinity || d === -Infinity) return longDoubleInfinity(d < 0);
  const negative = d < 0 || Object.is(d, -0);
  float64[0] = d;
  const high = float64Bits[1]! & 0xfffff;
  const biased = (float64Bits[1]! >>> 20) & 0x7ff;
  const fraction = (BigInt(high) << 32n) | BigInt(float64Bits[0]!);
  // Subnormals have no implicit leading bit and the exponent of the smallest normal.
  if (biased === 0) return { kind: "finite", negative, mantissa: fraction, exponent: -1074 };
  return { kind: "finite", negative, mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

export function longDoubleIsFinite(x: LongDouble): boolean {
  return x.kind === "finite";
}

/** a + b in long double arithmetic, rounded to nearest even; may produce infinity or NaN like C. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === "nan" || b.kind === "nan") return LONG_DOUBLE_NAN;
  if (a.kind === "infinite" || b.kind === "infinite") {
    if (a.kind === "infinite" && b.kind === "infinite") return a.negative === b.negative ? a : LONG_DOUBLE_NAN;
    return a.kind === "infinite" ? a : b;
  }
  if (a.mantissa === 0n && b.mantissa === 0n) return longDoubleZero(a.negative && b.negative);
  if (a.mantissa === 0n) return b;
  if (b.mantissa === 0n) return a;
  const exponent = Math.min(a.exponent, b.exponent);
  const sa = (a.negative ? -a.mantissa : a.mantissa) << BigInt(a.exponent - exponent);
  const sb = (b.negative ? -b.mantissa : b.mantissa) << BigInt(b.exponent - exponent);
  const sum = sa + sb;
  if (sum === 0n) return longDoubleZero(false);
  const negative = sum < 0n;
  const r = roundBinary(negative ? -sum : sum, exponent, EXTENDED80);
  if (r === "overflow") return longDoubleInfinity(negative);
  return { kind: "finite", negative, mantissa: r.mantissa, exponent: r.exponent };
}

const FRACTION_DIGITS = 17;
const FRACTION_SCALE = 10n ** BigInt(FRACTION_DIGITS);

/**
 * Redis ld2string(..., LD_STR_HUMAN), the text INCRBYFLOAT and HINCRBYFLOAT store and reply: "%.17Lf"
 * (fixed point, 17 decimals, rounded half-to-even on the exact value), trailing zeros and a trailing
 * point dropped, "-0" written as "0"; "inf", "-inf", "nan" for the rest.
 */
export function formatLongDouble(x: LongDouble): string {
  if (x.kind === "nan") return "nan";
  if (x.kind === "infinite") return x.negative ? "-inf" : "inf";
  let scaled: bigint;
  if (x.exponent >= 0) {
    scaled = (x.mantissa << BigInt(x.exponent)) * FRACTION_SCALE;
  } else {
    const shift = BigInt(-x.exponent);
    const numerator = x.mantissa * FRACTION_SCALE;
    scaled = numerator >> shift;
    const rest = numerator - (scaled << shift);
    const half = 1n << (shift - 1n);
    if (rest > half || (rest === half && (scaled & 1n) === 1n)) scaled += 1n;
  }
  let text = scaled.toString().padStart(FRACTION_DIGITS + 1, "0");
  const pointAt = text.length - FRACTION_DIGITS;
  let end = text.length;
  while (end > pointAt && text.charCodeAt(end - 1) === CHAR_0) end--;
  text = end === pointAt ? text.slice(0, pointAt) : text.slice(0, pointAt) + "." + text.slice(pointAt, end);
  if (x.negative && text !== "0") return "-" + text;
  return text;
}

/** The double nearest to a long double (for callers that store the result as a double). */
export function longDoubleToNumber(x: LongDouble): number {
  if (x.kind === "nan") return NaN;
  if (x.kind === "infinite") return x.negative ? -Infinity : Infinity;
  const r = roundBinary(x.mantissa, x.exponent, BINARY64);
  const magnitude = r === "overflow" ? Infinity : roundedToNumber(r);
  return x.negative ? -magnitude : magnitude;
}
