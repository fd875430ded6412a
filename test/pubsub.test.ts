// Pub/sub across real connections to a Bunker process: delivery and order over RESP2 and RESP3, pattern
// subscriptions, PUBSUB counts, keyspace notifications (SET/DEL/expire/expired), cleanup on disconnect
// and RESET, and ioredis as a subscriber.
import { afterAll, beforeAll, expect, test } from "bun:test";
import Redis from "ioredis";
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

async function connect(proto: 2 | 3 = 2): Promise<RawClient> {
  const c = await RawClient.connect(server.port, { replyTimeoutMs: 3000 });
  open.push(c);
  if (proto === 3) await c.send(["HELLO", "3"]);
  return c;
}

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("latin1");
const bulk = (s: string): string => `$${s.length}\r\n${s}\r\n`;
const message = (proto: 2 | 3, ch: string, payload: string): string => `${proto === 3 ? ">" : "*"}3\r\n${bulk("message")}${bulk(ch)}${bulk(payload)}`;
const pmessage = (proto: 2 | 3, pattern: string, ch: string, payload: string): string =>
  `${proto === 3 ? ">" : "*"}4\r\n${bulk("pmessage")}${bulk(pattern)}${bulk(ch)}${bulk(payload)}`;

/** Polls `read` until it returns `want` (state that another connection changes asynchronously). */
async function eventually(read: () => Promise<string>, want: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (last !== want && Date.now() < deadline) {
    await Bun.sleep(10);
    last = await read();
  }
  expect(last).toEqual(want);
}

for (const proto of [2, 3] as const) {
  test(`RESP${proto}: a subscriber receives every message in publish order`, async () => {
    const sub = await connect(proto);
    const pub = await connect();
    const kind = proto === 3 ? ">" : "*";
    expect(text(await sub.send(["SUBSCRIBE", `news${proto}`]))).toBe(`${kind}3\r\n${bulk("subscribe")}${bulk(`news${proto}`)}:1\r\n`);
    const replies = await pub.sendMany(Array.from({ length: 20 }, (_, i) => ["PUBLISH", `news${proto}`, `m${i}`]));
    expect(replies.map(text)).toEqual(Array.from({ length: 20 }, () => ":1\r\n"));
    for (let i = 0; i < 20; i++) expect(text(await sub.readReply())).toBe(message(proto, `news${proto}`, `m${i}`));
    expect(text(await pub.send(["PUBLISH", "nobody", "x"]))).toBe(":0\r\n");
    expect(text(await sub.send(["UNSUBSCRIBE", `news${proto}`]))).toBe(`${kind}3\r\n${bulk("unsubscribe")}${bulk(`news${proto}`)}:0\r\n`);
    expect(text(await pub.send(["PUBLISH", `news${proto}`, "late"]))).toBe(":0\r\n");
  });

  test(`RESP${proto}: pattern subscribers get pmessage; a channel and a pattern both count`, async () => {
    const sub = await connect(proto);
    const pub = await connect();
    await sub.send(["PSUBSCRIBE", `ev${proto}.*`]);
    await sub.send(["SUBSCRIBE", `ev${proto}.a`]);
    expect(text(await pub.send(["PUBLISH", `ev${proto}.a`, "both"]))).toBe(":2\r\n");
    expect(text(await sub.readReply())).toBe(message(proto, `ev${proto}.a`, "both"));
    expect(text(await sub.readReply())).toBe(pmessage(proto, `ev${proto}.*`, `ev${proto}.a`, "both"));
    expect(text(await pub.send(["PUBLISH", `ev${proto}.b`, "pattern only"]))).toBe(":1\r\n");
    expect(text(await sub.readReply())).toBe(pmessage(proto, `ev${proto}.*`, `ev${proto}.b`, "pattern only"));
    expect(text(await pub.send(["PUBSUB", "NUMSUB", `ev${proto}.a`, `ev${proto}.b`]))).toBe(`*4\r\n${bulk(`ev${proto}.a`)}:1\r\n${bulk(`ev${proto}.b`)}:0\r\n`);
    expect(text(await pub.send(["PUBSUB", "CHANNELS", `ev${proto}.*`]))).toBe(`*1\r\n${bulk(`ev${proto}.a`)}`);
    await sub.send(["RESET"]);
  });
}

