// Pub/sub commands: SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE and their UNSUBSCRIBE forms, PUBLISH, SPUBLISH,
// PUBSUB CHANNELS/NUMSUB/NUMPAT/SHARDCHANNELS/SHARDNUMSUB/HELP. The hub is src/server/pubsub.ts.
// Nothing here writes the keyspace: these commands are never logged, and messages are not persisted.
import type { CommandContext, CommandSpec } from "./types.ts";
import { latin1 } from "./args.ts";
import { PubSubHub, type SubscriptionKind } from "../server/pubsub.ts";

/** The hub, which every network server has; the embedded API has none (nothing there can receive). */
function hubOf(ctx: CommandContext): PubSubHub | null {
  const hub = ctx.server.pubsub;
  if (hub === undefined) {
    ctx.reply.error("ERR pub/sub is not available in embedded mode");
    return null;
  }
  return hub;
}

/** (P|S)SUBSCRIBE: one confirmation per argument, repeats included, each with the count after it. */
function subscribeGeneric(kind: SubscriptionKind) {
  return (ctx: CommandContext, argv: readonly Uint8Array[]): void => {
    const hub = hubOf(ctx);
    if (hub === null) return;
    for (let i = 1; i < argv.length; i++) {
      const name = latin1(argv[i] as Uint8Array);
      hub.subscribe(ctx.client, kind, name);
      PubSubHub.writeConfirmation(ctx.reply, kind, true, name, PubSubHub.confirmationCount(ctx.client, kind));
    }
  };
}

/**
 * (P|S)UNSUBSCRIBE: with names, one confirmation each (also for names not subscribed); without, one per
 * current subscription, or a single confirmation with a null name and count 0 when there are none.
 */
function unsubscribeGeneric(kind: SubscriptionKind) {
  return (ctx: CommandContext, argv: readonly Uint8Array[]): void => {
    const hub = hubOf(ctx);
    if (hub === null) return;
    const names = argv.length > 1 ? argv.slice(1).map((a) => latin1(a)) : hub.subscriptionsOf(ctx.client, kind);
    if (names.length === 0) {
      PubSubHub.writeConfirmation(ctx.reply, kind, false, null, PubSubHub.confirmationCount(ctx.client, kind));
      return;
    }
    for (const name of names) {
      hub.unsubscribe(ctx.client, kind, name);
      PubSubHub.writeConfirmation(ctx.reply, kind, false, name, PubSubHub.confirmationCount(ctx.client, kind));
    }
  };
}

function publishGeneric(kind: "channel" | "shard") {
  return (ctx: CommandContext, argv: readonly Uint8Array[]): void => {
    const hub = hubOf(ctx);
    if (hub === null) return;
    ctx.reply.integer(hub.publish(latin1(argv[1] as Uint8Array), latin1(argv[2] as Uint8Array), kind));
  };
}

/** PUBSUB CHANNELS / SHARDCHANNELS [pattern]. */
function channelsGeneric(kind: "channel" | "shard") {
  return (ctx: CommandContext, argv: readonly Uint8Array[]): void => {
    if (argv.length > 3) {
      ctx.reply.error(`ERR unknown subcommand or wrong number of arguments for '${latin1(argv[1] as Uint8Array)}'. Try PUBSUB HELP.`);
      return;
    }
    const hub = hubOf(ctx);
    if (hub === null) return;
    const names = hub.activeChannels(kind, argv.length === 3 ? latin1(argv[2] as Uint8Array) : null);
    ctx.reply.arrayHeader(names.length);
    for (const n of names) ctx.reply.bulk(n);
  };
}

/** PUBSUB NUMSUB / SHARDNUMSUB [channel ...]: channel, count pairs in a flat array (also in RESP3, as Redis). */
function numsubGeneric(kind: "channel" | "shard") {
  return (ctx: CommandContext, argv: readonly Uint8Array[]): void => {
    const hub = hubOf(ctx);
    if (hub === null) return;
    ctx.reply.arrayHeader(2 * (argv.length - 2));
    for (let i = 2; i < argv.length; i++) {
      const ch = latin1(argv[i] as Uint8Array);
      ctx.reply.bulk(ch);
      ctx.reply.integer(hub.subscriberCount(kind, ch));
    }
  };
}

const pubsubHelp = [
  "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CHANNELS [<pattern>]",
  "    Return the currently active channels matching a <pattern> (default: '*').",
  "NUMPAT",
  "    Return number of subscriptions to patterns.",
  "NUMSUB [<channel> ...]",
  "    Return the number of subscribers for the specified channels, excluding",
  "    pattern subscriptions(default: no channels).",
  "SHARDCHANNELS [<pattern>]",
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  "SHARDNUMSUB [<shardchannel> ...]",
  "    Return the number of subscribers for the specified shard level channel(s)",
  "HELP",
  "    Prints this help.",
];

