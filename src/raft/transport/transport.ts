// The node-to-node transport: one authenticated TCP connection per pair of nodes carrying the messages of
// every Raft group, each tagged with its group id. Messages are opaque msgpack-encodable values; the
// transport neither knows nor checks the Raft message type.
//
// Who dials: the node with the lower id dials, the higher one only accepts. There is never more than one
// dial per pair, so no simultaneous-dial race exists; a new authenticated connection from a peer replaces
// the old one (the peer restarted while the old socket had not yet noticed).
//
// Batching: send() only queues; the peer's queue is flushed in a microtask, so every message queued in one
// synchronous turn (a driver handling one Ready: heartbeats of all groups, appends, votes) reaches the
// socket in one write. Heartbeats of many groups are coalesced that way, with no special API.
//
// Messages: any msgpack-encodable value (plain objects, arrays, numbers, strings, booleans, null,
// Uint8Array); undefined properties are left out. Received Uint8Array values are views into the chunk
// Bun handed to the socket callback (a fresh buffer per callback, never reused), so no copy is made; a
// receiver keeping a small slice of a large chunk for long may copy it to let the chunk go.
//
// Liveness: an idle link sends a ping every keepaliveMs; a link that hears nothing for idleTimeoutMs is
// closed, so a one-way partition or a frozen peer is noticed and the dialer starts redialling.
import type { Socket, TCPSocketListener } from "bun";
import { reconnectDelayMs } from "./backoff.ts";
import { encodeFrame, FrameDecoder } from "./frame.ts";
import { handshakeProof, newNonce, proofMatches, secretBytes, type HandshakeTranscript } from "./handshake.ts";
import { FRAME_HEADER_BYTES, HANDSHAKE_FRAME_BYTES_MAX, PROTOCOL_VERSION, transportDefaults } from "./limits.ts";
import { SendQueue } from "./send-queue.ts";
import { WireDecoder, WireEncoder, WireError, WireKind, type Wire } from "./wire.ts";

export type NodeId = number;

export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

/** Schedules `run` after `delayMs`; the returned function cancels it. */
export type ScheduleFn = (delayMs: number, run: () => void) => () => void;

export const realSchedule: ScheduleFn = (delayMs, run) => {
  const handle = setTimeout(run, delayMs);
  return () => clearTimeout(handle);
};

export interface TransportOptions {
  readonly nodeId: NodeId;
  readonly listen: PeerAddress;
  readonly peers?: ReadonlyMap<NodeId, PeerAddress>;
  /** The shared cluster secret, at least SECRET_BYTES_MIN bytes; never sent. */
  readonly secret: string | Uint8Array;
  /** Called for every message received, in the order the peer sent them. Binary values are views. */
  readonly onMessage: (from: NodeId, group: number, message: unknown) => void;
  /** Called when the link to a peer comes up or goes down (a driver may report it unreachable). */
  readonly onLinkChange?: (peer: NodeId, up: boolean) => void;
  readonly log?: (line: string) => void;
  /** Uniform in [0, 1), for reconnect jitter only. */
  readonly random?: () => number;
  readonly schedule?: ScheduleFn;
  readonly monotonicMs?: () => number;
  readonly maxFrameBytes?: number;
  readonly queueFramesMax?: number;
  readonly queueBytesMax?: number;
  readonly writeBytesMax?: number;
  readonly handshakeTimeoutMs?: number;
  readonly reconnectDelayBaseMs?: number;
  readonly reconnectDelayMaxMs?: number;
  readonly keepaliveMs?: number;
  readonly idleTimeoutMs?: number;
  readonly housekeepingMs?: number;
}

export interface PeerStats {
  readonly connected: boolean;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly framesSent: number;
  readonly framesReceived: number;
  /** Frames dropped from a full send queue, or queued when the link was lost mid-write. */
  readonly framesDropped: number;
  /** socket.write calls: with batching, far fewer than frames. */
  readonly writes: number;
  /** Links established with this peer; reconnects = connects after the first. */
  readonly connects: number;
  readonly reconnects: number;
  /** Dials that failed to connect or to authenticate. */
  readonly connectFailures: number;
  readonly queuedFrames: number;
  readonly queuedBytes: number;
}

