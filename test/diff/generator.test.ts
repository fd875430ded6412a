// Covers the script generator: the same seed gives the same scripts, scripts differ between seeds, and
// generated normalisers point at the command that needs them.
import { expect, test } from "bun:test";
import { templateFamilies } from "./gen/index.ts";
import { createRng, generateCases } from "./generator.ts";

const generate = (seed: number) => generateCases({ seed, count: 50, families: templateFamilies, nowSeconds: 1_700_000_000 });
const shape = (seed: number) => generate(seed).map((c) => ({ cmds: c.cmds, normalise: c.normalise?.map((n) => n.label) }));

test("the same seed gives the same scripts", () => {
  expect(shape(1234)).toEqual(shape(1234));
});

test("different seeds give different scripts", () => {
  expect(shape(1)).not.toEqual(shape(2));
});

test("the rng stays within its bounds", () => {
  const rng = createRng(7);
  for (let i = 0; i < 10_000; i++) {
    const value = rng.int(-3, 3);
    expect(value >= -3 && value <= 3).toBe(true);
    const float = rng.float();
    expect(float >= 0 && float < 1).toBe(true);
  }
});

test("normalisers from templates are scoped to the generated command", () => {
  for (const diffCase of generate(99)) {
    for (const normaliser of diffCase.normalise ?? []) {
      const matching = diffCase.cmds.filter((argv, index) => normaliser.appliesTo(argv, index));
      expect(matching.length).toBe(1);
    }
  }
});
