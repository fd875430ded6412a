// The engine's side of the storage engine: cold values (load, preload, release), the live-bytes
// estimate behind the dead-byte ratio, and when and how merges run.
//
// Cold values. A string larger than hot-value-bytes-max lives only in a snapshot file once a merge
// has written it there: its entry has data null and cold = {segment: snapshot generation, offset and
// length of its record}. A read loads the value into `data` for the duration of one unit (or from a
// preload until the command that needed it has run), then drops it again. A write to a cold entry
// first makes it hot for good (cold = null), so a cold reference is never stale: only merges create or
// move cold references, and they do so only for entries that did not change since the snapshot.
//
// Dead bytes. Recovery reads the snapshot plus the retained segments ("log bytes"). A merge would
// shrink that to the size of a new snapshot ("live bytes"). Live bytes are estimated per database Map
// (entryBytesEstimate summed, kept current from the key-change hook and after each unit), scaled by
// how the last merge's real snapshot size compared with the estimate. dead ratio = 1 - live / log.
//
// Growth. A store that is only ever added to has no dead bytes, but its start-up still replays every
// record written since the last snapshot. Like Redis's auto-aof-rewrite-percentage, a shard is also
// merged when its log bytes have grown by that percentage over the last snapshot's size. A merge
// seals the active segment at its seq, so afterwards start-up reads the snapshot plus only the tail.
import { keyIndexes, type Command } from "../commands/table.ts";
import type { MaxmemoryPolicy } from "../config/params.ts";
import type { ColdRef, Entry, StringEntry } from "../keyspace/entry.ts";
import { BufferedStringEntry, latin1, stringInMemory, stringLength } from "../keyspace/entry.ts";
import { Merge, MergeAbortedError, entryBytesEstimate, recordOverheadBytes, type MergeResult } from "../storage/merge.ts";
import { hotStringValueBytes } from "../keyspace/memory.ts";
import type { LogIo } from "../storage/io.ts";
import { LogValueFiles } from "../storage/log-values.ts";
import { coldFileShard, type RaftSnapshotMeta } from "../storage/snapshot.ts";
import type { Clock } from "./clock.ts";
import { MemoryCooler, coolableBytesMin } from "./cooling.ts";
import type { Shard } from "./shard.ts";

export interface StorageHost {
  readonly shards: readonly Shard[];
  readonly io: LogIo;
  readonly clock: Clock;
  readonly segmentBytesMax: number;
  appendedSeq(): number;
  durableSeq(): number;
  onDurable(listener: () => void): () => void;
  shardOfKey(key: string): number;
  /** A merge failed (the log itself is unaffected): for the operator. */
  warn(message: string): void;
}

export interface ColdKey {
  readonly shard: number;
  readonly entry: StringEntry;
}

export interface StorageStats {
  readonly merges: number;
  readonly mergesInProgress: number;
  readonly lastMergeDurationMs: number;
  readonly lastMergeStatus: "ok" | "err" | "none";
  readonly deadRatio: number;
  readonly logBytes: number;
  readonly snapshotBytes: number;
  readonly coldReadsSync: number;
  readonly coldReadsAsync: number;
  /** Values dropped from memory under maxmemory (engine/cooling.ts), their bytes, and how many could be now. */
  readonly cooledForMemory: number;
  readonly cooledForMemoryBytes: number;
  readonly coolableValues: number;
}

const noColdKeys: ColdKey[] = [];

/** Touched keys of a unit are de-duplicated by a linear scan up to this many, then by a Set. */
const touchScanMax = 8;

