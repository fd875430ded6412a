// Normalisers: the few declared ways in which a reply may differ from Redis and still count as the same.
// Each one is documented in NORMALISATIONS.md; add one there before adding one here.
import { type Arg, type Reply, type ReplyPairs, compareBytes, encodeReply } from "../support/resp.ts";

/**
 * Which commands of a script a normaliser applies to:
 * - a command name, optionally with its subcommand ("SMEMBERS", "CLIENT INFO"), matched case-insensitively;
 * - a number: the index of the command in the case's `cmds`;
 * - undefined: every command of the case.
 */
export type Scope = string | number | undefined;

export interface Normaliser {
  /** How the normaliser shows in reports, e.g. `sortArray(SMEMBERS)`. */
  readonly label: string;
  appliesTo(argv: readonly Arg[], index: number): boolean;
  /** Rewrites both decoded replies (reference first, candidate second); must not modify its inputs. */
  apply(reference: Reply, candidate: Reply): [Reply, Reply];
}

const textDecoder = new TextDecoder();

function argText(arg: Arg | undefined): string {
  if (arg === undefined) return "";
  return typeof arg === "string" ? arg : textDecoder.decode(arg);
}

function scopeMatcher(scope: Scope): (argv: readonly Arg[], index: number) => boolean {
  if (scope === undefined) return () => true;
  if (typeof scope === "number") return (_argv, index) => index === scope;
  const words = scope.toLowerCase().split(" ");
  return (argv) => words.every((word, i) => argText(argv[i]).toLowerCase() === word);
}

function scopeLabel(name: string, scope: Scope, detail?: string): string {
  const parts = [detail, scope === undefined ? undefined : typeof scope === "number" ? `#${scope}` : scope];
  return `${name}(${parts.filter((part) => part !== undefined).join(", ")})`;
}

/** Builds a normaliser that rewrites each reply on its own, the same way on both sides. */
function eachSide(name: string, scope: Scope, rewrite: (reply: Reply) => Reply, detail?: string): Normaliser {
  return {
    label: scopeLabel(name, scope, detail),
    appliesTo: scopeMatcher(scope),
    apply: (reference, candidate) => [rewrite(reference), rewrite(candidate)],
  };
}

function sortKey(reply: Reply): Uint8Array {
  return encodeReply(reply, 3);
}

function withValue<R extends Extract<Reply, { value: unknown }>>(reply: R, value: R["value"]): R {
  return { ...reply, value };
}

/**
 * Sorts the elements of an array or set reply (top level only) by their encoded bytes.
 * For replies whose order Redis leaves unspecified: SMEMBERS, KEYS, SUNION, HKEYS...
 */
export function sortArray(on?: Scope): Normaliser {
  return eachSide("sortArray", on, (reply) => {
    if ((reply.type === "array" || reply.type === "set") && reply.value !== null) {
      const sorted = [...reply.value].sort((a, b) => compareBytes(sortKey(a), sortKey(b)));
      return withValue(reply, sorted);
    }
    return reply;
  });
}

function sortPairs(pairs: ReplyPairs): ReplyPairs {
  return [...pairs].sort((a, b) => compareBytes(sortKey(a[0]), sortKey(b[0])));
}

/**
 * Sorts the field/value pairs of a map reply by field (top level only). A RESP2 flat array of even
 * length is treated as pairs. For HGETALL, CONFIG GET with a pattern, and the like.
 */
export function unorderedMap(on?: Scope): Normaliser {
  return eachSide("unorderedMap", on, (reply) => {
    if (reply.type === "map") return withValue(reply, sortPairs(reply.value));
    if (reply.type === "array" && reply.value !== null && reply.value.length % 2 === 0) {
      const pairs: ReplyPairs = [];
      for (let i = 0; i + 1 < reply.value.length; i += 2) {
        const field = reply.value[i];
        const value = reply.value[i + 1];
        if (field !== undefined && value !== undefined) pairs.push([field, value]);
      }
      return withValue(reply, sortPairs(pairs).flat());
    }
    return reply;
  });
}

/**
 * Keeps a reply's shape and types but blanks every leaf value (integers become 0, strings empty).
 * Errors and nulls are kept as they are, so an error where Redis answers, or a missing value, still
 * shows as a difference. For TIME, CLIENT ID, run ids.
 */
export function ignoreValue(on?: Scope): Normaliser {
  return eachSide("ignoreValue", on, blank);
}

