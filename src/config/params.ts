// Every configurable parameter and limit, declared once: flag, environment variable, config-file key,
// CONFIG GET/SET name, default, validation. Names follow redis.conf where Redis has the parameter.

import { canonicalKeyspaceEvents, errInvalidEventClass } from "../server/notify.ts";
import { formatFixedTrimmed, parseDouble } from "../protocol/numbers.ts";

export type ParamKind = "int" | "bytes" | "string" | "enum" | "bool";

export interface ParamSpec {
  /** Name as in redis.conf and CONFIG GET; the flag is `--name`, the variable BUNKER_NAME. */
  readonly name: string;
  readonly kind: ParamKind;
  readonly defaultValue: string;
  readonly description: string;
  /** Whether CONFIG SET may change it at run time. */
  readonly mutable: boolean;
  /**
   * Redis 7.0's PROTECTED_CONFIG (dir, dbfilename): CONFIG SET refuses it unless enable-protected-configs
   * allows it, which Bunker does not have (Redis's default, "no"). Checked after `mutable`, as Redis does.
   */
  readonly protected?: boolean;
  /** Bounds as Redis declares them; a bigint where they pass 2^53 (LLONG_MAX). */
  readonly min?: number | bigint;
  readonly max?: number | bigint;
  readonly choices?: readonly string[];
  /** For values with one canonical spelling (notify-keyspace-events): the form stored and shown, or null if invalid. */
  readonly canonical?: (value: string) => string | null;
  /** The error text (without "ERR ") when `canonical` rejects a value. */
  readonly invalidText?: string;
  /** For string values with several ways to be wrong: the error text (without "ERR "), or null if valid. */
  readonly check?: (value: string) => string | null;
  /** Redact the value in CONFIG GET output only when Redis does (it never does for requirepass). */
}

/** latency-tracking-info-percentiles: space-separated doubles within [0, 100] ("" for none). */
function percentileWords(value: string): string[] {
  return value === "" ? [] : value.split(" ").filter((w) => w !== "");
}
function checkPercentiles(value: string): string | null {
  for (const w of percentileWords(value)) {
    const n = parseDouble(Buffer.from(w, "latin1"));
    if (n === null) return "Invalid latency-tracking-info-percentiles parameters";
    if (n > 100 || n < 0) return "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
  }
  return null;
}
/** As Redis shows them: each "%f" with trailing zeros trimmed, one space between. */
function canonicalPercentiles(value: string): string {
  return percentileWords(value)
    .map((w) => formatFixedTrimmed(parseDouble(Buffer.from(w, "latin1")) ?? Number(w)))
    .join(" ");
}

/** In Redis's order (its enum table), which its CONFIG SET error lists. */
export const maxmemoryPolicies = [
  "volatile-lru",
  "volatile-lfu",
  "volatile-random",
  "volatile-ttl",
  "allkeys-lru",
  "allkeys-lfu",
  "allkeys-random",
  "noeviction",
] as const;
export type MaxmemoryPolicy = (typeof maxmemoryPolicies)[number];

/** LLONG_MAX and LONG_MAX on Redis's 64-bit builds: the upper bound of its long long configs. */
const int64Max = 9223372036854775807n;
const int64Min = -9223372036854775808n;

