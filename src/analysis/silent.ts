/**
 * Silent-contact analysis: how many touches can a contact who never answers
 * receive, over what time, and where does it end? Answered by driving a
 * silent contact with a maximally eager sender through the real engine (see
 * {@link driveContact}), before the cadence is ever deployed.
 *
 * @module
 */

import { DateTime } from "luxon";

import type { Policy } from "../ast.js";
import { render, type DataOf, type Finding, type PolicyForm } from "../checks/index.js";
import type { Diagnostic } from "../diagnostics.js";
import type { Engine } from "../engine/api.js";
import { compile, policyStructure } from "../engine/index.js";
import { formatInstant, parseInstant } from "../engine/time.js";
import { unboundedStages } from "./bounds.js";
import { policySize, SILENT_CONTACT_BUDGET } from "./budget.js";
import type { DriveResult, SentTouch } from "./drive.js";
import { driveContact, SILENT } from "./drive.js";

/** Options of {@link analyzeSilentContact}. */
export interface SilentContactOptions {
  /** How long to follow the contact, in days. Default 365. */
  horizonDays?: number;
  /** More touches than this within `perDays` is `unbounded-pursuit`. Default 8. */
  maxSilentTouches?: number;
  /** The window for `maxSilentTouches`, in days. Default 30. */
  perDays?: number;
  /** The contact's time zone. Default: the policy's fallback zone, else `UTC`. */
  zone?: string;
  /** When outreach starts (ISO-8601). Default: Monday 2026-01-05, 09:00 in the contact's zone. */
  start?: string;
  /** An engine compiled from the policy, to skip compiling again. */
  engine?: Engine;
  /** The form the policy is written in, for the words of hints. Default `dsl`. */
  form?: PolicyForm;
  /** The steps the run may take (default 4,000,000); past it the contact is followed no further, with an `analysis-incomplete` warning. */
  budget?: number;
}

/** One stay of the contact in a stage. */
export interface StageVisit {
  /** The stage. */
  stage: string;
  /** Whether it is a final stage. */
  final: boolean;
  /** When the contact entered it. */
  enteredAt: string;
  /** When the contact moved on; absent when it was still there at the end of the horizon. */
  leftAt?: string;
  /** Time spent in the stage within the horizon, in days. */
  days: number;
  /** Touches sent during the stay. */
  touches: number;
  /** Those touches by channel. */
  byChannel: Record<string, number>;
  /** The channels of the touches, in order. */
  channels: string[];
  /** When the first of them was sent. */
  firstTouch?: string;
  /** When the last of them was sent. */
  lastTouch?: string;
}

/** What a silent contact goes through under a policy. */
export interface SilentContactReport {
  /** The policy's name. */
  policy: string;
  /** The contact's time zone in the simulation. */
  zone: string;
  /** When outreach started. */
  start: string;
  /** How long the contact was followed, in days. */
  horizonDays: number;
  /** Each stay in a stage, in time order. */
  visits: StageVisit[];
  /** Every touch the contact got. */
  totalTouches: number;
  /** The stage at the end of the horizon. */
  finalStage: string;
  /** True when the contact is in a final stage at the end. */
  ended: boolean;
  /** Days from the start until the contact entered its last stage (or the horizon when it never left the first). */
  endsAfterDays: number;
  /** The most touches within any `perDays` window, and where. */
  busiestWindow: {
    /** The most touches within `perDays` days. */
    touches: number;
    /** The first touch of that window. */
    from?: string;
    /** The last touch of that window. */
    to?: string;
    /** The window's length in days. */
    perDays: number;
  };
  /** `unbounded-pursuit` warnings, or `analysis-incomplete` when the run stopped at its budget. */
  diagnostics: Diagnostic[];
  /** The simulation itself: every touch and the stage timeline. */
  run: DriveResult;
  /** The budget steps the run took (see `budget` in {@link SilentContactOptions}). */
  steps: number;
}