for (const proto of [2, 3] as const) {
  test(`RESP${proto}: CLIENT REPLY OFF/SKIP drop replies but not confirmations and messages`, async () => {
    const sub = await connect(proto);
    const pub = await connect();
    const kind = proto === 3 ? ">" : "*";
    const ch = `quiet${proto}`;
    sub.sendRaw(`CLIENT REPLY OFF\r\nSUBSCRIBE ${ch}\r\n`);
    expect(text(await sub.readReply())).toBe(`${kind}3\r\n${bulk("subscribe")}${bulk(ch)}:1\r\n`);
    expect(text(await pub.send(["PUBLISH", ch, "hi"]))).toBe(":1\r\n");
    expect(text(await sub.readReply())).toBe(message(proto, ch, "hi"));
    // An error is an ordinary reply: dropped. The reply to CLIENT REPLY ON proves nothing else came.
    sub.sendRaw(`SUBSCRIBE\r\nUNSUBSCRIBE ${ch}\r\nCLIENT REPLY ON\r\n`);
    expect(text(await sub.readReply())).toBe(`${kind}3\r\n${bulk("unsubscribe")}${bulk(ch)}:0\r\n`);
    expect(text(await sub.readReply())).toBe("+OK\r\n");
    sub.sendRaw(`CLIENT REPLY SKIP\r\nSUBSCRIBE ${ch}\r\nPING\r\n`);
    expect(text(await sub.readReply())).toBe(`${kind}3\r\n${bulk("subscribe")}${bulk(ch)}:1\r\n`);
    expect(text(await sub.readReply())).toBe(proto === 3 ? "+PONG\r\n" : `*2\r\n${bulk("pong")}${bulk("")}`);
  });
}

test("RESP3: a subscribed client runs ordinary commands; pushes interleave with replies", async () => {
  const sub = await connect(3);
  const pub = await connect();
  await sub.send(["SUBSCRIBE", "mixed"]);
  expect(text(await sub.send(["SET", "mixed:k", "v"]))).toBe("+OK\r\n");
  expect(text(await pub.send(["PUBLISH", "mixed", "hello"]))).toBe(":1\r\n");
  expect(text(await sub.readReply())).toBe(message(3, "mixed", "hello"));
  expect(text(await sub.send(["GET", "mixed:k"]))).toBe(bulk("v"));
  // Publishing to oneself: the push comes before the PUBLISH reply, as in Redis 7.0.
  const [push, reply] = await sub.sendMany([["PUBLISH", "mixed", "self"], ["PING"]]);
  expect(text(push as Uint8Array)).toBe(message(3, "mixed", "self"));
  expect(text(reply as Uint8Array)).toBe(":1\r\n");
  expect(text(await sub.readReply())).toBe("+PONG\r\n");
  await sub.send(["RESET"]);
});

test("RESP2: the subscribed context refuses other commands with Redis's error", async () => {
  const sub = await connect(2);
  await sub.send(["SUBSCRIBE", "ctx"]);
  expect(text(await sub.send(["GET", "x"]))).toBe(
    "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
  );
  expect(text(await sub.send(["PING"]))).toBe(`*2\r\n${bulk("pong")}${bulk("")}`);
  expect(text(await sub.send(["UNSUBSCRIBE"]))).toBe(`*3\r\n${bulk("unsubscribe")}${bulk("ctx")}:0\r\n`);
  expect(text(await sub.send(["GET", "x"]))).toBe("$-1\r\n");
});

test("a closed connection and RESET both drop subscriptions", async () => {
  const pub = await connect();
  const gone = await connect();
  await gone.send(["SUBSCRIBE", "bye"]);
  await gone.send(["PSUBSCRIBE", "bye*"]);
  expect(text(await pub.send(["PUBSUB", "NUMSUB", "bye"]))).toBe(`*2\r\n${bulk("bye")}:1\r\n`);
  gone.close();
  await eventually(async () => text(await pub.send(["PUBSUB", "NUMSUB", "bye"])), `*2\r\n${bulk("bye")}:0\r\n`);
  expect(text(await pub.send(["PUBSUB", "NUMPAT"]))).toBe(":0\r\n");
  expect(text(await pub.send(["PUBLISH", "bye", "x"]))).toBe(":0\r\n");

  const reset = await connect(3);
  await reset.send(["SUBSCRIBE", "r"]);
  await reset.send(["SSUBSCRIBE", "rs"]);
  expect(text(await reset.send(["RESET"]))).toBe("+RESET\r\n");
  expect(text(await pub.send(["PUBSUB", "NUMSUB", "r"]))).toBe(`*2\r\n${bulk("r")}:0\r\n`);
  expect(text(await pub.send(["PUBSUB", "SHARDNUMSUB", "rs"]))).toBe(`*2\r\n${bulk("rs")}:0\r\n`);
  // RESET returned the connection to RESP2 outside the subscribed context.
  expect(text(await reset.send(["GET", "nothing"]))).toBe("$-1\r\n");
});

