// The latency monitor (Redis's latency.c): per event, the latest samples at or above
// `latency-monitor-threshold` milliseconds, one per second (the highest of that second), at most 160.

/** Redis's LATENCY_TS_LEN: samples kept per event. */
export const latencySamplesMax = 160;

export interface LatencySample {
  readonly timeSec: number;
  readonly latencyMs: number;
}

interface LatencySeries {
  /** Oldest first, at most latencySamplesMax. */
  readonly samples: { timeSec: number; latencyMs: number }[];
  /** The highest latency since the event was created or last reset. */
  maxMs: number;
}

export class LatencyMonitor {
  /** By event name, in the order events first happened (Redis's dict order is its hash order). */
  private readonly events = new Map<string, LatencySeries>();

  /** Redis's latencyAddSampleIfNeeded: nothing when the threshold is 0 (off) or not reached. */
  addIfNeeded(event: string, latencyMs: number, opts: { thresholdMs: number; nowSec: number }): void {
    if (opts.thresholdMs === 0 || latencyMs < opts.thresholdMs) return;
    this.add(event, latencyMs, opts.nowSec);
  }

  /** Redis's latencyAddSample: a sample in the same second as the previous one only raises it. */
  add(event: string, latencyMs: number, nowSec: number): void {
    let series = this.events.get(event);
    if (series === undefined) this.events.set(event, (series = { samples: [], maxMs: 0 }));
    if (latencyMs > series.maxMs) series.maxMs = latencyMs;
    const last = series.samples[series.samples.length - 1];
    if (last !== undefined && last.timeSec === nowSec) {
      if (latencyMs > last.latencyMs) last.latencyMs = latencyMs;
      return;
    }
    series.samples.push({ timeSec: nowSec, latencyMs });
    if (series.samples.length > latencySamplesMax) series.samples.shift();
  }

  /** LATENCY LATEST: [event, time of the latest sample, its latency, all-time max] per event. */
  latest(): [event: string, timeSec: number, latencyMs: number, maxMs: number][] {
    const out: [string, number, number, number][] = [];
    for (const [event, s] of this.events) {
      const last = s.samples[s.samples.length - 1];
      out.push([event, last?.timeSec ?? 0, last?.latencyMs ?? 0, s.maxMs]);
    }
    return out;
  }

  /** LATENCY HISTORY: the event's samples, oldest first; empty for an unknown event (matched exactly). */
  history(event: string): readonly LatencySample[] {
    return this.events.get(event)?.samples ?? [];
  }

  /** LATENCY RESET: drops the event (names compared ignoring ASCII case, as strcasecmp), or all with null. */
  reset(event: string | null): number {
    let resets = 0;
    for (const name of [...this.events.keys()]) {
      if (event === null || asciiLower(name) === asciiLower(event)) {
        this.events.delete(name);
        resets++;
      }
    }
    return resets;
  }
}

/** What each event measures, and where to look next (LATENCY DOCTOR). */
const eventAdvice: Record<string, string> = {
  command: "commands slower than the threshold: SLOWLOG GET lists them with their arguments; LATENCY HISTOGRAM shows each command's distribution.",
  "fast-command": "O(1) or O(log N) commands slower than the threshold: usually the process did not get the CPU (other processes, a busy machine) or a collection paused it.",
  "command-unblocking": "blocked commands (BLPOP and the like) slow to run once served.",
  "expire-cycle": "the active expiry cycle: many keys expiring at the same moment; spreading TTLs over time evens it out.",
};

/**
 * LATENCY DOCTOR: a plain-text report of the recorded events. Bunker writes its own report (Redis's
 * prose is its own); what it lists is what LATENCY LATEST and HISTORY hold.
 */
export function latencyReport(monitor: LatencyMonitor, thresholdMs: number): string {
  const lines: string[] = [];
  if (thresholdMs === 0) {
    lines.push("The latency monitor is off (latency-monitor-threshold is 0): nothing is recorded. CONFIG SET latency-monitor-threshold <milliseconds> turns it on.");
  } else lines.push(`The latency monitor records events of at least ${thresholdMs} ms (latency-monitor-threshold).`);
  const events = monitor.latest();
  if (events.length === 0) {
    lines.push("No latency event has been recorded since start-up or the last LATENCY RESET.");
    return lines.join("\n") + "\n";
  }
  lines.push("");
  events.forEach(([event, lastSec, lastMs, maxMs], i) => {
    const samples = monitor.history(event);
    const avg = samples.reduce((n, s) => n + s.latencyMs, 0) / Math.max(1, samples.length);
    const first = samples[0]?.timeSec ?? lastSec;
    const span = Math.max(0, lastSec - first);
    lines.push(
      `${i + 1}. ${event}: ${samples.length} sample(s) over ${span} s, average ${avg.toFixed(1)} ms, worst ${maxMs} ms, latest ${lastMs} ms at ${new Date(lastSec * 1000).toISOString()}.`,
    );
    lines.push(`   ${eventAdvice[event] ?? "an event of this kind."}`);
  });
  lines.push("");
  lines.push("LATENCY RESET clears the events once they are understood.");
  return lines.join("\n") + "\n";
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) | 0x20));
}
