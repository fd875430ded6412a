// Runs differential cases against a reference server (redis-server) and a candidate (Bunker), over RESP2
// and RESP3, and compares every reply byte for byte, falling back to a case's declared normalisers.
//
// Isolation: every case, for each protocol, runs on a fresh connection whose first command is FLUSHALL
// (not compared, but it must answer +OK on both servers). Cases therefore see empty databases, the
// default database 0, and fresh connection state, and may use any key names, SELECT, SWAPDB and FLUSHALL
// themselves. Cases run one after another: they share the servers, so they cannot overlap.
import { ConnectionClosedError, RawClient, ReplyTimeoutError } from "../support/raw-client.ts";
import {
  type Arg,
  type Protocol,
  bytesEqual,
  decodeReply,
  encodeReply,
  renderArg,
  renderRawReply,
} from "../support/resp.ts";
import type { Command, DiffCase } from "./case.ts";
import { type Normaliser, defaultNormalisers } from "./normalise.ts";

export interface Endpoint {
  /** Shown in reports, e.g. "redis" or "bunker". */
  readonly label: string;
  readonly port: number;
}

export interface DiffOptions {
  readonly reference: Endpoint;
  readonly candidate: Endpoint;
  /** Protocols to run each case over; both by default. */
  readonly protocols?: readonly Protocol[];
  /** How long to wait for one reply before calling it a timeout. */
  readonly replyTimeoutMs?: number;
}

export type Outcome =
  | { readonly kind: "reply"; readonly bytes: Uint8Array }
  | { readonly kind: "closed" }
  | { readonly kind: "timeout" }
  | { readonly kind: "error"; readonly message: string };

export interface Difference {
  readonly caseName: string;
  readonly proto: Protocol;
  /** Index into the script actually sent: the case's cmds, preceded by HELLO 3 under RESP3. */
  readonly index: number;
  readonly script: readonly Command[];
  readonly reference: Outcome;
  readonly candidate: Outcome;
  /** Labels of the normalisers that were tried on this reply. */
  readonly normalisers: readonly string[];
}

export interface DiffReport {
  /** Cases times protocols. */
  compared: number;
  identical: number;
  normalised: number;
  different: number;
  differences: Difference[];
  /** Case runs counted as different without being run, because the candidate stopped answering. */
  notRun: number;
}

export const replyTimeoutMsDefault = 5_000;
/** After this many timeouts the candidate is taken to be hung and the remaining cases are not run. */
export const timeoutsMax = 3;

const setupCommand: Command = ["FLUSHALL"];
const helloCommand: Command = ["HELLO", "3"];

type Verdict = "identical" | "normalised" | "different";

/** Runs every case over every protocol and returns the counts and the differences. */
export async function runDiff(cases: readonly DiffCase[], options: DiffOptions): Promise<DiffReport> {
  assertUniqueNames(cases);
  const report: DiffReport = { compared: 0, identical: 0, normalised: 0, different: 0, differences: [], notRun: 0 };
  const protocols = options.protocols ?? [2, 3];
  let timeouts = 0;
  for (const diffCase of cases) {
    for (const proto of protocols) {
      report.compared += 1;
      if (timeouts >= timeoutsMax) {
        report.different += 1;
        report.notRun += 1;
        continue;
      }
      const result = await runCase(diffCase, proto, options);
      report[result.verdict] += 1;
      if (result.difference !== undefined) {
        report.differences.push(result.difference);
        if (isTimeout(result.difference)) timeouts += 1;
      }
    }
  }
  return report;
}

function assertUniqueNames(cases: readonly DiffCase[]): void {
  const seen = new Set<string>();
  for (const diffCase of cases) {
    if (seen.has(diffCase.name)) throw new Error(`two differential cases are named ${JSON.stringify(diffCase.name)}`);
    seen.add(diffCase.name);
  }
}

function isTimeout(difference: Difference): boolean {
  return difference.candidate.kind === "timeout" || difference.reference.kind === "timeout";
}

/** The summary line, in the exact form other tooling greps for. */
export function summaryLine(report: DiffReport): string {
  return (
    `differential: ${report.compared} cases compared, ${report.identical} identical, ` +
    `${report.normalised} normalised, ${report.different} different`
  );
}

