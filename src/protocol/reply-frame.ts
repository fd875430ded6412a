// Finding where one reply ends in a stream of RESP2/RESP3 replies, without decoding it: a node that
// forwards a client's command to the shard's leader relays the leader's reply bytes as they are, so it
// only needs the frame boundaries (src/server/forward.ts).

const CR = 0x0d;

export class ReplyFrameError extends Error {
  override readonly name = "ReplyFrameError";
}

/**
 * The offset just past the reply that starts at `start`, or -1 when `buf` does not hold all of it yet.
 * Throws ReplyFrameError on bytes that are not a reply Redis 7.0 sends (streamed aggregates included).
 * Nesting is tracked with a counter, not recursion, so a deeply nested reply cannot overflow the stack.
 */
export function replyFrameEnd(buf: Uint8Array, start: number): number {
  let pos = start;
  /** Replies (elements) still to skip before the one that started at `start` is complete. */
  let remaining = 1;
  while (remaining > 0) {
    if (pos >= buf.length) return -1;
    const type = buf[pos] as number;
    const lineEnd = buf.indexOf(CR, pos + 1);
    if (lineEnd === -1 || lineEnd + 1 >= buf.length) return -1;
    const next = lineEnd + 2;
    remaining--;
    switch (type) {
      case 0x2b: // + simple string
      case 0x2d: // - error
      case 0x3a: // : integer
      case 0x5f: // _ null
      case 0x23: // # boolean
      case 0x2c: // , double
      case 0x28: // ( big number
        pos = next;
        break;
      case 0x24: // $ bulk string
      case 0x21: // ! blob error
      case 0x3d: {
        // = verbatim string
        const n = lengthOf(buf, pos + 1, lineEnd);
        if (n < 0) {
          pos = next; // $-1: the RESP2 null bulk
          break;
        }
        const end = next + n + 2;
        if (end > buf.length) return -1;
        pos = end;
        break;
      }
      case 0x2a: // * array
      case 0x7e: // ~ set
      case 0x3e: {
        // > push
        const n = lengthOf(buf, pos + 1, lineEnd);
        if (n > 0) remaining += n;
        pos = next;
        break;
      }
      case 0x25: // % map
        remaining += 2 * Math.max(0, lengthOf(buf, pos + 1, lineEnd));
        pos = next;
        break;
      case 0x7c: // | attribute: its pairs, then the reply it annotates
        remaining += 2 * Math.max(0, lengthOf(buf, pos + 1, lineEnd)) + 1;
        pos = next;
        break;
      default:
        throw new ReplyFrameError(`unexpected reply type byte 0x${type.toString(16)}`);
    }
  }
  return pos;
}

/** The decimal length between `from` and `to` (exclusive); -1 for "-1". */
function lengthOf(buf: Uint8Array, from: number, to: number): number {
  if (to - from === 2 && buf[from] === 0x2d && buf[from + 1] === 0x31) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = (buf[i] as number) - 0x30;
    if (d < 0 || d > 9) throw new ReplyFrameError("bad length in reply header");
    n = n * 10 + d;
  }
  if (to === from) throw new ReplyFrameError("empty length in reply header");
  return n;
}
