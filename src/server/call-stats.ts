// What Redis's call() records after a command ran, in one place for the dispatcher, EXEC's queue and
// served blocking commands: INFO commandstats time, the latency monitor's "command"/"fast-command"
// events and the slow log (with the arguments AUTH, HELLO AUTH and CONFIG SET of a secret redacted).
import type { Command } from "../commands/table.ts";
import type { CommandStat, ServerContext } from "../engine/server-context.ts";
import type { ClientState } from "./client-state.ts";
import { redactedArgument, redactedIndexes } from "./redaction.ts";
import { LatencyHistogram } from "./latency-histogram.ts";

/**
 * The argument vector the slow log shows: Redis's original_argv after redactClientCommandArgument
 * (server/redaction.ts). Returns `argv` itself when nothing is hidden.
 */
export function slowlogArgv(cmd: Command, argv: readonly Uint8Array[]): readonly Uint8Array[] {
  const hide = redactedIndexes(cmd, argv);
  if (hide.length === 0) return argv;
  const out = argv.slice();
  for (const i of hide) out[i] = redactedArgument;
  return out;
}

/** Adds a call's duration to the latency event of its kind (Redis's call(): whole milliseconds). */
export function noteLatency(server: ServerContext, cmd: Command, durationUs: number): void {
  const thresholdMs = server.config.int("latency-monitor-threshold");
  if (thresholdMs === 0) return;
  server.stats.latency.addIfNeeded(cmd.fast ? "fast-command" : "command", Math.floor(durationUs / 1000), { thresholdMs, nowSec: Math.floor(Date.now() / 1000) });
}

/** latency-tracking: Redis's updateCommandLatencyHistogram (the duration in ns). */
function noteHistogram(server: ServerContext, stat: CommandStat, durationUs: number): void {
  if (!server.config.bool("latency-tracking")) return;
  (stat.histogram ??= new LatencyHistogram()).record(durationUs * 1000);
}

/** Redis's slowlogPushCurrentCommand + slowlogPushEntryIfNeeded. */
export function noteSlowlog(server: ServerContext, client: ClientState, cmd: Command, argv: readonly Uint8Array[], durationUs: number): void {
  if (cmd.skipSlowlog) return;
  const slowerThanUs = server.config.int("slowlog-log-slower-than");
  if (slowerThanUs < 0) return;
  const log = server.stats.slowlog;
  if (durationUs >= slowerThanUs) {
    log.push({ argv: slowlogArgv(cmd, argv), durationUs, timeSec: Math.floor(Date.now() / 1000), peer: client.addr, clientName: client.name });
  }
  log.trim(server.config.int("slowlog-max-len"));
}

/**
 * Everything call() records for a command that ran (calls and failures are counted by the caller).
 * A command that blocked (client.blockedNow) is not in the slow log yet: it is when it is served
 * (noteUnblocked). Positional arguments: it runs for every command, without an options object.
 */
export function noteCall(server: ServerContext, client: ClientState, cmd: Command, argv: readonly Uint8Array[], stat: CommandStat, durationUs: number): void {
  stat.usec += durationUs;
  noteLatency(server, cmd, durationUs);
  if (client.blockedNow) client.blockedCallUs = durationUs;
  else {
    noteSlowlog(server, client, cmd, argv, durationUs);
    noteHistogram(server, stat, durationUs);
  }
  if (servedPending.length > 0) noteServed();
}

type ServedCall = { server: ServerContext; client: ClientState; cmd: Command; argv: readonly Uint8Array[]; replyUs: number; failed: boolean };
/** Blocked commands served during a unit, recorded after the command that made their keys ready. */
const servedPending: ServedCall[] = [];

/**
 * A blocked command was served during the current unit (server/blocking.ts serves waiters inside the
 * writer's unit). Redis serves them after the writer's call() has recorded it, so the writer's slow
 * log entry comes first: this is recorded at the end of the writer's noteCall, or by noteServed.
 */
export function noteServedLater(call: ServedCall): void {
  servedPending.push(call);
}

/** Records the served blocked commands still pending (also called when no command was dispatched). */
export function noteServed(): void {
  for (const call of servedPending.splice(0)) noteUnblocked(call.server, call.client, call);
}

/**
 * Redis 7.0's updateStatsOnUnblock for a blocked command that was served (replyUs: its re-run) or
 * unblocked by CLIENT UNBLOCK (replyUs 0): commandstats time and the slow log get the first call's
 * duration plus replyUs (the time spent waiting is not counted), the "command-unblocking" event
 * replyUs. A command that timed out is recorded nowhere, as in Redis 7.0.
 */
// Redis 7.0 adds the first call's duration to commandstats a second time here; so does this.
export function noteUnblocked(server: ServerContext, client: ClientState, call: { cmd: Command; argv: readonly Uint8Array[]; replyUs: number; failed: boolean }): void {
  const totalUs = client.blockedCallUs + call.replyUs;
  const stat = server.stats.commands.get(call.cmd.fullName);
  if (stat !== undefined) {
    stat.usec += totalUs;
    if (call.failed) stat.failedCalls++;
    noteHistogram(server, stat, totalUs);
  }
  noteSlowlog(server, client, call.cmd, call.argv, totalUs);
  const thresholdMs = server.config.int("latency-monitor-threshold");
  if (thresholdMs !== 0) server.stats.latency.addIfNeeded("command-unblocking", Math.floor(call.replyUs / 1000), { thresholdMs, nowSec: Math.floor(Date.now() / 1000) });
}
