// Redis's processCommand: look up, check arity, auth, context (MULTI, pub/sub), then execute.
// Command errors are replied here with Redis's exact texts; the connection stays open.
import { arityOk, type Command } from "../commands/table.ts";
import type { Engine } from "../engine/engine.ts";
import type { ServerContext } from "../engine/server-context.ts";
import { errArity, errUnknownCommand, errUnknownSubcommand } from "../protocol/errors.ts";
import { latin1 } from "../keyspace/entry.ts";
import type { Connection } from "./connection.ts";

/** Commands allowed while a RESP2 client is subscribed. */
const pubsubAllowed = new Set(["subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe", "ping", "quit", "reset"]);
/** Commands executed immediately inside MULTI instead of being queued. */
const multiImmediate = new Set(["exec", "discard", "multi", "watch", "quit", "reset"]);

/** Read through a call: the command may have changed the mode (TypeScript's narrowing cannot see it). */
function replyModeIsOn(client: { replyMode: string }): boolean {
  return client.replyMode === "on";
}

export class Dispatcher {
  constructor(
    private readonly server: ServerContext,
    private readonly engine: Engine,
  ) {}

  /** Resolves argv to a command or subcommand, writing the error reply when it cannot. */
  resolve(conn: Connection, argv: readonly Uint8Array[]): Command | null {
    const w = conn.writer;
    const name = latin1(argv[0] as Uint8Array);
    const cmd = this.server.table.get(name);
    if (!cmd) {
      w.error(errUnknownCommand(name, argv.slice(1).map((a) => latin1(a))));
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
        w.error(errArity(sub.fullName));
        return null;
      }
      return sub;
    }
    if (!arityOk(cmd.spec.arity, argv.length)) {
      w.error(errArity(cmd.fullName));
      return null;
    }
    return cmd;
  }

  dispatch(conn: Connection, argv: Uint8Array[]): void {
    const client = conn.state;
    const w = conn.writer;
    client.commandsProcessed++;
    this.server.stats.totalCommandsProcessed++;
    const cmd = this.resolve(conn, argv);
    if (!cmd) {
      if (client.multi) client.multiError = true;
      return;
    }
    const top = cmd.parent ?? cmd;
    client.lastCommand = cmd.fullName;
    if (!client.authenticated && !top.flags.includes("no_auth")) {
      w.error("NOAUTH Authentication required.");
      if (client.multi) client.multiError = true;
      return;
    }
    if (client.multi && !multiImmediate.has(top.spec.name)) {
      if (top.flags.includes("no_multi")) {
        w.error("ERR Command not allowed inside a transaction");
        client.multiError = true;
        return;
      }
      client.multi.push(argv.map((a) => a.slice()));
      w.simple("QUEUED");
      return;
    }
    if (client.proto === 2 && client.inPubSub && !pubsubAllowed.has(top.spec.name)) {
      w.error(`ERR Can't execute '${cmd.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`);
      return;
    }
    this.execute(conn, cmd, argv);
  }

  private execute(conn: Connection, cmd: Command, argv: readonly Uint8Array[]): void {
    // Cold values the command reads are loaded off the event loop first; the connection reads no
    // further commands meanwhile, so replies stay in order. argv views the parser's buffer: copied.
    const cold = this.engine.coldKeysOf(conn.state.db, cmd, argv);
    if (cold.length > 0) {
      const owned = argv.map((a) => a.slice());
      conn.pause();
      void this.engine.preload(cold).then(() => {
        if (!conn.closed) this.executeNow(conn, cmd, owned);
        this.engine.release(cold);
        conn.finishBatch();
        conn.resume();
      });
      return;
    }
    this.executeNow(conn, cmd, argv);
  }

  private executeNow(conn: Connection, cmd: Command, argv: readonly Uint8Array[]): void {
    const client = conn.state;
    const w = conn.writer;
    if (client.replyMode === "on") {
      this.engine.execute(client, this.server, w, cmd, argv);
      return;
    }
    // CLIENT REPLY OFF/SKIP: run the command but drop its reply bytes.
    const mark = w.length;
    const wasSkip = client.replyMode === "skip";
    this.engine.execute(client, this.server, w, cmd, argv);
    const isClientReply = cmd.fullName === "client|reply";
    if (!isClientReply || !replyModeIsOn(client)) w.truncate(mark);
    if (wasSkip && !isClientReply) client.replyMode = "on";
  }
}
