// Embedded mode: the same engine, in process, as a typed API with the same guarantees — every write
// resolves only once it is durable (fsynced), exactly like an OK over the network.
//
//   import { open } from "bunkerdb";
//   const db = await open({ dir: "./data" });
//   await db.set("k", "v", { ex: 60 });
//   await db.get("k");            // "v"
//   const srv = await db.listen({ port: 6380 });   // also serve RESP from this process
//   await db.close();
import { Config } from "../config/config.ts";
import { buildCommandTable } from "../commands/index.ts";
import { Engine } from "../engine/engine.ts";
import { systemClock } from "../engine/clock.ts";
import { startBackgroundTasks } from "../engine/background.ts";
import { ReplyWriter } from "../protocol/writer.ts";
import { ClientState } from "../server/client-state.ts";
import { Server } from "../server/server.ts";
import { startHttp, type HttpEndpoint } from "../server/http.ts";
import { nativeIo } from "../storage/io.ts";
import { arityOk, type Command } from "../commands/table.ts";
import { decodeReplies, ReplyError, ReplyStatus, type Reply } from "./decode.ts";

export { ReplyError as BunkerError, ReplyStatus, type Reply };

export interface OpenOptions {
  /** Data directory (created if missing). */
  readonly dir: string;
  /** Number of shards (default 4); fixed once the directory holds data. */
  readonly shards?: number;
  /** Any other parameter by its redis.conf name, e.g. { maxmemory: "100mb" }. */
  readonly config?: Readonly<Record<string, string>>;
}

export interface SetOptions {
  /** Expire after this many seconds. */
  readonly ex?: number;
  /** Expire after this many milliseconds. */
  readonly px?: number;
  /** Only set if the key does not exist. */
  readonly nx?: boolean;
  /** Only set if the key exists. */
  readonly xx?: boolean;
  /** Keep the key's current TTL. */
  readonly keepTtl?: boolean;
}

export type Arg = string | number | Uint8Array;

export interface Listening {
  readonly port: number;
  /** The HTTP port of /health, /metrics and /dashboard, when `httpPort` was given. */
  readonly httpPort?: number;
  stop(): Promise<void>;
}

function toBytes(a: Arg): Uint8Array {
  if (a instanceof Uint8Array) return a;
  return Buffer.from(typeof a === "number" ? String(a) : a, "utf8");
}

function text(r: Reply): string | null {
  if (r === null) return null;
  if (r instanceof Uint8Array) return Buffer.from(r).toString("utf8");
  if (r instanceof ReplyStatus) return r.text;
  return String(r);
}

function num(r: Reply): number {
  if (typeof r === "number") return r;
  if (typeof r === "bigint") return Number(r);
  throw new Error(`bug: expected an integer reply, got ${String(r)}`);
}

export class Bunker {
  private readonly client: ClientState;
  private readonly writer = new ReplyWriter();
  private closed = false;
  private listeners: Server[] = [];
  private readonly httpEndpoints: HttpEndpoint[] = [];

  /** @internal */
  constructor(
    private readonly server: Server,
    private readonly stopBackground: () => void,
  ) {
    this.client = new ClientState(0, "embedded", "", Date.now(), false);
    this.client.proto = 3;
    this.writer.proto = 3;
  }

  /** Runs any command; resolves with its reply once everything it depends on is durable. */
  async command(...args: Arg[]): Promise<Reply> {
    if (this.closed) throw new ReplyError("ERR the database is closed");
    const argv = args.map(toBytes);
    const cmd = this.resolve(argv);
    this.server.engine.execute(this.client, this.server, this.writer, cmd, argv);
    const bytes = this.writer.take().slice();
    await this.server.engine.waitDurable();
    const [reply] = decodeReplies(bytes);
    if (reply instanceof ReplyError) throw reply;
    return reply ?? null;
  }

