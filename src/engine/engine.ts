// The engine: shards, their logs, and the write path
//   execute -> handler changes memory -> effects logged (one entry per shard per unit, one seq)
//   -> group commit (pwrite + fdatasync off-thread) -> durable watermark advances -> replies released.
// No reply is released before every entry with a seq at or below the reply's barrier is durable, so
// no client ever sees state that a crash could take back.
import { join } from "node:path";
import { keyIndexes, type Command, type CommandTable } from "../commands/table.ts";
import { ShardState } from "../keyspace/shard-state.ts";
import { latin1Range, newStringEntry, type Entry, type StringEntry } from "../keyspace/entry.ts";
import { ReplyWriter } from "../protocol/writer.ts";
import { ClientState } from "../server/client-state.ts";
import type { LogIo } from "../storage/io.ts";
import { entryKindData, opCmd, opDel, opPut, type LogEntry, type LogOp } from "../storage/record.ts";
import { PlainSetRecord, SegmentLog, type RecoveryReport } from "../storage/segment-log.ts";
import { SnapshotFiles, deleteSnapshotsBefore, installSnapshotFile, loadNewestSnapshot, type LoadedSnapshot, type RaftSnapshotMeta } from "../storage/snapshot.ts";
import { systemDb, type MergeResult } from "../storage/merge.ts";
import { StorageManager, type ColdKey } from "./storage.ts";
import { carriesCoolableValue, coolableBytesMin } from "./cooling.ts";
import { decodeValue } from "../storage/value-codec.ts";
import { readWholeFile, writeFileAtomically } from "../storage/files.ts";
import type { Clock } from "./clock.ts";
import { Executor } from "./executor.ts";
import type { ServerContext } from "./server-context.ts";
import { Shard } from "./shard.ts";
import { WatchRegistry } from "./watch.ts";
import { RdbSaves } from "./rdb-saves.ts";
import { Config } from "../config/config.ts";
import { newStats } from "./server-context.ts";

export interface EngineOptions {
  readonly dir: string;
  readonly shards: number;
  readonly databases: number;
  readonly segmentBytesMax: number;
  readonly salvage: boolean;
  readonly io: LogIo;
  readonly clock: Clock;
  readonly table: CommandTable;
  /** Called when the disk fails: the node must stop acknowledging (standalone: exit). */
  readonly onFatal: (err: Error) => void;
  /** The running configuration (handlers replayed at recovery may read it); defaults when absent. */
  readonly config?: Config;
  /** Strings larger than this stay on disk once merged (config hot-value-bytes-max). */
  readonly hotValueBytesMax?: number;
  /** Merge a shard when this percentage of its log is dead (config merge-dead-ratio). */
  readonly mergeDeadRatioPercent?: number;
  /** Merge a shard when its log grew by this percentage over its last snapshot (config auto-aof-rewrite-percentage; 0: never). */
  readonly mergeGrowthPercent?: number;
  /** No automatic merge of a shard log smaller than this (config auto-aof-rewrite-min-size). */
  readonly mergeMinBytes?: number;
  /** Start merges on rotation, on the dead ratio and on growth (default true; tests merge by hand). */
  readonly autoMerge?: boolean;
  /** Operator messages that are not fatal (a failed merge). */
  readonly warn?: (message: string) => void;
}

/** A logged command's arguments as bytes: decoded entries hold views already (no copy); an entry built in memory may hold strings. */
function byteArgv(argv: readonly (string | Uint8Array)[]): Uint8Array[] {
  for (let i = 0; i < argv.length; i++) if (typeof argv[i] === "string") return argv.map((a) => (typeof a === "string" ? Buffer.from(a, "latin1") : a));
  return argv as Uint8Array[];
}

/**
 * Cluster mode's replacement for the shard logs (src/raft/cluster.ts): a unit's entry for a shard is
 * proposed to the shard's Raft group, and the driver reports it durable (replicatedDurable) once a
 * majority has it; entries other leaders committed arrive through applyReplicated.
 */
export interface ReplicatedLog {
  /** False when this node is not the shard's writable leader (nothing is proposed). */
  propose(shard: number, entry: LogEntry): boolean;
  /** Whether this node may change the shard (execute writes, expire keys lazily). */
  writable(shard: number): boolean;
}

