/**
 * `heed simulate`: populations of simulated contacts, each with a persona,
 * driven through a policy by an eager sender, and an independent safety
 * checker that re-verifies every simulated history against the policy's
 * limits.
 *
 * Deterministic by seed: contact `i` is generated from `(seed, i)` alone,
 * so splitting the population over worker threads changes nothing in the
 * report, byte for byte.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { DateTime } from "luxon";
import type { Policy } from "../ast.js";
import type { Engine, Snapshot, StageChange } from "../engine/api.js";
import { compile, compileIr } from "../engine/index.js";
import type { IrChannels, IrDuration, IrPolicy, IrRule } from "../engine/ir.js";
import type { Contact, Decision, HistoryEvent, Verdict } from "../model.js";
import { mulberry32 } from "../random.js";

// ---------------------------------------------------------------- randomness

/** The PRNG of contact `index` under `seed` (independent of every other contact). */
export function contactRandom(seed: number, index: number): () => number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (index + 0x85ebca6b), 0xc2b2ae35) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f) >>> 0;
  return mulberry32(h ^ (h >>> 16));
}

// ---------------------------------------------------------------- personas

/** The kinds of simulated contact. */
export const PERSONAS = ["silent", "replies", "unsubscribes", "negative-reply", "books-meeting", "prefers-email"] as const;
export type PersonaName = (typeof PERSONAS)[number];

/** How a simulated contact answers: after its `afterTouch`-th touch, `delayMinutes` later. */
export interface SimReaction {
  afterTouch: number;
  delayMinutes: number;
  event: { type: string; [prop: string]: unknown };
}

/** One simulated contact, generated from the seed. */
export interface SimContact {
  index: number;
  persona: PersonaName;
  contact: Contact;
  /** When outreach starts (epoch ms). */
  start: number;
  reactions: SimReaction[];
  /** Seeds the order in which the sender tries channels. */
  preferenceSeed: number;
}

const ZONES: readonly (string | undefined)[] = ["America/New_York", "America/Los_Angeles", "Europe/London", "Europe/Paris", "Asia/Tokyo", "Australia/Sydney", undefined];
const ROLES = ["marketer", "engineer", "analyst", "founder", "student"];
const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
/** Outreach starts on Monday 2026-01-05 at 09:00 UTC, plus up to 28 days. */
const EPOCH = Date.UTC(2026, 0, 5, 9, 0, 0);

/** Generates contact `index` of the population of `seed`. */
export function makeContact(seed: number, index: number): SimContact {
  const rnd = contactRandom(seed, index);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const persona = pick(PERSONAS);
  const zone = pick(ZONES);
  const contact: Contact = {
    id: `sim-${index}`,
    ...(zone === undefined ? {} : { timezone: zone }),
    attributes: { role: pick(ROLES), customer: rnd() < 0.1 },
  };
  const start = EPOCH + Math.floor(rnd() * 28 * 24 * 60) * MINUTE;
  const afterTouch = 1 + Math.floor(rnd() * 4);
  const delayMinutes = 30 + Math.floor(rnd() * 2 * 1440);
  const reactions: SimReaction[] = [];
  switch (persona) {
    case "silent":
      break;
    case "replies":
      reactions.push({ afterTouch, delayMinutes, event: { type: "reply", sentiment: rnd() < 0.5 ? "positive" : "neutral" } });
      break;
    case "unsubscribes":
      reactions.push({ afterTouch, delayMinutes, event: { type: "unsubscribe" } });
      break;
    case "negative-reply":
      reactions.push({ afterTouch, delayMinutes, event: { type: "reply", sentiment: "negative" } });
      break;
    case "books-meeting":
      reactions.push({ afterTouch, delayMinutes, event: { type: "reply", sentiment: "positive" } });
      reactions.push({ afterTouch: afterTouch + 1, delayMinutes: delayMinutes + 60, event: { type: "meeting_booked" } });
      break;
    case "prefers-email":
      reactions.push({ afterTouch, delayMinutes, event: { type: "reply", sentiment: "neutral", prefers: "email" } });
      break;
  }
  return { index, persona, contact, start, reactions, preferenceSeed: Math.floor(rnd() * 2 ** 32) };
}

