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

  it("thousands of broken lines are reported in linear time, as a bounded list (was quadratic: 83 s for 20 000)", () => {
    for (const unit of ["never ", "foo\n", "at most 3 calls per\n"]) {
      const started = performance.now();
      const { policy, diagnostics } = parseDsl(`cadence "p" {\n${unit.repeat(5000)}\n}`);
      expect(performance.now() - started).toBeLessThan(15_000);
      expect(policy).toBeUndefined();
      expect(diagnostics.length).toBeGreaterThan(50);
      expect(diagnostics.length).toBeLessThanOrEqual(201);
      expect(diagnostics[diagnostics.length - 1]!.message).toMatch(/^(more syntax errors follow|\d+ more errors not shown)/);
    }
  });

  it("deeply nested conditions give an error at the first token too deep, never a stack overflow", () => {
    for (const prefix of ["(".repeat(10_000), "not ".repeat(10_000), "not (".repeat(5_000)]) {
      const { policy, diagnostics } = parseDsl(`cadence "p" {\n  never any when ${prefix} x == 1\n}`);
      expect(policy).toBeUndefined();
      expect(diagnostics.map((d) => [d.code, d.message, d.span?.line])).toEqual([
        ["too-deep", "condition nested more than 64 levels deep", 2],
      ]);
    }
    const fine = parseDsl(`cadence "p" {\n  never any when ${"not (".repeat(30)}x == 1${")".repeat(30)}\n}`);
    expect(fine.diagnostics).toEqual([]);
  });

  it("long and/or chains and chains inside nesting are bounded, never a stack overflow in later steps (was: `internal error: Maximum call stack size exceeded` in heed check)", () => {
    const chain = Array.from({ length: 20_000 }, () => "touches > 1").join(" and ");
    const long = parseDsl(`cadence "p" {\n  channels email\n  never email when ${chain}\n}`);
    expect(long.policy).toBeUndefined();
    expect(long.diagnostics.map((d) => [d.code, d.message, d.span?.line, d.span?.column])).toEqual([
      ["too-long", "condition joins more than 64 terms with `and`", 3, 20 + 64 * "touches > 1 and ".length],
    ]);
    const ors = Array.from({ length: 65 }, (_, i) => `touches > ${i}`).join(" or ");
    expect(parseDsl(`cadence "p" {\n  channels email\n  never email when ${ors}\n}`).diagnostics.map((d) => d.message)).toEqual([
      "condition joins more than 64 terms with `or`",
    ]);
    const sixtyFour = Array.from({ length: 64 }, (_, i) => `touches > ${i}`).join(" or ");
    expect(parseDsl(`cadence "p" {\n  channels email\n  never email when ${sixtyFour}\n}`).diagnostics).toEqual([]);
    // 10 nested groups of 30 terms: each limit kept, the whole tree 300 deep
    let nested = "touches > 1";
    for (let i = 0; i < 10; i++) nested = `(${[nested, ...Array.from({ length: 29 }, () => "touches > 1")].join(" and ")})`;
    const deep = parseDsl(`cadence "p" {\n  channels email\n  never email when ${nested}\n}`);
    expect(deep.policy).toBeUndefined();
    expect(deep.diagnostics.map((d) => [d.code, d.message, d.span?.line])).toEqual([
      ["too-deep", "condition nested more than 200 levels deep, counting each `and`, `or` and `not`", 3],
    ]);
  });

  it("huge and tiny numbers in conditions print without an exponent, so they read back", () => {
    const text = `cadence "p" {\n  never any when contact.score > 99999999999999999999999 or contact.rate < 0.00000001\n}\n`;
    const once = formatPolicy(parseDsl(text).policy!);
    expect(once).toContain("contact.score > 100000000000000000000000 or contact.rate < 0.00000001");
    expect(parseDsl(once).diagnostics).toEqual([]);
    expect(formatPolicy(parseDsl(once).policy!)).toBe(once);
  });
});

/** Findings of the hostile-input runs of `scripts/fuzz.ts` (seed 101): every diagnostic has a position. */
describe("hostile-input regressions", () => {
  it("a YAML key written as nothing (`{: x}`) is an unknown field at its map (input 12286)", async () => {
    const { parsePolicy } = await import("../../src/parser/index.js");
    const text = "cadence: p\nchannels: [call]\nrules:\n  - {: x, atMost: 3, of: calls, per: 24 hours }\n";
    expect(parsePolicy(text, { format: "yaml" }).diagnostics.map((d) => [d.code, d.span?.line, d.span?.column, d.message])).toEqual([
      ["schema", 4, 5, "unknown field `` in a rule"],
    ]);
  });

  it("a leaf value of nothing but characters the lexer refuses points at the value (input 2039)", async () => {
    const { parsePolicy } = await import("../../src/parser/index.js");
    const text = "cadence: p\nchannels: [email]\nrules:\n  - { quietHours: 21:00-08:00, for: \"名前\" }\n";
    const diagnostics = parsePolicy(text, { format: "yaml" }).diagnostics;
    expect(diagnostics.every((d) => d.span !== undefined && d.span.line === 4)).toBe(true);
    expect(diagnostics.map((d) => d.message)).toContain("expected channels (names, `any` or `touches`)");
  });
});
