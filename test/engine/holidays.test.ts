/**
 * Holiday calendars chosen per contact (spec section 8.5):
 * `holidays from contact.country else "US"` in both forms, the regions'
 * public holidays in business-day waits, failing closed without a region,
 * and the errors for codes that are not regions.
 */

import { describe, expect, it } from "vitest";

import { HeedInputError } from "../../src/diagnostics.js";
import { compile } from "../../src/engine/index.js";
import type { Contact, EvaluateInput } from "../../src/model.js";
import { convertPolicy } from "../../src/parser/convert.js";
import { formatPolicy } from "../../src/parser/format.js";
import { parsePolicy } from "../../src/parser/index.js";

const DSL = `cadence "regional" {
  timezone from contact.timezone else "America/New_York"
  channels email, call
  holidays from contact.country
  holidays 2026-12-24

  at least 2 business days between touches
  only business days for call
}
`;

function checked(text: string, file = "regional.heed") {
  const { policy, diagnostics } = parsePolicy(text, { file });
  expect(diagnostics).toEqual([]);
  return policy!;
}

const engine = compile(checked(DSL));

const contact = (country: string | undefined, timezone: string): Contact =>
  country === undefined ? { id: "c", timezone } : { id: "c", timezone, attributes: { country } };

/** An email proposed at `at`, the last one sent at `last`. */
function emailAfter(who: Contact, last: string, at: string = last): EvaluateInput {
  return { contact: who, history: [{ type: "touch", channel: "email", at: last }], touch: { channel: "email" }, at };
}

describe("a 2-business-day gap on each contact's own holidays", () => {
  const NY = (c: string | undefined = "US-NY") => contact(c, "America/New_York");
  const LONDON = (c: string | undefined = "GB-ENG") => contact(c, "Europe/London");

  it("across Thanksgiving: New York waits over the holiday, England does not", () => {
    // Wednesday 2026-11-25, 10:00 local; Thursday the 26th is Thanksgiving in the US only
    const ny = engine.evaluate(emailAfter(NY(), "2026-11-25T10:00:00-05:00"));
    expect(ny).toMatchObject({ verdict: "defer", notBefore: "2026-11-30T15:00:00Z" }); // Monday 10:00 in New York
    expect(ny.reasons[0]!.message).toBe(
      "at least 2 business days between touches: last sent at 2026-11-25T15:00:00Z, next not before 2026-11-30T15:00:00Z, passing over Thanksgiving Day (US-NY) on 2026-11-26",
    );
    const london = engine.evaluate(emailAfter(LONDON(), "2026-11-25T10:00:00Z"));
    expect(london).toMatchObject({ verdict: "defer", notBefore: "2026-11-27T10:00:00Z" }); // Friday 10:00 in London
  });

  it("across the summer bank holiday: England waits over it, New York does not", () => {
    // Friday 2026-08-28; Monday the 31st is England's summer bank holiday
    const london = engine.evaluate(emailAfter(LONDON(), "2026-08-28T10:00:00+01:00"));
    expect(london).toMatchObject({ verdict: "defer", notBefore: "2026-09-02T09:00:00Z" }); // Wednesday 10:00 BST
    expect(london.reasons[0]!.message).toContain("passing over Summer bank holiday (GB-ENG) on 2026-08-31");
    const ny = engine.evaluate(emailAfter(NY(), "2026-08-28T10:00:00-04:00"));
    expect(ny).toMatchObject({ verdict: "defer", notBefore: "2026-09-01T14:00:00Z" }); // Tuesday 10:00 EDT
  });

  it("a region's own holidays count: Lincoln's Birthday in New York, not in the rest of the US", () => {
    // Wednesday 2026-02-11; Thursday the 12th is Lincoln's Birthday in New York
    // and Monday the 16th is Washington's Birthday in both
    expect(engine.evaluate(emailAfter(NY("US-NY"), "2026-02-11T10:00:00-05:00")).notBefore).toBe("2026-02-17T15:00:00Z");
    expect(engine.evaluate(emailAfter(NY("US"), "2026-02-11T10:00:00-05:00")).notBefore).toBe("2026-02-13T15:00:00Z");
  });

  it("the policy's own dates stand beside the region's", () => {
    // Wednesday 2026-12-23: the 24th is listed by the policy, the 25th is Christmas Day
    const d = engine.evaluate(emailAfter(LONDON(), "2026-12-23T10:00:00Z"));
    // the 26th is Saturday, Boxing Day is moved to Monday the 28th: Tuesday 29th and Wednesday 30th
    expect(d).toMatchObject({ verdict: "defer", notBefore: "2026-12-30T10:00:00Z" });
    expect(d.reasons[0]!.message).toContain(
      "passing over a holiday the policy lists on 2026-12-24, Christmas Day (GB-ENG) on 2026-12-25, Boxing Day (substitute day) (GB-ENG) on 2026-12-28",
    );
  });

  it("evaluating again at notBefore allows", () => {
    const input = emailAfter(NY(), "2026-11-25T10:00:00-05:00", "2026-11-30T15:00:00Z");
    expect(engine.evaluate(input).verdict).toBe("allow");
    expect(engine.evaluate({ ...input, at: "2026-11-30T14:59:59Z" }).verdict).toBe("defer");
  });

  it("the incremental engine answers the same", () => {
    const who = NY();
    const snapshot = engine.step(engine.start(who, "2026-11-25T10:00:00-05:00"), { type: "touch", channel: "email", at: "2026-11-25T10:00:00-05:00" });
    expect(engine.decide(snapshot, { channel: "email" }, "2026-11-26T10:00:00-05:00")).toMatchObject({ verdict: "defer", notBefore: "2026-11-30T15:00:00Z" });
  });

  it("only business days names the holiday, in decisions and in explain", () => {
    const input: EvaluateInput = { contact: NY(), history: [], touch: { channel: "call" }, at: "2026-11-26T12:00:00-05:00" };
    const d = engine.evaluate(input);
    expect(d).toMatchObject({ verdict: "defer", notBefore: "2026-11-27T05:00:00Z" });
    expect(d.reasons.map((r) => r.message)).toEqual([
      "only business days for `call`: 2026-11-26 is not a business day in `America/New_York`: Thanksgiving Day (US-NY)",
    ]);
    const explained = engine.explain(input).rules.find((r) => r.code === "business-days");
    expect(explained?.message).toContain("Thanksgiving Day (US-NY)");
    // the same day is a business day in England
    expect(engine.evaluate({ ...input, contact: LONDON(), at: "2026-11-26T12:00:00Z" }).verdict).toBe("allow");
  });

  it("a lower-case code is the same region", () => {
    expect(engine.evaluate(emailAfter(NY("us-ny"), "2026-11-25T10:00:00-05:00")).notBefore).toBe("2026-11-30T15:00:00Z");
  });
});

