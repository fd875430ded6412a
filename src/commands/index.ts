// Every command family, registered into one table.
import { CommandTable } from "./table.ts";
import { connectionCommands } from "./connection.ts";
import { clientCommand } from "./client.ts";
import { commandCommand } from "./command.ts";
import { serverCommands } from "./server.ts";
import { stringCommands } from "./strings.ts";
import { zsetCommands } from "./zsets.ts";
import { keyCommands } from "./keys.ts";
import { transactionCommands } from "./transactions.ts";
import { bunkerCommands } from "./bunker.ts";
import { nativeCommands } from "./native.ts";
import { pubsubCommands } from "./pubsub.ts";
import { hashCommands } from "./hashes.ts";
import { setCommands } from "./sets.ts";
import { listCommands } from "./lists.ts";
import { dumpCommands } from "./dump.ts";
import { sortCommands } from "./sort.ts";
import { bitmapCommands } from "./bitmaps.ts";
import { hyperloglogCommands } from "./hyperloglog.ts";
import { clusterCommands } from "./cluster.ts";
import { geoCommands } from "./geo.ts";
import { diagnosticsCommands } from "./diagnostics.ts";

export function buildCommandTable(): CommandTable {
  const table = new CommandTable();
  table.register(connectionCommands);
  table.register([clientCommand, commandCommand]);
  table.register(serverCommands);
  table.register(stringCommands);
  table.register(zsetCommands);
  table.register(keyCommands);
  table.register(transactionCommands);
  table.register(bunkerCommands);
  table.register(nativeCommands);
  table.register(pubsubCommands);
  table.register(hashCommands);
  table.register(setCommands);
  table.register(listCommands);
  table.register(dumpCommands);
  table.register(sortCommands);
  table.register(bitmapCommands);
  table.register(hyperloglogCommands);
  table.register(clusterCommands);
  table.register(geoCommands);
  table.register(diagnosticsCommands);
  return table;
}
