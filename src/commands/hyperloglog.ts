// HyperLogLog commands: PFADD, PFCOUNT, PFMERGE, PFSELFTEST and PFDEBUG. Values are strings holding
// Redis's exact HLL bytes (src/keyspace/hll.ts), so GET, DUMP-free copies between servers and the
// cached cardinality all behave as on redis-server 7.0.
import { notify } from "../server/notify.ts";
import type { CommandContext, CommandSpec } from "./types.ts";
import { keys } from "./types.ts";
import { latin1, word } from "./args.ts";
import { newStringEntry, type StringEntry } from "../keyspace/entry.ts";
import { forceStringEncoding } from "../keyspace/string-encoding.ts";
import { errWrongType } from "../protocol/errors.ts";
import {
  Hll, HLL_ENCODING_DENSE, HLL_ENCODING_SPARSE, HLL_REGISTERS, hllAdd, hllCount, hllCountRegisters, hllDecodeSparse,
  hllDenseRegister, hllMergeInto, hllRaise, hllSelfTestRegisters, isValidHll, toDense,
} from "../keyspace/hll.ts";

const errNotHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";
const errInvalidHll = "INVALIDOBJ Corrupted HLL object detected";

/**
 * The HLL at `key`: undefined when missing, false after WRONGTYPE. `read`: Redis's lookupKeyRead
 * (PFCOUNT, PFMERGE's sources: counted as a hit or miss), else its lookupKeyWrite (PFADD, PFMERGE's
 * destination, PFDEBUG).
 */
function readHll(ctx: CommandContext, key: string, read: boolean): { entry: StringEntry; hll: Hll } | undefined | false {
  const e = read ? ctx.db.lookupRead(key) : ctx.db.get(key);
  if (e === undefined) return undefined;
  if (e.type !== "string") {
    ctx.reply.error(errWrongType);
    return false;
  }
  const value = e.data as string;
  if (!isValidHll(value)) {
    ctx.reply.error(errNotHll);
    return false;
  }
  return { entry: e, hll: Hll.fromString(value) };
}

/**
 * Redis unshares the string before it touches an HLL (dbUnshareStringValue), which leaves it "raw"
 * for OBJECT ENCODING even when nothing changes.
 */
function markRaw(entry: StringEntry): void {
  forceStringEncoding(entry, "raw");
}

/** Writes an HLL back to an existing key (which the caller has validated). */
function storeHll(ctx: CommandContext, key: string, hll: Hll): void {
  const e = ctx.db.getForWrite(key) as StringEntry;
  e.data = hll.toString();
  markRaw(e);
}

function createHll(ctx: CommandContext, key: string, hll: Hll): void {
  const e = newStringEntry(hll.toString());
  markRaw(e);
  ctx.db.set(key, e);
}

function pfadd(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const key = latin1(argv[1] as Uint8Array);
  const found = readHll(ctx, key, false);
  if (found === false) return;
  const created = found === undefined;
  const hll = created ? Hll.empty() : found.hll;
  let updated = created ? 1 : 0;
  let corrupted = false;
  for (let i = 2; i < argv.length; i++) {
    const r = hllAdd(hll, argv[i] as Uint8Array);
    if (r === 1) updated++;
    else if (r < 0) {
      corrupted = true;
      break;
    }
  }
  // Redis changes the value in place as it goes: on a corrupted value, what was done stays done (but
  // the cache is not invalidated).
  if (!corrupted && updated > 0) hll.invalidateCache();
  if (created) createHll(ctx, key, hll);
  else if (updated > 0) storeHll(ctx, key, hll);
  else markRaw(found.entry);
  if (corrupted) {
    if (updated > 0) ctx.dirty++;
    return ctx.reply.error(errInvalidHll);
  }
  if (updated > 0) {
    ctx.dirty += updated;
    notify(ctx, "string", "pfadd", key);
  }
  ctx.reply.integer(updated > 0 ? 1 : 0);
}

function pfcount(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  if (argv.length > 2) {
    // Several keys: merge into a temporary register array; nothing is cached.
    const registers = new Uint8Array(HLL_REGISTERS);
    for (let i = 1; i < argv.length; i++) {
      const found = readHll(ctx, latin1(argv[i] as Uint8Array), true);
      if (found === false) return;
      if (found === undefined) continue;
      if (!hllMergeInto(registers, found.hll)) return ctx.reply.error(errInvalidHll);
    }
    return ctx.reply.integer(hllCountRegisters(registers));
  }
  const key = latin1(argv[1] as Uint8Array);
  const found = readHll(ctx, key, true);
  if (found === false) return;
  if (found === undefined) return ctx.reply.integer(0);
  const { hll } = found;
  markRaw(found.entry);
  if (hll.cacheValid()) return ctx.reply.integer(hll.cachedCardinality());
  const card = hllCount(hll);
  if (card === null) return ctx.reply.error(errInvalidHll);
  // The estimate is cached in the value itself: a write, logged and replayed like any other.
  hll.setCachedCardinality(card);
  storeHll(ctx, key, hll);
  ctx.dirty++;
  ctx.reply.integer(card);
}

