import { describe, expect, it } from "vitest";

import { compile } from "../../src/engine/index.js";
import type { Contact, HistoryEvent, ProposedTouch } from "../../src/model.js";
import { at, c, inbound, policy, r, stage, t } from "./build.js";

const NY: Contact = { id: "c1", timezone: "America/New_York", attributes: { role: "marketer" } };
const ev = (type: string, when: string, extra: Record<string, unknown> = {}): HistoryEvent => ({ type, at: when, ...extra });
const touch = (channel: string, when: string, extra: Record<string, unknown> = {}): HistoryEvent => ev("touch", when, { channel, ...extra });

function decide(p: ReturnType<typeof policy>, history: HistoryEvent[], when: string, proposed: ProposedTouch, contact: Contact = NY) {
  return compile(p).evaluate({ contact, history, touch: proposed, at: when });
}

describe("the spec's inbound policy", () => {
  const engine = compile(inbound());
  const history = [
    ev("content_download", "2026-03-02T10:00:00-05:00"),
    touch("email", "2026-03-03T10:00:00-05:00"),
    touch("email", "2026-03-06T10:00:00-05:00"),
  ];

  it("nurtures a silent reader and never calendar-invites him", () => {
    const d = engine.evaluate({ contact: NY, history, at: "2026-03-12T10:00:00-04:00", touch: { channel: "calendar-invite" } });
    expect(d.verdict).toBe("deny");
    expect(d.stage).toBe("nurture");
    expect(d.reasons.map((x) => [x.rule, x.code])).toEqual([
      ["nurture.allow", "channel-not-allowed"],
      ["no-cold-invites", "never-without"],
    ]);
    expect(d.reasons[1]!.span).toMatchObject({ line: 40 });
  });

  it("defers the nurture email to when the last email leaves the 14-day window", () => {
    const d = engine.evaluate({ contact: NY, history, at: "2026-03-12T10:00:00-04:00", touch: { channel: "email" } });
    expect(d).toMatchObject({ verdict: "defer", notBefore: "2026-03-20T15:00:00Z", stage: "nurture" });
    expect(d.reasons.map((x) => x.rule)).toEqual(["nurture.at-most.1"]);
  });

  it("defers a call made an hour after a download to four hours after it", () => {
    const d = engine.evaluate({ contact: NY, history: history.slice(0, 1), at: "2026-03-02T11:00:00-05:00", touch: { channel: "call" } });
    expect(d).toMatchObject({ verdict: "defer", notBefore: "2026-03-02T19:00:00Z", stage: "prospecting" });
    expect(d.reasons).toEqual([
      { rule: "let-them-read", code: "never-within", message: "never `call` within 4 hours of `content_download`: not before 2026-03-02T19:00:00Z" },
    ]);
    expect(d.alternatives).toEqual(["email", "linkedin"]);
  });

  it("denies calls to analysts, acquisition to customers and products they own", () => {
    const analyst = { ...NY, attributes: { role: "analyst", customer: true, products: ["tv"] } };
    const when = "2026-03-04T10:00:00-05:00";
    expect(engine.evaluate({ contact: analyst, history: [], at: when, touch: { channel: "call" } }).reasons.map((x) => x.rule)).toEqual([
      "policy.never-when.1",
    ]);
    expect(
      engine.evaluate({ contact: analyst, history: [], at: when, touch: { channel: "email", campaign: "acquisition" } }).reasons.map((x) => x.rule),
    ).toEqual(["policy.never-when.2"]);
    expect(engine.evaluate({ contact: analyst, history: [], at: when, touch: { channel: "email", product: "tv" } }).reasons.map((x) => x.rule)).toEqual([
      "policy.never-when.3",
    ]);
    expect(engine.evaluate({ contact: analyst, history: [], at: when, touch: { channel: "email", product: "phone" } }).verdict).toBe("allow");
  });

  it("never asks for a meeting on a first touch, but may later", () => {
    const when = "2026-03-04T10:00:00-05:00";
    const first = engine.evaluate({ contact: NY, history: [], at: when, touch: { channel: "email", tags: ["meeting-ask"] } });
    expect(first.reasons.map((x) => [x.rule, x.code])).toEqual([["policy.never-when.4", "never-when"]]);
    const later = engine.evaluate({
      contact: NY,
      history: [touch("email", "2026-03-01T10:00:00-05:00")],
      at: when,
      touch: { channel: "email", tags: ["meeting-ask"] },
    });
    expect(later.verdict).toBe("allow");
  });

  it("moves to closed on a negative reply and to email-only when the contact prefers email", () => {
    const base = [touch("email", "2026-03-03T10:00:00-05:00")];
    const when = "2026-03-10T10:00:00-04:00";
    const negative = engine.evaluate({
      contact: NY,
      history: [...base, ev("reply", "2026-03-04T09:00:00-05:00", { sentiment: "negative" })],
      at: when,
      touch: { channel: "email" },
    });
    expect(negative).toMatchObject({ verdict: "deny", stage: "closed" });
    expect(negative.reasons.map((x) => x.code)).toEqual(["final-stage"]);
    const prefers = engine.evaluate({
      contact: NY,
      history: [...base, ev("reply", "2026-03-04T09:00:00-05:00", { prefers: "email" })],
      at: when,
      touch: { channel: "call" },
    });
    expect(prefers).toMatchObject({ verdict: "deny", stage: "email-only", alternatives: ["email"] });
  });

  it("treats an auto-reply as no reply: no engagement, no `on reply`", () => {
    const d = engine.evaluate({
      contact: NY,
      history: [
        touch("email", "2026-03-03T10:00:00-05:00"),
        ev("reply", "2026-03-03T10:05:00-05:00", { auto: true }),
        touch("email", "2026-03-06T10:00:00-05:00"),
      ],
      at: "2026-03-12T10:00:00-04:00",
      touch: { channel: "calendar-invite" },
    });
    expect(d.stage).toBe("nurture");
    expect(d.reasons.map((x) => x.rule)).toContain("no-cold-invites");
  });

  it("ignores duplicate events by id and the order of the history", () => {
    const sorted = [
      touch("email", "2026-03-03T10:00:00-05:00", { id: "a" }),
      touch("email", "2026-03-06T10:00:00-05:00", { id: "b" }),
    ];
    const messy = [sorted[1]!, sorted[0]!, { ...sorted[1]! }, { ...sorted[0]!, channel: "call" }];
    const input = { contact: NY, at: "2026-03-12T10:00:00-04:00", touch: { channel: "email" } };
    const a = engine.evaluate({ ...input, history: sorted });
    const b = engine.evaluate({ ...input, history: messy });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.stage).toBe("nurture");
  });

  it("ignores events after the evaluation instant", () => {
    const d = engine.evaluate({
      contact: NY,
      history: [ev("unsubscribe", "2026-03-20T10:00:00-04:00")],
      at: "2026-03-04T10:00:00-05:00",
      touch: { channel: "email" },
    });
    expect(d).toMatchObject({ verdict: "allow", stage: "prospecting", reasons: [] });
  });
});