// ---------------------------------------------------------------- the eager sender

/** One sent touch. */
export interface SimTouch {
  at: number;
  channel: string;
  stage: string;
}

/** What happened to one simulated contact. */
export interface ContactOutcome {
  index: number;
  persona: PersonaName;
  touches: SimTouch[];
  finalStage: string;
  /** Decisions asked, by the stage they were asked in and their verdict. */
  verdicts: Record<string, Record<Verdict, number>>;
  /** What the safety checker found (empty when the policy held). */
  violations: string[];
  /** True when the sender hit the touch cap before the horizon. */
  cutShort: boolean;
  /** Days spent in each stage entered, up to the end of the horizon. */
  stageDays: Record<string, number>;
}

/** Options of a simulation. */
export interface SimulateOptions {
  contacts: number;
  seed: number;
  /** How long each contact is followed, in days. */
  horizonDays: number;
  /** Worker threads to use (0: in this thread). */
  workers?: number;
  /** Called as contacts complete. */
  onProgress?: (done: number, total: number) => void;
}

export const MAX_TOUCHES = 200;

/** Drives one contact: proposes each channel in preference order, sends whenever allowed, waits for `notBefore` on defer. */
export function driveSimContact(engine: Engine, ir: IrPolicy, sim: SimContact, horizonDays: number): ContactOutcome {
  const channels = preferenceOrder(ir.channels, sim);
  const end = sim.start + horizonDays * DAY;
  const history: HistoryEvent[] = [];
  const touches: SimTouch[] = [];
  const verdicts: Record<string, Record<Verdict, number>> = {};
  const pending: { at: number; event: HistoryEvent }[] = [];
  // The contact's state, stepped event by event in time order (the same decisions as replaying the history).
  let snapshot: Snapshot | undefined;
  const record = (event: HistoryEvent) => {
    history.push(event);
    snapshot = engine.step(snapshot ?? engine.start(sim.contact, event.at), event);
  };
  let cutShort = false;
  let t = sim.start;
  while (t <= end) {
    // Answers of the contact that are due join the history.
    while (pending.length > 0 && (pending[0] as { at: number }).at <= t) record((pending.shift() as { event: HistoryEvent }).event);
    if (touches.length >= MAX_TOUCHES) {
      cutShort = true;
      break;
    }
    const at = new Date(t).toISOString();
    let sent = false;
    let wake = Infinity;
    let final = false;
    const decide = (channel: string): Decision => {
      const d = snapshot === undefined ? engine.evaluate({ contact: sim.contact, history: [], touch: { channel }, at }) : engine.decide(snapshot, { channel }, at);
      const counts = (verdicts[d.stage] ??= { allow: 0, deny: 0, defer: 0 });
      counts[d.verdict]++;
      return d;
    };
    const send = (channel: string, stage: string) => {
      record({ type: "touch", at, channel });
      touches.push({ at: t, channel, stage });
      for (const r of sim.reactions) {
        const when = t + r.delayMinutes * MINUTE;
        if (r.afterTouch === touches.length) pending.push({ at: when, event: { ...r.event, at: new Date(when).toISOString() } });
      }
      pending.sort((a, b) => a.at - b.at);
      sent = true;
    };
    const order = [...channels];
    for (let i = 0; i < order.length; i++) {
      const channel = order[i] as string;
      const d = decide(channel);
      if (d.verdict === "allow") {
        send(channel, d.stage);
        break;
      }
      if (d.verdict === "defer" && d.notBefore !== undefined) wake = Math.min(wake, Math.max(Date.parse(d.notBefore), t + MINUTE));
      if (d.reasons.some((r) => r.code === "final-stage")) final = true;
      if (i === 0 && d.alternatives !== undefined) {
        // The engine names the channels allowed now: ask next for the one the sender prefers among them.
        const alternative = order.find((c) => d.alternatives?.includes(c) === true);
        if (alternative !== undefined) order.splice(1, order.length - 1, alternative, ...order.slice(1).filter((c) => c !== alternative));
      }
    }
    if (sent) {
      // The next touch is proposed a minute later: the sender is as eager as it can be.
      t += MINUTE;
      continue;
    }
    if (final && pending.length === 0) break;
    const nextAnswer = pending[0]?.at ?? Infinity;
    const next = Math.min(wake === Infinity ? t + DAY : wake, nextAnswer);
    t = Math.max(next, t + MINUTE);
  }
  while (pending.length > 0 && (pending[0] as { at: number }).at <= end) history.push((pending.shift() as { event: HistoryEvent }).event);
  const explained = engine.explain({ contact: sim.contact, history, touch: { channel: channels[0] ?? "" }, at: new Date(end).toISOString() });
  const violations = checkSafety(ir, sim.contact, history, touches, explained.timeline);
  const stageDays: Record<string, number> = {};
  const changes = explained.timeline.filter((c) => c.policy === ir.name);
  changes.forEach((change, i) => {
    const from = Date.parse(change.at);
    const until = i + 1 < changes.length ? Date.parse((changes[i + 1] as StageChange).at) : end;
    stageDays[change.to] = (stageDays[change.to] ?? 0) + Math.max(0, until - from) / DAY;
  });
  return { index: sim.index, persona: sim.persona, touches, finalStage: explained.decision.stage, verdicts, violations, cutShort, stageDays };
}

