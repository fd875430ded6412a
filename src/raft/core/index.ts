// The pure Raft consensus core (after etcd-io/raft): no I/O, timers, clock or global randomness inside.
//
// Driver contract. The driver owns the node and calls, from one thread of control:
//   - tick() on every logical tick (election timeouts and heartbeats are counted in ticks);
//   - step(msg) for every message received from a peer;
//   - propose(data), proposeConfChange(cc), transferLeader(id), readIndex(ctx) on client requests;
//   - then, whenever hasReady() is true:
//       rd = node.ready()
//       1. PERSIST: if rd.snapshot, store it; append rd.entries (replacing any conflicting tail); store
//          rd.hardState if present; fsync when rd.mustSync. Nothing below may start before the fsync.
//       2. SEND: deliver rd.messages (any order, best effort: loss, delay, duplication are tolerated).
//       3. APPLY: apply rd.snapshot (if any), then rd.committedEntries in order; for a "conf-change"
//          entry call node.applyConfChange(decodeConfChange(entry.data)). Serve rd.readStates once the
//          applied index reaches each state's index.
//       4. node.advance(rd). No other ready() may be taken before this.
//   The application may create snapshots of applied state and compact its Storage at any time between
//   Readies; the core streams the latest storage snapshot to followers that fell behind the compacted log.
//   On restart, construct a RaftNode over the persisted Storage with `applied` = the index of the
//   application's restored snapshot; committed entries after it are handed out again.
export { RaftLog } from "./log.ts";
export { SeededRandom } from "./prng.ts";
export { Inflights, Progress, type ProgressState } from "./progress.ts";
export { RAFT_DEFAULTS, type RaftConfig, RaftNode, type RaftStatus } from "./raft.ts";
export { CompactedError, MemoryStorage, type Storage, UnavailableError } from "./storage.ts";
export * from "./types.ts";
export { describeEntry, describeMessage, describeReady } from "./describe.ts";
