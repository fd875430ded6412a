// A command's window on one logical database: routes each key to its shard, applies lazy expiry,
// keeps access statistics, and tells the executor what was read and written (for logging, WATCH,
// keyspace notifications and copy-on-write snapshots).
import { stringInMemory, type Entry } from "./entry.ts";
import type { ShardDb, ShardState } from "./shard-state.ts";
import { touchAccess } from "./memory.ts";

export interface ViewHost {
  readonly shards: readonly ShardState[];
  shardOfKey(key: string): number;
  /** -1, or the only shard this view may touch (replay of one shard's log). */
  readonly restrictShard: number;
  readonly now: number;
  readonly replaying: boolean;
  readonly noTouch: boolean;
  /** maxmemory-policy is an LFU one: reads update the logarithmic counter (else only the access time). */
  readonly lfu: boolean;
  /** Before a key's stored state changes (copy-on-write snapshot hook, WATCH, write tracking). */
  beforeWrite(shard: number, db: number, key: string, old: Entry | undefined): void;
  /** A key of this shard was looked at (read or write): a command that read other shards than it
   * wrote cannot be replayed from one shard's log, so its effects are logged as key states. */
  accessed(shard: number): void;
  /**
   * A read lookup hit or missed (INFO keyspace_hits / keyspace_misses, and the keymiss event). Counted
   * for read-only commands, and with `always` for the read lookups Redis makes inside write commands.
   */
  keyspaceLookup(hit: boolean, db: number, key: string, always: boolean): void;
  /** A key was added where none lived (Redis's dbAdd: the "new" keyspace event). */
  keyCreated(db: number, key: string): void;
  /** A whole database of a shard is about to be emptied, or swapped with `swappedWith`. */
  beforeFlush(shard: number, db: number, swappedWith?: number): void;
  /** Whether an expired key of this shard may be deleted here (cluster: only on the shard's leader). */
  mayExpire(shard: number): boolean;
  /** A key was found expired and deleted (lazily): it must be logged as a delete. */
  expired(shard: number, db: number, key: string): void;
  /** A cold value must be loaded before it can be used. */
  loadCold(shard: number, entry: Entry): void;
}

export class DbView {
  index = 0;
  /** Entries created or changed in place by the current command, re-measured by settleSizes(). */
  private readonly resizedDbs: ShardDb[] = [];
  private readonly resizedKeys: string[] = [];

  constructor(private readonly host: ViewHost) {}

  private touch(e: Entry): void {
    if (this.host.lfu) touchAccess(e, this.host.now);
    else e.accessedAt = this.host.now;
  }

  /** Re-measures what the command changed (called by the executor after each command). */
  settleSizes(): void {
    const n = this.resizedKeys.length;
    if (n === 0) return;
    for (let i = 0; i < n; i++) (this.resizedDbs[i] as ShardDb).resize(this.resizedKeys[i] as string);
    this.resizedDbs.length = 0;
    this.resizedKeys.length = 0;
  }

  /** The shard of the last shardDb() call (returned this way to avoid allocating a tuple per lookup). */
  private shardIndex = 0;

  private shardDb(key: string): ShardDb {
    const h = this.host;
    const s = h.restrictShard >= 0 ? h.restrictShard : h.shardOfKey(key);
    h.accessed(s);
    this.shardIndex = s;
    return (h.shards[s] as ShardState).db(this.index);
  }

  /** True (and deletes) when the entry has expired; never expires during replay. */
  private expireIfNeeded(shard: number, db: ShardDb, key: string, e: Entry): boolean {
    if (e.expireAt === 0 || e.expireAt > this.host.now || this.host.replaying) return false;
    // A follower hides the expired key; the leader's logged delete removes it.
    if (!this.host.mayExpire(shard)) return true;
    this.host.beforeWrite(shard, this.index, key, e);
    db.remove(key);
    this.host.expired(shard, this.index, key);
    return true;
  }

  /**
   * Lookup that touches the key and loads a cold value. In a read-only command it is Redis's
   * lookupKeyRead (counted in keyspace hits/misses, keymiss event); in a write command, its
   * lookupKeyWrite (not counted): use lookupRead() where a write command reads as Redis does with
   * lookupKeyRead (GETSET, SET GET, COPY's source, the sources of *STORE commands, BITOP, PFMERGE...).
   */
  get(key: string): Entry | undefined {
    return this.lookup(key, false);
  }

  /** Redis's lookupKeyRead in any command: counted as a read hit or miss even inside a write command. */
  lookupRead(key: string): Entry | undefined {
    return this.lookup(key, true);
  }

  private lookup(key: string, alwaysCount: boolean): Entry | undefined {
    const db = this.shardDb(key);
    const s = this.shardIndex;
    const e = db.map.get(key);
    if (e === undefined || this.expireIfNeeded(s, db, key, e)) {
      this.host.keyspaceLookup(false, this.index, key, alwaysCount);
      return undefined;
    }
    this.host.keyspaceLookup(true, this.index, key, alwaysCount);
    if (!this.host.noTouch && !this.host.replaying) this.touch(e);
    // Cold: no value in memory (a hot entry has cold null, so a buffered value is not built here).
    if (e.type === "string" && e.cold !== null && !stringInMemory(e)) this.host.loadCold(s, e);
    return e;
  }

