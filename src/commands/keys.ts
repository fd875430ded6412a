// Generic key commands (the family grows in this file): DEL, UNLINK, EXISTS.
import type { CommandContext, CommandSpec } from "./types.ts";
import { keys } from "./types.ts";
import { latin1 } from "./args.ts";

function del(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (ctx.db.delete(latin1(argv[i] as Uint8Array))) n++;
  ctx.dirty += n;
  ctx.reply.integer(n);
}

function exists(ctx: CommandContext, argv: readonly Uint8Array[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (ctx.db.peek(latin1(argv[i] as Uint8Array)) !== undefined) n++;
  ctx.reply.integer(n);
}

const gen = { group: "generic", acl: ["keyspace"] } as const;

export const keyCommands: CommandSpec[] = [
  { ...gen, name: "del", arity: -2, flags: ["write"], summary: "Deletes one or more keys.", since: "1.0.0", complexity: "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).", tips: ["request_policy:multi_shard", "response_policy:agg_sum"], keySpecs: [keys.range(1, -1, 1, ["RM", "DELETE"])], handler: del },
  { ...gen, name: "unlink", arity: -2, flags: ["write", "fast"], summary: "Asynchronously deletes one or more keys.", since: "4.0.0", complexity: "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.", tips: ["request_policy:multi_shard", "response_policy:agg_sum"], keySpecs: [keys.range(1, -1, 1, ["RM", "DELETE"])], handler: del },
  { ...gen, name: "exists", arity: -2, flags: ["readonly", "fast"], summary: "Determines whether one or more keys exist.", since: "1.0.0", complexity: "O(N) where N is the number of keys to check.", tips: ["request_policy:multi_shard", "response_policy:agg_sum"], keySpecs: [keys.range(1, -1, 1, ["RO"])], handler: exists },
];
