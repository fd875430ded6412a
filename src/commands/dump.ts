// DUMP and RESTORE: values serialized in Redis's own payload format (src/keyspace/rdb.ts), so they
// move between Bunker and redis-server both ways. RESTORE with a relative TTL is logged with ABSTTL
// and the absolute time, so replay creates the same expiry.
import { notify } from "../server/notify.ts";
import type { CommandContext, CommandSpec } from "./types.ts";
import { keys } from "./types.ts";
import { latin1, word } from "./args.ts";
import { errNotInteger, errSyntax } from "../protocol/errors.ts";
import { parseInteger } from "../protocol/numbers.ts";
import { dumpPayload, payloadFooterValid, RdbFormatError, restoreValue } from "../keyspace/rdb.ts";
import type { Entry } from "../keyspace/entry.ts";

const errBusyKey = "BUSYKEY Target key name already exists.";
const errBadPayload = "ERR DUMP payload version or checksum are wrong";
const errBadFormat = "ERR Bad data format";
const FREQ_MAX = 255;

function dump(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const e = ctx.db.get(latin1(argv[1] as Uint8Array));
  if (e === undefined) return ctx.reply.nullBulk();
  ctx.reply.bulk(dumpPayload(e));
}

/** A 64-bit integer argument as a bigint, or null after replying "not an integer". */
function int64Arg(ctx: CommandContext, arg: Uint8Array): bigint | null {
  const v = parseInteger(arg);
  if (v === null) {
    ctx.reply.error(errNotInteger);
    return null;
  }
  return BigInt(v);
}

interface RestoreOptions {
  replace: boolean;
  absttl: boolean;
  /** Seconds, or -1 when not given. */
  idleSeconds: bigint;
  /** LFU counter, or -1 when not given. */
  frequency: number;
}

/** RESTORE's options from argv[4...]; IDLETIME and FREQ exclude each other (a syntax error). */
function parseRestoreOptions(ctx: CommandContext, argv: readonly Uint8Array[]): RestoreOptions | null {
  const o: RestoreOptions = { replace: false, absttl: false, idleSeconds: -1n, frequency: -1 };
  for (let i = 4; i < argv.length; i++) {
    const opt = word(argv[i]);
    const more = argv.length - i - 1;
    if (opt === "replace") o.replace = true;
    else if (opt === "absttl") o.absttl = true;
    else if (opt === "idletime" && more >= 1 && o.frequency === -1) {
      const v = int64Arg(ctx, argv[++i] as Uint8Array);
      if (v === null) return null;
      if (v < 0n) {
        ctx.reply.error("ERR Invalid IDLETIME value, must be >= 0");
        return null;
      }
      o.idleSeconds = v;
    } else if (opt === "freq" && more >= 1 && o.idleSeconds === -1n) {
      const v = int64Arg(ctx, argv[++i] as Uint8Array);
      if (v === null) return null;
      if (v < 0n || v > BigInt(FREQ_MAX)) {
        ctx.reply.error("ERR Invalid FREQ value, must be >= 0 and <= 255");
        return null;
      }
      o.frequency = Number(v);
    } else {
      ctx.reply.error(errSyntax);
      return null;
    }
  }
  return o;
}

function decodePayload(ctx: CommandContext, payload: Uint8Array): Entry | null {
  if (!payloadFooterValid(payload)) {
    ctx.reply.error(errBadPayload);
    return null;
  }
  try {
    return restoreValue(payload);
  } catch (err: unknown) {
    if (!(err instanceof RdbFormatError)) throw err;
    ctx.reply.error(errBadFormat);
    return null;
  }
}

/** OBJECT IDLETIME/FREQ after RESTORE: FREQ counts under an LFU policy, IDLETIME otherwise (Redis objectSetLRUOrLFU). */
function applyAccessStats(ctx: CommandContext, e: Entry, o: RestoreOptions): void {
  const lfu = ctx.server.config.maxmemoryPolicy.endsWith("-lfu");
  if (lfu) {
    if (o.frequency >= 0) e.frequency = o.frequency;
  } else if (o.idleSeconds >= 0n) {
    const idleMs = Number(o.idleSeconds) * 1000;
    e.accessedAt = Number.isFinite(idleMs) ? ctx.now - idleMs : 0;
  }
}

function restore(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const o = parseRestoreOptions(ctx, argv);
  if (o === null) return;
  const key = latin1(argv[1] as Uint8Array);
  if (!o.replace && ctx.db.get(key) !== undefined) return ctx.reply.error(errBusyKey);
  const ttlArg = int64Arg(ctx, argv[2] as Uint8Array);
  if (ttlArg === null) return;
  if (ttlArg < 0n) return ctx.reply.error("ERR Invalid TTL value, must be >= 0");
  const entry = decodePayload(ctx, argv[3] as Uint8Array);
  if (entry === null) return;

  const deleted = o.replace && ctx.db.delete(key);
  let expireAt = ttlArg;
  if (expireAt !== 0n && !o.absttl) expireAt += BigInt(ctx.now);
  if (expireAt !== 0n && expireAt <= BigInt(ctx.now)) {
    // Already expired: the key is not created; a replaced key is gone (logged as its deletion).
    if (deleted) {
      ctx.dirty++;
      ctx.propagate(["DEL", argv[1] as Uint8Array]);
      notify(ctx, "generic", "del", key);
    }
    return ctx.reply.ok();
  }
  entry.expireAt = Number(expireAt);
  ctx.db.set(key, entry);
  applyAccessStats(ctx, entry, o);
  ctx.dirty++;
  if (expireAt !== 0n && !o.absttl) ctx.propagate([argv[0] as Uint8Array, argv[1] as Uint8Array, expireAt.toString(), ...argv.slice(3), "ABSTTL"]);
  notify(ctx, "generic", "restore", key);
  ctx.reply.ok();
}

const gen = { group: "generic" } as const;

export const dumpCommands: CommandSpec[] = [
  {
    name: "dump", arity: 2, flags: ["readonly"], acl: ["keyspace"], ...gen,
    summary: "Return a serialized version of the value stored at the specified key.", since: "2.6.0",
    complexity: "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
    tips: ["nondeterministic_output"],
    keySpecs: [keys.one(1, ["RO", "ACCESS"])],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }],
    handler: dump,
  },
  {
    name: "restore", arity: -4, flags: ["write", "denyoom"], acl: ["keyspace", "dangerous"], ...gen,
    summary: "Create a key using the provided serialized value, previously obtained using DUMP.", since: "2.6.0",
    complexity: "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
    keySpecs: [keys.one(1, ["OW", "UPDATE"])],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "ttl", type: "integer" },
      { name: "serialized-value", type: "string" },
      { name: "replace", type: "pure-token", token: "REPLACE", since: "3.0.0", optional: true },
      { name: "absttl", type: "pure-token", token: "ABSTTL", since: "5.0.0", optional: true },
      { name: "seconds", type: "integer", token: "IDLETIME", since: "5.0.0", optional: true },
      { name: "frequency", type: "integer", token: "FREQ", since: "5.0.0", optional: true },
    ],
    handler: restore,
  },
];
