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

// Geo indexes are sorted sets: GEOADD is logged as its ZADD, the STORE forms as the stored result.
const geoWrites = split([
  "GEOADD geo 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 2.3522 48.8566 Paris 179.99 85.05 edge",
  "GEOADD geo XX CH 12.4964 41.9028 Palermo 1 1 nope",
  "GEOADD geo NX 14.2681 40.8518 Naples 0 0 Paris",
  "GEOSEARCHSTORE near geo FROMLONLAT 14 39 BYRADIUS 400 km",
  "GEOSEARCHSTORE neardist geo FROMMEMBER Catania BYBOX 900 900 km DESC COUNT 2 STOREDIST",
  "GEORADIUS geo 14 39 2000 km STORE radius",
  "GEORADIUSBYMEMBER geo Naples 500 km STOREDIST bymember",
  "SET gone v",
  "GEOSEARCHSTORE gone geo FROMLONLAT -100 -50 BYRADIUS 1 km",
]);

const geoReads = split([
  "ZRANGE geo 0 -1 WITHSCORES",
  "GEOPOS geo Palermo Catania Paris edge Naples nope",
  "GEOHASH geo Palermo edge",
  "GEODIST geo Palermo Catania km",
  "TYPE geo",
  "OBJECT ENCODING geo",
  "ZRANGE near 0 -1 WITHSCORES",
  "ZRANGE neardist 0 -1 WITHSCORES",
  "ZRANGE radius 0 -1 WITHSCORES",
  "ZRANGE bymember 0 -1 WITHSCORES",
  "EXISTS gone",
  "GEOSEARCH geo FROMLONLAT 14 39 BYRADIUS 2000 km ASC WITHDIST WITHCOORD WITHHASH",
  "DBSIZE",
]);

test("geo writes (GEOADD and every STORE form) read back identically after SIGKILL and restart", async () => {
  const dir = await mkdtemp(join(tmpdir(), "bunker-geo-"));
  dirs.push(dir);
  server = await startBunker({ dir, args: ["--shards", "4"] });
  const writeReplies = await run(server.port, geoWrites);
  for (const r of writeReplies) expect(r.startsWith("-")).toBe(false);
  const before = await run(server.port, geoReads);
  expect(before[1]).toContain("12.49639838933944702");
  expect(before[6]).toContain("Naples");
  expect(before[10]).toBe(":0\r\n");
  await server.kill9();
  server = await startBunker({ dir, args: ["--shards", "4"] });
  const after = await run(server.port, geoReads);
  expect(after).toEqual(before);
}, 60_000);
