// COMMAND and its subcommands, all derived from the declarations in the command table.
import type { CommandContext, CommandSpec, KeySpec, KeySpecFlag, ArgSpec } from "./types.ts";
import { arityOk, asciiEqualsIgnoreCase, keyIndexes, type Command } from "./table.ts";
import { latin1, word } from "./args.ts";
import type { ReplyWriter } from "../protocol/writer.ts";
import { errSyntax } from "../protocol/errors.ts";
import { globMatch } from "../keyspace/glob.ts";

/** Redis prints the access-type flags in capitals and the rest in lower case. */
function keySpecFlagText(flag: string): string {
  return flag === "RO" || flag === "RW" || flag === "OW" || flag === "RM" ? flag : flag.toLowerCase();
}

function keySpecReply(w: ReplyWriter, k: KeySpec): void {
  w.mapHeader(k.notes ? 4 : 3);
  if (k.notes) {
    w.bulk("notes");
    w.bulk(k.notes);
  }
  w.bulk("flags");
  w.setHeader(k.flags.length);
  for (const f of k.flags) w.simple(keySpecFlagText(f));
  w.bulk("begin_search");
  w.mapHeader(2);
  w.bulk("type");
  const bs = k.beginSearch;
  w.bulk(bs.type);
  w.bulk("spec");
  if (bs.type === "index") {
    w.mapHeader(1);
    w.bulk("index");
    w.integer(bs.index);
  } else if (bs.type === "keyword") {
    w.mapHeader(2);
    w.bulk("keyword");
    w.bulk(bs.keyword);
    w.bulk("startfrom");
    w.integer(bs.startFrom);
  } else w.mapHeader(0);
  w.bulk("find_keys");
  w.mapHeader(2);
  w.bulk("type");
  const fk = k.findKeys;
  w.bulk(fk.type);
  w.bulk("spec");
  if (fk.type === "range") {
    w.mapHeader(3);
    w.bulk("lastkey");
    w.integer(fk.lastKey);
    w.bulk("keystep");
    w.integer(fk.keyStep);
    w.bulk("limit");
    w.integer(fk.limit);
  } else if (fk.type === "keynum") {
    w.mapHeader(3);
    w.bulk("keynumidx");
    w.integer(fk.keyNumIndex);
    w.bulk("firstkey");
    w.integer(fk.firstKey);
    w.bulk("keystep");
    w.integer(fk.keyStep);
  } else w.mapHeader(0);
}

export function commandInfoReply(w: ReplyWriter, cmd: Command): void {
  const spec = cmd.spec;
  w.arrayHeader(10);
  w.bulk(cmd.fullName);
  w.integer(spec.arity);
  w.setHeader(cmd.flags.length);
  for (const f of cmd.flags) w.simple(f);
  const [first, last, step] = cmd.legacyKeys;
  w.integer(first);
  w.integer(last);
  w.integer(step);
  w.setHeader(cmd.acl.length);
  for (const c of cmd.acl) w.simple("@" + c);
  const tips = spec.tips ?? [];
  w.setHeader(tips.length);
  for (const t of tips) w.bulk(t);
  w.setHeader(spec.keySpecs.length);
  for (const k of spec.keySpecs) keySpecReply(w, k);
  // Redis replies an empty set when there are no subcommands, an array otherwise.
  if (cmd.subcommands.size === 0) w.setHeader(0);
  else w.arrayHeader(cmd.subcommands.size);
  for (const sub of cmd.subcommands.values()) commandInfoReply(w, sub);
}