  private resolve(argv: readonly Uint8Array[]): Command {
    const name = Buffer.from(argv[0] ?? new Uint8Array()).toString("latin1");
    let cmd = this.server.table.get(name);
    if (cmd && cmd.subcommands.size > 0 && argv[1]) cmd = cmd.subcommands.get(Buffer.from(argv[1]).toString("latin1").toLowerCase());
    if (!cmd || !cmd.spec.handler) throw new ReplyError(`ERR unknown command '${name}'`);
    if (!arityOk(cmd.spec.arity, argv.length)) throw new ReplyError(`ERR wrong number of arguments for '${cmd.fullName}' command`);
    return cmd;
  }

  async get(key: string): Promise<string | null> {
    return text(await this.command("GET", key));
  }

  async getBuffer(key: string): Promise<Uint8Array | null> {
    const r = await this.command("GET", key);
    return r instanceof Uint8Array ? r : null;
  }

  /** Returns false when NX/XX prevented the write. */
  async set(key: string, value: Arg, opts: SetOptions = {}): Promise<boolean> {
    const args: Arg[] = ["SET", key, value];
    if (opts.ex !== undefined) args.push("EX", opts.ex);
    if (opts.px !== undefined) args.push("PX", opts.px);
    if (opts.nx) args.push("NX");
    if (opts.xx) args.push("XX");
    if (opts.keepTtl) args.push("KEEPTTL");
    return (await this.command(...args)) !== null;
  }

  async del(...keys: string[]): Promise<number> {
    return num(await this.command("DEL", ...keys));
  }

  async exists(...keys: string[]): Promise<number> {
    return num(await this.command("EXISTS", ...keys));
  }

  async incr(key: string, by = 1): Promise<number> {
    return num(await this.command("INCRBY", key, by));
  }

  async expire(key: string, seconds: number): Promise<boolean> {
    return num(await this.command("EXPIRE", key, seconds)) === 1;
  }

  async ttl(key: string): Promise<number> {
    return num(await this.command("TTL", key));
  }

  async hset(key: string, fields: Readonly<Record<string, Arg>>): Promise<number> {
    return num(await this.command("HSET", key, ...Object.entries(fields).flat()));
  }

  async hget(key: string, field: string): Promise<string | null> {
    return text(await this.command("HGET", key, field));
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    const r = await this.command("HGETALL", key);
    const out: Record<string, string> = {};
    if (r instanceof Map) for (const [k, v] of r) out[String(text(k))] = String(text(v));
    return out;
  }

  async lpush(key: string, ...values: Arg[]): Promise<number> {
    return num(await this.command("LPUSH", key, ...values));
  }

  async rpush(key: string, ...values: Arg[]): Promise<number> {
    return num(await this.command("RPUSH", key, ...values));
  }

  async lrange(key: string, start: number, stop: number): Promise<string[]> {
    const r = await this.command("LRANGE", key, start, stop);
    return Array.isArray(r) ? r.map((x) => String(text(x))) : [];
  }

  async sadd(key: string, ...members: Arg[]): Promise<number> {
    return num(await this.command("SADD", key, ...members));
  }

  async smembers(key: string): Promise<string[]> {
    const r = await this.command("SMEMBERS", key);
    return r instanceof Set ? [...r].map((x) => String(text(x))) : [];
  }

  async zadd(key: string, score: number, member: Arg): Promise<number> {
    return num(await this.command("ZADD", key, score, member));
  }

  async zrange(key: string, start: number, stop: number): Promise<string[]> {
    const r = await this.command("ZRANGE", key, start, stop);
    return Array.isArray(r) ? r.map((x) => String(text(x))) : [];
  }

  /** Runs the commands as one atomic, durable unit (MULTI/EXEC): all take effect, or none. */
  // ---- Native commands (docs/NATIVE-COMMANDS.md) ----

