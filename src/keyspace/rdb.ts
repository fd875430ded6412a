// Redis's value serialization (the RDB object encoding used by DUMP and RESTORE), so a value moves
// between Bunker and redis-server 7.0 both ways. A payload is: object type byte, the encoded value,
// the 2-byte RDB version (little-endian) and a CRC64 (Jones polynomial, reflected) of everything
// before it. Encoding follows Redis 7.0's choices (int-encoded and LZF-compressed strings, quicklist
// of listpacks, listpack hashes and sorted sets, intsets), so small values serialize byte-identically;
// decoding accepts every encoding a Redis 7.0 payload may carry (also the older ziplist, zipmap and
// plain forms). Streams and module values are not supported (Bunker has no such types).
import { bad, ByteOut, crc64, Reader, writeBlob, writeLength, writeString } from "./rdb-codec.ts";
import { intsetDecode, intsetEncode, listpackDecode, listpackEncode, ListpackWriter, ziplistDecode, zipmapDecode } from "./rdb-listpack.ts";
import { Deque } from "./deque.ts";
import { latin1, latin1Bytes, newEntry, newStringEntry, type Entry } from "./entry.ts";
import { SortedSet } from "./sorted-set.ts";
import { hashIsListpack, intsetValues, LIST_NODE_BYTES_MAX } from "./encodings.ts";
import { formatDouble17g, parseDouble } from "../protocol/numbers.ts";

// The byte layer and blob formats live in rdb-codec.ts and rdb-listpack.ts; re-exported so importers keep one module.
export { ByteOut, Crc64, crc64, lzfCompress, lzfDecompress, RdbFormatError, writeLength, writeString } from "./rdb-codec.ts";
export { intsetDecode, listpackDecode, listpackEncode, ziplistDecode } from "./rdb-listpack.ts";

/** Redis 7.0 writes and accepts RDB versions up to 10. */
export const RDB_VERSION = 10;

const TYPE_STRING = 0;
const TYPE_LIST = 1;
const TYPE_SET = 2;
const TYPE_ZSET = 3;
const TYPE_HASH = 4;
const TYPE_ZSET_2 = 5;
const TYPE_HASH_ZIPMAP = 9;
const TYPE_LIST_ZIPLIST = 10;
const TYPE_SET_INTSET = 11;
const TYPE_ZSET_ZIPLIST = 12;
const TYPE_HASH_ZIPLIST = 13;
const TYPE_LIST_QUICKLIST = 14;
const TYPE_HASH_LISTPACK = 16;
const TYPE_ZSET_LISTPACK = 17;
const TYPE_LIST_QUICKLIST_2 = 18;

/** Quicklist node containers (RDB_TYPE_LIST_QUICKLIST_2). */
const NODE_PLAIN = 1;
const NODE_PACKED = 2;

/** Redis's SIZE_ESTIMATE_OVERHEAD when deciding whether an element still fits a node. */
const QUICKLIST_ENTRY_OVERHEAD_BYTES = 8;
// ---------------------------------------------------------------------------------------------------
// Values

/** The members as integers when the set qualifies for an intset, else null. */
function intsetMembers(s: Set<string>): bigint[] | null {
  const values = intsetValues(s);
  return values === null ? null : [...values.values()];
}

/** The list split into quicklist nodes as RPUSH would fill them (8 KiB listpacks), as encoded listpacks. */
function quicklistNodes(items: readonly string[]): Uint8Array[] {
  const nodes: Uint8Array[] = [];
  let node = new ListpackWriter();
  for (const s of items) {
    if (node.count > 0 && node.bytes + s.length + QUICKLIST_ENTRY_OVERHEAD_BYTES > LIST_NODE_BYTES_MAX) {
      nodes.push(node.finish());
      node = new ListpackWriter();
    }
    node.push(s);
  }
  if (node.count > 0) nodes.push(node.finish());
  return nodes;
}

/** Integral scores within ±2^62 are stored as listpack integers (Redis double2ll), others as %.17g. */
const LISTPACK_INTEGER_SCORE_MAX = 2 ** 62;

function scoreText(score: number): string {
  if (Number.isInteger(score) && Math.abs(score) <= LISTPACK_INTEGER_SCORE_MAX) return BigInt(score).toString();
  return formatDouble17g(score);
}

