import { describe, expect, it } from "vitest";

import { analyzePolicy } from "../../src/analysis/lint.js";
import { convertPolicy } from "../../src/parser/convert.js";
import { formatPolicy } from "../../src/parser/format.js";
import { parsePolicy } from "../../src/parser/index.js";

const policy = (body: string) => `cadence "p" {\n  channels email, call\n\n${body}\n}\n`;
const errors = (text: string) =>
  parsePolicy(text, { file: "p.heed" }).diagnostics.filter((d) => d.severity === "error").map((d) => `${d.span?.line}:${d.span?.column} ${d.code} ${d.message}`);

describe("facts, when/unless and by in the DSL and YAML", () => {
  const lines = [
    '  never call when last(reply).prefers == "email"',
    '  never call unless seen(reply where sentiment != "negative")',
    '  at most 1 email per 7 days when seen(reply where asks == "less")',
    "  at most 3 calls per 24 hours by campaign",
    "  at most 3 calls per 24 hours by campaign unless count(reply) > 2 and touches(email) >= 1 or total_touches(any) < 3",
    "  never call within 2 business days of content_download unless seen(contact_request)",
    "  never call after unsubscribe when not seen(reply)",
    "  at least 2 days between touches when total_touches(email, call) > 1",
    "  quiet hours 21:00 to 08:00 for call when not seen(reply)",
    "  only business days unless exists contact.x",
  ];
  const text = policy(lines.join("\n"));

  it("parse, format and convert DSL -> YAML -> DSL byte for byte", () => {
    expect(errors(text)).toEqual([]);
    expect(formatPolicy(parsePolicy(text).policy!)).toBe(text);
    const yaml = convertPolicy(text, { to: "yaml" });
    expect(yaml.diagnostics).toEqual([]);
    expect(yaml.output).toContain("  - { atMost: 3, of: call, per: 24 hours, by: campaign }\n");
    expect(yaml.output).toContain(`  - { never: call, unless: 'seen(reply where sentiment != "negative")' }\n`);
    expect(yaml.output).toContain("  - { quietHours: \"21:00-08:00\", for: call, when: 'not seen(reply)' }\n");
    const back = convertPolicy(yaml.output!, { to: "dsl", file: "p.heed.yaml" });
    expect(back.diagnostics).toEqual([]);
    expect(back.output).toBe(text);
  });

  it("a `when` on the next line is a transition, not the rule's condition", () => {
    const { policy: p } = parsePolicy(policy("  start stage a {\n    at most 1 email per day\n    when total_touches > 2 move to b\n  }\n  stage b { allow email }"));
    expect(p!.stages[0]!.rules[0]).not.toHaveProperty("when");
    expect(p!.stages[0]!.transitions).toHaveLength(1);
  });

  it("says what is wrong with a fact, with line and column", () => {
    expect(errors(policy("  never call when cout(reply) > 1"))).toEqual(["4:19 syntax unknown fact `cout(...)` (did you mean `count`?)"]);
    expect(errors(policy("  never call when last(reply) == 1"))).toEqual(["4:19 syntax `last(...)` needs the prop to read (`last(reply).prefers`)"]);
    expect(errors(policy("  never call when count(reply, open) > 1"))).toEqual(["4:25 syntax `count(...)` takes one signal (`count(reply)`)"]);
    expect(errors(policy('  never call when touches(email where a == "b") > 1'))).toEqual(["4:39 syntax `touches(...)` counts touches on channels: it takes no `where`"]);
    expect(errors(policy("  never call when count(reply)"))).toEqual([
      "4:31 syntax expected a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`, `in` or `not in`) after `never call when count (reply)`",
    ]);
    expect(errors(policy("  never call when a == 1 unless b == 2"))).toEqual(["4:26 syntax a `never ... when` rule takes one condition: join the two with `and`"]);
    expect(errors(policy("  never call when seen(reply where count(reply) > 1)"))).toEqual(["4:36 nested-fact `count(reply)` inside the `where` of another fact"]);
  });

  it("signals and channels inside facts are checked like the others", () => {
    const unknownChannel = parsePolicy(policy("  never call when touches(emial) > 0")).diagnostics;
    expect(unknownChannel.map((d) => `${d.code} ${d.span?.line}:${d.span?.column}`)).toEqual(["unknown-channel 4:27"]);
    const { policy: p } = parsePolicy(policy("  never call when seen(replied) or count(reply where sentiment == \"negative\") > 1"));
    // the fragment sets no limit, which `unbounded-pursuit` says at the policy's name
    const found = analyzePolicy(p!).filter((d) => d.code !== "unbounded-pursuit");
    expect(found.map((d) => `${d.code} ${d.span?.line}:${d.span?.column} ${d.message}`)).toEqual(["unknown-signal 4:24 unknown signal `replied`"]);
  });

  it("YAML: when/unless on every rule, by on at most, and their mistakes", () => {
    const head = "cadence: p\nchannels: [email, call]\nrules:\n";
    const parse = (rules: string) => parsePolicy(head + rules, { file: "p.heed.yaml" });
    expect(parse("  - { atMost: 1, of: email, per: 7 days, by: campaign, unless: 'seen(reply)' }\n").policy!.rules[0]).toMatchObject({
      kind: "at-most",
      by: { name: "campaign" },
      unless: { kind: "seen", signal: { name: "reply" } },
    });
    expect(parse("  - { never: call, unless: 'seen(reply)' }\n").policy!.rules[0]).toMatchObject({ kind: "never-when", unless: { kind: "seen" } });
    expect(parse("  - { never: call, within: 2 days, of: open, when: 'count(open) > 1' }\n").policy!.rules[0]).toMatchObject({ kind: "never-within", when: { kind: "compare" } });
    const both = parse("  - { atLeast: 1 day, between: email, when: 'seen(reply)', unless: 'seen(open)' }\n").diagnostics;
    expect(both.map((d) => `${d.span?.line}:${d.span?.column} ${d.message}`)).toEqual(["4:60 a rule takes `when` or `unless`, not both (join the two with `and`)"]);
    expect(parse("  - { quietHours: \"21:00-08:00\", by: campaign }\n").diagnostics[0]?.message).toBe("`by` does not go with `quietHours`");
  });
});
