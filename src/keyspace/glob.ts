// Glob-style matching with Redis 7.0's stringmatchlen rules (KEYS, SCAN MATCH, HSCAN/SSCAN/ZSCAN MATCH,
// PSUBSCRIBE, PUBSUB CHANNELS): `*`, `?`, `[abc]`, `[^a]`, `[a-z]` (ends swapped when reversed), and
// `\` escapes. Bytes compare as C's signed `char`, so a range such as `[a-\xff]` covers what Redis covers.
// Patterns and subjects are latin1 byte strings (one char code per byte).

/** Deepest recursion on `*` groups; a pattern nesting deeper than this matches nothing (as Redis 7.2+ does). */
const STAR_NESTING_MAX = 1000;

function signedByte(code: number): number {
  return code >= 128 ? code - 256 : code;
}

function lowerByte(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

interface MatchState {
  readonly pattern: string;
  readonly subject: string;
  readonly nocase: boolean;
  /** Set once a `*` failed at every position: earlier stars cannot help (Redis skipLongerMatches). */
  skipLongerMatches: boolean;
}

function matchFrom(m: MatchState, patternAt: number, subjectAt: number, nesting: number): boolean {
  const { pattern, subject, nocase } = m;
  const patternEnd = pattern.length;
  const subjectEnd = subject.length;
  let p = patternAt;
  let s = subjectAt;
  if (nesting > STAR_NESTING_MAX) return false;
  while (p < patternEnd && s < subjectEnd) {
    const c = pattern.charCodeAt(p);
    if (c === 42 /* * */) {
      while (p + 1 < patternEnd && pattern.charCodeAt(p + 1) === 42) p++;
      if (p + 1 === patternEnd) return true;
      while (s < subjectEnd) {
        if (matchFrom(m, p + 1, s, nesting + 1)) return true;
        if (m.skipLongerMatches) return false;
        s++;
      }
      m.skipLongerMatches = true;
      return false;
    } else if (c === 63 /* ? */) {
      s++;
    } else if (c === 91 /* [ */) {
      p++;
      const not = pattern.charCodeAt(p) === 94; /* ^ */
      if (not) p++;
      let match = false;
      const sc = subject.charCodeAt(s);
      for (;;) {
        const pc = p < patternEnd ? pattern.charCodeAt(p) : 0;
        if (pc === 92 /* \ */ && patternEnd - p >= 2) {
          p++;
          if (pattern.charCodeAt(p) === sc) match = true;
        } else if (pc === 93 /* ] */ && p < patternEnd) {
          break;
        } else if (p >= patternEnd) {
          p--;
          break;
        } else if (patternEnd - p >= 3 && pattern.charCodeAt(p + 1) === 45 /* - */) {
          let start = signedByte(pattern.charCodeAt(p));
          let end = signedByte(pattern.charCodeAt(p + 2));
          let code = signedByte(sc);
          if (start > end) [start, end] = [end, start];
          if (nocase) {
            start = lowerByte(start);
            end = lowerByte(end);
            code = lowerByte(code);
          }
          p += 2;
          if (code >= start && code <= end) match = true;
        } else if (nocase ? lowerByte(pc) === lowerByte(sc) : pc === sc) {
          match = true;
        }
        p++;
      }
      if (not) match = !match;
      if (!match) return false;
      s++;
    } else {
      if (c === 92 /* \ */ && patternEnd - p >= 2) p++;
      const pc = pattern.charCodeAt(p);
      const sc = subject.charCodeAt(s);
      if (nocase ? lowerByte(pc) !== lowerByte(sc) : pc !== sc) return false;
      s++;
    }
    p++;
    if (s === subjectEnd) {
      while (p < patternEnd && pattern.charCodeAt(p) === 42) p++;
      break;
    }
  }
  return p === patternEnd && s === subjectEnd;
}

/** True when `subject` matches the glob `pattern` exactly as Redis's stringmatchlen decides. */
export function globMatch(pattern: string, subject: string, options: { nocase?: boolean } = {}): boolean {
  return matchFrom({ pattern, subject, nocase: options.nocase ?? false, skipLongerMatches: false }, 0, 0, 0);
}

/** A matcher for a pattern used many times; "*" (match everything) skips the matcher entirely. */
export function globMatcher(pattern: string): (subject: string) => boolean {
  if (pattern === "*") return () => true;
  return (subject) => globMatch(pattern, subject);
}
