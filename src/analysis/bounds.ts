/**
 * Pursuit bounds: the most touches any contact can receive in any 7 and any
 * 30 days, in each stage and under the whole policy, whatever signals
 * arrive. Two parts:
 *
 * - which stages have no bound at all: a reachable stage that allows a
 *   channel no unconditional `at most` or `at least` rule limits lets a
 *   sender touch a contact there without end (the lint check
 *   `unbounded-pursuit`, naming the path of signals and timers there);
 * - the bounds of the others, found by driving a contact through the real
 *   engine with a sender that sends whenever a touch is allowed (the first
 *   channel allowed, in declared order), for every signal pattern of the
 *   explored depth: the signals that lead to each stage, sent at the start,
 *   then after every touch each signal the policies read, or none; from
 *   each starting day of a week and time of day the policy names.
 *
 * Pure like the engine: no clock, no I/O; work is counted in steps.
 *
 * @module
 */

import { DateTime } from "luxon";

import type { Policy } from "../ast.js";
import { HeedInputError, type Diagnostic } from "../diagnostics.js";
import type { Engine, Snapshot } from "../engine/api.js";
import { compile, policyStructure, type PolicyStructure, type StructureStage } from "../engine/index.js";
import { formatInstant, holidayDays, makeCalendar, parseInstant, ZoneTable, type Zone } from "../engine/time.js";
import { render, type Finding, type PolicyForm } from "../checks/index.js";
import { Budget } from "./budget.js";
import { namedBoundaries } from "./boundaries.js";
import { declaredTypes, signalAlphabet } from "./diff.js";
import { CalendarBook } from "./regions.js";

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

/** The steps the bounds may take by default: a few seconds at most (the bundled examples take at most 120,000). */
export const BOUNDS_BUDGET = 1_000_000;

/** Options of {@link pursuitBounds}. */
export interface BoundsOptions {
  /** The contact's time zone. Default: the policy's fallback zone, else `UTC`. */
  zone?: string;
  /** How long each contact is driven, in days (a stage entered late is followed for 30 days more). Default 60. */
  horizonDays?: number;
  /** An engine compiled from the policy, to skip compiling again. */
  engine?: Engine;
  /** The form the policy is written in, for the words of hints. Default `dsl`. */
  form?: PolicyForm;
  /** The steps the analysis may take (a step: a channel asked at an instant); past it, it stops with `analysis-incomplete`. Default 1,000,000. */
  budget?: number;
  /** Start on this many days of the week from Monday 2026-01-05 (default 7: every day). */
  startDays?: number;
}

/** The bounds of one stage. */
export interface StageBound {
  /** The stage. */
  stage: string;
  /** Reachable from the start stage, by signals, timers or conditions. */
  reachable: boolean;
  /** How the contact gets there: the causes of the transitions on the shortest way from the start (`on reply`, `after 2 ignored touches`). */
  path: string[];
  /** The most touches received in this stage within any 7 days; `null` when nothing bounds them. */
  week: number | null;
  /** The most touches received in this stage within any 30 days; `null` when nothing bounds them. */
  month: number | null;
  /** The channels the stage allows that no limit bounds (empty when bounded). */
  unbounded: string[];
}

/** The pursuit bounds of a policy. */
export interface PursuitBounds {
  /** The policy's name. */
  policy: string;
  /** The contact's zone in the analysis. */
  zone: string;
  /** Each stage, in source order. */
  stages: StageBound[];
  /** The most touches any contact receives within any 7 days under the policy; `null` when unbounded. */
  week: number | null;
  /** The most touches within any 30 days; `null` when unbounded. */
  month: number | null;
  /** What was explored. */
  explored: {
    /** The signals sent at the start to reach each stage, in words (an empty pattern for the start stage). */
    prefixes: string[][];
    /** The signals sent after every touch (or none), in words. */
    reactions: string[];
    /** The starting instants, in words. */
    starts: string[];
    /**
     * The calendars the contacts were driven under, in words: the policy's
     * own for a contact without a region (its fallback region's holidays,
     * its listed dates), and, where those take business days away within
     * the driven days, a calendar without holidays (weekends only), which
     * no region's calendar exceeds.
     */
    calendars: string[];
    /** How limits across an account enter the bounds, in words (null when the policy has none). */
    account: string | null;
    /** The same patterns as data: each prefix's signals, each reaction (null for none), each start (ISO-8601); and whether the policy was also driven without its holidays. */
    patterns: { prefixes: SignalProps[][]; reactions: (SignalProps | null)[]; starts: string[]; withoutHolidays: boolean };
    /** How long each contact was driven, in days. */
    horizonDays: number;
    /** Contacts driven. */
    runs: number;
    /** False when the budget stopped the analysis. */
    complete: boolean;
    /** The steps taken (a channel asked at an instant). */
    steps: number;
  };
  /** `analysis-incomplete` when the budget stopped the analysis (the stages with no bound are the lint check `unbounded-pursuit`). */
  diagnostics: Diagnostic[];
}

