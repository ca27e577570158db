/**
 * The state machine of one contact under one compiled policy: stages,
 * counters, ignore windows, timers and what the rules remember about the
 * history. Processing is a pure function of the events and the instants
 * handed in; the state is plain JSON so that it can be a snapshot.
 *
 * Order (spec section 2): events in time order; at one instant, events before
 * the timers due at that instant. After each event or timer, its effect
 * applies, then the stage's transitions are tried in source order, then the
 * policy-wide ones; the first that matches fires.
 *
 * @module
 */

import { conditionOperands, type Expr, type Policy, type Rule } from "../ast.js";
import { code, MESSAGE_STYLE, printRule } from "../print.js";
import { HeedInputError, type Span } from "../diagnostics.js";
import type { Contact } from "../model.js";
import type { StageChange } from "./api.js";
import { compileCondition, type CompiledCondition, type ConditionScope, type Counters } from "./conditions.js";
import { knownZone, type NormalEvent } from "./input.js";
import type { IrDuration, IrPolicy, IrRule, IrStage, IrTimeOfDay, IrTransition } from "./ir.js";
import { addDuration, businessDaysBound, durationMs, formatInstant, rollingMs, type Calendar } from "./time.js";

/** How many `when` transitions may fire in a row on entering stages before the chain stops. */
export const MAX_CHAIN = 64;

/**
 * What a rule remembers of the history, by rule kind: `at-most` the instants
 * of the last N touches on its channels (ascending); `at-least` the instant
 * of the last touch on its channels; `never-without` / `never-after` whether
 * a matching signal was seen; `never-within` the latest end of its window;
 * other rules nothing.
 */
export type RuleMemory = number[] | number | boolean | null;

/** The shape of a rule's {@link RuleMemory}: a list of instants, a flag, an instant or null, or always null. */
export type MemoryShape = "instants" | "flag" | "instant" | "none";

/** The shape of what a rule remembers, by its kind. */
export function memoryShape(rule: IrRule): MemoryShape {
  switch (rule.kind) {
    case "at-most":
      return "instants";
    case "never-without":
    case "never-after":
      return "flag";
    case "at-least":
    case "never-within":
      return "instant";
    default:
      return "none";
  }
}

/** The state of a contact under one policy. Plain JSON. */
export interface PolicyState {
  stage: string;
  /** When the contact entered the current stage (epoch ms). */
  entry: number;
  ignored: number;
  touches: number;
  totalTouches: number;
  /** Ends of the pending ignore windows of touches sent in this stage, ascending. */
  pending: number[];
  /** Every timer due at or before this instant has been processed. */
  through: number;
  /** One entry per rule of the policy, in the order of `IrPolicy.rules`. */
  memory: RuleMemory[];
}

/** What the machine and the decision need of one stage, looked up once per step. */
export interface StageRuntime {
  stage: IrStage;
  /** The rules that apply in the stage: its own, then the policy-wide ones. */
  rules: readonly RuleRuntime[];
  /**
   * Of {@link rules}, per declared channel, those that speak of it (their
   * channel list names it, or they have none), in the same order; a touch on
   * any other channel meets only {@link anyChannelRules}.
   */
  channelRules: ReadonlyMap<string, readonly RuleRuntime[]>;
  /** Of {@link rules}, those without a channel list. */
  anyChannelRules: readonly RuleRuntime[];
  /** The ids of the stage's own checks, as reasons name them (`nurture.allow`, `closed.final`). */
  allowRule: string;
  finalRule: string;
  /** The stage's `allow` list as messages print it (`` `email`, `call` `` or `no channel`). */
  allowedText: string;
  /**
   * Of the transitions tried in the stage (its own in source order, then the
   * policy-wide ones; none from a final stage), those an event of a given type can fire, in order: the `on`
   * transitions naming it and every transition that is not an `on`.
   * {@link anyEvent} for the other types. Trying only these gives the same
   * first match as trying all: an `on` transition never matches another type.
   */
  byEvent: ReadonlyMap<string, readonly IrTransition[]>;
  /** The transitions that are not `on` a signal, in order: what a timer or an event of an unnamed type can fire. */
  anyEvent: readonly IrTransition[];
  /** The stage's transitions with a `when` trigger, tried on entering the stage. */
  whens: readonly IrTransition[];
  /** The durations of the stage's `after DURATION` transitions: its timers. */
  elapsed: readonly IrDuration[];
  /**
   * The stage's way out depends on counting business days (an `after N
   * ignored touches` transition with a business-day ignore window, or an
   * `after N business days` transition, of the stage or policy-wide):
   * without a zone, touches there are denied.
   */
  timersNeedZone: boolean;
}

