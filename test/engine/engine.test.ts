import { describe, expect, it } from "vitest";

import { compile } from "../../src/engine/index.js";
import type { Transition } from "../../src/ast.js";
import type { Contact, HistoryEvent } from "../../src/model.js";
import { c, inbound, policy, r, stage, t } from "./build.js";

const NY: Contact = { id: "c1", timezone: "America/New_York", attributes: { role: "marketer", region: "us" } };
const touch = (channel: string, when: string, id?: string): HistoryEvent => ({ type: "touch", channel, at: when, ...(id ? { id } : {}) });

describe("policy sets", () => {
  const compliance = policy("compliance", {
    channels: ["email", "call", "sms"],
    rules: [r.quiet("20:00", "08:00", ["call", "sms"], "tcpa-hours"), r.atMost(3, "call", "24 hours")],
  });
  const cadence = policy("team", {
    channels: ["email", "call"],
    stages: [stage("new", { start: true, transitions: [t.touches(1, "working")] }), stage("working", { rules: [r.atLeast("2 days", "touches")] })],
  });
  const emea = policy("emea", {
    channels: ["email", "call"],
    appliesWhen: c.eq("contact.region", "emea"),
    rules: [r.when("call", c.eq("touch.campaign", "acquisition"))],
  });
  const engine = compile([compliance, cadence, emea]);

  it("combines verdicts deny > defer > allow and tags reasons with their policy", () => {
    const d = engine.evaluate({ contact: NY, history: [touch("email", "2026-03-02T10:00:00-05:00")], touch: { channel: "call" }, at: "2026-03-03T21:00:00-05:00" });
    expect(d.verdict).toBe("defer");
    expect(d.stage).toBe("active");
    expect(d.reasons.map((x) => [x.policy, x.rule, x.code])).toEqual([
      ["compliance", "tcpa-hours", "quiet-hours"],
      ["team", "working.at-least.1", "at-least"],
    ]);
    // Quiet hours end at 08:00 local; the team's two days run until 10:00 local on the 4th.
    expect(d.notBefore).toBe("2026-03-04T15:00:00Z");
    expect(d.policies).toEqual([
      { policy: "compliance", verdict: "defer", stage: "active", notBefore: "2026-03-04T13:00:00Z" },
      { policy: "team", verdict: "defer", stage: "working", notBefore: "2026-03-04T15:00:00Z" },
    ]);
  });

  it("applies a policy only where its `applies when` holds", () => {
    const input = { history: [], touch: { channel: "call", campaign: "acquisition" }, at: "2026-03-03T12:00:00-05:00" };
    expect(engine.evaluate({ ...input, contact: NY }).verdict).toBe("allow");
    const emeaContact = { id: "e", timezone: "Europe/Berlin", attributes: { region: "emea" } };
    const d = engine.evaluate({ ...input, contact: emeaContact });
    expect(d.verdict).toBe("deny");
    expect(d.reasons).toMatchObject([{ policy: "emea", rule: "policy.never-when.1", code: "never-when" }]);
    expect(d.policies?.map((p) => p.policy)).toEqual(["compliance", "team", "emea"]);
  });

  it("allows when no policy applies, with the first policy's stage", () => {
    const only = compile([emea, cadence].slice(0, 1));
    const d = only.evaluate({ contact: NY, history: [], touch: { channel: "call", campaign: "acquisition" }, at: "2026-03-03T12:00:00Z" });
    expect(d).toEqual({ verdict: "allow", stage: "active", reasons: [] });
  });

  it("reports the stage of the first applicable policy", () => {
    const set = compile([emea, cadence]);
    const d = set.evaluate({ contact: NY, history: [touch("email", "2026-03-02T10:00:00Z")], touch: { channel: "email" }, at: "2026-03-05T12:00:00Z" });
    expect(d.stage).toBe("working");
  });
});

