// A deterministic simulator: N nodes of the real Raft core in one process on a virtual clock, with a
// simulated disk (unsynced writes lost on crash, the last one possibly torn) and network (loss, delay,
// reordering, duplication, symmetric and asymmetric partitions), crashes and restarts, all driven by one
// seed. A safety phase with faults is followed by a liveness phase with faults off. Some seeds run a
// leader-churn profile that stages the histories of the Raft paper's Figure 8: new leaders crash (often
// muted first) right after their election, so old-term entries spread one message at a time across many
// terms, and a checker flags any committed entry that a leader lacks or a log overwrites.
import {
  type ConfChange,
  type ConfState,
  decodeConfChange,
  describeEntry,
  describeMessage,
  describeReady,
  type Entry,
  type Message,
  type NodeId,
  ProposalDroppedError,
  RaftNode,
  type Ready,
  SeededRandom,
  type Snapshot,
  type HardState,
} from "../../src/raft/core/index.ts";
import { GroupLog, GroupStorage } from "../../src/raft/group-log.ts";
import { MemoryIo } from "../../src/storage/memory-io.ts";

/** Every limit of a run, in one place. Time is in units; one Raft tick is `tickUnits` units. */
export const SIM_LIMITS = {
  tickUnits: 10,
  electionTimeoutTicks: 10,
  heartbeatTimeoutTicks: 1,
  safetyTicks: 2000,
  /** After faults stop, a leader must be elected and a new entry applied everywhere within this. */
  livenessTicksMax: 400,
  messageDelayUnitsMax: 30,
  fsyncDelayUnitsMax: 6,
  downtimeTicksMax: 60,
  /** Messages a node steps per time unit before yielding (its inbox is bounded by what arrives). */
  inboxStepsPerUnitMax: 1000,
  /** Seeds in this fraction run the leader-churn profile; the choice comes from a side stream of the seed. */
  leaderChurnSeedFraction: 0.4,
  /** Leader churn: a new leader crashes within this many units of its election (when chosen to). */
  churnLeaderCrashDelayUnitsMax: 40,
  /** Leader churn: crashed nodes come back sooner, so deposed leaders compete again with their old tails. */
  churnDowntimeTicksMax: 20,
};

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** Mixed into the seed for the side stream that picks the profile, so other seeds replay as before. */
const profileSeedSalt = 0x2f8d1b67;

export interface SimStats {
  nodes: number;
  leadersElected: number;
  maxTerm: number;
  committed: number;
  proposals: number;
  crashes: number;
  tornWrites: number;
  lostWrites: number;
  snapshotsRestored: number;
  confChangesApplied: number;
  transfersRequested: number;
  readsServed: number;
  messagesSent: number;
  messagesDropped: number;
  livenessTicks: number;
  leaderChurnSeeds: number;
  leaderCrashesScheduled: number;
}

export class SimulationFailure extends Error {
  override name = "SimulationFailure";
  constructor(
    readonly seed: number,
    what: string,
  ) {
    super(`seed ${seed}: ${what}\nreplay: RAFT_SEED=${seed} bun test test/raft/sim.test.ts`);
  }
}

/**
 * A node's disk: the real storage code (GroupLog, the cluster's per-group Raft log file, and its
 * in-memory read side GroupStorage) over a MemoryIo, whose power cuts keep only what was fsynced (a
 * file's unsynced tail may partly survive: a torn write). Restarts reopen it with GroupLog.open, the
 * code a real node starts with (torn tails truncated, CRCs checked). Snapshots are the simulator's own
 * application state (a digest chain) written through the same disk as a file, durably (tmp, fdatasync,
 * rename, directory fsync) before the log is compacted below it, the order the cluster driver keeps
 * with its shard snapshots. Every fsync runs when the simulator's virtual clock says it completes.
 */
const logPath = "/raft/group.log";
const snapPath = "/raft/app.snap";

class SimDisk {
  io = new MemoryIo();
  log!: GroupLog;
  live!: GroupStorage;
  /** The snapshot file's content (what storage.snapshot() hands to a follower). */
  private snap: Snapshot | null = null;

  constructor(private readonly genesis: ConfState) {
    this.io.makeDirs("/raft");
    this.open();
  }

