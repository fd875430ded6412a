// String commands: GET, SET and its variants (SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX), MGET, MSET,
// MSETNX, APPEND, STRLEN, GETRANGE, SUBSTR, SETRANGE, INCR/DECR/INCRBY/DECRBY, INCRBYFLOAT and LCS.
import { notify } from "../server/notify.ts";
import type { CommandContext, CommandSpec } from "./types.ts";
import { keys } from "./types.ts";
import { latin1, word } from "./args.ts";
import { BufferedStringEntry, bufferedForChange, newStringEntry, stringLength, type StringEntry } from "../keyspace/entry.ts";
import {
  errSyntax, errWrongType, errNotInteger, errNotFloat, errArity, errInvalidExpireTime, errOverflow, errDecrementOverflow,
  errIncrementNanOrInfinity, errOffsetOutOfRange, errStringTooLong,
} from "../protocol/errors.ts";
import { parseInteger, parseIntegerStrict, parseLongDouble, addLongDouble, formatLongDouble, longDoubleFromInteger } from "../protocol/numbers.ts";
import { EMBSTR_BYTES_MAX, forceStringEncoding, integerValue } from "../keyspace/string-encoding.ts";

/**
 * Looks up a string value; writes WRONGTYPE and returns false for another type. `read`: Redis reads it
 * with lookupKeyRead even in a write command (GETSET, GETDEL, GETEX), which counts as a hit or miss.
 */
export function getString(ctx: CommandContext, key: string, read = false): StringEntry | undefined | false {
  const e = read ? ctx.db.lookupRead(key) : ctx.db.get(key);
  if (e === undefined) return undefined;
  if (e.type !== "string") {
    ctx.reply.error(errWrongType);
    return false;
  }
  return e;
}

function get(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const e = getString(ctx, latin1(argv[1] as Uint8Array));
  if (e === false) return;
  if (e === undefined) ctx.reply.nullBulk();
  else ctx.reply.bulk(e.data as string);
}

const flagNX = 1;
const flagXX = 2;
const flagGET = 4;
const flagKEEPTTL = 8;
const flagEX = 16;
const flagPX = 32;
const flagEXAT = 64;
const flagPXAT = 128;
const flagsExpire = flagEX | flagPX | flagEXAT | flagPXAT;
const int64Max = 9223372036854775807n;

function flagOf(opt: string): number {
  return opt === "ex" ? flagEX : opt === "px" ? flagPX : opt === "exat" ? flagEXAT : flagPXAT;
}

export interface SetOptions {
  flags: number;
  /** Absolute expiry in ms, 0 for none. */
  expireAt: number;
  /** The same instant as an exact decimal integer, for the log. */
  expireAtText: string;
}

/** SET without options (the common case): shared, never modified. */
const noSetOptions: Readonly<SetOptions> = Object.freeze({ flags: 0, expireAt: 0, expireAtText: "" });

