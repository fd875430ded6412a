// Memory accounting and access statistics for eviction.
//
// Each entry carries an estimate of the bytes its key and value occupy (`sizeBytes`); each database
// sums them (`usedBytes`). The estimate is deterministic (it depends only on the data), so eviction
// decisions can be reasoned about and tested; it is not the process RSS (INFO reports both). Small
// collections are measured exactly; large ones from a sample of their first elements, so updating the
// estimate after a write costs O(1), not O(size).
import { stringHeldBytes, stringInMemory, type Entry } from "./entry.ts";

/** Fixed cost per key: the Map slot, the entry object and its fields. */
export const entryOverheadBytes = 96;
/** Per element of a collection: the slot in its Map/Set/array plus string headers. */
const elementOverheadBytes = 40;
/** Collections up to this size are measured exactly; beyond it, by sampling. */
const exactElementsMax = 64;
const sampleElements = 16;

function sampled(count: number, measure: (limit: number) => number): number {
  if (count <= exactElementsMax) return measure(count);
  return Math.round((measure(sampleElements) / sampleElements) * count);
}

function valueBytes(e: Entry): number {
  switch (e.type) {
    case "string":
      // Without building a buffered value's string (keyspace/entry.ts BufferedStringEntry).
      return stringInMemory(e) ? stringHeldBytes(e) : 16;
    case "hash":
      return sampled(e.data.size, (limit) => {
        let n = 0;
        let i = 0;
        for (const [f, v] of e.data) {
          if (i++ >= limit) break;
          n += f.length + v.length + 2 * elementOverheadBytes;
        }
        return n;
      });
    case "set":
      return sampled(e.data.size, (limit) => {
        let n = 0;
        let i = 0;
        for (const m of e.data) {
          if (i++ >= limit) break;
          n += m.length + elementOverheadBytes;
        }
        return n;
      });
    case "list":
      return sampled(e.data.length, (limit) => {
        let n = 0;
        for (let i = 0; i < limit; i++) n += (e.data.at(i) ?? "").length + elementOverheadBytes;
        return n;
      });
    case "zset":
      return sampled(e.data.size, (limit) => {
        let n = 0;
        let i = 0;
        for (const [m] of e.data.entries()) {
          if (i++ >= limit) break;
          n += m.length + 3 * elementOverheadBytes;
        }
        return n;
      });
  }
}

export function entrySizeBytes(key: string, e: Entry): number {
  return entryOverheadBytes + key.length + valueBytes(e);
}

/** A hot, unbuffered string's value length, read back from its size estimate (entrySizeBytes inverted). */
export function hotStringValueBytes(key: string, sizeBytes: number): number {
  return sizeBytes - entryOverheadBytes - key.length;
}

// LFU, as Redis: an 8-bit logarithmic counter that starts at 5, increments with probability
// 1/((counter - 5) * lfuLogFactor + 1), and decays by one per lfuDecayMinutes without access.
export const lfuInitialCounter = 5;
const lfuLogFactor = 10;
const lfuDecayMinutes = 1;
let lfuRandomState = 0x2545f491;

function lfuRandom(): number {
  // Access statistics are local to a node (never logged), so a local PRNG is fine here.
  let x = lfuRandomState;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  lfuRandomState = x >>> 0;
  return lfuRandomState / 4294967296;
}

/** The counter after decay for the time since the last access (OBJECT FREQ shows this). */
export function lfuDecayed(e: Entry, nowMs: number): number {
  if (e.accessedAt === 0) return e.frequency;
  const periods = Math.floor((nowMs - e.accessedAt) / 60000 / lfuDecayMinutes);
  return periods > 0 ? Math.max(0, e.frequency - periods) : e.frequency;
}

/** Records an access: decays, then increments logarithmically, then stamps the access time. */
export function touchAccess(e: Entry, nowMs: number): void {
  let counter = lfuDecayed(e, nowMs);
  if (counter < 255) {
    const base = Math.max(0, counter - lfuInitialCounter);
    if (lfuRandom() < 1 / (base * lfuLogFactor + 1)) counter++;
  }
  e.frequency = counter;
  e.accessedAt = nowMs;
}
