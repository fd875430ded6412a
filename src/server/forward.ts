// Forwarding for plain clients in cluster mode: a command whose slot another node leads is sent to that
// leader and its reply relayed byte for byte, so a client that knows nothing of the cluster works when
// connected to any node (`cluster-forward yes`, the default; `no` answers MOVED as Redis Cluster does).
//
// Each client connection gets, lazily, its own upstream connection to the leader it currently forwards
// to: the leader sees an ordinary client, so per-connection state travels with it. Before each
// forwarded command the upstream is brought to the client's protocol (HELLO 2/3) and database
// (SELECT); it authenticates with this node's requirepass (members share it) and names itself
// `bunker-forward`, and a node never forwards again what such a connection sends (one hop at most, no
// loops while members disagree about a leader during an election: the second node answers MOVED,
// TRYAGAIN or CLUSTERDOWN, relayed to the client, which retries).
//
// Order. A client's replies leave in the order of its commands: a forwarded command reserves its place
// in the connection's output queue and the relayed reply fills it, so later replies queue behind it.
// Execution order is kept too: while forwarded commands are outstanding, only commands for the same
// leader are sent on (pipelined on the one upstream, which runs them in order); a command that would run
// here or go to another leader waits, with the connection's input paused, until every outstanding reply
// is in. (Otherwise a local command could run before an earlier forwarded one, which a second client
// could observe.) Blocking commands are forwarded like any other: the client is "blocked" until the
// relayed reply comes, as it would be on the leader.
//
// Failures. If the upstream cannot connect or closes with commands outstanding, each of them is answered
// with an error saying the command may or may not have run; the next forwarded command opens a new
// upstream (to the leader known then). The upstream is closed when the client disconnects.
import type { Socket } from "bun";
import type { ClusterMember } from "../raft/cluster.ts";
import { ReplyFrameError, replyFrameEnd } from "../protocol/reply-frame.ts";
import type { ClientState } from "./client-state.ts";
import { onClientClose } from "./park.ts";

/** CLIENT SETNAME of upstream connections; commands from a connection so named are never forwarded. */
export const forwarderClientName = "bunker-forward";

/**
 * Forwarded replies a connection may have outstanding; beyond this its next command waits until they
 * are all in, which bounds the upstream's buffers for a client that pipelines without end.
 */
export const forwardedRepliesPendingMax = 4096;

/** A place in a connection's output queue that a relayed reply fills later (bytes null until then). */
export interface ReservedReply {
  bytes: Uint8Array | null;
  barrier: number;
}

/** What forwarding needs of a client connection (implemented by Connection). */
export interface ForwardingConnection {
  readonly state: ClientState;
  readonly closed: boolean;
  /** Queues the replies written so far, then a reserved place for a reply that comes later. */
  reserveReply(): ReservedReply;
  /** Fills a reserved place; flush() sends what is ready. */
  fillReply(slot: ReservedReply, bytes: Uint8Array): void;
  flush(): void;
  pause(): void;
  /** Unpauses, runs `argv` (a command that waited), then continues with pipelined input. */
  resumeWith(argv: Uint8Array[]): void;
}

const crlf = new Uint8Array([0x0d, 0x0a]);
const encoder = new TextEncoder();

/** RESP multibulk encoding of one command. */
export function encodeCommand(argv: readonly Uint8Array[]): Uint8Array {
  const head = encoder.encode(`*${argv.length}\r\n`);
  const lengths = argv.map((a) => encoder.encode(`$${a.length}\r\n`));
  let size = head.length;
  for (let i = 0; i < argv.length; i++) size += (lengths[i] as Uint8Array).length + (argv[i] as Uint8Array).length + 2;
  const out = new Uint8Array(size);
  out.set(head, 0);
  let pos = head.length;
  for (let i = 0; i < argv.length; i++) {
    const len = lengths[i] as Uint8Array;
    const arg = argv[i] as Uint8Array;
    out.set(len, pos);
    pos += len.length;
    out.set(arg, pos);
    pos += arg.length;
    out.set(crlf, pos);
    pos += 2;
  }
  return out;
}

function words(...args: string[]): Uint8Array[] {
  return args.map((a) => encoder.encode(a));
}

