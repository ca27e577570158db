/**
 * A reference interpreter of spec section 2, written to be obviously right
 * rather than fast. It is a test, not part of the package: its value is
 * that it is a second, independent reading of the spec. It shares no rule
 * code with the engine (no rule kind module, no runtime, no judging), only
 * the primitives both stand on: time arithmetic (`src/engine/time.ts`) and
 * the evaluation of conditions (`evaluateCondition`, the tree walk that
 * defines what the engine's compiled conditions must answer).
 *
 * It reads the policy AST directly (no IR, no snapshot, no caching): to know the contact's state at an instant it replays the whole
 * history from the start, and to find `notBefore` it replays again at every
 * candidate instant. Tests compare it with the real engine on generated
 * policies and histories; any difference is a bug in one of the two.
 *
 * @module
 */

import type { Duration, Expr, Fact, Policy, SignalFact, Rule, Stage, Transition, Trigger } from "../../src/ast.js";
import { DEFAULT_ENGAGEMENT, DEFAULT_IGNORE_WINDOW, IMPLICIT_STAGE } from "../../src/ast.js";
import { HeedInputError } from "../../src/diagnostics.js";
import type { Contact, Decision, EvaluateInput, HistoryEvent, PolicyDecision, ProposedTouch, Reason } from "../../src/model.js";
import type { ConditionScope, Counters } from "../../src/engine/conditions.js";
import { evaluateCondition } from "../../src/engine/conditions.js";
import Holidays from "date-holidays";

import type { Calendar, Zone } from "../../src/engine/time.js";
import {
  addDuration,
  businessDayStart,
  calendarWindowStart,
  durationMs,
  formatInstant,
  inQuietHours,
  isBusinessDay,
  isValidZone,
  makeCalendar,
  holidayDays,
  ZoneTable,
  nextCalendarWindowStart,
  parseInstant,
  quietHoursEnd,
  rollingMs,
} from "../../src/engine/time.js";

const YEAR_MS = 365 * 24 * 3_600_000;
/** How many `when` transitions may chain at one instant before the chain is cut. */
const MAX_HOPS = 64;

/** An event of the history, checked: its instant in ms, auto-replies renamed. */
interface RefEvent {
  type: string;
  at: number;
  props: HistoryEvent;
}

/** The contact's state at one instant, as a replay leaves it. */
interface RefState {
  stage: string;
  entry: number;
  ignored: number;
  touches: number;
  totalTouches: number;
  /** End instants of the ignore windows still open. */
  openWindows: number[];
  /** `after DURATION` transitions of the current stage already tried at their instant. */
  elapsedDone: Set<Transition>;
  /** The counters as they stood when each event arrived, before its effect (what a `never ... where` sees). */
  countersAt: Map<RefEvent, Counters>;
  /** Every event processed so far, in order (facts about the history, spec section 8.2). */
  processed: RefEvent[];
  /** The touches sent since entering the current stage (`touches(CHANNELS)`). */
  stageTouches: RefEvent[];
  /** The facts as they stood just after each event's own effect (what a `never ... where` reads of them). */
  factsAt: Map<RefEvent, (fact: Fact) => unknown>;
}

/** What one rule says about a touch at one instant. */
type Verdict = { kind: "met" } | { kind: "deny"; code: string } | { kind: "defer"; until: number };

interface RuleVerdict {
  id: string;
  code: string;
  verdict: Verdict;
}

/** Everything fixed for one evaluation. */
interface Context {
  policy: Policy;
  contact: Contact;
  events: RefEvent[];
  /** The touches sent to the account's other contacts, by instant (spec section 8.4). */
  account: { at: number; channel: string }[];
  at: number;
  /** The contact's zone, else the policy's fallback. */
  zone: Zone | undefined;
  /** Its calendar: undefined without a zone, or under `holidays from` without a region. */
  calendar: Calendar | undefined;
}

/**
 * Decides a proposed touch like `compile(policy).evaluate(input)`, by the
 * most direct reading of spec section 2.
 */
export function referenceEvaluate(policy: Policy, input: EvaluateInput): Decision {
  return referenceEvaluateSet([policy], input);
}

/**
 * Decides a proposed touch like `compile(policies).evaluate(input)`: each
 * policy keeps its own stage, `applies when` limits where a policy applies,
 * and the verdicts combine deny, then defer, then allow.
 */
