// Durability namespaces: the longest configured prefix of a key decides whether a write is `quorum`
// (acknowledged once durable; the default) or `async` (acknowledged after the in-memory apply and
// written, fsynced and replicated in the background by the same group commit, within one batch).
import type { Durability } from "./shard-state.ts";

export function durabilityOf(namespaces: ReadonlyMap<string, Durability>, key: string): Durability {
  if (namespaces.size === 0) return "quorum";
  let best = "";
  let mode: Durability = "quorum";
  for (const [prefix, d] of namespaces) {
    if (prefix.length >= best.length && key.startsWith(prefix)) {
      best = prefix;
      mode = d;
    }
  }
  return mode;
}
