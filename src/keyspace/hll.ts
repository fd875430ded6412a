// HyperLogLog in Redis 7.0's exact byte representation, so a value read with GET on Bunker is the value
// redis-server stores for the same commands (and either can load the other's strings):
//
//   header (16 bytes): "HYLL", encoding (0 dense, 1 sparse), 3 unused bytes, cached cardinality as a
//   little-endian uint64 whose top bit (bit 7 of the last byte) marks the cache invalid;
//   dense: 16384 registers of 6 bits, packed from the least significant bit of each byte;
//   sparse: run-length opcodes over the registers: ZERO 00xxxxxx (1..64 zero registers), XZERO
//   01xxxxxx yyyyyyyy (1..16384 zero registers), VAL 1vvvvvxx (1..4 registers holding 1..32).
//
// Elements hash with MurmurHash64A (seed 0xadc83b19); the low 14 bits pick the register and the run of
// zero bits above them (plus one) is the value. The estimate is Ertl's improved raw estimator
// ("New cardinality estimation algorithms for HyperLogLog sketches", 2017), as in Redis 7.0.

export const HLL_HEADER_BYTES = 16;
export const HLL_REGISTERS = 16384;
const HLL_P = 14;
const HLL_Q = 64 - HLL_P;
const HLL_REGISTER_BITS = 6;
const HLL_REGISTER_MAX = (1 << HLL_REGISTER_BITS) - 1;
export const HLL_DENSE_BYTES = HLL_HEADER_BYTES + (HLL_REGISTERS * HLL_REGISTER_BITS) / 8;
export const HLL_ENCODING_DENSE = 0;
export const HLL_ENCODING_SPARSE = 1;
/** Redis's default hll-sparse-max-bytes: a sparse value that would grow past this becomes dense. */
export const HLL_SPARSE_BYTES_MAX = 3000;
const SPARSE_VAL_VALUE_MAX = 32;
const SPARSE_VAL_RUN_MAX = 4;
const SPARSE_ZERO_RUN_MAX = 64;
/** Opcodes the merge pass after a sparse update looks at (Redis scans five). */
const SPARSE_MERGE_SCAN_OPCODES = 5;
const ALPHA_INF = 0.721347520444481703680; // 1 / (2 ln 2)
const CACHE_INVALID_BIT = 0x80;

// ---- MurmurHash64A on 32-bit halves (JS bitwise operators are 32-bit; BigInt is far slower). ----

const M_HIGH = 0xc6a4a793;
const M_LOW = 0x5bd1e995;
const SEED = 0xadc83b19;
let productHigh = 0;
let productLow = 0;

/** (aHigh:aLow) * (bHigh:bLow) mod 2^64 into productHigh:productLow. */
function mul64(aHigh: number, aLow: number, bHigh: number, bLow: number): void {
  const a0 = aLow & 0xffff;
  const a1 = aLow >>> 16;
  const b0 = bLow & 0xffff;
  const b1 = bLow >>> 16;
  const mid = a0 * b1 + a1 * b0; // < 2^33: exact as a double
  const low = a0 * b0 + (mid % 65536) * 65536; // < 2^33
  const carry = Math.floor(low / 4294967296);
  productLow = low >>> 0;
  productHigh = (a1 * b1 + Math.floor(mid / 65536) + carry + Math.imul(aHigh, bLow) + Math.imul(aLow, bHigh)) >>> 0;
}

/** MurmurHash64A of `data` with Redis's seed, as [high 32 bits, low 32 bits] in hashHigh/hashLow. */
let hashHigh = 0;
let hashLow = 0;
export function murmurHash64A(data: Uint8Array): [number, number] {
  murmur(data);
  return [hashHigh, hashLow];
}

