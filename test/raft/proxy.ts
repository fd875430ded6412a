// A fault-injecting TCP proxy for links between Bunker nodes. It understands the transport's framing
// (u32 length + body), so it drops, delays and blackholes whole frames while the TCP connection stays up,
// the way a lossy or partitioned network looks to Raft. Handshake frames are frames too: dropping one makes
// the handshake time out and the dialer retry, as on a real lossy link.
//
// Directions are named from the proxy's point of view: "forward" carries bytes from the side that
// connected to the proxy (the dialing node) to the target; "backward" carries the replies.
import type { Socket, TCPSocketListener } from "bun";
import { seededRandom } from "../../src/engine/clock.ts";
import { encodeFrame, FrameDecoder } from "../../src/raft/transport/frame.ts";
import type { PeerAddress } from "../../src/raft/transport/transport.ts";

export type Direction = "forward" | "backward";
export type Directions = Direction | "both";

export interface LinkFaults {
  /** Probability in [0, 1] that a frame is silently dropped. */
  dropRate: number;
  /** Every frame is held this long, plus up to jitterMs; order is preserved. */
  delayMs: number;
  jitterMs: number;
  /** A partition: every frame is dropped, the connection stays open. */
  blocked: boolean;
  /** The proxy stops reading from the sender, as a receiver that stopped reading would. */
  stalled: boolean;
}

export interface DirectionStats {
  framesForwarded: number;
  framesDropped: number;
  bytesForwarded: number;
}

export interface LinkProxyOptions {
  readonly target: PeerAddress;
  readonly host?: string;
  readonly seed?: number;
  readonly maxFrameBytes?: number;
}

const noFaults = (): LinkFaults => ({ dropRate: 0, delayMs: 0, jitterMs: 0, blocked: false, stalled: false });

/** Output bytes the proxy holds for one side before it pauses reading from the other (TCP backpressure). */
const BACKLOG_BYTES_MAX = 1024 * 1024;

interface Pipe {
  readonly direction: Direction;
  readonly decoder: FrameDecoder;
  source: Socket<PairSlot> | null;
  sink: Socket<PairSlot> | null;
  /** Frames waiting for their delivery time, in order. */
  readonly delayed: { atMs: number; frame: Uint8Array }[];
  lastDeliveryMs: number;
  timer: ReturnType<typeof setTimeout> | null;
  /** Bytes the sink socket has not accepted yet. */
  backlog: Uint8Array[];
  backlogBytes: number;
  paused: boolean;
}

interface Pair {
  readonly forward: Pipe;
  readonly backward: Pipe;
  closed: boolean;
}

interface PairSlot {
  pair: Pair | null;
  side: "client" | "upstream";
}

export class LinkProxy {
  private listener: TCPSocketListener<PairSlot> | null = null;
  private readonly pairs = new Set<Pair>();
  private readonly faults: Record<Direction, LinkFaults> = { forward: noFaults(), backward: noFaults() };
  private readonly counters: Record<Direction, DirectionStats> = {
    forward: { framesForwarded: 0, framesDropped: 0, bytesForwarded: 0 },
    backward: { framesForwarded: 0, framesDropped: 0, bytesForwarded: 0 },
  };
  private readonly random: () => number;
  private readonly maxFrameBytes: number;

  constructor(private readonly opts: LinkProxyOptions) {
    this.random = seededRandom(opts.seed ?? 1);
    this.maxFrameBytes = opts.maxFrameBytes ?? 64 * 1024 * 1024;
  }

  get port(): number {
    if (this.listener === null) throw new Error("proxy: not started");
    return this.listener.port;
  }

  get address(): PeerAddress {
    return { host: this.opts.host ?? "127.0.0.1", port: this.port };
  }

  start(): void {
    this.listener = Bun.listen<PairSlot>({
      hostname: this.opts.host ?? "127.0.0.1",
      port: 0,
      socket: {
        open: (client) => this.onClientOpen(client),
        data: (socket, chunk) => this.onData(socket, chunk),
        drain: (socket) => this.onDrain(socket),
        close: (socket) => this.onClose(socket),
        error: (socket) => this.onClose(socket),
      },
    });
  }

  stop(): void {
    for (const pair of [...this.pairs]) this.closePair(pair);
    this.listener?.stop(true);
    this.listener = null;
  }