describe("incremental start / step / decide", () => {
  const engine = compile(inbound());
  const history: HistoryEvent[] = [
    { type: "content_download", at: "2026-03-02T10:00:00-05:00", id: "d1" },
    touch("email", "2026-03-03T10:00:00-05:00", "t1"),
    touch("email", "2026-03-03T10:00:00-05:00", "t1"),
    touch("email", "2026-03-06T10:00:00-05:00", "t2"),
  ];

  it("gives the same decision as evaluate over the full history, byte for byte", () => {
    let s = engine.start(NY, "2026-03-01T00:00:00Z");
    for (const event of history) s = engine.step(s, event);
    for (const [channel, at] of [
      ["email", "2026-03-12T10:00:00-04:00"],
      ["calendar-invite", "2026-03-12T10:00:00-04:00"],
      ["call", "2026-03-06T11:00:00-05:00"],
    ] as const) {
      const expected = engine.evaluate({ contact: NY, history, touch: { channel }, at });
      expect(JSON.stringify(engine.decide(s, { channel }, at))).toBe(JSON.stringify(expected));
    }
    expect(engine.decide(s, { channel: "email" }, "2026-03-12T10:00:00-04:00").stage).toBe("nurture");
  });

  it("enters at the decision instant when no event was stepped", () => {
    const s = engine.start(NY, "2026-03-01T00:00:00Z");
    const at = "2026-03-07T23:00:00-05:00";
    expect(engine.decide(s, { channel: "call" }, at)).toEqual(engine.evaluate({ contact: NY, history: [], touch: { channel: "call" }, at }));
  });

  it("keeps the snapshot plain JSON and bounded whatever the history length", () => {
    const p = policy("p", { channels: ["email"], rules: [r.atMost(2, "email", "7 days"), r.atLeast("1 hour", "email")] });
    const e = compile(p);
    let s = e.start({ id: "x", timezone: "UTC" }, "2026-01-01T00:00:00Z");
    const sizes: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const at = new Date(Date.UTC(2026, 0, 1) + i * 6 * 3600_000).toISOString();
      s = e.step(s, { type: "touch", channel: "email", at, id: `t${i}` });
      s = e.step(s, { type: "reply", at, id: `r${i}` });
      if (i % 500 === 499) sizes.push(JSON.stringify(s).length);
    }
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThan(600);
    expect((s.recent as [string, string][]).length).toBe(256);
  });

  it("never changes the snapshot it is handed: decide and step work on what they need to change", () => {
    const deepFreeze = <T>(value: T): T => {
      if (value !== null && typeof value === "object") {
        for (const inner of Object.values(value)) deepFreeze(inner);
        Object.freeze(value);
      }
      return value;
    };
    let s = engine.start(NY, "2026-03-01T00:00:00Z");
    for (const event of history.slice(0, 2)) s = engine.step(s, event);
    const before = JSON.stringify(s);
    deepFreeze(s);
    // at once (no timer due), after the ignore window has run out (timers due), and a deferral followed through timers
    for (const [channel, at] of [
      ["email", "2026-03-03T11:00:00-05:00"],
      ["call", "2026-03-03T11:00:00-05:00"],
      ["email", "2026-03-09T10:00:00-04:00"],
      ["calendar-invite", "2026-03-20T10:00:00-04:00"],
    ] as const) {
      const expected = engine.evaluate({ contact: NY, history: history.slice(0, 2), touch: { channel }, at });
      expect(engine.decide(s, { channel }, at)).toEqual(expected);
    }
    engine.step(s, touch("email", "2026-03-06T10:00:00-05:00", "t2"));
    expect(JSON.stringify(s)).toBe(before);
  });

  it("ignores a redelivered event with an id already seen", () => {
    const s1 = engine.step(engine.start(NY, "2026-03-01T00:00:00Z"), touch("email", "2026-03-03T10:00:00-05:00", "t1"));
    const s2 = engine.step(s1, touch("email", "2026-03-03T10:00:00-05:00", "t1"));
    expect(s2).toEqual(s1);
  });
});

describe("explain", () => {
  it("gives the timeline of stage changes with causes and spans, and every rule's outcome", () => {
    const p = inbound();
    const first = p.stages[0]!.transitions[0]!;
    (p.stages[0]!.transitions as Transition[])[0] = { ...first, span: { line: 12, column: 5, endLine: 12, endColumn: 40 } };
    const x = compile(p).explain({
      contact: NY,
      history: [touch("email", "2026-03-03T10:00:00-05:00"), touch("email", "2026-03-06T10:00:00-05:00")],
      touch: { channel: "email" },
      at: "2026-03-12T10:00:00-04:00",
    });
    expect(x.decision.verdict).toBe("defer");
    expect(x.timeline).toEqual([
      { at: "2026-03-03T15:00:00Z", policy: "inbound-content", from: null, to: "prospecting", cause: "start" },
      {
        at: "2026-03-09T15:00:00Z",
        policy: "inbound-content",
        from: "prospecting",
        to: "nurture",
        cause: "after 2 ignored touches",
        span: { line: 12, column: 5, endLine: 12, endColumn: 40 },
      },
    ]);
    const byRule = new Map(x.rules.map((o) => [o.rule, o]));
    expect(byRule.get("nurture.at-most.1")).toMatchObject({ outcome: "defer", notBefore: "2026-03-20T15:00:00Z" });
    expect(byRule.get("no-cold-invites")?.outcome).toBe("not-applicable");
    expect(byRule.get("policy.at-most.1")?.outcome).toBe("met");
    expect(byRule.get("nurture.allow")?.outcome).toBe("met");
  });
});