export class StorageManager {
  hotValueBytesMax: number;
  mergeDeadRatioPercent: number;
  /** Merge when the log grew by this percentage over the last snapshot (0: never on growth). */
  mergeGrowthPercent: number;
  /**
   * A merge is not worth starting for a shard log smaller than this (nor, on dead bytes, before half
   * this was written since the last); capped by segment-bytes-max. Redis's auto-aof-rewrite-min-size
   * (64 MB): a merge rewrites every live key, so merging a small log often costs more CPU than the disk
   * it saves (measured: a 1 MB floor ran 52 merges during 400k SETs over 100k keys and doubled the CPU
   * per SET).
   */
  mergeMinBytes: number;
  /** Set once any entry may be cold (a merge cooled one, or a snapshot loaded one); never reset. */
  mayHaveCold = false;
  /** Merges start on their own (rotation, dead ratio); tests turn this off and call merge(). */
  autoMerge: boolean;
  private tracking = false;
  // Keys touched by the current unit, as parallel arrays (no allocation per write).
  private readonly touchedShard: number[] = [];
  private readonly touchedDb: number[] = [];
  private readonly touchedKey: string[] = [];
  private touchedCount = 0;
  private readonly touchedKeys = new Set<string>();
  /** Cold entries whose value was loaded during the current unit. */
  private readonly warm: StringEntry[] = [];
  /** Cold entries (not loaded) that are changing in this unit, and where: if loaded now, they become hot for good. */
  private readonly changing = new Map<Entry, { shard: number; db: number; key: string }>();
  private readonly failureWaiters = new Set<(e: Error) => void>();
  private mergeCount = 0;
  private lastMergeDurationMs = 0;
  private lastMergeStatus: "ok" | "err" | "none" = "none";
  coldReadsSync = 0;
  coldReadsAsync = 0;
  /** Values that may go cold under maxmemory before keys are evicted. */
  readonly cooler: MemoryCooler;
  /** Per shard, open segment files for values that went cold from a log record. */
  private readonly logValueFiles = new Map<number, LogValueFiles>();

  constructor(
    private readonly host: StorageHost,
    opts: { hotValueBytesMax: number; mergeDeadRatioPercent: number; mergeGrowthPercent: number; mergeMinBytes: number; autoMerge: boolean },
  ) {
    this.hotValueBytesMax = opts.hotValueBytesMax;
    this.mergeDeadRatioPercent = opts.mergeDeadRatioPercent;
    this.mergeGrowthPercent = opts.mergeGrowthPercent;
    this.mergeMinBytes = opts.mergeMinBytes;
    this.autoMerge = opts.autoMerge;
    this.cooler = new MemoryCooler(host.shards);
  }

  private shard(id: number): Shard {
    const s = this.host.shards[id];
    if (!s) throw new Error(`bug: shard ${id} out of range`);
    return s;
  }

  // ---- cold values

  private logValuesOf(shardId: number): LogValueFiles {
    let f = this.logValueFiles.get(shardId);
    if (f === undefined) {
      f = new LogValueFiles(this.host.io, this.shard(shardId).dir);
      this.logValueFiles.set(shardId, f);
    }
    return f;
  }

  /** Reads a cold value, blocking; `ref` names its shard and snapshot (or segment). */
  private readColdSync(ref: ColdRef): string {
    this.coldReadsSync++;
    const shardId = coldFileShard(ref.segment);
    if (ref.valueAt !== undefined) return latin1(this.logValuesOf(shardId).readSync(ref, ref.valueAt));
    return latin1(this.shard(shardId).files.readSync(ref));
  }

  /** Reads a cold value off the JavaScript thread. */
  readCold(ref: ColdRef): Promise<Uint8Array> {
    this.coldReadsAsync++;
    const shardId = coldFileShard(ref.segment);
    if (ref.valueAt !== undefined) return this.logValuesOf(shardId).read(ref, ref.valueAt);
    return this.shard(shardId).files.read(ref);
  }

  /**
   * Drops one value from memory under maxmemory (it stays readable at its reference); false when no
   * value can go cold (engine/cooling.ts).
   */
  coolForMemory(policy: MaxmemoryPolicy, samples: number, writable: (shard: number) => boolean): boolean {
    const v = this.cooler.pickVictim(policy, samples, writable, this.host.clock.nowMs());
    if (v === null) return false;
    const shard = this.shard(v.shard);
    const d = shard.state.db(v.db);
    const e = v.entry;
    const length = (e.data as string).length;
    if (this.tracking) d.liveEstimate -= entryBytesEstimate(v.key, e);
    if (length > this.hotValueBytesMax) shard.hotLargeValues--;
    e.data = null;
    if (this.tracking) d.liveEstimate += entryBytesEstimate(v.key, e);
    d.resize(v.key);
    this.mayHaveCold = true;
    this.cooler.cooled(v, length);
    return true;
  }