function writeValue(out: ByteOut, e: Entry): void {
  switch (e.type) {
    case "string":
      out.byte(TYPE_STRING);
      writeString(out, e.data as string);
      return;
    case "list": {
      out.byte(TYPE_LIST_QUICKLIST_2);
      const nodes = quicklistNodes(e.data.toArray());
      writeLength(out, nodes.length);
      for (const node of nodes) {
        writeLength(out, NODE_PACKED);
        writeBlob(out, node);
      }
      return;
    }
    case "set": {
      const ints = intsetMembers(e.data);
      if (ints !== null) {
        out.byte(TYPE_SET_INTSET);
        writeBlob(out, intsetEncode(ints));
        return;
      }
      out.byte(TYPE_SET);
      writeLength(out, e.data.size);
      for (const m of e.data) writeString(out, m);
      return;
    }
    case "hash": {
      if (hashIsListpack(e.data)) {
        out.byte(TYPE_HASH_LISTPACK);
        const items: string[] = [];
        for (const [f, v] of e.data) items.push(f, v);
        writeBlob(out, listpackEncode(items));
        return;
      }
      out.byte(TYPE_HASH);
      writeLength(out, e.data.size);
      for (const [f, v] of e.data) {
        writeString(out, f);
        writeString(out, v);
      }
      return;
    }
    case "zset": {
      if (e.data.encoding === "listpack") {
        out.byte(TYPE_ZSET_LISTPACK);
        const items: string[] = [];
        for (const [m, s] of e.data.entries()) items.push(m, scoreText(s));
        writeBlob(out, listpackEncode(items));
        return;
      }
      // Redis writes a skiplist from the highest element down, so loading inserts at the head.
      out.byte(TYPE_ZSET_2);
      writeLength(out, e.data.size);
      const all = [...e.data.entries()];
      for (let i = all.length - 1; i >= 0; i--) {
        const [m, s] = all[i] as [string, number];
        writeString(out, m);
        const d = new Uint8Array(8);
        new DataView(d.buffer).setFloat64(0, s, true);
        out.bytes(d);
      }
      return;
    }
  }
}

/** One key of an RDB file (rdbSaveKeyValuePair without the expiry): value type, key, value. */
export function writeRdbRecord(out: ByteOut, key: string, e: Entry): void {
  const value = new ByteOut();
  writeValue(value, e);
  const bytes = value.view();
  out.byte(bytes[0] as number);
  writeString(out, key);
  out.bytes(bytes.subarray(1));
}

/** DUMP's payload for a (hot) entry: value, RDB version, CRC64. */
export function dumpPayload(e: Entry): Uint8Array {
  const out = new ByteOut();
  writeValue(out, e);
  out.uintLE(RDB_VERSION, 2);
  out.bytes(crc64(out.view()));
  return out.view().slice();
}

/** RESTORE's checks (verifyDumpPayload): footer present, version known, checksum right. */
export function payloadFooterValid(payload: Uint8Array): boolean {
  if (payload.length < 10) return false;
  const footer = payload.length - 10;
  const version = (payload[footer] as number) | ((payload[footer + 1] as number) << 8);
  if (version > RDB_VERSION) return false;
  const crc = crc64(payload.subarray(0, payload.length - 8));
  for (let i = 0; i < 8; i++) if (crc[i] !== payload[payload.length - 8 + i]) return false;
  return true;
}

function scoreFromText(text: string): number {
  const v = parseDouble(latin1Bytes(text));
  if (v === null) {
    if (text === "nan") bad("nan score");
    bad("bad score");
  }
  return v;
}

function zsetFromPairs(pairs: Iterable<[string, number]>, size: number, compactLoad: boolean): SortedSet {
  const list = [...pairs];
  let memberBytesMax = 0;
  if (!compactLoad) for (const [m] of list) memberBytesMax = Math.max(memberBytesMax, m.length);
  // A compact payload stays compact unless it has too many entries; a skiplist payload is made compact
  // when it fits (Redis rdbLoadObject).
  const z = new SortedSet({ sizeHint: size, memberBytesMax: compactLoad ? 0 : memberBytesMax });
  for (const [m, s] of list) {
    if (Number.isNaN(s)) bad("nan score");
    if (!z.add(m, s)) bad("duplicate zset member");
  }
  return z;
}

function pairsOf(items: readonly string[]): [string, string][] {
  if (items.length % 2 !== 0) bad("odd number of elements");
  const out: [string, string][] = [];
  for (let i = 0; i < items.length; i += 2) out.push([items[i] as string, items[i + 1] as string]);
  return out;
}

function hashFromPairs(pairs: readonly [string, string][]): Map<string, string> {
  const h = new Map<string, string>();
  for (const [f, v] of pairs) {
    if (h.has(f)) bad("duplicate hash field");
    h.set(f, v);
  }
  return h;
}

