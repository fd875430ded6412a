// Replies held on a condition besides durability (cluster reads waiting for ReadIndex): they leave in
// order behind earlier replies, later replies wait behind them, and a failed hold turns each held reply
// into one error while the replies around it are untouched.
import { expect, test } from "bun:test";
import type { Socket } from "bun";
import { ClientState } from "./client-state.ts";
import { Connection, type ConnectionHost, type ReplyHold, type ReplyHoldWaiter } from "./connection.ts";
import type { Dispatcher } from "./dispatch.ts";

class TestHold implements ReplyHold {
  outcome: "pending" | "released" | "failed" = "pending";
  readonly error = "TRYAGAIN lost";
  private waiters: ReplyHoldWaiter[] = [];
  notify(w: ReplyHoldWaiter): void {
    if (this.outcome === "pending") this.waiters.push(w);
    else w.flush();
  }
  settle(outcome: "released" | "failed"): void {
    this.outcome = outcome;
    for (const w of this.waiters.splice(0)) w.flush();
  }
}

function connection(): { conn: Connection; sent: () => string; errors: string[] } {
  let out = "";
  const errors: string[] = [];
  const socket = {
    write: (bytes: Uint8Array) => {
      out += Buffer.from(bytes).toString("latin1");
      return bytes.length;
    },
    end: () => {},
  } as unknown as Socket<Connection | undefined>;
  const host: ConnectionHost = {
    countOutput: () => {},
    dispatcher: null as unknown as Dispatcher,
    durableSeq: () => 0,
    appendedSeq: () => 0,
    outputBytesMax: () => 1 << 20,
    bulkBytesMax: () => 1 << 20,
    pipelineDepthMax: () => 1000,
    queryBufferBytesMax: () => 1 << 20,
    passwordRequired: () => false,
    waitForDurable: () => {},
    repliedErrors: (error, count) => {
      for (let i = 0; i < count; i++) errors.push(error);
    },
    closed: () => {},
    nowMs: () => 0,
  };
  return { conn: new Connection(socket, new ClientState(1, "test", "", 0, false), host), sent: () => out, errors };
}

/** Writes one reply as a command would, holding it on `hold` when given. */
function reply(conn: Connection, text: string, hold?: ReplyHold): void {
  const mark = conn.writer.length;
  conn.writer.simple(text);
  if (hold !== undefined) conn.holdReply(hold, mark);
}

test("held replies wait, and everything after them waits too", () => {
  const { conn, sent } = connection();
  const hold = new TestHold();
  reply(conn, "w1");
  reply(conn, "r1", hold);
  reply(conn, "r2", hold);
  reply(conn, "w2");
  conn.finishBatch();
  expect(sent()).toBe("+w1\r\n");
  hold.settle("released");
  expect(sent()).toBe("+w1\r\n+r1\r\n+r2\r\n+w2\r\n");
});

test("a failed hold replaces each of its replies with one error, and only those", () => {
  const { conn, sent, errors } = connection();
  const lost = new TestHold();
  const kept = new TestHold();
  reply(conn, "r1", lost);
  reply(conn, "r2", lost);
  reply(conn, "w1");
  reply(conn, "r3", kept);
  conn.finishBatch();
  expect(sent()).toBe("");
  kept.settle("released");
  expect(sent()).toBe("");
  lost.settle("failed");
  expect(sent()).toBe("-TRYAGAIN lost\r\n-TRYAGAIN lost\r\n+w1\r\n+r3\r\n");
  expect(errors).toEqual(["TRYAGAIN lost", "TRYAGAIN lost"]);
});
