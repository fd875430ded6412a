// Redis 7.0's compact-encoding thresholds, in one place. They decide what users can see of an encoding:
// OBJECT ENCODING, the reply order of small hashes and integer sets, whether HSCAN/SSCAN/ZSCAN return a
// value whole, and DUMP's bytes. These are the compiled-in defaults (what a redis-server started without
// a config file uses; the redis.conf Redis ships sets hash-max-listpack-entries to 128 instead). CONFIG
// accepts the parameters but Bunker's encodings keep these values.
import { integerValue } from "./string-encoding.ts";

/** hash-max-listpack-entries. */
export const HASH_LISTPACK_ENTRIES_MAX = 512;
/** hash-max-listpack-value: bytes of a field or a value. */
export const HASH_LISTPACK_VALUE_BYTES_MAX = 64;
/** set-max-intset-entries. */
export const SET_INTSET_ENTRIES_MAX = 512;
/** zset-max-listpack-entries. */
export const ZSET_LISTPACK_ENTRIES_MAX = 128;
/** zset-max-listpack-value: bytes of a member. */
export const ZSET_LISTPACK_VALUE_BYTES_MAX = 64;
/** list-max-listpack-size -2: a quicklist node's listpack stays within 8 KiB. */
export const LIST_NODE_BYTES_MAX = 8192;

/**
 * Hashes that outgrew a listpack. Redis converts such a hash to a hashtable and never back, even when
 * fields are deleted later; the mark lives as long as the Map (a copy or a reload decides afresh, as
 * Redis's RDB loading does).
 */
const hashtableHashes = new WeakSet<ReadonlyMap<string, string>>();

/** Call after writing `field` = `value` into `h`: marks the hash a hashtable once Redis would convert it. */
export function noteHashWrite(h: ReadonlyMap<string, string>, field: string, value: string): void {
  if (h.size > HASH_LISTPACK_ENTRIES_MAX || field.length > HASH_LISTPACK_VALUE_BYTES_MAX || value.length > HASH_LISTPACK_VALUE_BYTES_MAX) hashtableHashes.add(h);
}

/** Whether Redis would hold this hash as a listpack. */
export function hashIsListpack(h: ReadonlyMap<string, string>): boolean {
  if (hashtableHashes.has(h) || h.size > HASH_LISTPACK_ENTRIES_MAX) return false;
  for (const [f, v] of h) if (f.length > HASH_LISTPACK_VALUE_BYTES_MAX || v.length > HASH_LISTPACK_VALUE_BYTES_MAX) return false;
  return true;
}

/** The members' integer values when Redis would hold the set as an intset, else null. */
export function intsetValues(members: ReadonlySet<string>): Map<string, bigint> | null {
  if (members.size > SET_INTSET_ENTRIES_MAX) return null;
  const values = new Map<string, bigint>();
  for (const m of members) {
    const v = integerValue(m);
    if (v === null) return null;
    values.set(m, v);
  }
  return values;
}
