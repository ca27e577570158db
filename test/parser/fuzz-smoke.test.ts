import { describe, expect, it } from "vitest";

import { hostileInput, PROTOTYPE_NAMES, runHostile } from "./hostile.js";

/**
 * A few hundred of the hostile inputs of `npm run fuzz` (scripts/fuzz.ts),
 * run in the suite: the same generator and the same checks as the long runs
 * recorded in FUZZING.md, on a fixed seed.
 */
describe("hostile inputs (a smoke run of the fuzzer)", () => {
  it("never make parsing, checking, compiling or deciding throw, and every diagnostic has a position", () => {
    const failures: string[] = [];
    let compiled = 0;
    for (let index = 0; index < 250; index++) {
      const input = hostileInput(20261203, index);
      const outcome = runHostile(input, 14, 10);
      if (outcome.compiled) compiled++;
      for (const failure of outcome.failures) failures.push(`input ${index} (${input.family}): ${failure}`);
    }
    expect(failures).toEqual([]);
    // the generator reaches the engine, not only the parser
    expect(compiled).toBeGreaterThan(25);
  }, 300_000);

  it("the same seed and index always give the same input", () => {
    expect(hostileInput(7, 42).text).toBe(hostileInput(7, 42).text);
    expect(hostileInput(7, 42).text).not.toBe(hostileInput(7, 43).text);
    expect(PROTOTYPE_NAMES).toContain("__proto__");
  });
});
