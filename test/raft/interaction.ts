// The scenario interpreter: a handful of Raft nodes driven step by step by script commands, printing
// every Ready, message and state so that a transcript records exactly what the core did.
import {
  type ConfChange,
  type ConfState,
  decodeConfChange,
  describeEntry,
  describeMessage,
  describeReady,
  MemoryStorage,
  type Message,
  type NodeId,
  ProposalDroppedError,
  RAFT_DEFAULTS,
  RaftNode,
  SeededRandom,
} from "../../src/raft/core/index.ts";

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** Rounds of ready-and-deliver in one `stabilize` before it reports a livelock. */
const stabilizeRoundsMax = 200;

interface ScenarioNode {
  readonly id: NodeId;
  readonly storage: MemoryStorage;
  node: RaftNode;
  /** The application state: data of applied normal entries, in order. */
  applied: string[];
  confState: ConfState;
  crashed: boolean;
  /** Core limits this node was added with, kept across restarts. */
  readonly raftOptions: Partial<typeof RAFT_DEFAULTS>;
}

type RaftLimitName = keyof typeof RAFT_DEFAULTS;

export class Interaction {
  private readonly nodes = new Map<NodeId, ScenarioNode>();
  private queue: Message[] = [];
  /** Directed links that drop every message: "from->to". */
  private readonly blocked = new Set<string>();
  private readonly raftOptions = { electionTimeoutTicks: 10, heartbeatTimeoutTicks: 1, snapshotChunkBytes: 8 };

  run(commandLine: string): string {
    const [command, ...args] = commandLine.trim().split(/\s+/);
    const out: string[] = [];
    switch (command) {
      case "add-nodes":
        this.addNodes(args, out);
        break;
      case "campaign":
        this.node(args[0]).node.campaign();
        break;
      case "tick":
        for (const n of this.targets(args[0])) for (let i = 0; i < Number(args[1] ?? 1); i++) n.node.tick();
        break;
      case "propose":
        this.tryPropose(out, () => this.node(args[0]).node.propose(textEncoder.encode(args[1] ?? "")));
        break;
      case "propose-conf-change": {
        const change = { type: args[1], nodeId: Number(args[2]) } as ConfChange;
        this.tryPropose(out, () => this.node(args[0]).node.proposeConfChange(change));
        break;
      }
      case "transfer-leader":
        this.node(args[0]).node.transferLeader(Number(args[1]));
        break;
      case "read-index":
        this.node(args[0]).node.readIndex(args[1] ?? "");
        break;
      case "process-ready":
        for (const n of this.targets(args[0])) this.processReady(n, out);
        break;
      case "deliver-msgs":
        this.deliver(args[0] === undefined ? undefined : this.targets(args[0]).map((n) => n.id), out);
        break;
      case "drop-msgs":
        this.dropMessages(args, out);
        break;
      case "stabilize":
        this.stabilize(out);
        break;
      case "partition":
        this.partition(commandLine.slice(commandLine.indexOf(" ") + 1));
        break;
      case "block":
        for (const link of args) this.blocked.add(link);
        break;
      case "heal":
        this.blocked.clear();
        break;
      case "crash":
        this.crash(this.node(args[0]));
        break;
      case "restart":
        this.restart(this.node(args[0]), out);
        break;
      case "compact":
        this.compact(this.node(args[0]), Number(args[1]), out);
        break;
      case "status":
        for (const n of this.targets(args[0] ?? "all")) this.status(n, out);
        break;
      case "log":
        for (const n of this.targets(args[0] ?? "all")) this.printLog(n, out);
        break;
      default:
        throw new Error(`unknown command ${command}`);
    }
    return out.length === 0 ? "ok" : out.join("\n");
  }

  private addNodes(args: string[], out: string[]): void {
    const count = Number(args[0]);
    const options = parseOptions(args.slice(1));
    const first = this.nodes.size + 1;
    const ids = Array.from({ length: count }, (_, i) => first + i);
    const confState = { voters: parseIdList(options.get("voters")) ?? ids, learners: parseIdList(options.get("learners")) ?? [] };
    options.delete("voters");
    options.delete("learners");
    const raftOptions = { ...this.raftOptions, ...parseRaftLimits(options) };
    for (const id of ids) {
      const storage = new MemoryStorage(confState);
      const node = new RaftNode({ id, storage, random: new SeededRandom(id), ...raftOptions });
      this.nodes.set(id, { id, storage, node, applied: [], confState, crashed: false, raftOptions });
      out.push(`${id}: voters=(${confState.voters.join(",")}) learners=(${confState.learners.join(",")})`);
    }
  }

