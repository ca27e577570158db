/**
 * Generators of small, valid policies (as AST, without the parser) for the
 * differential test of the engine against the reference interpreter.
 */

import fc from "fast-check";

import type {
  ChannelSet,
  Draft,
  Duration,
  Expr,
  Ident,
  Policy,
  Rule,
  Stage,
  Transition,
  Trigger,
  Window,
} from "../../src/ast.js";

export const CHANNELS = ["email", "call", "sms"] as const;
export const SIGNALS = ["reply", "meeting_booked", "unsubscribe", "content_download", "open"] as const;
/**
 * Holiday regions with public holidays in March and April 2026, where the
 * generated histories lie: St Patrick's Day (Ireland), Good Friday and
 * Easter Monday (Ireland, England), Patriots' Day (Massachusetts, April 20).
 */
export const REGIONS = ["IE", "GB-ENG", "US-MA"] as const;

const id = (name: string): Ident => ({ name });

const channelSet: fc.Arbitrary<ChannelSet> = fc.oneof(
  fc.constantFrom<ChannelSet>({ kind: "all", word: "any" }, { kind: "all", word: "touches" }),
  fc.subarray([...CHANNELS], { minLength: 1 }).map((cs): ChannelSet => ({ kind: "list", channels: cs.map(id) })),
);

const duration: fc.Arbitrary<Duration> = fc.oneof(
  fc.integer({ min: 1, max: 90 }).map((amount): Duration => ({ kind: "duration", amount, unit: "minutes" })),
  fc.integer({ min: 1, max: 48 }).map((amount): Duration => ({ kind: "duration", amount, unit: "hours" })),
  fc.integer({ min: 1, max: 5 }).map((amount): Duration => ({ kind: "duration", amount, unit: "days" })),
  fc.integer({ min: 1, max: 2 }).map((amount): Duration => ({ kind: "duration", amount, unit: "weeks" })),
  fc.integer({ min: 1, max: 3 }).map((amount): Duration => ({ kind: "duration", amount, unit: "business-days" })),
);

const longDuration: fc.Arbitrary<Duration> = fc.oneof(
  fc.integer({ min: 1, max: 5 }).map((amount): Duration => ({ kind: "duration", amount, unit: "days" })),
  fc.integer({ min: 1, max: 2 }).map((amount): Duration => ({ kind: "duration", amount, unit: "weeks" })),
  fc.integer({ min: 1, max: 3 }).map((amount): Duration => ({ kind: "duration", amount, unit: "business-days" })),
);

const window: fc.Arbitrary<Window> = fc.oneof(
  fc.constantFrom<Window>({ kind: "calendar", unit: "day" }, { kind: "calendar", unit: "week" }),
  fc.record({
    amount: fc.integer({ min: 1, max: 14 }),
    unit: fc.constantFrom("hours" as const, "days" as const, "weeks" as const, "minutes" as const),
  }).map(({ amount, unit }): Window => ({ kind: "rolling", amount: unit === "minutes" ? amount * 30 : amount, unit })),
);

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
const lit = (value: string | number | boolean) => ({ kind: "literal" as const, value });
const path = (...segments: string[]) => ({ kind: "path" as const, segments });

/** Conditions over the signal's props (for `where`). */
const signalWhere: fc.Arbitrary<Expr> = fc.oneof(
  fc.constantFrom("negative", "positive", "neutral").map((v): Expr => ({ kind: "compare", op: "==", left: path("sentiment"), right: lit(v) })),
  fc.constant<Expr>({ kind: "compare", op: "==", left: path("prefers"), right: lit("email") }),
  fc.constant<Expr>({ kind: "compare", op: "!=", left: path("sentiment"), right: lit("negative") }),
  fc.constant<Expr>({ kind: "exists", path: path("sentiment") }),
  fc.integer({ min: 1, max: 3 }).map((n): Expr => ({ kind: "compare", op: ">=", left: path("touches"), right: lit(n) })),
  fc.constant<Expr>({ kind: "compare", op: "==", left: path("ignored"), right: lit(0) }),
);

