// MULTI, EXEC, DISCARD, WATCH, UNWATCH. Queueing happens in the dispatcher; EXEC runs the queue as
// one unit, so it is logged as one entry per shard with one seq: atomic and durable together.
import type { CommandContext, CommandSpec } from "./types.ts";
import { keys } from "./types.ts";
import { latin1 } from "./args.ts";
import { arityOk, type Command } from "./table.ts";
import { commandStat } from "../engine/server-context.ts";
import { noteCall } from "../server/call-stats.ts";
import { errArity } from "../protocol/errors.ts";

function multi(ctx: CommandContext): void {
  if (ctx.client.multi) return ctx.reply.error("ERR MULTI calls can not be nested");
  ctx.client.multi = [];
  ctx.client.multiError = false;
  ctx.reply.simple("OK");
}

function exec(ctx: CommandContext): void {
  const c = ctx.client;
  const queue = c.multi;
  if (!queue) return ctx.reply.error("ERR EXEC without MULTI");
  const engine = ctx.server.engine;
  c.multi = null;
  if (c.multiError) {
    c.multiError = false;
    engine.watches.unwatchAll(c);
    return ctx.reply.error("EXECABORT Transaction discarded because of previous errors.");
  }
  if (c.watchDirty) {
    engine.watches.unwatchAll(c);
    return ctx.reply.nullArray();
  }
  engine.watches.unwatchAll(c);
  const table = ctx.server.table;
  const monitors = ctx.server.monitors;
  ctx.reply.arrayHeader(queue.length);
  for (const argv of queue) {
    let cmd = table.get(latin1(argv[0] as Uint8Array));
    if (cmd && cmd.subcommands.size > 0 && argv[1]) cmd = cmd.subcommands.get(latin1(argv[1]).toLowerCase());
    if (!cmd || !arityOk(cmd.spec.arity, argv.length)) {
      ctx.reply.error(errArity(latin1(argv[0] as Uint8Array).toLowerCase()));
      continue;
    }
    runQueued(ctx, cmd, argv);
    // Redis's EXEC runs each queued command through call(), which shows it to MONITOR (EXEC after).
    if (monitors !== undefined && monitors.size !== 0) monitors.feed(c, cmd, argv);
  }
}

/**
 * One queued command, timed and recorded as Redis's execCommand does through call(): in INFO
 * commandstats, the latency monitor and the slow log, each on its own (EXEC itself is skip_slowlog).
 */
function runQueued(ctx: CommandContext, cmd: Command, argv: readonly Uint8Array[]): void {
  const engine = ctx.server.engine;
  if (ctx.replaying) return engine.executor.run(cmd, argv);
  const errorsBefore = ctx.reply.errorCount;
  const started = engine.clock.monotonicMs();
  engine.executor.run(cmd, argv);
  const durationUs = Math.trunc((engine.clock.monotonicMs() - started) * 1000);
  const stat = commandStat(ctx.server.stats, cmd.fullName);
  stat.calls++;
  if (ctx.reply.errorCount !== errorsBefore) {
    stat.failedCalls++;
    ctx.client.nestedErrorReplies += ctx.reply.errorCount - errorsBefore;
  }
  noteCall(ctx.server, ctx.client, cmd, argv, stat, durationUs);
}

function discard(ctx: CommandContext): void {
  if (!ctx.client.multi) return ctx.reply.error("ERR DISCARD without MULTI");
  ctx.client.multi = null;
  ctx.client.multiError = false;
  ctx.server.engine.watches.unwatchAll(ctx.client);
  ctx.reply.simple("OK");
}

function watch(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  if (ctx.client.multi) return ctx.reply.error("ERR WATCH inside MULTI is not allowed");
  for (let i = 1; i < argv.length; i++) ctx.server.engine.watches.watch(ctx.client, ctx.client.db, latin1(argv[i] as Uint8Array));
  ctx.reply.simple("OK");
}

function unwatch(ctx: CommandContext): void {
  ctx.server.engine.watches.unwatchAll(ctx.client);
  ctx.reply.simple("OK");
}

const tx = { group: "transactions", acl: ["transaction"] } as const;

export const transactionCommands: CommandSpec[] = [
  { ...tx, name: "multi", arity: 1, flags: ["noscript", "loading", "stale", "fast", "allow_busy"], summary: "Starts a transaction.", since: "1.2.0", complexity: "O(1)", keySpecs: [], handler: multi },
  { ...tx, name: "exec", arity: 1, flags: ["noscript", "loading", "stale", "skip_slowlog"], summary: "Executes all commands in a transaction.", since: "1.2.0", complexity: "Depends on commands in the transaction", keySpecs: [], handler: exec },
  { ...tx, name: "discard", arity: 1, flags: ["noscript", "loading", "stale", "fast", "allow_busy"], summary: "Discards a transaction.", since: "2.0.0", complexity: "O(N), when N is the number of queued commands", keySpecs: [], handler: discard },
  { ...tx, name: "watch", arity: -2, flags: ["noscript", "loading", "stale", "fast", "allow_busy"], summary: "Monitors changes to keys to determine the execution of a transaction.", since: "2.2.0", complexity: "O(1) for every key.", keySpecs: [keys.range(1, -1, 1, ["RO"])], handler: watch },
  { ...tx, name: "unwatch", arity: 1, flags: ["noscript", "loading", "stale", "fast", "allow_busy"], summary: "Forgets about watched keys of a transaction.", since: "2.2.0", complexity: "O(1)", keySpecs: [], handler: unwatch },
];
