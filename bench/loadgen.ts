// A RESP load generator on Bun.connect with HDR histograms: N connections, pipeline depth P, a key
// space and value size, a read/write ratio (GET/SET), uniform or Zipf-like keys; closed loop (each
// connection keeps P requests in flight) or open loop at a fixed request rate, where every request has
// an intended send time on a fixed schedule and its latency is measured from that time, so a server
// stall shows as latency of every request that should have been sent during it (coordinated omission
// corrected) rather than as a pause in sending.
//
// CLI:   bun bench/loadgen.ts --port 6379 [--connections 50] [--pipeline 1] [--keys 100000]
//          [--value-bytes 32] [--ratio 1:10 (write:read)] [--distribution uniform|zipf] [--zipf-s 0.99]
//          [--duration-s 10] [--warmup-s 2] [--rate 0 (requests/s; 0: closed loop)] [--preload] [--json]
// Module: import { runLoad, preloadKeys, formatResult } from "./loadgen.ts"
import * as hdr from "hdr-histogram-js";

export type KeyDistribution = "uniform" | "zipf";

export interface LoadOptions {
  readonly host: string;
  readonly port: number;
  readonly connections: number;
  /** Closed loop: requests kept in flight per connection. Open loop: the most in flight per connection. */
  readonly pipeline: number;
  readonly keyCount: number;
  readonly valueBytes: number;
  /** Fraction of requests that are GETs (the rest are SETs): 1:10 write:read is 10/11. */
  readonly readFraction: number;
  readonly distribution: KeyDistribution;
  /** Zipf exponent (0.99 is the YCSB default). */
  readonly zipfExponent: number;
  readonly durationMs: number;
  /** Replies to requests sent (or, open loop, intended) before this much time has passed are not counted. */
  readonly warmupMs: number;
  /** Requests per second over all connections; 0 runs closed loop. */
  readonly rateRps: number;
  readonly seed: number;
  /**
   * Cluster-aware routing: each target is a node and the key indexes it serves (the shards it leads).
   * Connections are spread over the targets in proportion to their keys and each samples its target's
   * keys uniformly, so every request goes straight to the key's leader. Unset: every connection uses `port`.
   */
  readonly targets?: readonly LoadTarget[];
}

export interface LoadTarget {
  readonly port: number;
  readonly keyIndexes: readonly number[];
}

export const defaultLoadOptions: LoadOptions = {
  host: "127.0.0.1",
  port: 6379,
  connections: 50,
  pipeline: 1,
  keyCount: 100_000,
  valueBytes: 32,
  readFraction: 10 / 11,
  distribution: "uniform",
  zipfExponent: 0.99,
  durationMs: 10_000,
  warmupMs: 2_000,
  rateRps: 0,
  seed: 1,
};

