// A seeded generator of random command scripts for the differential harness. Scripts draw commands from
// per-family template tables (test/diff/gen/*.ts) over a small keyspace, so keys collide, types clash,
// and malformed numbers and unknown options come up often. The same seed always gives the same scripts.
import type { Arg } from "../support/resp.ts";
import type { Command, DiffCase } from "./case.ts";
import { type Normaliser, inExecReply } from "./normalise.ts";

/** A deterministic source of randomness; the only one generated scripts may use. */
export interface Rng {
  /** A float in [0, 1). */
  float(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

/** murmur3's 32-bit finaliser: spreads a seed so that nearby seeds give unrelated streams. */
function mix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** xorshift128 (Marsaglia), seeded through mix32; plenty for choosing test inputs. */
export function createRng(seed: number): Rng {
  const state = new Uint32Array(4);
  for (let i = 0; i < 4; i++) state[i] = mix32(seed + Math.imul(i + 1, 0x9e3779b9));
  if (state.every((word) => word === 0)) state[0] = 1;
  const nextUint32 = (): number => {
    let t = state[3] ?? 0;
    const s = state[0] ?? 0;
    state[3] = state[2] ?? 0;
    state[2] = state[1] ?? 0;
    state[1] = s;
    t ^= t << 11;
    t ^= t >>> 8;
    state[0] = t ^ s ^ (s >>> 19);
    return (state[0] ?? 0) >>> 0;
  };
  const float = (): number => nextUint32() / 4294967296;
  return {
    float,
    int: (min, max) => min + Math.floor(float() * (max - min + 1)),
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error("Rng.pick from an empty list");
      return items[Math.floor(float() * items.length)] as T;
    },
    chance: (probability) => float() < probability,
  };
}

/** What a template draws its arguments from. Keys and values come from small pools on purpose. */
export interface GenContext {
  readonly rng: Rng;
  /** A key from a small keyspace (mostly k0..k3), occasionally empty, binary or hash-tagged. */
  key(): Arg;
  /** A string value: short, empty, numeric-looking, binary, or long. */
  value(): Arg;
  /** A well-formed integer argument between min and max. */
  integer(min: number, max: number): string;
  /** A malformed or out-of-range integer argument: text, floats, padding, 64-bit overflow. */
  badInteger(): string;
  /** A database index: valid most of the time, out of range or malformed otherwise. */
  dbIndex(): string;
  /** Unix time in seconds when the scripts were generated, for EXAT and PXAT. */
  readonly nowSeconds: number;
}

export interface CommandTemplate {
  /** Shown nowhere yet but in the source; say what form of the command it generates. */
  readonly name: string;
  /** Relative frequency; 1 when left out. */
  readonly weight?: number;
  build(context: GenContext): Arg[];
  /** Normalisers for the reply of the generated command, which is command number `index` of the script. */
  normalise?(index: number): Normaliser[];
}

/** A family's templates: one file under test/diff/gen per command family exports `templates`. */
export interface TemplateFamily {
  readonly family: string;
  readonly templates: readonly CommandTemplate[];
}

export interface GenerateOptions {
  readonly seed: number;
  readonly count: number;
  readonly families: readonly TemplateFamily[];
  readonly commandsMin?: number;
  readonly commandsMax?: number;
  /** Defaults to the current time; fixed by tests of the generator itself. */
  readonly nowSeconds?: number;
}

const keyPool: readonly Arg[] = ["k0", "k1", "k2", "k3"];
const oddKeyPool: readonly Arg[] = ["", "K0", "{tag}k0", "k 0", new Uint8Array([107, 0, 255])];
const valuePool: readonly Arg[] = ["v", "hello", "0", "42", "-7", "3.14", "with space", "line\r\nbreak", "x".repeat(300)];
const oddValuePool: readonly Arg[] = ["", new Uint8Array([0, 255, 13, 10, 128])];
const badIntegerPool: readonly string[] = [
  "abc",
  "1.5",
  "",
  " 1",
  "1 ",
  "+1",
  "0x10",
  "1e3",
  "9223372036854775808",
  "-9223372036854775809",
  "99999999999999999999",
];

function createContext(rng: Rng, nowSeconds: number): GenContext {
  return {
    rng,
    nowSeconds,
    key: () => (rng.chance(0.9) ? rng.pick(keyPool) : rng.pick(oddKeyPool)),
    value: () => (rng.chance(0.85) ? rng.pick(valuePool) : rng.pick(oddValuePool)),
    integer: (min, max) => String(rng.int(min, max)),
    badInteger: () => rng.pick(badIntegerPool),
    dbIndex: () => {
      if (rng.chance(0.85)) return String(rng.chance(0.7) ? rng.int(0, 2) : rng.int(0, 15));
      return rng.pick(["16", "-1", "abc", "1.0", "", "9223372036854775808"]);
    },
  };
}

function pickWeighted(rng: Rng, templates: readonly CommandTemplate[], totalWeight: number): CommandTemplate {
  let remaining = rng.float() * totalWeight;
  for (const template of templates) {
    remaining -= template.weight ?? 1;
    if (remaining < 0) return template;
  }
  const last = templates[templates.length - 1];
  if (last === undefined) throw new Error("no command templates");
  return last;
}

/** Seed for script `index` of a run: each script can be regenerated on its own. */
export function scriptSeed(seed: number, index: number): number {
  return mix32(seed ^ Math.imul(index + 1, 0x27d4eb2d));
}

const commandWord = (arg: Arg | undefined): string => (typeof arg === "string" ? arg.toUpperCase() : "");

/**
 * Follows MULTI/EXEC in a generated script so that the normalisers of a queued command also apply to its
 * element of EXEC's reply. Counts as queued every command inside MULTI but MULTI and WATCH (refused
 * without being queued); a command refused with an error makes EXEC fail as a whole, so its slot does
 * not matter.
 */
class QueuedNormalisers {
  private inMulti = false;
  private queued: { position: number; normalisers: readonly Normaliser[] }[] = [];
  private position = 0;

