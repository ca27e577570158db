/**
 * Reasons' messages read as English: a count agrees with its noun ("at most 1
 * touch per day", "1 business day"), and a rule on every channel says "any
 * channel" where "touches" would not read ("never any channel when ...").
 */

import { describe, expect, it } from "vitest";

import { compile } from "../../src/engine/index.js";
import { parsePolicy } from "../../src/parser/index.js";

const POLICY = `cadence "words" {
  timezone from contact.timezone else "UTC"
  channels email, call
  rule never-when: never any when contact.vip == true
  rule never-within: never touches within 1 hour of reply
  rule never-after: never any tagged "ask" after unsubscribe
  rule one-a-day: at most 1 any per day
  rule one-a-week: at most 1 touches per 7 days
  rule two-a-week: at most 2 touches per 1 week
  rule one-call: at most 1 call per 1 day
  rule spacing: at least 1 business day between any
  rule night: quiet hours 21:00 to 08:00 for any
}
`;

describe("reason messages", () => {
  const { policy, diagnostics } = parsePolicy(POLICY, { file: "words.heed" });
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const engine = compile(policy!);
  const decision = engine.evaluate({
    contact: { id: "c", attributes: { vip: true } },
    history: [
      { type: "touch", channel: "call", at: "2026-03-02T09:00:00Z" },
      { type: "touch", channel: "email", at: "2026-03-02T10:00:00Z" },
      { type: "reply", at: "2026-03-02T22:30:00Z" },
      { type: "unsubscribe", at: "2026-03-02T22:40:00Z" },
    ],
    touch: { channel: "call", tags: ["ask"] },
    at: "2026-03-02T23:00:00Z",
  });
  /** Checks that the reason of `rule` begins with the rule in words, then `: ` and what is unmet. */
  const says = (rule: string, words: string): void => {
    const reason = decision.reasons.find((r) => r.rule === rule);
    expect(reason, rule).toBeDefined();
    expect(reason!.message.slice(0, words.length + 2)).toBe(`${words}: `);
  };

  it("says `any channel` for a never-rule on every channel", () => {
    says("never-when", "never any channel when contact.vip == true");
    says("never-within", "never any channel within 1 hour of `reply`");
    says("never-after", 'never any channel tagged "ask" after `unsubscribe`');
  });

  it("makes a counted touch agree with its count, and durations with theirs", () => {
    says("one-a-day", "at most 1 touch per day");
    says("one-a-week", "at most 1 touch per 7 days");
    says("two-a-week", "at most 2 touches per 1 week");
    says("one-call", "at most 1 `call` per 1 day");
    says("spacing", "at least 1 business day between touches");
    says("night", "quiet hours 21:00 to 08:00");
  });
});
