/**
 * The checks a policy must pass to compile: names that must refer to
 * something, names that must be unique, numbers, times, dates and zones
 * that must make sense. Each is one function registered for one kind of
 * node (see `registry.ts`).
 *
 * Choices made where the contract is silent:
 * - `at most 0 ...` is an error (`invalid-count`): a limit of zero allows no
 *   touch, which a stage's `allow` list or a `never` rule says more plainly.
 * - Every duration, including a rolling window's length and a duration
 *   compared in a condition, must be a positive whole number of its unit.
 * - A policy-wide transition in a policy without stages has nowhere to go
 *   (`no-stages-to-move-to`), even towards the implicit stage `active`.
 * - A contact's zone is read from `contact.timezone`, `contact.X` or
 *   `contact.attributes.X`; any other `timezone from` path is an error
 *   (`invalid-timezone-source`) rather than a zone silently never found.
 * - Amounts and counts are bounded ({@link LIMITS}), and so are a policy's
 *   holidays: a duration of more than a hundred years, an `at most 5000`,
 *   20,000 holidays are errors rather than work without end.
 *
 * @module
 */

import { IANAZone } from "luxon";

import type { AtMostAccountRule, AtMostRule, DurationUnit, Ident, NodeBase, Policy, RollingUnit, Rule, TimeOfDay } from "../ast.js";
import { conditionDepth, conditionFacts, isSignalFact, MAX_CONDITION_DEPTH } from "../ast.js";
import { printFact } from "../print.js";
import { parseDate } from "../calendar.js";
import { isKnownRegion, knownRegions, regionAlias } from "../regions.js";
import type { DurationData, Place, UnknownName } from "./catalogue.js";
import { check, checkVariant, type Check, type CheckContext } from "./registry.js";

/**
 * The largest amounts a policy may write (docs/language.md, *Limits*). A
 * wait beyond a year already ends in `no-window`, and a history spans years
 * 1 to 9999: a hundred years is beyond anything that can matter to a
 * contact, and keeps every sum of an instant and a duration a finite
 * instant. Counts are bounded so that what a rule remembers (the last N
 * touches of `at most N`) stays small in a snapshot.
 */
export const LIMITS = Object.freeze({
  /** 100 years of minutes, hours, days or weeks. */
  minutes: 52_560_000,
  hours: 876_000,
  days: 36_500,
  weeks: 5_214,
  /** About 100 years of weekdays. */
  businessDays: 26_000,
  /** `at most N`, `after N touches`, `after N ignored touches`. */
  count: 1_000,
  /** Holidays of one policy. */
  holidays: 10_000,
} as const);

/** The largest amount of a unit. */
export function maxAmount(unit: DurationUnit): number {
  switch (unit) {
    case "minutes":
      return LIMITS.minutes;
    case "hours":
      return LIMITS.hours;
    case "days":
      return LIMITS.days;
    case "weeks":
      return LIMITS.weeks;
    case "business-days":
      return LIMITS.businessDays;
  }
}

/** The units of a duration, by spelling: a set, so that a unit read from user text such as `toString` is never found. */
const DURATION_UNITS: ReadonlySet<string> = new Set<DurationUnit>(["minutes", "hours", "days", "weeks", "business-days"]);
const ROLLING_UNITS: ReadonlySet<string> = new Set<RollingUnit>(["minutes", "hours", "days", "weeks"]);
const CALENDAR_UNITS: ReadonlySet<string> = new Set(["day", "week"]);

/** Where a node is, for "first declared at" hints. */
function placeOf(node: NodeBase | undefined): Place | undefined {
  const span = node?.span;
  return span === undefined ? undefined : { line: span.line, column: span.column };
}

function unknownName(name: string, declared: readonly string[], ctx: CheckContext): UnknownName {
  return { name, suggestion: ctx.suggest(name, declared), declared };
}

function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 1;
}