/** Parses SET's options from argv[3...] (Redis parseExtendedStringArgumentsOrReply). */
export function parseSetOptions(ctx: CommandContext, argv: readonly Uint8Array[], commandName: string): Readonly<SetOptions> | null {
  if (argv.length <= 3) return noSetOptions;
  let flags = 0;
  let expireArg: Uint8Array | null = null;
  for (let i = 3; i < argv.length; i++) {
    const opt = word(argv[i]);
    const next = argv[i + 1];
    if (opt === "nx" && !(flags & flagXX)) flags |= flagNX;
    else if (opt === "xx" && !(flags & flagNX)) flags |= flagXX;
    else if (opt === "get") flags |= flagGET;
    else if (opt === "keepttl" && !(flags & flagsExpire)) flags |= flagKEEPTTL;
    else if ((opt === "ex" || opt === "px" || opt === "exat" || opt === "pxat") && next !== undefined && !(flags & flagKEEPTTL) && !(flags & flagsExpire & ~flagOf(opt))) {
      // Redis accepts the same expiry option twice (the last wins), but not two different ones.
      flags |= flagOf(opt);
      expireArg = next;
      i++;
    } else {
      ctx.reply.error(errSyntax);
      return null;
    }
  }
  let expireAt = 0;
  let expireAtText = "";
  if (expireArg !== null) {
    const raw = parseInteger(expireArg);
    if (raw === null) {
      ctx.reply.error(errNotInteger);
      return null;
    }
    // Exact 64-bit arithmetic: the logged PXAT must replay to the same instant.
    const invalid = `ERR invalid expire time in '${commandName}' command`;
    let ms = BigInt(raw);
    const seconds = (flags & (flagEX | flagEXAT)) !== 0;
    if (ms <= 0n || (seconds && ms > int64Max / 1000n)) {
      ctx.reply.error(invalid);
      return null;
    }
    if (seconds) ms *= 1000n;
    if (flags & (flagEX | flagPX)) ms += BigInt(ctx.now);
    if (ms > int64Max) {
      ctx.reply.error(invalid);
      return null;
    }
    expireAt = Number(ms);
    expireAtText = ms.toString();
  }
  return { flags, expireAt, expireAtText };
}

function set(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const opts = parseSetOptions(ctx, argv, "set");
  if (!opts) return;
  const key = latin1(argv[1] as Uint8Array);
  const { flags } = opts;
  // Only GET needs the old value itself (and its access counted); the rest needs its existence and TTL.
  const old = flags & flagGET ? ctx.db.lookupRead(key) : ctx.db.peek(key);
  if (flags & flagGET && old !== undefined && old.type !== "string") {
    ctx.reply.error(errWrongType);
    return;
  }
  if ((flags & flagNX && old !== undefined) || (flags & flagXX && old === undefined)) {
    if (flags & flagGET) old === undefined ? ctx.reply.nullBulk() : ctx.reply.bulk((old as StringEntry).data as string);
    else ctx.reply.nullBulk();
    return;
  }
  const value = latin1(argv[2] as Uint8Array);
  const expireAt = flags & flagKEEPTTL && old !== undefined ? old.expireAt : opts.expireAt;
  // Redis replies to GET before setting, so the old value precedes the notifications ("new" included).
  if (flags & flagGET) old === undefined ? ctx.reply.nullBulk() : ctx.reply.bulk((old as StringEntry).data as string);
  ctx.db.set(key, newStringEntry(value, expireAt));
  ctx.dirty++;
  if (flags & flagsExpire) ctx.propagate(["SET", argv[1] as Uint8Array, argv[2] as Uint8Array, "PXAT", opts.expireAtText]);
  else if (flags & flagKEEPTTL) ctx.propagate(["SET", argv[1] as Uint8Array, argv[2] as Uint8Array, "KEEPTTL"]);
  // A plain SET is logged as the client sent it; with NX/XX/GET it is logged without them (it ran).
  else if (flags !== 0) ctx.propagate(["SET", argv[1] as Uint8Array, argv[2] as Uint8Array]);
  notify(ctx, "string", "set", key);
  if (flags & flagsExpire) notify(ctx, "generic", "expire", key);
  if (!(flags & flagGET)) ctx.reply.simple("OK");
}

/** An absolute expiry computed from a command's time argument; `text` is exact for the log. */
interface ExpireAt {
  ms: number;
  text: string;
}

/**
 * Redis getExpireMillisecondsOrReply: a positive integer in seconds or ms, relative to now or absolute;
 * writes the error (not an integer, or "invalid expire time in '<name>'") and returns null.
 */
