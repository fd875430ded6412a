// Redis Cluster key routing: CRC16 (XMODEM) of the key, or of the first non-empty {tag}, mod 16384.

export const slotCount = 16384;

const crc16Table = buildCrc16Table();

function buildCrc16Table(): Uint16Array {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
    table[i] = crc;
  }
  return table;
}

/** CRC16-CCITT (XMODEM) over char codes of a latin1 byte string, from `start` to `end`. */
function crc16(key: string, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) & 0xffff) ^ (crc16Table[((crc >>> 8) ^ key.charCodeAt(i)) & 0xff] as number);
  }
  return crc;
}

/** Hash slot of a key given as a latin1 byte string. */
export function keySlot(key: string): number {
  const open = key.indexOf("{");
  if (open !== -1) {
    const close = key.indexOf("}", open + 1);
    if (close !== -1 && close !== open + 1) return crc16(key, open + 1, close) & (slotCount - 1);
  }
  return crc16(key, 0, key.length) & (slotCount - 1);
}

/** Slots are split into contiguous, near-equal ranges, one per shard (as CLUSTER SLOTS reports them). */
export function shardOfSlot(slot: number, shardCount: number): number {
  return Math.floor((slot * shardCount) / slotCount);
}

export function slotRangeOfShard(shard: number, shardCount: number): [number, number] {
  const first = Math.ceil((shard * slotCount) / shardCount);
  const last = Math.ceil(((shard + 1) * slotCount) / shardCount) - 1;
  return [first, last];
}