export interface LatencySummaryUs {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

export interface LoadResult {
  readonly mode: "closed" | "open";
  readonly options: LoadOptions;
  /** Replies counted (after warm-up, within the measured window). */
  readonly requests: number;
  /**
   * Every reply received during the run, warm-up and the drain after the window included (what the
   * server answered between the first connect and the last socket's end: the divisor for server CPU
   * sampled around runLoad).
   */
  readonly totalReplies: number;
  /** Error replies over the whole run (warm-up included), also counted in the throughput. */
  readonly errorReplies: number;
  readonly measuredMs: number;
  readonly throughputRps: number;
  readonly all: LatencySummaryUs;
  readonly reads: LatencySummaryUs;
  readonly writes: LatencySummaryUs;
  /** Open loop: requests whose intended time had passed but that were never sent (server too slow). */
  readonly behindSchedule: number;
  /**
   * Open loop: how late requests were sent after their intended time (the generator's own timer
   * resolution, about 1 ms in Bun, plus waiting for a pipeline slot). It is part of every latency
   * above, the same for any server: the floor of what the open-loop percentiles can show.
   */
  readonly sendLag: LatencySummaryUs;
}

/** Key names as redis-benchmark writes them with -r: "key:" and 12 digits. */
export function keyName(index: number): string {
  return "key:" + String(index).padStart(12, "0");
}

/** mulberry32: a small seeded generator, so two runs issue the same key sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns a sampler of key indexes in [0, keyCount): uniform, or Zipf-like (rank 0 hottest) by inverse CDF. */
export function keySampler(opts: Pick<LoadOptions, "keyCount" | "distribution" | "zipfExponent">, random: () => number): () => number {
  const n = opts.keyCount;
  if (opts.distribution === "uniform") return () => Math.floor(random() * n);
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let rank = 0; rank < n; rank++) {
    total += 1 / Math.pow(rank + 1, opts.zipfExponent);
    cumulative[rank] = total;
  }
  return () => {
    const target = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/**
 * Counts complete RESP replies in a byte stream split anywhere. Handles simple strings, errors,
 * integers, bulk strings and flat arrays of those (all GET/SET/MGET reply); nothing is copied.
 */
export class ReplyCounter {
  private state: "type" | "line" | "skip" = "type";
  private type = 0;
  private number = 0;
  private negative = false;
  private skipBytes = 0;
  private arrayRemaining = 0;
  errorReplies = 0;

  /** Feeds a chunk; calls onReply once per complete top-level reply. */
  feed(chunk: Uint8Array, onReply: () => void): void {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (this.state === "skip") {
        const take = Math.min(this.skipBytes, chunk.length - i);
        this.skipBytes -= take;
        i += take - 1;
        if (this.skipBytes === 0) {
          this.state = "type";
          this.elementDone(onReply);
        }
      } else if (this.state === "type") {
        this.type = b;
        this.number = 0;
        this.negative = false;
        this.state = "line";
      } else if (b === 10) {
        this.lineDone(onReply);
      } else if (b >= 48 && b <= 57) {
        this.number = this.number * 10 + (b - 48);
      } else if (b === 45) {
        this.negative = true;
      }
    }
  }

  private lineDone(onReply: () => void): void {
    this.state = "type";
    const n = this.negative ? -this.number : this.number;
    if (this.type === 36 /* $ */ && n >= 0) {
      this.skipBytes = n + 2;
      this.state = "skip";
      return;
    }
    if (this.type === 42 /* * */ && n > 0) {
      this.arrayRemaining = n;
      return;
    }
    if (this.type === 45 /* - */) this.errorReplies++;
    this.elementDone(onReply);
  }

  private elementDone(onReply: () => void): void {
    if (this.arrayRemaining > 0 && --this.arrayRemaining > 0) return;
    onReply();
  }
}

const encoder = new TextEncoder();

function bulk(s: string): string {
  return `$${s.length}\r\n${s}\r\n`;
}

/** Builds request frames for GET and SET on a fixed key shape; the value is the same bytes each time. */
class RequestEncoder {
  private readonly setHead: string;
  private readonly valueTail: string;
  constructor(valueBytes: number) {
    this.setHead = "*3\r\n$3\r\nSET\r\n";
    this.valueTail = bulk("x".repeat(valueBytes));
  }
  get(key: string): string {
    return "*2\r\n$3\r\nGET\r\n" + bulk(key);
  }
  set(key: string): string {
    return this.setHead + bulk(key) + this.valueTail;
  }
}

/** Socket writes that survive backpressure: what the kernel did not take waits for drain. */
interface Outbox {
  pending: Uint8Array | null;
}

type LoadSocket = Awaited<ReturnType<typeof Bun.connect<Outbox>>>;

function send(socket: LoadSocket, bytes: Uint8Array): void {
  const box = socket.data;
  if (box.pending !== null) {
    const merged = new Uint8Array(box.pending.length + bytes.length);
    merged.set(box.pending);
    merged.set(bytes, box.pending.length);
    box.pending = merged;
    return;
  }
  const written = socket.write(bytes);
  if (written < bytes.length) box.pending = bytes.subarray(Math.max(0, written));
}

function drain(socket: LoadSocket): void {
  const box = socket.data;
  if (box.pending === null) return;
  const bytes = box.pending;
  box.pending = null;
  const written = socket.write(bytes);
  if (written < bytes.length) box.pending = bytes.subarray(Math.max(0, written));
}

function newHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
}