describe("failing closed without a region", () => {
  it("a contact without a country and a policy without fallback: business-day rules deny with unknown-calendar", () => {
    const d = engine.evaluate(emailAfter(contact(undefined, "America/New_York"), "2026-11-25T10:00:00-05:00", "2026-11-26T10:00:00-05:00"));
    expect(d.verdict).toBe("deny");
    expect(d.reasons.map((r) => [r.rule, r.code, r.message])).toEqual([
      [
        "policy.at-least.1",
        "unknown-calendar",
        "at least 2 business days between touches: needs the contact's holidays, but the contact has no `contact.country` and the policy no fallback",
      ],
    ]);
    // calls are denied too; rules that need no calendar still judge
    const call = engine.evaluate({ contact: contact(undefined, "UTC"), history: [], touch: { channel: "call" }, at: "2026-11-26T10:00:00Z" });
    expect(call.reasons.map((r) => r.code)).toEqual(["unknown-calendar", "unknown-calendar"]);
  });

  it("a fallback region applies to a contact without one", () => {
    const withFallback = compile(checked(DSL.replace("holidays from contact.country", 'holidays from contact.country else "US"')));
    const d = withFallback.evaluate(emailAfter(contact(undefined, "America/New_York"), "2026-11-25T10:00:00-05:00"));
    expect(d).toMatchObject({ verdict: "defer", notBefore: "2026-11-30T15:00:00Z" });
    expect(d.reasons[0]!.message).toContain("Thanksgiving Day (US)");
  });

  it("quiet hours and calendar windows need no calendar", () => {
    const quiet = compile(
      checked(`cadence "q" {\n  holidays from contact.country\n  channels call\n  quiet hours 21:00 to 08:00\n  at most 1 call per day\n}\n`),
    );
    expect(quiet.evaluate({ contact: contact(undefined, "UTC"), history: [], touch: { channel: "call" }, at: "2026-11-26T10:00:00Z" }).verdict).toBe("allow");
  });

  it("a stage whose course counts business days denies with unknown-calendar", () => {
    const course = compile(
      checked(
        `cadence "course" {\n  timezone from contact.timezone else "UTC"\n  holidays from contact.country\n  channels email\n  start stage first {\n    after 3 business days move to done\n  }\n  final stage done\n}\n`,
      ),
    );
    const d = course.evaluate({ contact: { id: "c" }, history: [], touch: { channel: "email" }, at: "2026-11-26T10:00:00Z" });
    expect(d.reasons.map((r) => [r.rule, r.code])).toEqual([["policy.holidays", "unknown-calendar"]]);
    expect(d.reasons[0]!.message).toBe("the course of stage `first` counts business days, but the contact has no `contact.country` and the policy no fallback holidays");
  });
});

