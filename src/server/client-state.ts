// Per-connection state that commands read and change (SELECT, HELLO, CLIENT SETNAME, MULTI, ...).
import type { TrackingMode } from "./tracking.ts";

export type ReplyMode = "on" | "off" | "skip";

export class ClientState {
  name = "";
  db = 0;
  proto: 2 | 3 = 2;
  authenticated: boolean;
  user = "default";
  libName = "";
  libVersion = "";
  noEvict = false;
  noTouch = false;
  replyMode: ReplyMode = "on";
  /** Set by QUIT, CLIENT KILL, protocol errors: close once the pending replies are written. */
  closeAfterReply = false;
  /** READONLY (cluster mode): reads may be served by a shard's follower, from its committed state. */
  clusterReadonly = false;
  /** Queued commands while in MULTI (null outside MULTI). */
  multi: Uint8Array[][] | null = null;
  /** A queued command failed in MULTI: EXEC answers EXECABORT. */
  multiError = false;
  /** A watched key was modified: EXEC answers a null array. */
  watchDirty = false;
  readonly watched = new Set<string>();
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();
  /** In MONITOR mode (src/server/monitor.ts): may not touch the keyspace, never paused. */
  monitor = false;
  /** A command of this client waits for CLIENT PAUSE to end (src/server/client-pause.ts). */
  postponed = false;
  lastCommand = "NULL";
  lastInteractionMs: number;
  commandsProcessed = 0;
  /** Bytes of output not yet accepted by the socket (for CLIENT LIST omem, and the output limit). */
  outputBytesPending = 0;
  queryBufferBytes = 0;
  /**
   * Redis's CLIENT_BLOCKED, for the slow log: set by blockClient while the command waits for a key;
   * blockedCallUs is how long its first run took (added to its re-run's when it is served).
   */
  blockedNow = false;
  blockedCallUs = 0;
  /** Error replies of the commands EXEC ran: they count as their failures, not as EXEC's. */
  nestedErrorReplies = 0;
  /** CLIENT TRACKING settings (src/server/tracking.ts); null while tracking is off. */
  tracking: TrackingMode | null = null;

  constructor(
    readonly id: number,
    readonly addr: string,
    readonly laddr: string,
    readonly createdMs: number,
    passwordRequired: boolean,
  ) {
    this.authenticated = !passwordRequired;
    this.lastInteractionMs = createdMs;
  }

  get inPubSub(): boolean {
    return this.channels.size + this.patterns.size + this.shardChannels.size > 0;
  }
}