/** The channels in the contact's order of preference: email first for who prefers it, else a seeded shuffle. */
function preferenceOrder(channels: readonly string[], sim: SimContact): string[] {
  const order = [...channels];
  const rnd = mulberry32(sim.preferenceSeed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j] as string, order[i] as string];
  }
  if (sim.persona === "prefers-email" && order.includes("email")) return ["email", ...order.filter((c) => c !== "email")];
  return order;
}

// ---------------------------------------------------------------- the safety checker

function covers(channels: IrChannels, channel: string): boolean {
  return channels === null || channels.includes(channel);
}

function fixedMs(d: IrDuration): number {
  const unit = { minutes: MINUTE, hours: 60 * MINUTE, days: DAY, weeks: 7 * DAY, "business-days": DAY }[d.unit];
  return d.amount * unit;
}

function isBusinessDay(local: DateTime, holidays: readonly string[]): boolean {
  return local.weekday <= 5 && !holidays.includes(local.toISODate() ?? "");
}

/** `from` plus a duration, business days in the local calendar keeping the local time. */
function addDuration(from: number, d: IrDuration, zone: string | undefined, holidays: readonly string[]): number | undefined {
  if (d.unit !== "business-days") return from + fixedMs(d);
  if (zone === undefined) return undefined;
  const start = DateTime.fromMillis(from, { zone });
  let day = start.startOf("day");
  for (let added = 0; added < d.amount; ) {
    day = day.plus({ days: 1 });
    if (isBusinessDay(day, holidays)) added++;
  }
  // Same local time of day on the target date; luxon moves a time in a DST gap forward.
  return DateTime.fromObject(
    { year: day.year, month: day.month, day: day.day, hour: start.hour, minute: start.minute, second: start.second, millisecond: start.millisecond },
    { zone },
  ).toMillis();
}

/**
 * Re-verifies a simulated history against the policy, independently of the
 * engine's decision procedure: every `at most`, `at least`, quiet hours,
 * `only business days` and `never` rule, the stages' allow lists and final
 * stages. Rules with a `where` condition and `never ... when` rules are not
 * re-verified (their conditions are the engine's own). Returns one line per
 * violation.
 *
 * Like the reference interpreter (`test/reference/interpreter.ts`), this is
 * an independent check: it reads the IR with its own reading of each rule
 * kind (its own `switch`, its own calendar arithmetic through luxon) and
 * uses none of the engine's rule modules, so that a mistake in one of them
 * shows here as a violation instead of being repeated.
 */