test("SSUBSCRIBE/SPUBLISH deliver smessage to shard-channel subscribers only", async () => {
  const sub = await connect(3);
  const pub = await connect();
  await sub.send(["SSUBSCRIBE", "orders"]);
  await sub.send(["SUBSCRIBE", "orders"]);
  expect(text(await pub.send(["SPUBLISH", "orders", "one"]))).toBe(":1\r\n");
  expect(text(await sub.readReply())).toBe(`>3\r\n${bulk("smessage")}${bulk("orders")}${bulk("one")}`);
  expect(text(await pub.send(["PUBLISH", "orders", "two"]))).toBe(":1\r\n");
  expect(text(await sub.readReply())).toBe(message(3, "orders", "two"));
  await sub.send(["RESET"]);
});

test("keyspace notifications: SET, SET EX, DEL and expired, on keyspace and keyevent channels", async () => {
  const admin = await connect();
  const sub = await connect(3);
  const writer = await connect();
  try {
    expect(text(await admin.send(["CONFIG", "SET", "notify-keyspace-events", "KEA"]))).toBe("+OK\r\n");
    expect(text(await admin.send(["CONFIG", "GET", "notify-keyspace-events"]))).toBe(`*2\r\n${bulk("notify-keyspace-events")}${bulk("AKE")}`);
    await sub.send(["PSUBSCRIBE", "__key*@0__:ks:*"]);
    await sub.send(["SUBSCRIBE", "__keyevent@0__:expired", "__keyevent@0__:del"]);
    await sub.readReply(); // the second SUBSCRIBE confirmation
    const space = (key: string, event: string): string => pmessage(3, "__key*@0__:ks:*", `__keyspace@0__:${key}`, event);
    const event = (name: string, key: string): string => message(3, `__keyevent@0__:${name}`, key);

    await writer.send(["SET", "ks:a", "1"]);
    expect(text(await sub.readReply())).toBe(space("ks:a", "set"));
    await writer.send(["SET", "ks:b", "1", "EX", "100"]);
    expect(text(await sub.readReply())).toBe(space("ks:b", "set"));
    expect(text(await sub.readReply())).toBe(space("ks:b", "expire"));
    await writer.send(["DEL", "ks:a", "ks:missing"]);
    expect(text(await sub.readReply())).toBe(space("ks:a", "del"));
    expect(text(await sub.readReply())).toBe(event("del", "ks:a"));
    // Expired by the background cycle (or on access): both channels report it.
    await writer.send(["SET", "ks:c", "1", "PX", "30"]);
    expect(text(await sub.readReply())).toBe(space("ks:c", "set"));
    expect(text(await sub.readReply())).toBe(space("ks:c", "expire"));
    const expired = [text(await sub.readReply()), text(await sub.readReply())];
    expect(expired).toEqual([space("ks:c", "expired"), event("expired", "ks:c")]);

    // Classes filter: only generic events now.
    await admin.send(["CONFIG", "SET", "notify-keyspace-events", "Kg"]);
    await writer.send(["SET", "ks:d", "1"]);
    await writer.send(["DEL", "ks:d"]);
    expect(text(await sub.readReply())).toBe(space("ks:d", "del"));
  } finally {
    await admin.send(["CONFIG", "SET", "notify-keyspace-events", ""]);
    await sub.send(["RESET"]);
  }
});

test("notifications are off by default and after CONFIG SET to empty", async () => {
  const sub = await connect(3);
  const writer = await connect();
  await sub.send(["PSUBSCRIBE", "__key*"]);
  await writer.send(["SET", "quiet", "1"]);
  await writer.send(["DEL", "quiet"]);
  // A marker published after the writes arrives first: nothing was sent for SET or DEL.
  await writer.send(["PUBLISH", "__keymarker", "m"]);
  expect(text(await sub.readReply())).toBe(pmessage(3, "__key*", "__keymarker", "m"));
  await sub.send(["RESET"]);
});

test("ioredis as a subscriber receives messages and pattern messages", async () => {
  const sub = new Redis({ port: server.port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
  const pub = new Redis({ port: server.port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
  await sub.connect();
  await pub.connect();
  try {
    const got: string[] = [];
    sub.on("message", (ch: string, msg: string) => got.push(`${ch}:${msg}`));
    sub.on("pmessage", (p: string, ch: string, msg: string) => got.push(`${p}|${ch}:${msg}`));
    expect(await sub.subscribe("io.a", "io.b")).toBe(2);
    expect(await sub.psubscribe("io.*")).toBe(3);
    expect(await pub.publish("io.a", "1")).toBe(2);
    expect(await pub.publish("io.c", "2")).toBe(1);
    const deadline = Date.now() + 3000;
    while (got.length < 3 && Date.now() < deadline) await Bun.sleep(5);
    expect(got).toEqual(["io.a:1", "io.*|io.a:1", "io.*|io.c:2"]);
    expect(await pub.call("PUBSUB", "NUMPAT")).toBe(1);
  } finally {
    sub.disconnect();
    pub.disconnect();
  }
});
