// Which internal encoding Redis 7.0 would report (OBJECT ENCODING/REFCOUNT) for a string value. Redis
// picks int/embstr/raw from the value when a command stores its argument (tryObjectEncoding), but some
// commands leave another encoding behind: APPEND and SETRANGE always produce "raw", INCRBYFLOAT stores
// an unencoded string ("embstr" up to 44 bytes). Those commands mark the entry here; the mark follows the
// entry object (RENAME and MOVE keep it, COPY copies it, any new value drops it). A WeakMap keeps the
// mark off the Entry type.
import type { StringEntry } from "./entry.ts";

/** Redis OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
export const EMBSTR_BYTES_MAX = 44;
/** Redis OBJ_SHARED_INTEGERS: integers below this are shared objects with refcount INT_MAX. */
export const SHARED_INTEGERS_MAX = 10000;
const INTEGER_CHARS_MAX = 20;

export type StringEncoding = "int" | "embstr" | "raw";

const forced = new WeakMap<StringEntry, "embstr" | "raw">();

/** Marks an entry whose value a command built without re-encoding it. */
export function forceStringEncoding(entry: StringEntry, encoding: "embstr" | "raw" | null): void {
  if (encoding === null) forced.delete(entry);
  else forced.set(entry, encoding);
}

export function forcedStringEncoding(entry: StringEntry): "embstr" | "raw" | undefined {
  return forced.get(entry);
}

/** The value as a 64-bit integer when Redis's string2l accepts it (no sign but '-', no leading zeros). */
export function integerValue(value: string): bigint | null {
  const n = value.length;
  if (n === 0 || n > INTEGER_CHARS_MAX) return null;
  if (!/^(0|-?[1-9][0-9]*)$/.test(value)) return null;
  const v = BigInt(value);
  if (v < -(1n << 63n) || v > (1n << 63n) - 1n) return null;
  return v;
}

export function stringEncoding(entry: StringEntry, value: string): StringEncoding {
  const f = forced.get(entry);
  if (f !== undefined) return f;
  if (integerValue(value) !== null) return "int";
  return value.length <= EMBSTR_BYTES_MAX ? "embstr" : "raw";
}

/** OBJECT REFCOUNT: shared integers report INT_MAX unless an LRU/LFU maxmemory policy disables sharing. */
export function stringRefcount(entry: StringEntry, value: string, sharingIntegers: boolean): number {
  if (!sharingIntegers || forced.has(entry)) return 1;
  const v = integerValue(value);
  return v !== null && v >= 0n && v < BigInt(SHARED_INTEGERS_MAX) ? 2147483647 : 1;
}
