/**
 * Deciding a proposed touch on the state a contact has reached: every rule
 * that applies is judged, deny beats defer beats allow, and a deferral
 * follows the contact through the timers ahead to find the earliest instant
 * at which all rules are met together.
 *
 * @module
 */

import type { Span } from "../diagnostics.js";
import type { Contact, Decision, PolicyDecision, ProposedTouch, Reason, Verdict } from "../model.js";
import type { RuleOutcome } from "./api.js";
import { printDuration } from "../print.js";
import { addIn, advance, copyState, counters, enterPolicy, nextTimer, type Context, type PolicyState, type RuleRuntime, type Runtime, type StageRuntime } from "./machine.js";
import {
  businessDayStart,
  calendarWindowStart,
  formatInstant,
  inQuietHours,
  isBusinessDay,
  localDate,
  nextCalendarWindowStart,
  quietHoursEnd,
} from "./time.js";

/** How far ahead a deferral may look before the verdict becomes `no-window`. */
export const HORIZON_MS = 365 * 24 * 60 * 60 * 1000;
/**
 * A bound on the steps of the search for `notBefore`, so that no input can
 * make it spin. Durations are at least a minute, so a year holds at most
 * 525,600 timer instants per timer: the bound is never reached by a policy
 * that validates.
 */
const MAX_STEPS = 1_000_000;

/** One policy of a contact: the compiled policy, the contact's context and its state. */
export interface Member {
  rt: Runtime;
  ctx: Context;
  st: PolicyState;
  /**
   * The contact has no event yet, so it enters at the instant of the
   * decision: while searching for `notBefore` it enters afresh at each
   * candidate instant instead of following timers from an earlier entry.
   */
  fresh: boolean;
  /**
   * What {@link judge} learnt at the decision instant of the rules that judge
   * alike whatever the channel (0 not judged, 1 met, 2 unmet), by rule index:
   * the `alternatives` then judge only the rest.
   */
  known: number[] | undefined;
}

/** A member, every field set (members then share one shape, which keeps reading them fast). */
export function member(rt: Runtime, ctx: Context, st: PolicyState, fresh: boolean): Member {
  return { rt, ctx, st, fresh, known: undefined };
}

/** A fresh {@link Member.known}: nothing judged yet. */
function newKnown(rt: Runtime): number[] {
  return rt.noneKnown.slice();
}

/** How one check judged a touch at an instant. */
export interface Judgement {
  rule: string;
  code: string;
  outcome: "met" | "not-applicable" | "deny" | "defer";
  message: string;
  /** For `defer`: the earliest instant this check alone would allow. */
  until?: number;
  span?: Span;
}

/** True when the rule speaks of this touch: its channel set and its tag. */
function applies(r: RuleRuntime, touch: ProposedTouch): boolean {
  if (r.channels !== null && !r.channels.has(touch.channel)) return false;
  return tagMatches(r, touch);
}

/** The rules of the stage that speak of the touch's channel (their tags not yet compared). */
function rulesOnChannel(info: StageRuntime, channel: string): readonly RuleRuntime[] {
  return info.channelRules.get(channel) ?? info.anyChannelRules;
}

/** True when the rule names no tag, or one the touch carries. */
function tagMatches(r: RuleRuntime, touch: ProposedTouch): boolean {
  const tagged = r.tagged;
  if (tagged !== null) return Array.isArray(touch.tags) && touch.tags.includes(tagged);
  return true;
}

function spanOf(span: Span | undefined): { span?: Span } {
  return span ? { span } : {};
}

/**
 * What checking one rule found, as one number so that checking allocates
 * nothing: {@link MET}, {@link DENIED}, or, for a rule that defers, the
 * earliest instant it alone would allow (always later than the instant
 * checked).
 */
type Finding = number;
const MET: Finding = -Infinity;
const DENIED: Finding = Infinity;