function isTime(time: TimeOfDay): boolean {
  return Number.isInteger(time.hour) && time.hour >= 0 && time.hour <= 23 && Number.isInteger(time.minute) && time.minute >= 0 && time.minute <= 59;
}

/**
 * Checks an amount of a unit (a duration, a rolling window's length): a
 * known unit, a positive whole number, within {@link LIMITS}; `window` says
 * which words the message uses. `at` is where it is written.
 */
function checkAmount(
  d: { readonly amount: number; readonly unit: string },
  units: ReadonlySet<string>,
  window: boolean,
  ctx: CheckContext,
  ...at: (NodeBase | undefined)[]
): void {
  if (typeof d.unit !== "string" || !units.has(d.unit)) {
    ctx.report("invalid-duration", { problem: "unit", unit: String(d.unit) }, ...at);
    return;
  }
  const duration: DurationData = { amount: d.amount, unit: d.unit as DurationUnit };
  if (!isCount(d.amount)) ctx.report("invalid-duration", { problem: "amount", duration, window }, ...at);
  else if (d.amount > maxAmount(duration.unit)) ctx.report("invalid-duration", { problem: "too-long", duration, window, max: maxAmount(duration.unit) }, ...at);
}

/** Checks a count (`at most N`, `after N touches`): a whole number from 1 to {@link LIMITS.count}. */
function checkCount(count: number, ctx: CheckContext, ...at: (NodeBase | undefined)[]): void {
  if (!isCount(count)) ctx.report("invalid-count", { count, problem: "not-count" }, ...at);
  else if (count > LIMITS.count) ctx.report("invalid-count", { count, problem: "too-large", max: LIMITS.count }, ...at);
}

/** True for `contact.timezone`, `contact.X` and `contact.attributes.X`: where a contact's zone can be read. */
function isZoneSource(segments: readonly string[]): boolean {
  if (segments[0] !== "contact") return false;
  if (segments.length === 2) return segments[1] !== "attributes";
  return segments.length === 3 && segments[1] === "attributes";
}

/** True for `contact.X` and `contact.attributes.X`: where a contact's holiday region can be read (not its `id`, `timezone` or `account`). */
function isRegionSource(segments: readonly string[]): boolean {
  if (segments[0] !== "contact") return false;
  if (segments.length === 2) return !["attributes", "id", "timezone", "account"].includes(segments[1]!);
  return segments.length === 3 && segments[1] === "attributes";
}

/**
 * The IANA zones the runtime lists (canonical names, and `UTC`): a
 * constant, read once. A name in it is a zone without asking the zone
 * database, which builds a date formatter per question (the largest part
 * of checking a small policy); other names (aliases such as
 * `US/Eastern`, typos) are asked.
 */
