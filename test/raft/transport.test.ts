// The Raft transport over real loopback sockets: ordered delivery per (peer, group) across many groups,
// batching, authentication, reconnect with backoff, bounded queues against a peer that stops reading,
// oversize frames, and a clean stop.
import { afterEach, describe, expect, test } from "bun:test";
import type { Socket } from "bun";
import { seededRandom } from "../../src/engine/clock.ts";
import { encodeFrame, FrameDecoder } from "../../src/raft/transport/frame.ts";
import { handshakeProof, newNonce, secretBytes } from "../../src/raft/transport/handshake.ts";
import { PROTOCOL_VERSION } from "../../src/raft/transport/limits.ts";
import {
  FrameTooLargeError,
  Transport,
  realSchedule,
  type PeerAddress,
  type ScheduleFn,
  type TransportOptions,
} from "../../src/raft/transport/transport.ts";
import { WireDecoder, WireEncoder, WireKind, type Wire } from "../../src/raft/transport/wire.ts";
import { LinkProxy } from "./proxy.ts";

const SECRET = "bunker-test-cluster-secret";
const HOST = "127.0.0.1";

interface Received {
  readonly from: number;
  readonly group: number;
  readonly message: unknown;
}

interface Node {
  readonly transport: Transport;
  readonly received: Received[];
  readonly logs: string[];
  readonly address: PeerAddress;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function startNode(nodeId: number, opts: Partial<TransportOptions> = {}): Node {
  const received: Received[] = [];
  const logs: string[] = [];
  const transport = new Transport({
    nodeId,
    listen: { host: HOST, port: 0 },
    secret: SECRET,
    onMessage: (from, group, message) => received.push({ from, group, message }),
    log: (line) => logs.push(line),
    reconnectDelayBaseMs: 20,
    reconnectDelayMaxMs: 200,
    housekeepingMs: 50,
    ...opts,
  });
  transport.start();
  cleanups.push(() => transport.stop());
  return { transport, received, logs, address: { host: HOST, port: transport.port } };
}

function connectAll(nodes: readonly Node[]): void {
  for (const a of nodes) {
    for (const b of nodes) if (a !== b) a.transport.addPeer(b.transport.nodeId, b.address);
  }
}

async function until(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await Bun.sleep(5);
  }
}

const connected = (node: Node, peer: number) => node.transport.stats().peers.get(peer)?.connected === true;

