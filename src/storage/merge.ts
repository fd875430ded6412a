// Merge (compaction): writes a snapshot of one shard's state as of seq S while the shard keeps serving,
// then drops the log segments the snapshot covers.
//
// Copy-on-write: at the start the merge takes a reference to every database's Map (FLUSHDB replaces
// a database's Map rather than clearing it, and SWAPDB moves Maps between indexes, so a captured Map
// keeps exactly the keys it had). It then walks those Maps in time slices. Before any key changes,
// the engine calls onKeyChange with the key's old entry: if the merge has not captured that key yet,
// it serialises the old entry first, so the snapshot holds the state at S for every key. A key is
// captured once (by the walk or by the hook), tracked per captured Map in a Set of keys; a key created
// after S is marked captured with nothing written, so the walk skips it. (Entries carry
// `snapshotEpoch`, but a replaced entry is a new object, so identity alone cannot tell "changed since
// S"; the per-Map key Set can.)
//
// Commit order: snapshot and hint written as .tmp and fdatasynced; wait until every entry up to S is
// durable on every shard (so the snapshot never holds the effect of a write a crash could still drop,
// which keeps cross-shard writes all-or-nothing); rename snapshot, rename hint, fsync the directory
// (the commit point); repoint cold entries into the new snapshot; only then delete what it covers.
import { BufferedStringEntry, stringInMemory, stringLength, type ColdRef, type Entry, type StringEntry } from "../keyspace/entry.ts";
import type { ShardState } from "../keyspace/shard-state.ts";
import type { SegmentLog } from "./segment-log.ts";
import { SnapshotWriter, coldFileId, deleteSnapshotsBefore, systemDb, type RaftSnapshotMeta, type SnapshotFiles } from "./snapshot.ts";
import { encodeValue, valueTypeCodes } from "./value-codec.ts";
import type { LogIo } from "./io.ts";

/** Keys serialised per slice of the walk before yielding to the event loop. */
export const sliceKeysMax = 2000;
/** Time per slice of the walk before yielding, in ms. */
export const sliceMsMax = 2;
/** Framing and header bytes of one snapshot record, for size estimates. */
export const recordOverheadBytes = 48;

/**
 * Estimated bytes of a key's snapshot record. Exact for hot strings; collections are counted at a
 * flat size per element (reading every element would cost O(n) per write), which the merge
 * calibrates against the real snapshot size (see Engine.deadRatio).
 */
export function entryBytesEstimate(key: string, e: Entry): number {
  const base = recordOverheadBytes + key.length;
  switch (e.type) {
    case "string":
      return base + (stringInMemory(e) ? stringLength(e) : (e.cold?.length ?? 0));
    case "hash":
      return base + e.data.size * 24;
    case "zset":
      return base + e.data.size * 24;
    case "list":
      return base + e.data.length * 16;
    case "set":
      return base + e.data.size * 16;
  }
}

export interface MergeHost {
  readonly shard: number;
  readonly io: LogIo;
  readonly dir: string;
  readonly state: ShardState;
  readonly log: SegmentLog;
  /** This shard's snapshot files (the merge closes the ones it deletes). */
  readonly files: SnapshotFiles;
  /** Reads a cold value wherever it is (a cold entry may point into another shard's files). */
  readCold(ref: ColdRef): Promise<Uint8Array>;
  hotValueBytesMax(): number;
  /**
   * Hot strings of at least this many bytes that did not change keep their new record as a location
   * (value in memory and on disk: memory cooling may drop it, engine/cooling.ts). Infinity: none.
   */
  locateBytesMin(): number;
  /** Resolves once every entry with seq <= `seq` is durable; rejects if the log fails. */
  waitDurable(seq: number): Promise<void>;
  monotonicMs(): number;
}

export interface MergeResult {
  readonly generation: number;
  readonly seq: number;
  readonly firstSegment: number;
  readonly raft: RaftSnapshotMeta | null;
  readonly snapshotBytes: number;
  readonly keys: number;
  /** Sum of entryBytesEstimate over the captured keys (calibrates the live-bytes estimate). */
  readonly estimatedBytes: number;
  readonly bytesFreed: number;
  /** Large strings that became cold, and cold ones repointed into the new snapshot. */
  readonly cooled: number;
  /** Hot strings that got their record as a location (locateBytesMin), where they were at S. */
  readonly located: readonly { readonly db: number; readonly key: string; readonly entry: StringEntry }[];
  readonly repointed: number;
}