describe("rule forms", () => {
  const chans = ["email", "call", "sms"];

  it("never ... without: denies until a matching signal, where evaluated on the signal", () => {
    const p = policy("p", { channels: chans, rules: [r.without("call", "reply", { where: c.eq("sentiment", "positive") })] });
    const when = "2026-03-10T12:00:00Z";
    expect(decide(p, [ev("reply", "2026-03-09T12:00:00Z", { sentiment: "neutral" })], when, { channel: "call" }).reasons.map((x) => x.code)).toEqual([
      "never-without",
    ]);
    expect(decide(p, [ev("reply", "2026-03-09T12:00:00Z", { sentiment: "positive" })], when, { channel: "call" }).verdict).toBe("allow");
    expect(decide(p, [], when, { channel: "email" }).verdict).toBe("allow");
  });

  it("never ... after: denies once the signal was seen, at its instant too", () => {
    const p = policy("p", { channels: chans, rules: [r.after("any", "unsubscribe")] });
    expect(decide(p, [ev("unsubscribe", "2026-03-09T12:00:00Z")], "2026-03-09T12:00:00Z", { channel: "sms" }).reasons).toMatchObject([
      { rule: "policy.never-after.1", code: "never-after" },
    ]);
    expect(decide(p, [ev("unsubscribe", "2026-03-09T12:00:00Z")], "2026-03-09T11:59:59Z", { channel: "sms" }).verdict).toBe("allow");
  });

  it("never ... within: defers during [s, s + D) and allows at s + D", () => {
    const p = policy("p", { channels: chans, rules: [r.within("call", "4 hours", "content_download")] });
    const h = [ev("content_download", "2026-03-09T12:00:00Z"), ev("content_download", "2026-03-09T10:00:00Z")];
    expect(decide(p, h, "2026-03-09T12:00:00Z", { channel: "call" })).toMatchObject({ verdict: "defer", notBefore: "2026-03-09T16:00:00Z" });
    expect(decide(p, h, "2026-03-09T16:00:00Z", { channel: "call" }).verdict).toBe("allow");
  });

  it("at most N per rolling window counts (t - D, t] across channels and stages", () => {
    const p = policy("p", {
      channels: chans,
      stages: [stage("a", { start: true, transitions: [t.touches(2, "b")] }), stage("b")],
      rules: [r.atMost(3, "touches", "7 days")],
    });
    const h = [touch("email", "2026-03-01T12:00:00Z"), touch("call", "2026-03-02T12:00:00Z"), touch("sms", "2026-03-03T12:00:00Z")];
    const d = decide(p, h, "2026-03-05T12:00:00Z", { channel: "email" });
    expect(d).toMatchObject({ verdict: "defer", notBefore: "2026-03-08T12:00:00Z", stage: "b" });
    expect(d.reasons[0]!.message).toBe("at most 3 touches per 7 days: 3 or more already sent in the last 7 days");
    expect(decide(p, h, "2026-03-08T12:00:00Z", { channel: "email" }).verdict).toBe("allow");
    expect(decide(p, h, "2026-03-08T11:59:59Z", { channel: "email" }).verdict).toBe("defer");
  });

  it("at most N per day resets at the contact's local midnight, not UTC's", () => {
    const p = policy("p", { channels: chans, rules: [r.atMost(1, "call", "day")] });
    // 23:00 in New York is 04:00 UTC the next day.
    const h = [touch("call", "2026-03-02T23:00:00-05:00")];
    const sameLocalDay = decide(p, h, "2026-03-02T23:30:00-05:00", { channel: "call" });
    expect(sameLocalDay).toMatchObject({ verdict: "defer", notBefore: "2026-03-03T05:00:00Z" });
    expect(sameLocalDay.reasons[0]!.message).toBe("at most 1 `call` per day: 1 or more already sent on 2026-03-02 (local)");
    expect(decide(p, h, "2026-03-03T00:00:00-05:00", { channel: "call" }).verdict).toBe("allow");
    const tokyo = decide(p, h, "2026-03-02T23:30:00-05:00", { channel: "call" }, { id: "t", timezone: "Asia/Tokyo" });
    expect(tokyo).toMatchObject({ verdict: "defer", notBefore: "2026-03-03T15:00:00Z" });
  });

  it("at most N per week uses the ISO week, Monday to Sunday, in the contact's zone", () => {
    const p = policy("p", { channels: chans, rules: [r.atMost(1, "email", "week")] });
    const h = [touch("email", "2026-03-04T10:00:00-05:00")];
    expect(decide(p, h, "2026-03-08T22:00:00-04:00", { channel: "email" })).toMatchObject({ verdict: "defer", notBefore: "2026-03-09T04:00:00Z" });
  });

  it("at least D between: allows at t >= last + D", () => {
    const p = policy("p", { channels: chans, rules: [r.atLeast("2 days", ["email", "call"])] });
    const h = [touch("email", "2026-03-02T12:00:00Z"), touch("sms", "2026-03-03T12:00:00Z")];
    expect(decide(p, h, "2026-03-03T12:00:00Z", { channel: "call" })).toMatchObject({ verdict: "defer", notBefore: "2026-03-04T12:00:00Z" });
    expect(decide(p, h, "2026-03-04T12:00:00Z", { channel: "call" }).verdict).toBe("allow");
    expect(decide(p, h, "2026-03-03T12:00:00Z", { channel: "sms" }).verdict).toBe("allow");
  });

  it("at least N business days skips weekends and holidays, keeping the local time", () => {
    const p = policy("p", { channels: chans, holidays: ["2026-03-09"], rules: [r.atLeast("2 business days", "touches")] });
    // Friday 10:00 New York; Monday is a holiday: Tuesday, Wednesday.
    const h = [touch("email", "2026-03-06T10:00:00-05:00")];
    expect(decide(p, h, "2026-03-07T10:00:00-05:00", { channel: "email" })).toMatchObject({
      verdict: "defer",
      notBefore: "2026-03-11T14:00:00Z",
    });
  });

  it("quiet hours wrap midnight in the contact's local time", () => {
    const p = policy("p", { channels: chans, rules: [r.quiet("21:00", "08:00", ["call", "sms"])] });
    expect(decide(p, [], "2026-03-03T23:00:00-05:00", { channel: "call" })).toMatchObject({ verdict: "defer", notBefore: "2026-03-04T13:00:00Z" });
    expect(decide(p, [], "2026-03-04T07:59:00-05:00", { channel: "sms" })).toMatchObject({ verdict: "defer", notBefore: "2026-03-04T13:00:00Z" });
    expect(decide(p, [], "2026-03-04T08:00:00-05:00", { channel: "call" }).verdict).toBe("allow");
    expect(decide(p, [], "2026-03-04T20:59:00-05:00", { channel: "call" }).verdict).toBe("allow");
    expect(decide(p, [], "2026-03-03T23:00:00-05:00", { channel: "email" }).verdict).toBe("allow");
  });

  it("only business days defers to local midnight of the next business day, skipping holidays", () => {
    const p = policy("p", { channels: chans, holidays: ["2026-03-09"], rules: [r.businessDays()] });
    const d = decide(p, [], "2026-03-07T10:00:00-05:00", { channel: "email" });
    expect(d).toMatchObject({ verdict: "defer", notBefore: "2026-03-10T04:00:00Z" });
    expect(d.reasons[0]).toMatchObject({ rule: "policy.only-business-days.1", code: "business-days" });
    expect(decide(p, [], "2026-03-10T00:00:00-04:00", { channel: "email" }).verdict).toBe("allow");
  });
});

