// The network server: Bun.listen, connection lifecycle, maxclients, idle timeout, graceful shutdown.
import { InstantaneousMetric, sampleEveryMs } from "./instantaneous.ts";
import { Tracking } from "./tracking.ts";
import type { Socket, TCPSocketListener } from "bun";
import type { Config } from "../config/config.ts";
import type { CommandTable } from "../commands/table.ts";
import type { Engine } from "../engine/engine.ts";
import { countError, newStats, type ClientHandle, type ServerContext, type ServerStats } from "../engine/server-context.ts";
import { ClientState } from "./client-state.ts";
import { Connection, type ConnectionHost } from "./connection.ts";
import { Dispatcher } from "./dispatch.ts";
import { isClientBlocked } from "./blocking.ts";
import { PubSubHub } from "./pubsub.ts";
import { keyspaceEventFlags } from "./notify.ts";
import type { ClusterNode } from "../raft/cluster.ts";
import { MonitorFeed, type MonitorSink } from "./monitor.ts";
import { ClientPause } from "./client-pause.ts";

export const bunkerVersion = "7.0.15";
/** How long a graceful shutdown in cluster mode waits for in-flight writes to commit. */
const clusterShutdownWaitMs = 5000;

export interface ServerOptions {
  readonly config: Config;
  readonly table: CommandTable;
  readonly engine: Engine;
  readonly log: (line: string) => void;
  /** Called after a graceful shutdown completed. */
  readonly onShutdown: () => void;
  /** Cluster mode: this node's Raft groups and membership (absent: standalone). */
  readonly cluster?: ClusterNode;
  /** False when the engine outlives this server (embedded listeners). Default true. */
  readonly closeEngineOnShutdown?: boolean;
}

export class Server implements ServerContext, ConnectionHost {
  readonly config: Config;
  readonly table: CommandTable;
  readonly engine: Engine;
  readonly stats: ServerStats = newStats();
  readonly runId: string;
  readonly startedMs = Date.now();
  readonly version = bunkerVersion;
  readonly mode = "standalone" as const;
  readonly cluster: ClusterNode | null;
  readonly dispatcher: Dispatcher;
  readonly pubsub = new PubSubHub();
  readonly monitors = new MonitorFeed({ sinkOf: (client) => this.monitorSinkOf(client) });
  readonly clientPause: ClientPause;
  readonly tracking: Tracking;
  tcpPort = 0;
  private listener: TCPSocketListener<Connection | undefined> | null = null;
  private readonly connections = new Set<Connection>();
  private readonly connectionsById = new Map<number, Connection>();
  private trackingHooked = false;
  private readonly waitingForDurable = new Set<Connection>();
  private nextClientId = 1;
  private cronTimer: ReturnType<typeof setInterval> | null = null;
  private shuttingDown = false;

  /** True from SHUTDOWN (or SIGTERM) on: no new clients, in-flight writes finishing. */
  get stopping(): boolean {
    return this.shuttingDown;
  }

  constructor(private readonly opts: ServerOptions) {
    this.config = opts.config;
    this.table = opts.table;
    this.engine = opts.engine;
    this.cluster = opts.cluster ?? null;
    this.runId = Array.from(crypto.getRandomValues(new Uint8Array(20)), (b) => b.toString(16).padStart(2, "0")).join("");
    this.clientPause = new ClientPause({
      nowMs: () => Date.now(),
      onFrozen: (frozen) => {
        this.engine.executor.datasetFrozen = frozen;
      },
    });
    this.tracking = new Tracking({
      clientById: (id) => {
        const c = this.connectionsById.get(id);
        return c === undefined ? undefined : { state: c.state, push: (write) => c.pushMessage(write) };
      },
      currentClient: () => this.engine.executor.client ?? null,
      tableMaxKeys: () => this.config.int("tracking-table-max-keys"),
    });
    this.dispatcher = new Dispatcher(this, this.engine);
    this.wirePubSub();
    this.engine.onDurable(() => {
      if (this.waitingForDurable.size === 0) return;
      const list = [...this.waitingForDurable];
      this.waitingForDurable.clear();
      for (const c of list) c.flush();
    });
    this.dispatcher.fitMemory();
    // Called inside CONFIG SET's unit: evictions are units of their own, so they run right after it.
    this.config.onChange((name) => {
      if (name === "maxmemory") queueMicrotask(() => this.dispatcher.fitMemory());
      if (name === "tracking-table-max-keys") queueMicrotask(() => this.tracking.limitTable());
    });
  }

