/**
 * Judging a proposed touch at one instant on the state a contact has
 * reached: the stage's own checks (a declared channel, a zone for the
 * stage's course, a final stage, the `allow` list), then every rule that
 * speaks of the touch, each answering one {@link Verdict}.
 *
 * Three readings of one judgement: the reasons of a decision (unmet checks,
 * with their messages), an explanation (every check, met and not applicable
 * included), and, while following a deferral, one verdict for the whole
 * member, built without messages.
 *
 * @module
 */

import type { Span } from "../diagnostics.js";
import type { ProposedTouch } from "../model.js";
import { code } from "../print.js";
import type { Member } from "./member.js";
import type { CompiledRule, Unmet } from "./rules/index.js";
import type { StageRuntime } from "./runtime.js";
import { counters } from "./state.js";
import { defer, deny, MET, NO_CALENDAR, NO_ZONE, type DeferVerdict, type Verdict } from "./verdict.js";

/** How one check judged a touch at an instant. */
export interface Judgement<V extends Verdict | null = Verdict | null> {
  /** The check's id: a rule id, or a stage's or the policy's own check (`nurture.allow`, `policy.channels`). */
  readonly rule: string;
  /** The reason code. */
  readonly code: string;
  /** Its verdict; `null` when it does not apply to this touch (explanations only). */
  readonly verdict: V;
  readonly message: string;
  readonly span: Span | undefined;
}

const UNKNOWN_CHANNEL = deny("unknown-channel");
const FINAL_STAGE = deny("final-stage");
const NOT_ALLOWED = deny("channel-not-allowed");

/**
 * A deferral later than any a search follows, short of a denial: the
 * touch's channel is deferred every minute of the day in this stage
 * ({@link StageRuntime.quietAllDay}), so nothing is allowed before the
 * contact leaves it (the search stops at a timer first).
 */
const NOT_IN_THIS_STAGE: DeferVerdict = Object.freeze(defer(Number.MAX_VALUE));

/** True when the rule names no tag, or one the touch carries. */
export function tagMatches(r: CompiledRule, touch: ProposedTouch): boolean {
  const tagged = r.tagged;
  if (tagged !== null) return Array.isArray(touch.tags) && touch.tags.includes(tagged);
  return true;
}

/** The rules of the stage that speak of the touch's channel (their tags not yet compared). */
export function rulesOnChannel(info: StageRuntime, channel: string): readonly CompiledRule[] {
  return info.channelRules.get(channel) ?? info.anyChannelRules;
}

/** True when the rule speaks of this touch: its channel set and its tag. */
function applies(r: CompiledRule, touch: ProposedTouch): boolean {
  if (r.channels !== null && !r.channels.has(touch.channel)) return false;
  return tagMatches(r, touch);
}

/**
 * What a rule that needs local time lacks, if anything: without a zone it
 * denies (`unknown-timezone`); counting business days, without the
 * contact's holidays too (`unknown-calendar`).
 */
function lacksZone(m: Member, r: CompiledRule): Verdict | undefined {
  if (!r.needsZone) return undefined;
  if (m.ctx.zone === undefined) return NO_ZONE;
  if (r.needsCalendar && m.ctx.calendar === undefined) return NO_CALENDAR;
  return undefined;
}

/** True when a rule's `when` / `unless` lets it apply to the touch at `t` (spec section 8.3). */
function conditionHolds(m: Member, r: CompiledRule, touch: ProposedTouch, t: number): boolean {
  return r.applies === null || r.applies({ contact: m.ctx.contact, touch, counters: counters(m.st, t), factValues: m.st.facts });
}

/**
 * How one rule that speaks of the touch judges it at `t`: met where its
 * condition does not hold; a wait it imposes ends no later than the next
 * instant its condition may stop holding (`time_in_stage`), so that a
 * deferral is followed to where the rule stops applying.
 */
export function judgeRule(m: Member, r: CompiledRule, touch: ProposedTouch, t: number): Verdict {
  if (r.applies !== null && !conditionHolds(m, r, touch, t)) return MET;
  const lacking = lacksZone(m, r);
  if (lacking !== undefined) return lacking;
  const verdict = r.check(m.st.memory[r.index]!, m.ctx, m.st, touch, t);
  if (verdict.kind !== "defer" || r.nextFlip === null) return verdict;
  const flip = r.nextFlip(m.st, { contact: m.ctx.contact, touch, counters: counters(m.st, t), factValues: m.st.facts }, t);
  return flip !== undefined && flip < verdict.until ? defer(flip) : verdict;
}