  /** Lookup without touching access statistics or loading cold values (EXISTS, TYPE, TTL, OBJECT). */
  peek(key: string): Entry | undefined {
    const db = this.shardDb(key);
    const s = this.shardIndex;
    const e = db.map.get(key);
    if (e === undefined || this.expireIfNeeded(s, db, key, e)) return undefined;
    return e;
  }

  /**
   * peek() that counts as a read (Redis's lookupKeyReadWithFlags(LOOKUP_NOTOUCH), used by EXISTS, TYPE
   * and TTL): keyspace hits/misses and the keymiss notification, but no access-time update.
   */
  peekRead(key: string): Entry | undefined {
    const e = this.peek(key);
    this.host.keyspaceLookup(e !== undefined, this.index, key, false);
    return e;
  }

  /** Lookup for modification in place (Redis lookupKeyWrite): call before changing `entry.data`. */
  getForWrite(key: string): Entry | undefined {
    const db = this.shardDb(key);
    const s = this.shardIndex;
    const e = db.map.get(key);
    if (e === undefined) return undefined;
    if (this.expireIfNeeded(s, db, key, e)) return undefined;
    this.host.beforeWrite(s, this.index, key, e);
    if (!this.host.replaying) this.touch(e);
    if (e.type === "string" && e.cold !== null && !stringInMemory(e)) this.host.loadCold(s, e);
    this.resizedDbs.push(db);
    this.resizedKeys.push(key);
    return e;
  }

  /** Stores `entry` under `key` (replacing any value); its expireAt is kept as given. */
  set(key: string, entry: Entry): void {
    const db = this.shardDb(key);
    const s = this.shardIndex;
    const old = db.map.get(key);
    this.host.beforeWrite(s, this.index, key, old);
    entry.accessedAt = this.host.now;
    db.putOver(key, entry, old);
    this.resizedDbs.push(db);
    this.resizedKeys.push(key);
    // An expired entry not yet collected counts as absent, as Redis deletes it on the lookup before dbAdd.
    if (old === undefined || (old.expireAt !== 0 && old.expireAt <= this.host.now)) this.host.keyCreated(this.index, key);
  }

  delete(key: string): boolean {
    const db = this.shardDb(key);
    const s = this.shardIndex;
    const e = db.map.get(key);
    if (e === undefined) return false;
    if (this.expireIfNeeded(s, db, key, e)) return false;
    this.host.beforeWrite(s, this.index, key, e);
    db.remove(key);
    return true;
  }

  /** Sets (ms since epoch) or clears (0) the expiry of an existing entry. */
  setExpire(key: string, entry: Entry, expireAt: number): void {
    const db = this.shardDb(key);
    const s = this.shardIndex;
    this.host.beforeWrite(s, this.index, key, entry);
    entry.expireAt = expireAt;
    if (expireAt !== 0) db.expires.add(key);
    else db.expires.delete(key);
  }

  /** Marks an entry obtained with getForWrite as modified again (after async work, or for WATCH). */
  touchWrite(key: string, entry: Entry): void {
    this.shardDb(key);
    const s = this.shardIndex;
    this.host.beforeWrite(s, this.index, key, entry);
  }

  /** Number of keys (expired ones not yet collected included, as Redis's DBSIZE). */
  size(): number {
    let n = 0;
    for (const db of this.shardDbs()) n += db.map.size;
    return n;
  }

  /** The shard state machines this view covers (all, or the one being replayed). */
  *shardStates(): Generator<ShardState> {
    const h = this.host;
    if (h.restrictShard >= 0) yield h.shards[h.restrictShard] as ShardState;
    else yield* h.shards;
  }

  *shardDbs(): Generator<ShardDb> {
    const h = this.host;
    if (h.restrictShard >= 0) yield (h.shards[h.restrictShard] as ShardState).db(this.index);
    else for (const s of h.shards) yield s.db(this.index);
  }

  /** Every live (not expired) key, shard by shard. Does not delete expired keys. */
  *keys(): Generator<string> {
    const now = this.host.now;
    for (const db of this.shardDbs()) {
      for (const [k, e] of db.map) if (e.expireAt === 0 || e.expireAt > now || this.host.replaying) yield k;
    }
  }

  /** Swaps two databases in the shards the view covers (SWAPDB). */
  swap(a: number, b: number): void {
    const h = this.host;
    for (let s = 0; s < h.shards.length; s++) {
      if (h.restrictShard >= 0 && s !== h.restrictShard) continue;
      h.beforeFlush(s, a, b);
      h.beforeFlush(s, b, a);
      const st = h.shards[s] as ShardState;
      const da = st.db(a);
      st.dbs[a] = st.db(b);
      st.dbs[b] = da;
    }
  }

  /** Removes every key of this database in the shards the view covers. */
  flush(): void {
    const h = this.host;
    for (let s = 0; s < h.shards.length; s++) {
      if (h.restrictShard >= 0 && s !== h.restrictShard) continue;
      h.beforeFlush(s, this.index);
      (h.shards[s] as ShardState).db(this.index).clear();
    }
  }
}
