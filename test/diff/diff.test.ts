// Differential test: every hand-written case and a batch of generated scripts must get the same replies,
// byte for byte over RESP2 and RESP3, from Bunker as from redis-server 7.0 (or from a second redis-server
// when DIFF_TARGET=redis, which checks the harness itself). Environment knobs are listed in README.md.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ServerHandle, startBunker, startRedis } from "../support/servers.ts";
import type { DiffCase } from "./case.ts";
import { caseFamilies } from "./cases/index.ts";
import { templateFamilies } from "./gen/index.ts";
import { generateCases, seedFromEnvironment } from "./generator.ts";
import { formatDifference, runDiff, summaryLine, timeoutsMax } from "./harness.ts";

const target = process.env.DIFF_TARGET ?? "bunker";
if (target !== "bunker" && target !== "redis") throw new Error(`DIFF_TARGET must be bunker or redis, got ${target}`);
const generatedCount = Number(process.env.DIFF_GENERATED ?? "300");
if (!Number.isSafeInteger(generatedCount) || generatedCount < 0) throw new Error("DIFF_GENERATED must be a count");
const seed = seedFromEnvironment(process.env.DIFF_SEED);
const familyFilter = process.env.DIFF_FAMILIES?.split(",").filter((name) => name !== "");
const caseFilter = process.env.DIFF_CASE;

const inFamilies = (family: string): boolean => familyFilter === undefined || familyFilter.includes(family);

function selectedCases(): DiffCase[] {
  const handWritten = caseFamilies.filter((f) => inFamilies(f.family)).flatMap((f) => f.cases);
  const generated = generateCases({
    seed,
    count: generatedCount,
    families: templateFamilies.filter((f) => inFamilies(f.family)),
  });
  const all = [...handWritten, ...generated];
  return caseFilter === undefined ? all : all.filter((c) => c.name.includes(caseFilter));
}

describe(`differential: ${target} against redis-server`, () => {
  let reference: ServerHandle | undefined;
  let candidate: ServerHandle | undefined;

  beforeAll(async () => {
    const started = await Promise.allSettled([
      startRedis(),
      target === "redis" ? startRedis() : startBunker({ args: ["--shards", "4"] }),
    ]);
    // Keep whichever started, so afterAll stops it even when the other failed.
    if (started[0].status === "fulfilled") reference = started[0].value;
    if (started[1].status === "fulfilled") candidate = started[1].value;
    for (const result of started) if (result.status === "rejected") throw result.reason;
  }, 40_000);

  afterAll(async () => {
    for (const server of [reference, candidate]) {
      if (server === undefined) continue;
      await server.stop();
      await server.removeDir();
    }
  });

  test("hand-written and generated cases get the same replies", async () => {
    if (reference === undefined || candidate === undefined) throw new Error("servers did not start");
    const labels = { reference: "redis-server", candidate: target === "redis" ? "redis-server (second)" : "bunker" };
    console.log(`differential: generated scripts use seed ${seed} (replay with DIFF_SEED=${seed})`);
    const report = await runDiff(selectedCases(), {
      reference: { label: labels.reference, port: reference.port },
      candidate: { label: labels.candidate, port: candidate.port },
    });
    for (const difference of report.differences) console.log(`${formatDifference(difference, labels)}\n`);
    if (report.notRun > 0) {
      console.log(`${report.notRun} case runs were not run: the candidate timed out ${timeoutsMax} times.`);
    }
    console.log(summaryLine(report));
    const names = report.differences.map((d) => `${d.caseName} [RESP${d.proto}]`);
    if (report.notRun > 0) names.push(`${report.notRun} case runs not run`);
    expect(names, `${report.different} case runs differ (seed ${seed}); details above`).toEqual([]);
  }, 120_000);
});