const LISTED_ZONES: readonly string[] = Object.freeze([
  "UTC",
  ...((Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.("timeZone") ?? []),
]);

/** True for a zone name the IANA database knows. */
function isZone(name: string): boolean {
  return name !== "" && (LISTED_ZONES.includes(name) || IANAZone.isValidZone(name));
}

/** IANA zone names for suggestions (`America/New_Yrok`); only `UTC` where the runtime cannot list them. */
function knownZones(): readonly string[] {
  return LISTED_ZONES;
}

/** Reports the second and later of names declared more than once. */
function duplicates(items: readonly Ident[], report: (item: Ident, first: Ident) => void): void {
  const seen = new Map<string, Ident>();
  for (const item of items) {
    const first = seen.get(item.name);
    if (first !== undefined) report(item, first);
    else seen.set(item.name, item);
  }
}

// ---------------------------------------------------------------- the policy

const channelDeclarations = check("policy", "validation", (policy, ctx) => {
  if (policy.channels.length === 0) ctx.report("no-channels", {}, policy.name, policy);
  duplicates(policy.channels, (channel, first) => ctx.report("duplicate-channel", { name: channel.name, first: placeOf(first) }, channel));
});

const stageDeclarations = check("policy", "validation", (policy, ctx) => {
  const seen = new Map<string, NodeBase>();
  for (const stage of policy.stages) {
    const first = seen.get(stage.name.name);
    if (first !== undefined) {
      ctx.report("duplicate-stage", { name: stage.name.name, first: placeOf(first) }, stage.name, stage);
    } else {
      seen.set(stage.name.name, { span: stage.name.span ?? stage.span });
    }
  }
  const starts = policy.stages.filter((s) => s.start);
  const first = policy.stages[0];
  const firstStart = starts[0];
  if (first !== undefined && firstStart === undefined) {
    ctx.report("no-start-stage", { first: first.name.name }, first.name, first, policy.name);
  }
  for (const extra of starts.slice(1)) {
    ctx.report("several-start-stages", { name: extra.name.name, first: firstStart?.name.name ?? "" }, extra.name, extra);
  }
});

const ruleNames = check("policy", "validation", (policy, ctx) => {
  const named = [...policy.stages.flatMap((s) => s.rules), ...policy.rules].flatMap((r: Rule) => (r.name === undefined ? [] : [{ ...r.name, span: r.name.span ?? r.span }]));
  duplicates(named, (name, first) => ctx.report("duplicate-rule", { name: name.name, first: placeOf(first) }, name));
});

const settings = check("policy", "validation", (policy, ctx) => {
  // The YAML schema refuses `cadence: ""`; the DSL's `cadence ""` is refused here, so both forms agree.
  if (policy.name.value.trim() === "") ctx.report("empty-name", {}, policy.name);
  const from = policy.timezone?.from;
  if (from !== undefined && !isZoneSource(from.segments)) {
    ctx.report("invalid-timezone-source", { path: from.segments.join(".") }, from, policy.timezone);
  }
  const fallback = policy.timezone?.fallback;
  if (fallback !== undefined && !isZone(fallback.value)) {
    ctx.report("invalid-timezone", { zone: fallback.value, suggestion: ctx.suggest(fallback.value, knownZones()) }, fallback, policy.timezone);
  }
  const region = policy.holidaysFrom;
  if (region !== undefined && !isRegionSource(region.from.segments)) {
    ctx.report("invalid-holidays-source", { path: region.from.segments.join(".") }, region.from, region);
  }
  if (region?.fallback !== undefined && !isKnownRegion(region.fallback.value)) {
    const written = region.fallback.value;
    const suggestion = regionAlias(written) ?? ctx.suggest(written.toUpperCase(), knownRegions());
    ctx.report("unknown-region", { region: written, suggestion }, region.fallback, region);
  }
  const holidays = policy.holidays ?? [];
  if (holidays.length > LIMITS.holidays) ctx.report("too-many-holidays", { count: holidays.length, max: LIMITS.holidays }, holidays[LIMITS.holidays], policy);
});

const holidays = check("date", "validation", (holiday, ctx) => {
  if (parseDate(holiday.date) === undefined) ctx.report("invalid-date", { date: holiday.date }, holiday);
});

// ---------------------------------------------------------------- stages

const finalStages = check("stage", "validation", (stage, ctx) => {
  if (!stage.final) return;
  const name = stage.name.name;
  for (const transition of stage.transitions) ctx.report("final-stage-has-transitions", { stage: name }, transition);
  if (stage.allow !== undefined) ctx.report("final-stage-has-rules", { stage: name, what: "allow" }, stage.allow);
  for (const rule of stage.rules) ctx.report("final-stage-has-rules", { stage: name, what: "rule" }, rule);
});

// ---------------------------------------------------------------- channels, durations, times

const declaredChannels = check("channels", "validation", (list, ctx) => {
  for (const channel of list.channels) {
    if (!ctx.channelSet.has(channel.name)) ctx.report("unknown-channel", unknownName(channel.name, ctx.channels, ctx), channel, list);
  }
});

/** A duration outside conditions: a positive whole number of a known unit, within {@link LIMITS}. */
const durations = check("duration", "validation", (duration, ctx) => {
  checkAmount(duration, DURATION_UNITS, false, ctx, duration);
});

const times = check("time", "validation", (time, ctx) => {
  if (!isTime(time)) ctx.report("invalid-time", { hour: time.hour, minute: time.minute }, time);
});

// ---------------------------------------------------------------- rules

/** The count and the window of a limit, on the contact's touches or across its account. */
function checkLimit(rule: AtMostRule | AtMostAccountRule, ctx: CheckContext): void {
  if (rule.count === 0) ctx.report("invalid-count", { count: 0, problem: "zero-limit" }, rule);
  else checkCount(rule.count, ctx, rule);
  const window = rule.window;
  if (window.kind === "rolling") checkAmount(window, ROLLING_UNITS, true, ctx, window, rule);
  else if (!CALENDAR_UNITS.has(window.unit)) ctx.report("invalid-window", { unit: String(window.unit) }, window, rule);
}

const limits = checkVariant("rule", "at-most", "validation", checkLimit);
const accountLimits = checkVariant("rule", "at-most-account", "validation", checkLimit);

const emptyQuietHours = checkVariant("rule", "quiet-hours", "validation", (rule, ctx) => {
  const { start, end } = rule;
  if (isTime(start) && isTime(end) && start.hour === end.hour && start.minute === end.minute) {
    ctx.report("empty-quiet-hours", { start: { hour: start.hour, minute: start.minute }, end: { hour: end.hour, minute: end.minute } }, rule);
  }
});

// ---------------------------------------------------------------- transitions

const transitionCounts = (variant: "ignored" | "touches"): Check<CheckContext> =>
  checkVariant("transition", variant, "validation", (transition, ctx) => {
    const trigger = transition.trigger;
    checkCount(trigger.count, ctx, trigger, transition);
  });

const targets = check("transition", "validation", (transition, ctx) => {
  const target = transition.target;
  if (ctx.stages.length === 0) {
    ctx.report("no-stages-to-move-to", { target: target.name }, target, transition);
  } else if (!ctx.stageSet.has(target.name)) {
    ctx.report("unknown-stage", unknownName(target.name, ctx.stages, ctx), target, transition);
  }
});

// ---------------------------------------------------------------- conditions

/**
 * A condition as deep as later steps can walk: parsed conditions are
 * bounded by the parser; one built in code may be deeper (its parts are
 * still checked, by walks that do not recurse).
 */
const conditionDepths = check("condition", "validation", (condition, ctx) => {
  if (conditionDepth(condition) > MAX_CONDITION_DEPTH) ctx.report("too-deep", { max: MAX_CONDITION_DEPTH }, condition);
});

/** A fact's `where` reads the signal and the contact, never another fact (spec section 8.2). */
const nestedFacts = check("condition", "validation", (condition, ctx) => {
  for (const fact of conditionFacts(condition)) {
    if (!isSignalFact(fact) || fact.where === undefined) continue;
    for (const inner of conditionFacts(fact.where)) ctx.report("nested-fact", { fact: printFact(inner) }, inner);
  }
});

/** A duration compared in a condition: a fixed length (no business days), a positive whole number. */
const comparedDurations = checkVariant("operand", "duration", "validation", (operand, ctx) => {
  if (operand.unit === "business-days") ctx.report("business-days-in-condition", { duration: { amount: operand.amount, unit: operand.unit } }, operand);
  else checkAmount(operand, DURATION_UNITS, false, ctx, operand);
});

/** Every validation check. */
export const VALIDATION_CHECKS: readonly Check<CheckContext>[] = [
  channelDeclarations,
  stageDeclarations,
  ruleNames,
  settings,
  holidays,
  finalStages,
  declaredChannels,
  durations,
  times,
  limits,
  accountLimits,
  emptyQuietHours,
  transitionCounts("ignored"),
  transitionCounts("touches"),
  targets,
  conditionDepths,
  nestedFacts,
  comparedDurations,
];
