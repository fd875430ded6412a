// The handshake's cryptography: each side proves it holds the cluster secret by an HMAC-SHA256 over both
// node ids, both nonces, the protocol version and its role, so a proof cannot be replayed on another
// connection, for another pair of nodes, or reflected back as the other side's proof. The secret itself
// never crosses the wire.
//
//   dialer   -> acceptor  Hello     {version, from: dialer, to: acceptor, nonce: Nd}
//   acceptor -> dialer    Challenge {version, from: acceptor, nonce: Na, proof: HMAC(acceptor role)}
//   dialer   -> acceptor  Auth      {proof: HMAC(dialer role)}
//   acceptor -> dialer    Welcome
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { encode } from "@msgpack/msgpack";
import { NONCE_BYTES, SECRET_BYTES_MIN } from "./limits.ts";

export type HandshakeRole = "dialer" | "acceptor";

export interface HandshakeTranscript {
  readonly version: number;
  readonly dialer: number;
  readonly acceptor: number;
  readonly dialerNonce: Uint8Array;
  readonly acceptorNonce: Uint8Array;
}

/** The secret as bytes; throws when it is too short to be a secret. */
export function secretBytes(secret: string | Uint8Array): Uint8Array {
  const bytes = typeof secret === "string" ? new TextEncoder().encode(secret) : secret;
  if (bytes.byteLength < SECRET_BYTES_MIN) {
    throw new Error(`transport: the cluster secret must be at least ${SECRET_BYTES_MIN} bytes`);
  }
  return bytes;
}

/** Fresh nonces come from the operating system, never from the injected (test-controlled) PRNG. */
export function newNonce(): Uint8Array {
  return new Uint8Array(randomBytes(NONCE_BYTES));
}

export function handshakeProof(secret: Uint8Array, role: HandshakeRole, t: HandshakeTranscript): Uint8Array {
  const label = role === "dialer" ? "bunker-raft-dialer" : "bunker-raft-acceptor";
  const transcript = encode([label, t.version, t.dialer, t.acceptor, t.dialerNonce, t.acceptorNonce]);
  return new Uint8Array(createHmac("sha256", secret).update(transcript).digest());
}

/** Constant-time comparison of a received proof against the expected one. */
export function proofMatches(secret: Uint8Array, role: HandshakeRole, t: HandshakeTranscript, proof: Uint8Array): boolean {
  const expected = handshakeProof(secret, role, t);
  return proof.byteLength === expected.byteLength && timingSafeEqual(proof, expected);
}
