// Bitmap commands on string values: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and BITFIELD_RO.
// Bits are numbered from the most significant bit of the first byte, as in Redis. Values are latin1
// strings (one char per byte); a value of bufferedStringBytesMin bytes or more that a write changes
// becomes a BufferedStringEntry, changed in place (O(1) per SETBIT, as in Redis), and the read
// commands read such a value's bytes without building its string.
import { notify } from "../server/notify.ts";
import type { CommandContext, CommandSpec } from "./types.ts";
import { keys } from "./types.ts";
import { latin1, word } from "./args.ts";
import { BufferedStringEntry, bufferedForChange, bufferedStringBytesMin, newStringEntry, stringInMemory, stringLength, type StringEntry } from "../keyspace/entry.ts";
import { forceStringEncoding } from "../keyspace/string-encoding.ts";
import { errBitOffset, errBitValue, errNotInteger, errSyntax, errWrongType } from "../protocol/errors.ts";
import { parseInteger, parseIntegerRange } from "../protocol/numbers.ts";

const errBitfieldType = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
const errOverflowType = "ERR Invalid OVERFLOW type specified";
const errBitfieldReadonly = "ERR BITFIELD_RO only supports the GET subcommand";
const errBitArgument = "ERR The bit argument must be 1 or 0.";
const errBitopNot = "ERR BITOP NOT must be called with a single source key.";

/** Set bits per byte value. */
const popcount8 = new Uint8Array(256);
for (let i = 1; i < 256; i++) popcount8[i] = (i & 1) + (popcount8[i >> 1] as number);

function stringData(e: StringEntry): string {
  return e.data as string;
}

/** A value's bytes as a latin1 string or (a buffered value) a view of its buffer, for reading. */
type Bytes = string | Uint8Array;

function valueBytes(e: StringEntry): Bytes {
  return e instanceof BufferedStringEntry ? e.view() : stringData(e);
}

function byteAt(value: Bytes, index: number): number {
  return typeof value === "string" ? value.charCodeAt(index) : (value[index] as number);
}

/**
 * A string entry for reading (Redis's lookupKeyRead: GETBIT, BITCOUNT, BITPOS, BITOP's sources,
 * BITFIELD with only GET); writes WRONGTYPE and returns false for another type.
 */
function readString(ctx: CommandContext, key: string): StringEntry | undefined | false {
  const e = ctx.db.lookupRead(key);
  if (e === undefined) return undefined;
  if (e.type !== "string") {
    ctx.reply.error(errWrongType);
    return false;
  }
  return e;
}

/**
 * Redis getBitOffsetFromArgument: a bit offset, or for BITFIELD "#<n>" meaning n * bits. Negative
 * offsets and offsets past proto-max-bulk-len bytes are errors (the limit is not applied on replay).
 */
function bitOffsetArg(ctx: CommandContext, arg: Uint8Array, bitsForHash: number): number | null {
  const hash = bitsForHash > 0 && arg.length > 1 && arg[0] === 0x23;
  const parsed = parseIntegerRange(arg, hash ? 1 : 0, arg.length);
  if (parsed === null) {
    ctx.reply.error(errBitOffset);
    return null;
  }
  let offset = BigInt(parsed);
  // C multiplies in 64 bits and wraps: a huge #n may come back negative (an error) or small.
  if (hash) offset = BigInt.asIntN(64, offset * BigInt(bitsForHash));
  if (offset < 0n || (!ctx.replaying && offset >> 3n >= BigInt(ctx.server.config.int("proto-max-bulk-len")))) {
    ctx.reply.error(errBitOffset);
    return null;
  }
  return Number(offset);
}

/**
 * Redis lookupStringForBitCommand: the string at `key`, created or zero-padded to `bytesNeeded` bytes,
 * ready to be changed in place (null after WRONGTYPE). `grew` tells whether the value changed.
 */