  private open(): void {
    this.snap = this.io.exists(snapPath) ? decodeSnapshotFile(this.io.readWhole(snapPath)) : null;
    const meta = this.snap?.meta;
    const { log, storage } = GroupLog.open(this.io, logPath, meta?.confState ?? this.genesis, meta === undefined ? null : { index: meta.index, term: meta.term });
    storage.snapshotSource = () => this.snap;
    this.io.fsyncDir("/raft"); // a new log file's name is durable before anything in it counts (as ClusterNode does)
    this.log = log;
    this.live = storage;
  }

  /** Entries and hard state of a Ready, into the page cache. */
  write(entries: readonly Entry[], hardState: HardState | undefined): void {
    this.log.write(entries, hardState);
    this.live.append(entries);
    if (hardState !== undefined) this.live.hardState = hardState;
  }

  sync(): void {
    this.log.syncNow();
  }

  /** A snapshot this node took (at `index`) or received, made durable, then the log compacted to `compactTo`. */
  snapshotAndCompact(snapshot: Snapshot, compactTo: number): void {
    if (this.snap !== null && snapshot.meta.index < this.snap.meta.index) return; // never go back
    const tmp = `${snapPath}.tmp`;
    const fd = this.io.openFile(tmp, "append");
    this.io.ftruncate(fd, 0);
    this.io.pwriteAll(fd, encodeSnapshotFile(snapshot), 0);
    this.io.fdatasync(fd);
    this.io.closeFile(fd);
    this.io.renameFile(tmp, snapPath);
    this.io.fsyncDir("/raft");
    this.snap = snapshot;
    const term = compactTo === snapshot.meta.index ? snapshot.meta.term : this.live.term(compactTo);
    this.live.compactTo(compactTo, term);
    this.log.rewriteNow(this.live);
  }

  /** Power cut; returns whether unsynced bytes were lost and whether a partial write survived. */
  crash(random: SeededRandom): { lost: number; torn: boolean } {
    let lost = 0;
    let torn = false;
    this.io = this.io.crash((unsynced) => {
      const kept = random.intBelow(unsynced + 1);
      if (kept < unsynced) lost++;
      if (kept > 0 && kept < unsynced) torn = true;
      return kept;
    });
    this.open();
    return { lost, torn };
  }
}

function encodeSnapshotFile(snapshot: Snapshot): Uint8Array {
  const { index, term, confState } = snapshot.meta;
  const head = textEncoder.encode(`${JSON.stringify({ index, term, voters: confState.voters, learners: confState.learners })}\n`);
  const out = new Uint8Array(head.length + snapshot.data.length);
  out.set(head, 0);
  out.set(snapshot.data, head.length);
  return out;
}

function decodeSnapshotFile(bytes: Uint8Array): Snapshot {
  const nl = bytes.indexOf(10);
  const meta = JSON.parse(textDecoder.decode(bytes.subarray(0, nl))) as { index: number; term: number; voters: NodeId[]; learners: NodeId[] };
  return { meta: { index: meta.index, term: meta.term, confState: { voters: meta.voters, learners: meta.learners } }, data: bytes.slice(nl + 1) };
}

interface InFlight {
  readonly deliverAt: number;
  readonly order: number;
  readonly message: Message;
}

/** The application: a digest chain over applied entries, and its snapshot encoding. */
interface AppState {
  index: number;
  digest: number;
  confState: ConfState;
}

function chainDigest(previous: number, entry: Entry): number {
  let h = (previous ^ 0x811c9dc5) >>> 0;
  const mix = (byte: number) => {
    h ^= byte & 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  };
  for (const n of [entry.index, entry.term, entry.type === "normal" ? 0 : 1]) for (let s = 0; s < 32; s += 8) mix(n >>> s);
  for (const byte of entry.data) mix(byte);
  return h;
}

function encodeAppSnapshot(state: AppState, paddingBytes: number): Uint8Array {
  return textEncoder.encode(`${state.index}:${state.digest}:${"#".repeat(paddingBytes)}`);
}

function decodeAppSnapshot(data: Uint8Array): { index: number; digest: number } {
  const [index, digest] = textDecoder.decode(data).split(":");
  return { index: Number(index), digest: Number(digest) };
}

