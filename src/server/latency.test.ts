// The latency monitor's series: one sample per second (the highest), at most 160, reset by name.
import { expect, test } from "bun:test";
import { LatencyMonitor, latencyReport, latencySamplesMax } from "./latency.ts";

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

test("LATENCY DOCTOR's report says when the monitor is off, when nothing was recorded, and lists events", () => {
  const m = new LatencyMonitor();
  expect(latencyReport(m, 0)).toContain("The latency monitor is off");
  expect(latencyReport(m, 5)).toContain("No latency event has been recorded");
  m.add("command", 12, 1000);
  m.add("command", 30, 1004);
  m.add("expire-cycle", 7, 1002);
  const report = latencyReport(m, 5);
  expect(report).toContain("records events of at least 5 ms");
  expect(report).toContain("1. command: 2 sample(s) over 4 s, average 21.0 ms, worst 30 ms, latest 30 ms at 1970-01-01T00:16:44.000Z.");
  expect(report).toContain("2. expire-cycle: 1 sample(s) over 0 s, average 7.0 ms, worst 7 ms, latest 7 ms");
  expect(report).toContain("SLOWLOG GET");
  expect(report.endsWith("\n")).toBe(true);
});
