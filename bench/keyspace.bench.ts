// Keydir lookups: a shard database (ShardDb over KeyMap) holding 1M string keys; hits, misses,
// overwrites (size accounting included) and insert+delete (the scan-slot bookkeeping).
// Run: node_modules/.bin/bun bench/keyspace.bench.ts
import { bench, do_not_optimize, group, run } from "mitata";
import { newStringEntry, type Entry } from "../src/keyspace/entry.ts";
import { ShardDb } from "../src/keyspace/shard-state.ts";

const keyCount = 1_000_000;
/** Keys touched per benchmark call, so a call is long enough to time well; figures below are per key. */
const keysPerCall = 1000;
const value = "v".repeat(32);

function keyName(i: number): string {
  return `key:${String(i).padStart(12, "0")}`; // redis-benchmark's key shape
}

const db = new ShardDb();
const keys: string[] = new Array<string>(keyCount);
for (let i = 0; i < keyCount; i++) {
  const k = keyName(i);
  keys[i] = k;
  db.put(k, newStringEntry(value));
}
// Keys looked up per call: a fixed pseudo-random sample (an LCG: no Math.random in benchmarks either).
const sample: string[] = [];
const missing: string[] = [];
for (let i = 0, x = 12345; i < keysPerCall; i++) {
  x = (Math.imul(x, 1103515245) + 12345) >>> 0;
  sample.push(keys[x % keyCount] as string);
  missing.push(`miss:${String(x).padStart(12, "0")}`);
}
// Lookups use freshly built strings, as the server does (keys come off the socket, not interned).
const sampleCopies = sample.map((k) => Buffer.from(k, "latin1").toString("latin1"));
// Built the way entry.ts latin1() builds keys shorter than 24 bytes: one `+=` per byte (a rope that
// the first hash lookup has to flatten). Rebuilt on every call, as each command does.
const sampleBytes = sample.map((k) => Buffer.from(k, "latin1"));
function concatenated(view: Uint8Array): string {
  let s = "";
  for (let i = 0; i < view.length; i++) s += String.fromCharCode(view[i] as number);
  return s;
}
function decoded(view: Uint8Array): string {
  return Buffer.from(view.buffer, view.byteOffset, view.length).toString("latin1");
}

let sink: Entry | undefined;

group(`ShardDb with ${keyCount} keys (${keysPerCall} keys per call)`, () => {
  bench("map.get hit (same string objects)", () => {
    for (let i = 0; i < keysPerCall; i++) sink = db.map.get(sample[i] as string);
    do_not_optimize(sink);
  });
  bench("map.get hit (fresh key strings)", () => {
    for (let i = 0; i < keysPerCall; i++) sink = db.map.get(sampleCopies[i] as string);
    do_not_optimize(sink);
  });
  bench("key from bytes by += per byte, then map.get", () => {
    for (let i = 0; i < keysPerCall; i++) sink = db.map.get(concatenated(sampleBytes[i] as Uint8Array));
    do_not_optimize(sink);
  });
  bench("key from bytes by Buffer latin1 decode, then map.get", () => {
    for (let i = 0; i < keysPerCall; i++) sink = db.map.get(decoded(sampleBytes[i] as Uint8Array));
    do_not_optimize(sink);
  });
  bench("map.get miss", () => {
    for (let i = 0; i < keysPerCall; i++) sink = db.map.get(missing[i] as string);
    do_not_optimize(sink);
  });
  bench("put overwrite (new entry, size accounted)", () => {
    for (let i = 0; i < keysPerCall; i++) db.put(sample[i] as string, newStringEntry(value));
  });
  bench("put new key + remove (scan slot taken and freed)", () => {
    for (let i = 0; i < keysPerCall; i++) db.put(missing[i] as string, newStringEntry(value));
    for (let i = 0; i < keysPerCall; i++) db.remove(missing[i] as string);
  });
});

const results = await run();

console.log(`\nper key (avg over ${keysPerCall}):`);
for (const trial of results.benchmarks) {
  for (const r of trial.runs) {
    if (r.stats === undefined) continue;
    const nsPerKey = r.stats.avg / keysPerCall;
    console.log(`  ${r.name.padEnd(50)} ${nsPerKey.toFixed(1).padStart(7)} ns  ${(1e3 / nsPerKey).toFixed(2).padStart(7)} M/s`);
  }
}
