// CLIENT: ID, SETNAME, GETNAME, LIST, INFO, KILL, UNBLOCK, SETINFO, NO-EVICT, NO-TOUCH, REPLY, HELP, and
// TRACKING, CACHING, GETREDIR, TRACKINGINFO (client-side caching: src/server/tracking.ts).
import type { CommandContext, CommandSpec } from "./types.ts";
import type { ClientHandle } from "../engine/server-context.ts";
import type { ClientState } from "../server/client-state.ts";
import { intArg, latin1, word } from "./args.ts";
import { errSyntax } from "../protocol/errors.ts";
import { parseInteger } from "../protocol/numbers.ts";
import type { PauseMode } from "../server/client-pause.ts";
import { validClientName } from "./connection.ts";
import { isClientBlocked, unblockClient } from "../server/blocking.ts";
import { Tracking } from "../server/tracking.ts";

/** One line of CLIENT LIST / CLIENT INFO, in Redis 7.0's field order. */
export function clientInfoLine(c: ClientState, nowMs: number, blocked = false): string {
  // Redis's order: O (monitor), P, x, b (blocked, or waiting for CLIENT PAUSE), d.
  const t = c.tracking;
  const flags =
    (c.monitor ? "O" : "") + (c.inPubSub ? "P" : "") + (c.multi ? "x" : "") + (blocked || c.postponed ? "b" : "") +
      (t !== null ? "t" : "") + (t?.brokenRedirect === true ? "R" : "") + (t?.bcast === true ? "B" : "") + (c.watchDirty ? "d" : "") || "N";
  const age = Math.floor((nowMs - c.createdMs) / 1000);
  const idle = Math.floor((nowMs - c.lastInteractionMs) / 1000);
  return (
    `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=8 name=${c.name} age=${age} idle=${idle} flags=${flags} ` +
    `db=${c.db} sub=${c.channels.size} psub=${c.patterns.size} ssub=0 multi=${c.multi ? c.multi.length : -1} ` +
    `qbuf=${c.queryBufferBytes} qbuf-free=0 argv-mem=0 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 omem=${c.outputBytesPending} ` +
    `tot-mem=0 events=r cmd=${c.lastCommand} user=${c.user} redir=${t === null ? -1 : t.redirect} resp=${c.proto}`
  );
}

function list(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  let filterIds: Set<number> | null = null;
  if (argv.length >= 4 && word(argv[2]) === "id") {
    filterIds = new Set();
    for (let i = 3; i < argv.length; i++) {
      const id = intArg(ctx, argv[i], "ERR Invalid client ID");
      if (id === null) return;
      filterIds.add(id);
    }
  } else if (argv.length === 4 && word(argv[2]) === "type") {
    const t = word(argv[3]);
    if (!["normal", "master", "replica", "slave", "pubsub"].includes(t)) {
      ctx.reply.error(`ERR Unknown client type '${latin1(argv[3] as Uint8Array)}'`);
      return;
    }
    if (t !== "normal" && t !== "pubsub") filterIds = new Set();
  } else if (argv.length !== 2) {
    ctx.reply.error(errSyntax);
    return;
  }
  const now = Date.now();
  let out = "";
  for (const h of ctx.server.clients()) {
    if (filterIds && !filterIds.has(h.state.id)) continue;
    out += clientInfoLine(h.state, now, isClientBlocked(ctx.server.engine, h.state)) + "\n";
  }
  ctx.reply.verbatim(out);
}

/** CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP], checks in Redis 7.0's order. */
function tracking(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const hub = ctx.server.tracking;
  let redirect = 0;
  const opts = { bcast: false, optin: false, optout: false, noloop: false };
  const prefixes: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const opt = word(argv[j]);
    const more = argv.length - 1 - j;
    if (opt === "redirect" && more > 0) {
      j++;
      if (redirect !== 0) return ctx.reply.error("ERR A client can only redirect to a single other client");
      const id = intArg(ctx, argv[j]);
      if (id === null) return;
      if (![...ctx.server.clients()].some((c) => c.state.id === id)) return ctx.reply.error("ERR The client ID you want redirect to does not exist");
      redirect = id;
    } else if (opt === "bcast") opts.bcast = true;
    else if (opt === "optin") opts.optin = true;
    else if (opt === "optout") opts.optout = true;
    else if (opt === "noloop") opts.noloop = true;
    else if (opt === "prefix" && more > 0) prefixes.push(latin1(argv[++j] as Uint8Array));
    else return ctx.reply.error(errSyntax);
  }
  const mode = word(argv[2]);
  const current = ctx.client.tracking;
  if (mode === "on") {
    if (!opts.bcast && prefixes.length > 0) return ctx.reply.error("ERR PREFIX option requires BCAST mode to be enabled");
    if (current !== null && current.bcast !== opts.bcast) {
      return ctx.reply.error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.");
    }
    if (opts.bcast && (opts.optin || opts.optout)) return ctx.reply.error("ERR OPTIN and OPTOUT are not compatible with BCAST");
    if (opts.optin && opts.optout) return ctx.reply.error("ERR You can't specify both OPTIN mode and OPTOUT mode");
    if ((opts.optin && current?.optout === true) || (opts.optout && current?.optin === true)) {
      return ctx.reply.error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.");
    }
    if (opts.bcast) {
      const err = Tracking.checkPrefixes(current?.prefixes ?? [], prefixes);
      if (err !== null) return ctx.reply.error(err);
    }
    if (hub === undefined) return ctx.reply.error("ERR client tracking is not available on this connection");
    hub.enable(ctx.client, { ...opts, redirect, prefixes });
    ctx.server.trackingEnabled?.();
  } else if (mode === "off") {
    hub?.disable(ctx.client);
  } else return ctx.reply.error(errSyntax);
  ctx.reply.simple("OK");
}

function caching(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const t = ctx.client.tracking;
  if (t === null) return ctx.reply.error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled");
  const opt = word(argv[2]);
  if (opt === "yes") {
    if (!t.optin) return ctx.reply.error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
  } else if (opt === "no") {
    if (!t.optout) return ctx.reply.error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
  } else return ctx.reply.error(errSyntax);
  t.caching = true;
  ctx.reply.simple("OK");
}