export const paramSpecs: readonly ParamSpec[] = [
  { name: "port", kind: "int", defaultValue: "6379", min: 0, max: 65535, mutable: false, description: "TCP port for RESP clients" },
  { name: "bind", kind: "string", defaultValue: "127.0.0.1", mutable: false, description: "address to listen on" },
  { name: "http-port", kind: "int", defaultValue: "0", min: 0, max: 65535, mutable: false, description: "port of the HTTP endpoints GET /health and GET /metrics (Prometheus), on the bind address (0: off)" },
  { name: "dir", kind: "string", defaultValue: "./data", mutable: true, protected: true, description: "data directory (one sub-directory per shard); CONFIG SET refuses it as a protected config" },
  { name: "shards", kind: "int", defaultValue: "4", min: 1, max: 256, mutable: false, description: "number of shards (independent logs); fixed once data exists" },
  { name: "requirepass", kind: "string", defaultValue: "", mutable: true, description: "password clients must AUTH with (empty: no password)" },
  { name: "databases", kind: "int", defaultValue: "16", min: 1, max: 16, mutable: false, description: "number of logical databases (SELECT 0..n-1)" },
  { name: "maxclients", kind: "int", defaultValue: "10000", min: 1, max: 1000000, mutable: true, description: "maximum simultaneous client connections" },
  { name: "timeout", kind: "int", defaultValue: "0", min: 0, max: 2147483647, mutable: true, description: "close a client idle for this many seconds (0: never)" },
  { name: "maxmemory", kind: "bytes", defaultValue: "0", min: 0, mutable: true, description: "memory limit in bytes for data (0: none)" },
  { name: "maxmemory-policy", kind: "enum", defaultValue: "noeviction", choices: maxmemoryPolicies, mutable: true, description: "what to evict when maxmemory is reached" },
  { name: "maxmemory-samples", kind: "int", defaultValue: "5", min: 1, max: 64, mutable: true, description: "keys sampled per eviction decision" },
  { name: "proto-max-bulk-len", kind: "bytes", defaultValue: "536870912", min: 1048576, max: 536870912, mutable: true, description: "largest bulk string a client may send" },
  { name: "client-query-buffer-limit", kind: "bytes", defaultValue: "1073741824", min: 1048576, mutable: true, description: "largest pending query per client" },
  { name: "client-output-buffer-limit-bytes", kind: "bytes", defaultValue: "268435456", min: 65536, mutable: true, description: "disconnect a client whose unsent replies exceed this (it never reads)" },
  { name: "pipeline-depth-max", kind: "int", defaultValue: "1024", min: 16, mutable: true, description: "commands run from one client's pipeline per turn before other clients get theirs" },
  { name: "segment-bytes-max", kind: "bytes", defaultValue: "67108864", min: 4096, mutable: true, description: "log segment size at which a new segment starts" },
  { name: "hot-value-bytes-max", kind: "bytes", defaultValue: "65536", min: 0, mutable: true, description: "string values larger than this stay cold (read from disk on demand)" },
  // Redis's names: a merge is Bunker's AOF rewrite. Per shard: each shard's log is merged on its own.
  { name: "auto-aof-rewrite-percentage", kind: "int", defaultValue: "100", min: 0, max: 2147483647, mutable: true, description: "merge a shard's log when it grew by this percentage over its last snapshot (0: never on growth)" },
  { name: "auto-aof-rewrite-min-size", kind: "bytes", defaultValue: "67108864", min: 0, mutable: true, description: "no automatic merge of a shard log smaller than this (nor than segment-bytes-max)" },
  { name: "merge-dead-ratio", kind: "int", defaultValue: "50", min: 1, max: 100, mutable: true, description: "merge a shard's log when dead bytes exceed this percentage" },
  { name: "salvage", kind: "bool", defaultValue: "no", mutable: false, description: "start even if a segment is corrupt in the middle (drops the corrupt tail of that segment)" },
  { name: "hz", kind: "int", defaultValue: "10", min: 1, max: 500, mutable: true, description: "background task frequency (active expiry, eviction)" },
  { name: "notify-keyspace-events", kind: "string", defaultValue: "", mutable: true, canonical: canonicalKeyspaceEvents, invalidText: errInvalidEventClass, description: "keyspace notification classes, as in Redis" },
  { name: "appendonly", kind: "bool", defaultValue: "yes", mutable: false, description: "always yes: Bunker's log is always on (accepted for compatibility)" },
  { name: "save", kind: "string", defaultValue: "", mutable: true, description: "accepted for compatibility; snapshots are merges of the log" },
  { name: "latency-tracking", kind: "bool", defaultValue: "yes", mutable: true, description: "keep a latency histogram per command (LATENCY HISTOGRAM, INFO latencystats)" },
  { name: "latency-tracking-info-percentiles", kind: "string", defaultValue: "50 99 99.9", mutable: true, check: checkPercentiles, canonical: canonicalPercentiles, description: "percentiles INFO latencystats reports per command" },
  { name: "tracking-table-max-keys", kind: "int", defaultValue: "1000000", min: 0, max: 9223372036854775807n, mutable: true, description: "keys CLIENT TRACKING remembers at most (0: no limit); over it the oldest are invalidated" },
  { name: "dbfilename", kind: "string", defaultValue: "dump.rdb", mutable: true, protected: true, canonical: (v) => (v.includes("/") || v.includes("\\") ? null : v), invalidText: "dbfilename can't be a path, just a filename", description: "file in dir that SAVE and BGSAVE write (an RDB export; Bunker recovers from its own logs)" },
  // Cluster mode (src/raft/cluster.ts): all four empty/0 means standalone. Every member lists the same peers.
  { name: "node-id", kind: "int", defaultValue: "0", min: 0, max: 65535, mutable: false, description: "this node's id in the cluster (0: standalone)" },
  { name: "cluster-peers", kind: "string", defaultValue: "", mutable: false, description: "cluster members as id=host:port[@clusterport],... (RESP address; Raft port defaults to port+10000)" },
  { name: "cluster-port", kind: "int", defaultValue: "0", min: 0, max: 65535, mutable: false, description: "port of the node-to-node Raft transport (0: port+10000, or this node's @clusterport in cluster-peers)" },
  { name: "cluster-forward", kind: "bool", defaultValue: "yes", mutable: true, description: "forward a command for a shard led by another node to that leader and relay its reply (no: answer MOVED, as Redis Cluster)" },
  { name: "cluster-secret", kind: "string", defaultValue: "", mutable: false, description: "shared secret (at least 16 bytes) every cluster member proves on connect" },
  { name: "raft-log-compact-bytes", kind: "bytes", defaultValue: "16777216", min: 4096, mutable: false, description: "cluster mode: snapshot a shard and compact its Raft log once the log file grew by this much" },
  // Redis 7.0's encoding thresholds (and their 6.x ziplist names): scripts and Redis's own test suite set
  // them. Bunker's in-memory layouts do not change with them, and OBJECT ENCODING reports Redis's defaults.
  { name: "hash-max-listpack-entries", kind: "int", defaultValue: "512", min: 0, max: 2147483647, mutable: true, description: "accepted for compatibility; no effect on Bunker's encodings" },
  { name: "hash-max-listpack-value", kind: "bytes", defaultValue: "64", min: 0, max: 2147483647, mutable: true, description: "accepted for compatibility; no effect on Bunker's encodings" },
  { name: "hash-max-ziplist-entries", kind: "int", defaultValue: "512", min: 0, max: 2147483647, mutable: true, description: "accepted for compatibility; no effect on Bunker's encodings" },
  { name: "hash-max-ziplist-value", kind: "bytes", defaultValue: "64", min: 0, max: 2147483647, mutable: true, description: "accepted for compatibility; no effect on Bunker's encodings" },
  { name: "set-max-intset-entries", kind: "int", defaultValue: "512", min: 0, max: 2147483647, mutable: true, description: "accepted for compatibility; no effect on Bunker's encodings" },
  { name: "zset-max-listpack-entries", kind: "int", defaultValue: "128", min: 0, max: 2147483647, mutable: true, description: "accepted for compatibility; no effect on Bunker's encodings" },
  { name: "zset-max-listpack-value", kind: "bytes", defaultValue: "64", min: 0, max: 2147483647, mutable: true, description: "accepted for compatibility; no effect on Bunker's encodings" },
  { name: "zset-max-ziplist-entries", kind: "int", defaultValue: "128", min: 0, max: 2147483647, mutable: true, description: "accepted for compatibility; no effect on Bunker's encodings" },
  { name: "zset-max-ziplist-value", kind: "bytes", defaultValue: "64", min: 0, max: 2147483647, mutable: true, description: "accepted for compatibility; no effect on Bunker's encodings" },
  { name: "list-max-listpack-size", kind: "int", defaultValue: "-2", min: -2147483648, max: 2147483647, mutable: true, description: "accepted for compatibility; no effect on Bunker's encodings" },
  { name: "list-max-ziplist-size", kind: "int", defaultValue: "-2", min: -2147483648, max: 2147483647, mutable: true, description: "accepted for compatibility; no effect on Bunker's encodings" },
  // Redis's diagnostics (server/slowlog.ts, server/latency.ts, server/call-stats.ts), same bounds.
  { name: "slowlog-log-slower-than", kind: "int", defaultValue: "10000", min: -1, max: int64Max, mutable: true, description: "log commands whose execution took at least this many microseconds in SLOWLOG (negative: off, 0: every command)" },
  { name: "slowlog-max-len", kind: "int", defaultValue: "128", min: 0, max: int64Max, mutable: true, description: "entries SLOWLOG keeps (the oldest are dropped)" },
  { name: "latency-monitor-threshold", kind: "int", defaultValue: "0", min: 0, max: int64Max, mutable: true, description: "record LATENCY samples of events taking at least this many milliseconds (0: off)" },
  { name: "list-compress-depth", kind: "int", defaultValue: "0", min: 0, max: 2147483647, mutable: true, description: "accepted for compatibility; no effect on Bunker's encodings" },
];

