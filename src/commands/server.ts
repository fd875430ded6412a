// Server commands: INFO, CONFIG, TIME, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, SHUTDOWN.
import type { CommandContext, CommandSpec } from "./types.ts";
import { intArg, latin1, word } from "./args.ts";
import { errSyntax } from "../protocol/errors.ts";
import { info } from "./info.ts";
import { resetStats } from "../engine/server-context.ts";
import { paramSpecs } from "../config/params.ts";

function globToRegExp(pattern: string): RegExp {
  return new RegExp("^" + pattern.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$", "is");
}

function configGet(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const out = new Map<string, string>();
  for (let i = 2; i < argv.length; i++) {
    const re = globToRegExp(latin1(argv[i] as Uint8Array));
    for (const [name, value] of ctx.server.config.entries()) if (re.test(name)) out.set(name, value);
  }
  ctx.reply.mapHeader(out.size);
  for (const [k, v] of out) {
    ctx.reply.bulk(k);
    ctx.reply.bulk(v);
  }
}

function configSet(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  if ((argv.length - 2) % 2 !== 0) return ctx.reply.error("ERR wrong number of arguments for 'config|set' command");
  const pairs: [string, string][] = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([latin1(argv[i] as Uint8Array), latin1(argv[i + 1] as Uint8Array)]);
  const err = ctx.server.config.setRuntimeAll(pairs);
  if (err) return ctx.reply.error("ERR " + err);
  ctx.reply.simple("OK");
}

function flushArgs(ctx: CommandContext, argv: readonly Uint8Array[]): boolean {
  if (argv.length > 2 || (argv.length === 2 && !["async", "sync"].includes(word(argv[1])))) {
    ctx.reply.error(errSyntax);
    return false;
  }
  return true;
}

function flushdb(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  if (!flushArgs(ctx, argv)) return;
  ctx.db.flush();
  ctx.dirty++;
  ctx.reply.simple("OK");
}

function flushall(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  if (!flushArgs(ctx, argv)) return;
  const saved = ctx.db.index;
  for (let db = 0; db < ctx.server.config.int("databases"); db++) {
    ctx.db.index = db;
    ctx.db.flush();
  }
  ctx.db.index = saved;
  ctx.dirty++;
  ctx.reply.simple("OK");
}

function swapdb(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const a = intArg(ctx, argv[1], "ERR invalid first DB index");
  if (a === null) return;
  const b = intArg(ctx, argv[2], "ERR invalid second DB index");
  if (b === null) return;
  const n = ctx.server.config.int("databases");
  if (a < 0 || a >= n || b < 0 || b >= n) return ctx.reply.error("ERR DB index is out of range");
  ctx.db.swap(a, b);
  ctx.dirty++;
  ctx.reply.simple("OK");
}

const configHelp = [
  "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "GET <pattern>",
  "    Return parameters matching the glob-like <pattern> and their values.",
  "SET <directive> <value>",
  "    Set the configuration <directive> to <value>.",
  "RESETSTAT",
  "    Reset statistics reported by the INFO command.",
  "REWRITE",
  "    Rewrite the configuration file.",
  "HELP",
  "    Print this help.",
];

const cfgSub = { group: "server", acl: [], keySpecs: [] } as const;
const adminFlags = ["admin", "noscript", "loading", "stale"] as const;

/** MONITOR: refused inside EXEC (Redis's CLIENT_DENY_BLOCKING); a second MONITOR is not answered. */
function monitor(ctx: CommandContext): void {
  const monitors = ctx.server.monitors;
  if (ctx.client.lastCommand === "exec" || monitors === undefined) return ctx.reply.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
  if (ctx.client.monitor) return;
  if (monitors.add(ctx.client)) ctx.reply.simple("OK");
}

/** MEMORY DOCTOR: the dataset against maxmemory, the process's memory, cold values, what to look at. */
function memoryReport(ctx: CommandContext): string {
  const e = ctx.server.engine;
  const used = e.usedBytes();
  const max = ctx.server.config.int("maxmemory");
  const mem = process.memoryUsage();
  const st = e.storage.stats();
  const mib = (n: number): string => `${(n / 1048576).toFixed(1)} MiB`;
  let keys = 0;
  for (const sh of e.shards) for (const d of sh.state.dbs) keys += d.map.size;
  const lines = [
    `Dataset: ${keys} keys, ${mib(used)} by Bunker's estimate (used_memory, the figure maxmemory counts).`,
    max === 0
      ? "maxmemory is 0 (no limit): memory grows with the dataset; set maxmemory and a maxmemory-policy to bound it."
      : `maxmemory: ${mib(max)} (${((used / max) * 100).toFixed(1)}% used), policy ${ctx.server.config.maxmemoryPolicy}.`,
    `Process: ${mib(mem.rss)} resident, ${mib(mem.heapUsed)} of JavaScript heap in use.`,
    `Values moved to disk to stay under maxmemory: ${st.cooledForMemory} (${mib(st.cooledForMemoryBytes)}); values that could move: ${st.coolableValues}.`,
  ];
  if (max !== 0 && used > max * 0.9) lines.push("The dataset is within 10% of maxmemory: evictions (or -OOM under noeviction) follow as it grows.");
  if (keys > 0 && mem.rss > used * 4 && mem.rss > 256 * 1048576) lines.push("Resident memory is far above the dataset estimate: MEMORY PURGE runs a full collection.");
  if (lines.length === 4) lines.push("Nothing needs attention.");
  return lines.join("\n") + "\n";
}

export const serverCommands: CommandSpec[] = [
  { name: "monitor", arity: 1, flags: adminFlags, acl: [], group: "server", summary: "Listens for all requests received by the server in real-time.", since: "1.0.0", keySpecs: [], handler: monitor },
  { name: "info", arity: -1, flags: ["loading", "stale"], acl: ["dangerous"], group: "server", summary: "Returns information and statistics about the server.", since: "1.0.0", complexity: "O(1)", tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"], keySpecs: [], handler: info },
  {
    name: "config", arity: -2, flags: [], acl: [], group: "server", summary: "A container for server configuration commands.", since: "2.0.0", complexity: "Depends on subcommand.", keySpecs: [],
    subcommands: [
      { ...cfgSub, name: "get", arity: -3, flags: adminFlags, summary: "Returns the effective values of configuration parameters.", since: "2.0.0", complexity: "O(N) when N is the number of configuration parameters provided", handler: configGet },
      { ...cfgSub, name: "set", arity: -4, flags: adminFlags, summary: "Sets configuration parameters in-flight.", since: "2.0.0", complexity: "O(N) when N is the number of configuration parameters provided", tips: ["request_policy:all_nodes", "response_policy:all_succeeded"], handler: configSet },
      {
        ...cfgSub, name: "resetstat", arity: 2, flags: adminFlags, summary: "Resets the server's statistics.", since: "2.0.0", complexity: "O(1)",
        handler: (ctx) => {
          resetStats(ctx.server.stats);
          ctx.reply.simple("OK");
        },
      },
      { ...cfgSub, name: "rewrite", arity: 2, flags: adminFlags, summary: "Persists the effective configuration to file.", since: "2.8.0", complexity: "O(1)", handler: (ctx) => ctx.reply.error("ERR The server is running without a config file") },
      {
        ...cfgSub, name: "help", arity: 2, flags: ["loading", "stale"], summary: "Returns helpful text about the different subcommands.", since: "5.0.0", complexity: "O(1)",
        handler: (ctx) => {
          ctx.reply.arrayHeader(configHelp.length);
          for (const l of configHelp) ctx.reply.simple(l);
        },
      },
    ],
  },
  {
    name: "time", arity: 1, flags: ["loading", "stale", "fast"], acl: [], group: "server", summary: "Returns the server time.", since: "2.6.0", complexity: "O(1)", tips: ["nondeterministic_output"], keySpecs: [],
    handler: (ctx) => {
      const us = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
      ctx.reply.arrayHeader(2);
      ctx.reply.bulk(String(us / 1000000n));
      ctx.reply.bulk(String(us % 1000000n));
    },
  },
  { name: "dbsize", arity: 1, flags: ["readonly", "fast"], acl: ["keyspace"], group: "server", summary: "Returns the number of keys in the database.", since: "1.0.0", complexity: "O(1)", tips: ["request_policy:all_shards", "response_policy:agg_sum"], keySpecs: [], handler: (ctx) => ctx.reply.integer(ctx.db.size()) },
  { name: "flushdb", arity: -1, flags: ["write"], acl: ["keyspace", "dangerous"], group: "server", summary: "Removes all keys from the current database.", since: "1.0.0", complexity: "O(N) where N is the number of keys in the selected database", tips: ["request_policy:all_shards", "response_policy:all_succeeded"], keySpecs: [], allShards: true, handler: flushdb },
  { name: "flushall", arity: -1, flags: ["write"], acl: ["keyspace", "dangerous"], group: "server", summary: "Removes all keys from all databases.", since: "1.0.0", complexity: "O(N) where N is the total number of keys in all databases", tips: ["request_policy:all_shards", "response_policy:all_succeeded"], keySpecs: [], allShards: true, handler: flushall },
  { name: "swapdb", arity: 3, flags: ["write", "fast"], acl: ["keyspace", "dangerous"], group: "server", summary: "Swaps two Redis databases.", since: "4.0.0", complexity: "O(N) where N is the count of clients watching or blocking on keys from both databases.", keySpecs: [], allShards: true, handler: swapdb },
  {
    name: "memory", arity: -2, flags: [], acl: [], group: "server", summary: "A container for memory diagnostics commands.", since: "4.0.0", complexity: "Depends on subcommand.", keySpecs: [],
    subcommands: [
      {
        // The estimate maxmemory counts (keyspace/memory.ts), not allocator bytes; SAMPLES is accepted.
        name: "usage", arity: -3, flags: ["readonly"], acl: [], group: "server", summary: "Estimates the memory usage of a key.", since: "4.0.0", complexity: "O(N) where N is the number of samples.",
        keySpecs: [{ flags: ["RO"], beginSearch: { type: "index", index: 2 }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } }],
        handler: (ctx, argv) => {
          if (argv.length === 5 && word(argv[3]) === "samples") {
            if (intArg(ctx, argv[4]) === null) return;
          } else if (argv.length !== 3) return ctx.reply.error(errSyntax);
          const e = ctx.db.peek(latin1(argv[2] as Uint8Array));
          if (e === undefined) ctx.reply.nullBulk();
          else ctx.reply.integer(e.sizeBytes);
        },
      },
      {
        // Bunker's own report text (Redis's prose is its own): the figures INFO memory holds, read for a person.
        name: "doctor", arity: 2, flags: [], acl: [], group: "server", summary: "Outputs memory problems report", since: "4.0.0", complexity: "O(1)", tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"], keySpecs: [],
        handler: (ctx) => ctx.reply.verbatim(memoryReport(ctx)),
      },
      {
        // Runs a full garbage collection: the nearest thing to returning dirty pages to the allocator.
        name: "purge", arity: 2, flags: [], acl: [], group: "server", summary: "Asks the allocator to release memory.", since: "4.0.0", complexity: "Depends on how much memory is allocated, could be slow", tips: ["request_policy:all_shards", "response_policy:all_succeeded"], keySpecs: [],
        handler: (ctx) => {
          Bun.gc(true);
          ctx.reply.simple("OK");
        },
      },
      {
        name: "help", arity: 2, flags: ["loading", "stale"], acl: [], group: "server", summary: "Returns helpful text about the different subcommands.", since: "4.0.0", complexity: "O(1)", keySpecs: [],
        handler: (ctx) => {
          const lines = [
            "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "DOCTOR",
            "    Return a report of what memory is used for and what may need attention.",
            "PURGE",
            "    Run a full garbage collection (Bunker's way to release memory).",
            "USAGE <key> [SAMPLES <count>]",
            "    Return the estimated bytes used by <key> and its value (the figure maxmemory counts).",
            "HELP",
            "    Prints this help.",
          ];
          ctx.reply.arrayHeader(lines.length);
          for (const l of lines) ctx.reply.simple(l);
        },
      },
    ],
  },
  {
    name: "bgrewriteaof", arity: 1, flags: ["admin", "noscript", "no_async_loading"], acl: [], group: "server", summary: "Asynchronously rewrites the append-only file to disk.", since: "1.0.0", complexity: "O(1)", keySpecs: [],
    // Bunker's AOF rewrite is a merge of every shard's log into a snapshot (storage/merge.ts).
    handler: (ctx) => {
      const engine = ctx.server.engine;
      // Cluster mode keeps each shard's history in its Raft log; a snapshot would be replayed twice.
      if (ctx.server.cluster) return ctx.reply.error("ERR BGREWRITEAOF is not available in cluster mode yet (Raft log snapshots are not implemented)");
      for (const shard of engine.shards) void engine.storage.merge(shard.id).catch(() => {});
      ctx.reply.simple("Background append only file rewriting started");
    },
  },
  {
    name: "shutdown", arity: -1, flags: ["admin", "noscript", "loading", "stale", "no_multi", "allow_busy"], acl: [], group: "server", summary: "Synchronously saves the database(s) to disk and shuts down the Redis server.", since: "1.0.0", complexity: "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)", keySpecs: [],
    handler: (ctx, argv) => {
      for (let i = 1; i < argv.length; i++) {
        if (!["nosave", "save", "now", "force", "abort"].includes(word(argv[i]))) return ctx.reply.error(errSyntax);
      }
      ctx.server.requestShutdown();
      ctx.client.closeAfterReply = true;
    },
  },
];

export const configParamNames = paramSpecs.map((p) => p.name);
