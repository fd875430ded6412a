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

function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) | 0x20));
}