describe("codes that are not regions", () => {
  it("on a contact: the input error invalid-attribute, naming the attribute", () => {
    const input = emailAfter(contact("XX", "America/New_York"), "2026-11-25T10:00:00-05:00");
    expect(() => engine.evaluate(input)).toThrow(HeedInputError);
    try {
      engine.evaluate(input);
    } catch (error) {
      expect(error).toMatchObject({ code: "invalid-attribute", field: "contact.attributes.country" });
      expect((error as Error).message).toBe(
        "unknown holiday region `XX` in `contact.attributes.country` (expected a country code with an optional subdivision, such as `US`, `US-NY` or `GB-ENG`)",
      );
    }
    // an unknown subdivision, and a value that is not a string
    expect(() => engine.evaluate(emailAfter(contact("US-ZZ", "UTC"), "2026-11-25T10:00:00Z"))).toThrow("unknown holiday region `US-ZZ`");
    const numeric: Contact = { id: "c", timezone: "UTC", attributes: { country: 1 } };
    expect(() => engine.evaluate(emailAfter(numeric, "2026-11-25T10:00:00Z"))).toThrow("unknown holiday region a number in `contact.attributes.country`");
    expect(() => engine.start(contact("XX", "UTC"), "2026-11-25T10:00:00Z")).toThrow("unknown holiday region `XX`");
  });

  it("in the DSL: the policy error unknown-region at its line and column, with a suggestion", () => {
    const text = DSL.replace("holidays from contact.country", 'holidays from contact.country else "UK"');
    const { diagnostics } = parsePolicy(text, { file: "regional.heed" });
    expect(diagnostics.map((d) => [d.code, d.message, d.span?.line, d.span?.column])).toEqual([
      ["unknown-region", "unknown holiday region `UK` (did you mean `GB`?)", 4, 38],
    ]);
    const typo = parsePolicy(DSL.replace("holidays from contact.country", 'holidays from contact.country else "GB-EGN"'), { file: "regional.heed" });
    expect(typo.diagnostics.map((d) => [d.code, d.message, d.span?.line, d.span?.column])).toEqual([
      ["unknown-region", "unknown holiday region `GB-EGN` (did you mean `GB-ENG`?)", 4, 38],
    ]);
  });

  it("in YAML: the same error on the fallback's value", () => {
    const yaml = [
      "cadence: regional",
      "holidays: { from: contact.country, fallback: GB-EGN }",
      "channels: [email]",
      "rules:",
      "  - { atLeast: 2 business days, between: touches }",
      "",
    ].join("\n");
    const { diagnostics } = parsePolicy(yaml, { file: "regional.heed.yaml" });
    expect(diagnostics.map((d) => [d.code, d.message, d.span?.line, d.span?.column])).toEqual([
      ["unknown-region", "unknown holiday region `GB-EGN` (did you mean `GB-ENG`?)", 2, 46],
    ]);
  });

  it("in YAML, a calendar map without `from`, or with a misspelled key, says so at its place", () => {
    const messages = (holidays: string) =>
      parsePolicy(`cadence: t\nchannels: [email]\nholidays: ${holidays}\n`, { file: "t.heed.yaml" }).diagnostics.map((d) => [d.code, d.message, d.span?.line, d.span?.column]);
    expect(messages("{ fallback: US }")).toEqual([["schema", "`holidays` needs `from`", 3, 11]]);
    expect(messages("{ from: contact.country, fallbak: US }")).toEqual([["schema", "unknown field `fallbak` in `holidays` (did you mean `fallback`?)", 3, 36]]);
    expect(messages("[2026-12-24]")).toEqual([]);
  });

  it("with an `attributes` block, the region's attribute must be declared", () => {
    const declared = DSL.replace("  holidays 2026-12-24\n", "  holidays 2026-12-24\n\n  attributes {\n    region: string\n  }\n");
    const { diagnostics } = parsePolicy(declared, { file: "regional.heed" });
    expect(diagnostics.map((d) => [d.code, d.span?.line, d.span?.column])).toEqual([["unknown-attribute", 4, 17]]);
    expect(parsePolicy(declared.replace("region: string", "country: string"), { file: "regional.heed" }).diagnostics).toEqual([]);
  });

  it("a region read from somewhere else than a contact attribute is a policy error", () => {
    const { diagnostics } = parsePolicy(DSL.replace("holidays from contact.country", "holidays from touch.country"), { file: "regional.heed" });
    expect(diagnostics.map((d) => [d.code, d.message, d.span?.line])).toEqual([
      ["invalid-holidays-source", "cannot read a contact's holiday region from `touch.country`", 4],
    ]);
  });

  it("two `holidays from` lines are one too many; a line of dates beside one is fine", () => {
    const { diagnostics } = parsePolicy(DSL.replace("holidays 2026-12-24", 'holidays from contact.region else "US"'), { file: "regional.heed" });
    expect(diagnostics.map((d) => [d.code, d.message, d.span?.line])).toEqual([["duplicate-line", "more than one `holidays from` line", 5]]);
  });
});