export interface TransportStats {
  readonly peers: ReadonlyMap<NodeId, PeerStats>;
  /** Inbound connections closed during the handshake (bad secret, unknown node, wrong version, ...). */
  readonly handshakesRefused: number;
  /** send() calls naming a node that is not a peer. */
  readonly sendsToUnknownPeer: number;
}

export class FrameTooLargeError extends Error {
  override readonly name = "FrameTooLargeError";
}

type Settings = Required<Omit<TransportOptions, "peers" | "onLinkChange" | "listen" | "secret" | "nodeId">>;

interface MutablePeerStats {
  bytesSent: number;
  bytesReceived: number;
  framesSent: number;
  framesReceived: number;
  framesDropped: number;
  writes: number;
  connects: number;
  connectFailures: number;
}

class Peer {
  link: Link | null = null;
  /** The dial in progress (dialer side only). */
  dialing: Link | null = null;
  failures = 0;
  cancelRedial: (() => void) | null = null;
  flushScheduled = false;
  readonly stats: MutablePeerStats = {
    bytesSent: 0,
    bytesReceived: 0,
    framesSent: 0,
    framesReceived: 0,
    framesDropped: 0,
    writes: 0,
    connects: 0,
    connectFailures: 0,
  };

  constructor(
    readonly id: NodeId,
    public address: PeerAddress,
    readonly queue: SendQueue,
  ) {}
}

type LinkState = "connecting" | "handshake" | "up" | "closed";

class Link {
  state: LinkState = "connecting";
  socket: Socket<LinkSlot> | null = null;
  /** Known from the start for a dial; from the Hello for an accepted connection. */
  peerId: NodeId | null;
  readonly myNonce = newNonce();
  theirNonce: Uint8Array | null = null;
  /** Bytes handed to write() but not accepted yet; always written before anything else. */
  pending: Uint8Array | null = null;
  pendingFrames = 0;
  lastReceivedMs: number;
  lastSentMs: number;
  readonly decoder = new FrameDecoder(HANDSHAKE_FRAME_BYTES_MAX);

  constructor(
    readonly role: "dialer" | "acceptor",
    peerId: NodeId | null,
    readonly openedMs: number,
  ) {
    this.peerId = peerId;
    this.lastReceivedMs = openedMs;
    this.lastSentMs = openedMs;
  }

  transcript(self: NodeId): HandshakeTranscript {
    const peer = this.peerId;
    const theirs = this.theirNonce;
    if (peer === null || theirs === null) throw new Error("transport: transcript before both nonces are known");
    return this.role === "dialer"
      ? { version: PROTOCOL_VERSION, dialer: self, acceptor: peer, dialerNonce: this.myNonce, acceptorNonce: theirs }
      : { version: PROTOCOL_VERSION, dialer: peer, acceptor: self, dialerNonce: theirs, acceptorNonce: this.myNonce };
  }
}

interface LinkSlot {
  link: Link | null;
}

export class Transport {
  readonly nodeId: NodeId;
  private readonly settings: Settings;
  private readonly secret: Uint8Array;
  private readonly listenAddress: PeerAddress;
  private readonly onLinkChange: ((peer: NodeId, up: boolean) => void) | null;
  private readonly peers = new Map<NodeId, Peer>();
  private readonly links = new Set<Link>();
  private readonly encoder = new WireEncoder();
  private readonly decoder: WireDecoder;
  private listener: TCPSocketListener<LinkSlot> | null = null;
  private cancelHousekeeping: (() => void) | null = null;
  private running = false;
  private handshakesRefused = 0;
  private sendsToUnknownPeer = 0;

