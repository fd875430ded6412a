// Micro-benchmarks of the RESP hot path: parsing pipelined requests and encoding replies.
// Run: node_modules/.bin/bun bench/resp.bench.ts
import { bench, do_not_optimize, group, run } from "mitata";
import { RespParser } from "../src/protocol/parser.ts";
import { REPLY_OK, ReplyWriter } from "../src/protocol/writer.ts";

const LIMITS = { bulkBytesMax: 512 * 1024 * 1024, inlineBytesMax: 64 * 1024, multibulkCountMax: 2147483647, unauthenticated: false };
const PIPELINE_COMMANDS = 100;
const VALUE = "v".repeat(32);

function encode(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

function frame(...args: string[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${a.length}\r\n${a}\r\n`).join("");
}

function key(i: number): string {
  return `key:${String(i).padStart(3, "0")}`;
}

const setChunk = encode(Array.from({ length: PIPELINE_COMMANDS }, (_, i) => frame("SET", key(i), VALUE)).join(""));
const getChunk = encode(Array.from({ length: PIPELINE_COMMANDS }, (_, i) => frame("GET", key(i))).join(""));
const mixedChunk = encode(
  Array.from({ length: PIPELINE_COMMANDS }, (_, i) => (i % 2 === 0 ? frame("SET", key(i), VALUE) : frame("GET", key(i)))).join(""),
);

const BIG_BYTES = 1024 * 1024;
const BIG_CHUNK_BYTES = 64 * 1024;
const bigInput = (() => {
  const head = encode(`*3\r\n$3\r\nSET\r\n$7\r\nbig:key\r\n$${BIG_BYTES}\r\n`);
  const all = new Uint8Array(head.length + BIG_BYTES + 2).fill(120);
  all.set(head);
  all.set(encode("\r\n"), head.length + BIG_BYTES);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < all.length; at += BIG_CHUNK_BYTES) chunks.push(all.slice(at, at + BIG_CHUNK_BYTES));
  return chunks;
})();

const parser = new RespParser(LIMITS);

function parseAll(chunk: Uint8Array): number {
  parser.feed(chunk);
  let n = 0;
  for (let argv = parser.next(); argv !== null; argv = parser.next()) n += argv.length;
  return n;
}

const writer = new ReplyWriter();
const valueBytes = encode(VALUE);

group("parse 100 pipelined commands (one chunk)", () => {
  bench("SET key:NNN <32 bytes> x100", () => do_not_optimize(parseAll(setChunk)));
  bench("GET key:NNN x100", () => do_not_optimize(parseAll(getChunk)));
  bench("SET/GET mixed x100", () => do_not_optimize(parseAll(mixedChunk)));
});

group("encode 100 replies", () => {
  bench("bulk 32 bytes (Uint8Array) x100", () => {
    for (let i = 0; i < PIPELINE_COMMANDS; i++) writer.bulk(valueBytes);
    do_not_optimize(writer.take());
  });
  bench("bulk 32 chars (latin1 string) x100", () => {
    for (let i = 0; i < PIPELINE_COMMANDS; i++) writer.bulk(VALUE);
    do_not_optimize(writer.take());
  });
  bench("+OK preencoded x100", () => {
    for (let i = 0; i < PIPELINE_COMMANDS; i++) writer.raw(REPLY_OK);
    do_not_optimize(writer.take());
  });
  bench("integer x100", () => {
    for (let i = 0; i < PIPELINE_COMMANDS; i++) writer.integer(i * 1000);
    do_not_optimize(writer.take());
  });
});

group("large bulk", () => {
  bench("parse 1 MiB SET split in 64 KiB chunks", () => {
    let argv: Uint8Array[] | null = null;
    for (const chunk of bigInput) {
      parser.feed(chunk);
      argv = parser.next() ?? argv;
    }
    do_not_optimize(argv);
  });
});

const results = await run();

// Per-command figures for the 100-command benchmarks.
console.log("\nper command (avg):");
for (const trial of results.benchmarks) {
  for (const r of trial.runs) {
    if (r.stats === undefined || !/x100$/.test(r.name)) continue;
    const nsPerCommand = r.stats.avg / PIPELINE_COMMANDS;
    console.log(`  ${r.name.padEnd(40)} ${nsPerCommand.toFixed(1).padStart(7)} ns  ${(1e9 / nsPerCommand / 1e6).toFixed(2).padStart(7)} M/s`);
  }
}