  setFaults(directions: Directions, faults: Partial<LinkFaults>): void {
    for (const d of expand(directions)) {
      const wasStalled = this.faults[d].stalled;
      Object.assign(this.faults[d], faults);
      if (wasStalled && !this.faults[d].stalled) for (const pair of this.pairs) this.resumeIfRoom(pair[d]);
      if (this.faults[d].stalled) for (const pair of this.pairs) this.pause(pair[d]);
    }
  }

  partition(directions: Directions = "both"): void {
    this.setFaults(directions, { blocked: true });
  }

  /** Removes every fault in both directions. */
  heal(): void {
    this.setFaults("both", noFaults());
  }

  /** Terminates every connection through the proxy (a reset), as a crashed middlebox would. */
  resetConnections(): void {
    for (const pair of [...this.pairs]) this.closePair(pair);
  }

  get connections(): number {
    return this.pairs.size;
  }

  stats(direction: Direction): DirectionStats {
    return { ...this.counters[direction] };
  }

  private onClientOpen(client: Socket<PairSlot>): void {
    const pair: Pair = { forward: this.newPipe("forward"), backward: this.newPipe("backward"), closed: false };
    this.pairs.add(pair);
    client.data = { pair, side: "client" };
    pair.forward.source = client;
    pair.backward.sink = client;
    if (this.faults.forward.stalled) this.pause(pair.forward);
    Bun.connect<PairSlot>({
      hostname: this.opts.target.host,
      port: this.opts.target.port,
      data: { pair, side: "upstream" },
      socket: {
        open: (upstream) => {
          if (pair.closed) {
            upstream.terminate();
            return;
          }
          pair.forward.sink = upstream;
          pair.backward.source = upstream;
          if (this.faults.backward.stalled) this.pause(pair.backward);
          this.writeBacklog(pair.forward);
        },
        data: (socket, chunk) => this.onData(socket, chunk),
        drain: (socket) => this.onDrain(socket),
        close: (socket) => this.onClose(socket),
        error: (socket) => this.onClose(socket),
      },
    }).catch(() => this.closePair(pair));
  }

  private newPipe(direction: Direction): Pipe {
    return {
      direction,
      decoder: new FrameDecoder(this.maxFrameBytes),
      source: null,
      sink: null,
      delayed: [],
      lastDeliveryMs: 0,
      timer: null,
      backlog: [],
      backlogBytes: 0,
      paused: false,
    };
  }

  private pipeFrom(slot: PairSlot | undefined): Pipe | null {
    if (!slot || slot.pair === null || slot.pair.closed) return null;
    return slot.side === "client" ? slot.pair.forward : slot.pair.backward;
  }

  private onData(socket: Socket<PairSlot>, chunk: Uint8Array): void {
    const pipe = this.pipeFrom(socket.data);
    if (pipe === null) return;
    const result = pipe.decoder.push(chunk, (body) => {
      this.onFrame(pipe, encodeFrame(body));
      return true;
    });
    if (result !== "ok" && socket.data.pair !== null) this.closePair(socket.data.pair);
  }

  private onFrame(pipe: Pipe, frame: Uint8Array): void {
    const faults = this.faults[pipe.direction];
    const counters = this.counters[pipe.direction];
    if (faults.blocked || (faults.dropRate > 0 && this.random() < faults.dropRate)) {
      counters.framesDropped++;
      return;
    }
    counters.framesForwarded++;
    counters.bytesForwarded += frame.byteLength;
    const holdMs = faults.delayMs + faults.jitterMs * this.random();
    if (holdMs <= 0 && pipe.delayed.length === 0) {
      this.deliver(pipe, frame);
      return;
    }
    const atMs = Math.max(pipe.lastDeliveryMs, performance.now() + holdMs);
    pipe.lastDeliveryMs = atMs;
    pipe.delayed.push({ atMs, frame });
    this.armTimer(pipe);
  }

  private armTimer(pipe: Pipe): void {
    const head = pipe.delayed[0];
    if (pipe.timer !== null || head === undefined) return;
    pipe.timer = setTimeout(() => {
      pipe.timer = null;
      const now = performance.now();
      let due = 0;
      while (due < pipe.delayed.length && pipe.delayed[due]!.atMs <= now) due++;
      for (const item of pipe.delayed.splice(0, due)) this.deliver(pipe, item.frame);
      this.armTimer(pipe);
    }, Math.max(0, head.atMs - performance.now()));
  }

  private deliver(pipe: Pipe, frame: Uint8Array): void {
    pipe.backlog.push(frame);
    pipe.backlogBytes += frame.byteLength;
    this.writeBacklog(pipe);
    if (pipe.backlogBytes > BACKLOG_BYTES_MAX) this.pause(pipe);
  }

