// INFO: Redis's sections and field names, filled from the server, the engine and the process.
import type { CommandContext } from "./types.ts";
import { word } from "./args.ts";
import { blockedClientCount } from "../server/blocking.ts";
import { clusterReplicationFields } from "./info-replication.ts";
import { formatFixedTrimmed } from "../protocol/numbers.ts";

export type InfoSection = [name: string, fields: [string, string | number][]];

/**
 * LASTSAVE and rdb_last_save_time. Redis answers the time of its last successful RDB save, or its start
 * time (it considers the data it started with saved). In Bunker every acknowledged write is already
 * durable in its shard's log; besides SAVE/BGSAVE (an RDB export), the snapshot a merge writes is a
 * save too (BGREWRITEAOF runs one per shard). So: the later of the last RDB save and the time by which
 * every shard had committed a snapshot (the oldest of the shards' newest snapshot commit times, a
 * shard with none since start-up counting as of start-up). Never earlier than start-up, never goes back.
 */
export function lastSaveMs(s: CommandContext["server"]): number {
  let oldestMs = Infinity;
  for (const shard of s.engine.shards) oldestMs = Math.min(oldestMs, shard.snapshotCommittedMs ?? s.startedMs);
  if (oldestMs === Infinity) oldestMs = s.startedMs;
  return Math.max(oldestMs, s.startedMs, s.engine.rdb.lastSaveMs);
}

