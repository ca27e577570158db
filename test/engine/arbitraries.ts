/**
 * Generators for the engine's property tests: small random policies (every
 * rule and transition form, built as AST without the parser), contacts and
 * histories around a fixed start instant.
 */

import fc from "fast-check";

import type { ChannelSet, Duration, Expr, Policy, Rule, Stage, Transition, Window } from "../../src/ast.js";
import { validatePolicy } from "../../src/checks/index.js";
import type { Contact, HistoryEvent } from "../../src/model.js";

export const CHANNELS = ["email", "call", "sms"] as const;
export const SIGNALS = ["reply", "meeting_booked", "content_download", "open", "purchase"] as const;
export const START_MS = Date.parse("2026-03-02T00:00:00Z");
export const ZONES = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "UTC"] as const;

const MINUTE = 60_000;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

const channelList = fc.subarray([...CHANNELS], { minLength: 1 });

export const channelSet: fc.Arbitrary<ChannelSet> = fc.oneof(
  fc.constant<ChannelSet>({ kind: "all", word: "touches" }),
  channelList.map((cs): ChannelSet => ({ kind: "list", channels: cs.map((name) => ({ name })) })),
);

export const duration: fc.Arbitrary<Duration> = fc.oneof(
  fc.integer({ min: 1, max: 240 }).map((amount): Duration => ({ kind: "duration", amount, unit: "minutes" })),
  fc.integer({ min: 1, max: 48 }).map((amount): Duration => ({ kind: "duration", amount, unit: "hours" })),
  fc.integer({ min: 1, max: 4 }).map((amount): Duration => ({ kind: "duration", amount, unit: "days" })),
  fc.constant<Duration>({ kind: "duration", amount: 1, unit: "weeks" }),
  fc.integer({ min: 1, max: 3 }).map((amount): Duration => ({ kind: "duration", amount, unit: "business-days" })),
);

/** Durations without business days (for rolling windows and checks that need no zone). */
export const fixedDuration = duration.filter((d) => d.unit !== "business-days");

const window: fc.Arbitrary<Window> = fc.oneof(
  fc.constantFrom<Window>({ kind: "calendar", unit: "day" }, { kind: "calendar", unit: "week" }),
  fixedDuration.map((d): Window => ({ kind: "rolling", amount: d.amount, unit: d.unit as Exclude<Duration["unit"], "business-days"> })),
);

const timeOfDay = fc.record({ hour: fc.integer({ min: 0, max: 23 }), minute: fc.constantFrom(0, 30) });

const signalWhere: fc.Arbitrary<Expr | undefined> = fc.constantFrom<Expr | undefined>(
  undefined,
  { kind: "compare", op: "==", left: { kind: "path", segments: ["sentiment"] }, right: { kind: "literal", value: "positive" } },
  { kind: "compare", op: "!=", left: { kind: "path", segments: ["sentiment"] }, right: { kind: "literal", value: "negative" } },
);

const condition: fc.Arbitrary<Expr> = fc.constantFrom<Expr>(
  // facts about the history (spec section 8.2)
  { kind: "seen", signal: { name: "reply" }, where: { kind: "compare", op: "!=", left: { kind: "path", segments: ["sentiment"] }, right: { kind: "literal", value: "negative" } } },
  { kind: "compare", op: ">=", left: { kind: "count", signal: { name: "open" } }, right: { kind: "literal", value: 2 } },
  { kind: "compare", op: "==", left: { kind: "last", signal: { name: "reply" }, prop: ["sentiment"] }, right: { kind: "literal", value: "negative" } },
  { kind: "compare", op: ">", left: { kind: "touches", channels: { kind: "list", channels: [{ name: "email" }] } }, right: { kind: "literal", value: 0 } },
  { kind: "compare", op: "<", left: { kind: "total_touches", channels: { kind: "list", channels: [{ name: "call" }, { name: "sms" }] } }, right: { kind: "literal", value: 2 } },
  { kind: "compare", op: "<", left: { kind: "path", segments: ["time_in_stage"] }, right: { kind: "duration", amount: 2, unit: "days" } },
  { kind: "compare", op: "==", left: { kind: "path", segments: ["contact", "attributes", "vip"] }, right: { kind: "literal", value: true } },
  { kind: "compare", op: ">=", left: { kind: "path", segments: ["total_touches"] }, right: { kind: "literal", value: 2 } },
  { kind: "compare", op: ">", left: { kind: "path", segments: ["touches"] }, right: { kind: "literal", value: 0 } },
  { kind: "compare", op: "==", left: { kind: "path", segments: ["touch", "campaign"] }, right: { kind: "literal", value: "acquisition" } },
  { kind: "in", negated: false, left: { kind: "path", segments: ["contact", "attributes", "role"] }, right: { kind: "list", items: [{ kind: "literal", value: "analyst" }] } },
);