/** The denial of a stage whose course counts business days, for a contact without a zone or without a holiday calendar. */
function noCalendar(m: Member): typeof NO_ZONE {
  return m.ctx.zone === undefined ? NO_ZONE : NO_CALENDAR;
}

/** Where the policy reads a contact's holiday region (`contact.country`), for messages. */
function regionSource(m: Member): string {
  return code(m.rt.ir.holidaysFrom?.from.join(".") ?? "contact.country");
}

/** The verdict of a check before the rules, at the stage: undefined when none denies. */
function stageDenial(m: Member, info: StageRuntime, channel: string): Unmet | undefined {
  const stage = info.stage;
  if (!m.rt.channels.has(channel)) return UNKNOWN_CHANNEL;
  if (m.ctx.calendar === undefined && info.timersNeedZone) return noCalendar(m);
  if (stage.final) return FINAL_STAGE;
  if (info.allowed !== null && !info.allowed.has(channel)) return NOT_ALLOWED;
  return undefined;
}

/**
 * True when a check before the rules denies the touch in the contact's
 * stage: an undeclared channel, a stage whose course needs a zone the
 * contact lacks, a final stage, or a channel the stage does not allow.
 */
export function stageForbids(m: Member, info: StageRuntime, channel: string): boolean {
  return stageDenial(m, info, channel) !== undefined;
}

/** The stage's own checks that deny the touch, with their messages, in order. */
function stageJudgements(m: Member, info: StageRuntime, touch: ProposedTouch, out: Judgement[], met: boolean): void {
  const { rt, st } = m;
  const stage = info.stage;
  const channel = touch.channel;
  if (!rt.channels.has(channel)) {
    out.push(judgement("policy.channels", UNKNOWN_CHANNEL, `unknown channel ${code(channel)}: the policy declares ${rt.channelsText}`, undefined));
  } else if (met) {
    out.push(judgement("policy.channels", MET, `${code(channel)} is declared`, undefined, "unknown-channel"));
  }
  if (m.ctx.calendar === undefined && info.timersNeedZone) {
    if (m.ctx.zone === undefined) {
      const message = `the course of stage ${code(st.stage)} counts business days, but the contact has no time zone and the policy no fallback`;
      out.push(judgement("policy.timezone", NO_ZONE, message, undefined));
    } else {
      const message = `the course of stage ${code(st.stage)} counts business days, but the contact has no ${regionSource(m)} and the policy no fallback holidays`;
      out.push(judgement("policy.holidays", NO_CALENDAR, message, undefined));
    }
  }
  if (stage.final) {
    out.push(judgement(info.finalRule, FINAL_STAGE, `stage ${code(stage.name)} is final: it allows no touch`, stage.span));
  } else if (info.allowed !== null && !info.allowed.has(channel)) {
    out.push(judgement(info.allowRule, NOT_ALLOWED, `stage ${code(stage.name)} allows only ${info.allowedText}, not ${code(channel)}`, stage.span));
  } else if (met) {
    out.push(judgement(info.allowRule, MET, `stage ${code(stage.name)} allows ${code(channel)}`, stage.span, "channel-not-allowed"));
  }
}

/** A judgement; its code is the verdict's for a denial, else `code`. */
function judgement<V extends Verdict | null>(rule: string, verdict: V, message: string, span: Span | undefined, orCode = ""): Judgement<V> {
  return { rule, code: verdict !== null && verdict.kind === "deny" ? verdict.code : orCode, verdict, message, span };
}

/** The message of an unmet rule: its text, then what its kind says about it. */
function unmetMessage(m: Member, r: CompiledRule, t: number, verdict: Unmet): string {
  if (verdict === NO_ZONE) return `${r.text}: needs the contact's time zone, but the contact has none and the policy no fallback`;
  if (verdict === NO_CALENDAR) return `${r.text}: needs the contact's holidays, but the contact has no ${regionSource(m)} and the policy no fallback`;
  return `${r.text}: ${r.detail(m.st.memory[r.index]!, m.ctx, t, verdict)}`;
}

/**
 * The checks unmet by the touch at `t` on the member's state, with their
 * messages: the reasons of a decision. Records in `known` the verdicts of
 * the rules that judge alike whatever the channel (see {@link Member.known}).
 */
