// The fault-injecting proxy between real transports: pass-through, frame drops, delays that keep order,
// one-way and two-way partitions, connection resets, and a 3-node mesh with an isolated node.
import { afterEach, describe, expect, test } from "bun:test";
import { Transport, type PeerAddress, type TransportOptions } from "../../src/raft/transport/transport.ts";
import { LinkProxy, ProxyMesh } from "./proxy.ts";

const SECRET = "bunker-test-cluster-secret";
const HOST = "127.0.0.1";

interface Node {
  readonly transport: Transport;
  readonly received: { from: number; group: number; message: unknown }[];
  readonly address: PeerAddress;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function startNode(nodeId: number, opts: Partial<TransportOptions> = {}): Node {
  const received: Node["received"] = [];
  const transport = new Transport({
    nodeId,
    listen: { host: HOST, port: 0 },
    secret: SECRET,
    onMessage: (from, group, message) => received.push({ from, group, message }),
    log: () => {},
    reconnectDelayBaseMs: 20,
    reconnectDelayMaxMs: 100,
    housekeepingMs: 20,
    handshakeTimeoutMs: 300,
    ...opts,
  });
  transport.start();
  cleanups.push(() => transport.stop());
  return { transport, received, address: { host: HOST, port: transport.port } };
}

async function until(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await Bun.sleep(5);
  }
}

const connected = (node: Node, peer: number) => node.transport.stats().peers.get(peer)?.connected === true;

/** Node 1 dials node 2 through a proxy. */
async function proxiedPair(): Promise<{ a: Node; b: Node; proxy: LinkProxy }> {
  const b = startNode(2);
  const proxy = new LinkProxy({ target: b.address, seed: 7 });
  proxy.start();
  cleanups.push(() => proxy.stop());
  const a = startNode(1);
  a.transport.addPeer(2, proxy.address);
  b.transport.addPeer(1, a.address);
  await until("link up through the proxy", () => connected(a, 2) && connected(b, 1));
  return { a, b, proxy };
}

const seqs = (node: Node) => node.received.map((r) => r.message as number);

describe("LinkProxy", () => {
  test("without faults, frames pass through in order", async () => {
    const { a, b, proxy } = await proxiedPair();
    for (let i = 0; i < 1_000; i++) a.transport.send(2, i % 4, i);
    await until("all delivered", () => b.received.length === 1_000);
    expect(seqs(b)).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
    expect(proxy.stats("forward").framesDropped).toBe(0);
  });

  test("a drop rate loses about that share of frames, keeps the rest in order and counts the drops", async () => {
    const { a, b, proxy } = await proxiedPair();
    proxy.setFaults("forward", { dropRate: 0.3 });
    const before = proxy.stats("forward");
    for (let i = 0; i < 2_000; i++) a.transport.send(2, 0, i);
    await until("every frame forwarded or dropped", () => {
      const s = proxy.stats("forward");
      return s.framesForwarded + s.framesDropped - before.framesForwarded - before.framesDropped >= 2_000;
    });
    await until("forwarded frames delivered", () => b.received.length === proxy.stats("forward").framesForwarded - before.framesForwarded);
    const dropped = proxy.stats("forward").framesDropped - before.framesDropped;
    expect(dropped).toBeGreaterThan(450);
    expect(dropped).toBeLessThan(750);
    const got = seqs(b);
    expect([...got].sort((x, y) => x - y)).toEqual(got);
  });

  test("a delay holds every frame at least that long and jitter never reorders", async () => {
    const { a, b, proxy } = await proxiedPair();
    proxy.setFaults("forward", { delayMs: 150, jitterMs: 100 });
    const sentAt = performance.now();
    for (let i = 0; i < 200; i++) a.transport.send(2, 0, i);
    await until("delivered", () => b.received.length === 200);
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(150);
    expect(seqs(b)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  test("a one-way partition drops one direction only, and healing restores it", async () => {
    const { a, b, proxy } = await proxiedPair();
    proxy.partition("forward");
    a.transport.send(2, 0, 1);
    b.transport.send(1, 0, 2);
    await until("backward still flows", () => a.received.length === 1);
    await Bun.sleep(50);
    expect(b.received).toEqual([]);
    proxy.heal();
    a.transport.send(2, 0, 3);
    await until("forward flows again", () => b.received.length === 1);
    expect(seqs(b)).toEqual([3]);
  });

  test("a full partition with a reset keeps the link down until healed, then the dialer reconnects", async () => {
    const { a, b, proxy } = await proxiedPair();
    proxy.partition("both");
    proxy.resetConnections();
    await until("link down", () => !connected(a, 2) && !connected(b, 1));
    // Redials reach the proxy, but handshakes are blackholed and time out.
    await until("handshakes fail", () => a.transport.stats().peers.get(2)!.connectFailures >= 2);
    expect(connected(a, 2)).toBe(false);
    proxy.heal();
    await until("link up after healing", () => connected(a, 2) && connected(b, 1));
    b.transport.send(1, 4, "back");
    await until("delivered", () => a.received.length === 1);
  });
});

describe("ProxyMesh", () => {
  test("isolating a node cuts it off from both others, healing restores every link", async () => {
    const nodes = [startNode(1), startNode(2), startNode(3)];
    const mesh = new ProxyMesh(new Map(nodes.map((n) => [n.transport.nodeId, n.address])), 3);
    cleanups.push(() => mesh.stop());
    for (const n of nodes) for (const [id, address] of mesh.peersOf(n.transport.nodeId)) n.transport.addPeer(id, address);
    const allUp = () => nodes.every((n) => [...n.transport.stats().peers.values()].every((p) => p.connected));
    await until("mesh up", allUp);

    mesh.isolate(3);
    const [one, two, three] = nodes as [Node, Node, Node];
    for (const from of nodes) for (const to of nodes) if (from !== to) from.transport.send(to.transport.nodeId, 0, `${from.transport.nodeId}>${to.transport.nodeId}`);
    await until("1 and 2 still talk", () => one.received.length === 1 && two.received.length === 1);
    await Bun.sleep(50);
    expect(three.received).toEqual([]);
    expect(one.received[0]!.message).toBe("2>1");

    mesh.heal();
    mesh.block(3, 1); // one way only: 3 cannot reach 1, 1 still reaches 3
    one.transport.send(3, 0, "1>3 after");
    three.transport.send(1, 0, "3>1 after");
    await until("1 reaches 3", () => three.received.some((r) => r.message === "1>3 after"));
    await Bun.sleep(50);
    expect(one.received.some((r) => r.message === "3>1 after")).toBe(false);
    mesh.heal();
    three.transport.send(1, 0, "3>1 healed");
    await until("3 reaches 1", () => one.received.some((r) => r.message === "3>1 healed"));
  });
});
