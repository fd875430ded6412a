// A linearizability checker for histories of register operations (read, write, compare-and-swap), in the
// style of Porcupine: Wing & Gong's search as improved by Lowe (memoise every (set of linearized
// operations, register state) already explored, so no configuration is searched twice), run separately for
// each key (registers are independent, so a history is linearizable iff every key's sub-history is).
//
// An operation whose outcome the client never learned (timeout, connection reset) may have taken effect at
// any moment after its call, or never: its return time is Infinity and its output is unconstrained, as in
// Porcupine and Knossos. A read with an unknown outcome constrains nothing and is dropped.
//
// The search is bounded (searchStepsMax per key); running out of budget is reported as its own verdict, never
// as a pass.

/** What a client asked for. `null` as a value means "no such key". */
export type RegisterInput =
  | { readonly kind: "read" }
  | { readonly kind: "write"; readonly value: string }
  /** Bunker's `CAS key expected new`: swaps when the current value equals `expected`. */
  | { readonly kind: "cas"; readonly expected: string; readonly value: string };

/** What the client was told. Reads return the value; writes "ok"; CAS 1 / 0 / nil as swapped / differs / no-key. */
export type RegisterOutput = string | null | "ok" | "swapped" | "differs" | "no-key";

export interface RegisterOperation {
  readonly client: number;
  readonly key: string;
  readonly input: RegisterInput;
  /** `undefined`: the outcome is unknown (the operation may or may not have happened). */
  readonly output: RegisterOutput | undefined;
  /** When the request was sent and when its reply arrived (Infinity when the outcome is unknown), same clock. */
  readonly callMs: number;
  readonly returnMs: number;
}

export interface CheckOptions {
  /** Search steps (tries to linearize an operation) allowed per key before giving up. */
  readonly searchStepsMax?: number;
}

export type CheckResult =
  | { readonly verdict: "linearizable"; readonly keys: number; readonly operations: number; readonly searchSteps: number }
  | { readonly verdict: "violation"; readonly key: string; readonly operations: readonly RegisterOperation[]; readonly explanation: string }
  | { readonly verdict: "budget-exceeded"; readonly key: string; readonly searchSteps: number };

export const defaultSearchStepsMax = 5_000_000;

type State = string | null;

/**
 * The sequential specification: the state after applying `input` to `state`, or undefined when the
 * operation could not have returned `output` from that state.
 */
export function stepRegister(state: State, input: RegisterInput, output: RegisterOutput | undefined): { state: State } | undefined {
  switch (input.kind) {
    case "read":
      return output === undefined || output === state ? { state } : undefined;
    case "write":
      return output === undefined || output === "ok" ? { state: input.value } : undefined;
    case "cas": {
      const actual: RegisterOutput = state === null ? "no-key" : state === input.expected ? "swapped" : "differs";
      if (output !== undefined && output !== actual) return undefined;
      return { state: actual === "swapped" ? input.value : state };
    }
  }
}

/** Checks every key's sub-history; the first key that fails decides the result. */
export function checkRegisterHistory(history: readonly RegisterOperation[], opts: CheckOptions = {}): CheckResult {
  const byKey = new Map<string, RegisterOperation[]>();
  for (const op of history) {
    // An unanswered read cannot have changed anything and its value is unknown: it constrains nothing.
    if (op.input.kind === "read" && op.output === undefined) continue;
    if (!(op.returnMs >= op.callMs)) throw new Error(`linearizability: operation returns before its call: ${describeOperation(op)}`);
    let ops = byKey.get(op.key);
    if (ops === undefined) byKey.set(op.key, (ops = []));
    ops.push(op);
  }
  let steps = 0;
  let operations = 0;
  for (const [key, ops] of byKey) {
    const result = checkOneKey(ops, opts.searchStepsMax ?? defaultSearchStepsMax);
    if (result.verdict === "violation") {
      return { verdict: "violation", key, operations: ops, explanation: explainViolation(ops, result.deepest) };
    }
    if (result.verdict === "budget-exceeded") return { verdict: "budget-exceeded", key, searchSteps: result.steps };
    steps += result.steps;
    operations += ops.length;
  }
  return { verdict: "linearizable", keys: byKey.size, operations, searchSteps: steps };
}

