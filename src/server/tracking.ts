// Client-side caching support (CLIENT TRACKING), as Redis 7.0's tracking.c.
//
// Default mode: after a read-only command of a tracking client, every key it read is remembered with
// the client's id; when such a key is about to change (any write, expiry, eviction: the engine's
// key-change hook), each remembered client is sent an invalidation and the key is forgotten (one
// message per read). BCAST mode: nothing is remembered; a changed key matching a client's prefixes is
// collected and sent, batched, once the event-loop turn ends. FLUSHDB, FLUSHALL and SWAPDB invalidate
// everything (a null). Keys are global, not per database, as in Redis.
//
// Delivery: RESP3 clients get a push `invalidate [keys]`; with REDIRECT the message goes to another
// client, as a push if it speaks RESP3 or as a `message` on `__redis__:invalidate` if it is a RESP2
// subscriber (RESP2 has no push). A message for the client running the command waits until its unit
// ends (so it follows that command's reply, or EXEC's). NOLOOP skips keys the client changed itself.
// The table is bounded by tracking-table-max-keys: over it, the oldest keys are invalidated and dropped.
import type { ReplyWriter } from "../protocol/writer.ts";
import type { ClientState } from "./client-state.ts";

export const invalidateChannel = "__redis__:invalidate";

/** A client's tracking settings (ClientState.tracking; null: tracking off). */
export interface TrackingMode {
  readonly bcast: boolean;
  readonly optin: boolean;
  readonly optout: boolean;
  readonly noloop: boolean;
  /** Client id the messages go to (0: this client). */
  readonly redirect: number;
  /** BCAST prefixes, in the order given ("" when none was). */
  readonly prefixes: string[];
  /** CLIENT CACHING yes (optin) / no (optout) given for the next command. */
  caching: boolean;
  /** The redirect target disconnected (seen when a message could not be sent). */
  brokenRedirect: boolean;
}

/** What the hub needs of a connected client. */
export interface TrackedClient {
  readonly state: ClientState;
  push(write: (w: ReplyWriter) => void): void;
}

export interface TrackingHost {
  clientById(id: number): TrackedClient | undefined;
  /** The client whose command is running now (its messages wait for the unit's end), or null. */
  currentClient(): ClientState | null;
  tableMaxKeys(): number;
}

/** What to send: keys, or null for "everything" (a flush). */
type Payload = readonly string[] | null;

interface PrefixState {
  readonly clients: Set<ClientState>;
  /** Keys changed this turn -> the client that changed it last (null: no client, e.g. expiry). */
  keys: Map<string, ClientState | null>;
}

export class Tracking {
  /** key -> ids of the clients that read it since it last changed. */
  private readonly table = new Map<string, Set<number>>();
  private items = 0;
  private readonly prefixes = new Map<string, PrefixState>();
  /** Clients with tracking on. */
  private readonly tracked = new Set<ClientState>();
  private broadcastScheduled = false;
  /** Messages to the running command's client, sent when its unit ends. */
  private readonly pending: { client: ClientState; payload: Payload }[] = [];

  constructor(private readonly host: TrackingHost) {}

  get trackingClients(): number {
    return this.tracked.size;
  }
  get totalKeys(): number {
    return this.table.size;
  }
  get totalItems(): number {
    return this.items;
  }
  get totalPrefixes(): number {
    return this.prefixes.size;
  }

  /** CLIENT TRACKING ON with options already validated (see checkPrefixes). */
  enable(client: ClientState, opts: { bcast: boolean; optin: boolean; optout: boolean; noloop: boolean; redirect: number; prefixes: readonly string[] }): void {
    const previous = client.tracking;
    this.tracked.add(client);
    const prefixes = previous?.bcast === true ? [...previous.prefixes] : [];
    if (opts.bcast) {
      for (const p of opts.prefixes.length === 0 ? [""] : opts.prefixes) {
        let s = this.prefixes.get(p);
        if (s === undefined) this.prefixes.set(p, (s = { clients: new Set(), keys: new Map() }));
        if (!s.clients.has(client)) {
          s.clients.add(client);
          prefixes.push(p);
        }
      }
    }
    client.tracking = { bcast: opts.bcast, optin: opts.optin, optout: opts.optout, noloop: opts.noloop, redirect: opts.redirect, prefixes, caching: false, brokenRedirect: false };
  }

  /** CLIENT TRACKING OFF, RESET, disconnect. Remembered keys are dropped lazily (as Redis does). */
  disable(client: ClientState): void {
    const t = client.tracking;
    if (t === null) return;
    for (const p of t.prefixes) {
      const s = this.prefixes.get(p);
      if (s === undefined) continue;
      s.clients.delete(client);
      if (s.clients.size === 0) this.prefixes.delete(p);
    }
    client.tracking = null;
    this.tracked.delete(client);
  }

  /** Redis's checkPrefixCollisionsOrReply: the error text, or null when the prefixes may be added. */
  static checkPrefixes(existing: readonly string[], given: readonly string[]): string | null {
    const overlap = (a: string, b: string): boolean => a.startsWith(b) || b.startsWith(a);
    for (let i = 0; i < given.length; i++) {
      const p = given[i] as string;
      for (const e of existing) {
        if (overlap(e, p)) return `ERR Prefix '${p}' overlaps with an existing prefix '${e}'. Prefixes for a single client must not overlap.`;
      }
      for (let j = i + 1; j < given.length; j++) {
        if (overlap(p, given[j] as string)) return `ERR Prefix '${p}' overlaps with another provided prefix '${given[j]}'. Prefixes for a single client must not overlap.`;
      }
    }
    return null;
  }

