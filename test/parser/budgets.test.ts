import { describe, expect, it } from "vitest";

import type { Policy, Rule } from "../../src/ast.js";
import { HeedPolicyError, type Diagnostic } from "../../src/diagnostics.js";
import { compile } from "../../src/engine/index.js";
import { tokenize } from "../../src/lexer/index.js";
import { MAX_POLICY_LENGTH } from "../../src/parser/dsl.js";
import { parsePolicy } from "../../src/parser/index.js";

/** Issue 14, item 3: parsing and compiling never throw, whatever the text or the size of the policy. */

function shown(diagnostics: readonly Diagnostic[]): [string, string, string][] {
  return diagnostics.map((d) => [d.code, `${d.span?.line}:${d.span?.column}`, d.message]);
}

describe("size limits", () => {
  it("a 10 MB policy is refused with a diagnostic at the first character past the limit, in both forms (was: a stack overflow)", () => {
    const dsl = `cadence "${"x".repeat(10_000_000)}" {\n  channels email\n}\n`;
    const yaml = `# a long comment\ncadence: "${"x".repeat(10_000_000)}"\nchannels: [email]\n`;
    expect(shown(parsePolicy(dsl, { format: "dsl" }).diagnostics)).toEqual([
      ["too-large", `1:${MAX_POLICY_LENGTH + 1}`, "the policy is 10,000,032 characters long: at most 500,000"],
    ]);
    expect(shown(parsePolicy(yaml, { format: "yaml" }).diagnostics)).toEqual([
      ["too-large", `2:${MAX_POLICY_LENGTH + 1 - 17}`, "the policy is 10,000,047 characters long: at most 500,000"],
    ]);
  });

  it("a string of 10 MB is one token (was: the lexer's regular expression overflowed its stack)", () => {
    const { tokens, diagnostics } = tokenize(`"${"x".repeat(10_000_000)}" "unclosed \\" ${"y".repeat(10_000_000)}`);
    expect(tokens.map((t) => t.tokenType.name)).toEqual(["StringLiteral", "StringLiteral"]);
    expect(diagnostics.map((d) => d.code)).toEqual(["unclosed-string"]);
  });

  it("a policy just under the limit with a long string reads", () => {
    const { policy, diagnostics } = parsePolicy(`cadence "${"x".repeat(MAX_POLICY_LENGTH - 100)}" {\n  channels email\n}\n`, { format: "dsl" });
    expect(diagnostics).toEqual([]);
    expect(policy?.name.value.length).toBe(MAX_POLICY_LENGTH - 100);
  });

  it("hundreds of thousands of bad characters or channels give bounded diagnostics or a policy, never a throw (was: a stack overflow)", () => {
    const bad = parsePolicy(`cadence "p" {\n${"@ ".repeat(240_000)}\n}\n`, { format: "dsl" });
    expect(bad.diagnostics.length).toBeLessThanOrEqual(201);
    expect(bad.diagnostics[0]).toMatchObject({ code: "syntax", span: { line: 2, column: 1 } });
    const names = Array.from({ length: 60_000 }, (_, i) => `c${i}`).join(", ");
    const many = parsePolicy(`cadence "p" {\n  channels ${names}\n}\n`, { format: "dsl" });
    expect(many.diagnostics).toEqual([]);
    expect(many.policy?.channels.length).toBe(60_000);
  });

  it("YAML nested deeper than 64 levels is refused at the first bracket too deep (was: 3 s, then `maximum call stack size exceeded`)", () => {
    const text = `cadence: p\nchannels: [email]\nholidays: ${"[".repeat(200_000)}${"]".repeat(200_000)}\n`;
    expect(shown(parsePolicy(text, { format: "yaml" }).diagnostics)).toEqual([["too-deep", "3:75", "the YAML is nested more than 64 levels deep"]]);
    const blocks = `cadence: p\nchannels: [email]\nholidays:\n${Array.from({ length: 900 }, (_, i) => `${" ".repeat(i + 1)}- `).join("\n")}x\n`;
    const found = parsePolicy(blocks, { format: "yaml" }).diagnostics;
    expect(found.map((d) => d.code)).toEqual(["too-deep"]);
    expect(found[0]!.span?.line).toBeGreaterThan(3);
    const fine = `cadence: p\nchannels: [email]\nrules:\n  - never: email\n    when: contact.role in ${"[".repeat(1)}"a"]\n`;
    expect(parsePolicy(fine, { format: "yaml" }).diagnostics).toEqual([]);
  });
});

describe("compile never throws on a policy of any size or depth", () => {
  const base = (rules: Rule[]): Policy => ({
    name: { value: "p" },
    channels: [{ name: "email" }],
    stages: [],
    transitions: [],
    rules,
  });

  it("200,000 rules compile (was: `Maximum call stack size exceeded` from spreading them into a list)", () => {
    const rules: Rule[] = Array.from({ length: 200_000 }, (_, i) => ({
      kind: "at-most",
      count: (i % 1000) + 1,
      channels: { kind: "all", word: "touches" },
      window: { kind: "calendar", unit: "day" },
    }));
    const engine = compile(base(rules));
    const decision = engine.evaluate({ contact: { id: "c" , timezone: "UTC"}, history: [{ type: "touch", channel: "email", at: "2026-03-02T09:00:00Z" }], touch: { channel: "email" }, at: "2026-03-02T10:00:00Z" });
    expect(decision.verdict).toBe("defer");
  });

  it("a condition built in code 100,000 levels deep is a `too-deep` error, not a stack overflow", () => {
    let when: Rule extends never ? never : import("../../src/ast.js").Expr = { kind: "exists", path: { kind: "path", segments: ["contact", "role"] } };
    for (let i = 0; i < 100_000; i++) when = { kind: "not", expr: when };
    let error: unknown;
    try {
      compile(base([{ kind: "never-when", channels: { kind: "all", word: "any" }, when }]));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HeedPolicyError);
    expect((error as HeedPolicyError).diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["too-deep", "condition nested more than 200 levels deep, counting each `and`, `or` and `not`"],
    ]);
  });
});
