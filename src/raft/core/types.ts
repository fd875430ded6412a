// The values the Raft core exchanges with its driver: log entries, persistent state, snapshots, messages.

/** A node's id. 0 means "no node" (no leader known, no vote cast). */
export type NodeId = number;
export const NONE: NodeId = 0;

export type EntryType = "normal" | "conf-change";

export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly type: EntryType;
  readonly data: Uint8Array;
}

/** What must be fsynced together with new entries before any message of the same Ready is sent. */
export interface HardState {
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
}

export const EMPTY_HARD_STATE: HardState = { term: 0, vote: NONE, commit: 0 };

export function hardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

/** Membership: voters decide elections and commits; learners only receive the log. */
export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

export type ConfChangeType = "add-node" | "add-learner" | "remove-node";

/** One membership step. "add-node" on an existing learner promotes it. */
export interface ConfChange {
  readonly type: ConfChangeType;
  readonly nodeId: NodeId;
}

export interface SnapshotMeta {
  readonly index: number;
  readonly term: number;
  readonly confState: ConfState;
}

export interface Snapshot {
  readonly meta: SnapshotMeta;
  readonly data: Uint8Array;
}

/** One piece of a snapshot in flight: the follower assembles pieces in offset order. */
export interface SnapshotChunk {
  readonly meta: SnapshotMeta;
  readonly offset: number;
  readonly totalBytes: number;
  readonly data: Uint8Array;
}

export type MessageType =
  | "prop" // a proposal forwarded from a follower to the leader
  | "app"
  | "app-resp"
  | "vote"
  | "vote-resp"
  | "pre-vote"
  | "pre-vote-resp"
  | "heartbeat"
  | "heartbeat-resp"
  | "snap" // one snapshot chunk
  | "snap-resp" // acknowledges the snapshot bytes received so far (chunkOffset)
  | "timeout-now"
  | "transfer-leader" // forwarded to the leader; `from` is the transferee
  | "read-index"
  | "read-index-resp";

export interface Message {
  readonly type: MessageType;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
  /** app: term of the entry before `entries`; reject: the follower's hint term. */
  readonly logTerm: number;
  /** app: index of the entry before `entries`; app-resp: last index matched (or rejected probe). */
  readonly index: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
  readonly reject: boolean;
  readonly rejectHint: number;
  /** read-index request id, or CAMPAIGN_TRANSFER on a vote forced by leadership transfer. */
  readonly context: string;
  /** snap-resp: snapshot bytes the follower holds contiguously from offset 0. */
  readonly chunkOffset: number;
  readonly snapshot: SnapshotChunk | undefined;
}

export const CAMPAIGN_TRANSFER = "campaign-transfer";

export function message(fields: Pick<Message, "type" | "from" | "to" | "term"> & Partial<Message>): Message {
  return {
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    context: "",
    chunkOffset: 0,
    snapshot: undefined,
    ...fields,
  };
}

export type StateRole = "follower" | "pre-candidate" | "candidate" | "leader";

/** Volatile state, reported when it changes; never persisted. */
export interface SoftState {
  readonly lead: NodeId;
  readonly state: StateRole;
}

/** A linearizable read may be served once the local applied index reaches `index`. */
export interface ReadState {
  readonly index: number;
  readonly context: string;
}

/**
 * Everything the driver must act on, in this order: persist `snapshot`, `entries` and `hardState` (fsync
 * when mustSync), then send `messages`, then apply `snapshot` and `committedEntries`, then call advance().
 */
export interface Ready {
  readonly softState: SoftState | undefined;
  readonly hardState: HardState | undefined;
  readonly entries: readonly Entry[];
  readonly snapshot: Snapshot | undefined;
  readonly committedEntries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly readStates: readonly ReadState[];
  readonly mustSync: boolean;
}

/** The only randomness the core uses: election timeout jitter. Inject a seeded generator. */
export interface Random {
  /** A uniformly chosen integer in [0, bound). */
  intBelow(bound: number): number;
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

export function encodeConfChange(cc: ConfChange): Uint8Array {
  return textEncoder.encode(`${cc.type} ${cc.nodeId}`);
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  const [type, id] = textDecoder.decode(data).split(" ");
  if ((type !== "add-node" && type !== "add-learner" && type !== "remove-node") || id === undefined) {
    throw new RaftAssertionError(`bad conf change entry: ${textDecoder.decode(data)}`);
  }
  return { type, nodeId: Number(id) };
}

/** A broken invariant inside the core: a bug, never a condition to recover from. */
export class RaftAssertionError extends Error {
  override name = "RaftAssertionError";
}

export function assert(condition: boolean, what: string): asserts condition {
  if (!condition) throw new RaftAssertionError(what);
}

/** A proposal the node cannot take now (no leader known, a transfer or a conf change in progress). */
export class ProposalDroppedError extends Error {
  override name = "ProposalDroppedError";
}
