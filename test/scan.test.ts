// SCAN's guarantee over a sharded keyspace: a full iteration returns every key that exists throughout
// at least once, even while other keys are added and removed between calls; MATCH, TYPE and COUNT apply.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { RawClient, decodeReply, type Reply } from "./support/raw-client.ts";
import { startBunker, type ServerHandle } from "./support/servers.ts";

let server: ServerHandle;
beforeAll(async () => {
  server = await startBunker({ args: ["--shards", "4"] });
});
afterAll(async () => {
  await server?.stop();
  server?.removeDir();
});

const text = (r: Reply | undefined): string => (r && r.type === "bulk" && r.value ? Buffer.from(r.value).toString("latin1") : "");

async function scanAll(c: RawClient, options: string[], between?: (round: number) => Promise<void>): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  let round = 0;
  do {
    const reply = decodeReply(await c.send(["SCAN", cursor, ...options]));
    if (reply.type !== "array" || !reply.value) throw new Error("SCAN reply is not an array");
    cursor = text(reply.value[0]);
    const batch = reply.value[1];
    if (batch?.type === "array" && batch.value) for (const k of batch.value) keys.push(text(k));
    if (between) await between(round++);
  } while (cursor !== "0");
  return keys;
}

test("a full SCAN under churn returns every stable key", async () => {
  const c = await RawClient.connect(server.port);
  await c.send(["FLUSHALL"]);
  const stable = Array.from({ length: 2000 }, (_, i) => `stable:${i}`);
  for (let i = 0; i < stable.length; i += 500) await c.send(["MSET", ...stable.slice(i, i + 500).flatMap((k) => [k, "v"])]);
  let churn = 0;
  const seen = await scanAll(c, ["COUNT", "25"], async () => {
    await c.send(["MSET", ...Array.from({ length: 10 }, () => [`churn:${churn++}`, "x"]).flat()]);
    await c.send(["DEL", `churn:${Math.floor(churn / 2)}`, `churn:${Math.floor(churn / 3)}`]);
  });
  const counted = new Set(seen);
  for (const k of stable) expect(counted.has(k)).toBe(true);
  // Keys present throughout keep their slot, so none is returned twice.
  expect(seen.filter((k) => k.startsWith("stable:")).length).toBe(stable.length);
  c.close();
});

test("MATCH and TYPE filter, COUNT bounds each call", async () => {
  const c = await RawClient.connect(server.port);
  await c.send(["FLUSHALL"]);
  await c.send(["MSET", ...Array.from({ length: 100 }, (_, i) => [`user:${i}`, "v"]).flat(), "other", "v"]);
  await c.send(["ZADD", "zs", "1", "a"]);
  expect((await scanAll(c, ["MATCH", "user:*"])).sort()).toEqual(Array.from({ length: 100 }, (_, i) => `user:${i}`).sort());
  expect(await scanAll(c, ["TYPE", "zset"])).toEqual(["zs"]);
  expect(await scanAll(c, ["TYPE", "ZSET", "MATCH", "nope"])).toEqual([]);
  const first = decodeReply(await c.send(["SCAN", "0", "COUNT", "5"]));
  expect(first.type === "array" && first.value?.[1]?.type === "array" ? first.value[1].value?.length : -1).toBeLessThanOrEqual(5);
  c.close();
});

test("expired keys are not returned", async () => {
  const c = await RawClient.connect(server.port);
  await c.send(["FLUSHALL"]);
  await c.send(["SET", "live", "v"]);
  await c.send(["SET", "dead", "v", "PX", "1"]);
  await Bun.sleep(20);
  expect(await scanAll(c, [])).toEqual(["live"]);
  c.close();
});