/** One call or return event in the doubly linked list the search walks and edits. */
interface Event {
  readonly op: number;
  readonly isCall: boolean;
  /** For a call, its return event. */
  match: Event | null;
  prev: Event | null;
  next: Event | null;
}

type KeyResult =
  | { verdict: "linearizable"; steps: number }
  | { verdict: "violation"; steps: number; deepest: readonly number[] }
  | { verdict: "budget-exceeded"; steps: number };

function checkOneKey(ops: readonly RegisterOperation[], stepsMax: number): KeyResult {
  const head = buildEvents(ops);
  const n = ops.length;
  const linearized = new Uint32Array((n + 31) >>> 5);
  // Zobrist hashing of the linearized set: each operation owns a random 32-bit word, the set's hash is their xor.
  const zobrist = new Uint32Array(n);
  let seed = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed ^ (seed >>> 16), 0x45d9f3b) + i) >>> 0;
    zobrist[i] = (seed ^ (seed >>> 13)) >>> 0;
  }
  let setHash = 0;
  const seen = new Map<number, { bits: Uint32Array; state: State }[]>();
  const remember = (state: State): boolean => {
    const h = (setHash ^ hashState(state)) >>> 0;
    let bucket = seen.get(h);
    if (bucket === undefined) seen.set(h, (bucket = []));
    for (const c of bucket) if (c.state === state && sameBits(c.bits, linearized)) return false;
    bucket.push({ bits: linearized.slice(), state });
    return true;
  };

  const stack: { event: Event; previous: State }[] = [];
  let deepest: number[] = [];
  let state: State = null;
  let steps = 0;
  let entry: Event | null = head.next;
  // Bounded by stepsMax: every iteration is a step.
  while (head.next !== null) {
    if (++steps > stepsMax) return { verdict: "budget-exceeded", steps };
    if (entry === null) throw new Error("linearizability: walked past the last event");
    const op = ops[entry.op] as RegisterOperation;
    if (entry.isCall) {
      const next = stepRegister(state, op.input, op.output);
      if (next !== undefined) {
        setBit(linearized, entry.op, true);
        setHash = (setHash ^ (zobrist[entry.op] as number)) >>> 0;
        if (remember(next.state)) {
          stack.push({ event: entry, previous: state });
          state = next.state;
          lift(entry);
          if (stack.length > deepest.length) deepest = stack.map((s) => s.event.op);
          entry = head.next;
          continue;
        }
        setBit(linearized, entry.op, false);
        setHash = (setHash ^ (zobrist[entry.op] as number)) >>> 0;
      }
      entry = entry.next;
      continue;
    }
    // A return event reached: the operation it ends must have been linearized before this point. Backtrack.
    const top = stack.pop();
    if (top === undefined) return { verdict: "violation", steps, deepest };
    state = top.previous;
    setBit(linearized, top.event.op, false);
    setHash = (setHash ^ (zobrist[top.event.op] as number)) >>> 0;
    unlift(top.event);
    entry = top.event.next;
  }
  return { verdict: "linearizable", steps };
}

/** A sentinel head followed by every call and return, in time order; calls before returns at equal times. */
function buildEvents(ops: readonly RegisterOperation[]): Event {
  const events: { event: Event; timeMs: number }[] = [];
  ops.forEach((op, i) => {
    const call: Event = { op: i, isCall: true, match: null, prev: null, next: null };
    const ret: Event = { op: i, isCall: false, match: null, prev: null, next: null };
    call.match = ret;
    events.push({ event: call, timeMs: op.callMs }, { event: ret, timeMs: op.returnMs });
  });
  // Calls first at equal times: operations that touch at an instant count as concurrent (the permissive reading).
  events.sort((a, b) => a.timeMs - b.timeMs || Number(a.event.isCall === false) - Number(b.event.isCall === false) || a.event.op - b.event.op);
  const head: Event = { op: -1, isCall: false, match: null, prev: null, next: null };
  let last = head;
  for (const { event } of events) {
    last.next = event;
    event.prev = last;
    last = event;
  }
  return head;
}

