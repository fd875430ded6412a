// SAVE, BGSAVE, and the part of Redis's replication handshake `redis-cli --rdb` uses (REPLCONF, SYNC,
// PSYNC): each produces a Redis 7.0 RDB export of the dataset as of the moment it runs
// (engine/rdb-export.ts, engine/rdb-saves.ts). Bunker's durability does not depend on them: every
// acknowledged write is already in its log. Bunker replicates with Raft, not Redis's protocol, so
// SYNC/PSYNC serve only clients that asked for the RDB alone (REPLCONF rdb-only 1); a would-be Redis
// replica gets an error instead of a snapshot it could never keep up to date.
import type { CommandContext, CommandSpec } from "./types.ts";
import { requestPark } from "../server/park.ts";
import { word } from "./args.ts";
import { parseInteger } from "../protocol/numbers.ts";
import { errNotInteger } from "../protocol/errors.ts";

const errInProgress = "ERR Background save already in progress";

/** Clients that sent REPLCONF rdb-only 1 (cleared by rdb-only 0). */
const rdbOnlyClients = new WeakSet<CommandContext["client"]>();

function save(ctx: CommandContext): void {
  const run = ctx.server.engine.rdb.start(ctx.server.version);
  if (run === null) return ctx.reply.error(errInProgress);
  // The reply waits for the file, durable on disk; other clients are served meanwhile.
  requestPark(ctx.client, (conn) => {
    run.then(
      () => conn.writer.simple("OK"),
      // Redis answers a failed SAVE with its bare shared error.
      () => conn.writer.error("ERR"),
    ).finally(() => conn.resume());
  });
}

function bgsave(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  if (argv.length > 2 || (argv.length === 2 && word(argv[1]) !== "schedule")) return ctx.reply.error("ERR syntax error");
  const rdb = ctx.server.engine.rdb;
  if (rdb.inProgress) return ctx.reply.error(errInProgress);
  if (ctx.inTransaction) {
    // As Redis inside EXEC: scheduled, started once the transaction is over.
    queueMicrotask(() => void rdb.start(ctx.server.version)?.catch(() => {}));
    return ctx.reply.simple("Background saving scheduled");
  }
  void rdb.start(ctx.server.version)?.catch(() => {});
  ctx.reply.simple("Background saving started");
}

function replconf(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  if (argv.length % 2 === 0) return ctx.reply.error("ERR syntax error");
  let rdbOnly: boolean | null = null;
  for (let i = 1; i < argv.length; i += 2) {
    const option = word(argv[i]);
    const value = Buffer.from(argv[i + 1] as Uint8Array).toString("latin1");
    if (option === "listening-port") {
      if (parseInteger(argv[i + 1] as Uint8Array) === null) return ctx.reply.error(errNotInteger);
    } else if (option === "ip-address" || option === "capa") {
      // Accepted and ignored: no Redis replica is ever served.
    } else if (option === "ack" || option === "getack") {
      return; // Redis sends no reply to these.
    } else if (option === "rdb-only") {
      if (value !== "0" && value !== "1") {
        return ctx.reply.error(parseInteger(argv[i + 1] as Uint8Array) !== null ? "ERR value is out of range, value must between 0 and 1" : errNotInteger);
      }
      rdbOnly = value === "1";
    } else {
      return ctx.reply.error(`ERR Unrecognized REPLCONF option: ${Buffer.from(argv[i] as Uint8Array).toString("latin1")}`);
    }
  }
  if (rdbOnly === true) rdbOnlyClients.add(ctx.client);
  else if (rdbOnly === false) rdbOnlyClients.delete(ctx.client);
  ctx.reply.simple("OK");
}

/** SYNC and PSYNC: the RDB as a bulk transfer ("$<length>\r\n" and the bytes, no CRLF), then close. */
function sync(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  if (!rdbOnlyClients.has(ctx.client)) {
    return ctx.reply.error("ERR Bunker replicates with Raft, not Redis replication: SYNC and PSYNC serve only an RDB snapshot, after REPLCONF rdb-only 1 (as redis-cli --rdb sends)");
  }
  const psync = word(argv[0]) === "psync";
  const server = ctx.server;
  requestPark(ctx.client, (conn) => {
    server.engine.rdb.exportNow(server.version).then(
      (bytes) => {
        if (psync) conn.writer.raw(Buffer.from(`+FULLRESYNC ${server.runId} ${server.engine.appendedSeq}\r\n`, "latin1"));
        conn.writer.raw(Buffer.from(`$${bytes.length}\r\n`, "latin1"));
        conn.writer.raw(bytes);
        // An rdb-only client is done once it has the file (Redis closes it too).
        conn.state.closeAfterReply = true;
        conn.resume();
      },
      (e: unknown) => {
        conn.writer.error(`ERR RDB export failed: ${e instanceof Error ? e.message : String(e)}`);
        conn.resume();
      },
    );
  });
}

const persistenceFlags = ["no_async_loading", "admin", "noscript"] as const;

export const persistenceCommands: CommandSpec[] = [
  { name: "save", arity: 1, flags: [...persistenceFlags, "no_multi"], acl: ["admin", "dangerous"], group: "server", summary: "Synchronously save the dataset to disk", since: "1.0.0", complexity: "O(N) where N is the total number of keys in all databases", keySpecs: [], handler: save },
  { name: "bgsave", arity: -1, flags: [...persistenceFlags], acl: ["admin", "dangerous"], group: "server", summary: "Asynchronously save the dataset to disk", since: "1.0.0", complexity: "O(1)", keySpecs: [], arguments: [{ name: "schedule", type: "pure-token", token: "SCHEDULE", optional: true, since: "3.2.2" }], handler: bgsave },
  { name: "replconf", arity: -1, flags: ["admin", "noscript", "loading", "stale", "allow_busy"], acl: ["admin", "dangerous"], group: "server", summary: "An internal command for configuring the replication stream", since: "3.0.0", complexity: "O(1)", keySpecs: [], docFlags: ["syscmd"], handler: replconf },
  { name: "sync", arity: 1, flags: [...persistenceFlags, "no_multi"], acl: ["admin", "dangerous"], group: "server", summary: "Internal command used for replication", since: "1.0.0", complexity: "O(1)", keySpecs: [], handler: sync },
  { name: "psync", arity: -3, flags: [...persistenceFlags, "no_multi"], acl: ["admin", "dangerous"], group: "server", summary: "Internal command used for replication", since: "2.8.0", complexity: "O(1)", keySpecs: [], arguments: [{ name: "replicationid", type: "string" }, { name: "offset", type: "integer" }], handler: sync },
];
