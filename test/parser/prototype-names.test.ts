import { describe, expect, it } from "vitest";

import type { Policy } from "../../src/ast.js";
import { HeedPolicyError, type Diagnostic } from "../../src/diagnostics.js";
import { compile } from "../../src/engine/index.js";
import { analyzePolicy, analyzeSilentContact } from "../../src/analysis/index.js";
import { parsePolicy } from "../../src/parser/index.js";

/** The names every plain object inherits: a table lookup by user text must never find them. */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);

function shown(diagnostics: readonly Diagnostic[]): [string, string, string, string][] {
  return diagnostics.map((d) => [d.severity, d.code, `${d.span?.line}:${d.span?.column}`, d.message]);
}

describe("Object.prototype's names are words like any other (issue 14, item 1)", () => {
  it("covers the names the issue found and the rest of the prototype", () => {
    expect(PROTOTYPE_NAMES).toEqual(expect.arrayContaining(["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]));
  });

  it("`per 7 constructor` and `per 24 __proto__` are unknown units at their place in the DSL (was: `internal error` from compile)", () => {
    const text = `cadence "p" {\n  channels email\n  at most 1 email per 7 constructor\n  at most 2 email per 24 __proto__\n}\n`;
    const { policy, diagnostics } = parsePolicy(text, { format: "dsl" });
    expect(policy).toBeUndefined();
    expect(shown(diagnostics)).toEqual([
      ["error", "invalid-duration", "3:25", "unknown duration unit `constructor` (use minutes, hours, days, weeks or business days)"],
      ["error", "invalid-duration", "4:26", "unknown duration unit `__proto__` (use minutes, hours, days, weeks or business days)"],
    ]);
  });

  it("every prototype name as a unit, in every place a duration or window is written, is a diagnostic at its column", () => {
    for (const name of PROTOTYPE_NAMES) {
      const lines = [
        `ignore window 3 ${name}`,
        `at most 1 email per 7 ${name}`,
        `at least 2 ${name} between touches`,
        `never email within 3 ${name} of reply`,
      ];
      lines.forEach((line, i) => {
        const text = `cadence "p" {\n  channels email\n  ${line}\n}\n`;
        const { policy, diagnostics } = parsePolicy(text, { format: "dsl" });
        expect(policy, `${line}`).toBeUndefined();
        expect(shown(diagnostics)[0]).toEqual([
          "error",
          "invalid-duration",
          `3:${3 + line.indexOf(name)}`,
          expect.stringContaining(`unknown duration unit \`${name}\``),
        ]);
        expect(i).toBeGreaterThanOrEqual(0);
      });
    }
  });

  it("`ignoreWindow: 3 toString` in YAML is an unknown unit at its line and column (was: a policy whose every evaluation never returned)", () => {
    const text = "cadence: p\nchannels: [email]\nignoreWindow: 3 toString\n";
    const { policy, diagnostics } = parsePolicy(text, { format: "yaml" });
    expect(policy).toBeUndefined();
    expect(shown(diagnostics)).toEqual([
      ["error", "invalid-duration", "3:17", "unknown duration unit `toString` (use minutes, hours, days, weeks or business days)"],
    ]);
  });

  it("every prototype name as a unit in YAML is a diagnostic", () => {
    for (const name of PROTOTYPE_NAMES) {
      for (const [line, column] of [
        [`ignoreWindow: 3 ${name}`, 17],
        [`rules:\n  - atMost: 1\n    of: email\n    per: 7 ${name}`, 12],
        [`rules:\n  - atLeast: 2 ${name}\n    between: touches`, 16],
      ] as const) {
        const text = `cadence: p\nchannels: [email]\n${line}\n`;
        const { policy, diagnostics } = parsePolicy(text, { format: "yaml" });
        expect(policy, line).toBeUndefined();
        const first = diagnostics.find((d) => d.code === "invalid-duration");
        expect(first?.message, line).toContain(`unknown duration unit \`${name}\``);
        expect(first?.span?.column, line).toBe(column);
      }
    }
  });

  it("a policy built in code with a unit that is no unit is refused by compile with a diagnostic, never run", () => {
    for (const unit of ["toString", "constructor", "__proto__", "fortnights"]) {
      const policy = {
        name: { value: "p" },
        channels: [{ name: "email" }],
        stages: [],
        transitions: [],
        rules: [{ kind: "at-least", duration: { kind: "duration", amount: 2, unit }, channels: { kind: "all", word: "touches" } }],
        ignoreWindow: { kind: "duration", amount: 3, unit },
      } as unknown as Policy;
      let error: unknown;
      try {
        compile(policy);
      } catch (e) {
        error = e;
      }
      expect(error, unit).toBeInstanceOf(HeedPolicyError);
      expect((error as HeedPolicyError).diagnostics.map((d) => [d.code, d.message])).toEqual([
        ["invalid-duration", `invalid duration unit \`${unit}\` (use minutes, hours, days, weeks or business days)`],
        ["invalid-duration", `invalid duration unit \`${unit}\` (use minutes, hours, days, weeks or business days)`],
      ]);
    }
  });

  it("prototype names as channel, stage, signal and rule names are names like any other, from parsing to decisions", () => {
    for (const name of PROTOTYPE_NAMES.filter((n) => /^[A-Za-z_]/.test(n))) {
      const text = [
        `cadence "${name}" {`,
        `  timezone from contact.${name} else "UTC"`,
        `  channels email, ${name}`,
        `  engagement ${name}`,
        `  start stage ${name} {`,
        `    allow email, ${name}`,
        `    at most 1 ${name} per day`,
        `    on ${name} move to done`,
        `    when contact.${name} == "x" move to done`,
        `  }`,
        `  final stage done`,
        `  rule ${name}: never email without ${name}`,
        `}`,
      ].join("\n");
      const { policy, diagnostics } = parsePolicy(text, { format: "dsl" });
      expect(diagnostics.filter((d) => d.severity === "error"), name).toEqual([]);
      analyzePolicy(policy!);
      const report = analyzeSilentContact(policy!);
      expect(report.totalTouches, name).toBeGreaterThan(0);
      expect(Object.keys(report.visits[0]!.byChannel), name).toEqual([name]);
      expect(report.visits[0]!.byChannel[name], name).toBe(report.totalTouches);
      const engine = compile(policy!);
      const contact = { id: "c", attributes: { [name]: "Europe/Paris" } };
      const first = engine.evaluate({ contact, history: [], touch: { channel: name }, at: "2026-03-02T10:00:00Z" });
      expect(first.verdict, name).toBe("allow");
      const second = engine.evaluate({
        contact,
        history: [{ type: "touch", channel: name, at: "2026-03-02T09:00:00Z" }],
        touch: { channel: name },
        at: "2026-03-02T10:00:00Z",
      });
      expect([second.verdict, second.notBefore], name).toEqual(["defer", "2026-03-02T23:00:00Z"]);
      const after = engine.evaluate({ contact, history: [{ type: name, at: "2026-03-02T09:00:00Z" }], touch: { channel: "email" }, at: "2026-03-02T10:00:00Z" });
      expect([after.verdict, after.stage], name).toEqual(["deny", "done"]);
    }
  });
});