function blank(reply: Reply): Reply {
  switch (reply.type) {
    case "simple":
      return withValue(reply, "");
    case "integer":
      return withValue(reply, 0n);
    case "bulk":
      return reply.value === null ? reply : withValue(reply, new Uint8Array(0));
    case "double":
    case "bignum":
      return withValue(reply, "0");
    case "boolean":
      return withValue(reply, false);
    case "verbatim":
      return withValue(reply, new Uint8Array(0));
    case "array":
      return reply.value === null ? reply : withValue(reply, reply.value.map(blank));
    case "set":
    case "push":
      return withValue(reply, reply.value.map(blank));
    case "map":
      return withValue(
        reply,
        reply.value.map(([key, value]): [Reply, Reply] => [blank(key), blank(value)]),
      );
    case "error":
    case "blobError":
    case "null":
      return reply;
  }
}

function textOf(reply: Reply): string | undefined {
  if (reply.type === "simple") return reply.value;
  if (reply.type === "bulk" && reply.value !== null) return textDecoder.decode(reply.value);
  return undefined;
}

/**
 * In a map reply (or a RESP2 flat array of field/value pairs), blanks the values of the named fields as
 * ignoreValue does. Used by default on HELLO for server, version, id and mode.
 */
export function ignoreFields(fields: readonly string[], on?: Scope): Normaliser {
  const ignored = new Set(fields);
  const isIgnored = (key: Reply): boolean => ignored.has(textOf(key) ?? "\0");
  return eachSide(
    "ignoreFields",
    on,
    (reply) => {
      if (reply.type === "map") {
        return withValue(
          reply,
          reply.value.map(([key, value]): [Reply, Reply] => [key, isIgnored(key) ? blank(value) : value]),
        );
      }
      if (reply.type === "array" && reply.value !== null) {
        const items = reply.value;
        return withValue(
          reply,
          items.map((item, i) => {
            const key = items[i - 1];
            return i % 2 === 1 && key !== undefined && isIgnored(key) ? blank(item) : item;
          }),
        );
      }
      return reply;
    },
    fields.join(" "),
  );
}

/**
 * In an array (or set) of arrays, blanks the elements at `positions` of each inner array as ignoreValue
 * does; the other elements, and every length, are compared. For SLOWLOG GET, whose entries carry an id,
 * a time, a duration and a client address that differ between the servers, beside the arguments and
 * client name that must not.
 */
export function ignoreItemFields(positions: readonly number[], on?: Scope): Normaliser {
  const blanked = new Set(positions);
  const rewriteItem = (item: Reply): Reply => {
    if (item.type !== "array" || item.value === null) return item;
    return withValue(item, item.value.map((field, i) => (blanked.has(i) ? blank(field) : field)));
  };
  return eachSide(
    "ignoreItemFields",
    on,
    (reply) => {
      if (reply.type === "array" && reply.value !== null) return withValue(reply, reply.value.map(rewriteItem));
      if (reply.type === "set") return withValue(reply, reply.value.map(rewriteItem));
      return reply;
    },
    positions.join(" "),
  );
}

/**
 * Integers at the same place in both replies count as equal when they differ by at most `delta`
 * (the candidate's is replaced by the reference's). For TTL and PTTL, which tick between the two servers.
 */
export function intWithin(delta: number, on?: Scope): Normaliser {
  const limit = BigInt(delta);
  const close = (reference: Reply, candidate: Reply): Reply => {
    if (reference.type === "integer" && candidate.type === "integer") {
      const gap = reference.value - candidate.value;
      return gap <= limit && -gap <= limit ? reference : candidate;
    }
    if (reference.type === "array" && candidate.type === "array" && reference.value && candidate.value) {
      const referenceItems = reference.value;
      return withValue(
        candidate,
        candidate.value.map((item, i) => {
          const match = referenceItems[i];
          return match === undefined ? item : close(match, item);
        }),
      );
    }
    return candidate;
  };
  return {
    label: scopeLabel("intWithin", on, String(delta)),
    appliesTo: scopeMatcher(on),
    apply: (reference, candidate) => [reference, close(reference, candidate)],
  };
}

/**
 * Replaces every match of `pattern` (give it the g flag) with `*` in the text of simple strings, errors,
 * bulk strings and verbatim strings, at any depth. Use lookbehind to keep the field name, e.g.
 * /(?<=\bid=)\d+/g. For CLIENT INFO and CLIENT LIST lines, whose addresses, ages and buffer sizes vary.
 */
