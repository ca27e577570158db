import fc from "fast-check";
import { describe, expect, it } from "vitest";

import type {
  ChannelSet,
  Draft,
  Duration,
  DurationUnit,
  Expr,
  Ident,
  Policy,
  Rule,
  Stage,
  TimeOfDay,
  Transition,
  Trigger,
} from "../../src/ast.js";
import type { Diagnostic, Span } from "../../src/diagnostics.js";
import { hasErrors, HeedPolicyError } from "../../src/diagnostics.js";
import { validatePolicy } from "../../src/checks/index.js";
import { compile } from "../../src/engine/index.js";
import { parsePolicy } from "../../src/parser/index.js";
import { policyArbitrary } from "../engine/arbitraries.js";

// ---------------------------------------------------------------- AST builders with spans

/** A one-line span starting at `line:column`, `length` characters long. */
const at = (line: number, column: number, length = 1): Span => ({ line, column, endLine: line, endColumn: column + length - 1 });
const ident = (name: string, line: number, column: number): Ident => ({ name, span: at(line, column, name.length) });
const channels = (line: number, column: number, ...names: string[]): ChannelSet => {
  let col = column;
  const list = names.map((name) => {
    const id = ident(name, line, col);
    col += name.length + 2;
    return id;
  });
  return { kind: "list", channels: list, span: at(line, column, col - column - 2) };
};
const all: ChannelSet = { kind: "all", word: "touches" };
const duration = (amount: number, unit: DurationUnit, line = 99, column = 1): Duration => ({
  kind: "duration",
  amount,
  unit,
  span: at(line, column, 6),
});
const tod = (hour: number, minute: number, line: number, column: number): TimeOfDay => ({ hour, minute, span: at(line, column, 5) });
const move = (trigger: Trigger, target: string, line: number, targetColumn = 30): Transition => ({
  trigger,
  target: ident(target, line, targetColumn),
  span: at(line, 5, targetColumn + target.length - 5),
});
const onSignal = (signal: string, line: number): Trigger => ({ kind: "signal", signal: ident(signal, line, 8), span: at(line, 5, 10) });
const stage = (name: string, line: number, extra: Partial<Stage> = {}): Stage => ({
  name: ident(name, line, 9),
  start: false,
  final: false,
  rules: [],
  transitions: [],
  span: at(line, 3, 20),
  ...extra,
});

/**
 * A valid policy laid out as if written:
 *
 * 1 cadence "inbound" {
 * 2   channels email, call, sms
 * 4   start stage prospecting { allow email, call; on reply move to engaged }
 * 5   stage engaged
 * 6   final stage closed
 * 8   on unsubscribe move to closed
 */
/** A policy whose stages the tests change in place. */
type EditablePolicy = Omit<Draft<Policy>, "stages"> & { stages: Draft<Stage>[] };

function basePolicy(overrides: Partial<Policy> = {}): EditablePolicy {
  const policy: Policy = {
    name: { value: "inbound", span: at(1, 9, 9) },
    channels: [ident("email", 2, 12), ident("call", 2, 19), ident("sms", 2, 25)],
    stages: [
      stage("prospecting", 4, {
        start: true,
        allow: channels(4, 35, "email", "call") as Policy["stages"][number]["allow"],
        transitions: [move(onSignal("reply", 4), "engaged", 4)],
      }),
      stage("engaged", 5),
      stage("closed", 6, { final: true }),
    ],
    transitions: [move(onSignal("unsubscribe", 8), "closed", 8)],
    rules: [],
    span: at(1, 1, 20),
    ...overrides,
  };
  return policy as EditablePolicy;
}

const errors = (policy: Policy): Diagnostic[] => validatePolicy(policy).filter((d) => d.severity === "error");
const withCode = (policy: Policy, code: string): Diagnostic[] => validatePolicy(policy).filter((d) => d.code === code);
const where = (d: Diagnostic | undefined): string => (d?.span ? `${d.span.line}:${d.span.column}` : "no span");

