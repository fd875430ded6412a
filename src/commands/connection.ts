// Connection commands: PING, ECHO, HELLO, AUTH, SELECT, QUIT, RESET.
import type { CommandContext, CommandSpec } from "./types.ts";
import { intArg, latin1, word } from "./args.ts";
import { errArity, errSyntax } from "../protocol/errors.ts";

const errWrongPass = "WRONGPASS invalid username-password pair or user is disabled.";

function checkPassword(ctx: CommandContext, user: string, pass: string): boolean {
  const required = ctx.server.config.get("requirepass");
  if (user !== "default") return false;
  return required === "" || pass === required;
}

function ping(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const w = ctx.reply;
  if (argv.length > 2) return w.error(errArity("ping"));
  if (ctx.client.proto === 2 && ctx.client.inPubSub) {
    w.arrayHeader(2);
    w.bulk("pong");
    w.bulk(argv[1] ?? "");
    return;
  }
  if (argv.length > 1) w.bulk(argv[1] as Uint8Array);
  else w.simple("PONG");
}

function helloReply(ctx: CommandContext): void {
  const w = ctx.reply;
  w.mapHeader(7);
  w.bulk("server");
  w.bulk("redis");
  w.bulk("version");
  w.bulk(ctx.server.version);
  w.bulk("proto");
  w.integer(ctx.client.proto);
  w.bulk("id");
  w.integer(ctx.client.id);
  w.bulk("mode");
  w.bulk(ctx.server.cluster ? "cluster" : "standalone");
  w.bulk("role");
  w.bulk("master");
  w.bulk("modules");
  w.arrayHeader(0);
}

function hello(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const w = ctx.reply;
  let proto: number | null = null;
  if (argv.length >= 2) {
    proto = intArg(ctx, argv[1], "ERR Protocol version is not an integer or out of range");
    if (proto === null) return;
    if (proto < 2 || proto > 3) {
      w.error("NOPROTO unsupported protocol version");
      return;
    }
  }
  let user: string | null = null;
  let pass = "";
  let name: string | null = null;
  for (let i = 2; i < argv.length; i++) {
    const opt = word(argv[i]);
    const more = argv.length - i - 1;
    if (opt === "auth" && more >= 2) {
      user = latin1(argv[i + 1] as Uint8Array);
      pass = latin1(argv[i + 2] as Uint8Array);
      i += 2;
    } else if (opt === "setname" && more >= 1) {
      name = latin1(argv[i + 1] as Uint8Array);
      i += 1;
    } else {
      w.error(`ERR Syntax error in HELLO option '${latin1(argv[i] as Uint8Array)}'`);
      return;
    }
  }
  if (user !== null) {
    if (!checkPassword(ctx, user, pass)) {
      w.error(errWrongPass);
      return;
    }
    ctx.client.authenticated = true;
  }
  if (!ctx.client.authenticated) {
    w.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
    return;
  }
  if (name !== null) {
    if (!validClientName(name)) {
      w.error("ERR Client names cannot contain spaces, newlines or special characters.");
      return;
    }
    ctx.client.name = name;
  }
  if (proto !== null) {
    ctx.client.proto = proto as 2 | 3;
    w.proto = ctx.client.proto;
  }
  helloReply(ctx);
}

export function validClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

function auth(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const w = ctx.reply;
  if (argv.length > 3) {
    w.error(errSyntax);
    return;
  }
  const user = argv.length === 3 ? latin1(argv[1] as Uint8Array) : "default";
  const pass = latin1(argv[argv.length - 1] as Uint8Array);
  if (argv.length === 2 && ctx.server.config.get("requirepass") === "") {
    w.error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
    return;
  }
  if (!checkPassword(ctx, user, pass)) {
    w.error(errWrongPass);
    return;
  }
  ctx.client.authenticated = true;
  w.simple("OK");
}

function select(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const index = intArg(ctx, argv[1]);
  if (index === null) return;
  if (index < 0 || index >= ctx.server.config.int("databases")) {
    ctx.reply.error("ERR DB index is out of range");
    return;
  }
  ctx.client.db = index;
  ctx.reply.simple("OK");
}

function quit(ctx: CommandContext): void {
  ctx.client.closeAfterReply = true;
  ctx.reply.simple("OK");
}

function reset(ctx: CommandContext): void {
  const c = ctx.client;
  c.multi = null;
  c.multiError = false;
  ctx.server.engine.watches.unwatchAll(c);
  ctx.server.pubsub?.unsubscribeAll(c);
  ctx.server.monitors?.remove(c);
  ctx.server.tracking?.disable(c);
  c.db = 0;
  c.proto = 2;
  ctx.reply.proto = 2;
  c.name = "";
  c.replyMode = "on";
  c.noEvict = false;
  c.noTouch = false;
  c.clusterReadonly = false;
  c.authenticated = ctx.server.config.get("requirepass") === "";
  ctx.reply.simple("RESET");
}

const conn = { group: "connection", acl: ["connection"], keySpecs: [] } as const;

export const connectionCommands: CommandSpec[] = [
  { ...conn, name: "ping", arity: -1, flags: ["fast"], summary: "Returns the server's liveliness response.", since: "1.0.0", complexity: "O(1)", tips: ["request_policy:all_shards", "response_policy:all_succeeded"], handler: ping },
  { ...conn, name: "echo", arity: 2, flags: ["loading", "stale", "fast"], summary: "Returns the given string.", since: "1.0.0", complexity: "O(1)", handler: (ctx, argv) => ctx.reply.bulk(argv[1] as Uint8Array) },
  { ...conn, name: "hello", arity: -1, flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"], summary: "Handshakes with the Redis server.", since: "6.0.0", complexity: "O(1)", handler: hello },
  { ...conn, name: "auth", arity: -2, flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"], summary: "Authenticates the connection.", since: "1.0.0", complexity: "O(N) where N is the number of passwords defined for the user", handler: auth },
  { ...conn, name: "select", arity: 2, flags: ["loading", "stale", "fast"], summary: "Changes the selected database.", since: "1.0.0", complexity: "O(1)", handler: select },
  { ...conn, name: "quit", arity: -1, flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"], summary: "Closes the connection.", since: "1.0.0", complexity: "O(1)", docFlags: ["deprecated"], deprecatedSince: "7.2.0", replacedBy: "just closing the connection", handler: quit },
  { ...conn, name: "reset", arity: 1, flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"], summary: "Resets the connection.", since: "6.2.0", complexity: "O(1)", handler: reset },
];