export function replaceText(pattern: RegExp, on?: Scope): Normaliser {
  const rewriteText = (text: string): string => text.replace(pattern, "*");
  // Bytes map one to one onto code points 0-255 and back, so binary values survive the rewrite unchanged.
  const rewriteBytes = (bytes: Uint8Array): Uint8Array => {
    let text = "";
    for (const byte of bytes) text += String.fromCharCode(byte);
    const rewritten = rewriteText(text);
    return Uint8Array.from(rewritten, (char) => char.charCodeAt(0) & 0xff);
  };
  const rewrite = (reply: Reply): Reply => {
    switch (reply.type) {
      case "simple":
      case "error":
        return withValue(reply, rewriteText(reply.value));
      case "bulk":
        return reply.value === null ? reply : withValue(reply, rewriteBytes(reply.value));
      case "verbatim":
        return withValue(reply, rewriteBytes(reply.value));
      case "array":
        return reply.value === null ? reply : withValue(reply, reply.value.map(rewrite));
      case "set":
      case "push":
        return withValue(reply, reply.value.map(rewrite));
      case "map":
        return withValue(
          reply,
          reply.value.map(([key, value]): [Reply, Reply] => [rewrite(key), rewrite(value)]),
        );
      default:
        return reply;
    }
  };
  return eachSide("replaceText", on, rewrite, String(pattern));
}

/**
 * The CLIENT INFO / CLIENT LIST fields that depend on the connection (id, ports, fd), on timing (age, idle)
 * or on buffer sizes, for replaceText. Name, flags, db, sub, multi, events, cmd, user, redir, resp stay.
 */
export const clientInfoVolatileFields =
  /(?<=(?:^|\s)(?:id|addr|laddr|fd|age|idle|qbuf|qbuf-free|argv-mem|multi-mem|rbs|rbp|obl|oll|omem|tot-mem)=)\S*/g;

/**
 * Applies `inner` to element `position` of the array (EXEC) reply of command `index`, leaving the other
 * elements alone. The generator wraps the normalisers of a command queued inside MULTI with it, so a
 * random or unordered reply keeps the same allowance when it arrives inside EXEC's reply.
 */
export function inExecReply(inner: Normaliser, index: number, position: number): Normaliser {
  return {
    label: `inExecReply(${inner.label}, #${index}[${position}])`,
    appliesTo: (_argv, at) => at === index,
    apply: (reference, candidate) => {
      if (reference.type !== "array" || candidate.type !== "array" || reference.value === null || candidate.value === null) return [reference, candidate];
      const left = reference.value[position];
      const right = candidate.value[position];
      if (left === undefined || right === undefined) return [reference, candidate];
      const [newLeft, newRight] = inner.apply(left, right);
      const replaceAt = (items: readonly Reply[], item: Reply): Reply[] => items.map((old, i) => (i === position ? item : old));
      return [withValue(reference, replaceAt(reference.value, newLeft)), withValue(candidate, replaceAt(candidate.value, newRight))];
    },
  };
}

const helloFields = ["server", "version", "id", "mode"];

/**
 * HELLO's reply inside an EXEC reply (HELLO queued in MULTI): the elements that are HELLO replies (a
 * map, or in RESP2 a flat array, naming both "server" and "proto") get their identity fields blanked.
 * The connection id differs whenever the two servers have served a different number of connections.
 */
function helloInsideExec(): Normaliser {
  const inner = ignoreFields(helloFields);
  const names = (reply: Reply): Set<string> => {
    const out = new Set<string>();
    if (reply.type === "map") for (const [k] of reply.value) out.add(textOf(k) ?? "");
    else if (reply.type === "array" && reply.value !== null) reply.value.forEach((item, i) => i % 2 === 0 && out.add(textOf(item) ?? ""));
    return out;
  };
  const isHello = (reply: Reply): boolean => {
    const n = names(reply);
    return n.has("server") && n.has("proto");
  };
  const rewrite = (reply: Reply): Reply => {
    if (reply.type !== "array" || reply.value === null) return reply;
    return withValue(reply, reply.value.map((item) => (isHello(item) ? (inner.apply(item, item)[0] as Reply) : item)));
  };
  return eachSide("helloInsideExec", "EXEC", rewrite);
}

/** Applied to every case by the harness: HELLO reports the server's identity, version and connection id. */
export const defaultNormalisers: readonly Normaliser[] = [ignoreFields(helloFields, "HELLO"), helloInsideExec()];