const ps = { group: "pubsub", acl: [], keySpecs: [] } as const;
const subscribeFlags = ["pubsub", "noscript", "loading", "stale"] as const;
const publishFlags = ["pubsub", "loading", "stale", "fast"] as const;
const sub = { ...ps, flags: ["pubsub", "loading", "stale"] } as const;
/** SSUBSCRIBE/SUNSUBSCRIBE/SPUBLISH name their shard channels as not-key keys (for cluster routing). */
const shardChannelSpec = (lastKey: number) => ({ flags: ["NOT_KEY"], beginSearch: { type: "index", index: 1 }, findKeys: { type: "range", lastKey, keyStep: 1, limit: 0 } }) as const;

export const pubsubCommands: CommandSpec[] = [
  { ...ps, name: "subscribe", arity: -2, flags: subscribeFlags, summary: "Listens for messages published to channels.", since: "2.0.0", complexity: "O(N) where N is the number of channels to subscribe to.", handler: subscribeGeneric("channel") },
  { ...ps, name: "psubscribe", arity: -2, flags: subscribeFlags, summary: "Listens for messages published to channels that match one or more patterns.", since: "2.0.0", complexity: "O(N) where N is the number of patterns to subscribe to.", handler: subscribeGeneric("pattern") },
  { ...ps, name: "unsubscribe", arity: -1, flags: subscribeFlags, summary: "Stops listening to messages posted to channels.", since: "2.0.0", complexity: "O(N) where N is the number of channels to unsubscribe.", handler: unsubscribeGeneric("channel") },
  { ...ps, name: "punsubscribe", arity: -1, flags: subscribeFlags, summary: "Stops listening to messages published to channels that match one or more patterns.", since: "2.0.0", complexity: "O(N) where N is the number of patterns to unsubscribe.", handler: unsubscribeGeneric("pattern") },
  { ...ps, name: "publish", arity: 3, flags: publishFlags, summary: "Posts a message to a channel.", since: "2.0.0", complexity: "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).", handler: publishGeneric("channel") },
  { ...ps, name: "ssubscribe", arity: -2, flags: subscribeFlags, keySpecs: [shardChannelSpec(-1)], summary: "Listens for messages published to shard channels.", since: "7.0.0", complexity: "O(N) where N is the number of shard channels to subscribe to.", handler: subscribeGeneric("shard") },
  { ...ps, name: "sunsubscribe", arity: -1, flags: subscribeFlags, keySpecs: [shardChannelSpec(-1)], summary: "Stops listening to messages posted to shard channels.", since: "7.0.0", complexity: "O(N) where N is the number of shard channels to unsubscribe.", handler: unsubscribeGeneric("shard") },
  { ...ps, name: "spublish", arity: 3, flags: publishFlags, keySpecs: [shardChannelSpec(0)], summary: "Post a message to a shard channel", since: "7.0.0", complexity: "O(N) where N is the number of clients subscribed to the receiving shard channel.", handler: publishGeneric("shard") },
  {
    ...ps, name: "pubsub", arity: -2, flags: [], summary: "A container for Pub/Sub commands.", since: "2.8.0", complexity: "Depends on subcommand.",
    subcommands: [
      { ...sub, name: "channels", arity: -2, summary: "Returns the active channels.", since: "2.8.0", complexity: "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)", handler: channelsGeneric("channel") },
      { ...sub, name: "numpat", arity: 2, summary: "Returns a count of unique pattern subscriptions.", since: "2.8.0", complexity: "O(1)", handler: (ctx) => { const hub = hubOf(ctx); if (hub) ctx.reply.integer(hub.patternCount()); } },
      { ...sub, name: "numsub", arity: -2, summary: "Returns a count of subscribers to channels.", since: "2.8.0", complexity: "O(N) for the NUMSUB subcommand, where N is the number of requested channels", handler: numsubGeneric("channel") },
      { ...sub, name: "shardchannels", arity: -2, summary: "Returns the active shard channels.", since: "7.0.0", complexity: "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).", handler: channelsGeneric("shard") },
      { ...sub, name: "shardnumsub", arity: -2, summary: "Returns the count of subscribers of shard channels.", since: "7.0.0", complexity: "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels", handler: numsubGeneric("shard") },
      {
        ...ps, name: "help", arity: 2, flags: ["loading", "stale"], summary: "Returns helpful text about the different subcommands.", since: "6.2.0", complexity: "O(1)",
        handler: (ctx) => {
          ctx.reply.arrayHeader(pubsubHelp.length);
          for (const l of pubsubHelp) ctx.reply.simple(l);
        },
      },
    ],
  },
];