export function referenceEvaluateSet(policies: readonly Policy[], input: EvaluateInput): Decision {
  const at = parseInstant(input.at);
  if (at === undefined) throw new HeedInputError("invalid-time", "at", `\`at\` is not an ISO-8601 instant: \`${input.at}\``);
  if (input.contact.timezone !== undefined && !isValidZone(input.contact.timezone)) {
    throw new HeedInputError("unknown-timezone", "contact.timezone", `unknown time zone \`${input.contact.timezone}\``);
  }
  const events = normalise(input.history, at);
  // the account's touches: other types ignored, one per id, none after `at`
  const account = normalise(input.account ?? [], at)
    .filter((e) => e.type === "touch")
    .map((e) => ({ at: e.at, channel: String(e.props.channel) }));
  const zones = new ZoneTable();
  const contexts: Context[] = policies.map((policy) => {
    const name = input.contact.timezone ?? policy.timezone?.fallback?.value;
    const zone = name === undefined ? undefined : zones.zone(name);
    const dates = (policy.holidays ?? []).map((h) => h.date);
    let calendar: Calendar | undefined;
    if (policy.holidaysFrom === undefined) {
      calendar = zone === undefined ? undefined : makeCalendar(zone, holidayDays(dates));
    } else {
      const region = regionOf(policy, input.contact);
      calendar = zone === undefined || region === undefined ? undefined : makeCalendar(zone, holidayDays([...dates, ...publicHolidays(region, at)]));
    }
    return { policy, contact: input.contact, events, account, at, zone, calendar };
  });
  const multi = policies.length > 1;
  const applicable = contexts.filter((c) => policyApplies(c, input.touch));
  const first = applicable[0] ?? (contexts[0] as Context);
  const stage = replay(first, at).stage;
  if (applicable.length === 0) return { verdict: "allow", stage, reasons: [] };

  const own = verdictOf(applicable, input.touch, multi);
  const decision: Decision =
    own.verdict === "defer"
      ? { verdict: "defer", stage, reasons: own.reasons, notBefore: formatInstant(own.notBefore!) }
      : { verdict: own.verdict, stage, reasons: own.reasons };
  if (decision.verdict !== "allow") {
    const declared = [...new Set(policies.flatMap((p) => p.channels.map((c) => c.name)))];
    decision.alternatives = declared
      .filter((c) => c !== input.touch.channel)
      .filter((c) => {
        const other = { ...input.touch, channel: c };
        return contexts.every((ctx) => !policyApplies(ctx, other) || judge(ctx, replay(ctx, at), other, at).every((v) => v.verdict.kind === "met"));
      });
  }
  if (multi) {
    decision.policies = applicable.map((ctx) => {
      const alone = verdictOf([ctx], input.touch, false);
      const policy = ctx.policy.name.value;
      const entry: PolicyDecision =
        alone.verdict === "defer"
          ? { policy, verdict: "defer", stage: replay(ctx, at).stage, notBefore: formatInstant(alone.notBefore!) }
          : { policy, verdict: alone.verdict, stage: replay(ctx, at).stage };
      return entry;
    });
  }
  return decision;
}

/** Under `holidays from contact.X else "CODE"`: the contact's attribute, else the fallback; an unknown code is an input error. */
function regionOf(policy: Policy, contact: Contact): string | undefined {
  const segments = policy.holidaysFrom!.from.segments;
  const name = segments[segments.length - 1]!;
  const value = contact.attributes?.[name];
  if (value === undefined || value === null) return policy.holidaysFrom!.fallback?.value;
  const [country, state] = String(value).toUpperCase().split("-");
  const known = new Holidays();
  const valid =
    typeof value === "string" && Object.hasOwn(known.getCountries(), country!) && (state === undefined || Object.hasOwn(known.getStates(country!) ?? {}, state));
  if (!valid) throw new HeedInputError("invalid-attribute", `contact.attributes.${name}`, `unknown holiday region \`${String(value)}\``);
  return String(value);
}

/** Public holidays by region, as `YYYY-MM-DD` dates of the years around 2026: read from date-holidays directly (the library is data, not rule code). */
const PUBLIC_HOLIDAYS = new Map<string, string[]>();