function expireArg(ctx: CommandContext, arg: Uint8Array, unit: { seconds: boolean; relative: boolean }, name: string): ExpireAt | null {
  const raw = parseInteger(arg);
  if (raw === null) {
    ctx.reply.error(errNotInteger);
    return null;
  }
  let ms = BigInt(raw);
  if (ms <= 0n || (unit.seconds && ms > int64Max / 1000n)) {
    ctx.reply.error(errInvalidExpireTime(name));
    return null;
  }
  if (unit.seconds) ms *= 1000n;
  if (unit.relative) ms += BigInt(ctx.now);
  if (ms > int64Max) {
    ctx.reply.error(errInvalidExpireTime(name));
    return null;
  }
  return { ms: Number(ms), text: ms.toString() };
}

function stringValue(e: StringEntry): string {
  return e.data as string;
}

function setnx(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const key = latin1(argv[1] as Uint8Array);
  if (ctx.db.get(key) !== undefined) return ctx.reply.integer(0);
  ctx.db.set(key, newStringEntry(latin1(argv[2] as Uint8Array)));
  ctx.dirty++;
  notify(ctx, "string", "set", key);
  ctx.reply.integer(1);
}

function setWithExpiry(ctx: CommandContext, argv: readonly Uint8Array[], seconds: boolean, name: string): void {
  const at = expireArg(ctx, argv[2] as Uint8Array, { seconds, relative: true }, name);
  if (at === null) return;
  const key = latin1(argv[1] as Uint8Array);
  ctx.db.set(key, newStringEntry(latin1(argv[3] as Uint8Array), at.ms));
  ctx.dirty++;
  ctx.propagate(["SET", argv[1] as Uint8Array, argv[3] as Uint8Array, "PXAT", at.text]);
  notify(ctx, "string", "set", key);
  notify(ctx, "generic", "expire", key);
  ctx.reply.ok();
}

function setex(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  setWithExpiry(ctx, argv, true, "setex");
}

function psetex(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  setWithExpiry(ctx, argv, false, "psetex");
}

function getset(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const key = latin1(argv[1] as Uint8Array);
  const old = getString(ctx, key, true);
  if (old === false) return;
  // Redis replies before setting: the old value precedes the "new" and "set" notifications.
  if (old === undefined) ctx.reply.nullBulk();
  else ctx.reply.bulk(stringValue(old));
  ctx.db.set(key, newStringEntry(latin1(argv[2] as Uint8Array)));
  ctx.dirty++;
  ctx.propagate(["SET", argv[1] as Uint8Array, argv[2] as Uint8Array]);
  notify(ctx, "string", "set", key);
}

function getdel(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const key = latin1(argv[1] as Uint8Array);
  const e = getString(ctx, key, true);
  if (e === false) return;
  if (e === undefined) return ctx.reply.nullBulk();
  ctx.reply.bulk(stringValue(e));
  ctx.db.delete(key);
  ctx.dirty++;
  ctx.propagate(["DEL", argv[1] as Uint8Array]);
  notify(ctx, "generic", "del", key);
}

const getexEX = 1;
const getexPX = 2;
const getexEXAT = 4;
const getexPXAT = 8;
const getexPERSIST = 16;

