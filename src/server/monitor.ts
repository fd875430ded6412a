// MONITOR (Redis 7.0's replicationFeedMonitors): after a command runs, every monitoring connection gets
// one simple-string line `+<sec>.<usec> [<db> <addr>] "arg" ...`, each argument quoted as sdscatrepr
// does. The same bytes in RESP2 and RESP3 (Redis writes the line raw). Commands with `admin` or
// `skip_monitor` are not shown; AUTH and HELLO's AUTH arguments are shown as "(redacted)", as Redis
// redacts them. The dispatcher checks `size` once per command: with nobody monitoring nothing else runs.
import type { Command } from "../commands/table.ts";
import type { ClientState } from "./client-state.ts";
import { redactedArgument, redactedIndexes } from "./redaction.ts";

/** Writes one preformatted line to a monitoring connection's output, in order with its replies. */
export type MonitorSink = (line: Uint8Array) => void;

const BACKSLASH = 0x5c;
const QUOTE = 0x22;
/** sdscatrepr's two-character escapes, by byte. */
const shortEscapes = new Map<number, string>([
  [0x0a, "\\n"], [0x0d, "\\r"], [0x09, "\\t"], [0x07, "\\a"], [0x08, "\\b"], [QUOTE, '\\"'], [BACKSLASH, "\\\\"],
]);

/** Redis's sdscatrepr: the argument in double quotes, non-printable bytes as \xHH (lower-case hex). */
export function quoteArgument(arg: Uint8Array): string {
  let out = '"';
  for (const b of arg) {
    const escape = shortEscapes.get(b);
    if (escape !== undefined) out += escape;
    else if (b >= 0x20 && b <= 0x7e) out += String.fromCharCode(b);
    else out += "\\x" + b.toString(16).padStart(2, "0");
  }
  return out + '"';
}

/** One monitor line for `argv` run by `client` (in the database it is in after running it). */
export function formatMonitorLine(client: ClientState, cmd: Command, argv: readonly Uint8Array[], nowUs: number): string {
  const seconds = Math.floor(nowUs / 1e6);
  const micros = String(nowUs - seconds * 1e6).padStart(6, "0");
  const hidden = redactedIndexes(cmd, argv);
  let line = `+${seconds}.${micros} [${client.db} ${client.addr}]`;
  for (let i = 0; i < argv.length; i++) line += " " + quoteArgument(hidden.includes(i) ? redactedArgument : (argv[i] as Uint8Array));
  return line + "\r\n";
}

/** Wall-clock microseconds, as Redis's gettimeofday. */
function wallClockUs(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

export class MonitorFeed {
  /** Monitoring connections, in the order they ran MONITOR (Redis's server.monitors list). */
  private readonly sinks = new Map<ClientState, MonitorSink>();

  /** How many connections monitor: the dispatcher's one check per command. */
  size = 0;
  private readonly sinkOf: (client: ClientState) => MonitorSink | null;
  private readonly clock: () => number;

  constructor(opts: { sinkOf: (client: ClientState) => MonitorSink | null; clockUs?: () => number }) {
    this.sinkOf = opts.sinkOf;
    this.clock = opts.clockUs ?? wallClockUs;
  }

  /** MONITOR: false when the client has no connection to stream to. */
  add(client: ClientState): boolean {
    const sink = this.sinkOf(client);
    if (sink === null) return false;
    client.monitor = true;
    this.sinks.set(client, sink);
    this.size = this.sinks.size;
    return true;
  }

  /** The connection closed or ran RESET. */
  remove(client: ClientState): void {
    if (!client.monitor) return;
    client.monitor = false;
    this.sinks.delete(client);
    this.size = this.sinks.size;
  }

  /** Called after `cmd` ran (call() in Redis): sends its line to every monitor, itself included. */
  feed(client: ClientState, cmd: Command, argv: readonly Uint8Array[]): void {
    if (this.size === 0 || cmd.skipMonitor) return;
    const bytes = Buffer.from(formatMonitorLine(client, cmd, argv, this.clock()), "latin1");
    for (const sink of this.sinks.values()) sink(bytes);
  }
}
