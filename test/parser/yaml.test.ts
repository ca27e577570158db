import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stripSpans } from "../../src/ast.js";
import { parseDsl } from "../../src/parser/dsl.js";
import { parseYamlPolicy } from "../../src/parser/yaml.js";

const file = "p.heed.yaml";
/** Each diagnostic as `line:column message`, as a user reads it. */
const messages = (text: string): string[] =>
  parseYamlPolicy(text, { file }).diagnostics.map((d) => `${d.span?.line}:${d.span?.column} ${d.message}`);
const head = "cadence: p\nchannels: [email, call, sms]\n";

/** The AST of a DSL text, spans aside: the YAML form must give the same. */
const dsl = (text: string) => {
  const parsed = parseDsl(text, {});
  expect(parsed.diagnostics).toEqual([]);
  return stripSpans(parsed.policy);
};
const yaml = (text: string) => {
  const parsed = parseYamlPolicy(text, { file });
  expect(parsed.diagnostics).toEqual([]);
  return stripSpans(parsed.policy);
};

describe("parseYamlPolicy: every field maps to the same AST as the DSL", () => {
  it("policy lines", () => {
    expect(
      yaml(
        "# yaml-language-server: $schema=../schema/heed-policy.schema.json\n" +
          "cadence: inbound\n" +
          "appliesWhen: 'contact.region == \"emea\"'\n" +
          "timezone: { from: contact.timezone, fallback: Europe/Paris }\n" +
          "channels: [email, call]\n" +
          "engagement: [reply, meeting_booked]\n" +
          "ignoreWindow: 5 days\n" +
          "holidays: [2026-11-26, 2026-12-25]\n",
      ),
    ).toEqual(
      dsl(
        'cadence "inbound" {\n  applies when contact.region == "emea"\n  timezone from contact.timezone else "Europe/Paris"\n' +
          "  channels email, call\n  engagement reply, meeting_booked\n  ignore window 5 days\n  holidays 2026-11-26, 2026-12-25\n}\n",
      ),
    );
  });

  it("keeps holiday dates as the literal date text", () => {
    const policy = parseYamlPolicy(`${head}holidays: [2026-11-26, "2026-12-25"]\n`, { file }).policy;
    expect(policy?.holidays?.map((h) => h.date)).toEqual(["2026-11-26", "2026-12-25"]);
  });

  it("stages in source order: start, final, allow (a list or one name), an empty stage", () => {
    expect(
      yaml(
        `${head}start: prospecting\nstages:\n  prospecting:\n    allow: [email, call]\n` +
          "    transitions:\n      - { after: 1 ignored touch, moveTo: resting }\n      - { after: 3 touches, moveTo: resting }\n" +
          "      - { after: 180 days, moveTo: closed }\n      - { when: 'touches > 4 and ignored >= 2', moveTo: closed }\n" +
          "  resting:\n    allow: email\n  email-only:\n  closed: { final: true }\n",
      ),
    ).toEqual(
      dsl(
        'cadence "p" {\n  channels email, call, sms\n  start stage prospecting {\n    allow email, call\n' +
          "    after 1 ignored touch move to resting\n    after 3 touches move to resting\n    after 180 days move to closed\n" +
          "    when touches > 4 and ignored >= 2 move to closed\n  }\n  stage resting { allow email }\n  stage email-only {}\n  final stage closed\n}\n",
      ),
    );
  });

  it("a policy without stages has none (the implicit stage `active`)", () => {
    expect(parseYamlPolicy(head, { file }).policy?.stages).toEqual([]);
  });

  it("every rule form, named or not, with plural channels after a count", () => {
    expect(
      yaml(
        `${head}rules:\n` +
          "  - { id: no-cold, never: call, without: reply, where: 'sentiment != \"negative\"' }\n" +
          "  - { never: [email, sms], tagged: promo, after: unsubscribe }\n" +
          "  - { id: read-first, never: call, within: 4 hours, of: content_download }\n" +
          "  - { never: any, tagged: meeting-ask, when: 'total_touches == 0' }\n" +
          "  - { atMost: 3, of: calls, per: 24 hours }\n" +
          "  - { atMost: 2, of: [email, sms], per: week }\n" +
          "  - { atMost: 5, of: touches, per: 7 days }\n" +
          "  - { atLeast: 2 business days, between: touches }\n" +
          '  - { quietHours: "21:00-08:00", for: [call, sms] }\n' +
          '  - { quietHours: "22:30-07:15" }\n' +
          "  - { onlyBusinessDays: true, for: call }\n" +
          "  - { onlyBusinessDays: true }\n",
      ),
    ).toEqual(
      dsl(
        'cadence "p" {\n  channels email, call, sms\n' +
          '  rule no-cold: never call without reply where sentiment != "negative"\n' +
          '  never email, sms tagged "promo" after unsubscribe\n' +
          "  rule read-first: never call within 4 hours of content_download\n" +
          '  never any tagged "meeting-ask" when total_touches == 0\n' +
          "  at most 3 calls per 24 hours\n  at most 2 email, sms per week\n  at most 5 touches per 7 days\n" +
          "  at least 2 business days between touches\n  quiet hours 21:00 to 08:00 for call, sms\n  quiet hours 22:30 to 07:15\n" +
          "  only business days for call\n  only business days\n}\n",
      ),
    );
  });

  it("transitions in stages and policy-wide, with `on ... where`", () => {
    expect(
      yaml(
        `${head}start: a\nstages:\n  a:\n    transitions:\n      - { on: reply, where: 'prefers == "email"', moveTo: b }\n  b: {}\n` +
          "transitions:\n  - { on: unsubscribe, moveTo: b }\n",
      ),
    ).toEqual(
      dsl(
        'cadence "p" {\n  channels email, call, sms\n  start stage a {\n    on reply where prefers == "email" move to b\n  }\n  stage b {}\n' +
          "  on unsubscribe move to b\n}\n",
      ),
    );
  });

  it("spans point into the YAML file, inside quoted conditions", () => {
    const policy = parseYamlPolicy(`${head}rules:\n  - { never: call, when: 'contact.role == "analyst"' }\n`, { file }).policy;
    const rule = policy?.rules[0];
    expect(rule?.kind).toBe("never-when");
    if (rule?.kind !== "never-when" || rule.when?.kind !== "compare") throw new Error("expected a comparison");
    expect(rule.when.left.span).toMatchObject({ file, line: 4, column: 27, endColumn: 38 });
  });
});