function getex(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  let flags = 0;
  let expire: Uint8Array | null = null;
  for (let i = 2; i < argv.length; i++) {
    const opt = word(argv[i]);
    const next = argv[i + 1];
    const timed = flags & (getexEX | getexPX | getexEXAT | getexPXAT);
    if (opt === "persist" && !timed) flags |= getexPERSIST;
    else if ((opt === "ex" || opt === "px" || opt === "exat" || opt === "pxat") && next !== undefined && !(flags & getexPERSIST)) {
      const f = opt === "ex" ? getexEX : opt === "px" ? getexPX : opt === "exat" ? getexEXAT : getexPXAT;
      // The same option may repeat (the last value wins); two different ones may not.
      if (timed & ~f) return ctx.reply.error(errSyntax);
      flags |= f;
      expire = next;
      i++;
    } else return ctx.reply.error(errSyntax);
  }
  const key = latin1(argv[1] as Uint8Array);
  const e = getString(ctx, key, true);
  if (e === false) return;
  if (e === undefined) return ctx.reply.nullBulk();
  let at: ExpireAt | null = null;
  if (expire !== null) {
    at = expireArg(ctx, expire, { seconds: (flags & (getexEX | getexEXAT)) !== 0, relative: (flags & (getexEX | getexPX)) !== 0 }, "getex");
    if (at === null) return;
  }
  ctx.reply.bulk(stringValue(e));
  if (at !== null && flags & (getexEXAT | getexPXAT) && at.ms <= ctx.now && !ctx.replaying) {
    ctx.db.delete(key);
    ctx.dirty++;
    ctx.propagate(["DEL", argv[1] as Uint8Array]);
    notify(ctx, "generic", "del", key);
  } else if (at !== null) {
    ctx.db.setExpire(key, e, at.ms);
    ctx.dirty++;
    ctx.propagate(["PEXPIREAT", argv[1] as Uint8Array, at.text]);
    notify(ctx, "generic", "expire", key);
  } else if (flags & getexPERSIST && e.expireAt !== 0) {
    ctx.db.setExpire(key, e, 0);
    ctx.dirty++;
    ctx.propagate(["PERSIST", argv[1] as Uint8Array]);
    notify(ctx, "generic", "persist", key);
  }
}

function mget(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  ctx.reply.arrayHeader(argv.length - 1);
  for (let i = 1; i < argv.length; i++) {
    const e = ctx.db.get(latin1(argv[i] as Uint8Array));
    if (e === undefined || e.type !== "string") ctx.reply.nullBulk();
    else ctx.reply.bulk(stringValue(e));
  }
}

function msetGeneric(ctx: CommandContext, argv: readonly Uint8Array[], nx: boolean): void {
  if (argv.length % 2 === 0) return ctx.reply.error(errArity(nx ? "msetnx" : "mset"));
  if (nx) {
    for (let i = 1; i < argv.length; i += 2) if (ctx.db.get(latin1(argv[i] as Uint8Array)) !== undefined) return ctx.reply.integer(0);
  }
  for (let i = 1; i < argv.length; i += 2) {
    const key = latin1(argv[i] as Uint8Array);
    ctx.db.set(key, newStringEntry(latin1(argv[i + 1] as Uint8Array)));
    notify(ctx, "string", "set", key);
  }
  ctx.dirty += (argv.length - 1) / 2;
  if (nx) ctx.reply.integer(1);
  else ctx.reply.ok();
}

function mset(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  msetGeneric(ctx, argv, false);
}

function msetnx(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  msetGeneric(ctx, argv, true);
}

/** Redis checkStringLength: a string may not grow past proto-max-bulk-len (not enforced on replay). */
function checkStringLength(ctx: CommandContext, size: number, append: number): boolean {
  if (ctx.replaying || size + append <= ctx.server.config.int("proto-max-bulk-len")) return true;
  ctx.reply.error(errStringTooLong);
  return false;
}

function append(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const key = latin1(argv[1] as Uint8Array);
  const old = getString(ctx, key);
  if (old === false) return;
  const tail = latin1(argv[2] as Uint8Array);
  if (old === undefined) {
    ctx.db.set(key, newStringEntry(tail));
    ctx.dirty++;
    notify(ctx, "string", "append", key);
    return ctx.reply.integer(tail.length);
  }
  const headLength = stringLength(old);
  if (!checkStringLength(ctx, headLength, tail.length)) return;
  if (old instanceof BufferedStringEntry) {
    // A value changed in place stays so: the tail goes into its buffer (amortised O(tail), as sds).
    ctx.db.getForWrite(key);
    old.append(tail);
  } else {
    const e = newStringEntry(stringValue(old) + tail, old.expireAt);
    forceStringEncoding(e, "raw");
    ctx.db.set(key, e);
  }
  ctx.dirty++;
  notify(ctx, "string", "append", key);
  ctx.reply.integer(headLength + tail.length);
}

