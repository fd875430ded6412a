// The format of a differential case: a script of commands run on one fresh connection to each server.
import type { Arg } from "../support/resp.ts";
import type { Normaliser } from "./normalise.ts";

export type Command = readonly Arg[];

export interface DiffCase {
  /** Shown in reports; unique within the run, conventionally "<family>: <what it checks>". */
  readonly name: string;
  /** Sent one at a time, in order, each waiting for its reply, on one connection to each server. */
  readonly cmds: readonly Command[];
  /** The only ways this case's replies may differ from Redis; see NORMALISATIONS.md. */
  readonly normalise?: readonly Normaliser[];
}

/** A family's cases: one file under test/diff/cases per command family exports `cases`. */
export interface CaseFamily {
  readonly family: string;
  readonly cases: readonly DiffCase[];
}

/** Splits a command line on spaces, for readable cases: cmd("SET k v EX 10"). Use arrays for odd bytes. */
export function cmd(line: string): string[] {
  return line.split(" ");
}

/** A case whose commands are written as lines split on spaces. */
export function script(name: string, lines: readonly string[], normalise?: readonly Normaliser[]): DiffCase {
  const cmds = lines.map(cmd);
  return normalise === undefined ? { name, cmds } : { name, cmds, normalise };
}
