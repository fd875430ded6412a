// Eviction under maxmemory (Redis's performEvictions): before a command that may grow memory runs,
// values that can go cold are dropped from memory first (engine/cooling.ts); then keys are evicted per
// `maxmemory-policy` until the estimated dataset size is under `maxmemory`.
// Each eviction is a DEL executed and logged like any write, so it is decided once, here, by the node
// that executes commands, and replicas and recovery simply apply the delete.
//
// Candidates come from sampling: each database keeps a rotating cursor over its keys (allkeys-*) or its
// keys with a TTL (volatile-*); `maxmemory-samples` keys are looked at per database per round and the
// best one by the policy's score is evicted (oldest access for LRU, lowest decayed counter for LFU,
// nearest expiry for TTL, the first sampled for random).
import type { MaxmemoryPolicy } from "../config/params.ts";
import type { Command } from "../commands/table.ts";
import type { Entry } from "../keyspace/entry.ts";
import { lfuDecayed } from "../keyspace/memory.ts";
import type { ShardDb } from "../keyspace/shard-state.ts";
import { ReplyWriter } from "../protocol/writer.ts";
import { ClientState } from "../server/client-state.ts";
import { keyspaceEventFlags } from "../server/notify.ts";
import type { Engine } from "./engine.ts";
import type { ServerContext } from "./server-context.ts";

/** Most keys evicted before one command; beyond it the command gets OOM rather than stall the loop. */
const evictionsPerCommandMax = 10_000;

/**
 * Values go cold from this share below maxmemory on, ahead of the limit: values written by the commands
 * of one pipeline (or one event-loop turn) have no disk location until their batch is written, so
 * without room kept free a burst of new large values would force evictions although older values could
 * go cold (measured: redis-benchmark -P 16 -c 50 -d 1024 at maxmemory 20mb evicted ~3000 keys without it).
 * Going cold early is invisible but for the cold reads; keys are still evicted only above maxmemory.
 */
const coolHeadroomFraction = 1 / 8;
/** Most values made cold before one command; each frees at least coolableBytesMin. */
const coolingsPerCommandMax = 100_000;

export const errOom = "OOM command not allowed when used memory > 'maxmemory'.";

interface Candidate {
  db: number;
  shardDb: ShardDb;
  key: string;
  score: number;
}

export class Evictor {
  private readonly cursors = new WeakMap<object, Iterator<string>>();
  private readonly client = new ClientState(0, "evictor", "", 0, false);
  private readonly writer = new ReplyWriter();
  private readonly del: Command;
  private randomState = 0x9e3779b9;

  constructor(
    private readonly engine: Engine,
    private readonly server: ServerContext,
  ) {
    const del = server.table.get("del");
    if (!del) throw new Error("bug: DEL is not declared");
    this.del = del;
  }

  usedBytes(): number {
    return this.engine.usedBytes();
  }

  /**
   * Frees memory if needed; returns false when the command must be refused with OOM. Values go cold
   * first (engine/cooling.ts): that loses nothing, so it comes before any key is evicted, under every
   * policy, noeviction included (like a page cache, it is not an eviction); only when nothing more can
   * go cold are keys evicted (or, under noeviction, the command refused).
   */
  makeRoom(): boolean {
    // CLIENT PAUSE freezes the dataset: Redis's performEvictions neither evicts nor refuses meanwhile.
    if (this.engine.executor.datasetFrozen) return true;
    const limit = this.server.config.int("maxmemory");
    const storage = this.engine.storage;
    // Values get a disk location to go cold from only while there is a limit to keep under.
    storage.cooler.enabled = limit > 0;
    const coolBelow = limit - Math.floor(limit * coolHeadroomFraction);
    if (limit <= 0 || this.usedBytes() <= coolBelow) return true;
    const policy = this.server.config.maxmemoryPolicy;
    const samples = this.server.config.int("maxmemory-samples");
    const writable = (shard: number): boolean => this.engine.writable(shard);
    for (let i = 0; i < coolingsPerCommandMax; i++) {
      if (!storage.coolForMemory(policy, samples, writable)) break;
      if (this.usedBytes() <= coolBelow) return true;
    }
    if (this.usedBytes() <= limit) return true;
    if (policy === "noeviction") return false;
    for (let i = 0; i < evictionsPerCommandMax; i++) {
      const victim = this.pick(policy);
      if (!victim) return false;
      this.evict(victim);
      if (this.usedBytes() <= limit) return true;
    }
    return this.usedBytes() <= limit;
  }

  private nextRandom(): number {
    let x = this.randomState;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.randomState = x >>> 0;
    return this.randomState / 4294967296;
  }

  private score(policy: MaxmemoryPolicy, e: Entry, now: number): number {
    switch (policy) {
      case "allkeys-lru":
      case "volatile-lru":
        return e.accessedAt;
      case "allkeys-lfu":
      case "volatile-lfu":
        return lfuDecayed(e, now) * 1e15 + e.accessedAt;
      case "volatile-ttl":
        return e.expireAt;
      default:
        return this.nextRandom();
    }
  }

  /** Samples each database and returns the best candidate (lowest score), or null if none. */
  private pick(policy: MaxmemoryPolicy): Candidate | null {
    const volatile = policy.startsWith("volatile-");
    const samples = this.server.config.int("maxmemory-samples");
    const now = Date.now();
    let best: Candidate | null = null;
    const databases = this.server.config.int("databases");
    for (const shard of this.engine.shards) {
      if (!this.engine.writable(shard.id)) continue; // cluster mode: evict only where this node leads
      for (let db = 0; db < databases; db++) {
        const d = shard.state.db(db);
        const source: Set<string> | Map<string, Entry> = volatile ? d.expires : d.map;
        if (source.size === 0) continue;
        for (let i = 0; i < Math.min(samples, source.size); i++) {
          const key = this.nextKey(source);
          if (key === null) break;
          const e = d.map.get(key);
          if (!e) continue;
          const score = this.score(policy, e, now);
          if (!best || score < best.score) best = { db, shardDb: d, key, score };
        }
      }
    }
    return best;
  }

  private nextKey(source: Set<string> | Map<string, Entry>): string | null {
    let it = this.cursors.get(source);
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!it) {
        it = source.keys();
        this.cursors.set(source, it);
      }
      const n = it.next();
      if (!n.done) return n.value;
      it = undefined;
      this.cursors.delete(source);
    }
    return null;
  }

  private evict(c: Candidate): void {
    this.client.db = c.db;
    // Redis notifies an evicted key with "evicted" alone: the "del" of the DEL run here is muted.
    const hub = this.server.pubsub;
    const notifyFlags = hub?.notifyFlags ?? 0;
    if (hub !== undefined && notifyFlags !== 0) hub.notifyFlags = 0;
    try {
      this.engine.execute(this.client, this.server, this.writer, this.del, [Buffer.from("DEL"), Buffer.from(c.key, "latin1")]);
    } finally {
      if (hub !== undefined && notifyFlags !== 0) hub.notifyFlags = notifyFlags;
    }
    this.writer.reset();
    this.server.stats.evictedKeys++;
    hub?.keyspaceEvent(keyspaceEventFlags.evicted, "evicted", c.key, c.db);
  }
}