function setFromMembers(members: readonly string[]): Set<string> {
  const s = new Set<string>();
  for (const m of members) {
    if (s.has(m)) bad("duplicate set member");
    s.add(m);
  }
  return s;
}

function nonEmpty<T extends { readonly length: number } | { readonly size: number }>(v: T): T {
  const n = "length" in v ? v.length : v.size;
  if (n === 0) bad("empty collection");
  return v;
}

function readValue(r: Reader, type: number): Entry {
  switch (type) {
    case TYPE_STRING:
      return newStringEntry(r.string());
    case TYPE_LIST: {
      const n = r.count();
      const d = new Deque<string>();
      for (let i = 0; i < n; i++) d.pushBack(r.string());
      return newEntry("list", nonEmpty(d));
    }
    case TYPE_LIST_ZIPLIST:
      return newEntry("list", nonEmpty(Deque.from(ziplistDecode(r.stringBytes()))));
    case TYPE_LIST_QUICKLIST:
    case TYPE_LIST_QUICKLIST_2: {
      const nodes = r.count();
      const d = new Deque<string>();
      for (let i = 0; i < nodes; i++) {
        const container = type === TYPE_LIST_QUICKLIST_2 ? r.length() : NODE_PACKED;
        if (container !== NODE_PLAIN && container !== NODE_PACKED) bad("unknown quicklist container");
        const blob = r.stringBytes();
        // Redis refuses an empty blob for either container, before it looks inside.
        if (blob.length === 0) bad("empty quicklist node");
        if (container === NODE_PLAIN) {
          d.pushBack(latin1(blob));
          continue;
        }
        const items = type === TYPE_LIST_QUICKLIST_2 ? listpackDecode(blob) : ziplistDecode(blob);
        // A node that holds no entries (a bare header) is skipped, as Redis does.
        for (const s of items) d.pushBack(s);
      }
      return newEntry("list", nonEmpty(d));
    }
    case TYPE_SET: {
      const n = r.count();
      const members: string[] = [];
      for (let i = 0; i < n; i++) members.push(r.string());
      return newEntry("set", nonEmpty(setFromMembers(members)));
    }
    case TYPE_SET_INTSET:
      return newEntry("set", nonEmpty(setFromMembers(intsetDecode(r.stringBytes()))));
    case TYPE_HASH: {
      const n = r.count();
      const pairs: [string, string][] = [];
      for (let i = 0; i < n; i++) pairs.push([r.string(), r.string()]);
      return newEntry("hash", nonEmpty(hashFromPairs(pairs)));
    }
    case TYPE_HASH_ZIPMAP:
      return newEntry("hash", nonEmpty(hashFromPairs(zipmapDecode(r.stringBytes()))));
    case TYPE_HASH_ZIPLIST:
      return newEntry("hash", nonEmpty(hashFromPairs(pairsOf(ziplistDecode(r.stringBytes())))));
    case TYPE_HASH_LISTPACK:
      return newEntry("hash", nonEmpty(hashFromPairs(pairsOf(listpackDecode(r.stringBytes())))));
    case TYPE_ZSET:
    case TYPE_ZSET_2: {
      const n = r.count();
      const pairs: [string, number][] = [];
      for (let i = 0; i < n; i++) {
        const m = r.string();
        pairs.push([m, type === TYPE_ZSET_2 ? r.binaryDouble() : r.textDouble()]);
      }
      if (n === 0) bad("empty collection");
      return newEntry("zset", zsetFromPairs(pairs, n, false));
    }
    case TYPE_ZSET_ZIPLIST:
    case TYPE_ZSET_LISTPACK: {
      const items = type === TYPE_ZSET_LISTPACK ? listpackDecode(r.stringBytes()) : ziplistDecode(r.stringBytes());
      const pairs = pairsOf(items).map(([m, s]): [string, number] => [m, scoreFromText(s)]);
      if (pairs.length === 0) bad("empty collection");
      return newEntry("zset", zsetFromPairs(pairs, pairs.length, true));
    }
    default:
      return bad(`unsupported object type ${type}`);
  }
}

/**
 * Decodes a RESTORE payload whose footer was checked; throws RdbFormatError on anything wrong. Like
 * Redis, the reader may run on into the footer's bytes (a value is not checked to end before it).
 */
export function restoreValue(payload: Uint8Array): Entry {
  const r = new Reader(payload);
  const type = r.byte();
  return readValue(r, type);
}
