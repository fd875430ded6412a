// The server loop as a client sees it: pipelining, protocol errors (reply then close), AUTH with
// requirepass and the pre-AUTH limits, maxclients, idle timeout, the output-buffer limit, and graceful
// shutdown on SIGTERM that loses no acknowledged write.
import { afterAll, expect, test } from "bun:test";
import { RawClient } from "./support/raw-client.ts";
import { startBunker, type ServerHandle } from "./support/servers.ts";

const started: ServerHandle[] = [];
async function bunker(args: string[] = [], dir?: string): Promise<ServerHandle> {
  const s = await startBunker(dir === undefined ? { args } : { args, dir });
  started.push(s);
  return s;
}
afterAll(async () => {
  for (const s of started) await s.stop().catch(() => {});
  for (const s of started) s.removeDir();
});
const text = (b: Uint8Array): string => Buffer.from(b).toString("latin1");

async function waitClosed(c: RawClient, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!c.closed && Date.now() < deadline) await Bun.sleep(20);
  return c.closed;
}

test("a pipeline of 2,000 commands in one write gets every reply in order", async () => {
  const s = await bunker();
  const c = await RawClient.connect(s.port);
  const cmds: string[][] = [];
  for (let i = 0; i < 1000; i++) cmds.push(["SET", `p:${i}`, `v${i}`], ["GET", `p:${i}`]);
  const replies = await c.sendMany(cmds);
  for (let i = 0; i < 1000; i++) {
    expect(text(replies[2 * i] as Uint8Array)).toBe("+OK\r\n");
    expect(text(replies[2 * i + 1] as Uint8Array)).toBe(`$${`v${i}`.length}\r\nv${i}\r\n`);
  }
  c.close();
});

test("a protocol error replies with Redis's text and closes the connection", async () => {
  const s = await bunker();
  const c = await RawClient.connect(s.port);
  c.sendRaw("PING\r\n*abc\r\n");
  expect(text(await c.readReply())).toBe("+PONG\r\n");
  expect(text(await c.readReply())).toBe("-ERR Protocol error: invalid multibulk length\r\n");
  expect(await waitClosed(c, 2000)).toBe(true);
});

test("requirepass: NOAUTH before AUTH, WRONGPASS for a bad password, tighter limits before AUTH", async () => {
  const s = await bunker(["--requirepass", "sekret"]);
  const c = await RawClient.connect(s.port);
  expect(text(await c.send(["GET", "x"]))).toBe("-NOAUTH Authentication required.\r\n");
  expect(text(await c.send(["AUTH", "wrong"]))).toBe("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  expect(text(await c.send(["AUTH", "sekret"]))).toBe("+OK\r\n");
  expect(text(await c.send(["SET", "x", "1"]))).toBe("+OK\r\n");
  c.close();
  const u = await RawClient.connect(s.port);
  u.sendRaw("*100\r\n");
  expect(text(await u.readReply())).toBe("-ERR Protocol error: unauthenticated multibulk length\r\n");
  expect(await waitClosed(u, 2000)).toBe(true);
});

test("maxclients refuses the connection beyond the limit with Redis's error", async () => {
  const s = await bunker(["--maxclients", "2"]);
  const a = await RawClient.connect(s.port);
  const b = await RawClient.connect(s.port);
  expect(text(await a.send(["PING"]))).toBe("+PONG\r\n");
  expect(text(await b.send(["PING"]))).toBe("+PONG\r\n");
  const c = await RawClient.connect(s.port);
  expect(text(await c.readReply())).toBe("-ERR max number of clients reached\r\n");
  expect(await waitClosed(c, 2000)).toBe(true);
  a.close();
  b.close();
});

test("an idle client is disconnected after `timeout` seconds", async () => {
  const s = await bunker(["--timeout", "1"]);
  const c = await RawClient.connect(s.port);
  expect(text(await c.send(["PING"]))).toBe("+PONG\r\n");
  expect(await waitClosed(c, 5000)).toBe(true);
});

test("a client that never reads is disconnected at the output-buffer limit", async () => {
  const s = await bunker(["--client-output-buffer-limit-bytes", "1mb"]);
  const w = await RawClient.connect(s.port);
  const big = "x".repeat(512 * 1024);
  expect(text(await w.send(["SET", "big", big]))).toBe("+OK\r\n");
  w.close();
  // A raw socket that sends GETs and never reads its replies.
  let closed = false;
  const sock = await Bun.connect({
    hostname: "127.0.0.1",
    port: s.port,
    socket: {
      data() {},
      close() {
        closed = true;
      },
    },
  });
  sock.pause?.();
  const frame = "*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n".repeat(200);
  for (let i = 0; i < 20 && !closed; i++) {
    sock.write(frame);
    await Bun.sleep(50);
  }
  const deadline = Date.now() + 5000;
  while (!closed && Date.now() < deadline) await Bun.sleep(20);
  expect(closed).toBe(true);
  // The server is still healthy for everybody else.
  const c = await RawClient.connect(s.port);
  expect(text(await c.send(["PING"]))).toBe("+PONG\r\n");
  c.close();
});

test("SIGTERM shuts down gracefully: in-flight writes finish and every acknowledged write survives", async () => {
  const s = await bunker();
  const c = await RawClient.connect(s.port);
  const acked: number[] = [];
  const writes = (async () => {
    for (let i = 0; i < 100000; i++) {
      try {
        const r = await c.send(["SET", `g:${i}`, String(i)]);
        if (text(r) === "+OK\r\n") acked.push(i);
      } catch {
        return;
      }
    }
  })();
  await Bun.sleep(300);
  s.proc.kill("SIGTERM");
  const code = await s.proc.exited;
  await writes;
  expect(code).toBe(0);
  expect(acked.length).toBeGreaterThan(0);
  const again = await bunker([], s.dir);
  const r = await RawClient.connect(again.port);
  const replies = await r.sendMany(acked.map((i) => ["GET", `g:${i}`]));
  acked.forEach((i, n) => expect(text(replies[n] as Uint8Array)).toBe(`$${String(i).length}\r\n${i}\r\n`));
  r.close();
});

test("pipeline-depth-max bounds one client's turn; the rest of its pipeline still runs, in order", async () => {
  const s = await bunker(["--pipeline-depth-max", "16"]);
  const c = await RawClient.connect(s.port);
  const other = await RawClient.connect(s.port);
  const cmds = Array.from({ length: 3000 }, (_, i) => ["ECHO", `m${i}`]);
  const pending = c.sendMany(cmds);
  expect(text(await other.send(["PING"]))).toBe("+PONG\r\n");
  const replies = await pending;
  replies.forEach((r, i) => expect(text(r)).toBe(`$${`m${i}`.length}\r\nm${i}\r\n`));
  c.close();
  other.close();
});

test("a query larger than client-query-buffer-limit closes the connection", async () => {
  const s = await bunker(["--client-query-buffer-limit", "1mb"]);
  const c = await RawClient.connect(s.port);
  c.sendRaw(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n`);
  c.sendRaw(new Uint8Array(1_500_000).fill(97));
  expect(await waitClosed(c, 5000)).toBe(true);
  const d = await RawClient.connect(s.port);
  expect(text(await d.send(["PING"]))).toBe("+PONG\r\n");
  d.close();
});