function trackingInfo(ctx: CommandContext): void {
  const t = ctx.client.tracking;
  const flags: string[] = [t === null ? "off" : "on"];
  if (t !== null) {
    if (t.bcast) flags.push("bcast");
    if (t.optin) flags.push("optin", ...(t.caching ? ["caching-yes"] : []));
    if (t.optout) flags.push("optout", ...(t.caching ? ["caching-no"] : []));
    if (t.noloop) flags.push("noloop");
    if (t.brokenRedirect) flags.push("broken_redirect");
  }
  const r = ctx.reply;
  r.mapHeader(3);
  r.bulk("flags");
  r.setHeader(flags.length);
  for (const f of flags) r.bulk(f);
  r.bulk("redirect");
  r.integer(t === null ? -1 : t.redirect);
  r.bulk("prefixes");
  // Redis lists them from its radix tree: in byte order.
  const prefixes = t === null ? [] : [...t.prefixes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  r.arrayHeader(prefixes.length);
  for (const p of prefixes) r.bulk(p);
}

/** CLIENT UNBLOCK id [TIMEOUT|ERROR]: the reason is checked before the id, as Redis 7.0. */
function unblock(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  if (argv.length > 4) return ctx.reply.error(`ERR unknown subcommand or wrong number of arguments for '${latin1(argv[1] as Uint8Array)}'. Try CLIENT HELP.`);
  let error: string | null = null;
  if (argv.length === 4) {
    const reason = word(argv[3]);
    if (reason === "error") error = "UNBLOCKED client unblocked via CLIENT UNBLOCK";
    else if (reason !== "timeout") return ctx.reply.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
  }
  const id = intArg(ctx, argv[2]);
  if (id === null) return;
  for (const h of ctx.server.clients()) {
    if (h.state.id === id) return ctx.reply.integer(unblockClient(ctx.server.engine, h.state, error) ? 1 : 0);
  }
  ctx.reply.integer(0);
}

function kill(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const w = ctx.reply;
  if (argv.length === 3) {
    const addr = latin1(argv[2] as Uint8Array);
    for (const h of ctx.server.clients()) {
      if (h.state.addr === addr) {
        killClient(ctx, h);
        w.simple("OK");
        return;
      }
    }
    w.error("ERR No such client");
    return;
  }
  if ((argv.length - 2) % 2 !== 0) {
    w.error(errSyntax);
    return;
  }
  let id: number | null = null;
  let addr: string | null = null;
  let laddr: string | null = null;
  let user: string | null = null;
  let type: string | null = null;
  let skipMe = true;
  for (let i = 2; i < argv.length; i += 2) {
    const opt = word(argv[i]);
    const val = argv[i + 1] as Uint8Array;
    if (opt === "id") {
      const v = intArg(ctx, val, "ERR client-id should be greater than 0");
      if (v === null) return;
      if (v <= 0) {
        w.error("ERR client-id should be greater than 0");
        return;
      }
      id = v;
    } else if (opt === "addr") addr = latin1(val);
    else if (opt === "laddr") laddr = latin1(val);
    else if (opt === "user") {
      // Bunker has one user (ACLs are not implemented): any other name is unknown, as in Redis.
      user = latin1(val);
      if (user !== "default") {
        w.error(`ERR No such user '${user}'`);
        return;
      }
    }
    else if (opt === "type") {
      type = word(val);
      if (!["normal", "master", "replica", "slave", "pubsub"].includes(type)) {
        w.error(`ERR Unknown client type '${latin1(val)}'`);
        return;
      }
    } else if (opt === "skipme") {
      const v = word(val);
      if (v !== "yes" && v !== "no") {
        w.error(errSyntax);
        return;
      }
      skipMe = v === "yes";
    } else {
      w.error(errSyntax);
      return;
    }
  }
  let killed = 0;
  for (const h of [...ctx.server.clients()]) {
    const s = h.state;
    if (id !== null && s.id !== id) continue;
    if (addr !== null && s.addr !== addr) continue;
    if (laddr !== null && s.laddr !== laddr) continue;
    if (user !== null && s.user !== user) continue;
    if (type !== null && (type === "pubsub" ? !s.inPubSub : type === "normal" ? s.inPubSub : true)) continue;
    if (skipMe && s === ctx.client) continue;
    killClient(ctx, h);
    killed++;
  }
  w.integer(killed);
}

/** Largest signed 64-bit value, for Redis's `tval + mstime()` of a pause timeout. */
const longLongMax = 2n ** 63n - 1n;

/**
 * CLIENT PAUSE timeout [WRITE|ALL]: the mode is checked before the timeout (Redis's clientCommand, then
 * getTimeoutFromObjectOrReply in milliseconds). Redis 7.0 adds the timeout to the clock without an
 * overflow check; a sum past 2^63-1 wraps negative there, a pause that ends at once: kept.
 */
function pause(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  if (argv.length > 4) return ctx.reply.error(`ERR unknown subcommand or wrong number of arguments for '${latin1(argv[1] as Uint8Array)}'. Try CLIENT HELP.`);
  let mode: PauseMode = "all";
  if (argv.length === 4) {
    const given = word(argv[3]);
    if (given !== "write" && given !== "all") return ctx.reply.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
    mode = given;
  }
  const parsed = parseInteger(argv[2] as Uint8Array);
  if (parsed === null) return ctx.reply.error("ERR timeout is not an integer or out of range");
  const timeoutMs = BigInt(parsed);
  if (timeoutMs < 0n) return ctx.reply.error("ERR timeout is negative");
  const now = Date.now();
  const endMs = timeoutMs === 0n || timeoutMs > longLongMax - BigInt(now) ? 0 : Number(timeoutMs) + now;
  ctx.server.clientPause?.pause(endMs, mode);
  ctx.reply.simple("OK");
}

function killClient(ctx: CommandContext, h: ClientHandle): void {
  if (h.state === ctx.client) ctx.client.closeAfterReply = true;
  else h.kill();
}

function onOff(ctx: CommandContext, arg: Uint8Array | undefined, set: (v: boolean) => void): void {
  const v = word(arg);
  if (v === "on" || v === "off") {
    set(v === "on");
    ctx.reply.simple("OK");
  } else ctx.reply.error(errSyntax);
}

const help = [
  "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CACHING (YES|NO)",
  "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
  "GETREDIR",
  "    Return the client ID we are redirecting to when tracking is enabled.",
  "GETNAME",
  "    Return the name of the current connection.",
  "ID",
  "    Return the ID of the current connection.",
  "INFO",
  "    Return information about the current client connection.",
  "KILL <ip:port>",
  "    Kill connection made from <ip:port>.",
  "KILL <option> <value> [<option> <value> [...]]",
  "    Kill connections. Options are:",
  "    * ADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made from the specified address",
  "    * LADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made to specified local address",
  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
  "      Kill connections by type.",
  "    * USER <username>",
  "      Kill connections authenticated by <username>.",
  "    * SKIPME (YES|NO)",
  "      Skip killing current connection (default: yes).",
  "    * ID <client-id>",
  "      Kill connections by client id.",
  "LIST [options ...]",
  "    Return information about client connections. Options:",
  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
  "      Return clients of specified type.",
  "UNPAUSE",
  "    Stop the current client pause, resuming traffic.",
  "PAUSE <timeout> [WRITE|ALL]",
  "    Suspend all, or just write, clients for <timeout> milliseconds.",
  "REPLY (ON|OFF|SKIP)",
  "    Control the replies sent to the current connection.",
  "SETNAME <name>",
  "    Assign the name <name> to the current connection.",
  "UNBLOCK <clientid> [TIMEOUT|ERROR]",
  "    Unblock the specified blocked client.",
  "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
  "         [OPTIN] [OPTOUT] [NOLOOP]",
  "    Control server assisted client side caching.",
  "TRACKINGINFO",
  "    Report tracking status for the current connection.",
  "NO-EVICT (ON|OFF)",
  "    Protect current client connection from eviction.",
  "HELP",
  "    Print this help.",
];

const sub = { group: "connection", acl: ["connection"], keySpecs: [], since: "2.4.0" } as const;
const subFlags = ["noscript", "loading", "stale"] as const;

export const clientCommand: CommandSpec = {
  name: "client",
  arity: -2,
  flags: [],
  acl: [],
  group: "connection",
  summary: "A container for client connection commands.",
  since: "2.4.0",
  complexity: "Depends on subcommand.",
  keySpecs: [],
  subcommands: [
    { ...sub, name: "id", arity: 2, flags: subFlags, summary: "Returns the unique client ID of the connection.", since: "5.0.0", complexity: "O(1)", handler: (ctx) => ctx.reply.integer(ctx.client.id) },
    {
      ...sub, name: "setname", arity: 3, flags: subFlags, summary: "Sets the connection name.", complexity: "O(1)",
      handler: (ctx, argv) => {
        const name = latin1(argv[2] as Uint8Array);
        if (!validClientName(name)) return ctx.reply.error("ERR Client names cannot contain spaces, newlines or special characters.");
        ctx.client.name = name;
        ctx.reply.simple("OK");
      },
    },
    { ...sub, name: "getname", arity: 2, flags: subFlags, summary: "Returns the name of the connection.", since: "2.6.9", complexity: "O(1)", handler: (ctx) => (ctx.client.name === "" ? ctx.reply.nullBulk() : ctx.reply.bulk(ctx.client.name)) },
    { ...sub, name: "list", arity: -2, flags: ["admin", ...subFlags], summary: "Lists open connections.", complexity: "O(N) where N is the number of client connections", tips: ["nondeterministic_output"], handler: list },
    { ...sub, name: "info", arity: 2, flags: subFlags, summary: "Returns information about the connection.", since: "6.2.0", complexity: "O(1)", tips: ["nondeterministic_output"], handler: (ctx) => ctx.reply.verbatim(clientInfoLine(ctx.client, Date.now()) + "\n") },
    { ...sub, name: "kill", arity: -3, flags: ["admin", ...subFlags], summary: "Terminates open connections.", complexity: "O(N) where N is the number of client connections", handler: kill },
    { ...sub, name: "unblock", arity: -3, flags: ["admin", ...subFlags], summary: "Unblock a client blocked in a blocking command from a different connection", since: "5.0.0", complexity: "O(log N) where N is the number of client connections",
      arguments: [{ name: "client-id", type: "integer" }, { name: "timeout_error", type: "oneof", optional: true, arguments: [{ name: "timeout", type: "pure-token", token: "TIMEOUT" }, { name: "error", type: "pure-token", token: "ERROR" }] }],
      handler: unblock },
    {
      ...sub, name: "setinfo", arity: 4, flags: subFlags, summary: "Sets information specific to the client or connection.", since: "7.2.0", complexity: "O(1)",
      handler: (ctx, argv) => {
        const attr = word(argv[2]);
        const value = latin1(argv[3] as Uint8Array);
        if (attr !== "lib-name" && attr !== "lib-ver") return ctx.reply.error(`ERR Unrecognized option '${latin1(argv[2] as Uint8Array)}'`);
        if (!validClientName(value) && value !== "") return ctx.reply.error(`ERR ${attr} cannot contain spaces, newlines or special characters.`);
        if (attr === "lib-name") ctx.client.libName = value;
        else ctx.client.libVersion = value;
        ctx.reply.simple("OK");
      },
    },
    { ...sub, name: "pause", arity: -3, flags: ["admin", ...subFlags], summary: "Suspends commands processing.", since: "3.0.0", complexity: "O(1)",
      arguments: [{ name: "timeout", type: "integer" }, { name: "mode", type: "oneof", optional: true, since: "6.2.0", arguments: [{ name: "write", type: "pure-token", token: "WRITE" }, { name: "all", type: "pure-token", token: "ALL" }] }],
      handler: pause },
    { ...sub, name: "unpause", arity: 2, flags: ["admin", ...subFlags], summary: "Resumes processing commands from paused clients.", since: "6.2.0", complexity: "O(N) Where N is the number of paused clients",
      handler: (ctx) => {
        ctx.server.clientPause?.unpause();
        ctx.reply.simple("OK");
      } },
    { ...sub, name: "tracking", arity: -3, flags: subFlags, summary: "Enable or disable server assisted client side caching support", since: "6.0.0", complexity: "O(1). Some options may introduce additional complexity.",
      arguments: [
        { name: "status", type: "oneof", arguments: [{ name: "on", type: "pure-token", token: "ON" }, { name: "off", type: "pure-token", token: "OFF" }] },
        { name: "client-id", type: "integer", token: "REDIRECT", optional: true },
        { name: "prefix", type: "string", token: "PREFIX", optional: true, multiple: true, multipleToken: true },
        { name: "BCAST", type: "pure-token", token: "BCAST", optional: true },
        { name: "OPTIN", type: "pure-token", token: "OPTIN", optional: true },
        { name: "OPTOUT", type: "pure-token", token: "OPTOUT", optional: true },
        { name: "NOLOOP", type: "pure-token", token: "NOLOOP", optional: true },
      ],
      handler: tracking },
    { ...sub, name: "caching", arity: 3, flags: subFlags, summary: "Instruct the server about tracking or not keys in the next request", since: "6.0.0", complexity: "O(1)",
      arguments: [{ name: "mode", type: "oneof", arguments: [{ name: "yes", type: "pure-token", token: "YES" }, { name: "no", type: "pure-token", token: "NO" }] }],
      handler: caching },
    { ...sub, name: "getredir", arity: 2, flags: subFlags, summary: "Get tracking notifications redirection client ID if any", since: "6.0.0", complexity: "O(1)",
      handler: (ctx) => ctx.reply.integer(ctx.client.tracking === null ? -1 : ctx.client.tracking.redirect) },
    { ...sub, name: "trackinginfo", arity: 2, flags: subFlags, summary: "Return information about server assisted client side caching for the current connection", since: "6.2.0", complexity: "O(1)", handler: trackingInfo },
    { ...sub, name: "no-evict", arity: 3, flags: ["admin", ...subFlags], summary: "Sets the client eviction mode of the connection.", since: "7.0.0", complexity: "O(1)", handler: (ctx, argv) => onOff(ctx, argv[2], (v) => (ctx.client.noEvict = v)) },
    { ...sub, name: "no-touch", arity: 3, flags: subFlags, summary: "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.", since: "7.2.0", complexity: "O(1)", handler: (ctx, argv) => onOff(ctx, argv[2], (v) => (ctx.client.noTouch = v)) },
    {
      ...sub, name: "reply", arity: 3, flags: subFlags, summary: "Instructs the server whether to reply to commands.", since: "3.2.0", complexity: "O(1)",
      handler: (ctx, argv) => {
        const mode = word(argv[2]);
        if (mode === "on") {
          ctx.client.replyMode = "on";
          ctx.reply.simple("OK");
        } else if (mode === "off" || mode === "skip") ctx.client.replyMode = mode;
        else ctx.reply.error(errSyntax);
      },
    },
    {
      ...sub, name: "help", arity: 2, flags: ["loading", "stale"], summary: "Returns helpful text about the different subcommands.", since: "5.0.0", complexity: "O(1)",
      handler: (ctx) => {
        ctx.reply.arrayHeader(help.length);
        for (const line of help) ctx.reply.simple(line);
      },
    },
  ],
};
