// The command declaration: one object per command drives dispatch, arity checks, key extraction,
// ACL categories and COMMAND INFO/DOCS (after Redis's src/commands/*.json, without its generator).
import type { ReplyWriter } from "../protocol/writer.ts";
import type { ClientState } from "../server/client-state.ts";
import type { DbView } from "../keyspace/db-view.ts";
import type { ServerContext } from "../engine/server-context.ts";

/** Command flags, spelled as COMMAND INFO shows them. */
export type CommandFlag =
  | "write"
  | "readonly"
  | "denyoom"
  | "admin"
  | "pubsub"
  | "noscript"
  | "blocking"
  | "loading"
  | "stale"
  | "skip_monitor"
  | "skip_slowlog"
  | "asking"
  | "fast"
  | "no_auth"
  | "may_replicate"
  | "no_mandatory_keys"
  | "no_async_loading"
  | "no_multi"
  | "movablekeys"
  | "allow_busy";

/** Key-spec flags as Redis 7 prints them. */
export type KeySpecFlag =
  | "RW"
  | "RO"
  | "OW"
  | "RM"
  | "ACCESS"
  | "UPDATE"
  | "INSERT"
  | "DELETE"
  | "NOT_KEY"
  | "INCOMPLETE"
  | "VARIABLE_FLAGS";

export type BeginSearch =
  | { readonly type: "index"; readonly index: number }
  | { readonly type: "keyword"; readonly keyword: string; readonly startFrom: number }
  | { readonly type: "unknown" };

export type FindKeys =
  | { readonly type: "range"; readonly lastKey: number; readonly keyStep: number; readonly limit: number }
  | { readonly type: "keynum"; readonly keyNumIndex: number; readonly firstKey: number; readonly keyStep: number }
  | { readonly type: "unknown" };

export interface KeySpec {
  readonly notes?: string;
  readonly flags: readonly KeySpecFlag[];
  readonly beginSearch: BeginSearch;
  readonly findKeys: FindKeys;
}

/** ACL categories a declaration names explicitly; read/write/fast/slow/admin/... are derived from flags. */
export type AclCategory =
  | "keyspace"
  | "read"
  | "write"
  | "set"
  | "sortedset"
  | "list"
  | "hash"
  | "string"
  | "bitmap"
  | "hyperloglog"
  | "geo"
  | "stream"
  | "pubsub"
  | "admin"
  | "fast"
  | "slow"
  | "blocking"
  | "dangerous"
  | "connection"
  | "transaction"
  | "scripting";

export type CommandGroup =
  | "generic"
  | "string"
  | "list"
  | "set"
  | "sorted_set"
  | "hash"
  | "pubsub"
  | "transactions"
  | "connection"
  | "server"
  | "scripting"
  | "hyperloglog"
  | "cluster"
  | "sentinel"
  | "geo"
  | "stream"
  | "bitmap"
  | "bunker";

/** An argument description for COMMAND DOCS. */
export interface ArgSpec {
  readonly name: string;
  readonly type: "string" | "integer" | "double" | "key" | "pattern" | "unix-time" | "pure-token" | "oneof" | "block";
  readonly token?: string;
  readonly keySpecIndex?: number;
  readonly optional?: boolean;
  readonly multiple?: boolean;
  readonly multipleToken?: boolean;
  readonly since?: string;
  readonly displayText?: string;
  readonly arguments?: readonly ArgSpec[];
}

/**
 * What a handler sees. Handlers are synchronous and deterministic given (state, argv, now, random):
 * the same handler re-executes logged commands at recovery and on replicas.
 */
export interface CommandContext {
  readonly reply: ReplyWriter;
  readonly client: ClientState;
  readonly server: ServerContext;
  /** The client's selected database, routed per key to its shard. */
  readonly db: DbView;
  /** Logical time of this command in ms (the leader's clock, logged with the entry). */
  readonly now: number;
  /** True while re-applying the log (recovery, followers): no lazy expiry, no side effects. */
  readonly replaying: boolean;
  /** True for a command EXEC runs from its queue. */
  readonly inTransaction: boolean;
  /** Seeded random in [0, 1): deterministic per logged entry. */
  random(): number;
  /** Count of modifications made, as Redis's server.dirty: the command is logged when it is > 0. */
  dirty: number;
  /**
   * Log `argv` instead of the command as received (Redis's rewriteClientCommandVector): relative TTLs
   * become absolute, random choices become explicit. May be called several times (alsoPropagate);
   * then only the given commands are logged.
   */
  propagate(argv: readonly (string | Uint8Array)[]): void;
}

export type CommandHandler = (ctx: CommandContext, argv: readonly Uint8Array[]) => void;

export interface CommandSpec {
  /** Lower-case name; for a subcommand the `container|sub` form is built by the table. */
  readonly name: string;
  /** Redis arity: positive = exact argc, negative = at least -arity. Includes the command name. */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  readonly acl: readonly AclCategory[];
  readonly group: CommandGroup;
  readonly summary: string;
  readonly since: string;
  readonly complexity?: string;
  readonly tips?: readonly string[];
  readonly keySpecs: readonly KeySpec[];
  readonly arguments?: readonly ArgSpec[];
  readonly docFlags?: readonly ("deprecated" | "syscmd")[];
  readonly replacedBy?: string;
  readonly deprecatedSince?: string;
  /** Container commands (CONFIG, CLIENT, ...) declare subcommands instead of a handler. */
  readonly subcommands?: readonly CommandSpec[];
  /** Keyless writes that act on every shard (FLUSHALL, FLUSHDB, SWAPDB): logged to each shard. */
  readonly allShards?: boolean;
  readonly handler?: CommandHandler;
}

/** Key-spec shorthands for the common shapes. */
export const keys = {
  /** One key at argv[index]. */
  one(index: number, flags: readonly KeySpecFlag[]): KeySpec {
    return { flags, beginSearch: { type: "index", index }, findKeys: { type: "range", lastKey: 0, keyStep: 1, limit: 0 } };
  },
  /** Keys from argv[index] to the end (lastKey -1) or to `lastKey` relative, every `step`. */
  range(index: number, lastKey: number, step: number, flags: readonly KeySpecFlag[]): KeySpec {
    return { flags, beginSearch: { type: "index", index }, findKeys: { type: "range", lastKey, keyStep: step, limit: 0 } };
  },
  /** A count at argv[index] followed by that many keys (e.g. ZUNION numkeys key...). */
  keynum(index: number, flags: readonly KeySpecFlag[]): KeySpec {
    return { flags, beginSearch: { type: "index", index }, findKeys: { type: "keynum", keyNumIndex: 0, firstKey: 1, keyStep: 1 } };
  },
};
