// Key routing follows Redis Cluster: CRC16 slots, hash tags, contiguous shard ranges.
import { expect, test } from "bun:test";
import { keySlot, shardOfSlot, slotRangeOfShard, slotCount } from "./slot.ts";

test("slots match Redis Cluster's published values", () => {
  expect(keySlot("foo")).toBe(12182);
  expect(keySlot("bar")).toBe(5061);
  expect(keySlot("123456789")).toBe(0x31c3 & 16383);
  expect(keySlot("")).toBe(0);
});

test("hash tags route by the first non-empty {tag}", () => {
  expect(keySlot("{user1000}.following")).toBe(keySlot("user1000"));
  expect(keySlot("{user1000}.followers")).toBe(keySlot("{user1000}.following"));
  expect(keySlot("foo{}{bar}")).toBe(keySlot("foo{}{bar}"));
  expect(keySlot("foo{}{bar}")).not.toBe(keySlot("bar"));
  expect(keySlot("foo{{bar}}zap")).toBe(keySlot("{bar"));
  expect(keySlot("foo{bar}{zap}")).toBe(keySlot("bar"));
});

test("shard ranges cover every slot exactly once and agree with shardOfSlot", () => {
  for (const shards of [1, 2, 3, 4, 7, 16]) {
    let next = 0;
    for (let s = 0; s < shards; s++) {
      const [first, last] = slotRangeOfShard(s, shards);
      expect(first).toBe(next);
      for (const slot of [first, last]) expect(shardOfSlot(slot, shards)).toBe(s);
      next = last + 1;
    }
    expect(next).toBe(slotCount);
  }
});
