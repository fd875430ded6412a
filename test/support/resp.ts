// RESP2/RESP3 for tests: a framer that finds where one reply ends, a decoder into a type-tagged tree,
// an encoder back to bytes, a command encoder, and a readable rendering of raw replies.
// This is test support, written for exactness and clear errors rather than speed.

/** One argument of a command as sent on the wire. Strings are encoded as UTF-8. */
export type Arg = string | Uint8Array;

/** Key/value pairs of a RESP3 map or attribute, in wire order. */
export type ReplyPairs = [Reply, Reply][];

/**
 * A decoded reply. Every RESP type keeps its own tag so that encodeReply(decodeReply(b), 3) gives b back
 * byte for byte. Text that Redis formats itself (doubles, big numbers) stays text, never a JS number.
 * `attributes` holds a RESP3 attribute (`|`) that preceded this value on the wire.
 */
export type Reply = (
  | { type: "simple"; value: string } // +
  | { type: "error"; value: string } // -
  | { type: "integer"; value: bigint } // :
  | { type: "bulk"; value: Uint8Array | null } // $ ($-1 is null)
  | { type: "array"; value: Reply[] | null } // * (*-1 is null)
  | { type: "null" } // _
  | { type: "double"; value: string } // ,
  | { type: "boolean"; value: boolean } // #
  | { type: "bignum"; value: string } // (
  | { type: "blobError"; value: Uint8Array } // !
  | { type: "verbatim"; format: string; value: Uint8Array } // =
  | { type: "map"; value: ReplyPairs } // %
  | { type: "set"; value: Reply[] } // ~
  | { type: "push"; value: Reply[] } // >
) & { attributes?: ReplyPairs };

export type Protocol = 2 | 3;

/** Deepest nesting of aggregates the framer and decoder accept before calling the input malformed. */
export const replyNestingMax = 1024;
/** Longest header line (type byte, length or simple text) accepted before calling the input malformed. */
export const replyLineBytesMax = 64 * 1024 * 1024;

export class RespFormatError extends Error {
  override name = "RespFormatError";
}

const CR = 13;
const LF = 10;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder("utf-8", { fatal: false });
const latin1Decoder = new TextDecoder("latin1");

function asBytes(arg: Arg): Uint8Array {
  return typeof arg === "string" ? textEncoder.encode(arg) : arg;
}

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Encodes one command as a RESP multibulk, the way every Redis client sends commands. */
export function encodeCommand(argv: readonly Arg[]): Uint8Array {
  const parts: Uint8Array[] = [textEncoder.encode(`*${argv.length}\r\n`)];
  for (const arg of argv) {
    const bytes = asBytes(arg);
    parts.push(textEncoder.encode(`$${bytes.length}\r\n`), bytes, textEncoder.encode("\r\n"));
  }
  return concatBytes(parts);
}

/** Index of the CR of the next CRLF at or after `from`, or -1 when the line is not complete yet. */
function findLineEnd(buf: Uint8Array, from: number): number {
  let at = from;
  for (;;) {
    const cr = buf.indexOf(CR, at);
    if (cr === -1) {
      if (buf.length - from > replyLineBytesMax) throw new RespFormatError("header line too long");
      return -1;
    }
    if (cr + 1 >= buf.length) return -1;
    if (buf[cr + 1] === LF) return cr;
    throw new RespFormatError(`CR without LF at offset ${cr}`);
  }
}

function parseLength(buf: Uint8Array, start: number, end: number): number {
  const text = latin1Decoder.decode(buf.subarray(start, end));
  if (!/^-?\d+$/.test(text)) throw new RespFormatError(`bad length ${JSON.stringify(text)}`);
  return Number(text);
}

const simpleTypes = new Set(["+", "-", ":", "_", ",", "#", "("]);
const blobTypes = new Set(["$", "!", "="]);
const aggregateTypes = new Set(["*", "~", ">"]);
const pairTypes = new Set(["%", "|"]);

/**
 * Finds the end of the one complete reply that starts at `start`.
 * Returns the offset just past it, or -1 when more bytes are needed. Throws RespFormatError on bytes that
 * no RESP2/RESP3 server would send. An attribute (`|`) and the value it annotates count as one reply.
 */
