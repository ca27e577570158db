/**
 * IR -> runtime: a compiled policy with the lookups the machine and the
 * decision need, made once per compiled engine: each rule made into a
 * {@link CompiledRule} by its kind, each stage's rules and transitions
 * listed in the order they are tried, per channel and per event type.
 *
 * @module
 */

import type { Policy, Rule } from "../ast.js";
import { code, MESSAGE_STYLE, printRule } from "../print.js";
import type { Fact } from "../ast.js";
import { compileCondition, readsPath, readsStageState, stageTimeFlips, type CompiledCondition, type FactSlots } from "./conditions.js";
import { factKey, factText, irFact } from "./facts.js";
import type { IrDuration, IrFact, IrPolicy, IrStage, IrTransition } from "./ir.js";
import { NO_MINUTES } from "./rules/kind.js";
import type { CompiledRule, IrRule, RuleEnv } from "./rules/index.js";
import { ruleKind } from "./rules/index.js";
import { HolidayTable, type RegionHolidays } from "./holidays.js";
import { holidayDays, type Calendar, type DateHolidays, type ZoneTable } from "./time.js";
import type { Verdict } from "./verdict.js";

/** A transition as the machine tries it: its condition (`on ... where`, `when`) made into a function once. */
export interface CompiledTransition {
  readonly trigger: IrTransition["trigger"];
  readonly target: string;
  readonly cause: string;
  readonly span: IrTransition["span"];
  /** The `where` of an `on` trigger, or the condition of a `when` trigger, as a function; null otherwise. */
  readonly condition: CompiledCondition | null;
}

function compiledTransition(t: IrTransition, slots: FactSlots): CompiledTransition {
  const condition = t.trigger.kind === "when" ? t.trigger.condition : t.trigger.kind === "signal" ? t.trigger.where : null;
  return { trigger: t.trigger, target: t.target, cause: t.cause, span: t.span, condition: condition === null ? null : compileCondition(condition, slots) };
}

/** A fact as the machine keeps it up to date (spec section 8.2). */
export interface CompiledFact {
  readonly ir: IrFact;
  /** How explanations name it. */
  readonly text: string;
  /** For a signal's fact: the `where` the signal must meet, or null. */
  readonly where: CompiledCondition | null;
  /** For a count of touches: the channels counted, or null for every channel. */
  readonly channels: ReadonlySet<string> | null;
}

/** What the machine and the decision need of one stage, looked up once per step. */
export interface StageRuntime {
  readonly stage: IrStage;
  /** The rules that apply in the stage: its own, then the policy-wide ones. */
  readonly rules: readonly CompiledRule[];
  /**
   * Of {@link rules}, per declared channel, those that speak of it (their
   * channel list names it, or they have none), in the same order; a touch on
   * any other channel meets only {@link anyChannelRules}.
   */
  readonly channelRules: ReadonlyMap<string, readonly CompiledRule[]>;
  /** Of {@link rules}, those without a channel list. */
  readonly anyChannelRules: readonly CompiledRule[];
  /** The ids of the stage's own checks, as reasons name them (`nurture.allow`, `closed.final`). */
  readonly allowRule: string;
  readonly finalRule: string;
  /** The stage's `allow` list as messages print it (`` `email`, `call` `` or `no channel`). */
  readonly allowedText: string;
  /** The stage's `allow` list as a set (a policy may declare thousands of channels), or null when the stage allows every declared channel. */
  readonly allowed: ReadonlySet<string> | null;
  /**
   * The declared channels for which the stage's rules defer every minute of
   * the day (quiet hours that cover it: {@link CompiledRule.deferredMinutes}):
   * no instant is ever allowed for them while the contact stays here, so
   * following a deferral skips to the stage's next timer instead of from
   * one quiet-hours end to the next for a year.
   */
  readonly quietAllDay: ReadonlySet<string>;
  /**
   * The transitions tried in the stage: its own in source order, then the
   * policy-wide ones; none from a final stage.
   */
  readonly transitions: readonly IrTransition[];
  /**
   * Of {@link transitions}, those an event of a given type can fire, in
   * order: the `on` transitions naming it and every transition that is not
   * an `on`; {@link anyEvent} for the other types. Trying only these gives
   * the same first match as trying all: an `on` transition never matches
   * another type.
   */
  readonly byEvent: ReadonlyMap<string, readonly CompiledTransition[]>;
  /** The transitions that are not `on` a signal, in order: what a timer or an event of an unnamed type can fire. */
  readonly anyEvent: readonly CompiledTransition[];
  /** The transitions with a `when` trigger, tried on entering the stage. */
  readonly whens: readonly CompiledTransition[];
  /** The durations of the `after DURATION` transitions: the stage's timers. */
  readonly elapsed: readonly IrDuration[];
  /** Its timers all have fixed lengths (none counts business days): without events, what happens in it repeats with entry. */
  readonly fixedTimers: boolean;
  /**
   * No rule in force reads what restarting the stage changes
   * ({@link CompiledRule.readsStage}): its rules judge a touch alike before
   * and after the contact re-enters it.
   */
  readonly restartFree: boolean;
  /**
   * The stage's way out depends on counting business days (an `after N
   * ignored touches` transition with a business-day ignore window, or an
   * `after N business days` transition, of the stage or policy-wide):
   * without a zone, touches there are denied.
   */
  readonly timersNeedZone: boolean;
}

