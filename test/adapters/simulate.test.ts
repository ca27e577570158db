import { describe, expect, it } from "vitest";
import { compileIr } from "../../src/engine/index.js";
import { checkSafety, makeContact, simulate, type SimTouch } from "../../src/adapters/simulate.js";
import { inbound } from "../engine/build.js";

describe("heed simulate, in this thread", () => {
  it("the eager sender never breaks the inbound policy: zero safety violations", async () => {
    const report = await simulate(inbound(), { contacts: 150, seed: 11, horizonDays: 30 });
    expect(report.violationCount).toBe(0);
    expect(report.totals.contacts).toBe(150);
    expect(report.totals.touches).toBeGreaterThan(150);
    // Every persona shows up; unsubscribers end closed (or still wait for the touch they answer), never engaged.
    for (const persona of Object.values(report.personas)) expect(persona.contacts).toBeGreaterThan(0);
    expect(report.personas.unsubscribes!.finalStages["closed"]).toBeGreaterThan(0);
    expect(report.personas.unsubscribes!.finalStages["engaged"]).toBeUndefined();
  });

  it("the same seed gives the same report, another seed another", async () => {
    const a = JSON.stringify(await simulate(inbound(), { contacts: 40, seed: 5, horizonDays: 20 }));
    const b = JSON.stringify(await simulate(inbound(), { contacts: 40, seed: 5, horizonDays: 20 }));
    const c = JSON.stringify(await simulate(inbound(), { contacts: 40, seed: 6, horizonDays: 20 }));
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it("a contact depends only on the seed and its index, so populations split anywhere agree", () => {
    expect(makeContact(3, 17)).toEqual(makeContact(3, 17));
    expect(makeContact(3, 17)).not.toEqual(makeContact(3, 18));
    expect(makeContact(3, 17)).not.toEqual(makeContact(4, 17));
  });
});

describe("the safety checker finds what the engine would have forbidden", () => {
  const ir = compileIr(inbound());
  const contact = { id: "c", timezone: "America/New_York" };
  const at = (iso: string) => Date.parse(iso);

  it("flags too many touches, too close together, in quiet hours, on a weekend", () => {
    const touches: SimTouch[] = [
      { at: at("2026-03-02T14:00:00Z"), channel: "email", stage: "prospecting" },
      { at: at("2026-03-02T15:00:00Z"), channel: "email", stage: "prospecting" },
      { at: at("2026-03-03T02:00:00Z"), channel: "call", stage: "prospecting" },
      { at: at("2026-03-07T15:00:00Z"), channel: "email", stage: "prospecting" },
    ];
    const history = touches.map((t) => ({ type: "touch", channel: t.channel, at: new Date(t.at).toISOString() }));
    const found = checkSafety(ir, contact, history, touches, []);
    expect(found.some((v) => v.includes("email touch at 2026-03-02T15:00:00.000Z") && v.includes("at-least"))).toBe(true);
    expect(found.some((v) => v.startsWith("call touch at 2026-03-03T02:00:00.000Z") && v.includes("in quiet hours"))).toBe(true);
    expect(found.some((v) => v.startsWith("email touch at 2026-03-07T15:00:00.000Z") && v.includes("not a business day"))).toBe(true);
    expect(found.some((v) => v.includes("touches in one window, at most 3 allowed"))).toBe(true);
  });

  it("flags a calendar invite without a reply and a touch in a final stage", () => {
    const touches: SimTouch[] = [
      { at: at("2026-03-02T14:00:00Z"), channel: "calendar-invite", stage: "prospecting" },
      { at: at("2026-03-10T14:00:00Z"), channel: "email", stage: "closed" },
    ];
    const history = [
      { type: "touch", channel: "calendar-invite", at: "2026-03-02T14:00:00Z" },
      { type: "unsubscribe", at: "2026-03-05T14:00:00Z" },
      { type: "touch", channel: "email", at: "2026-03-10T14:00:00Z" },
    ];
    const timeline = [
      { at: "2026-03-02T14:00:00Z", policy: "inbound-content", from: null, to: "prospecting", cause: "start" },
      { at: "2026-03-05T14:00:00Z", policy: "inbound-content", from: "prospecting", to: "closed", cause: "on unsubscribe" },
    ];
    const found = checkSafety(ir, contact, history, touches, timeline);
    expect(found).toContain("calendar-invite touch at 2026-03-02T14:00:00.000Z: rule `no-cold-invites`: no `reply` before it");
    expect(found).toContain("email touch at 2026-03-10T14:00:00.000Z: sent in final stage `closed`");
  });

  it("judges a touch in the stage a signal at the same instant moved the contact to", () => {
    // A reply and a touch at one instant: the reply is processed first, so the touch is an engaged-stage touch.
    const touches: SimTouch[] = [
      { at: at("2026-02-09T15:00:00Z"), channel: "email", stage: "nurture" },
      { at: at("2026-02-11T15:07:00Z"), channel: "calendar-invite", stage: "engaged" },
    ];
    const history = [
      { type: "touch", channel: "email", at: "2026-02-09T15:00:00Z" },
      { type: "reply", sentiment: "positive", at: "2026-02-11T15:07:00Z" },
      { type: "touch", channel: "calendar-invite", at: "2026-02-11T15:07:00Z" },
    ];
    const timeline = [
      { at: "2026-02-01T15:00:00Z", policy: "inbound-content", from: null, to: "prospecting", cause: "start" },
      { at: "2026-02-08T15:00:00Z", policy: "inbound-content", from: "prospecting", to: "nurture", cause: "after 2 ignored touches" },
      { at: "2026-02-11T15:07:00Z", policy: "inbound-content", from: "nurture", to: "engaged", cause: "on reply" },
    ];
    expect(checkSafety(ir, contact, history, touches, timeline)).toEqual([]);
  });

  it("passes a history that keeps every rule", () => {
    const touches: SimTouch[] = [
      { at: at("2026-03-02T14:00:00Z"), channel: "email", stage: "prospecting" },
      { at: at("2026-03-04T14:00:00Z"), channel: "email", stage: "prospecting" },
    ];
    const history = touches.map((t) => ({ type: "touch", channel: t.channel, at: new Date(t.at).toISOString() }));
    expect(checkSafety(ir, contact, history, touches, [])).toEqual([]);
  });
});