function argReply(w: ReplyWriter, a: ArgSpec): void {
  const fields: [string, () => void][] = [
    ["name", () => w.bulk(a.name)],
    ["type", () => w.bulk(a.type)],
  ];
  if (a.displayText !== undefined) fields.push(["display_text", () => w.bulk(a.displayText as string)]);
  if (a.keySpecIndex !== undefined) fields.push(["key_spec_index", () => w.integer(a.keySpecIndex as number)]);
  if (a.token !== undefined) fields.push(["token", () => w.bulk(a.token as string)]);
  if (a.since !== undefined) fields.push(["since", () => w.bulk(a.since as string)]);
  const flags = [a.optional ? "optional" : "", a.multiple ? "multiple" : "", a.multipleToken ? "multiple_token" : ""].filter((f) => f);
  if (flags.length > 0) {
    fields.push([
      "flags",
      () => {
        w.setHeader(flags.length);
        for (const f of flags) w.simple(f);
      },
    ]);
  }
  if (a.arguments) {
    const args = a.arguments;
    fields.push([
      "arguments",
      () => {
        w.arrayHeader(args.length);
        for (const s of args) argReply(w, s);
      },
    ]);
  }
  w.mapHeader(fields.length);
  for (const [k, f] of fields) {
    w.bulk(k);
    f();
  }
}

export function commandDocsReply(w: ReplyWriter, cmd: Command): void {
  const s: CommandSpec = cmd.spec;
  const fields: [string, () => void][] = [
    ["summary", () => w.bulk(s.summary)],
    ["since", () => w.bulk(s.since)],
    ["group", () => w.bulk(s.group)],
  ];
  if (s.complexity) fields.push(["complexity", () => w.bulk(s.complexity as string)]);
  if (s.docFlags && s.docFlags.length > 0) {
    const df = s.docFlags;
    fields.push([
      "doc_flags",
      () => {
        w.setHeader(df.length);
        for (const f of df) w.simple(f);
      },
    ]);
  }
  if (s.deprecatedSince) fields.push(["deprecated_since", () => w.bulk(s.deprecatedSince as string)]);
  if (s.replacedBy) fields.push(["replaced_by", () => w.bulk(s.replacedBy as string)]);
  if (s.arguments && s.arguments.length > 0) {
    const args = s.arguments;
    fields.push([
      "arguments",
      () => {
        w.arrayHeader(args.length);
        for (const a of args) argReply(w, a);
      },
    ]);
  }
  if (cmd.subcommands.size > 0) {
    fields.push([
      "subcommands",
      () => {
        w.mapHeader(cmd.subcommands.size);
        for (const sub of cmd.subcommands.values()) {
          w.bulk(sub.fullName);
          commandDocsReply(w, sub);
        }
      },
    ]);
  }
  w.mapHeader(fields.length);
  for (const [k, f] of fields) {
    w.bulk(k);
    f();
  }
}

function lookupFull(ctx: CommandContext, name: string): Command | undefined {
  const parts = name.toLowerCase().split("|");
  const top = ctx.server.table.get(parts[0] as string);
  if (!top || parts.length === 1) return top;
  return parts.length === 2 ? top.subcommands.get(parts[1] as string) : undefined;
}

function info(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const w = ctx.reply;
  if (argv.length <= 2) {
    const all = ctx.server.table.all();
    w.arrayHeader(all.length);
    for (const c of all) commandInfoReply(w, c);
    return;
  }
  w.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const c = lookupFull(ctx, latin1(argv[i] as Uint8Array));
    if (c) commandInfoReply(w, c);
    else w.nullBulk();
  }
}

function docs(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const w = ctx.reply;
  const found: Command[] = [];
  if (argv.length <= 2) found.push(...ctx.server.table.all());
  else {
    for (let i = 2; i < argv.length; i++) {
      const c = lookupFull(ctx, latin1(argv[i] as Uint8Array));
      if (c) found.push(c);
    }
  }
  w.mapHeader(found.length);
  for (const c of found) {
    w.bulk(c.fullName);
    commandDocsReply(w, c);
  }
}