function strlen(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const e = getString(ctx, latin1(argv[1] as Uint8Array));
  if (e === false) return;
  ctx.reply.integer(e === undefined ? 0 : stringLength(e));
}

function getrange(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const startArg = parseInteger(argv[2] as Uint8Array);
  if (startArg === null) return ctx.reply.error(errNotInteger);
  const endArg = parseInteger(argv[3] as Uint8Array);
  if (endArg === null) return ctx.reply.error(errNotInteger);
  const e = getString(ctx, latin1(argv[1] as Uint8Array));
  if (e === false) return;
  if (e === undefined) return ctx.reply.bulk("");
  const length = stringLength(e);
  let start = Number(startArg);
  let end = Number(endArg);
  if (start < 0 && end < 0 && start > end) return ctx.reply.bulk("");
  if (start < 0) start = length + start;
  if (end < 0) end = length + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= length) end = length - 1;
  if (start > end || length === 0) return ctx.reply.bulk("");
  // A buffered value answers from its buffer: a range of a large bitmap without building all of it.
  if (e instanceof BufferedStringEntry) {
    const view = e.view();
    ctx.reply.bulk(typeof view === "string" ? view.slice(start, end + 1) : latin1(view.subarray(start, end + 1)));
  } else ctx.reply.bulk(stringValue(e).slice(start, end + 1));
}

function setrange(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const offsetArg = parseInteger(argv[2] as Uint8Array);
  if (offsetArg === null) return ctx.reply.error(errNotInteger);
  if (offsetArg < 0) return ctx.reply.error(errOffsetOutOfRange);
  const key = latin1(argv[1] as Uint8Array);
  const patch = latin1(argv[3] as Uint8Array);
  const old = getString(ctx, key);
  if (old === false) return;
  if (patch.length === 0) return ctx.reply.integer(old === undefined ? 0 : stringLength(old));
  // Beyond 2^53 the limit check fails anyway, so the offset is exact wherever it is used.
  const offset = Number(offsetArg);
  if (!checkStringLength(ctx, offset, patch.length)) return;
  const headLength = old === undefined ? 0 : stringLength(old);
  const changing = old === undefined ? undefined : bufferedForChange(old, Math.max(headLength, offset + patch.length));
  if (changing instanceof BufferedStringEntry) {
    // A large value: written in place (O(patch), as in Redis), stored as buffered if it was not.
    if (changing !== old) ctx.db.set(key, changing);
    else ctx.db.getForWrite(key);
    changing.write(offset, patch);
    forceStringEncoding(changing, "raw");
    ctx.dirty++;
    notify(ctx, "string", "setrange", key);
    return ctx.reply.integer(changing.length);
  }
  const head = old === undefined ? "" : stringValue(old);
  const value = head.length >= offset + patch.length
    ? head.slice(0, offset) + patch + head.slice(offset + patch.length)
    : head.slice(0, offset).padEnd(offset, "\0") + patch;
  const e = newStringEntry(value, old === undefined ? 0 : old.expireAt);
  forceStringEncoding(e, "raw");
  ctx.db.set(key, e);
  ctx.dirty++;
  notify(ctx, "string", "setrange", key);
  ctx.reply.integer(value.length);
}

const int64Min = -9223372036854775808n;

function incrDecr(ctx: CommandContext, key: string, increment: bigint): void {
  const old = getString(ctx, key);
  if (old === false) return;
  let value = 0n;
  if (old !== undefined) {
    const parsed = integerValue(stringValue(old));
    if (parsed === null) return ctx.reply.error(errNotInteger);
    value = parsed;
  }
  const result = value + increment;
  if (result > int64Max || result < int64Min) return ctx.reply.error(errOverflow);
  ctx.db.set(key, newStringEntry(result.toString(), old === undefined ? 0 : old.expireAt));
  ctx.dirty++;
  notify(ctx, "string", "incrby", key);
  ctx.reply.integer(result >= -9007199254740991n && result <= 9007199254740991n ? Number(result) : result);
}

