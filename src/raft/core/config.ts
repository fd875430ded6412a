// What a RaftNode is built from: its identity, storage and randomness, and every tunable of the core with
// its default, checked once at construction.
import type { Storage } from "./storage.ts";
import { assert, type NodeId, type Random } from "./types.ts";

/** Every tunable of the core, with its default. Ticks are the driver's tick() calls. */
export const RAFT_DEFAULTS = {
  electionTimeoutTicks: 10,
  heartbeatTimeoutTicks: 1,
  preVote: true,
  checkQuorum: true,
  /** Entries in one append message. */
  maxEntriesPerMessage: 64,
  /** Unacknowledged append messages per follower in the replicate state. */
  maxInflightMessages: 64,
  /** Committed entries handed out in one Ready. */
  maxCommittedEntriesPerReady: 1024,
  /** Bytes of snapshot payload in one snap message. */
  snapshotChunkBytes: 64 * 1024,
};

export type RaftLimits = typeof RAFT_DEFAULTS;

export interface RaftConfig extends Partial<RaftLimits> {
  readonly id: NodeId;
  readonly storage: Storage;
  readonly random: Random;
  /** The index the application has applied (from its own snapshot) when restarting; default: none. */
  readonly applied?: number;
}

/** The config's tunables over the defaults; a combination that cannot work is a bug in the caller. */
export function resolveLimits(config: RaftConfig): RaftLimits {
  const limits = { ...RAFT_DEFAULTS };
  for (const key of Object.keys(RAFT_DEFAULTS) as (keyof RaftLimits)[]) {
    const value = config[key];
    if (value !== undefined) (limits as Record<string, number | boolean>)[key] = value;
  }
  assert(limits.heartbeatTimeoutTicks > 0 && limits.electionTimeoutTicks > limits.heartbeatTimeoutTicks, "election timeout must exceed heartbeat timeout");
  assert(limits.maxInflightMessages > 0 && limits.snapshotChunkBytes > 0, "window and chunk size must be positive");
  return limits;
}
