// Runs commands against the shards and turns their effects into log entries.
//
// A unit (one command, or one EXEC) produces at most one entry per shard it changed, all with one seq.
// Per command inside the unit: a write confined to one shard is logged as its (rewritten) argv; a
// write spanning shards is logged as the resulting state of each key it touched (PUT/DEL), so every
// shard's part can be applied alone. Lazy expiry logs a DEL before the command that noticed it.
import type { CommandContext } from "../commands/types.ts";
import { keyIndexes, type Command, type CommandTable } from "../commands/table.ts";
import { DbView, type ViewHost } from "../keyspace/db-view.ts";
import { latin1, stringInMemory, type Entry } from "../keyspace/entry.ts";
import { keySlot, shardOfSlot } from "../keyspace/slot.ts";
import type { ShardState } from "../keyspace/shard-state.ts";
import type { ReplyWriter } from "../protocol/writer.ts";
import type { ClientState } from "../server/client-state.ts";
import { opCmd, opDel, opPut, type LogOp } from "../storage/record.ts";
import { encodeValue, valueTypeCodes } from "../storage/value-codec.ts";
import { seededRandom } from "./clock.ts";
import type { ServerContext } from "./server-context.ts";
import { keyspaceEventFlags } from "../server/notify.ts";

export interface ExecutorHost {
  readonly shards: readonly ShardState[];
  readonly table: CommandTable;
  /** A key's state is about to change (WATCH, snapshot copy-on-write). */
  keyWillChange(shard: number, db: number, key: string, old: Entry | undefined): void;
  /** `swappedWith`: SWAPDB's other database (a watched key existing in either is touched). */
  dbWillFlush(shard: number, db: number, swappedWith?: number): void;
  keyExpired(shard: number, db: number, key: string): void;
  loadColdSync(shard: number, entry: Entry): void;
}

/** Keys a command changed, in parallel arrays (no object per write; only multi-shard commands read them). */
class TouchedKeys {
  readonly shard: number[] = [];
  readonly db: number[] = [];
  readonly key: string[] = [];
  length = 0;

  push(shard: number, db: number, key: string): void {
    const n = this.length++;
    this.shard[n] = shard;
    this.db[n] = db;
    this.key[n] = key;
  }

  clear(): void {
    for (let i = 0; i < this.length; i++) this.key[i] = "";
    this.length = 0;
  }
}

export class Executor implements CommandContext, ViewHost {
  reply!: ReplyWriter;
  client!: ClientState;
  server!: ServerContext;
  readonly db: DbView;
  now = 0;
  replaying = false;
  restrictShard = -1;
  dirty = 0;
  seed = 0;
  /** The unit's seeded generator, created on first use (most commands never draw). */
  private generator: (() => number) | null = null;

  random(): number {
    return (this.generator ??= seededRandom(this.seed))();
  }

  private propagated: (readonly (string | Uint8Array)[])[] | null = null;
  /** Shard written by the current command (-1: none), and whether it wrote more than one. */
  private writtenShard = -1;
  private writtenMany = false;
  /** Whether the current command looked at keys of more than one shard (reads and writes). */
  private accessedMany = false;
  /** Cluster mode: whether this node may delete an expired key of a shard (only the shard's leader does). */
  expiryFence: ((shard: number) => boolean) | null = null;

  /** CLIENT PAUSE in force (src/server/client-pause.ts): expired keys are served as gone, not deleted. */
  datasetFrozen = false;

  mayExpire(shard: number): boolean {
    if (this.datasetFrozen) return false;
    return this.expiryFence === null || this.expiryFence(shard);
  }

  /** Set from maxmemory-policy by the server: LFU counters are only kept when a policy uses them. */
  lfu = false;
  /** The first shard accessed by the current command (-1: none yet). */
  private lastAccessed = -1;
  private touched = new TouchedKeys();
  /** Nesting depth: EXEC runs its queued commands inside its own run(). */
  private depth = 0;

  get inTransaction(): boolean {
    return this.depth > 1;
  }
  /** Ops of the current unit, per shard, in order; `unitShards` lists the shards that have some. */
  readonly unitOps: (LogOp[] | undefined)[] = [];
  readonly unitShards: number[] = [];
  private readonly shardCount: number;

  constructor(private readonly host: ExecutorHost) {
    this.db = new DbView(this);
    this.shardCount = host.shards.length;
  }

