/**
 * The instants at which two policies' decisions can change. A decision is
 * constant between the boundaries the policies name: the times of day they
 * speak of (and local midnight), week starts, the edges of business days on
 * either policy's calendar, and every duration they measure, counted from
 * every earlier event and from every stage entry. The semantic diff places
 * events and proposes touches at these instants and one minute after each.
 *
 * @module
 */

import type { Expr, Operand } from "../ast.js";
import type { Engine, Snapshot } from "../engine/api.js";
import type { IrDuration, IrTimeOfDay, PolicyStructure } from "../engine/index.js";
import type { PolicyState } from "../engine/state.js";
import { addDuration, businessDayStart, isBusinessDay, nextCalendarWindowStart, type Calendar, type Zone } from "../engine/time.js";
import { printDuration, printTime } from "../print.js";

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

/** What the two policies name that a decision can turn on. */
export interface BoundarySet {
  /** Every duration either policy measures (windows, waits, ignore windows, timers, durations in conditions). */
  readonly durations: readonly IrDuration[];
  /** Every time of day either policy names, with local midnight. */
  readonly times: readonly IrTimeOfDay[];
  /** The contact's zone. */
  readonly zone: Zone;
  /** Each policy's business-day calendar in the contact's zone (one when both have the same holidays). */
  readonly calendars: readonly Calendar[];
  /** Each policy's holidays, as written (dates). */
  readonly holidays: readonly string[];
  /** The holiday regions (`holidays from`) whose calendars the contacts explored have: fallbacks and regions tried. */
  readonly regions: readonly string[];
}

/** The durations and times of day named by two compiled policies. */
export function namedBoundaries(machines: readonly PolicyStructure[], zone: Zone, calendars: readonly Calendar[], regions: readonly string[] = []): BoundarySet {
  const durations = new Map<string, IrDuration>();
  const times = new Map<number, IrTimeOfDay>([[0, { hour: 0, minute: 0 }]]);
  const addDurationOnce = (d: IrDuration): void => {
    if (d.amount > 0) durations.set(`${d.amount} ${d.unit}`, { amount: d.amount, unit: d.unit });
  };
  const holidays = new Set<string>();
  for (const m of machines) {
    addDurationOnce(m.ir.ignoreWindow);
    for (const h of m.ir.holidays) holidays.add(h);
    const transitions = [...m.ir.transitions, ...m.ir.stages.flatMap((s) => s.transitions)];
    for (const t of transitions) {
      if (t.trigger.kind === "elapsed") addDurationOnce(t.trigger.duration);
      if (t.trigger.kind === "when") for (const d of durationsIn(t.trigger.condition)) addDurationOnce(d);
      if (t.trigger.kind === "signal" && t.trigger.where !== null) for (const d of durationsIn(t.trigger.where)) addDurationOnce(d);
    }
    for (const rule of m.rules) {
      for (const d of rule.facts.durations) addDurationOnce(d);
      for (const c of rule.facts.conditions) for (const d of durationsIn(c)) addDurationOnce(d);
      for (const time of timesIn(rule.ir)) times.set(time.hour * 60 + time.minute, time);
    }
  }
  return {
    durations: [...durations.values()],
    times: [...times.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t),
    zone,
    calendars,
    holidays: [...holidays].sort(),
    regions,
  };
}