/**
 * Judges the touch at `t` on the state `st`. With `full`, met and
 * not-applicable checks are listed too (for explanations); otherwise only the
 * unmet ones. `known`, when given, records the rules judged (see {@link Member.known}).
 */
export function judge(m: Member, touch: ProposedTouch, t: number, full: boolean, messages = true, known?: number[]): Judgement[] {
  const { rt, ctx, st } = m;
  const out: Judgement[] = [];
  const info = rt.stages.get(st.stage)!;
  const stage = info.stage;
  if (!rt.channels.has(touch.channel)) {
    out.push({
      rule: "policy.channels",
      code: "unknown-channel",
      outcome: "deny",
      message: `unknown channel \`${touch.channel}\`: the policy declares ${rt.channelsText}`,
    });
  } else if (full) {
    out.push({ rule: "policy.channels", code: "unknown-channel", outcome: "met", message: `\`${touch.channel}\` is declared` });
  }
  if (ctx.calendar === undefined && info.timersNeedZone) {
    out.push({
      rule: "policy.timezone",
      code: "unknown-timezone",
      outcome: "deny",
      message: `the course of stage \`${st.stage}\` counts business days, but the contact has no time zone and the policy no fallback`,
    });
  }
  if (stage.final) {
    out.push(judgement(info.finalRule, "final-stage", "deny", `stage \`${stage.name}\` is final: it allows no touch`, stage.span));
  } else if (stage.allow !== null && !stage.allow.includes(touch.channel)) {
    const message = messages ? `stage \`${stage.name}\` allows only ${info.allowedText}, not \`${touch.channel}\`` : "";
    out.push(judgement(info.allowRule, "channel-not-allowed", "deny", message, stage.span));
  } else if (full) {
    out.push(judgement(info.allowRule, "channel-not-allowed", "met", `stage \`${stage.name}\` allows \`${touch.channel}\``, stage.span));
  }
  // Explanations list every rule; otherwise only those on the touch's channel are looked at.
  const rules = full ? info.rules : rulesOnChannel(info, touch.channel);
  for (let k = 0; k < rules.length; k++) {
    const r = rules[k]!;
    if (full ? !applies(r, touch) : !tagMatches(r, touch)) {
      if (full) out.push({ rule: r.id, code: r.code, outcome: "not-applicable", message: `${r.text}: does not apply to this touch`, ...spanOf(r.span) });
      continue;
    }
    if (lacksZone(m, r)) {
      if (known !== undefined && !r.readsChannel) known[r.index] = 2;
      const message = messages ? `${r.text}: needs the contact's time zone, but the contact has none and the policy no fallback` : "";
      out.push(judgement(r.id, "unknown-timezone", "deny", message, r.span));
      continue;
    }
    const found = checkRule(m, r, touch, t);
    // A `never ... when` reading `touch.channel` is judged per channel: its result is not kept for the others.
    if (known !== undefined && !r.readsChannel) known[r.index] = found === MET ? 1 : 2;
    if (found !== MET) {
      // Messages are built only for reasons that are returned, not while following a deferral.
      const j = judgement(r.id, r.code, found === DENIED ? "deny" : "defer", messages ? `${r.text}: ${unmetDetail(m, r, t, found)}` : "", r.span);
      if (found !== DENIED) j.until = found;
      out.push(j);
    } else if (full) {
      out.push({ rule: r.id, code: r.code, outcome: "met", message: `${r.text}: met`, ...spanOf(r.span) });
    }
  }
  return out;
}

/** A judgement, with the span when there is one. */
function judgement(rule: string, code: string, outcome: Judgement["outcome"], message: string, span: Span | undefined): Judgement {
  const j: Judgement = { rule, code, outcome, message };
  if (span) j.span = span;
  return j;
}

/** True when the rule needs local time and the contact has no zone (the rule then denies: `unknown-timezone`). */
function lacksZone(m: Member, r: RuleRuntime): boolean {
  return r.needsZone && (m.ctx.zone === undefined || m.ctx.calendar === undefined);
}

