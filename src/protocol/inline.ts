// Splits an inline command line into arguments exactly like Redis's sdssplitargs (sds.c), which
// processInlineBuffer uses: blanks separate arguments, "double quotes" take \n \r \t \b \a \xHH and
// \<any> escapes, 'single quotes' take only \', and a closing quote must be followed by a blank or the end.

const CHAR_DQUOTE = 34;
const CHAR_SQUOTE = 39;
const CHAR_BACKSLASH = 92;

/** C isspace in the "C" locale: what sdssplitargs skips between arguments. */
function isBlank(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** The bytes that end an unquoted argument (the switch in sdssplitargs; \v and \f do not). */
function endsUnquoted(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/**
 * Arguments of line[from, to), or null for unbalanced quotes. The line must hold no NUL byte (Redis
 * never tokenizes past one: the caller stalls instead). Plain arguments are views into `line` unless
 * `copy` is set; quoted ones are always fresh arrays.
 */
export function splitInlineArgs(line: Uint8Array, from: number, to: number, copy: boolean): Uint8Array[] | null {
  const args: Uint8Array[] = [];
  let p = from;
  // Bound: p only moves forward and every pass consumes at least one byte or returns.
  while (p < to) {
    while (p < to && isBlank(line[p]!)) p++;
    if (p >= to) break;
    const start = p;
    while (p < to) {
      const c = line[p]!;
      if (endsUnquoted(c) || c === CHAR_DQUOTE || c === CHAR_SQUOTE) break;
      p++;
    }
    if (p >= to || endsUnquoted(line[p]!)) {
      args.push(copy ? line.slice(start, p) : line.subarray(start, p));
      continue;
    }
    const quoted = readQuotedArg(line, start, to);
    if (quoted === null) return null;
    args.push(quoted.arg);
    p = quoted.end;
  }
  return args;
}

/** Growable byte scratch for one argument. */
class ByteScratch {
  private bytes = new Uint8Array(64);
  length = 0;

  push(c: number): void {
    if (this.length === this.bytes.length) {
      const next = new Uint8Array(this.bytes.length * 2);
      next.set(this.bytes);
      this.bytes = next;
    }
    this.bytes[this.length++] = c;
  }

  take(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/**
 * The sdssplitargs token loop from `start` (an argument that contains a quote somewhere): returns the
 * argument and the index after it, or null when quotes are unbalanced.
 */
function readQuotedArg(line: Uint8Array, start: number, to: number): { arg: Uint8Array; end: number } | null {
  const out = new ByteScratch();
  let inDouble = false;
  let inSingle = false;
  let p = start;
  // Bound: p only moves forward; reaching `to` inside quotes returns null.
  for (;;) {
    if (p >= to) {
      if (inDouble || inSingle) return null;
      return { arg: out.take(), end: p };
    }
    const c = line[p]!;
    const next = p + 1 < to ? line[p + 1]! : -1;
    if (inDouble) {
      if (c === CHAR_BACKSLASH && next === 120 /* x */ && p + 3 < to && hexDigit(line[p + 2]!) >= 0 && hexDigit(line[p + 3]!) >= 0) {
        out.push(hexDigit(line[p + 2]!) * 16 + hexDigit(line[p + 3]!));
        p += 4;
        continue;
      }
      if (c === CHAR_BACKSLASH && next !== -1) {
        out.push(unescape(next));
        p += 2;
        continue;
      }
      if (c === CHAR_DQUOTE) {
        if (next !== -1 && !isBlank(next)) return null;
        return { arg: out.take(), end: p + 1 };
      }
      out.push(c);
      p++;
      continue;
    }
    if (inSingle) {
      if (c === CHAR_BACKSLASH && next === CHAR_SQUOTE) {
        out.push(CHAR_SQUOTE);
        p += 2;
        continue;
      }
      if (c === CHAR_SQUOTE) {
        if (next !== -1 && !isBlank(next)) return null;
        return { arg: out.take(), end: p + 1 };
      }
      out.push(c);
      p++;
      continue;
    }
    if (endsUnquoted(c)) return { arg: out.take(), end: p };
    if (c === CHAR_DQUOTE) inDouble = true;
    else if (c === CHAR_SQUOTE) inSingle = true;
    else out.push(c);
    p++;
  }
}

function unescape(c: number): number {
  switch (c) {
    case 110: // n
      return 10;
    case 114: // r
      return 13;
    case 116: // t
      return 9;
    case 98: // b
      return 8;
    case 97: // a
      return 7;
    default:
      return c;
  }
}
