// The server re-executes itself with its runtime settings (src/runtime-tuning.ts): same pid, same
// flags, the variables in its environment; an operator's own value is kept, and "off" keeps none.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { reexecAllowed, runtimeTuning, runtimeTuningVariable, tunedEnvironment } from "../src/runtime-tuning.ts";
import { startBunker, type ServerHandle } from "./support/servers.ts";
import { RedisClient } from "bun";

function environOf(pid: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of readFileSync(`/proc/${pid}/environ`, "latin1").split("\0")) {
    const eq = item.indexOf("=");
    if (eq > 0) out.set(item.slice(0, eq), item.slice(eq + 1));
  }
  return out;
}

describe("tunedEnvironment", () => {
  test("adds only what is missing, marks the result, and does nothing when marked or everything is set", () => {
    const tuned = tunedEnvironment({ PATH: "/bin", MIMALLOC_PURGE_DELAY: "5", UNSET: undefined });
    expect(tuned).not.toBeNull();
    expect(tuned?.["PATH"]).toBe("/bin");
    expect(tuned?.["MIMALLOC_PURGE_DELAY"]).toBe("5");
    expect(tuned?.["BUN_JSC_useWarmUpMarkedBlocks"]).toBe(runtimeTuning["BUN_JSC_useWarmUpMarkedBlocks"] as string);
    expect(tuned?.[runtimeTuningVariable]).toBe("applied");
    expect("UNSET" in (tuned ?? {})).toBe(false);
    expect(tunedEnvironment({ ...tuned })).toBeNull();
    expect(tunedEnvironment({ [runtimeTuningVariable]: "off" })).toBeNull();
    expect(tunedEnvironment({ ...runtimeTuning })).toBeNull();
  });
});

test("profiled or inspected runs are not re-executed (a pending profiler signal would kill the new image)", () => {
  expect(reexecAllowed([])).toBe(true);
  expect(reexecAllowed(["--smol"])).toBe(true);
  expect(reexecAllowed(["--cpu-prof", "--cpu-prof-dir=/tmp/p"])).toBe(false);
  expect(reexecAllowed(["--inspect-brk"])).toBe(false);
  expect(reexecAllowed(["--heap-prof"])).toBe(false);
});

describe("the server process", () => {
  const servers: ServerHandle[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
    for (const s of servers) await s.removeDir();
  });

  async function started(env: Record<string, string>): Promise<Map<string, string>> {
    const server = await startBunker({ env, args: ["--shards", "1"] });
    servers.push(server);
    const client = new RedisClient(`redis://127.0.0.1:${server.port}`);
    expect(await client.send("SET", ["k", "v"])).toBe("OK");
    expect(await client.send("GET", ["k"])).toBe("v");
    client.close();
    return environOf(server.proc.pid);
  }

  test("runs with the settings, an operator's value kept", async () => {
    const environ = await started({ MIMALLOC_PURGE_DELAY: "250" });
    expect(environ.get("MIMALLOC_PURGE_DELAY")).toBe("250");
    expect(environ.get("BUN_JSC_useWarmUpMarkedBlocks")).toBe("0");
    expect(environ.get(runtimeTuningVariable)).toBe("applied");
  });

  test("BUNKER_RUNTIME_TUNING=off starts it as it was started", async () => {
    const environ = await started({ [runtimeTuningVariable]: "off" });
    expect(environ.get(runtimeTuningVariable)).toBe("off");
    if (process.env["BUN_JSC_useWarmUpMarkedBlocks"] === undefined) expect(environ.has("BUN_JSC_useWarmUpMarkedBlocks")).toBe(false);
  });
});