/**
 * One rule as judging needs it. Every rule has this one shape, whatever its
 * kind: judging reads the same fields of objects of one shape, which is
 * faster than reading the fields of eight shapes of IR rule.
 */
export interface RuleRuntime {
  /** The rule's position in `IrPolicy.rules` (and in a state's `memory`). */
  index: number;
  rule: IrRule;
  kind: IrRule["kind"];
  id: string;
  /** The reason code: the kind, except `only business days`, whose code is `business-days`. */
  code: string;
  /** The rule's text, as reasons' messages begin. */
  text: string;
  span: Span | undefined;
  /** The channels it speaks of, or null for every channel. */
  channels: ReadonlySet<string> | null;
  /** Its `tagged` tag, or null. */
  tagged: string | null;
  /** A `never ... when` condition made into a function; null for the other kinds. */
  when: CompiledCondition | null;
  /** The `where` of a `never ... without/after/within` made into a function; null without one and for the other kinds. */
  where: CompiledCondition | null;
  /** Judging it needs the contact's local time (see {@link ruleNeedsZone}). */
  needsZone: boolean;
  /**
   * Its judgement may differ between two touches that differ only in
   * channel, beyond the channels the rule names: a `never ... when` whose
   * condition reads `touch.channel`. The others are judged once for all the
   * channels of `alternatives`.
   */
  readsChannel: boolean;
  /**
   * Its judgement depends only on the state, the contact and the touch, not
   * on the instant: `never ... without` and `never ... after`, and a `never
   * ... when` whose condition does not read `time_in_stage`. On an unchanged
   * state such a rule judges alike at every instant.
   */
  timeless: boolean;
  /** The shape of its memory, to check stored states against. */
  memory: MemoryShape;
  /** `at most`: the limit (0 for the other kinds). */
  count: number;
  /** `at most` over a rolling window: its length in ms (0 for the other kinds). */
  rollingMs: number;
  /** `at most` over a calendar window: `day` or `week` (null for the other kinds). */
  calendar: "day" | "week" | null;
  /** Quiet hours: where they start and end (null for the other kinds). */
  start: IrTimeOfDay | null;
  end: IrTimeOfDay | null;
  /** `at least` and `never ... within`: the duration (null for the other kinds). */
  duration: IrDuration | null;
  /**
   * `at least`: a time after the last touch beyond which the rule is surely
   * met (its duration, or a bound on it in business days:
   * {@link businessDaysBound}); Infinity for the other kinds.
   */
  bound: number;
}

/** A compiled policy with the lookups the machine needs at run time. */
export interface Runtime {
  ir: IrPolicy;
  /** Every stage by name. */
  stages: ReadonlyMap<string, StageRuntime>;
  /** Every rule, in the order of `IrPolicy.rules`. */
  rules: readonly RuleRuntime[];
  /** The policy's `applies when` condition made into a function, or null when the policy applies to every contact and touch. */
  applies: CompiledCondition | null;
  /** One 0 per rule: what a decision's record of the rules judged starts as (copying it is cheaper than filling a new array). */
  noneKnown: readonly number[];
  /** The `at most` and `at least` rules: what a touch updates. */
  touchRules: readonly RuleRuntime[];
  /** Per signal, the `never ... without/after/within` rules naming it. */
  signalRules: ReadonlyMap<string, readonly RuleRuntime[]>;
  engagement: ReadonlySet<string>;
  channels: ReadonlySet<string>;
  /** The declared channels as messages print them (`` `email`, `call` `` or `no channel`). */
  channelsText: string;
  holidays: ReadonlySet<string>;
  calendars: Map<string, Calendar>;
  /** Per zone, business-day sums already computed (bounded). */
  sums: Map<string, BusinessSums>;
}

/** Everything about the contact that processing needs besides the state. */
export interface Context {
  contact: Contact;
  /** The zone used for local time, when the contact or the policy gives one. */
  zone: string | undefined;
  calendar: Calendar | undefined;
  /** Business-day sums already computed in this zone under this policy. */
  sums: BusinessSums | undefined;
  /** Where stage changes are recorded, for explanations. */
  log: StageChange[] | undefined;
}