/** One client connection's link to the leader it forwards to. */
class Upstream {
  private socket: Socket<undefined> | null = null;
  private dead = false;
  /** Encoded commands not yet handed to the socket (connecting, or the socket was full). */
  private outbox: Uint8Array[] = [];
  /** Bytes of each command in `outbox` still to hand over (the first may be partly written). */
  private outboxSizes: number[] = [];
  /**
   * Commands counted from the first: those whose replies arrived, and those whose bytes the socket
   * took in full. On failure, a command not yet handed over certainly did not run.
   */
  private repliedTotal = 0;
  private handedOverTotal = 0;
  private outboxFlushScheduled = false;
  /** Replies expected, in order: a reserved place to fill, or null for a reply to drop. */
  private expected: (ReservedReply | null)[] = [];
  private expectedHead = 0;
  /** Received bytes of a reply not complete yet. */
  private inbuf: Uint8Array = new Uint8Array(0);
  /** The protocol and database the leader has for this connection (-1: unknown, set before the next command). */
  private proto: number = 2;
  private db = 0;
  /** A command that must wait until every outstanding reply is in. */
  deferred: Uint8Array[] | null = null;
  private readonly cancelClose: () => void;

  constructor(
    readonly leader: ClusterMember,
    private readonly conn: ForwardingConnection,
    password: string,
    private readonly onGone: (u: Upstream) => void,
  ) {
    this.cancelClose = onClientClose(conn.state, () => this.close());
    if (password !== "") this.send(words("AUTH", password), null);
    this.send(words("CLIENT", "SETNAME", forwarderClientName), null);
    void Bun.connect<undefined>({
      hostname: leader.host,
      port: leader.port,
      socket: {
        binaryType: "uint8array",
        open: (socket) => {
          if (this.dead) {
            socket.end();
            return;
          }
          this.socket = socket;
          this.writeOutbox();
        },
        data: (_socket, chunk) => this.receive(chunk),
        drain: () => this.writeOutbox(),
        close: () => this.fail("connection closed"),
        error: (_socket, err) => this.fail(err.message),
        connectError: (_socket, err) => this.fail(`cannot connect: ${err.message}`),
      },
    }).catch((err: unknown) => this.fail(`cannot connect: ${err instanceof Error ? err.message : String(err)}`));
  }

  /** Commands sent whose replies are not in, handshake and dropped replies included. */
  get pending(): number {
    return this.expected.length - this.expectedHead;
  }

  get alive(): boolean {
    return !this.dead;
  }

  /**
   * Sends a client's commands; the reply of the last one is relayed (to a reserved place, or dropped
   * under CLIENT REPLY OFF/SKIP), the replies of the others (MULTI, QUEUED) are dropped.
   */
  forward(commands: readonly (readonly Uint8Array[])[], relay: boolean): void {
    const client = this.conn.state;
    if (this.proto !== client.proto) {
      this.send(words("HELLO", String(client.proto)), null);
      this.proto = client.proto;
    }
    if (this.db !== client.db) {
      this.send(words("SELECT", String(client.db)), null);
      this.db = client.db;
    }
    for (let i = 0; i < commands.length - 1; i++) this.send(commands[i] as Uint8Array[], null);
    const last = commands[commands.length - 1] as Uint8Array[];
    this.send(last, relay ? this.conn.reserveReply() : null);
    // A transaction may have run SELECT or HELLO on the leader: state is re-sent before the next command.
    if (commands.length > 1) {
      this.proto = -1;
      this.db = -1;
    }
  }

  close(): void {
    if (this.dead) return;
    this.dead = true;
    this.cancelClose();
    this.socket?.end();
    this.onGone(this);
  }

  private send(argv: readonly Uint8Array[], reply: ReservedReply | null): void {
    this.expected.push(reply);
    const bytes = encodeCommand(argv);
    this.outbox.push(bytes);
    this.outboxSizes.push(bytes.length);
    if (this.outboxFlushScheduled) return;
    // A pipeline's commands, forwarded one by one while the client's input is processed, leave in one write.
    this.outboxFlushScheduled = true;
    queueMicrotask(() => {
      this.outboxFlushScheduled = false;
      this.writeOutbox();
    });
  }

  private writeOutbox(): void {
    const socket = this.socket;
    if (socket === null || this.dead || this.outbox.length === 0) return;
    const bytes = this.outbox.length === 1 ? (this.outbox[0] as Uint8Array) : Buffer.concat(this.outbox);
    this.outbox = [];
    let written = Math.max(0, socket.write(bytes));
    if (written < bytes.length) this.outbox.push(bytes.subarray(written));
    while (this.outboxSizes.length > 0 && written >= (this.outboxSizes[0] as number)) {
      written -= this.outboxSizes.shift() as number;
      this.handedOverTotal++;
    }
    if (this.outboxSizes.length > 0) this.outboxSizes[0] = (this.outboxSizes[0] as number) - written;
  }