export class EngineOpenError extends Error {
  override readonly name = "EngineOpenError";
}

export interface RecoveryStats {
  readonly durationMs: number;
  readonly entries: number;
  readonly tornBytes: number;
  readonly bytesRead: number;
  readonly droppedIncompleteTx: number;
  /** Keys loaded from snapshots, and whether their hint files were used. */
  readonly snapshotKeys: number;
  readonly snapshotsWithoutHint: number;
}

const metaFile = "bunker.json";
const noParticipants: readonly number[] = Object.freeze([]);

export class Engine {
  readonly shards: Shard[];
  readonly executor: Executor;
  readonly watches = new WatchRegistry();
  /** Highest seq handed out. */
  appendedSeq = 0;
  /** Every entry with seq <= durableSeq is durable on every shard it belongs to. */
  durableSeq = 0;
  recovery: RecoveryStats = { durationMs: 0, entries: 0, tornBytes: 0, bytesRead: 0, droppedIncompleteTx: 0, snapshotKeys: 0, snapshotsWithoutHint: 0 };
  /** Cold values, the dead-byte estimate and merges. */
  readonly storage: StorageManager;
  private readonly durableListeners = new Set<() => void>();
  private flushScheduled = false;
  /** Shard flushes of the current commit cycle still running. */
  private flushesInCycle = 0;
  private seedState: number;
  private closed = false;
  /** Snapshot / merge hooks register here (copy-on-write before a key changes). */
  keyChangeHooks: ((shard: number, db: number, key: string, old: Entry | undefined) => void)[] = [];
  flushHooks: ((shard: number, db: number) => void)[] = [];
  /** Run after each unit of execute() (server/blocking.ts serves blocked clients here). */
  afterUnitHooks: (() => void)[] = [];
  /** Cluster mode: the replicated log that replaces the shard logs (null: standalone). */
  private replication: ReplicatedLog | null = null;
  /** Keyspace events for expiry (notifications, stats). */
  onExpired: (db: number, key: string) => void = () => {};

  private constructor(
    readonly opts: EngineOptions,
    shards: Shard[],
  ) {
    this.shards = shards;
    this.seedState = (opts.clock.nowMs() ^ 0x9e3779b9) >>> 0;
    this.storage = new StorageManager(
      {
        shards,
        io: opts.io,
        clock: opts.clock,
        segmentBytesMax: opts.segmentBytesMax,
        appendedSeq: () => this.appendedSeq,
        durableSeq: () => this.durableSeq,
        onDurable: (l) => this.onDurable(l),
        shardOfKey: (key) => this.executor.shardOfKey(key),
        warn: opts.warn ?? (() => {}),
      },
      {
        hotValueBytesMax: opts.hotValueBytesMax ?? 65536,
        mergeDeadRatioPercent: opts.mergeDeadRatioPercent ?? 50,
        mergeGrowthPercent: opts.mergeGrowthPercent ?? 100,
        mergeMinBytes: opts.mergeMinBytes ?? 64 * 1024 * 1024,
        autoMerge: opts.autoMerge ?? true,
      },
    );
    this.executor = new Executor({
      shards: shards.map((s) => s.state),
      table: opts.table,
      keyWillChange: (shard, db, key, old) => this.keyWillChange(shard, db, key, old),
      dbWillFlush: (shard, db, swappedWith) => {
        const state = (this.shards[shard] as Shard).state;
        const map = state.db(db).map;
        // SWAPDB (Redis's touchAllWatchedKeysInDb): a watched key changes if it exists on either side.
        const other = swappedWith === undefined ? null : state.db(swappedWith).map;
        this.watches.touchDb(db, other === null ? (key) => map.has(key) : (key) => map.has(key) || other.has(key));
        if (swappedWith === undefined) this.storage.cooler.forgetDb(shard, db);
        for (const h of this.flushHooks) h(shard, db);
      },
      keyExpired: (_shard, db, key) => {
        this.watches.touch(db, key);
        this.onExpired(db, key);
      },
      loadColdSync: (shard, entry) => this.storage.loadColdSync(shard, entry),
    });
  }

  /** Before any key of a shard changes: merges copy its old state, WATCH and other hooks see it. */
  private keyWillChange(shard: number, db: number, key: string, old: Entry | undefined): void {
    this.storage.beforeKeyChange(shard, db, key, old);
    this.watches.touch(db, key);
    for (const h of this.keyChangeHooks) h(shard, db, key, old);
  }

