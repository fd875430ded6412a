// Atomicity across shards under SIGKILL: MSETs and MULTI/EXECs whose keys live on different shards are
// all-or-nothing after any crash — every acknowledged one is complete, and no unacknowledged one is
// half-applied.
import { afterAll, expect, test } from "bun:test";
import { RawClient } from "./support/raw-client.ts";
import { startBunker, type ServerHandle } from "./support/servers.ts";
import { seededRandom } from "../src/engine/clock.ts";
import { keySlot, shardOfSlot } from "../src/keyspace/slot.ts";

const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const shards = 4;
const kills = 4;
const clients = 3;
const pipelineDepth = 16;
/** Keys per multi-key write, chosen to cover at least three shards. */
const groupSize = 4;

const text = (b: Uint8Array): string => Buffer.from(b).toString("latin1");
const started: ServerHandle[] = [];
afterAll(async () => {
  for (const s of started) await s.stop().catch(() => {});
  for (const s of started) s.removeDir();
});

/** Keys for write `name` that land on at least three distinct shards. */
function spreadKeys(name: string): string[] {
  const keys: string[] = [];
  const seen = new Set<number>();
  for (let i = 0; keys.length < groupSize; i++) {
    const k = `${name}:${i}`;
    const s = shardOfSlot(keySlot(k), shards);
    if (seen.size < 3 && seen.has(s)) continue;
    seen.add(s);
    keys.push(k);
  }
  return keys;
}

interface Write {
  keys: string[];
  value: string;
  acked: boolean;
}

async function writer(port: number, id: number, round: number, writes: Write[], rng: () => number): Promise<void> {
  let c: RawClient;
  try {
    c = await RawClient.connect(port, { replyTimeoutMs: 30_000 });
  } catch {
    return;
  }
  for (let batch = 0; !c.closed; batch++) {
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < pipelineDepth; i++) {
      const w: Write = { keys: spreadKeys(`w:${round}:${id}:${batch}:${i}`), value: `v${seed}:${round}:${id}:${batch}:${i}`, acked: false };
      writes.push(w);
      if (rng() < 0.5) {
        pending.push(
          c.send(["MSET", ...w.keys.flatMap((k) => [k, w.value])]).then((r) => {
            if (text(r) === "+OK\r\n") w.acked = true;
          }),
        );
      } else {
        c.sendRaw(new TextEncoder().encode("*1\r\n$5\r\nMULTI\r\n"));
        const replies = [c.readReply(), ...w.keys.map((k) => c.send(["SET", k, w.value]))];
        replies.push(c.send(["EXEC"]));
        pending.push(
          Promise.all(replies).then((rs) => {
            const exec = text(rs[rs.length - 1] as Uint8Array);
            if (exec.startsWith(`*${w.keys.length}\r\n`)) w.acked = true;
          }),
        );
      }
    }
    await Promise.allSettled(pending);
  }
}

test(`cross-shard MSET and EXEC are all-or-nothing across ${kills} SIGKILLs (seed ${seed})`, async () => {
  const rng = seededRandom(seed);
  let server = await startBunker({ args: ["--shards", String(shards)] });
  started.push(server);
  const writes: Write[] = [];
  for (let round = 0; round < kills; round++) {
    const running = Array.from({ length: clients }, (_, id) => writer(server.port, id, round, writes, rng));
    await Bun.sleep(150 + Math.floor(rng() * 350));
    await server.kill9();
    await Promise.all(running);
    server = await startBunker({ dir: server.dir, args: ["--shards", String(shards)] });
    started.push(server);
    const c = await RawClient.connect(server.port);
    let acked = 0;
    let partial = 0;
    for (const w of writes) {
      const got = (await c.sendMany(w.keys.map((k) => ["GET", k]))).map(text);
      const present = got.filter((g) => g === `$${w.value.length}\r\n${w.value}\r\n`).length;
      if (present !== 0 && present !== w.keys.length) partial++;
      if (w.acked) {
        acked++;
        expect(present).toBe(w.keys.length);
      }
      for (const g of got) expect(g === "$-1\r\n" || g === `$${w.value.length}\r\n${w.value}\r\n`).toBe(true);
    }
    expect(partial).toBe(0);
    expect(acked).toBeGreaterThan(0);
    c.close();
  }
}, 120_000);