/** Facts about the history (spec section 8.2), as conditions. */
const factCondition: fc.Arbitrary<Expr> = fc.oneof(
  fc.record({ signal: fc.constantFrom(...SIGNALS), where: optional(signalWhere) }).map(({ signal: s, where }): Expr => clean({ kind: "seen", signal: id(s), where })),
  fc
    .record({ signal: fc.constantFrom(...SIGNALS), where: optional(signalWhere), n: fc.integer({ min: 0, max: 2 }) })
    .map(({ signal: s, where, n }): Expr => ({ kind: "compare", op: ">", left: clean({ kind: "count", signal: id(s), where }), right: lit(n) })),
  fc.constantFrom("email", "call").map((v): Expr => ({ kind: "compare", op: "==", left: { kind: "last", signal: id("reply"), prop: ["prefers"] }, right: lit(v) })),
  fc.constant<Expr>({ kind: "compare", op: "!=", left: { kind: "last", signal: id("reply"), where: { kind: "exists", path: path("prefers") }, prop: ["prefers"] }, right: lit("call") }),
  fc
    .record({ kind: fc.constantFrom("touches" as const, "total_touches" as const), channels: channelSet, n: fc.integer({ min: 0, max: 2 }) })
    .map(({ kind, channels, n }): Expr => ({ kind: "compare", op: ">=", left: { kind, channels }, right: lit(n) })),
);

/** Conditions over the contact, the touch and the counters. */
const condition: fc.Arbitrary<Expr> = fc.oneof(
  factCondition,
  factCondition.map((c): Expr => ({ kind: "not", expr: c })),
  fc.record({ op: fc.constantFrom("==", ">=", "<", ">") as fc.Arbitrary<"==" | ">=" | "<" | ">">, name: fc.constantFrom("touches", "total_touches", "ignored"), n: fc.integer({ min: 0, max: 4 }) }).map(
    ({ op, name, n }): Expr => ({ kind: "compare", op, left: path(name), right: lit(n) }),
  ),
  fc.constant<Expr>({ kind: "compare", op: "==", left: path("contact", "vip"), right: lit(true) }),
  fc.constant<Expr>({ kind: "compare", op: ">", left: path("time_in_stage"), right: { kind: "duration", amount: 2, unit: "days" } }),
  fc.constant<Expr>({ kind: "in", negated: false, left: path("touch", "campaign"), right: { kind: "list", items: [lit("acquisition")] } }),
  fc.constant<Expr>({ kind: "not", expr: { kind: "exists", path: path("contact", "role") } }),
  // reads the touch's channel: judged per channel when listing alternatives
  fc.constant<Expr>({ kind: "compare", op: "==", left: path("touch", "channel"), right: lit("sms") }),
);

const signal = fc.constantFrom(...SIGNALS).map(id);
const tagged = fc.option(fc.constant({ value: "meeting-ask" }), { nil: undefined, freq: 4 });

function clean<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

const baseRule: fc.Arbitrary<Rule> = fc.oneof(
  fc.record({ channels: channelSet, signal, where: optional(signalWhere), tagged }).map((r): Rule => clean({ kind: "never-without", ...r })),
  fc.record({ channels: channelSet, signal, where: optional(signalWhere), tagged }).map((r): Rule => clean({ kind: "never-after", ...r })),
  fc.record({ channels: channelSet, signal, where: optional(signalWhere), duration, tagged }).map((r): Rule => clean({ kind: "never-within", ...r })),
  fc.record({ channels: channelSet, when: condition, tagged }).map((r): Rule => clean({ kind: "never-when", ...r })),
  fc.record({ channels: channelSet, unless: condition, tagged }).map((r): Rule => clean({ kind: "never-when", ...r })),
  fc.record({ channels: channelSet, count: fc.integer({ min: 1, max: 3 }), window, by: fc.option(fc.constant(id("campaign")), { nil: undefined, freq: 3 }) }).map((r): Rule => clean({ kind: "at-most", ...r })),
  fc.record({ channels: channelSet, count: fc.integer({ min: 1, max: 3 }), window }).map((r): Rule => ({ kind: "at-most-account", ...r })),
  fc.record({ channels: channelSet, duration }).map((r): Rule => ({ kind: "at-least", ...r })),
  fc
    .record({ channels: optional(channelSet), s: fc.integer({ min: 0, max: 23 }), e: fc.integer({ min: 0, max: 23 }), sm: fc.constantFrom(0, 30) })
    .filter(({ s, e }) => s !== e)
    .map(({ channels, s, e, sm }): Rule => clean({ kind: "quiet-hours", start: { hour: s, minute: sm }, end: { hour: e, minute: 0 }, channels })),
  fc.record({ channels: optional(channelSet) }).map((r): Rule => clean({ kind: "only-business-days", ...r })),
);

/** Rules of every form, some with `when` or `unless` (spec section 8.3). */
export const rule: fc.Arbitrary<Rule> = fc
  .record({ base: baseRule, word: fc.constantFrom(undefined, undefined, "when" as const, "unless" as const), condition })
  .map(({ base, word, condition: c }): Rule => (word === undefined || base.kind === "never-when" ? base : { ...base, [word]: c }));