/** Every INFO section with its fields, in Redis's order (also the source of the HTTP /metrics page). */
export function infoSections(s: CommandContext["server"]): InfoSection[] {
  const e = s.engine;
  const now = Date.now();
  const mem = process.memoryUsage();
  const uptime = Math.floor((now - s.startedMs) / 1000);
  let clients = 0;
  let pubsubClients = 0;
  for (const c of s.clients()) {
    clients++;
    if (c.state.inPubSub) pubsubClients++;
  }
  const cfg = s.config;
  const keyspace: [string, string][] = [];
  for (let db = 0; db < cfg.int("databases"); db++) {
    let keys = 0;
    let expires = 0;
    for (const sh of e.shards) {
      const d = sh.state.db(db);
      keys += d.map.size;
      expires += d.expires.size;
    }
    if (keys > 0) keyspace.push([`db${db}`, `keys=${keys},expires=${expires},avg_ttl=0`]);
  }
  const logBytes = e.shards.reduce((n, sh) => n + sh.log.bytesWritten, 0);
  const fsyncs = e.shards.reduce((n, sh) => n + sh.log.fsyncCount, 0);
  const st = e.storage.stats();
  const cpu = process.cpuUsage();
  return [
    ["Server", [
      ["redis_version", s.version], ["redis_git_sha1", "00000000"], ["redis_git_dirty", 0], ["redis_build_id", "bunker"],
      ["redis_mode", s.cluster ? "cluster" : s.mode === "embedded" ? "standalone" : s.mode], ["bunker_version", "0.1.0"], ["os", `${process.platform} ${process.arch}`],
      ["arch_bits", 64], ["multiplexing_api", "bun"], ["process_id", process.pid], ["process_supervised", "no"], ["run_id", s.runId],
      ["tcp_port", s.tcpPort], ["server_time_usec", now * 1000], ["uptime_in_seconds", uptime], ["uptime_in_days", Math.floor(uptime / 86400)],
      ["hz", cfg.int("hz")], ["configured_hz", cfg.int("hz")], ["executable", process.execPath], ["config_file", ""],
    ]],
    ["Clients", [
      ["connected_clients", clients], ["cluster_connections", 0], ["maxclients", cfg.int("maxclients")], ["client_recent_max_input_buffer", 0],
      ["client_recent_max_output_buffer", 0], ["blocked_clients", blockedClientCount(e) + (s.clientPause?.postponedCount() ?? 0)], ["tracking_clients", s.tracking?.trackingClients ?? 0], ["clients_in_timeout_table", 0], ["pubsub_clients", pubsubClients],
    ]],
    ["Memory", [
      // used_memory is the dataset estimate that maxmemory is compared with (keyspace/memory.ts).
      ["used_memory", e.usedBytes()], ["used_memory_human", human(e.usedBytes())], ["used_memory_rss", mem.rss], ["used_memory_rss_human", human(mem.rss)],
      ["used_memory_peak", Math.max(e.usedBytes(), 0)], ["used_memory_dataset", e.usedBytes()], ["bunker_heap_used", mem.heapUsed], ["maxmemory", cfg.int("maxmemory")], ["maxmemory_human", human(cfg.int("maxmemory"))],
      ["maxmemory_policy", cfg.maxmemoryPolicy], ["mem_fragmentation_ratio", (mem.rss / Math.max(1, mem.heapUsed)).toFixed(2)], ["mem_allocator", "bun"],
      // No replication buffers, AOF buffers or lazy freeing: nothing is left out of eviction's count.
      ["mem_not_counted_for_evict", 0], ["lazyfree_pending_objects", 0], ["lazyfreed_objects", 0],
      // Values dropped from memory to stay under maxmemory before any key is evicted (engine/cooling.ts).
      ["bunker_cooled_for_memory", st.cooledForMemory], ["bunker_cooled_for_memory_bytes", st.cooledForMemoryBytes], ["bunker_coolable_values", st.coolableValues],
    ]],
    ["Persistence", [
      // A merge is Bunker's AOF rewrite: the aof_rewrite* fields report merges.
      // The rdb_* fields report SAVE/BGSAVE, RDB exports (engine/rdb-saves.ts); Bunker recovers from its logs.
      ["loading", 0], ["async_loading", 0], ["rdb_changes_since_last_save", e.rdb.changesSinceLastSave()], ["rdb_bgsave_in_progress", e.rdb.inProgress ? 1 : 0],
      ["rdb_last_save_time", Math.floor(lastSaveMs(s) / 1000)], ["rdb_last_bgsave_status", e.rdb.lastStatus], ["rdb_last_bgsave_time_sec", e.rdb.lastDurationS],
      ["rdb_current_bgsave_time_sec", e.rdb.currentDurationS()], ["rdb_saves", e.rdb.saves], ["aof_enabled", 1],
      ["aof_rewrite_in_progress", st.mergesInProgress > 0 ? 1 : 0], ["aof_last_rewrite_time_sec", st.merges === 0 ? -1 : Math.floor(st.lastMergeDurationMs / 1000)],
      ["aof_last_bgrewrite_status", st.lastMergeStatus === "err" ? "err" : "ok"], ["aof_rewrites", st.merges],
      ["aof_last_write_status", e.shards.every((sh) => sh.log.healthy) ? "ok" : "err"], ["bunker_recovery_ms", Math.round(e.recovery.durationMs)],
      ["bunker_recovery_entries", e.recovery.entries], ["bunker_recovery_torn_bytes", e.recovery.tornBytes], ["bunker_recovery_dropped_incomplete", e.recovery.droppedIncompleteTx],
      ["bunker_recovery_snapshot_keys", e.recovery.snapshotKeys], ["bunker_recovery_log_bytes", e.recovery.bytesRead],
      ["bunker_log_bytes_written", logBytes], ["bunker_fsyncs", fsyncs], ["bunker_appended_seq", e.appendedSeq], ["bunker_durable_seq", e.durableSeq],
      ["bunker_merges", st.merges], ["bunker_merges_in_progress", st.mergesInProgress], ["bunker_last_merge_ms", Math.round(st.lastMergeDurationMs)],
      ["bunker_last_merge_status", st.lastMergeStatus], ["bunker_log_dead_ratio", st.deadRatio.toFixed(4)], ["bunker_log_retained_bytes", st.logBytes],
      ["bunker_snapshot_bytes", st.snapshotBytes], ["bunker_cold_reads_sync", st.coldReadsSync], ["bunker_cold_reads_async", st.coldReadsAsync],
    ]],
    ["Stats", [
      ["total_connections_received", s.stats.totalConnectionsReceived], ["total_commands_processed", s.stats.totalCommandsProcessed],
      ["instantaneous_ops_per_sec", s.instantaneous?.ops.value ?? 0], ["total_net_input_bytes", s.stats.totalNetInputBytes], ["total_net_output_bytes", s.stats.totalNetOutputBytes],
      ["instantaneous_input_kbps", ((s.instantaneous?.input.value ?? 0) / 1024).toFixed(2)], ["instantaneous_output_kbps", ((s.instantaneous?.output.value ?? 0) / 1024).toFixed(2)],
      ["rejected_connections", s.stats.rejectedConnections], ["expired_keys", s.stats.expiredKeys], ["expire_cycle_cpu_milliseconds", Math.floor(s.expireCycleMs ?? 0)], ["evicted_keys", s.stats.evictedKeys],
      ["keyspace_hits", s.stats.keyspaceHits], ["keyspace_misses", s.stats.keyspaceMisses], ["pubsub_channels", 0], ["pubsub_patterns", 0],
      ["tracking_total_keys", s.tracking?.totalKeys ?? 0], ["tracking_total_items", s.tracking?.totalItems ?? 0], ["tracking_total_prefixes", s.tracking?.totalPrefixes ?? 0],
      ["total_error_replies", s.stats.totalErrorReplies],
    ]],
    ["Replication", s.cluster ? clusterReplicationFields(s.cluster, e.shards.length, { replId: s.runId, replOffset: e.appendedSeq }) : [["role", "master"], ["connected_slaves", 0], ["master_failover_state", "no-failover"], ["master_replid", s.runId], ["master_repl_offset", e.appendedSeq]]],
    ["CPU", [["used_cpu_sys", (cpu.system / 1e6).toFixed(6)], ["used_cpu_user", (cpu.user / 1e6).toFixed(6)]]],
    ["Modules", []],
    // Redis skips commands with nothing counted (the INFO running now, everything after RESETSTAT).
    ["Commandstats", [...s.stats.commands].filter(([, st]) => st.calls + st.rejectedCalls + st.failedCalls > 0).map(([name, st]) => [`cmdstat_${name}`, `calls=${st.calls},usec=${Math.round(st.usec)},usec_per_call=${(st.calls === 0 ? 0 : st.usec / st.calls).toFixed(2)},rejected_calls=${st.rejectedCalls},failed_calls=${st.failedCalls}`] as [string, string])],
    ["Errorstats", [...s.stats.errors].map(([code, n]) => [`errorstat_${code}`, `count=${n}`] as [string, string])],
    // Per command with samples, the configured percentiles of its latency histogram in µs (Redis 7.0).
    ["Latencystats", cfg.bool("latency-tracking") ? latencyStats(s) : []],
    ["Cluster", [["cluster_enabled", s.cluster ? 1 : 0]]],
    ["Keyspace", keyspace],
  ];
}

