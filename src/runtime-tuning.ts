// Allocator and collector settings the server runs with. They are read by Bun's runtime when the
// process starts, so they cannot be set from JavaScript: when one is missing from the environment, the
// server re-executes itself once (process.execve: same pid, same arguments and Bun flags) with it added.
// A value the operator set is never replaced; BUNKER_RUNTIME_TUNING=off keeps the process as started.
//
// Why (bench/RESULTS.md, durable SET at pipeline 16, four alternating rounds): with the defaults the
// heap's freed pages went back to the OS within 10 ms and were faulted in again by a helper thread
// (JSCWarmUp) and the allocator (mimalloc's purge, madvise), about 1.5 us of CPU per SET on two cores.
// Keeping freed pages for a second and letting the mutator fault fresh GC blocks itself gave +15-23%
// SET/s; pipeline 1 and start-up were unchanged within noise.
//
// Embedded use (`open()` in an application's own process) is not re-executed: set these variables in
// that process's environment to get the same effect.

/** The settings, by environment variable. */
export const runtimeTuning: Readonly<Record<string, string>> = {
  /** mimalloc keeps freed memory this many ms before returning it to the OS (its default is 10). */
  MIMALLOC_PURGE_DELAY: "1000",
  /** JavaScriptCore's helper thread that pre-faults new heap blocks (JSCWarmUp) stays off. */
  BUN_JSC_useWarmUpMarkedBlocks: "0",
};

/** Set in the re-executed process (and honoured as "off" for any other value than unset). */
export const runtimeTuningVariable = "BUNKER_RUNTIME_TUNING";

/** The environment to re-execute with, or null when nothing is missing or tuning is off. */
export function tunedEnvironment(env: Record<string, string | undefined>): Record<string, string> | null {
  if (env[runtimeTuningVariable] !== undefined) return null;
  const missing = Object.keys(runtimeTuning).filter((name) => env[name] === undefined);
  if (missing.length === 0) return null;
  const next: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) next[name] = value;
  for (const name of missing) next[name] = runtimeTuning[name] as string;
  next[runtimeTuningVariable] = "applied";
  return next;
}

/**
 * Bun flags under which the process is not re-executed. The sampling profiler suspends the main thread
 * with a signal (SIGPWR); one still pending at execve reaches the new image before its handler exists
 * and kills it (seen: "Power failure" on `bun --cpu-prof src/main.ts`). Profiled and inspected runs keep
 * the runtime's defaults (or the variables given by hand).
 */
const noReexecFlagPrefixes = ["--cpu-prof", "--heap-prof", "--inspect"];

/** Whether a process started with these Bun flags may re-execute itself. */
export function reexecAllowed(execArgv: readonly string[]): boolean {
  return !execArgv.some((flag) => noReexecFlagPrefixes.some((prefix) => flag.startsWith(prefix)));
}

/** Re-executes the server with the tuned environment if needed; returns if it did not (or could not). */
export function applyRuntimeTuning(): void {
  const env = tunedEnvironment(process.env);
  const execve = process.execve;
  if (env === null || execve === undefined || !reexecAllowed(process.execArgv)) return;
  try {
    execve.call(process, process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], env);
  } catch {
    // No execve here: run with the runtime's defaults.
  }
}