/** A compiled policy with the lookups the machine needs at run time. */
export interface Runtime {
  readonly ir: IrPolicy;
  /** Every stage by name. */
  readonly stages: ReadonlyMap<string, StageRuntime>;
  /** Every rule, in the order of `IrPolicy.rules`. */
  readonly rules: readonly CompiledRule[];
  /** The policy's `applies when` condition made into a function, or null when the policy applies to every contact and touch. */
  readonly applies: CompiledCondition | null;
  /** One empty entry per rule: what a decision's record of the rules judged starts as (copying it is cheaper than filling a new array). */
  readonly noneKnown: readonly (Verdict | undefined)[];
  /** The longest {@link CompiledRule.accountReach} of its rules, or null when none reads the account's touches. */
  readonly accountWindow: number | null;
  /** The rules whose memory a touch changes. */
  readonly touchRules: readonly CompiledRule[];
  /** Per signal type, what an event of that type does besides the transitions (types absent do nothing more). */
  readonly signals: ReadonlyMap<string, SignalEffect>;
  readonly channels: ReadonlySet<string>;
  /** The declared channels as messages print them (`` `email`, `call` `` or `no channel`). */
  readonly channelsText: string;
  /** The dates the policy lists as holidays. */
  readonly holidays: DateHolidays;
  /** The zones the engine has met (shared by the policies of one compiled engine). */
  readonly zones: ZoneTable;
  /** The facts its conditions read, in the order of `IrPolicy.facts` (and of a state's `facts`). */
  readonly facts: readonly CompiledFact[];
  /** The facts that count touches (their indices). */
  readonly touchFacts: readonly number[];
  /** The facts that count touches in the stage, which entering a stage resets. */
  readonly stageFacts: readonly number[];
  /** The regions' public holidays the engine has looked up (shared by the policies of one compiled engine). */
  readonly holidayTable: HolidayTable;
  /** Under `holidays from`: per region code, that region's holidays with the policy's dates (made on first use). */
  readonly regions: Map<string, RegionHolidays>;
  /**
   * Per zone name (and region code, under `holidays from`), the calendar of
   * this policy's holidays there (made on first use, with its business-day sums).
   */
  readonly calendars: Map<string, Calendar>;
}

/** The rules of a policy in the order of `IrPolicy.rules`: stage by stage, then the policy-wide ones. */
function rulesInOrder(policy: Policy): Rule[] {
  return [...policy.stages.flatMap((s) => s.rules), ...policy.rules];
}

/** A rule as the engine runs it: every field set, in one order, so that all share one shape. */
function compiledRule(rule: IrRule, source: Rule, index: number, env: RuleEnv): CompiledRule {
  const kind = ruleKind(rule);
  const behaviour = kind.behaviour(rule, env);
  const where = behaviour.signal?.where ?? null;
  // `when` / `unless` (spec section 8.3): what the condition reads makes the rule read it too
  const condition = rule.condition ?? null;
  const flips = condition === null ? null : stageTimeFlips(condition);
  return {
    index,
    id: rule.id,
    code: kind.code,
    text: printRule(source, MESSAGE_STYLE),
    span: rule.span,
    channels: rule.channels === null ? null : new Set(rule.channels),
    tagged: behaviour.tagged,
    needsZone: behaviour.needsZone,
    needsCalendar: behaviour.needsCalendar ?? false,
    readsChannel: behaviour.readsChannel || (condition !== null && readsPath(condition, "touch", "channel")),
    timeless: behaviour.timeless && flips === null,
    countsTouches: behaviour.countsTouches,
    readsStage: behaviour.readsStage || (condition !== null && readsStageState(condition)),
    // a rule that may not apply defers at no fixed minutes of the day
    deferredMinutes: condition === null ? behaviour.deferredMinutes : NO_MINUTES,
    accountReach: behaviour.accountReach ?? null,
    signal: behaviour.signal?.type ?? null,
    where: where === null ? null : compileCondition(where, env.slots),
    kind,
    memory: behaviour.memory ?? kind.memory,
    applies: condition === null ? null : compileCondition(condition, env.slots),
    nextFlip: flips === null ? null : (st, scope, t) => flips(scope, st.entry, t),
    ir: rule,
    onTouch: behaviour.onTouch,
    onSignal: behaviour.onSignal,
    check: behaviour.check,
    detail: behaviour.detail,
  };
}

