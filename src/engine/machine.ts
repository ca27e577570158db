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

import { HeedInputError } from "../diagnostics.js";
import type { ConditionScope } from "./conditions.js";
import { addIn, type Context } from "./context.js";
import type { NormalEvent } from "./input.js";
import type { CompiledTransition, Runtime, SignalEffect, StageRuntime } from "./runtime.js";
import { counters, type PolicyState } from "./state.js";
import { formatInstant } from "./time.js";
import { propValue } from "./facts.js";

/** How many `when` transitions may fire in a row on entering stages before the chain stops. */
export const MAX_CHAIN = 64;

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
    memory: rt.rules.map((r) => r.memory.initial()),
  };
  // a count starts at 0, a latest prop is missing
  if (rt.facts.length > 0) st.facts = rt.facts.map((f) => (f.ir.kind === "last" ? null : 0));
  ctx.log?.push({ at: formatInstant(at), policy: rt.ir.name, from: null, to: rt.ir.start, cause: "start" });
  enteredStage(rt, ctx, st, at, 0);
  return st;
}

/**
 * The runtime of the contact's stage. Remembered in the context: an event
 * looks the stage up for its timers and again for its transitions, and
 * nearly always finds it where the last event left it.
 */
function stageOf(rt: Runtime, ctx: Context, st: PolicyState): StageRuntime {
  if (ctx.stageName === st.stage) return ctx.stageInfo!;
  const info = rt.stages.get(st.stage)!;
  ctx.stageName = st.stage;
  ctx.stageInfo = info;
  return info;
}

/** The first timer due after `st.through`, if any: an ignore window's end or an `after DURATION` transition. */
export function nextTimer(rt: Runtime, ctx: Context, st: PolicyState): number | undefined {
  let next = st.pending[0];
  const elapsed = stageOf(rt, ctx, st).elapsed;
  for (let i = 0; i < elapsed.length; i++) {
    const due = addIn(ctx, st.entry, elapsed[i]!);
    if (due !== undefined && due > st.through && (next === undefined || due < next)) next = due;
  }
  return next;
}

/**
 * The most `after` timers one walk processes (between two events, or up to
 * a decision). Loops of timers of fixed lengths are passed over by whole
 * periods; one counted in business days is not periodic, and is followed
 * timer by timer, each a walk through the local calendar: 2,000 of them
 * are at least 7 years of a stage restarted every business day, 230 years
 * of one restarted every 30, and take a fraction of a second.
 */
export const MAX_TIMERS = 2_000;

/** Processes every timer due at or before `limit` (at most {@link MAX_TIMERS}, else a `too-many-timers` input error). */
export function advance(rt: Runtime, ctx: Context, st: PolicyState, limit: number): void {
  // Stages entered at a timer, with the entry instant and how many stages without a fixed period had been entered by then.
  let entered: Map<string, [number, number]> | undefined;
  let aperiodic = 0;
  // `after` timers fired: ignore windows are not counted, each touch opens only one
  let fired = 0;
  for (;;) {
    const due = nextTimer(rt, ctx, st);
    // `!(due <= limit)` and not `due > limit`: a timer that is not a number must end the walk, never spin it.
    if (due === undefined || !(due <= limit)) break;
    if (fired >= MAX_TIMERS) {
      throw new HeedInputError(
        "too-many-timers",
        "at",
        `the \`after\` transitions of policy \`${rt.ir.name}\` would fire more than ${String(MAX_TIMERS).replace(/\B(?=(\d{3})+(?!\d))/g, ",")} times before ${formatInstant(limit)} (a loop counted in business days, over years): decide nearer the contact's history`,
      );
    }
    st.through = due;
    let windowEnded = false;
    while (st.pending.length > 0 && st.pending[0] === due) {
      st.pending.shift();
      st.ignored += 1;
      tryTransitions(rt, ctx, st, due, undefined);
      windowEnded = true;
    }
    if (!windowEnded) {
      fired++;
      tryTransitions(rt, ctx, st, due, undefined);
    }
    if (st.entry !== due || st.pending.length > 0) continue;
    // A stage was entered at this timer. Without events, what follows depends only on the stage and
    // the time since entry: when the walk enters a stage it entered at an earlier timer, through
    // stages whose timers all have fixed lengths, it is in a loop of period `due - earlier`
    // (`after 1 minute move to SAME`), and whole periods are passed over at once.
    if (!rt.stages.get(st.stage)!.fixedTimers) {
      aperiodic++;
      continue;
    }
    entered ??= new Map();
    const before = entered.get(st.stage);
    entered.set(st.stage, [due, aperiodic]);
    if (before === undefined || before[1] !== aperiodic) continue;
    const period = due - before[0];
    const periods = Math.floor((limit - due) / period);
    if (periods < 1) continue;
    st.entry = due + periods * period;
    st.through = st.entry;
    entered.set(st.stage, [st.entry, aperiodic]);
    ctx.log?.push({
      at: formatInstant(st.entry),
      policy: rt.ir.name,
      from: st.stage,
      to: st.stage,
      cause: `the same loop of timers, ${periods} more ${periods === 1 ? "time" : "times"} since ${formatInstant(due)}`,
    });
  }
  if (limit > st.through) st.through = limit;
}

