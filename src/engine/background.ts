// Background work on a timer at `hz`: the active expiry cycle (Redis's adaptive sampling).
// Expirations are decided here, by the leader, and logged as deletes so replicas and recovery agree.
import type { Server } from "../server/server.ts";
import { ReplyWriter } from "../protocol/writer.ts";
import { ClientState } from "../server/client-state.ts";

/** Keys sampled per database per round, and the share of expired keys that triggers another round. */
const expireSampleKeys = 20;
const expireRepeatRatio = 0.1;
/** Bound on time spent per cycle (ms), as Redis's ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC of 25% per tick. */
const expireCycleBudgetMs = 25;

export function startBackgroundTasks(server: Server): () => void {
  const client = new ClientState(0, "background", "", Date.now(), false);
  const writer = new ReplyWriter();
  const iterators = new Map<Set<string>, Iterator<string>>();
  const existsCommand = server.table.get("exists");
  if (!existsCommand) throw new Error("bug: EXISTS is not declared");

  /** One cycle, timed as Redis's activeExpireCycle: its duration is an `expire-cycle` latency sample. */
  const cycle = (): void => {
    // CLIENT PAUSE freezes the dataset: Redis's activeExpireCycle does nothing while clients are paused.
    if (server.engine.executor.datasetFrozen) return;
    const started = performance.now();
    try {
      expireSome(started);
    } finally {
      const elapsedMs = performance.now() - started;
      server.expireCycleMs += elapsedMs;
      const thresholdMs = server.config.int("latency-monitor-threshold");
      if (thresholdMs !== 0) server.stats.latency.addIfNeeded("expire-cycle", Math.floor(elapsedMs), { thresholdMs, nowSec: Math.floor(Date.now() / 1000) });
    }
  };
  const expireSome = (started: number): void => {
    const engine = server.engine;
    const databases = server.config.int("databases");
    for (const shard of engine.shards) {
      // Expiry is decided by the shard's leader (cluster mode); followers apply its logged deletes.
      if (!engine.writable(shard.id)) continue;
      for (let db = 0; db < databases; db++) {
        const d = shard.state.db(db);
        if (d.expires.size === 0) continue;
        for (;;) {
          const now = Date.now();
          let it = iterators.get(d.expires);
          if (!it) iterators.set(d.expires, (it = d.expires.values()));
          const expired: string[] = [];
          let sampled = 0;
          while (sampled < expireSampleKeys) {
            const next = it.next();
            if (next.done) {
              iterators.delete(d.expires);
              break;
            }
            sampled++;
            const e = d.map.get(next.value);
            if (e && e.expireAt !== 0 && e.expireAt <= now) expired.push(next.value);
          }
          if (expired.length > 0) {
            // EXISTS looks each key up, so lazy expiry deletes and logs it exactly as a client access would.
            client.db = db;
            engine.execute(client, server, writer, existsCommand, [Buffer.from("EXISTS"), ...expired.map((k) => Buffer.from(k, "latin1"))]);
            writer.reset();
          }
          if (expired.length < expireSampleKeys * expireRepeatRatio || sampled < expireSampleKeys) break;
          if (performance.now() - started > expireCycleBudgetMs) return;
        }
      }
    }
  };
  const hz = server.config.int("hz");
  const timer = setInterval(cycle, Math.max(2, Math.floor(1000 / hz)));
  return () => clearInterval(timer);
}