function summarise(h: hdr.Histogram): LatencySummaryUs {
  if (h.totalCount === 0) return { count: 0, p50: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  return {
    count: h.totalCount,
    p50: h.getValueAtPercentile(50),
    p99: h.getValueAtPercentile(99),
    p999: h.getValueAtPercentile(99.9),
    max: h.maxValue,
    mean: Math.round(h.mean),
  };
}

/** One connection's in-flight requests, oldest first: start times (ms) and whether each is a read. */
class InFlight {
  private readonly startMs: Float64Array;
  private readonly isRead: Uint8Array;
  private head = 0;
  count = 0;
  constructor(readonly capacity: number) {
    this.startMs = new Float64Array(capacity);
    this.isRead = new Uint8Array(capacity);
  }
  push(startMs: number, read: boolean): void {
    const at = (this.head + this.count) % this.capacity;
    this.startMs[at] = startMs;
    this.isRead[at] = read ? 1 : 0;
    this.count++;
  }
  /** Removes the oldest; returns its start time, and its kind through `lastWasRead`. */
  shift(): number {
    const t = this.startMs[this.head] as number;
    this.lastWasRead = this.isRead[this.head] === 1;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return t;
  }
  lastWasRead = false;
}

/** How long to wait for in-flight replies after the measured window ends. */
const drainTimeoutMs = 10_000;
/** Open loop: the scheduler's tick (timer resolution; sends due meanwhile carry their intended times). */
const openLoopTickMs = 1;
/** Open loop: the shortest gap between two passes over all connections' schedules. */
const pumpIntervalMs = 0.05;

interface Route {
  readonly port: number;
  readonly nextKey: () => string;
}

/** Where each connection sends and which keys it picks: `port` and the whole key space, or per `targets`. */
function connectionRoutes(opts: LoadOptions, random: () => number, sampleKey: () => number): Route[] {
  const targets = opts.targets;
  if (targets === undefined) return Array.from({ length: opts.connections }, () => ({ port: opts.port, nextKey: () => keyName(sampleKey()) }));
  if (opts.distribution !== "uniform") throw new Error("loadgen: targets need the uniform key distribution");
  const total = targets.reduce((n, t) => n + t.keyIndexes.length, 0);
  const routes: Route[] = [];
  // Connections per target in proportion to its keys (largest remainder), at least one for any target with keys.
  const shares = targets.map((t) => (opts.connections * t.keyIndexes.length) / total);
  const counts = shares.map((x, i) => Math.max((targets[i] as LoadTarget).keyIndexes.length > 0 ? 1 : 0, Math.floor(x)));
  const byRemainder = shares.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r);
  for (let k = 0; counts.reduce((a, b) => a + b, 0) < opts.connections; k++) {
    const i = (byRemainder[k % byRemainder.length] as { i: number }).i;
    counts[i] = (counts[i] as number) + 1;
  }
  targets.forEach((t, i) => {
    for (let c = 0; c < (counts[i] as number); c++) {
      routes.push({ port: t.port, nextKey: () => keyName(t.keyIndexes[Math.floor(random() * t.keyIndexes.length)] as number) });
    }
  });
  return routes;
}

