// Real clients against a real Bunker process: ioredis (RESP2), Bun's RedisClient (RESP3, starts with
// HELLO 3), and redis-cli both interactively and with --pipe.
import { afterAll, beforeAll, expect, test } from "bun:test";
import Redis from "ioredis";
import { RedisClient } from "bun";
import { startBunker, type ServerHandle } from "./support/servers.ts";

let server: ServerHandle;
beforeAll(async () => {
  server = await startBunker();
});
afterAll(async () => {
  await server?.stop();
  server?.removeDir();
});

test("ioredis connects, pipelines, and reads errors as errors", async () => {
  const client = new Redis({ port: server.port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
  await client.connect();
  expect(await client.ping()).toBe("PONG");
  const results = await client.pipeline().set("io:a", "1").set("io:b", "2").get("io:a").get("io:b").del("io:a").exec();
  expect(results?.map(([err, v]) => [err, v])).toEqual([
    [null, "OK"],
    [null, "OK"],
    [null, "1"],
    [null, "2"],
    [null, 1],
  ]);
  const err = await client.call("NOSUCHCOMMAND", "x").catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Error);
  expect((err as Error).message).toContain("ERR unknown command 'NOSUCHCOMMAND'");
  const multi = await client.multi().set("io:m", "v").get("io:m").exec();
  expect(multi?.map(([, v]) => v)).toEqual(["OK", "v"]);
  client.disconnect();
});

test("Bun's RedisClient speaks RESP3 to it", async () => {
  const client = new RedisClient(`redis://127.0.0.1:${server.port}`);
  await client.connect();
  expect(await client.set("bun:k", "hello")).toBe("OK");
  expect(await client.get("bun:k")).toBe("hello");
  expect(await client.get("bun:missing")).toBeNull();
  expect(await client.send("HELLO", ["3"])).toMatchObject({ server: "redis", proto: 3 });
  const err = await client.send("SET", ["only-key"]).catch((e: unknown) => e);
  expect(String(err)).toContain("wrong number of arguments for 'set' command");
  client.close();
});

async function run(cmd: string[], stdin?: string): Promise<string> {
  const proc = Bun.spawn(cmd, { stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin), stdout: "pipe", stderr: "pipe" });
  const out = await new Response(proc.stdout).text();
  await proc.exited;
  return out;
}

test("redis-cli works interactively (commands on stdin) and with --pipe", async () => {
  const port = String(server.port);
  expect(await run(["redis-cli", "-p", port, "PING"])).toBe("PONG\n");
  const hello = await run(["redis-cli", "-p", port, "-3", "HELLO", "3"]);
  expect(hello).toContain("proto");
  expect(await run(["redis-cli", "-p", port], "SET cli:a 1\nGET cli:a\n")).toBe("OK\n1\n");
  let proto = "";
  for (let i = 0; i < 1000; i++) proto += `*3\r\n$3\r\nSET\r\n$${`pipe:${i}`.length}\r\npipe:${i}\r\n$${String(i).length}\r\n${i}\r\n`;
  const piped = await run(["redis-cli", "-p", port, "--pipe"], proto);
  expect(piped).toContain("errors: 0, replies: 1000");
  expect(await run(["redis-cli", "-p", port, "GET", "pipe:999"])).toBe("999\n");
});
