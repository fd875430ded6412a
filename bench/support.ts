// Helpers the comparison benchmarks share: free loopback ports, a one-command probe, and a Bunker
// tree exported from a git revision (so uncommitted work cannot change what is measured).
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";

/** A free loopback port, never Redis's default 6379 (a developer's own server may want it). */
export async function freePort(): Promise<number> {
  for (;;) {
    const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = listener.port;
    listener.stop(true);
    if (port !== 6379) return port;
  }
}

/** Sends one inline command on a fresh connection; resolves with the first reply bytes, or null. */
export function probe(port: number, command: string, timeoutMs = 2000): Promise<string | null> {
  return new Promise((done) => {
    let settled = false;
    const finish = (v: string | null): void => {
      if (settled) return;
      settled = true;
      done(v);
    };
    setTimeout(() => finish(null), timeoutMs);
    Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(s) {
          s.write(command + "\r\n");
        },
        data(s, chunk) {
          finish(Buffer.from(chunk).toString("latin1"));
          s.end();
        },
        error() {
          finish(null);
        },
        close() {
          finish(null);
        },
        connectError() {
          finish(null);
        },
      },
    }).catch(() => finish(null));
  });
}

/**
 * The directory Bunker runs from: `repoRoot` itself when `rev` is empty, else `tree` filled from a
 * `git archive` of `rev` (src, native, package files) with the repository's node_modules linked in and
 * the native library built.
 */
export function bunkerTreeAt(repoRoot: string, rev: string, tree: string): string {
  if (rev === "") return repoRoot;
  mkdirSync(tree);
  const archive = Bun.spawnSync(["git", "archive", "--format=tar", rev, "src", "native", "package.json", "tsconfig.json", "bunfig.toml"], { cwd: repoRoot });
  if (archive.exitCode !== 0) throw new Error(`git archive ${rev}: ${archive.stderr.toString()}`);
  const untar = Bun.spawnSync(["tar", "-x", "-C", tree], { stdin: archive.stdout });
  if (untar.exitCode !== 0) throw new Error(`tar: ${untar.stderr.toString()}`);
  symlinkSync(join(repoRoot, "node_modules"), join(tree, "node_modules"));
  const make = Bun.spawnSync(["make", "-s", "-C", join(tree, "native")]);
  if (make.exitCode !== 0) throw new Error(`make -C native: ${make.stderr.toString()}`);
  return tree;
}
