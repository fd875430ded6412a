// Reconnect delays grow exponentially up to the cap, with jitter drawn from the injected PRNG.
import { expect, test } from "bun:test";
import { reconnectDelayMs } from "./backoff.ts";

test("delays double per failure, stay within [half, full] of the ceiling, and stop at the cap", () => {
  const lowest = (n: number) => reconnectDelayMs(n, { baseMs: 100, maxMs: 1_000, random: () => 0 });
  const highest = (n: number) => reconnectDelayMs(n, { baseMs: 100, maxMs: 1_000, random: () => 0.999999 });
  expect([0, 1, 2, 3, 4, 5, 60].map(lowest)).toEqual([50, 100, 200, 400, 500, 500, 500]);
  expect([0, 1, 2, 3, 4, 5, 60].map(highest)).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
});
