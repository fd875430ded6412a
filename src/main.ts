// Composition root: the only place that wires the real clock, files and sockets together.
import { configFromCli, helpText, ConfigError } from "./config/config.ts";
import { buildCommandTable } from "./commands/index.ts";
import { Engine, EngineOpenError } from "./engine/engine.ts";
import { systemClock } from "./engine/clock.ts";
import { nativeIo } from "./storage/io.ts";
import { CorruptLogError } from "./storage/segment-log.ts";
import { Server } from "./server/server.ts";
import { startBackgroundTasks } from "./engine/background.ts";

function main(): void {
  let cli;
  try {
    cli = configFromCli(process.argv.slice(2), process.env);
  } catch (e: unknown) {
    if (e instanceof ConfigError) {
      console.error(`bunker: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  if (cli.help) {
    console.log(helpText());
    return;
  }
  const config = cli.config;
  const table = buildCommandTable();
  let server: Server | null = null;
  let engine: Engine;
  try {
    engine = Engine.open(
      {
        dir: config.get("dir"),
        shards: config.int("shards"),
        databases: config.int("databases"),
        segmentBytesMax: config.int("segment-bytes-max"),
        salvage: config.bool("salvage"),
        hotValueBytesMax: config.int("hot-value-bytes-max"),
        mergeDeadRatioPercent: config.int("merge-dead-ratio"),
        warn: (message) => console.error(`bunker: ${message}`),
        io: nativeIo,
        clock: systemClock,
        table,
        config,
        onFatal: (err) => {
          // The log can no longer be made durable: stop rather than acknowledge what may be lost.
          console.error(`bunker: fatal log I/O error, stopping: ${err.message}`);
          process.exit(1);
        },
      },
      null,
    );
  } catch (e: unknown) {
    if (e instanceof CorruptLogError || e instanceof EngineOpenError) {
      console.error(`bunker: cannot start: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
  config.onChange((name) => {
    if (name === "hot-value-bytes-max") engine.storage.hotValueBytesMax = config.int(name);
    if (name === "merge-dead-ratio") engine.storage.mergeDeadRatioPercent = config.int(name);
  });
  server = new Server({
    config,
    table,
    engine,
    log: (line) => console.log(line),
    onShutdown: () => process.exit(0),
  });
  const stopBackground = startBackgroundTasks(server);
  const port = server.listen(config.int("port"), config.get("bind"));
  const r = engine.recovery;
  console.log(
    `bunker: ready on ${config.get("bind")}:${port}, ${config.int("shards")} shards, data in ${config.get("dir")}; ` +
      `recovered ${r.entries} log entries in ${r.durationMs.toFixed(1)} ms`,
  );
  const stop = (): void => {
    console.log("bunker: shutting down (finishing in-flight writes)");
    stopBackground();
    void server?.shutdown();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main();
