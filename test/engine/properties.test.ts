import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";

import type { ChannelSet, Expr, Policy, Rule } from "../../src/ast.js";
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

describe("engine properties", () => {
  it("determinism: the same input gives the same decision, JSON byte for byte", () => {
    fc.assert(
      fc.property(policyArbitrary(), inputArbitrary, (policy, input) => {
        const a = JSON.stringify(compile(policy).evaluate(input));
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
        let snapshot = engine.start(input.contact, iso(START_MS));
        for (const event of processed(input.history, input.at)) {
          snapshot = engine.step(JSON.parse(JSON.stringify(snapshot)), event);
        }
        expect(JSON.stringify(engine.decide(snapshot, input.touch, input.at))).toBe(JSON.stringify(engine.evaluate(input)));
      }),
      { numRuns: RUNS },
    );
  });

  it("defer honesty: evaluating again at notBefore with no new events allows", () => {
    fc.assert(
      fc.property(policyArbitrary(), inputArbitrary, (policy, input) => {
        const engine = compile(policy);
        const d = engine.evaluate(input);
        fc.pre(d.verdict === "defer");
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
        const expected = JSON.stringify(engine.evaluate({ ...input, history: unique }));
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
    if (engine.decide(snapshot, { channel }, iso(now)).verdict === "allow") {
      const touch: HistoryEvent = { type: "touch", channel, at: iso(now) };
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

/** Brute-force check of one policy-wide rule over the touches actually sent; returns a description of the first breach. */
function breach(rule: Rule, zone: string | undefined, sent: readonly HistoryEvent[], history: readonly HistoryEvent[]): string | undefined {
  for (const touch of sent) {
    const t = Date.parse(touch.at);
    const channel = touch.channel!;
    switch (rule.kind) {
      case "at-most": {
        if (!covers(rule.channels, channel)) break;
        const same = sent.filter((o) => covers(rule.channels, o.channel!) && Date.parse(o.at) <= t);
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
  it("an eager sender that sends only when allowed never breaks at most, at least, quiet hours, never-without or a final stage", () => {
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
          for (const rule of policy.rules) expect(breach(rule, effectiveZone, sent, history)).toBeUndefined();
          if (unsubscribe) expect(sent.filter((s) => Date.parse(s.at) >= Date.parse(unsubscribe.at))).toEqual([]);
        },
      ),
      { numRuns: Math.max(20, Math.floor(RUNS / 3)) },
    );
  });
});
