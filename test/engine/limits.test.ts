import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { HeedInputError, type Diagnostic } from "../../src/diagnostics.js";
import { compile } from "../../src/engine/index.js";
import { addDuration, formatInstant, holidayDays, makeCalendar, parseInstant, ZoneTable, type Calendar } from "../../src/engine/time.js";
import { LIMITS } from "../../src/checks/index.js";
import { parsePolicy } from "../../src/parser/index.js";
import type { EvaluateInput } from "../../src/model.js";

/** Issue 14, item 2: bounded values, checked once, and input the stores accept. */

const RUNS = Number(process.env.HEED_PROPERTY_RUNS ?? 60);

function errors(text: string, format: "dsl" | "yaml" = "dsl"): [string, string, string][] {
  return parsePolicy(text, { format }).diagnostics
    .filter((d: Diagnostic) => d.severity === "error")
    .map((d) => [d.code, `${d.span?.line}:${d.span?.column}`, d.message]);
}

const dsl = (...lines: string[]): string => `cadence "p" {\n  channels email\n${lines.map((l) => `  ${l}\n`).join("")}}\n`;

describe("maxima of durations, windows and counts are checked with the maximum named", () => {
  it("`at least 99999999 days between touches` is refused at check time (was: accepted, then every evaluate threw `RangeError: Invalid time value`)", () => {
    expect(errors(dsl("at least 99999999 days between touches"))).toEqual([
      ["invalid-duration", "3:12", "duration `99999999 days` is too long: at most 36,500 days (100 years)"],
    ]);
  });

  it("`99,999 business days` is refused, naming the maximum", () => {
    expect(errors(dsl("at least 99999 business days between touches"))).toEqual([
      ["invalid-duration", "3:12", "duration `99999 business days` is too long: at most 26,000 business days (100 years)"],
    ]);
  });

  it("every unit has its maximum, in every place a duration is written, in both forms", () => {
    const cases: [string, string][] = [
      ["ignore window 52560001 minutes", "duration `52560001 minutes` is too long: at most 52,560,000 minutes (100 years)"],
      ["never email within 876001 hours of reply", "duration `876001 hours` is too long: at most 876,000 hours (100 years)"],
      ["at least 5215 weeks between touches", "duration `5215 weeks` is too long: at most 5,214 weeks (100 years)"],
      ["at most 1 email per 36501 days", "window `per 36501 days` is too long: at most 36,500 days (100 years)"],
      ["at most 1001 emails per day", "count `1001` is too large: at most 1,000"],
      ["never email when time_in_stage > 36501 days", "duration `36501 days` is too long: at most 36,500 days (100 years)"],
    ];
    for (const [line, message] of cases) expect(errors(dsl(line)).map((e) => e[2]), line).toEqual([message]);
    const staged = `cadence "p" {\n  channels email\n  start stage a {\n    after 1001 touches move to b\n    after 36501 days move to b\n  }\n  final stage b\n}\n`;
    expect(errors(staged)).toEqual([
      ["invalid-count", "4:11", "count `1001` is too large: at most 1,000"],
      ["invalid-duration", "5:11", "duration `36501 days` is too long: at most 36,500 days (100 years)"],
    ]);
    const yaml = "cadence: p\nchannels: [email]\nignoreWindow: 26001 business days\nrules:\n  - atMost: 1001\n    of: email\n    per: day\n";
    expect(errors(yaml, "yaml")).toEqual([
      ["invalid-duration", "3:15", "duration `26001 business days` is too long: at most 26,000 business days (100 years)"],
      ["invalid-count", "5:5", "count `1001` is too large: at most 1,000"],
    ]);
  });

  it("the maxima themselves are accepted, and a policy using all of them decides without throwing", () => {
    const text = [
      `cadence "p" {`,
      `  timezone from contact.timezone else "UTC"`,
      `  channels email`,
      `  ignore window ${LIMITS.businessDays} business days`,
      `  start stage a {`,
      `    allow email`,
      `    at least ${LIMITS.days} days between touches`,
      `    at most ${LIMITS.count} email per ${LIMITS.days} days`,
      `    never email within ${LIMITS.businessDays} business days of reply`,
      `    after ${LIMITS.count} ignored touches move to b`,
      `    after ${LIMITS.days} days move to b`,
      `  }`,
      `  final stage b`,
      `}`,
    ].join("\n");
    const { policy, diagnostics } = parsePolicy(text, { format: "dsl" });
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const engine = compile(policy!);
    const input: EvaluateInput = {
      contact: { id: "c", timezone: "Pacific/Apia" },
      history: [
        { type: "touch", channel: "email", at: "9990-01-01T10:00:00Z" },
        { type: "reply", at: "9990-01-02T10:00:00Z" },
      ],
      touch: { channel: "email" },
      at: "9999-12-31T23:00:00Z",
    };
    const decision = engine.evaluate(input);
    expect([decision.verdict, decision.reasons.map((r) => r.code)]).toEqual(["deny", ["at-least", "never-within", "no-window"]]);
    const early = engine.evaluate({ ...input, history: [{ type: "touch", channel: "email", at: "0001-01-01T10:00:00Z" }], at: "0001-01-02T10:00:00Z" });
    expect([early.verdict, early.reasons.map((r) => r.code)]).toEqual(["deny", ["at-least", "no-window"]]);
  });
});

