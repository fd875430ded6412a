// Differential cases for SAVE, BGSAVE and the replication handshake commands redis-cli --rdb sends:
// arity, syntax and option errors, SAVE refused inside MULTI, dbfilename and dir protected. What a save
// writes is compared by loading it into redis-server (test/rdb-save.test.ts); BGSAVE's success reply
// is left out here (the reference server forks, and a second save could meet it still running).
import { type DiffCase, script } from "../case.ts";

export const cases: DiffCase[] = [
  script("persistence: SAVE and BGSAVE arity and syntax", ["SAVE x", "BGSAVE foo", "BGSAVE SCHEDULE x", "BGSAVE schedule now"]),
  script("persistence: SAVE succeeds, and is refused inside MULTI (the transaction aborts)", ["SET k v", "SAVE", "MULTI", "SAVE", "SET k w", "EXEC", "GET k"]),
  script("persistence: SYNC and PSYNC arity, inside MULTI", ["SYNC x", "PSYNC", "PSYNC ?", "MULTI", "SYNC", "EXEC"]),
  script("persistence: REPLCONF options and errors", [
    "REPLCONF",
    "REPLCONF capa",
    "REPLCONF capa eof",
    "REPLCONF capa eof capa psync2",
    "REPLCONF CAPA unknown-capability",
    "REPLCONF foo bar",
    "REPLCONF rdb-only 2",
    "REPLCONF rdb-only -1",
    "REPLCONF rdb-only x",
    "REPLCONF rdb-only 01",
    "REPLCONF rdb-only 0",
    "REPLCONF listening-port abc",
    "REPLCONF listening-port 6380",
    "REPLCONF ip-address 10.0.0.1",
    "REPLCONF listening-port 1 foo bar",
  ]),
  // Both are protected configs in Redis 7.0 (enable-protected-configs defaults to no).
  script("persistence: CONFIG dbfilename and dir", [
    "CONFIG GET dbfilename",
    "CONFIG SET dbfilename a/b.rdb",
    "CONFIG SET dbfilename other.rdb",
    "CONFIG SET dir /tmp",
    "CONFIG SET maxmemory-policy allkeys-lru dbfilename x.rdb",
    "CONFIG GET dbfilename",
    "CONFIG GET maxmemory-policy",
  ]),
  // No replicas on either server: 0 at once, or after the timeout when replicas were asked for.
  script("persistence: WAIT without replicas, its argument errors, inside MULTI", [
    "SET w 1", "WAIT 0 0", "WAIT -1 0", "WAIT 1 30", "WAIT 2 1", "WAIT x 0", "WAIT 0 x", "WAIT 0 -1", "WAIT 0 1.5", "WAIT 9223372036854775808 0",
    "MULTI", "WAIT 1 0", "EXEC", "WAIT", "WAIT 1 2 3",
  ]),
];