const DAY = 24 * 3_600_000;

function days(ms: number): number {
  return Math.round((ms / DAY) * 10) / 10;
}

function defaultStart(zone: string): string {
  const local = DateTime.fromObject({ year: 2026, month: 1, day: 5, hour: 9 }, { zone });
  const ms = local.isValid ? local.toMillis() : Date.UTC(2026, 0, 5, 9);
  return formatInstant(ms);
}

/** What the silent contact finds: `silent-pursuit`, or `analysis-incomplete` when the run stopped at its budget. */
export type SilentFinding = Finding<"silent-pursuit"> | Finding<"analysis-incomplete">;

function finding<C extends "silent-pursuit" | "analysis-incomplete">(code: C, data: DataOf<C>, span: Finding["span"]): SilentFinding {
  return { code, data, span } as SilentFinding;
}

/**
 * Follows a contact who never engages, under a maximally eager sender, for
 * the horizon, through the compiled policy; reports each stage visit and
 * warns `silent-pursuit` when the contact is never moved out of an
 * outreach stage or gets more than `maxSilentTouches` within `perDays`.
 */
export function analyzeSilentContact(policy: Policy, options: SilentContactOptions = {}): SilentContactReport {
  return silentContact(policy, options).report;
}

/** {@link analyzeSilentContact}, with its warnings as findings (data, for the checks registry). */
export function silentContact(policy: Policy, options: SilentContactOptions = {}): { report: SilentContactReport; findings: SilentFinding[] } {
  const horizonDays = options.horizonDays ?? 365;
  const maxTouches = options.maxSilentTouches ?? 8;
  const perDays = options.perDays ?? 30;
  const zone = options.zone ?? policy.timezone?.fallback?.value ?? "UTC";
  const start = options.start ?? defaultStart(zone);
  const engine = options.engine ?? compile(policy);
  const machine = policyStructure(policy);
  const channels = policy.channels.map((c) => c.name);
  const budget = options.budget ?? SILENT_CONTACT_BUDGET;
  const run = driveContact(engine, {
    budget,
    policySize: replayCost(policy),
    contact: { id: "silent-contact", timezone: zone },
    persona: SILENT,
    start,
    horizonDays,
    channels,
    // enough for a touch a day over a year; beyond, nothing in the policy is limiting the sender
    maxTouches: Math.max(400, maxTouches + 1),
  });

  const startMs = parseInstant(run.start) ?? 0;
  // a run cut short (no rule limits the sender, or the budget is spent) is reported up to where it stopped
  const endMs = parseInstant(run.cutShort || run.outOfBudget || run.refused ? run.stopped : run.end) ?? 0;
  const changes = run.timeline.filter((c) => (parseInstant(c.at) ?? 0) <= endMs);
  const visits: StageVisit[] = changes.map((change, i) => {
    const next = changes[i + 1];
    const entered = Math.max(parseInstant(change.at) ?? startMs, startMs);
    const left = next === undefined ? endMs : parseInstant(next.at) ?? endMs;
    const visit: StageVisit = {
      stage: change.to,
      final: machine.stage(change.to)?.final ?? false,
      enteredAt: formatInstant(entered),
      days: days(left - entered),
      touches: 0,
      // keyed by channel names, which may be `constructor` or `__proto__`: no prototype to find them on
      byChannel: Object.create(null) as Record<string, number>,
      channels: [],
    };
    if (next !== undefined) visit.leftAt = formatInstant(left);
    return visit;
  });
  assignTouches(visits, run.touches);

  const last = visits[visits.length - 1];
  const busiest = busiestWindow(run.touches, perDays);
  const findings: SilentFinding[] = [];
  const span = (stage: string) => machine.stage(stage)?.nameSpan ?? policy.name.span;
  if (run.refused !== undefined) {
    findings.push(finding("analysis-incomplete", { kind: "refused", days: horizonDays, stopped: run.stopped, touches: run.touches.length, reason: run.refused.message }, policy.name.span));
  } else if (run.outOfBudget) {
    findings.push(finding("analysis-incomplete", { kind: "silent", size: policySize(policy), days: horizonDays, steps: budget, stopped: run.stopped, touches: run.touches.length }, policy.name.span));
  } else if (run.cutShort && last !== undefined) {
    // a stage no limit bounds is `unbounded-pursuit` already (see `bounds.ts`): said once
    if (!unboundedStages(machine).has(last.stage)) findings.push(finding("silent-pursuit", { kind: "cut-short", stage: last.stage, touches: run.touches.length, by: run.stopped }, span(last.stage)));
  } else if (last !== undefined && !last.final && (machine.stage(last.stage)?.allowed.length ?? 0) > 0 && last.touches > 0) {
    findings.push(finding("silent-pursuit", { kind: "still-pursued", stage: last.stage, days: horizonDays, touches: last.touches }, span(last.stage)));
  }
  if (busiest.touches > maxTouches && !run.cutShort && !run.outOfBudget && run.refused === undefined) {
    const where = run.touches.find((t) => t.at === busiest.to)?.stage ?? "";
    findings.push(
      finding("silent-pursuit", { kind: "busy", touches: busiest.touches, days: perDays, from: busiest.from ?? "", to: busiest.to ?? "", max: maxTouches }, span(where)),
    );
  }
  const form = options.form ?? "dsl";
  const diagnostics = findings.map((f) => render(f, form));

  const lastEntered = last === undefined ? endMs : parseInstant(last.enteredAt) ?? endMs;
  const report: SilentContactReport = {
    policy: policy.name.value,
    zone,
    start: run.start,
    horizonDays,
    visits,
    totalTouches: run.touches.length,
    finalStage: run.finalStage,
    ended: last?.final ?? false,
    endsAfterDays: days((last?.final || visits.length > 1 ? lastEntered : endMs) - startMs),
    busiestWindow: { ...busiest, perDays },
    diagnostics,
    run,
    steps: run.steps,
  };
  return { report, findings };
}