interface SimNode {
  readonly id: NodeId;
  disk: SimDisk;
  raft: RaftNode;
  app: AppState;
  crashed: boolean;
  restartAt: number;
  inbox: Message[];
  pendingTicks: number;
  /** A Ready whose fsync is in progress, and when it completes. */
  inFlightReady: Ready | undefined;
  readyDoneAt: number;
  checkedCommit: number;
  /** Leader churn: when this node crashes (0: not scheduled). */
  crashAt: number;
}

interface Faults {
  lossChance: number;
  duplicateChance: number;
  crashChancePerTick: number;
  partitionChancePerTick: number;
  membershipChanges: boolean;
  /** Leader churn: the chance that a new leader is scheduled to crash soon after its election. */
  newLeaderCrashChance: number;
  /** Leader churn: the chance that a new leader is also cut off from everyone, its new entries kept local. */
  newLeaderMuteChance: number;
  /** Leader churn: the chance that a leader is cut off and crashes when a follower acknowledges an entry
   * of an earlier term (it is catching that follower up), so the earlier term's entries end on a majority
   * while its own do not (Figure 8 (c)). */
  catchUpCrashChance: number;
}

export class Simulator {
  readonly stats: SimStats;
  private readonly random: SeededRandom;
  private readonly nodes: SimNode[] = [];
  private network: InFlight[] = [];
  private readonly blocked = new Set<string>();
  private now = 0;
  private order = 0;
  private faults: Faults;
  private faultsOn = true;
  private readonly snapshotChunkBytes: number;
  private readonly compactEveryEntries: number;
  private readonly snapshotPaddingBytes: number;
  private readonly maxEntriesPerMessage: number;
  private readonly downtimeTicksMax: number;
  private proposalCounter = 0;
  // Checker state.
  private readonly leaderOfTerm = new Map<number, NodeId>();
  private readonly digestAt = new Map<number, number>();
  private readonly committedAt = new Map<number, { term: number; data: string }>();
  private maxCommitted = 0;
  /** Outstanding ReadIndex requests: the read must not be served below what was committed when asked. */
  private readonly readsPending = new Map<string, number>();
  private readCounter = 0;

  constructor(readonly seed: number) {
    this.random = new SeededRandom(seed);
    let nodeCount = this.random.chance(0.5) ? 3 : 5;
    this.faults = {
      lossChance: this.random.intBelow(20) / 100,
      duplicateChance: this.random.intBelow(6) / 100,
      crashChancePerTick: this.random.intBelow(4) / 200,
      partitionChancePerTick: this.random.intBelow(4) / 100,
      membershipChanges: this.random.chance(0.5),
      newLeaderCrashChance: 0,
      newLeaderMuteChance: 0,
      catchUpCrashChance: 0,
    };
    this.snapshotChunkBytes = 16 + this.random.intBelow(112);
    this.compactEveryEntries = 10 + this.random.intBelow(40);
    this.snapshotPaddingBytes = this.random.intBelow(400);
    this.maxEntriesPerMessage = 8;
    this.downtimeTicksMax = SIM_LIMITS.downtimeTicksMax;
    const leaderChurn = new SeededRandom(seed ^ profileSeedSalt).chance(SIM_LIMITS.leaderChurnSeedFraction);
    if (leaderChurn) {
      // Figure 8 needs five voters (two competing minorities plus swing voters), fixed membership, and
      // appends small enough that a follower can hold an old-term entry without the new leader's own.
      nodeCount = 5;
      this.faults.membershipChanges = false;
      this.faults.newLeaderCrashChance = 0.3 + this.random.intBelow(50) / 100;
      this.faults.newLeaderMuteChance = (30 + this.random.intBelow(60)) / 100;
      this.faults.catchUpCrashChance = (20 + this.random.intBelow(60)) / 100;
      this.faults.crashChancePerTick = this.random.intBelow(2) / 200;
      this.maxEntriesPerMessage = 1 + this.random.intBelow(2);
      this.downtimeTicksMax = SIM_LIMITS.churnDowntimeTicksMax;
    }
    const memberCount = this.faults.membershipChanges ? 3 : nodeCount;
    const confState: ConfState = { voters: Array.from({ length: memberCount }, (_, i) => i + 1), learners: [] };
    for (let id = 1; id <= nodeCount; id++) {
      // Every node starts from the same genesis configuration (as etcd bootstraps with the same initial
      // entries everywhere): a node that joins later replays the log's changes on top of it.
      const disk = new SimDisk(confState);
      const node: SimNode = {
        id,
        disk,
        raft: this.newRaft(id, disk, 0),
        app: { index: 0, digest: 0, confState: disk.live.snapshot().meta.confState },
        crashed: false,
        restartAt: 0,
        inbox: [],
        pendingTicks: 0,
        inFlightReady: undefined,
        readyDoneAt: 0,
        checkedCommit: 0,
        crashAt: 0,
      };
      this.nodes.push(node);
    }
    this.stats = {
      nodes: nodeCount,
      leadersElected: 0,
      maxTerm: 0,
      committed: 0,
      proposals: 0,
      crashes: 0,
      tornWrites: 0,
      lostWrites: 0,
      snapshotsRestored: 0,
      confChangesApplied: 0,
      transfersRequested: 0,
      readsServed: 0,
      messagesSent: 0,
      messagesDropped: 0,
      livenessTicks: 0,
      leaderChurnSeeds: leaderChurn ? 1 : 0,
      leaderCrashesScheduled: 0,
    };
  }