  /**
   * Loads a cold value for the current unit (from disk unless preloaded). The executor calls it for
   * reads; for an entry that is changing in this unit (getForWrite) the value stays hot for good.
   */
  loadColdSync(_shardId: number, e: Entry): void {
    if (e.type !== "string" || stringInMemory(e)) return;
    if (e.cold === null) throw new Error("bug: string entry with neither data nor a cold reference");
    e.data = this.readColdSync(e.cold);
    const changing = this.changing.get(e);
    if (changing !== undefined) {
      e.cold = null;
      const d = this.shard(changing.shard).state.db(changing.db);
      if (d.map.get(changing.key) === e) d.resize(changing.key);
    } else this.warm.push(e);
  }

  /** Ends a unit's use of cold values: drops the ones loaded for reading (entries still cold). */
  coolWarm(): void {
    for (const e of this.warm) if (e.cold !== null) e.data = null;
    this.warm.length = 0;
    this.changing.clear();
  }

  /** The cold entries a command is about to read, so the dispatcher can preload them off-thread. */
  coldKeysOf(db: number, cmd: Command, argv: readonly Uint8Array[]): ColdKey[] {
    // Most stores never hold a cold value; then no command needs a preload and the per-command key
    // lookups here are skipped.
    if (!this.mayHaveCold) return noColdKeys;
    let out: ColdKey[] | null = null;
    for (const i of keyIndexes(cmd, argv)) {
      const key = latin1(argv[i] as Uint8Array);
      const shard = this.host.shardOfKey(key);
      const e = this.shard(shard).state.db(db).map.get(key);
      if (e?.type === "string" && e.cold !== null && !stringInMemory(e)) (out ??= []).push({ shard, entry: e });
    }
    return out ?? noColdKeys;
  }

  /** Reads cold values ahead of the command that needs them. Failures are left to the sync path. */
  async preload(keys: readonly ColdKey[]): Promise<void> {
    await Promise.all(
      keys.map(async ({ entry }) => {
        const ref = entry.cold;
        if (ref === null || stringInMemory(entry)) return;
        try {
          const value = await this.readCold(ref);
          // Still the same cold value (a merge may have moved it; a write made it hot)?
          if (entry.cold !== null && !stringInMemory(entry) && entry.cold.segment === ref.segment && entry.cold.offset === ref.offset) entry.data = latin1(value);
        } catch {
          // The synchronous read reports the problem if the command still needs the value.
        }
      }),
    );
  }

  /** Drops preloaded values once their command has run. */
  release(keys: readonly ColdKey[]): void {
    for (const { entry } of keys) if (entry.cold !== null) entry.data = null;
  }

  // ---- the key-change hook and the live-bytes estimate

  /** Called before any key changes (recovery included). */
  beforeKeyChange(shardId: number, db: number, key: string, old: Entry | undefined): void {
    if (old?.type === "string" && old.cold !== null) {
      // Loaded already (read earlier in the unit, or preloaded): hot for good from now on. Not
      // loaded: it may only be replaced, deleted or get a new expiry, none of which needs its value;
      // if the command loads it (getForWrite), loadColdSync makes it hot for good.
      if (stringInMemory(old)) {
        old.cold = null;
        this.cooler.forget(old);
        // Its size estimate was a cold entry's: measure it as the hot value it now is.
        this.shard(shardId).state.db(db).resize(key);
      } else this.changing.set(old, { shard: shardId, db, key });
    }
    const shard = this.shard(shardId);
    if (this.tracking && this.noteTouched(shardId, db, key)) {
      if (old !== undefined) {
        if (old.type === "string" && old.cold === null && !(old instanceof BufferedStringEntry)) {
          // A hot string's length follows from its size estimate, which lives in the entry: reading
          // the old value's length itself would be another cache miss per overwrite.
          const valueBytes = hotStringValueBytes(key, old.sizeBytes);
          shard.state.db(db).liveEstimate -= recordOverheadBytes + key.length + valueBytes;
          if (valueBytes > this.hotValueBytesMax) shard.hotLargeValues--;
        } else {
          shard.state.db(db).liveEstimate -= entryBytesEstimate(key, old);
          if (old.type === "string" && stringInMemory(old) && stringLength(old) > this.hotValueBytesMax) shard.hotLargeValues--;
        }
      }
    }
    shard.merge?.onKeyChange(db, key, old);
  }

