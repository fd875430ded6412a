// The pub/sub hub: who is subscribed to which channel, pattern and shard channel, and delivery of
// messages (PUBLISH, SPUBLISH, keyspace notifications) to the subscribers' connections.
//
// The hub keeps no sockets: each client is attached with a PushSink (the connection's pushMessage),
// which appends the message to that connection's output behind the durability barrier. Nothing here is
// persisted or logged, as in Redis: subscriptions and messages live only in memory.
import type { ReplyWriter } from "../protocol/writer.ts";
import { globMatch } from "../keyspace/glob.ts";
import type { ClientState } from "./client-state.ts";
import { keyspaceEventFlags, parseKeyspaceEvents } from "./notify.ts";

/** Where a client's out-of-band messages go: appends `write`'s output to the client's reply stream. */
export type PushSink = (write: (w: ReplyWriter) => void) => void;

/** The three subscription namespaces; each has its own confirmation words and counts. */
export type SubscriptionKind = "channel" | "pattern" | "shard";

const words: Record<SubscriptionKind, { sub: string; unsub: string }> = {
  channel: { sub: "subscribe", unsub: "unsubscribe" },
  pattern: { sub: "psubscribe", unsub: "punsubscribe" },
  shard: { sub: "ssubscribe", unsub: "sunsubscribe" },
};

export class PubSubHub {
  /** channel -> subscribers, in subscription order (delivery order, as Redis's client lists). */
  private readonly channels = new Map<string, Set<ClientState>>();
  private readonly patterns = new Map<string, Set<ClientState>>();
  private readonly shardChannels = new Map<string, Set<ClientState>>();
  private readonly sinks = new Map<ClientState, PushSink>();
  /** Parsed `notify-keyspace-events` (Redis's server.notify_keyspace_events); 0 = notifications off. */
  notifyFlags = 0;

  /** Starts delivering to `client` (on connect). */
  attach(client: ClientState, sink: PushSink): void {
    this.sinks.set(client, sink);
  }

  /** Forgets `client` (on disconnect): drops every subscription without replying. */
  detach(client: ClientState): void {
    this.unsubscribeAll(client);
    this.sinks.delete(client);
  }

  /** Sets the notification classes from the config text (already validated). */
  setNotifyConfig(text: string): void {
    this.notifyFlags = parseKeyspaceEvents(text) ?? 0;
  }

  /** RESET and disconnect: leaves every channel, pattern and shard channel, without confirmations. */
  unsubscribeAll(client: ClientState): void {
    for (const ch of client.channels) this.remove(this.channels, ch, client);
    for (const p of client.patterns) this.remove(this.patterns, p, client);
    for (const ch of client.shardChannels) this.remove(this.shardChannels, ch, client);
    client.channels.clear();
    client.patterns.clear();
    client.shardChannels.clear();
  }

  /** Adds one subscription; false if the client already had it. */
  subscribe(client: ClientState, kind: SubscriptionKind, name: string): boolean {
    const own = this.ownSet(client, kind);
    if (own.has(name)) return false;
    own.add(name);
    const map = this.mapOf(kind);
    let subs = map.get(name);
    if (!subs) map.set(name, (subs = new Set()));
    subs.add(client);
    return true;
  }

  /** Removes one subscription; false if the client did not have it. */
  unsubscribe(client: ClientState, kind: SubscriptionKind, name: string): boolean {
    const own = this.ownSet(client, kind);
    if (!own.delete(name)) return false;
    this.remove(this.mapOf(kind), name, client);
    return true;
  }

  /** The client's subscriptions of a kind, in subscription order (UNSUBSCRIBE without arguments). */
  subscriptionsOf(client: ClientState, kind: SubscriptionKind): string[] {
    return [...this.ownSet(client, kind)];
  }

  /** Count shown in confirmations: channels + patterns, or shard channels alone (as Redis 7.0). */
  static confirmationCount(client: ClientState, kind: SubscriptionKind): number {
    return kind === "shard" ? client.shardChannels.size : client.channels.size + client.patterns.size;
  }

