import fc from "fast-check";
import { describe, expect, it } from "vitest";

import type { Policy } from "../../src/ast.js";
import { compile } from "../../src/engine/index.js";
import { referenceEvaluate, referenceEvaluateSet } from "./interpreter.js";
import { validatePolicy } from "../../src/checks/index.js";
import type { Decision, EvaluateInput } from "../../src/model.js";
import { contactArbitrary, historyArbitrary } from "../../src/testing.js";
import { CHANNELS, REGIONS, SIGNALS, policyArbitrary } from "./arbitraries.js";

const START = "2026-03-02T00:00:00Z";

/** What a user sees of a decision: verdict, stage, notBefore, the rules, codes and policies of the reasons, alternatives. */
function visible(d: Decision): unknown {
  return {
    verdict: d.verdict,
    stage: d.stage,
    notBefore: d.notBefore,
    reasons: d.reasons.map((r) => `${r.policy === undefined ? "" : `${r.policy}:`}${r.rule} ${r.code}`).sort(),
    alternatives: d.alternatives ?? [],
    policies: d.policies,
  };
}

const inputArbitrary: fc.Arbitrary<EvaluateInput> = fc.constantFrom(1, 60, 1440).chain((step) => fc
  .record({
    contact: contactArbitrary({
      zones: ["America/New_York", "Europe/London", "Australia/Lord_Howe", "UTC"],
      withoutZone: true,
      attributes: { vip: [true, false], role: ["analyst", "buyer"], country: [...REGIONS] },
    }),
    history: historyArbitrary({
      channels: [...CHANNELS],
      signals: SIGNALS.map((type) =>
        type === "reply" ? { type, props: { sentiment: ["positive", "negative", "neutral"], prefers: ["email", "call"] } } : { type },
      ),
      start: START,
      spanDays: 30,
      maxEvents: 10,
      tags: ["meeting-ask"],
      // on an hour or day grid, events often fall exactly on timers and window ends
      stepMinutes: step,
    }),
    // the touches sent to the account's other contacts (signals among them are ignored), on some inputs
    account: fc.option(
      historyArbitrary({ channels: [...CHANNELS], signals: [{ type: "reply" }], start: START, spanDays: 30, maxEvents: 8, stepMinutes: step }),
      { nil: undefined },
    ),
    atMinute: fc.integer({ min: 0, max: Math.floor((35 * 1440) / step) }).map((n) => n * step),
    channel: fc.constantFrom(...CHANNELS, "fax"),
    tags: fc.constantFrom<string[]>([], ["meeting-ask"]),
    campaign: fc.constantFrom(undefined, "acquisition"),
    // the campaigns of the history's touches, for `at most ... by campaign` (some lack one)
    campaigns: fc.array(fc.constantFrom(undefined, "acquisition", "renewal"), { minLength: 1, maxLength: 4 }),
  })
  .map(({ contact, history: given, account, atMinute, channel, tags, campaign, campaigns }) => {
    const history = given.map((e, i) => {
      const c = campaigns[i % campaigns.length];
      return e.type === "touch" && c !== undefined ? { ...e, campaign: c } : e;
    });
    const touch: EvaluateInput["touch"] = { channel };
    if (tags.length > 0) touch.tags = tags;
    if (campaign !== undefined) touch.campaign = campaign;
    const input: EvaluateInput = { contact, history, touch, at: new Date(Date.parse(START) + atMinute * 60_000).toISOString() };
    if (account !== undefined) input.account = account;
    return input;
  }));

const validPolicy = policyArbitrary.filter((p) => !validatePolicy(p).some((d) => d.severity === "error"));

function agree(policy: Policy, input: EvaluateInput): void {
  const engine = compile(policy);
  expect(visible(engine.evaluate(input))).toEqual(visible(referenceEvaluate(policy, input)));
}

/** About three thousand policy/input pairs in the suite (each run draws 1 to 3 inputs); `HEED_REFERENCE_RUNS=20000` for a heavier run. */
const RUNS = Number(process.env.HEED_REFERENCE_RUNS ?? 1500);

describe("the engine agrees with the reference interpreter", () => {
  it("gives the same verdict, stage, notBefore, reasons and alternatives on generated policies and histories", () => {
    fc.assert(
      fc.property(validPolicy, fc.array(inputArbitrary, { minLength: 1, maxLength: 3 }), (policy, inputs) => {
        for (const input of inputs) agree(policy, input);
      }),
      { numRuns: RUNS, seed: process.env.HEED_REFERENCE_SEED ? Number(process.env.HEED_REFERENCE_SEED) : undefined },
    );
  }, 600_000);
});

describe("on policy sets, the engine agrees with the reference interpreter", () => {
  it("gives the same combined decision and each policy's own for two generated policies", () => {
    const named = (policy: Policy, value: string): Policy => ({ ...policy, name: { value } });
    fc.assert(
      fc.property(validPolicy, validPolicy, fc.array(inputArbitrary, { minLength: 1, maxLength: 2 }), (a, b, inputs) => {
        const policies = [named(a, "first"), named(b, "second")];
        const engine = compile(policies);
        for (const input of inputs) expect(visible(engine.evaluate(input))).toEqual(visible(referenceEvaluateSet(policies, input)));
      }),
      { numRuns: Math.ceil(RUNS / 4) },
    );
  }, 600_000);
});

// Shrunk counterexamples found while writing the reference, kept as regression cases.
const name = (n: string) => ({ name: n });
const stage = (n: string, extra: Partial<Policy["stages"][number]> = {}): Policy["stages"][number] => ({
  name: name(n),
  start: n === "s0",
  final: false,
  rules: [],
  transitions: [],
  ...extra,
});
const base = (extra: Partial<Policy>): Policy => ({
  name: { value: "generated" },
  channels: CHANNELS.map(name),
  stages: [],
  transitions: [],
  rules: [],
  ...extra,
});

