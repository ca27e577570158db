import fc from "fast-check";
import { DateTime } from "luxon";
import { HeedInputError } from "../../src/diagnostics.js";
import { describe, expect, it } from "vitest";

import type { ChannelSet, Expr, Fact, Policy, Rule, SignalFact } from "../../src/ast.js";
import { evaluateCondition } from "../../src/engine/conditions.js";
import { compile } from "../../src/engine/index.js";
import type { Contact, EvaluateInput, HistoryEvent } from "../../src/model.js";
import {
  CHANNELS,
  START_MS,
  ZONES,
  atArbitrary,
  contactArbitrary,
  eventArbitrary,
  historyArbitrary,
  iso,
  policyArbitrary,
  touchArbitrary,
} from "./arbitraries.js";

const RUNS = Number(process.env.HEED_PROPERTY_RUNS ?? 120);

const inputArbitrary: fc.Arbitrary<EvaluateInput> = fc
  .record({ contact: contactArbitrary, history: historyArbitrary, touch: touchArbitrary, at: atArbitrary })
  .map((x) => x);

/** The history as the engine processes it: first of each id kept, events after `at` dropped, stably sorted. */
function processed(history: readonly HistoryEvent[], at: string): HistoryEvent[] {
  const seen = new Set<string>();
  const kept: HistoryEvent[] = [];
  for (const e of history) {
    if (e.id !== undefined) {
      // one event per type and id
      const identity = JSON.stringify([e.type, e.id]);
      if (seen.has(identity)) continue;
      seen.add(identity);
    }
    if (Date.parse(e.at) <= Date.parse(at)) kept.push(e);
  }
  return kept.map((e, i) => [e, i] as const).sort((a, b) => Date.parse(a[0].at) - Date.parse(b[0].at) || a[1] - b[1]).map(([e]) => e);
}

/** The decision, or undefined where the engine refuses to pass `after` loops that fire more than its limit. */
function refusingLoops<T>(decide: () => T): T | undefined {
  try {
    return decide();
  } catch (error) {
    if (error instanceof HeedInputError && error.code === "too-many-timers") return undefined;
    throw error;
  }
}

