// Cluster mode: one Raft group per shard, every group on every member, all multiplexed on one transport.
//
// Write path on a shard's leader: the engine executes a command in memory (speculatively, as in
// standalone), then hands the shard's encoded log entry to propose(); the reply waits for the shard's
// durable watermark, which this driver advances when the entry is committed (persisted by a majority)
// and this node has fsynced it too. Followers apply committed entries with Engine.applyLogged, the code
// recovery uses. Per group the driver honours the core's contract: persist (fsync) -> send -> apply ->
// advance, one Ready at a time, groups independently.
//
// Correctness of the speculative apply:
//  - a new leader accepts commands for a shard only once it has applied every entry up to its term's
//    first (empty) entry, so its memory holds everything committed before it executes anything;
//  - after that, every committed entry of the group is one this node proposed (recognised by index and
//    term) and is not applied twice;
//  - if one of its proposals is replaced by another leader's entry (same index, other term), the
//    node's memory holds a write that never happened: it stops (onFatal) and, restarted, rebuilds its
//    state from the committed log. A leader that steps down keeps waiting: its proposals may still be
//    committed by the next leader, and then its replies are released normally.
//
// Snapshots (docs/ARCHITECTURE.md, "Cluster"): when a group's log file has grown by raft-log-compact-bytes
// (and by auto-aof-rewrite-percentage of the last snapshot) since its last compaction, the shard is
// merged (the standalone merge, copy-on-write) into a snapshot that records the Raft index I its
// captured state stands for; once that snapshot is durable the log is compacted below I. A follower behind the log's start receives the snapshot file in chunks (the core
// drives them) and replaces its shard state with it.
import { join } from "node:path";
import type { Engine } from "../engine/engine.ts";
import type { ServerContext } from "../engine/server-context.ts";
import { shardOfSlot } from "../keyspace/slot.ts";
import type { LogIo } from "../storage/io.ts";
import { ByteWriter, decodeBody, encodeEntry, recordHeaderBytes, type LogEntry } from "../storage/record.ts";
import { readSnapshotFile } from "../storage/snapshot.ts";
import { decodeConfChange, type Entry, type Message, RaftNode, type Ready, SeededRandom, type Snapshot } from "./core/index.ts";
import { GroupLog, type GroupStorage } from "./group-log.ts";
import { failedRound, GroupReads, type ReadRound } from "./read-index.ts";
import { Transport } from "./transport/index.ts";

export interface ClusterMember {
  readonly id: number;
  /** RESP address clients are redirected to. */
  readonly host: string;
  readonly port: number;
  /** Raft transport port. */
  readonly clusterPort: number;
}

export class ClusterConfigError extends Error {
  override readonly name = "ClusterConfigError";
}

/** Redis Cluster's offset between a node's client port and its bus port, used when none is given. */
export const clusterPortOffset = 10000;

/**
 * Parses `id=host:port[@clusterport],...`. `self` is this node as its own flags describe it; it is added
 * when the list leaves it out, and must agree with its entry when the list names it.
 */
export function parseClusterPeers(text: string, self: ClusterMember): ClusterMember[] {
  const members = new Map<number, ClusterMember>();
  for (const part of text.split(",").map((p) => p.trim()).filter((p) => p.length > 0)) {
    const m = /^(\d+)=([^:@]+):(\d+)(?:@(\d+))?$/.exec(part);
    if (!m) throw new ClusterConfigError(`cluster-peers: '${part}' is not id=host:port[@clusterport]`);
    const id = Number(m[1]);
    const port = Number(m[3]);
    const clusterPort = m[4] !== undefined ? Number(m[4]) : port + clusterPortOffset;
    if (id < 1 || id > 65535 || port < 1 || port > 65535 || clusterPort < 1 || clusterPort > 65535) throw new ClusterConfigError(`cluster-peers: '${part}' is out of range`);
    if (members.has(id)) throw new ClusterConfigError(`cluster-peers: node ${id} is listed twice`);
    members.set(id, { id, host: m[2] as string, port, clusterPort });
  }
  const listed = members.get(self.id);
  if (listed === undefined) members.set(self.id, self);
  else if (listed.port !== self.port) throw new ClusterConfigError(`cluster-peers: node ${self.id} is listed with port ${listed.port} but runs with --port ${self.port}`);
  if (members.size < 2) throw new ClusterConfigError("cluster-peers: a cluster needs at least 2 members");
  return [...members.values()].sort((a, b) => a.id - b.id);
}