const byName = new Map(paramSpecs.map((p) => [p.name, p]));

export function paramSpec(name: string): ParamSpec | undefined {
  return byName.get(name);
}

export function envNameOf(param: string): string {
  return "BUNKER_" + param.toUpperCase().replace(/-/g, "_");
}

/** Parses "100", "1kb", "5mb", "2gb" like redis.conf memtoll. Returns null when invalid. */
export function parseBytes(text: string): number | null {
  const m = /^(\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? "b").toLowerCase();
  const mult: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1024 * 1024, g: 1e9, gb: 1024 * 1024 * 1024 };
  return n * (mult[unit] ?? 1);
}

function outOfBounds(spec: ParamSpec, n: bigint): string | null {
  if ((spec.min !== undefined && n < BigInt(spec.min)) || (spec.max !== undefined && n > BigInt(spec.max))) {
    return `argument must be between ${spec.min ?? 0} and ${spec.max ?? Number.MAX_SAFE_INTEGER} inclusive`;
  }
  return null;
}

/** Validates a value for a parameter; returns an error text (without "ERR ") or null. */
export function validateParam(spec: ParamSpec, value: string): string | null {
  switch (spec.kind) {
    case "int": {
      // Redis's string2ll: no sign but '-', no leading zeros, within 64 bits; then the bounds.
      const n = /^(0|-?[1-9]\d*)$/.test(value) ? BigInt(value) : null;
      if (n === null || n < int64Min || n > int64Max) return "argument couldn't be parsed into an integer";
      return outOfBounds(spec, n);
    }
    case "bytes": {
      const n = parseBytes(value);
      if (n === null || !Number.isSafeInteger(n)) return "argument must be a memory value";
      return outOfBounds(spec, BigInt(n));
    }
    case "enum":
      return spec.choices?.includes(value.toLowerCase()) ? null : `argument(s) must be one of the following: ${(spec.choices ?? []).join(", ")}`;
    case "bool":
      return ["yes", "no"].includes(value.toLowerCase()) ? null : "argument must be 'yes' or 'no'";
    case "string":
      if (spec.check) return spec.check(value);
      return spec.canonical && spec.canonical(value) === null ? (spec.invalidText ?? "invalid value") : null;
  }
}
