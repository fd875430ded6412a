// Memory cooling: under maxmemory, values go cold before any key is evicted (DESIGN promise 4).
//
// A value can go cold without losing anything only if its bytes already sit, unchanged, in a file at a
// known place. Merges give large values such a place (their snapshot record); this module gives one to
// every string of at least `coolableBytesMin` bytes that a write put verbatim into its log record
// (SET, SETEX, MSET, GETSET, ... and the PUTs of cross-shard writes): the value is one argument of the
// record, so its location is the record (segment, offset, length) plus where the argument starts.
//
//   1. After a unit, each touched key whose new value is such a string is matched against the ops the
//      unit appended for its shard (byte comparison: only an exact copy qualifies).
//   2. When the log writes the batch holding that record (pwrite done, so a read finds the bytes), the
//      entry gets `cold` = the reference, if it still holds the same value, is still under the same key,
//      and no merge that started meanwhile will delete that segment (a merge repoints every entry with
//      a reference it sees, but it only sees the ones set before its walk reached them). The entry is
//      now "coolable": value in memory and on disk.
//   3. Under memory pressure the Evictor asks for victims before evicting keys: the value is dropped
//      from memory (data = null) and reads go through the existing cold path (preloaded off-thread).
//
// A write to the key clears the reference (StorageManager.beforeKeyChange), so a reference is never
// stale; merges repoint references into their snapshot before deleting segments, as for cold values.
// Nothing here is logged: which values are in memory is local to this node, like the page cache.
//
// Only in standalone: in cluster mode the shard log is replaced by the Raft group log (no candidates).
import type { MaxmemoryPolicy } from "../config/params.ts";
import { BufferedStringEntry, type StringEntry } from "../keyspace/entry.ts";
import { lfuDecayed } from "../keyspace/memory.ts";
import { coldFileId } from "../storage/snapshot.ts";
import { opCmd, opPut, visitValueOffsets, type LogEntry, type LogOp } from "../storage/record.ts";
import { valueTypeCodes } from "../storage/value-codec.ts";
import type { Shard } from "./shard.ts";

/**
 * Strings shorter than this are never given a log location: the reference object (~60 bytes) would cost
 * a good part of what going cold saves, and evicting a small key frees about as much.
 */
export const coolableBytesMin = 256;
/** Invalid pool entries dropped per victim search before giving up (each one is dropped for good). */
const staleScanMax = 10_000;

interface UnitAppend {
  readonly shard: number;
  readonly entry: LogEntry;
  /** Built at the first touched key that needs it. */
  layout: RecordLayout | null;
  readonly recordStart: number;
  readonly recordBytes: number;
  readonly batch: number;
}

/** A value whose record is in a batch not yet written. */
interface Placement {
  readonly db: number;
  readonly key: string;
  readonly entry: StringEntry;
  readonly value: string;
  /** The batch holding the record and its start there (both move when a seal splits the batch). */
  batch: number;
  recordStart: number;
  /** Record size, value start within the record. */
  readonly recordBytes: number;
  readonly valueAt: number;
}

interface PoolSlot {
  readonly shard: number;
  readonly db: number;
  readonly key: string;
}

export interface CoolVictim {
  readonly shard: number;
  readonly db: number;
  readonly key: string;
  readonly entry: StringEntry;
}

export class MemoryCooler {
  /** Locations are tracked only while maxmemory is set (the Evictor keeps this current). */
  enabled = false;
  private readonly unitAppends: UnitAppend[] = [];
  /** Per shard, in batch order. */
  private readonly placements: Placement[][];
  private readonly placementHead: number[];
  /** Coolable entries (value in memory and at a known location), with where they live. */
  private readonly pool = new Map<StringEntry, PoolSlot>();
  private cursor: Iterator<[StringEntry, PoolSlot]> | null = null;
  cooledValues = 0;
  cooledBytes = 0;

  constructor(private readonly shards: readonly Shard[]) {
    this.placements = shards.map(() => []);
    this.placementHead = shards.map(() => 0);
  }

  get coolable(): number {
    return this.pool.size;
  }

  /** The engine appended `entry` to a shard's log (record [start, end) of batch `batch`). */
  noteAppended(shard: number, entry: LogEntry, start: number, end: number, batch: number): void {
    this.unitAppends.push({ shard, entry, layout: null, recordStart: start, recordBytes: end - start, batch });
  }

  get hasUnitAppends(): boolean {
    return this.unitAppends.length > 0;
  }

  /** After a unit: a touched key's new state; remembers it if its value is carried by the unit's record. */
  noteTouched(shard: number, db: number, key: string, e: StringEntry): void {
    // A buffered value was changed in place: no record carries it (and reading `data` would build it).
    if (e instanceof BufferedStringEntry) return;
    const value = e.data;
    if (value === null || value.length < coolableBytesMin || e.cold !== null) return;
    for (const a of this.unitAppends) {
      if (a.shard !== shard) continue;
      const valueAt = (a.layout ??= new RecordLayout(a.entry)).find(db, key, value);
      if (valueAt < 0) continue;
      this.placements[shard]?.push({ db, key, entry: e, value, batch: a.batch, recordStart: a.recordStart, recordBytes: a.recordBytes, valueAt });
      return;
    }
  }