  /** Writes ["subscribe", name, count] (or its unsubscribe/pattern/shard form) as a push. */
  static writeConfirmation(w: ReplyWriter, kind: SubscriptionKind, subscribe: boolean, name: string | null, count: number): void {
    w.pushHeader(3);
    w.bulk(subscribe ? words[kind].sub : words[kind].unsub);
    if (name === null) w.nullBulk();
    else w.bulk(name);
    w.integer(count);
  }

  /**
   * Delivers `message` to the subscribers of `channel` and of every pattern matching it (for the
   * "shard" kind, to shard-channel subscribers only). Returns how many deliveries were made: a client
   * subscribed through a channel and a pattern counts (and receives) twice, as in Redis.
   */
  publish(channel: string, message: string, kind: "channel" | "shard" = "channel"): number {
    let receivers = 0;
    const direct = (kind === "shard" ? this.shardChannels : this.channels).get(channel);
    if (direct) {
      const word = kind === "shard" ? "smessage" : "message";
      for (const client of direct) {
        this.sinks.get(client)?.((w) => {
          w.pushHeader(3);
          w.bulk(word);
          w.bulk(channel);
          w.bulk(message);
        });
        receivers++;
      }
    }
    if (kind === "shard") return receivers;
    for (const [pattern, subs] of this.patterns) {
      if (!globMatch(pattern, channel)) continue;
      for (const client of subs) {
        this.sinks.get(client)?.((w) => {
          w.pushHeader(4);
          w.bulk("pmessage");
          w.bulk(pattern);
          w.bulk(channel);
          w.bulk(message);
        });
        receivers++;
      }
    }
    return receivers;
  }

  /**
   * Redis's notifyKeyspaceEvent: publishes `__keyspace@<db>__:<key>` -> event and
   * `__keyevent@<db>__:<event>` -> key, as the configured classes allow. `typeFlag` is one class bit.
   */
  keyspaceEvent(typeFlag: number, event: string, key: string, db: number): void {
    const flags = this.notifyFlags;
    if ((flags & typeFlag) === 0) return;
    if (flags & keyspaceEventFlags.keyspace) this.publish(`__keyspace@${db}__:${key}`, event);
    if (flags & keyspaceEventFlags.keyevent) this.publish(`__keyevent@${db}__:${event}`, key);
  }

  /** PUBSUB CHANNELS / SHARDCHANNELS: active channels, optionally filtered by a glob pattern. */
  activeChannels(kind: "channel" | "shard", pattern: string | null): string[] {
    const out: string[] = [];
    for (const name of (kind === "shard" ? this.shardChannels : this.channels).keys()) {
      if (pattern === null || globMatch(pattern, name)) out.push(name);
    }
    return out;
  }

  /** PUBSUB NUMSUB / SHARDNUMSUB: subscribers of one channel. */
  subscriberCount(kind: "channel" | "shard", channel: string): number {
    return (kind === "shard" ? this.shardChannels : this.channels).get(channel)?.size ?? 0;
  }

  /** PUBSUB NUMPAT: patterns with at least one subscriber (Redis 7 counts unique patterns). */
  patternCount(): number {
    return this.patterns.size;
  }

  /** INFO's pubsub_channels. */
  channelCount(): number {
    return this.channels.size;
  }

  private mapOf(kind: SubscriptionKind): Map<string, Set<ClientState>> {
    return kind === "channel" ? this.channels : kind === "pattern" ? this.patterns : this.shardChannels;
  }

  private ownSet(client: ClientState, kind: SubscriptionKind): Set<string> {
    return kind === "channel" ? client.channels : kind === "pattern" ? client.patterns : client.shardChannels;
  }

  private remove(map: Map<string, Set<ClientState>>, name: string, client: ClientState): void {
    const subs = map.get(name);
    if (!subs) return;
    subs.delete(client);
    if (subs.size === 0) map.delete(name);
  }
}