  constructor(opts: TransportOptions) {
    if (!Number.isSafeInteger(opts.nodeId) || opts.nodeId <= 0) throw new Error("transport: nodeId must be a positive integer");
    this.nodeId = opts.nodeId;
    this.secret = secretBytes(opts.secret);
    this.listenAddress = opts.listen;
    this.onLinkChange = opts.onLinkChange ?? null;
    this.settings = {
      onMessage: opts.onMessage,
      log: opts.log ?? ((line) => console.error(line)),
      random: opts.random ?? Math.random,
      schedule: opts.schedule ?? realSchedule,
      monotonicMs: opts.monotonicMs ?? (() => performance.now()),
      maxFrameBytes: opts.maxFrameBytes ?? transportDefaults.maxFrameBytes,
      queueFramesMax: opts.queueFramesMax ?? transportDefaults.queueFramesMax,
      queueBytesMax: opts.queueBytesMax ?? transportDefaults.queueBytesMax,
      writeBytesMax: opts.writeBytesMax ?? transportDefaults.writeBytesMax,
      handshakeTimeoutMs: opts.handshakeTimeoutMs ?? transportDefaults.handshakeTimeoutMs,
      reconnectDelayBaseMs: opts.reconnectDelayBaseMs ?? transportDefaults.reconnectDelayBaseMs,
      reconnectDelayMaxMs: opts.reconnectDelayMaxMs ?? transportDefaults.reconnectDelayMaxMs,
      keepaliveMs: opts.keepaliveMs ?? transportDefaults.keepaliveMs,
      idleTimeoutMs: opts.idleTimeoutMs ?? transportDefaults.idleTimeoutMs,
      housekeepingMs: opts.housekeepingMs ?? transportDefaults.housekeepingMs,
    };
    this.checkSettings();
    this.decoder = new WireDecoder(this.settings.maxFrameBytes);
    for (const [id, address] of opts.peers ?? []) this.addPeer(id, address);
  }

  private checkSettings(): void {
    const s = this.settings;
    const frameWithHeader = s.maxFrameBytes + FRAME_HEADER_BYTES;
    if (s.maxFrameBytes < HANDSHAKE_FRAME_BYTES_MAX) throw new Error("transport: maxFrameBytes is below the handshake frame size");
    if (s.queueBytesMax < frameWithHeader) throw new Error("transport: queueBytesMax must hold one frame of maxFrameBytes");
    if (s.queueFramesMax < 1) throw new Error("transport: queueFramesMax must be positive");
    if (s.keepaliveMs >= s.idleTimeoutMs) throw new Error("transport: keepaliveMs must be below idleTimeoutMs");
    if (s.reconnectDelayBaseMs <= 0 || s.reconnectDelayMaxMs < s.reconnectDelayBaseMs) {
      throw new Error("transport: reconnect delays must satisfy 0 < base <= max");
    }
  }

  /** The port actually bound (useful with port 0). */
  get port(): number {
    if (this.listener === null) throw new Error("transport: not started");
    return this.listener.port;
  }

  start(): void {
    if (this.running) throw new Error("transport: already started");
    this.running = true;
    this.listener = Bun.listen<LinkSlot>({
      hostname: this.listenAddress.host,
      port: this.listenAddress.port,
      socket: this.socketHandlers("acceptor"),
    });
    this.housekeepingLater();
    for (const peer of this.peers.values()) this.dialIfDialer(peer);
  }

  /** Closes the listener and every connection, cancels every timer; queued frames are discarded. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.cancelHousekeeping?.();
    this.cancelHousekeeping = null;
    for (const peer of this.peers.values()) {
      peer.cancelRedial?.();
      peer.cancelRedial = null;
      peer.queue.clear();
    }
    for (const link of [...this.links]) this.closeLink(link, null);
    this.listener?.stop(true);
    this.listener = null;
  }

  addPeer(id: NodeId, address: PeerAddress): void {
    if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`transport: peer id ${id} is not a positive integer`);
    if (id === this.nodeId) throw new Error("transport: a node is not its own peer");
    const existing = this.peers.get(id);
    if (existing !== undefined) {
      existing.address = address;
      return;
    }
    const peer = new Peer(id, address, new SendQueue(this.settings.queueFramesMax, this.settings.queueBytesMax));
    this.peers.set(id, peer);
    if (this.running) this.dialIfDialer(peer);
  }

  removePeer(id: NodeId): void {
    const peer = this.peers.get(id);
    if (peer === undefined) return;
    this.peers.delete(id);
    peer.cancelRedial?.();
    peer.queue.clear();
    for (const link of [...this.links]) if (link.peerId === id) this.closeLink(link, null);
  }

  /**
   * Queues one message for `to`. Returns false (and counts it) when `to` is not a peer. Throws
   * FrameTooLargeError when the encoded message exceeds maxFrameBytes: the caller must size its batches.
   */
  send(to: NodeId, group: number, message: unknown): boolean {
    const peer = this.peers.get(to);
    if (!this.running) return false;
    if (peer === undefined) {
      this.sendsToUnknownPeer++;
      return false;
    }
    if (!Number.isSafeInteger(group) || group < 0) throw new Error(`transport: group ${group} is not a non-negative integer`);
    const body = this.encoder.encodeShared({ kind: WireKind.Message, group, message });
    if (body.byteLength > this.settings.maxFrameBytes) {
      throw new FrameTooLargeError(`transport: message of ${body.byteLength} bytes exceeds maxFrameBytes ${this.settings.maxFrameBytes}`);
    }
    this.enqueue(peer, encodeFrame(body));
    return true;
  }

