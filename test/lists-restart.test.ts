// Every list write command's effect survives a crash: write (moves between keys on different shards,
// pops with counts, inserts/removals in the middle, blocking forms that found data and were logged as
// their non-blocking forms), SIGKILL, restart on the same directory, and read back identical replies.
import { afterAll, expect, test } from "bun:test";
import { sendPipeline as run } from "./support/raw-client.ts";
import { startBunker, type ServerHandle } from "./support/servers.ts";

const split = (lines: string[]): string[][] => lines.map((l) => l.split(" "));

const writes = split([
  "LPUSH l a b c",
  "RPUSH l d e f g h",
  "LPUSHX l x",
  "RPUSHX l y",
  "LPUSHX none x",
  "LPOP l",
  "RPOP l",
  "LPOP l 2",
  "RPOP l 1",
  "LSET l 0 set0",
  "LSET l -1 setlast",
  "LINSERT l BEFORE d ins1",
  "LINSERT l AFTER set0 ins2",
  "RPUSH r a b a c a d a",
  "LREM r 2 a",
  "LREM r -1 a",
  "RPUSH t 1 2 3 4 5 6 7",
  "LTRIM t 1 -2",
  "RPUSH gone 1",
  "LTRIM gone 5 10",
  "RPUSH {a}src 1 2 3 4 5",
  "LMOVE {a}src {b}dst LEFT RIGHT",
  "RPOPLPUSH {a}src {c}dst",
  "LMOVE {a}src {a}src RIGHT LEFT",
  "RPUSH m1 a b c",
  "LMPOP 2 none m1 RIGHT COUNT 2",
  "BLPOP none {a}src 0",
  "BRPOP {a}src 0",
  "BLMOVE {b}dst {c}dst RIGHT LEFT 0",
  "BRPOPLPUSH m1 {b}dst 0",
  "RPUSH bm 1 2 3",
  "BLMPOP 0 1 bm LEFT COUNT 2",
  "RPUSH big " + Array.from({ length: 300 }, (_, i) => `e${i}`).join(" "),
  "LINSERT big BEFORE e150 mid",
  "LREM big 0 e7",
  "LTRIM big 3 -3",
  "LPOP big 10",
]);

const reads = split([
  "LRANGE l 0 -1", "LRANGE r 0 -1", "LRANGE t 0 -1", "EXISTS gone none", "LRANGE {a}src 0 -1", "LRANGE {b}dst 0 -1",
  "LRANGE {c}dst 0 -1", "LRANGE m1 0 -1", "LRANGE bm 0 -1", "LRANGE big 0 -1", "DBSIZE",
]);

let server: ServerHandle | undefined;
let first: ServerHandle | undefined;
afterAll(async () => {
  if (server) await server.kill9();
  if (first) await first.removeDir(); // the helper created the directory for the first start
});


test("list writes read back identically after SIGKILL and restart", async () => {
  server = first = await startBunker({ args: ["--shards", "4"] });
  const writeReplies = await run(server.port, writes);
  for (const r of writeReplies) expect(r.startsWith("-")).toBe(false);
  const before = await run(server.port, reads);
  expect(before[3]).toBe(":0\r\n");
  await server.kill9();
  server = await startBunker({ dir: server.dir, args: ["--shards", "4"] });
  const after = await run(server.port, reads);
  expect(after).toEqual(before);
}, 60_000);