  get shards(): readonly ShardState[] {
    return this.host.shards;
  }

  get noTouch(): boolean {
    return this.client?.noTouch ?? false;
  }

  /** Changes made by commands since start (Redis's server.dirty): INFO's rdb_changes_since_last_save. */
  dirtyTotal = 0;

  // Handlers look the same key up several times (GET then SET): the last answer is kept.
  private lastKey = "";
  private lastKeyShard = 0;

  shardOfKey(key: string): number {
    if (this.shardCount === 1) return 0;
    if (key === this.lastKey) return this.lastKeyShard;
    const shard = shardOfSlot(keySlot(key), this.shardCount);
    this.lastKey = key;
    this.lastKeyShard = shard;
    return shard;
  }

  /** Whether the running command is read-only: only those count hits and misses (Redis's lookupKeyRead). */
  private readOnlyCommand = false;

  keyspaceLookup(hit: boolean, db: number, key: string, always: boolean): void {
    if (this.replaying || !(always || this.readOnlyCommand) || !this.server) return;
    if (hit) this.server.stats.keyspaceHits++;
    else {
      this.server.stats.keyspaceMisses++;
      // Read-only commands, or a write command's lookupRead() (Redis's lookupKeyRead); a write
      // command's get() is Redis's lookupKeyWrite, which is not counted.
      this.server.pubsub?.keyspaceEvent(keyspaceEventFlags.keyMiss, "keymiss", key, db);
    }
  }

  keyCreated(db: number, key: string): void {
    if (this.replaying || !this.server) return;
    this.server.pubsub?.keyspaceEvent(keyspaceEventFlags.new, "new", key, db);
  }

  accessed(shard: number): void {
    if (this.lastAccessed === -1) this.lastAccessed = shard;
    else if (shard !== this.lastAccessed) this.accessedMany = true;
  }

  beforeWrite(shard: number, db: number, key: string, old: Entry | undefined): void {
    this.noteWritten(shard);
    if (!this.replaying) this.touched.push(shard, db, key);
    this.host.keyWillChange(shard, db, key, old);
  }

  private noteWritten(shard: number): void {
    if (this.writtenShard === -1) this.writtenShard = shard;
    else if (shard !== this.writtenShard) this.writtenMany = true;
  }

  beforeFlush(shard: number, db: number, swappedWith?: number): void {
    this.noteWritten(shard);
    this.host.dbWillFlush(shard, db, swappedWith);
  }

  expired(shard: number, db: number, key: string): void {
    this.host.keyExpired(shard, db, key);
    if (!this.replaying) this.pushOp(shard, { kind: opDel, db, key });
  }

  loadCold(shard: number, entry: Entry): void {
    this.host.loadColdSync(shard, entry);
  }

  propagate(argv: readonly (string | Uint8Array)[]): void {
    (this.propagated ??= []).push(argv);
  }

  private pushOp(shard: number, op: LogOp): void {
    const ops = this.unitOps[shard];
    if (ops) ops.push(op);
    else {
      this.unitOps[shard] = [op];
      this.unitShards.push(shard);
    }
  }

  /** Forgets the unit's ops (after the engine logged them). */
  clearUnitOps(): void {
    for (const s of this.unitShards) this.unitOps[s] = undefined;
    this.unitShards.length = 0;
  }

  /** Starts a unit: time and seed are fixed for every command in it. */
  beginUnit(client: ClientState, server: ServerContext, reply: ReplyWriter, nowMs: number, seed: number): void {
    this.client = client;
    this.server = server;
    this.reply = reply;
    this.now = nowMs;
    this.seed = seed;
    this.generator = null;
    this.replaying = false;
    this.restrictShard = -1;
    if (this.unitShards.length > 0) this.clearUnitOps();
  }

