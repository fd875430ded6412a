// The registry of hand-written differential cases: one import and one line per command family.
import type { CaseFamily } from "../case.ts";
import { cases as connection } from "./connection.ts";
import { cases as keys } from "./keys.ts";
import { cases as server } from "./server.ts";
import { cases as strings } from "./strings.ts";
import { cases as pubsub } from "./pubsub.ts";
import { cases as zsets } from "./zsets.ts";
import { cases as hashes } from "./hashes.ts";
import { cases as sets } from "./sets.ts";
import { cases as lists } from "./lists.ts";
import { cases as dump } from "./dump.ts";
import { cases as sort } from "./sort.ts";
import { cases as bitmaps } from "./bitmaps.ts";
import { cases as hyperloglog } from "./hyperloglog.ts";
import { cases as encodings } from "./encodings.ts";
import { cases as transactions } from "./transactions.ts";
import { cases as notify } from "./notify.ts";
import { cases as geo } from "./geo.ts";
import { cases as diagnostics } from "./diagnostics.ts";
import { cases as monitorPause } from "./monitor-pause.ts";
import { cases as persistence } from "./persistence.ts";

export const caseFamilies: readonly CaseFamily[] = [
  { family: "connection", cases: connection },
  { family: "monitor-pause", cases: monitorPause },
  { family: "persistence", cases: persistence },
  { family: "server", cases: server },
  { family: "strings", cases: strings },
  { family: "zsets", cases: zsets },
  { family: "keys", cases: keys },
  { family: "pubsub", cases: pubsub },
  { family: "hashes", cases: hashes },
  { family: "sets", cases: sets },
  { family: "lists", cases: lists },
  { family: "dump", cases: dump },
  { family: "sort", cases: sort },
  { family: "bitmaps", cases: bitmaps },
  { family: "hyperloglog", cases: hyperloglog },
  { family: "encodings", cases: encodings },
  { family: "transactions", cases: transactions },
  { family: "notify", cases: notify },
  { family: "geo", cases: geo },
  { family: "diagnostics", cases: diagnostics },
];