  endUnit(): void {
    if (this.unitAppends.length !== 0) this.unitAppends.length = 0;
  }

  /**
   * A shard's batch is in its segment file, its first `writtenBytes` at least: their values get their
   * location (step 2 above); records past a seal point move to the front of the next batch.
   */
  batchWritten(shard: Shard, batch: number, segment: number, fileOffset: number, writtenBytes: number): void {
    const list = this.placements[shard.id] as Placement[];
    let head = this.placementHead[shard.id] as number;
    // A merge running now deletes the segments below its first one without seeing references set
    // after its walk passed the key; values placed there stay hot (a merge cools large ones itself).
    const mergeFloor = shard.merge?.firstSegment ?? 0;
    while (head < list.length && (list[head] as Placement).batch <= batch) {
      const p = list[head] as Placement;
      if (p.batch === batch && p.recordStart >= writtenBytes) {
        // Carried over: this and every later placement of the batch (records keep their order).
        for (let i = head; i < list.length && (list[i] as Placement).batch === batch; i++) {
          const q = list[i] as Placement;
          q.batch = batch + 1;
          q.recordStart -= writtenBytes;
        }
        break;
      }
      head++;
      if (p.batch !== batch || segment < mergeFloor) continue;
      const e = p.entry;
      if (e.cold !== null || e.data !== p.value || shard.state.db(p.db).map.get(p.key) !== e) continue;
      e.cold = { segment: coldFileId(shard.id, segment), offset: fileOffset + p.recordStart, length: p.recordBytes, valueAt: p.valueAt };
      this.pool.set(e, { shard: shard.id, db: p.db, key: p.key });
    }
    if (head === list.length) {
      list.length = 0;
      head = 0;
    }
    this.placementHead[shard.id] = head;
  }

  /**
   * Recovery: `entry` was replayed from the record at `segment`/`offset`; the keys it wrote (`keys`:
   * database and key) that now hold one of its values verbatim get the record as their location, as
   * after a live write. Call right after applying the entry (later entries clear what they change).
   */
  locateReplayed(shard: Shard, entry: LogEntry, at: { segment: number; offset: number }, keys: readonly (readonly [number, string])[]): void {
    let layout: RecordLayout | null = null;
    for (const [db, key] of keys) {
      const e = shard.state.db(db).map.get(key);
      // A buffered value (changed in place) is in no record: never given a location.
      if (e?.type !== "string" || e instanceof BufferedStringEntry || e.data === null || e.cold !== null || e.data.length < coolableBytesMin) continue;
      layout ??= new RecordLayout(entry);
      const valueAt = layout.find(db, key, e.data);
      if (valueAt >= 0) this.locate(shard.id, db, key, e, { segment: at.segment, offset: at.offset, length: layout.recordBytes, valueAt });
    }
  }

  /**
   * Recovery of a plain `SET key value` record (replayed without decoding it): `e`, the entry it stored,
   * gets the record as its location when its value is large enough to go cold.
   */
  locateReplayedSet(shard: Shard, db: number, key: string, e: StringEntry, record: { segment: number; offset: number; length: number; valueAt: number }): void {
    if (e.data !== null && e.cold === null && e.data.length >= coolableBytesMin) this.locate(shard.id, db, key, e, record);
  }

  private locate(shard: number, db: number, key: string, e: StringEntry, record: { segment: number; offset: number; length: number; valueAt: number }): void {
    e.cold = { segment: coldFileId(shard, record.segment), offset: record.offset, length: record.length, valueAt: record.valueAt };
    this.pool.set(e, { shard, db, key });
  }

  /** An entry loaded from a snapshot with its value in memory and its record's location (coolable). */
  adopt(shard: number, db: number, key: string, e: StringEntry): void {
    if (e.data !== null && e.cold !== null) this.pool.set(e, { shard, db, key });
  }

  /** The entry is changing or going away: it is no longer coolable. */
  forget(e: StringEntry): void {
    if (this.pool.size > 0) this.pool.delete(e);
  }

  /** A database of a shard is flushed: its entries must not be kept alive by the pool. */
  forgetDb(shard: number, db: number): void {
    for (const [e, slot] of this.pool) if (slot.shard === shard && slot.db === db) this.pool.delete(e);
  }

