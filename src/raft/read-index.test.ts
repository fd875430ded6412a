// ReadIndex rounds of one group: reads of one turn share a round, later reads wait for the next one,
// a round releases only once confirmed and applied, and losing leadership fails every waiting read.
import { expect, test } from "bun:test";
import { GroupReads, type ReadRound } from "./read-index.ts";

/** A group whose read-index requests are recorded instead of sent to a core. */
function group(accept = true): { reads: GroupReads; requested: string[] } {
  const requested: string[] = [];
  const reads = new GroupReads(0, (context) => {
    requested.push(context);
    return accept;
  });
  return { reads, requested };
}

const turn = () => new Promise<void>((resolve) => queueMicrotask(resolve));

test("reads of one turn share one round; reads during a round wait for the next", async () => {
  const { reads, requested } = group();
  const a = reads.hold();
  const b = reads.hold();
  expect(a).toBe(b);
  await turn();
  expect(requested.length).toBe(1);
  const c = reads.hold(); // executed after round 1 started: round 1 cannot vouch for it
  expect(c).not.toBe(a);
  await turn();
  expect(requested.length).toBe(1); // one round in flight at a time
  reads.afterApply([{ index: 5, context: requested[0] as string }], 5);
  expect(a.outcome).toBe("released");
  expect(c.outcome).toBe("pending");
  await turn();
  expect(requested.length).toBe(2);
  reads.afterApply([{ index: 6, context: requested[1] as string }], 6);
  expect(c.outcome).toBe("released");
  expect(reads.pendingRounds).toBe(0);
});

test("a confirmed round waits until the read index is applied", async () => {
  const { reads, requested } = group();
  const r = reads.hold();
  await turn();
  reads.afterApply([{ index: 9, context: requested[0] as string }], 7);
  expect(r.outcome).toBe("pending");
  reads.afterApply([], 9);
  expect(r.outcome).toBe("released");
});

test("losing leadership fails the round in flight and the one collecting; late answers are ignored", async () => {
  const { reads, requested } = group();
  const first = reads.hold();
  await turn();
  const second = reads.hold();
  const flushed: ReadRound[] = [];
  first.notify({ flush: () => flushed.push(first) });
  reads.failAll();
  expect([first.outcome, second.outcome]).toEqual(["failed", "failed"]);
  expect(flushed).toEqual([first]);
  reads.afterApply([{ index: 3, context: requested[0] as string }], 3);
  expect(first.outcome).toBe("failed");
  expect(reads.failed).toBe(2);
});

test("a round the core cannot take (no longer leader) fails at once", async () => {
  const { reads } = group(false);
  const r = reads.hold();
  await turn();
  expect(r.outcome).toBe("failed");
});
