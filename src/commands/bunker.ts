// BUNKER.CONFIG: durability per namespace (key prefix).
//   BUNKER.CONFIG SET <prefix> durability quorum|async
//   BUNKER.CONFIG GET <prefix>            -> the durability configured for exactly that prefix
//   BUNKER.CONFIG RESET <prefix>          -> back to the default (quorum); 1 if it was set
//   BUNKER.CONFIG LIST                    -> every configured prefix and its durability
// The setting is a logged write to every shard, so it is durable, survives restarts and replicates.
import type { CommandContext, CommandSpec } from "./types.ts";
import { latin1, word } from "./args.ts";
import { errSyntax } from "../protocol/errors.ts";

function set(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const prefix = latin1(argv[2] as Uint8Array);
  if (word(argv[3]) !== "durability") return ctx.reply.error(errSyntax);
  const mode = word(argv[4]);
  if (mode !== "quorum" && mode !== "async") return ctx.reply.error("ERR durability must be 'quorum' or 'async'");
  for (const s of ctx.db.shardStates()) s.namespaces.set(prefix, mode);
  ctx.dirty++;
  ctx.reply.simple("OK");
}

function get(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const prefix = latin1(argv[2] as Uint8Array);
  const [first] = ctx.db.shardStates();
  const mode = first?.namespaces.get(prefix);
  ctx.reply.mapHeader(1);
  ctx.reply.bulk("durability");
  ctx.reply.bulk(mode ?? "quorum");
}

function reset(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const prefix = latin1(argv[2] as Uint8Array);
  let removed = false;
  for (const s of ctx.db.shardStates()) removed = s.namespaces.delete(prefix) || removed;
  if (removed) ctx.dirty++;
  ctx.reply.integer(removed ? 1 : 0);
}

function list(ctx: CommandContext): void {
  const [first] = ctx.db.shardStates();
  const all = [...(first?.namespaces ?? new Map<string, string>())].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  ctx.reply.mapHeader(all.length);
  for (const [p, d] of all) {
    ctx.reply.bulk(p);
    ctx.reply.bulk(d);
  }
}

const sub = { group: "bunker", acl: ["admin"], keySpecs: [] } as const;

export const bunkerCommands: CommandSpec[] = [
  {
    name: "bunker.config", arity: -2, flags: [], acl: [], group: "bunker", summary: "A container for Bunker's durability-namespace commands.", since: "7.0.0", complexity: "Depends on subcommand.", keySpecs: [],
    subcommands: [
      { ...sub, name: "set", arity: 5, flags: ["write", "admin", "noscript"], allShards: true, summary: "Sets the durability (quorum or async) of keys starting with a prefix.", since: "7.0.0", complexity: "O(1)", handler: set },
      { ...sub, name: "get", arity: 3, flags: ["readonly", "admin", "noscript"], summary: "Returns the durability configured for a prefix.", since: "7.0.0", complexity: "O(1)", handler: get },
      { ...sub, name: "reset", arity: 3, flags: ["write", "admin", "noscript"], allShards: true, summary: "Removes a prefix's durability setting (back to quorum).", since: "7.0.0", complexity: "O(1)", handler: reset },
      { ...sub, name: "list", arity: 2, flags: ["readonly", "admin", "noscript"], summary: "Lists every configured prefix and its durability.", since: "7.0.0", complexity: "O(N) where N is the number of prefixes", handler: list },
    ],
  },
];
