/**
 * Pursuit bounds of the inbound example against the independent eager
 * sender (see `eager-sender.ts`): the largest example, in a file of its own.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { parsePolicy } from "../../src/parser/index.js";
import { checkBounds } from "./eager-sender.js";

describe("pursuit bounds of the inbound example", () => {
  it("an independent eager sender never exceeds the bounds and reaches them, for every signal pattern explored", () => {
    const { policy, diagnostics } = parsePolicy(readFileSync(join(import.meta.dirname, "..", "..", "examples", "inbound.heed"), "utf8"), { file: "inbound.heed" });
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    checkBounds(policy!, "inbound.heed", { startDays: 1, horizonDays: 31 });
  }, 300_000);
});