  /** Opens (creating or recovering) the data directory. Synchronous: nothing is served until done. */
  static open(opts: EngineOptions, server: ServerContext | null): Engine {
    const started = opts.clock.monotonicMs();
    opts.io.makeDirs(opts.dir);
    const metaBytes = readWholeFile(opts.io, join(opts.dir, metaFile));
    if (metaBytes !== null) {
      const meta = JSON.parse(Buffer.from(metaBytes).toString("utf8")) as { shards?: unknown };
      if (meta.shards !== opts.shards) {
        throw new EngineOpenError(`data directory ${opts.dir} was created with ${String(meta.shards)} shards; start with --shards ${String(meta.shards)}`);
      }
    } else {
      writeFileAtomically(opts.io, opts.dir, metaFile, Buffer.from(JSON.stringify({ format: 1, shards: opts.shards }) + "\n"));
    }
    const reports: RecoveryReport[] = [];
    const shards: Shard[] = [];
    const snapshots: (LoadedSnapshot | null)[] = [];
    let loadedCold = false;
    // Under maxmemory, loaded and replayed values keep a location to go cold from (engine/cooling.ts).
    const locate = (opts.config?.int("maxmemory") ?? 0) > 0;
    const adopted: [number, number, string, StringEntry][] = [];
    for (let i = 0; i < opts.shards; i++) {
      const dir = join(opts.dir, `shard-${String(i).padStart(3, "0")}`);
      opts.io.makeDirs(dir);
      const state = new ShardState(i, opts.databases);
      // Newest snapshot first (via its hint file), then the segments written after it.
      const snap = loadNewestSnapshot(opts.io, dir, {
        shard: i,
        hotValueBytesMax: opts.hotValueBytesMax ?? 65536,
        salvage: opts.salvage,
        ...(locate ? { locateBytesMin: coolableBytesMin } : {}),
        onKey: (db, key, e) => {
          // The system database holds the durability namespaces (BUNKER.CONFIG) as of the snapshot.
          if (db === systemDb) state.namespaces.set(key, e.type === "string" && e.data === "async" ? "async" : "quorum");
          else {
            if (e.type === "string" && e.cold !== null) {
              loadedCold = true;
              if (e.data !== null) adopted.push([i, db, key, e]);
            }
            state.db(db).put(key, e);
          }
        },
      });
      snapshots.push(snap);
      const { log, report } = SegmentLog.open({
        dir,
        segmentBytesMax: opts.segmentBytesMax,
        salvage: opts.salvage,
        io: opts.io,
        firstSegment: snap?.firstSegment ?? 0,
        afterSeq: snap?.seq ?? 0,
      });
      reports.push(report);
      const shard = new Shard(i, state, log, dir, new SnapshotFiles(opts.io, dir));
      if (snap !== null) {
        shard.generation = snap.generation;
        shard.snapshotSeq = snap.seq;
        shard.snapshotBytes = snap.bytes;
        shard.raftSnapshot = snap.raft;
      }
      shards.push(shard);
    }
    const engine = new Engine(opts, shards);
    engine.storage.mayHaveCold = loadedCold;
    const dropped = engine.dropIncompleteCrossShard(reports);
    let entries = 0;
    let maxSeq = 0;
    for (const s of shards) maxSeq = Math.max(maxSeq, s.snapshotSeq);
    engine.storage.cooler.enabled = locate;
    for (const [shard, db, key, e] of adopted) engine.storage.cooler.adopt(shard, db, key, e);
    const plain = new PlainSetRecord();
    for (let i = 0; i < shards.length; i++) {
      const records = (reports[i] as RecoveryReport).records;
      for (let k = 0; k < records.count; k++) {
        if (records.plainSet(k, plain)) {
          engine.replayPlainSet(shards[i] as Shard, plain, locate);
          engine.storage.coolWarm();
          entries++;
          if (plain.seq > maxSeq) maxSeq = plain.seq;
          continue;
        }
        const entry = records.entry(k);
        engine.applyLogged(i, entry, server);
        engine.storage.coolWarm();
        if (locate && carriesCoolableValue(entry)) engine.storage.cooler.locateReplayed(shards[i] as Shard, entry, records.position(k), engine.keysWritten(entry));
        entries++;
        if (entry.seq > maxSeq) maxSeq = entry.seq;
      }
    }
    // New seqs must sort after everything a snapshot holds, or the next recovery would skip them.
    engine.appendedSeq = engine.durableSeq = maxSeq;
    for (const s of shards) {
      s.log.onDurable = (seq) => engine.shardDurable(s, seq);
      s.log.chainFlushes = false;
      s.log.onFailure = (err) => {
        engine.storage.failWaiters(err);
        opts.onFatal(err);
      };
      s.log.onRotate = () => engine.storage.maybeMerge(s, "rotation");
      s.log.onBatchWritten = (batch, segment, fileOffset, writtenBytes) => engine.storage.cooler.batchWritten(s, batch, segment, fileOffset, writtenBytes);
    }
    engine.storage.startTracking();
    engine.recovery = {
      durationMs: opts.clock.monotonicMs() - started,
      entries,
      tornBytes: reports.reduce((n, r) => n + r.tornBytes, 0),
      bytesRead: reports.reduce((n, r) => n + r.bytesRead, 0),
      droppedIncompleteTx: dropped,
      snapshotKeys: snapshots.reduce((n, s) => n + (s?.keys ?? 0), 0),
      snapshotsWithoutHint: snapshots.filter((s) => s !== null && !s.usedHint).length,
    };
    return engine;
  }