  /**
   * Picks the value to drop from memory, or null when none can go cold. Samples `samples` coolable
   * values and takes the least recently used (the least frequently used under an LFU policy): going
   * cold costs a disk read at the next access, so the value least likely to be read soon should pay it.
   * Every pooled value is at least coolableBytesMin, so size matters less than how hot it is; a large
   * value read all the time would only be loaded back over and over. Keys are not evicted meanwhile, so
   * the policy's all-keys/volatile distinction does not apply: going cold loses nothing.
   */
  pickVictim(policy: MaxmemoryPolicy, samples: number, writable: (shard: number) => boolean, nowMs: number): CoolVictim | null {
    const lfu = policy === "allkeys-lfu" || policy === "volatile-lfu";
    let best: CoolVictim | null = null;
    let bestScore = Infinity;
    let seen = 0;
    let stale = 0;
    let wrapped = false;
    while (seen < samples && this.pool.size > 0 && stale < staleScanMax) {
      this.cursor ??= this.pool.entries();
      const n = this.cursor.next();
      if (n.done) {
        this.cursor = null;
        if (wrapped) break;
        wrapped = true;
        continue;
      }
      const [e, slot] = n.value;
      const shard = this.shards[slot.shard];
      if (e.data === null || e.cold === null || shard === undefined || shard.state.db(slot.db).map.get(slot.key) !== e) {
        this.pool.delete(e);
        stale++;
        continue;
      }
      if (!writable(slot.shard)) continue;
      seen++;
      const score = lfu ? lfuDecayed(e, nowMs) * 1e15 + e.accessedAt : e.accessedAt;
      if (score < bestScore) {
        bestScore = score;
        best = { shard: slot.shard, db: slot.db, key: slot.key, entry: e };
      }
    }
    return best;
  }

  /** The victim's value was dropped (StorageManager did the accounting). */
  cooled(v: CoolVictim, bytes: number): void {
    this.pool.delete(v.entry);
    this.cooledValues++;
    this.cooledBytes += bytes;
  }
}

/** Whether a record carries any value long enough to be given a location (recovery skips the rest cheaply). */
export function carriesCoolableValue(entry: LogEntry): boolean {
  for (const op of entry.ops) {
    if (op.kind === opPut && op.value.length >= coolableBytesMin) return true;
    if (op.kind === opCmd) for (let i = 2; i < op.argv.length; i++) if ((op.argv[i] as string | Uint8Array).length >= coolableBytesMin) return true;
  }
  return false;
}

/** Records with up to this many values are searched whole; larger ones through an index of their keys. */
const scanValuesMax = 16;
/** Longer arguments are not indexed as possible keys (they are values). */
const indexedKeyBytesMax = 1024;

/**
 * Where each argument and PUT value of a record starts (visitValueOffsets, computed once per record),
 * and for large records (MSET of many keys, a cross-shard unit's PUTs) an index from key to position,
 * so matching every key of the record costs O(record), not O(record^2).
 */
class RecordLayout {
  readonly recordBytes: number;
  private readonly op: number[] = [];
  private readonly arg: number[] = [];
  private readonly at: number[] = [];
  private keyIndex: Map<string, number> | null = null;

  constructor(private readonly entry: LogEntry) {
    this.recordBytes = visitValueOffsets(entry, (opIndex, argIndex, at) => {
      this.op.push(opIndex);
      this.arg.push(argIndex);
      this.at.push(at);
    });
  }

  /** Where `value` (now stored under `key` in database `db`) starts in the record; -1 if it is not there. */
  find(db: number, key: string, value: string): number {
    const n = this.at.length;
    if (n <= scanValuesMax) {
      for (let i = 0; i < n; i++) if (this.holds(i, db, value)) return this.at[i] as number;
      return -1;
    }
    const i = this.index().get(key);
    if (i === undefined) return -1;
    if (this.arg[i] === -1) return this.holds(i, db, value) ? (this.at[i] as number) : -1;
    // A command's key: its value follows it (SET k v, MSET k v ..., SETEX k seconds v).
    for (let j = i + 1; j <= i + 2 && j < n; j++) if (this.op[j] === this.op[i] && this.holds(j, db, value)) return this.at[j] as number;
    return -1;
  }

  /** Key -> position of a command argument equal to it (the last one: MSET's last write wins) or of its PUT value. */
  private index(): Map<string, number> {
    if (this.keyIndex !== null) return this.keyIndex;
    const index = new Map<string, number>();
    for (let i = 0; i < this.at.length; i++) {
      const op = this.entry.ops[this.op[i] as number] as LogOp;
      const argIndex = this.arg[i] as number;
      if (op.kind === opPut) index.set(op.key, i);
      else if (op.kind === opCmd && argIndex >= 1) {
        const a = op.argv[argIndex] as string | Uint8Array;
        if (a.length <= indexedKeyBytesMax) index.set(typeof a === "string" ? a : Buffer.from(a.buffer, a.byteOffset, a.length).toString("latin1"), i);
      }
    }
    return (this.keyIndex = index);
  }

  /** Whether value position `i` holds exactly `value`, as a command argument or a string PUT of database `db`. */
  private holds(i: number, db: number, value: string): boolean {
    const op = this.entry.ops[this.op[i] as number] as LogOp;
    if (op.db !== db) return false;
    const argIndex = this.arg[i] as number;
    if (op.kind === opCmd && argIndex >= 1) return sameBytes(op.argv[argIndex] as string | Uint8Array, value);
    if (op.kind === opPut && argIndex === -1 && op.valueType === valueTypeCodes.string) return sameBytes(op.value, value);
    return false;
  }
}

function sameBytes(bytes: string | Uint8Array, value: string): boolean {
  if (bytes.length !== value.length) return false;
  if (typeof bytes === "string") return bytes === value;
  // Decoding natively and comparing strings is several times faster than a byte loop in JS (measured:
  // ~2 ns/byte for the loop).
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1") === value;
}