function murmur(data: Uint8Array): void {
  const n = data.length;
  mul64(0, n >>> 0, M_HIGH, M_LOW);
  let hHigh = productHigh;
  let hLow = (productLow ^ SEED) >>> 0;
  const blocksEnd = n - (n & 7);
  for (let i = 0; i < blocksEnd; i += 8) {
    const kLow = ((data[i] as number) | ((data[i + 1] as number) << 8) | ((data[i + 2] as number) << 16) | ((data[i + 3] as number) << 24)) >>> 0;
    const kHigh = ((data[i + 4] as number) | ((data[i + 5] as number) << 8) | ((data[i + 6] as number) << 16) | ((data[i + 7] as number) << 24)) >>> 0;
    mul64(kHigh, kLow, M_HIGH, M_LOW);
    const xHigh = productHigh;
    const xLow = (productLow ^ (productHigh >>> 15)) >>> 0; // k ^= k >> 47
    mul64(xHigh, xLow, M_HIGH, M_LOW);
    hHigh = (hHigh ^ productHigh) >>> 0;
    hLow = (hLow ^ productLow) >>> 0;
    mul64(hHigh, hLow, M_HIGH, M_LOW);
    hHigh = productHigh;
    hLow = productLow;
  }
  const tail = n & 7;
  if (tail > 0) {
    const t = blocksEnd;
    if (tail >= 7) hHigh ^= (data[t + 6] as number) << 16;
    if (tail >= 6) hHigh ^= (data[t + 5] as number) << 8;
    if (tail >= 5) hHigh ^= data[t + 4] as number;
    if (tail >= 4) hLow ^= (data[t + 3] as number) << 24;
    if (tail >= 3) hLow ^= (data[t + 2] as number) << 16;
    if (tail >= 2) hLow ^= (data[t + 1] as number) << 8;
    hLow ^= data[t] as number;
    mul64(hHigh >>> 0, hLow >>> 0, M_HIGH, M_LOW);
    hHigh = productHigh;
    hLow = productLow;
  }
  hLow = (hLow ^ (hHigh >>> 15)) >>> 0;
  mul64(hHigh, hLow, M_HIGH, M_LOW);
  hashHigh = productHigh;
  hashLow = (productLow ^ (productHigh >>> 15)) >>> 0;
}

function trailingZeros32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** The register an element updates and the value it offers (1..51): Redis hllPatLen. */
function registerOf(element: Uint8Array): void {
  murmur(element);
  patIndex = hashLow & (HLL_REGISTERS - 1);
  // The run of zeros in bits 14..63, with a sentinel one at bit 64 so the run is at most 50.
  const low = hashLow >>> HLL_P; // 18 bits
  if (low !== 0) patCount = trailingZeros32(low) + 1;
  else if (hashHigh !== 0) patCount = 32 - HLL_P + trailingZeros32(hashHigh) + 1;
  else patCount = HLL_Q + 1;
}
let patIndex = 0;
let patCount = 0;

// ---- The value being worked on: the string's bytes with room to grow (sparse updates insert). ----

export class Hll {
  constructor(public bytes: Uint8Array, public length: number) {}

  /** A working copy of a stored latin1 string. */
  static fromString(value: string): Hll {
    const bytes = new Uint8Array(value.length + 16);
    Buffer.from(bytes.buffer, 0, bytes.length).write(value, "latin1");
    return new Hll(bytes, value.length);
  }

  /** A new empty HLL as PFADD creates it: sparse, one XZERO per 16384 registers, cache 0 and valid. */
  static empty(): Hll {
    const h = new Hll(new Uint8Array(64), HLL_HEADER_BYTES + 2);
    h.bytes.set([0x48, 0x59, 0x4c, 0x4c, HLL_ENCODING_SPARSE]);
    setXZero(h.bytes, HLL_HEADER_BYTES, HLL_REGISTERS);
    return h;
  }

  toString(): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.length).toString("latin1");
  }

  get encoding(): number {
    return this.bytes[4] as number;
  }

  cacheValid(): boolean {
    return ((this.bytes[15] as number) & CACHE_INVALID_BIT) === 0;
  }

  invalidateCache(): void {
    this.bytes[15] = (this.bytes[15] as number) | CACHE_INVALID_BIT;
  }

  cachedCardinality(): number | bigint {
    let v = 0n;
    for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(this.bytes[8 + i] as number);
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  setCachedCardinality(card: number): void {
    let v = card;
    for (let i = 0; i < 8; i++) {
      this.bytes[8 + i] = v % 256;
      v = Math.floor(v / 256);
    }
  }

  /** Makes room for `extra` more bytes. */
  reserve(extra: number): void {
    if (this.length + extra + 1 <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra + 16));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}

/** Redis isHLLObjectOrReply's checks on a string's bytes: header, known encoding, exact dense size. */
export function isValidHll(value: string): boolean {
  if (value.length < HLL_HEADER_BYTES) return false;
  if (!value.startsWith("HYLL")) return false;
  const encoding = value.charCodeAt(4);
  if (encoding > HLL_ENCODING_SPARSE) return false;
  return encoding !== HLL_ENCODING_DENSE || value.length === HLL_DENSE_BYTES;
}

// ---- Dense registers ----

