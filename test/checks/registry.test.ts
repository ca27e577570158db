import { describe, expect, it } from "vitest";

import { checkPolicy, CheckRegistry, checkVariant, check, isChecked, walkPolicy, type CheckContext } from "../../src/checks/index.js";
import { compile } from "../../src/engine/index.js";
import { parseDsl } from "../../src/parser/dsl.js";
import { parsePolicy } from "../../src/parser/index.js";

const TEXT = `cadence "t" {
  channels email, call
  start stage a {
    at most 2 calls per day
    after 3 days move to b
  }
  final stage b
  on unsubscribe move to b
  at least 1 day between touches
  never call within 4 hours of content_download
}
`;

describe("the checks registry", () => {
  it("runs a check registered for a rule kind on the rules of that kind only, and one for a node kind on every such node", () => {
    const { policy } = parseDsl(TEXT);
    const seen: string[] = [];
    const registry = new CheckRegistry<CheckContext>([
      checkVariant("rule", "at-most", "lint", (rule) => seen.push(`at-most ${rule.count}`)),
      check("duration", "lint", (d) => seen.push(`duration ${d.amount} ${d.unit}`)),
      checkVariant("transition", "elapsed", "lint", (t) => seen.push(`elapsed ${t.trigger.duration.amount}`)),
      check("signal", "lint", (s) => seen.push(`signal ${s.name}`)),
      check("rule", "validation", () => seen.push("not run: another category")),
    ]);
    walkPolicy(policy!, registry, { form: "dsl", categories: new Set(["lint"]), extra: {} });
    expect(seen).toEqual(["at-most 2", "elapsed 3", "duration 3 days", "signal unsubscribe", "duration 1 days", "duration 4 hours", "signal content_download"]);
  });

  it("reports findings as data, rendered in the words of the policy's form", () => {
    const yaml = "cadence: p\nchannels: [email]\nstages:\n  a: {}\n  done: { final: true, allow: [email] }\n";
    const dsl = 'cadence "p" {\n  channels email\n  stage a { }\n  final stage done { allow email }\n}\n';
    const hints = (text: string, file: string) => parsePolicy(text, { file }).diagnostics.map((d) => `${d.code}: ${d.hint}`);
    expect(hints(yaml, "p.heed.yaml")).toEqual([
      "no-start-stage: mark the stage contacts begin in, such as `start: a`",
      "final-stage-has-rules: a final stage allows no touch; remove `allow` or `final: true`",
    ]);
    expect(hints(dsl, "p.heed")).toEqual([
      "no-start-stage: mark the stage contacts begin in, such as `start stage a`",
      "final-stage-has-rules: a final stage allows no touch; remove the `allow` line or the word `final`",
    ]);
  });
});

describe("a checked policy", () => {
  it("comes back branded from parsePolicy, and compile trusts it; a copy is checked again", () => {
    const { policy } = parsePolicy(TEXT, { file: "t.heed" });
    expect(isChecked(policy!)).toBe(true);
    expect(isChecked({ ...policy! })).toBe(false);
    expect(JSON.stringify(policy)).not.toContain("checked");
    expect(compile(policy!).policies).toEqual(["t"]);
  });

  it("is not branded when a check finds an error, and compile refuses it", () => {
    const { policy } = parseDsl('cadence "t" {\n  channels email\n  at most 1 emial per day\n}\n');
    const result = checkPolicy(policy!);
    expect(result.policy).toBeUndefined();
    expect(result.diagnostics.map((d) => d.message)).toEqual(["unknown channel `emial` (did you mean `email`?)"]);
    expect(isChecked(policy!)).toBe(false);
    expect(() => compile(policy!)).toThrow(/unknown channel `emial`/);
  });
});