/** A signal as the analysis sends it: its type and props. */
export type SignalProps = Record<string, string | number | boolean>;

/** What the bounds find beyond the lint checks: `analysis-incomplete` when the budget ran out. */
export type BoundsFinding = Finding<"analysis-incomplete">;

/**
 * The stages that no limit bounds, with the channels left unlimited: every
 * declared channel a stage allows must be counted by an `at most` rule or
 * spaced by an `at least` rule in force there (its own or policy-wide), with
 * no condition on when it applies (a conditional limit may not apply) and
 * not grouped by a prop (another group is another count).
 */
export function unboundedStages(machine: PolicyStructure): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const stage of machine.stages) {
    if (stage.final || stage.allowed.length === 0) continue;
    const limits = stage.rules.filter((r) => isLimit(r.ir));
    // a channel whose unconditional quiet hours cover the whole day is never sent (`always-quiet`): nothing to bound
    const quiet = stage.rules.map((r) => r.ir).filter((ir) => ir.kind === "quiet-hours" && !isConditional(ir)) as unknown as (QuietLike & { channels: readonly string[] | null })[];
    const silent = (c: string): boolean => coverWholeDay(quiet.filter((q) => q.channels === null || q.channels.includes(c)));
    const free = stage.allowed.filter((c) => !limits.some((r) => r.ir.channels === null || r.ir.channels.includes(c)) && !silent(c));
    if (free.length > 0) out.set(stage.name, free);
  }
  return out;
}

type QuietLike = { start: { hour: number; minute: number }; end: { hour: number; minute: number } };

function minuteOfDay(t: { hour: number; minute: number }): number {
  return t.hour * 60 + t.minute;
}

/** True when the quiet hours together cover all 1,440 minutes of the day (compared as spans of minutes, a span wrapping midnight in two). */
export function coverWholeDay(rules: readonly { start: { hour: number; minute: number }; end: { hour: number; minute: number } }[]): boolean {
  const spans: [number, number][] = [];
  for (const rule of rules) {
    const start = minuteOfDay(rule.start);
    const end = minuteOfDay(rule.end);
    if (start === end) continue;
    if (start < end) {
      spans.push([start, end]);
    } else {
      spans.push([start, 1440]);
      if (end > 0) spans.push([0, end]);
    }
  }
  spans.sort((a, b) => a[0] - b[0]);
  let reached = 0;
  for (const [start, end] of spans) {
    if (start > reached) return false;
    reached = Math.max(reached, end);
  }
  return reached >= 1440;
}


/** A rule that applies only sometimes (`when`, `unless`) or per group (`by`). */
function isConditional(ir: object): boolean {
  for (const field of ["when", "unless", "condition", "by"]) {
    const value = (ir as Record<string, unknown>)[field];
    if (value !== undefined && value !== null) return true;
  }
  return false;
}

/** A rule that bounds every touch it speaks of, whatever else happens. */
function isLimit(ir: object): boolean {
  const rule = ir as { kind: string; count?: number; duration?: { amount: number } };
  // a limit across an account counts the contact's own touches too: it bounds them, whatever the account's others get
  if (rule.kind !== "at-most" && rule.kind !== "at-least" && rule.kind !== "at-most-account") return false;
  if (rule.kind === "at-least" && (rule.duration?.amount ?? 0) <= 0) return false;
  // conditional rules (`when`, `unless`) and grouped ones (`by PROP`) do not bound every touch
  return !isConditional(ir);
}

