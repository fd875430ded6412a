// The command table: looks commands up by name, checks arity, extracts keys from key specs, and derives
// the flag and ACL-category lists COMMAND INFO shows. Everything here is computed from the declarations.
import type { AclCategory, CommandFlag, CommandSpec, KeySpec } from "./types.ts";

/** Order in which Redis prints command flags (its CMD_* bit order). */
const flagOrder: readonly CommandFlag[] = [
  "write", "readonly", "denyoom", "admin", "pubsub", "noscript", "blocking", "loading", "stale",
  "skip_monitor", "skip_slowlog", "asking", "fast", "no_auth", "may_replicate", "no_mandatory_keys",
  "no_async_loading", "no_multi", "movablekeys", "allow_busy",
];

/** Order in which Redis prints ACL categories (its ACL_CATEGORY_* bit order). */
const aclOrder: readonly AclCategory[] = [
  "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap", "hyperloglog",
  "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection",
  "transaction", "scripting",
];

/**
 * Redis 7.0's MAY_REPLICATE commands among Bunker's. Its COMMAND INFO never lists the flag, so the
 * declarations (compared byte for byte with it) cannot carry it; CLIENT PAUSE WRITE and MONITOR need it.
 */
const mayReplicateCommands: ReadonlySet<string> = new Set(["publish", "spublish", "pfcount", "eval", "evalsha", "fcall"]);

/** A declaration plus what the table derives from it once, at registration. */
export interface Command {
  readonly spec: CommandSpec;
  /** `get`, or `config|get` for a subcommand. */
  readonly fullName: string;
  readonly parent: Command | null;
  readonly flags: readonly CommandFlag[];
  readonly acl: readonly AclCategory[];
  readonly isWrite: boolean;
  readonly isReadonly: boolean;
  readonly movableKeys: boolean;
  /** Legacy (first, last, step) triple of COMMAND INFO. */
  readonly legacyKeys: readonly [number, number, number];
  readonly subcommands: ReadonlyMap<string, Command>;
  /** For the common one-key shape (GET, SET, HSET...): the key's argv index as a shared array. */
  readonly singleKey: readonly number[] | null;
  /** Flags the dispatcher checks on every command, read once from `flags`. */
  readonly noAuth: boolean;
  readonly denyoom: boolean;
  readonly isPubsub: boolean;
  readonly noMulti: boolean;
  /** Its latency samples go to the "fast-command" event instead of "command" (Redis's call()). */
  readonly fast: boolean;
  /** Never in the slow log (EXEC: its commands are logged one by one). */
  readonly skipSlowlog: boolean;
  /** Not shown to MONITOR: `admin` or `skip_monitor` (of the subcommand itself, as Redis's c->cmd). */
  readonly skipMonitor: boolean;
  /** Redis's MAY_REPLICATE: paused by CLIENT PAUSE WRITE although not a write (PUBLISH, PFCOUNT, ...). */
  readonly mayReplicate: boolean;
}

/** [index] when the command's keys are exactly one argument at a fixed index, else null. */
function singleKeyOf(specs: readonly KeySpec[]): readonly number[] | null {
  const k = specs[0];
  if (specs.length !== 1 || !k || k.flags.includes("NOT_KEY")) return null;
  if (k.beginSearch.type !== "index" || k.findKeys.type !== "range") return null;
  if (k.findKeys.lastKey !== 0 || k.findKeys.limit !== 0) return null;
  return Object.freeze([k.beginSearch.index]);
}

function hasFlag(spec: CommandSpec, flag: CommandFlag): boolean {
  return spec.flags.includes(flag);
}

/** Redis's setImplicitACLCategories. */
function deriveAcl(spec: CommandSpec): AclCategory[] {
  const set = new Set<AclCategory>(spec.acl);
  if (hasFlag(spec, "write")) set.add("write");
  if (hasFlag(spec, "readonly") && !spec.acl.includes("scripting")) set.add("read");
  if (hasFlag(spec, "admin")) {
    set.add("admin");
    set.add("dangerous");
  }
  if (hasFlag(spec, "pubsub")) set.add("pubsub");
  if (hasFlag(spec, "fast")) set.add("fast");
  if (hasFlag(spec, "blocking")) set.add("blocking");
  if (!set.has("fast")) set.add("slow");
  return aclOrder.filter((c) => set.has(c));
}

