// Serialises a value for PUT records (cross-shard writes and merge snapshots).
//   string: the bytes; hash: count (field value)*; list/set: count member*; zset: count (score member)*
import { Deque } from "../keyspace/deque.ts";
import { latin1, newEntry, newStringEntry, type Entry, type ValueType } from "../keyspace/entry.ts";
import { SortedSet } from "../keyspace/sorted-set.ts";
import { ByteWriter } from "./record.ts";

export const valueTypeCodes: Record<ValueType, number> = { string: 0, list: 1, set: 2, zset: 3, hash: 4 };
const typeOfCode: ValueType[] = ["string", "list", "set", "zset", "hash"];

const scratch = new ByteWriter(4096);

/** Encodes the value of a hot entry. The returned view is valid until the next call. */
export function encodeValue(e: Entry): Uint8Array {
  const w = scratch;
  w.reset();
  switch (e.type) {
    case "string":
      if (e.data === null) throw new Error("bug: encodeValue on a cold string");
      return Buffer.from(e.data, "latin1");
    case "hash":
      w.u32(e.data.size);
      for (const [f, v] of e.data) {
        w.bytes(f);
        w.bytes(v);
      }
      break;
    case "list":
      w.u32(e.data.length);
      for (let i = 0; i < e.data.length; i++) w.bytes(e.data.at(i) as string);
      break;
    case "set":
      w.u32(e.data.size);
      for (const m of e.data) w.bytes(m);
      break;
    case "zset":
      w.u32(e.data.size);
      for (const [m, s] of e.data.entries()) {
        w.f64(s);
        w.bytes(m);
      }
      break;
  }
  return w.view_(0);
}

export function decodeValue(typeCode: number, bytes: Uint8Array, expireAt: number): Entry {
  const type = typeOfCode[typeCode];
  if (type === undefined) throw new Error(`unknown value type code ${typeCode}`);
  if (type === "string") return newStringEntry(latin1(bytes), expireAt);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const u32 = (): number => {
    const v = dv.getUint32(at, true);
    at += 4;
    return v;
  };
  const str = (): string => {
    const n = u32();
    const s = Buffer.from(bytes.buffer, bytes.byteOffset + at, n).toString("latin1");
    at += n;
    return s;
  };
  const count = u32();
  let e: Entry;
  if (type === "hash") {
    const m = new Map<string, string>();
    for (let i = 0; i < count; i++) {
      const f = str();
      m.set(f, str());
    }
    e = newEntry("hash", m);
  } else if (type === "list") {
    const d = new Deque<string>(count);
    for (let i = 0; i < count; i++) d.pushBack(str());
    e = newEntry("list", d);
  } else if (type === "set") {
    const s = new Set<string>();
    for (let i = 0; i < count; i++) s.add(str());
    e = newEntry("set", s);
  } else {
    const z = new SortedSet();
    for (let i = 0; i < count; i++) {
      const score = dv.getFloat64(at, true);
      at += 8;
      z.add(str(), score);
    }
    e = newEntry("zset", z);
  }
  e.expireAt = expireAt;
  return e;
}