/** The shortest way from the start stage to each stage: the causes of the transitions taken. */
export function stagePaths(machine: PolicyStructure): Map<string, string[]> {
  const paths = new Map<string, string[]>([[machine.ir.start, []]]);
  const queue = [machine.ir.start];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const stage = machine.stage(name);
    if (stage === undefined) continue;
    for (const t of stage.transitions) {
      if (paths.has(t.target)) continue;
      paths.set(t.target, [...(paths.get(name) ?? []), t.cause]);
      queue.push(t.target);
    }
  }
  return paths;
}

/** Signals that lead from the start stage to each stage, when signals alone do (sent at one instant). */
function signalPrefixes(machine: PolicyStructure, alphabet: readonly SignalProps[]): Map<string, SignalProps[]> {
  const prefixes = new Map<string, SignalProps[]>([[machine.ir.start, []]]);
  const queue = [machine.ir.start];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const stage = machine.stage(name);
    if (stage === undefined) continue;
    for (const t of stage.transitions) {
      if (t.trigger.kind !== "signal" || prefixes.has(t.target)) continue;
      const signal = t.trigger.signal;
      // the signal with the props its `where` compares with, when the alphabet has one (else plain)
      const candidates = alphabet.filter((s) => s.type === signal);
      const props = candidates.find((s) => Object.keys(s).length > 1 && t.trigger.kind === "signal" && t.trigger.where !== null) ?? candidates[0] ?? { type: signal };
      prefixes.set(t.target, [...(prefixes.get(name) ?? []), props]);
      queue.push(t.target);
    }
  }
  return prefixes;
}

function describeSignal(props: SignalProps): string {
  const { type, ...rest } = props;
  const words = Object.entries(rest).map(([k, v]) => `${k} ${JSON.stringify(v)}`);
  return words.length === 0 ? String(type) : `${String(type)} (${words.join(", ")})`;
}

/** The most touches within any window of `length` ms among sorted instants (a touch at `t` and those in `(t - length, t]`). */
export function busiest(times: readonly number[], length: number): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while ((times[lo] as number) <= (times[hi] as number) - length) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/** The pursuit bounds of a policy. */
export function pursuitBounds(policy: Policy, options: BoundsOptions = {}): PursuitBounds {
  return boundsWithFindings(policy, options).bounds;
}