  /** Keyspace notification classes follow the config; expirations (lazy or active) emit `expired`. */
  private wirePubSub(): void {
    this.pubsub.setNotifyConfig(this.config.get("notify-keyspace-events"));
    // The given text, not the stored one: the canonical form drops 'n' when 'A' is set (as Redis prints it).
    this.config.onChange((name, given) => {
      if (name === "notify-keyspace-events") this.pubsub.setNotifyConfig(given);
    });
    const engine = this.engine;
    engine.executor.lfu = this.config.maxmemoryPolicy.endsWith("-lfu");
    this.config.onChange((name) => {
      if (name === "maxmemory-policy") engine.executor.lfu = this.config.maxmemoryPolicy.endsWith("-lfu");
    });
    const previous = engine.onExpired;
    engine.onExpired = (db, key) => {
      previous(db, key);
      if (engine.executor.replaying) return;
      this.stats.expiredKeys++;
      this.pubsub.keyspaceEvent(keyspaceEventFlags.expired, "expired", key, db);
    };
  }

  // ConnectionHost
  durableSeq(): number {
    return this.engine.durableSeq;
  }
  appendedSeq(): number {
    return this.engine.appendedSeq;
  }
  outputBytesMax(): number {
    return this.config.int("client-output-buffer-limit-bytes");
  }
  pipelineDepthMax(): number {
    return this.config.int("pipeline-depth-max");
  }
  queryBufferBytesMax(): number {
    return this.config.int("client-query-buffer-limit");
  }
  bulkBytesMax(): number {
    return this.config.int("proto-max-bulk-len");
  }
  passwordRequired(): boolean {
    return this.config.get("requirepass") !== "";
  }
  countOutput(bytes: number): void {
    this.stats.totalNetOutputBytes += bytes;
  }
  waitForDurable(conn: Connection): void {
    this.waitingForDurable.add(conn);
  }
  repliedErrors(error: string, count: number): void {
    const code = error.slice(0, Math.max(0, error.indexOf(" ")));
    for (let i = 0; i < count; i++) countError(this.stats, code);
  }
  /** The engine hooks CLIENT TRACKING needs, added when a client first enables it. */
  trackingEnabled(): void {
    if (this.trackingHooked) return;
    this.trackingHooked = true;
    const engine = this.engine;
    engine.keyChangeHooks.push((_shard, _db, key) => this.tracking.keyChanging(key));
    // One FLUSHALL calls this once per shard and database: one null per unit is enough.
    let flushedInUnit = false;
    engine.flushHooks.push(() => {
      if (flushedInUnit) return;
      flushedInUnit = true;
      this.tracking.flushed();
    });
    engine.afterUnitHooks.push(() => {
      flushedInUnit = false;
      this.tracking.unitDone();
    });
  }

  closed(conn: Connection): void {
    this.connections.delete(conn);
    this.connectionsById.delete(conn.state.id);
    this.tracking.disable(conn.state);
    this.waitingForDurable.delete(conn);
    this.engine.watches.unwatchAll(conn.state);
    this.pubsub.detach(conn.state);
    this.monitors.remove(conn.state);
    this.onClientClosed(conn);
  }
  nowMs(): number {
    return Date.now();
  }
  /** Hooks for pub/sub and blocking commands to forget a client. */
  onClientClosed: (conn: Connection) => void = () => {};

  *clients(): Iterable<ClientHandle> {
    for (const c of this.connections) {
      yield { state: c.state, kill: () => c.close(), fd: -1 };
    }
  }

  /** MONITOR: the lines go to the client's connection behind its own replies, like pushed messages. */
  private monitorSinkOf(client: ClientState): MonitorSink | null {
    for (const c of this.connections) {
      if (c.state === client) return (line) => c.pushMessage((w) => w.raw(line));
    }
    return null;
  }

  connectionCount(): number {
    return this.connections.size;
  }