describe("time zones", () => {
  const p = (zone: string | null) =>
    policy("p", { channels: ["email", "call"], timezone: zone, rules: [r.quiet("21:00", "08:00", "call"), r.atMost(1, "email", "day")] });

  it("fails closed without a zone: deny with unknown-timezone only where the rule applies", () => {
    const anon = { id: "x" };
    const d = decide(p(null), [], "2026-03-03T15:00:00Z", { channel: "call" }, anon);
    expect(d.verdict).toBe("deny");
    expect(d.reasons).toMatchObject([{ rule: "policy.quiet-hours.1", code: "unknown-timezone" }]);
    const email = decide(p(null), [], "2026-03-03T15:00:00Z", { channel: "email" }, anon);
    expect(email.reasons).toMatchObject([{ rule: "policy.at-most.1", code: "unknown-timezone" }]);
    const noZoneRules = policy("q", { channels: ["email", "call"], rules: [r.quiet("21:00", "08:00", "call")] });
    expect(decide(noZoneRules, [], "2026-03-03T15:00:00Z", { channel: "email" }, anon).verdict).toBe("allow");
  });

  it("uses the policy's fallback when the contact has no zone", () => {
    expect(decide(p("Europe/London"), [], "2026-03-03T21:30:00Z", { channel: "call" }, { id: "x" })).toMatchObject({
      verdict: "defer",
      notBefore: "2026-03-04T08:00:00Z",
    });
  });

  it("denies business-day ignore windows without a zone (fail closed)", () => {
    const q = policy("q", {
      channels: ["email"],
      ignoreWindow: "2 business days",
      stages: [stage("a", { start: true, transitions: [t.ignored(2, "b")] }), stage("b", { final: true })],
    });
    expect(decide(q, [], "2026-03-03T15:00:00Z", { channel: "email" }, { id: "x" }).reasons).toMatchObject([
      { rule: "policy.timezone", code: "unknown-timezone" },
    ]);
    expect(decide(q, [], "2026-03-03T15:00:00Z", { channel: "email" }).verdict).toBe("allow");
    // Without an `ignored` transition the window changes nothing: no need for a zone.
    const plain = policy("p", { channels: ["email"], ignoreWindow: "2 business days" });
    expect(decide(plain, [], "2026-03-03T15:00:00Z", { channel: "email" }, { id: "x" }).verdict).toBe("allow");
  });

  it("follows New York's spring-forward: quiet hours end at 08:00 EDT", () => {
    expect(decide(p(null), [], "2026-03-07T23:00:00-05:00", { channel: "call" })).toMatchObject({ notBefore: "2026-03-08T12:00:00Z" });
  });

  it("follows New York's fall-back: quiet hours end at 08:00 EST", () => {
    expect(decide(p(null), [], "2026-10-31T22:00:00-04:00", { channel: "call" })).toMatchObject({ notBefore: "2026-11-01T13:00:00Z" });
  });

  it("follows London's clock change for calendar days", () => {
    const london = { id: "l", timezone: "Europe/London" };
    // 2026-03-29 01:00 GMT clocks go to 02:00 BST; the next local day starts at 23:00Z.
    const d = decide(p(null), [touch("email", "2026-03-29T09:00:00+01:00")], "2026-03-29T12:00:00+01:00", { channel: "email" }, london);
    expect(d).toMatchObject({ verdict: "defer", notBefore: "2026-03-29T23:00:00Z" });
  });

  it("follows Lord Howe's half-hour daylight saving for quiet hours", () => {
    const lh = { id: "h", timezone: "Australia/Lord_Howe" };
    // 2026-04-05 02:00 +11 becomes 01:30 +10:30; 08:00 local that day is 21:30Z on the 4th.
    expect(decide(p(null), [], "2026-04-04T23:00:00+11:00", { channel: "call" }, lh)).toMatchObject({ notBefore: "2026-04-04T21:30:00Z" });
  });
});

