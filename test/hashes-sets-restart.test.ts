// Every hash and set write command's effect survives a crash: write (random pops, float increments and
// STORE forms whose keys live on different shards included), SIGKILL, restart on the same directory (the
// log is replayed through the same handlers), and read back byte-identical replies.
import { afterAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sendPipeline as run } from "./support/raw-client.ts";
import { startBunker, type ServerHandle } from "./support/servers.ts";

const split = (lines: string[]): string[][] => lines.map((l) => l.split(" "));

const writes = split([
  // Hashes
  "HSET h a 1 b 2 c 3",
  "HSET h b 20 d 4",
  "HMSET h e 5 a 10",
  "HSETNX h f 6",
  "HSETNX h a 99",
  "HDEL h c nope",
  "HINCRBY h n -5",
  "HINCRBY h n 12",
  "HINCRBYFLOAT h fl 0.1",
  "HINCRBYFLOAT h fl 0.2",
  "HINCRBYFLOAT h fl 1.23456789012345678",
  "HSET gone x 1",
  "HDEL gone x",
  "HSET big " + Array.from({ length: 200 }, (_, i) => `f${i} v${i}`).join(" "),
  "HDEL big f10 f20 f30",
  "HSET big f20 back",
  // Sets
  "SADD s1 a b c d e f g h",
  "SADD s2 c d e x y",
  "SADD s3 d e z",
  "SREM s1 h nope",
  "SPOP s1",
  "SPOP s1 2",
  "SADD popall 1 2 3",
  "SPOP popall 5",
  "SADD ints 5 3 9 1",
  "SPOP ints",
  "SMOVE s2 s3 x",
  "SMOVE s2 fresh y",
  "SADD one m",
  "SMOVE one s3 m",
  "SINTERSTORE inter s2 s3",
  "SUNIONSTORE uni s1 s2 s3",
  "SDIFFSTORE diff s1 s2",
  "SET str v",
  "EXPIRE str 100000",
  "SUNIONSTORE str s3",
  "SET empty v",
  "SINTERSTORE empty s1 nothing",
  "SET empty2 v",
  "SDIFFSTORE empty2 s3 s3",
  "SADD bigset " + Array.from({ length: 300 }, (_, i) => `m${i}`).join(" "),
  "SPOP bigset 100",
  "SRANDMEMBER bigset 5",
  "HRANDFIELD big 3",
]);

const reads = split([
  "HGETALL h",
  "EXISTS gone",
  "HGETALL big",
  "SMEMBERS s1",
  "SMEMBERS s2",
  "SMEMBERS s3",
  "EXISTS popall",
  "SMEMBERS ints",
  "SMEMBERS fresh",
  "EXISTS one",
  "SMEMBERS inter",
  "SMEMBERS uni",
  "SMEMBERS diff",
  "TYPE str",
  "EXPIRETIME str",
  "SMEMBERS str",
  "EXISTS empty empty2",
  "SMEMBERS bigset",
  "SCARD bigset",
  "DBSIZE",
]);

const dirs: string[] = [];
let server: ServerHandle | undefined;
afterAll(async () => {
  if (server) await server.kill9();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});


test("hash and set writes read back identically after SIGKILL and restart", async () => {
  const dir = await mkdtemp(join(tmpdir(), "bunker-hashes-sets-"));
  dirs.push(dir);
  server = await startBunker({ dir, args: ["--shards", "4"] });
  const writeReplies = await run(server.port, writes);
  for (const r of writeReplies) expect(r.startsWith("-")).toBe(false);
  const before = await run(server.port, reads);
  expect(before[0]).toContain("1.53456789012345678");
  expect(before[14]).toBe(":-1\r\n"); // a STORE replaces the value and its TTL
  expect(before[18]).toBe(":200\r\n");
  await server.kill9();
  server = await startBunker({ dir, args: ["--shards", "4"] });
  const after = await run(server.port, reads);
  expect(after).toEqual(before);
}, 60_000);
