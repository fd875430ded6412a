// INFO's instantaneous_ops_per_sec, instantaneous_input_kbps and instantaneous_output_kbps, as Redis's
// trackInstantaneousMetric: every 100 ms (from the server's cron) each counter's rate since the last
// sample goes into a ring of 16; the figure is the ring's mean (so it covers the last 1.6 s).

const samplesMax = 16;
export const sampleEveryMs = 100;

export class InstantaneousMetric {
  private readonly samples = new Array<number>(samplesMax).fill(0);
  private index = 0;
  private lastMs: number;
  private lastCount: number;

  constructor(nowMs: number, count: number) {
    this.lastMs = nowMs;
    this.lastCount = count;
  }

  /** Takes a sample of `count` (a counter that only grows) at `nowMs`. */
  track(nowMs: number, count: number): void {
    if (count < this.lastCount) {
      // CONFIG RESETSTAT zeroed the counter: start over, as Redis's resetServerStats does.
      this.samples.fill(0);
      this.index = 0;
      this.lastMs = nowMs;
      this.lastCount = count;
      return;
    }
    const t = nowMs - this.lastMs;
    // Integer arithmetic as Redis's long long ops*1000/t.
    this.samples[this.index] = t > 0 ? Math.trunc(((count - this.lastCount) * 1000) / t) : 0;
    this.index = (this.index + 1) % samplesMax;
    this.lastMs = nowMs;
    this.lastCount = count;
  }

  /** The mean of the samples (Redis's getInstantaneousMetric, integer division). */
  get value(): number {
    let sum = 0;
    for (const s of this.samples) sum += s;
    return Math.trunc(sum / samplesMax);
  }
}
