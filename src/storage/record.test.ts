// visitValueOffsets must describe exactly the bytes encodeEntry writes: memory cooling reads values back
// from those offsets (engine/cooling.ts).
import { expect, test } from "bun:test";
import { crc32cReference } from "../native/crc32c-reference.ts";
import { crc32cRange } from "../native/ffi.ts";
import { ByteWriter, RecordDecodeError, decodeBody, decodeBodyAt, encodeEntry, entryKindData, opCmd, opDel, opPut, recordHeaderBytes, visitValueOffsets, type LogEntry } from "./record.ts";

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
  const start = encodeEntry(w, entry, { crc32cRange: (d, from, to) => crc32cReference(d.subarray(from, to)) });
  const end = w.length;
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

test("encodeEntry frames records that decode back, with the CRC of the body, in a buffer that grows", () => {
  const latin1 = (s: string): Uint8Array => Buffer.from(s, "latin1");
  const entries: LogEntry[] = [];
  for (let i = 0; i < 300; i++) {
    // Arguments on both sides of the byte-loop/set() and charCodeAt/Buffer.write thresholds.
    const long = "\u00ff\u0000x".repeat(i % 40);
    entries.push({
      kind: entryKindData,
      seq: i + 1,
      timeMs: 1_700_000_000_000 + i,
      seed: (i * 2654435761) >>> 0,
      participants: i % 3 === 0 ? [0, i % 7] : [],
      ops: [
        { kind: opCmd, db: i % 16, argv: ["SET", latin1(`k${i}`), long, latin1(long)] },
        { kind: opPut, db: 1, key: long, valueType: 2, expireAt: i * 1000.5, value: latin1(long + "v") },
        { kind: opDel, db: 15, key: `gone${i}` },
      ],
    });
  }
  const w = new ByteWriter(16);
  const starts = entries.map((e) => encodeEntry(w, e, { crc32cRange }));
  starts.push(w.length);
  const all = w.view_(0);
  const dv = new DataView(all.buffer, all.byteOffset, all.byteLength);
  entries.forEach((e, i) => {
    const start = starts[i] as number;
    const end = starts[i + 1] as number;
    expect(dv.getUint32(start + 4, true)).toBe(end - start - recordHeaderBytes);
    const body = all.subarray(start + 4 + 4, end);
    expect(dv.getUint32(start, true)).toBe(crc32cReference(all.subarray(start + 4, end)));
    const back = decodeBody(body);
    // In place, as recovery reads a whole segment: the same entry; views point into the segment.
    const inPlace = decodeBodyAt(all, dv, start + recordHeaderBytes, end);
    expect(inPlace).toEqual(back);
    const bytesOf = (v: string | Uint8Array): number[] => Array.from(typeof v === "string" ? latin1(v) : v);
    expect({ ...back, ops: [] }).toEqual({ ...e, ops: [] });
    expect(back.ops.length).toBe(3);
    const [cmd, put, del] = back.ops;
    const [ecmd, eput, edel] = e.ops;
    if (cmd?.kind !== opCmd || ecmd?.kind !== opCmd || put?.kind !== opPut || eput?.kind !== opPut || del?.kind !== opDel || edel?.kind !== opDel) throw new Error("op kinds");
    expect(cmd.argv.map(bytesOf)).toEqual(ecmd.argv.map(bytesOf));
    expect({ ...put, value: bytesOf(put.value) }).toEqual({ ...eput, value: bytesOf(eput.value) });
    expect(del).toEqual(edel);
  });
});

test("a body cut short anywhere, or with bytes left over, is a RecordDecodeError", () => {
  const entry: LogEntry = {
    kind: entryKindData,
    seq: 9,
    timeMs: 1,
    seed: 2,
    participants: [1, 2],
    ops: [
      { kind: opCmd, db: 0, argv: ["SET", "k", "v"] },
      { kind: opPut, db: 3, key: "key", valueType: 0, expireAt: 0, value: Buffer.from("value") },
      { kind: opDel, db: 1, key: "x" },
    ],
  };
  const w = new ByteWriter(16);
  encodeEntry(w, entry, { crc32cRange });
  w.u8(0xee); // a byte past the record: what a decoder reading beyond its end would see
  const all = w.view_(0);
  const dv = new DataView(all.buffer, all.byteOffset, all.byteLength);
  const end = all.length - 1;
  expect(decodeBodyAt(all, dv, recordHeaderBytes, end).ops.length).toBe(3);
  for (let cut = recordHeaderBytes; cut < end; cut++) expect(() => decodeBodyAt(all, dv, recordHeaderBytes, cut)).toThrow(RecordDecodeError);
  expect(() => decodeBodyAt(all, dv, recordHeaderBytes, end + 1)).toThrow(RecordDecodeError);
});