function atLeastBound(d: IrDuration, holidays: ReadonlySet<string>): number {
  return d.unit === "business-days" ? businessDaysBound(d.amount, holidays) : durationMs(d.amount, d.unit);
}

/** True when a condition may read the value at `head` (a path beginning with it: `touch.channel...`, `time_in_stage`). */
function readsPath(condition: Expr, ...head: string[]): boolean {
  return conditionOperands(condition).some((op) => op.kind === "path" && head.every((segment, i) => op.segments[i] === segment));
}

/** See {@link RuleRuntime.timeless}. */
function timeless(rule: IrRule): boolean {
  return rule.kind === "never-without" || rule.kind === "never-after" || (rule.kind === "never-when" && !readsPath(rule.when, "time_in_stage"));
}

/** True when judging the rule needs the contact's local time: quiet hours, business days, calendar windows. */
export function ruleNeedsZone(rule: IrRule): boolean {
  switch (rule.kind) {
    case "quiet-hours":
    case "only-business-days":
      return true;
    case "at-most":
      return rule.window.kind === "calendar";
    case "at-least":
    case "never-within":
      return rule.duration.unit === "business-days";
    default:
      return false;
  }
}

/** The reason code of a rule: its kind, except `only business days`, whose code is `business-days`. */
function reasonCode(rule: IrRule): string {
  return rule.kind === "only-business-days" ? "business-days" : rule.kind;
}

/** A rule as judging needs it; every field set, in one order, so that all share one shape. */
function ruleRuntime(rule: IrRule, source: Rule, index: number, holidays: ReadonlySet<string>): RuleRuntime {
  const window = rule.kind === "at-most" ? rule.window : null;
  return {
    index,
    rule,
    kind: rule.kind,
    id: rule.id,
    code: reasonCode(rule),
    text: printRule(source, MESSAGE_STYLE),
    span: rule.span,
    channels: rule.channels === null ? null : new Set(rule.channels),
    tagged: "tagged" in rule ? rule.tagged : null,
    when: rule.kind === "never-when" ? compileCondition(rule.when) : null,
    where: "where" in rule && rule.where !== null ? compileCondition(rule.where) : null,
    needsZone: ruleNeedsZone(rule),
    readsChannel: rule.kind === "never-when" && readsPath(rule.when, "touch", "channel"),
    timeless: timeless(rule),
    memory: memoryShape(rule),
    count: rule.kind === "at-most" ? rule.count : 0,
    rollingMs: window?.kind === "rolling" ? rollingMs(window.amount, window.unit) : 0,
    calendar: window?.kind === "calendar" ? window.unit : null,
    start: rule.kind === "quiet-hours" ? rule.start : null,
    end: rule.kind === "quiet-hours" ? rule.end : null,
    duration: rule.kind === "at-least" || rule.kind === "never-within" ? rule.duration : null,
    bound: rule.kind === "at-least" ? atLeastBound(rule.duration, holidays) : Infinity,
  };
}

/** The rules of a policy in the order of `IrPolicy.rules`: stage by stage, then the policy-wide ones. */
function rulesInOrder(policy: Policy): Rule[] {
  return [...policy.stages.flatMap((s) => s.rules), ...policy.rules];
}