  /** Records a key as touched by this unit; false if it already was (by name: an estimate). */
  private noteTouched(shard: number, db: number, key: string): boolean {
    const n = this.touchedCount;
    if (n < touchScanMax) {
      for (let i = 0; i < n; i++) if (this.touchedKey[i] === key) return false;
    } else {
      if (n === touchScanMax) for (let i = 0; i < n; i++) this.touchedKeys.add(this.touchedKey[i] as string);
      if (this.touchedKeys.has(key)) return false;
      this.touchedKeys.add(key);
    }
    this.touchedShard[n] = shard;
    this.touchedDb[n] = db;
    this.touchedKey[n] = key;
    this.touchedCount = n + 1;
    return true;
  }

  /** After each unit: counts the new state of the keys it touched, drops loaded cold values. */
  afterUnit(): void {
    for (let i = 0; i < this.touchedCount; i++) {
      const shardId = this.touchedShard[i] as number;
      const key = this.touchedKey[i] as string;
      const shard = this.shard(shardId);
      const d = shard.state.db(this.touchedDb[i] as number);
      const e = d.map.get(key);
      if (e === undefined) continue;
      // A cold entry moved here from another shard (cross-shard RENAME): that shard's merges no
      // longer see it and would delete its file, so it becomes hot.
      if (e.type === "string" && e.cold !== null && coldFileShard(e.cold.segment) !== shardId) {
        if (!stringInMemory(e)) e.data = this.readColdSync(e.cold);
        e.cold = null;
      }
      // A cold value made hot for good without being rewritten (EXPIRE after a read loaded it, the
      // move above) still has a cold entry's size estimate. Every hot string is measured here (as
      // cheap as checking), so used_memory counts it and its estimate gives its length
      // (beforeKeyChange relies on that).
      if (e.type === "string" && e.cold === null) d.resizeEntry(key, e);
      d.liveEstimate += entryBytesEstimate(key, e);
      if (e.type === "string" && stringInMemory(e) && stringLength(e) > this.hotValueBytesMax) shard.hotLargeValues++;
      if (e.type === "string" && this.cooler.hasUnitAppends) this.cooler.noteTouched(shardId, this.touchedDb[i] as number, key, e);
    }
    this.cooler.endUnit();
    const n = this.touchedCount;
    if (n > touchScanMax) this.touchedKeys.clear();
    // A loop: for the usual one or two keys it is cheaper than Array.prototype.fill.
    for (let i = 0; i < n; i++) this.touchedKey[i] = "";
    this.touchedCount = 0;
    if (this.warm.length > 0 || this.changing.size > 0) this.coolWarm();
  }

  /** Measures every key once recovery is done, and starts tracking changes. */
  startTracking(): void {
    for (const shard of this.host.shards) {
      this.measure(shard);
      shard.bytesWrittenAtMerge = shard.log.bytesWritten;
    }
    this.tracking = true;
  }

