// INFO replication in cluster mode: Redis's fields where they mean something here, then one line per
// shard's Raft group and, on a shard's leader, one line per follower.
//
// `role:` is what clients read (some refuse to write to a `slave`): a node is `master` when it leads at
// least one shard (it accepts writes for some slots) and `slave` when it leads none; a slave names the
// leader of its lowest-numbered shard as master_host/master_port, as Redis names its one master.
import type { ClusterNode } from "../raft/cluster.ts";

type Field = [string, string | number];

/**
 * The shards this node leads, and the leader of the lowest-numbered shard it does not lead that has a
 * known leader (0: none): how INFO replication and ROLE map Raft leadership onto Redis's roles.
 */
export function leadership(cluster: ClusterNode, shards: number): { led: number[]; master: number } {
  const led: number[] = [];
  let master = 0;
  for (let s = 0; s < shards; s++) {
    const lead = cluster.leaderOf(s);
    if (lead === cluster.self.id) led.push(s);
    else if (master === 0 && lead !== 0) master = lead;
  }
  return { led, master };
}

export function clusterReplicationFields(cluster: ClusterNode, shards: number, base: { replId: string; replOffset: number }): Field[] {
  const { led, master } = leadership(cluster, shards);
  const fields: Field[] = [["role", led.length > 0 ? "master" : "slave"]];
  const masterMember = cluster.member(master);
  if (led.length === 0) {
    if (masterMember !== undefined) fields.push(["master_host", masterMember.host], ["master_port", masterMember.port]);
    fields.push(["master_link_status", masterMember !== undefined && cluster.linkUp(master) ? "up" : "down"]);
  }
  const peers = cluster.members.filter((m) => m.id !== cluster.self.id);
  fields.push(
    ["connected_slaves", led.length > 0 ? peers.filter((m) => cluster.linkUp(m.id)).length : 0],
    ["master_failover_state", "no-failover"],
    ["master_replid", base.replId],
    ["master_repl_offset", base.replOffset],
    ["bunker_node_id", cluster.self.id],
    ["bunker_shards_led", led.length],
  );
  for (let s = 0; s < shards; s++) {
    const g = cluster.groupStatus(s);
    const reads = cluster.readStatus(s);
    fields.push([
      `bunker_shard${s}`,
      `role=${g.role},term=${g.term},leader_id=${cluster.leaderOf(s)},commit_index=${g.commit},applied_index=${g.applied},last_index=${g.lastIndex},` +
        `pending_proposals=${g.pending},read_rounds=${reads.started},read_rounds_pending=${reads.pending},read_rounds_failed=${reads.failed}`,
    ]);
    for (const m of peers) {
      const pr = cluster.followerProgress(s, m.id);
      if (pr === undefined) continue;
      fields.push([`bunker_shard${s}_follower${m.id}`, `match_index=${pr.match},lag=${Math.max(0, g.lastIndex - pr.match)},state=${pr.state},active=${pr.active ? 1 : 0}`]);
    }
  }
  return fields;
}
