// The floor server of bench/floor.ts must count requests exactly, however TCP splits them: a miscount
// would answer too few (the generator stalls) or too many replies, and the measurement would be wrong.
import { describe, expect, test } from "bun:test";
import { RequestCounter, startFloorServer } from "../bench/floor-server.ts";
import { freePort } from "../bench/support.ts";

const encoder = new TextEncoder();

function multibulk(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${encoder.encode(a).length}\r\n${a}\r\n`).join("")}`;
}

// A value holding CR LF, '*' and '$' checks that bulk bytes are skipped by length, not scanned.
const stream = [
  multibulk("SET", "key:000000012345", "x".repeat(32)),
  multibulk("SET", "k", "a\r\n*2\r\n$3\r\n"),
  "PING\r\n",
  multibulk("GET", ""),
  multibulk("SET", "big", "v".repeat(70_000)),
  "*0\r\n",
].join("");
// "*0" is not a request: Redis answers nothing to it.
const requests = 5;

describe("floor server request counter", () => {
  test("counts the requests of one chunk", () => {
    expect(new RequestCounter().feed(encoder.encode(stream))).toBe(requests);
  });

  test("counts the same under every two-way split of the stream's first 400 bytes", () => {
    const bytes = encoder.encode(stream);
    for (let cut = 0; cut <= 400; cut++) {
      const c = new RequestCounter();
      expect(c.feed(bytes.subarray(0, cut)) + c.feed(bytes.subarray(cut))).toBe(requests);
    }
  });

  test("counts the same when fed byte by byte", () => {
    const bytes = encoder.encode(stream);
    const c = new RequestCounter();
    let n = 0;
    for (let i = 0; i < bytes.length; i++) n += c.feed(bytes.subarray(i, i + 1));
    expect(n).toBe(requests);
  });
});

test("floor server answers +OK to each pipelined request over TCP", async () => {
  const server = startFloorServer(await freePort());
  try {
    const batch = multibulk("SET", "a", "1").repeat(100) + "PING\r\n";
    const expected = "+OK\r\n".repeat(101);
    let received = "";
    const done = Promise.withResolvers<void>();
    const socket = await Bun.connect({
      hostname: "127.0.0.1",
      port: server.port,
      socket: {
        data(_s, chunk) {
          received += Buffer.from(chunk).toString("latin1");
          if (received.length >= expected.length) done.resolve();
        },
      },
    });
    socket.write(batch);
    await done.promise;
    socket.end();
    expect(received).toBe(expected);
  } finally {
    server.stop();
  }
});
