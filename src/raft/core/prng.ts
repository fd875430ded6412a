// A small seeded pseudo-random generator (32-bit state mixing) for election jitter and simulations.
import type { Random } from "./types.ts";

export class SeededRandom implements Random {
  private state: number;

  constructor(seed: number) {
    this.state = (seed ^ 0x9e3779b9) >>> 0;
  }

  /** The next 32-bit unsigned value. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  }

  intBelow(bound: number): number {
    if (bound <= 1) return 0;
    return this.nextUint32() % bound;
  }

  /** True with probability `chance` (0..1). */
  chance(probability: number): boolean {
    return this.nextUint32() / 4294967296 < probability;
  }
}