function denseGet(bytes: Uint8Array, index: number): number {
  const bit = index * HLL_REGISTER_BITS;
  const at = HLL_HEADER_BYTES + (bit >> 3);
  const shift = bit & 7;
  const b0 = bytes[at] as number;
  const b1 = (bytes[at + 1] ?? 0) as number;
  return ((b0 >> shift) | (b1 << (8 - shift))) & HLL_REGISTER_MAX;
}

function denseSet(bytes: Uint8Array, index: number, value: number): void {
  const bit = index * HLL_REGISTER_BITS;
  const at = HLL_HEADER_BYTES + (bit >> 3);
  const shift = bit & 7;
  bytes[at] = ((bytes[at] as number) & ~(HLL_REGISTER_MAX << shift)) | ((value << shift) & 0xff);
  if (shift > 8 - HLL_REGISTER_BITS) {
    bytes[at + 1] = ((bytes[at + 1] as number) & ~(HLL_REGISTER_MAX >> (8 - shift))) | (value >> (8 - shift));
  }
}

/** Raises a dense register to `count` if lower: 1 when it changed. */
function denseRaise(bytes: Uint8Array, index: number, count: number): number {
  if (denseGet(bytes, index) >= count) return 0;
  denseSet(bytes, index, count);
  return 1;
}

// ---- Sparse opcodes ----

const isZero = (op: number): boolean => (op & 0xc0) === 0;
const isXZero = (op: number): boolean => (op & 0xc0) === 0x40;
const zeroRun = (op: number): number => (op & 0x3f) + 1;
const xzeroRun = (op: number, next: number): number => (((op & 0x3f) << 8) | next) + 1;
const valValue = (op: number): number => ((op >> 2) & 0x1f) + 1;
const valRun = (op: number): number => (op & 3) + 1;
const valOp = (value: number, run: number): number => 0x80 | ((value - 1) << 2) | (run - 1);

function setXZero(bytes: Uint8Array, at: number, run: number): void {
  bytes[at] = 0x40 | ((run - 1) >> 8);
  bytes[at + 1] = (run - 1) & 0xff;
}

/** Appends zero-run opcodes for `run` registers (ZERO up to 64, else XZERO) to `out`. */
function pushZeros(out: number[], run: number): void {
  if (run > SPARSE_ZERO_RUN_MAX) out.push(0x40 | ((run - 1) >> 8), (run - 1) & 0xff);
  else out.push(run - 1);
}

/** Rewrites a sparse HLL as dense, keeping the header (cache included); false when malformed. */
export function toDense(h: Hll): boolean {
  if (h.encoding === HLL_ENCODING_DENSE) return true;
  const dense = new Uint8Array(HLL_DENSE_BYTES + 1);
  dense.set(h.bytes.subarray(0, HLL_HEADER_BYTES));
  dense[4] = HLL_ENCODING_DENSE;
  let index = 0;
  const end = h.length;
  for (let p = HLL_HEADER_BYTES; p < end;) {
    const op = h.bytes[p] as number;
    if (isZero(op)) {
      index += zeroRun(op);
      p++;
    } else if (isXZero(op)) {
      index += xzeroRun(op, (h.bytes[p + 1] ?? 0) as number);
      p += 2;
    } else {
      const run = valRun(op);
      const value = valValue(op);
      if (index + run > HLL_REGISTERS) return false;
      for (let i = 0; i < run; i++) denseSet(dense, index++, value);
      p++;
    }
  }
  if (index !== HLL_REGISTERS) return false;
  h.bytes = dense;
  h.length = HLL_DENSE_BYTES;
  return true;
}

/**
 * Raises register `index` to `count` in a sparse HLL (Redis hllSparseSet): splits the opcode covering
 * the register, merges equal neighbouring VAL opcodes, and turns the HLL dense when the value does not
 * fit a VAL opcode or the string would grow past the sparse limit. 1 changed, 0 not, -1 malformed.
 */
