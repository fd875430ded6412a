// Handshake proofs bind the secret, both ids, both nonces and the role; the secret must be long enough.
import { expect, test } from "bun:test";
import { handshakeProof, newNonce, proofMatches, secretBytes, type HandshakeTranscript } from "./handshake.ts";

const secret = secretBytes("correct horse battery staple");
const t: HandshakeTranscript = { version: 1, dialer: 1, acceptor: 2, dialerNonce: newNonce(), acceptorNonce: newNonce() };

test("a proof verifies only with the same secret, role and transcript", () => {
  const proof = handshakeProof(secret, "dialer", t);
  expect(proofMatches(secret, "dialer", t, proof)).toBe(true);
  expect(proofMatches(secretBytes("correct horse battery stapler"), "dialer", t, proof)).toBe(false);
  expect(proofMatches(secret, "acceptor", t, proof)).toBe(false); // no reflection
  expect(proofMatches(secret, "dialer", { ...t, dialer: 3 }, proof)).toBe(false);
  expect(proofMatches(secret, "dialer", { ...t, acceptorNonce: newNonce() }, proof)).toBe(false);
  expect(proofMatches(secret, "dialer", { ...t, version: 2 }, proof)).toBe(false);
  expect(proofMatches(secret, "dialer", t, proof.subarray(1))).toBe(false);
});

test("a short secret is refused", () => {
  expect(() => secretBytes("short")).toThrow(/at least 16 bytes/);
});