function getKeys(ctx: CommandContext, argv: readonly Uint8Array[], withFlags: boolean): void {
  const w = ctx.reply;
  const rest = argv.slice(2);
  let cmd = ctx.server.table.get(latin1(rest[0] as Uint8Array));
  if (cmd && cmd.subcommands.size > 0 && rest.length >= 2) cmd = cmd.subcommands.get(word(rest[1])) ?? cmd;
  if (!cmd) return w.error("ERR Invalid command specified");
  if (!arityOk(cmd.spec.arity, rest.length)) return w.error("ERR Invalid number of arguments specified for command");
  const found = keysWithFlags(cmd, rest);
  if (found.length === 0) return w.error(cmd.spec.keySpecs.every((k) => k.flags.includes("NOT_KEY")) ? "ERR The command has no key arguments" : "ERR Invalid arguments specified for command");
  w.arrayHeader(found.length);
  for (const { index, flags } of found) {
    if (withFlags) {
      w.arrayHeader(2);
      w.bulk(rest[index] as Uint8Array);
      w.setHeader(flags.length);
      for (const f of flags) w.simple(keySpecFlagText(f));
    } else w.bulk(rest[index] as Uint8Array);
  }
}

interface FoundKey {
  readonly index: number;
  readonly flags: readonly KeySpecFlag[];
}

/**
 * The keys of a call with the flags of the key spec that found each, as Redis 7.0's
 * getKeysFromCommandWithSpecs: key specs when all of them can be followed, otherwise the command's
 * own key finder (SORT and SORT_RO: their BY/GET/STORE specs are "unknown"), otherwise none.
 */
function keysWithFlags(cmd: Command, argv: readonly Uint8Array[]): FoundKey[] {
  const specs = cmd.spec.keySpecs.filter((k) => !k.flags.includes("NOT_KEY"));
  if (specs.some((k) => k.beginSearch.type === "unknown" || k.findKeys.type === "unknown" || k.flags.includes("VARIABLE_FLAGS"))) {
    if (cmd.fullName === "sort") return sortKeys(argv);
    if (cmd.fullName === "sort_ro") return [{ index: 1, flags: sortSourceFlags }];
    if (cmd.fullName === "set") return [{ index: 1, flags: argv.slice(3).some((a) => asciiEqualsIgnoreCase(a, "get")) ? readWriteFlags : overwriteFlags }];
    if (cmd.fullName === "bitfield") return [{ index: 1, flags: bitfieldReadOnly(argv) ? sortSourceFlags : readWriteFlags }];
    return [];
  }
  const out: FoundKey[] = [];
  for (const k of specs) {
    for (const index of keyIndexes({ ...cmd, singleKey: null, spec: { ...cmd.spec, keySpecs: [k] } }, argv)) out.push({ index, flags: k.flags });
  }
  return out;
}

const sortSourceFlags: readonly KeySpecFlag[] = ["RO", "ACCESS"];
const sortStoreFlags: readonly KeySpecFlag[] = ["OW", "UPDATE"];
const overwriteFlags = sortStoreFlags;
const readWriteFlags: readonly KeySpecFlag[] = ["RW", "ACCESS", "UPDATE"];

/** BITFIELD reads only when every subcommand is a complete GET or OVERFLOW (anything else counts as a write). */
function bitfieldReadOnly(argv: readonly Uint8Array[]): boolean {
  for (let i = 2; i < argv.length; i++) {
    const rest = argv.length - i - 1;
    const a = argv[i] as Uint8Array;
    if (asciiEqualsIgnoreCase(a, "get") && rest >= 2) i += 2;
    else if (asciiEqualsIgnoreCase(a, "overflow") && rest >= 1) i += 1;
    else return false;
  }
  return true;
}

/** SORT's key finder: the source, and the argument after the last STORE not consumed by LIMIT/BY/GET. */
function sortKeys(argv: readonly Uint8Array[]): FoundKey[] {
  const out: FoundKey[] = [{ index: 1, flags: sortSourceFlags }];
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i] as Uint8Array;
    if (asciiEqualsIgnoreCase(a, "limit")) i += 2;
    else if (asciiEqualsIgnoreCase(a, "by") || asciiEqualsIgnoreCase(a, "get")) i += 1;
    else if (asciiEqualsIgnoreCase(a, "store") && i + 1 < argv.length) store = i + 1;
  }
  if (store >= 0) out.push({ index: store, flags: sortStoreFlags });
  return out;
}

