import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { compile } from "../src/engine/index.js";
import { parseInstant } from "../src/engine/time.js";
import { parsePolicy } from "../src/parser/index.js";
import {
  contactArbitrary,
  driveContact,
  drivePersona,
  historyArbitrary,
  persona,
  personaArbitrary,
  SAMPLE_ZONES,
} from "../src/testing.js";

// The way a team would property-test its own policy with `heed/testing`.
const { policy } = parsePolicy(readFileSync(join(import.meta.dirname, "..", "examples", "inbound.heed"), "utf8"), { file: "inbound.heed" });
const engine = compile(policy!);
const CHANNELS = ["calendar-invite", "call", "email", "linkedin", "sms"];
const START = "2026-03-02T14:00:00Z";
const at = (text: string) => parseInstant(text)!;

describe("heed/testing against the inbound policy", () => {
  it("no persona is ever sent a calendar invite before it replied", () => {
    fc.assert(
      fc.property(personaArbitrary(), contactArbitrary({ zones: ["America/New_York", "Europe/Berlin"] }), (who, contact) => {
        const run = driveContact(engine, { contact, persona: who, start: START, channels: CHANNELS, horizonDays: 60 });
        const firstReply = run.history.find((e) => e.type === "reply");
        for (const touch of run.touches.filter((t) => t.channel === "calendar-invite")) {
          expect(firstReply).toBeDefined();
          expect(at(touch.at)).toBeGreaterThanOrEqual(at(firstReply!.at));
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it("a contact who unsubscribes is never touched again", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5000 }), (afterTouch, delay) => {
        const run = drivePersona(engine, persona("unsubscribes", afterTouch, delay), { start: START, channels: CHANNELS, horizonDays: 90, contact: { id: "c", timezone: "America/New_York" } });
        const stop = run.history.find((e) => e.type === "unsubscribe");
        if (stop === undefined) return; // the cadence ended before the contact answered
        expect(run.touches.filter((t) => at(t.at) > at(stop.at))).toEqual([]);
        expect(run.finalStage).toBe("closed");
      }),
      { numRuns: 20 },
    );
  }, 120_000);

  it("a contact who replies negatively while still prospected is never touched again", () => {
    // Only in `prospecting`: in `nurture` the inbound policy's `on reply` moves even a negative reply to `engaged`.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 * 1440 }), (afterTouch, delay) => {
        const run = drivePersona(engine, persona("negative-reply", afterTouch, delay), { start: START, channels: CHANNELS, horizonDays: 90, contact: { id: "c", timezone: "America/New_York" } });
        const reply = run.history.find((e) => e.type === "reply")!;
        expect(run.touches.filter((t) => at(t.at) > at(reply.at))).toEqual([]);
        expect(run.finalStage).toBe("closed");
      }),
      { numRuns: 20 },
    );
  }, 120_000);

  it("a contact who asks for email gets only emails afterwards", () => {
    const run = drivePersona(engine, persona("prefers-email", 1, 30), { start: START, channels: CHANNELS, horizonDays: 30, contact: { id: "c", timezone: "America/New_York" } });
    const asked = at(run.history.find((e) => e.type === "reply")!.at);
    const later = run.touches.filter((t) => at(t.at) > asked);
    expect(later.length).toBeGreaterThan(0);
    expect(new Set(later.map((t) => t.channel))).toEqual(new Set(["email"]));
    expect(later.every((t) => t.stage === "email-only")).toBe(true);
  });
});

describe("the arbitraries", () => {
  it("draw contacts with a known zone, or none when asked", () => {
    for (const c of fc.sample(contactArbitrary({ withoutZone: true, attributes: { role: ["analyst"] } }), 100)) {
      expect(typeof c.id).toBe("string");
      if (c.timezone !== undefined) expect(SAMPLE_ZONES).toContain(c.timezone);
      if (c.attributes !== undefined) expect(c.attributes).toEqual({ role: "analyst" });
    }
  });

  it("draw histories the engine accepts, within the span, with duplicate deliveries sharing an id", () => {
    const arb = historyArbitrary({ channels: ["email", "call"], start: START, spanDays: 10 });
    let duplicates = 0;
    for (const history of fc.sample(arb, 200)) {
      for (const e of history) {
        expect(at(e.at)).toBeGreaterThanOrEqual(at(START));
        expect(at(e.at)).toBeLessThanOrEqual(at(START) + 10 * 86_400_000 + 7 * 60_000);
        if (e.type === "touch") expect(["email", "call"]).toContain(e.channel);
      }
      if (new Set(history.map((e) => e.id)).size < history.length) duplicates++;
      expect(() => engine.evaluate({ contact: { id: "c" }, history, touch: { channel: "email" }, at: "2026-04-01T00:00:00Z" })).not.toThrow();
    }
    expect(duplicates).toBeGreaterThan(0);
  });

  it("draw every persona kind", () => {
    const names = new Set(fc.sample(personaArbitrary(), 300).map((p) => p.name.split(" ")[0]));
    expect(names).toEqual(new Set(["silent", "replies", "unsubscribes", "books", "asks"]));
  });
});