  /**
   * A cross-shard entry counts only if every participant has its part. Nothing with a seq at or above
   * the first incomplete one was ever acknowledged (replies wait for the durable watermark), so every
   * shard's log is cut there. Returns the number of entries dropped.
   */
  private dropIncompleteCrossShard(reports: RecoveryReport[]): number {
    const present = new Map<number, { want: number; have: number }>();
    for (const r of reports) {
      const records = r.records;
      for (let k = 0; k < records.count; k++) {
        if (records.participantCount(k) === 0) continue;
        const participants = records.participants(k);
        const seq = records.seq(k);
        let p = present.get(seq);
        if (p === undefined) {
          // A participant whose snapshot covers the seq has its part: merges snapshot only durable state.
          let covered = 0;
          for (const s of participants) if ((this.shards[s]?.snapshotSeq ?? 0) >= seq) covered++;
          p = { want: participants.length, have: covered };
          present.set(seq, p);
        }
        p.have++;
      }
    }
    let cut = Infinity;
    for (const [seq, p] of present) if (p.have < p.want && seq < cut) cut = seq;
    if (cut === Infinity) return 0;
    let dropped = 0;
    reports.forEach((r, i) => {
      const records = r.records;
      let at = 0;
      while (at < records.count && records.seq(at) < cut) at++;
      if (at === records.count) return;
      dropped += records.count - at;
      (this.shards[i] as Shard).log.truncateAt(records.position(at));
      records.truncate(at);
    });
    return dropped;
  }

  private replayClient: ClientState | null = null;
  private recovery$: ServerContext | null = null;
  private readonly replayWriter = new ReplyWriter();

  /** Applies one logged entry to one shard (recovery; followers in a cluster). */
  /** The context handlers see while the log is replayed before any server exists. */
  private recoveryContext(): ServerContext {
    const engine = this;
    return {
      config: this.opts.config ?? new Config(),
      table: this.opts.table,
      engine,
      stats: newStats(),
      runId: "recovery",
      startedMs: 0,
      tcpPort: 0,
      version: "7.0.15",
      mode: "standalone",
      clients: () => [],
      requestShutdown: () => {},
    };
  }

