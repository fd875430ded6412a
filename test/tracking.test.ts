// CLIENT TRACKING against redis-server 7.0: the same scenarios on both servers, several connections
// each, and the bytes every connection receives (replies and invalidation messages, in order) must be
// identical. A PING on a connection fences it: messages caused by a command whose reply was already
// received come before the PONG on both servers, so no wait decides what is compared.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Socket } from "bun";
import { startBunker, startRedis, type ServerHandle } from "./support/servers.ts";

let redis: ServerHandle;
let bunker: ServerHandle;
beforeAll(async () => {
  [redis, bunker] = await Promise.all([startRedis(), startBunker({ args: ["--shards", "3"] })]);
});
afterAll(async () => {
  await Promise.all([redis?.stop(), bunker?.stop()]);
  await Promise.all([redis?.removeDir(), bunker?.removeDir()]);
});

/** A connection that records every byte it receives. */
class Conn {
  received = "";
  closed = false;
  private waiters: (() => void)[] = [];
  private constructor(private socket: Socket<undefined> | null) {}

  static async open(port: number): Promise<Conn> {
    const c = new Conn(null);
    c.socket = await Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        data(_s, chunk) {
          c.received += Buffer.from(chunk).toString("latin1");
          for (const w of c.waiters.splice(0)) w();
        },
        close() {
          c.closed = true;
          for (const w of c.waiters.splice(0)) w();
        },
      },
    });
    return c;
  }

  /** Sends a command (inline-free RESP) and waits until `until` appears after what was seen before. */
  async send(args: readonly string[], until: RegExp | null = /\r\n$/): Promise<void> {
    const start = this.received.length;
    this.socket?.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a, "latin1")}\r\n${a}\r\n`).join("")}`);
    if (until === null) return;
    const deadline = Date.now() + 10_000;
    while (!until.test(this.received.slice(start)) && !this.closed) {
      if (Date.now() > deadline) throw new Error(`no reply matching ${until} to ${args.join(" ")}; got ${JSON.stringify(this.received.slice(start))}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  /** Waits for this connection's PONG: everything sent to it before is in `received`. */
  async fence(): Promise<void> {
    // A RESP2 subscriber answers PING with a ["pong", ""] array.
    await this.send(["PING"], /(\+PONG\r\n|\*2\r\n\$4\r\npong\r\n\$0\r\n\r\n)$/);
  }

  close(): void {
    this.socket?.end();
  }
}

type Scenario = (open: () => Promise<Conn>) => Promise<Conn[]>;

/** Runs `scenario` on both servers; returns Bunker's transcripts (equal to Redis's). */
async function onBoth(scenario: Scenario): Promise<string[]> {
  const transcripts: string[][] = [];
  for (const server of [redis, bunker]) {
    const opened: Conn[] = [];
    const admin = await Conn.open(server.port);
    await admin.send(["FLUSHALL"]);
    admin.close();
    const conns = await scenario(async () => {
      const c = await Conn.open(server.port);
      opened.push(c);
      return c;
    });
    for (const c of conns) if (!c.closed) await c.fence();
    transcripts.push(conns.map((c) => c.received));
    for (const c of opened) c.close();
  }
  expect(transcripts[1]).toEqual(transcripts[0] as string[]);
  return transcripts[1] as string[];
}

const count = (text: string, what: string): number => text.split(what).length - 1;

const idOf = async (c: Conn): Promise<string> => {
  const before = c.received.length;
  await c.send(["CLIENT", "ID"], /^:\d+\r\n$/);
  const id = /:(\d+)/.exec(c.received.slice(before))?.[1] as string;
  c.received = c.received.slice(0, before); // ids differ between the servers: not compared
  return id;
};

test("RESP3: a read key is invalidated once when another client changes it, and after the reply when it changes it itself", async () => {
  const [c1] = await onBoth(async (open) => {
    const [c1, c2] = [await open(), await open()];
    await c1.send(["HELLO", "3"], /proto/);
    c1.received = "";
    await c1.send(["CLIENT", "TRACKING", "on"]);
    await c2.send(["SET", "a", "1"]);
    await c1.send(["GET", "a"]);
    await c1.send(["MGET", "b", "c"]);
    await c2.send(["SET", "a", "2"]);
    await c2.send(["SET", "a", "3"]); // read once, invalidated once
    await c2.send(["DEL", "c"]); // c does not exist: nothing changes, no message
    await c2.send(["MSET", "b", "1", "c", "1"]);
    await c1.fence();
    await c1.send(["GET", "a"]);
    await c1.send(["SET", "a", "own"], /invalidate[^]*\r\n$/);
    await c1.send(["CLIENT", "TRACKINGINFO"]);
    await c1.send(["CLIENT", "GETREDIR"]);
    return [c1, c2];
  });
  // a, b and c (one message each: a is not read again before its second change), and a again after the own SET's +OK.
  expect(count(c1 as string, ">2\r\n$10\r\ninvalidate\r\n")).toBe(4);
  expect(c1).toContain("+OK\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\na\r\n");
});

test("NOLOOP: no message about keys the client changed itself; BCAST with prefixes, NOLOOP and a flush", () =>
  onBoth(async (open) => {
    const [c1, c2, c3] = [await open(), await open(), await open()];
    for (const c of [c1, c3]) {
      await c.send(["HELLO", "3"], /proto/);
      c.received = "";
    }
    await c1.send(["CLIENT", "TRACKING", "on", "NOLOOP"]);
    await c1.send(["GET", "x"]);
    await c1.send(["SET", "x", "mine"]);
    await c1.fence();
    await c3.send(["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "PREFIX", "order:", "NOLOOP"]);
    await c2.send(["MSET", "user:1", "a", "user:2", "b", "other", "c"]);
    await c3.fence();
    await c3.send(["SET", "order:9", "own"]);
    await c2.send(["SET", "order:7", "x"]);
    await c3.fence();
    await c3.send(["CLIENT", "TRACKINGINFO"]);
    await c2.send(["FLUSHALL"]);
    await c1.fence();
    await c3.fence();
    return [c1, c2, c3];
  }));

test("RESP2: invalidations go to the redirect client's __redis__:invalidate subscription; flush sends a null", async () => {
  const [, , sub] = await onBoth(async (open) => {
    const [c1, c2, sub] = [await open(), await open(), await open()];
    const subId = await idOf(sub);
    await sub.send(["SUBSCRIBE", "__redis__:invalidate"], /:1\r\n$/);
    await c1.send(["CLIENT", "TRACKING", "on", "REDIRECT", subId]);
    await c1.send(["GET", "k1"]);
    await c1.send(["HGETALL", "h"]);
    await c2.send(["SET", "k1", "v"]);
    await c2.send(["HSET", "h", "f", "v"]);
    await sub.fence();
    await c1.send(["GET", "k1"]);
    await c2.send(["FLUSHDB"]);
    await sub.fence();
    c1.received = c1.received.replace(/:\d+\r\n/g, ":ID\r\n");
    await c1.send(["CLIENT", "GETREDIR"]);
    c1.received = c1.received.replace(/:\d+\r\n$/, ":ID\r\n");
    return [c1, c2, sub];
  });
  expect(count(sub as string, "$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n")).toBe(2);
  expect(sub).toContain("$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n");
});

test("OPTIN and OPTOUT track only what CLIENT CACHING selects, for one command or one transaction", () =>
  onBoth(async (open) => {
    const [c1, c2] = [await open(), await open()];
    await c1.send(["HELLO", "3"], /proto/);
    c1.received = "";
    await c1.send(["CLIENT", "TRACKING", "on", "OPTIN"]);
    await c1.send(["GET", "untracked"]);
    await c1.send(["CLIENT", "CACHING", "yes"]);
    await c1.send(["GET", "tracked"]);
    await c1.send(["GET", "untracked2"]);
    await c1.send(["CLIENT", "CACHING", "yes"]);
    await c1.send(["MULTI"]);
    await c1.send(["GET", "inmulti1"]);
    await c1.send(["GET", "inmulti2"]);
    await c1.send(["EXEC"], /\*2\r\n_\r\n_\r\n$/);
    await c2.send(["MSET", "untracked", "1", "tracked", "1", "untracked2", "1", "inmulti1", "1", "inmulti2", "1"]);
    await c1.fence();
    await c1.send(["CLIENT", "CACHING", "no"]);
    await c1.send(["CLIENT", "TRACKING", "off"]);
    await c1.send(["CLIENT", "TRACKING", "on", "OPTOUT"]);
    await c1.send(["CLIENT", "CACHING", "no"]);
    await c1.send(["GET", "skipped"]);
    await c1.send(["GET", "kept"]);
    await c2.send(["MSET", "skipped", "1", "kept", "1"]);
    await c1.fence();
    return [c1, c2];
  }));

test("errors and option checks in Redis's order", () =>
  onBoth(async (open) => {
    const c = await open();
    for (const cmd of [
      ["CLIENT", "TRACKING"],
      ["CLIENT", "TRACKING", "maybe"],
      ["CLIENT", "TRACKING", "on", "PREFIX", "a"],
      ["CLIENT", "TRACKING", "on", "BCAST", "OPTIN"],
      ["CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"],
      ["CLIENT", "TRACKING", "on", "REDIRECT", "999999"],
      ["CLIENT", "TRACKING", "on", "REDIRECT", "x"],
      ["CLIENT", "TRACKING", "on", "bogus"],
      ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "ab", "PREFIX", "a"],
      ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "foo"],
      ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "fo"],
      ["CLIENT", "TRACKING", "on"],
      ["CLIENT", "TRACKINGINFO"],
      ["CLIENT", "CACHING", "yes"],
      ["CLIENT", "TRACKING", "off"],
      ["CLIENT", "CACHING", "yes"],
      ["CLIENT", "TRACKING", "on", "OPTIN"],
      ["CLIENT", "CACHING", "no"],
      ["CLIENT", "CACHING", "maybe"],
      ["CLIENT", "TRACKING", "on", "OPTOUT"],
      ["CLIENT", "TRACKINGINFO"],
      ["CLIENT", "GETREDIR", "x"],
    ]) await c.send(cmd);
    return [c];
  }));

test("a redirect target that disconnected is reported to a RESP3 client", () =>
  onBoth(async (open) => {
    const [c1, c2, target] = [await open(), await open(), await open()];
    const id = await idOf(target);
    await c1.send(["HELLO", "3"], /proto/);
    c1.received = "";
    await c1.send(["CLIENT", "TRACKING", "on", "REDIRECT", id]);
    await c1.send(["GET", "r"]);
    target.close();
    await new Promise((r) => setTimeout(r, 100));
    await c2.send(["SET", "r", "1"]);
    await c1.fence();
    c1.received = c1.received.replace(/tracking-redir-broken\r\n:\d+/, "tracking-redir-broken\r\n:ID");
    await c1.send(["CLIENT", "TRACKINGINFO"]);
    c1.received = c1.received.replace(/redirect\r\n:\d+/, "redirect\r\n:ID");
    return [c1, c2];
  }));

test("INFO counts tracking clients, keys, items and prefixes", async () => {
  const c = await Conn.open(bunker.port);
  const other = await Conn.open(bunker.port);
  await c.send(["FLUSHALL"]);
  await c.send(["CLIENT", "TRACKING", "on"]);
  await c.send(["MGET", "i1", "i2"]);
  await other.send(["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p1", "PREFIX", "p2"]);
  await other.send(["GET", "i1"]);
  const before = c.received.length;
  await c.send(["INFO", "everything"], /tracking_total_prefixes:\d+\r\n[^]*\r\n\r\n$|\r\n$/);
  await c.fence();
  const info = c.received.slice(before);
  expect(/tracking_clients:(\d+)/.exec(info)?.[1]).toBe("2");
  expect(/tracking_total_keys:(\d+)/.exec(info)?.[1]).toBe("2");
  expect(/tracking_total_items:(\d+)/.exec(info)?.[1]).toBe("2");
  expect(/tracking_total_prefixes:(\d+)/.exec(info)?.[1]).toBe("2");
  c.close();
  other.close();
});
