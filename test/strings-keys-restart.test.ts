// Every string and generic-key write command's effect survives a crash: write (keys spread over four
// shards and two databases), SIGKILL, restart on the same directory, and read back identical replies.
import { afterAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sendPipeline as run } from "./support/raw-client.ts";
import { startBunker, type ServerHandle } from "./support/servers.ts";

const split = (lines: string[]): string[][] => lines.map((l) => l.split(" "));
const futureSeconds = Math.floor(Date.now() / 1000) + 50_000;

const writes = split([
  "SET s1 hello",
  "SETNX s2 first",
  "SETNX s2 second",
  "SETEX s3 1000 withttl",
  "PSETEX s4 1000000 withpttl",
  "GETSET s1 replaced",
  "SET gone1 x",
  "GETDEL gone1",
  "SET gx v",
  "GETEX gx EX 2000",
  "SET gp v EX 100",
  "GETEX gp PERSIST",
  "SET gpast v",
  "GETEX gpast EXAT 1",
  `SET gat v`,
  `GETEX gat EXAT ${futureSeconds}`,
  "MSET m1 a m2 b m3 c m4 d m5 e m6 f m7 g m8 h",
  "MSETNX n1 a n2 b n3 c n4 d",
  "MSETNX n1 z n9 z",
  "APPEND ap hello",
  "APPEND ap _world",
  "SETRANGE sr 5 tail",
  "SETRANGE ap 0 J",
  "INCR c1",
  "INCRBY c1 41",
  "DECR c2",
  "DECRBY c2 9",
  "SET f1 10.5",
  "EXPIRE f1 3000",
  "INCRBYFLOAT f1 0.1",
  "INCRBYFLOAT f2 1e20",
  "SET r1 value1",
  "EXPIRE r1 4000",
  "RENAME r1 r2",
  "SET rn1 v",
  "RENAMENX rn1 rn2",
  "SET cp1 copied",
  "PEXPIRE cp1 5000000",
  "COPY cp1 cp2",
  "COPY cp1 cp3 DB 1",
  "SET cp4 old",
  "COPY cp1 cp4 REPLACE",
  "SET mv1 moved",
  "EXPIRE mv1 6000",
  "MOVE mv1 1",
  "SET e1 v",
  "EXPIRE e1 7000 NX",
  "EXPIRE e1 8000 GT",
  "PEXPIRE e1 1000000 LT",
  "SET e2 v",
  `EXPIREAT e2 ${futureSeconds}`,
  "SET e3 v",
  `PEXPIREAT e3 ${futureSeconds * 1000 + 123}`,
  "SET e4 v",
  "EXPIRE e4 -1",
  "SET e5 v EX 100",
  "PERSIST e5",
  "SET e6 v",
  "PEXPIREAT e6 1",
  "DEL m8",
  "UNLINK m7",
]);

const keys = ["s1", "s2", "s3", "s4", "gone1", "gx", "gp", "gpast", "gat", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "n1", "n2", "n3", "n4", "n9", "ap", "sr", "c1", "c2", "f1", "f2", "r1", "r2", "rn1", "rn2", "cp1", "cp2", "cp4", "mv1", "e1", "e2", "e3", "e4", "e5", "e6"];
const reads = [
  ...keys.flatMap((k) => [["GET", k], ["PEXPIRETIME", k], ["OBJECT", "ENCODING", k]]),
  ["DBSIZE"],
  ["SELECT", "1"],
  ["GET", "cp3"],
  ["PEXPIRETIME", "cp3"],
  ["GET", "mv1"],
  ["PEXPIRETIME", "mv1"],
  ["DBSIZE"],
];

const dirs: string[] = [];
let server: ServerHandle | undefined;
afterAll(async () => {
  if (server) await server.kill9();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});


test("string and key writes read back identically after SIGKILL and restart", async () => {
  const dir = await mkdtemp(join(tmpdir(), "bunker-strings-keys-"));
  dirs.push(dir);
  server = await startBunker({ dir, args: ["--shards", "4"] });
  const writeReplies = await run(server.port, writes);
  writeReplies.forEach((r, i) => expect(`${writes[i]?.join(" ")} -> ${r}`).not.toContain("-> -"));
  const before = await run(server.port, reads);
  expect(before[0]).toBe("$8\r\nreplaced\r\n");
  await server.kill9();
  server = await startBunker({ dir, args: ["--shards", "4"] });
  const after = await run(server.port, reads);
  reads.forEach((r, i) => expect(`${r.join(" ")} -> ${after[i]}`).toBe(`${r.join(" ")} -> ${before[i]}`));
}, 60_000);
