// The register linearizability checker: hand-made histories with known verdicts (stale reads, reads that
// disagree on the order of writes, unknown-outcome writes, CAS), and randomized histories produced by a real
// sequential register under random overlapping timings, which must pass, and must fail once one read is mutated.
import { describe, expect, test } from "bun:test";
import { seededRandom } from "../../src/engine/clock.ts";
import { checkRegisterHistory, staleReadMutation, type RegisterInput, type RegisterOperation, type RegisterOutput, stepRegister } from "./linearizability.ts";

let nextClient = 0;
function op(input: RegisterInput, output: RegisterOutput | undefined, callMs: number, returnMs: number, opts: { key?: string; client?: number } = {}): RegisterOperation {
  return { client: opts.client ?? nextClient++, key: opts.key ?? "k", input, output, callMs, returnMs };
}
const read = (value: string | null, callMs: number, returnMs: number, key?: string) => op({ kind: "read" }, value, callMs, returnMs, key === undefined ? {} : { key });
const write = (value: string, callMs: number, returnMs: number, key?: string) => op({ kind: "write", value }, "ok", callMs, returnMs, key === undefined ? {} : { key });
const unknownWrite = (value: string, callMs: number) => op({ kind: "write", value }, undefined, callMs, Infinity);
const cas = (expected: string, value: string, output: RegisterOutput | undefined, callMs: number, returnMs: number) => op({ kind: "cas", expected, value }, output, callMs, returnMs);

const verdict = (history: RegisterOperation[]) => checkRegisterHistory(history).verdict;

describe("hand-made histories", () => {
  test("sequential and overlapping histories that have a valid order pass", () => {
    expect(verdict([write("a", 0, 1), read("a", 2, 3), write("b", 4, 5), read("b", 6, 7)])).toBe("linearizable");
    // A read overlapping a write may see either value.
    expect(verdict([write("a", 0, 1), write("b", 2, 6), read("a", 3, 4), read("b", 5, 7)])).toBe("linearizable");
    expect(verdict([write("a", 0, 1), write("b", 2, 6), read("b", 3, 4), read("b", 5, 7)])).toBe("linearizable");
    expect(verdict([read(null, 0, 1), write("a", 2, 3)])).toBe("linearizable");
    expect(verdict([])).toBe("linearizable");
  });

  test("a stale read after a completed write fails", () => {
    const result = checkRegisterHistory([write("a", 0, 1), write("b", 2, 3), read("a", 4, 5)]);
    expect(result.verdict).toBe("violation");
    if (result.verdict === "violation") {
      expect(result.key).toBe("k");
      expect(result.explanation).toContain('GET -> "a"');
    }
    // A read of a key that a completed write created must not see it missing.
    expect(verdict([write("a", 0, 1), read(null, 2, 3)])).toBe("violation");
  });

  test("a value never written fails", () => {
    expect(verdict([write("a", 0, 1), read("z", 0.5, 2)])).toBe("violation");
  });

  test("two reads that see two concurrent writes in opposite orders fail", () => {
    // Both writes overlap both pairs of reads, so either order is possible, but not both.
    const history = [
      write("a", 0, 10),
      write("b", 0, 10),
      read("a", 1, 2),
      read("b", 3, 4),
      read("b", 1, 2),
      read("a", 3, 4),
    ];
    expect(verdict(history)).toBe("violation");
    // One reader alone seeing a then b is fine.
    expect(verdict(history.slice(0, 4))).toBe("linearizable");
  });

  test("a read cannot return to an older value once a later read saw the newer one", () => {
    expect(verdict([write("a", 0, 1), write("b", 2, 10), read("b", 3, 4), read("a", 5, 6)])).toBe("violation");
  });

  test("an unknown-outcome write may take effect at any time after its call, or never", () => {
    // Seen long after its call.
    expect(verdict([write("a", 0, 1), unknownWrite("b", 2), read("a", 3, 4), read("b", 100, 101)])).toBe("linearizable");
    // Never seen.
    expect(verdict([write("a", 0, 1), unknownWrite("b", 2), read("a", 100, 101)])).toBe("linearizable");
    // But never before its call.
    expect(verdict([write("a", 0, 1), read("b", 2, 3), unknownWrite("b", 4)])).toBe("violation");
    // And once seen, it stays in effect (it happened once).
    expect(verdict([write("a", 0, 1), unknownWrite("b", 2), read("b", 3, 4), read("a", 5, 6)])).toBe("violation");
    // An unanswered read constrains nothing.
    expect(verdict([write("a", 0, 1), op({ kind: "read" }, undefined, 2, Infinity)])).toBe("linearizable");
  });

  test("CAS swaps only on equality and reports what it found", () => {
    expect(verdict([write("a", 0, 1), cas("a", "b", "swapped", 2, 3), read("b", 4, 5)])).toBe("linearizable");
    expect(verdict([write("a", 0, 1), cas("x", "b", "differs", 2, 3), read("a", 4, 5)])).toBe("linearizable");
    expect(verdict([cas("x", "b", "no-key", 0, 1), read(null, 2, 3)])).toBe("linearizable");
    // Two CAS from the same value cannot both swap.
    expect(verdict([write("a", 0, 1), cas("a", "b", "swapped", 2, 5), cas("a", "c", "swapped", 2, 5)])).toBe("violation");
    // A CAS that reported "differs" cannot have swapped.
    expect(verdict([write("a", 0, 1), cas("a", "b", "differs", 2, 3)])).toBe("violation");
    // An unknown CAS may or may not have swapped.
    expect(verdict([write("a", 0, 1), cas("a", "b", undefined, 2, Infinity), read("b", 4, 5)])).toBe("linearizable");
    expect(verdict([write("a", 0, 1), cas("a", "b", undefined, 2, Infinity), read("a", 4, 5)])).toBe("linearizable");
  });

  test("keys are checked independently, and a violation names its key", () => {
    const history = [write("a", 0, 1, "x"), read("a", 2, 3, "x"), write("a", 0, 1, "y"), write("b", 2, 3, "y"), read("a", 4, 5, "y")];
    const result = checkRegisterHistory(history);
    expect(result.verdict).toBe("violation");
    if (result.verdict === "violation") expect(result.key).toBe("y");
  });

  test("running out of search budget is its own verdict, not a pass", () => {
    // Many concurrent writes and a read of a value nobody wrote: every order must be tried before failing.
    const history = Array.from({ length: 12 }, (_, i) => write(`v${i}`, 0, 100));
    history.push(read("none", 0, 100));
    expect(checkRegisterHistory(history, { searchStepsMax: 500 }).verdict).toBe("budget-exceeded");
    expect(checkRegisterHistory(history).verdict).toBe("violation");
  });
});