function pfmerge(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const registers = new Uint8Array(HLL_REGISTERS);
  let anyDense = false;
  for (let i = 1; i < argv.length; i++) {
    const found = readHll(ctx, latin1(argv[i] as Uint8Array), true);
    if (found === false) return;
    if (found === undefined) continue;
    if (found.hll.encoding === HLL_ENCODING_DENSE) anyDense = true;
    if (!hllMergeInto(registers, found.hll)) return ctx.reply.error(errInvalidHll);
  }
  const key = latin1(argv[1] as Uint8Array);
  const dest = readHll(ctx, key, false);
  if (dest === false) return; // not reached: the destination was checked as a source
  const hll = dest === undefined ? Hll.empty() : dest.hll;
  // With a dense input the result is dense at once (as in Redis: no sparse-then-promote detour).
  if (anyDense && !toDense(hll)) return ctx.reply.error(errInvalidHll);
  for (let i = 0; i < HLL_REGISTERS; i++) {
    const v = registers[i] as number;
    if (v !== 0) hllRaise(hll, i, v);
  }
  hll.invalidateCache();
  if (dest === undefined) createHll(ctx, key, hll);
  else storeHll(ctx, key, hll);
  ctx.dirty++;
  notify(ctx, "string", "pfadd", key);
  ctx.reply.ok();
}

/** Relative error allowed at a checkpoint: five standard errors of a 16384-register HLL. */
const SELFTEST_ERROR_MAX = (5 * 1.04) / Math.sqrt(HLL_REGISTERS);
const SELFTEST_ELEMENTS = 100_000;

function pfselftest(ctx: CommandContext): void {
  if (!hllSelfTestRegisters(() => ctx.random())) return ctx.reply.error("TESTFAILED Register error");
  // The same elements into a sparse and a dense HLL: both must estimate alike, and close to the truth.
  const sparse = Hll.empty();
  const dense = Hll.empty();
  toDense(dense);
  const element = new Uint8Array(8);
  const view = new DataView(element.buffer);
  const salt = Math.floor(ctx.random() * 0xffffffff);
  let checkpoint = 1;
  for (let n = 1; n <= SELFTEST_ELEMENTS; n++) {
    view.setUint32(0, n);
    view.setUint32(4, salt);
    hllAdd(sparse, element);
    hllAdd(dense, element);
    if (n !== checkpoint) continue;
    checkpoint *= 10;
    const a = hllCount(sparse);
    const b = hllCount(dense);
    if (a === null || b === null || a !== b) return ctx.reply.error(`TESTFAILED sparse and dense estimates differ at ${n}`);
    if (Math.abs(b - n) > n * SELFTEST_ERROR_MAX + 1) return ctx.reply.error(`TESTFAILED too big error. card:${n} abserr:${Math.abs(b - n)}`);
  }
  ctx.reply.ok();
}

function pfdebug(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const key = latin1(argv[2] as Uint8Array);
  const found = readHll(ctx, key, false);
  if (found === false) return;
  if (found === undefined) return ctx.reply.error("ERR The specified key does not exist");
  const { hll } = found;
  markRaw(found.entry);
  const sub = word(argv[1]);
  if (sub === "getreg" || sub === "todense") {
    const converted = hll.encoding === HLL_ENCODING_SPARSE;
    if (converted) {
      if (!toDense(hll)) return ctx.reply.error(errInvalidHll);
      storeHll(ctx, key, hll);
      ctx.dirty++;
    }
    if (sub === "todense") return ctx.reply.integer(converted ? 1 : 0);
    ctx.reply.arrayHeader(HLL_REGISTERS);
    for (let i = 0; i < HLL_REGISTERS; i++) ctx.reply.integer(hllDenseRegister(hll, i));
  } else if (sub === "decode") {
    if (hll.encoding !== HLL_ENCODING_SPARSE) return ctx.reply.error("ERR HLL encoding is not sparse");
    ctx.reply.bulk(hllDecodeSparse(hll));
  } else if (sub === "encoding") {
    ctx.reply.simple(hll.encoding === HLL_ENCODING_DENSE ? "dense" : "sparse");
  } else {
    // Redis prints the name as a C string: up to its first NUL byte.
    const raw = latin1(argv[1] as Uint8Array);
    const nul = raw.indexOf("\0");
    ctx.reply.error(`ERR Unknown PFDEBUG subcommand '${nul < 0 ? raw : raw.slice(0, nul)}'`);
  }
}

const hl = { group: "hyperloglog", acl: ["hyperloglog"] } as const;

export const hyperloglogCommands: CommandSpec[] = [
  { ...hl, name: "pfadd", arity: -2, flags: ["write", "denyoom", "fast"], summary: "Adds the specified elements to the specified HyperLogLog.", since: "2.8.9", complexity: "O(1) to add every element.", keySpecs: [keys.one(1, ["RW", "INSERT"])], handler: pfadd },
  {
    ...hl, name: "pfcount", arity: -2, flags: ["readonly"], summary: "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).", since: "2.8.9",
    complexity: "O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.",
    keySpecs: [{ notes: "RW because it may change the internal representation of the key, and propagate to replicas", flags: ["RW", "ACCESS"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: -1, keyStep: 1, limit: 0 } }],
    handler: pfcount,
  },
  {
    ...hl, name: "pfmerge", arity: -2, flags: ["write", "denyoom"], summary: "Merge N different HyperLogLogs into a single one.", since: "2.8.9", complexity: "O(N) to merge N HyperLogLogs, but with high constant times.",
    keySpecs: [keys.one(1, ["RW", "ACCESS", "INSERT"]), keys.range(2, -1, 1, ["RO", "ACCESS"])], handler: pfmerge,
  },
  { ...hl, name: "pfselftest", arity: 1, flags: ["admin"], summary: "An internal command for testing HyperLogLog values", since: "2.8.9", complexity: "N/A", docFlags: ["syscmd"], keySpecs: [], handler: pfselftest },
  { ...hl, name: "pfdebug", arity: 3, flags: ["write", "denyoom", "admin"], summary: "Internal commands for debugging HyperLogLog values", since: "2.8.9", complexity: "N/A", docFlags: ["syscmd"], keySpecs: [keys.one(2, ["RW", "ACCESS"])], handler: pfdebug },
];
