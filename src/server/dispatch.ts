// Redis's processCommand: look up, check arity, auth, context (MULTI, pub/sub), then execute.
// Command errors are replied here with Redis's exact texts; the connection stays open.
import { arityOk, keyIndexes, type Command } from "../commands/table.ts";
import { durabilityOf } from "../keyspace/namespaces.ts";
import type { Engine } from "../engine/engine.ts";
import type { ServerContext } from "../engine/server-context.ts";
import { errArity, errUnknownCommand, errUnknownSubcommand } from "../protocol/errors.ts";
import { latin1 } from "../keyspace/entry.ts";
import type { Connection } from "./connection.ts";
import type { ClusterMember } from "../raft/cluster.ts";
import { Evictor, errOom } from "../engine/eviction.ts";
import { commandStat, type CommandStat } from "../engine/server-context.ts";
import { keySlot, shardOfSlot } from "../keyspace/slot.ts";
import { Forwarder, forwarderClientName } from "./forward.ts";
import { noteCall } from "./call-stats.ts";
import { MonitorFeed } from "./monitor.ts";
import { ClientPause, effectiveFlags } from "./client-pause.ts";

/** Commands allowed while a RESP2 client is subscribed. */
const pubsubAllowed = new Set(["subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe", "ping", "quit", "reset"]);
/** Commands executed immediately inside MULTI instead of being queued. */
const multiImmediate = new Set(["exec", "discard", "multi", "watch", "quit", "reset"]);

/**
 * Commands whose replies are (un)subscribe confirmations. Redis 7.0 writes those, like pub/sub
 * messages, with CLIENT_PUSHING set, so they reach the client even under CLIENT REPLY OFF/SKIP.
 */
const confirmationCommands = new Set(["subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe"]);
const ERROR_PREFIX_BYTE = 0x2d; // '-'

/** Read through a call: the command may have changed the mode (TypeScript's narrowing cannot see it). */
function replyModeIsOn(client: { replyMode: string }): boolean {
  return client.replyMode === "on";
}

export class Dispatcher {
  private readonly evictor: Evictor;
  /** Cluster mode: sends commands for shards led elsewhere to their leader (src/server/forward.ts). */
  private readonly forwarder: Forwarder | null;
  private readonly monitors: MonitorFeed;
  private readonly pause: ClientPause;

  constructor(
    private readonly server: ServerContext,
    private readonly engine: Engine,
  ) {
    this.evictor = new Evictor(engine, server);
    this.monitors = server.monitors ?? new MonitorFeed({ sinkOf: () => null });
    this.pause = server.clientPause ?? new ClientPause({ nowMs: () => Date.now(), onFrozen: () => {} });
    this.forwarder = server.cluster ? new Forwarder(() => server.config.get("requirepass")) : null;
  }

  /**
   * Brings the dataset under maxmemory now, outside any command: at start-up (a restart may load more
   * than the limit, or come back with a lower one) and when CONFIG SET lowers the limit. Commands that
   * grow memory do it themselves; without this a read-only client would see memory above the limit,
   * where Redis (which frees memory before every command) would not.
   */
  fitMemory(): void {
    this.evictor.makeRoom();
  }


  /**
   * Replies a rejection of `cmd` (Redis's rejectCommand): EXEC, rejected for any reason (arity, NOAUTH,
   * OOM, pub/sub context), discards the transaction and unwatches every key even outside MULTI, and
   * answers EXECABORT with the reason.
   */
  private reject(conn: Connection, cmd: Command, error: string): void {
    if (cmd.spec.name !== "exec") return conn.writer.error(error);
    const client = conn.state;
    client.multi = null;
    client.multiError = false;
    this.engine.watches.unwatchAll(client);
    // Redis formats these rejections without the ERR code (NOAUTH and OOM keep theirs).
    const reason = error.startsWith("ERR ") ? error.slice(4) : error;
    conn.writer.error(`EXECABORT Transaction discarded because of: ${reason}`);
  }

