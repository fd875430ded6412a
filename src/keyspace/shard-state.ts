// One shard's in-memory state machine: its databases. Shards share nothing; the view routes keys.
import { KeyMap } from "./key-map.ts";

export class ShardDb {
  map = new KeyMap();
  /** Keys with an expiry, for the active expiry cycle (Set iteration is stable under deletion). */
  expires = new Set<string>();

  /** Empties the database by replacing its maps: a snapshot still iterating the old map is unaffected. */
  clear(): void {
    this.map = new KeyMap();
    this.expires = new Set();
  }
}

export class ShardState {
  dbs: ShardDb[];

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

  keyCount(): number {
    let n = 0;
    for (const d of this.dbs) n += d.map.size;
    return n;
  }
}