function trigger(): fc.Arbitrary<Trigger> {
  return fc.oneof(
    fc.integer({ min: 1, max: 3 }).map((count): Trigger => ({ kind: "ignored", count })),
    fc.integer({ min: 1, max: 4 }).map((count): Trigger => ({ kind: "touches", count })),
    // At least a day: a short `after` loop would make every search step through a year of timers.
    longDuration.map((d): Trigger => ({ kind: "elapsed", duration: d })),
    fc.record({ signal, where: optional(signalWhere) }).map((t): Trigger => clean({ kind: "signal", ...t })),
    condition.map((c): Trigger => ({ kind: "when", condition: c })),
  );
}

function transition(stageCount: number): fc.Arbitrary<Transition> {
  return fc.record({ trigger: trigger(), target: fc.integer({ min: 0, max: Math.max(0, stageCount - 1) }).map((i) => id(`s${i}`)) });
}

/** Valid policies: 0 to 4 stages (the last maybe final), rules of every form, transitions of every form. */
export const policyArbitrary: fc.Arbitrary<Policy> = fc
  .integer({ min: 0, max: 4 })
  .chain((stageCount) =>
    fc.record({
      fallback: fc.option(fc.constantFrom("America/New_York", "Europe/London", "UTC"), { nil: undefined, freq: 3 }),
      engagement: fc.option(fc.constant(["reply", "meeting_booked"]), { nil: undefined }),
      ignoreWindow: optional(duration),
      holidays: fc.option(fc.constant(["2026-03-04", "2026-03-16"]), { nil: undefined }),
      // the public holidays of the contact's region (`contact.country`: see REGIONS), with or without a fallback
      // (one policy in four: an engine compiled afresh looks its regions' holidays up afresh)
      holidaysFrom: fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 3 },
        { arbitrary: fc.record({ fallback: fc.option(fc.constantFrom(...REGIONS), { nil: undefined }) }), weight: 1 },
      ),
      stages: fc.array(
        fc.record({
          allow: optional(fc.subarray([...CHANNELS])),
          rules: fc.array(rule, { maxLength: 2 }),
          transitions: fc.array(transition(stageCount), { maxLength: 3 }),
        }),
        { minLength: stageCount, maxLength: stageCount },
      ),
      finalLast: fc.boolean(),
      policyTransitions: fc.array(transition(stageCount), { maxLength: stageCount === 0 ? 0 : 2 }),
      rules: fc.array(rule, { maxLength: 4 }),
      appliesWhen: fc.option(
        fc.constantFrom<Expr>(
          { kind: "compare", op: "!=", left: path("contact", "vip"), right: lit(true) },
          { kind: "in", negated: true, left: path("touch", "campaign"), right: { kind: "list", items: [lit("acquisition")] } },
          { kind: "compare", op: "!=", left: path("touch", "channel"), right: lit("call") },
        ),
        { nil: undefined, freq: 5 },
      ),
    }),
  )
  .map((p): Policy => {
    const stages: Stage[] = p.stages.map((s, i) => {
      const final = p.finalLast && i === p.stages.length - 1 && i > 0;
      const stage: Draft<Stage> = {
        name: id(`s${i}`),
        start: i === 0,
        final,
        rules: final ? [] : s.rules,
        transitions: final ? [] : s.transitions,
      };
      if (!final && s.allow !== undefined) stage.allow = { kind: "list", channels: s.allow.map(id) };
      return stage;
    });
    const policy: Draft<Policy> = {
      name: { value: "generated" },
      channels: CHANNELS.map(id),
      stages,
      transitions: p.policyTransitions,
      rules: p.rules,
    };
    if (p.fallback !== undefined) policy.timezone = { from: path("contact", "timezone"), fallback: { value: p.fallback } };
    if (p.engagement !== undefined) policy.engagement = p.engagement.map(id);
    if (p.ignoreWindow !== undefined) policy.ignoreWindow = p.ignoreWindow;
    if (p.holidays !== undefined) policy.holidays = p.holidays.map((date) => ({ date }));
    if (p.holidaysFrom !== undefined) {
      policy.holidaysFrom = p.holidaysFrom.fallback === undefined ? { from: path("contact", "country") } : { from: path("contact", "country"), fallback: { value: p.holidaysFrom.fallback } };
    }
    if (p.appliesWhen !== undefined) policy.appliesWhen = p.appliesWhen;
    return policy;
  });