export function checkSafety(ir: IrPolicy, contact: Contact, history: readonly HistoryEvent[], touches: readonly SimTouch[], timeline: readonly StageChange[]): string[] {
  const zone = contact.timezone ?? ir.timezone.fallback ?? undefined;
  const violations: string[] = [];
  const changes = timeline.filter((c) => c.policy === ir.name).map((c) => ({ at: Date.parse(c.at), to: c.to, byTouch: /^after \d+ touch/.test(c.cause) }));
  // The stage a touch at `t` was decided in: signals and timers at `t` come first, a change the touch itself caused comes after.
  const stageAt = (t: number): string | undefined => {
    let stage: string | undefined;
    for (const c of changes) if (c.at < t || (c.at === t && !c.byTouch)) stage = c.to;
    return stage;
  };
  const signals = history.filter((e) => e.type !== "touch").map((e) => ({ type: e.type === "reply" && e["auto"] === true ? "auto_reply" : e.type, at: Date.parse(e.at) }));
  const stages = new Map(ir.stages.map((s) => [s.name, s]));
  const describe = (touch: SimTouch, what: string) => `${touch.channel} touch at ${new Date(touch.at).toISOString()}: ${what}`;

  touches.forEach((touch, i) => {
    const stageName = stageAt(touch.at) ?? ir.start;
    const stage = stages.get(stageName);
    if (stage?.final === true) violations.push(describe(touch, `sent in final stage \`${stageName}\``));
    if (stage?.allow !== null && stage?.allow !== undefined && !stage.allow.includes(touch.channel)) {
      violations.push(describe(touch, `channel not allowed in stage \`${stageName}\``));
    }
    if (!ir.channels.includes(touch.channel)) violations.push(describe(touch, "undeclared channel"));
    // a rule with `when` / `unless` applies only where its condition holds, which this check does not re-read: it is not re-verified
    const rules = ir.rules.filter((r) => (r.stage === null || r.stage === stageName) && covers(r.channels, touch.channel) && r.condition === undefined);
    for (const rule of rules) {
      const problem = checkRule(rule, touch, touches.slice(0, i), signals, zone, ir.holidays);
      if (problem !== undefined) violations.push(describe(touch, `rule \`${rule.id}\`: ${problem}`));
    }
  });
  return violations;
}

function checkRule(
  rule: IrRule,
  touch: SimTouch,
  earlier: readonly SimTouch[],
  signals: readonly { type: string; at: number }[],
  zone: string | undefined,
  holidays: readonly string[],
): string | undefined {
  const t = touch.at;
  const needsZone = "no time zone to apply it in";
  switch (rule.kind) {
    // a simulated contact is an account of its own: across the account, only its own touches count
    case "at-most":
    case "at-most-account": {
      const same = earlier.filter((e) => covers(rule.channels, e.channel));
      let inWindow: number;
      if (rule.window.kind === "rolling") {
        const span = fixedMs({ amount: rule.window.amount, unit: rule.window.unit });
        inWindow = same.filter((e) => e.at > t - span && e.at <= t).length;
      } else {
        if (zone === undefined) return needsZone;
        const unit = rule.window.unit;
        const key = (ms: number) => {
          const local = DateTime.fromMillis(ms, { zone });
          return unit === "day" ? local.toISODate() : `${local.weekYear}-W${local.weekNumber}`;
        };
        inWindow = same.filter((e) => key(e.at) === key(t)).length;
      }
      return inWindow + 1 > rule.count ? `${inWindow + 1} touches in one window, at most ${rule.count} allowed` : undefined;
    }
    case "at-least": {
      const last = [...earlier].reverse().find((e) => covers(rule.channels, e.channel));
      if (last === undefined) return undefined;
      const allowedFrom = addDuration(last.at, rule.duration, zone, holidays);
      if (allowedFrom === undefined) return needsZone;
      return t < allowedFrom ? `only ${Math.round((t - last.at) / MINUTE)} minutes after the previous touch` : undefined;
    }
    case "quiet-hours": {
      if (zone === undefined) return needsZone;
      const local = DateTime.fromMillis(t, { zone });
      const m = local.hour * 60 + local.minute;
      const s = rule.start.hour * 60 + rule.start.minute;
      const e = rule.end.hour * 60 + rule.end.minute;
      const quiet = s <= e ? m >= s && m < e : m >= s || m < e;
      return quiet ? `sent at ${local.toFormat("HH:mm")} local time, in quiet hours` : undefined;
    }
    case "only-business-days": {
      if (zone === undefined) return needsZone;
      const local = DateTime.fromMillis(t, { zone });
      return isBusinessDay(local, holidays) ? undefined : `sent on ${local.toISODate() ?? ""}, not a business day`;
    }
    case "never-without": {
      if (rule.where !== null || rule.tagged !== null) return undefined;
      return signals.some((s) => s.type === rule.signal && s.at <= t) ? undefined : `no \`${rule.signal}\` before it`;
    }
    case "never-after": {
      if (rule.where !== null || rule.tagged !== null) return undefined;
      const s = signals.find((x) => x.type === rule.signal && x.at <= t);
      return s === undefined ? undefined : `sent after \`${rule.signal}\` at ${new Date(s.at).toISOString()}`;
    }
    case "never-within": {
      if (rule.where !== null || rule.tagged !== null) return undefined;
      for (const s of signals) {
        if (s.type !== rule.signal || s.at > t) continue;
        const until = addDuration(s.at, rule.duration, zone, holidays);
        if (until === undefined) return needsZone;
        if (t < until) return `sent within the window after \`${rule.signal}\` at ${new Date(s.at).toISOString()}`;
      }
      return undefined;
    }
    case "never-when":
      return undefined;
  }
}