/** Only conditions over the contact and counters (for `when` transitions, which see no touch). */
const stateCondition = condition.filter((e) => !JSON.stringify(e).includes('"touch"'));

const signal = fc.constantFrom(...SIGNALS);

function withWhere<T extends Rule>(rule: T, where: Expr | undefined): T {
  return where ? { ...rule, where } : rule;
}

/** Every rule form, without a condition. */
const plainRule: fc.Arbitrary<Rule> = fc.oneof(
  fc.tuple(channelSet, signal, signalWhere).map(([channels, s, where]): Rule => withWhere({ kind: "never-without", channels, signal: { name: s } }, where)),
  fc.tuple(channelSet, signal, signalWhere).map(([channels, s, where]): Rule => withWhere({ kind: "never-after", channels, signal: { name: s } }, where)),
  fc
    .tuple(channelSet, duration, signal, signalWhere)
    .map(([channels, d, s, where]): Rule => withWhere({ kind: "never-within", channels, duration: d, signal: { name: s } }, where)),
  fc
    .tuple(channelSet, condition, fc.boolean())
    .map(([channels, when, tagged]): Rule => ({ kind: "never-when", channels, when, ...(tagged ? { tagged: { value: "meeting-ask" } } : {}) })),
  fc
    .tuple(fc.integer({ min: 1, max: 3 }), channelSet, window, fc.boolean())
    .map(([count, channels, w, by]): Rule => ({ kind: "at-most", count, channels, window: w, ...(by ? { by: { name: "campaign" } } : {}) })),
  fc.tuple(fc.integer({ min: 1, max: 3 }), channelSet, window).map(([count, channels, w]): Rule => ({ kind: "at-most-account", count, channels, window: w })),
  fc.tuple(duration, channelSet).map(([d, channels]): Rule => ({ kind: "at-least", duration: d, channels })),
  fc
    .tuple(timeOfDay, timeOfDay, fc.option(channelSet, { nil: undefined }))
    .map(([start, end, channels]): Rule => ({ kind: "quiet-hours", start, end, ...(channels ? { channels } : {}) })),
  fc.option(channelSet, { nil: undefined }).map((channels): Rule => ({ kind: "only-business-days", ...(channels ? { channels } : {}) })),
);

/** Every rule form, some applying only `when` or `unless` a condition holds (spec section 8.3). */
export const rule: fc.Arbitrary<Rule> = fc
  .tuple(plainRule, fc.constantFrom(undefined, undefined, "when" as const, "unless" as const), condition)
  .map(([r, word, c]): Rule => (word === undefined ? r : r.kind === "never-when" ? { ...r, when: undefined, [word]: c } : { ...r, [word]: c }));

