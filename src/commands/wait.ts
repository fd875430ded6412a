// WAIT numreplicas timeout: how many replicas have the writes made so far, waiting up to `timeout` ms
// (0: for ever) until at least `numreplicas` do.
//
// Standalone has no replicas: 0, as a Redis without replicas answers (after the timeout when more were
// asked for). In a cluster a replica is another member: on a node that leads shards, WAIT counts the
// members whose Raft log has everything the shards it leads have appended (so every write made here
// so far, this client's included; a write is acknowledged only once a majority holds it anyway). A node
// leading no shard sees no replication of its own and answers 0.
import type { CommandContext, CommandSpec } from "./types.ts";
import { requestPark, onClientClose } from "../server/park.ts";
import { leadership } from "./info-replication.ts";
import { intArg } from "./args.ts";

/** How often a blocked WAIT looks at the followers' progress. */
const pollMs = 10;

function acknowledged(ctx: CommandContext): number {
  const cluster = ctx.server.cluster;
  if (cluster === undefined || cluster === null) return 0;
  const { led } = leadership(cluster, ctx.server.engine.shards.length);
  if (led.length === 0) return 0;
  let n = 0;
  for (const m of cluster.members) {
    if (m.id === cluster.self.id) continue;
    const caughtUp = led.every((s) => {
      const pr = cluster.followerProgress(s, m.id);
      return pr !== undefined && pr.match >= cluster.groupStatus(s).lastIndex;
    });
    if (caughtUp) n++;
  }
  return n;
}

function wait(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const numreplicas = intArg(ctx, argv[1]);
  if (numreplicas === null) return;
  const timeoutMs = intArg(ctx, argv[2], "ERR timeout is not an integer or out of range");
  if (timeoutMs === null) return;
  if (timeoutMs < 0) return ctx.reply.error("ERR timeout is negative");
  const now = acknowledged(ctx);
  // Inside EXEC nothing can block: the count as it is.
  if (now >= numreplicas || ctx.inTransaction) return ctx.reply.integer(now);
  const deadline = timeoutMs === 0 ? Infinity : Date.now() + timeoutMs;
  requestPark(ctx.client, (conn) => {
    const timer = setInterval(() => {
      const acked = acknowledged(ctx);
      if (acked < numreplicas && Date.now() < deadline) return;
      finish(acked);
    }, pollMs);
    const cancel = onClientClose(conn.state, () => clearInterval(timer));
    const finish = (acked: number): void => {
      clearInterval(timer);
      cancel();
      conn.writer.integer(acked);
      conn.resume();
    };
  });
}

export const waitCommands: CommandSpec[] = [
  {
    name: "wait", arity: 3, flags: ["noscript"], acl: ["connection"], group: "generic",
    summary: "Wait for the synchronous replication of all the write commands sent in the context of the current connection", since: "3.0.0", complexity: "O(1)",
    tips: ["request_policy:all_shards", "response_policy:agg_min"], keySpecs: [],
    arguments: [{ name: "numreplicas", type: "integer" }, { name: "timeout", type: "integer" }],
    handler: wait,
  },
];
