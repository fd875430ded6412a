// RespParser: commands and Redis 7.0's protocol errors come out the same however the input is chunked.
import { describe, expect, test } from "bun:test";
import { type ParserLimits, ProtocolError, RespParser } from "./parser.ts";

const REDIS_LIMITS: ParserLimits = {
  bulkBytesMax: 512 * 1024 * 1024,
  inlineBytesMax: 64 * 1024,
  multibulkCountMax: 2147483647,
  unauthenticated: false,
};

function bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function text(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

function frame(...args: string[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${a.length}\r\n${a}\r\n`).join("");
}

/** What a connection would see: commands in order, then the protocol error if any. */
interface Outcome {
  commands: string[][];
  error: string | null;
}

/** Feeds `chunks` one by one, draining after each, like a socket data handler. */
function run(chunks: Uint8Array[], limits: ParserLimits = REDIS_LIMITS): Outcome {
  const parser = new RespParser(limits);
  const commands: string[][] = [];
  try {
    for (const chunk of chunks) {
      parser.feed(chunk);
      for (let argv = parser.next(); argv !== null; argv = parser.next()) commands.push(argv.map(text));
    }
  } catch (e: unknown) {
    if (!(e instanceof ProtocolError)) throw e;
    return { commands, error: e.message };
  }
  return { commands, error: null };
}

function splitAt(input: Uint8Array, cuts: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    chunks.push(input.slice(from, cut));
    from = cut;
  }
  chunks.push(input.slice(from));
  return chunks;
}

/** Seeded PRNG (mulberry32) so failures replay from the printed seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MIXED_INPUT =
  frame("SET", "key:1", "value with \r\n inside") +
  "PING\r\n" +
  "*0\r\n" +
  "\r\n" +
  frame("GET", "key:1") +
  "*-1\r\n" +
  "ECHO \"quoted \\x41\\n\" 'single \\' q' plain\n" +
  "   \n" +
  frame("MSET", "a", "", "b", "x".repeat(300)) +
  "*1\r\n$4\r\nPINGxy" +
  frame("DEL", "\u0000\u00ff\u0080");

const MIXED_COMMANDS = [
  ["SET", "key:1", "value with \r\n inside"],
  ["PING"],
  ["GET", "key:1"],
  ["ECHO", "quoted A\n", "single ' q", "plain"],
  ["MSET", "a", "", "b", "x".repeat(300)],
  ["PING"],
  ["DEL", "\u0000\u00ff\u0080"],
];

describe("frames", () => {
  test("pipelined multibulk and inline commands in one chunk", () => {
    expect(run([bytes(MIXED_INPUT)])).toEqual({ commands: MIXED_COMMANDS, error: null });
  });

  test("long arguments lying in one chunk are views into it; short ones are copies", () => {
    const long = "v".repeat(33);
    const chunk = bytes(frame("SET", "k", long) + frame("GET", "k"));
    const parser = new RespParser(REDIS_LIMITS);
    parser.feed(chunk);
    const argv = parser.next()!;
    expect(argv.map(text)).toEqual(["SET", "k", long]);
    expect(argv[2]!.buffer).toBe(chunk.buffer);
    expect(argv[0]!.buffer).not.toBe(chunk.buffer);
    expect(parser.next()!.map(text)).toEqual(["GET", "k"]);
    expect(parser.next()).toBeNull();
  });

  test("every two-way split gives the same commands", () => {
    const input = bytes(MIXED_INPUT);
    for (let cut = 0; cut <= input.length; cut++) {
      expect(run(splitAt(input, [cut]))).toEqual({ commands: MIXED_COMMANDS, error: null });
    }
  });

  test("one byte per chunk gives the same commands", () => {
    const input = bytes(MIXED_INPUT);
    const chunks = Array.from(input, (b) => Uint8Array.of(b));
    expect(run(chunks)).toEqual({ commands: MIXED_COMMANDS, error: null });
  });

  test("random multi-way splits give the same commands", () => {
    const input = bytes(MIXED_INPUT);
    const seed = 0x5eed;
    const random = prng(seed);
    for (let round = 0; round < 300; round++) {
      const cuts = Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * (input.length + 1)));
      const outcome = run(splitAt(input, cuts));
      if (outcome.error !== null || outcome.commands.length !== MIXED_COMMANDS.length) {
        throw new Error(`seed ${seed} round ${round} cuts ${cuts}: ${JSON.stringify(outcome)}`);
      }
      expect(outcome.commands).toEqual(MIXED_COMMANDS);
    }
  });

  test("chunks fed before draining are queued in order", () => {
    const parser = new RespParser(REDIS_LIMITS);
    parser.feed(bytes(frame("A")));
    parser.feed(bytes("*1\r\n$1\r"));
    parser.feed(bytes("\nB\r\nC\r\n"));
    const seen: string[][] = [];
    for (let argv = parser.next(); argv !== null; argv = parser.next()) seen.push(argv.map(text));
    expect(seen).toEqual([["A"], ["B"], ["C"]]);
  });

  test("a command is not complete until the two bytes after its last payload arrive", () => {
    const parser = new RespParser(REDIS_LIMITS);
    parser.feed(bytes("*1\r\n$4\r\nPING"));
    expect(parser.next()).toBeNull();
    parser.feed(bytes("\r"));
    expect(parser.next()).toBeNull();
    parser.feed(bytes("\n"));
    expect(parser.next()!.map(text)).toEqual(["PING"]);
  });

  test("header and payload terminators are skipped unchecked, as Redis does", () => {
    expect(run([bytes("*1\rX$4\rXPING\r\n*1\r\n$4\r\nPINGxy")])).toEqual({ commands: [["PING"], ["PING"]], error: null });
  });

  test("a 16 MiB bulk in 1 KiB chunks is assembled in linear time", () => {
    const length = 16 * 1024 * 1024;
    const parser = new RespParser(REDIS_LIMITS);
    parser.feed(bytes(`*2\r\n$3\r\nSET\r\n$${length}\r\n`));
    const chunk = new Uint8Array(1024).fill(97);
    expect(parser.next()).toBeNull();
    for (let sent = 0; sent < length; sent += chunk.length) {
      parser.feed(chunk);
      expect(parser.next()).toBeNull();
    }
    parser.feed(bytes("\r\n"));
    const argv = parser.next()!;
    expect(argv.length).toBe(2);
    expect(argv[1]!.length).toBe(length);
    expect(argv[1]![0]).toBe(97);
    expect(argv[1]![length - 1]).toBe(97);
  });

  test("large bulk split across 64 KiB chunks", () => {
    const value = new Uint8Array(1024 * 1024);
    for (let i = 0; i < value.length; i++) value[i] = (i * 31) & 0xff;
    const head = bytes(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${value.length}\r\n`);
    const input = new Uint8Array(head.length + value.length + 2);
    input.set(head);
    input.set(value, head.length);
    input.set(bytes("\r\n"), head.length + value.length);
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < input.length; at += 65536) chunks.push(input.slice(at, at + 65536));
    const parser = new RespParser(REDIS_LIMITS);
    let argv: Uint8Array[] | null = null;
    for (const c of chunks) {
      parser.feed(c);
      argv = parser.next() ?? argv;
    }
    expect(argv).not.toBeNull();
    expect(argv![2]).toEqual(value);
  });
});