function stringForBitWrite(ctx: CommandContext, key: string, bytesNeeded: number): { entry: StringEntry; grew: boolean } | null {
  const existing = ctx.db.get(key);
  if (existing !== undefined && existing.type !== "string") {
    ctx.reply.error(errWrongType);
    return null;
  }
  if (existing === undefined) {
    let entry: StringEntry;
    if (bytesNeeded >= bufferedStringBytesMin) {
      const buffered = new BufferedStringEntry(newStringEntry(""));
      buffered.growZero(bytesNeeded);
      entry = buffered;
    } else entry = newStringEntry("\0".repeat(bytesNeeded));
    forceStringEncoding(entry, "raw");
    ctx.db.set(key, entry);
    return { entry, grew: true };
  }
  let entry = ctx.db.getForWrite(key) as StringEntry;
  const length = stringLength(entry);
  const changing = bufferedForChange(entry, Math.max(length, bytesNeeded));
  if (changing !== entry) {
    // A large value becomes buffered: stored in place of the plain entry (expiry and scan slot kept).
    ctx.db.set(key, changing);
    entry = changing;
  }
  const grew = length < bytesNeeded;
  if (grew) {
    if (entry instanceof BufferedStringEntry) entry.growZero(bytesNeeded);
    else entry.data = stringData(entry) + "\0".repeat(bytesNeeded - length);
  }
  forceStringEncoding(entry, "raw");
  return { entry, grew };
}

function setbit(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const offset = bitOffsetArg(ctx, argv[2] as Uint8Array, 0);
  if (offset === null) return;
  const on = parseInteger(argv[3] as Uint8Array);
  if (on !== 0 && on !== 1) return ctx.reply.error(errBitValue);
  const key = latin1(argv[1] as Uint8Array);
  const byte = Math.floor(offset / 8);
  const mask = 1 << (7 - (offset % 8));
  // The bit already holds the value (and the string is long enough): Redis changes nothing, so no
  // dirty count, no notification and no WATCH touch; it only makes the value raw.
  const present = ctx.db.peek(key);
  if (present !== undefined && present.type === "string" && stringInMemory(present) && stringLength(present) > byte) {
    const current = present instanceof BufferedStringEntry ? present.byteAt(byte) : stringData(present).charCodeAt(byte);
    if (((current & mask) !== 0) === (on === 1)) {
      forceStringEncoding(present, "raw");
      return ctx.reply.integer(on);
    }
  }
  const target = stringForBitWrite(ctx, key, byte + 1);
  if (target === null) return;
  const entry = target.entry;
  const old = entry instanceof BufferedStringEntry ? entry.byteAt(byte) : stringData(entry).charCodeAt(byte);
  const updated = on ? old | mask : old & ~mask;
  if (updated !== old) {
    if (entry instanceof BufferedStringEntry) entry.setByte(byte, updated);
    else {
      // A short value: three-part concatenation copies it once.
      const value = stringData(entry);
      entry.data = value.slice(0, byte) + String.fromCharCode(updated) + value.slice(byte + 1);
    }
  }
  ctx.dirty++;
  notify(ctx, "string", "setbit", key);
  ctx.reply.integer(old & mask ? 1 : 0);
}

function getbit(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const offset = bitOffsetArg(ctx, argv[2] as Uint8Array, 0);
  if (offset === null) return;
  const e = readString(ctx, latin1(argv[1] as Uint8Array));
  if (e === false) return;
  if (e === undefined) return ctx.reply.integer(0);
  const value = valueBytes(e);
  const byte = Math.floor(offset / 8);
  if (byte >= value.length) return ctx.reply.integer(0);
  ctx.reply.integer(byteAt(value, byte) & (1 << (7 - (offset % 8))) ? 1 : 0);
}

/** BYTE or BIT (case-insensitive): true for BIT, null after a syntax error. */
function unitArg(ctx: CommandContext, arg: Uint8Array): boolean | null {
  const w = word(arg);
  if (w === "bit") return true;
  if (w === "byte") return false;
  ctx.reply.error(errSyntax);
  return null;
}