// ---------------------------------------------------------------- the population

/** Simulates contacts `from` to `to - 1` in this thread. */
export function simulateRange(policy: Policy, seed: number, from: number, to: number, horizonDays: number, onEach?: () => void): ContactOutcome[] {
  const engine = compile(policy);
  const ir = compileIr(policy);
  const out: ContactOutcome[] = [];
  for (let i = from; i < to; i++) {
    out.push(driveSimContact(engine, ir, makeContact(seed, i), horizonDays));
    onEach?.();
  }
  return out;
}

/** The compiled worker script, when running from the build. */
function workerScript(): string | undefined {
  const url = new URL("./simulate-worker.js", import.meta.url);
  if (url.protocol !== "file:") return undefined;
  const path = fileURLToPath(url);
  return existsSync(path) ? path : undefined;
}

/** Messages from a simulation worker. */
export type WorkerMessage = { kind: "progress"; done: number } | { kind: "done"; outcomes: ContactOutcome[] } | { kind: "error"; message: string };

/**
 * Simulates the whole population. With workers, contacts are split into
 * contiguous ranges and the outcomes concatenated in index order.
 */
export async function simulatePopulation(policy: Policy, options: SimulateOptions): Promise<ContactOutcome[]> {
  const total = options.contacts;
  const script = workerScript();
  const workers = script === undefined ? 0 : Math.min(options.workers ?? 0, total);
  let done = 0;
  const tick = () => {
    done++;
    if (options.onProgress !== undefined && (done % 50 === 0 || done === total)) options.onProgress(done, total);
  };
  if (workers <= 1 || script === undefined) return simulateRange(policy, options.seed, 0, total, options.horizonDays, tick);
  const size = Math.ceil(total / workers);
  const ranges = Array.from({ length: workers }, (_, w) => [w * size, Math.min(total, (w + 1) * size)] as const).filter(([a, b]) => a < b);
  const progress = ranges.map(() => 0);
  const parts = await Promise.all(
    ranges.map(
      ([from, to], w) =>
        new Promise<ContactOutcome[]>((resolveRange, reject) => {
          const worker = new Worker(script, { workerData: { policy, seed: options.seed, from, to, horizonDays: options.horizonDays } });
          worker.on("message", (message: WorkerMessage) => {
            if (message.kind === "progress") {
              progress[w] = message.done;
              const sum = progress.reduce((a, b) => a + b, 0);
              options.onProgress?.(sum, total);
            } else if (message.kind === "done") {
              resolveRange(message.outcomes);
              void worker.terminate();
            } else {
              reject(new Error(message.message));
            }
          });
          worker.on("error", reject);
          worker.on("exit", (code) => {
            if (code !== 0) reject(new Error(`simulation worker stopped with code ${code}`));
          });
        }),
    ),
  );
  return parts.flat();
}

// ---------------------------------------------------------------- the report

/** Counts by name, sorted by name when printed. */
type Counts = Record<string, number>;

