import { describe, expect, it } from "vitest";
import { stripSpans } from "../../src/ast.js";
import { parseDsl } from "../../src/parser/dsl.js";
import { formatPolicy } from "../../src/parser/format.js";

/** Findings of `scripts/fuzz.ts`, kept as cases. */
describe("fuzz regressions", () => {
  it("an undeclared channel after a count is not pluralised into the keyword `touches` (seed 86020875)", () => {
    const text = `cadence "p" {\n  channels email\n  at most 3 touche per 7 days\n}\n`;
    const { policy, diagnostics } = parseDsl(text);
    expect(diagnostics).toEqual([]);
    const printed = formatPolicy(policy!);
    expect(printed).toContain("at most 3 touche per 7 days");
    expect(stripSpans(parseDsl(printed).policy)).toEqual(stripSpans(policy));
  });
});
