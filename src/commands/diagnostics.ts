// Diagnostics and role: SLOWLOG, LATENCY, LASTSAVE, ROLE. What the slow log and the latency monitor
// record is decided in server/call-stats.ts; these commands only read and reset them.
import type { CommandContext, CommandSpec } from "./types.ts";
import { latin1 } from "./args.ts";
import { parseInteger } from "../protocol/numbers.ts";
import { errSubcommandSyntax } from "../protocol/errors.ts";
import type { ClusterNode } from "../raft/cluster.ts";
import { leadership } from "./info-replication.ts";
import { lastSaveMs } from "./info.ts";
import { latencyReport } from "../server/latency.ts";
import type { LatencyHistogram } from "../server/latency-histogram.ts";

/** Redis's addReplyHelp: a header naming the command as typed (upper-cased), the lines, then HELP. */
function replyHelp(ctx: CommandContext, argv: readonly Uint8Array[], lines: readonly string[]): void {
  ctx.reply.arrayHeader(lines.length + 3);
  ctx.reply.simple(`${latin1(argv[0] as Uint8Array).toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) ctx.reply.simple(l);
  ctx.reply.simple("HELP");
  ctx.reply.simple("    Prints this help.");
}

const slowlogHelp = [
  "GET [<count>]",
  "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
  "    Entries are made of:",
  "    id, timestamp, time in microseconds, arguments array, client IP and port,",
  "    client name",
  "LEN",
  "    Return the length of the slowlog.",
  "RESET",
  "    Reset the slowlog.",
];

/** SLOWLOG GET's default count. */
const slowlogGetCountDefault = 10;

function slowlogGet(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  if (argv.length > 3) return ctx.reply.error(errSubcommandSyntax(argv));
  const log = ctx.server.stats.slowlog;
  let count = slowlogGetCountDefault;
  if (argv.length === 3) {
    const n = parseInteger(argv[2] as Uint8Array);
    // getRangeLongFromObjectOrReply(-1, LONG_MAX) with its own message for both failures.
    if (n === null || n < -1) return ctx.reply.error("ERR count should be greater than or equal to -1");
    count = n === -1 ? log.length : Number(n);
  }
  const entries = log.newest(count);
  ctx.reply.arrayHeader(entries.length);
  for (const e of entries) {
    ctx.reply.arrayHeader(6);
    ctx.reply.integer(e.id);
    ctx.reply.integer(e.timeSec);
    ctx.reply.integer(e.durationUs);
    ctx.reply.arrayHeader(e.argv.length);
    for (const a of e.argv) ctx.reply.bulk(a);
    ctx.reply.bulk(e.peer);
    ctx.reply.bulk(e.clientName);
  }
}

const latencyHelp = [
  "DOCTOR",
  "    Return a human readable latency analysis report.",
  "HISTOGRAM [COMMAND ...]",
  "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
  "    If no commands are specified then all histograms are replied.",
  "HISTORY <event>",
  "    Return time-latency samples for the <event> class.",
  "LATEST",
  "    Return the latest latency samples for all events.",
  "RESET [<event> ...]",
  "    Reset latency data of one or more <event> classes.",
  "    (default: reset all data for all event classes)",
];

function latencyHistory(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  // The event name is a C string in Redis's dictionary lookup: it ends at a NUL byte.
  const name = latin1(argv[2] as Uint8Array);
  const samples = ctx.server.stats.latency.history(name.split("\0")[0] as string);
  ctx.reply.arrayHeader(samples.length);
  for (const s of samples) {
    ctx.reply.arrayHeader(2);
    ctx.reply.integer(s.timeSec);
    ctx.reply.integer(s.latencyMs);
  }
}

function latencyLatest(ctx: CommandContext): void {
  const latest = ctx.server.stats.latency.latest();
  ctx.reply.arrayHeader(latest.length);
  for (const [event, timeSec, latencyMs, maxMs] of latest) {
    ctx.reply.arrayHeader(4);
    ctx.reply.bulk(event);
    ctx.reply.integer(timeSec);
    ctx.reply.integer(latencyMs);
    ctx.reply.integer(maxMs);
  }
}

/**
 * LATENCY HISTOGRAM [command ...]: per command with samples, {calls, histogram_usec: {usec: cumulative}}
 * (server/latency-histogram.ts). A name that is no command is skipped; a container name also brings its
 * subcommands with samples, as Redis's latencySpecificCommandsFillCDF.
 */
function latencyHistogram(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const stats = ctx.server.stats.commands;
  const chosen: [string, LatencyHistogram][] = [];
  const add = (name: string): void => {
    const h = stats.get(name)?.histogram;
    if (h != null) chosen.push([name, h]);
  };
  if (argv.length === 2) {
    for (const [name, st] of stats) if (st.histogram !== null) chosen.push([name, st.histogram]);
  } else {
    for (let i = 2; i < argv.length; i++) {
      const name = latin1(argv[i] as Uint8Array).toLowerCase();
      const cmd = ctx.server.table.get(name.split("|")[0] as string);
      if (cmd === undefined) continue;
      // "container|sub" names one subcommand: only real ones have statistics.
      const full = name.includes("|") ? name : cmd.fullName;
      add(full);
      if (!name.includes("|")) for (const sub of [...stats.keys()].filter((k) => k.startsWith(`${full}|`))) add(sub);
    }
  }
  const r = ctx.reply;
  r.mapHeader(chosen.length);
  for (const [name, h] of chosen) {
    r.bulk(name);
    r.mapHeader(2);
    r.bulk("calls");
    r.integer(h.total);
    r.bulk("histogram_usec");
    const cdf = h.cdf();
    r.mapHeader(cdf.length);
    for (const [usec, count] of cdf) {
      r.integer(usec);
      r.integer(count);
    }
  }
}

function latencyReset(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const latency = ctx.server.stats.latency;
  if (argv.length === 2) return ctx.reply.integer(latency.reset(null));
  let resets = 0;
  for (let i = 2; i < argv.length; i++) resets += latency.reset((latin1(argv[i] as Uint8Array).split("\0")[0] as string));
  ctx.reply.integer(resets);
}

/** LASTSAVE: see lastSaveMs (commands/info.ts), which INFO's rdb_last_save_time shares. */
function lastsave(ctx: CommandContext): void {
  ctx.reply.integer(Math.floor(lastSaveMs(ctx.server) / 1000));
}

/**
 * ROLE in cluster mode, with INFO replication's mapping (commands/info-replication.ts): a node leading
 * at least one shard is a `master`; its offset is the sum of the last Raft log index of the shards it
 * leads, and its replicas are the other members whose link is up, each with the sum of its match
 * index over those shards (so master offset minus replica offset is how many entries it lags). A node
 * leading none is a `slave` of the leader of its lowest-numbered shard with a known leader; its offset
 * is the sum of its applied index over the shards that leader leads, and its state is `connected` when
 * the link to that leader is up, else `connect`. With no leader known at all (an election under way)
 * it answers `slave` with an empty host, port 0, state `connect` and offset -1.
 */
function clusterRole(ctx: CommandContext, cluster: ClusterNode): void {
  const shards = ctx.server.engine.shards.length;
  const { led, master } = leadership(cluster, shards);
  const r = ctx.reply;
  if (led.length > 0) {
    let offset = 0;
    for (const s of led) offset += cluster.groupStatus(s).lastIndex;
    const replicas: [string, number, number][] = [];
    for (const m of cluster.members) {
      if (m.id === cluster.self.id || !cluster.linkUp(m.id)) continue;
      let match = 0;
      for (const s of led) match += cluster.followerProgress(s, m.id)?.match ?? 0;
      replicas.push([m.host, m.port, match]);
    }
    r.arrayHeader(3);
    r.bulk("master");
    r.integer(offset);
    r.arrayHeader(replicas.length);
    for (const [host, port, match] of replicas) {
      r.arrayHeader(3);
      r.bulk(host);
      r.bulk(String(port));
      r.bulk(String(match));
    }
    return;
  }
  const m = cluster.member(master);
  r.arrayHeader(5);
  r.bulk("slave");
  if (m === undefined) {
    r.bulk("");
    r.integer(0);
    r.bulk("connect");
    r.integer(-1);
    return;
  }
  let applied = 0;
  for (let s = 0; s < shards; s++) if (cluster.leaderOf(s) === master) applied += cluster.groupStatus(s).applied;
  r.bulk(m.host);
  r.integer(m.port);
  r.bulk(cluster.linkUp(master) ? "connected" : "connect");
  r.integer(applied);
}

/** ROLE standalone: a master with no replicas and offset 0, as redis-server 7.0 without replicas. */
function role(ctx: CommandContext): void {
  const cluster = ctx.server.cluster ?? null;
  if (cluster !== null) return clusterRole(ctx, cluster);
  ctx.reply.arrayHeader(3);
  ctx.reply.bulk("master");
  ctx.reply.integer(0);
  ctx.reply.arrayHeader(0);
}

const sub = { group: "server", acl: [], keySpecs: [] } as const;
const adminFlags = ["admin", "loading", "stale"] as const;
const latencyFlags = ["admin", "noscript", "loading", "stale"] as const;
const latencyReadTips = ["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"];

export const diagnosticsCommands: CommandSpec[] = [
  {
    name: "slowlog", arity: -2, flags: [], acl: [], group: "server", summary: "A container for slow log commands", since: "2.2.12", complexity: "Depends on subcommand.", keySpecs: [],
    subcommands: [
      { ...sub, name: "get", arity: -2, flags: adminFlags, summary: "Get the slow log's entries", since: "2.2.12", complexity: "O(N) where N is the number of entries returned", tips: ["request_policy:all_nodes", "nondeterministic_output"], arguments: [{ name: "count", type: "integer", optional: true }], handler: slowlogGet },
      { ...sub, name: "len", arity: 2, flags: adminFlags, summary: "Get the slow log's length", since: "2.2.12", complexity: "O(1)", tips: ["request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output"], handler: (ctx) => ctx.reply.integer(ctx.server.stats.slowlog.length) },
      {
        ...sub, name: "reset", arity: 2, flags: adminFlags, summary: "Clear all entries from the slow log", since: "2.2.12", complexity: "O(N) where N is the number of entries in the slowlog", tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
        handler: (ctx) => {
          ctx.server.stats.slowlog.reset();
          ctx.reply.simple("OK");
        },
      },
      { ...sub, name: "help", arity: 2, flags: ["loading", "stale"], summary: "Show helpful text about the different subcommands", since: "6.2.0", complexity: "O(1)", handler: (ctx, argv) => replyHelp(ctx, argv, slowlogHelp) },
    ],
  },
  {
    // DOCTOR answers Bunker's own report text (server/latency.ts); GRAPH (ASCII sparklines) is not
    // implemented and answers the unknown-subcommand error.
    name: "latency", arity: -2, flags: [], acl: [], group: "server", summary: "A container for latency diagnostics commands", since: "2.8.13", complexity: "Depends on subcommand.", keySpecs: [],
    subcommands: [
      { ...sub, name: "latest", arity: 2, flags: latencyFlags, summary: "Return the latest latency samples for all events.", since: "2.8.13", complexity: "O(1)", tips: latencyReadTips, handler: latencyLatest },
      { ...sub, name: "doctor", arity: 2, flags: latencyFlags, summary: "Return a human readable latency analysis report.", since: "2.8.13", complexity: "O(1)", tips: latencyReadTips,
        handler: (ctx) => ctx.reply.verbatim(latencyReport(ctx.server.stats.latency, ctx.server.config.int("latency-monitor-threshold"))) },
      { ...sub, name: "histogram", arity: -2, flags: latencyFlags, summary: "Return the cumulative distribution of latencies of a subset of commands or all.", since: "7.0.0", complexity: "O(N) where N is the number of commands with latency information being retrieved.", tips: latencyReadTips, arguments: [{ name: "COMMAND", type: "string", optional: true, multiple: true }], handler: latencyHistogram },
      { ...sub, name: "history", arity: 3, flags: latencyFlags, summary: "Return timestamp-latency samples for the event.", since: "2.8.13", complexity: "O(1)", tips: latencyReadTips, arguments: [{ name: "event", type: "string" }], handler: latencyHistory },
      { ...sub, name: "reset", arity: -2, flags: latencyFlags, summary: "Reset latency data for one or more events.", since: "2.8.13", complexity: "O(1)", tips: ["request_policy:all_nodes", "response_policy:all_succeeded"], arguments: [{ name: "event", type: "string", optional: true, multiple: true }], handler: latencyReset },
      { ...sub, name: "help", arity: 2, flags: ["loading", "stale"], summary: "Show helpful text about the different subcommands.", since: "2.8.13", complexity: "O(1)", handler: (ctx, argv) => replyHelp(ctx, argv, latencyHelp) },
    ],
  },
  { name: "lastsave", arity: 1, flags: ["loading", "stale", "fast"], acl: ["admin", "dangerous"], group: "server", summary: "Get the UNIX time stamp of the last successful save to disk", since: "1.0.0", complexity: "O(1)", tips: ["nondeterministic_output"], keySpecs: [], handler: lastsave },
  { name: "role", arity: 1, flags: ["noscript", "loading", "stale", "fast"], acl: ["admin", "dangerous"], group: "server", summary: "Return the role of the instance in the context of replication", since: "2.8.12", complexity: "O(1)", keySpecs: [], handler: role },
];