function listCmd(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  const w = ctx.reply;
  let names = ctx.server.table.all().flatMap((c) => [c.fullName, ...[...c.subcommands.values()].map((s) => s.fullName)]);
  if (argv.length === 5 && word(argv[2]) === "filterby") {
    const kind = word(argv[3]);
    const arg = latin1(argv[4] as Uint8Array);
    const all = ctx.server.table.all().flatMap((c) => [c, ...c.subcommands.values()]);
    if (kind === "aclcat") names = all.filter((c) => c.acl.includes(arg.toLowerCase() as never)).map((c) => c.fullName);
    // Redis matches the pattern as given with stringmatchlen's nocase (lowering it first would change ranges such as [Z-a]).
    else if (kind === "pattern") names = all.filter((c) => globMatch(arg, c.fullName, { nocase: true })).map((c) => c.fullName);
    else if (kind === "module") names = [];
    else return w.error(errSyntax);
  } else if (argv.length !== 2) return w.error(errSyntax);
  w.arrayHeader(names.length);
  for (const n of names) w.bulk(n);
}

const help = [
  "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "(no subcommand)",
  "    Return details about all Redis commands.",
  "COUNT",
  "    Return the total number of commands in this Redis server.",
  "LIST",
  "    Return a list of all commands in this Redis server.",
  "INFO [<command-name> ...]",
  "    Return details about multiple Redis commands.",
  "    If no command names are given, documentation details for all",
  "    commands are returned.",
  "DOCS [<command-name> ...]",
  "    Return documentation details about multiple Redis commands.",
  "    If no command names are given, documentation details for all",
  "    commands are returned.",
  "GETKEYS <full-command>",
  "    Return the keys from a full Redis command.",
  "GETKEYSANDFLAGS <full-command>",
  "    Return the keys and the access flags from a full Redis command.",
  "HELP",
  "    Print this help.",
];

const sub = { group: "server", acl: ["connection"], keySpecs: [], flags: ["loading", "stale"] } as const;

export const commandCommand: CommandSpec = {
  name: "command",
  arity: -1,
  flags: ["loading", "stale"],
  acl: ["connection"],
  group: "server",
  summary: "Returns detailed information about all commands.",
  since: "2.8.13",
  complexity: "O(N) where N is the total number of Redis commands",
  tips: ["nondeterministic_output_order"],
  keySpecs: [],
  handler: (ctx, argv) => info(ctx, argv),
  subcommands: [
    { ...sub, name: "count", arity: 2, summary: "Returns a count of commands.", since: "2.8.13", complexity: "O(1)", handler: (ctx) => ctx.reply.integer(ctx.server.table.size) },
    { ...sub, name: "info", arity: -2, summary: "Returns information about one, multiple or all commands.", since: "2.8.13", complexity: "O(N) where N is the number of commands to look up", tips: ["nondeterministic_output_order"], handler: info },
    { ...sub, name: "docs", arity: -2, summary: "Returns documentary information about one, multiple or all commands.", since: "7.0.0", complexity: "O(N) where N is the number of commands to look up", tips: ["nondeterministic_output_order"], handler: docs },
    { ...sub, name: "getkeys", arity: -4, summary: "Extracts the key names from an arbitrary command.", since: "2.8.13", complexity: "O(N) where N is the number of arguments to the command", handler: (ctx, argv) => getKeys(ctx, argv, false) },
    { ...sub, name: "getkeysandflags", arity: -4, summary: "Extracts the key names and access flags for an arbitrary command.", since: "7.0.0", complexity: "O(N) where N is the number of arguments to the command", handler: (ctx, argv) => getKeys(ctx, argv, true) },
    { ...sub, name: "list", arity: -2, summary: "Returns a list of command names.", since: "7.0.0", complexity: "O(N) where N is the total number of Redis commands", tips: ["nondeterministic_output_order"], handler: listCmd },
    {
      ...sub, name: "help", arity: 2, summary: "Returns helpful text about the different subcommands.", since: "5.0.0", complexity: "O(1)",
      handler: (ctx) => {
        ctx.reply.arrayHeader(help.length);
        for (const line of help) ctx.reply.simple(line);
      },
    },
  ],
};