  applyLogged(shardId: number, entry: LogEntry, serverOrNull: ServerContext | null): void {
    const server = serverOrNull ?? (this.recovery$ ??= this.recoveryContext());
    const state = (this.shards[shardId] as Shard).state;
    const ex = this.executor;
    const client = (this.replayClient ??= new ClientState(0, "replay", "", 0, false));
    for (const op of entry.ops) {
      if (op.kind === opCmd) {
        const argv = byteArgv(op.argv);
        const name = argv[0] ?? new Uint8Array(0);
        let cmd: Command | undefined = this.opts.table.getBytes(name);
        if (cmd && cmd.subcommands.size > 0 && argv[1]) cmd = cmd.subcommands.get(Buffer.from(argv[1]).toString("latin1").toLowerCase());
        if (!cmd) throw new Error(`bug: logged command ${Buffer.from(name).toString("latin1")} is unknown`);
        client.db = op.db;
        ex.beginReplay(shardId, client, server, this.replayWriter, entry.timeMs, entry.seed);
        ex.run(cmd, argv);
        ex.endReplay();
        this.replayWriter.reset();
      } else if (op.kind === opPut) {
        const db = state.db(op.db);
        const e = decodeValue(op.valueType, op.value, op.expireAt);
        // As a handler's change would: a merge running on a follower must capture the old state first.
        this.keyWillChange(shardId, op.db, op.key, db.map.get(op.key));
        db.put(op.key, e);
      } else if (op.kind === opDel) {
        const db = state.db(op.db);
        const old = db.map.get(op.key);
        if (old !== undefined) this.keyWillChange(shardId, op.db, op.key, old);
        db.remove(op.key);
      }
    }
    if (entry.kind !== entryKindData) return;
  }

  /**
   * Start-up replay of a logged plain `SET key value` (see RecoveredRecords.plainSet): the state change
   * the SET handler makes when applyLogged replays it (the key's old state handed to keyWillChange, then
   * a new string entry without expiry stamped with the entry's time), read from the record in place
   * instead of through argv views, the command table and the executor. The most common record, so the
   * bulk of a restart (measured: about half of a 1M-key start-up went to that general path).
   */
  private replayPlainSet(shard: Shard, record: PlainSetRecord, locate: boolean): void {
    const db = shard.state.db(record.db);
    const key = latin1Range(record.data, record.keyStart, record.keyEnd);
    const old = db.map.get(key);
    this.keyWillChange(shard.id, record.db, key, old);
    const e = newStringEntry(latin1Range(record.data, record.valueStart, record.valueEnd));
    e.accessedAt = record.timeMs;
    db.putOver(key, e, old);
    if (locate && record.valueEnd - record.valueStart >= coolableBytesMin) {
      this.storage.cooler.locateReplayedSet(shard, record.db, key, e, {
        segment: record.segment,
        offset: record.recordOffset,
        length: record.recordBytes,
        valueAt: record.valueStart - record.recordOffset,
      });
    }
  }

  /** The (database, key) pairs a logged entry names as keys (key specs of its commands; PUT keys). */
  private keysWritten(entry: LogEntry): [number, string][] {
    const out: [number, string][] = [];
    for (const op of entry.ops) {
      if (op.kind === opPut) out.push([op.db, op.key]);
      if (op.kind !== opCmd) continue;
      const argv = byteArgv(op.argv);
      let cmd = this.opts.table.getBytes(argv[0] ?? new Uint8Array(0));
      if (cmd && cmd.subcommands.size > 0 && argv[1]) cmd = cmd.subcommands.get(Buffer.from(argv[1]).toString("latin1").toLowerCase());
      if (!cmd) continue;
      for (const i of keyIndexes(cmd, argv)) out.push([op.db, Buffer.from(argv[i] as Uint8Array).toString("latin1")]);
    }
    return out;
  }

  nextSeed(): number {
    // xorshift32: the seed is logged, so replicas replay the same choices.
    let x = this.seedState;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seedState = x >>> 0;
    return this.seedState;
  }

  /**
   * How long the handler of the last execute() ran, in microseconds: Redis's call() duration, what
   * INFO commandstats, SLOWLOG and LATENCY report. Logging the unit and waiting for the disk are not in it.
   */
  lastRunUs = 0;

  private rdb$: RdbSaves | null = null;

  /** SAVE/BGSAVE state (one export at a time per engine, whichever server or listener asked). */
  get rdb(): RdbSaves {
    return (this.rdb$ ??= new RdbSaves(this, this.opts.config ?? new Config(), this.opts.warn ?? (() => {})));
  }

  /** The engine's clock, for timing commands run inside another (EXEC's queue). */
  get clock(): Clock {
    return this.opts.clock;
  }