/** Prepares a compiled policy for running; `policy` is the policy it was compiled from (rules' texts are printed from it). */
export function makeRuntime(ir: IrPolicy, policy: Policy): Runtime {
  const sources = rulesInOrder(policy);
  const byId = new Map(ir.rules.map((r, i) => [r.id, i] as const));
  const policyWide = ir.policyRules.map((id) => byId.get(id)!);
  const isBusiness = (d: IrDuration): boolean => d.unit === "business-days";
  const holidays: ReadonlySet<string> = new Set(ir.holidays);
  const ruleRuntimes = ir.rules.map((r, i) => ruleRuntime(r, sources[i]!, i, holidays));
  const signalRules = new Map<string, RuleRuntime[]>();
  for (const r of ruleRuntimes) {
    const rule = r.rule;
    if (rule.kind === "never-without" || rule.kind === "never-after" || rule.kind === "never-within") {
      const list = signalRules.get(rule.signal);
      if (list === undefined) signalRules.set(rule.signal, [r]);
      else list.push(r);
    }
  }
  const needsZone = (t: IrTransition): boolean =>
    (t.trigger.kind === "ignored" && isBusiness(ir.ignoreWindow)) || (t.trigger.kind === "elapsed" && isBusiness(t.trigger.duration));
  const stages = new Map<string, StageRuntime>();
  for (const stage of ir.stages) {
    const transitions = stage.final ? [] : [...stage.transitions, ...ir.transitions];
    const byEvent = new Map<string, IrTransition[]>();
    for (const t of transitions) {
      if (t.trigger.kind === "signal") byEvent.set(t.trigger.signal, []);
    }
    for (const [type, list] of byEvent) {
      for (const t of transitions) if (t.trigger.kind !== "signal" || t.trigger.signal === type) list.push(t);
    }
    const rules = [...stage.rules.map((id) => byId.get(id)!), ...policyWide].map((i) => ruleRuntimes[i]!);
    const speaksOf = (channel: string | null) => rules.filter((r) => r.channels === null || (channel !== null && r.channels.has(channel)));
    stages.set(stage.name, {
      stage,
      rules,
      channelRules: new Map(ir.channels.map((channel) => [channel, speaksOf(channel)])),
      anyChannelRules: speaksOf(null),
      allowRule: `${stage.name}.allow`,
      finalRule: `${stage.name}.final`,
      allowedText: stage.allow === null || stage.allow.length === 0 ? "no channel" : stage.allow.map(code).join(", "),
      byEvent,
      anyEvent: transitions.filter((t) => t.trigger.kind !== "signal"),
      whens: transitions.filter((t) => t.trigger.kind === "when"),
      elapsed: transitions.flatMap((t) => (t.trigger.kind === "elapsed" ? [t.trigger.duration] : [])),
      timersNeedZone: transitions.some(needsZone),
    });
  }
  return {
    ir,
    stages,
    rules: ruleRuntimes,
    applies: ir.appliesWhen === null ? null : compileCondition(ir.appliesWhen),
    noneKnown: ir.rules.map(() => 0),
    touchRules: ruleRuntimes.filter((r) => r.kind === "at-most" || r.kind === "at-least"),
    signalRules,
    engagement: new Set(ir.engagement.filter((e) => e !== "auto_reply")),
    channels: new Set(ir.channels),
    channelsText: ir.channels.map(code).join(", ") || "no channel",
    holidays,
    calendars: new Map(),
    sums: new Map(),
  };
}

/**
 * The zone of a contact under a policy: read from the policy's `timezone
 * from` path (normally `contact.timezone`), else the policy's fallback.
 */
export function makeContext(rt: Runtime, contact: Contact): Context {
  let zone: string | undefined;
  const from = rt.ir.timezone.from;
  if (from[0] === "contact" && from.length === 2 && from[1] === "timezone") {
    zone = contact.timezone;
  } else if (from[0] === "contact" && from.length >= 2) {
    const name = from[from.length === 3 && from[1] === "attributes" ? 2 : 1]!;
    const value = contact.attributes?.[name];
    if (typeof value === "string") {
      if (!knownZone(value)) {
        throw new HeedInputError(
          "unknown-timezone",
          `contact.attributes.${name}`,
          `unknown time zone \`${value}\` in \`contact.attributes.${name}\` (expected an IANA name such as \`America/New_York\`)`,
        );
      }
      zone = value;
    }
  }
  const fallback = rt.ir.timezone.fallback;
  if (zone === undefined && fallback !== null && knownZone(fallback)) zone = fallback;
  let calendar: Calendar | undefined;
  let sums: BusinessSums | undefined;
  if (zone !== undefined) {
    calendar = rt.calendars.get(zone);
    sums = rt.sums.get(zone);
    if (calendar === undefined || sums === undefined) {
      calendar = { zone, holidays: rt.holidays };
      sums = new Map();
      rt.calendars.set(zone, calendar);
      rt.sums.set(zone, sums);
    }
  }
  return { contact, zone, calendar, sums, log: undefined };
}

/** The counters of spec section 2 at `now`; `time_in_stage` in milliseconds. */
export function counters(st: PolicyState, now: number): Counters {
  return { ignored: st.ignored, touches: st.touches, total_touches: st.totalTouches, time_in_stage: now - st.entry };
}