  /** CAS: true when swapped, false when the value differs, null when the key is missing. Keeps the TTL unless ex/px is given. */
  async cas(key: string, expected: Arg, value: Arg, opts: { readonly ex?: number; readonly px?: number } = {}): Promise<boolean | null> {
    const args: Arg[] = ["CAS", key, expected, value];
    if (opts.ex !== undefined) args.push("EX", opts.ex);
    else if (opts.px !== undefined) args.push("PX", opts.px);
    const r = await this.command(...args);
    return r === null ? null : num(r) === 1;
  }

  /** Acquires (or, for the same owner, refreshes) a lock; resolves with the fencing token, rejects with LOCKED. */
  async lock(key: string, owner: string, ttlMs: number): Promise<number> {
    return num(await this.command("LOCK", key, owner, ttlMs));
  }

  /** False when nobody held the lock; rejects with LOCKED for another owner. */
  async unlock(key: string, owner: string): Promise<boolean> {
    return num(await this.command("UNLOCK", key, owner)) === 1;
  }

  /** A new lease of ttlMs from now; rejects with NOTHELD or LOCKED. */
  async extend(key: string, owner: string, ttlMs: number): Promise<void> {
    await this.command("EXTEND", key, owner, ttlMs);
  }

  async rateLimit(key: string, windowMs: number, max: number, count = 1): Promise<{ allowed: boolean; count: number; remaining: number; retryAfterMs: number }> {
    const r = await this.command("RATELIMIT.ADD", key, windowMs, max, count);
    if (!Array.isArray(r)) throw new Error("bug: RATELIMIT.ADD replied a non-array");
    return { allowed: text(r[0] ?? null) === "allowed", count: num(r[1] ?? null), remaining: num(r[2] ?? null), retryAfterMs: num(r[3] ?? null) };
  }

  async multi(commands: readonly (readonly Arg[])[]): Promise<Reply[]> {
    const queue = commands.map((c) => c.map(toBytes));
    for (const argv of queue) this.resolve(argv);
    this.client.multi = queue;
    this.client.multiError = false;
    const r = await this.command("EXEC");
    return Array.isArray(r) ? r : [];
  }

  /**
   * Serves RESP on a TCP port from this process, over the same engine; with `httpPort` (0: any free
   * port) also GET /health, /metrics and /dashboard for it.
   */
  async listen(opts: { port?: number; hostname?: string; httpPort?: number } = {}): Promise<Listening> {
    const s = new Server({
      config: this.server.config,
      table: this.server.table,
      engine: this.server.engine,
      log: () => {},
      onShutdown: () => {},
      closeEngineOnShutdown: false,
    });
    const hostname = opts.hostname ?? "127.0.0.1";
    const port = s.listen(opts.port ?? 0, hostname);
    this.listeners.push(s);
    if (opts.httpPort === undefined) return { port, stop: () => s.shutdown() };
    const http = startHttp(s, opts.httpPort, hostname);
    this.httpEndpoints.push(http);
    return {
      port,
      httpPort: http.port,
      stop: async () => {
        await s.shutdown();
        http.stop();
      },
    };
  }

  /** Waits for pending writes to be durable, stops listeners, closes the logs. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopBackground();
    for (const l of this.listeners) await l.shutdown();
    for (const h of this.httpEndpoints) h.stop();
    await this.server.engine.close();
  }
}

/** Opens (or creates) a database directory. */
export async function open(opts: OpenOptions): Promise<Bunker> {
  const config = new Config({ dir: opts.dir, shards: String(opts.shards ?? 4), ...(opts.config ?? {}) });
  const table = buildCommandTable();
  const engine = Engine.open(
    {
      dir: config.get("dir"),
      shards: config.int("shards"),
      databases: config.int("databases"),
      segmentBytesMax: config.int("segment-bytes-max"),
      salvage: config.bool("salvage"),
      io: nativeIo,
      clock: systemClock,
      table,
      config,
      onFatal: (err) => {
        throw err;
      },
    },
    null,
  );
  const server = new Server({ config, table, engine, log: () => {}, onShutdown: () => {} });
  return new Bunker(server, startBackgroundTasks(server));
}
