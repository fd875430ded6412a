// Differential cases for the keyspace notification classes emitted outside the command handlers: "new"
// (class n, Redis's dbAdd: a key is added where none lived, before the command's own event) and "keymiss"
// (class m, a read lookup that misses), received by the connection that caused them over RESP3. Each
// command is followed by PINGs so that every push is compared (RESP2 refuses the commands while subscribed,
// identically on both servers).
import { type DiffCase, script as scriptLines } from "../case.ts";

const resetNotify = "CONFIG SET notify-keyspace-events ''";
const pingsAfterEach = 5;

/** A script that subscribes to every keyspace channel, runs each line followed by PINGs, then resets. */
function watched(name: string, events: string, setup: readonly string[], lines: readonly string[]): DiffCase {
  const body = lines.flatMap((line) => [line, ...Array.from({ length: pingsAfterEach }, () => "PING")]);
  const c = scriptLines(name, [...setup, `CONFIG SET notify-keyspace-events ${events}`, "PSUBSCRIBE __key*__:*", ...body, "PUNSUBSCRIBE", resetNotify]);
  return c;
}

export const cases: DiffCase[] = [
  watched("notify: new for keys created by each family", "KEn", [], [
    "SET a 1", "SET a 2", "SET b 1 NX", "SET b 2 NX", "INCR c", "INCR c", "APPEND d x", "SETRANGE e 2 x", "SETBIT f 3 1", "MSET a 1 g 2", "MSETNX h 1 i 2",
    "HSET h1 f v", "HSET h1 g v", "HINCRBY h2 f 1", "SADD s x", "SADD s y", "ZADD z 1 x", "ZADD z 2 y", "ZINCRBY z2 1 x",
    "PFADD p x", "PFADD p y", "SUNIONSTORE s2 s", "SUNIONSTORE s2 s", "SINTERSTORE s3 nosuch", "ZUNIONSTORE z3 1 z", "ZRANGESTORE z4 z 0 -1", "SMOVE s s4 x",
    "BITOP OR bo f f", "SET k v GET", "GETSET j v",
  ]),
  watched("notify: new for RENAME, COPY, MOVE, RESTORE and expiry", "KEgn", [], [
    "SET a 1", "RENAME a b", "SET a 2", "RENAME a b", "RENAMENX b c", "COPY c d", "COPY c d REPLACE", "MOVE d 1", "SELECT 1", "DEL d", "SELECT 0", "SET e v PX 100000000",
    "SET f v EXAT 1", "SET x 1", "DUMP x", "DEL x",
  ]),
  watched("notify: keymiss on read lookups that miss", "KEm", ["SET str v", "LPUSH list x", "SADD set x"], [
    "GET nosuch", "GET str", "MGET str nosuch other", "STRLEN nosuch", "GETRANGE nosuch 0 1",
    "LRANGE nosuch 0 -1", "LINDEX nosuch 0", "LLEN nosuch", "HGET nosuch f", "HGETALL nosuch", "HLEN nosuch", "SMEMBERS nosuch", "SCARD nosuch", "SISMEMBER nosuch x",
    "SUNION set nosuch", "ZSCORE nosuch x", "ZRANGE nosuch 0 -1", "ZCARD nosuch", "PFCOUNT nosuch", "BITCOUNT nosuch", "GETBIT nosuch 1", "DUMP nosuch", "OBJECT ENCODING nosuch",
    "DBSIZE", "RANDOMKEY", "SCAN 0", "KEYS nosuch*",
  ]),
  // Lists (Redis 7.0 t_list.c): pushes after the reply, linsert/lrem/ltrim before it, pops after it and
  // then del when emptied, LMOVE's push on the destination before the reply and the source's pop after.
  watched("notify: list events and their order against the reply", "KEA", [], [
    "LPUSH l a b c", "RPUSH l d", "LPUSHX l e", "RPUSHX l f", "LPUSHX nosuch x", "LINSERT l BEFORE a x", "LINSERT l BEFORE nosuch x",
    "LSET l 0 y", "LREM l 1 y", "LREM l 1 nosuch", "LTRIM l 0 -1", "LTRIM l 0 3", "LPOP l", "RPOP l", "LPOP l 0", "LPOP l 1",
    "RPUSH m 1 2 3", "RPOP m 5", "RPUSH m 1 2", "LMOVE m n LEFT RIGHT", "RPOPLPUSH m n", "LMOVE n n RIGHT LEFT", "LMPOP 2 nosuch n RIGHT COUNT 1",
    "BLPOP n 0", "RPUSH o 1", "BRPOP o 0", "RPUSH o 1 2", "BLMOVE o p RIGHT LEFT 0", "BRPOPLPUSH o p 0", "BLMPOP 0 1 p LEFT COUNT 5",
    "RPUSH q 1", "LTRIM q 5 10", "EXISTS q",
  ]),
  watched("notify: list events masked to the list class", "Kl", [], ["SET foo bar", "LPUSH mylist a", "DEL mylist", "RPUSH mylist a", "LPOP mylist"]),
  watched("notify: keymiss from EXISTS, TYPE and the TTL family (not OBJECT)", "KEm", ["SET str v"], [
    "EXISTS nosuch", "EXISTS str nosuch other", "TYPE nosuch", "TYPE str", "TTL nosuch", "PTTL nosuch", "EXPIRETIME nosuch", "PEXPIRETIME nosuch",
    "TTL str", "OBJECT FREQ nosuch", "OBJECT IDLETIME nosuch", "MEMORY USAGE nosuch",
  ]),
  // Write commands that read as Redis's lookupKeyRead (keymiss) against those that use lookupKeyWrite (none).
  watched("notify: keymiss from the read lookups of write commands, none from their write lookups", "KEm", ["SET str v", "SADD set x", "ZADD z 1 x", "PFADD hll a"], [
    "GETSET nosuch v", "DEL nosuch", "GETDEL nosuch2", "GETEX nosuch3 PX 100", "SET nosuch4 v GET", "SET str v2 GET",
    "COPY nosuch5 dst", "MOVE nosuch6 1", "RENAME nosuch7 x", "SUNIONSTORE d1 set nosuch8", "SINTERSTORE d2 nosuch9 set", "SDIFFSTORE d3 set nosuch10",
    "ZUNIONSTORE d4 2 z nosuch11", "ZINTERSTORE d5 2 nosuch12 z", "ZRANGESTORE d6 nosuch13 0 -1", "BITOP OR d7 str nosuch14",
    "PFMERGE nosuch15 hll nosuch16", "PFCOUNT hll nosuch17", "SORT nosuch18 STORE d8", "SORT set BY nosuch19_* STORE d9",
    "APPEND nosuch20 x", "INCR nosuch21", "SETRANGE nosuch22 0 x", "SETBIT nosuch23 1 1", "PFADD nosuch24 a", "EXPIRE nosuch25 10", "PERSIST nosuch26",
    "LPUSH l1 x", "LPOP nosuch27", "SMOVE nosuch28 set x", "HSET h f v", "ZADD nosuch29 1 x", "MSETNX nosuch30 v", "SETNX str v", "RESTORE str 0 x",
  ]),
  watched("notify: neither new nor keymiss under A alone", "KEA", [], ["SET a 1", "GET nosuch", "SADD l x"]),
];
