import { describe, expect, it } from "vitest";

import type { Rule } from "../../src/ast.js";
import { parseDsl } from "../../src/parser/dsl.js";
import { MESSAGE_STYLE, printCondition, printDuration, printNumber, printRule, printTime, printTrigger, printWindow } from "../../src/print.js";

function rulesOf(body: string): readonly Rule[] {
  const { policy, diagnostics } = parseDsl(`cadence "p" {\n  channels email, call, sms\n${body}\n}\n`);
  expect(diagnostics).toEqual([]);
  return policy!.rules;
}

describe("the printer", () => {
  it("prints leaves as the DSL writes them", () => {
    expect([printDuration({ amount: 1, unit: "business-days" }), printDuration({ amount: 14, unit: "days" }), printDuration({ amount: 1e21, unit: "hours" })]).toEqual([
      "1 business day",
      "14 days",
      "1000000000000000000000 hours",
    ]);
    expect([printWindow({ kind: "calendar", unit: "week" }), printWindow({ kind: "rolling", amount: 1, unit: "hours" })]).toEqual(["week", "1 hour"]);
    expect([printTime({ hour: 8, minute: 5 }), printTime({ hour: 24, minute: 0 }), printNumber(0.5)]).toEqual(["08:05", "24:00", "0.5"]);
  });

  it("prints conditions with parentheses only where precedence needs them", () => {
    const { policy } = parseDsl('cadence "p" {\n  channels email\n  never email when not (a == 1 or b == "x") and (c in ["u", "v"] or exists touch.tags)\n}\n');
    const rule = policy!.rules[0]!;
    if (rule.kind !== "never-when") throw new Error("expected never-when");
    expect(printCondition(rule.when!)).toBe('not (a == 1 or b == "x") and (c in ["u", "v"] or exists touch.tags)');
  });

  it("prints every rule form in the source and in messages", () => {
    const rules = rulesOf(
      [
        '  never calendar-invite tagged "ask" without reply where sentiment != "negative"',
        "  never call after unsubscribe",
        "  never call within 4 hours of content_download",
        "  never any when touches > 2",
        "  at most 3 calls per 24 hours",
        "  at most 1 touch per day",
        "  at least 2 business days between email, call",
        "  quiet hours 21:00 to 08:00 for call, sms",
        "  quiet hours 22:00 to 07:30 for any",
        "  only business days",
      ].join("\n"),
    );
    expect(rules.map((r) => printRule(r))).toEqual([
      'never calendar-invite tagged "ask" without reply where sentiment != "negative"',
      "never call after unsubscribe",
      "never call within 4 hours of content_download",
      "never any when touches > 2",
      "at most 3 call per 24 hours",
      "at most 1 touch per day",
      "at least 2 business days between email, call",
      "quiet hours 21:00 to 08:00 for call, sms",
      "quiet hours 22:00 to 07:30 for any",
      "only business days",
    ]);
    expect(rules.map((r) => printRule(r, MESSAGE_STYLE))).toEqual([
      'never `calendar-invite` tagged "ask" without `reply` where sentiment != "negative"',
      "never `call` after `unsubscribe`",
      "never `call` within 4 hours of `content_download`",
      "never any channel when touches > 2",
      "at most 3 `call` per 24 hours",
      "at most 1 touch per day",
      "at least 2 business days between `email`, `call`",
      "quiet hours 21:00 to 08:00 for `call`, `sms`",
      "quiet hours 22:00 to 07:30",
      "only business days",
    ]);
  });

  it("prints triggers", () => {
    const { policy } = parseDsl(
      'cadence "p" {\n  channels email\n  start stage a {\n    after 1 ignored touch move to a\n    after 2 touches move to a\n    after 3 business days move to a\n    on reply where sentiment == "negative" move to a\n    when total_touches >= 4 move to a\n  }\n}\n',
    );
    expect(policy!.stages[0]!.transitions.map((t) => printTrigger(t.trigger))).toEqual([
      "after 1 ignored touch",
      "after 2 touches",
      "after 3 business days",
      'on reply where sentiment == "negative"',
      "when total_touches >= 4",
    ]);
  });
});
