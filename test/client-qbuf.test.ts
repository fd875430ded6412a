// CLIENT LIST / CLIENT INFO `qbuf` against redis-server 7.0 and Bunker: while a command runs, it counts
// the whole input read with it (the running command included, 26 bytes for `CLIENT LIST` alone, plus the
// commands pipelined with it), also after an error reply (Redis's own test suite, unit/introspection).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startBunker, startRedis, type ServerHandle } from "./support/servers.ts";
import { RawClient } from "./support/raw-client.ts";

let redis: ServerHandle;
let bunker: ServerHandle;

beforeAll(async () => {
  [redis, bunker] = await Promise.all([startRedis(), startBunker()]);
});
afterAll(async () => {
  await Promise.all([redis?.stop(), bunker?.stop()]);
  bunker?.removeDir();
});

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("latin1");

/** The qbuf values seen by each batch, sent one batch at a time. */
async function qbufs(port: number, batches: readonly string[]): Promise<string[]> {
  const c = await RawClient.connect(port, { replyTimeoutMs: 3000 });
  const out: string[] = [];
  try {
    for (const b of batches) {
      c.sendRaw(b);
      const replies = b.startsWith("PING") ? 2 : 1;
      for (let i = 0; i < replies; i++) {
        const m = /qbuf=(\d+) /.exec(text(await c.readReply()));
        if (m) out.push(m[1] as string);
      }
    }
  } finally {
    c.close();
  }
  return out;
}

test("qbuf counts the running command and what was read with it, as redis-server", async () => {
  const batches = [
    "*2\r\n$6\r\nclient\r\n$4\r\nlist\r\n",
    "*3\r\n$4\r\nping\r\n$5\r\nhello\r\n$5\r\nredis\r\n",
    "*2\r\n$6\r\nclient\r\n$4\r\nlist\r\n",
    "*2\r\n$6\r\nclient\r\n$4\r\ninfo\r\n",
    "PING\r\n*2\r\n$6\r\nclient\r\n$4\r\ninfo\r\n",
  ];
  const expected = await qbufs(redis.port, batches);
  expect(expected).toEqual(["26", "26", "26", "32"]);
  expect(await qbufs(bunker.port, batches)).toEqual(expected);
});