export function frameReply(buf: Uint8Array, start = 0): number {
  // remaining[i]: values still needed to complete the aggregate at depth i; depth 0 is the reply itself.
  // isAttribute[i]: the aggregate at depth i is an attribute, which does not count as a value of its parent.
  const remaining: number[] = [1];
  const isAttribute: boolean[] = [false];
  let pos = start;
  while (remaining.length > 0) {
    if (pos >= buf.length) return -1;
    const type = String.fromCharCode(buf[pos] ?? 0);
    const lineEnd = findLineEnd(buf, pos + 1);
    if (lineEnd === -1) return -1;
    let childCount = 0;
    let attribute = false;
    if (simpleTypes.has(type)) {
      pos = lineEnd + 2;
    } else if (blobTypes.has(type)) {
      const length = parseLength(buf, pos + 1, lineEnd);
      if (length < -1 || (length === -1 && type !== "$")) throw new RespFormatError(`bad ${type} length ${length}`);
      pos = lineEnd + 2;
      if (length >= 0) {
        if (pos + length + 2 > buf.length) return -1;
        if (buf[pos + length] !== CR || buf[pos + length + 1] !== LF) {
          throw new RespFormatError(`${type} payload not followed by CRLF`);
        }
        pos += length + 2;
      }
    } else if (aggregateTypes.has(type) || pairTypes.has(type)) {
      const count = parseLength(buf, pos + 1, lineEnd);
      if (count < -1 || (count === -1 && type !== "*")) throw new RespFormatError(`bad ${type} count ${count}`);
      pos = lineEnd + 2;
      childCount = Math.max(count, 0) * (pairTypes.has(type) ? 2 : 1);
      attribute = type === "|";
    } else {
      throw new RespFormatError(`unknown reply type byte 0x${(buf[pos] ?? 0).toString(16)} at offset ${pos}`);
    }
    if (childCount > 0 || attribute) {
      if (remaining.length >= replyNestingMax) throw new RespFormatError("reply nested too deeply");
      remaining.push(childCount);
      isAttribute.push(attribute);
      if (childCount > 0) continue;
    }
    completeValues(remaining, isAttribute);
  }
  return pos;
}

/** One value finished: count it against its parent, closing every aggregate that it completes. */
function completeValues(remaining: number[], isAttribute: boolean[]): void {
  let top = remaining.length - 1;
  // An attribute with zero pairs was pushed with count 0; it closes at once and counts for nothing.
  if ((remaining[top] ?? 0) === 0 && isAttribute[top] === true) {
    remaining.pop();
    isAttribute.pop();
    return;
  }
  remaining[top] = (remaining[top] ?? 0) - 1;
  while (top >= 0 && remaining[top] === 0) {
    remaining.pop();
    const closedAttribute = isAttribute.pop() === true;
    top -= 1;
    if (top < 0 || closedAttribute) break;
    remaining[top] = (remaining[top] ?? 0) - 1;
  }
}

/** Decodes exactly one complete reply; throws if the bytes hold less or more than one. */
export function decodeReply(bytes: Uint8Array): Reply {
  const decoder = new ReplyDecoder(bytes);
  const reply = decoder.value(0);
  if (decoder.pos !== bytes.length) {
    throw new RespFormatError(`${bytes.length - decoder.pos} bytes after the end of the reply`);
  }
  return reply;
}

class ReplyDecoder {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  private line(): string {
    const end = findLineEnd(this.buf, this.pos + 1);
    if (end === -1) throw new RespFormatError("incomplete reply");
    const text = textDecoder.decode(this.buf.subarray(this.pos + 1, end));
    this.pos = end + 2;
    return text;
  }

  private count(): number {
    const text = this.line();
    if (!/^-?\d+$/.test(text)) throw new RespFormatError(`bad length ${JSON.stringify(text)}`);
    return Number(text);
  }

  private blob(length: number): Uint8Array {
    if (this.pos + length + 2 > this.buf.length) throw new RespFormatError("incomplete reply");
    const bytes = this.buf.slice(this.pos, this.pos + length);
    this.pos += length + 2;
    return bytes;
  }

  private values(count: number, depth: number): Reply[] {
    const out: Reply[] = [];
    for (let i = 0; i < count; i++) out.push(this.value(depth + 1));
    return out;
  }

  private pairs(count: number, depth: number): ReplyPairs {
    const out: ReplyPairs = [];
    for (let i = 0; i < count; i++) out.push([this.value(depth + 1), this.value(depth + 1)]);
    return out;
  }

  value(depth: number): Reply {
    if (depth >= replyNestingMax) throw new RespFormatError("reply nested too deeply");
    const type = String.fromCharCode(this.buf[this.pos] ?? 0);
    switch (type) {
      case "+":
        return { type: "simple", value: this.line() };
      case "-":
        return { type: "error", value: this.line() };
      case ":":
        return { type: "integer", value: BigInt(this.line()) };
      case "_":
        this.line();
        return { type: "null" };
      case ",":
        return { type: "double", value: this.line() };
      case "#":
        return { type: "boolean", value: this.line() === "t" };
      case "(":
        return { type: "bignum", value: this.line() };
      case "$": {
        const length = this.count();
        return { type: "bulk", value: length < 0 ? null : this.blob(length) };
      }
      case "!":
        return { type: "blobError", value: this.blob(this.count()) };
      case "=": {
        const body = this.blob(this.count());
        return { type: "verbatim", format: latin1Decoder.decode(body.subarray(0, 3)), value: body.slice(4) };
      }
      case "*": {
        const count = this.count();
        return { type: "array", value: count < 0 ? null : this.values(count, depth) };
      }
      case "~":
        return { type: "set", value: this.values(this.count(), depth) };
      case ">":
        return { type: "push", value: this.values(this.count(), depth) };
      case "%":
        return { type: "map", value: this.pairs(this.count(), depth) };
      case "|": {
        const attributes = this.pairs(this.count(), depth);
        return { ...this.value(depth), attributes };
      }
      default:
        throw new RespFormatError(`unknown reply type ${JSON.stringify(type)} at offset ${this.pos}`);
    }
  }
}

