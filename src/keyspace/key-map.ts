// A database's key -> entry map that also gives every key a stable scan slot, for SCAN's cursor.
//
// SCAN must return every key that exists for the whole iteration at least once, with a stateless cursor.
// A JS Map cannot be resumed at a position, so each key also owns a slot in an array: a key keeps its
// slot from insertion until deletion (overwriting a key keeps it), a deleted key's slot is freed and
// reused by a later insertion. A scan walks slots in increasing order; the cursor is the next slot. A
// key present throughout never moves, so it is visited exactly once; keys added or removed meanwhile
// may or may not be seen, as Redis allows. The index costs an array cell per key plus
// Entry.scanSlot; it is maintained here, so everything that stores or removes keys keeps it unawares.
import type { Entry } from "./entry.ts";

export class KeyMap extends Map<string, Entry> {
  /** slot -> key, or null for a free slot. */
  private slots: (string | null)[] = [];
  /** Free slots, reused last-freed first. */
  private free: number[] = [];

  // The slot lives on the entry (Entry.scanSlot) rather than in a second map: a key costs one array
  // cell here instead of another map entry. A replacing entry inherits the slot of the one it replaces.
  override set(key: string, entry: Entry): this {
    return this.replace(key, entry, super.get(key));
  }

  /** set() when the caller already looked the key up (`old`: its current entry), saving a lookup. */
  replace(key: string, entry: Entry, old: Entry | undefined): this {
    if (old !== undefined) {
      entry.scanSlot = old.scanSlot;
    } else {
      const slot = this.free.pop();
      if (slot === undefined) {
        entry.scanSlot = this.slots.length;
        this.slots.push(key);
      } else {
        entry.scanSlot = slot;
        this.slots[slot] = key;
      }
    }
    return super.set(key, entry);
  }

  override delete(key: string): boolean {
    const old = super.get(key);
    if (old === undefined) return false;
    // The entry object may have been stored under another key since (set before delete of the same
    // object): then its scanSlot is the other key's, and this key's slot is found by search (rare).
    const slot = this.slots[old.scanSlot] === key ? old.scanSlot : this.slots.indexOf(key);
    if (slot >= 0) {
      this.slots[slot] = null;
      this.free.push(slot);
    }
    if (slot === old.scanSlot) old.scanSlot = -1;
    return super.delete(key);
  }

  override clear(): void {
    this.slots = [];
    this.free = [];
    super.clear();
  }

  /** One past the highest slot in use (the end of a scan over this map). */
  get slotCount(): number {
    return this.slots.length;
  }

  /** The key in `slot`, or null when the slot is free or past the end. */
  keyAt(slot: number): string | null {
    return this.slots[slot] ?? null;
  }
}