describe("parseYamlPolicy: errors with line and column, in the user's terms", () => {
  it("YAML syntax: a tab, an unclosed quote, bad indentation, an unclosed list", () => {
    expect(messages("cadence: p\nchannels:\n\t- email\n")).toEqual(["3:1 tabs are not allowed as indentation; indent with spaces"]);
    expect(messages("cadence: p\nchannels: [email]\nappliesWhen: 'contact.x == 1\n")).toEqual(["3:14 missing closing quote"]);
    expect(messages("cadence: p\nstages:\n  a:\n    allow: [email]\n   final: true\n")).toEqual(["5:1 bad indentation"]);
    expect(messages("cadence: p\nchannels: [email\n")).toEqual([
      "2:11 a list opened with `[` must be closed with `]` (or is indented too little)",
    ]);
  });

  it("duplicate keys, bad names and dates, and YAML features a policy has no use for", () => {
    expect(messages("cadence: p\ncadence: q\nchannels: [email]\n")).toEqual(["2:1 duplicate key `cadence`"]);
    expect(messages(`${head}stages:\n  "my stage": {}\n`)).toEqual(["4:3 `my stage` is not a stage name (letters, digits, `_` and `-`)"]);
    expect(messages(`${head}holidays: [2026-1-5]\n`)).toEqual(["3:12 `2026-1-5` is not a date such as `2026-12-25`"]);
    expect(messages(`${head}engagement: &signals [reply]\nrules:\n  - { never: call, without: *signals }\n`)).toEqual([
      "5:29 aliases such as `*signals` are not supported in policies; write the value out",
    ]);
    expect(messages(`${head}ignoreWindow: !!binary eA==\n`)).toEqual(["3:15 tags such as `!!binary` are not supported in policies"]);
  });

  it("an unknown field, at the key, with a suggestion", () => {
    expect(messages(`${head}transitions:\n  - { on: reply, moveto: done }\n`)).toEqual([
      "4:18 unknown field `moveto` in a transition (did you mean `moveTo`?)",
    ]);
    expect(messages(`${head}engagment: [reply]\n`)).toEqual(["3:1 unknown field `engagment` in the policy (did you mean `engagement`?)"]);
    expect(messages(`${head}stages:\n  a: { alow: [email] }\n`)).toEqual(["4:8 unknown field `alow` in stage `a` (did you mean `allow`?)"]);
  });

  it("a missing field, at the map that lacks it", () => {
    expect(messages(`${head}transitions:\n  - { on: reply }\n`)).toEqual(["4:5 a transition needs `moveTo`"]);
    expect(messages("channels: [email]\n")).toEqual(["1:1 a policy needs `cadence`"]);
    expect(messages(`${head}timezone: { fallback: UTC }\n`)).toEqual(["3:11 `timezone` needs `from`"]);
  });

  it("wrong types and values", () => {
    expect(messages("cadence: p\nchannels: 5\n")).toEqual(["2:11 expected a list of channels, got a number"]);
    expect(messages("cadence: p\nchannels: [email, 3]\n")).toEqual(["2:19 expected a channel name, got a number"]);
    expect(messages(`${head}rules:\n  - { atMost: 0, of: email, per: day }\n`)).toEqual(["4:15 `atMost` must be a whole number of at least 1"]);
    expect(messages(`${head}rules:\n  - { atMost: 1.5, of: email, per: day }\n`)).toEqual(["4:15 `atMost` must be a whole number of at least 1"]);
    expect(messages(`${head}rules:\n  - { onlyBusinessDays: false }\n`)).toEqual(["4:25 `onlyBusinessDays` must be `true`"]);
    expect(messages(`${head}rules:\n  - { atLeast: 1 day, between: 4 }\n`)).toEqual([
      "4:32 expected a channel, a list of channels, `any` or `touches`, got a number",
    ]);
    expect(messages(`${head}stages:\n  a: { final: yes }\n`)).toEqual(["4:15 expected `true` or `false`, got `yes`"]);
    expect(messages("- a\n- b\n")).toEqual(["1:1 expected a policy, got a list"]);
    expect(messages("")).toEqual(["1:1 expected a policy: a map with `cadence`, `channels` and the rest"]);
  });

  it("rule and transition forms", () => {
    expect(messages(`${head}rules:\n  - { id: x }\n`)).toEqual([
      "4:5 a rule needs one of `never`, `atMost`, `atLeast`, `quietHours` or `onlyBusinessDays`",
    ]);
    expect(messages(`${head}rules:\n  - { quietHours: "21:00-08:00", atLeast: 2 days }\n`)).toEqual([
      "4:34 a rule has one form: `quietHours` and `atLeast` cannot go together",
    ]);
    expect(messages(`${head}rules:\n  - { never: call, per: day }\n`)).toEqual(["4:20 `per` does not go with `never`"]);
    expect(messages(`${head}rules:\n  - { never: call }\n`)).toEqual([
      "4:5 a `never` rule needs `without`, `after`, `within` (with `of`), `when` or `unless`",
    ]);
    expect(messages(`${head}rules:\n  - { atMost: 2, of: email }\n`)).toEqual(["4:5 an `atMost` rule needs `per`"]);
    expect(messages(`${head}transitions:\n  - { moveTo: b }\n`)).toEqual(["4:5 a transition needs `after`, `on` or `when`"]);
    expect(messages(`${head}transitions:\n  - { on: reply, after: 3 days, moveTo: b }\n`)).toEqual([
      "4:18 a transition takes one of `after`, `on` or `when`, not both `on` and `after`",
    ]);
    expect(messages(`${head}start: prospectin\nstages:\n  prospecting: {}\n`)).toEqual([
      "3:8 unknown stage `prospectin` for `start` (did you mean `prospecting`?)",
    ]);
  });

  it("leaf values are read by the DSL's sub-grammars, at their column", () => {
    expect(messages(`${head}ignoreWindow: 3 dayz\n`)).toEqual(["3:17 unknown duration unit `dayz` (did you mean `day`?)"]);
    expect(messages(`${head}rules:\n  - { quietHours: "25:00-08:00" }\n`)).toEqual([
      "4:20 invalid time of day `25:00` (hours go from 00 to 23, minutes from 00 to 59)",
    ]);
    expect(messages(`${head}rules:\n  - never: email\n    when: "contact.role in [analyst]"\n`)).toEqual([
      "5:29 expected `]` after `contact.role in [`, found `analyst`",
    ]);
  });

  it("a bad condition in a block scalar is reported on its line", () => {
    expect(messages(`${head}rules:\n  - never: call\n    when: >-\n      contact.role = "analyst"\n`)).toEqual([
      "6:20 use `==` to compare, not `=`",
    ]);
  });

  it("a bad condition inside `where:` is reported inside the string", () => {
    expect(messages(`${head}transitions:\n  - { on: reply, where: 'sentiment = "x"', moveTo: b }\n`)).toEqual([
      "4:36 use `==` to compare, not `=`",
    ]);
  });

  it("several errors come back together, sorted by position", () => {
    const text =
      `${head}rules:\n  - { quietHours: "21:00-08:00", fro: email }\n  - { never: email, when: 'x ==' }\n` +
      "  - { atMost: 0, of: email, per: day }\nstart: nowhere\n";
    const found = parseYamlPolicy(text, { file });
    expect(found.policy).toBeUndefined();
    expect(found.diagnostics.map((d) => `${d.span?.file}:${d.span?.line}:${d.span?.column}`)).toEqual([
      "p.heed.yaml:4:34",
      "p.heed.yaml:5:32",
      "p.heed.yaml:6:15",
      "p.heed.yaml:7:8",
    ]);
    expect(found.diagnostics.every((d) => d.severity === "error")).toBe(true);
  });

  it("messages follow the style: lowercase start, no final period, one line", () => {
    const texts = [
      `${head}rules:\n  - { atMost: 0, of: 3, per: dya }\n`,
      "cadence: [1]\nchannels: {a: 1}\nstages: 3\n",
      "a: 'x\nb: [\n",
    ];
    for (const text of texts) {
      for (const d of parseYamlPolicy(text, { file }).diagnostics) {
        expect(d.message).toMatch(/^[a-z`]/);
        expect(d.message).not.toMatch(/\.$|\n/);
        expect(d.span?.line).toBeGreaterThan(0);
      }
    }
  });
});

describe("parseYamlPolicy: robustness", () => {
  it("property: never throws on arbitrary text, and returns a policy only without errors", () => {
    const yamlish = fc.array(
      fc.constantFrom("cadence: p\n", "channels: [email]\n", "rules:\n", "  - ", "{ ", " }", "never: ", "atMost: ", "'", '"', "\t", "[", "]", ":", "\n", "  ", "when: ", "x == 1", "stages:\n", "a:", "-"),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), yamlish.map((parts) => parts.join(""))), (text) => {
        const result = parseYamlPolicy(text, { file });
        const errors = result.diagnostics.filter((d) => d.severity === "error");
        expect(result.diagnostics.every((d) => d.code !== "internal")).toBe(true);
        if (result.policy !== undefined) expect(errors).toEqual([]);
        else expect(errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
