// Runs every scenario script in test/raft/scenarios/ against the Raft core and compares the transcript
// with the recorded one; RAFT_REWRITE=1 re-records the transcripts instead.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CasePart, parseScript, renderScript } from "./datadriven.ts";
import { Interaction } from "./interaction.ts";

const directory = join(import.meta.dir, "scenarios");
const rewrite = process.env.RAFT_REWRITE === "1";

describe("raft scenarios", () => {
  for (const file of readdirSync(directory).filter((f) => f.endsWith(".txt")).sort()) {
    test(file, () => {
      const path = join(directory, file);
      const parts = parseScript(readFileSync(path, "utf8"));
      const env = new Interaction();
      const outputs = new Map<CasePart, string>();
      for (const part of parts) {
        if (part.kind !== "case") continue;
        const actual = env.run(part.command);
        outputs.set(part, actual);
        if (!rewrite) expect(`${file}:${part.line} ${part.command}\n${actual}`).toBe(`${file}:${part.line} ${part.command}\n${part.expected}`);
      }
      if (rewrite) writeFileSync(path, renderScript(parts, outputs));
    });
  }
});
