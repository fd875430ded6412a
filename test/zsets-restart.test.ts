// Every sorted-set write command's effect survives a crash: write, SIGKILL, restart on the same
// directory (the log is replayed through the same handlers), and read back identical replies.
import { afterAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sendPipeline as run } from "./support/raw-client.ts";
import { startBunker, type ServerHandle } from "./support/servers.ts";

const split = (lines: string[]): string[][] => lines.map((l) => l.split(" "));

const writes = split([
  "ZADD a 1 x 2 y 3 z 0.1 w -0 n 1e20 big -inf lo inf hi",
  "ZADD a NX 9 x 4 v",
  "ZADD a XX CH 5 y 7 nope",
  "ZADD a GT 1 z 10 v",
  "ZADD a LT 0 x",
  "ZADD a INCR 2.5 w",
  "ZINCRBY a 1.25 z",
  "ZREM a n",
  "ZADD b 10 y 20 z 30 q",
  "ZUNIONSTORE u 2 a b WEIGHTS 2 0.5 AGGREGATE MIN",
  "ZINTERSTORE i 2 a b AGGREGATE MAX",
  "ZDIFFSTORE d 2 a b",
  "ZRANGESTORE r a (1 +inf BYSCORE LIMIT 1 3",
  "ZADD l 0 a 0 b 0 c 0 d 0 e 0 f",
  "ZREMRANGEBYLEX l [b (d",
  "ZREMRANGEBYRANK l -1 -1",
  "ZADD s 1 a 2 b 3 c 4 d 5 e 6 f",
  "ZREMRANGEBYSCORE s (1 2",
  "ZPOPMIN s",
  "ZPOPMAX s 2",
  "ZMPOP 2 none s MIN COUNT 1",
  "ZADD gone 1 a",
  "ZPOPMIN gone",
  "ZADD big " + Array.from({ length: 150 }, (_, i) => `${i / 3} m${i}`).join(" "),
  "ZADD big -0 negzero",
  "ZREMRANGEBYRANK big 10 19",
]);

const reads = split([
  "ZRANGE a 0 -1 WITHSCORES",
  "ZRANGE b 0 -1 WITHSCORES",
  "ZRANGE u 0 -1 WITHSCORES",
  "ZRANGE i 0 -1 WITHSCORES",
  "ZRANGE d 0 -1 WITHSCORES",
  "ZRANGE r 0 -1 WITHSCORES",
  "ZRANGE l 0 -1 WITHSCORES",
  "ZRANGE s 0 -1 WITHSCORES",
  "EXISTS gone",
  "ZRANGE big 0 -1 WITHSCORES",
  "ZSCORE big negzero",
  "DBSIZE",
]);

const dirs: string[] = [];
let server: ServerHandle | undefined;
afterAll(async () => {
  if (server) await server.kill9();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});


test("sorted-set writes read back identically after SIGKILL and restart", async () => {
  const dir = await mkdtemp(join(tmpdir(), "bunker-zsets-"));
  dirs.push(dir);
  server = await startBunker({ dir, args: ["--shards", "4"] });
  const writeReplies = await run(server.port, writes);
  for (const r of writeReplies) expect(r.startsWith("-")).toBe(false);
  const before = await run(server.port, reads);
  expect(before[0]).toContain("x");
  await server.kill9();
  server = await startBunker({ dir, args: ["--shards", "4"] });
  const after = await run(server.port, reads);
  expect(after).toEqual(before);
}, 60_000);