/** Removes a call and its return from the list (the operation is linearized). */
function lift(call: Event): void {
  unlink(call);
  unlink(call.match as Event);
}

/** Puts them back, in reverse order of removal. */
function unlift(call: Event): void {
  relink(call.match as Event);
  relink(call);
}

function unlink(e: Event): void {
  (e.prev as Event).next = e.next;
  if (e.next !== null) e.next.prev = e.prev;
}

function relink(e: Event): void {
  (e.prev as Event).next = e;
  if (e.next !== null) e.next.prev = e;
}

function setBit(bits: Uint32Array, i: number, on: boolean): void {
  const word = i >>> 5;
  const mask = 1 << (i & 31);
  bits[word] = on ? (bits[word] as number) | mask : (bits[word] as number) & ~mask;
}

function sameBits(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function hashState(state: State): number {
  if (state === null) return 0x5bd1e995;
  let h = 0x811c9dc5;
  for (let i = 0; i < state.length; i++) h = Math.imul(h ^ state.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function describeOperation(op: RegisterOperation): string {
  const input = op.input.kind === "read" ? "GET" : op.input.kind === "write" ? `SET ${op.input.value}` : `CAS ${op.input.expected} ${op.input.value}`;
  const output = op.output === undefined ? "?" : JSON.stringify(op.output);
  const end = Number.isFinite(op.returnMs) ? op.returnMs.toFixed(1) : "∞";
  return `client ${op.client} [${op.callMs.toFixed(1)}, ${end}] ${input} -> ${output}`;
}

/**
 * The longest prefix the search could linearize, and the operations that no extension of it could place:
 * usually enough to see the stale read.
 */
function explainViolation(ops: readonly RegisterOperation[], deepest: readonly number[]): string {
  const placed = new Set(deepest);
  let state: State = null;
  for (const i of deepest) state = stepRegister(state, (ops[i] as RegisterOperation).input, (ops[i] as RegisterOperation).output)?.state ?? state;
  // The operations that could come next after that prefix: called before the earliest unplaced return.
  const unplaced = ops.map((op, i) => ({ op, i })).filter(({ i }) => !placed.has(i));
  const horizonMs = unplaced.reduce((t, { op }) => Math.min(t, op.returnMs), Infinity);
  const blocked = unplaced
    .filter(({ op }) => op.callMs <= horizonMs)
    .sort((a, b) => a.op.callMs - b.op.callMs)
    .slice(0, 12)
    .map(({ op }) => "  " + describeOperation(op));
  const tail = deepest.slice(-8).map((i) => "  " + describeOperation(ops[i] as RegisterOperation));
  return [
    `${deepest.length} of ${ops.length} operations linearized at most; register then ${JSON.stringify(state)}.`,
    "last operations of that order:",
    ...tail,
    "operations pending there that cannot come next:",
    ...blocked,
  ].join("\n");
}

/**
 * A read R and a value v such that v's only writer W1 returned before another completed write W2 on the same key
 * began, and W2 returned before R began: R returning v is then impossible when every written value is unique.
 * Used to show that a checker run over a recorded history would catch a stale read.
 */
export function staleReadMutation(history: readonly RegisterOperation[]): { index: number; value: string } | null {
  const writes = history.filter((o) => o.input.kind === "write" && o.output === "ok");
  for (let index = 0; index < history.length; index++) {
    const r = history[index] as RegisterOperation;
    if (r.input.kind !== "read") continue;
    for (const w2 of writes) {
      if (w2.key !== r.key || !(w2.returnMs < r.callMs)) continue;
      const w1 = writes.find((w) => w.key === r.key && w.returnMs < w2.callMs && w.input.kind === "write" && w.input.value !== r.output);
      if (w1 !== undefined && w1.input.kind === "write") return { index, value: w1.input.value };
    }
  }
  return null;
}