/** A node's 40-character name as CLUSTER NODES/SLOTS/SHARDS report it (Redis uses 40 hex digits). */
export function clusterNodeName(id: number): string {
  return String(id).padStart(40, "0");
}

/** Timing of the groups: Raft counts in ticks of this driver. */
export const clusterTiming = {
  tickMs: 50,
  /** Election timeout: 10-20 ticks (the core randomises), so a dead leader is replaced in 0.5-1 s. */
  electionTimeoutTicks: 10,
  heartbeatTimeoutTicks: 1,
} as const;

export interface ClusterOptions {
  readonly self: ClusterMember;
  readonly members: readonly ClusterMember[];
  readonly secret: string;
  readonly shards: number;
  /** The node's data directory; group logs go into `<dir>/raft/`. */
  readonly dir: string;
  readonly io: LogIo;
  readonly engine: Engine;
  /** Listen address of the transport. */
  readonly bindHost: string;
  /** The node can no longer be correct (log I/O failed, a speculative write was lost): stop it. */
  readonly onFatal: (err: Error) => void;
  readonly log?: (line: string) => void;
  readonly seed?: number;
  /** Growth of a group's log file (bytes since its last compaction) that starts a snapshot; default 16 MiB. */
  readonly compactLogBytes?: number;
}

/** Default of raft-log-compact-bytes. */
export const compactLogBytesDefault = 16 * 1024 * 1024;

interface Proposal {
  readonly index: number;
  readonly term: number;
  readonly seq: number;
}

/** One shard's Raft group on this node. */
class Group {
  running = false;
  scheduled = false;
  /** Index of the last committed entry handed to the state machine. */
  applied = 0;
  /** The term in which this node leads (0: not leading), and the index of that term's first entry. */
  leaderTerm = 0;
  termStart = 0;
  /** Leader, caught up with everything before its term: may execute commands for this shard. */
  writable = false;
  /** This node's proposals not yet committed, in log order (a FIFO with a moving head). */
  pending: Proposal[] = [];
  pendingHead = 0;
  /** A snapshot (merge) of this shard is being written for log compaction. */
  snapshotting = false;
  /** A durable snapshot's position: the log is compacted below it at the next chance. */
  compactTo: { index: number; term: number } | null = null;
  /** Reads waiting for ReadIndex confirmation (src/raft/read-index.ts). */
  readonly reads: GroupReads;

  constructor(
    readonly shard: number,
    readonly node: RaftNode,
    readonly storage: GroupStorage,
    readonly log: GroupLog,
    requestRead: (g: Group, context: string) => boolean,
  ) {
    this.reads = new GroupReads(shard, (context) => requestRead(this, context));
  }

  get pendingCount(): number {
    return this.pending.length - this.pendingHead;
  }
}

/** Where a command for a shard must go. */
export type ShardRoute = { readonly kind: "local" } | { readonly kind: "moved"; readonly leader: ClusterMember } | { readonly kind: "unavailable" };

export class ClusterNode {
  readonly self: ClusterMember;
  readonly members: readonly ClusterMember[];
  private readonly groups: Group[] = [];
  private readonly transport: Transport;
  private readonly byId = new Map<number, ClusterMember>();
  private readonly encoder = new ByteWriter(4096);
  private tickTimer: ReturnType<typeof setInterval> | null = null;
  private failed = false;
  /** Set once the server exists: handlers applied on followers see it. */
  server: ServerContext | null = null;
  private readonly linksUp = new Set<number>();
  private readonly leadershipLostListeners = new Set<(shard: number) => void>();