function bigIntArg(ctx: CommandContext, arg: Uint8Array): bigint | null {
  const v = parseInteger(arg);
  if (v === null) {
    ctx.reply.error(errNotInteger);
    return null;
  }
  return BigInt(v);
}

/**
 * Resolves a start..end range (negative from the end, clamped) over `total` units into an inclusive
 * bit range; null when empty. Exact 64-bit arithmetic, as the arguments may be anywhere in int64.
 */
function bitRange(start: bigint, end: bigint, total: number, inBits: boolean): [number, number] | null {
  const t = BigInt(total);
  if (start < 0n) start += t;
  if (end < 0n) end += t;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= t) end = t - 1n;
  if (start > end) return null;
  const s = Number(start);
  const e = Number(end);
  return inBits ? [s, e] : [s * 8, e * 8 + 7];
}

/** Set bits of `value` in the inclusive bit range. */
function countBits(value: Bytes, firstBit: number, lastBit: number): number {
  const firstByte = Math.floor(firstBit / 8);
  const lastByte = Math.floor(lastBit / 8);
  let count = 0;
  if (typeof value === "string") for (let i = firstByte; i <= lastByte; i++) count += popcount8[value.charCodeAt(i)] as number;
  else for (let i = firstByte; i <= lastByte; i++) count += popcount8[value[i] as number] as number;
  // Remove the bits of the edge bytes that lie outside the range.
  const headMask = (0xff00 >> (firstBit % 8)) & 0xff; // bits before firstBit
  const tailMask = (1 << (7 - (lastBit % 8))) - 1; // bits after lastBit
  count -= popcount8[byteAt(value, firstByte) & headMask] as number;
  count -= popcount8[byteAt(value, lastByte) & tailMask] as number;
  return count;
}

function bitcount(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  // Redis 7.0 looks the key up before it parses the range: a missing key is 0 whatever follows.
  const e = readString(ctx, latin1(argv[1] as Uint8Array));
  if (e === false) return;
  if (e === undefined) return ctx.reply.integer(0);
  const value = valueBytes(e);
  let range: [number, number] | null;
  if (argv.length === 4 || argv.length === 5) {
    const start = bigIntArg(ctx, argv[2] as Uint8Array);
    if (start === null) return;
    const end = bigIntArg(ctx, argv[3] as Uint8Array);
    if (end === null) return;
    // Redis 7.0 answers an inverted negative range before it looks at the unit.
    if (start < 0n && end < 0n && start > end) return ctx.reply.integer(0);
    let inBits = false;
    if (argv.length === 5) {
      const unit = unitArg(ctx, argv[4] as Uint8Array);
      if (unit === null) return;
      inBits = unit;
    }
    range = bitRange(start, end, inBits ? value.length * 8 : value.length, inBits);
  } else if (argv.length === 2) {
    range = value.length === 0 ? null : [0, value.length * 8 - 1];
  } else return ctx.reply.error(errSyntax);
  ctx.reply.integer(range === null ? 0 : countBits(value, range[0], range[1]));
}

/** First bit equal to `bit` in the inclusive bit range, or -1. */
function findBit(value: Bytes, bit: number, firstBit: number, lastBit: number): number {
  const skip = bit ? 0 : 0xff; // a byte that holds no bit of the kind sought
  for (let pos = firstBit; pos <= lastBit;) {
    if (pos % 8 === 0 && pos + 7 <= lastBit && byteAt(value, pos / 8) === skip) {
      pos += 8;
      continue;
    }
    const b = (byteAt(value, Math.floor(pos / 8)) >> (7 - (pos % 8))) & 1;
    if (b === bit) return pos;
    pos++;
  }
  return -1;
}