/** Runs one load and returns throughput and latency percentiles (microseconds). */
export async function runLoad(overrides: Partial<LoadOptions>): Promise<LoadResult> {
  const opts: LoadOptions = { ...defaultLoadOptions, ...overrides };
  const open = opts.rateRps > 0;
  const random = seededRandom(opts.seed);
  const sampleKey = keySampler(opts, random);
  const routes = connectionRoutes(opts, random, sampleKey);
  const requests = new RequestEncoder(opts.valueBytes);
  const histAll = newHistogram();
  const histRead = newHistogram();
  const histWrite = newHistogram();
  const histSendLag = newHistogram();
  let counted = 0;
  let totalReplies = 0;
  let errorReplies = 0;
  let behindSchedule = 0;
  const startMs = performance.now();
  const measureFromMs = startMs + opts.warmupMs;
  const endMs = measureFromMs + opts.durationMs;
  let stopping = false;
  const intervalMs = open ? (1000 * opts.connections) / opts.rateRps : 0;

  interface Conn {
    socket: LoadSocket;
    nextKey: () => string;
    flight: InFlight;
    replies: ReplyCounter;
    nextIntendedMs: number;
  }
  const conns: Conn[] = [];

  // Appends `n` new requests to a batch string; records each one's start (intended or actual) time.
  const issue = (c: Conn, n: number, timeMs: (i: number) => number): void => {
    let frames = "";
    for (let i = 0; i < n; i++) {
      const key = c.nextKey();
      const read = random() < opts.readFraction;
      frames += read ? requests.get(key) : requests.set(key);
      c.flight.push(timeMs(i), read);
    }
    if (frames.length > 0) send(c.socket, encoder.encode(frames));
  };

  const sendDue = (c: Conn, now: number): void => {
    if (stopping) return;
    let n = 0;
    const first = c.nextIntendedMs;
    while (c.nextIntendedMs <= now && c.flight.count + n < c.flight.capacity && c.nextIntendedMs < endMs) {
      if (c.nextIntendedMs >= measureFromMs) histSendLag.recordValue(Math.max(1, Math.round((now - c.nextIntendedMs) * 1000)));
      c.nextIntendedMs += intervalMs;
      n++;
    }
    issue(c, n, (i) => first + i * intervalMs);
  };
  // Every connection's due requests go out on the timer and also whenever any reply arrives (at most
  // once per pumpIntervalMs), which under load sends much closer to the intended times than the timer.
  let lastPumpMs = 0;
  const pump = (now: number): void => {
    if (now - lastPumpMs < pumpIntervalMs) return;
    lastPumpMs = now;
    for (const c of conns) sendDue(c, now);
  };

  const onReply = (c: Conn, now: number): void => {
    const began = c.flight.shift();
    totalReplies++;
    if (began >= measureFromMs && now <= endMs + drainTimeoutMs && (open || began < endMs)) {
      const us = Math.max(1, Math.round((now - began) * 1000));
      histAll.recordValue(us);
      (c.flight.lastWasRead ? histRead : histWrite).recordValue(us);
      counted++;
    }
  };

  let settle: (() => void) | null = null;
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i] as Route;
    const socket = await Bun.connect<Outbox>({
      hostname: opts.host,
      port: route.port,
      data: { pending: null },
      socket: {
        data(s, chunk) {
          const c = conns[i] as Conn;
          const now = performance.now();
          let replies = 0;
          c.replies.feed(chunk, () => {
            onReply(c, now);
            replies++;
          });
          if (open) {
            sendDue(c, now);
            pump(now);
          }
          else if (!stopping && now < endMs) issue(c, replies, () => now);
          if (stopping && c.flight.count === 0) settle?.();
          void s;
        },
        drain(s) {
          drain(s);
        },
        error(_s, err) {
          throw err;
        },
      },
    });
    socket.setNoDelay(true);
    // Open loop: spread the connections' schedules over one interval so they do not send in lockstep.
    conns.push({ socket, nextKey: route.nextKey, flight: new InFlight(open ? Math.max(opts.pipeline, 1) : opts.pipeline), replies: new ReplyCounter(), nextIntendedMs: startMs + (intervalMs * i) / opts.connections });
  }

  let ticker: ReturnType<typeof setInterval> | null = null;
  if (open) {
    ticker = setInterval(() => pump(performance.now()), openLoopTickMs);
  } else {
    const now = performance.now();
    for (const c of conns) issue(c, opts.pipeline, () => now);
  }

  await Bun.sleep(Math.max(0, endMs - performance.now()));
  stopping = true;
  if (ticker !== null) clearInterval(ticker);
  for (const c of conns) {
    // Intended times that passed without a send: the server fell behind the requested rate.
    if (open && c.nextIntendedMs < endMs) behindSchedule += Math.floor((endMs - c.nextIntendedMs) / intervalMs);
  }
  const deadline = performance.now() + drainTimeoutMs;
  while (conns.some((c) => c.flight.count > 0) && performance.now() < deadline) {
    await new Promise<void>((resolve) => {
      settle = resolve;
      setTimeout(resolve, 50);
    });
  }
  for (const c of conns) {
    errorReplies += c.replies.errorReplies;
    c.socket.end();
  }
  const measuredMs = opts.durationMs;
  return {
    mode: open ? "open" : "closed",
    options: opts,
    requests: counted,
    totalReplies,
    errorReplies,
    measuredMs,
    throughputRps: (counted * 1000) / measuredMs,
    all: summarise(histAll),
    reads: summarise(histRead),
    writes: summarise(histWrite),
    behindSchedule,
    sendLag: summarise(histSendLag),
  };
}

export interface PreloadOptions {
  /** Keys [firstKey, keyCount) are written (to grow a loaded key space). */
  readonly firstKey?: number;
  readonly batchKeys?: number;
  readonly connections?: number;
}