  stats(): TransportStats {
    const peers = new Map<NodeId, PeerStats>();
    for (const peer of this.peers.values()) {
      const s = peer.stats;
      peers.set(peer.id, {
        ...s,
        connected: peer.link?.state === "up",
        reconnects: Math.max(0, s.connects - 1),
        queuedFrames: peer.queue.frames,
        queuedBytes: peer.queue.bytes,
      });
    }
    return { peers, handshakesRefused: this.handshakesRefused, sendsToUnknownPeer: this.sendsToUnknownPeer };
  }

  // ---- sending ----

  private enqueue(peer: Peer, frame: Uint8Array): void {
    peer.stats.framesDropped += peer.queue.push(frame);
    this.scheduleFlush(peer);
  }

  private scheduleFlush(peer: Peer): void {
    if (peer.flushScheduled || peer.link === null) return;
    peer.flushScheduled = true;
    queueMicrotask(() => this.flush(peer));
  }

  private flush(peer: Peer): void {
    peer.flushScheduled = false;
    const link = peer.link;
    if (link === null || link.state !== "up" || this.peers.get(peer.id) !== peer) return;
    // Each round writes one batch of at most writeBytesMax; after the bound, the rest waits for the next
    // turn so one busy peer cannot hold the event loop.
    for (let round = 0; round < FLUSH_ROUNDS_MAX; round++) {
      if (link.pending === null) {
        if (peer.queue.frames === 0) return;
        const batch = peer.queue.take(this.settings.writeBytesMax);
        peer.stats.framesSent += batch.frames;
        link.pending = batch.bytes;
        link.pendingFrames = batch.frames;
      }
      if (!this.writePending(link, peer)) return; // backpressure: drain() resumes
    }
    this.scheduleFlush(peer);
  }

  /** Writes what is pending on the link; true when all of it was accepted. */
  private writePending(link: Link, peer: Peer | null): boolean {
    const pending = link.pending;
    const socket = link.socket;
    if (pending === null) return true;
    if (socket === null || link.state === "closed") return false;
    const written = socket.write(pending);
    if (peer !== null) peer.stats.writes++;
    if (written < 0) {
      this.closeLink(link, "write on a closed socket");
      return false;
    }
    if (peer !== null) peer.stats.bytesSent += written;
    if (written > 0) link.lastSentMs = this.settings.monotonicMs();
    if (written < pending.byteLength) {
      link.pending = pending.subarray(written);
      return false;
    }
    link.pending = null;
    link.pendingFrames = 0;
    return true;
  }

  /** Handshake frames bypass the peer queue: they belong to this socket, not to the peer. */
  private writeControl(link: Link, wire: Wire): void {
    const frame = encodeFrame(this.encoder.encodeShared(wire));
    if (link.pending !== null) {
      const joined = new Uint8Array(link.pending.byteLength + frame.byteLength);
      joined.set(link.pending, 0);
      joined.set(frame, link.pending.byteLength);
      link.pending = joined;
    } else {
      link.pending = frame;
    }
    this.writePending(link, null);
  }