describe("engine properties", () => {
  it("determinism: the same input gives the same decision, JSON byte for byte", () => {
    fc.assert(
      fc.property(policyArbitrary(), inputArbitrary, (policy, input) => {
        const first = refusingLoops(() => compile(policy).evaluate(input));
        fc.pre(first !== undefined);
        const a = JSON.stringify(first);
        const b = JSON.stringify(compile(structuredClone(policy)).evaluate(structuredClone(input)));
        expect(b).toBe(a);
      }),
      { numRuns: RUNS },
    );
  });

  it("incremental: decide over stepped snapshots equals evaluate over the full history", () => {
    fc.assert(
      fc.property(policyArbitrary(), inputArbitrary, (policy, input) => {
        const engine = compile(policy);
        const replayed = refusingLoops(() => engine.evaluate(input));
        fc.pre(replayed !== undefined);
        let snapshot = engine.start(input.contact, iso(START_MS));
        for (const event of processed(input.history, input.at)) {
          snapshot = engine.step(JSON.parse(JSON.stringify(snapshot)), event);
        }
        expect(JSON.stringify(engine.decide(snapshot, input.touch, input.at))).toBe(JSON.stringify(replayed));
      }),
      { numRuns: RUNS },
    );
  });

  it("defer honesty: evaluating again at notBefore with no new events allows", () => {
    fc.assert(
      fc.property(policyArbitrary(), inputArbitrary, (policy, input) => {
        const engine = compile(policy);
        const d = refusingLoops(() => engine.evaluate(input));
        // the engine refuses (a typed `too-many-timers` error) where `after` loops of a minute meet business-day loops
        fc.pre(d !== undefined && d.verdict === "defer");
        // The same events the first decision saw: none is new.
        const history = processed(input.history, input.at);
        const again = engine.evaluate({ ...input, history, at: d.notBefore! });
        expect(again.reasons).toEqual([]);
        expect(again.verdict).toBe("allow");
      }),
      { numRuns: RUNS * 2 },
    );
  }, 120_000);

  it("history order and duplicate ids do not change a decision", () => {
    fc.assert(
      fc.property(policyArbitrary(), inputArbitrary, fc.infiniteStream(fc.nat()), (policy, input, random) => {
        const engine = compile(policy);
        // One event per id (a webhook redelivers the same event, it does not reuse its id).
        const ids = new Set<string>();
        const unique = input.history.filter((e) => e.id === undefined || (!ids.has(e.id) && ids.add(e.id)));
        const decided = refusingLoops(() => engine.evaluate({ ...input, history: unique }));
        fc.pre(decided !== undefined);
        const expected = JSON.stringify(decided);
        // Redeliver every event that has an id, and shuffle everything but the order of events at one instant.
        const redelivered = [...unique, ...unique.filter((e) => e.id !== undefined).map((e) => ({ ...e }))];
        const keys = redelivered.map(() => random.next().value as number);
        const shuffled = redelivered.map((e, i) => ({ e, i, k: keys[i]! }));
        shuffled.sort((a, b) => a.k - b.k || a.i - b.i);
        const byInstant = new Map<string, HistoryEvent[]>();
        for (const e of redelivered) byInstant.set(String(Date.parse(e.at)), [...(byInstant.get(String(Date.parse(e.at))) ?? []), e]);
        const history = shuffled.map(({ e }) => byInstant.get(String(Date.parse(e.at)))!.shift()!);
        expect(JSON.stringify(engine.evaluate({ ...input, history }))).toBe(expected);
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------- safety

const STEP_MS = 2 * 3600_000;
const SIMULATED_STEPS = 10 * 12;

interface Simulation {
  sent: HistoryEvent[];
  history: HistoryEvent[];
}

/** An eager sender: every two hours it proposes a touch and sends it only when allowed. */
function simulate(policy: Policy, contact: Contact, signals: readonly HistoryEvent[], schedule: readonly string[]): Simulation {
  const engine = compile(policy);
  const pending = [...signals].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const history: HistoryEvent[] = [];
  const sent: HistoryEvent[] = [];
  let snapshot = engine.start(contact, iso(START_MS));
  for (let k = 0; k < SIMULATED_STEPS; k++) {
    const now = START_MS + k * STEP_MS;
    while (pending.length > 0 && Date.parse(pending[0]!.at) <= now) {
      const signal = pending.shift()!;
      snapshot = engine.step(snapshot, signal);
      history.push(signal);
    }
    const channel = schedule[k % schedule.length]!;
    // every third touch lacks a campaign (`at most ... by campaign` counts it in a group of its own)
    const campaign = k % 3 === 0 ? undefined : k % 3 === 1 ? "acquisition" : "renewal";
    const props = campaign === undefined ? {} : { campaign };
    if (engine.decide(snapshot, { channel, ...props }, iso(now)).verdict === "allow") {
      const touch: HistoryEvent = { type: "touch", channel, at: iso(now), ...props };
      snapshot = engine.step(snapshot, touch);
      history.push(touch);
      sent.push(touch);
    }
  }
  return { sent, history };
}

function covers(set: ChannelSet | undefined, channel: string): boolean {
  return set === undefined || set.kind === "all" || set.channels.some((c) => c.name === channel);
}

function signalMatches(event: HistoryEvent, signal: string, where: Expr | undefined): boolean {
  const type = event.type === "reply" && event.auto === true ? "auto_reply" : event.type;
  if (type !== signal) return false;
  if (where === undefined) return true;
  if (where.kind !== "compare" || where.right.kind !== "literal") throw new Error("unexpected where in the generator");
  const value = event[(where.left as { readonly segments: readonly string[] }).segments[0]!];
  return where.op === "==" ? value === where.right.value : value !== where.right.value;
}

function local(ms: number, zone: string): DateTime {
  return DateTime.fromMillis(ms, { zone });
}

const FIXED: Record<string, number> = { minutes: 60_000, hours: 3600_000, days: 86_400_000, weeks: 7 * 86_400_000 };

/**
 * Whether a rule's `when` / `unless` holds for a touch sent at `t`, read
 * here from the history itself (facts about signals, `total_touches` of
 * channels, the contact and the touch); undefined when the condition reads
 * what this check does not follow (counters, time in stage, touches in the
 * stage): such a touch is not checked against the rule.
 */
function conditionHolds(rule: Rule, contact: Contact, touch: HistoryEvent, history: readonly HistoryEvent[], sent: readonly HistoryEvent[]): boolean | undefined {
  if (rule.kind === "never-when" || (rule.when === undefined && rule.unless === undefined)) return true;
  const condition = (rule.when ?? rule.unless)!;
  const text = JSON.stringify(condition);
  if (/"segments":\["(touches|total_touches|ignored|time_in_stage)"\]|"kind":"touches"/.test(text)) return undefined;
  const t = Date.parse(touch.at);
  const before = history.filter((e) => Date.parse(e.at) <= t && e !== touch);
  const facts = (fact: Fact): unknown => {
    if (fact.kind === "total_touches") return sent.filter((o) => Date.parse(o.at) < t && covers(fact.channels, o.channel!)).length;
    if (fact.kind === "touches") return undefined;
    const f = fact as SignalFact;
    const matching = before.filter((e) => e.type !== "touch" && signalMatches(e, f.signal.name, f.where));
    if (f.kind === "seen") return matching.length > 0;
    if (f.kind === "count") return matching.length;
    const latest = matching[matching.length - 1];
    return latest === undefined ? undefined : latest[f.prop[0]!];
  };
  const holds = evaluateCondition(condition, { contact, touch: touch as Record<string, unknown>, facts });
  return rule.when !== undefined ? holds : !holds;
}

/** Brute-force check of one policy-wide rule over the touches actually sent; returns a description of the first breach. */
function breach(rule: Rule, zone: string | undefined, sent: readonly HistoryEvent[], history: readonly HistoryEvent[], contact: Contact): string | undefined {
  for (const touch of sent) {
    const t = Date.parse(touch.at);
    const channel = touch.channel!;
    if (conditionHolds(rule, contact, touch, history, sent) !== true) continue;
    switch (rule.kind) {
      case "at-most": {
        if (!covers(rule.channels, channel)) break;
        const by = rule.by?.name;
        const same = sent.filter((o) => covers(rule.channels, o.channel!) && Date.parse(o.at) <= t && (by === undefined || o[by] === touch[by]));
        let inWindow: HistoryEvent[];
        if (rule.window.kind === "rolling") {
          const length = rule.window.amount * FIXED[rule.window.unit]!;
          inWindow = same.filter((o) => Date.parse(o.at) > t - length);
        } else {
          if (zone === undefined) return `touch at ${touch.at} sent without a zone under a calendar window`;
          const key = (ms: number): string =>
            rule.window.kind === "calendar" && rule.window.unit === "day"
              ? local(ms, zone).toISODate()!
              : `${local(ms, zone).weekYear}-${local(ms, zone).weekNumber}`;
          inWindow = same.filter((o) => key(Date.parse(o.at)) === key(t));
        }
        if (inWindow.length > rule.count) return `${inWindow.length} touches in the window of ${touch.at}, at most ${rule.count}`;
        break;
      }
      case "at-least": {
        if (!covers(rule.channels, channel) || rule.duration.unit === "business-days") break;
        const before = sent.filter((o) => covers(rule.channels, o.channel!) && Date.parse(o.at) < t);
        const last = before[before.length - 1];
        if (last && t - Date.parse(last.at) < rule.duration.amount * FIXED[rule.duration.unit]!) return `${touch.at} too soon after ${last.at}`;
        break;
      }
      case "quiet-hours": {
        if (!covers(rule.channels, channel)) break;
        if (zone === undefined) return `touch at ${touch.at} sent without a zone under quiet hours`;
        const minutes = local(t, zone).hour * 60 + local(t, zone).minute;
        const start = rule.start.hour * 60 + rule.start.minute;
        const end = rule.end.hour * 60 + rule.end.minute;
        const quiet = start === end ? false : start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
        if (quiet) return `touch at ${touch.at} in quiet hours`;
        break;
      }
      case "never-without": {
        if (!covers(rule.channels, channel) || rule.tagged) break;
        const seen = history.some((e) => Date.parse(e.at) <= t && signalMatches(e, rule.signal.name, rule.where));
        if (!seen) return `touch at ${touch.at} without \`${rule.signal.name}\``;
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}

const signalsArbitrary = fc.array(eventArbitrary(10), { maxLength: 6 }).map((events) => events.filter((e) => e.type !== "touch"));
const unsubscribeArbitrary = fc.option(
  fc.integer({ min: 0, max: SIMULATED_STEPS * 2 }).map((h): HistoryEvent => ({ type: "unsubscribe", at: iso(START_MS + h * 3600_000) })),
  { nil: undefined },
);

describe("safety", () => {
  it("an eager sender that sends only when allowed never breaks at most (by campaign too), at least, quiet hours, never-without or a final stage, where their when/unless holds", () => {
    fc.assert(
      fc.property(
        policyArbitrary({ withClosed: true, ruleKinds: ["at-most", "at-least", "quiet-hours", "never-without"] }),
        fc.constantFrom<string | undefined>(...ZONES, undefined),
        signalsArbitrary,
        unsubscribeArbitrary,
        fc.array(fc.constantFrom(...CHANNELS), { minLength: 1, maxLength: 4 }),
        (policy, zone, signals, unsubscribe, schedule) => {
          const contact: Contact = { id: "c1", ...(zone ? { timezone: zone } : {}) };
          const all = unsubscribe ? [...signals, unsubscribe] : signals;
          const { sent, history } = simulate(policy, contact, all, schedule);
          const effectiveZone = zone ?? policy.timezone?.fallback?.value;
          for (const rule of policy.rules) expect(breach(rule, effectiveZone, sent, history, contact)).toBeUndefined();
          if (unsubscribe) expect(sent.filter((s) => Date.parse(s.at) >= Date.parse(unsubscribe.at))).toEqual([]);
        },
      ),
      { numRuns: Math.max(20, Math.floor(RUNS / 3)) },
    );
  });
});
