// HSCAN and SSCAN paging shared by the hash and set families. A compact collection (listpack hash,
// intset) is returned whole with cursor 0, as Redis does. A large one is paged by a stateless cursor:
// elements are ordered by a 32-bit hash of their name, and a cursor is the hash to resume at. Like
// Redis's reverse-binary cursor it needs no server state, and an element present for the whole scan is
// returned exactly once whatever is added or removed meanwhile (elements sharing a hash go in one page).
import type { CommandContext } from "./types.ts";
import { word, intArg } from "./args.ts";
import { parseScanCursor } from "./keys.ts";
import { globMatcher } from "../keyspace/glob.ts";
import { errInvalidCursor, errSyntax } from "../protocol/errors.ts";

/** SCAN's default COUNT. */
const SCAN_COUNT_DEFAULT = 10;
/** Cursors live in [0, 2^32): hashes are 32-bit; the cursor after the last hash is 0. */
const CURSOR_END = 0x1_0000_0000;

/** Parses the cursor; null after replying the error. */
export function scanCursorArg(ctx: CommandContext, arg: Uint8Array): bigint | null {
  const cursor = parseScanCursor(arg);
  if (cursor === null) ctx.reply.error(errInvalidCursor);
  return cursor;
}

export interface ScanOptions {
  count: number;
  matches: ((name: string) => boolean) | null;
}

/** MATCH and COUNT from argv[from]; null after replying the error (Redis scanGenericCommand). */
export function scanOptions(ctx: CommandContext, argv: readonly Uint8Array[], from: number): ScanOptions | null {
  const options: ScanOptions = { count: SCAN_COUNT_DEFAULT, matches: null };
  for (let i = from; i < argv.length; i += 2) {
    const opt = word(argv[i]);
    const more = i + 1 < argv.length;
    if (opt === "count" && more) {
      const n = intArg(ctx, argv[i + 1]);
      if (n === null) return null;
      if (n < 1) {
        ctx.reply.error(errSyntax);
        return null;
      }
      options.count = n;
    } else if (opt === "match" && more) {
      const pattern = Buffer.from(argv[i + 1] as Uint8Array).toString("latin1");
      options.matches = pattern === "*" ? null : globMatcher(pattern);
    } else {
      ctx.reply.error(errSyntax);
      return null;
    }
  }
  return options;
}

/** FNV-1a over the latin1 bytes of a name. */
export function nameHash32(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * One page of a large collection from `cursor`: at least `count` names (fewer at the end), every name
 * of the last hash included. Returns the names and the next cursor (0 when the scan is complete).
 */
export function scanPage(names: Iterable<string>, cursor: bigint, count: number): { names: string[]; next: number } {
  if (cursor >= BigInt(CURSOR_END)) return { names: [], next: 0 };
  const start = Number(cursor);
  const pending: [number, string][] = [];
  for (const name of names) {
    const h = nameHash32(name);
    if (h >= start) pending.push([h, name]);
  }
  pending.sort((a, b) => (a[0] !== b[0] ? a[0] - b[0] : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const page: string[] = [];
  let i = 0;
  while (i < pending.length && page.length < count) {
    const h = (pending[i] as [number, string])[0];
    // Take the whole group of names sharing this hash, so a cursor never splits one.
    while (i < pending.length && (pending[i] as [number, string])[0] === h) page.push((pending[i++] as [number, string])[1]);
  }
  if (i >= pending.length) return { names: page, next: 0 };
  const next = (pending[i] as [number, string])[0];
  return { names: page, next: next >= CURSOR_END ? 0 : next };
}

/** Writes SCAN's reply shape: [cursor, [items...]]. */
export function replyScan(ctx: CommandContext, next: number | bigint, items: readonly string[]): void {
  ctx.reply.arrayHeader(2);
  ctx.reply.bulk(String(next));
  ctx.reply.arrayHeader(items.length);
  for (const item of items) ctx.reply.bulk(item);
}

/** A uniform index in [0, size) from the command's seeded random source. */
export function randomIndex(ctx: CommandContext, size: number): number {
  return Math.min(size - 1, Math.floor(ctx.random() * size));
}

/** `count` distinct indices in [0, size), ascending (a partial Fisher-Yates shuffle, then sorted). */
export function distinctIndices(ctx: CommandContext, size: number, count: number): number[] {
  const slots = new Map<number, number>();
  const picked: number[] = [];
  for (let i = 0; i < count; i++) {
    const j = i + randomIndex(ctx, size - i);
    const atJ = slots.get(j) ?? j;
    slots.set(j, slots.get(i) ?? i);
    picked.push(atJ);
  }
  return picked.sort((a, b) => a - b);
}