describe("delivery", () => {
  test("messages for many groups between 3 nodes arrive in order per (peer, group)", async () => {
    const nodes = [startNode(1), startNode(2), startNode(3)];
    connectAll(nodes);
    const groups = 64;
    const perGroup = 50;
    // Sent before the links are up: they wait in the queues and flow once the handshakes finish.
    for (let seq = 0; seq < perGroup; seq++) {
      for (const node of nodes) {
        for (const peer of nodes) {
          if (peer === node) continue;
          for (let group = 0; group < groups; group++) {
            node.transport.send(peer.transport.nodeId, group, { seq, bytes: new Uint8Array([seq & 0xff, group]) });
          }
        }
      }
      if (seq % 10 === 0) await Bun.sleep(1);
    }
    const expected = 2 * groups * perGroup;
    await until("all messages delivered", () => nodes.every((n) => n.received.length === expected));
    for (const node of nodes) {
      const next = new Map<string, number>();
      for (const { from, group, message } of node.received) {
        const key = `${from}/${group}`;
        const seq = (message as { seq: number; bytes: Uint8Array }).seq;
        expect(seq).toBe(next.get(key) ?? 0);
        expect((message as { bytes: Uint8Array }).bytes).toEqual(new Uint8Array([seq & 0xff, group]));
        next.set(key, seq + 1);
      }
      expect(next.size).toBe(2 * groups);
      const stats = node.transport.stats();
      for (const peer of stats.peers.values()) {
        expect(peer.connected).toBe(true);
        expect(peer.framesDropped).toBe(0);
        expect(peer.connects).toBe(1);
      }
    }
  });

  test("heartbeats for every group queued in one turn leave in one write", async () => {
    const [a, b] = [startNode(1), startNode(2)];
    connectAll([a, b]);
    await until("link up", () => connected(a, 2) && connected(b, 1));
    const before = a.transport.stats().peers.get(2)!;
    for (let group = 0; group < 500; group++) a.transport.send(2, group, { type: "heartbeat", term: 7, commit: group });
    await until("heartbeats delivered", () => b.received.length === 500);
    const after = a.transport.stats().peers.get(2)!;
    expect(after.framesSent - before.framesSent).toBe(500);
    expect(after.writes - before.writes).toBe(1);
    expect(b.received.map((r) => r.group)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  test("send to a node that is not a peer is refused and counted", () => {
    const a = startNode(1);
    expect(a.transport.send(9, 0, "x")).toBe(false);
    expect(a.transport.stats().sendsToUnknownPeer).toBe(1);
  });
});

/** A hand-driven client that speaks the handshake, to test the acceptor against bad dialers. */
class RawDialer {
  private readonly encoder = new WireEncoder();
  private readonly wireDecoder = new WireDecoder(1 << 20);
  private readonly frames = new FrameDecoder(1 << 20);
  readonly received: Wire[] = [];
  closed = false;
  private constructor(private readonly socket: Socket<undefined>) {}

  static async connect(port: number): Promise<RawDialer> {
    let dialer: RawDialer | null = null;
    const socket = await Bun.connect<undefined>({
      hostname: HOST,
      port,
      socket: {
        data: (_s, chunk) => dialer?.onChunk(chunk),
        close: () => {
          if (dialer) dialer.closed = true;
        },
      },
    });
    dialer = new RawDialer(socket);
    return dialer;
  }

  private onChunk(chunk: Uint8Array): void {
    this.frames.push(chunk, (body) => {
      this.received.push(this.wireDecoder.decode(body));
      return true;
    });
  }

  send(wire: Wire): void {
    this.socket.write(encodeFrame(this.encoder.encodeShared(wire)));
  }

  writeRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Runs the dialer's side of the handshake with `secret`; resolves once the challenge was answered. */
  async handshake(from: number, to: number, secret: string): Promise<void> {
    const nonce = newNonce();
    this.send({ kind: WireKind.Hello, version: PROTOCOL_VERSION, from, to, nonce });
    await until("challenge", () => this.received.length > 0 || this.closed);
    const challenge = this.received[0];
    if (challenge?.kind !== WireKind.Challenge) throw new Error("no challenge");
    const proof = handshakeProof(secretBytes(secret), "dialer", {
      version: PROTOCOL_VERSION,
      dialer: from,
      acceptor: to,
      dialerNonce: nonce,
      acceptorNonce: challenge.nonce,
    });
    this.send({ kind: WireKind.Auth, proof });
  }

  close(): void {
    this.socket.terminate();
  }
}

describe("authentication", () => {
  test("a dialer with the wrong secret is refused, logged and never connected", async () => {
    const a = startNode(1, { secret: "a-completely-different-secret" });
    const b = startNode(2);
    connectAll([a, b]);
    await until("two failed attempts", () => (a.transport.stats().peers.get(2)?.connectFailures ?? 0) >= 2);
    expect(connected(a, 2) || connected(b, 1)).toBe(false);
    expect(a.logs.some((l) => l.includes("node 2 failed authentication"))).toBe(true);
    a.transport.send(2, 0, "must not arrive");
    await Bun.sleep(100);
    expect(b.received).toEqual([]);
  });

  test("the acceptor refuses and logs a dialer whose proof is wrong", async () => {
    const b = startNode(2);
    b.transport.addPeer(1, { host: HOST, port: 1 });
    const raw = await RawDialer.connect(b.transport.port);
    await raw.handshake(1, 2, "not-the-cluster-secret-at-all");
    await until("closed", () => raw.closed);
    expect(b.logs.some((l) => l.includes("node 1 failed authentication"))).toBe(true);
    expect(b.transport.stats().handshakesRefused).toBe(1);
    expect(raw.received.some((w) => w.kind === WireKind.Welcome)).toBe(false);
  });

  test("an unknown node id, a wrong target id and a wrong protocol version are refused and logged", async () => {
    const b = startNode(2);
    b.transport.addPeer(1, { host: HOST, port: 1 });
    const cases: [Wire, string][] = [
      [{ kind: WireKind.Hello, version: PROTOCOL_VERSION, from: 7, to: 2, nonce: newNonce() }, "unknown node id 7"],
      [{ kind: WireKind.Hello, version: PROTOCOL_VERSION, from: 1, to: 3, nonce: newNonce() }, "meant to reach node 3"],
      [{ kind: WireKind.Hello, version: PROTOCOL_VERSION + 1, from: 1, to: 2, nonce: newNonce() }, "protocol version"],
      [{ kind: WireKind.Auth, proof: new Uint8Array(32) }, "unexpected frame kind"],
    ];
    for (const [hello, logged] of cases) {
      const raw = await RawDialer.connect(b.transport.port);
      raw.send(hello);
      await until(`closed after ${logged}`, () => raw.closed);
      expect(b.logs.some((l) => l.includes(logged))).toBe(true);
      expect(raw.received).toEqual([]);
    }
    expect(b.transport.stats().handshakesRefused).toBe(cases.length);
  });

  test("a higher id may not dial a lower one (the lower id dials)", async () => {
    const a = startNode(1);
    a.transport.addPeer(2, { host: HOST, port: 1 });
    const raw = await RawDialer.connect(a.transport.port);
    raw.send({ kind: WireKind.Hello, version: PROTOCOL_VERSION, from: 2, to: 1, nonce: newNonce() });
    await until("closed", () => raw.closed);
    expect(a.logs.some((l) => l.includes("the lower id dials"))).toBe(true);
  });

  test("a silent connection is closed when the handshake times out", async () => {
    const b = startNode(2, { handshakeTimeoutMs: 100 });
    const raw = await RawDialer.connect(b.transport.port);
    await until("closed", () => raw.closed, 2_000);
    expect(b.logs.some((l) => l.includes("handshake timed out"))).toBe(true);
  });
});

describe("reconnect", () => {
  test("a restarted peer is redialled with growing, jittered delays and messages flow again", async () => {
    const reconnectDelays: number[] = [];
    const recording: ScheduleFn = (delayMs, run) => {
      if (delayMs !== 13) reconnectDelays.push(delayMs); // 13 ms is the housekeeping period
      return realSchedule(delayMs, run);
    };
    const a = startNode(1, {
      schedule: recording,
      random: seededRandom(42),
      housekeepingMs: 13,
      reconnectDelayBaseMs: 20,
      reconnectDelayMaxMs: 160,
    });
    let b = startNode(2);
    const port = b.address.port;
    connectAll([a, b]);
    await until("link up", () => connected(a, 2));
    a.transport.send(2, 5, "before");
    await until("first message", () => b.received.length === 1);

    b.transport.stop();
    await until("link down", () => !connected(a, 2));
    await until("several failed redials", () => reconnectDelays.length >= 6);
    reconnectDelays.forEach((delayMs, failures) => {
      const ceilingMs = Math.min(160, 20 * 2 ** failures);
      expect(delayMs).toBeGreaterThanOrEqual(ceilingMs / 2);
      expect(delayMs).toBeLessThanOrEqual(ceilingMs);
    });
    expect(a.transport.stats().peers.get(2)!.connectFailures).toBeGreaterThanOrEqual(5);

    b = startNode(2, { listen: { host: HOST, port } });
    b.transport.addPeer(1, a.address);
    await until("link up again", () => connected(a, 2) && connected(b, 1));
    a.transport.send(2, 5, "after");
    b.transport.send(1, 6, "reply");
    await until("messages flow again", () => b.received.length === 1 && a.received.length === 1);
    expect(b.received[0]!.message).toBe("after");
    expect(a.received[0]!.message).toBe("reply");
    expect(a.transport.stats().peers.get(2)!.reconnects).toBe(1);
  });

  test("a restarted dialer replaces its old connection on the acceptor", async () => {
    let a = startNode(1);
    const b = startNode(2);
    connectAll([a, b]);
    await until("link up", () => connected(b, 1));
    a.transport.stop();
    a = startNode(1);
    a.transport.addPeer(2, b.address);
    b.transport.addPeer(1, a.address);
    await until("link up again", () => connected(a, 2) && connected(b, 1));
    b.transport.send(1, 0, "hello again");
    await until("delivered", () => a.received.length === 1);
    expect(b.transport.stats().peers.get(1)!.connects).toBe(2);
  });
});

describe("bounds", () => {
  test("a peer that stops reading does not grow the sender's memory: the queue is capped and drops counted", async () => {
    const b = startNode(2, { idleTimeoutMs: 60_000, keepaliveMs: 1_000 });
    const proxy = new LinkProxy({ target: b.address });
    proxy.start();
    cleanups.push(() => proxy.stop());
    const a = startNode(1, { queueFramesMax: 64, queueBytesMax: 4 * 1024 * 1024, maxFrameBytes: 1024 * 1024, idleTimeoutMs: 60_000, keepaliveMs: 1_000 });
    a.transport.addPeer(2, proxy.address);
    b.transport.addPeer(1, a.address);
    await until("link up", () => connected(a, 2) && connected(b, 1));

    proxy.setFaults("forward", { stalled: true });
    const payload = new Uint8Array(16 * 1024).fill(1);
    let maxQueuedBytes = 0;
    // 200 MiB offered in total: far more than kernel buffers, the proxy's backlog and the queue together.
    for (let i = 0; i < 12_800; i++) {
      a.transport.send(2, i % 8, { i, payload });
      if (i % 64 === 63) {
        await Bun.sleep(0);
        maxQueuedBytes = Math.max(maxQueuedBytes, a.transport.stats().peers.get(2)!.queuedBytes);
      }
    }
    const stalled = a.transport.stats().peers.get(2)!;
    expect(stalled.queuedFrames).toBeLessThanOrEqual(64);
    expect(maxQueuedBytes).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(stalled.framesDropped).toBeGreaterThan(10_000);
    expect(stalled.connected).toBe(true);

    proxy.setFaults("forward", { stalled: false });
    a.transport.send(2, 99, "after the stall");
    await until("flow resumes", () => b.received.some((r) => r.group === 99), 10_000);
    // Per group, what arrived is still in order (drops only make gaps).
    const last = new Map<number, number>();
    for (const r of b.received) {
      if (r.group === 99) continue;
      const i = (r.message as { i: number }).i;
      expect(i).toBeGreaterThan(last.get(r.group) ?? -1);
      last.set(r.group, i);
    }
  });

  test("send refuses a message larger than maxFrameBytes", () => {
    const a = startNode(1, { maxFrameBytes: 1024 });
    a.transport.addPeer(2, { host: HOST, port: 1 });
    expect(() => a.transport.send(2, 0, new Uint8Array(2_000))).toThrow(FrameTooLargeError);
    expect(a.transport.send(2, 0, new Uint8Array(900))).toBe(true);
  });

  test("an oversize frame from an authenticated peer closes the connection", async () => {
    const b = startNode(2, { maxFrameBytes: 1024 });
    b.transport.addPeer(1, { host: HOST, port: 1 });
    const raw = await RawDialer.connect(b.transport.port);
    await raw.handshake(1, 2, SECRET);
    await until("welcome", () => raw.received.some((w) => w.kind === WireKind.Welcome));
    raw.send({ kind: WireKind.Message, group: 3, message: "fits" });
    await until("small message delivered", () => b.received.length === 1);
    raw.writeRaw(Uint8Array.of(0, 0, 0x04, 0x01)); // a 1025-byte length
    await until("closed", () => raw.closed);
    expect(b.logs.some((l) => l.includes("frame larger than 1024 bytes"))).toBe(true);
  });

  test("before authentication, frames beyond the handshake size are refused", async () => {
    const b = startNode(2);
    const raw = await RawDialer.connect(b.transport.port);
    raw.writeRaw(Uint8Array.of(0, 0, 0x10, 0)); // 4 KiB: fine after the handshake, not before
    await until("closed", () => raw.closed);
    expect(b.logs.some((l) => l.includes("frame larger than 256 bytes"))).toBe(true);
  });
});

describe("liveness", () => {
  test("pings keep a quiet link up; a link that hears nothing is closed and redialled after healing", async () => {
    const timing = { keepaliveMs: 40, idleTimeoutMs: 250, housekeepingMs: 20, handshakeTimeoutMs: 200 };
    const b = startNode(2, timing);
    const proxy = new LinkProxy({ target: b.address });
    proxy.start();
    cleanups.push(() => proxy.stop());
    const a = startNode(1, timing);
    a.transport.addPeer(2, proxy.address);
    b.transport.addPeer(1, a.address);
    await until("link up", () => connected(a, 2) && connected(b, 1));
    await Bun.sleep(800); // more than three idle timeouts with no messages at all
    expect(connected(a, 2) && connected(b, 1)).toBe(true);
    expect(a.transport.stats().peers.get(2)!.connects).toBe(1);

    proxy.partition("forward"); // node 2 stops hearing node 1; the TCP connection stays open
    await until("node 2 drops the silent link", () => b.logs.some((l) => l.includes("nothing received")));
    await until("node 1 sees it and redials into the partition", () => a.transport.stats().peers.get(2)!.connectFailures >= 1);
    proxy.heal();
    await until("link up after healing", () => connected(a, 2) && connected(b, 1));
    a.transport.send(2, 1, "healed");
    await until("delivered", () => b.received.some((r) => r.message === "healed"));
  });
});

describe("stop", () => {
  test("stop() closes the listener and every link, cancels redials and refuses further sends", async () => {
    const changes: string[] = [];
    const nodes = [1, 2, 3].map((id) =>
      startNode(id, { onLinkChange: (peer, up) => changes.push(`${id}->${peer}:${up ? "up" : "down"}`) }),
    );
    connectAll(nodes);
    await until("all links up", () => nodes.every((n) => [...n.transport.stats().peers.values()].every((p) => p.connected)));
    const [one, two] = nodes as [Node, Node, Node];
    two.transport.stop();
    await until("peers see node 2 go", () => !connected(one, 2) && !connected(nodes[2]!, 2));
    expect(changes).toContain("1->2:down");
    expect(changes).toContain("3->2:down");
    expect([...two.transport.stats().peers.values()].every((p) => !p.connected)).toBe(true);
    expect(two.transport.send(1, 0, "x")).toBe(false);
    await expect(Bun.connect({ hostname: HOST, port: two.address.port, socket: { data() {} } })).rejects.toThrow();
    // Node 1 and node 3 keep their own link.
    one.transport.send(3, 1, "still here");
    await until("1 -> 3 still works", () => nodes[2]!.received.some((r) => r.message === "still here"));
  });
});