  /** Measures every key of a shard (at start-up, and after its state was replaced by a snapshot). */
  measure(shard: Shard): void {
    shard.hotLargeValues = 0;
    // Replay can make a cold value hot for good before tracking starts: such entries are re-measured
    // (there are none unless some value was ever cold).
    const coldMadeHot = this.mayHaveCold;
    for (const d of shard.state.dbs) {
      let n = 0;
      for (const [key, e] of d.map) {
        if (coldMadeHot && e.type === "string" && e.cold === null) d.resizeEntry(key, e);
        n += entryBytesEstimate(key, e);
        if (e.type === "string" && stringInMemory(e) && stringLength(e) > this.hotValueBytesMax) shard.hotLargeValues++;
      }
      d.liveEstimate = n;
    }
  }

  /** Bytes recovery would read for a shard: its snapshot and retained segments. */
  logBytes(shard: Shard): number {
    return shard.snapshotBytes + shard.log.retainedBytes;
  }

  liveBytes(shard: Shard): number {
    let n = 0;
    for (const d of shard.state.dbs) n += d.liveEstimate;
    return Math.max(0, n * shard.liveScale);
  }

  /** Share of the shard's log bytes a merge would reclaim (an estimate, 0..1). */
  deadRatio(shard: Shard): number {
    const log = this.logBytes(shard);
    if (log === 0) return 0;
    return Math.min(1, Math.max(0, log - this.liveBytes(shard)) / log);
  }

  // ---- merges

  /** Starts a merge of the shard when it is due. `rotation`: a segment was just sealed. */
  maybeMerge(shard: Shard, reason: "rotation" | "flush"): void {
    if (!this.autoMerge || this.closing || shard.merge !== null || !shard.log.healthy) return;
    const floor = Math.min(this.host.segmentBytesMax, this.mergeMinBytes);
    const log = this.logBytes(shard);
    if (log < floor) return;
    if (this.grown(shard, log)) {
      void this.merge(shard.id).catch(() => {});
      return;
    }
    if (shard.log.bytesWritten - shard.bytesWrittenAtMerge < floor / 2) return;
    const due = this.deadRatio(shard) * 100 >= this.mergeDeadRatioPercent || (reason === "rotation" && shard.hotLargeValues > 0);
    if (due) void this.merge(shard.id).catch(() => {});
  }

  /**
   * Whether the log outgrew the last snapshot by mergeGrowthPercent (Redis compares the AOF with its
   * size after the last rewrite; the snapshot is what a merge leaves, the sealed tail aside).
   * Without a snapshot yet, any log above the floor has grown.
   */
  private grown(shard: Shard, logBytes: number): boolean {
    if (this.mergeGrowthPercent <= 0) return false;
    const base = shard.snapshotBytes;
    return base === 0 || (logBytes - base) * 100 >= base * this.mergeGrowthPercent;
  }