  listen(port: number, hostname: string): number {
    this.listener = Bun.listen<Connection | undefined>({
      hostname,
      port,
      socket: {
        binaryType: "uint8array",
        open: (socket) => this.accept(socket),
        data: (socket, chunk) => {
          this.stats.totalNetInputBytes += chunk.length;
          socket.data?.onData(chunk);
        },
        drain: (socket) => socket.data?.flush(),
        close: (socket) => socket.data?.onClose(),
        error: (socket) => socket.data?.onClose(),
      },
    });
    this.tcpPort = this.listener.port;
    const hz = this.config.int("hz");
    // At least every 100 ms: the instantaneous metrics sample at that period, as Redis's.
    this.cronTimer = setInterval(() => this.cron(), Math.max(2, Math.min(sampleEveryMs, Math.floor(1000 / hz))));
    return this.tcpPort;
  }

  private accept(socket: Socket<Connection | undefined>): void {
    this.stats.totalConnectionsReceived++;
    if (this.shuttingDown || this.connections.size >= this.config.int("maxclients")) {
      this.stats.rejectedConnections++;
      socket.write("-ERR max number of clients reached\r\n");
      socket.end();
      return;
    }
    const addr = `${socket.remoteAddress}:${socket.remotePort ?? 0}`;
    const laddr = `${socket.localAddress ?? "127.0.0.1"}:${this.tcpPort}`;
    const state = new ClientState(this.nextClientId++, addr, laddr, Date.now(), this.passwordRequired());
    const conn = new Connection(socket, state, this);
    conn.writer.onError = (code) => countError(this.stats, code);
    socket.data = conn;
    this.connections.add(conn);
    this.connectionsById.set(state.id, conn);
    this.pubsub.attach(state, (write) => conn.pushMessage(write));
  }

  /** Time spent in active expiry cycles (INFO expire_cycle_cpu_milliseconds). */
  expireCycleMs = 0;

  /** INFO's instantaneous_* figures (server/instantaneous.ts), sampled from cron every 100 ms. */
  readonly instantaneous = {
    ops: new InstantaneousMetric(Date.now(), 0),
    input: new InstantaneousMetric(Date.now(), 0),
    output: new InstantaneousMetric(Date.now(), 0),
    lastMs: Date.now(),
  };

  /** Periodic work: the instantaneous metrics, idle timeouts (the engine runs its own expiry cycle). */
  private cron(): void {
    const inst = this.instantaneous;
    const nowMs = Date.now();
    if (nowMs - inst.lastMs >= sampleEveryMs) {
      inst.lastMs = nowMs;
      inst.ops.track(nowMs, this.stats.totalCommandsProcessed);
      inst.input.track(nowMs, this.stats.totalNetInputBytes);
      inst.output.track(nowMs, this.stats.totalNetOutputBytes);
    }
    const timeoutSec = this.config.int("timeout");
    if (timeoutSec > 0) {
      const now = Date.now();
      for (const c of this.connections) {
        const s = c.state;
        // As Redis: subscribers and blocked clients (BLPOP, FETCH_OR_COMPUTE waiters) are never idle.
        if (s.inPubSub || c.hasPendingOutput || c.paused || isClientBlocked(this.engine, s)) continue;
        if (now - s.lastInteractionMs > timeoutSec * 1000) c.close();
      }
    }
  }

  /** Stops accepting, lets in-flight writes become durable, flushes replies, closes everything. */
  async shutdown(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.listener?.stop(false);
    if (this.cronTimer) clearInterval(this.cronTimer);
    // A cluster node without a majority may never see its last writes committed: bounded wait.
    const durable = this.engine.waitDurable();
    await (this.cluster === null ? durable : Promise.race([durable, new Promise((r) => setTimeout(r, clusterShutdownWaitMs))]));
    for (const c of this.connections) c.flush();
    const deadline = Date.now() + 2000;
    while ([...this.connections].some((c) => c.hasPendingOutput) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    for (const c of [...this.connections]) c.close();
    this.cluster?.stop();
    if (this.opts.closeEngineOnShutdown !== false) await this.engine.close();
    this.listener?.stop(true);
    this.opts.onShutdown();
  }

  requestShutdown(): void {
    void this.shutdown();
  }
}
