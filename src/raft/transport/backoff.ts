// Reconnect delays: exponential in the number of failed attempts, capped, with "equal jitter" (half the
// delay fixed, half random) so nodes that lost a peer together do not redial in lockstep.

export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
  /** Uniform in [0, 1); injected so tests and the simulator choose the jitter. */
  readonly random: () => number;
}

/** Delay before attempt number `failures` + 1 (failures counts consecutive failed attempts, from 0). */
export function reconnectDelayMs(failures: number, opts: BackoffOptions): number {
  // 2^30 already exceeds any sane cap; clamping the exponent keeps the arithmetic finite.
  const exponent = Math.min(failures, 30);
  const ceilingMs = Math.min(opts.maxMs, opts.baseMs * 2 ** exponent);
  const half = ceilingMs / 2;
  return Math.round(half + opts.random() * half);
}
