// RDB export: the whole dataset as a Redis 7.0 RDB file (version 10) as of one instant T, built while
// the server keeps serving, for SAVE/BGSAVE (a dump.rdb redis-server can load) and SYNC (what
// `redis-cli --rdb` fetches).
//
// Copy-on-write as a merge (storage/merge.ts), over every shard at once: at T the export takes a
// reference to every shard's database Maps (FLUSHDB replaces a Map, SWAPDB moves Maps, installing a
// cluster snapshot replaces them all, so a captured Map keeps exactly the keys it had at T), then walks
// them in time slices. Before any key changes, the engine calls the export's hook with the key's old
// entry: a key not captured yet is serialised first, so every key is written with its state at T. A
// key is captured once, tracked per captured Map in a Set; a key created after T is marked captured
// with nothing written. A cold value is read off the event loop (its record does not change); the
// walk waits for it, the hook cannot, so a hook capture of a cold value completes later.
//
// The file is produced database by database (the walk goes database-major): once the walk has passed
// a database, every key of it is captured, so its section goes to the sink and its buffer is dropped;
// only hook captures for databases not walked yet wait in memory. Nothing is published before it is
// durable: run() resolves only once every unit logged up to T is durable (a file or a reply made from
// it must not reveal a write a crash could still drop).
import { ByteOut, Crc64, RDB_VERSION, writeLength, writeRdbRecord, writeString } from "../keyspace/rdb.ts";
import { latin1, newStringEntry, stringInMemory, type ColdRef, type Entry } from "../keyspace/entry.ts";
import type { Engine } from "./engine.ts";
// Sliced as a merge's walk is: the same keys per slice, time per slice and yield.
import { sliceKeysMax, sliceMsMax, yieldToEventLoop } from "../storage/merge.ts";

const OPCODE_AUX = 0xfa;
const OPCODE_RESIZEDB = 0xfb;
const OPCODE_EXPIRETIME_MS = 0xfc;
const OPCODE_SELECTDB = 0xfe;
const OPCODE_EOF = 0xff;

interface DbOutput {
  readonly out: ByteOut;
  keys: number;
  expires: number;
}

export interface RdbExportInfo {
  /** Wall-clock ms of T. */
  readonly atMs: number;
  readonly keys: number;
}

export class RdbExport {
  /** [shard][db]: the Maps as they were at T. */
  private readonly maps: Map<string, Entry>[][];
  private readonly captured: Set<string>[][];
  private readonly dbOfMap: Map<Map<string, Entry>, number>[];
  private readonly dbs: DbOutput[];
  private readonly seq: number;
  readonly atMs: number;
  private walking = true;
  /** Captures of cold values still being read, per database (the hook cannot wait for the disk). */
  private readonly coldCaptures: Set<Promise<void>>[];
  private coldCaptureError: unknown = null;
  private readonly hook = (shard: number, db: number, key: string, old: Entry | undefined): void => this.onKeyChange(shard, db, key, old);

  constructor(
    private readonly engine: Engine,
    private readonly aux: { readonly version: string },
  ) {
    this.maps = engine.shards.map((s) => s.state.dbs.map((d) => d.map));
    this.captured = this.maps.map((dbs) => dbs.map(() => new Set<string>()));
    this.dbOfMap = this.maps.map((dbs) => new Map(dbs.map((m, i) => [m, i])));
    this.dbs = (this.maps[0] ?? []).map(() => ({ out: new ByteOut(), keys: 0, expires: 0 }));
    this.coldCaptures = this.dbs.map(() => new Set<Promise<void>>());
    this.seq = engine.appendedSeq;
    this.atMs = engine.clock.nowMs();
    engine.keyChangeHooks.push(this.hook);
  }

  private onKeyChange(shard: number, db: number, key: string, old: Entry | undefined): void {
    if (!this.walking) return;
    const current = (this.engine.shards[shard] as (typeof this.engine.shards)[number]).state.db(db).map;
    const capturedDb = this.dbOfMap[shard]?.get(current);
    if (capturedDb === undefined) return; // a Map created after T: nothing in it belongs to T
    const seen = (this.captured[shard] as Set<string>[])[capturedDb] as Set<string>;
    if (seen.has(key)) return;
    seen.add(key);
    if (old === undefined) return;
    if (old.type === "string" && !stringInMemory(old)) {
      const ref = old.cold as ColdRef;
      const expireAt = old.expireAt;
      const pending = this.coldCaptures[capturedDb] as Set<Promise<void>>;
      const p: Promise<void> = this.engine.storage.readCold(ref).then(
        (value) => {
          pending.delete(p);
          this.write(capturedDb, key, newStringEntry(latin1(value), expireAt));
        },
        (err: unknown) => {
          pending.delete(p);
          this.coldCaptureError ??= err;
        },
      );
      pending.add(p);
    } else this.write(capturedDb, key, old);
  }

