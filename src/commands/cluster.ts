// Cluster commands a cluster-aware client needs: CLUSTER SLOTS/SHARDS/NODES/INFO/MYID, READONLY and
// READWRITE. Each shard is one slot range; its Raft leader is reported as the master and the other
// members as its replicas. Without --node-id they answer as a Redis with cluster support disabled.
import type { ClusterMember, ClusterNode } from "../raft/cluster.ts";
import { clusterNodeName } from "../raft/cluster.ts";
import { latin1 } from "../keyspace/entry.ts";
import { slotRangeOfShard } from "../keyspace/slot.ts";
import type { CommandContext, CommandHandler, CommandSpec } from "./types.ts";

const errDisabled = "ERR This instance has cluster support disabled";

/** Runs `body` with the cluster, or answers the cluster-disabled error. */
function withCluster(body: (ctx: CommandContext, cluster: ClusterNode, argv: readonly Uint8Array[]) => void): CommandHandler {
  return (ctx, argv) => {
    const cluster = ctx.server.cluster;
    if (!cluster) return ctx.reply.error(errDisabled);
    body(ctx, cluster, argv);
  };
}

/** Members of a shard as clients should see them: the leader first (when known), then the others. */
function shardMembers(cluster: ClusterNode, shard: number): { leader: ClusterMember | undefined; others: ClusterMember[] } {
  const lead = cluster.leaderOf(shard);
  const leader = cluster.member(lead);
  return { leader, others: cluster.members.filter((m) => m.id !== lead) };
}

function clusterSlots(ctx: CommandContext, cluster: ClusterNode): void {
  const w = ctx.reply;
  const shards = ctx.server.engine.shards.length;
  w.arrayHeader(shards);
  for (let s = 0; s < shards; s++) {
    const [first, last] = slotRangeOfShard(s, shards);
    const { leader, others } = shardMembers(cluster, s);
    // With no leader known the range is still reported (a client needs a node to ask): the first member
    // stands in as master and answers CLUSTERDOWN until an election is won.
    const listed = leader ? [leader, ...others] : others;
    w.arrayHeader(2 + listed.length);
    w.integer(first);
    w.integer(last);
    for (const m of listed) {
      w.arrayHeader(4);
      w.bulk(m.host);
      w.integer(m.port);
      w.bulk(clusterNodeName(m.id));
      w.mapHeader(0);
    }
  }
}

function clusterShards(ctx: CommandContext, cluster: ClusterNode): void {
  const w = ctx.reply;
  const shards = ctx.server.engine.shards.length;
  w.arrayHeader(shards);
  for (let s = 0; s < shards; s++) {
    const [first, last] = slotRangeOfShard(s, shards);
    const { leader, others } = shardMembers(cluster, s);
    const status = cluster.groupStatus(s);
    w.mapHeader(2);
    w.bulk("slots");
    w.arrayHeader(2);
    w.integer(first);
    w.integer(last);
    w.bulk("nodes");
    const listed = leader ? [leader, ...others] : others;
    w.arrayHeader(listed.length);
    for (const m of listed) {
      w.mapHeader(7);
      w.bulk("id");
      w.bulk(clusterNodeName(m.id));
      w.bulk("port");
      w.integer(m.port);
      w.bulk("ip");
      w.bulk(m.host);
      w.bulk("endpoint");
      w.bulk(m.host);
      w.bulk("role");
      w.bulk(m === leader ? "master" : "replica");
      w.bulk("replication-offset");
      w.integer(m.id === cluster.self.id ? status.applied : 0);
      w.bulk("health");
      w.bulk(cluster.linkUp(m.id) ? "online" : "fail");
    }
  }
}

function clusterNodes(ctx: CommandContext, cluster: ClusterNode): void {
  const shards = ctx.server.engine.shards.length;
  let text = "";
  for (const m of cluster.members) {
    const led: string[] = [];
    for (let s = 0; s < shards; s++) {
      if (cluster.leaderOf(s) !== m.id) continue;
      const [first, last] = slotRangeOfShard(s, shards);
      led.push(`${first}-${last}`);
    }
    const flags = (m.id === cluster.self.id ? "myself," : "") + (cluster.linkUp(m.id) ? "master" : "master,fail");
    const link = cluster.linkUp(m.id) ? "connected" : "disconnected";
    text += `${clusterNodeName(m.id)} ${m.host}:${m.port}@${m.clusterPort} ${flags} - 0 0 0 ${link}${led.length > 0 ? " " + led.join(" ") : ""}\n`;
  }
  ctx.reply.verbatim(text);
}

