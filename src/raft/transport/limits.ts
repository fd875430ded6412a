// Every limit and default of the node-to-node transport, in one place.

/** Bumped whenever the frame or handshake format changes; both sides must agree exactly. */
export const PROTOCOL_VERSION = 1;

/** Bytes of the frame header: a big-endian u32 body length. */
export const FRAME_HEADER_BYTES = 4;

export const transportDefaults = {
  /** Largest frame body accepted or sent; Raft append batches and snapshot chunks must fit. */
  maxFrameBytes: 16 * 1024 * 1024,
  /** Frames waiting per peer before the oldest unsent one is dropped (Raft retransmits). */
  queueFramesMax: 4096,
  /** Bytes waiting per peer before the oldest unsent frame is dropped. */
  queueBytesMax: 64 * 1024 * 1024,
  /** Bytes handed to one socket.write; a larger queue is written over several flushes. */
  writeBytesMax: 1024 * 1024,
  /** A handshake not finished in this time closes the connection. */
  handshakeTimeoutMs: 5_000,
  /** First reconnect delay; doubles per failed attempt up to reconnectDelayMaxMs. */
  reconnectDelayBaseMs: 50,
  reconnectDelayMaxMs: 5_000,
  /** An established link with nothing written for this long sends a ping frame. */
  keepaliveMs: 1_000,
  /** An established link with nothing received for this long is closed (and redialled by the dialer). */
  idleTimeoutMs: 5_000,
  /** Period of the one housekeeping timer (handshake deadlines, keepalives, idle checks). */
  housekeepingMs: 250,
} as const;

/** Frames before authentication are tiny; a stranger cannot make us buffer more than this. */
export const HANDSHAKE_FRAME_BYTES_MAX = 256;
/** Bytes of each side's handshake nonce. */
export const NONCE_BYTES = 16;
/** The shared cluster secret must be at least this long. */
export const SECRET_BYTES_MIN = 16;