/** One group of the report (a persona, or a stage). */
export interface GroupReport {
  contacts: number;
  touches: number;
  touchesByChannel: Counts;
  verdicts: Record<Verdict, number>;
  finalStages: Counts;
  /** Days from the first to the last touch: mean and longest (contacts with touches). */
  spanDays: { mean: number; max: number };
  /** Stages only: contacts that entered the stage, and the days they spent in it (mean and longest). */
  entered?: number;
  daysInStage?: { mean: number; max: number };
  violations: number;
}

/** The report of `heed simulate`. */
export interface SimulationReport {
  version: 1;
  policy: string;
  contacts: number;
  seed: number;
  horizonDays: number;
  totals: GroupReport;
  personas: Record<string, GroupReport>;
  /** By stage: the touches sent in it, the decisions asked in it and the contacts that ended in it. */
  stages: Record<string, GroupReport>;
  /** The first violations found (at most 20), with the contact they happened to. */
  violations: { contact: string; persona: string; violation: string }[];
  violationCount: number;
  cutShort: number;
  /** Contacts that reached the touch cap, by the stage of their last touch. */
  cutShortStages: Record<string, number>;
}

function emptyGroup(): GroupReport {
  return { contacts: 0, touches: 0, touchesByChannel: {}, verdicts: { allow: 0, deny: 0, defer: 0 }, finalStages: {}, spanDays: { mean: 0, max: 0 }, violations: 0 };
}

function sortedCounts(counts: Counts): Counts {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Aggregates outcomes (in index order) into the report. */
export function buildReport(policyName: string, options: SimulateOptions, outcomes: readonly ContactOutcome[], stageOrder: readonly string[]): SimulationReport {
  const totals = emptyGroup();
  const personas: Record<string, GroupReport> = {};
  for (const p of PERSONAS) personas[p] = emptyGroup();
  const stages: Record<string, GroupReport> = {};
  for (const s of stageOrder) stages[s] = emptyGroup();
  const spanSums = new Map<GroupReport, { sum: number; n: number }>();
  const violations: SimulationReport["violations"] = [];
  let violationCount = 0;
  let cutShort = 0;
  const cutShortStages: Record<string, number> = {};
  for (const o of outcomes) {
    const persona = (personas[o.persona] ??= emptyGroup());
    const groups = [totals, persona];
    const span = o.touches.length === 0 ? undefined : ((o.touches.at(-1) as SimTouch).at - (o.touches[0] as SimTouch).at) / DAY;
    for (const g of groups) {
      g.contacts++;
      g.touches += o.touches.length;
      for (const touch of o.touches) g.touchesByChannel[touch.channel] = (g.touchesByChannel[touch.channel] ?? 0) + 1;
      for (const counts of Object.values(o.verdicts)) for (const v of ["allow", "deny", "defer"] as const) g.verdicts[v] += counts[v];
      g.finalStages[o.finalStage] = (g.finalStages[o.finalStage] ?? 0) + 1;
      g.violations += o.violations.length;
      if (span !== undefined) {
        const s = spanSums.get(g) ?? { sum: 0, n: 0 };
        s.sum += span;
        s.n++;
        spanSums.set(g, s);
        g.spanDays.max = Math.max(g.spanDays.max, round2(span));
      }
    }
    for (const touch of o.touches) {
      const st = (stages[touch.stage] ??= emptyGroup());
      st.touches++;
      st.touchesByChannel[touch.channel] = (st.touchesByChannel[touch.channel] ?? 0) + 1;
    }
    for (const [stage, counts] of Object.entries(o.verdicts)) {
      const st = (stages[stage] ??= emptyGroup());
      for (const v of ["allow", "deny", "defer"] as const) st.verdicts[v] += counts[v];
    }
    for (const [stage, days] of Object.entries(o.stageDays)) {
      const st = (stages[stage] ??= emptyGroup());
      st.entered = (st.entered ?? 0) + 1;
      const d = (st.daysInStage ??= { mean: 0, max: 0 });
      d.mean += days;
      d.max = Math.max(d.max, round2(days));
    }
    const ended = (stages[o.finalStage] ??= emptyGroup());
    ended.contacts++;
    ended.finalStages[o.finalStage] = (ended.finalStages[o.finalStage] ?? 0) + 1;
    violationCount += o.violations.length;
    for (const v of o.violations) if (violations.length < 20) violations.push({ contact: `sim-${o.index}`, persona: o.persona, violation: v });
    if (o.cutShort) {
      cutShort++;
      const stage = o.touches.at(-1)?.stage ?? o.finalStage;
      cutShortStages[stage] = (cutShortStages[stage] ?? 0) + 1;
    }
  }
  for (const [g, s] of spanSums) g.spanDays.mean = round2(s.sum / s.n);
  for (const st of Object.values(stages)) {
    st.entered ??= 0;
    st.daysInStage = st.daysInStage === undefined ? { mean: 0, max: 0 } : { mean: round2(st.daysInStage.mean / (st.entered || 1)), max: st.daysInStage.max };
  }
  for (const g of [totals, ...Object.values(personas), ...Object.values(stages)]) {
    g.touchesByChannel = sortedCounts(g.touchesByChannel);
    g.finalStages = sortedCounts(g.finalStages);
  }
  return {
    version: 1,
    policy: policyName,
    contacts: options.contacts,
    seed: options.seed,
    horizonDays: options.horizonDays,
    totals,
    personas,
    stages,
    violations,
    violationCount,
    cutShort,
    cutShortStages: sortedCounts(cutShortStages),
  };
}

/** Runs a simulation and builds its report. */
export async function simulate(policy: Policy, options: SimulateOptions): Promise<SimulationReport> {
  const outcomes = await simulatePopulation(policy, options);
  const ir = compileIr(policy);
  return buildReport(ir.name, options, outcomes, ir.stages.map((s) => s.name));
}

function formatCounts(counts: Counts): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? "none" : entries.map(([k, v]) => `${k} ${v}`).join(", ");
}