function clusterInfo(ctx: CommandContext, cluster: ClusterNode): void {
  const shards = ctx.server.engine.shards.length;
  let slotsOk = 0;
  let epoch = 0;
  const leaders = new Set<number>();
  for (let s = 0; s < shards; s++) {
    const [first, last] = slotRangeOfShard(s, shards);
    const lead = cluster.leaderOf(s);
    if (lead !== 0) {
      slotsOk += last - first + 1;
      leaders.add(lead);
    }
    epoch = Math.max(epoch, cluster.groupStatus(s).term);
  }
  const lines: [string, string | number][] = [
    ["cluster_state", slotsOk === 16384 ? "ok" : "fail"],
    ["cluster_slots_assigned", 16384],
    ["cluster_slots_ok", slotsOk],
    ["cluster_slots_pfail", 0],
    ["cluster_slots_fail", 16384 - slotsOk],
    ["cluster_known_nodes", cluster.members.length],
    ["cluster_size", leaders.size],
    ["cluster_current_epoch", epoch],
    ["cluster_my_epoch", epoch],
  ];
  ctx.reply.verbatim(lines.map(([k, v]) => `${k}:${v}\r\n`).join(""));
}

/**
 * CLUSTER FAILOVER [FORCE|TAKEOVER]: this node asks to lead every shard it does not lead (a Raft
 * leadership transfer per shard; see ClusterNode.requestLeadership). As in Redis the reply is OK once the
 * failover is requested; it completes asynchronously (CLUSTER SLOTS shows it). FORCE also starts an
 * election for a shard with no known leader; TAKEOVER is FORCE: a leader still needs a majority's votes.
 */
function clusterFailover(ctx: CommandContext, cluster: ClusterNode, argv: readonly Uint8Array[]): void {
  let force = false;
  if (argv.length === 3) {
    const opt = latin1(argv[2] as Uint8Array).toLowerCase();
    if (opt === "force" || opt === "takeover") force = true;
    else return ctx.reply.error("ERR syntax error");
  } else if (argv.length > 3) {
    return ctx.reply.error(`ERR Unknown subcommand or wrong number of arguments for '${latin1(argv[1] as Uint8Array)}'. Try CLUSTER HELP.`);
  }
  const outcome = cluster.requestLeadership(force);
  if (outcome === "leads-all") return ctx.reply.error("ERR You should send CLUSTER FAILOVER to a replica");
  if (outcome === "leader-unknown") return ctx.reply.error("ERR Master is down or failed, please use CLUSTER FAILOVER FORCE");
  ctx.reply.ok();
}

const sub = { acl: [], group: "cluster", since: "3.0.0", keySpecs: [] } as const;

export const clusterCommands: CommandSpec[] = [
  {
    name: "cluster", arity: -2, flags: [], acl: [], group: "cluster", summary: "A container for cluster commands", since: "3.0.0", complexity: "Depends on subcommand.", keySpecs: [],
    subcommands: [
      {
        ...sub, name: "failover", arity: -2, flags: ["admin", "stale", "no_async_loading"], acl: ["admin", "slow", "dangerous"], summary: "Forces a replica to perform a manual failover of its master.", complexity: "O(1)",
        arguments: [{ name: "options", type: "oneof", optional: true, arguments: [{ name: "force", type: "pure-token", token: "FORCE" }, { name: "takeover", type: "pure-token", token: "TAKEOVER" }] }],
        handler: withCluster(clusterFailover),
      },
      { ...sub, name: "info", arity: 2, flags: ["stale"], summary: "Returns information about the state of a node.", complexity: "O(1)", tips: ["nondeterministic_output"], handler: withCluster(clusterInfo) },
      { ...sub, name: "myid", arity: 2, flags: ["stale"], summary: "Returns the ID of a node.", complexity: "O(1)", handler: withCluster((ctx, c) => ctx.reply.bulk(clusterNodeName(c.self.id))) },
      { ...sub, name: "nodes", arity: 2, flags: ["stale"], summary: "Returns the cluster configuration for a node.", complexity: "O(N) where N is the total number of Cluster nodes", tips: ["nondeterministic_output"], handler: withCluster(clusterNodes) },
      { ...sub, name: "slots", arity: 2, flags: ["stale"], summary: "Returns the mapping of cluster slots to nodes.", complexity: "O(N) where N is the total number of Cluster nodes", tips: ["nondeterministic_output"], handler: withCluster(clusterSlots) },
      { ...sub, name: "shards", arity: 2, flags: ["stale"], summary: "Returns the mapping of cluster slots to shards.", since: "7.0.0", complexity: "O(N) where N is the total number of cluster nodes", tips: ["nondeterministic_output"], handler: withCluster(clusterShards) },
    ],
  },
  {
    name: "readonly", arity: 1, flags: ["loading", "stale", "fast"], acl: ["connection"], group: "cluster", summary: "Enables read queries for a connection to a cluster replica node.", since: "3.0.0", complexity: "O(1)", keySpecs: [],
    handler: withCluster((ctx) => {
      ctx.client.clusterReadonly = true;
      ctx.reply.ok();
    }),
  },
  {
    name: "readwrite", arity: 1, flags: ["loading", "stale", "fast"], acl: ["connection"], group: "cluster", summary: "Disables read queries for a connection to a cluster replica node.", since: "3.0.0", complexity: "O(1)", keySpecs: [],
    handler: withCluster((ctx) => {
      ctx.client.clusterReadonly = false;
      ctx.reply.ok();
    }),
  },
];