export { systemDb } from "./snapshot.ts";

export class MergeAbortedError extends Error {
  override readonly name = "MergeAbortedError";
}

interface ColdCandidate {
  readonly db: number;
  readonly key: string;
  readonly entry: Entry;
  readonly ref: ColdRef;
}

export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class Merge {
  private readonly maps: Map<string, Entry>[];
  private readonly captured: Set<string>[];
  private readonly dbOfMap = new Map<Map<string, Entry>, number>();
  /** Entries changed in place or replaced since S: never made cold or repointed by this merge. */
  private readonly changed = new WeakSet<Entry>();
  private readonly candidates: ColdCandidate[] = [];
  private walking = true;
  private aborted = false;
  private writer: SnapshotWriter | null = null;
  /** Captures of cold values still being read (the hook cannot wait for the disk). */
  private readonly coldCaptures = new Set<Promise<void>>();
  private coldCaptureError: unknown = null;
  private keys = 0;
  private estimatedBytes = 0;
  /** The durability namespaces (BUNKER.CONFIG) at S, written as records of the system database. */
  private readonly namespaces: ReadonlyMap<string, string>;

  constructor(
    private readonly host: MergeHost,
    readonly generation: number,
    readonly seq: number,
    readonly firstSegment: number,
    /** Cluster mode: the Raft position of the state captured now (recorded in the snapshot's header). */
    readonly raft: RaftSnapshotMeta | null = null,
  ) {
    this.maps = host.state.dbs.map((d) => d.map);
    this.namespaces = new Map(host.state.namespaces);
    this.captured = this.maps.map(() => new Set<string>());
    this.maps.forEach((m, i) => this.dbOfMap.set(m, i));
  }

  /** The engine calls this before a key of this shard changes; `old` is hot (cold values are loaded first). */
  onKeyChange(db: number, key: string, old: Entry | undefined): void {
    if (old !== undefined) this.changed.add(old);
    if (!this.walking) return;
    const capturedDb = this.dbOfMap.get(this.host.state.db(db).map);
    if (capturedDb === undefined) return; // a Map created after S (FLUSHDB): nothing in it belongs to S
    const seen = this.captured[capturedDb] as Set<string>;
    if (seen.has(key)) return;
    seen.add(key);
    if (old === undefined || this.writer === null) return;
    if (old.type === "string" && !stringInMemory(old)) this.captureCold(capturedDb, key, old);
    else this.captureHot(capturedDb, key, old);
  }

  /**
   * Captures a cold entry about to change without loading it now: its record is immutable until this
   * merge deletes it, and its expiry is taken now, so the capture is still the state at S.
   */
  private captureCold(db: number, key: string, e: StringEntry): void {
    const ref = e.cold as ColdRef;
    const expireAt = e.expireAt;
    const p: Promise<void> = this.host.readCold(ref).then(
      (value) => {
        this.coldCaptures.delete(p);
        if (this.aborted) return;
        this.write(db, key, { ...e, data: null, cold: ref, expireAt }, value, e);
      },
      (err: unknown) => {
        this.coldCaptures.delete(p);
        this.coldCaptureError ??= err;
      },
    );
    this.coldCaptures.add(p);
  }

  private captureHot(db: number, key: string, e: Entry): void {
    const value = encodeValue(e);
    this.write(db, key, e, value);
  }

  /** Writes one key's record; `live` is the entry object in the keyspace (for cold bookkeeping). */
  private write(db: number, key: string, e: Entry, value: Uint8Array, live: Entry = e): void {
    const w = this.writer as SnapshotWriter;
    const rec = w.add(db, key, valueTypeCodes[e.type], e.expireAt, value);
    this.keys++;
    this.estimatedBytes += entryBytesEstimate(key, e);
    if (live.type === "string" && (e.type === "string" && e.cold !== null || value.length > this.host.hotValueBytesMax() || value.length >= this.host.locateBytesMin())) {
      this.candidates.push({ db, key, entry: live, ref: { segment: coldFileId(this.host.shard, this.generation), offset: rec.offset, length: rec.bytes } });
    }
  }

  abort(): void {
    this.aborted = true;
  }

  private check(): void {
    if (this.aborted) throw new MergeAbortedError("merge aborted");
  }

  /** Runs the merge to its end. On failure the temporary files are removed and nothing changed. */
  async run(): Promise<MergeResult> {
    const { io, dir } = this.host;
    this.writer = new SnapshotWriter(io, dir, this.generation, this.seq, this.firstSegment, this.raft);
    try {
      await this.walk();
      this.walking = false;
      // Bounded: no capture starts once the walk is over.
      while (this.coldCaptures.size > 0) await Promise.all([...this.coldCaptures]);
      if (this.coldCaptureError !== null) throw this.coldCaptureError;
      this.check();
      await this.writer.finish();
      this.check();
      await this.host.waitDurable(this.seq);
      this.check();
      await this.writer.commit();
    } catch (e: unknown) {
      this.walking = false;
      this.writer.abort();
      throw e;
    }
    // Committed: the new snapshot is the recovery base. Point cold values into it before deleting
    // the files they point into now (synchronously, so no command runs in between). An entry still
    // cold still has the value it had at S (writes make entries hot), even if its expiry changed, so
    // it is repointed whether or not it changed. A hot one becomes cold only if it did not change.
    let cooled = 0;
    let repointed = 0;
    const located: { db: number; key: string; entry: StringEntry }[] = [];
    for (const { db, key, entry, ref } of this.candidates) {
      if (entry.type !== "string") continue;
      if (entry.cold !== null) {
        entry.cold = ref;
        repointed++;
      } else if (!this.changed.has(entry) && stringInMemory(entry) && stringLength(entry) > this.host.hotValueBytesMax()) {
        entry.data = null;
        entry.cold = ref;
        cooled++;
      } else if (!this.changed.has(entry) && !(entry instanceof BufferedStringEntry) && stringInMemory(entry) && stringLength(entry) >= this.host.locateBytesMin()) {
        entry.cold = ref;
        located.push({ db, key, entry });
      }
    }
    const bytesFreed = this.deleteCovered();
    return {
      generation: this.generation,
      seq: this.seq,
      firstSegment: this.firstSegment,
      raft: this.raft,
      snapshotBytes: this.writer.bytes,
      keys: this.keys,
      estimatedBytes: this.estimatedBytes,
      bytesFreed,
      cooled,
      located,
      repointed,
    };
  }

  private async walk(): Promise<void> {
    let sliceStarted = this.host.monotonicMs();
    let inSlice = 0;
    for (const [prefix, durability] of this.namespaces) {
      (this.writer as SnapshotWriter).add(systemDb, prefix, valueTypeCodes.string, 0, Buffer.from(durability, "latin1"));
    }
    for (let db = 0; db < this.maps.length; db++) {
      const seen = this.captured[db] as Set<string>;
      for (const [key, e] of this.maps[db] as Map<string, Entry>) {
        if (seen.has(key)) continue;
        seen.add(key);
        if (e.type === "string" && !stringInMemory(e)) {
          // Cold: its record is immutable until this merge deletes it, so reading it after the key
          // was marked captured still yields the state at S.
          const value = await this.host.readCold(e.cold as ColdRef);
          this.check();
          this.write(db, key, e, value);
        } else this.captureHot(db, key, e);
        if (++inSlice >= sliceKeysMax || this.host.monotonicMs() - sliceStarted >= sliceMsMax) {
          await yieldToEventLoop();
          this.check();
          inSlice = 0;
          sliceStarted = this.host.monotonicMs();
        }
      }
    }
  }

  /** Deletes older snapshots and the covered segments. Not made durable: start-up finishes the job. */
  private deleteCovered(): number {
    const { io, dir, files, log } = this.host;
    files.closeBefore(this.generation);
    deleteSnapshotsBefore(io, dir, this.generation);
    return log.deleteSegmentsBefore(this.firstSegment);
  }
}
