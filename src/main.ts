// Composition root: the only place that wires the real clock, files and sockets together.
// First of all (imported modules run in order, before this body): the runtime settings, which may
// re-execute this process before anything is loaded or opened.
import "./tune-process.ts";
import { configFromCli, helpText, ConfigError } from "./config/config.ts";
import { buildCommandTable } from "./commands/index.ts";
import { Engine, EngineOpenError } from "./engine/engine.ts";
import { systemClock } from "./engine/clock.ts";
import { nativeIo } from "./storage/io.ts";
import { CorruptLogError } from "./storage/segment-log.ts";
import { Server } from "./server/server.ts";
import { startBackgroundTasks } from "./engine/background.ts";
import { startHttp, type HttpEndpoint } from "./server/http.ts";
import { ClusterConfigError, ClusterNode, clusterPortOffset, parseClusterPeers, type ClusterMember } from "./raft/cluster.ts";
import { CorruptRaftLogError } from "./raft/group-log.ts";
import type { Config } from "./config/config.ts";
import { SECRET_BYTES_MIN } from "./raft/transport/limits.ts";

/** Cluster membership from the flags, or null in standalone mode (--node-id 0). */
function clusterMembersOf(config: Config): { self: ClusterMember; members: ClusterMember[] } | null {
  const id = config.int("node-id");
  const peers = config.get("cluster-peers");
  if (id === 0) {
    if (peers !== "" || config.get("cluster-secret") !== "" || config.int("cluster-port") !== 0) throw new ClusterConfigError("cluster flags given without --node-id");
    return null;
  }
  if (Buffer.byteLength(config.get("cluster-secret")) < SECRET_BYTES_MIN) throw new ClusterConfigError(`--cluster-secret must be at least ${SECRET_BYTES_MIN} bytes`);
  const port = config.int("port");
  const given = config.int("cluster-port");
  // The Raft port: --cluster-port, else this node's @clusterport in the list, else port + 10000.
  const listed = parseClusterPeers(peers, { id, host: config.get("bind"), port, clusterPort: given !== 0 ? given : port + clusterPortOffset });
  const members = listed.map((m) => (m.id === id && given !== 0 ? { ...m, clusterPort: given } : m));
  const self = members.find((m) => m.id === id) as ClusterMember;
  return { self, members };
}

function main(): void {
  let cli;
  try {
    cli = configFromCli(process.argv.slice(2), process.env);
  } catch (e: unknown) {
    if (e instanceof ConfigError) {
      console.error(`bunker: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  if (cli.help) {
    console.log(helpText());
    return;
  }
  const config = cli.config;
  let membership: ReturnType<typeof clusterMembersOf>;
  try {
    membership = clusterMembersOf(config);
  } catch (e: unknown) {
    if (e instanceof ClusterConfigError) {
      console.error(`bunker: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const table = buildCommandTable();
  let server: Server | null = null;
  let engine: Engine;
  try {
    engine = Engine.open(
      {
        dir: config.get("dir"),
        shards: config.int("shards"),
        databases: config.int("databases"),
        segmentBytesMax: config.int("segment-bytes-max"),
        salvage: config.bool("salvage"),
        hotValueBytesMax: config.int("hot-value-bytes-max"),
        mergeDeadRatioPercent: config.int("merge-dead-ratio"),
        mergeGrowthPercent: config.int("auto-aof-rewrite-percentage"),
        mergeMinBytes: config.int("auto-aof-rewrite-min-size"),
        // Cluster mode keeps each shard's history in its Raft log (src/raft/group-log.ts), not in merges.
        autoMerge: membership === null,
        warn: (message) => console.error(`bunker: ${message}`),
        io: nativeIo,
        clock: systemClock,
        table,
        config,
        onFatal: (err) => {
          // The log can no longer be made durable: stop rather than acknowledge what may be lost.
          console.error(`bunker: fatal log I/O error, stopping: ${err.message}`);
          process.exit(1);
        },
      },
      null,
    );
  } catch (e: unknown) {
    if (e instanceof CorruptLogError || e instanceof EngineOpenError) {
      console.error(`bunker: cannot start: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
  let cluster: ClusterNode | null = null;
  if (membership !== null) {
    const r = engine.recovery;
    // Cluster snapshots record their Raft position; a standalone merge's snapshot does not.
    if (r.entries > 0 || engine.shards.some((s) => s.generation > 0 && s.raftSnapshot === null)) {
      console.error(`bunker: cannot start: ${config.get("dir")} holds standalone data; cluster mode needs a fresh directory`);
      process.exit(1);
    }
    try {
      cluster = new ClusterNode({
        self: membership.self,
        members: membership.members,
        secret: config.get("cluster-secret"),
        shards: config.int("shards"),
        dir: config.get("dir"),
        io: nativeIo,
        engine,
        bindHost: config.get("bind"),
        compactLogBytes: config.int("raft-log-compact-bytes"),
        log: (line) => console.error(`bunker: cluster: ${line}`),
        onFatal: (err) => {
          // The node's memory or log can no longer be trusted; a restart rebuilds it from the committed log.
          console.error(`bunker: fatal cluster error, stopping: ${err.message}`);
          process.exit(1);
        },
      });
    } catch (e: unknown) {
      if (e instanceof CorruptRaftLogError) {
        console.error(`bunker: cannot start: ${e.message}`);
        process.exit(1);
      }
      throw e;
    }
    engine.useReplication(cluster);
  }
  config.onChange((name) => {
    if (name === "hot-value-bytes-max") engine.storage.hotValueBytesMax = config.int(name);
    if (name === "merge-dead-ratio") engine.storage.mergeDeadRatioPercent = config.int(name);
    if (name === "auto-aof-rewrite-percentage") engine.storage.mergeGrowthPercent = config.int(name);
    if (name === "auto-aof-rewrite-min-size") engine.storage.mergeMinBytes = config.int(name);
  });
  server = new Server({
    config,
    table,
    engine,
    log: (line) => console.log(line),
    onShutdown: () => process.exit(0),
    ...(cluster !== null ? { cluster } : {}),
  });
  if (cluster !== null) {
    cluster.server = server;
    cluster.start();
  }
  const stopBackground = startBackgroundTasks(server);
  const port = server.listen(config.int("port"), config.get("bind"));
  const httpPort = config.int("http-port");
  let http: HttpEndpoint | null = null;
  if (httpPort !== 0) {
    try {
      http = startHttp(server, httpPort, config.get("bind"));
    } catch (e: unknown) {
      console.error(`bunker: cannot start: HTTP on ${config.get("bind")}:${httpPort}: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    }
  }
  const r = engine.recovery;
  console.log(
    `bunker: ready on ${config.get("bind")}:${port}, ${config.int("shards")} shards, data in ${config.get("dir")}; ` +
      `recovered ${r.entries} log entries in ${r.durationMs.toFixed(1)} ms` +
      (membership !== null ? `; cluster node ${membership.self.id} of ${membership.members.length}, Raft on port ${membership.self.clusterPort}` : "") +
      (http !== null ? `; HTTP /health and /metrics on port ${http.port}` : ""),
  );
  const stop = (): void => {
    console.log("bunker: shutting down (finishing in-flight writes)");
    stopBackground();
    // /health answers 503 while the shutdown finishes; the process exit closes the listener.
    void server?.shutdown();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main();