/** See {@link StageRuntime.quietAllDay}; only untagged rules count (a tagged one lets other touches through). */
function quietAllDay(rules: readonly CompiledRule[], channels: readonly string[]): ReadonlySet<string> {
  const quiet = rules.filter((r) => r.deferredMinutes.length > 0 && r.tagged === null);
  const found = new Set<string>();
  if (quiet.length === 0) return found;
  const named = new Set<string>();
  for (const r of quiet) if (r.channels !== null) for (const c of r.channels) named.add(c);
  const everyChannel = coversDay(quiet.filter((r) => r.channels === null));
  for (const channel of channels) {
    // a channel no such rule names has the deferred minutes of every channel
    const covered = named.has(channel) ? coversDay(quiet.filter((r) => r.channels === null || r.channels.has(channel))) : everyChannel;
    if (covered) found.add(channel);
  }
  return found;
}

/** True when the rules' deferred minutes together cover all 1,440 minutes of the day. */
function coversDay(rules: readonly CompiledRule[]): boolean {
  const spans = rules.flatMap((r) => r.deferredMinutes).sort((a, b) => a[0] - b[0]);
  let reached = 0;
  for (const [start, end] of spans) {
    if (start > reached) return false;
    if (end > reached) reached = end;
  }
  return reached >= 1440;
}

/**
 * Per signal named by an `on` transition, the transitions an event of that
 * type can fire, in order: its own `on` transitions merged with those that
 * are not `on` a signal. Built per type from the two lists, never by
 * scanning every transition for every type (a policy may have thousands).
 */
function eventLists(transitions: readonly CompiledTransition[]): Map<string, CompiledTransition[]> {
  const own = new Map<string, number[]>();
  const others: number[] = [];
  transitions.forEach((t, i) => {
    if (t.trigger.kind !== "signal") others.push(i);
    else if (own.has(t.trigger.signal)) own.get(t.trigger.signal)!.push(i);
    else own.set(t.trigger.signal, [i]);
  });
  const lists = new Map<string, CompiledTransition[]>();
  for (const [type, mine] of own) {
    const list: CompiledTransition[] = [];
    let a = 0;
    let b = 0;
    while (a < mine.length || b < others.length) {
      const next = b >= others.length || (a < mine.length && mine[a]! < others[b]!) ? mine[a++]! : others[b++]!;
      list.push(transitions[next]!);
    }
    lists.set(type, list);
  }
  return lists;
}

/** What an event of one signal type does besides the transitions, found by one look-up per event. */
export interface SignalEffect {
  /** The facts it changes (their indices), in order. */
  readonly facts: readonly number[];
  /** The rules whose memory it changes, in order. */
  readonly rules: readonly CompiledRule[];
  /** It is engagement: it ends the pending ignore windows and the streak of ignored touches. */
  readonly engagement: boolean;
}

/** Per signal type, its {@link SignalEffect}; `auto_reply` is never engagement. */
function signalEffects(irFacts: readonly IrFact[], rules: readonly CompiledRule[], engagement: readonly string[]): Map<string, SignalEffect> {
  const effects = new Map<string, { facts: number[]; rules: CompiledRule[]; engagement: boolean }>();
  const of = (type: string): { facts: number[]; rules: CompiledRule[]; engagement: boolean } => {
    let effect = effects.get(type);
    if (effect === undefined) effects.set(type, (effect = { facts: [], rules: [], engagement: false }));
    return effect;
  };
  irFacts.forEach((f, i) => {
    if (f.kind !== "touches") of(f.signal).facts.push(i);
  });
  for (const r of rules) if (r.signal !== null) of(r.signal).rules.push(r);
  for (const type of engagement) if (type !== "auto_reply") of(type).engagement = true;
  return effects;
}

