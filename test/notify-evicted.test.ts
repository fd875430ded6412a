// The "evicted" keyspace notification under maxmemory, on redis-server 7.0 and on Bunker alike: an evicted
// key is announced as "evicted" (class e) and never as "del", and every announced key is gone.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { RawClient } from "./support/raw-client.ts";
import { decodeReply } from "./support/resp.ts";
import { startBunker, startRedis, type ServerHandle } from "./support/servers.ts";

const servers: { name: string; handle: ServerHandle }[] = [];

beforeAll(async () => {
  servers.push({ name: "redis-server", handle: await startRedis() });
  servers.push({ name: "bunker", handle: await startBunker() });
}, 40_000);
afterAll(async () => {
  for (const { handle } of servers) {
    await handle.stop();
    await handle.removeDir();
  }
});

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("latin1");
const valueBytes = 10_000;
const keysWritten = 400;

/** Fills a server past a 1 MB maxmemory and returns the keyevent messages a subscriber received. */
async function evictionEvents(port: number): Promise<{ channel: string; key: string }[]> {
  const admin = await RawClient.connect(port);
  const subscriber = await RawClient.connect(port);
  try {
    await subscriber.send(["SUBSCRIBE", "__keyevent@0__:evicted", "__keyevent@0__:del"]);
    await subscriber.readReply(); // the second confirmation
    await admin.send(["CONFIG", "SET", "notify-keyspace-events", "Eeg"]);
    await admin.send(["CONFIG", "SET", "maxmemory-policy", "allkeys-lru"]);
    await admin.send(["CONFIG", "SET", "maxmemory", "2mb"]);
    // Built by SETRANGE, a value has no copy in Bunker's log to go cold from (engine/cooling.ts), so
    // memory pressure evicts keys, as on Redis.
    for (let i = 0; i < keysWritten; i++) await admin.send(["SETRANGE", `key:${i}`, String(valueBytes - 1), "x"]);
    await admin.send(["CONFIG", "SET", "maxmemory", "0"]);
    await admin.send(["CONFIG", "SET", "notify-keyspace-events", ""]);
    const events: { channel: string; key: string }[] = [];
    await subscriber.sendRaw(Buffer.from("*1\r\n$4\r\nPING\r\n")); // a subscribed RESP2 PING answers after every message before it
    for (;;) {
      const reply = decodeReply(await subscriber.readReply());
      if (reply.type !== "array" || reply.value === null) throw new Error("unexpected reply");
      const [kind, channel, payload] = reply.value;
      if (kind?.type === "bulk" && kind.value !== null && text(kind.value) === "pong") break;
      if (channel?.type === "bulk" && channel.value !== null && payload?.type === "bulk" && payload.value !== null) {
        events.push({ channel: text(channel.value), key: text(payload.value) });
      }
    }
    for (const { key } of events) expect(text(await admin.send(["EXISTS", key]))).toBe(":0\r\n");
    return events;
  } finally {
    admin.close();
    subscriber.close();
  }
}

test("evicted keys are announced as evicted, never as del", async () => {
  for (const { name, handle } of servers) {
    const events = await evictionEvents(handle.port);
    expect(events.length, name).toBeGreaterThan(0);
    expect(events.filter((e) => e.channel !== "__keyevent@0__:evicted"), name).toEqual([]);
  }
}, 60_000);