  /** Resolves argv to a command or subcommand, writing the error reply when it cannot. */
  resolve(conn: Connection, argv: readonly Uint8Array[]): Command | null {
    const w = conn.writer;
    const cmd = this.server.table.getBytes(argv[0] as Uint8Array);
    if (!cmd) {
      w.error(errUnknownCommand(latin1(argv[0] as Uint8Array), argv.slice(1).map((a) => latin1(a))));
      return null;
    }
    if (cmd.subcommands.size > 0 && argv.length >= 2) {
      const subName = latin1(argv[1] as Uint8Array);
      const sub = cmd.subcommands.get(subName.toLowerCase());
      if (!sub) {
        w.error(errUnknownSubcommand(subName, cmd.fullName.toUpperCase()));
        return null;
      }
      if (!arityOk(sub.spec.arity, argv.length)) {
        commandStat(this.server.stats, sub.fullName).rejectedCalls++;
        w.error(errArity(sub.fullName));
        return null;
      }
      return sub;
    }
    if (!arityOk(cmd.spec.arity, argv.length)) {
      commandStat(this.server.stats, cmd.fullName).rejectedCalls++;
      this.reject(conn, cmd, errArity(cmd.fullName));
      return null;
    }
    return cmd;
  }

  /** `again`: the command waited for forwarded replies (see forward.ts) and was counted already. */
  dispatch(conn: Connection, argv: Uint8Array[], again = false): void {
    const client = conn.state;
    const w = conn.writer;
    if (!again) {
      client.commandsProcessed++;
      this.server.stats.totalCommandsProcessed++;
    }
    const mark = w.length;
    const cmd = this.admit(conn, argv);
    if (cmd === null) {
      // A rejection or QUEUED is an ordinary reply: dropped under CLIENT REPLY OFF/SKIP, and a rejected
      // command uses up SKIP (Redis resets the flag after every command outside MULTI).
      if (client.replyMode !== "on") {
        w.truncate(mark);
        if (client.replyMode === "skip" && !client.multi) client.replyMode = "on";
      }
      return;
    }
    const grows = this.admittedGrows;
    const stat = this.admittedStat as CommandStat;
    const durability = this.admittedDurability;
    const before = w.length;
    const errorsBefore = w.errorCount;
    client.nestedErrorReplies = 0;
    // Its time is recorded where it runs (executeNow): a command waiting for cold values runs later.
    this.execute(conn, cmd, argv, grows, stat, this.clusterReadShard);
    if (this.monitors.size !== 0) this.monitors.feed(client, cmd, argv);
    stat.calls++;
    if (w.errorCount - client.nestedErrorReplies !== errorsBefore) stat.failedCalls++;
    // An async-namespace command's reply does not wait for its own log entry (unless replies that
    // must wait are already ahead of it in this batch).
    if (durability === "async") {
      if (before === 0 && conn.barrierOverride === -1) conn.barrierOverride = this.engine.durableSeq;
    } else conn.barrierOverride = -1;
    // Evict again after the write, so the dataset is back under maxmemory whenever a reply leaves.
    if (grows) this.evictor.makeRoom();
  }

  /**
   * Redis's processCommand checks: resolves the command and replies the first rejection (unknown
   * command, arity, NOAUTH, MULTI context, pub/sub context, OOM, CROSSSLOT) or QUEUED. Returns null when
   * it has replied, else the command (what else dispatch needs is left in the admitted* fields and
   * clusterReadShard).
   */
  private admit(conn: Connection, argv: Uint8Array[]): Command | null {
    const client = conn.state;
    const w = conn.writer;
    const cmd = this.resolve(conn, argv);
    if (!cmd) {
      if (client.multi) client.multiError = true;
      return null;
    }
    const top = cmd.parent ?? cmd;
    client.lastCommand = cmd.fullName;
    const stat = commandStat(this.server.stats, cmd.fullName);
    if (!client.authenticated && !top.noAuth) {
      stat.rejectedCalls++;
      this.reject(conn, cmd, "NOAUTH Authentication required.");
      if (client.multi) client.multiError = true;
      return null;
    }
    this.clusterReadShard = -1;
    const clusterVerdict = this.server.cluster ? this.clusterAdmits(conn, cmd, argv) : "run";
    if (clusterVerdict !== "run") {
      if (clusterVerdict === "rejected") stat.rejectedCalls++;
      return null;
    }
    if ((client.monitor || this.pause.active) && this.gated(conn, cmd, argv)) return null;
    if (client.multi && !multiImmediate.has(top.spec.name)) {
      if (top.noMulti) {
        stat.rejectedCalls++;
        w.error("ERR Command not allowed inside a transaction");
        client.multiError = true;
        return null;
      }
      client.multi.push(argv.map((a) => a.slice()));
      w.simple("QUEUED");
      return null;
    }
    if (client.proto === 2 && client.inPubSub && !pubsubAllowed.has(top.spec.name)) {
      stat.rejectedCalls++;
      this.reject(conn, cmd, `ERR Can't execute '${cmd.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`);
      return null;
    }
    const grows = this.mayGrowMemory(top, client.multi);
    if (grows && !this.evictor.makeRoom()) {
      stat.rejectedCalls++;
      this.reject(conn, cmd, errOom);
      return null;
    }
    const durability = this.durabilityOf(cmd, argv);
    if (durability === "crossslot") {
      stat.rejectedCalls++;
      w.error("CROSSSLOT Keys in request don't hash to the same slot (keys in an async namespace must share a shard: use a {hash tag})");
      return null;
    }
    this.admittedGrows = grows;
    this.admittedStat = stat;
    this.admittedDurability = durability;
    return cmd;
  }

