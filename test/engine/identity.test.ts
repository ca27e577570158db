import { describe, expect, it } from "vitest";

import { HeedInputError } from "../../src/diagnostics.js";
import { compile, RECENT_IDS, SNAPSHOT_FORMAT } from "../../src/engine/index.js";
import { referenceEvaluate } from "../reference/interpreter.js";
import type { Snapshot } from "../../src/engine/api.js";
import type { Contact, HistoryEvent } from "../../src/model.js";
import { policy, stage, t } from "./build.js";

/**
 * Issue 14, item 6: two events are one event only when they share their
 * type and their id. An unsubscribe that happens to carry the id of an
 * earlier touch is an unsubscribe, never a redelivery of the touch.
 */
const NY: Contact = { id: "c1", timezone: "America/New_York" };
const p = policy("p", {
  channels: ["email"],
  stages: [stage("open", { start: true, allow: ["email"] }), stage("closed", { final: true })],
  transitions: [t.on("unsubscribe", "closed")],
});
const engine = compile(p);
const touch: HistoryEvent = { type: "touch", channel: "email", at: "2026-03-02T10:00:00Z", id: "evt-1" };
const unsubscribe: HistoryEvent = { type: "unsubscribe", at: "2026-03-02T11:00:00Z", id: "evt-1" };
const at = "2026-03-03T10:00:00Z";

describe("event identity is (type, id)", () => {
  it("evaluate: an unsubscribe whose id equals an earlier touch's is not dropped (was: allowed)", () => {
    const input = { contact: NY, history: [touch, unsubscribe], touch: { channel: "email" }, at };
    const decision = engine.evaluate(input);
    expect([decision.verdict, decision.stage, decision.reasons.map((r) => r.code)]).toEqual(["deny", "closed", ["final-stage"]]);
    expect(referenceEvaluate(p, input).verdict).toBe("deny");
  });

  it("evaluate: the same type and id twice is one event, the first kept", () => {
    const atMostOne = compile(policy("q", { channels: ["email"], rules: [{ kind: "at-most", count: 2, channels: { kind: "all", word: "touches" }, window: { kind: "calendar", unit: "day" } }] }));
    const redelivered = { ...touch, at: "2026-03-03T08:00:00Z" };
    const decision = atMostOne.evaluate({ contact: NY, history: [touch, { ...touch, at: "2026-03-03T09:00:00Z" }, redelivered], touch: { channel: "email" }, at });
    // the second and third share (touch, evt-1) with the first: only the first counts, on another day
    expect(decision.verdict).toBe("allow");
    const distinct = atMostOne.evaluate({
      contact: NY,
      history: [{ ...touch, at: "2026-03-03T08:00:00Z", id: "a" }, { ...touch, at: "2026-03-03T09:00:00Z", id: "b" }],
      touch: { channel: "email" },
      at,
    });
    expect(distinct.verdict).toBe("defer");
  });

  it("step: an unsubscribe stepped after a touch of the same id is applied (was: the same snapshot returned)", () => {
    let s = engine.start(NY, "2026-03-01T00:00:00Z");
    s = engine.step(s, touch);
    const after = engine.step(s, unsubscribe);
    expect(after).not.toBe(s);
    const decision = engine.decide(after, { channel: "email" }, at);
    expect([decision.verdict, decision.stage]).toEqual(["deny", "closed"]);
  });

  it("step: a redelivered event of the same type and id is still ignored", () => {
    const s = engine.step(engine.start(NY, "2026-03-01T00:00:00Z"), touch);
    expect(engine.step(s, { ...touch })).toBe(s);
  });

  it("the snapshot remembers the last ids with their types, bounded, as plain JSON", () => {
    let s = engine.start(NY, "2026-03-01T00:00:00Z");
    for (let i = 0; i < RECENT_IDS + 50; i++) {
      const when = new Date(Date.UTC(2026, 2, 2) + i * 60_000).toISOString();
      s = engine.step(s, { type: "touch", channel: "email", at: when, id: `e${i}` });
    }
    expect(s.format).toBe(SNAPSHOT_FORMAT);
    const recent = s.recent as [string, string][];
    expect(recent.length).toBe(RECENT_IDS);
    expect(recent[0]).toEqual(["touch", "e50"]);
    expect(recent[RECENT_IDS - 1]).toEqual(["touch", `e${RECENT_IDS + 49}`]);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it("a snapshot of the former format, whose ids carry no type, is refused as stale", () => {
    const s = engine.step(engine.start(NY, "2026-03-01T00:00:00Z"), touch) as unknown as Record<string, unknown>;
    const old = { ...s, format: "heed-snapshot/2", recentIds: ["evt-1"] } as unknown as Snapshot;
    let error: unknown;
    try {
      engine.step(old, unsubscribe);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HeedInputError);
    expect([(error as HeedInputError).code, (error as HeedInputError).field]).toEqual(["stale-snapshot", "snapshot.format"]);
  });
});