/** Writes every key of the key space once (pipelined SETs over a few connections), so GETs hit. */
export async function preloadKeys(overrides: Partial<LoadOptions>, preload: PreloadOptions = {}): Promise<void> {
  const opts: LoadOptions = { ...defaultLoadOptions, ...overrides };
  const batchKeys = preload.batchKeys ?? 1000;
  const connections = preload.connections ?? 4;
  const requests = new RequestEncoder(opts.valueBytes);
  let nextKey = preload.firstKey ?? 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const replies = new ReplyCounter();
      let waiting = 0;
      let wake: (() => void) | null = null;
      const socket = await Bun.connect<Outbox>({
        hostname: opts.host,
        port: opts.port,
        data: { pending: null },
        socket: {
          data(_s, chunk) {
            replies.feed(chunk, () => {
              if (--waiting === 0) wake?.();
            });
          },
          drain(s) {
            drain(s);
          },
        },
      });
      while (nextKey < opts.keyCount) {
        const from = nextKey;
        const to = Math.min(opts.keyCount, from + batchKeys);
        nextKey = to;
        let frames = "";
        for (let k = from; k < to; k++) frames += requests.set(keyName(k));
        waiting = to - from;
        const done = new Promise<void>((r) => (wake = r));
        send(socket, encoder.encode(frames));
        await done;
      }
      if (replies.errorReplies > 0) throw new Error(`preload: ${replies.errorReplies} error replies`);
      socket.end();
    }),
  );
}

export function formatResult(r: LoadResult): string {
  const o = r.options;
  const lat = (name: string, s: LatencySummaryUs): string =>
    `  ${name.padEnd(6)} n=${String(s.count).padStart(8)}  p50 ${s.p50} us  p99 ${s.p99} us  p99.9 ${s.p999} us  max ${s.max} us  mean ${s.mean} us`;
  return [
    `${r.mode} loop: ${o.connections} connections, pipeline ${o.pipeline}, ${o.keyCount} keys (${o.distribution}), ${o.valueBytes}-byte values, ` +
      `${(o.readFraction * 100).toFixed(1)}% reads${r.mode === "open" ? `, target ${o.rateRps} req/s` : ""}`,
    `  throughput ${Math.round(r.throughputRps)} req/s over ${r.measuredMs} ms (${r.requests} replies, ${r.errorReplies} errors${r.mode === "open" ? `, ${r.behindSchedule} behind schedule` : ""})`,
    lat("all", r.all),
    lat("reads", r.reads),
    lat("writes", r.writes),
    ...(r.mode === "open" ? [lat("lag", r.sendLag) + "  (generator's send lag, included above)"] : []),
  ].join("\n");
}

/** "1:10" (write:read) -> fraction of reads. */
export function parseRatio(text: string): number {
  const [w, r] = text.split(":").map(Number);
  if (w === undefined || r === undefined || !(w >= 0) || !(r >= 0) || w + r === 0) throw new Error(`bad --ratio ${text} (write:read, e.g. 1:10)`);
  return r / (w + r);
}

function parseCli(argv: readonly string[]): { opts: Partial<LoadOptions>; preload: boolean; json: boolean } {
  const opts: { -readonly [K in keyof LoadOptions]?: LoadOptions[K] } = {};
  let preload = false;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = argv[i + 1] ?? "";
    const num = (): number => {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new Error(`${name} needs a number`);
      i++;
      return n;
    };
    switch (name) {
      case "--host": opts.host = value; i++; break;
      case "--port": opts.port = num(); break;
      case "--connections": opts.connections = num(); break;
      case "--pipeline": opts.pipeline = num(); break;
      case "--keys": opts.keyCount = num(); break;
      case "--value-bytes": opts.valueBytes = num(); break;
      case "--ratio": opts.readFraction = parseRatio(value); i++; break;
      case "--distribution":
        if (value !== "uniform" && value !== "zipf") throw new Error("--distribution is uniform or zipf");
        opts.distribution = value;
        i++;
        break;
      case "--zipf-s": opts.zipfExponent = num(); break;
      case "--duration-s": opts.durationMs = num() * 1000; break;
      case "--warmup-s": opts.warmupMs = num() * 1000; break;
      case "--rate": opts.rateRps = num(); break;
      case "--seed": opts.seed = num(); break;
      case "--preload": preload = true; break;
      case "--json": json = true; break;
      default: throw new Error(`unknown flag ${name} (see the top of bench/loadgen.ts)`);
    }
  }
  return { opts, preload, json };
}

if (import.meta.main) {
  const { opts, preload, json } = parseCli(process.argv.slice(2));
  if (preload) await preloadKeys(opts);
  const result = await runLoad(opts);
  console.log(json ? JSON.stringify(result, null, 2) : formatResult(result));
}