/** The boundaries in words, for the report: `14 days`, `21:00`, `local midnight`. */
export function describeBoundaries(set: BoundarySet): string[] {
  const words = set.durations.map((d) => `${printDuration(d)} after each event and each stage entry`);
  for (const t of set.times) words.push(t.hour === 0 && t.minute === 0 ? "local midnight" : `${printTime(t)} local`);
  words.push("the start of each week (Monday)");
  words.push("the start and end of each business day");
  for (const h of set.holidays) words.push(`holiday ${h}`);
  if (set.regions.length > 0) words.push(`the public holidays of ${set.regions.map((r) => `\`${r}\``).join(", ")} (the days they part on, each from the day before)`);
  return words;
}

/** Durations written in a condition (`time_in_stage > 30 days`). */
function durationsIn(e: Expr): IrDuration[] {
  const found: IrDuration[] = [];
  const visit = (o: Operand): void => {
    if (o.kind === "duration") found.push({ amount: o.amount, unit: o.unit });
  };
  const stack: Expr[] = [e];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    switch (top.kind) {
      case "compare":
        visit(top.left);
        visit(top.right);
        break;
      case "and":
      case "or":
        stack.push(top.left, top.right);
        break;
      case "not":
        stack.push(top.expr);
        break;
      default:
        break;
    }
  }
  return found;
}

/** Times of day held by a compiled rule, whatever its kind (`quiet hours 21:00 to 08:00`, and any kind added later). */
function timesIn(rule: object): IrTimeOfDay[] {
  const found: IrTimeOfDay[] = [];
  for (const value of Object.values(rule)) {
    if (typeof value === "object" && value !== null && typeof (value as IrTimeOfDay).hour === "number" && typeof (value as IrTimeOfDay).minute === "number") {
      found.push({ hour: (value as IrTimeOfDay).hour, minute: (value as IrTimeOfDay).minute });
    }
  }
  return found;
}

/** The first instant after `t` whose local time is `time` (the clocks' jump when it does not exist that day). */
export function nextLocalTime(t: number, time: IrTimeOfDay, zone: Zone): number {
  const offset = zone.offsetAt(t);
  const local = t + offset;
  let wanted = Math.floor(local / DAY) * DAY + (time.hour * 60 + time.minute) * MINUTE;
  if (wanted <= local) wanted += DAY;
  let at = wanted - offset;
  const there = zone.offsetAt(at);
  if (there !== offset) at = wanted - there;
  return at > t ? at : at + DAY;
}

/** The states a snapshot holds (one per policy), or none before the first event. */
export function snapshotStates(snapshot: Snapshot): readonly PolicyState[] {
  const states = (snapshot as unknown as { states: readonly PolicyState[] | null }).states;
  return states ?? [];
}

/**
 * The boundary instants at or after `t` and within `horizon` of it: the
 * durations from each reference instant (earlier events, stage entries),
 * the next occurrence of each time of day, the next week start, the next
 * edges of business days, each with the minute after it.
 */
export function boundaryInstants(set: BoundarySet, t: number, refs: readonly number[], horizon: number): number[] {
  const found = new Set<number>([t, t + MINUTE]);
  // Decisions are constant between two boundaries: a boundary and the minute after it stand for every
  // instant up to the next one (the minute before a boundary lies in the span after the boundary before it).
  const add = (x: number): void => {
    for (const at of [x, x + MINUTE]) if (at >= t && at <= t + horizon) found.add(at);
  };
  for (const ref of refs) {
    for (const d of set.durations) {
      if (d.unit === "business-days") for (const cal of set.calendars) add(addDuration(ref, d.amount, d.unit, cal));
      else add(addDuration(ref, d.amount, d.unit, undefined));
    }
  }
  for (const time of set.times) add(nextLocalTime(t, time, set.zone));
  add(nextCalendarWindowStart(t, "week", set.zone));
  for (const cal of set.calendars) {
    // the next midnight where a business day starts, and the next where one ends
    const starts = businessDayStart(nextCalendarWindowStart(t, "day", set.zone), cal);
    add(starts);
    let day = t;
    for (let i = 0; i < 14; i++) {
      day = nextCalendarWindowStart(day, "day", set.zone);
      if (!isBusinessDay(day, cal)) {
        add(day);
        break;
      }
    }
  }
  return [...found].sort((a, b) => a - b);
}

/** The reference instants of a node: its events' instants and each policy's stage entry. */
export function referenceInstants(events: readonly number[], snapshots: readonly Snapshot[]): number[] {
  const refs = new Set(events);
  for (const s of snapshots) for (const st of snapshotStates(s)) refs.add(st.entry);
  return [...refs].sort((a, b) => a - b);
}

/** For typing engines handed around with their snapshots. */
export interface EnginePair {
  readonly old: Engine;
  readonly new: Engine;
}