/**
 * What replaying one event costs, in budget steps: the rules and
 * transitions of the largest stage with the policy-wide ones (only the
 * contact's stage is looked at), and for a policy with \`when\` transitions
 * the 64 moves in a row they may make on entering stages.
 * Calibrated so that a step takes a fraction of a microsecond whatever the
 * policy's shape (see FUZZING.md).
 */
function replayCost(policy: Policy): number {
  const whens = (list: readonly { trigger: { kind: string } }[]): number => list.filter((t) => t.trigger.kind === "when").length;
  let largest = 0;
  let mostWhens = 0;
  for (const stage of policy.stages) {
    largest = Math.max(largest, stage.rules.length + stage.transitions.length);
    mostWhens = Math.max(mostWhens, whens(stage.transitions));
  }
  mostWhens += whens(policy.transitions);
  // a move costs several steps: the stage is left and entered, its \`when\` conditions judged again
  return 1 + largest + policy.rules.length + policy.transitions.length + 64 * 16 * mostWhens;
}

function assignTouches(visits: StageVisit[], touches: readonly SentTouch[]): void {
  for (const touch of touches) {
    const at = parseInstant(touch.at) ?? 0;
    let target: StageVisit | undefined;
    for (const v of visits) {
      if (v.stage === touch.stage && (parseInstant(v.enteredAt) ?? 0) <= at) target = v;
    }
    // A touch sent at the instant a timer moves the contact on is processed
    // before that timer (events come before timers at one instant), in the
    // stage the timer leaves: the decision's stage is then one the timeline
    // never shows as holding the touch. It belongs to the visit it was sent in.
    target ??= visitAt(visits, at);
    if (target === undefined) continue;
    target.touches++;
    target.byChannel[touch.channel] = (target.byChannel[touch.channel] ?? 0) + 1;
    target.channels.push(touch.channel);
    target.firstTouch ??= touch.at;
    target.lastTouch = touch.at;
  }
}

