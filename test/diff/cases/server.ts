// Differential cases for the server family: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, CONFIG GET and
// COMMAND introspection. COMMAND COUNT, COMMAND LIST and COMMAND INFO without names are left out on
// purpose: Bunker implements fewer commands than Redis, so those replies legitimately differ.
import { type DiffCase, script } from "../case.ts";
import { ignoreValue } from "../normalise.ts";

export const cases: DiffCase[] = [
  script("server: DBSIZE counts keys in the selected database", [
    "DBSIZE",
    "SET a 1",
    "SET b 2",
    "DBSIZE",
    "SELECT 2",
    "DBSIZE",
    "SET c 3",
    "DBSIZE",
  ]),
  script("server: DBSIZE arity error", ["DBSIZE extra"]),

  script("server: FLUSHDB empties only the selected database", [
    "SET a 1",
    "SELECT 1",
    "SET b 2",
    "FLUSHDB",
    "DBSIZE",
    "SELECT 0",
    "DBSIZE",
    "GET a",
  ]),
  script("server: FLUSHDB SYNC and ASYNC", ["SET a 1", "FLUSHDB SYNC", "DBSIZE", "SET a 1", "FLUSHDB async", "DBSIZE"]),
  script("server: FLUSHDB with bad arguments", ["FLUSHDB BAD", "FLUSHDB SYNC ASYNC", "FLUSHDB ASYNC extra"]),

  script("server: FLUSHALL empties every database", [
    "SET a 1",
    "SELECT 3",
    "SET b 2",
    "FLUSHALL",
    "DBSIZE",
    "SELECT 0",
    "DBSIZE",
  ]),
  script("server: FLUSHALL SYNC and ASYNC", ["SET a 1", "FLUSHALL SYNC", "DBSIZE", "SET a 1", "FLUSHALL Async", "DBSIZE"]),
  script("server: FLUSHALL with bad arguments", ["FLUSHALL BAD", "FLUSHALL SYNC ASYNC", "FLUSHALL 1"]),

  script("server: SWAPDB exchanges two databases", [
    "SET k in-zero",
    "SELECT 1",
    "SET k in-one",
    "SET only-one x",
    "SWAPDB 0 1",
    "GET k",
    "GET only-one",
    "DBSIZE",
    "SELECT 0",
    "GET k",
    "GET only-one",
    "DBSIZE",
  ]),
  script("server: SWAPDB of a database with itself", ["SET k v", "SWAPDB 0 0", "GET k"]),
  script("server: SWAPDB with an empty database", ["SET k v", "SWAPDB 0 15", "GET k", "SELECT 15", "GET k"]),
  script("server: SWAPDB out of range", ["SWAPDB 0 16", "SWAPDB 16 0", "SWAPDB -1 0", "SWAPDB 0 -1"]),
  script("server: SWAPDB with non-integer indexes", ["SWAPDB a 1", "SWAPDB 0 b", "SWAPDB a b", "SWAPDB 1.5 0"]),
  script("server: SWAPDB arity errors", ["SWAPDB", "SWAPDB 0", "SWAPDB 0 1 2"]),

  script("server: TIME returns seconds and microseconds", ["TIME"], [ignoreValue("TIME")]),
  script("server: TIME arity error", ["TIME now"]),

  script("server: CONFIG GET of unknown parameters is empty", [
    "CONFIG GET no-such-parameter",
    "CONFIG GET no-such-a no-such-b",
    "CONFIG GET no-such-*",
  ]),
  script("server: CONFIG arity and subcommand errors", ["CONFIG", "CONFIG GET", "CONFIG BOGUS", "CONFIG bogus x"]),

  script("server: COMMAND INFO of the platform commands", [
    "COMMAND INFO GET",
    "COMMAND INFO SET",
    "COMMAND INFO DEL",
    "COMMAND INFO EXISTS",
    "COMMAND INFO PING",
    "COMMAND INFO get set",
  ]),
  script("server: COMMAND INFO of an unknown command", ["COMMAND INFO no-such-command", "COMMAND INFO GET nosuch PING"]),
  script("server: COMMAND GETKEYS", ["COMMAND GETKEYS SET a b", "COMMAND GETKEYS MSET a b c d", "COMMAND GETKEYS GET k"]),
  script("server: COMMAND GETKEYS errors", [
    "COMMAND GETKEYS",
    "COMMAND GETKEYS GET",
    "COMMAND GETKEYS PING x",
    "COMMAND GETKEYS no-such-command x",
    "COMMAND GETKEYS SET a",
  ]),
  script("server: COMMAND with an unknown subcommand", ["COMMAND BOGUS", "COMMAND bogus x"]),
  // Encoding thresholds are accepted (Redis's test suite and tuning scripts set them); Bunker ignores them.
  script("server: CONFIG GET/SET of the encoding thresholds", [
    "CONFIG GET hash-max-listpack-entries",
    "CONFIG GET zset-max-ziplist-value",
    "CONFIG GET list-max-listpack-size",
    "CONFIG GET list-compress-depth",
    "CONFIG GET set-max-intset-entries",
    "CONFIG SET set-max-intset-entries 16",
    "CONFIG GET set-max-intset-entries",
    "CONFIG SET list-max-ziplist-size -3",
    "CONFIG GET list-max-ziplist-size",
    "CONFIG SET set-max-intset-entries abc",
    "CONFIG SET hash-max-listpack-value abc",
    "CONFIG SET maxmemory 12x",
    "CONFIG SET set-max-intset-entries 512",
    "CONFIG SET list-max-ziplist-size -2",
  ]),
  script("server: FLUSHALL dirties WATCH only for keys that existed", [
    "SET present 1",
    "WATCH missing",
    "FLUSHALL",
    "MULTI",
    "SET a 1",
    "EXEC",
    "SET present 1",
    "WATCH present",
    "FLUSHDB",
    "MULTI",
    "SET a 2",
    "EXEC",
  ]),
];
