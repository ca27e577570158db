import { describe, expect, it } from "vitest";

import { compile } from "../../src/engine/index.js";
import type { HistoryEvent } from "../../src/model.js";
import { parsePolicy } from "../../src/parser/index.js";

/** A policy from DSL text, which must have no errors. */
function engineOf(body: string) {
  const text = `cadence "p" {\n  timezone from contact.timezone else "UTC"\n  channels email, call, sms\n${body}\n}\n`;
  const { policy, diagnostics } = parsePolicy(text, { file: "p.heed" });
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return compile(policy!);
}

const contact = { id: "c1" };
const touch = (channel: string, at: string, props: Record<string, unknown> = {}): HistoryEvent => ({ type: "touch", channel, at, ...props });
const reply = (at: string, props: Record<string, unknown> = {}): HistoryEvent => ({ type: "reply", at, ...props });

describe("facts about the history (spec section 8.2)", () => {
  it("last(reply).prefers: a preference that changes twice, latest wins", () => {
    const e = engineOf('  never call when last(reply).prefers == "email"');
    const decide = (history: HistoryEvent[]) => e.evaluate({ contact, history, touch: { channel: "call" }, at: "2026-03-10T12:00:00Z" });
    expect(decide([]).verdict).toBe("allow");
    const once = [reply("2026-03-02T10:00:00Z", { prefers: "email" })];
    expect(decide(once)).toMatchObject({ verdict: "deny", reasons: [{ code: "never-when", message: 'never `call` when last(reply).prefers == "email": the condition holds' }] });
    const twice = [...once, reply("2026-03-04T10:00:00Z", { prefers: "call" })];
    expect(decide(twice).verdict).toBe("allow");
    const thrice = [...twice, reply("2026-03-06T10:00:00Z", { prefers: "email" })];
    expect(decide(thrice).verdict).toBe("deny");
    // a later reply without the prop: the latest reply lacks it, so the prop is missing
    expect(decide([...thrice, reply("2026-03-07T10:00:00Z")]).verdict).toBe("allow");
    // the order given does not matter: the latest by time wins
    expect(decide([...twice].reverse()).verdict).toBe("allow");
  });

  it("seen(... where ...) and count(...): only matching signals count, auto-replies are not replies, duplicates count once", () => {
    const e = engineOf('  never call unless seen(reply where sentiment != "negative")\n  never sms when count(open) < 2');
    const at = "2026-03-10T12:00:00Z";
    const call = (history: HistoryEvent[]) => e.evaluate({ contact, history, touch: { channel: "call" }, at }).verdict;
    expect(call([])).toBe("deny");
    expect(call([reply("2026-03-02T10:00:00Z", { sentiment: "negative" })])).toBe("deny");
    expect(call([reply("2026-03-02T10:00:00Z", { auto: true })])).toBe("deny");
    expect(call([reply("2026-03-02T10:00:00Z", { sentiment: "positive" })])).toBe("allow");
    // after the instant: not processed yet
    expect(call([reply("2026-03-11T10:00:00Z")])).toBe("deny");
    const sms = (history: HistoryEvent[]) => e.evaluate({ contact, history, touch: { channel: "sms" }, at }).verdict;
    const open = (at2: string, id?: string): HistoryEvent => ({ type: "open", at: at2, ...(id ? { id } : {}) });
    expect(sms([open("2026-03-02T10:00:00Z", "o1"), open("2026-03-02T10:00:00Z", "o1")])).toBe("deny");
    expect(sms([open("2026-03-02T10:00:00Z", "o1"), open("2026-03-03T10:00:00Z", "o2")])).toBe("allow");
  });

  it("an `on` transition reads the facts after its own event: `count(reply) == 2` fires on the second reply", () => {
    const e = engineOf("  start stage a {\n    on reply where count(reply) == 2 move to b\n  }\n  stage b { allow email }");
    const history = [reply("2026-03-02T10:00:00Z"), reply("2026-03-03T10:00:00Z")];
    expect(e.evaluate({ contact, history: history.slice(0, 1), touch: { channel: "call" }, at: "2026-03-04T00:00:00Z" }).stage).toBe("a");
    expect(e.evaluate({ contact, history, touch: { channel: "call" }, at: "2026-03-04T00:00:00Z" })).toMatchObject({ stage: "b", verdict: "deny" });
  });

  it("touches(CHANNELS) resets on entering a stage; total_touches(CHANNELS) and signal facts never do", () => {
    const e = engineOf(
      "  start stage a {\n    on reply move to b\n  }\n  stage b {\n    never call when touches(email) >= 1\n    never sms when total_touches(email) >= 2\n  }",
    );
    const history = [touch("email", "2026-03-02T10:00:00Z"), reply("2026-03-03T10:00:00Z")];
    const at = "2026-03-05T12:00:00Z";
    expect(e.evaluate({ contact, history, touch: { channel: "call" }, at }).verdict).toBe("allow");
    const more = [...history, touch("email", "2026-03-04T10:00:00Z")];
    expect(e.evaluate({ contact, history: more, touch: { channel: "call" }, at }).verdict).toBe("deny");
    expect(e.evaluate({ contact, history: more, touch: { channel: "sms" }, at }).verdict).toBe("deny");
    expect(e.evaluate({ contact, history, touch: { channel: "sms" }, at }).verdict).toBe("allow");
  });

  it("one value per fact in a snapshot, restored from JSON; explain lists each change", () => {
    const e = engineOf('  never call when last(reply).prefers == "email" or count(reply) > 5 or seen(reply)\n  never sms when total_touches(any) > 3');
    const history = [reply("2026-03-02T10:00:00Z", { prefers: "email" }), touch("email", "2026-03-03T10:00:00Z"), reply("2026-03-04T10:00:00Z", { prefers: "call" })];
    let s = e.start(contact, "2026-03-01T00:00:00Z");
    for (const event of history) s = e.step(s, event);
    const stored = JSON.parse(JSON.stringify(s));
    // count(reply) (which seen(reply) shares), last(reply).prefers, total_touches(any)
    expect(stored.states[0].facts).toEqual(["call", 2, 1]);
    const at = "2026-03-05T00:00:00Z";
    expect(e.decide(e.restore(stored), { channel: "call" }, at)).toEqual(e.evaluate({ contact, history, touch: { channel: "call" }, at }));
    expect(() => e.restore({ ...stored, states: [{ ...stored.states[0], facts: ["call", -1, 1] }] })).toThrow(/does not fit/);
    const explained = e.explain({ contact, history, touch: { channel: "call" }, at });
    expect(explained.facts?.map((f) => `${f.at} ${f.fact} = ${JSON.stringify(f.value)}`)).toEqual([
      '2026-03-02T10:00:00Z last(reply).prefers = "email"',
      "2026-03-02T10:00:00Z count(reply) = 1",
      "2026-03-03T10:00:00Z total_touches(any) = 1",
      '2026-03-04T10:00:00Z last(reply).prefers = "call"',
      "2026-03-04T10:00:00Z count(reply) = 2",
    ]);
  });

  it("a policy without facts keeps snapshots without `facts` (its version is unchanged)", () => {
    const e = engineOf("  at most 1 email per day");
    const s = e.step(e.start(contact, "2026-03-01T00:00:00Z"), touch("email", "2026-03-02T10:00:00Z"));
    expect(JSON.parse(JSON.stringify(s)).states[0]).not.toHaveProperty("facts");
    expect(e.explain({ contact, history: [], touch: { channel: "email" }, at: "2026-03-02T10:00:00Z" })).not.toHaveProperty("facts");
  });
});