describe("business days are added in time independent of N", () => {
  /** A calendar of a zone with these holidays, as the compiled engine makes one. */
  const calendarOf = (zone: string, holidays: readonly string[]): Calendar => makeCalendar(new ZoneTable().zone(zone), holidayDays(holidays));
  /** The same sum one business day at a time, from noon (no zone has a gap at noon). */
  function stepwise(ms: number, n: number, cal: Calendar): number {
    let at = ms;
    for (let i = 0; i < n; i++) at = addDuration(at, 1, "business-days", cal);
    return at;
  }
  const zones = ["America/New_York", "Pacific/Apia", "Pacific/Kwajalein", "Pacific/Kiritimati", "Asia/Manila", "Australia/Lord_Howe", "UTC"];

  it("agrees with adding one business day at a time (property: zones that skipped a date, runs of holidays)", () => {
    const day = fc.integer({ min: Date.UTC(1965, 0, 1) / 86_400_000, max: Date.UTC(2030, 11, 31) / 86_400_000 });
    const holidays = fc.array(fc.tuple(day, fc.integer({ min: 1, max: 12 })), { maxLength: 8 }).map((runs) =>
      runs.flatMap(([start, length]) => Array.from({ length }, (_, i) => new Date((start + i) * 86_400_000).toISOString().slice(0, 10))),
    );
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: 3_000 }), fc.constantFrom(...zones), holidays, (start, n, zone, list) => {
        const cal = calendarOf(zone, list);
        const noon = start * 86_400_000 + 12 * 3_600_000;
        expect(formatInstant(addDuration(noon, n, "business-days", cal))).toBe(formatInstant(stepwise(noon, n, cal)));
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it("crosses the dates Kwajalein, Samoa and Kiribati skipped, counting none of them", () => {
    // Kwajalein went back a day in 1969 and skipped Friday 1993-08-20; Samoa skipped Friday 2011-12-30.
    for (const [zone, from] of [
      ["Pacific/Kwajalein", "1968-01-02T12:00:00+11:00"],
      ["Pacific/Apia", "1990-01-02T12:00:00-11:00"],
      ["Pacific/Kiritimati", "1990-01-02T12:00:00-10:00"],
    ] as const) {
      const cal = calendarOf(zone, ["1994-07-04", "2005-12-26"]);
      const ms = parseInstant(from)!;
      expect(formatInstant(addDuration(ms, 9_000, "business-days", cal)), zone).toBe(formatInstant(stepwise(ms, 9_000, cal)));
    }
  }, 120_000);

  it("adds the maximum of business days to an instant near the end of year 9999 without leaving the number range", () => {
    const cal = calendarOf("America/New_York", []);
    const sum = addDuration(parseInstant("9999-12-31T12:00:00Z")!, LIMITS.businessDays, "business-days", cal);
    expect(Number.isFinite(sum)).toBe(true);
    expect(formatInstant(sum)).toMatch(/^\+0100\d\d-/);
  });
});

describe("input the stores refuse is refused alike by the engine, with the field named", () => {
  const engine = compile(parsePolicy(dsl("at most 1 email per day")).policy!);
  const good: EvaluateInput = {
    contact: { id: "c1", timezone: "UTC", attributes: { role: "analyst" } },
    history: [{ type: "touch", channel: "email", at: "2026-03-02T10:00:00Z", id: "e1" }],
    touch: { channel: "email" },
    at: "2026-03-03T10:00:00Z",
  };
  function refusal(change: Partial<Record<keyof EvaluateInput, unknown>>): [string, string, number | undefined] {
    try {
      engine.evaluate({ ...good, ...change } as EvaluateInput);
    } catch (error) {
      if (error instanceof HeedInputError) return [error.code, error.field, error.index];
      throw error;
    }
    throw new Error("expected a HeedInputError");
  }
  const event = (extra: Record<string, unknown>) => ({ history: [{ ...good.history[0]!, ...extra }] });

  it("instants: year 0000, offsets beyond ±15:59, and UTC instants before year 1 (PostgreSQL refuses them)", () => {
    for (const at of ["0000-06-01T10:00:00Z", "2026-03-03T10:00:00+16:00", "2026-03-03T10:00:00-20:00", "2026-03-03T10:00:00+23:59", "0001-01-01T00:30:00+01:00"]) {
      expect(refusal({ at }), at).toEqual(["invalid-time", "at", undefined]);
      expect(refusal(event({ at })), at).toEqual(["invalid-time", "history[0].at", 0]);
    }
    for (const at of ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "2026-03-03T10:00:00+15:59", "2026-03-03T10:00:00-15:59"]) {
      expect(() => engine.evaluate({ ...good, at, history: [] }), at).not.toThrow();
    }
  });

  it("says why an instant out of range is refused", () => {
    expect(() => engine.evaluate({ ...good, at: "2026-03-03T10:00:00+20:00" })).toThrow(
      "`at` is out of range: `2026-03-03T10:00:00+20:00` (instants go from year 0001 to 9999, offsets from -15:59 to +15:59)",
    );
    expect(() => engine.evaluate({ ...good, at: "2026-02-30T10:00:00Z" })).toThrow("`at` is not an ISO-8601 instant with an offset or `Z`: `2026-02-30T10:00:00Z`");
  });

  it("NUL characters and lone surrogates in any string: ids, types, channels, props, attribute names and values", () => {
    for (const bad of ["a\u0000b", "a\ud800", "\udc00x"]) {
      expect(refusal({ contact: { id: bad } })).toEqual(["invalid-contact", "contact.id", undefined]);
      expect(refusal({ contact: { id: "c", attributes: { role: bad } } })).toEqual(["invalid-contact", "contact.attributes.role", undefined]);
      expect(refusal({ contact: { id: "c", attributes: { products: ["a", bad] } } })).toEqual(["invalid-contact", "contact.attributes.products[1]", undefined]);
      expect(refusal({ contact: { id: "c", attributes: { [bad]: 1 } } })[1]).toMatch(/^contact\.attributes\[/);
      expect(refusal(event({ id: bad }))).toEqual(["invalid-event", "history[0].id", 0]);
      expect(refusal(event({ type: bad, channel: undefined }))).toEqual(["invalid-event", "history[0].type", 0]);
      expect(refusal(event({ channel: bad }))).toEqual(["invalid-event", "history[0].channel", 0]);
      expect(refusal(event({ tags: ["x", bad] }))).toEqual(["invalid-event", "history[0].tags[1]", 0]);
      expect(refusal(event({ note: { deep: bad } }))).toEqual(["invalid-event", "history[0].note.deep", 0]);
      expect(refusal({ touch: { channel: "email", campaign: bad } })).toEqual(["invalid-touch", "touch.campaign", undefined]);
      expect(refusal({ touch: { channel: bad } })).toEqual(["invalid-touch", "touch.channel", undefined]);
    }
    expect(() => engine.evaluate({ ...good, contact: { id: "😀 ü" } })).not.toThrow();
  });

  it("values nested deeper than 64 levels, and numbers that are not finite", () => {
    let deep: unknown = "x";
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(refusal({ contact: { id: "c", attributes: { deep } } })).toEqual(["invalid-contact", "contact.attributes.deep", undefined]);
    expect(refusal(event({ meta: deep }))).toEqual(["invalid-event", "history[0].meta", 0]);
    let fine: unknown = "x";
    for (let i = 0; i < 60; i++) fine = { a: fine };
    expect(() => engine.evaluate({ ...good, touch: { channel: "email", fine } })).not.toThrow();
    expect(refusal(event({ score: Number.NaN }))).toEqual(["invalid-event", "history[0].score", 0]);
    expect(refusal({ touch: { channel: "email", score: Infinity } })).toEqual(["invalid-touch", "touch.score", undefined]);
  });

  it("a decision never defers beyond year 9999", () => {
    const late = engine.evaluate({ ...good, history: [{ type: "touch", channel: "email", at: "9999-12-31T23:00:00Z" }], at: "9999-12-31T23:30:00Z" });
    expect([late.verdict, late.reasons.map((r) => r.code)]).toEqual(["deny", ["at-most", "no-window"]]);
  });
});