  /** Runs both phases; throws SimulationFailure on any violated property. */
  run(): SimStats {
    for (let tick = 0; tick < SIM_LIMITS.safetyTicks; tick++) this.runTick();
    this.faultsOn = false;
    this.blocked.clear();
    for (const node of this.nodes) if (node.crashed) this.restart(node);
    const probe = `liveness-${this.seed}`;
    for (let tick = 0; tick < SIM_LIMITS.livenessTicksMax; tick++) {
      this.runTick();
      if (tick % 20 === 0) this.proposeAtLeader(probe);
      if (this.converged(probe)) {
        this.stats.livenessTicks = tick + 1;
        this.stats.committed = this.maxCommitted;
        return this.stats;
      }
    }
    const states = this.nodes.map((n) => {
      const s = n.raft.status();
      return `${n.id}:${s.state} term=${s.term} lead=${s.lead} commit=${s.commit} applied=${n.app.index} voters=(${s.confState.voters}) learners=(${s.confState.learners})`;
    });
    this.fail(`liveness: no convergence within ${SIM_LIMITS.livenessTicksMax} ticks after faults stopped\n  ${states.join("\n  ")}`);
  }

  private newRaft(id: NodeId, disk: SimDisk, applied: number): RaftNode {
    return new RaftNode({
      id,
      storage: disk.live,
      random: new SeededRandom(this.random.nextUint32()),
      electionTimeoutTicks: SIM_LIMITS.electionTimeoutTicks,
      heartbeatTimeoutTicks: SIM_LIMITS.heartbeatTimeoutTicks,
      snapshotChunkBytes: this.snapshotChunkBytes,
      maxEntriesPerMessage: this.maxEntriesPerMessage,
      maxInflightMessages: 4,
      applied,
    });
  }

  private runTick(): void {
    if (this.faultsOn) this.injectFaults();
    for (const node of this.nodes) if (!node.crashed) node.pendingTicks++;
    if (this.random.chance(0.5)) this.proposeAtRandomNode();
    if (this.faultsOn && this.faults.membershipChanges && this.random.chance(0.05)) this.changeMembership();
    if (this.faultsOn && this.random.chance(0.01)) this.transferLeadership();
    if (this.random.chance(0.2)) this.requestRead();
    for (let unit = 0; unit < SIM_LIMITS.tickUnits; unit++) {
      this.now++;
      if (this.faultsOn && this.random.chance(this.faults.crashChancePerTick / SIM_LIMITS.tickUnits)) this.crashSomeNode();
      if (this.faultsOn) this.crashScheduled();
      this.deliverDue();
      for (const node of this.nodes) this.runNode(node);
    }
  }

  private injectFaults(): void {
    for (const node of this.nodes) {
      if (node.crashed && this.now >= node.restartAt) this.restart(node);
    }
    if (this.random.chance(this.faults.partitionChancePerTick)) this.repartition();
  }

