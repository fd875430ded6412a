// Differential cases for the keyspace basics: DEL and EXISTS with one and many keys, duplicates,
// missing keys, arity errors, and keys in other databases.
import { type DiffCase, script } from "../case.ts";

export const cases: DiffCase[] = [
  script("keys: DEL of one key", ["SET a 1", "DEL a", "GET a", "DEL a"]),
  script("keys: DEL of many keys counts the ones removed", [
    "SET a 1",
    "SET b 2",
    "SET c 3",
    "DEL a b missing c",
    "DBSIZE",
  ]),
  script("keys: DEL with a key repeated counts it once", ["SET a 1", "DEL a a a", "SET b 1", "DEL b missing b"]),
  script("keys: DEL arity error", ["DEL"]),
  script("keys: DEL of a key of another type", ["RPUSH l a", "DEL l", "EXISTS l"]),

  script("keys: EXISTS of one key", ["EXISTS a", "SET a 1", "EXISTS a"]),
  script("keys: EXISTS of many keys counts repeats", [
    "SET a 1",
    "SET b 2",
    "EXISTS a b missing",
    "EXISTS a a a",
    "EXISTS missing missing",
  ]),
  script("keys: EXISTS arity error", ["EXISTS"]),
  script("keys: EXISTS is case-sensitive about keys", ["SET Key 1", "EXISTS key", "EXISTS KEY", "EXISTS Key"]),
  script("keys: EXISTS and DEL only see the selected database", [
    "SET a 1",
    "SELECT 4",
    "EXISTS a",
    "DEL a",
    "SELECT 0",
    "EXISTS a",
  ]),
  script("keys: command names are case-insensitive", ["set a 1", "Get a", "exists a", "dEl a", "EXISTS a"]),
];