describe("conditional rules (spec section 8.3)", () => {
  it("at most 1 email per 7 days when seen(reply where asks == \"less\"): applies from the ask on, counting every earlier email", () => {
    const e = engineOf('  at most 1 email per 7 days when seen(reply where asks == "less")');
    const history = [touch("email", "2026-03-02T10:00:00Z"), touch("email", "2026-03-03T10:00:00Z")];
    const at = "2026-03-04T10:00:00Z";
    expect(e.evaluate({ contact, history, touch: { channel: "email" }, at }).verdict).toBe("allow");
    const asked = [...history, reply("2026-03-03T12:00:00Z", { asks: "less" })];
    expect(e.evaluate({ contact, history: asked, touch: { channel: "email" }, at })).toMatchObject({
      verdict: "defer",
      notBefore: "2026-03-10T10:00:00Z",
      reasons: [{ code: "at-most", message: 'at most 1 `email` per 7 days when seen(reply where asks == "less"): 1 or more already sent in the last 7 days' }],
    });
  });

  it("a conditional limit whose condition turns false while a touch waits: the wait ends early, notBefore honest", () => {
    // the limit applies only in the first 2 days of a stage
    const e = engineOf("  at most 1 email per 7 days when time_in_stage < 2 days");
    const history = [touch("email", "2026-03-02T10:00:00Z")];
    const at = "2026-03-03T10:00:00Z";
    const d = e.evaluate({ contact, history, touch: { channel: "email" }, at });
    // entered at the first event: the rule stops applying at entry + 2 days, not at the limit's 7 days
    expect(d).toMatchObject({ verdict: "defer", notBefore: "2026-03-04T10:00:00Z" });
    expect(e.evaluate({ contact, history, touch: { channel: "email" }, at: d.notBefore! }).verdict).toBe("allow");
    expect(e.evaluate({ contact, history, touch: { channel: "email" }, at: "2026-03-04T09:59:59.999Z" }).verdict).toBe("defer");
  });

  it("a wait ends when a timer makes the condition false (a stage change resets touches(email))", () => {
    const e = engineOf(
      "  start stage a {\n    at most 1 email per 7 days when touches(email) >= 1\n    after 3 days move to b\n  }\n  stage b {\n    at most 1 email per 7 days when touches(email) >= 1\n  }",
    );
    const history = [touch("email", "2026-03-02T10:00:00Z")];
    const d = e.evaluate({ contact, history, touch: { channel: "email" }, at: "2026-03-03T10:00:00Z" });
    expect(d).toMatchObject({ verdict: "defer", notBefore: "2026-03-05T10:00:00Z" });
    expect(e.evaluate({ contact, history, touch: { channel: "email" }, at: d.notBefore! })).toMatchObject({ verdict: "allow", stage: "b" });
  });

  it("unless on a deferring rule, and a rule whose condition does not hold needs no zone", () => {
    const e = compile(parsePolicy('cadence "p" {\n  channels call\n  quiet hours 21:00 to 08:00 unless contact.consented == true\n}\n').policy!);
    const at = "2026-03-02T23:00:00Z";
    expect(e.evaluate({ contact: { id: "c", attributes: { consented: true } }, history: [], touch: { channel: "call" }, at }).verdict).toBe("allow");
    expect(e.evaluate({ contact: { id: "c" }, history: [], touch: { channel: "call" }, at })).toMatchObject({ verdict: "deny", reasons: [{ code: "unknown-timezone" }] });
    const explained = e.explain({ contact: { id: "c", attributes: { consented: true } }, history: [], touch: { channel: "call" }, at });
    expect(explained.rules.find((r) => r.code === "quiet-hours")).toMatchObject({
      outcome: "not-applicable",
      message: "quiet hours 21:00 to 08:00 unless contact.consented == true: does not apply here (its condition does not hold)",
    });
  });

  it("never ... unless keeps the meaning of never ... when not", () => {
    const a = engineOf("  never call unless seen(reply)");
    const b = engineOf("  never call when not seen(reply)");
    for (const history of [[], [reply("2026-03-02T10:00:00Z")]]) {
      const input = { contact, history, touch: { channel: "call" }, at: "2026-03-03T00:00:00Z" };
      expect(a.evaluate(input).verdict).toBe(b.evaluate(input).verdict);
    }
  });
});

