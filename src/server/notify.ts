// Keyspace notifications (Redis's notify.c): the `notify-keyspace-events` classes, and notify(), the one
// function command handlers call after they change a key.
//
// Usage in a handler, after the change and before the reply is complete:
//   notify(ctx, "string", "set", key);      // SET
//   notify(ctx, "generic", "del", key);     // DEL, once per deleted key
// Cheap when notifications are off (one bit test), and a no-op while the log is replayed.
import type { CommandContext } from "../commands/types.ts";

/** Class bits, as Redis's NOTIFY_* constants. */
export const keyspaceEventFlags = {
  keyspace: 1 << 0, // K
  keyevent: 1 << 1, // E
  generic: 1 << 2, // g
  string: 1 << 3, // $
  list: 1 << 4, // l
  set: 1 << 5, // s
  hash: 1 << 6, // h
  zset: 1 << 7, // z
  expired: 1 << 8, // x
  evicted: 1 << 9, // e
  stream: 1 << 10, // t
  keyMiss: 1 << 11, // m
  module: 1 << 12, // d
  new: 1 << 13, // n
} as const;

/** Event classes a handler may name. */
export type NotifyType = "generic" | "string" | "list" | "set" | "hash" | "zset" | "expired" | "evicted" | "stream" | "keyMiss" | "new";

const f = keyspaceEventFlags;
/** 'A': every class except key-miss and new-key events. */
const notifyAll = f.generic | f.string | f.list | f.set | f.hash | f.zset | f.expired | f.evicted | f.stream | f.module;

const classOfChar: Record<string, number> = {
  A: notifyAll,
  g: f.generic,
  $: f.string,
  l: f.list,
  s: f.set,
  h: f.hash,
  z: f.zset,
  x: f.expired,
  e: f.evicted,
  K: f.keyspace,
  E: f.keyevent,
  t: f.stream,
  m: f.keyMiss,
  d: f.module,
  n: f.new,
};

/** CONFIG SET's complaint about a bad class character (Redis 7.0's text). */
export const errInvalidEventClass = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

/** Parses class characters into bits; null if any character is not a class. */
export function parseKeyspaceEvents(text: string): number | null {
  let flags = 0;
  for (const ch of text) {
    const bit = classOfChar[ch];
    if (bit === undefined) return null;
    flags |= bit;
  }
  return flags;
}

/** The text CONFIG GET shows for the bits (Redis's keyspaceEventsFlagsToString; with A, 'n' is not shown). */
export function keyspaceEventsToString(flags: number): string {
  let out = "";
  if ((flags & notifyAll) === notifyAll) out += "A";
  else {
    const order: [number, string][] = [
      [f.generic, "g"], [f.string, "$"], [f.list, "l"], [f.set, "s"], [f.hash, "h"], [f.zset, "z"],
      [f.expired, "x"], [f.evicted, "e"], [f.stream, "t"], [f.module, "d"], [f.new, "n"],
    ];
    for (const [bit, ch] of order) if (flags & bit) out += ch;
  }
  if (flags & f.keyspace) out += "K";
  if (flags & f.keyevent) out += "E";
  if (flags & f.keyMiss) out += "m";
  return out;
}

/** Canonical form of a `notify-keyspace-events` value, or null if invalid (for the config layer). */
export function canonicalKeyspaceEvents(text: string): string | null {
  const flags = parseKeyspaceEvents(text);
  return flags === null ? null : keyspaceEventsToString(flags);
}

/**
 * Emits the keyspace/keyevent notifications for `event` on `key` in the client's selected database.
 * Call once per affected key, after the change, in the order Redis emits them.
 */
export function notify(ctx: CommandContext, type: NotifyType, event: string, key: string): void {
  // Replay at recovery runs before any server exists (ctx.server is not set yet): check it first.
  if (ctx.replaying) return;
  const hub = ctx.server.pubsub;
  if (hub === undefined || hub.notifyFlags === 0) return;
  hub.keyspaceEvent(keyspaceEventFlags[type], event, key, ctx.db.index);
}
