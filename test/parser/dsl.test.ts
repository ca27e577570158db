import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stripSpans, type Policy, type Rule, type Transition } from "../../src/ast.js";
import { parseDsl } from "../../src/parser/dsl.js";

const inbound = readFileSync(join(import.meta.dirname, "..", "..", "examples", "inbound.heed"), "utf8");

function policy(body: string): Policy {
  const result = parseDsl(`cadence "p" {\n  channels email, call, sms, calendar-invite\n${body}\n}\n`);
  expect(result.diagnostics).toEqual([]);
  return stripSpans(result.policy!);
}

function rule(text: string): Rule {
  const rules = policy(`  ${text}`).rules;
  expect(rules).toHaveLength(1);
  return rules[0]!;
}

function transition(text: string): Transition {
  const transitions = policy(`  ${text}`).transitions;
  expect(transitions).toHaveLength(1);
  return transitions[0]!;
}

const email = { kind: "list", channels: [{ name: "email" }] } as const;
const call = { kind: "list", channels: [{ name: "call" }] } as const;

describe("parseDsl: policy lines", () => {
  it("reads every policy line of the spec example", () => {
    const { policy: parsed, diagnostics } = parseDsl(inbound, { file: "inbound.heed" });
    expect(diagnostics).toEqual([]);
    const p = stripSpans(parsed!);
    expect(p.name).toEqual({ value: "inbound-content" });
    expect(p.timezone).toEqual({
      from: { kind: "path", segments: ["contact", "timezone"] },
      fallback: { value: "America/New_York" },
    });
    expect(p.channels.map((c) => c.name)).toEqual(["email", "call", "sms", "linkedin", "calendar-invite"]);
    expect(p.engagement?.map((c) => c.name)).toEqual(["reply", "meeting_booked", "call_connected"]);
    expect(p.ignoreWindow).toEqual({ kind: "duration", amount: 3, unit: "days" });
    expect(p.holidays).toEqual([{ date: "2026-11-26" }, { date: "2026-12-25" }]);
    expect(p.stages.map((s) => [s.name.name, s.start, s.final])).toEqual([
      ["prospecting", true, false],
      ["nurture", false, false],
      ["engaged", false, false],
      ["email-only", false, false],
      ["closed", false, true],
    ]);
    expect(p.stages[3]).toEqual({
      name: { name: "email-only" },
      start: false,
      final: false,
      allow: email,
      rules: [],
      transitions: [],
    });
    expect(p.transitions.map((t) => t.trigger)).toEqual([
      { kind: "signal", signal: { name: "unsubscribe" } },
      { kind: "signal", signal: { name: "purchase" } },
    ]);
    expect(p.rules.map((r) => [r.kind, r.name?.name])).toEqual([
      ["never-without", "no-cold-invites"],
      ["never-within", "let-them-read"],
      ["never-when", undefined],
      ["never-when", undefined],
      ["never-when", undefined],
      ["never-when", undefined],
      ["at-most", undefined],
      ["at-most", undefined],
      ["at-least", undefined],
      ["quiet-hours", undefined],
      ["only-business-days", undefined],
    ]);
    expect(parsed!.comments).toEqual([
      { text: " policies/inbound.heed", span: { file: "inbound.heed", line: 1, column: 1, endLine: 1, endColumn: 23, offset: 0, endOffset: 23 } },
    ]);
  });

  it("gives every node the span of its source text", () => {
    const { policy: parsed } = parseDsl(inbound, { file: "inbound.heed" });
    const nurture = parsed!.stages[1]!;
    expect(nurture.span).toMatchObject({ file: "inbound.heed", line: 32, column: 3, endLine: 37, endColumn: 3 });
    expect(nurture.rules[0]!.span).toMatchObject({ line: 34, column: 5, endLine: 34, endColumn: 31 });
    const named = parsed!.rules[0]!;
    expect(named.name?.span).toMatchObject({ line: 51, column: 8, endColumn: 22 });
  });

  it("reads Windows line endings and a byte-order mark like plain text", () => {
    const crlf = parseDsl(`\uFEFF${inbound.replace(/\n/g, "\r\n")}`, { file: "inbound.heed" });
    expect(crlf.diagnostics).toEqual([]);
    expect(stripSpans(crlf.policy)).toEqual(stripSpans(parseDsl(inbound).policy));
    expect(crlf.policy!.stages[1]!.span).toMatchObject({ line: 32, column: 3, endLine: 37 });
  });

    it("reads applies when, a timezone without fallback and a cadence name without quotes", () => {
    const { policy: p, diagnostics } = parseDsl("cadence compliance {\n  applies when contact.region == \"eu\"\n  timezone from contact.tz\n}");
    expect(diagnostics).toEqual([]);
    expect(stripSpans(p)).toEqual({
      name: { value: "compliance" },
      appliesWhen: {
        kind: "compare",
        op: "==",
        left: { kind: "path", segments: ["contact", "region"] },
        right: { kind: "literal", value: "eu" },
      },
      timezone: { from: { kind: "path", segments: ["contact", "tz"] } },
      channels: [],
      stages: [],
      transitions: [],
      rules: [],
    });
  });

  it("reads final stages with and without braces and start stages", () => {
    const p = policy("  start stage a { allow email, call }\n  final stage b\n  final stage c { }");
    expect(p.stages).toEqual([
      { name: { name: "a" }, start: true, final: false, allow: { kind: "list", channels: [{ name: "email" }, { name: "call" }] }, rules: [], transitions: [] },
      { name: { name: "b" }, start: false, final: true, rules: [], transitions: [] },
      { name: { name: "c" }, start: false, final: true, rules: [], transitions: [] },
    ]);
  });
});