/**
 * Encodes a reply tree. With protocol 3 every type is written as tagged, so decode/encode round-trips.
 * With protocol 2 the RESP3-only types are written the way Redis downgrades them for a RESP2 client:
 * null as $-1, map as a flat array, set and push as arrays, double and big number as bulk strings,
 * boolean as :1/:0, verbatim as a bulk string without its format, blob error as a simple error,
 * and attributes are dropped.
 */
export function encodeReply(reply: Reply, proto: Protocol): Uint8Array {
  const parts: Uint8Array[] = [];
  writeReply(reply, proto, parts, 0);
  return concatBytes(parts);
}

function writeReply(reply: Reply, proto: Protocol, parts: Uint8Array[], depth: number): void {
  if (depth >= replyNestingMax) throw new RespFormatError("reply nested too deeply");
  const line = (text: string): void => void parts.push(textEncoder.encode(`${text}\r\n`));
  const blob = (prefix: string, bytes: Uint8Array): void => {
    line(`${prefix}${bytes.length}`);
    parts.push(bytes, textEncoder.encode("\r\n"));
  };
  const children = (prefix: string, items: readonly Reply[]): void => {
    line(`${prefix}${items.length}`);
    for (const item of items) writeReply(item, proto, parts, depth + 1);
  };
  const pairs = (prefix: string, items: ReplyPairs): void => {
    line(`${prefix}${proto === 3 ? items.length : items.length * 2}`);
    for (const [key, value] of items) {
      writeReply(key, proto, parts, depth + 1);
      writeReply(value, proto, parts, depth + 1);
    }
  };
  if (reply.attributes !== undefined && proto === 3) pairs("|", reply.attributes);
  switch (reply.type) {
    case "simple":
      return line(`+${reply.value}`);
    case "error":
      return line(`-${reply.value}`);
    case "integer":
      return line(`:${reply.value}`);
    case "bulk":
      return reply.value === null ? line("$-1") : blob("$", reply.value);
    case "array":
      return reply.value === null ? line("*-1") : children("*", reply.value);
    case "null":
      return line(proto === 3 ? "_" : "$-1");
    case "double":
      return proto === 3 ? line(`,${reply.value}`) : blob("$", textEncoder.encode(reply.value));
    case "boolean":
      return line(proto === 3 ? `#${reply.value ? "t" : "f"}` : `:${reply.value ? 1 : 0}`);
    case "bignum":
      return proto === 3 ? line(`(${reply.value}`) : blob("$", textEncoder.encode(reply.value));
    case "blobError":
      return proto === 3 ? blob("!", reply.value) : line(`-${textDecoder.decode(reply.value)}`);
    case "verbatim":
      return proto === 3
        ? blob("=", concatBytes([textEncoder.encode(`${reply.format}:`), reply.value]))
        : blob("$", reply.value);
    case "map":
      return pairs(proto === 3 ? "%" : "*", reply.value);
    case "set":
      return children(proto === 3 ? "~" : "*", reply.value);
    case "push":
      return children(proto === 3 ? ">" : "*", reply.value);
  }
}

/** Compares two byte strings for equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Orders byte strings the way Redis compares them (memcmp, then length). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Escapes bytes for display: printable ASCII as is, `\r \n \t \\ \"` escaped, everything else as \xNN. */
export function escapeBytes(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) {
    if (byte === CR) out += "\\r";
    else if (byte === LF) out += "\\n";
    else if (byte === 9) out += "\\t";
    else if (byte === 0x5c) out += "\\\\";
    else if (byte === 0x22) out += '\\"';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return out;
}

/** Renders an argument for display: plain when it is a simple word, quoted and escaped otherwise. */
export function renderArg(arg: Arg): string {
  const escaped = escapeBytes(asBytes(arg));
  return /^[\x21-\x7e]+$/.test(escaped) && !escaped.includes('"') ? escaped : `"${escaped}"`;
}

/**
 * Renders raw reply bytes one RESP line per output line (each ending in a visible \r\n), so that two
 * replies can be compared by eye. Output is cut after `bytesMax` bytes of input.
 */
export function renderRawReply(bytes: Uint8Array, options: { bytesMax?: number; indent?: string } = {}): string {
  const bytesMax = options.bytesMax ?? 2000;
  const indent = options.indent ?? "";
  const shown = bytes.subarray(0, bytesMax);
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i + 1 < shown.length; i++) {
    if (shown[i] === CR && shown[i + 1] === LF) {
      lines.push(indent + escapeBytes(shown.subarray(start, i + 2)));
      start = i + 2;
      i += 1;
    }
  }
  if (start < shown.length) lines.push(indent + escapeBytes(shown.subarray(start)));
  if (bytes.length > bytesMax) lines.push(`${indent}... (${bytes.length - bytesMax} more bytes)`);
  return lines.join("\n");
}