describe("inline commands", () => {
  const cases: [string, string[][]][] = [
    ["PING\n", [["PING"]]],
    ["PING\r\n", [["PING"]]],
    ["  PING  \r\n\r\n\nPING\r\n", [["PING"], ["PING"]]],
    ['ECHO "a\\x41\\n\\\\\\""\r\n', [["ECHO", 'aA\n\\"']]],
    ["ECHO 'a\\'b\\n'\r\n", [["ECHO", "a'b\\n"]]],
    ['ECHO a"b c"\r\n', [["ECHO", "ab c"]]],
    ["ECHO \u000ba\u000bb\r\n", [["ECHO", "a\u000bb"]]],
    ["ECHO a\rb\r\n", [["ECHO", "a", "b"]]],
    ['ECHO "\\x4g"\r\n', [["ECHO", "x4g"]]],
    ['ECHO "\\q\\b\\a\\t"\r\n', [["ECHO", "q\b\u0007\t"]]],
    ['ECHO ""\r\n', [["ECHO", ""]]],
    ['ECHO "\\xZZ\\x41"\r\n', [["ECHO", "xZZA"]]],
    ["$3\r\n", [["$3"]]],
    ["GET \u00e9\u00ff\r\n", [["GET", "\u00e9\u00ff"]]],
  ];
  for (const [input, commands] of cases) {
    test(`splits ${JSON.stringify(input)} like sdssplitargs`, () => {
      expect(run([bytes(input)])).toEqual({ commands, error: null });
    });
  }

  test("an inline line of exactly the limit is accepted; one byte more is too big", () => {
    const limits = { ...REDIS_LIMITS, inlineBytesMax: 100 };
    const ok = "ECHO " + "a".repeat(95);
    expect(run([bytes(ok + "\n")], limits)).toEqual({ commands: [["ECHO", "a".repeat(95)]], error: null });
    expect(run([bytes(ok + "a\n")], limits).error).toBe("Protocol error: too big inline request");
    expect(run([bytes(ok + "a")], limits).error).toBe("Protocol error: too big inline request");
    expect(run([bytes(ok)], limits).error).toBeNull();
  });
});

