// The registry of generator templates: one import and one line per command family.
import type { TemplateFamily } from "../generator.ts";
import { templates as connection } from "./connection.ts";
import { templates as keys } from "./keys.ts";
import { templates as server } from "./server.ts";
import { templates as strings } from "./strings.ts";
import { templates as hashes } from "./hashes.ts";
import { templates as sets } from "./sets.ts";
import { templates as lists } from "./lists.ts";
import { templates as bitmaps } from "./bitmaps.ts";
import { templates as zsets } from "./zsets.ts";
import { templates as hyperloglog } from "./hyperloglog.ts";
import { templates as transactions } from "./transactions.ts";
import { templates as geo } from "./geo.ts";

export const templateFamilies: readonly TemplateFamily[] = [
  { family: "connection", templates: connection },
  { family: "server", templates: server },
  { family: "strings", templates: strings },
  { family: "hashes", templates: hashes },
  { family: "sets", templates: sets },
  { family: "lists", templates: lists },
  { family: "keys", templates: keys },
  { family: "bitmaps", templates: bitmaps },
  { family: "zsets", templates: zsets },
  { family: "hyperloglog", templates: hyperloglog },
  { family: "transactions", templates: transactions },
  { family: "geo", templates: geo },
];