function isMovable(specs: readonly KeySpec[]): boolean {
  return specs.some((k) => k.beginSearch.type !== "index" || k.findKeys.type !== "range" || (k.findKeys.type === "range" && k.findKeys.limit !== 0) || k.flags.includes("INCOMPLETE"));
}

/** Redis's populateCommandLegacyRangeSpec: first/last/step from the range-shaped key specs. */
function legacyRange(specs: readonly KeySpec[]): [number, number, number] {
  let first = 0;
  let last = 0;
  let step = 0;
  for (const k of specs) {
    if (k.beginSearch.type !== "index" || k.findKeys.type !== "range" || k.findKeys.limit !== 0) continue;
    if (k.flags.includes("INCOMPLETE")) continue;
    const begin = k.beginSearch.index;
    const kLast = k.findKeys.lastKey >= 0 ? begin + k.findKeys.lastKey : k.findKeys.lastKey;
    if (first === 0) {
      first = begin;
      last = kLast;
      step = k.findKeys.keyStep;
      continue;
    }
    if (step !== k.findKeys.keyStep) continue;
    // Adjacent specs with the same step merge into one legacy range (e.g. SMOVE source destination).
    if (last >= 0 && begin === last + step) last = kLast;
    else if (kLast >= 0 && kLast + step === first) first = begin;
  }
  return [first, last, step];
}

function build(spec: CommandSpec, parent: Command | null): Command {
  const fullName = parent ? `${parent.fullName}|${spec.name}` : spec.name;
  const movable = isMovable(spec.keySpecs);
  const flags = flagOrder.filter((f) => hasFlag(spec, f) || (f === "movablekeys" && movable));
  const subs = new Map<string, Command>();
  const cmd: Command = {
    spec,
    fullName,
    parent,
    flags,
    acl: deriveAcl(spec),
    isWrite: hasFlag(spec, "write"),
    isReadonly: hasFlag(spec, "readonly"),
    movableKeys: movable,
    legacyKeys: legacyRange(spec.keySpecs),
    subcommands: subs,
    singleKey: singleKeyOf(spec.keySpecs),
    noAuth: flags.includes("no_auth"),
    denyoom: flags.includes("denyoom"),
    isPubsub: flags.includes("pubsub"),
    noMulti: flags.includes("no_multi"),
    fast: flags.includes("fast"),
    skipSlowlog: flags.includes("skip_slowlog"),
    skipMonitor: flags.includes("admin") || flags.includes("skip_monitor"),
    mayReplicate: mayReplicateCommands.has(fullName),
  };
  for (const sub of spec.subcommands ?? []) subs.set(sub.name, build(sub, cmd));
  return cmd;
}

const aliasCacheMax = 4096;

/** Longest name getBytes() hashes; longer ones take the string path (no command name is this long). */
const nameBytesMax = 32;
const asciiUpperA = 0x41;
const asciiUpperZ = 0x5a;

/** FNV-1a over the bytes with ASCII letters folded to lower case. */
function foldedHash(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    let c = bytes[i] as number;
    if (c >= asciiUpperA && c <= asciiUpperZ) c |= 0x20;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h >>> 0;
}

/** Whether `bytes` spell `name` (lower case ASCII) in any letter case. */
function spells(bytes: Uint8Array, name: string): boolean {
  if (bytes.length !== name.length) return false;
  for (let i = 0; i < bytes.length; i++) {
    let c = bytes[i] as number;
    if (c >= asciiUpperA && c <= asciiUpperZ) c |= 0x20;
    if (c !== name.charCodeAt(i)) return false;
  }
  return true;
}

export class CommandTable {
  private readonly byName = new Map<string, Command>();
  /** Names as clients send them ("SET", "Get") resolved once; bounded so junk names cannot grow it. */
  private readonly byAlias = new Map<string, Command>();

  /** Top-level commands by foldedHash of their name; a colliding name keeps the first (the rest go by string). */
  private readonly byHash = new Map<number, Command>();

