// SAVE and BGSAVE: one RDB export at a time (engine/rdb-export.ts), written to `dir`/`dbfilename` as
// Redis does: a temporary file, fdatasynced, renamed over the old one, the directory fsynced. Neither
// blocks the event loop (SAVE only makes its client wait). Bunker never loads this file: its own logs
// and snapshots are what it recovers from; dump.rdb is an export for redis-server, backups and tools.
// Also the state INFO persistence and LASTSAVE report.
import { open, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../config/config.ts";
import type { Engine } from "./engine.ts";
import { RdbExport } from "./rdb-export.ts";

export class RdbSaves {
  private current: Promise<void> | null = null;
  private currentStartedMs = 0;
  /** Wall-clock ms of the state the last successful save holds (0: none since start). */
  lastSaveMs = 0;
  lastStatus: "ok" | "err" = "ok";
  /** Seconds the last save took (-1: none yet), as rdb_last_bgsave_time_sec. */
  lastDurationS = -1;
  saves = 0;
  /** The engine's dirty counter when the state of the last successful save was taken. */
  private dirtyAtLastSave = 0;

  constructor(
    private readonly engine: Engine,
    private readonly config: Config,
    private readonly warn: (message: string) => void,
  ) {}

  get inProgress(): boolean {
    return this.current !== null;
  }

  /** Seconds the running save has taken so far (-1: none running). */
  currentDurationS(): number {
    return this.current === null ? -1 : Math.floor((Date.now() - this.currentStartedMs) / 1000);
  }

  changesSinceLastSave(): number {
    return this.engine.executor.dirtyTotal - this.dirtyAtLastSave;
  }

  /** Exports the dataset as of now, in memory (SYNC); resolves once that state is durable. */
  async exportNow(version: string): Promise<Uint8Array> {
    return (await new RdbExport(this.engine, { version }).toBytes()).bytes;
  }

  /** Starts a save of the dataset as of now; null when one is running already. `version`: redis-ver. */
  start(version: string): Promise<void> | null {
    if (this.current !== null) return null;
    const startedMs = Date.now();
    const dirty = this.engine.executor.dirtyTotal;
    const path = join(this.config.get("dir"), this.config.get("dbfilename"));
    const exporter = new RdbExport(this.engine, { version });
    this.currentStartedMs = startedMs;
    const run = (async (): Promise<void> => {
      try {
        const info = await writeDurably(path, (sink) => exporter.run(sink));
        this.lastSaveMs = info.atMs;
        this.dirtyAtLastSave = dirty;
        this.lastStatus = "ok";
        this.saves++;
      } catch (e: unknown) {
        this.lastStatus = "err";
        this.warn(`RDB save to ${path} failed: ${e instanceof Error ? e.message : String(e)}`);
        throw e;
      } finally {
        this.lastDurationS = Math.floor((Date.now() - startedMs) / 1000);
        this.current = null;
      }
    })();
    this.current = run;
    return run;
  }
}

/**
 * Writes what `produce` sends to its sink into `path` as Redis's rdbSave does: a temporary file,
 * fdatasynced, renamed over the old one, the directory fsynced. Nothing replaces `path` unless
 * `produce` resolves (after it, the export's state is durable).
 */
async function writeDurably<T>(path: string, produce: (sink: (chunk: Uint8Array) => Promise<void>) => Promise<T>): Promise<T> {
  const dir = join(path, "..");
  const tmp = `${path}.tmp-${process.pid}`;
  const file = await open(tmp, "w", 0o644);
  let result: T;
  try {
    result = await produce(async (chunk) => {
      for (let at = 0; at < chunk.length; ) {
        const { bytesWritten } = await file.write(chunk, at, chunk.length - at);
        at += bytesWritten;
      }
    });
    await file.datasync();
  } catch (e: unknown) {
    await file.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await file.close();
  await rename(tmp, path);
  const d = await open(dir, "r");
  try {
    await d.sync();
  } finally {
    await d.close();
  }
  return result;
}
