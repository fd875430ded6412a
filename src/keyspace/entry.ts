// A key's value and metadata. All data is carried as latin1 "byte strings": each char code 0..255 is
// one byte, so keys, members and string values are binary-safe and compact in the JS engine.
import type { Deque } from "./deque.ts";
import type { SortedSet } from "./sorted-set.ts";

export type ValueType = "string" | "list" | "hash" | "set" | "zset";

/**
 * Where a string value lives on disk: its bytes are read on demand. `segment` is a file id
 * (storage/snapshot.ts coldFileId: shard and file number), `offset`/`length` span one whole record.
 * Without `valueAt` the record is a snapshot PUT; with it, a log segment record in which the value's
 * bytes start at `valueAt` (engine/cooling.ts).
 *
 * A string entry with `cold` set and `data` null is cold; with both set, its value is in memory and
 * also at `cold` (loaded for a read, or a copy memory cooling may drop); a write clears `cold`.
 */
export interface ColdRef {
  readonly segment: number;
  readonly offset: number;
  readonly length: number;
  readonly valueAt?: number;
}

interface EntryBase {
  /** Absolute expiry time in ms since the epoch; 0 when the key does not expire. */
  expireAt: number;
  /** Logical access time in ms (for LRU and OBJECT IDLETIME). */
  accessedAt: number;
  /** Redis-style logarithmic access counter (for LFU and OBJECT FREQ). */
  frequency: number;
  /** The key's position in its database's scan order (KeyMap); -1 while not stored. */
  scanSlot: number;
  /** Estimated bytes this key and value occupy, as counted in its database's usedBytes. */
  sizeBytes: number;
}

export interface StringEntry extends EntryBase {
  type: "string";
  /** The value, or null while it is cold (then `cold` says where it is). */
  data: string | null;
  cold: ColdRef | null;
}
export interface HashEntry extends EntryBase {
  type: "hash";
  data: Map<string, string>;
}
export interface ListEntry extends EntryBase {
  type: "list";
  data: Deque<string>;
}
export interface SetEntry extends EntryBase {
  type: "set";
  data: Set<string>;
}
export interface ZSetEntry extends EntryBase {
  type: "zset";
  data: SortedSet;
}

export type Entry = StringEntry | HashEntry | ListEntry | SetEntry | ZSetEntry;

export function newStringEntry(data: string, expireAt = 0): StringEntry {
  return { type: "string", data, cold: null, expireAt, accessedAt: 0, frequency: 5, scanSlot: -1, sizeBytes: 0 };
}

export function newEntry<T extends Entry["type"]>(type: T, data: Extract<Entry, { type: T }>["data"]): Extract<Entry, { type: T }> {
  return { type, data, cold: null, expireAt: 0, accessedAt: 0, frequency: 5, scanSlot: -1, sizeBytes: 0 } as unknown as Extract<Entry, { type: T }>;
}

/**
 * From this length a string changed in place (SETBIT, SETRANGE, BITFIELD, APPEND to such a value)
 * is kept as a BufferedStringEntry: a byte change then costs O(1) instead of a copy of the value.
 */
export const bufferedStringBytesMin = 4096;

/**
 * A string value changed in place, as Redis changes an sds: its bytes live in a growable buffer, and
 * `data` (the latin1 string every other reader uses) is made from them on first use after a change
 * and cached until the next one. Assigning `data` (a value loaded from disk, a value dropped because it
 * went cold) puts the entry back to holding a plain string; the next in-place change makes the buffer
 * again. Only `length`, `byteAt` and `bytes` read a buffered value without building the string:
 * code that runs on every entry (memory and live-bytes estimates, cold checks) must use them (through
 * stringInMemory/stringLength below), or a single SETBIT would cost a copy of the value again.
 */
export class BufferedStringEntry implements StringEntry {
  readonly type = "string" as const;
  cold: ColdRef | null = null;
  expireAt: number;
  accessedAt: number;
  frequency: number;
  scanSlot: number;
  sizeBytes: number;
  /** The value's bytes are buffer[0, bufferLength) while it is buffered; null while it is `text` (or cold). */
  private buffer: Uint8Array | null = null;
  private bufferLength = 0;
  /** The value as a string: the value itself when not buffered, else a cached copy (null: not made yet). */
  private text: string | null;

  constructor(from: StringEntry) {
    this.text = from.data;
    this.cold = from.cold;
    this.expireAt = from.expireAt;
    this.accessedAt = from.accessedAt;
    this.frequency = from.frequency;
    this.scanSlot = from.scanSlot;
    this.sizeBytes = from.sizeBytes;
  }

  get data(): string | null {
    if (this.buffer !== null && this.text === null) this.text = latin1(this.buffer.subarray(0, this.bufferLength));
    return this.text;
  }

  set data(value: string | null) {
    this.text = value;
    this.buffer = null;
    this.bufferLength = 0;
  }

  /** Whether the value is in memory (buffered or as a string), without building the string. */
  get inMemory(): boolean {
    return this.buffer !== null || this.text !== null;
  }

  /** The value's length in bytes (0 when it is not in memory). */
  get length(): number {
    return this.buffer !== null ? this.bufferLength : (this.text?.length ?? 0);
  }

  /** Bytes held for the value: the buffer's capacity while buffered (what the memory estimate counts). */
  get heldBytes(): number {
    return this.buffer !== null ? this.buffer.length : (this.text?.length ?? 0);
  }

  byteAt(index: number): number {
    return this.buffer !== null ? (this.buffer[index] as number) : (this.text as string).charCodeAt(index);
  }

