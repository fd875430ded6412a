// Argument parsing helpers shared by command families: each returns a value, or null after writing
// Redis's error reply (so handlers can `if (x === null) return;`).
import type { CommandContext } from "./types.ts";
import { errNotInteger, errNotFloat } from "../protocol/errors.ts";
import { parseInteger, parseDouble } from "../protocol/numbers.ts";
import { latin1 } from "../keyspace/entry.ts";

export { latin1 };

/** Lower-case ASCII of an argument, for option keywords. */
export function word(arg: Uint8Array | undefined): string {
  if (!arg) return "";
  let s = "";
  for (let i = 0; i < arg.length && i < 64; i++) {
    let c = arg[i] as number;
    if (c >= 65 && c <= 90) c |= 0x20;
    s += String.fromCharCode(c);
  }
  return arg.length > 64 ? s + "\u0000" : s;
}

/** A signed 64-bit integer argument as a JS number (exact within ±2^53) or bigint beyond. */
export function intArg(ctx: CommandContext, arg: Uint8Array | undefined, error = errNotInteger): number | null {
  const v = arg ? parseInteger(arg) : null;
  if (v === null) {
    ctx.reply.error(error);
    return null;
  }
  return typeof v === "bigint" ? Number(v) : v;
}

export function floatArg(ctx: CommandContext, arg: Uint8Array | undefined, error = errNotFloat): number | null {
  const v = arg ? parseDouble(arg) : null;
  if (v === null) {
    ctx.reply.error(error);
    return null;
  }
  return v;
}