/** Every transition form, towards one of `targets`. */
function transition(targets: readonly string[]): fc.Arbitrary<Transition> {
  const target = fc.constantFrom(...targets).map((name) => ({ name }));
  return fc.oneof(
    fc.tuple(fc.integer({ min: 1, max: 3 }), target).map(([count, t]): Transition => ({ trigger: { kind: "ignored", count }, target: t })),
    fc.tuple(fc.integer({ min: 1, max: 3 }), target).map(([count, t]): Transition => ({ trigger: { kind: "touches", count }, target: t })),
    fc.tuple(duration, target).map(([d, t]): Transition => ({ trigger: { kind: "elapsed", duration: d }, target: t })),
    fc
      .tuple(signal, signalWhere, target)
      .map(([s, where, t]): Transition => ({ trigger: { kind: "signal", signal: { name: s }, ...(where ? { where } : {}) }, target: t })),
    fc.tuple(stateCondition, target).map(([condition, t]): Transition => ({ trigger: { kind: "when", condition }, target: t })),
  );
}

export interface PolicyShape {
  /** Add a final stage `closed` and `on unsubscribe move to closed`. */
  withClosed?: boolean;
  /** Restrict policy-wide rules to these kinds. */
  ruleKinds?: readonly Rule["kind"][];
}

/** A small random policy that passes validation. */
export function policyArbitrary(shape: PolicyShape = {}): fc.Arbitrary<Policy> {
  const policyRule = shape.ruleKinds ? rule.filter((x) => shape.ruleKinds!.includes(x.kind)) : rule;
  return fc
    .integer({ min: 0, max: 3 })
    .chain((stageCount) => {
      const names = Array.from({ length: stageCount }, (_, i) => `s${i}`);
      const targets = shape.withClosed ? [...names, "closed"] : names;
      const stageArb = (name: string, i: number): fc.Arbitrary<Stage> =>
        fc
          .record({
            allow: fc.option(channelList, { nil: undefined }),
            rules: fc.array(rule, { maxLength: 2 }),
            transitions: targets.length > 0 ? fc.array(transition(targets), { maxLength: 2 }) : fc.constant<Transition[]>([]),
          })
          .map(({ allow, rules, transitions }) => ({
            name: { name },
            start: i === 0,
            final: false,
            ...(allow ? { allow: { kind: "list" as const, channels: allow.map((n) => ({ name: n })) } } : {}),
            rules,
            transitions,
          }));
      return fc.record({
        stages: fc.tuple(...names.map(stageArb)),
        rules: fc.array(policyRule, { maxLength: 3 }),
        transitions: targets.length > 0 ? fc.array(transition(targets), { maxLength: 2 }) : fc.constant<Transition[]>([]),
        fallback: fc.constantFrom<string | undefined>(undefined, "America/New_York"),
        ignoreWindow: fc.option(duration, { nil: undefined }),
        holidays: fc.constantFrom<string[]>([], ["2026-03-04", "2026-03-10"]),
        engagement: fc.constantFrom<string[] | undefined>(undefined, ["reply", "meeting_booked"]),
        // `holidays from contact.country [else "CODE"]`: regions with public holidays in the weeks generated
        // (one policy in three: an engine compiled afresh looks its regions' holidays up afresh)
        region: fc.constantFrom<"none" | "no fallback" | (typeof REGIONS)[number]>("none", "none", "none", "none", "none", "none", "no fallback", ...REGIONS),
      });
    })
    .map(({ stages, rules, transitions, fallback, ignoreWindow, holidays, engagement, region }): Policy => {
      const allStages: Stage[] = [...stages];
      const allTransitions = [...transitions];
      if (shape.withClosed) {
        // First in every stage: a `when` transition tried earlier would otherwise take the event (first match fires).
        const unsubscribe: Transition = { trigger: { kind: "signal", signal: { name: "unsubscribe" } }, target: { name: "closed" } };
        if (allStages.length === 0) allStages.push({ name: { name: "s0" }, start: true, final: false, rules: [], transitions: [] });
        for (let i = 0; i < allStages.length; i++) {
          allStages[i] = { ...allStages[i]!, transitions: [unsubscribe, ...allStages[i]!.transitions] };
        }
        allStages.push({ name: { name: "closed" }, start: false, final: true, rules: [], transitions: [] });
        allTransitions.unshift(unsubscribe);
      }
      return {
        name: { value: "generated" },
        ...(fallback ? { timezone: { from: { kind: "path", segments: ["contact", "timezone"] }, fallback: { value: fallback } } } : {}),
        channels: CHANNELS.map((name) => ({ name })),
        ...(engagement ? { engagement: engagement.map((name) => ({ name })) } : {}),
        ...(ignoreWindow ? { ignoreWindow } : {}),
        holidays: holidays.map((date) => ({ date })),
        ...(region === "none"
          ? {}
          : { holidaysFrom: { from: { kind: "path", segments: ["contact", "country"] }, ...(region === "no fallback" ? {} : { fallback: { value: region } }) } }),
        stages: allStages,
        transitions: allStages.length > 0 ? allTransitions : [],
        rules,
      };
    })
    .filter((p) => !validatePolicy(p).some((d) => d.severity === "error"));
}

