// A growable ring buffer: O(1) push/pop at both ends and O(1) indexed access (Redis lists).

export class Deque<T> {
  private items: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(capacity = 8) {
    this.items = new Array<T | undefined>(Math.max(4, capacity));
  }

  get length(): number {
    return this.count;
  }

  private grow(): void {
    const old = this.items;
    const next = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = old[(this.head + i) % old.length];
    this.items = next;
    this.head = 0;
  }

  pushBack(v: T): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) % this.items.length] = v;
    this.count++;
  }

  pushFront(v: T): void {
    if (this.count === this.items.length) this.grow();
    this.head = (this.head - 1 + this.items.length) % this.items.length;
    this.items[this.head] = v;
    this.count++;
  }

  popFront(): T | undefined {
    if (this.count === 0) return undefined;
    const v = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.items.length;
    this.count--;
    return v;
  }

  popBack(): T | undefined {
    if (this.count === 0) return undefined;
    const i = (this.head + this.count - 1) % this.items.length;
    const v = this.items[i];
    this.items[i] = undefined;
    this.count--;
    return v;
  }

  /** Element at index 0..length-1 (no negative indexes). */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.count) return undefined;
    return this.items[(this.head + index) % this.items.length];
  }

  set(index: number, v: T): void {
    if (index < 0 || index >= this.count) throw new RangeError("deque index out of range");
    this.items[(this.head + index) % this.items.length] = v;
  }

  /** Inserts `v` so that it ends up at `index` (0..length), moving the shorter side: O(min(i, n-i)). */
  insertAt(index: number, v: T): void {
    if (index < 0 || index > this.count) throw new RangeError("deque index out of range");
    if (index === 0) return this.pushFront(v);
    if (this.count === this.items.length) this.grow();
    const cap = this.items.length;
    if (index < this.count - index) {
      this.head = (this.head - 1 + cap) % cap;
      for (let i = 0; i < index; i++) this.items[(this.head + i) % cap] = this.items[(this.head + i + 1) % cap];
    } else {
      for (let i = this.count; i > index; i--) this.items[(this.head + i) % cap] = this.items[(this.head + i - 1) % cap];
    }
    this.items[(this.head + index) % cap] = v;
    this.count++;
  }

  /** Removes and returns the element at `index`, moving the shorter side: O(min(i, n-i)). */
  removeAt(index: number): T {
    if (index < 0 || index >= this.count) throw new RangeError("deque index out of range");
    const cap = this.items.length;
    const v = this.items[(this.head + index) % cap] as T;
    if (index < this.count - 1 - index) {
      for (let i = index; i > 0; i--) this.items[(this.head + i) % cap] = this.items[(this.head + i - 1) % cap];
      this.items[this.head] = undefined;
      this.head = (this.head + 1) % cap;
    } else {
      for (let i = index; i < this.count - 1; i++) this.items[(this.head + i) % cap] = this.items[(this.head + i + 1) % cap];
      this.items[(this.head + this.count - 1) % cap] = undefined;
    }
    this.count--;
    return v;
  }

  toArray(): T[] {
    const out = new Array<T>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.items[(this.head + i) % this.items.length] as T;
    return out;
  }

  /** Replaces the whole content (used by LINSERT, LREM, LTRIM, LSET-like rewrites). */
  replaceAll(values: T[]): void {
    this.items = new Array<T | undefined>(Math.max(8, values.length * 2));
    for (let i = 0; i < values.length; i++) this.items[i] = values[i];
    this.head = 0;
    this.count = values.length;
  }

  static from<T>(values: Iterable<T>): Deque<T> {
    const d = new Deque<T>();
    for (const v of values) d.pushBack(v);
    return d;
  }
}
