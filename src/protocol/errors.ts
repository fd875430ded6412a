// Redis 7.0's command error texts, in one place, each checked against redis-server 7.0.15. A text
// starts with its error code; ReplyWriter.error adds the leading '-' and the CRLF.

/** A name or argument as the client sent it: bytes, or a latin1 string (one char per byte). */
export type ByteText = Uint8Array | string;

export const errWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
export const errSyntax = "ERR syntax error";
export const errNotInteger = "ERR value is not an integer or out of range";
export const errNotFloat = "ERR value is not a valid float";
/** INCR, INCRBY, DECR, HINCRBY, ... when the result leaves the int64 range. */
export const errOverflow = "ERR increment or decrement would overflow";
/** DECRBY with -9223372036854775808, which cannot be negated. */
export const errDecrementOverflow = "ERR decrement would overflow";
/** INCRBYFLOAT / HINCRBYFLOAT when the sum is not finite. */
export const errIncrementNanOrInfinity = "ERR increment would produce NaN or Infinity";
/** HINCRBYFLOAT when the increment itself is not finite. */
export const errValueNanOrInfinity = "ERR value is NaN or Infinity";
export const errHashNotInteger = "ERR hash value is not an integer";
export const errHashNotFloat = "ERR hash value is not a float";
/** LPOP/RPOP/SPOP/... with a negative count. */
export const errPositive = "ERR value is out of range, must be positive";
export const errNoSuchKey = "ERR no such key";
/** LSET past the end. */
export const errOutOfRange = "ERR index out of range";
export const errTimeoutNotFloat = "ERR timeout is not a float or out of range";
export const errTimeoutNegative = "ERR timeout is negative";
export const errBitOffset = "ERR bit offset is not an integer or out of range";
export const errBitValue = "ERR bit is not an integer or out of range";
export const errOffsetOutOfRange = "ERR offset is out of range";
export const errMinMaxNotFloat = "ERR min or max is not a float";
export const errMinMaxNotStringRange = "ERR min or max not valid string range item";
export const errScoreNaN = "ERR resulting score is not a number (NaN)";
export const errDbIndexOutOfRange = "ERR DB index is out of range";
export const errStringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
export const errInvalidCursor = "ERR invalid cursor";

export const errNoAuth = "NOAUTH Authentication required.";
export const errWrongPass = "WRONGPASS invalid username-password pair or user is disabled.";
/** AUTH <password> while the default user has no password. */
export const errAuthNoPassword =
  "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?";
/** HELLO without AUTH from an unauthenticated client. */
export const errHelloNoAuth =
  "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time";
export const errNoProto = "NOPROTO unsupported protocol version";

export const errMultiNested = "ERR MULTI calls can not be nested";
export const errExecWithoutMulti = "ERR EXEC without MULTI";
export const errDiscardWithoutMulti = "ERR DISCARD without MULTI";
export const errWatchInsideMulti = "ERR WATCH inside MULTI is not allowed";
export const errExecAbort = "EXECABORT Transaction discarded because of previous errors.";

/** Arity check failure; `fullName` is lowercase, "container|sub" for subcommands ("config|get"). */
export function errArity(fullName: string): string {
  return `ERR wrong number of arguments for '${fullName}' command`;
}

/** SET/GETEX/EXPIRE... with a non-positive or overflowing time; `name` is the command as declared. */
export function errInvalidExpireTime(name: string): string {
  return `ERR invalid expire time in '${name}' command`;
}

/** Bytes Redis's "%.Ns" prints of a C string: up to the first NUL and at most `bytesMax` bytes. */
function cText(v: ByteText, bytesMax: number): string {
  if (typeof v === "string") {
    const nul = v.indexOf("\0");
    const end = Math.min(nul < 0 ? v.length : nul, bytesMax);
    return end === v.length ? v : v.slice(0, end);
  }
  let end = v.indexOf(0);
  if (end < 0 || end > bytesMax) end = Math.min(v.length, bytesMax);
  let s = "";
  for (let i = 0; i < end; i++) s += String.fromCharCode(v[i]!);
  return s;
}

/** Redis's rejectCommandFormat turns CR and LF from user text into spaces. */
function mapNewlines(s: string): string {
  return s.indexOf("\r") < 0 && s.indexOf("\n") < 0 ? s : s.replace(/[\r\n]/g, " ");
}

const PREVIEW_BYTES_MAX = 128;

/**
 * processCommand's reply for an unknown command: the name cut at 128 bytes, then arguments quoted and
 * each followed by a space, appended while the preview is under 128 bytes, each cut to what is left of
 * those 128 bytes; C string rules apply (text ends at a NUL byte); CR/LF become spaces.
 */
export function errUnknownCommand(name: ByteText, args: readonly ByteText[]): string {
  let preview = "";
  for (let i = 0; i < args.length && preview.length < PREVIEW_BYTES_MAX; i++) {
    preview += `'${cText(args[i]!, PREVIEW_BYTES_MAX - preview.length)}' `;
  }
  return mapNewlines(`ERR unknown command '${cText(name, PREVIEW_BYTES_MAX)}', with args beginning with: ${preview}`);
}

/** Unknown subcommand of a container command; `container` is the command name in uppercase. */
export function errUnknownSubcommand(sub: ByteText, container: string): string {
  return mapNewlines(`ERR unknown subcommand '${cText(sub, PREVIEW_BYTES_MAX)}'. Try ${cText(container, Infinity)} HELP.`);
}

/**
 * Redis's addReplySubcommandSyntaxError: a known subcommand with arguments its handler refuses
 * (`SLOWLOG GET 1 2`); the subcommand as typed, the container upper-cased as typed.
 */
export function errSubcommandSyntax(argv: readonly ByteText[]): string {
  const container = cText(argv[0] ?? "", Infinity).toUpperCase();
  return mapNewlines(`ERR unknown subcommand or wrong number of arguments for '${cText(argv[1] ?? "", PREVIEW_BYTES_MAX)}'. Try ${container} HELP.`);
}