  private write(db: number, key: string, e: Entry): void {
    const d = this.dbs[db] as DbOutput;
    if (e.expireAt !== 0) {
      d.out.byte(OPCODE_EXPIRETIME_MS);
      d.out.uintLE(e.expireAt, 8);
      d.expires++;
    }
    writeRdbRecord(d.out, key, e);
    d.keys++;
  }

  /**
   * Writes the file to `sink` in order (header, each database's section, EOF and CRC64), then resolves
   * once the state it holds is durable. Returns the wall-clock time of T and the number of keys.
   */
  async run(sink: (chunk: Uint8Array) => Promise<void>): Promise<RdbExportInfo> {
    const crc = new Crc64();
    const emit = async (chunk: Uint8Array): Promise<void> => {
      crc.update(chunk);
      await sink(chunk);
    };
    let keys = 0;
    try {
      await emit(this.header());
      const clock = this.engine.clock;
      const slice = { started: clock.monotonicMs(), keys: 0 };
      for (let db = 0; db < this.dbs.length; db++) {
        for (let shard = 0; shard < this.maps.length; shard++) await this.walk(shard, db, slice);
        // Every key of this database is captured now, except cold ones whose read is under way.
        const pending = this.coldCaptures[db] as Set<Promise<void>>;
        while (pending.size > 0) await Promise.all([...pending]);
        if (this.coldCaptureError !== null) throw this.coldCaptureError;
        const d = this.dbs[db] as DbOutput;
        keys += d.keys;
        if (d.keys === 0) continue;
        const select = new ByteOut();
        select.byte(OPCODE_SELECTDB);
        writeLength(select, db);
        select.byte(OPCODE_RESIZEDB);
        writeLength(select, d.keys);
        writeLength(select, d.expires);
        await emit(select.view());
        await emit(d.out.view());
        this.dbs[db] = { out: new ByteOut(), keys: d.keys, expires: d.expires };
      }
    } finally {
      this.walking = false;
      const i = this.engine.keyChangeHooks.indexOf(this.hook);
      if (i >= 0) this.engine.keyChangeHooks.splice(i, 1);
    }
    await emit(Uint8Array.of(OPCODE_EOF));
    await sink(crc.digest());
    await this.engine.waitDurable(this.seq);
    return { atMs: this.atMs, keys };
  }

  /** The whole file in memory (SYNC). */
  async toBytes(): Promise<{ bytes: Uint8Array; info: RdbExportInfo }> {
    const parts: Uint8Array[] = [];
    const info = await this.run(async (chunk) => {
      parts.push(chunk.slice());
    });
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    return { bytes, info };
  }

  private async walk(shard: number, db: number, slice: { started: number; keys: number }): Promise<void> {
    const clock = this.engine.clock;
    const seen = (this.captured[shard] as Set<string>[])[db] as Set<string>;
    for (const [key, e] of (this.maps[shard] as Map<string, Entry>[])[db] as Map<string, Entry>) {
      if (seen.has(key)) continue;
      seen.add(key);
      if (e.type === "string" && !stringInMemory(e)) {
        // Marked captured before the read: a change meanwhile does not capture it again, and the
        // record read still holds the value at T; the expiry is taken now, before yielding.
        const expireAt = e.expireAt;
        const value = await this.engine.storage.readCold(e.cold as ColdRef);
        this.write(db, key, newStringEntry(latin1(value), expireAt));
      } else this.write(db, key, e);
      if (++slice.keys >= sliceKeysMax || clock.monotonicMs() - slice.started >= sliceMsMax) {
        await yieldToEventLoop();
        slice.keys = 0;
        slice.started = clock.monotonicMs();
      }
    }
  }

  private header(): Uint8Array {
    const head = new ByteOut();
    head.latin1(`REDIS${String(RDB_VERSION).padStart(4, "0")}`);
    const aux = (k: string, v: string): void => {
      head.byte(OPCODE_AUX);
      writeString(head, k);
      writeString(head, v);
    };
    aux("redis-ver", this.aux.version);
    aux("redis-bits", "64");
    aux("ctime", String(Math.floor(this.atMs / 1000)));
    aux("used-mem", String(this.engine.usedBytes()));
    aux("aof-base", "0");
    return head.view();
  }
}