/**
 * Prepares a compiled policy for running; `policy` is the policy it was
 * compiled from (rules' texts are printed from it), `zones` and
 * `holidayTable` the compiled engine's tables of zones and of regions' holidays.
 */
export function makeRuntime(ir: IrPolicy, policy: Policy, zones: ZoneTable, holidayTable: HolidayTable = new HolidayTable()): Runtime {
  const sources = rulesInOrder(policy);
  const byId = new Map(ir.rules.map((r, i) => [r.id, i] as const));
  const policyWide = ir.policyRules.map((id) => byId.get(id)!);
  const isBusiness = (d: IrDuration): boolean => d.unit === "business-days";
  const holidays = holidayDays(ir.holidays);
  const irFacts = ir.facts ?? [];
  const factIndex = new Map(irFacts.map((f, i) => [factKey(f), i] as const));
  const slots: FactSlots = (fact: Fact) => factIndex.get(factKey(irFact(fact)));
  const facts = irFacts.map(
    (f): CompiledFact => ({
      ir: f,
      text: factText(f),
      where: f.kind !== "touches" && f.where !== null ? compileCondition(f.where) : null,
      channels: f.kind === "touches" && f.channels !== null ? new Set(f.channels) : null,
    }),
  );
  const env: RuleEnv = { holidays, slots };
  const rules = ir.rules.map((r, i) => compiledRule(r, sources[i]!, i, env));
  const signals = signalEffects(irFacts, rules, ir.engagement);
  const needsZone = (t: IrTransition): boolean =>
    (t.trigger.kind === "ignored" && isBusiness(ir.ignoreWindow)) || (t.trigger.kind === "elapsed" && isBusiness(t.trigger.duration));
  // each transition compiled once (a policy-wide one is tried in every stage)
  const compiled = new Map<IrTransition, CompiledTransition>();
  const compile = (t: IrTransition): CompiledTransition => {
    let c = compiled.get(t);
    if (c === undefined) compiled.set(t, (c = compiledTransition(t, slots)));
    return c;
  };
  const stages = new Map<string, StageRuntime>();
  for (const stage of ir.stages) {
    const transitions = stage.final ? [] : [...stage.transitions, ...ir.transitions];
    const tried = transitions.map(compile);
    const byEvent = eventLists(tried);
    const inForce = [...stage.rules.map((id) => byId.get(id)!), ...policyWide].map((i) => rules[i]!);
    const speaksOf = (channel: string | null) => inForce.filter((r) => r.channels === null || (channel !== null && r.channels.has(channel)));
    stages.set(stage.name, {
      stage,
      rules: inForce,
      channelRules: new Map(ir.channels.map((channel) => [channel, speaksOf(channel)])),
      anyChannelRules: speaksOf(null),
      allowRule: `${stage.name}.allow`,
      finalRule: `${stage.name}.final`,
      allowedText: stage.allow === null || stage.allow.length === 0 ? "no channel" : stage.allow.map(code).join(", "),
      allowed: stage.allow === null ? null : new Set(stage.allow),
      quietAllDay: quietAllDay(inForce, ir.channels),
      transitions,
      byEvent,
      anyEvent: tried.filter((t) => t.trigger.kind !== "signal"),
      whens: tried.filter((t) => t.trigger.kind === "when"),
      elapsed: transitions.flatMap((t) => (t.trigger.kind === "elapsed" ? [t.trigger.duration] : [])),
      fixedTimers: transitions.every((t) => t.trigger.kind !== "elapsed" || !isBusiness(t.trigger.duration)),
      restartFree: inForce.every((r) => !r.readsStage),
      timersNeedZone: transitions.some(needsZone),
    });
  }
  return {
    ir,
    stages,
    rules,
    applies: ir.appliesWhen === null ? null : compileCondition(ir.appliesWhen, slots),
    noneKnown: ir.rules.map(() => undefined),
    accountWindow: rules.reduce<number | null>((longest, r) => (r.accountReach === null || (longest !== null && longest >= r.accountReach) ? longest : r.accountReach), null),
    touchRules: rules.filter((r) => r.countsTouches),
    signals,
    channels: new Set(ir.channels),
    channelsText: ir.channels.map(code).join(", ") || "no channel",
    holidays,
    zones,
    holidayTable,
    regions: new Map(),
    calendars: new Map(),
    facts,
    touchFacts: irFacts.flatMap((f, i) => (f.kind === "touches" ? [i] : [])),
    stageFacts: irFacts.flatMap((f, i) => (f.kind === "touches" && f.stage ? [i] : [])),
  };
}