  private repartition(): void {
    this.blocked.clear();
    const ids = this.nodes.map((n) => n.id);
    const kind = this.random.intBelow(4);
    if (kind === 0) return; // healed
    if (kind === 1) {
      // Symmetric: a random split into two sides.
      const side = new Map(ids.map((id) => [id, this.random.chance(0.5)]));
      for (const a of ids) for (const b of ids) if (side.get(a) !== side.get(b)) this.blocked.add(`${a}->${b}`);
    } else if (kind === 2) {
      // One node isolated both ways.
      const x = ids[this.random.intBelow(ids.length)] as NodeId;
      for (const y of ids) if (y !== x) this.blocked.add(`${x}->${y}`).add(`${y}->${x}`);
    } else {
      // Asymmetric: some directed links drop everything.
      for (const a of ids) for (const b of ids) if (a !== b && this.random.chance(0.25)) this.blocked.add(`${a}->${b}`);
    }
  }

  /** Crashes a random live node, preferring one with an fsync in progress (the interesting moment). */
  private crashSomeNode(): void {
    const live = this.nodes.filter((n) => !n.crashed);
    const syncing = live.filter((n) => n.inFlightReady !== undefined);
    const pool = syncing.length > 0 && this.random.chance(0.5) ? syncing : live;
    const node = pool[this.random.intBelow(pool.length)];
    if (node !== undefined) this.crash(node);
  }

  private crashScheduled(): void {
    for (const node of this.nodes) if (!node.crashed && node.crashAt !== 0 && node.crashAt <= this.now) this.crash(node);
  }

  private crash(node: SimNode): void {
    const { lost, torn } = node.disk.crash(this.random);
    this.trace(`${node.id} CRASH lost=${lost} torn=${torn}`);
    node.crashed = true;
    node.inbox = [];
    node.inFlightReady = undefined;
    node.pendingTicks = 0;
    node.crashAt = 0;
    node.restartAt = this.now + (1 + this.random.intBelow(this.downtimeTicksMax)) * SIM_LIMITS.tickUnits;
    this.stats.crashes++;
    this.stats.lostWrites += lost;
    if (torn) this.stats.tornWrites++;
  }

  private restart(node: SimNode): void {
    const snapshot = node.disk.live.snapshot();
    const restored = snapshot.meta.index === 0 ? { index: 0, digest: 0 } : decodeAppSnapshot(snapshot.data);
    this.check(restored.index === snapshot.meta.index, `node ${node.id}: snapshot data index ${restored.index} != meta ${snapshot.meta.index}`);
    node.app = { index: restored.index, digest: restored.digest, confState: snapshot.meta.confState };
    this.checkDigest(node, restored.index, restored.digest);
    node.raft = this.newRaft(node.id, node.disk, restored.index);
    const hs = node.raft.hardState();
    this.trace(`${node.id} RESTART snapshot=${restored.index} log=[${node.disk.live.firstIndex()},${node.disk.live.lastIndex()}] term=${hs.term} vote=${hs.vote} commit=${hs.commit}`);
    node.crashed = false;
    node.checkedCommit = Math.min(node.checkedCommit, node.raft.log.committed);
  }

  private proposeAtRandomNode(): void {
    const node = this.nodes[this.random.intBelow(this.nodes.length)] as SimNode;
    if (node.crashed || node.inFlightReady !== undefined) return;
    this.propose(node, `c${++this.proposalCounter}`);
  }

  private proposeAtLeader(data: string): void {
    for (const node of this.nodes) {
      if (!node.crashed && node.inFlightReady === undefined && node.raft.state === "leader") this.propose(node, data);
    }
  }

  private propose(node: SimNode, data: string): void {
    try {
      node.raft.propose(textEncoder.encode(data));
      this.stats.proposals++;
    } catch (e: unknown) {
      if (!(e instanceof ProposalDroppedError)) throw e;
    }
  }

  /** Learners first: add a learner, promote it, remove a voter; keeps 3 to 5 voters. */
  private changeMembership(): void {
    const leader = this.nodes.find((n) => !n.crashed && n.inFlightReady === undefined && n.raft.state === "leader");
    if (leader === undefined) return;
    const { voters, learners } = leader.raft.status().confState;
    let change: ConfChange | undefined;
    const learner = learners[0];
    const outsider = this.nodes.map((n) => n.id).find((id) => !voters.includes(id) && !learners.includes(id));
    if (learner !== undefined) change = { type: "add-node", nodeId: learner };
    else if (outsider !== undefined && (voters.length < 5 || this.random.chance(0.5))) change = { type: "add-learner", nodeId: outsider };
    else if (voters.length > 3) change = { type: "remove-node", nodeId: voters[this.random.intBelow(voters.length)] as NodeId };
    if (change === undefined) return;
    try {
      leader.raft.proposeConfChange(change);
    } catch (e: unknown) {
      if (!(e instanceof ProposalDroppedError)) throw e;
    }
  }