/** One applicable rule at `t`, its zone needs met (see {@link lacksZone}). */
function checkRule(m: Member, r: RuleRuntime, touch: ProposedTouch, t: number): Finding {
  const { ctx, st } = m;
  const memory = st.memory[r.index];
  switch (r.kind) {
    case "never-without":
      return memory === true ? MET : DENIED;
    case "never-after":
      return memory === true ? DENIED : MET;
    case "never-within": {
      const until = memory as number | null;
      return until !== null && t < until ? until : MET;
    }
    case "never-when":
      return r.when!({ contact: ctx.contact, touch, counters: counters(st, t) }) ? DENIED : MET;
    case "at-most": {
      const times = memory as number[];
      if (r.count <= 0) return DENIED;
      if (r.calendar === null) {
        if (countWithin(times, t - r.rollingMs, t, false) < r.count) return MET;
        return times[times.length - r.count]! + r.rollingMs;
      }
      if (countWithin(times, calendarWindowStart(t, r.calendar, ctx.zone!), t, true) < r.count) return MET;
      return nextCalendarWindowStart(t, r.calendar, ctx.zone!);
    }
    case "at-least": {
      const last = memory as number | null;
      if (last === null || t - last >= r.bound) return MET;
      const until = addIn(ctx, last, r.duration!)!;
      return t < until ? until : MET;
    }
    case "quiet-hours":
      return inQuietHours(t, r.start!, r.end!, ctx.zone!) ? quietHoursEnd(t, r.start!, r.end!, ctx.zone!) : MET;
    case "only-business-days":
      return isBusinessDay(t, ctx.calendar!) ? MET : businessDayStart(t, ctx.calendar!);
  }
}

/** Touches of `times` in `(from, t]`, or in `[from, t]` when `inclusive`. */
function countWithin(times: readonly number[], from: number, t: number, inclusive: boolean): number {
  let count = 0;
  for (const x of times) if ((inclusive ? x >= from : x > from) && x <= t) count++;
  return count;
}

/** What an unmet rule's reason says after the rule's text. */
function unmetDetail(m: Member, r: RuleRuntime, t: number, found: Finding): string {
  const zone = m.ctx.zone!;
  const memory = m.st.memory[r.index];
  const rule = r.rule;
  switch (rule.kind) {
    case "never-without":
      return `no \`${rule.signal}\` seen yet`;
    case "never-after":
      return `\`${rule.signal}\` was seen`;
    case "never-within":
      return `not before ${formatInstant(found)}`;
    case "never-when":
      return "the condition holds";
    case "at-most": {
      if (rule.count <= 0) return "no touch is ever allowed";
      const times = memory as number[];
      const w = rule.window;
      // Only the last `count` touches are remembered, so more may have been sent: the message says so.
      if (w.kind === "rolling") {
        const count = countWithin(times, t - r.rollingMs, t, false);
        return `${count} or more already sent in the last ${printDuration(w)}`;
      }
      const start = calendarWindowStart(t, w.unit, zone);
      const count = countWithin(times, start, t, true);
      return `${count} or more already sent ${w.unit === "day" ? `on ${localDate(t, zone)}` : `in the week of ${localDate(start, zone)}`} (local)`;
    }
    case "at-least":
      return `last sent at ${formatInstant(memory as number)}, next not before ${formatInstant(found)}`;
    case "quiet-hours":
      return `it is quiet hours in \`${zone}\``;
    case "only-business-days":
      return `${localDate(t, zone)} is not a business day in \`${zone}\``;
  }
}

/**
 * True when a check before the rules denies the touch in the contact's stage:
 * an undeclared channel, a stage whose course needs a zone the contact
 * lacks, a final stage, or a channel the stage does not allow (what
 * {@link judge} reports with messages).
 */
function stageForbids(m: Member, info: StageRuntime, channel: string): boolean {
  const stage = info.stage;
  return (
    !m.rt.channels.has(channel) ||
    (m.ctx.calendar === undefined && info.timersNeedZone) ||
    stage.final ||
    (stage.allow !== null && !stage.allow.includes(channel))
  );
}

