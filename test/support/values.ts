// Test values that cannot be mistaken for one another: a misplaced or truncated read cannot pass.

/** `bytes` latin1 characters for key `i`: its number, then xorshift bytes (every byte value occurs). */
export function distinctValue(i: number, bytes: number): string {
  let s = `<${i}>`;
  let x = (i * 2654435761) >>> 0 || 1;
  while (s.length < bytes) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    s += String.fromCharCode(x & 0xff);
  }
  return s.slice(0, bytes);
}