function bitpos(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const bitArg = parseInteger(argv[2] as Uint8Array);
  if (bitArg === null) return ctx.reply.error(errNotInteger);
  if (bitArg !== 0 && bitArg !== 1) return ctx.reply.error(errBitArgument);
  const bit = bitArg;
  const e = readString(ctx, latin1(argv[1] as Uint8Array));
  if (e === false) return;
  // A missing key is an endless run of zeros.
  if (e === undefined) return ctx.reply.integer(bit ? -1 : 0);
  const value = valueBytes(e);
  let range: [number, number] | null;
  let endGiven = false;
  if (argv.length >= 4 && argv.length <= 6) {
    const start = bigIntArg(ctx, argv[3] as Uint8Array);
    if (start === null) return;
    let inBits = false;
    if (argv.length === 6) {
      const unit = unitArg(ctx, argv[5] as Uint8Array);
      if (unit === null) return;
      inBits = unit;
    }
    let end: bigint;
    if (argv.length >= 5) {
      const parsed = bigIntArg(ctx, argv[4] as Uint8Array);
      if (parsed === null) return;
      end = parsed;
      endGiven = true;
    } else end = inBits ? BigInt(value.length) * 8n + 7n : BigInt(value.length) - 1n;
    range = bitRange(start, end, inBits ? value.length * 8 : value.length, inBits);
  } else if (argv.length === 3) {
    range = value.length === 0 ? null : [0, value.length * 8 - 1];
  } else return ctx.reply.error(errSyntax);
  // An empty range holds neither a 0 nor a 1.
  if (range === null) return ctx.reply.integer(-1);
  const found = findBit(value, bit, range[0], range[1]);
  if (found >= 0 || bit === 1) return ctx.reply.integer(found);
  // No clear bit: without an explicit end the string counts as padded with zeros on the right, so the
  // answer is the first bit after the range's last byte; with an explicit end there is none.
  ctx.reply.integer(endGiven ? -1 : (Math.floor(range[1] / 8) + 1) * 8);
}

type BitOp = "and" | "or" | "xor" | "not";

function bitop(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const name = word(argv[1]);
  if (name !== "and" && name !== "or" && name !== "xor" && name !== "not") return ctx.reply.error(errSyntax);
  const op: BitOp = name;
  if (op === "not" && argv.length !== 4) return ctx.reply.error(errBitopNot);
  const sources: Buffer[] = [];
  let lengthMax = 0;
  for (let i = 3; i < argv.length; i++) {
    const e = readString(ctx, latin1(argv[i] as Uint8Array));
    if (e === false) return;
    const bytes = Buffer.from(e === undefined ? "" : stringData(e), "latin1");
    sources.push(bytes);
    if (bytes.length > lengthMax) lengthMax = bytes.length;
  }
  const dest = latin1(argv[2] as Uint8Array);
  if (lengthMax === 0) {
    if (ctx.db.delete(dest)) {
      ctx.dirty++;
      notify(ctx, "generic", "del", dest);
    }
    return ctx.reply.integer(0);
  }
  // Shorter sources read as zero bytes past their end.
  const out = Buffer.alloc(lengthMax);
  const first = sources[0] as Buffer;
  out.set(first);
  if (op === "not") for (let j = 0; j < lengthMax; j++) out[j] = ~(out[j] as number) & 0xff;
  for (let s = 1; s < sources.length; s++) {
    const src = sources[s] as Buffer;
    const n = src.length;
    if (op === "and") {
      for (let j = 0; j < n; j++) out[j] = (out[j] as number) & (src[j] as number);
      out.fill(0, n);
    } else if (op === "or") for (let j = 0; j < n; j++) out[j] = (out[j] as number) | (src[j] as number);
    else for (let j = 0; j < n; j++) out[j] = (out[j] as number) ^ (src[j] as number);
  }
  const entry = newStringEntry(out.toString("latin1"));
  forceStringEncoding(entry, "raw");
  ctx.db.set(dest, entry);
  ctx.dirty++;
  notify(ctx, "string", "set", dest);
  ctx.reply.integer(lengthMax);
}

// ---- BITFIELD ----