  constructor(private readonly opts: ClusterOptions) {
    this.self = opts.self;
    this.members = opts.members;
    for (const m of opts.members) this.byId.set(m.id, m);
    const voters = opts.members.map((m) => m.id);
    const raftDir = join(opts.dir, "raft");
    opts.io.makeDirs(raftDir);
    const random = new SeededRandom(opts.seed ?? (Date.now() ^ (opts.self.id * 0x9e3779b1)) >>> 0);
    for (let shard = 0; shard < opts.shards; shard++) {
      const shardSnapshot = opts.engine.shards[shard]?.raftSnapshot ?? null;
      const { log, storage } = GroupLog.open(opts.io, join(raftDir, `group-${String(shard).padStart(3, "0")}.log`), { voters, learners: [] }, shardSnapshot);
      storage.snapshotSource = () => this.snapshotOf(shard);
      const node = new RaftNode({
        id: opts.self.id,
        storage,
        random,
        electionTimeoutTicks: clusterTiming.electionTimeoutTicks,
        heartbeatTimeoutTicks: clusterTiming.heartbeatTimeoutTicks,
      });
      this.groups.push(new Group(shard, node, storage, log, (g, context) => this.requestRead(g, context)));
    }
    opts.io.fsyncDir(raftDir);
    const peers = new Map(opts.members.filter((m) => m.id !== opts.self.id).map((m) => [m.id, { host: m.host, port: m.clusterPort }]));
    this.transport = new Transport({
      nodeId: opts.self.id,
      listen: { host: opts.bindHost, port: opts.self.clusterPort },
      peers,
      secret: opts.secret,
      onMessage: (from, group, message) => this.receive(from, group, message),
      onLinkChange: (peer, up) => {
        if (up) this.linksUp.add(peer);
        else this.linksUp.delete(peer);
      },
      log: opts.log ?? (() => {}),
    });
  }

  start(): void {
    this.transport.start();
    this.tickTimer = setInterval(() => this.tick(), clusterTiming.tickMs);
    // Committed entries persisted before a restart are applied again from the first Ready.
    for (const g of this.groups) this.schedule(g);
  }

  stop(): void {
    if (this.tickTimer !== null) clearInterval(this.tickTimer);
    this.tickTimer = null;
    this.transport.stop();
  }

  // ---- what the engine and the dispatcher ask ----

  /** Whether this node may execute commands that change (or lazily expire keys of) this shard. */
  writable(shard: number): boolean {
    const g = this.groups[shard];
    return g !== undefined && g.writable && g.node.state === "leader" && g.node.term === g.leaderTerm && !this.failed;
  }

  route(shard: number): ShardRoute {
    if (this.writable(shard)) return { kind: "local" };
    const lead = this.leaderOf(shard);
    const leader = lead === this.self.id ? undefined : this.byId.get(lead);
    return leader === undefined ? { kind: "unavailable" } : { kind: "moved", leader };
  }

  /**
   * The error a command for `slot` gets on this node instead of running (the dispatcher's answer:
   * MOVED to the leader, TRYAGAIN while this node catches up as new leader, CLUSTERDOWN with no leader
   * known), or null when this node may run it.
   */
  redirectFor(slot: number): string | null {
    const shard = shardOfSlot(slot, this.groups.length);
    const route = this.route(shard);
    if (route.kind === "local") return null;
    if (route.kind === "moved") return `MOVED ${slot} ${route.leader.host}:${route.leader.port}`;
    return this.leaderOf(shard) === this.self.id ? "TRYAGAIN This node was just elected leader of the slot and is catching up" : "CLUSTERDOWN Hash slot not served";
  }

  /**
   * Calls `listener(shard)` each time this node stops leading a shard (it steps down, or a later term
   * begins): state held in memory on behalf of the old leadership (compute claims, parked waiters) must
   * not outlive it. Returns a function that removes the listener.
   */
  onLeadershipLost(listener: (shard: number) => void): () => void {
    this.leadershipLostListeners.add(listener);
    return () => {
      this.leadershipLostListeners.delete(listener);
    };
  }

  /** The shard's leader as this node last heard (0: none known). */
  leaderOf(shard: number): number {
    return this.groups[shard]?.node.lead ?? 0;
  }

  /**
   * CLUSTER FAILOVER: asks each shard led elsewhere to hand its leadership to this node (Raft leadership
   * transfer: the leader sends TimeoutNow once this node's log has caught up, and this node wins the
   * election that follows with a majority's votes, as any election). With `force`, a shard with no known
   * leader gets an election started here; without it such a shard is reported and nothing is asked.
   * Nothing here bypasses a majority: Redis's TAKEOVER (no agreement) has no safe Raft equivalent.
   */
  requestLeadership(force: boolean): "leads-all" | "leader-unknown" | "requested" {
    const others = this.groups.filter((g) => !this.writable(g.shard));
    if (others.length === 0) return "leads-all";
    if (!force && others.some((g) => g.node.lead === 0)) return "leader-unknown";
    for (const g of others) {
      if (g.node.lead === 0) g.node.campaign();
      else if (g.node.lead !== this.self.id) g.node.transferLeader(this.self.id);
      this.schedule(g);
    }
    return "requested";
  }

