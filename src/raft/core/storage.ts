// The read side of the node's durable log (what the core asks for) and an in-memory implementation.
import { assert, type ConfState, EMPTY_HARD_STATE, type Entry, type HardState, type Snapshot } from "./types.ts";

/** Asked for entries that a snapshot has replaced. */
export class CompactedError extends Error {
  override name = "CompactedError";
}

/** Asked for entries beyond the stored log. */
export class UnavailableError extends Error {
  override name = "UnavailableError";
}

/**
 * What the core reads. The driver writes (append, hard state, snapshot) through its own implementation;
 * the core only reads, and only entries the driver has persisted (the unstable tail lives in the core).
 */
export interface Storage {
  initialState(): { hardState: HardState; confState: ConfState };
  /** Entries [lo, hi), at most maxCount of them (at least one when lo < hi). */
  entries(lo: number, hi: number, maxCount: number): Entry[];
  /** Term of entry i; firstIndex()-1 is allowed (the snapshot's term). */
  term(index: number): number;
  firstIndex(): number;
  lastIndex(): number;
  snapshot(): Snapshot;
}

/** Storage in memory: the test double, and the simulator's page cache and disk. */
export class MemoryStorage implements Storage {
  private hardState: HardState = EMPTY_HARD_STATE;
  private snap: Snapshot;
  /** entries[0] is a dummy holding the snapshot's index and term. */
  private ents: Entry[];

  constructor(confState: ConfState = { voters: [], learners: [] }) {
    this.snap = { meta: { index: 0, term: 0, confState }, data: new Uint8Array(0) };
    this.ents = [dummy(0, 0)];
  }

  clone(): MemoryStorage {
    const copy = new MemoryStorage();
    copy.hardState = this.hardState;
    copy.snap = this.snap;
    copy.ents = this.ents.slice();
    return copy;
  }

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: this.hardState, confState: this.snap.meta.confState };
  }

  setHardState(hardState: HardState): void {
    this.hardState = hardState;
  }

  entries(lo: number, hi: number, maxCount: number): Entry[] {
    const offset = this.offset();
    if (lo <= offset) throw new CompactedError(`entries from ${lo}: compacted through ${offset}`);
    if (hi > this.lastIndex() + 1) throw new UnavailableError(`entries to ${hi}: last is ${this.lastIndex()}`);
    const end = Math.min(hi, lo + Math.max(1, maxCount));
    return this.ents.slice(lo - offset, end - offset);
  }

  term(index: number): number {
    const offset = this.offset();
    if (index < offset) throw new CompactedError(`term of ${index}: compacted through ${offset}`);
    const entry = this.ents[index - offset];
    if (entry === undefined) throw new UnavailableError(`term of ${index}: last is ${this.lastIndex()}`);
    return entry.term;
  }

  firstIndex(): number {
    return this.offset() + 1;
  }

  lastIndex(): number {
    return this.offset() + this.ents.length - 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replaces everything with a snapshot received from the leader. Older snapshots are ignored. */
  applySnapshot(snapshot: Snapshot): void {
    if (snapshot.meta.index <= this.snap.meta.index) return;
    this.snap = snapshot;
    this.ents = [dummy(snapshot.meta.index, snapshot.meta.term)];
  }

  /** Records the application's own snapshot at `index` (which must be applied, so in the log). */
  createSnapshot(index: number, confState: ConfState, data: Uint8Array): Snapshot {
    if (index <= this.snap.meta.index) return this.snap;
    assert(index <= this.lastIndex(), `snapshot ${index} beyond last index ${this.lastIndex()}`);
    this.snap = { meta: { index, term: this.term(index), confState }, data };
    return this.snap;
  }

  /** Drops entries up to and including `index`, keeping it as the dummy. */
  compact(index: number): void {
    const offset = this.offset();
    if (index <= offset) return;
    assert(index <= this.lastIndex(), `compact ${index} beyond last index ${this.lastIndex()}`);
    const kept = this.ents.slice(index - offset);
    kept[0] = dummy(index, this.term(index));
    this.ents = kept;
  }

  /** Appends entries, replacing any conflicting tail (entries at or after the first new index). */
  append(entries: readonly Entry[]): void {
    const first = entries[0];
    if (first === undefined) return;
    const offset = this.offset();
    const lastNew = first.index + entries.length - 1;
    if (lastNew <= offset) return; // all compacted already
    const skip = Math.max(0, offset + 1 - first.index);
    const fresh = entries.slice(skip);
    const start = (fresh[0] as Entry).index;
    assert(start <= this.lastIndex() + 1, `append at ${start} leaves a gap after ${this.lastIndex()}`);
    this.ents = this.ents.slice(0, start - offset).concat(fresh);
  }

  private offset(): number {
    return (this.ents[0] as Entry).index;
  }
}

function dummy(index: number, term: number): Entry {
  return { index, term, type: "normal", data: new Uint8Array(0) };
}