const overflowWrap = 0;
const overflowSat = 1;
const overflowFail = 2;

interface FieldOp {
  kind: "get" | "set" | "incrby";
  signed: boolean;
  bits: number;
  offset: number;
  value: bigint;
  overflow: number;
}

/** "i1".."i64" or "u1".."u63"; the width is read as C text (up to a NUL byte). */
function fieldType(arg: Uint8Array): { signed: boolean; bits: number } | null {
  let end = arg.indexOf(0);
  if (end < 0) end = arg.length;
  if (end === 0) return null;
  const signed = arg[0] === 0x69;
  if (!signed && arg[0] !== 0x75) return null;
  const bits = parseIntegerRange(arg, 1, end);
  if (bits === null || bits < 1 || (signed && bits > 64) || (!signed && bits > 63)) return null;
  return { signed, bits: Number(bits) };
}

/** Reads `bits` bits at `offset` as an unsigned number; bytes past `length` read as zero. */
function readField(bytes: Uint8Array | string, length: number, offset: number, bits: number): bigint {
  let v = 0n;
  for (let i = 0; i < bits; i++) {
    const pos = offset + i;
    const byte = Math.floor(pos / 8);
    const b = byte >= length ? 0 : typeof bytes === "string" ? bytes.charCodeAt(byte) : (bytes[byte] as number);
    v = (v << 1n) | BigInt((b >> (7 - (pos % 8))) & 1);
  }
  return v;
}

function writeField(bytes: Uint8Array, offset: number, bits: number, value: bigint): void {
  const u = BigInt.asUintN(bits, value);
  for (let i = 0; i < bits; i++) {
    const pos = offset + i;
    const byte = Math.floor(pos / 8);
    const mask = 1 << (7 - (pos % 8));
    const on = (u >> BigInt(bits - 1 - i)) & 1n;
    bytes[byte] = on ? (bytes[byte] as number) | mask : (bytes[byte] as number) & ~mask;
  }
}

function asSigned(u: bigint, bits: number): bigint {
  return BigInt.asIntN(bits, u);
}

/** The stored result of adding `incr` to `value` in the field's range: null when FAIL overflowed. */
function fieldResult(op: FieldOp, value: bigint, incr: bigint): bigint | null {
  const min = op.signed ? -(1n << BigInt(op.bits - 1)) : 0n;
  const max = op.signed ? (1n << BigInt(op.bits - 1)) - 1n : (1n << BigInt(op.bits)) - 1n;
  const sum = value + incr;
  if (sum >= min && sum <= max) return sum;
  if (op.overflow === overflowFail) return null;
  if (op.overflow === overflowSat) return sum > max ? max : min;
  return op.signed ? BigInt.asIntN(op.bits, sum) : BigInt.asUintN(op.bits, sum);
}

function replyInteger(ctx: CommandContext, v: bigint): void {
  ctx.reply.integer(v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v);
}

/** Parses BITFIELD's operations (all of them, before anything runs); null after an error reply. */
function parseFieldOps(ctx: CommandContext, argv: readonly Uint8Array[]): FieldOp[] | null {
  const ops: FieldOp[] = [];
  let overflow = overflowWrap;
  for (let j = 2; j < argv.length; j++) {
    const remaining = argv.length - j - 1;
    const name = word(argv[j]);
    let kind: FieldOp["kind"];
    if (name === "get" && remaining >= 2) kind = "get";
    else if (name === "set" && remaining >= 3) kind = "set";
    else if (name === "incrby" && remaining >= 3) kind = "incrby";
    else if (name === "overflow" && remaining >= 1) {
      const type = word(argv[++j]);
      if (type === "wrap") overflow = overflowWrap;
      else if (type === "sat") overflow = overflowSat;
      else if (type === "fail") overflow = overflowFail;
      else {
        ctx.reply.error(errOverflowType);
        return null;
      }
      continue;
    } else {
      ctx.reply.error(errSyntax);
      return null;
    }
    const type = fieldType(argv[j + 1] as Uint8Array);
    if (type === null) {
      ctx.reply.error(errBitfieldType);
      return null;
    }
    const offset = bitOffsetArg(ctx, argv[j + 2] as Uint8Array, type.bits);
    if (offset === null) return null;
    let value = 0n;
    if (kind !== "get") {
      const v = parseInteger(argv[j + 3] as Uint8Array);
      if (v === null) {
        ctx.reply.error(errNotInteger);
        return null;
      }
      value = BigInt(v);
    }
    ops.push({ kind, signed: type.signed, bits: type.bits, offset, value, overflow });
    j += kind === "get" ? 2 : 3;
  }
  return ops;
}