  member(id: number): ClusterMember | undefined {
    return this.byId.get(id);
  }

  linkUp(id: number): boolean {
    return id === this.self.id || this.linksUp.has(id);
  }

  groupStatus(shard: number): { term: number; commit: number; applied: number; lastIndex: number; role: string; pending: number } {
    const g = this.groups[shard];
    if (g === undefined) return { term: 0, commit: 0, applied: 0, lastIndex: 0, role: "none", pending: 0 };
    return { term: g.node.term, commit: g.node.log.committed, applied: g.applied, lastIndex: g.node.log.lastIndex(), role: g.node.state, pending: g.pendingCount };
  }

  /** A follower's replication state as this node, the shard's leader, tracks it (undefined otherwise). */
  followerProgress(shard: number, id: number): { match: number; state: string; active: boolean } | undefined {
    const pr = id === this.self.id ? undefined : this.groups[shard]?.node.progressOf(id);
    return pr === undefined ? undefined : { match: pr.match, state: pr.state, active: pr.recentActive };
  }

  /** ReadIndex counters of a shard's group on this node (INFO replication). */
  readStatus(shard: number): { started: number; released: number; failed: number; pending: number } {
    const r = this.groups[shard]?.reads;
    return r === undefined ? { started: 0, released: 0, failed: 0, pending: 0 } : { started: r.started, released: r.released, failed: r.failed, pending: r.pendingRounds };
  }

  /**
   * Proposes one unit's entry for a shard this node leads. Returns false (and proposes nothing) when it
   * is not the shard's writable leader: the caller's in-memory change then has no place in the log.
   */
  propose(shard: number, entry: LogEntry): boolean {
    const g = this.groups[shard];
    if (g === undefined || !this.writable(shard)) return false;
    const w = this.encoder;
    w.reset();
    encodeEntry(w, entry, this.opts.io);
    g.node.propose(w.view_(0).slice());
    g.pending.push({ index: g.node.log.lastIndex(), term: g.node.term, seq: entry.seq });
    this.schedule(g);
    return true;
  }

  /**
   * The ReadIndex round a read of this shard, executed just now from memory, must wait for before its
   * reply may leave (an already failed one when this node cannot serve the shard's reads).
   */
  readHold(shard: number): ReadRound {
    const g = this.groups[shard];
    return g === undefined || !this.writable(shard) ? failedRound() : g.reads.hold();
  }

  private requestRead(g: Group, context: string): boolean {
    if (!this.writable(g.shard)) return false;
    g.node.readIndex(context);
    this.schedule(g);
    return true;
  }

  // ---- the driver loop ----

  private tick(): void {
    for (const g of this.groups) {
      g.node.tick();
      this.schedule(g);
    }
  }

  private receive(from: number, group: number, raw: unknown): void {
    const g = this.groups[group];
    if (g === undefined || typeof raw !== "object" || raw === null) return;
    const m = raw as Message;
    if (m.to !== this.self.id || m.from !== from) return;
    // Entries are kept in the log: copy them out of the socket's chunk.
    const entries = m.entries.length === 0 ? m.entries : m.entries.map((e) => ({ term: e.term, index: e.index, type: e.type, data: Uint8Array.prototype.slice.call(e.data) }));
    g.node.step({ ...m, entries, snapshot: m.snapshot });
    this.schedule(g);
  }

  private schedule(g: Group): void {
    if (g.scheduled || g.running || this.failed) return;
    g.scheduled = true;
    queueMicrotask(() => {
      g.scheduled = false;
      if (!g.running && (g.node.hasReady() || g.compactTo !== null)) void this.run(g);
    });
  }

