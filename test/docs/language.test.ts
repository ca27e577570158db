/**
 * The language reference stays true: its whole policies parse, and each row
 * of the DSL <-> YAML table says the same thing on both sides.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { stripSpans } from "../../src/ast.js";
import { parsePolicy } from "../../src/parser/index.js";

const text = readFileSync(join(import.meta.dirname, "..", "..", "docs", "language.md"), "utf8");

function blocks(): { lang: string; body: string }[] {
  return [...text.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1] ?? "", body: m[2] ?? "" }));
}

function tableRows(): [string, string][] {
  const start = text.indexOf("| DSL | YAML |");
  const rows: [string, string][] = [];
  for (const line of text.slice(start).split("\n").slice(2)) {
    if (!line.startsWith("|")) break;
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    const code = (cell: string): string => /^`(.*)`/.exec(cell)?.[1] ?? "";
    rows.push([code(cells[1] ?? ""), code(cells[2] ?? "")]);
  }
  return rows;
}

const CHANNELS = "email, call, sms, calendar-invite";
const YAML_CHANNELS = "[email, call, sms, calendar-invite]";

/** A rule or transition row, wrapped in a policy in both forms. */
function wrap(dsl: string, yaml: string): { dsl: string; yaml: string } | undefined {
  const stages = `  start stage prospecting { allow email }\n  stage nurture { allow email }\n  stage customer { allow email }\n  final stage closed\n`;
  const yamlStages = `start: prospecting\nstages:\n  prospecting: { allow: [email] }\n  nurture: { allow: [email] }\n  customer: { allow: [email] }\n  closed: { final: true }\n`;
  const isTransition = /^(after|on|when) /.test(dsl) && / move to /.test(dsl);
  const isRule = /^(never|at most|at least|quiet hours|only business days) /.test(dsl) || dsl === "only business days";
  if (isTransition) {
    return {
      dsl: `cadence "t" {\n  channels ${CHANNELS}\n${stages}  ${dsl}\n}\n`,
      yaml: `cadence: t\nchannels: ${YAML_CHANNELS}\n${yamlStages}transitions:\n  - ${yaml}\n`,
    };
  }
  if (isRule) {
    return {
      dsl: `cadence "t" {\n  timezone from contact.timezone else "UTC"\n  channels ${CHANNELS}\n  ${dsl}\n}\n`,
      yaml: `cadence: t\ntimezone: { from: contact.timezone, fallback: UTC }\nchannels: ${YAML_CHANNELS}\nrules:\n  - ${yaml}\n`,
    };
  }
  return undefined;
}

describe("docs/language.md", () => {
  it("every whole DSL policy in it parses without errors", () => {
    const policies = blocks().filter((b) => b.lang === "" && /^(#.*\n)*cadence /.test(b.body));
    expect(policies.length).toBeGreaterThan(0);
    for (const b of policies) expect(parsePolicy(b.body, { format: "dsl" }).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("each rule and transition row of the DSL <-> YAML table gives the same policy on both sides", () => {
    const rows = tableRows().map(([dsl, yaml]) => ({ dsl, yaml, wrapped: wrap(dsl, yaml) }));
    const checked = rows.filter((r) => r.wrapped !== undefined);
    expect(checked.length).toBeGreaterThanOrEqual(15);
    for (const { dsl, wrapped } of checked) {
      const fromDsl = parsePolicy(wrapped!.dsl, { format: "dsl" });
      const fromYaml = parsePolicy(wrapped!.yaml, { format: "yaml" });
      expect({ row: dsl, errors: fromDsl.diagnostics.filter((d) => d.severity === "error").map((d) => d.message) }).toEqual({ row: dsl, errors: [] });
      expect({ row: dsl, errors: fromYaml.diagnostics.filter((d) => d.severity === "error").map((d) => d.message) }).toEqual({ row: dsl, errors: [] });
      expect({ row: dsl, policy: stripSpans(fromYaml.policy) }).toEqual({ row: dsl, policy: stripSpans(fromDsl.policy) });
    }
  });
});