  private transferLeadership(): void {
    const leader = this.nodes.find((n) => !n.crashed && n.inFlightReady === undefined && n.raft.state === "leader");
    if (leader === undefined) return;
    const voters = leader.raft.status().confState.voters.filter((id) => id !== leader.id);
    const to = voters[this.random.intBelow(voters.length)];
    if (to === undefined) return;
    leader.raft.transferLeader(to);
    this.stats.transfersRequested++;
  }

  private requestRead(): void {
    const node = this.nodes[this.random.intBelow(this.nodes.length)] as SimNode;
    if (node.crashed || node.inFlightReady !== undefined) return;
    const context = `r${++this.readCounter}`;
    this.readsPending.set(context, this.maxCommitted);
    node.raft.readIndex(context);
  }

  // ---- network ----

  private send(message: Message): void {
    this.stats.messagesSent++;
    if (this.faultsOn && this.random.chance(this.faults.lossChance)) {
      this.stats.messagesDropped++;
      return;
    }
    const copies = this.faultsOn && this.random.chance(this.faults.duplicateChance) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const delay = 1 + this.random.intBelow(this.faultsOn ? SIM_LIMITS.messageDelayUnitsMax : 5);
      this.network.push({ deliverAt: this.now + delay, order: this.order++, message });
    }
  }

  private deliverDue(): void {
    const due = this.network.filter((f) => f.deliverAt <= this.now);
    if (due.length === 0) return;
    this.network = this.network.filter((f) => f.deliverAt > this.now);
    due.sort((a, b) => a.deliverAt - b.deliverAt || a.order - b.order);
    for (const { message } of due) {
      const node = this.nodes[message.to - 1];
      if (node === undefined || node.crashed || this.blocked.has(`${message.from}->${message.to}`)) {
        this.stats.messagesDropped++;
        continue;
      }
      node.inbox.push(message);
    }
  }

  // ---- the driver, honouring the contract: persist (fsync), send, apply, advance ----

  private runNode(node: SimNode): void {
    if (node.crashed) return;
    if (node.inFlightReady !== undefined) {
      if (this.now < node.readyDoneAt) return;
      node.disk.sync();
      this.finishReady(node, node.inFlightReady);
      node.inFlightReady = undefined;
    }
    const inbox = node.inbox;
    node.inbox = [];
    for (const [i, message] of inbox.entries()) {
      if (i >= SIM_LIMITS.inboxStepsPerUnitMax) {
        node.inbox = inbox.slice(i);
        break;
      }
      this.trace(`${node.id} step ${describeMessage(message)}`);
      node.raft.step(message);
      this.checkLeader(node);
      if (message.type === "app-resp" && !message.reject) this.maybeCutLeaderMidCatchUp(node, message.index);
    }
    for (; node.pendingTicks > 0; node.pendingTicks--) {
      node.raft.tick();
      this.checkLeader(node);
    }
    if (!node.raft.hasReady()) return;
    const rd = node.raft.ready();
    // A received snapshot is made durable and the log reset to start after it before anything else
    // of the Ready is written (the cluster driver's install()).
    if (rd.snapshot !== undefined) node.disk.snapshotAndCompact(rd.snapshot, rd.snapshot.meta.index);
    if (rd.entries.length > 0) this.checkNotOverwritingCommitted(node, rd.entries);
    node.disk.write(rd.entries, rd.hardState);
    if (rd.mustSync) {
      node.inFlightReady = rd;
      node.readyDoneAt = this.now + this.random.intBelow(SIM_LIMITS.fsyncDelayUnitsMax + 1);
      if (node.readyDoneAt > this.now) return;
      node.disk.sync();
      node.inFlightReady = undefined;
    }
    this.finishReady(node, rd);
  }

  private finishReady(node: SimNode, rd: Ready): void {
    if (process.env.RAFT_TRACE === "1") for (const line of describeReady(rd)) this.trace(`${node.id} ${line}`);
    for (const message of rd.messages) this.send(message);
    if (rd.snapshot !== undefined) {
      const restored = decodeAppSnapshot(rd.snapshot.data);
      this.check(restored.index === rd.snapshot.meta.index, `node ${node.id}: received snapshot data for ${restored.index}, meta ${rd.snapshot.meta.index}`);
      node.app = { index: restored.index, digest: restored.digest, confState: rd.snapshot.meta.confState };
      this.checkDigest(node, restored.index, restored.digest);
      this.stats.snapshotsRestored++;
    }
    for (const entry of rd.committedEntries) this.apply(node, entry);
    for (const read of rd.readStates) {
      const required = this.readsPending.get(read.context);
      if (required === undefined) continue; // answered twice (a duplicated request): checked the first time
      this.check(read.index >= required, `linearizable read: ${read.context} served at ${read.index}, but ${required} was committed when it was asked`);
      this.readsPending.delete(read.context);
      this.stats.readsServed++;
    }
    node.raft.advance(rd);
    this.checkCommitted(node);
    this.maybeCompact(node);
  }

  private trace(line: string): void {
    if (process.env.RAFT_TRACE === "1") console.log(`t=${this.now} ${line}`);
  }

  private apply(node: SimNode, entry: Entry): void {
    this.trace(`${node.id} apply ${describeEntry(entry)}`);
    this.check(entry.index === node.app.index + 1, `node ${node.id} applied ${entry.index} after ${node.app.index}`);
    if (entry.type === "conf-change") {
      node.app.confState = node.raft.applyConfChange(decodeConfChange(entry.data));
      this.stats.confChangesApplied++;
    }
    node.app.index = entry.index;
    node.app.digest = chainDigest(node.app.digest, entry);
    this.checkDigest(node, entry.index, node.app.digest);
  }

  private maybeCompact(node: SimNode): void {
    const storage = node.disk.live;
    if (node.app.index - storage.firstIndex() < this.compactEveryEntries) return;
    const index = node.app.index;
    const term = storage.term(index);
    const snapshot: Snapshot = { meta: { index, term, confState: node.app.confState }, data: encodeAppSnapshot(node.app, this.snapshotPaddingBytes) };
    // Like the cluster driver, keep a few entries below the snapshot for followers slightly behind.
    node.disk.snapshotAndCompact(snapshot, Math.max(storage.firstIndex(), index - this.random.intBelow(5)));
  }

  // ---- checkers ----

  /** Election safety: at most one leader per term. */
  private checkLeader(node: SimNode): void {
    if (node.raft.state !== "leader") return;
    const term = node.raft.term;
    const existing = this.leaderOfTerm.get(term);
    if (existing === undefined) {
      this.leaderOfTerm.set(term, node.id);
      this.stats.leadersElected++;
      this.stats.maxTerm = Math.max(this.stats.maxTerm, term);
      this.checkLeaderComplete(node);
      this.maybeDoomLeader(node);
    } else {
      this.check(existing === node.id, `election safety: nodes ${existing} and ${node.id} both lead term ${term}`);
    }
  }

  /** Leader completeness: a new leader's log holds every entry committed so far (above its snapshot). */
  private checkLeaderComplete(node: SimNode): void {
    const log = node.raft.log;
    for (let i = Math.max(1, log.firstIndex()); i <= this.maxCommitted; i++) {
      const known = this.committedAt.get(i);
      if (known === undefined) continue;
      const term = log.term(i);
      this.check(term === known.term, `leader completeness: node ${node.id} leads term ${node.raft.term} with ${term ?? "nothing"} at committed index ${i} (${known.term}/"${known.data}")`);
    }
  }

  /**
   * No log replaces a committed entry it holds: checked on every append the driver persists. (A deposed
   * leader may still append its own entries where others have committed different ones; it never held
   * those, so only replacing what the disk has counts.)
   */
  private checkNotOverwritingCommitted(node: SimNode, entries: readonly Entry[]): void {
    const storage = node.disk.live;
    for (const entry of entries) {
      if (entry.index > this.maxCommitted || entry.index > storage.lastIndex()) return;
      const known = this.committedAt.get(entry.index);
      if (known === undefined || known.term === entry.term || entry.index < storage.firstIndex()) continue;
      if (storage.term(entry.index) !== known.term) continue;
      this.fail(`committed entry ${entry.index} (${known.term}/"${known.data}") overwritten on node ${node.id} by ${describeEntry(entry)}`);
    }
  }

  /** Leader churn: schedule the new leader's crash soon, sometimes muting it first (Figure 8 (b) and (c)). */
  private maybeDoomLeader(node: SimNode): void {
    if (!this.faultsOn || this.faults.newLeaderCrashChance === 0 || !this.random.chance(this.faults.newLeaderCrashChance)) return;
    node.crashAt = this.now + 1 + this.random.intBelow(SIM_LIMITS.churnLeaderCrashDelayUnitsMax);
    this.stats.leaderCrashesScheduled++;
    if (!this.random.chance(this.faults.newLeaderMuteChance)) return;
    for (const other of this.nodes) if (other.id !== node.id) this.blocked.add(`${node.id}->${other.id}`);
  }

  private maybeCutLeaderMidCatchUp(node: SimNode, acknowledgedIndex: number): void {
    if (!this.faultsOn || this.faults.catchUpCrashChance === 0 || node.raft.state !== "leader" || node.crashAt !== 0) return;
    const term = node.raft.log.term(acknowledgedIndex);
    if (term === undefined || term >= node.raft.term || !this.random.chance(this.faults.catchUpCrashChance)) return;
    // Muted at once so that nothing it sends from now on (its own term's entries) arrives; it crashes
    // after its next Ready is durable, so whatever it commits meanwhile is seen by the checker.
    for (const other of this.nodes) if (other.id !== node.id) this.blocked.add(`${node.id}->${other.id}`);
    node.crashAt = this.now + 1 + SIM_LIMITS.fsyncDelayUnitsMax + this.random.intBelow(SIM_LIMITS.tickUnits);
    this.stats.leaderCrashesScheduled++;
  }

  /** State machine safety: every node's state after applying index i is the same. */
  private checkDigest(node: SimNode, index: number, digest: number): void {
    if (index === 0) return;
    const known = this.digestAt.get(index);
    if (known === undefined) this.digestAt.set(index, digest);
    else this.check(known === digest, `state machine safety: node ${node.id} state after ${index} differs`);
  }

  /** No committed entry is ever lost or changed: whatever a node learns is committed stays the same. */
  private checkCommitted(node: SimNode): void {
    const log = node.raft.log;
    const from = Math.max(node.checkedCommit + 1, log.firstIndex());
    for (let i = from; i <= log.committed; i++) {
      const entry = log.slice(i, i + 1, 1)?.[0];
      if (entry === undefined) continue;
      const data = textDecoder.decode(entry.data);
      const known = this.committedAt.get(i);
      if (known === undefined) this.committedAt.set(i, { term: entry.term, data });
      else this.check(known.term === entry.term && known.data === data, `committed entry ${i} changed on node ${node.id}: ${known.term}/"${known.data}" became ${entry.term}/"${data}"`);
    }
    node.checkedCommit = Math.max(node.checkedCommit, log.committed);
    this.maxCommitted = Math.max(this.maxCommitted, log.committed);
  }

  /** Liveness: the probe is applied and every member has applied everything ever committed. */
  private converged(probe: string): boolean {
    const leader = this.nodes.find((n) => !n.crashed && n.raft.state === "leader");
    if (leader === undefined) return false;
    const { voters, learners } = leader.raft.status().confState;
    const members = this.nodes.filter((n) => voters.includes(n.id) || learners.includes(n.id));
    const probeIndex = [...this.committedAt.entries()].find(([, e]) => e.data === probe)?.[0];
    if (probeIndex === undefined) return false;
    return members.every((n) => n.app.index >= Math.max(probeIndex, this.maxCommitted));
  }

  private check(condition: boolean, what: string): asserts condition {
    if (!condition) this.fail(what);
  }

  private fail(what: string): never {
    throw new SimulationFailure(this.seed, what);
  }
}

/** Runs one seed; core assertion failures are reported with the seed too. */
export function runSeed(seed: number): SimStats {
  try {
    return new Simulator(seed).run();
  } catch (e: unknown) {
    if (e instanceof SimulationFailure) throw e;
    throw new SimulationFailure(seed, `exception: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
}