  /** After a read-only command of `client` in default mode: remember the keys it read. */
  rememberKeys(client: ClientState, keys: readonly string[]): void {
    const t = client.tracking;
    if (t === null || t.bcast) return;
    if ((t.optin && !t.caching) || (t.optout && t.caching)) return;
    for (const key of keys) {
      let ids = this.table.get(key);
      if (ids === undefined) this.table.set(key, (ids = new Set()));
      if (!ids.has(client.id)) {
        ids.add(client.id);
        this.items++;
      }
    }
    this.limitTable();
  }

  /** The end of a command (not inside MULTI): CLIENT CACHING applies to the next command only. */
  commandDone(client: ClientState, wasClientCommand: boolean): void {
    const t = client.tracking;
    if (t !== null && t.caching && client.multi === null && !wasClientCommand) t.caching = false;
  }

  /** A key is about to change (or expire, or be evicted). */
  keyChanging(key: string): void {
    if (this.tracked.size === 0 && this.table.size === 0) return;
    const current = this.host.currentClient();
    if (this.prefixes.size > 0) {
      for (const [p, s] of this.prefixes) {
        if (key.startsWith(p)) s.keys.set(key, current);
      }
      this.scheduleBroadcast();
    }
    this.invalidate(key, current);
  }

  /** FLUSHDB, FLUSHALL, SWAPDB: every tracking client is told everything is invalid. */
  flushed(): void {
    if (this.tracked.size > 0) {
      const current = this.host.currentClient();
      for (const client of this.tracked) {
        if (client === current) this.pending.push({ client, payload: null });
        else this.send(client, null);
      }
    }
    this.table.clear();
    this.items = 0;
  }

  /** The running unit ended: send what waited for its reply. */
  unitDone(): void {
    if (this.pending.length === 0) return;
    const list = this.pending.splice(0);
    for (const { client, payload } of list) if (client.tracking !== null) this.send(client, payload);
  }

  private invalidate(key: string, current: ClientState | null): void {
    const ids = this.table.get(key);
    if (ids === undefined) return;
    this.table.delete(key);
    this.items -= ids.size;
    for (const id of ids) {
      const target = this.host.clientById(id);
      const t = target?.state.tracking;
      // Gone, no longer tracking, or switched to BCAST since it read the key: nothing to send.
      if (target === undefined || t === null || t === undefined || t.bcast) continue;
      if (t.noloop && target.state === current) continue;
      if (target.state === current) this.pending.push({ client: target.state, payload: [key] });
      else this.send(target.state, [key]);
    }
  }

  /** Redis's trackingLimitUsedSlots (before commands): also called when tracking-table-max-keys changes. */
  limitTable(): void {
    const max = this.host.tableMaxKeys();
    if (max === 0 || this.table.size <= max) return;
    // Oldest first (a Map iterates in insertion order); Redis walks randomly.
    for (const key of this.table.keys()) {
      if (this.table.size <= max) break;
      this.invalidate(key, null);
    }
  }

  private scheduleBroadcast(): void {
    if (this.broadcastScheduled) return;
    this.broadcastScheduled = true;
    setImmediate(() => {
      this.broadcastScheduled = false;
      this.broadcast();
    });
  }

  /** Redis's trackingBroadcastInvalidationMessages (its beforeSleep): one message per prefix and client. */
  private broadcast(): void {
    for (const s of this.prefixes.values()) {
      if (s.keys.size === 0) continue;
      const keys = s.keys;
      s.keys = new Map();
      for (const client of s.clients) {
        const list = client.tracking?.noloop === true ? [...keys].filter(([, by]) => by !== client).map(([k]) => k) : [...keys.keys()];
        if (list.length > 0) this.send(client, list);
      }
    }
  }

  /** Redis's sendTrackingMessage: to the client or its redirect target, as its protocol allows. */
  private send(client: ClientState, payload: Payload): void {
    const t = client.tracking;
    if (t === null) return;
    const self = this.host.clientById(client.id);
    if (t.redirect !== 0) {
      const target = this.host.clientById(t.redirect);
      if (target === undefined) {
        t.brokenRedirect = true;
        if (client.proto === 3) self?.push((w) => {
          w.pushHeader(2);
          w.bulk("tracking-redir-broken");
          w.integer(t.redirect);
        });
        return;
      }
      if (target.state.proto === 3) target.push((w) => writeInvalidate(w, payload, client.proto));
      else if (target.state.inPubSub) {
        target.push((w) => {
          w.arrayHeader(3);
          w.bulk("message");
          w.bulk(invalidateChannel);
          writeKeys(w, payload, client.proto);
        });
      }
      return;
    }
    // RESP2 without a redirect: there is no way to push anything on this connection.
    if (client.proto === 3) self?.push((w) => writeInvalidate(w, payload, client.proto));
  }
}

function writeInvalidate(w: ReplyWriter, payload: Payload, sourceProto: 2 | 3): void {
  w.pushHeader(2);
  w.bulk("invalidate");
  writeKeys(w, payload, sourceProto);
}

/** The keys as an array, or the null of the tracking client's protocol (as Redis's shared.null[resp]). */
function writeKeys(w: ReplyWriter, payload: Payload, sourceProto: 2 | 3): void {
  if (payload === null) {
    w.raw(sourceProto === 3 ? nullResp3 : nullResp2);
    return;
  }
  w.arrayHeader(payload.length);
  for (const k of payload) w.bulk(k);
}

const nullResp3 = new TextEncoder().encode("_\r\n");
const nullResp2 = new TextEncoder().encode("$-1\r\n");