  /**
   * Redis's last two checks before it queues or runs a command, after the pub/sub context (so a command
   * that context refuses is left to it): a MONITOR client (a replica to Redis) may not touch the
   * keyspace; under CLIENT PAUSE a covered command waits (src/server/client-pause.ts). True when the
   * command was answered or postponed.
   */
  private gated(conn: Connection, cmd: Command, argv: Uint8Array[]): boolean {
    const client = conn.state;
    const top = cmd.parent ?? cmd;
    if (client.proto === 2 && client.inPubSub && !pubsubAllowed.has(top.spec.name)) return false;
    const queued = top.spec.name === "exec" && client.multi ? client.multi.map((q) => this.lookupQuiet(q)) : [];
    const flags = effectiveFlags(cmd, queued);
    if (client.monitor) {
      if (!flags.write && !flags.read && !flags.mayReplicate) return false;
      commandStat(this.server.stats, cmd.fullName).rejectedCalls++;
      this.reject(conn, cmd, "ERR Replica can't interact with the keyspace");
      if (client.multi) client.multiError = true;
      return true;
    }
    if (!this.pause.covers(flags)) return false;
    this.pause.postpone(conn, argv);
    return true;
  }

  // What admit() found out about the command it admitted, for dispatch (fields: no object per command).
  private admittedGrows = false;
  private admittedStat: CommandStat | null = null;
  private admittedDurability: "quorum" | "async" = "quorum";

  /** Set by clusterAdmits: the shard this node leads that the admitted command reads (-1: none). */
  private clusterReadShard = -1;

  /**
   * Cluster mode (Redis Cluster's getNodeByQuery): a keyed command runs here only if all its keys share
   * one slot and this node is the writable leader of that slot's shard (or, for a read on a READONLY
   * connection, holds the shard at all); otherwise it is answered with CROSSSLOT, MOVED (to the shard's
   * leader), TRYAGAIN (this node was just elected and is catching up) or CLUSTERDOWN (no leader known).
   * EXEC checks its queued commands together and discards the transaction when they cannot run here; a
   * command refused inside MULTI makes EXEC abort, as in Redis. Keyless writes (FLUSHALL, FLUSHDB,
   * SWAPDB, BUNKER.CONFIG SET) change every shard and need a node that leads all of them.
   * With cluster-forward, a command for another leader is forwarded instead of MOVED ("handled"), and a
   * command that must wait for forwarded replies is deferred ("handled" too): see forwardOrDefer.
   */
  private clusterAdmits(conn: Connection, cmd: Command, argv: readonly Uint8Array[]): "run" | "rejected" | "handled" {
    const cluster = this.server.cluster;
    if (!cluster) return "run";
    const client = conn.state;
    const top = cmd.parent ?? cmd;
    const isExec = top.spec.name === "exec" && client.multi !== null;
    const queued: [Command, readonly Uint8Array[]][] = [];
    if (isExec) {
      for (const q of client.multi ?? []) {
        const c = this.lookupQuiet(q);
        if (c) queued.push([c, q]);
      }
    } else queued.push([cmd, argv]);
    let slot = -1;
    let writes = false;
    let keylessWrite = false;
    let error: string | null = null;
    for (const [c, av] of queued) {
      const idx = c.spec.keySpecs.length === 0 ? [] : keyIndexes(c, av);
      if (c.isWrite) writes = true;
      if (idx.length === 0 && c.isWrite) keylessWrite = true;
      for (const i of idx) {
        const s = keySlot(latin1(av[i] as Uint8Array));
        if (slot === -1) slot = s;
        else if (s !== slot) error = "CROSSSLOT Keys in request don't hash to the same slot";
      }
    }
    const shards = this.engine.shards.length;
    if (error === null && keylessWrite) {
      for (let s = 0; s < shards; s++) {
        if (!this.engine.writable(s)) {
          error = `ERR ${cmd.fullName.toUpperCase()} changes every shard: in this cluster version it runs only on a node that leads all of them`;
          break;
        }
      }
    }
    if (error === null && slot !== -1 && !(client.clusterReadonly && !writes)) {
      const route = cluster.route(shardOfSlot(slot, shards));
      if (route.kind === "local" && !top.isPubsub) this.clusterReadShard = shardOfSlot(slot, shards);
      if (route.kind === "moved" && this.forwards(conn, cmd)) return this.forwardOrDefer(conn, route.leader, isExec, argv);
      if (route.kind === "moved") error = `MOVED ${slot} ${route.leader.host}:${route.leader.port}`;
      else if (route.kind === "unavailable") {
        error = cluster.leaderOf(shardOfSlot(slot, shards)) === cluster.self.id ? "TRYAGAIN This node was just elected leader of the slot and is catching up" : "CLUSTERDOWN Hash slot not served";
      }
    }
    if (error === null) {
      if (this.forwarder === null || this.forwarder.canSendNow(client, null)) return "run";
      this.forwarder.defer(conn, argv);
      return "handled";
    }
    conn.writer.error(error);
    if (isExec) {
      client.multi = null;
      client.multiError = false;
      this.engine.watches.unwatchAll(client);
    } else if (client.multi && !multiImmediate.has(top.spec.name)) client.multiError = true;
    return "rejected";
  }