  private writeBacklog(pipe: Pipe): void {
    const sink = pipe.sink;
    if (sink === null) return;
    // Bounded by the backlog length: each iteration removes a frame or stops at backpressure.
    while (pipe.backlog.length > 0) {
      const head = pipe.backlog[0]!;
      const written = sink.write(head);
      if (written < 0) return;
      pipe.backlogBytes -= Math.max(0, written);
      if (written < head.byteLength) {
        pipe.backlog[0] = head.subarray(written);
        return;
      }
      pipe.backlog.shift();
    }
  }

  private onDrain(socket: Socket<PairSlot>): void {
    const slot = socket.data;
    if (!slot || slot.pair === null) return;
    // The drained socket is the sink of the pipe flowing towards it.
    const pipe = slot.side === "client" ? slot.pair.backward : slot.pair.forward;
    this.writeBacklog(pipe);
    this.resumeIfRoom(pipe);
  }

  private pause(pipe: Pipe): void {
    if (pipe.paused) return;
    pipe.paused = true;
    pipe.source?.pause();
  }

  private resumeIfRoom(pipe: Pipe): void {
    if (!pipe.paused || this.faults[pipe.direction].stalled || pipe.backlogBytes > BACKLOG_BYTES_MAX) return;
    pipe.paused = false;
    pipe.source?.resume();
  }

  private onClose(socket: Socket<PairSlot>): void {
    const pair = socket.data?.pair;
    if (pair) this.closePair(pair);
  }

  private closePair(pair: Pair): void {
    if (pair.closed) return;
    pair.closed = true;
    this.pairs.delete(pair);
    for (const pipe of [pair.forward, pair.backward]) {
      if (pipe.timer !== null) clearTimeout(pipe.timer);
      pipe.timer = null;
      pipe.delayed.length = 0;
      pipe.backlog.length = 0;
      pipe.backlogBytes = 0;
    }
    for (const socket of [pair.forward.source, pair.backward.source]) {
      if (socket !== null) {
        socket.data = { pair: null, side: socket.data.side };
        socket.terminate();
      }
    }
  }
}

function expand(directions: Directions): Direction[] {
  return directions === "both" ? ["forward", "backward"] : [directions];
}

/**
 * One proxy per pair of nodes, placed on the link the lower id dials, so faults can be named by node:
 * `block(1, 2)` drops everything node 1 sends to node 2. `peersOf(id)` is the peer map to give node `id`.
 */
export class ProxyMesh {
  private readonly proxies = new Map<string, LinkProxy>();

  constructor(
    private readonly listen: ReadonlyMap<number, PeerAddress>,
    seed = 1,
  ) {
    const ids = [...listen.keys()].sort((a, b) => a - b);
    let n = 0;
    for (const low of ids) {
      for (const high of ids) {
        if (high <= low) continue;
        const proxy = new LinkProxy({ target: listen.get(high)!, seed: seed + n++ });
        proxy.start();
        this.proxies.set(`${low}-${high}`, proxy);
      }
    }
  }

  /** The proxy on the link between two nodes (either order). */
  link(a: number, b: number): LinkProxy {
    const proxy = this.proxies.get(`${Math.min(a, b)}-${Math.max(a, b)}`);
    if (proxy === undefined) throw new Error(`proxy mesh: no link ${a}-${b}`);
    return proxy;
  }

  /** The peers node `id` should be given: dialled peers through their proxy, the others directly. */
  peersOf(id: number): Map<number, PeerAddress> {
    const peers = new Map<number, PeerAddress>();
    for (const [other, address] of this.listen) {
      if (other === id) continue;
      peers.set(other, id < other ? this.link(id, other).address : address);
    }
    return peers;
  }

  /** Applies faults to what `from` sends to `to`. */
  setFaults(from: number, to: number, faults: Partial<LinkFaults>): void {
    this.link(from, to).setFaults(from < to ? "forward" : "backward", faults);
  }

  block(from: number, to: number): void {
    this.setFaults(from, to, { blocked: true });
  }

  /** Cuts every link of `id`, both ways. */
  isolate(id: number): void {
    for (const other of this.listen.keys()) {
      if (other !== id) this.link(id, other).partition("both");
    }
  }

  heal(): void {
    for (const proxy of this.proxies.values()) proxy.heal();
  }

  stop(): void {
    for (const proxy of this.proxies.values()) proxy.stop();
  }
}
