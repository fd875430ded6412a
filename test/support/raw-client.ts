// A RESP client for tests that returns the raw bytes of each reply, so a test can compare servers byte for
// byte or send deliberately malformed input. Replies are framed, never interpreted, unless a test asks.
import type { Socket } from "bun";
import { type Arg, encodeCommand, frameReply } from "./resp.ts";

export { type Arg, type Protocol, type Reply, decodeReply, encodeCommand, encodeReply } from "./resp.ts";

/** How long readReply waits for a complete reply before giving up on the connection. */
export const replyTimeoutMsDefault = 10_000;

/** The server closed the connection (or it was closed locally) before a complete reply arrived. */
export class ConnectionClosedError extends Error {
  override name = "ConnectionClosedError";
}

/** No complete reply arrived in time. The client is closed afterwards: its reply stream is out of step. */
export class ReplyTimeoutError extends Error {
  override name = "ReplyTimeoutError";
}

interface Waiter {
  resolve(bytes: Uint8Array): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export interface RawClientOptions {
  host?: string;
  replyTimeoutMs?: number;
}

export class RawClient {
  private buffer = new Uint8Array(0);
  private readonly replies: Uint8Array[] = [];
  private readonly waiters: Waiter[] = [];
  private pendingWrites: Uint8Array[] = [];
  private closedError: Error | undefined;
  private socket: Socket<undefined> | undefined;
  private readonly replyTimeoutMs: number;

  private constructor(options: RawClientOptions) {
    this.replyTimeoutMs = options.replyTimeoutMs ?? replyTimeoutMsDefault;
  }

  /** Connects to `port` on 127.0.0.1 (or `options.host`). */
  static async connect(port: number, options: RawClientOptions = {}): Promise<RawClient> {
    const client = new RawClient(options);
    client.socket = await Bun.connect({
      hostname: options.host ?? "127.0.0.1",
      port,
      socket: {
        data: (_socket, data) => client.onData(data),
        drain: () => client.flush(),
        close: () => client.onClosed(new ConnectionClosedError("connection closed by server")),
        end: () => client.onClosed(new ConnectionClosedError("connection closed by server")),
        error: (_socket, error) => client.onClosed(error),
      },
    });
    return client;
  }

  /** True once the connection is closed, by either side; replies already received can still be read. */
  get closed(): boolean {
    return this.closedError !== undefined;
  }

  /** Sends one command as a multibulk and resolves with the raw bytes of its reply. */
  send(argv: readonly Arg[]): Promise<Uint8Array> {
    this.sendRaw(encodeCommand(argv));
    return this.readReply();
  }

  /** Sends all commands in one write (a pipeline) and resolves with each reply's bytes, in order. */
  sendMany(commands: readonly (readonly Arg[])[]): Promise<Uint8Array[]> {
    const encoded = commands.map((argv) => encodeCommand(argv));
    let total = 0;
    for (const part of encoded) total += part.length;
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const part of encoded) {
      bytes.set(part, offset);
      offset += part.length;
    }
    this.sendRaw(bytes);
    return Promise.all(commands.map(() => this.readReply()));
  }

  /** Writes bytes as they are, for protocol tests. Read what comes back with readReply(). */
  sendRaw(bytes: Uint8Array | string): void {
    if (this.closedError !== undefined) return; // the reply read will report the closed connection
    this.pendingWrites.push(typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes);
    this.flush();
  }

  /** Resolves with the next complete reply (a push message counts as a reply). */
  readReply(): Promise<Uint8Array> {
    const ready = this.replies.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.closedError !== undefined) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, timer: undefined };
      waiter.timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index !== -1) this.waiters.splice(index, 1);
        reject(new ReplyTimeoutError(`no complete reply within ${this.replyTimeoutMs} ms`));
        this.close();
      }, this.replyTimeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Closes the connection; waiting reads fail with ConnectionClosedError. */
  close(): void {
    this.onClosed(new ConnectionClosedError("connection closed by client"));
    this.socket?.end();
  }

  private flush(): void {
    const socket = this.socket;
    if (socket === undefined) return;
    while (this.pendingWrites.length > 0) {
      const head = this.pendingWrites[0];
      if (head === undefined) break;
      const written = socket.write(head);
      if (written < 0) return;
      if (written < head.length) {
        this.pendingWrites[0] = head.subarray(written);
        return; // the drain handler calls flush again
      }
      this.pendingWrites.shift();
    }
  }

  private onData(data: Uint8Array): void {
    const merged = new Uint8Array(this.buffer.length + data.length);
    merged.set(this.buffer, 0);
    merged.set(data, this.buffer.length);
    this.buffer = merged;
    let start = 0;
    try {
      for (;;) {
        const end = frameReply(this.buffer, start);
        if (end === -1) break;
        this.deliver(this.buffer.slice(start, end));
        start = end;
      }
    } catch (error: unknown) {
      this.onClosed(error instanceof Error ? error : new Error(String(error)));
      this.socket?.end();
      return;
    }
    this.buffer = this.buffer.slice(start);
  }

  private deliver(reply: Uint8Array): void {
    const waiter = this.waiters.shift();
    if (waiter === undefined) {
      this.replies.push(reply);
      return;
    }
    clearTimeout(waiter.timer);
    waiter.resolve(reply);
  }

  private onClosed(error: Error): void {
    if (this.closedError !== undefined) return;
    this.closedError = error;
    this.pendingWrites = [];
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }
}

/** Sends `commands` as one pipeline on a fresh connection and returns each reply as a latin1 string. */
export async function sendPipeline(port: number, commands: readonly (readonly Arg[])[]): Promise<string[]> {
  const c = await RawClient.connect(port);
  try {
    return (await c.sendMany(commands)).map((b) => Buffer.from(b).toString("latin1"));
  } finally {
    c.close();
  }
}