describe("protocol errors", () => {
  // Each text recorded from redis-server 7.0.15 over a raw socket.
  const cases: [string, string[][], string][] = [
    ["*abc\r\n", [], "Protocol error: invalid multibulk length"],
    ["*2147483648\r\n", [], "Protocol error: invalid multibulk length"],
    ["*-0\r\nPING\r\n", [], "Protocol error: invalid multibulk length"],
    ["*01\r\n", [], "Protocol error: invalid multibulk length"],
    ["*+1\r\n", [], "Protocol error: invalid multibulk length"],
    ["*\r\n", [], "Protocol error: invalid multibulk length"],
    ["*99999999999999999999\r\n", [], "Protocol error: invalid multibulk length"],
    ["*1\r\nfoo\r\n", [], "Protocol error: expected '$', got 'f'"],
    ["*1\r\n\r\n", [], "Protocol error: expected '$', got '\r'"],
    ["*1\r\n$-1\r\n", [], "Protocol error: invalid bulk length"],
    ["*1\r\n$abc\r\n", [], "Protocol error: invalid bulk length"],
    ["*1\r\n$03\r\nfoo\r\n", [], "Protocol error: invalid bulk length"],
    ["*2\r\n$4\r\nECHO\r\n$-0\r\n", [], "Protocol error: invalid bulk length"],
    ["*1\r\n$99999999999999999999\r\n", [], "Protocol error: invalid bulk length"],
    ['ECHO "abc\r\n', [], "Protocol error: unbalanced quotes in request"],
    ['ECHO "abc"def\r\n', [], "Protocol error: unbalanced quotes in request"],
    ["ECHO 'abc'def\r\n", [], "Protocol error: unbalanced quotes in request"],
    ["ECHO ''x\r\n", [], "Protocol error: unbalanced quotes in request"],
    ['ECHO "a\\"\r\n', [], "Protocol error: unbalanced quotes in request"],
    [frame("GET", "k") + "PING\r\n*x\r\n" + frame("GET", "j"), [["GET", "k"], ["PING"]], "Protocol error: invalid multibulk length"],
  ];
  for (const [input, commands, error] of cases) {
    test(`${JSON.stringify(input)} -> ${JSON.stringify(error)}, at every split`, () => {
      const whole = bytes(input);
      for (let cut = 0; cut <= whole.length; cut++) {
        expect(run(splitAt(whole, [cut]))).toEqual({ commands, error });
      }
    });
  }

  test("the parser keeps failing after a protocol error", () => {
    const parser = new RespParser(REDIS_LIMITS);
    parser.feed(bytes("*x\r\n"));
    expect(() => parser.next()).toThrow(ProtocolError);
    parser.feed(bytes("PING\r\n"));
    expect(() => parser.next()).toThrow("Protocol error: invalid multibulk length");
  });

  test("header lines longer than the line limit", () => {
    const limits = { ...REDIS_LIMITS, inlineBytesMax: 100 };
    expect(run([bytes("*" + "1".repeat(101))], limits).error).toBe("Protocol error: too big mbulk count string");
    expect(run([bytes("*1\r\n$" + "1".repeat(100))], limits).error).toBe("Protocol error: too big bulk count string");
    expect(run([bytes("*" + "1".repeat(99) + "\r\n")], limits).error).toBe("Protocol error: invalid multibulk length");
    expect(run([bytes("*" + "1".repeat(99))], limits).error).toBeNull();
  });

  test("a NUL before a line's end stalls the connection until more than the limit has arrived", () => {
    // Redis finds line ends with strchr, which stops at NUL: the line never ends, later commands wait.
    const limits = { ...REDIS_LIMITS, inlineBytesMax: 100 };
    const stalled: [string, string][] = [
      ["PI\u0000NG\r\n", "Protocol error: too big inline request"],
      ["*1\u0000\r\n", "Protocol error: too big mbulk count string"],
      ["*1\r\n$4\u0000\r\n", "Protocol error: too big bulk count string"],
    ];
    for (const [head, error] of stalled) {
      const parser = new RespParser(limits);
      parser.feed(bytes(head + "PING\r\n".repeat(10)));
      expect(parser.next()).toBeNull();
      expect(parser.bufferedBytes()).toBeLessThanOrEqual(parser.carryCapacity());
      const outcome = run([bytes(head + "PING\r\n".repeat(20))], limits);
      expect(outcome).toEqual({ commands: [], error });
    }
    // A NUL inside a bulk payload is data.
    expect(run([bytes("*1\r\n$4\r\nPI\u0000G\r\n")])).toEqual({ commands: [["PI\u0000G"]], error: null });
  });
});

