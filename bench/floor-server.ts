// The Bun floor: the least a RESP server on Bun.listen can do per request. It frames each request
// (RESP multibulk, or an inline line) and answers +OK to every one, with one write per data event and
// an output queue flushed from drain, as Bunker's server loop does; it stores nothing, logs nothing and
// fsyncs nothing. bench/floor.ts measures it beside redis-server and Bunker: whatever CPU per request
// this server needs, any server on the same runtime pays before doing any work.
//
//   bun bench/floor-server.ts PORT

/** Counts complete requests in a byte stream that may split anywhere; keeps its place between chunks. */
export class RequestCounter {
  // State: 0 = at a request's first byte; 1 = reading the "*N" count; 2 = reading a "$len" line;
  // 3 = skipping a bulk's bytes and its CRLF; 4 = inside an inline request's line.
  private state = 0;
  private number = 0;
  private bulksLeft = 0;
  private skipLeft = 0;

  /** Feeds a chunk; returns how many requests it completed. */
  feed(chunk: Uint8Array): number {
    let done = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      switch (this.state) {
        case 0:
          if (b === 0x2a) {
            this.state = 1;
            this.number = 0;
          } else if (b !== 0x0d && b !== 0x0a) this.state = 4;
          break;
        case 1:
          if (b >= 0x30 && b <= 0x39) this.number = this.number * 10 + (b - 0x30);
          else if (b === 0x0a) {
            this.bulksLeft = this.number;
            // "*0" is no request (Redis answers nothing to it either).
            this.state = this.bulksLeft <= 0 ? 0 : 2;
          }
          break;
        case 2:
          if (b === 0x24) this.number = 0;
          else if (b >= 0x30 && b <= 0x39) this.number = this.number * 10 + (b - 0x30);
          else if (b === 0x0a) {
            this.skipLeft = this.number + 2;
            this.state = 3;
          }
          break;
        case 3: {
          const take = Math.min(this.skipLeft, chunk.length - i);
          this.skipLeft -= take;
          i += take - 1;
          if (this.skipLeft === 0) {
            if (--this.bulksLeft === 0) {
              this.state = 0;
              done++;
            } else this.state = 2;
          }
          break;
        }
        case 4:
          if (b === 0x0a) {
            this.state = 0;
            done++;
          }
          break;
      }
    }
    return done;
  }
}

const ok = new TextEncoder().encode("+OK\r\n");

interface ConnectionData {
  counter: RequestCounter;
  /** Bytes not yet accepted by the socket. */
  queued: Uint8Array | null;
}

function replies(n: number): Uint8Array {
  const out = new Uint8Array(ok.length * n);
  for (let i = 0; i < n; i++) out.set(ok, i * ok.length);
  return out;
}

function send(socket: { write(b: Uint8Array): number }, data: ConnectionData, bytes: Uint8Array): void {
  if (data.queued !== null) {
    const joined = new Uint8Array(data.queued.length + bytes.length);
    joined.set(data.queued);
    joined.set(bytes, data.queued.length);
    data.queued = joined;
    return;
  }
  const written = socket.write(bytes);
  if (written < bytes.length) data.queued = bytes.slice(Math.max(0, written));
}

export function startFloorServer(port: number, hostname = "127.0.0.1"): { stop(): void; port: number } {
  const listener = Bun.listen<ConnectionData>({
    hostname,
    port,
    socket: {
      binaryType: "uint8array",
      open(socket) {
        socket.data = { counter: new RequestCounter(), queued: null };
      },
      data(socket, chunk) {
        const n = socket.data.counter.feed(chunk);
        if (n > 0) send(socket, socket.data, replies(n));
      },
      drain(socket) {
        const q = socket.data.queued;
        if (q === null) return;
        socket.data.queued = null;
        send(socket, socket.data, q);
      },
    },
  });
  return { port: listener.port, stop: () => listener.stop(true) };
}

if (import.meta.main) {
  const port = Number(process.argv[2]);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error("usage: bun bench/floor-server.ts PORT");
  startFloorServer(port);
}
