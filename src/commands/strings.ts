// String commands (the family grows in this file): GET, SET.
import type { CommandContext, CommandSpec } from "./types.ts";
import { keys } from "./types.ts";
import { latin1, word } from "./args.ts";
import { newStringEntry, type StringEntry } from "../keyspace/entry.ts";
import { errSyntax, errWrongType, errNotInteger } from "../protocol/errors.ts";
import { parseInteger } from "../protocol/numbers.ts";

/** Looks up a string value; writes WRONGTYPE and returns false for another type. */
export function getString(ctx: CommandContext, key: string): StringEntry | undefined | false {
  const e = ctx.db.get(key);
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

/** Parses SET's options from argv[3...] (Redis parseExtendedStringArgumentsOrReply). */
export function parseSetOptions(ctx: CommandContext, argv: readonly Uint8Array[], commandName: string): SetOptions | null {
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
  const old = ctx.db.get(key);
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
  ctx.db.set(key, newStringEntry(value, expireAt));
  ctx.dirty++;
  if (flags & flagsExpire) ctx.propagate(["SET", argv[1] as Uint8Array, argv[2] as Uint8Array, "PXAT", opts.expireAtText]);
  else if (flags & flagKEEPTTL) ctx.propagate(["SET", argv[1] as Uint8Array, argv[2] as Uint8Array, "KEEPTTL"]);
  else ctx.propagate(["SET", argv[1] as Uint8Array, argv[2] as Uint8Array]);
  if (flags & flagGET) old === undefined ? ctx.reply.nullBulk() : ctx.reply.bulk((old as StringEntry).data as string);
  else ctx.reply.simple("OK");
}

const str = { group: "string", acl: ["string"] } as const;

export const stringCommands: CommandSpec[] = [
  { ...str, name: "get", arity: 2, flags: ["readonly", "fast"], summary: "Returns the string value of a key.", since: "1.0.0", complexity: "O(1)", keySpecs: [keys.one(1, ["RO", "ACCESS"])], handler: get },
  {
    ...str, name: "set", arity: -3, flags: ["write", "denyoom"], summary: "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", since: "1.0.0", complexity: "O(1)",
    keySpecs: [{ notes: "RW and ACCESS due to the optional `GET` argument", flags: ["RW", "ACCESS", "UPDATE", "VARIABLE_FLAGS"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }],
    handler: set,
  },
];
