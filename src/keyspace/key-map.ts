// A database's key -> entry map that also gives every key a stable scan slot, for SCAN's cursor.
//
// SCAN must return every key that exists for the whole iteration at least once, with a stateless cursor.
// A JS Map cannot be resumed at a position, so each key also owns a slot in an array: a key keeps its
// slot from insertion until deletion (overwriting a key keeps it), a deleted key's slot is freed and
// reused by a later insertion. A scan walks slots in increasing order; the cursor is the next slot. A
// key present throughout never moves, so it is visited exactly once; keys added or removed meanwhile
// may or may not be seen, as Redis allows. The index costs an array cell and a small map entry per key;
// it is kept here (not on Entry) so that everything that stores or removes keys maintains it unawares.
import type { Entry } from "./entry.ts";

export class KeyMap extends Map<string, Entry> {
  /** slot -> key, or null for a free slot. */
  private slots: (string | null)[] = [];
  /** Free slots, reused last-freed first. */
  private free: number[] = [];
  /** key -> its slot. */
  private slotOf = new Map<string, number>();

  override set(key: string, entry: Entry): this {
    if (!super.has(key)) {
      const slot = this.free.pop();
      if (slot === undefined) {
        this.slotOf.set(key, this.slots.length);
        this.slots.push(key);
      } else {
        this.slotOf.set(key, slot);
        this.slots[slot] = key;
      }
    }
    return super.set(key, entry);
  }

  override delete(key: string): boolean {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return false;
    this.slotOf.delete(key);
    this.slots[slot] = null;
    this.free.push(slot);
    return super.delete(key);
  }

  override clear(): void {
    this.slots = [];
    this.free = [];
    this.slotOf = new Map();
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
