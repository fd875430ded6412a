// CLIENT PAUSE / UNPAUSE (Redis 7.0's pauseClients and blockPostponeClient). While a pause is in force a
// command it covers is not rejected: its connection stops reading and the command waits, to run again
// from the start of the dispatcher's checks when the pause ends, connections in the order they were
// postponed. WRITE covers writes, may_replicate commands (PUBLISH, PFCOUNT, ...) and EXEC of a
// transaction that queued one; ALL covers every command, the pausing client's own included. Monitors
// (replicas in Redis) are never paused. During any pause the dataset is frozen: no active expiry, no
// eviction, and lazy expiry answers as if the key were gone without deleting it (Redis's
// checkClientPauseTimeoutAndReturnIfPaused in expireIfNeeded, activeExpireCycle, performEvictions).
import type { Command } from "../commands/table.ts";
import type { ClientState } from "./client-state.ts";

export type PauseMode = "write" | "all";

/** What a postponed command needs of its connection (implemented by Connection). */
export interface PostponedConnection {
  readonly state: ClientState;
  readonly closed: boolean;
  /** Stops reading input until resumeWith. */
  pause(): void;
  /** Runs `argv` through the dispatcher again (not counted twice), then the pipelined rest. */
  resumeWith(argv: Uint8Array[]): void;
}

interface Postponed {
  readonly conn: PostponedConnection;
  readonly argv: Uint8Array[];
}

/** setTimeout's longest delay; a longer pause re-arms its timer when it fires. */
const timerDelayMsMax = 2 ** 31 - 1;

/** The flags Redis's processCommand reads for EXEC from its queued commands (mstate.cmd_flags). */
export interface EffectiveFlags {
  readonly write: boolean;
  readonly read: boolean;
  readonly mayReplicate: boolean;
}

/** A command's flags, for EXEC together with those of the commands it queued. */
export function effectiveFlags(cmd: Command, queued: readonly (Command | undefined)[]): EffectiveFlags {
  let write = cmd.isWrite;
  let read = cmd.isReadonly;
  let mayReplicate = cmd.mayReplicate;
  for (const q of queued) {
    if (q === undefined) continue;
    write ||= q.isWrite;
    read ||= q.isReadonly;
    mayReplicate ||= q.mayReplicate;
  }
  return { write, read, mayReplicate };
}

export interface ClientPauseOptions {
  nowMs(): number;
  /** The dataset is frozen (true) or not (false): expiry and eviction stop while paused. */
  onFrozen(frozen: boolean): void;
}

export class ClientPause {
  /** A pause is in force: the dispatcher's one check per command. */
  active = false;
  private mode: PauseMode = "write";
  private endMs = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private postponed: Postponed[] = [];

  constructor(private readonly opts: ClientPauseOptions) {}

  /**
   * CLIENT PAUSE: a pause already in force keeps the stricter mode and the later end, as Redis does.
   * `endMs` 0 ends the pause at the next check, as Redis's cron would.
   */
  pause(endMs: number, mode: PauseMode): void {
    if (this.active) {
      if (mode === "all") this.mode = "all";
      this.endMs = Math.max(this.endMs, endMs);
    } else {
      this.active = true;
      this.mode = mode;
      this.endMs = endMs;
      this.opts.onFrozen(true);
    }
    this.arm();
  }

  /** CLIENT UNPAUSE, or the pause's end: postponed commands run once the current one has finished. */
  unpause(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (!this.active) return;
    this.active = false;
    this.opts.onFrozen(false);
    setImmediate(() => this.release());
  }

  /** Whether the pause in force covers `cmd` (flags from effectiveFlags). */
  covers(flags: EffectiveFlags): boolean {
    return this.active && (this.mode === "all" || flags.write || flags.mayReplicate);
  }

  /** Stops `conn` reading; `argv` runs again when the pause ends. */
  postpone(conn: PostponedConnection, argv: readonly Uint8Array[]): void {
    conn.pause();
    conn.state.postponed = true;
    this.postponed.push({ conn, argv: argv.map((a) => a.slice()) });
  }

  /** Clients waiting for the pause (INFO blocked_clients counts them, as Redis's BLOCKED_POSTPONE). */
  postponedCount(): number {
    let n = 0;
    for (const p of this.postponed) if (!p.conn.closed) n++;
    return n;
  }

  private arm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    const delay = Math.min(timerDelayMsMax, Math.max(0, this.endMs - this.opts.nowMs()));
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.opts.nowMs() >= this.endMs) this.unpause();
      else this.arm();
    }, delay);
  }

  /** Runs the postponed commands in order; one that meets a new pause waits again, keeping its place. */
  private release(): void {
    if (this.active) return;
    const list = this.postponed;
    this.postponed = [];
    for (const p of list) {
      p.conn.state.postponed = false;
      if (!p.conn.closed) p.conn.resumeWith(p.argv);
    }
  }
}