/** {@link pursuitBounds}, with its warnings as findings (data, for the checks registry). */
export function boundsWithFindings(policy: Policy, options: BoundsOptions = {}): { bounds: PursuitBounds; findings: BoundsFinding[] } {
  const machine = policyStructure(policy);
  const zoneName = options.zone ?? policy.timezone?.fallback?.value ?? "UTC";
  const zones = new ZoneTable();
  const zone = zones.zone(zones.isValid(zoneName) ? zoneName : "UTC");
  const engine = options.engine ?? compile(policy);
  // holidays only take business days away: where the policy's own calendar has any on the driven days, the contacts
  // are driven under a calendar without holidays too, and the bounds are the larger (what a contact of any region can get)
  const calendars = calendarsOf(policy, machine, zone, (options.horizonDays ?? 60) + 31 * machine.stages.length);
  const engines = calendars.withoutHolidays ? [engine, compile({ ...policy, holidays: [], holidaysFrom: undefined } as Policy)] : [engine];
  const horizonDays = options.horizonDays ?? 60;
  const budget = new Budget(options.budget ?? BOUNDS_BUDGET);
  const channels = machine.ir.channels;
  const paths = stagePaths(machine);
  const unbounded = unboundedStages(machine);
  const alphabet = signalAlphabet(machine, machine, declaredTypes([policy]));
  const prefixes = signalPrefixes(machine, alphabet);
  const reactions: (SignalProps | null)[] = [null, ...alphabet];

  // starting instants: each day of a week, at local midnight and at each time of day the policy names
  const set = namedBoundaries([machine], zone, []);
  const starts: { at: number; label: string }[] = [];
  for (let day = 0; day < Math.max(1, Math.min(7, options.startDays ?? 7)); day++) {
    for (const time of set.times) {
      const dt = DateTime.fromObject({ year: 2026, month: 1, day: 5 + day, hour: time.hour, minute: time.minute }, { zone: zone.name });
      if (!dt.isValid) continue;
      if (day > 0 && (time.hour !== 0 || time.minute !== 0) && set.times.length > 1) continue;
      starts.push({ at: dt.toMillis(), label: dt.toFormat("ccc yyyy-MM-dd HH:mm") });
    }
  }

  const inStage = new Map<string, number[][]>(machine.stages.map((s) => [s.name, []]));
  const all: number[][] = [];
  let runs = 0;
  let complete = true;
  const contact = { id: "bounds-contact", timezone: zone.name };
  outer: for (const version of engines) {
    for (const [, prefix] of prefixes) {
      for (const reaction of reactions) {
        for (const start of starts) {
          const run = drive(version, contact, channels, prefix, reaction, start.at, horizonDays, unbounded, budget);
          if (run === undefined) {
            complete = false;
            break outer;
          }
          runs++;
          all.push(run.all);
          for (const [stage, times] of run.byStage) inStage.get(stage)?.push(times);
        }
      }
    }
  }
  const most = (lists: readonly number[][], days: number): number => lists.reduce((m, times) => Math.max(m, busiest(times, days * DAY)), 0);
  const stages: StageBound[] = machine.stages.map((s: StructureStage) => {
    const free = unbounded.get(s.name) ?? [];
    const reachable = paths.has(s.name);
    const lists = inStage.get(s.name) ?? [];
    return {
      stage: s.name,
      reachable,
      path: paths.get(s.name) ?? [],
      week: free.length > 0 ? null : most(lists, 7),
      month: free.length > 0 ? null : most(lists, 30),
      unbounded: free,
    };
  });
  const anyUnbounded = stages.some((s) => s.reachable && s.unbounded.length > 0);
  // the stages with no bound are `unbounded-pursuit` warnings of the lint checks (`lint.ts`), reported as you type
  const findings: BoundsFinding[] = [];
  if (!complete) {
    findings.push({
      code: "analysis-incomplete",
      data: { kind: "bounds", steps: options.budget ?? BOUNDS_BUDGET, runs },
      span: policy.name.span,
    } as BoundsFinding);
  }
  const form = options.form ?? "dsl";
  const bounds: PursuitBounds = {
    policy: machine.ir.name,
    zone: zone.name,
    stages,
    week: anyUnbounded ? null : most(all, 7),
    month: anyUnbounded ? null : most(all, 30),
    explored: {
      prefixes: [...prefixes.values()].map((p) => p.map(describeSignal)),
      reactions: reactions.map((r) => (r === null ? "none" : describeSignal(r))),
      starts: starts.map((s) => s.label),
      calendars: calendars.words,
      account:
        engine.accountWindow === null
          ? null
          : "none: touches to the account's other contacts only lower what a limit across the account leaves the contact, so each such limit bounds the contact's own touches as `at most` does",
      patterns: { prefixes: [...prefixes.values()], reactions, starts: starts.map((s) => formatInstant(s.at)), withoutHolidays: calendars.withoutHolidays },
      horizonDays,
      runs,
      complete,
      steps: budget.spent,
    },
    diagnostics: findings.map((f) => render(f, form)),
  };
  return { bounds, findings };
}

/**
 * The calendars the bounds drive contacts under: the policy's own for a
 * contact without a region attribute, and a calendar without holidays where
 * the policy counts business days and its own calendar has a holiday on a
 * weekday within the driven days (or none at all: `holidays from` without a
 * fallback), since holidays only take business days away.
 */