  /**
   * Merges one shard now (or joins the merge already running). Resolves with its result. Cluster mode
   * passes `raft`, the Raft position of the state as it is now (the merge captures it synchronously).
   */
  merge(shardId: number, raft: RaftSnapshotMeta | null = null): Promise<MergeResult> {
    const shard = this.shard(shardId);
    if (shard.mergePromise !== null) return shard.mergePromise;
    // A merge started while the engine closes (by the last flushes) would outlive it: its commit
    // would delete segments a reopened engine is reading, and start-up removes its temporary files.
    if (this.closing) return Promise.reject(new MergeAbortedError("engine closing"));
    const started = this.host.clock.monotonicMs();
    const writtenAtStart = shard.log.bytesWritten;
    // Everything up to S is appended already: seal the segment after it, so the snapshot covers all
    // the segments below the next one and start-up reads only what comes after S.
    const firstSegment = shard.log.sealPending();
    const merge = new Merge(
      {
        shard: shardId,
        io: this.host.io,
        dir: shard.dir,
        state: shard.state,
        log: shard.log,
        files: shard.files,
        readCold: (ref) => this.readCold(ref),
        hotValueBytesMax: () => this.hotValueBytesMax,
        locateBytesMin: () => (this.cooler.enabled ? coolableBytesMin : Infinity),
        waitDurable: (seq) => this.waitDurable(seq),
        monotonicMs: () => this.host.clock.monotonicMs(),
      },
      shard.generation + 1,
      this.host.appendedSeq(),
      firstSegment,
      raft,
    );
    shard.merge = merge;
    const promise = merge.run().then(
      (result) => {
        shard.merge = null;
        shard.mergePromise = null;
        shard.generation = result.generation;
        shard.snapshotSeq = result.seq;
        shard.snapshotBytes = result.snapshotBytes;
        shard.raftSnapshot = result.raft;
        shard.snapshotCommittedMs = this.host.clock.nowMs();
        shard.bytesWrittenAtMerge = writtenAtStart;
        shard.hotLargeValues = Math.max(0, shard.hotLargeValues - result.cooled);
        if (result.cooled > 0) this.mayHaveCold = true;
        this.logValueFiles.get(shardId)?.closeBefore(result.firstSegment);
        for (const l of result.located) this.cooler.adopt(shardId, l.db, l.key, l.entry);
        // Calibrate the estimate: the snapshot is the exact live size at S.
        if (result.estimatedBytes > 0) shard.liveScale = result.snapshotBytes / result.estimatedBytes;
        this.mergeCount++;
        this.lastMergeStatus = "ok";
        this.lastMergeDurationMs = this.host.clock.monotonicMs() - started;
        return result;
      },
      (e: unknown) => {
        shard.merge = null;
        shard.mergePromise = null;
        if (!(e instanceof MergeAbortedError)) {
          this.lastMergeStatus = "err";
          this.host.warn(`merge of shard ${shardId} failed: ${e instanceof Error ? e.message : String(e)}`);
        }
        throw e;
      },
    );
    shard.mergePromise = promise;
    return promise;
  }

  private waitDurable(seq: number): Promise<void> {
    if (this.host.durableSeq() >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const fail = (e: Error): void => {
        off();
        this.failureWaiters.delete(fail);
        reject(e);
      };
      const off = this.host.onDurable(() => {
        if (this.host.durableSeq() < seq) return;
        off();
        this.failureWaiters.delete(fail);
        resolve();
      });
      this.failureWaiters.add(fail);
    });
  }

  /** The log failed or the engine is closing: running merges give up. */
  failWaiters(e: Error): void {
    for (const w of [...this.failureWaiters]) w(e);
  }

  /** Closes the segment files opened for cold reads (engine close). */
  closeFiles(): void {
    for (const f of this.logValueFiles.values()) f.closeAll();
    this.logValueFiles.clear();
  }

  /** Set by abortAll (engine close): no merge starts any more. */
  private closing = false;

  /** Aborts running merges and waits for them to clean up; none starts afterwards. */
  async abortAll(): Promise<void> {
    this.closing = true;
    const running: Promise<unknown>[] = [];
    for (const s of this.host.shards) {
      if (s.merge === null || s.mergePromise === null) continue;
      s.merge.abort();
      running.push(s.mergePromise.catch(() => {}));
    }
    this.failWaiters(new MergeAbortedError("engine closing"));
    await Promise.all(running);
  }

  stats(): StorageStats {
    let log = 0;
    let snapshot = 0;
    let live = 0;
    let running = 0;
    for (const s of this.host.shards) {
      log += this.logBytes(s);
      snapshot += s.snapshotBytes;
      live += Math.min(this.liveBytes(s), this.logBytes(s));
      if (s.merge !== null) running++;
    }
    return {
      merges: this.mergeCount,
      mergesInProgress: running,
      lastMergeDurationMs: this.lastMergeDurationMs,
      lastMergeStatus: this.lastMergeStatus,
      deadRatio: log === 0 ? 0 : (log - live) / log,
      logBytes: log,
      snapshotBytes: snapshot,
      coldReadsSync: this.coldReadsSync,
      coldReadsAsync: this.coldReadsAsync,
      cooledForMemory: this.cooler.cooledValues,
      cooledForMemoryBytes: this.cooler.cooledBytes,
      coolableValues: this.cooler.coolable,
    };
  }
}