  // ---- connections ----

  private isDialerFor(peerId: NodeId): boolean {
    return this.nodeId < peerId;
  }

  private dialIfDialer(peer: Peer): void {
    if (!this.running || !this.isDialerFor(peer.id)) return;
    if (peer.link !== null || peer.dialing !== null || peer.cancelRedial !== null) return;
    this.dial(peer);
  }

  private dial(peer: Peer): void {
    const link = new Link("dialer", peer.id, this.settings.monotonicMs());
    peer.dialing = link;
    this.links.add(link);
    const slot: LinkSlot = { link };
    Bun.connect<LinkSlot>({
      hostname: peer.address.host,
      port: peer.address.port,
      data: slot,
      socket: this.socketHandlers("dialer"),
    }).catch((error: unknown) => {
      if (link.state === "closed") return;
      this.closeLink(link, `connect to ${peer.address.host}:${peer.address.port} failed: ${String(error)}`);
    });
  }

  private redialLater(peer: Peer): void {
    if (!this.running || this.peers.get(peer.id) !== peer || peer.cancelRedial !== null) return;
    const delayMs = reconnectDelayMs(peer.failures, {
      baseMs: this.settings.reconnectDelayBaseMs,
      maxMs: this.settings.reconnectDelayMaxMs,
      random: this.settings.random,
    });
    peer.cancelRedial = this.settings.schedule(delayMs, () => {
      peer.cancelRedial = null;
      this.dialIfDialer(peer);
    });
  }

  private socketHandlers(role: "dialer" | "acceptor") {
    return {
      open: (socket: Socket<LinkSlot>) => this.onOpen(socket, role),
      data: (socket: Socket<LinkSlot>, chunk: Uint8Array) => this.onData(socket, chunk),
      drain: (socket: Socket<LinkSlot>) => this.onDrain(socket),
      close: (socket: Socket<LinkSlot>) => this.onSocketClose(socket),
      error: (socket: Socket<LinkSlot>, error: Error) => {
        const link = socket.data?.link;
        if (link) this.closeLink(link, `socket error: ${error.message}`);
        else socket.terminate();
      },
    };
  }

  private onOpen(socket: Socket<LinkSlot>, role: "dialer" | "acceptor"): void {
    if (role === "acceptor") {
      if (!this.running) {
        socket.terminate();
        return;
      }
      const link = new Link("acceptor", null, this.settings.monotonicMs());
      link.socket = socket;
      link.state = "handshake";
      socket.data = { link };
      this.links.add(link);
      return;
    }
    const link = socket.data.link;
    if (link === null || link.state === "closed" || !this.running) {
      socket.terminate();
      return;
    }
    link.socket = socket;
    link.state = "handshake";
    socket.setNoDelay(true);
    this.writeControl(link, {
      kind: WireKind.Hello,
      version: PROTOCOL_VERSION,
      from: this.nodeId,
      to: link.peerId ?? 0,
      nonce: link.myNonce,
    });
  }

  private onData(socket: Socket<LinkSlot>, chunk: Uint8Array): void {
    const link = socket.data?.link;
    if (!link || link.state === "closed") return;
    link.lastReceivedMs = this.settings.monotonicMs();
    const peer = link.peerId === null ? undefined : this.peers.get(link.peerId);
    if (peer !== undefined) peer.stats.bytesReceived += chunk.byteLength;
    const result = link.decoder.push(chunk, (body) => this.onFrame(link, body));
    if (result === "oversize") {
      this.closeLink(link, `frame larger than ${link.decoder.maxFrameBytes} bytes`);
    }
  }

  /** Handles one frame; false stops the decoder because the link was closed. */
  private onFrame(link: Link, body: Uint8Array): boolean {
    let wire: Wire;
    try {
      wire = this.decoder.decode(body);
    } catch (error) {
      if (!(error instanceof WireError)) throw error;
      this.closeLink(link, `protocol error: ${error.message}`);
      return false;
    }
    if (link.state === "up") return this.onUpFrame(link, wire);
    return link.role === "acceptor" ? this.onAcceptorHandshake(link, wire) : this.onDialerHandshake(link, wire);
  }