/** A history from a real sequential register: each operation takes effect at a random instant inside its interval. */
function randomHistory(seed: number, opts: { clients: number; opsPerClient: number; keys: number }): RegisterOperation[] {
  const random = seededRandom(seed);
  interface Planned {
    op: Omit<RegisterOperation, "output">;
    effectMs: number;
    /** An unknown-outcome write that never happened (lost before it reached the register). */
    lost: boolean;
  }
  const planned: Planned[] = [];
  let unique = 0;
  for (let c = 0; c < opts.clients; c++) {
    let t = random() * 5;
    for (let i = 0; i < opts.opsPerClient; i++) {
      const key = `k${Math.floor(random() * opts.keys)}`;
      const r = random();
      const input: RegisterInput =
        r < 0.5 ? { kind: "read" } : r < 0.8 ? { kind: "write", value: `w${unique++}` } : { kind: "cas", expected: `w${Math.max(0, unique - 1 - Math.floor(random() * 3))}`, value: `w${unique++}` };
      const callMs = t + random() * 3;
      const effectMs = callMs + random() * 10;
      const returnMs = effectMs + random() * 10;
      const unknown = input.kind !== "read" && random() < 0.05;
      planned.push({ op: { client: c, key, input, callMs, returnMs: unknown ? Infinity : returnMs }, effectMs, lost: unknown && random() < 0.5 });
      // A client whose request timed out moves on, as a real one does.
      t = returnMs;
    }
  }
  const registers = new Map<string, string | null>();
  const history: RegisterOperation[] = [];
  for (const p of [...planned].sort((a, b) => a.effectMs - b.effectMs)) {
    const before = registers.get(p.op.key) ?? null;
    const output = outputOf(before, p.op.input);
    if (!p.lost) registers.set(p.op.key, (stepRegister(before, p.op.input, output) as { state: string | null }).state);
    history.push({ ...p.op, output: Number.isFinite(p.op.returnMs) ? output : undefined });
  }
  return history.sort((a, b) => a.callMs - b.callMs);
}

function outputOf(state: string | null, input: RegisterInput): RegisterOutput {
  if (input.kind === "read") return state;
  if (input.kind === "write") return "ok";
  return state === null ? "no-key" : state === input.expected ? "swapped" : "differs";
}

describe("randomized histories from a sequential register", () => {
  const seeds = Array.from({ length: 40 }, (_, i) => i + 1);

  test("always pass", () => {
    for (const seed of seeds) {
      const result = checkRegisterHistory(randomHistory(seed, { clients: 6, opsPerClient: 60, keys: 3 }));
      if (result.verdict !== "linearizable") throw new Error(`seed ${seed}: ${JSON.stringify(result)}`);
    }
  });

  test("fail once one read returns a value nobody wrote", () => {
    for (const seed of seeds) {
      const history = randomHistory(seed, { clients: 6, opsPerClient: 60, keys: 3 });
      const reads = history.map((o, i) => ({ o, i })).filter(({ o }) => o.input.kind === "read");
      const victim = reads[Math.floor(seededRandom(seed * 7)() * reads.length)] as { o: RegisterOperation; i: number };
      history[victim.i] = { ...victim.o, output: "never-written" };
      expect([seed, checkRegisterHistory(history).verdict]).toEqual([seed, "violation"]);
    }
  });

  test("fail once one read returns a value overwritten before it began (a stale read)", () => {
    let mutated = 0;
    for (const seed of seeds) {
      const history = randomHistory(seed, { clients: 6, opsPerClient: 60, keys: 3 });
      const stale = staleReadMutation(history);
      if (stale === null) continue;
      mutated++;
      history[stale.index] = { ...(history[stale.index] as RegisterOperation), output: stale.value };
      expect([seed, checkRegisterHistory(history).verdict]).toEqual([seed, "violation"]);
    }
    expect(mutated).toBeGreaterThan(seeds.length / 2);
  });
});
