// Frame bodies: every kind round-trips, undefined fields stay absent, malformed bodies are WireErrors.
import { describe, expect, test } from "bun:test";
import { encode } from "@msgpack/msgpack";
import { newNonce } from "./handshake.ts";
import { WireDecoder, WireEncoder, WireError, WireKind, type Wire } from "./wire.ts";

const encoder = new WireEncoder();
const decoder = new WireDecoder(1 << 20);
const roundTrip = (wire: Wire) => decoder.decode(encoder.encodeShared(wire).slice());

describe("wire", () => {
  test("every kind round-trips", () => {
    const wires: Wire[] = [
      { kind: WireKind.Hello, version: 1, from: 1, to: 2, nonce: newNonce() },
      { kind: WireKind.Challenge, version: 1, from: 2, nonce: newNonce(), proof: new Uint8Array(32).fill(3) },
      { kind: WireKind.Auth, proof: new Uint8Array(32).fill(4) },
      { kind: WireKind.Welcome },
      { kind: WireKind.Ping },
      { kind: WireKind.Message, group: 12, message: { type: "app", entries: [{ data: Uint8Array.of(1, 2) }] } },
    ];
    for (const wire of wires) expect(roundTrip(wire)).toEqual(wire);
  });

  test("undefined message fields arrive absent, not null", () => {
    const got = roundTrip({ kind: WireKind.Message, group: 0, message: { term: 3, reject: undefined } });
    expect(got).toEqual({ kind: WireKind.Message, group: 0, message: { term: 3 } });
  });

  test("malformed bodies are refused with WireError", () => {
    const bad = [
      new Uint8Array(0),
      Uint8Array.of(0xc1), // never-used msgpack byte
      encode("not an array"),
      encode([]),
      encode([99]),
      encode([WireKind.Message, -1, "x"]),
      encode([WireKind.Message, 1.5, "x"]),
      encode([WireKind.Message, 1]),
      encode([WireKind.Hello, 1, 1, 2, new Uint8Array(3)]),
      encode([WireKind.Auth, "not binary"]),
    ];
    for (const body of bad) expect(() => decoder.decode(body)).toThrow(WireError);
  });
});
