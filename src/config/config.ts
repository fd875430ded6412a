// The running configuration: defaults, then the config file, then environment variables, then flags.
// Values are kept as strings (as CONFIG GET shows them) with typed accessors for the hot ones.
import { readFileSync } from "node:fs";
import { envNameOf, paramSpec, paramSpecs, parseBytes, validateParam, type MaxmemoryPolicy, type ParamSpec } from "./params.ts";

/** The form a valid value is kept (and shown by CONFIG GET) in. */
function storedForm(spec: ParamSpec, value: string): string {
  if (spec.kind === "enum" || spec.kind === "bool") return value.toLowerCase();
  // Redis keeps memory values as numbers: CONFIG GET shows `1mb` as 1048576.
  if (spec.kind === "bytes") return String(parseBytes(value) ?? value);
  return spec.canonical?.(value) ?? value;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export class Config {
  private readonly values = new Map<string, string>();
  private readonly intCache = new Map<string, number>();
  /** Called after CONFIG SET with the name and the value as given (before canonicalisation). */
  private readonly listeners: ((name: string, given: string) => void)[] = [];

  constructor(overrides: Record<string, string> = {}) {
    for (const p of paramSpecs) this.values.set(p.name, p.defaultValue);
    for (const [k, v] of Object.entries(overrides)) this.setInitial(k, v);
  }

  /** Sets a value at start-up (any parameter); throws ConfigError on an unknown name or bad value. */
  setInitial(name: string, value: string): void {
    const spec = paramSpec(name.toLowerCase());
    if (!spec) throw new ConfigError(`unknown parameter '${name}'`);
    const err = validateParam(spec, value);
    if (err) throw new ConfigError(`invalid value for '${name}': ${err}`);
    this.intCache.clear();
    this.values.set(spec.name, storedForm(spec, value));
  }

  /**
   * CONFIG SET of several parameters, all or none (Redis 7.0's configSetCommand): the first unknown,
   * immutable or repeated parameter in argument order is the error (named as given); else the first
   * value that does not validate (named by its canonical name), and then nothing is set. Listeners run
   * once every value is in place. Returns an error text or null.
   */
  setRuntimeAll(pairs: readonly (readonly [string, string])[]): string | null {
    const specs: ParamSpec[] = [];
    for (const [name] of pairs) {
      const spec = paramSpec(name.toLowerCase());
      if (!spec) return `Unknown option or number of arguments for CONFIG SET - '${name}'`;
      if (!spec.mutable) return `CONFIG SET failed (possibly related to argument '${name}') - can't set immutable config`;
      if (spec.protected === true) return `CONFIG SET failed (possibly related to argument '${name}') - can't set protected config`;
      if (specs.includes(spec)) return `CONFIG SET failed (possibly related to argument '${name}') - duplicate parameter`;
      specs.push(spec);
    }
    for (let i = 0; i < pairs.length; i++) {
      const spec = specs[i] as ParamSpec;
      const err = validateParam(spec, (pairs[i] as readonly [string, string])[1]);
      if (err) return `CONFIG SET failed (possibly related to argument '${spec.name}') - ${err}`;
    }
    this.intCache.clear();
    for (let i = 0; i < pairs.length; i++) {
      const spec = specs[i] as ParamSpec;
      this.values.set(spec.name, storedForm(spec, (pairs[i] as readonly [string, string])[1]));
    }
    for (let i = 0; i < pairs.length; i++) for (const l of this.listeners) l((specs[i] as ParamSpec).name, (pairs[i] as readonly [string, string])[1]);
    return null;
  }



  onChange(listener: (name: string, given: string) => void): void {
    this.listeners.push(listener);
  }

  get(name: string): string {
    const v = this.values.get(name);
    if (v === undefined) throw new Error(`bug: unknown config parameter ${name}`);
    return v;
  }

  /** Numeric value; parsed once per change (hot paths read limits on every command). */
  int(name: string): number {
    const cached = this.intCache.get(name);
    if (cached !== undefined) return cached;
    const spec = paramSpec(name);
    const raw = this.get(name);
    const value = spec?.kind === "bytes" ? (parseBytes(raw) ?? 0) : Number(raw);
    this.intCache.set(name, value);
    return value;
  }

  bool(name: string): boolean {
    return this.get(name) === "yes";
  }

  get maxmemoryPolicy(): MaxmemoryPolicy {
    return this.get("maxmemory-policy") as MaxmemoryPolicy;
  }

  entries(): [string, string][] {
    return paramSpecs.map((p) => [p.name, this.get(p.name)]);
  }
}

/** Parses a redis.conf-style file: `name value` per line, `#` comments. */
export function parseConfigFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e: unknown) {
    throw new ConfigError(`cannot read config file ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (t === "" || t.startsWith("#")) return;
    const m = /^(\S+)\s*(.*)$/.exec(t);
    if (!m || m[1] === undefined) throw new ConfigError(`${path}:${i + 1}: cannot parse '${t}'`);
    let value = m[2] ?? "";
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    out[m[1].toLowerCase()] = value;
  });
  return out;
}

export interface CliResult {
  readonly config: Config;
  readonly help: boolean;
}

export function helpText(): string {
  const lines = ["Usage: bun run start [--flag value ...]", "", "Every flag is also an environment variable (BUNKER_<NAME>) and a config-file key.", ""];
  lines.push("  --config FILE".padEnd(40) + "read parameters from a redis.conf-style file (BUNKER_CONFIG)");
  for (const p of paramSpecs) {
    lines.push(`  --${p.name} ${p.kind === "bool" ? "yes|no" : p.kind.toUpperCase()}`.padEnd(40) + `${p.description} (default: ${p.defaultValue === "" ? '""' : p.defaultValue}; ${envNameOf(p.name)})`);
  }
  lines.push("  --help".padEnd(40) + "show this help");
  return lines.join("\n");
}

/** Builds the configuration from argv and the environment: defaults < file < environment < flags. */
export function configFromCli(argv: readonly string[], env: Record<string, string | undefined>): CliResult {
  const flags: Record<string, string> = {};
  let configFile = env["BUNKER_CONFIG"];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    if (!arg.startsWith("--")) throw new ConfigError(`unexpected argument '${arg}' (see --help)`);
    let name = arg.slice(2);
    let value: string | undefined;
    const eq = name.indexOf("=");
    if (eq !== -1) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    } else {
      value = argv[++i];
    }
    if (value === undefined) throw new ConfigError(`flag --${name} needs a value`);
    if (name === "config") configFile = value;
    else flags[name] = value;
  }
  const config = new Config();
  if (configFile) for (const [k, v] of Object.entries(parseConfigFile(configFile))) config.setInitial(k, v);
  for (const p of paramSpecs) {
    const v = env[envNameOf(p.name)];
    if (v !== undefined) config.setInitial(p.name, v);
  }
  for (const [k, v] of Object.entries(flags)) config.setInitial(k, v);
  return { config, help };
}
