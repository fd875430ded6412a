// What a frame body holds: a msgpack array whose first element says its kind. Handshake kinds come first
// on a connection; after it, message and ping frames only.
import { Decoder, Encoder } from "@msgpack/msgpack";
import { NONCE_BYTES } from "./limits.ts";

export const WireKind = {
  Hello: 1,
  Challenge: 2,
  Auth: 3,
  Welcome: 4,
  Message: 10,
  Ping: 11,
} as const;

/** Dialer -> acceptor: who I am, whom I mean to reach, my nonce. */
export interface Hello {
  readonly kind: typeof WireKind.Hello;
  readonly version: number;
  readonly from: number;
  readonly to: number;
  readonly nonce: Uint8Array;
}
/** Acceptor -> dialer: my nonce and my proof that I hold the secret. */
export interface Challenge {
  readonly kind: typeof WireKind.Challenge;
  readonly version: number;
  readonly from: number;
  readonly nonce: Uint8Array;
  readonly proof: Uint8Array;
}
/** Dialer -> acceptor: the dialer's proof. */
export interface Auth {
  readonly kind: typeof WireKind.Auth;
  readonly proof: Uint8Array;
}
/** Acceptor -> dialer: the link is up. */
export interface Welcome {
  readonly kind: typeof WireKind.Welcome;
}
export interface GroupMessage {
  readonly kind: typeof WireKind.Message;
  readonly group: number;
  readonly message: unknown;
}
export interface Ping {
  readonly kind: typeof WireKind.Ping;
}

export type Wire = Hello | Challenge | Auth | Welcome | GroupMessage | Ping;

export class WireError extends Error {
  override readonly name = "WireError";
}

/** Encodes into a reused buffer: the returned view is valid until the next call. */
export class WireEncoder {
  // Optional fields left undefined stay absent on the other side instead of arriving as null.
  private readonly encoder = new Encoder({ ignoreUndefined: true });

  encodeShared(wire: Wire): Uint8Array {
    return this.encoder.encodeSharedRef(toTuple(wire));
  }
}

function toTuple(wire: Wire): unknown[] {
  switch (wire.kind) {
    case WireKind.Hello:
      return [wire.kind, wire.version, wire.from, wire.to, wire.nonce];
    case WireKind.Challenge:
      return [wire.kind, wire.version, wire.from, wire.nonce, wire.proof];
    case WireKind.Auth:
      return [wire.kind, wire.proof];
    case WireKind.Welcome:
    case WireKind.Ping:
      return [wire.kind];
    case WireKind.Message:
      return [wire.kind, wire.group, wire.message];
  }
}

export class WireDecoder {
  private readonly decoder: Decoder;

  constructor(maxFrameBytes: number) {
    // Every element takes at least one byte, so no honest length exceeds the frame size.
    this.decoder = new Decoder({ maxArrayLength: maxFrameBytes, maxMapLength: maxFrameBytes });
  }

  /** Throws WireError on anything that is not a well-formed body; binary values are views into `body`. */
  decode(body: Uint8Array): Wire {
    let raw: unknown;
    try {
      raw = this.decoder.decode(body);
    } catch (error) {
      throw new WireError(`undecodable frame: ${String(error)}`);
    }
    if (!Array.isArray(raw) || raw.length === 0) throw new WireError("frame is not a tagged array");
    const tuple: readonly unknown[] = raw;
    const kind = tuple[0];
    switch (kind) {
      case WireKind.Message:
        expectLength(tuple, 3);
        return { kind, group: nodeOrGroupId(tuple[1], "group"), message: tuple[2] };
      case WireKind.Ping:
      case WireKind.Welcome:
        expectLength(tuple, 1);
        return { kind };
      case WireKind.Hello:
        expectLength(tuple, 5);
        return {
          kind,
          version: nodeOrGroupId(tuple[1], "version"),
          from: nodeOrGroupId(tuple[2], "from"),
          to: nodeOrGroupId(tuple[3], "to"),
          nonce: bytes(tuple[4], "nonce", NONCE_BYTES),
        };
      case WireKind.Challenge:
        expectLength(tuple, 5);
        return {
          kind,
          version: nodeOrGroupId(tuple[1], "version"),
          from: nodeOrGroupId(tuple[2], "from"),
          nonce: bytes(tuple[3], "nonce", NONCE_BYTES),
          proof: bytes(tuple[4], "proof", null),
        };
      case WireKind.Auth:
        expectLength(tuple, 2);
        return { kind, proof: bytes(tuple[1], "proof", null) };
      default:
        throw new WireError(`unknown frame kind ${String(kind)}`);
    }
  }
}

function expectLength(tuple: readonly unknown[], length: number): void {
  if (tuple.length !== length) throw new WireError(`frame kind ${String(tuple[0])} has ${tuple.length} fields`);
}

function nodeOrGroupId(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new WireError(`${what} is not a non-negative integer`);
  }
  return value;
}

function bytes(value: unknown, what: string, exactLength: number | null): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new WireError(`${what} is not binary`);
  if (exactLength !== null && value.byteLength !== exactLength) throw new WireError(`${what} has the wrong length`);
  return value;
}