/** Every message follows the style: lowercase start, no final period, no line break. */
function expectStyle(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    expect(d.message, d.message).toMatch(/^[a-z`]/);
    expect(d.message.endsWith("."), d.message).toBe(false);
    expect(d.message.includes("\n"), d.message).toBe(false);
    expect(d.span, d.message).toBeDefined();
  }
}

describe("validatePolicy", () => {
  it("accepts a valid policy without any diagnostic", () => {
    expect(validatePolicy(basePolicy())).toEqual([]);
  });

  it("accepts a policy without stages (implicit stage `active`)", () => {
    expect(validatePolicy(basePolicy({ stages: [], transitions: [] }))).toEqual([]);
  });

  describe("names", () => {
    it("unknown-stage: a transition's target, with a suggestion", () => {
      const policy = basePolicy();
      policy.stages[0]!.transitions = [move(onSignal("reply", 4), "engagd", 4, 40)];
      const [d, ...rest] = withCode(policy, "unknown-stage");
      expect(rest).toEqual([]);
      expect(d?.message).toBe("unknown stage `engagd` (did you mean `engaged`?)");
      expect(d?.hint).toBe("declared stages: `prospecting`, `engaged`, `closed`");
      expect(d?.severity).toBe("error");
      expect(where(d)).toBe("4:40");
      expect(withCode(basePolicy(), "unknown-stage")).toEqual([]);
    });

    it("unknown-stage: a policy-wide transition counts too, without suggestion when nothing is close", () => {
      const policy = basePolicy({ transitions: [move(onSignal("purchase", 9), "customer", 9, 24)] });
      const [d] = withCode(policy, "unknown-stage");
      expect(d?.message).toBe("unknown stage `customer`");
      expect(where(d)).toBe("9:24");
    });

    it("unknown-channel: in an allow list and in a rule, policy-wide or in a stage", () => {
      const policy = basePolicy({
        rules: [{ kind: "at-most", count: 3, channels: channels(10, 11, "emial"), window: { kind: "calendar", unit: "day" }, span: at(10, 3, 30) }],
      });
      policy.stages[0]!.allow = channels(4, 35, "email", "linkedin") as Stage["allow"];
      policy.stages[1]!.rules = [{ kind: "quiet-hours", start: tod(21, 0, 5, 30), end: tod(8, 0, 5, 39), channels: channels(5, 49, "call", "fax"), span: at(5, 18, 40) }];
      const found = withCode(policy, "unknown-channel");
      expect(found.map((d) => [where(d), d.message])).toEqual([
        ["4:42", "unknown channel `linkedin`"],
        ["5:55", "unknown channel `fax`"],
        ["10:11", "unknown channel `emial` (did you mean `email`?)"],
      ]);
      expect(found[0]?.hint).toBe("declared channels: `email`, `call`, `sms`");
      expect(withCode(basePolicy({ rules: [{ kind: "at-most", count: 3, channels: all, window: { kind: "calendar", unit: "day" } }] }), "unknown-channel")).toEqual([]);
    });

    it("duplicate-channel and duplicate-stage point at the second declaration", () => {
      const policy = basePolicy({ channels: [ident("email", 2, 12), ident("call", 2, 19), ident("email", 2, 25)] });
      policy.stages.push(stage("engaged", 7) as Draft<Stage>);
      const channel = withCode(policy, "duplicate-channel");
      expect(channel.map((d) => [where(d), d.message])).toEqual([["2:25", "channel `email` is declared twice"]]);
      const stages = withCode(policy, "duplicate-stage");
      expect(stages.map((d) => [where(d), d.message])).toEqual([["7:9", "stage `engaged` is declared twice"]]);
      expect(channel[0]?.hint).toBe("remove this declaration (first declared at line 2, column 12)");
      expect(stages[0]?.hint).toBe("give each stage its own name (first declared at line 5, column 9)");
      expect(withCode(basePolicy(), "duplicate-channel")).toEqual([]);
      expect(withCode(basePolicy(), "duplicate-stage")).toEqual([]);
    });

    it("duplicate-rule: two rules named alike anywhere in the policy", () => {
      const named = (name: string, line: number): Rule => ({
        kind: "only-business-days",
        name: ident(name, line, 8),
        span: at(line, 3, 30),
      });
      const policy = basePolicy({ rules: [named("weekdays", 10), named("other", 11)] });
      policy.stages[1]!.rules = [named("weekdays", 5)];
      const found = withCode(policy, "duplicate-rule");
      expect(found).toHaveLength(1);
      expect(found[0]?.message).toBe("another rule is already named `weekdays`");
      // Stages are read before policy-wide rules: the policy-wide one is the second.
      expect(where(found[0])).toBe("10:8");
      expect(found[0]?.hint).toBe("give each rule its own name (first declared at line 5, column 8)");
      expect(withCode(basePolicy({ rules: [named("a", 10), named("b", 11)] }), "duplicate-rule")).toEqual([]);
    });
  });

  describe("stages", () => {
    it("no-start-stage: points at the first stage and suggests it", () => {
      const policy = basePolicy();
      policy.stages[0]!.start = false;
      const [d] = withCode(policy, "no-start-stage");
      expect(d?.message).toBe("no stage is marked `start`");
      expect(d?.hint).toBe("mark the stage contacts begin in, such as `start stage prospecting`");
      expect(where(d)).toBe("4:9");
    });

    it("several-start-stages: one error per extra start stage", () => {
      const policy = basePolicy();
      policy.stages[1]!.start = true;
      policy.stages[2]!.start = true;
      const found = withCode(policy, "several-start-stages");
      expect(found.map((d) => [where(d), d.message])).toEqual([
        ["5:9", "stage `engaged` is marked `start` but `prospecting` already is"],
        ["6:9", "stage `closed` is marked `start` but `prospecting` already is"],
      ]);
      expect(withCode(basePolicy(), "several-start-stages")).toEqual([]);
    });

    it("final-stage-has-transitions: each transition of a final stage", () => {
      const policy = basePolicy();
      policy.stages[2]!.transitions = [move(onSignal("reply", 6), "engaged", 6)];
      const [d] = withCode(policy, "final-stage-has-transitions");
      expect(d?.message).toBe("final stage `closed` cannot have transitions");
      expect(where(d)).toBe("6:5");
      expect(withCode(basePolicy(), "final-stage-has-transitions")).toEqual([]);
    });

    it("final-stage-has-rules: rules and allow in a final stage", () => {
      const policy = basePolicy();
      policy.stages[2]!.allow = channels(6, 30, "email") as Stage["allow"];
      policy.stages[2]!.rules = [{ kind: "only-business-days", span: at(6, 45, 18) }];
      const found = withCode(policy, "final-stage-has-rules");
      expect(found.map((d) => [where(d), d.message])).toEqual([
        ["6:30", "final stage `closed` cannot allow channels"],
        ["6:45", "final stage `closed` cannot have rules"],
      ]);
      expect(withCode(basePolicy(), "final-stage-has-rules")).toEqual([]);
    });

    it("no-stages-to-move-to: a policy-wide transition in a policy without stages", () => {
      const policy = basePolicy({ stages: [], transitions: [move(onSignal("unsubscribe", 8), "active", 8)] });
      const [d] = withCode(policy, "no-stages-to-move-to");
      expect(d?.message).toBe("cannot move to `active`: the policy declares no stages");
      expect(where(d)).toBe("8:30");
      expect(withCode(policy, "unknown-stage")).toEqual([]);
    });

    it("no-channels: a policy must declare a channel", () => {
      const policy = basePolicy({ channels: [], stages: [] , transitions: [] });
      const [d] = withCode(policy, "no-channels");
      expect(d?.message).toBe("the policy declares no channel");
      expect(where(d)).toBe("1:9");
      expect(withCode(basePolicy(), "no-channels")).toEqual([]);
    });
  });

  describe("settings", () => {
    it("empty-name: a policy needs a name, as the YAML schema also says", () => {
      for (const value of ["", "   "]) {
        const [d] = withCode(basePolicy({ name: { value, span: at(1, 9, value.length + 2) } }), "empty-name");
        expect(d?.message).toBe("the policy's name is empty");
        expect(where(d)).toBe("1:9");
      }
      expect(withCode(basePolicy(), "empty-name")).toEqual([]);
    });

    it("invalid-timezone: the fallback zone must be an IANA zone, with a suggestion", () => {
      const zone = (value: string): Policy["timezone"] => ({
        from: { kind: "path", segments: ["contact", "timezone"] },
        fallback: { value, span: at(3, 40, value.length + 2) },
        span: at(3, 3, 50),
      });
      const [d] = withCode(basePolicy({ timezone: zone("America/New_Yrok") }), "invalid-timezone");
      expect(d?.message).toBe("unknown time zone `America/New_Yrok` (did you mean `America/New_York`?)");
      expect(where(d)).toBe("3:40");
      const [mars] = withCode(basePolicy({ timezone: zone("Mars/Base") }), "invalid-timezone");
      expect(mars?.message).toMatch(/^unknown time zone `Mars\/Base`/);
      expect(withCode(basePolicy({ timezone: zone("") }), "invalid-timezone")).toHaveLength(1);
      expect(withCode(basePolicy({ timezone: zone("Europe/London") }), "invalid-timezone")).toEqual([]);
      expect(withCode(basePolicy({ timezone: zone("UTC") }), "invalid-timezone")).toEqual([]);
    });

    it("invalid-timezone-source: the zone is read from the contact only", () => {
      const from = (text: string): Policy["timezone"] => ({
        from: { kind: "path", segments: text.split("."), span: at(3, 17, text.length) },
        span: at(3, 3, 40),
      });
      const [d] = withCode(basePolicy({ timezone: from("touch.zone") }), "invalid-timezone-source");
      expect(d?.message).toBe("cannot read a contact's time zone from `touch.zone`");
      expect(where(d)).toBe("3:17");
      expect(withCode(basePolicy({ timezone: from("contact") }), "invalid-timezone-source")).toHaveLength(1);
      expect(withCode(basePolicy({ timezone: from("contact.address.zone") }), "invalid-timezone-source")).toHaveLength(1);
      for (const fine of ["contact.timezone", "contact.tz", "contact.attributes.tz"]) {
        expect(withCode(basePolicy({ timezone: from(fine) }), "invalid-timezone-source"), fine).toEqual([]);
      }
    });

    it("invalid-date: a holiday that is not a real date", () => {
      const holidays = [
        { date: "2026-11-26", span: at(3, 12, 10) },
        { date: "2026-02-29", span: at(3, 24, 10) },
        { date: "2028-02-29", span: at(3, 36, 10) },
        { date: "2026-13-01", span: at(3, 48, 10) },
        { date: "2026-4-1", span: at(3, 60, 8) },
      ];
      const found = withCode(basePolicy({ holidays }), "invalid-date");
      expect(found.map((d) => [where(d), d.message])).toEqual([
        ["3:24", "invalid date `2026-02-29`"],
        ["3:48", "invalid date `2026-13-01`"],
        ["3:60", "invalid date `2026-4-1`"],
      ]);
    });

    it("invalid-duration: the ignore window must be a positive whole number", () => {
      const [d] = withCode(basePolicy({ ignoreWindow: duration(0, "days", 3, 17) }), "invalid-duration");
      expect(d?.message).toBe("invalid duration `0 days`: the amount must be a positive whole number");
      expect(where(d)).toBe("3:17");
      expect(withCode(basePolicy({ ignoreWindow: duration(3, "days", 3, 17) }), "invalid-duration")).toEqual([]);
    });
  });

  describe("numbers and times", () => {
    it("invalid-count: `at most 0` is refused with a hint towards `never`", () => {
      const rule: Rule = { kind: "at-most", count: 0, channels: channels(10, 14, "call"), window: { kind: "calendar", unit: "day" }, span: at(10, 3, 30) };
      const [d] = withCode(basePolicy({ rules: [rule] }), "invalid-count");
      expect(d?.message).toBe("`at most 0` allows no touch at all");
      expect(d?.hint).toMatch(/`never`/);
      expect(where(d)).toBe("10:3");
      expect(withCode(basePolicy({ rules: [{ ...rule, count: 1 }] }), "invalid-count")).toEqual([]);
    });

    it("invalid-count: fractional counts and zero counts in transitions", () => {
      const rule: Rule = { kind: "at-most", count: 1.5, channels: all, window: { kind: "calendar", unit: "week" }, span: at(10, 3, 30) };
      const policy = basePolicy({ rules: [rule] });
      policy.stages[1]!.transitions = [
        move({ kind: "ignored", count: 0, span: at(5, 20, 24) }, "closed", 5),
        move({ kind: "touches", count: 4, span: at(5, 50, 14) }, "closed", 5),
      ];
      const found = withCode(policy, "invalid-count");
      expect(found.map((d) => [where(d), d.message])).toEqual([
        ["5:20", "invalid count `0`: a count must be a whole number of at least 1"],
        ["10:3", "invalid count `1.5`: a count must be a whole number of at least 1"],
      ]);
    });

    it("invalid-duration: every duration of a rule, transition or window", () => {
      const policy = basePolicy({
        rules: [
          { kind: "never-within", channels: all, duration: duration(-4, "hours", 10, 20), signal: ident("content_download", 10, 33), span: at(10, 3, 50) },
          { kind: "at-least", duration: duration(2.5, "business-days", 11, 12), channels: all, span: at(11, 3, 40) },
          { kind: "at-most", count: 3, channels: all, window: { kind: "rolling", amount: 0, unit: "days", span: at(12, 23, 10) }, span: at(12, 3, 30) },
          { kind: "at-least", duration: duration(2, "business-days", 13, 12), channels: all, span: at(13, 3, 40) },
        ],
      });
      policy.stages[1]!.transitions = [move({ kind: "elapsed", duration: duration(0, "weeks", 5, 25), span: at(5, 19, 13) }, "closed", 5)];
      const found = withCode(policy, "invalid-duration");
      expect(found.map((d) => [where(d), d.message])).toEqual([
        ["5:25", "invalid duration `0 weeks`: the amount must be a positive whole number"],
        ["10:20", "invalid duration `-4 hours`: the amount must be a positive whole number"],
        ["11:12", "invalid duration `2.5 business days`: the amount must be a positive whole number"],
        ["12:23", "invalid window `per 0 days`: the amount must be a positive whole number"],
      ]);
    });

    it("invalid-time: hours 0-23 and minutes 0-59, `24:00` with a hint", () => {
      const quiet = (start: TimeOfDay, end: TimeOfDay): Rule => ({ kind: "quiet-hours", start, end, span: at(10, 3, 30) });
      const found = withCode(basePolicy({ rules: [quiet(tod(21, 0, 10, 15), tod(24, 0, 10, 24))] }), "invalid-time");
      expect(found.map((d) => [where(d), d.message, d.hint])).toEqual([["10:24", "invalid time `24:00`", "use `00:00`"]]);
      const minutes = withCode(basePolicy({ rules: [quiet(tod(7, 60, 10, 15), tod(8, 0, 10, 24))] }), "invalid-time");
      expect(minutes.map((d) => [where(d), d.message])).toEqual([["10:15", "invalid time `07:60`"]]);
      expect(withCode(basePolicy({ rules: [quiet(tod(0, 0, 10, 15), tod(23, 59, 10, 24))] }), "invalid-time")).toEqual([]);
    });

    it("empty-quiet-hours: an error when start equals end, as docs/language.md says (issue 14: it was a warning)", () => {
      const rule: Rule = { kind: "quiet-hours", start: tod(21, 0, 10, 15), end: tod(21, 0, 10, 24), span: at(10, 3, 30) };
      const diagnostics = validatePolicy(basePolicy({ rules: [rule] }));
      expect(diagnostics.map((d) => [d.severity, d.code, where(d), d.message])).toEqual([
        ["error", "empty-quiet-hours", "10:3", "quiet hours from `21:00` to `21:00` cover no time"],
      ]);
      expect(hasErrors(diagnostics)).toBe(true);
      expect(() => compile(basePolicy({ rules: [rule] }))).toThrow(HeedPolicyError);
      const parsed = parsePolicy(`cadence "p" {\n  channels email\n  quiet hours 09:00 to 09:00\n}\n`);
      expect(parsed.diagnostics.map((d) => [d.severity, d.code, where(d)])).toEqual([["error", "empty-quiet-hours", "3:3"]]);
      const fine: Rule = { ...rule, end: tod(8, 0, 10, 24) };
      expect(validatePolicy(basePolicy({ rules: [fine] }))).toEqual([]);
    });
  });

  describe("conditions", () => {
    const elapsed = (amount: number, unit: DurationUnit, line: number, column: number): Expr => ({
      kind: "compare",
      op: ">=",
      left: { kind: "path", segments: ["time_in_stage"], span: at(line, column - 17, 13) },
      right: duration(amount, unit, line, column),
      span: at(line, column - 17, 30),
    });

    it("business-days-in-condition: wherever a condition is written", () => {
      const policy = basePolicy({
        appliesWhen: elapsed(1, "business-days", 2, 40),
        rules: [{ kind: "never-when", channels: all, when: { kind: "not", expr: elapsed(2, "business-days", 10, 40) }, span: at(10, 3, 50) }],
      });
      policy.stages[1]!.transitions = [
        move({ kind: "when", condition: { kind: "and", left: elapsed(3, "days", 5, 40), right: elapsed(3, "business-days", 5, 60) } }, "closed", 5, 80),
        move({ kind: "signal", signal: ident("reply", 6, 8), where: elapsed(4, "business-days", 6, 40) }, "closed", 6, 80),
      ];
      const found = withCode(policy, "business-days-in-condition");
      expect(found.map((d) => [where(d), d.message])).toEqual([
        ["2:40", "`1 business day` has no fixed length and cannot be compared in a condition"],
        ["5:60", "`3 business days` has no fixed length and cannot be compared in a condition"],
        ["6:40", "`4 business days` has no fixed length and cannot be compared in a condition"],
        ["10:40", "`2 business days` has no fixed length and cannot be compared in a condition"],
      ]);
      expect(found[0]?.hint).toBe("use `days` or `weeks`");
    });

    it("accepts fixed durations in conditions, and checks their amount", () => {
      const ok = basePolicy({ rules: [{ kind: "never-when", channels: all, when: elapsed(30, "days", 10, 40), span: at(10, 3, 50) }] });
      expect(validatePolicy(ok)).toEqual([]);
      const zero = basePolicy({ rules: [{ kind: "never-when", channels: all, when: elapsed(0, "days", 10, 40), span: at(10, 3, 50) }] });
      expect(withCode(zero, "invalid-duration").map(where)).toEqual(["10:40"]);
    });
  });

  it("returns every problem at once, sorted by position, in the message style", () => {
    const policy = basePolicy({
      channels: [ident("email", 2, 12), ident("email", 2, 19)],
      transitions: [move(onSignal("unsubscribe", 8), "closd", 8)],
      holidays: [{ date: "2026-02-30", span: at(3, 12, 10) }],
    });
    policy.stages[0]!.start = false;
    const diagnostics = errors(policy);
    expect(diagnostics.map((d) => `${where(d)} ${d.code}`)).toEqual([
      "2:19 duplicate-channel",
      "3:12 invalid-date",
      "4:9 no-start-stage",
      "4:42 unknown-channel",
      "8:30 unknown-stage",
    ]);
    expectStyle(diagnostics);
  });
});

describe("seeded mistakes", () => {
  type Mistake = { code: string; apply: (policy: Policy) => Policy };
  const mistakes: Mistake[] = [
    {
      code: "duplicate-channel",
      apply: (p) => ({ ...p, channels: [...p.channels, { name: p.channels[0]?.name ?? "email", span: at(2, 40, 5) }] }),
    },
    {
      code: "unknown-channel",
      apply: (p) => ({ ...p, rules: [...p.rules, { kind: "only-business-days", channels: channels(20, 30, "fax"), span: at(20, 3, 40) }] }),
    },
    {
      code: "unknown-stage",
      apply: (p) => ({ ...p, transitions: [...p.transitions, move(onSignal("purchase", 21), "nowhere", 21)] }),
    },
    { code: "invalid-date", apply: (p) => ({ ...p, holidays: [...(p.holidays ?? []), { date: "2026-02-30", span: at(3, 30, 10) }] }) },
    {
      code: "invalid-duration",
      apply: (p) => ({ ...p, rules: [...p.rules, { kind: "at-least", duration: duration(0, "minutes", 22, 12), channels: all, span: at(22, 3, 30) }] }),
    },
    {
      code: "duplicate-rule",
      apply: (p) => {
        const named = (line: number): Rule => ({ kind: "only-business-days", name: ident("twice", line, 8), span: at(line, 3, 30) });
        return { ...p, rules: [...p.rules, named(23), named(24)] };
      },
    },
  ];

  it("each mistake seeded into a valid policy is reported with its own code and no other error (property)", () => {
    fc.assert(
      fc.property(policyArbitrary({ withClosed: true }), fc.constantFrom(...mistakes), (policy, mistake) => {
        expect(errors(policy)).toEqual([]);
        const found = errors(mistake.apply(policy));
        expect(found.length).toBeGreaterThan(0);
        expect(new Set(found.map((d) => d.code))).toEqual(new Set([mistake.code]));
        expectStyle(found);
      }),
      { numRuns: 100 },
    );
  });

  it("a policy without a start stage is reported once, whatever else it holds (property)", () => {
    fc.assert(
      fc.property(policyArbitrary({ withClosed: true }), (policy) => {
        const stages = policy.stages.map((s) => ({ ...s, start: false, name: { ...s.name, span: at(30, 9, s.name.name.length) } }));
        const found = errors({ ...policy, stages });
        expect(found.map((d) => d.code)).toEqual(["no-start-stage"]);
      }),
      { numRuns: 50 },
    );
  });
});