function incr(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  incrDecr(ctx, latin1(argv[1] as Uint8Array), 1n);
}

function decr(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  incrDecr(ctx, latin1(argv[1] as Uint8Array), -1n);
}

function incrby(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const by = parseIntegerStrict(argv[2] as Uint8Array);
  if (by === null) return ctx.reply.error(errNotInteger);
  incrDecr(ctx, latin1(argv[1] as Uint8Array), by);
}

function decrby(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const by = parseIntegerStrict(argv[2] as Uint8Array);
  if (by === null) return ctx.reply.error(errNotInteger);
  if (by === int64Min) return ctx.reply.error(errDecrementOverflow);
  incrDecr(ctx, latin1(argv[1] as Uint8Array), -by);
}

function incrbyfloat(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const key = latin1(argv[1] as Uint8Array);
  const old = getString(ctx, key);
  if (old === false) return;
  const value = old === undefined ? longDoubleFromInteger(0) : parseLongDouble(Buffer.from(stringValue(old), "latin1"));
  if (value === null) return ctx.reply.error(errNotFloat);
  const increment = parseLongDouble(argv[2] as Uint8Array);
  if (increment === null) return ctx.reply.error(errNotFloat);
  const sum = addLongDouble(value, increment);
  if (sum.kind !== "finite") return ctx.reply.error(errIncrementNanOrInfinity);
  const text = formatLongDouble(sum);
  const e = newStringEntry(text, old === undefined ? 0 : old.expireAt);
  forceStringEncoding(e, text.length <= EMBSTR_BYTES_MAX ? "embstr" : "raw");
  ctx.db.set(key, e);
  ctx.dirty++;
  ctx.propagate(["SET", argv[1] as Uint8Array, text, "KEEPTTL"]);
  notify(ctx, "string", "incrbyfloat", key);
  ctx.reply.bulk(text);
}

function lcs(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const ea = ctx.db.get(latin1(argv[1] as Uint8Array));
  const eb = ctx.db.get(latin1(argv[2] as Uint8Array));
  if ((ea !== undefined && ea.type !== "string") || (eb !== undefined && eb.type !== "string")) {
    return ctx.reply.error("ERR The specified keys must contain string values");
  }
  let getIdx = false;
  let getLen = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let i = 3; i < argv.length; i++) {
    const opt = word(argv[i]);
    if (opt === "idx") getIdx = true;
    else if (opt === "len") getLen = true;
    else if (opt === "withmatchlen") withMatchLen = true;
    else if (opt === "minmatchlen" && i + 1 < argv.length) {
      const n = parseInteger(argv[i + 1] as Uint8Array);
      if (n === null) return ctx.reply.error(errNotInteger);
      minMatchLen = n < 0 ? 0 : Number(n);
      i++;
    } else return ctx.reply.error(errSyntax);
  }
  if (getIdx && getLen) return ctx.reply.error("ERR If you want both the length and indexes, please just use IDX.");
  const a = ea === undefined ? "" : stringValue(ea);
  const b = eb === undefined ? "" : stringValue(eb);
  const alen = a.length;
  const blen = b.length;
  const width = blen + 1;
  if ((alen + 1) * width * 4 > ctx.server.config.int("proto-max-bulk-len")) {
    return ctx.reply.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
  }
  // table[i * width + j] = length of the LCS of a[0, i) and b[0, j).
  const table = new Uint32Array((alen + 1) * width);
  for (let i = 1; i <= alen; i++) {
    const ac = a.charCodeAt(i - 1);
    for (let j = 1; j <= blen; j++) {
      if (ac === b.charCodeAt(j - 1)) table[i * width + j] = (table[(i - 1) * width + j - 1] as number) + 1;
      else {
        const up = table[(i - 1) * width + j] as number;
        const left = table[i * width + j - 1] as number;
        table[i * width + j] = up > left ? up : left;
      }
    }
  }
  const total = table[alen * width + blen] as number;
  if (getLen && !getIdx) return ctx.reply.integer(total);
  // Walk back from the end, collecting the LCS and (for IDX) its matching ranges, last range first.
  const result: string[] = new Array<string>(total);
  const ranges: [number, number, number, number][] = [];
  let idx = total;
  let i = alen;
  let j = blen;
  let aStart = alen;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      result[idx - 1] = a[i - 1] as string;
      if (aStart === alen) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else emit = true;
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      const up = table[(i - 1) * width + j] as number;
      const left = table[i * width + j - 1] as number;
      if (up > left) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (minMatchLen === 0 || matchLen >= minMatchLen) ranges.push([aStart, aEnd, bStart, bEnd]);
      aStart = alen;
    }
  }
  if (!getIdx) return ctx.reply.bulk(result.join(""));
  const w = ctx.reply;
  w.mapHeader(2);
  w.bulk("matches");
  w.arrayHeader(ranges.length);
  for (const [as, ae, bs, be] of ranges) {
    w.arrayHeader(withMatchLen ? 3 : 2);
    w.arrayHeader(2);
    w.integer(as);
    w.integer(ae);
    w.arrayHeader(2);
    w.integer(bs);
    w.integer(be);
    if (withMatchLen) w.integer(ae - as + 1);
  }
  w.bulk("len");
  w.integer(total);
}

