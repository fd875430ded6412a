// A minimal data-driven test file format (after cockroachdb/datadriven as used by etcd-io/raft):
//   command args...
//   ----
//   expected output (no blank lines)
// separated by blank lines; lines starting with '#' between cases are comments.

export interface TextPart {
  readonly kind: "text";
  readonly lines: string[];
}

export interface CasePart {
  readonly kind: "case";
  readonly command: string;
  /** 1-based line of the command, for failure messages. */
  readonly line: number;
  readonly expected: string;
}

export type Part = TextPart | CasePart;

export function parseScript(text: string): Part[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const parts: Part[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.trim() === "" || line.startsWith("#")) {
      const last = parts[parts.length - 1];
      if (last?.kind === "text") last.lines.push(line);
      else parts.push({ kind: "text", lines: [line] });
      i++;
      continue;
    }
    if (lines[i + 1] !== "----") throw new Error(`line ${i + 2}: expected ---- after command "${line}"`);
    const output: string[] = [];
    let j = i + 2;
    while (j < lines.length && (lines[j] as string).trim() !== "") output.push(lines[j++] as string);
    parts.push({ kind: "case", command: line, line: i + 1, expected: output.join("\n") });
    i = j;
  }
  return parts;
}

export function renderScript(parts: readonly Part[], outputs: ReadonlyMap<CasePart, string>): string {
  const out: string[] = [];
  for (const part of parts) {
    if (part.kind === "text") out.push(...part.lines);
    else out.push(part.command, "----", outputs.get(part) ?? part.expected);
  }
  return `${out.join("\n")}\n`;
}