  /** Extra normalisers for command `index` (argv), given its own. */
  after(argv: readonly Arg[], index: number, own: readonly Normaliser[]): Normaliser[] {
    const word = commandWord(argv[0]);
    const bare = argv.length === 1;
    if (!this.inMulti) {
      if (word === "MULTI" && bare) this.begin();
      return [];
    }
    if (word === "EXEC" && bare) {
      const extra = this.queued.flatMap((q) => q.normalisers.map((n) => inExecReply(n, index, q.position)));
      this.inMulti = false;
      return extra;
    }
    if ((word === "DISCARD" && bare) || word === "RESET" || word === "QUIT") this.inMulti = false;
    else if (word !== "MULTI" && word !== "WATCH") {
      if (own.length > 0) this.queued.push({ position: this.position, normalisers: own });
      this.position++;
    }
    return [];
  }

  private begin(): void {
    this.inMulti = true;
    this.queued = [];
    this.position = 0;
  }
}

/** Generates `count` scripts as differential cases named "generated #<i> (seed <seed>)". */
export function generateCases(options: GenerateOptions): DiffCase[] {
  const templates = options.families.flatMap((family) => family.templates);
  const totalWeight = templates.reduce((sum, template) => sum + (template.weight ?? 1), 0);
  if (templates.length === 0) return []; // every family filtered out
  const commandsMin = options.commandsMin ?? 4;
  const commandsMax = options.commandsMax ?? 16;
  const nowSeconds = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const cases: DiffCase[] = [];
  for (let i = 0; i < options.count; i++) {
    const rng = createRng(scriptSeed(options.seed, i));
    const context = createContext(rng, nowSeconds);
    const cmds: Command[] = [];
    const normalise: Normaliser[] = [];
    const length = rng.int(commandsMin, commandsMax);
    const transaction = new QueuedNormalisers();
    for (let index = 0; index < length; index++) {
      const template = pickWeighted(rng, templates, totalWeight);
      const argv = template.build(context);
      const own = template.normalise?.(index) ?? [];
      cmds.push(argv);
      normalise.push(...own, ...transaction.after(argv, index, own));
    }
    cases.push({ name: `generated #${i} (seed ${options.seed})`, cmds, normalise });
  }
  return cases;
}

/** The seed from DIFF_SEED when set (a decimal integer), otherwise a fresh random one. */
export function seedFromEnvironment(value: string | undefined): number {
  if (value !== undefined && value !== "") {
    const seed = Number(value);
    if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new Error(`DIFF_SEED must be an integer from 0 to 4294967295, got ${JSON.stringify(value)}`);
    }
    return seed;
  }
  return crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
}