  /**
   * Whether a command for a shard led elsewhere is forwarded rather than answered MOVED: not with
   * cluster-forward no, not from another node's forwarding connection (one hop at most), not pub/sub
   * (an upstream never subscribes: its replies must match its commands one to one), not WATCH (the
   * watch would live on the upstream while MULTI is queued here; a plain client is told MOVED).
   */
  private forwards(conn: Connection, cmd: Command): boolean {
    const top = cmd.parent ?? cmd;
    return (
      this.forwarder !== null &&
      this.server.config.bool("cluster-forward") &&
      conn.state.name !== forwarderClientName &&
      !top.isPubsub &&
      top.spec.name !== "watch"
    );
  }

  /**
   * A command (or EXEC) for `leader`: inside MULTI it is queued here as usual ("run"); EXEC sends
   * MULTI, the queued commands and EXEC as one block and relays EXEC's reply; anything else is sent as
   * it is. It waits instead when forwarded replies from another leader are outstanding.
   */
  private forwardOrDefer(conn: Connection, leader: ClusterMember, isExec: boolean, argv: readonly Uint8Array[]): "run" | "rejected" | "handled" {
    const client = conn.state;
    const forwarder = this.forwarder as Forwarder;
    if (client.multi && !isExec) return "run";
    // A transaction with a refused command: EXEC answers EXECABORT here, where it was refused.
    const target = isExec && client.multiError ? null : leader;
    if (!forwarder.canSendNow(client, target)) {
      forwarder.defer(conn, argv);
      return "handled";
    }
    if (target === null) return "run";
    if (!isExec) {
      forwarder.forward(conn, leader, [argv]);
      return "handled";
    }
    const queued = client.multi ?? [];
    const watching = client.watched.size > 0;
    client.multi = null;
    client.multiError = false;
    this.engine.watches.unwatchAll(client);
    if (watching) {
      // Keys WATCHed here are on shards this node leads (WATCH is never forwarded): another shard.
      conn.writer.error("CROSSSLOT Keys in request don't hash to the same slot");
      return "rejected";
    }
    const multi = [new TextEncoder().encode("MULTI")];
    forwarder.forward(conn, leader, [multi, ...queued, argv]);
    return "handled";
  }

  /** The command (or subcommand) argv names, without replying anything. */
  private lookupQuiet(argv: readonly Uint8Array[]): Command | undefined {
    const cmd = this.server.table.getBytes(argv[0] as Uint8Array);
    if (!cmd || cmd.subcommands.size === 0 || argv.length < 2) return cmd;
    return cmd.subcommands.get(latin1(argv[1] as Uint8Array).toLowerCase());
  }

