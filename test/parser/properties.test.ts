import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stripSpans } from "../../src/ast.js";
import { hasErrors } from "../../src/diagnostics.js";
import { parseDsl } from "../../src/parser/dsl.js";
import { formatPolicy } from "../../src/parser/format.js";
import { parseYamlPolicy } from "../../src/parser/yaml.js";
import { printYaml } from "../../src/parser/yaml-print.js";
import { validatePolicy } from "../../src/checks/index.js";
import { policyArbitrary } from "../engine/arbitraries.js";
import { parseConditionText, parseDurationText, parseWindowText } from "../../src/parser/leaf.js";
import { printCondition, printDuration, printWindow } from "../../src/print.js";
import { arbDuration, arbExpr, arbMutations, arbPolicy, arbSoup, arbWindow, mutate } from "./arbitraries.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const inbound = readFileSync(join(import.meta.dirname, "..", "..", "examples", "inbound.heed"), "utf8");
const runs = { numRuns: Number(process.env.HEED_PROPERTY_RUNS ?? 150) };

/** Comments inserted into a printed policy: at line `at` (modulo), on a line of their own or at the end of that line. */
function withComments(printed: string, inserts: readonly (readonly [number, boolean, string])[]): string {
  const lines = printed.split("\n");
  for (const [at, own, text] of inserts) {
    const index = at % lines.length;
    if (own) lines.splice(index, 0, `#${text}`);
    else lines[index] = `${lines[index]} #${text}`;
  }
  return lines.join("\n");
}

/** What every parse must satisfy: no partial policy beside an error, and an error whenever there is no policy. */
function expectSound(text: string): void {
  const { policy, diagnostics } = parseDsl(text, { file: "fuzz.heed" });
  if (policy === undefined) expect(hasErrors(diagnostics)).toBe(true);
  else expect(hasErrors(diagnostics)).toBe(false);
  for (const d of diagnostics) {
    expect(d.message).not.toMatch(/\n|\.$|^[A-Z]/);
    expect(d.message).not.toMatch(/Token|Exception|-->|undefined|NaN/);
    if (d.span) {
      expect(d.span.line).toBeGreaterThanOrEqual(1);
      expect(d.span.column).toBeGreaterThanOrEqual(1);
    }
  }
}

describe("DSL properties", () => {
  it("an arbitrary AST printed and parsed again is equal, spans aside", () => {
    fc.assert(
      fc.property(arbPolicy, (policy) => {
        const text = formatPolicy(policy);
        const parsed = parseDsl(text);
        expect(parsed.diagnostics).toEqual([]);
        expect(stripSpans(parsed.policy)).toEqual(stripSpans(policy));
      }),
      runs,
    );
  });

  it("format is idempotent: format(parse(format(x))) === format(x)", () => {
    fc.assert(
      fc.property(arbPolicy, (policy) => {
        const once = formatPolicy(policy);
        const reparsed = parseDsl(once).policy;
        expect(reparsed).toBeDefined();
        expect(formatPolicy(reparsed!)).toBe(once);
      }),
      runs,
    );
  });

  it("comments anywhere between statements are all kept, and formatting them is idempotent", () => {
    fc.assert(
      fc.property(
        arbPolicy,
        fc.array(fc.tuple(fc.nat(), fc.boolean(), fc.stringMatching(/^[ a-z0-9#]{0,12}$/)), { minLength: 1, maxLength: 6 }),
        (policy, inserts) => {
          const commented = withComments(formatPolicy(policy), inserts);
          const parsed = parseDsl(commented);
          expect(parsed.diagnostics).toEqual([]);
          const once = formatPolicy(parsed.policy!);
          expect(once.match(/#/g)?.length ?? 0).toBe(commented.match(/#/g)?.length ?? 0);
          expect(stripSpans(parseDsl(once).policy)).toEqual(stripSpans(policy));
          expect(formatPolicy(parseDsl(once).policy!)).toBe(once);
        },
      ),
      runs,
    );
  });

  it("converting a commented policy to YAML and back keeps its meaning and every comment (property)", () => {
    fc.assert(
      fc.property(
        // Valid policies (the engine's generator): an invalid one (no channel, a stage declared twice) may have no YAML form at all.
        policyArbitrary(),
        fc.array(fc.tuple(fc.nat(), fc.boolean(), fc.stringMatching(/^[ a-z0-9#:'"{}\-]{0,12}$/)), { minLength: 1, maxLength: 6 }),
        (policy, inserts) => {
          expect(validatePolicy(policy).filter((d) => d.severity === "error")).toEqual([]);
          const commented = withComments(formatPolicy(policy), inserts);
          const dsl = parseDsl(commented);
          expect(dsl.diagnostics).toEqual([]);
          const texts = (dsl.policy!.comments ?? []).map((c) => c.text).sort();
          const yaml = printYaml(dsl.policy!);
          const fromYaml = parseYamlPolicy(yaml, { file: "p.heed.yaml" });
          expect(fromYaml.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
          expect(stripSpans(fromYaml.policy)).toEqual(stripSpans(dsl.policy));
          expect((fromYaml.policy!.comments ?? []).map((c) => c.text).sort()).toEqual(texts);
          const back = parseDsl(formatPolicy(fromYaml.policy!));
          expect(stripSpans(back.policy)).toEqual(stripSpans(dsl.policy));
          expect((back.policy!.comments ?? []).map((c) => c.text).sort()).toEqual(texts);
        },
      ),
      runs,
    );
  });

  it("leaf sub-grammars read back what the formatter prints (durations, windows, conditions)", () => {
    const origin = { line: 1, column: 1, offset: 0 };
    fc.assert(
      fc.property(arbDuration, arbWindow, arbExpr, (duration, window, expr) => {
        expect(stripSpans(parseDurationText(printDuration(duration), origin).value)).toEqual(duration);
        expect(stripSpans(parseWindowText(`per ${printWindow(window)}`, origin).value)).toEqual(window);
        expect(stripSpans(parseConditionText(printCondition(expr), origin).value)).toEqual(stripSpans(expr));
      }),
      runs,
    );
  });

  it("mutations of a valid policy (deleted, duplicated, swapped words) give diagnostics, never a throw or a partial AST", () => {
    fc.assert(
      fc.property(arbMutations, (mutations) => {
        expectSound(mutate(inbound, mutations));
      }),
      runs,
    );
  });

  it("mutations of arbitrary printed policies never throw and never give a partial AST without an error", () => {
    fc.assert(
      fc.property(arbPolicy, arbMutations, (policy, mutations) => {
        expectSound(mutate(formatPolicy(policy), mutations));
      }),
      { numRuns: 100 },
    );
  });

  it("arbitrary text and token soup never make the parser throw", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => expectSound(text)), runs);
    fc.assert(fc.property(arbSoup, (text) => expectSound(text)), runs);
    fc.assert(fc.property(arbSoup, (text) => expectSound(`cadence "p" {\n${text}\n}`)), runs);
  });
});