describe("combining", () => {
  const chans = ["email", "call"];

  it("deny beats defer, and reasons list every unmet rule", () => {
    const p = policy("p", { channels: chans, rules: [r.quiet("21:00", "08:00"), r.when("call", c.eq("contact.role", "analyst"))] });
    const d = decide(p, [], "2026-03-03T23:00:00-05:00", { channel: "call" }, { id: "a", timezone: "America/New_York", attributes: { role: "analyst" } });
    expect(d.verdict).toBe("deny");
    expect(d.notBefore).toBeUndefined();
    expect(d.reasons.map((x) => x.code)).toEqual(["quiet-hours", "never-when"]);
  });

  it("finds the earliest instant at which all rules hold together", () => {
    // The gap ends at 23:00 local, in quiet hours; quiet hours end on Saturday, not a business day.
    const p = policy("p", { channels: chans, rules: [r.atLeast("12 hours", "touches"), r.quiet("21:00", "08:00"), r.businessDays()] });
    const d = decide(p, [touch("email", "2026-03-06T11:00:00-05:00")], "2026-03-06T12:00:00-05:00", { channel: "email" });
    expect(d).toMatchObject({ verdict: "defer", notBefore: "2026-03-09T12:00:00Z" });
    expect(d.reasons.map((x) => x.code)).toEqual(["at-least"]);
  });

  it("lets a stage change end a wait early", () => {
    const p = policy("p", {
      channels: chans,
      stages: [
        stage("a", { start: true, rules: [r.atMost(1, "email", "14 days")], transitions: [t.elapsed("2 days", "b")] }),
        stage("b"),
      ],
    });
    const d = decide(p, [touch("email", "2026-03-02T12:00:00Z")], "2026-03-03T12:00:00Z", { channel: "email" });
    expect(d).toMatchObject({ verdict: "defer", notBefore: "2026-03-04T12:00:00Z", stage: "a" });
  });

  it("denies with stage-change when the wait ends in a stage that forbids the touch", () => {
    const p = policy("p", {
      channels: chans,
      stages: [stage("a", { start: true, transitions: [t.elapsed("1 day", "b")] }), stage("b", { allow: ["email"] })],
      rules: [r.quiet("21:00", "08:00", "call")],
    });
    const d = decide(p, [ev("signup", "2026-03-02T23:30:00-05:00")], "2026-03-03T22:00:00-05:00", { channel: "call" });
    expect(d.verdict).toBe("deny");
    expect(d.reasons.map((x) => x.code)).toEqual(["quiet-hours", "stage-change"]);
    expect(d.reasons[1]!.message).toContain("stage `b`");
  });

  it("judges a condition on time_in_stage again while following a deferral, one on the state alone not", () => {
    const day = 24 * 60 * 60 * 1000;
    // an ignore window longer than the wait: no timer changes the state on the way
    const p = policy("p", {
      channels: chans,
      ignoreWindow: "30 days",
      rules: [r.atMost(1, "email", "7 days"), r.when("email", c.gt("time_in_stage", 2 * day), { name: "stale" }), r.when("email", c.gt("touches", 1), { name: "busy" })],
    });
    const sent = [touch("email", "2026-03-02T12:00:00Z")];
    // met at the decision instant (a day in the stage), unmet by the time the weekly limit allows
    const d = decide(p, sent, "2026-03-03T12:00:00Z", { channel: "email" });
    expect(d.verdict).toBe("deny");
    expect(d.reasons.map((x) => x.code)).toEqual(["at-most", "stage-change"]);
    expect(d.reasons[1]!.message).toBe(
      "waiting is not enough: at 2026-03-09T12:00:00Z the contact is in stage `active` and `stale` denies the touch (never-when)",
    );
    // without the time-bound rule, the one on the touch count (1, unchanged) stays met: defer
    const q = policy("q", { channels: chans, ignoreWindow: "30 days", rules: [r.atMost(1, "email", "7 days"), r.when("email", c.gt("touches", 1), { name: "busy" })] });
    expect(decide(q, sent, "2026-03-03T12:00:00Z", { channel: "email" })).toMatchObject({ verdict: "defer", notBefore: "2026-03-09T12:00:00Z" });
  });

  it("denies with no-window when nothing is allowed within a year", () => {
    const p = policy("p", { channels: chans, rules: [r.atMost(1, "email", "400 days")] });
    const d = decide(p, [touch("email", "2026-03-02T12:00:00Z")], "2026-03-03T12:00:00Z", { channel: "email" });
    expect(d.verdict).toBe("deny");
    expect(d.reasons.map((x) => x.code)).toEqual(["at-most", "no-window"]);
  });

  it("lists the declared channels allowed instead, in declared order", () => {
    const p = policy("p", { channels: ["sms", "email", "call", "linkedin"], rules: [r.quiet("21:00", "08:00", ["call", "sms"])] });
    expect(decide(p, [], "2026-03-03T23:00:00-05:00", { channel: "call" }).alternatives).toEqual(["email", "linkedin"]);
  });

  it("lists no alternative when a rule over every channel is unmet, and the others when only the channel's own rule is", () => {
    const p = policy("p", { channels: ["email", "call", "sms"], rules: [r.atMost(1, "touches", "7 days"), r.quiet("21:00", "08:00", ["call"])] });
    const sent = [touch("email", "2026-03-02T12:00:00Z")];
    // the weekly limit speaks of every channel: waiting is the only way
    expect(decide(p, sent, "2026-03-03T12:00:00Z", { channel: "email" })).toMatchObject({ verdict: "defer", alternatives: [] });
    // quiet hours speak of calls only
    expect(decide(p, [], "2026-03-03T23:00:00-05:00", { channel: "call" })).toMatchObject({ verdict: "defer", alternatives: ["email", "sms"] });
  });

  it("judges a condition on the touch's channel for each alternative, and one on anything else once for all", async () => {
    const { parsePolicy } = await import("../../src/parser/index.js");
    const text = [
      'cadence "p" {',
      "  channels sms, email, call, linkedin",
      '  never any when touch.channel == "sms" or touch.channel == "call"',
      '  never any when touch.campaign == "winback" and contact.churned == true',
      "}",
      "",
    ].join("\n");
    const engine = compile(parsePolicy(text, { file: "p.heed" }).policy!);
    const ask = (channel: string, contact: Contact = NY, campaign = "intro") =>
      engine.evaluate({ contact, history: [], touch: { channel, campaign }, at: "2026-03-03T12:00:00Z" });
    expect(ask("sms")).toMatchObject({ verdict: "deny", alternatives: ["email", "linkedin"] });
    expect(ask("call").alternatives).toEqual(["email", "linkedin"]);
    const churned: Contact = { id: "c2", attributes: { churned: true } };
    expect(ask("sms", churned, "winback")).toMatchObject({ verdict: "deny", alternatives: [] });
    expect(ask("email", churned, "winback").reasons.map((x) => x.rule)).toEqual(["policy.never-when.2"]);
  });

  it("denies an undeclared channel with unknown-channel", () => {
    const d = decide(policy("p", { channels: chans }), [], "2026-03-03T12:00:00Z", { channel: "fax" });
    expect(d.reasons).toEqual([{ rule: "policy.channels", code: "unknown-channel", message: "unknown channel `fax`: the policy declares `email`, `call`" }]);
  });

  it("gives rule ids from names and positions", () => {
    const p = policy("p", {
      channels: chans,
      stages: [stage("a", { start: true, rules: [r.atMost(1, "email", "day"), r.atMost(2, "call", "day", "calls")] })],
      rules: [r.atMost(5, "touches", "7 days"), r.atMost(1, "touches", "1 hour")],
    });
    const h = [touch("email", "2026-03-03T12:00:00Z"), touch("email", "2026-03-03T12:10:00Z")];
    const d = decide(p, h, "2026-03-03T12:20:00Z", { channel: "email" });
    expect(d.reasons.map((x) => x.rule)).toEqual(["a.at-most.1", "policy.at-most.2"]);
  });

  it("reports spans of named rules", () => {
    const p = policy("p", { channels: chans, rules: [at(r.quiet("21:00", "08:00", undefined, "night"), 7)] });
    expect(decide(p, [], "2026-03-03T23:00:00-05:00", { channel: "email" }).reasons[0]).toMatchObject({ rule: "night", span: { line: 7 } });
  });
});