describe("at most ... by PROP (spec section 8.4)", () => {
  const e = engineOf("  at most 2 calls per 24 hours by campaign");
  const history = [
    touch("call", "2026-03-02T09:00:00Z", { campaign: "renewal" }),
    touch("call", "2026-03-02T10:00:00Z", { campaign: "renewal" }),
    touch("call", "2026-03-02T11:00:00Z"),
    touch("call", "2026-03-02T11:30:00Z", { campaign: null }),
    touch("email", "2026-03-02T11:45:00Z"),
  ];
  const at = "2026-03-02T12:00:00Z";

  it("counts only earlier touches of the proposed touch's campaign", () => {
    expect(e.evaluate({ contact, history, touch: { channel: "call", campaign: "renewal" }, at })).toMatchObject({
      verdict: "defer",
      notBefore: "2026-03-03T09:00:00Z",
      reasons: [{ message: "at most 2 `call` per 24 hours by `campaign`: 2 or more already sent with the same `campaign` in the last 24 hours" }],
    });
    expect(e.evaluate({ contact, history, touch: { channel: "call", campaign: "acquisition" }, at }).verdict).toBe("allow");
  });

  it("touches lacking the prop (absent or null) form one group", () => {
    expect(e.evaluate({ contact, history, touch: { channel: "call" }, at })).toMatchObject({ verdict: "defer", notBefore: "2026-03-03T11:00:00Z" });
    expect(e.evaluate({ contact, history: history.slice(0, 3), touch: { channel: "call" }, at }).verdict).toBe("allow");
  });

  it("snapshots keep the groups, and forget those no window can reach", () => {
    let s = e.start(contact, "2026-03-01T00:00:00Z");
    for (const event of history) s = e.step(s, event);
    expect(e.decide(s, { channel: "call", campaign: "renewal" }, at)).toEqual(e.evaluate({ contact, history, touch: { channel: "call", campaign: "renewal" }, at }));
    s = e.step(s, touch("call", "2026-03-05T10:00:00Z", { campaign: "renewal" }));
    expect(JSON.parse(JSON.stringify(s)).states[0].memory[0]).toEqual([['"renewal"', [Date.parse("2026-03-05T10:00:00Z")]]]);
  });
});