/** The public holidays of the region (type `public`, each date a holiday of several days covers) from the year before `at` to two after. */
function publicHolidays(region: string, at: number): string[] {
  const year = new Date(at).getUTCFullYear();
  const key = `${region.toUpperCase()} ${year}`;
  let dates = PUBLIC_HOLIDAYS.get(key);
  if (dates === undefined) {
    const [country, state] = region.toUpperCase().split("-");
    const holidays = state === undefined ? new Holidays(country!) : new Holidays(country!, state);
    dates = [];
    for (let y = year - 1; y <= year + 2; y++) {
      for (const h of holidays.getHolidays(y)) {
        if (h.type !== "public") continue;
        const days = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / 86_400_000));
        const first = Date.UTC(Number(h.date.slice(0, 4)), Number(h.date.slice(5, 7)) - 1, Number(h.date.slice(8, 10)));
        for (let k = 0; k < days; k++) dates.push(new Date(first + k * 86_400_000).toISOString().slice(0, 10));
      }
    }
    PUBLIC_HOLIDAYS.set(key, dates);
  }
  return dates;
}

function policyApplies(ctx: Context, touch: ProposedTouch): boolean {
  const when = ctx.policy.appliesWhen;
  if (when === undefined) return true;
  const state = replay(ctx, ctx.at);
  return evaluateCondition(when, { contact: ctx.contact, touch: touch as Record<string, unknown>, facts: factsOf(ctx, state.processed, state.stageTouches) });
}

// ---------------------------------------------------------------- facts (spec section 8.2)

/** Deep equality of JSON values (for `by PROP` groups). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return sameJson(ka, kb) && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

/**
 * The facts about the history, read off the events processed so far: the
 * signals of that type whose `where` held when they arrived (over their
 * props, the contact and the counters before their effect), and the
 * touches on the channels (since entering the stage, or ever).
 */