describe("limits", () => {
  test("unauthenticated clients get at most 10 arguments of at most 16384 bytes", () => {
    const limits = { ...REDIS_LIMITS, unauthenticated: true };
    expect(run([bytes("*10\r\n")], limits).error).toBeNull();
    expect(run([bytes("*11\r\n")], limits).error).toBe("Protocol error: unauthenticated multibulk length");
    expect(run([bytes("*-100\r\nPING\r\n")], limits)).toEqual({ commands: [["PING"]], error: null });
    expect(run([bytes("*1\r\n$16384\r\n")], limits).error).toBeNull();
    expect(run([bytes("*1\r\n$16385\r\n")], limits).error).toBe("Protocol error: unauthenticated bulk length");
    expect(run([bytes("*1\r\n$-5\r\n")], limits).error).toBe("Protocol error: invalid bulk length");
    expect(run([bytes("*11abc\r\n")], limits).error).toBe("Protocol error: invalid multibulk length");
  });

  test("setAuthenticated lifts and restores the pre-AUTH limits", () => {
    const parser = new RespParser({ ...REDIS_LIMITS, unauthenticated: true });
    parser.feed(bytes(frame("AUTH", "pw")));
    expect(parser.next()!.map(text)).toEqual(["AUTH", "pw"]);
    parser.setAuthenticated(true);
    const many = Array.from({ length: 20 }, (_, i) => String(i));
    parser.feed(bytes(frame(...many)));
    expect(parser.next()!.length).toBe(20);
    parser.setAuthenticated(false);
    parser.feed(bytes(frame(...many)));
    expect(() => parser.next()).toThrow("Protocol error: unauthenticated multibulk length");
  });

  test("bulk and count limits", () => {
    const limits = { ...REDIS_LIMITS, bulkBytesMax: 10, multibulkCountMax: 3 };
    expect(run([bytes(frame("a".repeat(10)))], limits).error).toBeNull();
    expect(run([bytes("*1\r\n$11\r\n")], limits).error).toBe("Protocol error: invalid bulk length");
    expect(run([bytes("*3\r\n")], limits).error).toBeNull();
    expect(run([bytes("*4\r\n")], limits).error).toBe("Protocol error: invalid multibulk length");
  });
});