describe("parseDsl: transitions", () => {
  it("after N ignored touches, with touch and touches interchangeable", () => {
    expect(transition("after 2 ignored touches move to nurture")).toEqual({
      trigger: { kind: "ignored", count: 2 },
      target: { name: "nurture" },
    });
    expect(transition("after 1 ignored touch move to nurture").trigger).toEqual({ kind: "ignored", count: 1 });
  });

  it("after N touches", () => {
    expect(transition("after 5 touches move to nurture").trigger).toEqual({ kind: "touches", count: 5 });
    expect(transition("after 1 touch move to nurture").trigger).toEqual({ kind: "touches", count: 1 });
  });

  it("after DURATION, in every unit", () => {
    expect(transition("after 180 days move to closed").trigger).toEqual({
      kind: "elapsed",
      duration: { kind: "duration", amount: 180, unit: "days" },
    });
    const units = ["1 minute", "30 minutes", "1 hour", "4 hours", "1 day", "1 week", "2 weeks", "1 business day", "2 business days"];
    expect(units.map((u) => transition(`after ${u} move to x`).trigger)).toEqual([
      { kind: "elapsed", duration: { kind: "duration", amount: 1, unit: "minutes" } },
      { kind: "elapsed", duration: { kind: "duration", amount: 30, unit: "minutes" } },
      { kind: "elapsed", duration: { kind: "duration", amount: 1, unit: "hours" } },
      { kind: "elapsed", duration: { kind: "duration", amount: 4, unit: "hours" } },
      { kind: "elapsed", duration: { kind: "duration", amount: 1, unit: "days" } },
      { kind: "elapsed", duration: { kind: "duration", amount: 1, unit: "weeks" } },
      { kind: "elapsed", duration: { kind: "duration", amount: 2, unit: "weeks" } },
      { kind: "elapsed", duration: { kind: "duration", amount: 1, unit: "business-days" } },
      { kind: "elapsed", duration: { kind: "duration", amount: 2, unit: "business-days" } },
    ]);
  });

  it("on SIGNAL with and without where", () => {
    expect(transition("on reply move to engaged")).toEqual({
      trigger: { kind: "signal", signal: { name: "reply" } },
      target: { name: "engaged" },
    });
    expect(transition('on reply where sentiment == "negative" move to closed').trigger).toEqual({
      kind: "signal",
      signal: { name: "reply" },
      where: {
        kind: "compare",
        op: "==",
        left: { kind: "path", segments: ["sentiment"] },
        right: { kind: "literal", value: "negative" },
      },
    });
  });

  it("when COND", () => {
    expect(transition("when contact.customer == true move to customer")).toEqual({
      trigger: {
        kind: "when",
        condition: {
          kind: "compare",
          op: "==",
          left: { kind: "path", segments: ["contact", "customer"] },
          right: { kind: "literal", value: true },
        },
      },
      target: { name: "customer" },
    });
  });

  it("keeps stage transitions in the stage, in source order", () => {
    const p = policy("  start stage a {\n    on reply move to b\n    after 3 touches move to c\n  }");
    expect(p.stages[0]!.transitions.map((t) => t.target.name)).toEqual(["b", "c"]);
    expect(p.transitions).toEqual([]);
  });
});

