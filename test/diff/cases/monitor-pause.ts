// Differential cases for MONITOR and CLIENT PAUSE/UNPAUSE: the deterministic replies (arity, bad
// timeouts and modes, MONITOR refused inside a transaction, a WRITE pause that reads pass through).
import { type DiffCase, script } from "../case.ts";

export const cases: DiffCase[] = [
  script("monitor: arity error and refusal inside MULTI/EXEC", ["MONITOR x", "MULTI", "MONITOR", "PING", "EXEC"]),
  script("client pause: arity and argument errors, mode checked before the timeout", [
    "CLIENT PAUSE", "CLIENT PAUSE abc", "CLIENT PAUSE -1", "CLIENT PAUSE 1.5", "CLIENT PAUSE 10 foo", "CLIENT PAUSE abc foo",
    "CLIENT PAUSE 9223372036854775808", "CLIENT PAUSE 10 write x", "CLIENT UNPAUSE x",
  ]),
  script("client pause: a WRITE pause lets reads and admin commands through; UNPAUSE", [
    "CLIENT PAUSE 100000 WRITE", "GET k", "PING", "EXISTS k", "CLIENT PAUSE 100000 write", "CLIENT UNPAUSE", "SET k v", "GET k", "CLIENT UNPAUSE",
  ]),
  script("client pause: a short ALL pause ends by itself", ["CLIENT PAUSE 20 ALL", "PING", "SET k v", "GET k"]),
];
