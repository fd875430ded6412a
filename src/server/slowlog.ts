// The slow log (Redis's slowlog.c): the latest `slowlog-max-len` commands whose execution took at least
// `slowlog-log-slower-than` microseconds, newest first, with their arguments cut down as Redis cuts them.
import { Deque } from "../keyspace/deque.ts";

/** Redis's SLOWLOG_ENTRY_MAX_ARGC: the last kept argument says how many more there were. */
export const slowlogArgcMax = 32;
/** Redis's SLOWLOG_ENTRY_MAX_STRING: longer arguments are cut and say how many bytes more they had. */
export const slowlogArgBytesMax = 128;

export interface SlowlogEntry {
  readonly id: number;
  readonly timeSec: number;
  readonly durationUs: number;
  readonly argv: readonly Uint8Array[];
  /** The client's address as CLIENT LIST shows it (ip:port). */
  readonly peer: string;
  readonly clientName: string;
}

export interface SlowlogCall {
  readonly argv: readonly Uint8Array[];
  readonly durationUs: number;
  readonly timeSec: number;
  readonly peer: string;
  readonly clientName: string;
}

const encoder = new TextEncoder();

/** The arguments as an entry keeps them: copied (argv views socket buffers), at most 32, each at most 128 bytes. */
function keptArgv(argv: readonly Uint8Array[]): Uint8Array[] {
  const argc = Math.min(argv.length, slowlogArgcMax);
  const out: Uint8Array[] = [];
  for (let j = 0; j < argc; j++) {
    if (argc !== argv.length && j === argc - 1) {
      out.push(encoder.encode(`... (${argv.length - argc + 1} more arguments)`));
      continue;
    }
    const a = argv[j] as Uint8Array;
    if (a.length <= slowlogArgBytesMax) {
      out.push(a.slice());
      continue;
    }
    const suffix = encoder.encode(`... (${a.length - slowlogArgBytesMax} more bytes)`);
    const cut = new Uint8Array(slowlogArgBytesMax + suffix.length);
    cut.set(a.subarray(0, slowlogArgBytesMax));
    cut.set(suffix, slowlogArgBytesMax);
    out.push(cut);
  }
  return out;
}

export class SlowLog {
  /** Newest first, as Redis's list (listAddNodeHead). */
  private readonly entries = new Deque<SlowlogEntry>();
  /** Never reset, not even by SLOWLOG RESET (as server.slowlog_entry_id). */
  private nextId = 0;

  get length(): number {
    return this.entries.length;
  }

  /** Adds an entry at the head (the caller decided it is slow enough: see server/call-stats.ts). */
  push(call: SlowlogCall): void {
    this.entries.pushFront({ id: this.nextId++, timeSec: call.timeSec, durationUs: call.durationUs, argv: keptArgv(call.argv), peer: call.peer, clientName: call.clientName });
  }

  /** Drops the oldest entries beyond `lengthMax`. */
  trim(lengthMax: number): void {
    while (this.entries.length > lengthMax) this.entries.popBack();
  }

  reset(): void {
    while (this.entries.length > 0) this.entries.popBack();
  }

  /** The newest `count` entries (all of them for count >= length). */
  newest(count: number): SlowlogEntry[] {
    const n = Math.min(count, this.entries.length);
    const out: SlowlogEntry[] = [];
    for (let i = 0; i < n; i++) out.push(this.entries.at(i) as SlowlogEntry);
    return out;
  }
}
