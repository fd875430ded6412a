// HTTP /metrics: the figures INFO reports, in Prometheus's text exposition format (version 0.0.4).
//
// Everything is read from infoSections(), the function INFO itself prints, so a scrape and an INFO taken
// at the same moment agree field for field; nothing here keeps counters of its own. Plain numeric
// fields map one to one (the table below); INFO's composite lines (keyspace, commandstats, errorstats,
// the per-shard Raft lines of a cluster node) become labelled samples.
import { infoSections } from "../commands/info.ts";
import type { ServerContext } from "../engine/server-context.ts";

type Kind = "counter" | "gauge";

interface Family {
  readonly name: string;
  readonly kind: Kind;
  readonly help: string;
  readonly samples: [labels: string, value: number][];
}

/** INFO field -> metric, kind, help, and a factor from INFO's unit to the metric's (ms -> s). */
const plainFields: readonly (readonly [field: string, metric: string, kind: Kind, help: string, scale?: number])[] = [
  ["uptime_in_seconds", "bunker_uptime_seconds", "gauge", "Seconds since the server started."],
  ["connected_clients", "bunker_connected_clients", "gauge", "Client connections open."],
  ["blocked_clients", "bunker_blocked_clients", "gauge", "Clients blocked in a blocking command or a CLIENT PAUSE."],
  ["pubsub_clients", "bunker_pubsub_clients", "gauge", "Clients in subscriber mode."],
  ["maxclients", "bunker_max_clients", "gauge", "The maxclients setting."],
  ["used_memory", "bunker_memory_used_bytes", "gauge", "Dataset size estimate compared with maxmemory."],
  ["used_memory_rss", "bunker_memory_rss_bytes", "gauge", "Resident set size of the process."],
  ["bunker_heap_used", "bunker_memory_heap_used_bytes", "gauge", "JavaScript heap in use."],
  ["maxmemory", "bunker_memory_max_bytes", "gauge", "The maxmemory setting (0: no limit)."],
  ["bunker_cooled_for_memory", "bunker_cooled_values_total", "counter", "Values moved to disk (cold) to stay under maxmemory."],
  ["bunker_cooled_for_memory_bytes", "bunker_cooled_value_bytes_total", "counter", "Bytes of the values moved to disk to stay under maxmemory."],
  ["bunker_coolable_values", "bunker_coolable_values", "gauge", "Hot values that could move to disk under memory pressure."],
  ["total_connections_received", "bunker_connections_received_total", "counter", "Client connections accepted."],
  ["rejected_connections", "bunker_connections_rejected_total", "counter", "Client connections refused (maxclients)."],
  ["total_commands_processed", "bunker_commands_processed_total", "counter", "Commands processed."],
  ["instantaneous_ops_per_sec", "bunker_instantaneous_ops_per_second", "gauge", "Commands per second over the last 1.6 s (INFO instantaneous_ops_per_sec)."],
  ["total_net_input_bytes", "bunker_net_input_bytes_total", "counter", "Bytes read from clients."],
  ["total_net_output_bytes", "bunker_net_output_bytes_total", "counter", "Bytes written to clients."],
  ["expired_keys", "bunker_expired_keys_total", "counter", "Keys deleted because their TTL passed."],
  ["evicted_keys", "bunker_evicted_keys_total", "counter", "Keys evicted by the maxmemory policy."],
  ["keyspace_hits", "bunker_keyspace_hits_total", "counter", "Key lookups that found the key."],
  ["keyspace_misses", "bunker_keyspace_misses_total", "counter", "Key lookups that did not find the key."],
  ["total_error_replies", "bunker_error_replies_total", "counter", "Error replies sent."],
  ["bunker_log_bytes_written", "bunker_log_written_bytes_total", "counter", "Bytes written to the shards' logs."],
  ["bunker_fsyncs", "bunker_log_fsyncs_total", "counter", "Log flushes made durable (one per shard per group commit)."],
  ["bunker_appended_seq", "bunker_log_appended_seq", "gauge", "Sequence number of the last logged unit."],
  ["bunker_durable_seq", "bunker_log_durable_seq", "gauge", "Sequence number up to which every logged unit is durable."],
  ["bunker_merges", "bunker_merges_total", "counter", "Merges (log compactions) completed."],
  ["bunker_merges_in_progress", "bunker_merges_in_progress", "gauge", "Merges running."],
  ["bunker_last_merge_ms", "bunker_last_merge_duration_seconds", "gauge", "Duration of the last merge.", 1 / 1000],
  ["bunker_log_dead_ratio", "bunker_log_dead_ratio", "gauge", "Share of the retained log that later writes made dead."],
  ["bunker_log_retained_bytes", "bunker_log_retained_bytes", "gauge", "Log bytes on disk not yet merged away."],
  ["bunker_snapshot_bytes", "bunker_snapshot_bytes", "gauge", "Bytes of the shards' current snapshots."],
  ["bunker_cold_reads_sync", "bunker_cold_reads_sync_total", "counter", "Cold values read from disk on the event loop (a command needed one not preloaded)."],
  ["bunker_cold_reads_async", "bunker_cold_reads_async_total", "counter", "Cold values read from disk off the event loop."],
  ["bunker_recovery_ms", "bunker_recovery_duration_seconds", "gauge", "How long start-up recovery took.", 1 / 1000],
  ["bunker_recovery_entries", "bunker_recovery_log_entries", "gauge", "Log entries replayed at start-up."],
  ["bunker_recovery_snapshot_keys", "bunker_recovery_snapshot_keys", "gauge", "Keys loaded from snapshots at start-up."],
  ["bunker_recovery_torn_bytes", "bunker_recovery_torn_bytes", "gauge", "Bytes of torn log tail truncated at start-up."],
  ["used_cpu_sys", "bunker_cpu_system_seconds_total", "counter", "System CPU time of the process."],
  ["used_cpu_user", "bunker_cpu_user_seconds_total", "counter", "User CPU time of the process."],
];

