/**
 * CRC32C (Castagnoli) in plain TypeScript, one table lookup per byte.
 *
 * This is the reference the native library is tested against, and the fallback a reader can
 * check by eye; it is about two orders of magnitude slower than `crc32c` in ffi.ts, so nothing on
 * a hot path should call it.
 */

const crc32cPolynomialReflected = 0x82f63b78;

function crc32cTableBuild(): Uint32Array {
  const table = new Uint32Array(256);
  for (let value = 0; value < 256; value++) {
    let register = value;
    for (let bit = 0; bit < 8; bit++) {
      register = register & 1 ? (register >>> 1) ^ crc32cPolynomialReflected : register >>> 1;
    }
    table[value] = register;
  }
  return table;
}

const crc32cTable = crc32cTableBuild();

/**
 * CRC32C of `data`, continuing from `crc` (a previous result; 0 to start), so
 * `crc32cReference(b, crc32cReference(a))` equals the CRC of `a` followed by `b`.
 * Returns an unsigned 32-bit integer.
 */
export function crc32cReference(data: Uint8Array, crc = 0): number {
  let register = ~crc;
  for (let index = 0; index < data.length; index++) {
    // Both indexes are in range (the table has 256 entries, data[index] exists), so the
    // fallback values never apply; they only satisfy noUncheckedIndexedAccess.
    register = (crc32cTable[(register ^ (data[index] ?? 0)) & 0xff] ?? 0) ^ (register >>> 8);
  }
  return ~register >>> 0;
}