  private onUpFrame(link: Link, wire: Wire): boolean {
    const peer = link.peerId === null ? undefined : this.peers.get(link.peerId);
    if (peer === undefined) {
      this.closeLink(link, "peer was removed");
      return false;
    }
    if (wire.kind === WireKind.Ping) {
      peer.stats.framesReceived++;
      return true;
    }
    if (wire.kind !== WireKind.Message) {
      this.closeLink(link, `protocol error: handshake frame ${wire.kind} after the handshake`);
      return false;
    }
    peer.stats.framesReceived++;
    try {
      this.settings.onMessage(peer.id, wire.group, wire.message);
    } catch (error) {
      // A throwing handler is a bug in the driver, not a network fault: close the link so no later frame
      // is delivered past the failure, then rethrow outside the socket callback so the process sees it.
      this.closeLink(link, `onMessage threw: ${String(error)}`);
      queueMicrotask(() => {
        throw error;
      });
      return false;
    }
    return link.state === "up";
  }

  private onAcceptorHandshake(link: Link, wire: Wire): boolean {
    if (wire.kind === WireKind.Hello && link.theirNonce === null) {
      const refusal = this.helloRefusal(wire.version, wire.from, wire.to);
      if (refusal !== null) return this.refuse(link, refusal);
      link.peerId = wire.from;
      link.theirNonce = wire.nonce;
      const proof = handshakeProof(this.secret, "acceptor", link.transcript(this.nodeId));
      this.writeControl(link, { kind: WireKind.Challenge, version: PROTOCOL_VERSION, from: this.nodeId, nonce: link.myNonce, proof });
      return link.state !== "closed";
    }
    if (wire.kind === WireKind.Auth && link.theirNonce !== null) {
      if (!proofMatches(this.secret, "dialer", link.transcript(this.nodeId), wire.proof)) {
        return this.refuse(link, `node ${link.peerId} failed authentication (wrong cluster secret?)`);
      }
      this.writeControl(link, { kind: WireKind.Welcome });
      if (link.state === "closed") return false;
      this.linkUp(link);
      return true;
    }
    return this.refuse(link, `unexpected frame kind ${wire.kind} during the handshake`);
  }

  private helloRefusal(version: number, from: NodeId, to: NodeId): string | null {
    if (version !== PROTOCOL_VERSION) return `node ${from} speaks protocol version ${version}, this node ${PROTOCOL_VERSION}`;
    if (to !== this.nodeId) return `node ${from} meant to reach node ${to}`;
    if (!this.peers.has(from)) return `unknown node id ${from}`;
    if (!(from < this.nodeId)) return `node ${from} dialled, but the lower id dials (this node ${this.nodeId} dials it)`;
    return null;
  }

  private onDialerHandshake(link: Link, wire: Wire): boolean {
    if (wire.kind === WireKind.Challenge && link.theirNonce === null) {
      if (wire.version !== PROTOCOL_VERSION) {
        return this.failDial(link, `node ${wire.from} speaks protocol version ${wire.version}, this node ${PROTOCOL_VERSION}`);
      }
      if (wire.from !== link.peerId) return this.failDial(link, `expected node ${link.peerId}, reached node ${wire.from}`);
      link.theirNonce = wire.nonce;
      const transcript = link.transcript(this.nodeId);
      if (!proofMatches(this.secret, "acceptor", transcript, wire.proof)) {
        return this.failDial(link, `node ${wire.from} failed authentication (wrong cluster secret?)`);
      }
      this.writeControl(link, { kind: WireKind.Auth, proof: handshakeProof(this.secret, "dialer", transcript) });
      return link.state !== "closed";
    }
    if (wire.kind === WireKind.Welcome && link.theirNonce !== null) {
      this.linkUp(link);
      return true;
    }
    return this.failDial(link, `unexpected frame kind ${wire.kind} during the handshake`);
  }

  private refuse(link: Link, reason: string): false {
    this.handshakesRefused++;
    this.closeLink(link, `refused connection: ${reason}`);
    return false;
  }

  private failDial(link: Link, reason: string): false {
    this.closeLink(link, `handshake failed: ${reason}`);
    return false;
  }