/** "a=1,b=x" (INFO's composite values) as a map. */
function pairs(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) out.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return out;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function labels(l: Record<string, string>): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

/** The metrics page: every family with its HELP and TYPE lines, then its samples. */
export function metricsText(server: ServerContext, extra: { healthy: boolean }): string {
  const fields = new Map<string, string>();
  const families: Family[] = [];
  const family = (name: string, kind: Kind, help: string): Family => {
    let f = families.find((x) => x.name === name);
    if (f === undefined) {
      f = { name, kind, help, samples: [] };
      families.push(f);
    }
    return f;
  };
  const composite: [section: string, key: string, value: string][] = [];
  for (const [section, list] of infoSections(server)) {
    for (const [k, v] of list) {
      fields.set(k, String(v));
      if (section === "Keyspace" || section === "Commandstats" || section === "Errorstats" || (section === "Replication" && k.startsWith("bunker_shard"))) composite.push([section, k, String(v)]);
    }
  }

  family("bunker_up", "gauge", "1 when /health reports the node able to serve (see /health for why not).").samples.push(["", extra.healthy ? 1 : 0]);
  for (const [field, metric, kind, help, scale] of plainFields) {
    const text = fields.get(field);
    if (text === undefined) continue;
    const n = Number(text);
    if (!Number.isFinite(n)) continue;
    family(metric, kind, help).samples.push(["", scale === undefined ? n : n * scale]);
  }
  const writeStatus = fields.get("aof_last_write_status");
  if (writeStatus !== undefined) family("bunker_log_write_ok", "gauge", "1 while every shard's log accepts writes, 0 after a log I/O failure.").samples.push(["", writeStatus === "ok" ? 1 : 0]);
  const appended = Number(fields.get("bunker_appended_seq"));
  const durable = Number(fields.get("bunker_durable_seq"));
  if (Number.isFinite(appended) && Number.isFinite(durable)) {
    family("bunker_durability_lag_units", "gauge", "Logged units not yet durable (async-namespace writes already answered, quorum writes waiting).").samples.push(["", Math.max(0, appended - durable)]);
  }
  const role = fields.get("role");
  if (role !== undefined) family("bunker_role_master", "gauge", "1 when INFO replication reports role:master (in a cluster: this node leads at least one shard).").samples.push(["", role === "master" ? 1 : 0]);

  for (const [section, key, value] of composite) {
    const p = pairs(value);
    const num = (name: string): number => Number(p.get(name));
    if (section === "Keyspace") {
      const db = { db: key.replace(/^db/, "") };
      family("bunker_db_keys", "gauge", "Keys in a database.").samples.push([labels(db), num("keys")]);
      family("bunker_db_expiring_keys", "gauge", "Keys with a TTL in a database.").samples.push([labels(db), num("expires")]);
    } else if (section === "Commandstats") {
      const cmd = { command: key.replace(/^cmdstat_/, "") };
      family("bunker_command_calls_total", "counter", "Calls of a command.").samples.push([labels(cmd), num("calls")]);
      family("bunker_command_duration_seconds_total", "counter", "Time spent running a command (its handler, as Redis's commandstats usec).").samples.push([labels(cmd), num("usec") / 1e6]);
      family("bunker_command_rejected_calls_total", "counter", "Calls of a command refused before running (arity, OOM, ...).").samples.push([labels(cmd), num("rejected_calls")]);
      family("bunker_command_failed_calls_total", "counter", "Calls of a command that ran and answered an error.").samples.push([labels(cmd), num("failed_calls")]);
    } else if (section === "Errorstats") {
      family("bunker_errors_total", "counter", "Error replies by error code.").samples.push([labels({ error: key.replace(/^errorstat_/, "") }), num("count")]);
    } else {
      const follower = /^bunker_shard(\d+)_follower(\d+)$/.exec(key);
      if (follower !== null) {
        const l = labels({ shard: follower[1] as string, follower: follower[2] as string });
        family("bunker_raft_follower_match_index", "gauge", "Highest log index known replicated on a follower (on the shard's leader).").samples.push([l, num("match_index")]);
        family("bunker_raft_follower_lag_entries", "gauge", "Log entries a follower is behind the leader (on the shard's leader).").samples.push([l, num("lag")]);
        continue;
      }
      const shard = /^bunker_shard(\d+)$/.exec(key);
      if (shard === null) continue;
      const l = labels({ shard: shard[1] as string });
      family("bunker_raft_term", "gauge", "Current Raft term of a shard's group on this node.").samples.push([l, num("term")]);
      family("bunker_raft_leader_id", "gauge", "Node id of a shard's known leader (0: none known).").samples.push([l, num("leader_id")]);
      family("bunker_raft_is_leader", "gauge", "1 when this node leads the shard.").samples.push([l, p.get("role") === "leader" ? 1 : 0]);
      family("bunker_raft_commit_index", "gauge", "Committed log index of a shard on this node.").samples.push([l, num("commit_index")]);
      family("bunker_raft_applied_index", "gauge", "Applied log index of a shard on this node.").samples.push([l, num("applied_index")]);
      family("bunker_raft_last_index", "gauge", "Last log index of a shard on this node.").samples.push([l, num("last_index")]);
    }
  }

  const out: string[] = [];
  for (const f of families) {
    out.push(`# HELP ${f.name} ${f.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`, `# TYPE ${f.name} ${f.kind}`);
    for (const [l, v] of f.samples) out.push(`${f.name}${l} ${formatValue(v)}`);
  }
  return out.join("\n") + "\n";
}
