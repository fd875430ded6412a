// Covers RawClient and the server helpers against a real redis-server: single and pipelined commands,
// raw protocol bytes, replies split across reads, and a connection the server closes.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { ConnectionClosedError, RawClient } from "./raw-client.ts";
import { type ServerHandle, startRedis } from "./servers.ts";

let redis: ServerHandle;
const text = (data: Uint8Array): string => new TextDecoder().decode(data);

beforeAll(async () => {
  redis = await startRedis();
}, 20_000);

afterAll(async () => {
  await redis.stop();
  await redis.removeDir();
});

test("send resolves with the raw bytes of one reply", async () => {
  const client = await RawClient.connect(redis.port);
  expect(text(await client.send(["PING"]))).toBe("+PONG\r\n");
  expect(text(await client.send(["ECHO", "a\r\nb"]))).toBe("$4\r\na\r\nb\r\n");
  client.close();
});

test("sendMany pipelines commands and returns each reply in order", async () => {
  const client = await RawClient.connect(redis.port);
  const replies = await client.sendMany([["SET", "raw-client:k", "v"], ["GET", "raw-client:k"], ["DEL", "raw-client:k"]]);
  expect(replies.map(text)).toEqual(["+OK\r\n", "$1\r\nv\r\n", ":1\r\n"]);
  client.close();
});

test("a reply larger than one socket read arrives whole", async () => {
  const client = await RawClient.connect(redis.port);
  const value = "z".repeat(3_000_000);
  await client.send(["SET", "raw-client:big", value]);
  const reply = await client.send(["GET", "raw-client:big"]);
  expect(reply.length).toBe(`$3000000\r\n`.length + value.length + 2);
  await client.send(["DEL", "raw-client:big"]);
  client.close();
});

test("sendRaw writes bytes as they are and readReply reads the answer", async () => {
  const client = await RawClient.connect(redis.port);
  client.sendRaw("PING\r\n");
  expect(text(await client.readReply())).toBe("+PONG\r\n");
  client.sendRaw("*1\r\n$4\r\nPI");
  client.sendRaw("NG\r\n");
  expect(text(await client.readReply())).toBe("+PONG\r\n");
  client.close();
});

test("a protocol error is answered, then the connection is closed", async () => {
  const client = await RawClient.connect(redis.port);
  client.sendRaw("*1\r\n$x\r\n");
  expect(text(await client.readReply())).toBe("-ERR Protocol error: invalid bulk length\r\n");
  await expect(client.readReply()).rejects.toBeInstanceOf(ConnectionClosedError);
  expect(client.closed).toBe(true);
});

test("RESP3 replies are framed as well", async () => {
  const client = await RawClient.connect(redis.port);
  await client.send(["HELLO", "3"]);
  expect(text(await client.send(["GET", "raw-client:missing"]))).toBe("_\r\n");
  expect(text(await client.send(["CONFIG", "GET", "maxmemory"]))).toBe("%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
  client.close();
});