  private linkUp(link: Link): void {
    const peer = link.peerId === null ? undefined : this.peers.get(link.peerId);
    if (peer === undefined) {
      this.closeLink(link, "peer was removed during the handshake");
      return;
    }
    const previous = peer.link;
    if (previous !== null && previous !== link) {
      peer.link = null; // so closing the old link does not report the peer down
      this.closeLink(previous, "replaced by a new connection from the same node");
    }
    if (peer.dialing === link) peer.dialing = null;
    link.state = "up";
    link.decoder.maxFrameBytes = this.settings.maxFrameBytes;
    link.socket?.setNoDelay(true);
    link.socket?.setKeepAlive(true, this.settings.idleTimeoutMs);
    peer.link = link;
    peer.failures = 0;
    peer.stats.connects++;
    this.settings.log(`transport ${this.nodeId}: link to node ${peer.id} up (${link.role})`);
    if (previous === null) this.onLinkChange?.(peer.id, true);
    this.scheduleFlush(peer);
  }

  private onDrain(socket: Socket<LinkSlot>): void {
    const link = socket.data?.link;
    if (!link || link.state === "closed") return;
    const peer = link.state === "up" && link.peerId !== null ? (this.peers.get(link.peerId) ?? null) : null;
    if (!this.writePending(link, peer)) return;
    if (peer !== null) this.flush(peer);
  }

  private onSocketClose(socket: Socket<LinkSlot>): void {
    const link = socket.data?.link;
    if (link && link.state !== "closed") this.closeLink(link, "closed by the remote side");
  }

  /** The one place a link ends: logs why (null for an orderly stop), updates the peer, maybe redials. */
  private closeLink(link: Link, reason: string | null): void {
    if (link.state === "closed") return;
    link.state = "closed";
    this.links.delete(link);
    if (link.socket !== null) {
      link.socket.data = { link: null };
      if (reason === null) link.socket.end();
      else link.socket.terminate();
    }
    const peer = link.peerId === null ? undefined : this.peers.get(link.peerId);
    if (reason !== null) {
      const who = link.peerId === null ? "an unidentified node" : `node ${link.peerId}`;
      this.settings.log(`transport ${this.nodeId}: link with ${who} (${link.role}) closed: ${reason}`);
    }
    if (peer === undefined) return;
    if (peer.dialing === link) {
      peer.dialing = null;
      peer.stats.connectFailures++;
      peer.failures++;
    }
    if (peer.link === link) {
      peer.link = null;
      peer.stats.framesDropped += link.pendingFrames;
      this.onLinkChange?.(peer.id, false);
    }
    if (link.role === "dialer") this.redialLater(peer);
  }

  // ---- housekeeping: handshake deadlines, keepalive pings, idle links ----

  private housekeepingLater(): void {
    this.cancelHousekeeping = this.settings.schedule(this.settings.housekeepingMs, () => {
      this.cancelHousekeeping = null;
      if (!this.running) return;
      this.housekeeping();
      this.housekeepingLater();
    });
  }

  private housekeeping(): void {
    const now = this.settings.monotonicMs();
    for (const link of [...this.links]) {
      if (link.state === "connecting" || link.state === "handshake") {
        if (now - link.openedMs >= this.settings.handshakeTimeoutMs) this.closeLink(link, "handshake timed out");
        continue;
      }
      if (link.state !== "up") continue;
      if (now - link.lastReceivedMs >= this.settings.idleTimeoutMs) {
        this.closeLink(link, `nothing received for ${Math.round(now - link.lastReceivedMs)} ms`);
        continue;
      }
      const peer = link.peerId === null ? undefined : this.peers.get(link.peerId);
      const idle = link.pending === null && peer !== undefined && peer.queue.frames === 0;
      if (peer !== undefined && idle && now - link.lastSentMs >= this.settings.keepaliveMs) {
        this.enqueue(peer, encodeFrame(this.encoder.encodeShared({ kind: WireKind.Ping })));
      }
    }
  }
}

/** Batches written per flush before yielding to the event loop. */
const FLUSH_ROUNDS_MAX = 64;