describe("regressions of the differential test", () => {
  it("a per-day limit across account needs the zone only: a contact without a holiday region is limited, not denied", () => {
    const policy = base({
      stages: [
        stage("s0", { transitions: [{ trigger: { kind: "touches", count: 1 }, target: name("s1") }] }),
        stage("s1", { rules: [{ kind: "at-most-account", channels: { kind: "all", word: "any" }, count: 1, window: { kind: "calendar", unit: "day" } }] }),
      ],
      holidaysFrom: { from: { kind: "path", segments: ["contact", "country"] } },
    } as Partial<Policy>);
    const input = {
      contact: { id: "c", timezone: "America/New_York" },
      history: [{ type: "touch", at: "2026-03-02T00:00:00Z", channel: "email", id: "ev0" }],
      touch: { channel: "email" },
      at: "2026-03-02T00:00:00.000Z",
    };
    expect(compile(policy).evaluate(input)).toMatchObject({ verdict: "defer", notBefore: "2026-03-02T05:00:00Z", stage: "s1" });
    agree(policy, input);
  });

  it("a contact without history re-enters at notBefore, so a later timer does not turn the wait into a stage change", () => {
    const policy = base({
      stages: [stage("s0"), stage("s1"), stage("s2", { final: true })],
      transitions: [{ trigger: { kind: "elapsed", duration: { kind: "duration", amount: 1, unit: "hours" } }, target: name("s2") }],
      rules: [{ kind: "quiet-hours", start: { hour: 1, minute: 0 }, end: { hour: 0, minute: 0 } }],
    });
    const input = { contact: { id: "c", timezone: "America/New_York" }, history: [], touch: { channel: "email" }, at: "2026-03-02T00:00:00Z" };
    const decision = compile(policy).evaluate(input);
    expect(decision).toMatchObject({ verdict: "defer", notBefore: "2026-03-02T05:00:00Z", stage: "s0" });
    agree(policy, input);
  });

  it("a business-day ignore window without any zone fails closed where it drives a transition", () => {
    const policy = base({
      stages: [stage("s0"), stage("s1", { transitions: [{ trigger: { kind: "ignored", count: 1 }, target: name("s0") }] })],
      ignoreWindow: { kind: "duration", amount: 1, unit: "business-days" },
    });
    const input = { contact: { id: "c" }, history: [], touch: { channel: "email" }, at: "2026-03-02T00:00:00Z" };
    expect(compile(policy).evaluate(input).verdict).toBe("allow");
    agree(policy, input);
    const everywhere = base({ ...policy, transitions: [{ trigger: { kind: "ignored", count: 1 }, target: name("s0") }] });
    expect(compile(everywhere).evaluate(input)).toMatchObject({ verdict: "deny", reasons: [{ rule: "policy.timezone", code: "unknown-timezone" }] });
    agree(everywhere, input);
  });

  it("an undeclared channel is denied `unknown-channel`, and `only business days` reports `business-days`", () => {
    const policy = base({ stages: [stage("s0"), stage("s1")], rules: [{ kind: "only-business-days" }] });
    const sunday = { contact: { id: "c", timezone: "America/New_York" }, history: [], touch: { channel: "email" }, at: "2026-03-01T15:00:00Z" };
    expect(compile(policy).evaluate(sunday).reasons.map((r) => r.code)).toEqual(["business-days"]);
    agree(policy, sunday);
    const fax = { ...sunday, touch: { channel: "fax" } };
    expect(compile(policy).evaluate(fax).verdict).toBe("deny");
    agree(policy, fax);
  });

  it("a self-transition on `when` re-enters the stage and drops the pending ignore windows", () => {
    const policy = base({
      stages: [stage("s0"), stage("s1")],
      transitions: [
        { trigger: { kind: "ignored", count: 1 }, target: name("s0") },
        { trigger: { kind: "when", condition: { kind: "compare", op: "==", left: { kind: "path", segments: ["touches"] }, right: { kind: "literal", value: 1 } } }, target: name("s1") },
      ],
    });
    const input = {
      contact: { id: "c" },
      history: [
        { type: "touch", at: "2026-03-02T00:00:00Z", channel: "email", id: "ev0" },
        { type: "touch", at: "2026-03-02T00:00:00Z", channel: "email", id: "ev1" },
      ],
      touch: { channel: "email" },
      at: "2026-03-05T00:00:00Z",
    };
    expect(compile(policy).evaluate(input).stage).toBe("s1");
    agree(policy, input);
  });

  it("an event at exactly entry + DURATION is processed in the old stage, before the `after` timer", () => {
    const policy = base({
      stages: [
        stage("s0", {
          transitions: [
            { trigger: { kind: "elapsed", duration: { kind: "duration", amount: 1, unit: "days" } }, target: name("s1") },
            { trigger: { kind: "signal", signal: name("reply") }, target: name("s2") },
          ],
        }),
        stage("s1"),
        stage("s2"),
      ],
    });
    const input = {
      contact: { id: "c", timezone: "UTC" },
      history: [
        { type: "touch", at: "2026-03-02T10:00:00Z", channel: "email" },
        { type: "reply", at: "2026-03-03T10:00:00Z" },
      ],
      touch: { channel: "email" },
      at: "2026-03-03T10:01:00Z",
    };
    expect(compile(policy).evaluate(input).stage).toBe("s2");
    agree(policy, input);
  });
});
