// Deque: ring-buffer operations against a plain array model, including middle inserts and removals.
import { expect, test } from "bun:test";
import { Deque } from "./deque.ts";

test("random operations match an array model", () => {
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const d = new Deque<number>(4);
  const model: number[] = [];
  for (let step = 0; step < 20000; step++) {
    const op = rand(6);
    const v = step;
    if (op === 0) { d.pushBack(v); model.push(v); }
    else if (op === 1) { d.pushFront(v); model.unshift(v); }
    else if (op === 2) expect(d.popFront()).toBe(model.shift());
    else if (op === 3) expect(d.popBack()).toBe(model.pop());
    else if (op === 4) { const i = rand(model.length + 1); d.insertAt(i, v); model.splice(i, 0, v); }
    else if (model.length > 0) { const i = rand(model.length); expect(d.removeAt(i)).toBe(model.splice(i, 1)[0] as number); }
    expect(d.length).toBe(model.length);
  }
  expect(d.toArray()).toEqual(model);
});
