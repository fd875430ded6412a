// Differential cases for transactions: MULTI/EXEC/DISCARD/WATCH/UNWATCH, queued errors and EXECABORT,
// WATCH of keys changed before EXEC, and EXEC rejected before it runs (wrong arity, pub/sub context),
// which Redis answers with EXECABORT and which discards the transaction and the watched keys even
// outside MULTI.
import { type DiffCase, script } from "../case.ts";
import { clientInfoVolatileFields, replaceText } from "../normalise.ts";

export const cases: DiffCase[] = [
  script("transactions: MULTI queues, EXEC runs in order", ["MULTI", "SET a 1", "INCR a", "GET a", "LPUSH a x", "EXEC", "GET a"]),
  script("transactions: a queued arity error or unknown command aborts EXEC", ["MULTI", "SET a 1", "SET a", "EXEC", "GET a", "MULTI", "NOSUCH x", "EXEC", "EXEC"]),
  script("transactions: runtime errors stay in EXEC's reply", ["SET s x", "MULTI", "INCR s", "INCRBY n abc", "LPUSH s x", "SET t 1", "EXEC"]),
  script("transactions: nested MULTI, WATCH inside MULTI, EXEC and DISCARD without MULTI", ["EXEC", "DISCARD", "MULTI", "MULTI", "WATCH a", "SET a 1", "EXEC", "GET a"]),
  script("transactions: DISCARD drops the queue and the watches", ["WATCH a", "MULTI", "SET a 1", "DISCARD", "SET a 2", "MULTI", "GET a", "EXEC"]),
  script("transactions: WATCH of a key changed before EXEC aborts with a null array", ["WATCH a b", "SET b 1", "MULTI", "SET a 1", "EXEC", "GET a", "WATCH a", "UNWATCH", "SET a 2", "MULTI", "GET a", "EXEC"]),
  script("transactions: WATCH of a missing key left missing, and of a key deleted", ["WATCH none", "MULTI", "GET none", "EXEC", "SET d 1", "WATCH d", "DEL d", "MULTI", "PING", "EXEC"]),
  script("transactions: EXEC with arguments outside MULTI answers EXECABORT", ["EXEC x", "EXEC x y", "DISCARD x", "MULTI x", "UNWATCH x"]),
  script("transactions: EXEC with arguments outside MULTI drops the watches", ["WATCH a", "EXEC x", "SET a 1", "MULTI", "GET a", "EXEC"]),
  script("transactions: EXEC with arguments inside MULTI discards the transaction", ["MULTI", "SET a 1", "EXEC x", "EXEC", "GET a", "MULTI", "SET a 1", "EXEC x y z", "DISCARD"]),
  script("transactions: EXEC while subscribed (RESP2: rejected as EXECABORT)", ["SUBSCRIBE c", "EXEC", "EXEC x", "UNSUBSCRIBE c"]),
  {
    name: "transactions: CLIENT INFO shows flags=d once a watched key changed, until EXEC or UNWATCH",
    cmds: ["WATCH a", "CLIENT INFO", "SET a 1", "CLIENT INFO", "UNWATCH", "CLIENT INFO", "WATCH a", "SET a 2", "MULTI", "CLIENT INFO", "EXEC", "CLIENT INFO"].map((line) => line.split(" ")),
    normalise: [replaceText(clientInfoVolatileFields, "CLIENT INFO")],
  },
  // SWAPDB touches a watched key that exists in either database (Redis 7.0's touchAllWatchedKeysInDb),
  // so a missing key that the swap creates aborts the EXEC; keys missing on both sides do not.
  // LPOP key 0 leaves the key alone (WATCH untouched); LTRIM signals the key even when it trims nothing.
  script("transactions: WATCH after LPOP key 0 and after a no-op LTRIM", [
    "RPUSH l 1 2", "WATCH l", "LPOP l 0", "MULTI", "PING", "EXEC",
    "WATCH l", "LTRIM l 0 -1", "MULTI", "PING", "EXEC",
    "SET s v", "LPOP s 0", "LPOP nosuch 0", "RPOP l 0",
  ]),
  // SMOVE signals the destination only when it adds the member (Redis 7.0's smoveCommand).
  script("transactions: SMOVE of a member the watched destination already has", [
    "SADD src a b", "SADD dst a", "WATCH dst", "SMOVE src dst a", "MULTI", "SCARD dst", "EXEC",
    "WATCH dst", "SMOVE src dst b", "MULTI", "SCARD dst", "EXEC",
    "WATCH src", "SADD src x", "SMOVE src dst a", "MULTI", "PING", "EXEC",
  ]),
  script("transactions: SWAPDB touches watched keys existing in either database", [
    "SELECT 1", "SET x 30", "SELECT 0", "WATCH x", "SWAPDB 0 1", "MULTI", "PING", "EXEC",
    "WATCH x", "SWAPDB 0 1", "MULTI", "PING", "EXEC",
    "WATCH nosuch", "SWAPDB 0 1", "MULTI", "PING", "EXEC",
    "SELECT 1", "WATCH x", "SWAPDB 0 1", "MULTI", "PING", "EXEC",
  ]),
  script("transactions: SELECT and SWAPDB inside EXEC", ["MULTI", "SELECT 1", "SET a 1", "SWAPDB 0 1", "SELECT 0", "GET a", "EXEC", "GET a"]),
];
