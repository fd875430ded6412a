// Decodes the reply bytes the engine wrote (RESP3) into plain values for the embedded API.

export type Reply = null | boolean | number | bigint | string | Uint8Array | Reply[] | Map<Reply, Reply> | Set<Reply> | ReplyError | ReplyStatus;

export class ReplyStatus {
  constructor(readonly text: string) {}
}

/** An error reply, with Redis's code (the first word: ERR, WRONGTYPE, OOM, ...). */
export class ReplyError extends Error {
  override readonly name = "BunkerError";
  readonly code: string;
  constructor(text: string) {
    super(text);
    const space = text.indexOf(" ");
    this.code = space === -1 ? text : text.slice(0, space);
  }
}

export function decodeReplies(buf: Uint8Array): Reply[] {
  const out: Reply[] = [];
  let at = 0;
  const line = (): string => {
    const end = buf.indexOf(13, at);
    const s = Buffer.from(buf.subarray(at, end)).toString("latin1");
    at = end + 2;
    return s;
  };
  const one = (): Reply => {
    const type = buf[at++];
    switch (type) {
      case 43: // +
        return new ReplyStatus(line());
      case 45: // -
        return new ReplyError(line());
      case 58: // :
        return Number(line());
      case 40: // (
        return BigInt(line());
      case 44: {
        // ,
        const t = line();
        return t === "inf" ? Infinity : t === "-inf" ? -Infinity : Number(t);
      }
      case 35: // #
        return line() === "t";
      case 95: // _
        line();
        return null;
      case 36: // $
      case 61: {
        // =
        const n = Number(line());
        if (n < 0) return null;
        let v = buf.slice(at, at + n);
        at += n + 2;
        if (type === 61) v = v.subarray(4);
        return v;
      }
      case 42: // *
      case 62: {
        // >
        const n = Number(line());
        if (n < 0) return null;
        const arr: Reply[] = [];
        for (let i = 0; i < n; i++) arr.push(one());
        return arr;
      }
      case 126: {
        // ~
        const n = Number(line());
        const set = new Set<Reply>();
        for (let i = 0; i < n; i++) set.add(one());
        return set;
      }
      case 37: {
        // %
        const n = Number(line());
        const map = new Map<Reply, Reply>();
        for (let i = 0; i < n; i++) {
          const k = one();
          map.set(k instanceof Uint8Array ? Buffer.from(k).toString("utf8") : k, one());
        }
        return map;
      }
      default:
        throw new Error(`bug: unexpected reply type byte ${String(type)}`);
    }
  };
  while (at < buf.length) out.push(one());
  return out;
}