  /** "async" when every key of the command is in an async namespace (and on one shard). */
  private durabilityOf(cmd: Command, argv: readonly Uint8Array[]): "quorum" | "async" | "crossslot" {
    const namespaces = this.engine.shards[0]?.state.namespaces;
    if (!namespaces || namespaces.size === 0 || cmd.spec.keySpecs.length === 0) return "quorum";
    const idx = keyIndexes(cmd, argv);
    if (idx.length === 0) return "quorum";
    let shard = -1;
    let crossShard = false;
    for (const i of idx) {
      const key = latin1(argv[i] as Uint8Array);
      if (durabilityOf(namespaces, key) !== "async") return "quorum";
      const s = this.engine.executor.shardOfKey(key);
      if (shard >= 0 && s !== shard) crossShard = true;
      shard = s;
    }
    return crossShard && cmd.isWrite ? "crossslot" : "async";
  }

  /** denyoom commands, and EXEC of a transaction that queued one, may need room first. */
  private mayGrowMemory(top: Command, multi: Uint8Array[][] | null): boolean {
    if (this.server.config.int("maxmemory") <= 0) return false;
    if (top.denyoom) return true;
    if (top.spec.name !== "exec" || !multi) return false;
    return multi.some((argv) => this.server.table.getBytes(argv[0] as Uint8Array)?.denyoom ?? false);
  }

  // Positional arguments on purpose here and in noteCall: they run for every command (no options object).
  private execute(conn: Connection, cmd: Command, argv: readonly Uint8Array[], grows: boolean, stat: CommandStat, readShard: number): void {
    // Cold values the command reads are loaded off the event loop first; the connection reads no
    // further commands meanwhile, so replies stay in order. argv views the parser's buffer: copied.
    const cold = this.engine.coldKeysOf(conn.state.db, cmd, argv);
    if (cold.length > 0) {
      const owned = argv.map((a) => a.slice());
      conn.pause();
      void this.engine.preload(cold).then(() => {
        if (!conn.closed) this.executeNow(conn, cmd, owned, stat, readShard);
        this.engine.release(cold);
        // It ran after the caller's eviction pass: a write that loaded a cold value for good (APPEND)
        // grew memory, which must be brought back under maxmemory before its reply leaves.
        if (grows) this.evictor.makeRoom();
        conn.finishBatch();
        conn.resume();
      });
      return;
    }
    this.executeNow(conn, cmd, argv, stat, readShard);
  }

  /** Runs the command as a unit and records what Redis's call() records (server/call-stats.ts). */
  private run(conn: Connection, cmd: Command, argv: readonly Uint8Array[], stat: CommandStat): void {
    const client = conn.state;
    this.engine.execute(client, this.server, conn.writer, cmd, argv);
    noteCall(this.server, client, cmd, argv, stat, this.engine.lastRunUs);
  }

  private executeNow(conn: Connection, cmd: Command, argv: readonly Uint8Array[], stat: CommandStat, readShard: number): void {
    const client = conn.state;
    const w = conn.writer;
    if (readShard >= 0) {
      this.executeRead(conn, cmd, argv, stat, readShard);
      return;
    }
    if (client.replyMode === "on") {
      this.run(conn, cmd, argv, stat);
      return;
    }
    // CLIENT REPLY OFF/SKIP: run the command but drop its reply bytes.
    const mark = w.length;
    const wasSkip = client.replyMode === "skip";
    this.run(conn, cmd, argv, stat);
    const isClientReply = cmd.fullName === "client|reply";
    const confirmed = confirmationCommands.has(cmd.fullName) && w.length > mark && w.byteAt(mark) !== ERROR_PREFIX_BYTE;
    if (!confirmed && (!isClientReply || !replyModeIsOn(client))) w.truncate(mark);
    if (wasSkip && !isClientReply) client.replyMode = "on";
  }

  /**
   * Cluster mode, a command on a shard this node leads: runs it from memory as usual; if it logged
   * nothing (a read, or a write that changed nothing), no commit will confirm that this node still
   * leads, so its reply also waits for a ReadIndex round started after it ran (src/raft/read-index.ts).
   */
  private executeRead(conn: Connection, cmd: Command, argv: readonly Uint8Array[], stat: CommandStat, shard: number): void {
    const cluster = this.server.cluster;
    const mark = conn.writer.length;
    const seq = this.engine.appendedSeq;
    this.executeNow(conn, cmd, argv, stat, -1);
    if (cluster && this.engine.appendedSeq === seq && conn.writer.length > mark) conn.holdReply(cluster.readHold(shard), mark);
  }
}