function factsOf(ctx: Context, processed: readonly RefEvent[], stageTouches: readonly RefEvent[], countersAt?: Map<RefEvent, Counters>): (fact: Fact) => unknown {
  const onChannels = (list: readonly RefEvent[], set: Fact & { channels: unknown }): number => {
    const channels = (set as { channels: import("../../src/ast.js").ChannelSet }).channels;
    return list.filter((e) => e.type === "touch" && (channels.kind === "all" || channels.channels.some((c) => c.name === e.props.channel))).length;
  };
  return (given) => {
    if (given.kind === "touches") return onChannels(stageTouches, given);
    if (given.kind === "total_touches") return onChannels(processed, given);
    const fact = given as SignalFact;
    const matching = processed.filter((e) => {
      if (e.type !== fact.signal.name) return false;
      if (fact.where === undefined) return true;
      const scope: ConditionScope = { contact: ctx.contact, signal: e.props as Record<string, unknown> };
      const before = countersAt?.get(e);
      if (before !== undefined) scope.counters = before;
      return evaluateCondition(fact.where, scope);
    });
    if (fact.kind === "seen") return matching.length > 0;
    if (fact.kind === "count") return matching.length;
    const latest = matching[matching.length - 1];
    if (latest === undefined) return undefined;
    let value: unknown = latest.props;
    for (const key of fact.prop) {
      if (typeof value !== "object" || value === null || Array.isArray(value) || !Object.hasOwn(value, key)) return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    return value === null ? undefined : value;
  };
}

/** The facts as they stand in a replayed state. */
function stateFacts(ctx: Context, state: RefState): (fact: Fact) => unknown {
  return factsOf(ctx, state.processed, state.stageTouches, state.countersAt);
}

/** The combined verdict of these policies at `at`; reasons carry the policy's name when `tag`. */
function verdictOf(contexts: readonly Context[], touch: ProposedTouch, tag: boolean): { verdict: Decision["verdict"]; notBefore?: number; reasons: Reason[] } {
  const named = (ctx: Context | undefined, r: Reason): Reason => (tag && ctx !== undefined ? { ...r, policy: ctx.policy.name.value } : r);
  const reasons: Reason[] = [];
  let deny = false;
  let defer = false;
  for (const ctx of contexts) {
    for (const v of judge(ctx, replay(ctx, ctx.at), touch, ctx.at)) {
      if (v.verdict.kind === "met") continue;
      reasons.push(named(ctx, reason(v)));
      if (v.verdict.kind === "deny") deny = true;
      else defer = true;
    }
  }
  if (deny) return { verdict: "deny", reasons };
  if (!defer) return { verdict: "allow", reasons };
  const found = searchNotBefore(contexts, touch);
  if (typeof found === "number") return { verdict: "defer", notBefore: found, reasons };
  reasons.push(named(found.ctx, { rule: found.rule, code: found.code, message: found.code }));
  return { verdict: "deny", reasons };
}

function reason(v: RuleVerdict): Reason {
  return { rule: v.id, code: v.verdict.kind === "deny" ? v.verdict.code : v.code, message: v.code };
}

// ---------------------------------------------------------------- history

function normalise(history: readonly HistoryEvent[], at: number): RefEvent[] {
  // an event's identity is its type (as sent) and its id
  const seenIds = new Set<string>();
  const kept: RefEvent[] = [];
  history.forEach((event, index) => {
    const ms = parseInstant(event.at);
    if (ms === undefined) {
      throw new HeedInputError("invalid-time", `history[${index}].at`, `\`history[${index}].at\` is not an ISO-8601 instant`, index);
    }
    if (event.id !== undefined) {
      const identity = JSON.stringify([event.type, event.id]);
      if (seenIds.has(identity)) return;
      seenIds.add(identity);
    }
    const type = event.type === "reply" && event.auto === true ? "auto_reply" : event.type;
    kept.push({ type, at: ms, props: event });
  });
  // Array.prototype.sort is stable: events at one instant keep their input order.
  return kept.filter((e) => e.at <= at).sort((a, b) => a.at - b.at);
}

// ---------------------------------------------------------------- replay

function findStage(policy: Policy, name: string): Stage | undefined {
  return policy.stages.find((s) => s.name.name === name);
}

function startStage(policy: Policy): string {
  const start = policy.stages.find((s) => s.start) ?? policy.stages[0];
  return start === undefined ? IMPLICIT_STAGE : start.name.name;
}

function transitionsIn(policy: Policy, stage: string): Transition[] {
  const own = findStage(policy, stage);
  if (own?.final) return [];
  return [...(own?.transitions ?? []), ...(policy.stages.length > 0 ? policy.transitions : [])];
}

function engagement(policy: Policy): string[] {
  return policy.engagement ? policy.engagement.map((e) => e.name) : [...DEFAULT_ENGAGEMENT];
}

function addTo(ms: number, d: Duration, ctx: Context): number | undefined {
  if (d.unit === "business-days" && ctx.calendar === undefined) return undefined;
  return addDuration(ms, d.amount, d.unit, ctx.calendar);
}

function counters(state: RefState, now: number): Counters {
  return { ignored: state.ignored, touches: state.touches, total_touches: state.totalTouches, time_in_stage: now - state.entry };
}

/** The instant an `after DURATION` transition falls due in the current stage, if it can. */
function elapsedDue(ctx: Context, state: RefState, trigger: Trigger): number | undefined {
  return trigger.kind === "elapsed" ? addTo(state.entry, trigger.duration, ctx) : undefined;
}

/**
 * Whether a trigger matches now. `atTimer` is true when trying transitions
 * after a timer: an `after DURATION` transition matches only once its timer
 * has fired, so an event at exactly entry + DURATION is still processed in
 * the old stage (docs/semantics.md).
 */
function matches(ctx: Context, state: RefState, trigger: Trigger, now: number, signal: RefEvent | undefined, atTimer: boolean): boolean {
  const scope = (sig: RefEvent | undefined) => ({
    contact: ctx.contact,
    counters: counters(state, now),
    facts: stateFacts(ctx, state),
    ...(sig === undefined ? {} : { signal: sig.props as Record<string, unknown> }),
  });
  switch (trigger.kind) {
    case "ignored":
      return state.ignored >= trigger.count;
    case "touches":
      return state.touches >= trigger.count;
    case "elapsed": {
      const due = elapsedDue(ctx, state, trigger);
      return due !== undefined && (atTimer ? due <= now : due < now);
    }
    case "signal":
      return (
        signal !== undefined &&
        signal.type === trigger.signal.name &&
        (trigger.where === undefined || evaluateCondition(trigger.where, scope(signal)))
      );
    case "when":
      return evaluateCondition(trigger.condition, scope(undefined));
  }
}

function enter(ctx: Context, state: RefState, stage: string, now: number): void {
  state.stage = stage;
  state.entry = now;
  state.ignored = 0;
  state.touches = 0;
  state.openWindows = [];
  state.elapsedDone = new Set();
  state.stageTouches = [];
}

/** Tries the stage's transitions, then the policy-wide ones; the first that matches fires, then `when` chains follow. */
function tryTransitions(ctx: Context, state: RefState, now: number, signal: RefEvent | undefined, atTimer = false): void {
  let hops = 0;
  let event = signal;
  for (;;) {
    const fired = transitionsIn(ctx.policy, state.stage).find((t) => matches(ctx, state, t.trigger, now, event, atTimer));
    if (fired === undefined || hops >= MAX_HOPS) return;
    hops++;
    enter(ctx, state, fired.target.name, now);
    // On entering a stage only its `when` transitions can match at once.
    event = undefined;
  }
}

/** The next timer strictly after `after` (and at most `until`), if any. */
function nextTimer(ctx: Context, state: RefState, until: number, orAt: number | undefined): number | undefined {
  const times: number[] = [...state.openWindows];
  for (const t of transitionsIn(ctx.policy, state.stage)) {
    if (t.trigger.kind !== "elapsed" || state.elapsedDone.has(t)) continue;
    const due = elapsedDue(ctx, state, t.trigger);
    if (due !== undefined) times.push(due);
  }
  const due = times.filter((t) => t <= until && (orAt === undefined || t >= orAt));
  return due.length === 0 ? undefined : Math.min(...due);
}

/**
 * The contact's state after every event and timer with time at most `until`.
 * A contact without history enters at the evaluation instant; `fresh` makes
 * it enter at `until` instead, as it would if evaluated then.
 */
function replay(ctx: Context, until: number, fresh = false): RefState {
  const first = ctx.events[0];
  const state: RefState = {
    stage: startStage(ctx.policy),
    entry: 0,
    ignored: 0,
    touches: 0,
    totalTouches: 0,
    openWindows: [],
    elapsedDone: new Set(),
    countersAt: new Map(),
    processed: [],
    stageTouches: [],
    factsAt: new Map(),
  };
  const entry = first !== undefined ? first.at : fresh ? until : ctx.at;
  enter(ctx, state, state.stage, entry);
  if (entry <= until) tryTransitions(ctx, state, entry, undefined);
  let i = 0;
  for (;;) {
    const event = ctx.events[i];
    const eventAt = event !== undefined && event.at <= until ? event.at : undefined;
    const timerAt = nextTimer(ctx, state, until, undefined);
    if (eventAt === undefined && timerAt === undefined) return state;
    if (event !== undefined && eventAt !== undefined && (timerAt === undefined || eventAt <= timerAt)) {
      applyEvent(ctx, state, event);
      i++;
    } else if (timerAt !== undefined) {
      fireTimers(ctx, state, timerAt);
    }
  }
}

function applyEvent(ctx: Context, state: RefState, event: RefEvent): void {
  state.countersAt.set(event, counters(state, event.at));
  state.processed.push(event);
  if (event.type === "touch") state.stageTouches.push(event);
  state.factsAt.set(event, factsOf(ctx, state.processed.slice(), state.stageTouches.slice(), state.countersAt));
  if (event.type === "touch") {
    state.touches++;
    state.totalTouches++;
    const windowEnd = addTo(event.at, ctx.policy.ignoreWindow ?? DEFAULT_IGNORE_WINDOW, ctx);
    if (windowEnd !== undefined) state.openWindows.push(windowEnd);
  } else if (engagement(ctx.policy).includes(event.type)) {
    state.openWindows = [];
    state.ignored = 0;
  }
  tryTransitions(ctx, state, event.at, event);
}

/**
 * Every timer due at `now`: each ignore window ending then, one by one (it
 * counts an ignored touch, then transitions are tried), then the `after
 * DURATION` transitions falling due.
 */
function fireTimers(ctx: Context, state: RefState, now: number): void {
  for (const t of transitionsIn(ctx.policy, state.stage)) {
    if (t.trigger.kind === "elapsed" && elapsedDue(ctx, state, t.trigger) === now) state.elapsedDone.add(t);
  }
  let windowEnded = false;
  for (;;) {
    const i = state.openWindows.indexOf(now);
    if (i < 0) break;
    state.openWindows.splice(i, 1);
    state.ignored += 1;
    windowEnded = true;
    tryTransitions(ctx, state, now, undefined, true);
  }
  if (!windowEnded) tryTransitions(ctx, state, now, undefined, true);
}

// ---------------------------------------------------------------- rules

function ruleId(policy: Policy, rule: Rule): string {
  if (rule.name !== undefined) return rule.name.name;
  const stage = policy.stages.find((s) => s.rules.includes(rule));
  const scope = stage === undefined ? policy.rules : stage.rules;
  const n = scope.filter((r) => r.kind === rule.kind).indexOf(rule) + 1;
  return `${stage === undefined ? "policy" : stage.name.name}.${rule.kind}.${n}`;
}

function channelsOf(policy: Policy, rule: Rule): string[] {
  const set = rule.channels;
  if (set === undefined || set.kind === "all") return policy.channels.map((c) => c.name);
  return set.channels.map((c) => c.name);
}

function applies(policy: Policy, rule: Rule, touch: ProposedTouch): boolean {
  // `any`, `touches` or no channel list speak of every touch, even one on an undeclared channel
  const every = rule.channels === undefined || rule.channels.kind === "all";
  if (!every && !channelsOf(policy, rule).includes(touch.channel)) return false;
  if ((rule.kind === "never-without" || rule.kind === "never-after" || rule.kind === "never-within" || rule.kind === "never-when") && rule.tagged) {
    return (touch.tags ?? []).includes(rule.tagged.value);
  }
  return true;
}

/**
 * True when a history event is that signal and its `where` holds, over the
 * signal's props, the contact and the counters as they stood when it arrived
 * (not the proposed touch).
 */
function signalMatches(ctx: Context, state: RefState, e: RefEvent, signal: string, where: Expr | undefined): boolean {
  if (e.type !== signal) return false;
  if (where === undefined) return true;
  const scope: ConditionScope = { contact: ctx.contact, signal: e.props as Record<string, unknown> };
  const before = state.countersAt.get(e);
  if (before !== undefined) scope.counters = before;
  const facts = state.factsAt.get(e);
  if (facts !== undefined) scope.facts = facts;
  return evaluateCondition(where, scope);
}

/** Touches of the history on these channels, at most `now` (and, when given, those `keep` keeps). */
function touchTimes(ctx: Context, channels: string[], now: number, keep: (e: RefEvent) => boolean = () => true): number[] {
  return ctx.events.filter((e) => e.type === "touch" && channels.includes(String(e.props.channel)) && e.at <= now && keep(e)).map((e) => e.at);
}

/** How every rule that applies judges the touch at `now`, given the state there. */
function judge(ctx: Context, state: RefState, touch: ProposedTouch, now: number): RuleVerdict[] {
  const { policy } = ctx;
  const out: RuleVerdict[] = [];
  // `applies when`: where the policy does not apply it has nothing to say
  const facts = stateFacts(ctx, state);
  if (policy.appliesWhen !== undefined && !evaluateCondition(policy.appliesWhen, { contact: ctx.contact, touch: touch as Record<string, unknown>, facts })) {
    return out;
  }
  const declared = policy.channels.map((c) => c.name);
  if (!declared.includes(touch.channel)) {
    out.push({ id: "policy.channels", code: "unknown-channel", verdict: { kind: "deny", code: "unknown-channel" } });
  }
  const stage = findStage(policy, state.stage);
  if (ctx.calendar === undefined && courseNeedsZone(policy, stage)) {
    if (ctx.zone === undefined) out.push({ id: "policy.timezone", code: "unknown-timezone", verdict: NO_ZONE });
    else out.push({ id: "policy.holidays", code: "unknown-calendar", verdict: NO_CALENDAR });
  }
  if (stage?.final) {
    out.push({ id: `${state.stage}.final`, code: "final-stage", verdict: { kind: "deny", code: "final-stage" } });
  } else if (stage?.allow !== undefined && !stage.allow.channels.some((c) => c.name === touch.channel)) {
    out.push({ id: `${state.stage}.allow`, code: "channel-not-allowed", verdict: { kind: "deny", code: "channel-not-allowed" } });
  }
  for (const rule of [...(stage?.rules ?? []), ...policy.rules]) {
    if (!applies(policy, rule, touch)) continue;
    // `when` / `unless` (spec section 8.3): a rule applies only where its condition holds (a `never ... when` rule's is its own)
    if (rule.kind !== "never-when") {
      const scope = { contact: ctx.contact, touch: touch as Record<string, unknown>, counters: counters(state, now), facts };
      if (rule.when !== undefined && !evaluateCondition(rule.when, scope)) continue;
      if (rule.unless !== undefined && evaluateCondition(rule.unless, scope)) continue;
    }
    out.push({ id: ruleId(policy, rule), code: rule.kind === "only-business-days" ? "business-days" : rule.kind, verdict: judgeRule(ctx, state, rule, touch, now) });
  }
  return out;
}

/**
 * True when the contact's course through a (non-final) stage counts
 * business days: an `after N ignored touches` transition out of it with a
 * business-day ignore window, or an `after N business days` transition. Without a zone that course
 * is unknown, so touches there fail closed (docs/semantics.md).
 */
function courseNeedsZone(policy: Policy, stage: Stage | undefined): boolean {
  if (stage === undefined || stage.final) return false;
  const ignoreWindow = policy.ignoreWindow ?? DEFAULT_IGNORE_WINDOW;
  return transitionsIn(policy, stage.name.name).some(
    (t) =>
      (t.trigger.kind === "ignored" && ignoreWindow.unit === "business-days") ||
      (t.trigger.kind === "elapsed" && t.trigger.duration.unit === "business-days"),
  );
}

const MET: Verdict = { kind: "met" };
const NO_ZONE: Verdict = { kind: "deny", code: "unknown-timezone" };
const NO_CALENDAR: Verdict = { kind: "deny", code: "unknown-calendar" };

function judgeRule(ctx: Context, state: RefState, rule: Rule, touch: ProposedTouch, now: number): Verdict {
  const cal = ctx.calendar;
  const zone = ctx.zone;
  // business days need the zone, then the holidays (`holidays from` without a region: unknown-calendar)
  const noCalendar = zone === undefined ? NO_ZONE : NO_CALENDAR;
  const signals = ctx.events.filter((e) => e.at <= now);
  switch (rule.kind) {
    case "never-without":
      return signals.some((e) => signalMatches(ctx, state, e, rule.signal.name, rule.where)) ? MET : { kind: "deny", code: rule.kind };
    case "never-after":
      return signals.some((e) => signalMatches(ctx, state, e, rule.signal.name, rule.where)) ? { kind: "deny", code: rule.kind } : MET;
    case "never-within": {
      if (rule.duration.unit === "business-days" && cal === undefined) return noCalendar;
      const ends = signals
        .filter((e) => signalMatches(ctx, state, e, rule.signal.name, rule.where))
        .map((e) => addDuration(e.at, rule.duration.amount, rule.duration.unit, cal))
        .filter((end) => end > now);
      return ends.length === 0 ? MET : { kind: "defer", until: Math.max(...ends) };
    }
    case "never-when": {
      const scope = { contact: ctx.contact, touch: touch as Record<string, unknown>, counters: counters(state, now), facts: stateFacts(ctx, state) };
      const forbidden = rule.when !== undefined ? evaluateCondition(rule.when, scope) : rule.unless !== undefined && !evaluateCondition(rule.unless, scope);
      return forbidden ? { kind: "deny", code: rule.kind } : MET;
    }
    case "at-most": {
      // `by PROP`: only the touches whose prop equals the proposed touch's (touches lacking it are one group)
      const by = rule.by?.name;
      const propOf = (props: Record<string, unknown>): unknown => (by !== undefined && Object.hasOwn(props, by) && props[by] !== null ? props[by] : undefined);
      const mine = by === undefined ? undefined : propOf(touch as Record<string, unknown>);
      const times = touchTimes(ctx, channelsOf(ctx.policy, rule), now, (e) => by === undefined || sameJson(propOf(e.props as Record<string, unknown>), mine));
      if (rule.window.kind === "rolling") {
        const length = rollingMs(rule.window.amount, rule.window.unit);
        const inside = times.filter((t) => t > now - length).sort((a, b) => a - b);
        if (inside.length < rule.count) return MET;
        // the window must lose the oldest touches until fewer than `count` remain
        const leaving = inside[inside.length - rule.count] as number;
        return { kind: "defer", until: leaving + length };
      }
      if (zone === undefined) return NO_ZONE;
      const start = calendarWindowStart(now, rule.window.unit, zone);
      const inside = times.filter((t) => t >= start);
      return inside.length < rule.count ? MET : { kind: "defer", until: nextCalendarWindowStart(now, rule.window.unit, zone) };
    }
    case "at-most-account": {
      // every contact of the account counts: this one's touches and the others'
      const channels = channelsOf(ctx.policy, rule);
      const times = [...touchTimes(ctx, channels, now), ...ctx.account.filter((t) => channels.includes(t.channel) && t.at <= now).map((t) => t.at)];
      if (rule.window.kind === "rolling") {
        const length = rollingMs(rule.window.amount, rule.window.unit);
        const inside = times.filter((t) => t > now - length).sort((a, b) => a - b);
        if (inside.length < rule.count) return MET;
        return { kind: "defer", until: (inside[inside.length - rule.count] as number) + length };
      }
      // a local day or week needs the zone only: holidays do not enter it (spec section 8.5)
      if (zone === undefined) return NO_ZONE;
      const start = calendarWindowStart(now, rule.window.unit, zone);
      const inside = times.filter((t) => t >= start);
      return inside.length < rule.count ? MET : { kind: "defer", until: nextCalendarWindowStart(now, rule.window.unit, zone) };
    }
    case "at-least": {
      if (rule.duration.unit === "business-days" && cal === undefined) return noCalendar;
      const times = touchTimes(ctx, channelsOf(ctx.policy, rule), now);
      if (times.length === 0) return MET;
      const earliest = addDuration(Math.max(...times), rule.duration.amount, rule.duration.unit, cal);
      return now >= earliest ? MET : { kind: "defer", until: earliest };
    }
    case "quiet-hours":
      if (zone === undefined) return NO_ZONE;
      return inQuietHours(now, rule.start, rule.end, zone)
        ? { kind: "defer", until: quietHoursEnd(now, rule.start, rule.end, zone) }
        : MET;
    case "only-business-days":
      if (cal === undefined) return noCalendar;
      return isBusinessDay(now, cal) ? MET : { kind: "defer", until: businessDayStart(now, cal) };
  }
}

// ---------------------------------------------------------------- notBefore

/** The instants at which a comparison of `time_in_stage` with a duration, in a rule's `when` or `unless`, may change. */
function stageTimeChanges(ctx: Context, state: RefState): number[] {
  const out: number[] = [];
  const stage = findStage(ctx.policy, state.stage);
  const visit = (e: Expr): void => {
    if (e.kind === "and" || e.kind === "or") {
      visit(e.left);
      visit(e.right);
    } else if (e.kind === "not") {
      visit(e.expr);
    } else if (e.kind === "compare") {
      const sides = [e.left, e.right];
      if (!sides.some((o) => o.kind === "path" && o.segments.length === 1 && o.segments[0] === "time_in_stage")) return;
      for (const o of sides) if (o.kind === "duration" && o.unit !== "business-days") out.push(state.entry + durationMs(o.amount, o.unit), state.entry + durationMs(o.amount, o.unit) + 1);
    }
  };
  for (const rule of [...(stage?.rules ?? []), ...ctx.policy.rules]) {
    if (rule.kind === "never-when") continue;
    if (rule.when !== undefined) visit(rule.when);
    if (rule.unless !== undefined) visit(rule.unless);
  }
  return out;
}

/**
 * The earliest instant from `at` at which every rule of every policy is met,
 * replaying each policy from scratch at each candidate; or why there is none.
 */
function searchNotBefore(contexts: readonly Context[], touch: ProposedTouch): number | { rule: string; code: string; ctx: Context | undefined } {
  const at = (contexts[0] as Context).at;
  let t = at;
  for (;;) {
    if (t > at + YEAR_MS) return { rule: "policy.no-window", code: "no-window", ctx: contexts[0] };
    const waits: number[] = [];
    const timers: number[] = [];
    for (const ctx of contexts) {
      // Evaluating again at `t` with no new events: a contact without history enters at `t` (docs/semantics.md).
      const fresh = ctx.events.length === 0;
      const state = replay(ctx, t, fresh);
      const verdicts = judge(ctx, state, touch, t);
      if (verdicts.some((v) => v.verdict.kind === "deny")) return { rule: "policy.stage-change", code: "stage-change", ctx };
      for (const v of verdicts) if (v.verdict.kind === "defer") waits.push(v.verdict.until);
      const timer = fresh ? undefined : nextTimer(ctx, state, Infinity, t + 1);
      if (timer !== undefined) timers.push(timer);
      // a rule's `when` / `unless` over `time_in_stage` may stop holding between timers: each instant it may change is a candidate
      for (const flip of stageTimeChanges(ctx, state)) if (flip > t) timers.push(flip);
    }
    if (waits.length === 0) return t;
    const wanted = Math.max(...waits);
    const timer = Math.min(...timers);
    t = timer < wanted ? timer : wanted;
  }
}