/** A deep copy of a state. */
export function copyState(st: PolicyState): PolicyState {
  const memory = st.memory.slice();
  for (let i = 0; i < memory.length; i++) {
    const m = memory[i];
    if (Array.isArray(m)) memory[i] = m.slice();
  }
  return {
    stage: st.stage,
    entry: st.entry,
    ignored: st.ignored,
    touches: st.touches,
    totalTouches: st.totalTouches,
    pending: st.pending.slice(),
    through: st.through,
    memory,
  };
}

function initialMemory(rule: IrRule): RuleMemory {
  switch (memoryShape(rule)) {
    case "instants":
      return [];
    case "flag":
      return false;
    default:
      return null;
  }
}

/** A contact entering the policy's start stage at `at` (its `when` transitions tried at once). */
export function enterPolicy(rt: Runtime, ctx: Context, at: number): PolicyState {
  const st: PolicyState = {
    stage: rt.ir.start,
    entry: at,
    ignored: 0,
    touches: 0,
    totalTouches: 0,
    pending: [],
    through: at - 1,
    memory: rt.ir.rules.map(initialMemory),
  };
  ctx.log?.push({ at: formatInstant(at), policy: rt.ir.name, from: null, to: rt.ir.start, cause: "start" });
  enteredStage(rt, ctx, st, at, 0);
  return st;
}

/** Business-day sums by amount, then by starting instant: `at + amount business days`. */
export type BusinessSums = Map<number, Map<number, number>>;

/** How many sums per amount a zone remembers before starting afresh. */
const MAX_SUMS = 4096;

/** Adds a business-day or fixed duration; `undefined` when business days have no zone to count in. */
export function addIn(ctx: Context, at: number, d: IrDuration): number | undefined {
  if (d.unit !== "business-days") return addDuration(at, d.amount, d.unit, undefined);
  if (ctx.calendar === undefined) return undefined;
  // Walking the local calendar is the costly part of deciding: remember the sums (a pure function of zone, holidays and input).
  let memo = ctx.sums?.get(d.amount);
  const known = memo?.get(at);
  if (known !== undefined) return known;
  const sum = addDuration(at, d.amount, d.unit, ctx.calendar);
  if (ctx.sums !== undefined) {
    if (memo === undefined) {
      memo = new Map();
      ctx.sums.set(d.amount, memo);
    }
    if (memo.size >= MAX_SUMS) memo.clear();
    memo.set(at, sum);
  }
  return sum;
}

/** The first timer due after `st.through`, if any: an ignore window's end or an `after DURATION` transition. */
export function nextTimer(rt: Runtime, ctx: Context, st: PolicyState): number | undefined {
  let next = st.pending[0];
  const elapsed = rt.stages.get(st.stage)!.elapsed;
  for (let i = 0; i < elapsed.length; i++) {
    const due = addIn(ctx, st.entry, elapsed[i]!);
    if (due !== undefined && due > st.through && (next === undefined || due < next)) next = due;
  }
  return next;
}

/** Processes every timer due at or before `limit`. */
export function advance(rt: Runtime, ctx: Context, st: PolicyState, limit: number): void {
  for (;;) {
    const due = nextTimer(rt, ctx, st);
    if (due === undefined || due > limit) break;
    st.through = due;
    let fired = false;
    while (st.pending.length > 0 && st.pending[0] === due) {
      st.pending.shift();
      st.ignored += 1;
      tryTransitions(rt, ctx, st, due, undefined);
      fired = true;
    }
    if (!fired) tryTransitions(rt, ctx, st, due, undefined);
  }
  if (limit > st.through) st.through = limit;
}