/**
 * The checks of `m` at `t` in one number, allocating nothing (while
 * following a deferral): DENIED when one denies, else the latest instant
 * that a deferring check alone would allow, or MET when all are met. With
 * `asBefore`, the member's state is the one judged at the decision instant,
 * where no check denied: the rules that judge alike at every instant on one
 * state ({@link RuleRuntime.timeless}) are met, and are not judged again.
 */
function clearance(m: Member, touch: ProposedTouch, t: number, asBefore: boolean): Finding {
  const rt = m.rt;
  const info = rt.stages.get(m.st.stage)!;
  if (stageForbids(m, info, touch.channel)) return DENIED;
  let latest = MET;
  const rules = rulesOnChannel(info, touch.channel);
  for (let k = 0; k < rules.length; k++) {
    const r = rules[k]!;
    if ((asBefore && r.timeless) || !tagMatches(r, touch)) continue;
    if (lacksZone(m, r)) return DENIED;
    const found = checkRule(m, r, touch, t);
    if (found === DENIED) return DENIED;
    if (found > latest) latest = found;
  }
  return latest;
}

function toReason(j: Judgement, policy: string | undefined): Reason {
  const reason: Reason = { rule: j.rule, code: j.code, message: j.message };
  if (j.span) reason.span = j.span;
  if (policy !== undefined) reason.policy = policy;
  return reason;
}

/** True when the policy applies to this contact and touch (`applies when`). */
export function policyApplies(rt: Runtime, contact: Contact, touch: ProposedTouch): boolean {
  return rt.applies === null || rt.applies({ contact, touch });
}

type Search =
  | { kind: "allow"; at: number }
  | { kind: "denied"; at: number; member: Member; judgement: Judgement }
  | { kind: "no-window" };

/**
 * Follows the members from `at` through their timers to the earliest instant
 * at which every check is met together; `until` is the latest instant a
 * check deferring at `at` allows. The members are followed on copies: their
 * states are copied only once a timer changes them.
 */
function search(given: readonly Member[], touch: ProposedTouch, at: number, until: number): Search {
  const members = given.map((m) => member(m.rt, m.ctx, m.st, m.fresh));
  const copied = members.map(() => false);
  let t = at;
  let target = until;
  for (let step = 0; step < MAX_STEPS; step++) {
    for (const m of members) {
      if (m.fresh) continue;
      const timer = nextTimer(m.rt, m.ctx, m.st);
      if (timer !== undefined && timer > t && timer < target) target = timer;
    }
    if (target <= t || target > at + HORIZON_MS) return { kind: "no-window" };
    t = target;
    for (let i = 0; i < members.length; i++) {
      const m = members[i]!;
      if (m.fresh) {
        m.st = enterPolicy(m.rt, m.ctx, t);
        continue;
      }
      const due = nextTimer(m.rt, m.ctx, m.st);
      if (due === undefined || due > t) continue;
      // the state is copied the first time a timer changes it (it may be the caller's)
      if (!copied[i]) {
        m.st = copyState(m.st);
        copied[i] = true;
      }
      advance(m.rt, m.ctx, m.st, t);
    }
    let latest = MET;
    for (let i = 0; i < members.length; i++) {
      const m = members[i]!;
      const found = clearance(m, touch, t, !m.fresh && !copied[i]);
      if (found === DENIED) {
        // the first denying check names the rule in the reason
        const j = judge(m, touch, t, false, false).find((x) => x.outcome === "deny")!;
        return { kind: "denied", at: t, member: m, judgement: j };
      }
      if (found > latest) latest = found;
    }
    if (latest === MET) return { kind: "allow", at: t };
    target = latest;
  }
  return { kind: "no-window" };
}

/** The `policy` field of a reason about `m`, when reasons name their policy. */
function policyOf(m: Member, tagPolicy: boolean): { policy?: string } {
  return tagPolicy ? { policy: m.rt.ir.name } : {};
}