/** Applies one event (after the timers before it have been processed). */
export function applyEvent(rt: Runtime, ctx: Context, st: PolicyState, event: NormalEvent): void {
  if (event.type === "touch") {
    const channel = event.channel!;
    const rules = rt.touchRules;
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i]!;
      if (r.channels !== null && !r.channels.has(channel)) continue;
      st.memory[r.index] = r.onTouch(st.memory[r.index]!, event.at, event.props);
    }
    st.touches += 1;
    st.totalTouches += 1;
    const counts = rt.touchFacts;
    for (let i = 0; i < counts.length; i++) {
      const f = rt.facts[counts[i]!]!;
      if (f.channels === null || f.channels.has(channel)) setFact(rt, ctx, st, counts[i]!, (st.facts![counts[i]!] as number) + 1, event.at);
    }
    const end = addIn(ctx, event.at, rt.ir.ignoreWindow);
    if (end !== undefined) insertSorted(st.pending, end);
  } else {
    // one look-up per event: most events are of a type that does nothing but try the transitions
    const effect = rt.signals.get(event.type);
    if (effect !== undefined) applySignal(rt, ctx, st, event, effect);
  }
  tryTransitions(rt, ctx, st, event.at, event);
}

/** What a signal does besides the transitions: its facts, then the rules that remember it, then engagement. */
function applySignal(rt: Runtime, ctx: Context, st: PolicyState, event: NormalEvent, effect: SignalEffect): void {
  // the facts first: a condition attached to the event reads them after its own effect (spec section 8.2)
  const facts = effect.facts;
  if (facts.length > 0) {
    const before: ConditionScope = { contact: ctx.contact, signal: event.props, counters: counters(st, event.at) };
    for (let k = 0; k < facts.length; k++) {
      const i = facts[k]!;
      const f = rt.facts[i]!;
      if (f.where !== null && !f.where(before)) continue;
      const ir = f.ir;
      setFact(rt, ctx, st, i, ir.kind === "last" ? propValue(event.props, ir.prop) : (st.facts![i] as number) + 1, event.at);
    }
  }
  const rules = effect.rules;
  let scope: ConditionScope | undefined;
  for (let k = 0; k < rules.length; k++) {
    const r = rules[k]!;
    if (r.where !== null) {
      scope ??= { contact: ctx.contact, signal: event.props, counters: counters(st, event.at), factValues: st.facts };
      if (!r.where(scope)) continue;
    }
    st.memory[r.index] = r.onSignal(st.memory[r.index]!, event.at, ctx);
  }
  if (effect.engagement) {
    st.pending.length = 0;
    st.ignored = 0;
  }
}

/** Sets a fact's value, noting the change for explanations. */
function setFact(rt: Runtime, ctx: Context, st: PolicyState, index: number, value: unknown, at: number): void {
  const facts = st.facts!;
  const before = facts[index];
  facts[index] = value;
  if (ctx.facts !== undefined && !sameValue(before, value)) {
    ctx.facts.push({ at: formatInstant(at), policy: rt.ir.name, fact: rt.facts[index]!.text, value: value === null ? null : value });
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function insertSorted(list: number[], value: number): void {
  let i = list.length;
  while (i > 0 && list[i - 1]! > value) i--;
  if (i === list.length) list.push(value);
  else list.splice(i, 0, value);
}

function matches(ctx: Context, st: PolicyState, t: CompiledTransition, now: number, event: NormalEvent | undefined): boolean {
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
      return t.condition === null || t.condition({ contact: ctx.contact, signal: event.props, counters: counters(st, now), factValues: st.facts });
    case "when":
      return t.condition!({ contact: ctx.contact, counters: counters(st, now), factValues: st.facts });
  }
}

/**
 * Tries the stage's transitions, then the policy-wide ones (never out of a
 * final stage); the first that matches fires. A transition to the stage the
 * contact is already in enters it again (counters reset, windows dropped).
 */
function tryTransitions(rt: Runtime, ctx: Context, st: PolicyState, now: number, event: NormalEvent | undefined): void {
  const info = stageOf(rt, ctx, st);
  const list = event === undefined ? info.anyEvent : (info.byEvent.get(event.type) ?? info.anyEvent);
  const fired = firstMatch(ctx, st, list, now, event);
  if (fired !== undefined) moveTo(rt, ctx, st, fired, now, 0);
}

function firstMatch(ctx: Context, st: PolicyState, list: readonly CompiledTransition[], now: number, event: NormalEvent | undefined): CompiledTransition | undefined {
  for (let i = 0; i < list.length; i++) {
    const t = list[i]!;
    if (matches(ctx, st, t, now, event)) return t;
  }
  return undefined;
}

function moveTo(rt: Runtime, ctx: Context, st: PolicyState, t: CompiledTransition, now: number, hops: number): void {
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
  // `touches(CHANNELS)` counts in the stage, as `touches` does
  const stageFacts = rt.stageFacts;
  for (let i = 0; i < stageFacts.length; i++) st.facts![stageFacts[i]!] = 0;
  enteredStage(rt, ctx, st, now, hops + 1);
}

/** On entering a stage its `when` transitions (then the policy-wide ones) are tried at once, up to {@link MAX_CHAIN} hops. */
function enteredStage(rt: Runtime, ctx: Context, st: PolicyState, now: number, hops: number): void {
  if (hops >= MAX_CHAIN) return;
  const whens = stageOf(rt, ctx, st).whens;
  if (whens.length === 0) return;
  const fired = firstMatch(ctx, st, whens, now, undefined);
  if (fired !== undefined) moveTo(rt, ctx, st, fired, now, hops);
}