  /** Runs one command of the current unit and records what must be logged. */
  run(cmd: Command, argv: readonly Uint8Array[]): void {
    const handler = cmd.spec.handler;
    if (!handler) throw new Error(`bug: command ${cmd.fullName} has no handler`);
    const outer =
      this.depth > 0
        ? { dirty: this.dirty, propagated: this.propagated, writtenShard: this.writtenShard, writtenMany: this.writtenMany, touched: this.touched, lastAccessed: this.lastAccessed, accessedMany: this.accessedMany }
        : null;
    this.dirty = 0;
    this.propagated = null;
    this.writtenShard = -1;
    this.writtenMany = false;
    this.lastAccessed = -1;
    this.accessedMany = false;
    this.touched = outer ? new TouchedKeys() : this.touched;
    this.touched.clear();
    this.db.index = this.client.db;
    const outerReadOnly = this.readOnlyCommand;
    this.readOnlyCommand = cmd.isReadonly;
    this.depth++;
    try {
      handler(this, argv);
      this.db.settleSizes();
      if (!this.replaying) {
        this.dirtyTotal += this.dirty;
        if (this.client.tracking !== null) this.trackingAfter(cmd, argv);
      }
      if (!this.replaying && (this.dirty !== 0 || this.propagated !== null)) this.recordEffects(cmd, argv);
    } finally {
      this.depth--;
      this.readOnlyCommand = outerReadOnly;
      if (outer) {
        // The nested command's accesses count for the enclosing one (EXEC).
        const innerLast = this.lastAccessed;
        const innerMany = this.accessedMany;
        this.dirty = outer.dirty;
        this.propagated = outer.propagated;
        this.writtenShard = outer.writtenShard;
        this.writtenMany = outer.writtenMany;
        this.touched = outer.touched;
        this.lastAccessed = outer.lastAccessed;
        this.accessedMany = outer.accessedMany || innerMany;
        if (innerLast !== -1) this.accessed(innerLast);
      }
    }
  }

  /** CLIENT TRACKING: remember what a read-only command read; CLIENT CACHING lasts one command (or EXEC). */
  private trackingAfter(cmd: Command, argv: readonly Uint8Array[]): void {
    const tracking = this.server.tracking;
    if (tracking === undefined) return;
    if (cmd.isReadonly && !cmd.isPubsub) {
      const keys = keyIndexes(cmd, argv).map((i) => latin1(argv[i] as Uint8Array));
      if (keys.length > 0) tracking.rememberKeys(this.client, keys);
    }
    if (this.depth === 1) tracking.commandDone(this.client, cmd.fullName.startsWith("client|"));
  }

  private recordEffects(cmd: Command, argv: readonly Uint8Array[]): void {
    const db = this.db.index;
    const propagated = this.propagated;
    if (cmd.spec.allShards) {
      for (let s = 0; s < this.shardCount; s++) {
        if (propagated === null) this.pushOp(s, { kind: opCmd, db, argv });
        else for (const a of propagated) this.pushOp(s, { kind: opCmd, db, argv: a });
      }
      return;
    }
    // Logged as a command only when it wrote one shard and read nothing elsewhere: replaying one shard's
    // log cannot see other shards (e.g. SUNIONSTORE with sources on other shards).
    if (this.writtenShard !== -1 && !this.writtenMany && !this.accessedMany) {
      const shard = this.writtenShard;
      if (propagated === null) this.pushOp(shard, { kind: opCmd, db, argv });
      else for (const a of propagated) this.pushOp(shard, { kind: opCmd, db, argv: a });
      return;
    }
    // Spans shards: log each touched key's resulting state (each shard's part applies alone).
    const seen = new Set<string>();
    const t = this.touched;
    for (let i = 0; i < t.length; i++) {
      const shard = t.shard[i] as number;
      const tdb = t.db[i] as number;
      const key = t.key[i] as string;
      const id = `${tdb}:${key}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const e = (this.host.shards[shard] as ShardState).db(tdb).map.get(key);
      if (e === undefined) this.pushOp(shard, { kind: opDel, db: tdb, key });
      else {
        if (e.type === "string" && !stringInMemory(e)) this.host.loadColdSync(shard, e);
        const value = encodeValue(e).slice();
        this.pushOp(shard, { kind: opPut, db: tdb, key, valueType: valueTypeCodes[e.type], expireAt: e.expireAt, value });
      }
    }
  }

  /** Prepares to apply one shard's logged entry (recovery, followers). */
  beginReplay(shard: number, client: ClientState, server: ServerContext, reply: ReplyWriter, nowMs: number, seed: number): void {
    this.beginUnit(client, server, reply, nowMs, seed);
    this.replaying = true;
    this.restrictShard = shard;
  }

  endReplay(): void {
    this.replaying = false;
    this.restrictShard = -1;
  }
}