describe("parseDsl: rules", () => {
  it("never CHANNELS without SIGNAL [where COND]", () => {
    expect(rule("rule no-cold-invites: never calendar-invite without reply")).toEqual({
      kind: "never-without",
      name: { name: "no-cold-invites" },
      channels: { kind: "list", channels: [{ name: "calendar-invite" }] },
      signal: { name: "reply" },
    });
    expect(rule('never call without reply where sentiment != "negative"')).toMatchObject({
      kind: "never-without",
      where: { kind: "compare", op: "!=" },
    });
  });

  it("never CHANNELS after SIGNAL [where COND]", () => {
    expect(rule('never any after reply where sentiment == "negative"')).toEqual({
      kind: "never-after",
      channels: { kind: "all", word: "any" },
      signal: { name: "reply" },
      where: {
        kind: "compare",
        op: "==",
        left: { kind: "path", segments: ["sentiment"] },
        right: { kind: "literal", value: "negative" },
      },
    });
  });

  it("never CHANNELS within DURATION of SIGNAL", () => {
    expect(rule("never call, sms within 4 hours of content_download")).toEqual({
      kind: "never-within",
      channels: { kind: "list", channels: [{ name: "call" }, { name: "sms" }] },
      duration: { kind: "duration", amount: 4, unit: "hours" },
      signal: { name: "content_download" },
    });
  });

  it("never CHANNELS [tagged \"t\"] when COND", () => {
    expect(rule('never any tagged "meeting-ask" when total_touches == 0')).toEqual({
      kind: "never-when",
      channels: { kind: "all", word: "any" },
      tagged: { value: "meeting-ask" },
      when: {
        kind: "compare",
        op: "==",
        left: { kind: "path", segments: ["total_touches"] },
        right: { kind: "literal", value: 0 },
      },
    });
    expect(rule("never touches when not exists contact.role")).toEqual({
      kind: "never-when",
      channels: { kind: "all", word: "touches" },
      when: { kind: "not", expr: { kind: "exists", path: { kind: "path", segments: ["contact", "role"] } } },
    });
  });

  it("at most N CHANNELS per WINDOW, with plural channels and calendar or rolling windows", () => {
    expect(rule("at most 3 calls per 24 hours")).toEqual({
      kind: "at-most",
      count: 3,
      channels: call,
      window: { kind: "rolling", amount: 24, unit: "hours" },
    });
    expect(rule("at most 1 call per day")).toMatchObject({ channels: call, window: { kind: "calendar", unit: "day" } });
    expect(rule("at most 2 emails per week")).toMatchObject({ channels: email, window: { kind: "calendar", unit: "week" } });
    expect(rule("at most 2 smses per 1 day")).toMatchObject({
      channels: { kind: "list", channels: [{ name: "sms" }] },
      window: { kind: "rolling", amount: 1, unit: "days" },
    });
    expect(rule("at most 3 touches per 7 days")).toMatchObject({ channels: { kind: "all", word: "touches" } });
    expect(rule("at most 1 touch per 7 days")).toMatchObject({ channels: { kind: "all", word: "touches" } });
    expect(rule("at most 4 calendar-invites per 30 minutes")).toMatchObject({
      channels: { kind: "list", channels: [{ name: "calendar-invite" }] },
      window: { kind: "rolling", amount: 30, unit: "minutes" },
    });
  });

  it("at least DURATION between CHANNELS", () => {
    expect(rule("at least 2 business days between touches")).toEqual({
      kind: "at-least",
      duration: { kind: "duration", amount: 2, unit: "business-days" },
      channels: { kind: "all", word: "touches" },
    });
  });

  it("quiet hours HH:MM to HH:MM [for CHANNELS], also with a dash", () => {
    expect(rule("quiet hours 21:00 to 08:00 for call, sms")).toEqual({
      kind: "quiet-hours",
      start: { hour: 21, minute: 0 },
      end: { hour: 8, minute: 0 },
      channels: { kind: "list", channels: [{ name: "call" }, { name: "sms" }] },
    });
    expect(rule("quiet hours 22:30-7:15")).toEqual({
      kind: "quiet-hours",
      start: { hour: 22, minute: 30 },
      end: { hour: 7, minute: 15 },
    });
  });

  it("only business days [for CHANNELS]", () => {
    expect(rule("only business days")).toEqual({ kind: "only-business-days" });
    expect(rule("rule weekdays: only business days for call")).toEqual({
      kind: "only-business-days",
      name: { name: "weekdays" },
      channels: call,
    });
  });

  it("takes any word as a rule name, keywords included", () => {
    expect(rule("rule quiet: quiet hours 21:00 to 08:00")).toMatchObject({ kind: "quiet-hours", name: { name: "quiet" } });
    expect(rule("rule at-most-daily: at most 1 email per day")).toMatchObject({ name: { name: "at-most-daily" } });
  });

    it("keeps stage rules in their stage", () => {
    const p = policy("  stage nurture {\n    allow email\n    at most 1 email per 14 days\n  }");
    expect(p.stages[0]!.rules).toEqual([
      { kind: "at-most", count: 1, channels: email, window: { kind: "rolling", amount: 14, unit: "days" } },
    ]);
  });
});