function bitfieldGeneric(ctx: CommandContext, argv: readonly Uint8Array[], readonlyCommand: boolean): void {
  const ops = parseFieldOps(ctx, argv);
  if (ops === null) return;
  const key = latin1(argv[1] as Uint8Array);
  let writeBitMax = -1;
  for (const op of ops) if (op.kind !== "get" && op.offset + op.bits - 1 > writeBitMax) writeBitMax = op.offset + op.bits - 1;
  if (writeBitMax < 0) {
    // Only GETs: a read, and a missing key reads as zeros.
    const e = readString(ctx, key);
    if (e === false) return;
    const value = e === undefined ? "" : valueBytes(e);
    ctx.reply.arrayHeader(ops.length);
    for (const op of ops) {
      const u = readField(value, value.length, op.offset, op.bits);
      replyInteger(ctx, op.signed ? asSigned(u, op.bits) : u);
    }
    return;
  }
  if (readonlyCommand) return ctx.reply.error(errBitfieldReadonly);
  const bytesNeeded = Math.floor(writeBitMax / 8) + 1;
  // Writes that change no field of a string long enough for them: Redis changes nothing (no dirty count,
  // no notification, no WATCH touch), so they are tried before the key is opened for writing. A
  // buffered value is tried in place (a write that changes nothing leaves its bytes as they were, and
  // the first one that would change something is undone); a plain string's bytes are a copy anyway.
  const present = ctx.db.peek(key);
  if (present !== undefined && present.type === "string" && stringInMemory(present) && stringLength(present) >= bytesNeeded) {
    const trial = present instanceof BufferedStringEntry ? present.bytes() : Buffer.from(stringData(present), "latin1");
    const tried = applyFieldOps(trial, ops, false, true);
    if (tried.changes === 0) {
      forceStringEncoding(present, "raw");
      return replyFieldResults(ctx, tried.results);
    }
  }
  const target = stringForBitWrite(ctx, key, bytesNeeded);
  if (target === null) return;
  const entry = target.entry;
  // A buffered value is changed in place; a short one through a copy written back at the end.
  const bytes = entry instanceof BufferedStringEntry ? entry.bytes() : Buffer.from(stringData(entry), "latin1");
  const { results, changes } = applyFieldOps(bytes, ops, target.grew);
  replyFieldResults(ctx, results);
  if (changes > 0) {
    if (entry instanceof BufferedStringEntry) entry.changedInPlace();
    else entry.data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1");
  }
  // A key created or padded by writes that all FAILed still exists (as in Redis): log it too.
  if (changes > 0 || target.grew) ctx.dirty += Math.max(changes, 1);
  if (changes > 0) notify(ctx, "string", "setbit", key);
}

/**
 * Runs BITFIELD's operations on `bytes` (long enough for every write): each op's reply (null: an
 * overflow FAIL) and the number of writes that count as changes, as Redis counts them: every write when
 * the key was created or grown (`grew`), else those that changed their field. With `trial`, the first
 * write that changes its field is undone and the run stops there (changes 1): `bytes` end as they began.
 */