const str = { group: "string", acl: ["string"] } as const;

export const stringCommands: CommandSpec[] = [
  { ...str, name: "get", arity: 2, flags: ["readonly", "fast"], summary: "Returns the string value of a key.", since: "1.0.0", complexity: "O(1)", keySpecs: [keys.one(1, ["RO", "ACCESS"])], handler: get },
  {
    ...str, name: "set", arity: -3, flags: ["write", "denyoom"], summary: "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", since: "1.0.0", complexity: "O(1)",
    keySpecs: [{ notes: "RW and ACCESS due to the optional `GET` argument", flags: ["RW", "ACCESS", "UPDATE", "VARIABLE_FLAGS"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }],
    handler: set,
  },
  { name: "setnx", arity: 3, flags: ["write","denyoom","fast"], ...str, summary: "Set the value of a key, only if the key does not exist", since: "1.0.0", complexity: "O(1)", keySpecs: [{ flags: ["OW","INSERT"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: setnx },
  { name: "setex", arity: 4, flags: ["write","denyoom"], ...str, summary: "Set the value and expiration of a key", since: "2.0.0", complexity: "O(1)", keySpecs: [{ flags: ["OW","UPDATE"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: setex },
  { name: "psetex", arity: 4, flags: ["write","denyoom"], ...str, summary: "Set the value and expiration in milliseconds of a key", since: "2.6.0", complexity: "O(1)", keySpecs: [{ flags: ["OW","UPDATE"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: psetex },
  { name: "getset", arity: 3, flags: ["write","denyoom","fast"], ...str, summary: "Set the string value of a key and return its old value", since: "1.0.0", complexity: "O(1)", docFlags: ["deprecated"], replacedBy: "`SET` with the `!GET` argument", deprecatedSince: "6.2.0", keySpecs: [{ flags: ["RW","ACCESS","UPDATE"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: getset },
  { name: "getdel", arity: 2, flags: ["write","fast"], ...str, summary: "Get the value of a key and delete the key", since: "6.2.0", complexity: "O(1)", keySpecs: [{ flags: ["RW","ACCESS","DELETE"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: getdel },
  { name: "getex", arity: -2, flags: ["write","fast"], ...str, summary: "Get the value of a key and optionally set its expiration", since: "6.2.0", complexity: "O(1)", keySpecs: [{ notes: "RW and UPDATE because it changes the TTL", flags: ["RW","ACCESS","UPDATE"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: getex },
  { name: "mget", arity: -2, flags: ["readonly","fast"], ...str, summary: "Get the values of all the given keys", since: "1.0.0", complexity: "O(N) where N is the number of keys to retrieve.", tips: ["request_policy:multi_shard"], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: -1, keyStep: 1, limit: 0 } }], handler: mget },
  { name: "mset", arity: -3, flags: ["write","denyoom"], ...str, summary: "Set multiple keys to multiple values", since: "1.0.1", complexity: "O(N) where N is the number of keys to set.", tips: ["request_policy:multi_shard","response_policy:all_succeeded"], keySpecs: [{ flags: ["OW","UPDATE"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: -1, keyStep: 2, limit: 0 } }], handler: mset },
  { name: "msetnx", arity: -3, flags: ["write","denyoom"], ...str, summary: "Set multiple keys to multiple values, only if none of the keys exist", since: "1.0.1", complexity: "O(N) where N is the number of keys to set.", tips: ["request_policy:multi_shard","response_policy:agg_min"], keySpecs: [{ flags: ["OW","INSERT"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: -1, keyStep: 2, limit: 0 } }], handler: msetnx },
  { name: "append", arity: 3, flags: ["write","denyoom","fast"], ...str, summary: "Append a value to a key", since: "2.0.0", complexity: "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.", keySpecs: [{ flags: ["RW","INSERT"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: append },
  { name: "strlen", arity: 2, flags: ["readonly","fast"], ...str, summary: "Get the length of the value stored in a key", since: "2.2.0", complexity: "O(1)", keySpecs: [{ flags: ["RO"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: strlen },
  { name: "getrange", arity: 4, flags: ["readonly"], ...str, summary: "Get a substring of the string stored at a key", since: "2.4.0", complexity: "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.", keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: getrange },
  { name: "substr", arity: 4, flags: ["readonly"], ...str, summary: "Get a substring of the string stored at a key", since: "1.0.0", complexity: "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.", docFlags: ["deprecated"], replacedBy: "`GETRANGE`", deprecatedSince: "2.0.0", keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: getrange },
  { name: "setrange", arity: 4, flags: ["write","denyoom"], ...str, summary: "Overwrite part of a string at key starting at the specified offset", since: "2.2.0", complexity: "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.", keySpecs: [{ flags: ["RW","UPDATE"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: setrange },
  { name: "incr", arity: 2, flags: ["write","denyoom","fast"], ...str, summary: "Increment the integer value of a key by one", since: "1.0.0", complexity: "O(1)", keySpecs: [{ flags: ["RW","ACCESS","UPDATE"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: incr },
  { name: "decr", arity: 2, flags: ["write","denyoom","fast"], ...str, summary: "Decrement the integer value of a key by one", since: "1.0.0", complexity: "O(1)", keySpecs: [{ flags: ["RW","ACCESS","UPDATE"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: decr },
  { name: "incrby", arity: 3, flags: ["write","denyoom","fast"], ...str, summary: "Increment the integer value of a key by the given amount", since: "1.0.0", complexity: "O(1)", keySpecs: [{ flags: ["RW","ACCESS","UPDATE"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: incrby },
  { name: "decrby", arity: 3, flags: ["write","denyoom","fast"], ...str, summary: "Decrement the integer value of a key by the given number", since: "1.0.0", complexity: "O(1)", keySpecs: [{ flags: ["RW","ACCESS","UPDATE"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: decrby },
  { name: "incrbyfloat", arity: 3, flags: ["write","denyoom","fast"], ...str, summary: "Increment the float value of a key by the given amount", since: "2.6.0", complexity: "O(1)", keySpecs: [{ flags: ["RW","ACCESS","UPDATE"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }], handler: incrbyfloat },
  { name: "lcs", arity: -3, flags: ["readonly"], ...str, summary: "Find longest common substring", since: "7.0.0", complexity: "O(N*M) where N and M are the lengths of s1 and s2, respectively", keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 1, keyStep: 1, limit: 0 } }], handler: lcs },
];
