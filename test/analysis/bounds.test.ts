/**
 * Pursuit bounds against an independent eager sender: for every signal
 * pattern the analysis explored, a sender that decides with the reference
 * interpreter (`test/reference/interpreter.ts`, which shares no rule code
 * with the engine) sends whenever a touch is allowed; the most touches it
 * gets in any 7 and any 30 days, per stage and in all, never exceed the
 * bounds and reach them. The reference replays the whole history at every
 * question, so the explored space here is one starting day (Monday, at
 * midnight and each time of day the policy names) and a 31-day horizon, on
 * every example with a bound (the two overlays have none; the inbound
 * example has a file of its own, `bounds-inbound.test.ts`).
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import type { Policy } from "../../src/ast.js";
import { pursuitBounds } from "../../src/analysis/bounds.js";
import { analyzePolicy } from "../../src/analysis/lint.js";
import { parsePolicy } from "../../src/parser/index.js";
import { checkBounds } from "./eager-sender.js";

const EXAMPLES = join(import.meta.dirname, "..", "..", "examples");

function load(text: string): Policy {
  const { policy, diagnostics } = parsePolicy(text, { file: "p.heed" });
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return policy!;
}

describe("pursuit bounds", () => {
  it.each(["analyst-call.heed", "appointment-setter.heed", "content-reader.heed", "donor.heed", "existing-customer.heed"])(
    "%s: an independent eager sender never exceeds the bounds and reaches them",
    (file) => checkBounds(load(readFileSync(join(EXAMPLES, file), "utf8")), file, { startDays: 1, horizonDays: 31 }),
    300_000,
  );

  it("finds the bounds of the inbound example's stages, reached in a reply's stage as in the start's", () => {
    const bounds = pursuitBounds(load(readFileSync(join(EXAMPLES, "inbound.heed"), "utf8")));
    const byStage = Object.fromEntries(bounds.stages.map((s) => [s.stage, [s.week, s.month]]));
    // two business days between touches: Monday, Wednesday, Friday; 12 in 30 days of 24 hours across the spring daylight-saving change
    expect(byStage).toEqual({ prospecting: [3, 12], nurture: [1, 3], engaged: [3, 12], "email-only": [3, 12], closed: [0, 0] });
    expect([bounds.week, bounds.month]).toEqual([3, 12]);
    expect(bounds.stages.find((s) => s.stage === "engaged")?.path).toEqual(["on reply"]);
  }, 120_000);

  it("warns `unbounded-pursuit` for a stage a reply leads to with no limit, naming the way there", () => {
    const policy = load(`cadence "eager" {
  timezone from contact.timezone else "UTC"
  channels email, call
  start stage prospecting {
    allow email
    at most 1 email per 7 days
    on reply move to engaged
  }
  stage engaged {
    allow email, call
    at most 2 emails per 7 days
  }
}
`);
    const warnings = analyzePolicy(policy).filter((d) => d.code === "unbounded-pursuit");
    expect(warnings.map((d) => [d.message, d.span?.line])).toEqual([
      ["nothing limits how often any contact is touched on `call` in `engaged` (reached by `on reply`): a sender can touch a contact there without end", 9],
    ]);
    const bounds = pursuitBounds(policy);
    expect(bounds.stages.map((s) => [s.stage, s.week, s.month, s.unbounded])).toEqual([
      ["prospecting", 1, 5, []],
      ["engaged", null, null, ["call"]],
    ]);
    expect([bounds.week, bounds.month]).toEqual([null, null]);
  });

  it("does not warn for a stage no transition leads to, and bounds the policy by the stages a contact can reach", () => {
    const policy = load(`cadence "capped" {
  timezone from contact.timezone else "UTC"
  channels email
  start stage a {
    allow email
    at least 1 day between touches
  }
  stage lonely {
    allow email
  }
}
`);
    expect(analyzePolicy(policy).filter((d) => d.code === "unbounded-pursuit")).toEqual([]);
    const bounds = pursuitBounds(policy);
    expect(bounds.stages.map((s) => [s.stage, s.reachable, s.week, s.month])).toEqual([
      ["a", true, 7, 30],
      ["lonely", false, null, null],
    ]);
    expect([bounds.week, bounds.month]).toEqual([7, 30]);
  });

  it("a limit across an account bounds the contact's own touches: no `unbounded-pursuit`, and the cap is the bound, as the eager sender finds", () => {
    const policy = load(`cadence "team" {
  timezone from contact.timezone else "UTC"
  channels email, call
  at most 3 touches per week across account
  at most 10 touches per 30 days across account
}
`);
    expect(analyzePolicy(policy).filter((d) => d.code === "unbounded-pursuit")).toEqual([]);
    const bounds = pursuitBounds(policy, { startDays: 1, horizonDays: 31 });
    expect([bounds.week, bounds.month]).toEqual([3, 10]);
    expect(bounds.explored.account).toMatch(/^none: touches to the account's other contacts only lower/);
    checkBounds(policy, "team", { startDays: 1, horizonDays: 31 });
  });

  it("holiday calendars: the bound is the larger of the fallback region's and a calendar without holidays, which no region exceeds", () => {
    const policy = load(`cadence "weekdays" {
  timezone from contact.timezone else "America/New_York"
  channels email
  holidays from contact.country else "US"
  only business days
  at most 1 touches per day
}
`);
    const bounds = pursuitBounds(policy, { startDays: 1, horizonDays: 31 });
    // 2026-01-05 to 2026-02-03: 22 weekdays, 21 under the US calendar (Martin Luther King Jr. Day, 2026-01-19)
    expect([bounds.week, bounds.month]).toEqual([5, 22]);
    expect(bounds.explored.calendars).toEqual(["`US` (the fallback of `holidays from contact.country`)", "no holidays: weekends only (no region's calendar leaves more business days)"]);
    checkBounds(policy, "weekdays", { startDays: 1, horizonDays: 31 });
  });
});