  private async run(g: Group): Promise<void> {
    g.running = true;
    try {
      for (;;) {
        // Between Readys nothing else writes the group's log: the place to rewrite it.
        if (!this.failed && g.compactTo !== null) await this.compact(g);
        if (this.failed || !g.node.hasReady()) break;
        const rd = g.node.ready();
        this.noteLeadership(g);
        await this.persist(g, rd);
        for (const m of rd.messages) this.transport.send(m.to, g.shard, m);
        this.apply(g, rd.committedEntries);
        g.reads.afterApply(rd.readStates, g.applied);
        g.node.advance(rd);
      }
    } catch (e: unknown) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
    } finally {
      g.running = false;
    }
    if (!this.failed && g.node.hasReady()) this.schedule(g);
  }

  private noteLeadership(g: Group): void {
    const node = g.node;
    const lost = g.leaderTerm !== 0 && (node.state !== "leader" || node.term !== g.leaderTerm);
    if (node.state === "leader") {
      if (g.leaderTerm !== node.term) {
        // A new term of leadership: nothing may execute until everything before its first entry is applied.
        g.leaderTerm = node.term;
        g.termStart = node.log.lastIndex();
        g.writable = false;
      }
    } else {
      g.leaderTerm = 0;
      g.writable = false;
    }
    // Held reads fail at once (failing them only writes their error replies).
    if (lost) g.reads.failAll(); // deposed: no held read may be answered from this node's memory
    // Listeners answer parked clients, whose connections may then run pipelined commands: not from
    // inside the driver's Ready handling.
    if (lost) queueMicrotask(() => {
      for (const listener of this.leadershipLostListeners) listener(g.shard);
    });
  }

  private async persist(g: Group, rd: Ready): Promise<void> {
    if (rd.snapshot !== undefined) await this.install(g, rd.snapshot);
    if (rd.entries.length === 0 && rd.hardState === undefined) return;
    g.log.write(rd.entries, rd.hardState);
    g.storage.append(rd.entries);
    if (rd.hardState !== undefined) g.storage.hardState = rd.hardState;
    if (rd.mustSync) await g.log.sync();
    this.maybeSnapshot(g);
  }

  // ---- snapshots and compaction ----

  /** The shard's newest snapshot file with its Raft position, read whole (a follower needs it). */
  private snapshotOf(shard: number): Snapshot | null {
    const s = this.opts.engine.shards[shard];
    const raft = s?.raftSnapshot ?? null;
    if (s === undefined || raft === null) return null;
    const data = readSnapshotFile(this.opts.io, s.dir, s.generation);
    return { meta: { index: raft.index, term: raft.term, confState: { voters: raft.voters, learners: raft.learners } }, data };
  }

  /**
   * Starts a snapshot of the shard when its log has grown enough since the last compaction. The merge
   * captures the shard's memory synchronously here, so the Raft index it stands for is known now: a
   * follower's memory holds exactly the applied entries; a leader's also holds its proposals not yet
   * committed (speculative apply), so its index is the last of them. The merge commits its snapshot only
   * once the engine's durable watermark covers those proposals, i.e. once they are committed; if one is
   * replaced instead, the node stops (apply) and the snapshot never commits.
   */
  private maybeSnapshot(g: Group): void {
    if (g.snapshotting || g.compactTo !== null) return;
    const shard = this.opts.engine.shards[g.shard];
    if (shard === undefined || shard.merge !== null) return;
    // Like Redis's auto-aof-rewrite-percentage: a snapshot rewrites the whole shard, so the log must also
    // have grown by that share of the last snapshot, or a large shard would be rewritten per few MB.
    const growthPercent = this.opts.engine.storage.mergeGrowthPercent;
    const threshold = Math.max(this.opts.compactLogBytes ?? compactLogBytesDefault, growthPercent > 0 ? (shard.snapshotBytes * growthPercent) / 100 : 0);
    if (g.log.fileBytes - g.log.bytesAtCompaction < threshold) return;
    const last = g.pendingCount > 0 ? (g.pending[g.pending.length - 1] as Proposal) : undefined;
    const index = last !== undefined ? last.index : g.applied;
    const term = last !== undefined ? last.term : g.node.log.term(index);
    if (term === undefined || index <= g.storage.firstIndex() - 1) return;
    const conf = g.storage.initialState().confState;
    g.snapshotting = true;
    this.opts.engine.storage.merge(g.shard, { index, term, voters: conf.voters, learners: conf.learners }).then(
      (result) => {
        g.snapshotting = false;
        if (result.raft === null || result.raft.index !== index) return;
        g.compactTo = { index, term };
        this.schedule(g);
      },
      (e: unknown) => {
        g.snapshotting = false;
        this.opts.log?.(`shard ${g.shard}: snapshot for log compaction failed: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
  }

  /** Drops the log below a durable snapshot and rewrites the group's file (between Readys). */
  private async compact(g: Group): Promise<void> {
    const target = g.compactTo;
    if (target === null) return;
    if (target.index <= g.storage.firstIndex() - 1) {
      g.compactTo = null; // an installed snapshot got there first
      return;
    }
    // The driver must have seen every entry up to the snapshot (a leader's replies are released as
    // its proposals are applied), and the entry must be stored; until then, wait for the next Ready.
    if (target.index > g.applied || target.index > g.storage.lastIndex()) return;
    if (g.storage.term(target.index) !== target.term) {
      this.fail(new Error(`bug: shard ${g.shard} snapshot at index ${target.index} has term ${target.term} but the log has ${g.storage.term(target.index)}`));
      return;
    }
    g.compactTo = null;
    // Keep a tail of entries before the snapshot (a quarter of raft-log-compact-bytes) for followers a
    // little behind: they catch up from the log instead of receiving the whole shard. Start-up drops the
    // tail again (the snapshot covers it).
    const start = g.storage.firstIndex() - 1;
    const budget = (this.opts.compactLogBytes ?? compactLogBytesDefault) / 4;
    let index = target.index;
    for (let kept = 0; index > start + 1; index--) {
      kept += (g.storage.entries(index, index + 1, 1)[0] as Entry).data.length;
      if (kept > budget) break;
    }
    g.storage.compactTo(index, g.storage.term(index));
    await g.log.rewrite(g.storage);
  }

  /**
   * Follower: the leader sent a snapshot (this node is behind its log's start). The shard's state is
   * replaced by it (durably first), then the group's log is reset to start after it.
   */
  private async install(g: Group, snapshot: Snapshot): Promise<void> {
    if (g.pendingCount > 0) {
      // Proposals of an earlier leadership may or may not be inside the snapshot: memory cannot be trusted.
      throw new Error(`shard ${g.shard}: a snapshot arrived while writes this node executed as leader were pending; restart to rebuild the shard`);
    }
    const { index, term } = snapshot.meta;
    const raft = await this.opts.engine.installSnapshot(g.shard, snapshot.data);
    if (raft.index !== index || raft.term !== term) throw new Error(`shard ${g.shard}: snapshot says index ${raft.index} term ${raft.term}, the leader said ${index}/${term}`);
    g.storage.compactTo(index, term);
    await g.log.rewrite(g.storage);
    g.applied = index;
    g.compactTo = null;
    this.opts.log?.(`shard ${g.shard}: installed a snapshot at index ${index} (${snapshot.data.length} bytes)`);
  }

  private apply(g: Group, entries: readonly Entry[]): void {
    for (const e of entries) {
      g.applied = e.index;
      if (e.type === "conf-change") {
        g.node.applyConfChange(decodeConfChange(e.data));
        continue;
      }
      const head = g.pendingHead < g.pending.length ? (g.pending[g.pendingHead] as Proposal) : undefined;
      if (head !== undefined && head.index <= e.index) {
        if (head.index !== e.index || head.term !== e.term) {
          this.fail(new Error(`shard ${g.shard}: a write this node executed as leader (index ${head.index}, term ${head.term}) was replaced by another leader's entry; restart to rebuild the shard from the committed log`));
          return;
        }
        g.pendingHead++;
        if (g.pendingHead > 1024 && g.pendingHead * 2 > g.pending.length) {
          g.pending = g.pending.slice(g.pendingHead);
          g.pendingHead = 0;
        }
        this.opts.engine.replicatedDurable(g.shard, head.seq);
        continue;
      }
      if (e.data.length === 0) continue; // a new leader's empty entry
      if (g.writable) {
        this.fail(new Error(`bug: shard ${g.shard} leader asked to apply an entry it did not propose (index ${e.index})`));
        return;
      }
      this.opts.engine.applyReplicated(g.shard, decodeProposal(e.data), this.server);
    }
    if (g.leaderTerm !== 0 && g.leaderTerm === g.node.term && g.applied >= g.termStart) g.writable = true;
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = true;
    for (const g of this.groups) {
      g.writable = false;
      g.reads.failAll();
    }
    this.opts.onFatal(err);
  }
}

/** A proposal is one framed log record (CRC32C included), exactly as the shard log would store it. */
function decodeProposal(data: Uint8Array): LogEntry {
  return decodeBody(data.subarray(recordHeaderBytes));
}