function sparseRaise(h: Hll, index: number, count: number, sparseBytesMax: number): number {
  if (count > SPARSE_VAL_VALUE_MAX) return promoteAndRaise(h, index, count);
  const bytes = h.bytes;
  const end = h.length;
  // Find the opcode covering `index`: it starts at register `first` and covers `span`.
  let p = HLL_HEADER_BYTES;
  let prev = -1;
  let first = 0;
  let span = 0;
  let opBytes = 1;
  while (p < end) {
    const op = bytes[p] as number;
    opBytes = 1;
    if (isZero(op)) span = zeroRun(op);
    else if (isXZero(op)) {
      span = xzeroRun(op, (bytes[p + 1] ?? 0) as number);
      opBytes = 2;
    } else span = valRun(op);
    if (index <= first + span - 1) break;
    prev = p;
    p += opBytes;
    first += span;
  }
  if (span === 0 || p >= end) return -1;
  const op = bytes[p] as number;
  const last = first + span - 1;
  const isVal = !isZero(op) && !isXZero(op);
  if (isVal) {
    if (valValue(op) >= count) return 0;
    if (span === 1) {
      bytes[p] = valOp(count, 1);
      return mergeAndInvalidate(h, prev);
    }
  } else if (isZero(op) && span === 1) {
    bytes[p] = valOp(count, 1);
    return mergeAndInvalidate(h, prev);
  }
  // General case: replace the opcode with up to three (the run before, the register, the run after).
  const seq: number[] = [];
  if (isVal) {
    const value = valValue(op);
    if (index !== first) seq.push(valOp(value, index - first));
    seq.push(valOp(count, 1));
    if (index !== last) seq.push(valOp(value, last - index));
  } else {
    if (index !== first) pushZeros(seq, index - first);
    seq.push(valOp(count, 1));
    if (index !== last) pushZeros(seq, last - index);
  }
  const growth = seq.length - opBytes;
  if (growth > 0 && h.length + growth > sparseBytesMax) return promoteAndRaise(h, index, count);
  h.reserve(Math.max(growth, 0));
  const b = h.bytes;
  b.copyWithin(p + seq.length, p + opBytes, h.length);
  h.length += growth;
  for (let i = 0; i < seq.length; i++) b[p + i] = seq[i] as number;
  return mergeAndInvalidate(h, prev);
}

function promoteAndRaise(h: Hll, index: number, count: number): number {
  if (!toDense(h)) return -1;
  return denseRaise(h.bytes, index, count);
}

/** After a sparse update: merges adjacent VAL opcodes of equal value near the change, drops the cache. */
function mergeAndInvalidate(h: Hll, prev: number): number {
  const b = h.bytes;
  let p = prev >= 0 ? prev : HLL_HEADER_BYTES;
  let scan = SPARSE_MERGE_SCAN_OPCODES;
  while (p < h.length && scan-- > 0) {
    const op = b[p] as number;
    if (isXZero(op)) {
      p += 2;
      continue;
    }
    if (isZero(op)) {
      p++;
      continue;
    }
    if (p + 1 < h.length) {
      const next = b[p + 1] as number;
      if (!isZero(next) && !isXZero(next) && valValue(op) === valValue(next)) {
        const run = valRun(op) + valRun(next);
        if (run <= SPARSE_VAL_RUN_MAX) {
          // Merge into one opcode, then look again at the same place (it may merge to the right too).
          b[p] = valOp(valValue(op), run);
          b.copyWithin(p + 1, p + 2, h.length);
          h.length--;
          continue;
        }
      }
    }
    p++;
  }
  h.invalidateCache();
  return 1;
}

/** Adds one element (Redis hllAdd): 1 when a register changed, 0 when not, -1 when malformed. */
export function hllAdd(h: Hll, element: Uint8Array, sparseBytesMax = HLL_SPARSE_BYTES_MAX): number {
  registerOf(element);
  if (h.encoding === HLL_ENCODING_DENSE) return denseRaise(h.bytes, patIndex, patCount);
  if (h.encoding === HLL_ENCODING_SPARSE) return sparseRaise(h, patIndex, patCount, sparseBytesMax);
  return -1;
}

/** Raises register `index` to `value` whatever the encoding (PFMERGE's write-back). */
export function hllRaise(h: Hll, index: number, value: number, sparseBytesMax = HLL_SPARSE_BYTES_MAX): number {
  if (h.encoding === HLL_ENCODING_DENSE) return denseRaise(h.bytes, index, value);
  return sparseRaise(h, index, value, sparseBytesMax);
}

/** max[i] = max(max[i], register i) over every register; false when the sparse data is malformed. */
export function hllMergeInto(max: Uint8Array, h: Hll): boolean {
  const b = h.bytes;
  if (h.encoding === HLL_ENCODING_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(b, i);
      if (v > (max[i] as number)) max[i] = v;
    }
    return true;
  }
  let index = 0;
  for (let p = HLL_HEADER_BYTES; p < h.length;) {
    const op = b[p] as number;
    if (isZero(op)) {
      index += zeroRun(op);
      p++;
    } else if (isXZero(op)) {
      index += xzeroRun(op, (b[p + 1] ?? 0) as number);
      p += 2;
    } else {
      const run = valRun(op);
      const value = valValue(op);
      if (index + run > HLL_REGISTERS) break;
      for (let i = 0; i < run; i++, index++) if (value > (max[index] as number)) max[index] = value;
      p++;
    }
  }
  return index === HLL_REGISTERS;
}