  /** Runs a command as one unit. The caller sets the reply barrier to `appendedSeq` afterwards. */
  execute(client: ClientState, server: ServerContext, reply: ReplyWriter, cmd: Command, argv: readonly Uint8Array[]): void {
    const ex = this.executor;
    ex.beginUnit(client, server, reply, this.opts.clock.nowMs(), this.nextSeed());
    try {
      const started = this.opts.clock.monotonicMs();
      ex.run(cmd, argv);
      this.lastRunUs = Math.trunc((this.opts.clock.monotonicMs() - started) * 1000);
      this.endUnit();
    } finally {
      this.storage.afterUnit();
    }
    for (const h of this.afterUnitHooks) h();
  }

  /** Cold values a command will read: the dispatcher preloads them off-thread before executing it. */
  coldKeysOf(db: number, cmd: Command, argv: readonly Uint8Array[]): ColdKey[] {
    return this.storage.coldKeysOf(db, cmd, argv);
  }

  /** Reads cold values ahead of their command (release() them after it ran). */
  preload(keys: readonly ColdKey[]): Promise<void> {
    return this.storage.preload(keys);
  }

  release(keys: readonly ColdKey[]): void {
    this.storage.release(keys);
  }

  /** Merges a shard's log into a new snapshot now (normally merges start on their own). */
  merge(shardId: number): Promise<MergeResult> {
    return this.storage.merge(shardId);
  }

  /**
   * Cluster mode: replaces a shard's whole state with a snapshot its Raft group's leader streamed (this
   * node was too far behind for the log). The bytes become the shard's next snapshot generation, durable
   * before the in-memory state is swapped; the state is rebuilt with start-up's snapshot loader. Older
   * snapshots of the shard are deleted. A merge running on the shard is aborted first (it would write
   * the same generation). Returns the Raft position recorded in the snapshot's header.
   */
  async installSnapshot(shardId: number, data: Uint8Array): Promise<RaftSnapshotMeta> {
    const shard = this.shards[shardId] as Shard;
    if (shard.merge !== null && shard.mergePromise !== null) {
      shard.merge.abort();
      await shard.mergePromise.catch(() => {});
    }
    const generation = shard.generation + 1;
    const fresh = new ShardState(shardId, this.opts.databases);
    let cold = false;
    const loaded = await installSnapshotFile(this.opts.io, shard.dir, generation, data, {
      shard: shardId,
      hotValueBytesMax: this.storage.hotValueBytesMax,
      salvage: false,
      onKey: (db, key, e) => {
        if (db === systemDb) fresh.namespaces.set(key, e.type === "string" && e.data === "async" ? "async" : "quorum");
        else {
          if (e.type === "string" && e.cold !== null) cold = true;
          fresh.db(db).put(key, e);
        }
      },
    });
    if (loaded.raft === null) throw new Error(`bug: shard ${shardId} received a snapshot without a Raft position`);
    const state = shard.state;
    state.dbs.forEach((old, db) => {
      const next = fresh.db(db);
      this.watches.touchDb(db, (key) => old.map.has(key) || next.map.has(key));
    });
    // The databases are swapped whole (as FLUSHDB swaps a Map): nothing keeps a ShardDb across units.
    state.dbs.forEach((_, db) => this.storage.cooler.forgetDb(shardId, db));
    state.dbs = fresh.dbs;
    state.namespaces.clear();
    for (const [prefix, durability] of fresh.namespaces) state.namespaces.set(prefix, durability);
    if (cold) this.storage.mayHaveCold = true;
    this.storage.measure(shard);
    shard.files.closeBefore(generation);
    deleteSnapshotsBefore(this.opts.io, shard.dir, generation);
    shard.generation = generation;
    shard.snapshotSeq = loaded.seq;
    shard.snapshotBytes = loaded.bytes;
    shard.raftSnapshot = loaded.raft;
    shard.snapshotCommittedMs = this.opts.clock.nowMs();
    return loaded.raft;
  }

