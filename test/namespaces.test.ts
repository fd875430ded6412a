// Durability per namespace: BUNKER.CONFIG is a logged, persisted setting; async-namespace writes are
// acknowledged after the in-memory apply and still reach the disk; async writes spanning shards are
// refused with CROSSSLOT.
import { afterAll, expect, test } from "bun:test";
import { RawClient } from "./support/raw-client.ts";
import { startBunker, type ServerHandle } from "./support/servers.ts";

const started: ServerHandle[] = [];
afterAll(async () => {
  for (const s of started) await s.stop().catch(() => {});
  for (const s of started) s.removeDir();
});
const text = (b: Uint8Array): string => Buffer.from(b).toString("latin1");

test("BUNKER.CONFIG SET/GET/RESET/LIST, persisted across a crash", async () => {
  const s = await startBunker();
  started.push(s);
  const c = await RawClient.connect(s.port);
  expect(text(await c.send(["BUNKER.CONFIG", "GET", "cache:"]))).toBe("*2\r\n$10\r\ndurability\r\n$6\r\nquorum\r\n");
  expect(text(await c.send(["BUNKER.CONFIG", "SET", "cache:", "durability", "async"]))).toBe("+OK\r\n");
  expect(text(await c.send(["BUNKER.CONFIG", "SET", "tmp:", "durability", "async"]))).toBe("+OK\r\n");
  expect(text(await c.send(["BUNKER.CONFIG", "SET", "x", "durability", "maybe"]))).toBe("-ERR durability must be 'quorum' or 'async'\r\n");
  expect(text(await c.send(["BUNKER.CONFIG", "SET", "x", "colour", "async"]))).toBe("-ERR syntax error\r\n");
  expect(text(await c.send(["BUNKER.CONFIG", "RESET", "tmp:"]))).toBe(":1\r\n");
  expect(text(await c.send(["BUNKER.CONFIG", "RESET", "tmp:"]))).toBe(":0\r\n");
  expect(text(await c.send(["BUNKER.CONFIG", "GET", "cache:"]))).toBe("*2\r\n$10\r\ndurability\r\n$5\r\nasync\r\n");
  c.close();
  await s.kill9();
  const again = await startBunker({ dir: s.dir });
  started.push(again);
  const r = await RawClient.connect(again.port);
  expect(text(await r.send(["BUNKER.CONFIG", "LIST"]))).toBe("*2\r\n$6\r\ncache:\r\n$5\r\nasync\r\n");
  r.close();
});

test("async writes are acknowledged, readable, and reach the disk in the background", async () => {
  const s = await startBunker();
  started.push(s);
  const c = await RawClient.connect(s.port);
  await c.send(["BUNKER.CONFIG", "SET", "cache:", "durability", "async"]);
  const replies = await c.sendMany(Array.from({ length: 500 }, (_, i) => ["SET", `cache:${i}`, String(i)]));
  expect(replies.every((r) => text(r) === "+OK\r\n")).toBe(true);
  expect(text(await c.send(["GET", "cache:499"]))).toBe("$3\r\n499\r\n");
  // The background group commit catches up: durable seq reaches appended seq.
  const deadline = Date.now() + 5000;
  let caughtUp = false;
  while (!caughtUp && Date.now() < deadline) {
    const info = text(await c.send(["INFO", "persistence"]));
    const appended = Number(/bunker_appended_seq:(\d+)/.exec(info)?.[1]);
    const durable = Number(/bunker_durable_seq:(\d+)/.exec(info)?.[1]);
    caughtUp = durable === appended;
    if (!caughtUp) await Bun.sleep(10);
  }
  expect(caughtUp).toBe(true);
  c.close();
  await s.kill9();
  const again = await startBunker({ dir: s.dir });
  started.push(again);
  const r = await RawClient.connect(again.port);
  const got = await r.sendMany(Array.from({ length: 500 }, (_, i) => ["GET", `cache:${i}`]));
  got.forEach((g, i) => expect(text(g)).toBe(`$${String(i).length}\r\n${i}\r\n`));
  r.close();
});

test("an async write spanning shards gets CROSSSLOT; a hash tag keeps it on one shard", async () => {
  const s = await startBunker();
  started.push(s);
  const c = await RawClient.connect(s.port);
  await c.send(["BUNKER.CONFIG", "SET", "a:", "durability", "async"]);
  let crossslot = "";
  for (let i = 0; i < 20 && crossslot === ""; i++) {
    const r = text(await c.send(["DEL", `a:x${i}`, `a:y${i}`]));
    if (r.startsWith("-CROSSSLOT")) crossslot = r;
  }
  expect(crossslot).toStartWith("-CROSSSLOT Keys in request don't hash to the same slot");
  expect(text(await c.send(["DEL", "a:{u1}.x", "a:{u1}.y"]))).toBe(":0\r\n");
  c.close();
});

test("the namespace table survives a merge (BGREWRITEAOF) and a restart from the snapshot", async () => {
  const s = await startBunker();
  started.push(s);
  const c = await RawClient.connect(s.port);
  await c.send(["BUNKER.CONFIG", "SET", "sess:", "durability", "async"]);
  await c.send(["SET", "sess:1", "x"]);
  expect(text(await c.send(["BGREWRITEAOF"]))).toBe("+Background append only file rewriting started\r\n");
  const deadline = Date.now() + 10000;
  let merges = 0;
  while (Date.now() < deadline) {
    const info = text(await c.send(["INFO", "persistence"]));
    merges = Number(/bunker_merges:(\d+)/.exec(info)?.[1]);
    if (merges >= 4 && /bunker_merges_in_progress:0/.test(info)) break;
    await Bun.sleep(20);
  }
  expect(merges).toBeGreaterThanOrEqual(4);
  c.close();
  await s.kill9();
  const again = await startBunker({ dir: s.dir });
  started.push(again);
  const r = await RawClient.connect(again.port);
  expect(text(await r.send(["BUNKER.CONFIG", "LIST"]))).toBe("*2\r\n$5\r\nsess:\r\n$5\r\nasync\r\n");
  expect(text(await r.send(["GET", "sess:1"]))).toBe("$1\r\nx\r\n");
  r.close();
});