function applyFieldOps(bytes: Uint8Array, ops: readonly FieldOp[], grew: boolean, trial = false): { results: (bigint | null)[]; changes: number } {
  const results: (bigint | null)[] = [];
  let changes = 0;
  for (const op of ops) {
    const u = readField(bytes, bytes.length, op.offset, op.bits);
    const old = op.signed ? asSigned(u, op.bits) : u;
    if (op.kind === "get") {
      results.push(old);
      continue;
    }
    // SET checks the new value itself; an unsigned field sees it as C's (uint64_t) cast does.
    const stored = op.kind === "incrby" ? fieldResult(op, old, op.value) : fieldResult(op, op.signed ? op.value : BigInt.asUintN(64, op.value), 0n);
    if (stored === null) {
      results.push(null);
      continue;
    }
    writeField(bytes, op.offset, op.bits, stored);
    results.push(op.kind === "incrby" ? stored : old);
    if (grew || readField(bytes, bytes.length, op.offset, op.bits) !== u) {
      if (trial) {
        writeField(bytes, op.offset, op.bits, u);
        return { results, changes: 1 };
      }
      changes++;
    }
  }
  return { results, changes };
}

function replyFieldResults(ctx: CommandContext, results: readonly (bigint | null)[]): void {
  ctx.reply.arrayHeader(results.length);
  for (const r of results) {
    if (r === null) ctx.reply.nullBulk();
    else replyInteger(ctx, r);
  }
}

function bitfield(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  bitfieldGeneric(ctx, argv, false);
}

function bitfieldRo(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  bitfieldGeneric(ctx, argv, true);
}

const bm = { group: "bitmap", acl: ["bitmap"] } as const;
const oneKeyRange = { type: "range", lastKey: 0, keyStep: 1, limit: 0 } as const;

export const bitmapCommands: CommandSpec[] = [
  { ...bm, name: "setbit", arity: 4, flags: ["write", "denyoom"], summary: "Sets or clears the bit at offset in the string value stored at key", since: "2.2.0", complexity: "O(1)", keySpecs: [keys.one(1, ["RW", "ACCESS", "UPDATE"])], handler: setbit },
  { ...bm, name: "getbit", arity: 3, flags: ["readonly", "fast"], summary: "Returns the bit value at offset in the string value stored at key", since: "2.2.0", complexity: "O(1)", keySpecs: [keys.one(1, ["RO", "ACCESS"])], handler: getbit },
  { ...bm, name: "bitcount", arity: -2, flags: ["readonly"], summary: "Count set bits in a string", since: "2.6.0", complexity: "O(N)", keySpecs: [keys.one(1, ["RO", "ACCESS"])], handler: bitcount },
  { ...bm, name: "bitpos", arity: -3, flags: ["readonly"], summary: "Find first bit set or clear in a string", since: "2.8.7", complexity: "O(N)", keySpecs: [keys.one(1, ["RO", "ACCESS"])], handler: bitpos },
  {
    ...bm, name: "bitop", arity: -4, flags: ["write", "denyoom"], summary: "Perform bitwise operations between strings", since: "2.6.0", complexity: "O(N)",
    keySpecs: [keys.one(2, ["OW", "UPDATE"]), keys.range(3, -1, 1, ["RO", "ACCESS"])], handler: bitop,
  },
  {
    ...bm, name: "bitfield", arity: -2, flags: ["write", "denyoom"], summary: "Perform arbitrary bitfield integer operations on strings", since: "3.2.0", complexity: "O(1) for each subcommand specified",
    keySpecs: [{ notes: "This command allows both access and modification of the key", flags: ["RW", "ACCESS", "UPDATE", "VARIABLE_FLAGS"], beginSearch: { type: "index", index: 1 }, findKeys: oneKeyRange }],
    handler: bitfield,
  },
  { ...bm, name: "bitfield_ro", arity: -2, flags: ["readonly", "fast"], summary: "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD", since: "6.0.0", complexity: "O(1) for each subcommand specified", keySpecs: [keys.one(1, ["RO", "ACCESS"])], handler: bitfieldRo },
];