/** Applies one event (after the timers before it have been processed). */
export function applyEvent(rt: Runtime, ctx: Context, st: PolicyState, event: NormalEvent): void {
  if (event.type === "touch") {
    const channel = event.channel!;
    for (const r of rt.touchRules) {
      if (r.channels !== null && !r.channels.has(channel)) continue;
      if (r.kind === "at-least") {
        st.memory[r.index] = event.at;
      } else {
        const times = st.memory[r.index] as number[];
        times.push(event.at);
        if (times.length === r.count + 1) times.shift();
        else if (times.length > r.count) times.splice(0, times.length - r.count);
      }
    }
    st.touches += 1;
    st.totalTouches += 1;
    const end = addIn(ctx, event.at, rt.ir.ignoreWindow);
    if (end !== undefined) insertSorted(st.pending, end);
  } else {
    let scope: ConditionScope | undefined;
    for (const r of rt.signalRules.get(event.type) ?? NONE) {
      if (r.where !== null) {
        scope ??= { contact: ctx.contact, signal: event.props, counters: counters(st, event.at) };
        if (!r.where(scope)) continue;
      }
      if (r.kind === "never-within") {
        const end = addIn(ctx, event.at, r.duration!) ?? event.at;
        const previous = st.memory[r.index] as number | null;
        if (previous === null || end > previous) st.memory[r.index] = end;
      } else {
        st.memory[r.index] = true;
      }
    }
    if (rt.engagement.has(event.type)) {
      st.pending.length = 0;
      st.ignored = 0;
    }
  }
  tryTransitions(rt, ctx, st, event.at, event);
}

const NONE: readonly RuleRuntime[] = [];

function insertSorted(list: number[], value: number): void {
  let i = list.length;
  while (i > 0 && list[i - 1]! > value) i--;
  if (i === list.length) list.push(value);
  else list.splice(i, 0, value);
}

function matches(rt: Runtime, ctx: Context, st: PolicyState, t: IrTransition, now: number, event: NormalEvent | undefined): boolean {
  const trigger = t.trigger;
  switch (trigger.kind) {
    case "ignored":
      return st.ignored >= trigger.count;
    case "touches":
      return st.touches >= trigger.count;
    case "elapsed": {
      // Its timer must have fired: at one instant, events come before timers.
      const due = addIn(ctx, st.entry, trigger.duration);
      return due !== undefined && due <= st.through && due <= now;
    }
    case "signal":
      if (event === undefined || event.type !== trigger.signal) return false;
      return (
        trigger.where === null ||
        compileCondition(trigger.where)({ contact: ctx.contact, signal: event.props, counters: counters(st, now) })
      );
    case "when":
      return compileCondition(trigger.condition)({ contact: ctx.contact, counters: counters(st, now) });
  }
}

/**
 * Tries the stage's transitions, then the policy-wide ones (never out of a
 * final stage); the first that matches fires. A transition to the stage the
 * contact is already in enters it again (counters reset, windows dropped).
 */
function tryTransitions(rt: Runtime, ctx: Context, st: PolicyState, now: number, event: NormalEvent | undefined): void {
  const info = rt.stages.get(st.stage)!;
  const list = event === undefined ? info.anyEvent : (info.byEvent.get(event.type) ?? info.anyEvent);
  const fired = firstMatch(rt, ctx, st, list, now, event);
  if (fired !== undefined) moveTo(rt, ctx, st, fired, now, 0);
}

function firstMatch(
  rt: Runtime,
  ctx: Context,
  st: PolicyState,
  list: readonly IrTransition[],
  now: number,
  event: NormalEvent | undefined,
): IrTransition | undefined {
  for (let i = 0; i < list.length; i++) {
    const t = list[i]!;
    if (matches(rt, ctx, st, t, now, event)) return t;
  }
  return undefined;
}

function moveTo(rt: Runtime, ctx: Context, st: PolicyState, t: IrTransition, now: number, hops: number): void {
  ctx.log?.push({
    at: formatInstant(now),
    policy: rt.ir.name,
    from: st.stage,
    to: t.target,
    cause: t.cause,
    ...(t.span ? { span: t.span } : {}),
  });
  st.stage = t.target;
  st.entry = now;
  st.ignored = 0;
  st.touches = 0;
  st.pending.length = 0;
  enteredStage(rt, ctx, st, now, hops + 1);
}

/** On entering a stage its `when` transitions (then the policy-wide ones) are tried at once, up to {@link MAX_CHAIN} hops. */
function enteredStage(rt: Runtime, ctx: Context, st: PolicyState, now: number, hops: number): void {
  if (hops >= MAX_CHAIN) return;
  const whens = rt.stages.get(st.stage)!.whens;
  if (whens.length === 0) return;
  const fired = firstMatch(rt, ctx, st, whens, now, undefined);
  if (fired !== undefined) moveTo(rt, ctx, st, fired, now, hops);
}