function calendarsOf(policy: Policy, machine: PolicyStructure, zone: Zone, days: number): { words: string[]; withoutHolidays: boolean } {
  const spec = policy.holidaysFrom;
  const own =
    spec === undefined
      ? (policy.holidays ?? []).length === 0
        ? "no holidays: weekends only"
        : `the listed holidays (${(policy.holidays ?? []).map((h) => h.date).join(", ")})`
      : spec.fallback === undefined
        ? `none for a contact without \`${spec.from.segments.join(".")}\` (business days are then refused: \`unknown-calendar\`)`
        : `\`${spec.fallback.value.toUpperCase()}\` (the fallback of \`holidays from ${spec.from.segments.join(".")}\`)${(policy.holidays ?? []).length === 0 ? "" : " with the listed holidays"}`;
  const words = [own];
  if (!JSON.stringify(machine.ir).includes('"business-days"') && !machine.rules.some((r) => r.ir.kind === "only-business-days")) return { words, withoutHolidays: false };
  const book = new CalendarBook(zone);
  const start = DateTime.fromObject({ year: 2026, month: 1, day: 5 }, { zone: zone.name }).toMillis();
  const plain = makeCalendar(zone, holidayDays([]));
  const parted = book.differences(book.of(machine.ir, { id: "bounds-contact", timezone: zone.name }), plain, start, days).length > 0;
  if (parted) words.push("no holidays: weekends only (no region's calendar leaves more business days)");
  return { words, withoutHolidays: parted };
}

/**
 * One contact under an eager sender: the prefix's signals at the start,
 * then a touch whenever one is allowed (the first channel allowed, in
 * declared order), each followed a minute later by the reaction, if any.
 * Stops at the horizon (extended to 30 days after the last stage entry),
 * in a stage with no bound, or when nothing can be sent again.
 */
function drive(
  engine: Engine,
  contact: { id: string; timezone: string },
  channels: readonly string[],
  prefix: readonly SignalProps[],
  reaction: SignalProps | null,
  start: number,
  horizonDays: number,
  unbounded: ReadonlyMap<string, string[]>,
  budget: Budget,
): { all: number[]; byStage: Map<string, number[]> } | undefined {
  const sentAll: number[] = [];
  const sentByStage = new Map<string, number[]>();
  let snapshot: Snapshot = engine.start(contact, formatInstant(start));
  let n = 0;
  const event = (props: SignalProps, at: number): void => {
    const { type, ...rest } = props;
    snapshot = engine.step(snapshot, { ...rest, type: String(type), at: formatInstant(at), id: `b${n++}` });
  };
  try {
    return driveFrom();
  } catch (error) {
    // the engine refuses to go on with this contact (timers looping over years): the run ends there,
    // with what it sent (the silent contact says why, `analysis-incomplete`)
    if (error instanceof HeedInputError) return { all: sentAll, byStage: sentByStage };
    throw error;
  }
  function driveFrom(): { all: number[]; byStage: Map<string, number[]> } | undefined {
    for (const p of prefix) event(p, start);
    const all = sentAll;
    const byStage = sentByStage;
    let end = start + horizonDays * DAY;
    let t = start;
    const entered = new Set<string>();
    while (t <= end) {
      if (!budget.spend(channels.length)) return undefined;
      const at = formatInstant(t);
      let sent = false;
      let wake = Infinity;
      let stage = "";
      // every channel is asked until one is allowed: each deferral's notBefore counts for when to ask again
      for (const channel of channels) {
        const d = engine.decide(snapshot, { channel }, at);
        stage = d.stage;
        if (d.verdict === "allow") {
          event({ type: "touch", channel }, t);
          all.push(t);
          const list = byStage.get(d.stage) ?? [];
          list.push(t);
          byStage.set(d.stage, list);
          sent = true;
          break;
        }
        if (d.verdict === "defer" && d.notBefore !== undefined) wake = Math.min(wake, parseInstant(d.notBefore) ?? Infinity);
      }
      if (!entered.has(stage)) {
        // a stage first entered late is followed for 30 days more
        end = Math.max(end, t + 31 * DAY);
        entered.add(stage);
      }
      if (unbounded.has(stage)) break;
      if (sent) {
        if (reaction !== null) {
          t += MINUTE;
          event(reaction, t);
        }
        continue;
      }
      t = wake === Infinity ? t + DAY : Math.max(wake, t + MINUTE);
    }
    return { all, byStage };
  }
}