  private tryPropose(out: string[], propose: () => void): void {
    try {
      propose();
    } catch (e: unknown) {
      if (!(e instanceof ProposalDroppedError)) throw e;
      out.push(`dropped: ${e.message}`);
    }
  }

  /** Persist, send, apply, advance: the driver contract, printed. */
  private processReady(n: ScenarioNode, out: string[]): boolean {
    if (n.crashed || !n.node.hasReady()) return false;
    const rd = n.node.ready();
    out.push(`> ${n.id} handling Ready`);
    for (const line of describeReady(rd)) out.push(`  ${line}`);
    if (rd.snapshot !== undefined) n.storage.applySnapshot(rd.snapshot);
    n.storage.append(rd.entries);
    if (rd.hardState !== undefined) n.storage.setHardState(rd.hardState);
    for (const m of rd.messages) {
      out.push(`  send: ${describeMessage(m)}`);
      this.queue.push(m);
    }
    if (rd.snapshot !== undefined) {
      const text = textDecoder.decode(rd.snapshot.data);
      n.applied = text === "" ? [] : text.split(",");
      n.confState = rd.snapshot.meta.confState;
    }
    for (const entry of rd.committedEntries) {
      if (entry.type === "conf-change") {
        n.confState = n.node.applyConfChange(decodeConfChange(entry.data));
        out.push(`  conf-state: voters=(${n.confState.voters.join(",")}) learners=(${n.confState.learners.join(",")})`);
      } else if (entry.data.length > 0) {
        n.applied.push(textDecoder.decode(entry.data));
      }
    }
    n.node.advance(rd);
    return true;
  }

  private deliver(to: NodeId[] | undefined, out: string[]): number {
    const now = this.queue.filter((m) => to === undefined || to.includes(m.to));
    this.queue = this.queue.filter((m) => !now.includes(m));
    const byRecipient = new Map<NodeId, Message[]>();
    for (const m of now) byRecipient.set(m.to, [...(byRecipient.get(m.to) ?? []), m]);
    for (const id of [...byRecipient.keys()].sort((a, b) => a - b)) {
      const n = this.nodes.get(id);
      out.push(`> ${id} receiving messages`);
      for (const m of byRecipient.get(id) ?? []) {
        if (n === undefined || n.crashed) {
          out.push(`  ${describeMessage(m)} DROPPED (crashed)`);
        } else if (this.blocked.has(`${m.from}->${m.to}`)) {
          out.push(`  ${describeMessage(m)} DROPPED (partition)`);
        } else {
          out.push(`  ${describeMessage(m)}`);
          n.node.step(m);
        }
      }
    }
    return now.length;
  }

  private dropMessages(args: string[], out: string[]): void {
    const options = parseOptions(args);
    const from = options.get("from");
    const to = options.get("to");
    const match = (m: Message) => (from === undefined || m.from === Number(from)) && (to === undefined || m.to === Number(to));
    for (const m of this.queue.filter(match)) out.push(`dropped: ${describeMessage(m)}`);
    this.queue = this.queue.filter((m) => !match(m));
  }

  private stabilize(out: string[]): void {
    for (let round = 0; round < stabilizeRoundsMax; round++) {
      let busy = false;
      for (const n of this.sorted()) busy = this.processReady(n, out) || busy;
      busy = this.deliver(undefined, out) > 0 || busy;
      if (!busy) return;
    }
    throw new Error(`stabilize: still busy after ${stabilizeRoundsMax} rounds`);
  }

  /** "partition 1 | 2 3": every link between the groups drops messages both ways. */
  private partition(spec: string): void {
    this.blocked.clear();
    const groups = spec.split("|").map((g) => g.trim().split(/\s+/).map(Number));
    for (const a of groups) {
      for (const b of groups) {
        if (a === b) continue;
        for (const x of a) for (const y of b) this.blocked.add(`${x}->${y}`);
      }
    }
  }

  private crash(n: ScenarioNode): void {
    n.crashed = true;
  }