/** The visit a touch at `at` lands in: the last entered before `at`, else the first. */
function visitAt(visits: readonly StageVisit[], at: number): StageVisit | undefined {
  let found = visits[0];
  for (const v of visits) if ((parseInstant(v.enteredAt) ?? 0) < at) found = v;
  return found;
}

/** The most touches in any window of `perDays` days (a touch at `t` and the ones in `(t - D, t]`). */
function busiestWindow(touches: readonly SentTouch[], perDays: number): { touches: number; from?: string; to?: string } {
  const times = touches.map((t) => ({ at: parseInstant(t.at) ?? 0, text: t.at }));
  let best: { touches: number; from?: string; to?: string } = { touches: 0 };
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    const end = times[hi] as { at: number; text: string };
    while ((times[lo] as { at: number }).at <= end.at - perDays * DAY) lo++;
    const count = hi - lo + 1;
    if (count > best.touches) best = { touches: count, from: (times[lo] as { text: string }).text, to: end.text };
  }
  return best;
}

function plural(n: number, word: string): string {
  return `${n} ${n === 1 ? word : `${word}s`}`;
}

/** The touches of one stay in words: `no touch`, `3 emails`, `2 touches (email, call)`. */
export function describeTouches(visit: StageVisit): string {
  const channels = Object.keys(visit.byChannel);
  if (visit.touches === 0) return "no touch";
  if (channels.length === 1) return plural(visit.touches, channels[0] as string);
  if (visit.touches <= 4) return `${touchesWord(visit.touches)} (${visit.channels.join(", ")})`;
  return `${touchesWord(visit.touches)} (${channels.map((c) => `${visit.byChannel[c]} ${c}`).join(", ")})`;
}

function touchesWord(n: number): string {
  return n === 1 ? "1 touch" : `${n} touches`;
}

/**
 * The report in plain words, e.g. "a silent contact gets 2 touches (email,
 * email) over 5 days in `prospecting`, then 13 emails over 180 days in
 * `nurture`, and ends in `closed` after 185 days".
 */
export function describeSilentContact(report: SilentContactReport): string {
  if (report.run.refused !== undefined) {
    return `a silent contact could be followed only to ${report.run.stopped}, with ${touchesWord(report.totalTouches)}: ${report.run.refused.message}`;
  }
  if (report.run.outOfBudget) {
    return `the policy is too large to follow a silent contact for ${plural(report.horizonDays, "day")}: it got ${touchesWord(report.totalTouches)} by ${report.run.stopped}, when the analysis stopped`;
  }
  if (report.run.cutShort) {
    const last = report.visits[report.visits.length - 1];
    const where = last === undefined ? "" : ` in \`${last.stage}\``;
    const what = last === undefined ? touchesWord(report.totalTouches) : describeTouches(last);
    return `nothing holds the sender back: a silent contact gets ${what}${where} by ${report.run.stopped}, when the sender was stopped`;
  }
  const parts: string[] = [];
  const open = report.visits.filter((v) => !v.final);
  open.forEach((v, i) => {
    parts.push(`${i === 0 ? "gets" : "then"} ${describeTouches(v)} over ${plural(v.days, "day")} in \`${v.stage}\``);
  });
  let text = `a silent contact ${parts.length === 0 ? "gets no touch" : parts.join(", ")}`;
  const last = report.visits[report.visits.length - 1];
  if (last === undefined) return text;
  if (last.final) {
    text += `${parts.length === 0 ? "" : ","} and ends in \`${last.stage}\` after ${plural(report.endsAfterDays, "day")}`;
  } else {
    text += `, and is still in \`${last.stage}\` after ${plural(report.horizonDays, "day")}`;
  }
  return text;
}
