// WATCH bookkeeping: which clients watch which (db, key); a change to the key marks them dirty.
import type { ClientState } from "../server/client-state.ts";

export class WatchRegistry {
  private readonly byKey = new Map<string, Set<ClientState>>();

  private id(db: number, key: string): string {
    return `${db}\u0000${key}`;
  }

  watch(client: ClientState, db: number, key: string): void {
    const id = this.id(db, key);
    if (client.watched.has(id)) return;
    client.watched.add(id);
    let set = this.byKey.get(id);
    if (!set) this.byKey.set(id, (set = new Set()));
    set.add(client);
  }

  unwatchAll(client: ClientState): void {
    for (const id of client.watched) {
      const set = this.byKey.get(id);
      if (!set) continue;
      set.delete(client);
      if (set.size === 0) this.byKey.delete(id);
    }
    client.watched.clear();
    client.watchDirty = false;
  }

  touch(db: number, key: string): void {
    if (this.byKey.size === 0) return;
    const set = this.byKey.get(this.id(db, key));
    if (set) for (const c of set) c.watchDirty = true;
  }

  /** A database is being flushed or swapped: watchers of the keys that exist in it are dirtied
   * (as Redis's touchAllWatchedKeysInDb; a watched key that does not exist stays clean). */
  touchDb(db: number, exists: (key: string) => boolean): void {
    const prefix = `${db}\u0000`;
    for (const [id, set] of this.byKey) {
      if (!id.startsWith(prefix) || !exists(id.slice(prefix.length))) continue;
      for (const c of set) c.watchDirty = true;
    }
  }
}
