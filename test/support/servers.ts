// Starting and stopping real servers for cross-module tests: redis-server as the reference and Bunker
// (src/main.ts) as the system under test, each on a free loopback port, waiting until PING answers.
import type { Subprocess } from "bun";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { RawClient } from "./raw-client.ts";

/** The repository root, where Bunker is started from. */
export const repoRoot = resolve(import.meta.dir, "../..");

/** How long startBunker waits for PING to answer before failing. */
export const bunkerStartTimeoutMs = 20_000;
/** How long startRedis waits for PING to answer before failing. */
export const redisStartTimeoutMs = 10_000;
/** Pause between readiness probes. */
const readyProbeIntervalMs = 25;
/** How long stop() waits after its signal before escalating to SIGKILL. */
export const stopTimeoutMs = 10_000;
/** Attempts to start on a fresh port when the first one turned out to be taken (freePort has a small race). */
const portAttemptsMax = 3;
/** Bytes of each server's combined stdout/stderr kept for error messages. */
const outputTailBytesMax = 64 * 1024;

export interface ServerHandle {
  readonly port: number;
  /** The data directory. Created by the helper unless the caller passed one; stop() leaves it in place. */
  readonly dir: string;
  readonly proc: Subprocess;
  /** Sends `signal` (SIGTERM by default), waits for exit, escalates to SIGKILL after stopTimeoutMs. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** SIGKILL and wait for exit: a crash as far as the server can tell. */
  kill9(): Promise<void>;
  /** The tail of the server's stdout and stderr, for failure messages. */
  output(): string;
  /** Deletes the data directory if the helper created it (a directory passed in by the caller is kept). */
  removeDir(): Promise<void>;
}

/** Resolves with a TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("freePort: no TCP address"));
        return;
      }
      server.close(() => resolvePort(address.port));
    });
  });
}

/** Starts redis-server on a free port with persistence off and a fresh temporary directory. */
export async function startRedis(opts: { args?: string[] } = {}): Promise<ServerHandle> {
  const dir = await mkdtemp(join(tmpdir(), "bunker-test-redis-"));
  return startWithPortRetry({
    name: "redis-server",
    dir,
    ownsDir: true,
    timeoutMs: redisStartTimeoutMs,
    cwd: dir,
    env: {},
    command: (port) => [
      "redis-server",
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--protected-mode",
      "no",
      ...(opts.args ?? []),
    ],
  });
}

/** Starts Bunker (src/main.ts under the running Bun) on a free port; `dir` defaults to a fresh temporary one. */
export async function startBunker(
  opts: { args?: string[]; dir?: string; env?: Record<string, string>; port?: number } = {},
): Promise<ServerHandle> {
  const ownsDir = opts.dir === undefined;
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), "bunker-test-")));
  const spec: StartSpec = {
    name: "bunker",
    dir,
    ownsDir,
    timeoutMs: bunkerStartTimeoutMs,
    cwd: repoRoot,
    env: opts.env ?? {},
    command: (port) => [
      process.execPath,
      "src/main.ts",
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      ...(opts.args ?? []),
    ],
  };
  // A caller that names the port (cluster members must know each other's ports) gets exactly that one.
  return opts.port === undefined ? startWithPortRetry(spec) : startOnce(spec, opts.port);
}

interface StartSpec {
  name: string;
  dir: string;
  ownsDir: boolean;
  timeoutMs: number;
  cwd: string;
  env: Record<string, string>;
  command(port: number): string[];
}

class ServerStartError extends Error {
  override name = "ServerStartError";
  constructor(
    message: string,
    readonly portTaken: boolean,
  ) {
    super(message);
  }
}

