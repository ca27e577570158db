import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stripSpans, type Draft, type Policy, type Rule, type Stage } from "../../src/ast.js";
import { parseDsl } from "../../src/parser/dsl.js";
import { parseYamlPolicy } from "../../src/parser/yaml.js";
import { printYaml, SCHEMA_LINE } from "../../src/parser/yaml-print.js";
import { arbPolicy } from "./arbitraries.js";

const examples = join(import.meta.dirname, "..", "..", "examples");

/**
 * The YAML form is stricter than the DSL's grammar in three places that
 * validation would reject anyway: a count of at least 1, a non-empty policy
 * name and zone, and stage names that are unique (they are map keys) with
 * one start stage (a single `start:` field).
 */
function yamlShaped(policy: Policy): Policy {
  const fixRule = (rule: Rule): Rule => (rule.kind === "at-most" || rule.kind === "at-most-account" ? { ...rule, count: Math.max(1, rule.count) } : rule);
  const seen = new Set<string>();
  let started = false;
  const stages: Stage[] = [];
  for (const stage of policy.stages) {
    if (seen.has(stage.name.name)) continue;
    seen.add(stage.name.name);
    const start: boolean = stage.start && !started;
    started ||= start;
    stages.push({ ...stage, start, rules: stage.rules.map(fixRule) });
  }
  const out: Draft<Policy> = { ...(policy as Draft<Policy>), name: { value: policy.name.value === "" ? "p" : policy.name.value }, stages, rules: policy.rules.map(fixRule) };
  if (out.timezone?.fallback?.value === "") out.timezone = { from: out.timezone.from };
  return out;
}

describe("printYaml", () => {
  it("starts with the schema line for editors", () => {
    const { policy } = parseDsl(readFileSync(join(examples, "inbound.heed"), "utf8"), { file: "inbound.heed" });
    const text = printYaml(policy!);
    expect(text.split("\n")[0]).toBe(SCHEMA_LINE);
  });

  it("prints the spec policy in the layout of spec section 4", () => {
    const { policy } = parseDsl(readFileSync(join(examples, "inbound.heed"), "utf8"), { file: "inbound.heed" });
    const text = printYaml(policy!);
    expect(text).toContain("timezone: { from: contact.timezone, fallback: America/New_York }\n");
    expect(text).toContain("holidays: [2026-11-26, 2026-12-25]\n");
    expect(text).toContain("      - { on: reply, where: 'sentiment == \"negative\"', moveTo: closed }\n");
    expect(text).toContain("  email-only: { allow: [email] }\n  closed: { final: true }\n");
    expect(text).toContain("  - { id: let-them-read, never: call, within: 4 hours, of: content_download }\n");
    expect(text).toContain("  - { never: any, tagged: meeting-ask, when: 'total_touches == 0' }\n");
    expect(text).toContain('  - { quietHours: "21:00-08:00", for: [call, sms] }\n');
    expect(text).toContain("  - { onlyBusinessDays: true }\n");
  });

  it("the spec policy printed as YAML reads back as the same policy", () => {
    const { policy } = parseDsl(readFileSync(join(examples, "inbound.heed"), "utf8"), { file: "inbound.heed" });
    const back = parseYamlPolicy(printYaml(policy!), { file: "inbound.heed.yaml" });
    expect(back.diagnostics).toEqual([]);
    expect(stripSpans(back.policy)).toEqual(stripSpans(policy));
  });

  it("quotes names YAML would read as something else", () => {
    const policy: Policy = {
      name: { value: "yes: no" },
      channels: [{ name: "email" }],
      stages: [
        { name: { name: "true" }, start: true, final: false, rules: [], transitions: [{ trigger: { kind: "signal", signal: { name: "null" } }, target: { name: "off" } }] },
        { name: { name: "off" }, start: false, final: true, rules: [], transitions: [] },
      ],
      transitions: [],
      rules: [{ kind: "never-when", channels: { kind: "all", word: "any" }, tagged: { value: "it's #1" }, when: { kind: "exists", path: { kind: "path", segments: ["contact", "x"] } } }],
    };
    const back = parseYamlPolicy(printYaml(policy), {});
    expect(back.diagnostics).toEqual([]);
    expect(stripSpans(back.policy)).toEqual(policy);
  });

  it("property: parseYamlPolicy(printYaml(p)) equals p, spans aside", () => {
    fc.assert(
      fc.property(arbPolicy.map(yamlShaped), (policy) => {
        const text = printYaml(policy);
        const back = parseYamlPolicy(text, { file: "p.heed.yaml" });
        expect(back.diagnostics, text).toEqual([]);
        expect(stripSpans(back.policy)).toEqual(stripSpans(policy));
      }),
      { numRuns: 100 },
    );
  });
});