interface Verdicts {
  verdict: Verdict;
  notBefore?: number;
  reasons: Reason[];
}

/** The verdict of the applicable members (already advanced to `at`), searching for `notBefore` on copies. */
function verdictOf(members: readonly Member[], touch: ProposedTouch, at: number, tagPolicy: boolean): Verdicts {
  const reasons: Reason[] = [];
  let deny = false;
  let until = at;
  for (const m of members) {
    const policy = tagPolicy ? m.rt.ir.name : undefined;
    for (const j of judge(m, touch, at, false, true, (m.known ??= newKnown(m.rt)))) {
      reasons.push(toReason(j, policy));
      if (j.outcome === "deny") deny = true;
      else if (j.until! > until) until = j.until!;
    }
  }
  if (deny) return { verdict: "deny", reasons };
  if (reasons.length === 0) return { verdict: "allow", reasons };
  const found = search(members, touch, at, until);
  switch (found.kind) {
    case "allow":
      return { verdict: "defer", notBefore: found.at, reasons };
    case "denied": {
      const stage = found.member.st.stage;
      reasons.push({
        rule: "policy.stage-change",
        code: "stage-change",
        message: `waiting is not enough: at ${formatInstant(found.at)} the contact is in stage \`${stage}\` and \`${found.judgement.rule}\` denies the touch (${found.judgement.code})`,
        ...policyOf(found.member, tagPolicy),
      });
      return { verdict: "deny", reasons };
    }
    case "no-window":
      reasons.push({
        rule: "policy.no-window",
        code: "no-window",
        message: `no instant within a year of ${formatInstant(at)} meets every rule`,
        ...policyOf(members[0]!, tagPolicy),
      });
      return { verdict: "deny", reasons };
  }
}

/**
 * The decision for a contact whose members have been advanced to `at`.
 * `members` are all compiled policies in order; `multi` tells whether the
 * engine holds several policies (then reasons carry `policy` and the
 * decision lists each applicable policy's own).
 */
export function decideMembers(members: readonly Member[], declared: readonly string[], touch: ProposedTouch, at: number): Decision {
  const multi = members.length > 1;
  const contact = members[0]!.ctx.contact;
  const applicable = members.every((m) => m.rt.applies === null) ? members : members.filter((m) => policyApplies(m.rt, contact, touch));
  const stage = (applicable[0] ?? members[0]!).st.stage;
  if (applicable.length === 0) return { verdict: "allow", stage, reasons: [] };
  const result = verdictOf(applicable, touch, at, multi);
  // Keys in the documented order, so that equal decisions serialise alike.
  const decision: Decision =
    result.notBefore === undefined
      ? { verdict: result.verdict, stage, reasons: result.reasons }
      : { verdict: result.verdict, notBefore: formatInstant(result.notBefore), stage, reasons: result.reasons };
  if (result.verdict !== "allow") decision.alternatives = alternatives(members, declared, touch, at);
  if (multi) {
    decision.policies = applicable.map((m): PolicyDecision => {
      const own = verdictOf([m], touch, at, false);
      const entry: PolicyDecision = { policy: m.rt.ir.name, verdict: own.verdict, stage: m.st.stage };
      if (own.notBefore !== undefined) entry.notBefore = formatInstant(own.notBefore);
      return entry;
    });
  }
  return decision;
}

/**
 * The proposed touch moved to another declared channel, for `alternatives`.
 * Only a condition that reads `touch.channel` (a `never ... when` rule or an
 * `applies when`) needs the moved touch as an object: it is copied then, once,
 * and its channel changed in turn. Every other check reads the channel, or
 * the rest of the touch, directly.
 */
class MovedTouch {
  channel = "";
  private copy: ProposedTouch | undefined;

  constructor(readonly base: ProposedTouch) {}