  /**
   * The value's bytes, valid until the next change (the buffer is made from the string if needed).
   * A caller that writes into them calls changedInPlace() after.
   */
  bytes(): Uint8Array {
    return this.buffered().subarray(0, this.bufferLength);
  }

  /** The bytes' string when there is one already, else a view of the buffer: for reading only. */
  view(): string | Uint8Array {
    return this.text ?? this.bytes();
  }

  /** The bytes from bytes() were changed by the caller: the cached string is stale. */
  changedInPlace(): void {
    this.text = null;
  }

  /** Grows the value to at least `length` bytes, zero-filled (Redis's sdsgrowzero). */
  growZero(length: number): void {
    this.buffered();
    if (length <= this.bufferLength) return;
    this.reserve(length);
    (this.buffer as Uint8Array).fill(0, this.bufferLength, length);
    this.bufferLength = length;
    this.text = null;
  }

  setByte(index: number, value: number): void {
    const buffer = this.buffered();
    if (index >= this.bufferLength) throw new RangeError(`bug: byte ${index} past a buffered value of ${this.bufferLength}`);
    buffer[index] = value;
    this.text = null;
  }

  /** Writes `bytes` (a latin1 string) at `offset`, zero-filling any gap before it (SETRANGE). */
  write(offset: number, bytes: string): void {
    this.growZero(offset + bytes.length);
    const buffer = this.buffer as Uint8Array;
    for (let i = 0; i < bytes.length; i++) buffer[offset + i] = bytes.charCodeAt(i);
    this.text = null;
  }

  /** Appends `bytes` (a latin1 string), amortised O(its length): the buffer grows by doubling. */
  append(bytes: string): void {
    const at = this.length;
    this.buffered();
    this.reserve(at + bytes.length);
    const buffer = this.buffer as Uint8Array;
    for (let i = 0; i < bytes.length; i++) buffer[at + i] = bytes.charCodeAt(i);
    this.bufferLength = at + bytes.length;
    this.text = null;
  }

  /** The buffer, made from the string value first when the entry holds a string. */
  private buffered(): Uint8Array {
    if (this.buffer !== null) return this.buffer;
    const text = this.text;
    if (text === null) throw new Error("bug: in-place change of a cold string (load it first)");
    const buffer = new Uint8Array(new ArrayBuffer(Math.max(text.length, 16)));
    buffer.set(Buffer.from(text, "latin1"));
    this.buffer = buffer;
    this.bufferLength = text.length;
    return buffer;
  }

  /** Capacity for at least `length` bytes (doubling, as sds grows). The cached string stays valid. */
  private reserve(length: number): void {
    const buffer = this.buffer as Uint8Array;
    if (length <= buffer.length) return;
    let capacity = buffer.length * 2;
    while (capacity < length) capacity *= 2;
    const next = new Uint8Array(new ArrayBuffer(capacity));
    next.set(buffer.subarray(0, this.bufferLength));
    this.buffer = next;
  }
}

/** Whether a string entry's value is in memory (not cold), without building it. */
export function stringInMemory(e: StringEntry): boolean {
  return e instanceof BufferedStringEntry ? e.inMemory : e.data !== null;
}

/** The length of a string entry's value in memory, without building it (0 when it is cold). */
export function stringLength(e: StringEntry): number {
  return e instanceof BufferedStringEntry ? e.length : (e.data?.length ?? 0);
}

/** Bytes a string entry holds in memory for its value (a buffered value counts its capacity). */
export function stringHeldBytes(e: StringEntry): number {
  return e instanceof BufferedStringEntry ? e.heldBytes : (e.data?.length ?? 0);
}

/**
 * A string entry ready for an in-place change of a value of `length` bytes (or more): the entry itself
 * when it is buffered or the value is short (short values are cheaper to copy), else a buffered copy
 * the caller stores in place of the entry. The entry's value must be in memory.
 */
export function bufferedForChange(e: StringEntry, length: number): StringEntry {
  if (e instanceof BufferedStringEntry || length < bufferedStringBytesMin) return e;
  return new BufferedStringEntry(e);
}

/**
 * latin1 byte string of a view (copies: a socket chunk must not be retained by stored values).
 * Buffer's latin1Slice maps every byte 0..255 to the same char code (WHATWG's TextDecoder "latin1" is
 * windows-1252 and would not) and works on any Uint8Array; measured on Bun 1.4.5 it is the fastest
 * conversion from 4 bytes up (~55 ns for 16 bytes, against ~70 ns through TextDecoder and ~110 ns by
 * concatenation, which also builds a rope a Map lookup must flatten).
 */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: (this: Uint8Array, start: number, end: number) => string }).latin1Slice;

/** Below this length concatenating char codes is cheapest (command names, short fields). */
const concatBytesMax = 4;

export function latin1(view: Uint8Array): string {
  const n = view.length;
  if (n < concatBytesMax) {
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(view[i] as number);
    return s;
  }
  if (latin1Slice !== undefined) return latin1Slice.call(view, 0, n);
  return Buffer.from(view.buffer, view.byteOffset, n).toString("latin1");
}

/** latin1 byte string of data[start, end), without a view of the range (recovery reads keys in place). */
export function latin1Range(data: Uint8Array, start: number, end: number): string {
  if (latin1Slice !== undefined) return latin1Slice.call(data, start, end);
  return Buffer.from(data.buffer, data.byteOffset + start, end - start).toString("latin1");
}

export function latin1Bytes(s: string): Uint8Array {
  return Buffer.from(s, "latin1");
}
