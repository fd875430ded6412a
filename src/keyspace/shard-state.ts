// One shard's in-memory state machine: its databases. Shards share nothing; the view routes keys.
import type { Entry } from "./entry.ts";
import { KeyMap } from "./key-map.ts";
import { entrySizeBytes } from "./memory.ts";

export class ShardDb {
  map = new KeyMap();
  /** Keys with an expiry, for the active expiry cycle (Set iteration is stable under deletion). */
  expires = new Set<string>();
  /** Sum of the entries' sizeBytes (see keyspace/memory.ts). */
  usedBytes = 0;
  /** The storage engine's estimate of the bytes a merge would write for this database (engine/storage.ts). */
  liveEstimate = 0;

  /** Empties the database by replacing its maps: a snapshot still iterating the old map is unaffected. */
  clear(): void {
    this.map = new KeyMap();
    this.expires = new Set();
    this.usedBytes = 0;
    this.liveEstimate = 0;
  }

  /** Stores an entry with its size accounted and its expiry indexed. */
  put(key: string, e: Entry): void {
    this.putOver(key, e, this.map.get(key));
  }

  /** put() when the caller has just looked the key up: `old` must be its current entry (or undefined). */
  putOver(key: string, e: Entry, old: Entry | undefined): void {
    if (old) this.usedBytes -= old.sizeBytes;
    e.sizeBytes = entrySizeBytes(key, e);
    this.usedBytes += e.sizeBytes;
    this.map.replace(key, e, old);
    if (e.expireAt !== 0) this.expires.add(key);
    else if (old !== undefined && old.expireAt !== 0) this.expires.delete(key);
  }

  remove(key: string): boolean {
    const old = this.map.get(key);
    if (!old) return false;
    this.usedBytes -= old.sizeBytes;
    this.map.delete(key);
    this.expires.delete(key);
    return true;
  }

  /** Re-measures an entry changed in place. */
  resize(key: string): void {
    const e = this.map.get(key);
    if (e) this.resizeEntry(key, e);
  }

  /** resize() when the caller holds the key's entry. */
  resizeEntry(key: string, e: Entry): void {
    const size = entrySizeBytes(key, e);
    this.usedBytes += size - e.sizeBytes;
    e.sizeBytes = size;
  }
}

export type Durability = "quorum" | "async";

export class ShardState {
  dbs: ShardDb[];
  /**
   * Durability per key prefix (BUNKER.CONFIG). Every shard holds the same table: it is changed by a
   * command logged to every shard, so it is persisted and recovered (and replicated) with the data.
   */
  readonly namespaces = new Map<string, Durability>();

  constructor(
    readonly id: number,
    databases: number,
  ) {
    this.dbs = Array.from({ length: databases }, () => new ShardDb());
  }

  db(index: number): ShardDb {
    const d = this.dbs[index];
    if (!d) throw new Error(`bug: database ${index} out of range`);
    return d;
  }

  usedBytes(): number {
    let n = 0;
    for (const d of this.dbs) n += d.usedBytes;
    return n;
  }

  keyCount(): number {
    let n = 0;
    for (const d of this.dbs) n += d.map.size;
    return n;
  }
}