  private receive(chunk: Uint8Array): void {
    if (this.dead) return;
    let buf = chunk;
    if (this.inbuf.length > 0) {
      buf = new Uint8Array(this.inbuf.length + chunk.length);
      buf.set(this.inbuf, 0);
      buf.set(chunk, this.inbuf.length);
    }
    let pos = 0;
    try {
      for (;;) {
        const end = replyFrameEnd(buf, pos);
        if (end === -1) break;
        const frame = buf.subarray(pos, end);
        pos = end;
        if (frame[0] === 0x3e) continue; // a RESP3 push: nothing here subscribes, so nothing to relay
        if (this.pending === 0) throw new ReplyFrameError("a reply nobody asked for");
        const slot = this.expected[this.expectedHead] as ReservedReply | null;
        this.expected[this.expectedHead++] = null;
        this.repliedTotal++;
        if (slot !== null) this.conn.fillReply(slot, frame.slice());
      }
    } catch (e: unknown) {
      if (!(e instanceof ReplyFrameError)) throw e;
      this.conn.flush();
      this.fail(`bad reply: ${e.message}`);
      return;
    }
    this.inbuf = pos === buf.length ? new Uint8Array(0) : buf.slice(pos);
    if (this.expectedHead === this.expected.length) {
      this.expected = [];
      this.expectedHead = 0;
    } else if (this.expectedHead > 1024 && this.expectedHead * 2 > this.expected.length) {
      // A client that keeps a pipeline going never drains the queue: drop the answered head now and then.
      this.expected = this.expected.slice(this.expectedHead);
      this.expectedHead = 0;
    }
    this.conn.flush();
    this.resumeIfIdle();
  }

  /**
   * The link is gone: every outstanding command gets an error, then a waiting command runs. A command
   * the socket had taken may have run on the leader: ERR, the client must decide (as after a lost
   * connection). One never handed over did not run: TRYAGAIN, which cluster clients retry.
   */
  private fail(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    this.cancelClose();
    this.socket?.end();
    this.onGone(this);
    const where = `forwarding to the shard's leader ${this.leader.host}:${this.leader.port} failed (${reason.replace(/[\r\n]/g, " ")})`;
    const mayHaveRun = encoder.encode(`-ERR ${where}: the command may or may not have run\r\n`);
    const notRun = encoder.encode(`-TRYAGAIN ${where}: the command was not sent\r\n`);
    for (let i = this.expectedHead; i < this.expected.length; i++) {
      const slot = this.expected[i] as ReservedReply | null;
      const handedOver = this.repliedTotal + (i - this.expectedHead) < this.handedOverTotal;
      if (slot !== null) this.conn.fillReply(slot, handedOver ? mayHaveRun : notRun);
    }
    this.expected = [];
    this.expectedHead = 0;
    this.outbox = [];
    this.outboxSizes = [];
    if (this.conn.closed) return;
    this.conn.flush();
    this.resumeIfIdle();
  }

  private resumeIfIdle(): void {
    if (this.pending > 0 || this.deferred === null || this.conn.closed) return;
    const argv = this.deferred;
    this.deferred = null;
    this.conn.resumeWith(argv);
  }
}

/** The upstreams of every client connection of one server. */
export class Forwarder {
  private readonly upstreams = new WeakMap<ClientState, Upstream>();

  constructor(private readonly password: () => string) {}

  /** Whether `leader` may take this connection's next command now, without waiting for others. */
  canSendNow(client: ClientState, leader: ClusterMember | null): boolean {
    const u = this.upstreams.get(client);
    if (u === undefined || u.pending === 0) return true;
    return leader !== null && u.leader.id === leader.id && u.alive && u.pending < forwardedRepliesPendingMax;
  }

  /**
   * Pauses the connection; `argv` (copied) runs again when every outstanding forwarded reply is in.
   * Only called when canSendNow was false, so an upstream with outstanding replies exists.
   */
  defer(conn: ForwardingConnection, argv: readonly Uint8Array[]): void {
    const u = this.upstreams.get(conn.state) as Upstream;
    u.deferred = argv.map((a) => a.slice());
    conn.pause();
  }

  /** Forwards `commands` (one command, or MULTI ... EXEC) to `leader`; canSendNow must be true. */
  forward(conn: ForwardingConnection, leader: ClusterMember, commands: readonly (readonly Uint8Array[])[]): void {
    const client = conn.state;
    let u = this.upstreams.get(client);
    if (u !== undefined && (u.leader.id !== leader.id || !u.alive)) {
      u.close();
      u = undefined;
    }
    if (u === undefined) {
      u = new Upstream(leader, conn, this.password(), (gone) => {
        if (this.upstreams.get(client) === gone) this.upstreams.delete(client);
      });
      this.upstreams.set(client, u);
    }
    u.forward(commands, client.replyMode === "on");
  }
}