describe("parseDsl: conditions", () => {
  const when = (text: string) => (rule(`never any when ${text}`) as { when: unknown }).when;

  it("binds or loosest, then and, then not, then comparisons", () => {
    expect(when("a == 1 or b == 2 and not c == 3")).toEqual({
      kind: "or",
      left: { kind: "compare", op: "==", left: { kind: "path", segments: ["a"] }, right: { kind: "literal", value: 1 } },
      right: {
        kind: "and",
        left: { kind: "compare", op: "==", left: { kind: "path", segments: ["b"] }, right: { kind: "literal", value: 2 } },
        right: {
          kind: "not",
          expr: { kind: "compare", op: "==", left: { kind: "path", segments: ["c"] }, right: { kind: "literal", value: 3 } },
        },
      },
    });
  });

  it("reads parentheses, in, not in, lists, negative numbers, booleans and durations", () => {
    expect(when('(touches >= 3 or ignored > -1) and contact.role not in ["analyst", "student"]')).toEqual({
      kind: "and",
      left: {
        kind: "or",
        left: { kind: "compare", op: ">=", left: { kind: "path", segments: ["touches"] }, right: { kind: "literal", value: 3 } },
        right: { kind: "compare", op: ">", left: { kind: "path", segments: ["ignored"] }, right: { kind: "literal", value: -1 } },
      },
      right: {
        kind: "in",
        negated: true,
        left: { kind: "path", segments: ["contact", "role"] },
        right: { kind: "list", items: [{ kind: "literal", value: "analyst" }, { kind: "literal", value: "student" }] },
      },
    });
    expect(when("time_in_stage >= 30 days")).toEqual({
      kind: "compare",
      op: ">=",
      left: { kind: "path", segments: ["time_in_stage"] },
      right: { kind: "duration", amount: 30, unit: "days" },
    });
    expect(when("touch.product in contact.products")).toEqual({
      kind: "in",
      negated: false,
      left: { kind: "path", segments: ["touch", "product"] },
      right: { kind: "path", segments: ["contact", "products"] },
    });
    expect(when('contact.optin != false and touch.note == "say \\"hi\\"\\n"')).toMatchObject({
      left: { right: { value: false } },
      right: { right: { value: 'say "hi"\n' } },
    });
  });
});