/** Histogram of register values; null when the sparse data is malformed. */
function histogram(h: Hll): number[] | null {
  const counts = new Array<number>(HLL_Q + 2).fill(0);
  const b = h.bytes;
  if (h.encoding === HLL_ENCODING_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(b, i);
      counts[v] = (counts[v] as number) + 1;
    }
    return counts;
  }
  let index = 0;
  for (let p = HLL_HEADER_BYTES; p < h.length;) {
    const op = b[p] as number;
    if (isZero(op)) {
      const run = zeroRun(op);
      counts[0] = (counts[0] as number) + run;
      index += run;
      p++;
    } else if (isXZero(op)) {
      const run = xzeroRun(op, (b[p + 1] ?? 0) as number);
      counts[0] = (counts[0] as number) + run;
      index += run;
      p += 2;
    } else {
      const run = valRun(op);
      const v = valValue(op);
      counts[v] = (counts[v] as number) + run;
      index += run;
      p++;
    }
  }
  return index === HLL_REGISTERS ? counts : null;
}

/** Histogram of a raw register array (one byte per register), for multi-key PFCOUNT. */
function rawHistogram(registers: Uint8Array): number[] {
  const counts = new Array<number>(HLL_Q + 2).fill(0);
  for (let i = 0; i < HLL_REGISTERS; i++) {
    const v = registers[i] as number;
    counts[v] = (counts[v] as number) + 1;
  }
  return counts;
}

/** Ertl's sigma(x) = x + sum_k x^(2^k) 2^(k-1), to convergence. */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let power = x;
  let weight = 1;
  let sum = x;
  for (;;) {
    power *= power;
    const before = sum;
    sum += power * weight;
    weight += weight;
    if (sum === before) return sum;
  }
}

/** Ertl's tau(x) = (1 - x - sum_k (1 - x^(2^-k))^2 2^-k) / 3, to convergence. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let root = x;
  let weight = 1;
  let sum = 1 - x;
  for (;;) {
    root = Math.sqrt(root);
    const before = sum;
    weight *= 0.5;
    sum -= Math.pow(1 - root, 2) * weight;
    if (sum === before) return sum / 3;
  }
}

function estimate(counts: readonly number[]): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - (counts[HLL_Q + 1] as number)) / m);
  for (let j = HLL_Q; j >= 1; j--) {
    z += counts[j] as number;
    z *= 0.5;
  }
  z += m * sigma((counts[0] as number) / m);
  return Math.round((ALPHA_INF * m * m) / z);
}

/** The estimated cardinality of one HLL; null when malformed. */
export function hllCount(h: Hll): number | null {
  const counts = histogram(h);
  return counts === null ? null : estimate(counts);
}

export function hllCountRegisters(registers: Uint8Array): number {
  return estimate(rawHistogram(registers));
}

/** Register `index` of a dense HLL (PFDEBUG GETREG). */
export function hllDenseRegister(h: Hll, index: number): number {
  return denseGet(h.bytes, index);
}

/** The sparse opcodes as PFDEBUG DECODE prints them: "z:<run>", "Z:<run>", "v:<value>,<run>". */
export function hllDecodeSparse(h: Hll): string {
  const parts: string[] = [];
  const b = h.bytes;
  for (let p = HLL_HEADER_BYTES; p < h.length;) {
    const op = b[p] as number;
    if (isZero(op)) {
      parts.push(`z:${zeroRun(op)}`);
      p++;
    } else if (isXZero(op)) {
      parts.push(`Z:${xzeroRun(op, (b[p + 1] ?? 0) as number)}`);
      p += 2;
    } else {
      parts.push(`v:${valValue(op)},${valRun(op)}`);
      p++;
    }
  }
  return parts.join(" ");
}

/** Register test for PFSELFTEST: every 6-bit value written to every register reads back. */
export function hllSelfTestRegisters(random: () => number): boolean {
  const bytes = new Uint8Array(HLL_DENSE_BYTES + 1);
  const expected = new Uint8Array(HLL_REGISTERS);
  for (let round = 0; round < 16; round++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = Math.floor(random() * (HLL_REGISTER_MAX + 1));
      expected[i] = v;
      denseSet(bytes, i, v);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) if (denseGet(bytes, i) !== expected[i]) return false;
  }
  return true;
}
