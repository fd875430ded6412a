// CLIENT REPLY OFF/SKIP against a real Bunker process: which replies are dropped (command replies and
// rejections such as arity or unknown-command errors) and which still arrive (pub/sub pushes), as in Redis 7.0.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startBunker, type ServerHandle } from "./support/servers.ts";
import { RawClient } from "./support/raw-client.ts";

let server: ServerHandle;
const open: RawClient[] = [];

beforeAll(async () => {
  server = await startBunker();
});
afterAll(async () => {
  for (const c of open) c.close();
  await server?.stop();
  server?.removeDir();
});

async function connect(): Promise<RawClient> {
  const c = await RawClient.connect(server.port, { replyTimeoutMs: 3000 });
  open.push(c);
  return c;
}

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("latin1");

test("CLIENT REPLY OFF drops rejections too: arity, unknown command, unknown subcommand", async () => {
  const c = await connect();
  c.sendRaw("CLIENT REPLY OFF\r\nGET\r\nNOSUCH x\r\nCLIENT NOSUCH\r\nSET k v\r\nCLIENT REPLY ON\r\nGET k\r\n");
  expect(text(await c.readReply())).toBe("+OK\r\n");
  expect(text(await c.readReply())).toBe("$1\r\nv\r\n");
});

test("CLIENT REPLY SKIP is used up by a rejected command", async () => {
  const c = await connect();
  c.sendRaw("CLIENT REPLY SKIP\r\nGET\r\nPING\r\n");
  expect(text(await c.readReply())).toBe("+PONG\r\n");
});

test("CLIENT REPLY OFF drops QUEUED and the EXEC reply", async () => {
  const c = await connect();
  c.sendRaw("CLIENT REPLY OFF\r\nMULTI\r\nSET q 1\r\nGET\r\nEXEC\r\nCLIENT REPLY ON\r\nGET q\r\n");
  expect(text(await c.readReply())).toBe("+OK\r\n");
  expect(text(await c.readReply())).toBe("$-1\r\n");
});