async function startWithPortRetry(spec: StartSpec): Promise<ServerHandle> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(spec, await freePort());
    } catch (error: unknown) {
      const retry = error instanceof ServerStartError && error.portTaken && attempt < portAttemptsMax;
      if (!retry) {
        if (spec.ownsDir) await rm(spec.dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
}

/**
 * Servers must not outlive the test process, even when it is killed before afterAll runs. Where util-linux's
 * setpriv exists, it sets the child's parent-death signal and then execs the server (same pid, no wrapper
 * process left). The exit hook covers plain `bun run`; `bun test` does not run exit hooks.
 */
const setprivPath = Bun.which("setpriv");
const liveServers = new Set<Subprocess>();
process.on("exit", () => {
  for (const proc of liveServers) proc.kill("SIGKILL");
});

async function startOnce(spec: StartSpec, port: number): Promise<ServerHandle> {
  const argv = spec.command(port);
  const spawnArgv = setprivPath === null ? argv : [setprivPath, "--pdeathsig", "KILL", "--", ...argv];
  const proc = Bun.spawn(spawnArgv, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  liveServers.add(proc);
  void proc.exited.then(() => liveServers.delete(proc));
  const output = new OutputTail();
  // Drain both pipes for the server's whole life so that a chatty server never blocks on a full pipe.
  void output.drain(proc.stdout);
  void output.drain(proc.stderr);

  const handle = makeHandle(proc, { port, dir: spec.dir, ownsDir: spec.ownsDir, output });
  const deadline = Date.now() + spec.timeoutMs;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      await proc.exited;
      await Bun.sleep(10); // let the pipes deliver their last bytes
      const text = output.text();
      throw new ServerStartError(
        `${spec.name} exited (code ${proc.exitCode}, signal ${proc.signalCode}) before answering PING.\n` +
          `command: ${argv.join(" ")}\n${text}`,
        /address already in use|EADDRINUSE/i.test(text),
      );
    }
    if (await answersPing(port)) return handle;
    if (Date.now() > deadline) {
      await handle.kill9();
      throw new ServerStartError(
        `${spec.name} did not answer PING within ${spec.timeoutMs} ms.\ncommand: ${argv.join(" ")}\n${output.text()}`,
        false,
      );
    }
    await Bun.sleep(readyProbeIntervalMs);
  }
}

async function answersPing(port: number): Promise<boolean> {
  let client: RawClient | undefined;
  try {
    client = await RawClient.connect(port, { replyTimeoutMs: 1_000 });
    const reply = await client.send(["PING"]);
    // A server started with --requirepass answers NOAUTH: it is up all the same.
    const text = new TextDecoder().decode(reply);
    return text === "+PONG\r\n" || text.startsWith("-NOAUTH");
  } catch {
    return false;
  } finally {
    client?.close();
  }
}

function makeHandle(
  proc: Subprocess<"ignore", "pipe", "pipe">,
  info: { port: number; dir: string; ownsDir: boolean; output: OutputTail },
): ServerHandle {
  const waitForExit = async (): Promise<void> => {
    const timer = setTimeout(() => proc.kill("SIGKILL"), stopTimeoutMs);
    await proc.exited;
    clearTimeout(timer);
  };
  return {
    port: info.port,
    dir: info.dir,
    proc,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await waitForExit();
    },
    async kill9() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
      await waitForExit();
    },
    output: () => info.output.text(),
    async removeDir() {
      if (info.ownsDir) await rm(info.dir, { recursive: true, force: true });
    },
  };
}

/** Keeps the last outputTailBytesMax bytes written to a server's stdout and stderr. */
class OutputTail {
  private chunks: Uint8Array[] = [];
  private bytes = 0;

  async drain(stream: ReadableStream<Uint8Array>): Promise<void> {
    try {
      for await (const chunk of stream) {
        this.chunks.push(chunk);
        this.bytes += chunk.length;
        while (this.bytes - (this.chunks[0]?.length ?? 0) > outputTailBytesMax && this.chunks.length > 1) {
          this.bytes -= this.chunks.shift()?.length ?? 0;
        }
      }
    } catch {
      // The pipe closing with the process is the normal end.
    }
  }

  text(): string {
    const merged = new Uint8Array(this.bytes);
    let offset = 0;
    for (const chunk of this.chunks) {
      merged.set(chunk, offset);
      offset += chunk.length;
    }
    return new TextDecoder().decode(merged);
  }
}