  /** A restart keeps only what processReady persisted (in this harness every persist is synced). */
  private restart(n: ScenarioNode, out: string[]): void {
    const snapshot = n.storage.snapshot();
    const text = textDecoder.decode(snapshot.data);
    n.applied = text === "" ? [] : text.split(",");
    n.confState = snapshot.meta.confState;
    n.node = new RaftNode({ id: n.id, storage: n.storage, random: new SeededRandom(n.id * 7919), applied: snapshot.meta.index, ...n.raftOptions });
    n.crashed = false;
    this.queue = this.queue.filter((m) => m.to !== n.id);
    this.status(n, out);
  }

  private compact(n: ScenarioNode, index: number, out: string[]): void {
    const status = n.node.status();
    if (index > status.applied) throw new Error(`compact ${index}: node ${n.id} applied only ${status.applied}`);
    // The harness's applied list covers exactly the applied index only when compacting at it.
    if (index !== status.applied) throw new Error("compact: the scenario harness snapshots at the applied index only");
    n.storage.createSnapshot(index, n.confState, textEncoder.encode(n.applied.join(",")));
    n.storage.compact(index);
    out.push(`${n.id}: snapshot at ${index}, log=[${n.storage.firstIndex()},${n.storage.lastIndex()}]`);
  }

  private status(n: ScenarioNode, out: string[]): void {
    if (n.crashed) {
      out.push(`${n.id}: crashed`);
      return;
    }
    const s = n.node.status();
    out.push(
      `${n.id}: ${s.state} term=${s.term} vote=${s.vote} lead=${s.lead} commit=${s.commit} applied=${s.applied} ` +
        `log=[${s.firstIndex},${s.lastIndex}] voters=(${s.confState.voters.join(",")}) learners=(${s.confState.learners.join(",")})` +
        (s.leadTransferee !== 0 ? ` transferring-to=${s.leadTransferee}` : ""),
    );
    for (const [id, progress] of s.progress) out.push(`  ${id}: ${progress}`);
    if (n.applied.length > 0) out.push(`  state: ${n.applied.join(",")}`);
  }

  private printLog(n: ScenarioNode, out: string[]): void {
    const log = n.node.log;
    const entries = log.slice(log.firstIndex(), log.lastIndex() + 1, Number.MAX_SAFE_INTEGER) ?? [];
    out.push(`${n.id}: ${entries.length === 0 ? "(empty)" : entries.map(describeEntry).join(", ")}`);
  }

  private node(arg: string | undefined): ScenarioNode {
    const n = this.nodes.get(Number(arg));
    if (n === undefined) throw new Error(`no node ${arg}`);
    return n;
  }

  private targets(arg: string | undefined): ScenarioNode[] {
    if (arg === undefined || arg === "all") return this.sorted();
    return arg.split(",").map((id) => this.node(id));
  }

  private sorted(): ScenarioNode[] {
    return [...this.nodes.values()].sort((a, b) => a.id - b.id);
  }
}

function parseOptions(args: string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (const arg of args) {
    const eq = arg.indexOf("=");
    if (eq > 0) options.set(arg.slice(0, eq), arg.slice(eq + 1));
  }
  return options;
}

/** "max-entries-per-message=1" sets the core's maxEntriesPerMessage; an unknown name is a script error. */
function parseRaftLimits(options: ReadonlyMap<string, string>): Partial<typeof RAFT_DEFAULTS> {
  const limits: Partial<Record<RaftLimitName, number | boolean>> = {};
  for (const [option, text] of options) {
    const name = option.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (!Object.hasOwn(RAFT_DEFAULTS, name)) throw new Error(`add-nodes: unknown option ${option}`);
    const isFlag = typeof RAFT_DEFAULTS[name as RaftLimitName] === "boolean";
    const value = isFlag ? text === "true" : Number(text);
    if (isFlag ? text !== "true" && text !== "false" : !Number.isFinite(value)) throw new Error(`add-nodes: bad value ${option}=${text}`);
    limits[name as RaftLimitName] = value;
  }
  return limits as Partial<typeof RAFT_DEFAULTS>;
}

function parseIdList(text: string | undefined): NodeId[] | undefined {
  if (text === undefined) return undefined;
  const inner = text.replace(/[()]/g, "");
  return inner === "" ? [] : inner.split(",").map(Number);
}