  /** Logs the current unit's ops: one entry per shard, one seq for all. */
  endUnit(): void {
    const ex = this.executor;
    if (ex.unitShards.length === 0) return;
    const seq = ++this.appendedSeq;
    const participants = ex.unitShards.length > 1 ? [...ex.unitShards].sort((a, b) => a - b) : noParticipants;
    const replication = this.replication;
    for (const shardId of ex.unitShards) {
      const ops = ex.unitOps[shardId] as LogOp[];
      const shard = this.shards[shardId] as Shard;
      const entry: LogEntry = { kind: entryKindData, seq, timeMs: ex.now, seed: ex.seed, participants, ops };
      if (replication === null) {
        const batch = shard.log.pendingBatch;
        const start = shard.log.append(entry);
        if (this.storage.cooler.enabled) this.storage.cooler.noteAppended(shardId, entry, start, shard.log.pendingBytes, batch);
      } else if (!replication.propose(shardId, entry)) {
        // The dispatcher routes writes to the shard's leader and lazy expiry is fenced off elsewhere, so
        // memory changed where it must not: a bug, and this node's state is no longer the log's.
        ex.clearUnitOps();
        this.opts.onFatal(new Error(`bug: shard ${shardId} changed on a node that cannot propose to its Raft group`));
        return;
      }
      shard.notePending(seq);
    }
    ex.clearUnitOps();
    if (replication !== null) return;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flushAll());
    }
  }

  /**
   * Group commit runs in cycles across all shards: a cycle flushes (pwrite + fdatasync) every shard with
   * pending entries, and the next cycle starts only when all of them are durable. A reply needs every
   * shard durable up to its barrier anyway, so shards cycling on their own would only add fsyncs of
   * smaller batches; one cycle at a time lets each batch collect everything that arrived meanwhile.
   */
  private flushAll(): void {
    this.flushScheduled = false;
    if (this.flushesInCycle > 0) return;
    for (const s of this.shards) if (s.log.requestFlush()) this.flushesInCycle++;
    // Called from the previous cycle's completion, before its replies are released: start the disk now.
    if (this.flushesInCycle > 0) this.opts.io.submitFlushes();
  }

  private shardDurable(shard: Shard, seq: number): void {
    shard.markDurable(seq);
    if (this.flushesInCycle > 0 && --this.flushesInCycle === 0 && !this.flushScheduled) this.flushAll();
    this.advanceDurable();
    if (!this.closed) this.storage.maybeMerge(shard, "flush");
  }

  /** Switches the write path to a replicated log (cluster mode); call before anything executes. */
  useReplication(replication: ReplicatedLog): void {
    this.replication = replication;
    this.executor.expiryFence = (shard) => replication.writable(shard);
  }

  /** Whether this node may change a shard (always in standalone). */
  writable(shard: number): boolean {
    return this.replication === null || this.replication.writable(shard);
  }

  /** Cluster mode: the shard's entries up to `seq` are committed (majority durable, and here). */
  replicatedDurable(shardId: number, seq: number): void {
    (this.shards[shardId] as Shard).markDurable(seq);
    this.advanceDurable();
  }

  /** Cluster mode: applies an entry another node proposed and the group committed. */
  applyReplicated(shardId: number, entry: LogEntry, server: ServerContext | null): void {
    try {
      this.applyLogged(shardId, entry, server);
    } finally {
      this.storage.afterUnit();
    }
  }

  private advanceDurable(): void {
    let low = Infinity;
    for (const s of this.shards) low = Math.min(low, s.firstPendingSeq());
    const next = low === Infinity ? this.appendedSeq : low - 1;
    if (next > this.durableSeq) {
      this.durableSeq = next;
      for (const l of this.durableListeners) l();
    }
  }

  /** Registers a listener called whenever the durable watermark advances. */
  onDurable(listener: () => void): () => void {
    this.durableListeners.add(listener);
    return () => this.durableListeners.delete(listener);
  }

  /** Resolves once everything appended so far is durable. */
  waitDurable(seq = this.appendedSeq): Promise<void> {
    if (this.durableSeq >= seq) return Promise.resolve();
    return new Promise((resolve) => {
      const off = this.onDurable(() => {
        if (this.durableSeq >= seq) {
          off();
          resolve();
        }
      });
    });
  }

  /** Estimated dataset bytes across shards (what maxmemory is compared with). */
  usedBytes(): number {
    let n = 0;
    for (const s of this.shards) n += s.state.usedBytes();
    return n;
  }

  keyCount(db: number): number {
    let n = 0;
    for (const s of this.shards) n += s.state.db(db).map.size;
    return n;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.storage.abortAll();
    this.flushAll();
    await Promise.all(this.shards.map((s) => s.log.close()));
    for (const s of this.shards) s.files.closeAll();
    this.storage.closeFiles();
  }
}
