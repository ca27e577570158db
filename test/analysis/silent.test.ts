import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import type { Policy } from "../../src/ast.js";
import { analyzeSilentContact, describeSilentContact } from "../../src/analysis/silent.js";
import { compile } from "../../src/engine/index.js";
import { formatInstant, parseInstant } from "../../src/engine/time.js";
import { validatePolicy } from "../../src/checks/index.js";
import { parsePolicy } from "../../src/parser/index.js";
import { policyArbitrary } from "../reference/arbitraries.js";

const root = join(import.meta.dirname, "..", "..");

function load(text: string, file = "t.heed"): Policy {
  const { policy, diagnostics } = parsePolicy(text, { file });
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return policy!;
}

const inbound = load(readFileSync(join(root, "examples", "inbound.heed"), "utf8"), "inbound.heed");

/**
 * A second, independent simulation through the incremental API: the same
 * eager sender, one snapshot stepped event by event, counting touches by the
 * stage each was decided in.
 */
function simulate(policy: Policy, start: string, zone: string, horizonDays: number) {
  const engine = compile(policy);
  const channels = policy.channels.map((c) => c.name);
  const begin = parseInstant(start)!;
  const end = begin + horizonDays * 86_400_000;
  let snapshot = engine.start({ id: "s", timezone: zone }, start);
  const touches: { at: string; channel: string; stage: string }[] = [];
  let t = begin;
  while (t <= end) {
    const at = formatInstant(t);
    const decisions = channels.map((channel) => ({ channel, d: engine.decide(snapshot, { channel }, at) }));
    const allowed = decisions.find((x) => x.d.verdict === "allow");
    if (allowed) {
      touches.push({ at, channel: allowed.channel, stage: allowed.d.stage });
      snapshot = engine.step(snapshot, { type: "touch", at, channel: allowed.channel });
      continue;
    }
    const waits = decisions.filter((x) => x.d.verdict === "defer").map((x) => parseInstant(x.d.notBefore!)!);
    if (waits.length === 0) break;
    t = Math.min(...waits);
  }
  return { touches, finalStage: engine.decide(snapshot, { channel: channels[0]! }, formatInstant(end)).stage };
}

describe("analyzeSilentContact", () => {
  it("tells in words what a silent contact goes through under the inbound policy", () => {
    const report = analyzeSilentContact(inbound);
    expect(describeSilentContact(report)).toBe(
      "a silent contact gets 3 emails over 5 days in `prospecting`, then 12 emails over 180 days in `nurture`, and ends in `closed` after 185 days",
    );
    expect(report.totalTouches).toBe(15);
    expect(report.finalStage).toBe("closed");
    expect(report.diagnostics).toEqual([]);
  });

  it("counts the same touches, stages and end as a step-by-step simulation with the incremental engine", () => {
    const report = analyzeSilentContact(inbound);
    const direct = simulate(inbound, report.start, report.zone, report.horizonDays);
    expect(report.run.touches).toEqual(direct.touches);
    expect(report.finalStage).toBe(direct.finalStage);
    const byStage = (stage: string) => direct.touches.filter((t) => t.stage === stage).length;
    for (const visit of report.visits) expect(visit.touches).toBe(byStage(visit.stage));
    const nurture = report.visits.find((v) => v.stage === "nurture")!;
    expect(nurture.firstTouch).toBe(direct.touches.find((t) => t.stage === "nurture")!.at);
    expect(nurture.lastTouch).toBe(direct.touches.filter((t) => t.stage === "nurture").at(-1)!.at);
  });

  it("warns `silent-pursuit` when a silent contact is never moved out of an outreach stage", () => {
    const policy = load(`cadence "forever" {\n  timezone from contact.timezone else "UTC"\n  channels email\n  at least 7 days between touches\n}\n`);
    const report = analyzeSilentContact(policy, { horizonDays: 120 });
    expect(report.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["silent-pursuit", "a silent contact is still pursued in `active` after 120 days (18 touches there)"],
    ]);
    expect(describeSilentContact(report)).toBe("a silent contact gets 18 emails over 120 days in `active`, and is still in `active` after 120 days");
  });

  it("warns `silent-pursuit` when a silent contact gets more than the allowed touches within the window", () => {
    const policy = load(`cadence "burst" {
  timezone from contact.timezone else "UTC"
  channels email, call
  start stage a {
    after 20 days move to closed
  }
  final stage closed
  at least 1 day between touches
}
`);
    const report = analyzeSilentContact(policy, { maxSilentTouches: 8, perDays: 30 });
    expect(report.diagnostics.map((d) => d.code)).toEqual(["silent-pursuit"]);
    expect(report.diagnostics[0]!.message).toMatch(/^a silent contact gets 20 touches within 30 days \(from 2026-01-05T09:00:00Z to 2026-01-24T09:00:00Z\), more than 8$/);
    expect(report.diagnostics[0]!.span?.line).toBe(4);
    expect(analyzeSilentContact(policy, { maxSilentTouches: 20 }).diagnostics).toEqual([]);
  });

  it("says so when nothing in the policy holds the sender back, leaving the warning to `unbounded-pursuit`", () => {
    const policy = load(`cadence "open" {\n  channels email\n}\n`);
    const report = analyzeSilentContact(policy);
    expect(report.run.cutShort).toBe(true);
    expect(describeSilentContact(report)).toBe(
      "nothing holds the sender back: a silent contact gets 400 emails in `active` by 2026-01-05T09:00:00Z, when the sender was stopped",
    );
    // a stage no limit bounds is the lint check's `unbounded-pursuit`: said once, there
    expect(report.diagnostics).toEqual([]);
  });

  it("accounts for a touch sent at the instant a timer moves the contact on (regression: found by the property below)", () => {
    // Each touch is allowed two weeks after the last, the instant the `after 2 weeks` timer falls due; the
    // touch is processed before the timer (events before timers at one instant), restarts `s0`, and the
    // contact never reaches `s1`, the stage the decisions name.
    const policy = load(
      'cadence "p" {\n  channels email\n  start stage s0 {\n    after 1 touch move to s0\n    after 2 weeks move to s1\n  }\n  stage s1 { }\n  at least 2 weeks between touches\n}\n',
    );
    const report = analyzeSilentContact(policy, { horizonDays: 60 });
    expect(report.totalTouches).toBe(5);
    expect(report.visits.map((v) => [v.stage, v.touches])).toEqual([
      ["s0", 0],
      ["s0", 2],
      ["s0", 1],
      ["s0", 1],
      ["s0", 1],
      ["s0", 0],
    ]);
  });

  it("accounts for every touch in exactly one stage visit, visits following each other without gaps", () => {
    fc.assert(
      fc.property(policyArbitrary.filter((p) => !validatePolicy(p).some((d) => d.severity === "error")), (policy) => {
        const report = analyzeSilentContact(policy, { horizonDays: 60 });
        expect(report.visits.reduce((n, v) => n + v.touches, 0)).toBe(report.totalTouches);
        report.visits.forEach((v, i) => {
          const next = report.visits[i + 1];
          if (next !== undefined) expect(v.leftAt).toBe(next.enteredAt);
        });
        // a policy whose `when` transitions loop can spend the budget before the horizon
        expect(describeSilentContact(report)).toMatch(/^(a silent contact |nothing holds the sender back: a silent contact |the policy is too large to follow a silent contact )/);
      }),
      { numRuns: 15 },
    );
  }, 120_000);
});