describe("quiet hours that cover the whole day", () => {
  // Following a deferral used to step from one quiet-hours end to the next for a year: 5 s per decision with 2,000 rules.
  const allDay = [r.quiet("00:00", "12:00", "call"), r.quiet("11:00", "23:00", "call"), r.quiet("22:30", "00:30", "call")];
  const p = policy("p", {
    channels: ["email", "call"],
    stages: [stage("open", { start: true, rules: allDay, transitions: [t.elapsed("3 days", "later")] }), stage("later", {})],
  });

  it("defer a touch to the stage's next timer, where it is allowed", () => {
    const d = decide(p, [touch("email", "2026-03-02T10:00:00-05:00")], "2026-03-02T11:00:00-05:00", { channel: "call" });
    expect([d.verdict, d.notBefore, d.reasons.map((x) => x.code)]).toEqual(["defer", "2026-03-05T15:00:00Z", ["quiet-hours", "quiet-hours"]]);
    const email = decide(p, [touch("email", "2026-03-02T10:00:00-05:00")], "2026-03-02T11:00:00-05:00", { channel: "email" });
    expect(email.verdict).toBe("allow");
  });

  it("deny with no-window when no timer leaves the stage, however many rules cover it", () => {
    const rules = Array.from({ length: 2_000 }, (_, i) => r.quiet(`${String(i % 24).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}`, `${String((i + 1) % 24).padStart(2, "0")}:30`));
    const d = decide(policy("q", { channels: ["email"], rules }), [], "2026-03-02T11:00:00-05:00", { channel: "email" });
    expect([d.verdict, d.reasons[d.reasons.length - 1]!.code]).toEqual(["deny", "no-window"]);
  });
});