async function runCase(
  diffCase: DiffCase,
  proto: Protocol,
  options: DiffOptions,
): Promise<{ verdict: Verdict; difference?: Difference }> {
  const prelude: Command[] = proto === 3 ? [helloCommand] : [];
  const script: Command[] = [...prelude, ...diffCase.cmds];
  const normalisers = [...defaultNormalisers, ...(diffCase.normalise ?? [])];
  const timeoutMs = options.replyTimeoutMs ?? replyTimeoutMsDefault;
  const clients = await Promise.all([
    openSession(options.reference.port, timeoutMs),
    openSession(options.candidate.port, timeoutMs),
  ]);
  const [reference, candidate] = clients;
  const differenceAt = (index: number, outcomes: [Outcome, Outcome], tried: readonly string[]): Difference => ({
    caseName: diffCase.name,
    proto,
    index,
    script,
    reference: outcomes[0],
    candidate: outcomes[1],
    normalisers: tried,
  });
  try {
    // Setup: both must accept FLUSHALL, or the case's starting state is unknown.
    const setup = await Promise.all([exchange(reference, setupCommand), exchange(candidate, setupCommand)]);
    if (!setup.every(isOk)) {
      return { verdict: "different", difference: differenceAt(-1, setup, []) };
    }
    let normalisedAny = false;
    for (let index = 0; index < script.length; index++) {
      const argv = script[index] ?? [];
      const outcomes = await Promise.all([exchange(reference, argv), exchange(candidate, argv)]);
      const caseIndex = index - prelude.length;
      const applicable = normalisers.filter((n) => n.appliesTo(argv, caseIndex));
      const verdict = compareOutcomes(outcomes, applicable);
      if (verdict === "different") {
        return {
          verdict,
          difference: differenceAt(
            index,
            outcomes,
            applicable.map((n) => n.label),
          ),
        };
      }
      // The harness's own HELLO 3 always differs in id and version; it is still checked, but it does not
      // make the case count as normalised, or every RESP3 case would.
      if (verdict === "normalised" && caseIndex >= 0) normalisedAny = true;
      if (outcomes[0].kind === "closed") break; // both closed: nothing more can be compared
    }
    return { verdict: normalisedAny ? "normalised" : "identical" };
  } finally {
    reference?.close();
    candidate?.close();
  }
}

/** A fresh connection, or undefined when the server refused it (every exchange then reports "closed"). */
async function openSession(port: number, replyTimeoutMs: number): Promise<RawClient | undefined> {
  try {
    return await RawClient.connect(port, { replyTimeoutMs });
  } catch {
    return undefined;
  }
}

async function exchange(client: RawClient | undefined, argv: Command): Promise<Outcome> {
  if (client === undefined || client.closed) return { kind: "closed" };
  try {
    return { kind: "reply", bytes: await client.send(argv) };
  } catch (error: unknown) {
    if (error instanceof ConnectionClosedError) return { kind: "closed" };
    if (error instanceof ReplyTimeoutError) return { kind: "timeout" };
    return { kind: "error", message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

function isOk(outcome: Outcome): boolean {
  return outcome.kind === "reply" && new TextDecoder().decode(outcome.bytes) === "+OK\r\n";
}

function compareOutcomes(outcomes: [Outcome, Outcome], normalisers: readonly Normaliser[]): Verdict {
  const [reference, candidate] = outcomes;
  if (reference.kind !== "reply" || candidate.kind !== "reply") {
    const same = reference.kind === candidate.kind && reference.kind === "closed";
    return same ? "identical" : "different";
  }
  if (bytesEqual(reference.bytes, candidate.bytes)) return "identical";
  if (normalisers.length === 0) return "different";
  let pair;
  try {
    pair = [decodeReply(reference.bytes), decodeReply(candidate.bytes)] as const;
  } catch {
    return "different"; // a reply that does not decode cannot be normalised
  }
  let [left, right] = pair;
  for (const normaliser of normalisers) [left, right] = normaliser.apply(left, right);
  // Encoded as RESP3, which keeps every type tag: a RESP3 type sent to a RESP2 client still shows.
  return bytesEqual(encodeReply(left, 3), encodeReply(right, 3)) ? "normalised" : "different";
}

function renderOutcome(outcome: Outcome, indent: string): string {
  switch (outcome.kind) {
    case "reply":
      return renderRawReply(outcome.bytes, { indent });
    case "closed":
      return `${indent}(connection closed)`;
    case "timeout":
      return `${indent}(no reply: timed out)`;
    case "error":
      return `${indent}(unreadable reply: ${outcome.message})`;
  }
}

export function renderCommand(argv: readonly Arg[]): string {
  return argv.map(renderArg).join(" ");
}

/** Lines of script shown around a difference. */
const scriptLinesMax = 40;

/** A difference, readably: case, protocol, command, both replies as raw RESP lines, and the script. */
export function formatDifference(difference: Difference, options: { reference: string; candidate: string }): string {
  const command =
    difference.index < 0
      ? `${renderCommand(setupCommand)} (setup)`
      : renderCommand(difference.script[difference.index] ?? []);
  const lines = [
    `DIFFERENT ${difference.caseName} [RESP${difference.proto}] command #${difference.index}: ${command}`,
    `  ${options.reference}:`,
    renderOutcome(difference.reference, "    "),
    `  ${options.candidate}:`,
    renderOutcome(difference.candidate, "    "),
  ];
  if (difference.normalisers.length > 0) lines.push(`  normalisers tried: ${difference.normalisers.join(", ")}`);
  if (difference.script.length > 0) {
    lines.push("  script:");
    difference.script.slice(0, scriptLinesMax).forEach((argv, i) => {
      lines.push(`    ${i === difference.index ? ">" : " "} ${i}: ${renderCommand(argv)}`);
    });
    const hidden = difference.script.length - scriptLinesMax;
    if (hidden > 0) lines.push(`      ... ${hidden} more`);
  }
  return lines.join("\n");
}