  /** The touch on {@link channel}, as conditions read it. */
  get touch(): ProposedTouch {
    this.copy ??= { ...this.base };
    this.copy.channel = this.channel;
    return this.copy;
  }
}

/** Declared channels other than the proposed one that every applicable policy allows at `at`. */
function alternatives(members: readonly Member[], declared: readonly string[], touch: ProposedTouch, at: number): string[] {
  const infos = members.map((m) => m.rt.stages.get(m.st.stage)!);
  for (let i = 0; i < members.length; i++) if (blocksEveryChannel(members[i]!, infos[i]!)) return [];
  const contact = members[0]!.ctx.contact;
  // Most rules judge the same whatever the channel: judge each once (0 not yet, 1 met, 2 unmet).
  const caches = members.map((m) => m.known ?? newKnown(m.rt));
  const moved = new MovedTouch(touch);
  const out: string[] = [];
  for (const channel of declared) {
    if (channel === touch.channel) continue;
    moved.channel = channel;
    let ok = true;
    for (let i = 0; ok && i < members.length; i++) {
      const m = members[i]!;
      // the moved touch is made only for an `applies when` to read
      ok = (m.rt.applies !== null && !policyApplies(m.rt, contact, moved.touch)) || allowedAt(m, infos[i]!, moved, at, caches[i]!);
    }
    if (ok) out.push(channel);
  }
  return out;
}

/**
 * True when a policy that applies to every touch has an unmet rule that
 * speaks of every channel alike (no channel list, a condition not reading
 * `touch.channel`): no other channel can be allowed either. `info` is the
 * member's stage.
 */
function blocksEveryChannel(m: Member, info: StageRuntime): boolean {
  const { rt, known } = m;
  if (known === undefined || rt.applies !== null) return false;
  const rules = info.anyChannelRules;
  for (let k = 0; k < rules.length; k++) {
    const r = rules[k]!;
    if (known[r.index] === 2 && !r.readsChannel) return true;
  }
  return false;
}

/**
 * True when every check is met for the moved touch at `t`; `info` is the
 * member's stage, `cache` holds the channel-independent rule results.
 */
function allowedAt(m: Member, info: StageRuntime, moved: MovedTouch, t: number, cache: number[]): boolean {
  const rt = m.rt;
  const channel = moved.channel;
  if (stageForbids(m, info, channel)) return false;
  const touch = moved.base;
  const rules = rulesOnChannel(info, channel);
  for (let k = 0; k < rules.length; k++) {
    const r = rules[k]!;
    if (!tagMatches(r, touch)) continue;
    if (lacksZone(m, r)) return false;
    // A `never ... when` reading `touch.channel` is judged per channel, on the moved touch.
    if (r.readsChannel) {
      if (checkRule(m, r, moved.touch, t) !== MET) return false;
      continue;
    }
    // The other rules judge alike whatever the channel: the touch as proposed will do.
    let known = cache[r.index]!;
    if (known === 0) {
      known = checkRule(m, r, touch, t) === MET ? 1 : 2;
      cache[r.index] = known;
    }
    if (known === 2) return false;
  }
  return true;
}

/** Every check's outcome for the touch at `at`, for explanations. */
export function ruleOutcomes(members: readonly Member[], touch: ProposedTouch, at: number): RuleOutcome[] {
  const contact = members[0]!.ctx.contact;
  const out: RuleOutcome[] = [];
  for (const m of members) {
    const policy = m.rt.ir.name;
    const applicable = policyApplies(m.rt, contact, touch);
    for (const j of judge(m, touch, at, true)) {
      const outcome: RuleOutcome = {
        policy,
        rule: j.rule,
        code: j.code,
        outcome: applicable ? j.outcome : "not-applicable",
        message: applicable ? j.message : `the policy does not apply here (\`applies when\` does not hold): ${j.message}`,
      };
      if (applicable && j.until !== undefined) outcome.notBefore = formatInstant(j.until);
      if (j.span) outcome.span = j.span;
      out.push(outcome);
    }
  }
  return out;
}