/**
 * Holiday regions with public holidays in the weeks generated (from Monday
 * 2026-03-02): St Patrick's Day (Ireland), Good Friday and Easter Monday
 * (Ireland, England).
 */
export const REGIONS = ["IE", "GB-ENG", "US-MA"] as const;

/** A contact in one of a few zones, or without one; in a holiday region, or without one. */
export const contactArbitrary: fc.Arbitrary<Contact> = fc
  .record({
    zone: fc.constantFrom<string | undefined>(...ZONES, undefined),
    vip: fc.boolean(),
    role: fc.constantFrom("analyst", "buyer"),
    country: fc.constantFrom<string | undefined>(undefined, ...REGIONS),
  })
  .map(({ zone, vip, role, country }) => ({ id: "c1", ...(zone ? { timezone: zone } : {}), attributes: { vip, role, ...(country ? { country } : {}) } }));

/** One history event at a quarter-hour within `days` of the start (so instants often coincide). */
export function eventArbitrary(days: number): fc.Arbitrary<HistoryEvent> {
  const at = fc.integer({ min: 0, max: days * 96 }).map((q) => iso(START_MS + q * 15 * MINUTE));
  const id = fc.option(fc.constantFrom("a", "b", "c", "d", "e", "f", "g", "h"), { nil: undefined });
  return fc.oneof(
    fc
      .record({ at, id, channel: fc.constantFrom(...CHANNELS), tagged: fc.boolean(), campaign: fc.constantFrom(undefined, "acquisition", "renewal") })
      .map(({ at: when, id: i, channel, tagged, campaign }): HistoryEvent => ({
        type: "touch",
        at: when,
        channel,
        ...(i ? { id: `t-${i}` } : {}),
        ...(tagged ? { tags: ["meeting-ask"] } : {}),
        ...(campaign === undefined ? {} : { campaign }),
      })),
    fc
      .record({ at, id, type: fc.constantFrom(...SIGNALS), sentiment: fc.constantFrom("positive", "negative", "neutral"), auto: fc.boolean() })
      .map(({ at: when, id: i, type, sentiment, auto }): HistoryEvent => ({
        type,
        at: when,
        ...(i ? { id: `s-${i}` } : {}),
        ...(type === "reply" ? { sentiment, ...(auto ? { auto: true } : {}) } : {}),
      })),
  );
}

export const historyArbitrary: fc.Arbitrary<HistoryEvent[]> = fc.array(eventArbitrary(20), { maxLength: 10 });

/** An evaluation instant within three weeks of the start, on a five-minute grid. */
export const atArbitrary: fc.Arbitrary<string> = fc.integer({ min: 0, max: 21 * 288 }).map((k) => iso(START_MS + k * 5 * MINUTE));

export const touchArbitrary = fc
  .record({ channel: fc.constantFrom(...CHANNELS), tagged: fc.boolean(), acquisition: fc.boolean() })
  .map(({ channel, tagged, acquisition }) => ({
    channel,
    ...(tagged ? { tags: ["meeting-ask"] } : {}),
    ...(acquisition ? { campaign: "acquisition" } : {}),
  }));