/** The report for people. */
export function formatReport(r: SimulationReport): string {
  const lines: string[] = [];
  lines.push(`simulated ${r.contacts} contacts against \`${r.policy}\` (seed ${r.seed}, horizon ${r.horizonDays} days)`);
  const group = (title: string, g: GroupReport, showContacts = true) => {
    lines.push("", title);
    if (showContacts) lines.push(`  contacts:     ${g.contacts}`);
    lines.push(`  touches:      ${g.touches}${g.touches > 0 ? ` (${formatCounts(g.touchesByChannel)})` : ""}`);
    if (showContacts) lines.push(`  touch span:   mean ${g.spanDays.mean.toFixed(2)} days, longest ${g.spanDays.max.toFixed(2)} days`);
    lines.push(`  decisions:    allow ${g.verdicts.allow}, defer ${g.verdicts.defer}, deny ${g.verdicts.deny}`);
    lines.push(`  final stages: ${formatCounts(g.finalStages)}`);
    if (showContacts) lines.push(`  violations:   ${g.violations}`);
  };
  group("all contacts", r.totals);
  for (const [name, g] of Object.entries(r.personas)) if (g.contacts > 0) group(`persona ${name}`, g);
  for (const [name, g] of Object.entries(r.stages)) {
    lines.push("", `stage ${name}`);
    lines.push(`  entered by:   ${g.entered ?? 0} contacts, ${(g.daysInStage?.mean ?? 0).toFixed(2)} days there on average, longest ${(g.daysInStage?.max ?? 0).toFixed(2)}`);
    lines.push(`  touches sent: ${g.touches}${g.touches > 0 ? ` (${formatCounts(g.touchesByChannel)})` : ""}`);
    lines.push(`  decisions:    allow ${g.verdicts.allow}, defer ${g.verdicts.defer}, deny ${g.verdicts.deny}`);
    lines.push(`  ended here:   ${g.contacts}`);
  }
  lines.push("");
  if (r.cutShort > 0) {
    const where = Object.entries(r.cutShortStages ?? {}).map(([stage, n]) => `${n} in \`${stage}\``);
    lines.push(`${r.cutShort} contacts reached the cap of ${MAX_TOUCHES} touches before the horizon${where.length === 0 ? "" : ` (${where.join(", ")})`}`);
  }
  lines.push(`safety violations: ${r.violationCount}`);
  for (const v of r.violations) lines.push(`  ${v.contact} (${v.persona}): ${v.violation}`);
  return `${lines.join("\n")}\n`;
}
