// visitValueOffsets must describe exactly the bytes encodeEntry writes: memory cooling reads values back
// from those offsets (engine/cooling.ts).
import { expect, test } from "bun:test";
import { crc32cReference } from "../native/crc32c-reference.ts";
import { ByteWriter, encodeEntry, entryKindData, opCmd, opDel, opPut, visitValueOffsets, type LogEntry } from "./record.ts";

test("value offsets match the encoded record for CMD arguments and PUT values", () => {
  const entry: LogEntry = {
    kind: entryKindData,
    seq: 42,
    timeMs: 1700000000000,
    seed: 7,
    participants: [0, 3, 5],
    ops: [
      { kind: opCmd, db: 2, argv: ["SET", Buffer.from("key"), "v".repeat(300)] },
      { kind: opDel, db: 0, key: "gone" },
      { kind: opPut, db: 1, key: "other", valueType: 0, expireAt: 123, value: Buffer.from("\u0000\u00ff".repeat(200), "latin1") },
      { kind: opCmd, db: 0, argv: [] },
    ],
  };
  const w = new ByteWriter(16);
  w.u8(9); // the record need not start at 0 in its batch
  const [start, end] = encodeEntry(w, entry, (d) => crc32cReference(d));
  const record = w.view_(start, end);
  const dv = new DataView(record.buffer, record.byteOffset, record.byteLength);
  const seen: string[] = [];
  const size = visitValueOffsets(entry, (opIndex, argIndex, at) => {
    const op = entry.ops[opIndex];
    const expected = op?.kind === opCmd ? op.argv[argIndex] : op?.kind === opPut ? op.value : undefined;
    if (expected === undefined) throw new Error(`unexpected visit ${opIndex}/${argIndex}`);
    const bytes = typeof expected === "string" ? Buffer.from(expected, "latin1") : expected;
    expect(dv.getUint32(at - 4, true)).toBe(bytes.length);
    expect(Buffer.from(record.subarray(at, at + bytes.length)).equals(Buffer.from(bytes))).toBe(true);
    seen.push(`${opIndex}/${argIndex}`);
  });
  expect(size).toBe(end - start);
  expect(seen).toEqual(["0/0", "0/1", "0/2", "2/-1"]);
});