function latencyStats(s: CommandContext["server"]): [string, string][] {
  const percentiles = s.config.get("latency-tracking-info-percentiles").split(" ").filter((w) => w !== "").map(Number);
  const out: [string, string][] = [];
  for (const [name, st] of s.stats.commands) {
    const h = st.histogram;
    if (h === null) continue;
    out.push([`latency_percentiles_usec_${name}`, percentiles.map((p) => `p${formatFixedTrimmed(p)}=${(h.valueAtPercentile(p) / 1000).toFixed(3)}`).join(",")]);
  }
  return out;
}

function human(bytes: number): string {
  if (bytes < 1024) return `${bytes}B`;
  const units = ["K", "M", "G", "T"];
  let v = bytes;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(2)}${units[u]}`;
}

const defaultSections = new Set(["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "errorstats", "cluster", "keyspace"]);

export function infoText(ctx: CommandContext, argv: readonly Uint8Array[]): string {
  const wanted = new Set<string>();
  for (let i = 1; i < argv.length; i++) wanted.add(word(argv[i]));
  const all = wanted.has("all") || wanted.has("everything");
  const useDefault = wanted.size === 0 || wanted.has("default");
  const parts: string[] = [];
  for (const [name, fields] of infoSections(ctx.server)) {
    const lower = name.toLowerCase();
    if (!all && !(useDefault && defaultSections.has(lower)) && !wanted.has(lower)) continue;
    parts.push(`# ${name}\r\n` + fields.map(([k, v]) => `${k}:${v}\r\n`).join(""));
  }
  return parts.join("\r\n");
}

export function info(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  ctx.reply.verbatim(infoText(ctx, argv));
}
