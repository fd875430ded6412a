// `npm run bench`: runs every mitata micro-benchmark in bench/ (*.bench.ts), one process each.
// Comparison runs against redis-server are separate commands (see bench/RESULTS.md).
import { readdirSync } from "node:fs";
import { join } from "node:path";

const files = readdirSync(import.meta.dir).filter((f) => f.endsWith(".bench.ts")).sort();
let failed = 0;
for (const f of files) {
  console.log(`\n== ${f}`);
  const p = Bun.spawnSync([process.execPath, join(import.meta.dir, f)], { stdout: "inherit", stderr: "inherit" });
  if (p.exitCode !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
