// What command handlers may use from the server around them. Implemented by server/server.ts for the
// network server and by embedded/ for the in-process API.
import type { LatencyHistogram } from "../server/latency-histogram.ts";
import type { Tracking } from "../server/tracking.ts";
import type { Config } from "../config/config.ts";
import type { CommandTable } from "../commands/table.ts";
import type { ClientState } from "../server/client-state.ts";
import type { PubSubHub } from "../server/pubsub.ts";
import type { Engine } from "./engine.ts";
import type { ClusterNode } from "../raft/cluster.ts";
import { SlowLog } from "../server/slowlog.ts";
import { LatencyMonitor } from "../server/latency.ts";
import type { MonitorFeed } from "../server/monitor.ts";
import type { ClientPause } from "../server/client-pause.ts";

/** Per-command counters for INFO commandstats. */
export interface CommandStat {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
  /** latency-tracking: the command's durations (null until its first tracked call, and after RESETSTAT). */
  histogram: LatencyHistogram | null;
}

export interface ServerStats {
  /** By full command name (`get`, `config|get`). */
  readonly commands: Map<string, CommandStat>;
  /** Error replies by code (`ERR`, `WRONGTYPE`, ...), for INFO errorstats. */
  readonly errors: Map<string, number>;
  totalConnectionsReceived: number;
  totalCommandsProcessed: number;
  rejectedConnections: number;
  expiredKeys: number;
  evictedKeys: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  totalNetInputBytes: number;
  totalNetOutputBytes: number;
  totalErrorReplies: number;
  /** SLOWLOG and LATENCY: kept here so every ServerContext has them; CONFIG RESETSTAT leaves both, as in Redis. */
  readonly slowlog: SlowLog;
  readonly latency: LatencyMonitor;
}

export function newStats(): ServerStats {
  return {
    commands: new Map(),
    errors: new Map(),
    totalConnectionsReceived: 0,
    totalCommandsProcessed: 0,
    rejectedConnections: 0,
    expiredKeys: 0,
    evictedKeys: 0,
    keyspaceHits: 0,
    keyspaceMisses: 0,
    totalNetInputBytes: 0,
    totalNetOutputBytes: 0,
    totalErrorReplies: 0,
    slowlog: new SlowLog(),
    latency: new LatencyMonitor(),
  };
}

export function commandStat(stats: ServerStats, name: string): CommandStat {
  let st = stats.commands.get(name);
  if (!st) stats.commands.set(name, (st = { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0, histogram: null }));
  return st;
}

export function countError(stats: ServerStats, code: string): void {
  stats.totalErrorReplies++;
  stats.errors.set(code, (stats.errors.get(code) ?? 0) + 1);
}

/** CONFIG RESETSTAT. */
export function resetStats(stats: ServerStats): void {
  // Zeroed in place, not dropped: the dispatcher holds the running command's (CONFIG RESETSTAT's own
  // call is then counted, as in Redis).
  for (const st of stats.commands.values()) {
    st.calls = 0;
    st.usec = 0;
    st.rejectedCalls = 0;
    st.failedCalls = 0;
    st.histogram = null;
  }
  stats.errors.clear();
  const numbers = stats as unknown as Record<string, unknown>;
  for (const k of Object.keys(numbers)) if (typeof numbers[k] === "number" && k !== "totalConnectionsReceived") numbers[k] = 0;
}

export interface ClientHandle {
  readonly state: ClientState;
  /** Closes the connection after pending replies (CLIENT KILL). */
  kill(): void;
  readonly fd: number;
}

export interface ServerContext {
  readonly config: Config;
  readonly table: CommandTable;
  readonly engine: Engine;
  readonly stats: ServerStats;
  readonly runId: string;
  readonly startedMs: number;
  readonly tcpPort: number;
  readonly version: string;
  readonly mode: "standalone" | "embedded";
  clients(): Iterable<ClientHandle>;
  /** Pub/sub hub (subscriptions, PUBLISH, keyspace notifications); absent where nothing can subscribe. */
  readonly pubsub?: PubSubHub;
  /** Cluster mode: this node's view of the cluster (absent or null: standalone). */
  readonly cluster?: ClusterNode | null;
  /** MONITOR connections (absent where nothing can monitor: the embedded API). */
  readonly monitors?: MonitorFeed;
  /** CLIENT PAUSE state (absent where no client connects). */
  readonly clientPause?: ClientPause;
  /** CLIENT TRACKING (absent where no client connects). */
  readonly tracking?: Tracking;
  /** Called when a client enables tracking (the server then hooks key changes). */
  trackingEnabled?(): void;
  /** Milliseconds spent in active expiry cycles (absent where none run). */
  readonly expireCycleMs?: number;
  /** INFO's instantaneous_* rates (absent where nothing samples them). */
  readonly instantaneous?: { readonly ops: { readonly value: number }; readonly input: { readonly value: number }; readonly output: { readonly value: number } };
  /** SHUTDOWN: stop accepting, finish in-flight work, flush logs, exit. */
  requestShutdown(): void;
}