  register(specs: readonly CommandSpec[]): void {
    for (const spec of specs) {
      if (this.byName.has(spec.name)) throw new Error(`bug: command ${spec.name} declared twice`);
      const cmd = build(spec, null);
      this.byName.set(spec.name, cmd);
      const h = foldedHash(Buffer.from(spec.name, "latin1"));
      if (!this.byHash.has(h)) this.byHash.set(h, cmd);
    }
  }

  /**
   * get() for a name as the client sent it (argv[0]), without building a string for it: the command
   * lookup runs on every request.
   */
  getBytes(name: Uint8Array): Command | undefined {
    if (name.length <= nameBytesMax) {
      const cmd = this.byHash.get(foldedHash(name));
      if (cmd !== undefined && spells(name, cmd.spec.name)) return cmd;
    }
    return this.get(Buffer.from(name.buffer, name.byteOffset, name.length).toString("latin1"));
  }

  /** Looks a command up by name in any letter case. */
  get(name: string): Command | undefined {
    const exact = this.byName.get(name) ?? this.byAlias.get(name);
    if (exact !== undefined) return exact;
    const cmd = this.byName.get(name.toLowerCase());
    if (cmd !== undefined && this.byAlias.size < aliasCacheMax) this.byAlias.set(name, cmd);
    return cmd;
  }

  all(): Command[] {
    return [...this.byName.values()];
  }

  get size(): number {
    return this.byName.size;
  }
}

export function arityOk(arity: number, argc: number): boolean {
  return arity >= 0 ? argc === arity : argc >= -arity;
}

/**
 * Key positions of a command call, from its key specs (Redis's getKeysUsingKeySpecs).
 * Returns argv indexes; an invalid spec (not enough arguments) yields what could be found.
 */
export function keyIndexes(cmd: Command, argv: readonly Uint8Array[]): readonly number[] {
  const single = cmd.singleKey;
  if (single !== null) return (single[0] as number) < argv.length ? single : [];
  const out: number[] = [];
  const argc = argv.length;
  for (const k of cmd.spec.keySpecs) {
    if (k.flags.includes("NOT_KEY")) continue;
    let first: number;
    const bs = k.beginSearch;
    if (bs.type === "index") first = bs.index;
    else if (bs.type === "keyword") {
      first = -1;
      const start = bs.startFrom >= 0 ? bs.startFrom : argc + bs.startFrom;
      const stepDir = bs.startFrom >= 0 ? 1 : -1;
      const end = stepDir > 0 ? argc : 0;
      for (let i = start; stepDir > 0 ? i < end : i > end; i += stepDir) {
        const a = argv[i];
        if (a && asciiEqualsIgnoreCase(a, bs.keyword)) {
          first = i + 1;
          break;
        }
      }
      if (first < 0) continue;
    } else continue;
    const fk = k.findKeys;
    if (fk.type === "range") {
      let last: number;
      if (fk.lastKey >= 0) last = first + fk.lastKey;
      else if (fk.limit <= 1) last = argc + fk.lastKey;
      else last = first + Math.floor((argc - 1 - first) / fk.limit);
      for (let i = first; i <= last && i < argc; i += fk.keyStep) out.push(i);
    } else if (fk.type === "keynum") {
      const numArg = argv[first + fk.keyNumIndex];
      if (!numArg) continue;
      const n = Number(Buffer.from(numArg).toString("latin1"));
      if (!Number.isInteger(n) || n < 0) continue;
      const start = first + fk.firstKey;
      for (let i = 0; i < n; i++) {
        const idx = start + i * fk.keyStep;
        if (idx >= argc) break;
        out.push(idx);
      }
    }
  }
  return out;
}

export function asciiEqualsIgnoreCase(a: Uint8Array, lower: string): boolean {
  if (a.length !== lower.length) return false;
  for (let i = 0; i < a.length; i++) {
    let c = a[i] as number;
    if (c >= 65 && c <= 90) c |= 0x20;
    const l = lower.charCodeAt(i);
    if (c !== (l >= 65 && l <= 90 ? l | 0x20 : l)) return false;
  }
  return true;
}