export function judge(m: Member, touch: ProposedTouch, t: number, known: (Verdict | undefined)[]): Judgement<Unmet>[] {
  const out: Judgement[] = [];
  const info = m.rt.stages.get(m.st.stage)!;
  stageJudgements(m, info, touch, out, false);
  // Only the rules on the touch's channel are looked at.
  const rules = rulesOnChannel(info, touch.channel);
  for (let k = 0; k < rules.length; k++) {
    const r = rules[k]!;
    if (!tagMatches(r, touch)) continue;
    const verdict = judgeRule(m, r, touch, t);
    // A rule reading `touch.channel` is judged per channel: its verdict is not kept for the others.
    if (!r.readsChannel) known[r.index] = verdict;
    // Messages are built only for reasons that are returned.
    if (verdict.kind !== "met") out.push(judgement(r.id, verdict, unmetMessage(m, r, t, verdict), r.span, r.code));
  }
  return out as Judgement<Unmet>[];
}

/** Every check of the member for the touch at `t`, met and not applicable included: an explanation. */
export function explainJudgements(m: Member, touch: ProposedTouch, t: number): Judgement[] {
  const out: Judgement[] = [];
  const info = m.rt.stages.get(m.st.stage)!;
  stageJudgements(m, info, touch, out, true);
  for (const r of info.rules) {
    if (!applies(r, touch)) {
      out.push(judgement(r.id, null, `${r.text}: does not apply to this touch`, r.span, r.code));
      continue;
    }
    if (!conditionHolds(m, r, touch, t)) {
      out.push(judgement(r.id, null, `${r.text}: does not apply here (its condition does not hold)`, r.span, r.code));
      continue;
    }
    const verdict = judgeRule(m, r, touch, t);
    const message = verdict.kind === "met" ? `${r.text}: met` : unmetMessage(m, r, t, verdict);
    out.push(judgement(r.id, verdict, message, r.span, r.code));
  }
  return out;
}

/** The first check of the member that denies the touch at `t`, in the order reasons list them, if any. */
export function firstDenial(m: Member, touch: ProposedTouch, t: number): { rule: string; code: string } | undefined {
  const info = m.rt.stages.get(m.st.stage)!;
  const stage = info.stage;
  const channel = touch.channel;
  if (!m.rt.channels.has(channel)) return { rule: "policy.channels", code: UNKNOWN_CHANNEL.code };
  if (m.ctx.calendar === undefined && info.timersNeedZone) {
    return m.ctx.zone === undefined ? { rule: "policy.timezone", code: NO_ZONE.code } : { rule: "policy.holidays", code: NO_CALENDAR.code };
  }
  if (stage.final) return { rule: info.finalRule, code: FINAL_STAGE.code };
  if (info.allowed !== null && !info.allowed.has(channel)) return { rule: info.allowRule, code: NOT_ALLOWED.code };
  const rules = rulesOnChannel(info, channel);
  for (let k = 0; k < rules.length; k++) {
    const r = rules[k]!;
    if (!tagMatches(r, touch)) continue;
    const verdict = judgeRule(m, r, touch, t);
    if (verdict.kind === "deny") return { rule: r.id, code: verdict.code };
  }
  return undefined;
}

/**
 * Every check of the member at `t` as one verdict, built without messages
 * (while following a deferral): the first denial, else the latest
 * deferral, else met. With `asBefore`, the member's state is the one judged
 * at the decision instant, where no check denied: the rules that judge
 * alike at every instant on one state (`CompiledRule.timeless`) are met
 * there, and are not judged again.
 */
export function clearance(m: Member, touch: ProposedTouch, t: number, asBefore: boolean): Verdict {
  const info = m.rt.stages.get(m.st.stage)!;
  const denied = stageDenial(m, info, touch.channel);
  if (denied !== undefined) return denied;
  let latest: Verdict = MET;
  const rules = rulesOnChannel(info, touch.channel);
  for (let k = 0; k < rules.length; k++) {
    const r = rules[k]!;
    if ((asBefore && r.timeless) || !tagMatches(r, touch)) continue;
    const verdict = judgeRule(m, r, touch, t);
    if (verdict.kind === "deny") return verdict;
    if (verdict.kind === "defer" && (latest.kind !== "defer" || verdict.until > latest.until)) latest = verdict;
  }
  // deferred all day: nothing is allowed before the contact leaves the stage
  if (latest.kind === "defer" && info.quietAllDay.has(touch.channel)) return NOT_IN_THIS_STAGE;
  return latest;
}