describe("fuzz", () => {
  const FUZZ_LIMITS: ParserLimits = { bulkBytesMax: 100, inlineBytesMax: 64, multibulkCountMax: 20, unauthenticated: false };
  const FRAMES = 20_000;

  function randomFrame(random: () => number): string {
    const pick = random();
    const arg = (alphabet: "any" | "inline") => {
      const n = Math.floor(random() * random() * 40);
      let s = "";
      for (let i = 0; i < n; i++) {
        const anyByte = alphabet === "any" && random() < 0.2;
        s += String.fromCharCode(anyByte ? Math.floor(random() * 256) : 97 + Math.floor(random() * 26));
      }
      return s;
    };
    if (pick < 0.7) return frame(...Array.from({ length: 1 + Math.floor(random() * 5) }, () => arg("any")));
    if (pick < 0.9) {
      const words = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
        const w = arg("inline").slice(0, 12);
        return random() < 0.7 ? w : random() < 0.5 ? `"${w}\\x41\\n"` : `'${w}\\''`;
      });
      return words.join(random() < 0.8 ? " " : "  ") + (random() < 0.5 ? "\r\n" : "\n");
    }
    const benign = ["*0\r\n", "*-1\r\n", "\r\n", "\n", "*1\r\n$4\r\nPING\r\n", "$\r\n", "*1\r\n$0\r\n\r\n"];
    const hostile = ["*30\r\n", "*1\r\n$200\r\n", "*\u0000\r\n", "\u0000\n", "x".repeat(70), "*1\r\n$" + "9".repeat(70)];
    if (random() < 0.85) return benign[Math.floor(random() * benign.length)]!;
    return hostile[Math.floor(random() * hostile.length)]!;
  }

  function mutate(s: string, random: () => number): string {
    const roll = random();
    if (roll < 0.96) return s;
    const at = Math.floor(random() * (s.length + 1));
    if (roll < 0.97) return s.slice(0, at); // truncated
    if (roll < 0.985) return s.slice(0, at) + String.fromCharCode(Math.floor(random() * 256)) + s.slice(at + 1);
    return s.slice(0, at) + String.fromCharCode([13, 10, 0, 36, 42, 34, 39, 92][Math.floor(random() * 8)]!) + s.slice(at);
  }

  test("random, mutated and truncated frames: only ProtocolError escapes, chunking never matters, memory stays bounded", () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
    const random = prng(seed);
    try {
      let produced = 0;
      const stats = { streams: 0, commands: 0, errors: 0 };
      // Streams of frames, each parsed whole and in random chunks; the outcomes must agree.
      while (produced < FRAMES) {
        const count = 1 + Math.floor(random() * 20);
        let stream = "";
        for (let i = 0; i < count; i++) stream += mutate(randomFrame(random), random);
        produced += count;
        const input = bytes(stream);
        const whole = run([input], FUZZ_LIMITS);
        const cuts = Array.from({ length: Math.floor(random() * 12) }, () => Math.floor(random() * (input.length + 1)));
        const parser = new RespParser(FUZZ_LIMITS);
        const commands: string[][] = [];
        let error: string | null = null;
        for (const chunk of splitAt(input, cuts)) {
          parser.feed(chunk);
          try {
            for (let argv = parser.next(); argv !== null; argv = parser.next()) {
              commands.push(argv.map(text));
              expect(commands.length).toBeLessThanOrEqual(input.length);
            }
          } catch (e: unknown) {
            if (!(e instanceof ProtocolError)) throw e;
            error = e.message;
            break;
          }
          // Drained: nothing unparsed is held; only the unfinished frame, within the limits.
          expect(parser.carryCapacity()).toBeLessThanOrEqual(Math.max(256, 2 * (FUZZ_LIMITS.inlineBytesMax + 2)));
          expect(parser.bufferedBytes()).toBeLessThanOrEqual(
            parser.carryCapacity() + FUZZ_LIMITS.bulkBytesMax * (FUZZ_LIMITS.multibulkCountMax + 1),
          );
        }
        expect({ commands, error }).toEqual(whole);
        stats.streams++;
        stats.commands += commands.length;
        if (error !== null) stats.errors++;
      }
      // FUZZ_STATS=1 shows how much of the input was exercised (about 15k commands and 500 protocol errors).
      if (process.env.FUZZ_STATS) console.log(JSON.stringify(stats));
    } catch (e: unknown) {
      console.error(`parser fuzz failed; replay with FUZZ_SEED=${seed}`);
      throw e;
    }
  });
});