describe("both forms", () => {
  const YAML = [
    "# yaml-language-server: $schema=../schema/heed-policy.schema.json",
    "",
    "cadence: regional",
    "",
    "timezone: { from: contact.timezone, fallback: America/New_York }",
    "",
    "channels: [email, call]",
    "",
    "holidays: { from: contact.country, fallback: US, dates: [2026-12-24] }",
    "",
    "rules:",
    "  - { atLeast: 2 business days, between: touches }",
    "  - { onlyBusinessDays: true, for: call }",
    "",
  ].join("\n");

  it("YAML reads `holidays: { from, fallback, dates }` to the same decisions", () => {
    const fromYaml = compile(checked(YAML, "regional.heed.yaml"));
    const fromDsl = compile(checked(DSL.replace("holidays from contact.country", 'holidays from contact.country else "US"')));
    for (const who of [contact("GB-ENG", "Europe/London"), contact(undefined, "America/New_York"), contact("US-NY", "America/New_York")]) {
      const input = emailAfter(who, "2026-11-25T10:00:00-05:00", "2026-11-26T10:00:00-05:00");
      // the same decision, reasons aside from where their rules are written
      const strip = (d: ReturnType<typeof fromDsl.evaluate>) => ({ ...d, reasons: d.reasons.map(({ span: _span, ...r }) => r) });
      expect(strip(fromYaml.evaluate(input))).toEqual(strip(fromDsl.evaluate(input)));
    }
  });

  it("converts DSL -> YAML -> DSL byte for byte, and formats as written", () => {
    const dsl = DSL.replace("holidays from contact.country", 'holidays from contact.country else "US"');
    expect(formatPolicy(checked(dsl))).toBe(dsl);
    const yaml = convertPolicy(dsl, { to: "yaml", file: "regional.heed" }).output!;
    expect(yaml).toContain("holidays: { from: contact.country, fallback: US, dates: [2026-12-24] }");
    expect(convertPolicy(yaml, { to: "dsl", file: "regional.heed.yaml" }).output).toBe(dsl);
    // without dates and without a fallback
    const bare = DSL.replace("  holidays 2026-12-24\n", "");
    const bareYaml = convertPolicy(bare, { to: "yaml", file: "regional.heed" }).output!;
    expect(bareYaml).toContain("holidays: { from: contact.country }");
    expect(convertPolicy(bareYaml, { to: "dsl", file: "regional.heed.yaml" }).output).toBe(bare);
  });
});
