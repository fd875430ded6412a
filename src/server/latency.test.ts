// The latency monitor's series: one sample per second (the highest), at most 160, reset by name.
import { expect, test } from "bun:test";
import { LatencyMonitor, latencySamplesMax } from "./latency.ts";

test("samples in the same second keep the highest; the all-time max survives the window", () => {
  const m = new LatencyMonitor();
  m.add("command", 5, 100);
  m.add("command", 3, 100);
  m.add("command", 9, 100);
  m.add("command", 2, 101);
  expect(m.history("command")).toEqual([{ timeSec: 100, latencyMs: 9 }, { timeSec: 101, latencyMs: 2 }]);
  expect(m.latest()).toEqual([["command", 101, 2, 9]]);
  for (let t = 200; t < 200 + latencySamplesMax; t++) m.add("command", 1, t);
  expect(m.history("command").length).toBe(latencySamplesMax);
  expect(m.latest()[0]?.[3]).toBe(9);
});

test("nothing is recorded with the threshold 0 or below it", () => {
  const m = new LatencyMonitor();
  m.addIfNeeded("command", 50, { thresholdMs: 0, nowSec: 1 });
  m.addIfNeeded("command", 4, { thresholdMs: 5, nowSec: 1 });
  expect(m.latest()).toEqual([]);
  m.addIfNeeded("command", 5, { thresholdMs: 5, nowSec: 1 });
  expect(m.latest()).toEqual([["command", 1, 5, 5]]);
});

test("RESET matches event names ignoring case; HISTORY matches them exactly", () => {
  const m = new LatencyMonitor();
  m.add("command", 1, 1);
  m.add("fast-command", 1, 1);
  expect(m.history("COMMAND")).toEqual([]);
  expect(m.reset("COMMAND")).toBe(1);
  expect(m.reset(null)).toBe(1);
  expect(m.latest()).toEqual([]);
});
