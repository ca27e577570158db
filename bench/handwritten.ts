/**
 * The practical limit: the inbound policy of spec section 3 implemented
 * directly, by hand, for speed, and for this policy only. Stages are small
 * integers, channels bits, the state a handful of numbers; nothing is
 * interpreted. It follows spec section 2 to the letter, so it doubles as the
 * reference the other peers and Heed are checked against. It gives the whole
 * decision `decide()` gives (reasons with their messages, `notBefore`,
 * `alternatives`; no source spans), so that the two do the same work and the
 * benchmark compares them in full.
 *
 * @module
 */

import type { AttributeValue, Contact, EvaluateInput, HistoryEvent, ProposedTouch, Verdict } from "../src/model.js";
import { BusinessCalendar, DAY, HOUR, fromWall, nextLocalMidnight, toWall } from "./tz.js";

export const STAGES = ["prospecting", "nurture", "engaged", "email-only", "closed"] as const;
export const PROSPECTING = 0;
export const NURTURE = 1;
export const ENGAGED = 2;
export const EMAIL_ONLY = 3;
export const CLOSED = 4;

export const FALLBACK_ZONE = "America/New_York";
export const CALENDAR = new BusinessCalendar(["2026-11-26", "2026-12-25"]);
export const IGNORE_WINDOW = 3 * DAY;
export const NURTURE_LIMIT = 180 * DAY;
export const YEAR = 365 * DAY;

const EMAIL = 1;
const CALL = 2;
const SMS = 4;
const LINKEDIN = 8;
const INVITE = 16;

/** Channel name to bit; 0 for a channel the policy does not declare. */
export function channelBit(channel: string): number {
  switch (channel) {
    case "email":
      return EMAIL;
    case "call":
      return CALL;
    case "sms":
      return SMS;
    case "linkedin":
      return LINKEDIN;
    case "calendar-invite":
      return INVITE;
    default:
      return 0;
  }
}

/** Each stage's `allow` list as a bit set. */
const ALLOW = [EMAIL | CALL | LINKEDIN | INVITE, EMAIL, EMAIL | CALL | INVITE, EMAIL, 0];

/** A decision reduced to what the benchmark compares. */
export interface Outcome {
  verdict: Verdict;
  stage: string;
  /** On defer: epoch ms. */
  notBefore?: number;
  /** `rule:code` of every unmet rule, sorted. */
  reasons: string[];
  /** On deny and defer: the other declared channels allowed at the instant. */
  alternatives?: string[];
}

/** The zone the policy reads a contact's local time in. */
export function zoneOf(contact: Contact): string {
  return contact.timezone ?? FALLBACK_ZONE;
}

function digits2(s: string, i: number): number {
  return (s.charCodeAt(i) - 48) * 10 + (s.charCodeAt(i + 1) - 48);
}

/**
 * ISO-8601 `YYYY-MM-DDTHH:MM[:SS[.sss]](Z|±HH:MM)` to epoch ms by hand
 * (several times faster than `Date.parse`); other shapes go to `Date.parse`.
 */
export function parseIso(s: string): number {
  const n = s.length;
  if (n < 17 || s.charCodeAt(4) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58) return Date.parse(s);
  const year = digits2(s, 0) * 100 + digits2(s, 2);
  let ms = Date.UTC(year, digits2(s, 5) - 1, digits2(s, 8), digits2(s, 11), digits2(s, 14));
  let i = 16;
  if (s.charCodeAt(i) === 58) {
    ms += digits2(s, 17) * 1000;
    i = 19;
    if (s.charCodeAt(i) === 46) {
      let frac = 0;
      let scale = 100;
      i++;
      while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) {
        frac += (s.charCodeAt(i) - 48) * scale;
        scale /= 10;
        i++;
      }
      ms += Math.floor(frac);
    }
  }
  const c = s.charCodeAt(i);
  if (c === 90 && i === n - 1) return ms;
  if ((c === 43 || c === 45) && i === n - 6 && s.charCodeAt(i + 3) === 58) {
    const offset = (digits2(s, i + 1) * 60 + digits2(s, i + 4)) * 60_000;
    return c === 43 ? ms - offset : ms + offset;
  }
  return Date.parse(s);
}

/**
 * The history as the engine sees it at `at`: duplicates by `id` dropped (the
 * first in input order kept), events after `at` dropped, sorted stably by
 * instant. Returns parallel arrays of events and their instants.
 */
export function normalize(history: readonly HistoryEvent[], at: number): { events: HistoryEvent[]; times: number[] } {
  let seen: Set<string> | null = null;
  let events: HistoryEvent[] = [];
  let times: number[] = [];
  let sorted = true;
  let prev = -Infinity;
  for (let i = 0; i < history.length; i++) {
    const e = history[i]!;
    if (e.id !== undefined) {
      seen ??= new Set();
      if (seen.has(e.id)) continue;
      seen.add(e.id);
    }
    const t = parseIso(e.at);
    if (t > at) continue;
    if (t < prev) sorted = false;
    prev = t;
    events.push(e);
    times.push(t);
  }
  if (!sorted) {
    const order = times.map((_, i) => i);
    const ts = times;
    order.sort((a, b) => ts[a]! - ts[b]! || a - b);
    events = order.map((i) => events[i]!);
    times = order.map((i) => ts[i]!);
  }
  return { events, times };
}

/**
 * A contact's state under the inbound policy: the stage machine plus what
 * the rules need (last touches, last download, whether a reply was seen).
 */
export class ContactState {
  stage = PROSPECTING;
  entry = 0;
  ignored = 0;
  touches = 0;
  total = 0;
  /** Ends of pending ignore windows, ascending; those before `head` are settled. */
  pending: number[] = [];
  head = 0;
  hasReply = false;
  lastDownload = -Infinity;
  lastTouch = -Infinity;
  secondTouch = -Infinity;
  thirdTouch = -Infinity;
  lastCall = -Infinity;
  lastEmail = -Infinity;

  constructor(entry: number) {
    this.entry = entry;
  }

  clone(): ContactState {
    const c = new ContactState(this.entry);
    Object.assign(c, this);
    c.pending = this.pending.slice(this.head);
    c.head = 0;
    return c;
  }

  enter(stage: number, at: number): void {
    this.stage = stage;
    this.entry = at;
    this.ignored = 0;
    this.touches = 0;
    this.pending = [];
    this.head = 0;
  }

  /** The next timer's instant (ignore window end or nurture's 180 days), or Infinity. */
  nextTimer(): number {
    const ignore = this.head < this.pending.length ? this.pending[this.head]! : Infinity;
    const elapsed = this.stage === NURTURE ? this.entry + NURTURE_LIMIT : Infinity;
    return ignore < elapsed ? ignore : elapsed;
  }

  /** Fires every timer due before `limit` (or at it, when `inclusive`). */
  advance(limit: number, inclusive: boolean): void {
    for (;;) {
      const ignore = this.head < this.pending.length ? this.pending[this.head]! : Infinity;
      const elapsed = this.stage === NURTURE ? this.entry + NURTURE_LIMIT : Infinity;
      if (ignore <= elapsed) {
        if (inclusive ? ignore > limit : ignore >= limit) return;
        this.head++;
        this.ignored++;
        if (this.stage === PROSPECTING ? this.ignored >= 2 : this.stage === ENGAGED && this.ignored >= 3) {
          this.enter(NURTURE, ignore);
        }
      } else {
        if (inclusive ? elapsed > limit : elapsed >= limit) return;
        this.enter(CLOSED, elapsed);
      }
    }
  }

  private engage(): void {
    this.head = this.pending.length;
    this.ignored = 0;
  }

  /** Processes one event at `t` (timers before it must have fired). */
  event(e: HistoryEvent, t: number): void {
    switch (e.type) {
      case "touch": {
        this.total++;
        this.touches++;
        this.pending.push(t + IGNORE_WINDOW);
        this.thirdTouch = this.secondTouch;
        this.secondTouch = this.lastTouch;
        this.lastTouch = t;
        if (e.channel === "email") this.lastEmail = t;
        else if (e.channel === "call") this.lastCall = t;
        return;
      }
      case "reply": {
        if (e.auto === true) return;
        this.hasReply = true;
        this.engage();
        if (this.stage === PROSPECTING) {
          if (e.sentiment === "negative") this.enter(CLOSED, t);
          else if (e.prefers === "email") this.enter(EMAIL_ONLY, t);
          else this.enter(ENGAGED, t);
        } else if (this.stage === NURTURE) {
          this.enter(ENGAGED, t);
        }
        return;
      }
      case "meeting_booked":
      case "call_connected":
        this.engage();
        return;
      case "unsubscribe":
      case "purchase":
        if (this.stage !== CLOSED) this.enter(CLOSED, t);
        return;
      case "content_download":
        if (t > this.lastDownload) this.lastDownload = t;
        return;
      default:
        return;
    }
  }
}

/**
 * Replays a normalized history: the state after its last event, the state a
 * stored-state integration keeps (timers after that event not yet fired).
 * A contact without history enters at `entry`.
 */
export function replayEvents(events: readonly HistoryEvent[], times: readonly number[], entry: number): ContactState {
  const state = new ContactState(times.length > 0 ? times[0]! : entry);
  for (let i = 0; i < events.length; i++) {
    const t = times[i]!;
    state.advance(t, false);
    state.event(events[i]!, t);
  }
  return state;
}

/** Replays a normalized history up to and including `at`. */
export function replay(events: readonly HistoryEvent[], times: readonly number[], at: number): ContactState {
  const state = replayEvents(events, times, at);
  state.advance(at, true);
  return state;
}

const DENY = -1;

/** A reason as Heed gives it, without the source span (the peer has no source). */
export interface HandReason {
  rule: string;
  code: string;
  message: string;
}

/** The whole decision, in Heed's key order, spans aside. */
export interface HandDecision {
  verdict: Verdict;
  notBefore?: string;
  stage: string;
  reasons: HandReason[];
  alternatives?: string[];
}

/** The declared channels, in the policy's order. */
export const DECLARED = ["email", "call", "sms", "linkedin", "calendar-invite"] as const;
const DECLARED_TEXT = DECLARED.map((c) => `\`${c}\``).join(", ");
/** Each stage's `allow` list as the messages print it. */
const ALLOW_TEXT = ["`email`, `call`, `linkedin`, `calendar-invite`", "`email`", "`email`, `call`, `calendar-invite`", "`email`", ""];

function hasTag(touch: ProposedTouch, tag: string): boolean {
  const tags = touch.tags;
  return Array.isArray(tags) && tags.includes(tag);
}

function inList(value: unknown, list: AttributeValue | undefined): boolean {
  return value !== undefined && Array.isArray(list) && (list as unknown[]).includes(value);
}

function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/** `YYYY-MM-DD` of a day number (days since 1970-01-01), by civil-calendar arithmetic. */
function dateText(dayNum: number): string {
  const z = dayNum + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${two(month)}-${two(day)}`;
}

/** An instant as ISO-8601 UTC, milliseconds only when there are any (as Heed writes them). */
export function isoText(ms: number): string {
  const dayNum = Math.floor(ms / DAY);
  let rest = ms - dayNum * DAY;
  const hour = Math.floor(rest / HOUR);
  rest -= hour * HOUR;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const millis = rest - second * 1000;
  const time = `${dateText(dayNum)}T${two(hour)}:${two(minute)}:${two(second)}`;
  return millis === 0 ? `${time}Z` : `${time}.${String(millis).padStart(3, "0")}Z`;
}

/**
 * Every rule at `t`: DENY when one denies, else the earliest instant at or
 * after `t` that the unmet temporal rules each allow (`t` itself when all are
 * met). Pushes each unmet rule's reason, in Heed's order (the stage's checks,
 * the stage's rules, then the policy-wide ones in source order), into
 * `reasons` when given.
 */
export function check(
  state: ContactState,
  contact: Contact,
  touch: ProposedTouch,
  bit: number,
  zone: string,
  t: number,
  reasons: HandReason[] | null,
): number {
  const wall = toWall(zone, t);
  const first = reasons === null ? 0 : reasons.length;
  const own = channelRules(state, contact, touch, bit, zone, t, wall, reasons);
  const common = commonRules(state, contact, touch, zone, t, wall, reasons);
  if (reasons !== null && reasons.length - first > 1) inSourceOrder(reasons, first);
  return own === DENY || common === DENY ? DENY : Math.max(own, common);
}

/** Where each reason comes in Heed's order: the stage's checks, the stage's rule, then the policy-wide rules in source order. */
const RANK = new Map([
  "nurture.at-most.1",
  "no-cold-invites",
  "let-them-read",
  "policy.never-when.1",
  "policy.never-when.2",
  "policy.never-when.3",
  "policy.never-when.4",
  "policy.at-most.1",
  "policy.at-most.2",
  "policy.at-least.1",
  "policy.quiet-hours.1",
  "policy.only-business-days.1",
].map((rule, i) => [rule, i + 1]));

function rank(reason: HandReason): number {
  return RANK.get(reason.rule) ?? 0;
}

/** Sorts `reasons[from...]` into Heed's order (a handful at most: insertion sort). */
function inSourceOrder(reasons: HandReason[], from: number): void {
  for (let i = from + 1; i < reasons.length; i++) {
    const r = reasons[i]!;
    let j = i - 1;
    while (j >= from && rank(reasons[j]!) > rank(r)) {
      reasons[j + 1] = reasons[j]!;
      j--;
    }
    reasons[j + 1] = r;
  }
}

/** The checks and rules that depend on the channel (`bit`): DENY or the latest instant they allow. */
function channelRules(
  state: ContactState,
  contact: Contact,
  touch: ProposedTouch,
  bit: number,
  zone: string,
  t: number,
  wall: number,
  reasons: HandReason[] | null,
): number {
  let deny = false;
  let until = t;
  const stage = state.stage;
  if (stage === CLOSED) {
    deny = true;
    reasons?.push({ rule: "closed.final", code: "final-stage", message: "stage `closed` is final: it allows no touch" });
  } else if ((ALLOW[stage]! & bit) === 0) {
    deny = true;
    const name = STAGES[stage]!;
    reasons?.push({ rule: `${name}.allow`, code: "channel-not-allowed", message: `stage \`${name}\` allows only ${ALLOW_TEXT[stage]}, not \`${touch.channel}\`` });
  }
  if (stage === NURTURE && bit === EMAIL && state.lastEmail > t - 14 * DAY) {
    until = Math.max(until, state.lastEmail + 14 * DAY);
    reasons?.push({ rule: "nurture.at-most.1", code: "at-most", message: "at most 1 `email` per 14 days: 1 or more already sent in the last 14 days" });
  }
  if (bit === INVITE && !state.hasReply) {
    deny = true;
    reasons?.push({ rule: "no-cold-invites", code: "never-without", message: "never `calendar-invite` without `reply`: no `reply` seen yet" });
  }
  if (bit === CALL) {
    if (t < state.lastDownload + 4 * HOUR) {
      const end = state.lastDownload + 4 * HOUR;
      until = Math.max(until, end);
      reasons?.push({ rule: "let-them-read", code: "never-within", message: `never \`call\` within 4 hours of \`content_download\`: not before ${isoText(end)}` });
    }
    const role = contact.attributes?.role;
    if (role === "analyst" || role === "student") {
      deny = true;
      reasons?.push({ rule: "policy.never-when.1", code: "never-when", message: 'never `call` when contact.role in ["analyst", "student"]: the condition holds' });
    }
    const dayNum = Math.floor(wall / DAY);
    if (state.lastCall > t - 25 * HOUR && Math.floor(toWall(zone, state.lastCall) / DAY) === dayNum) {
      until = Math.max(until, nextLocalMidnight(zone, t));
      reasons?.push({ rule: "policy.at-most.2", code: "at-most", message: `at most 1 \`call\` per day: 1 or more already sent on ${dateText(dayNum)} (local)` });
    }
  }
  if (bit === CALL || bit === SMS) {
    const dayNum = Math.floor(wall / DAY);
    const timeOfDay = wall - dayNum * DAY;
    if (timeOfDay < 8 * HOUR || timeOfDay >= 21 * HOUR) {
      until = Math.max(until, fromWall(zone, (timeOfDay < 8 * HOUR ? dayNum : dayNum + 1) * DAY + 8 * HOUR));
      reasons?.push({ rule: "policy.quiet-hours.1", code: "quiet-hours", message: `quiet hours 21:00 to 08:00 for \`call\`, \`sms\`: it is quiet hours in \`${zone}\`` });
    }
  }
  return deny ? DENY : until;
}

/** The rules over every channel, which judge alike whatever the channel: DENY or the latest instant they allow. */
function commonRules(
  state: ContactState,
  contact: Contact,
  touch: ProposedTouch,
  zone: string,
  t: number,
  wall: number,
  reasons: HandReason[] | null,
): number {
  let deny = false;
  let until = t;
  const attrs = contact.attributes;
  if (attrs !== undefined && attrs.customer === true && touch.campaign === "acquisition") {
    deny = true;
    reasons?.push({
      rule: "policy.never-when.2",
      code: "never-when",
      message: 'never any channel when contact.customer == true and touch.campaign == "acquisition": the condition holds',
    });
  }
  if (attrs !== undefined && inList(touch.product, attrs.products)) {
    deny = true;
    reasons?.push({ rule: "policy.never-when.3", code: "never-when", message: "never any channel when touch.product in contact.products: the condition holds" });
  }
  if (state.total === 0 && hasTag(touch, "meeting-ask")) {
    deny = true;
    reasons?.push({ rule: "policy.never-when.4", code: "never-when", message: 'never any channel tagged "meeting-ask" when total_touches == 0: the condition holds' });
  }
  if (state.thirdTouch > t - 7 * DAY) {
    until = Math.max(until, state.thirdTouch + 7 * DAY);
    reasons?.push({ rule: "policy.at-most.1", code: "at-most", message: "at most 3 touches per 7 days: 3 or more already sent in the last 7 days" });
  }
  if (t - state.lastTouch < 6 * DAY) {
    const earliest = CALENDAR.addBusinessDays(zone, state.lastTouch, 2);
    if (t < earliest) {
      until = Math.max(until, earliest);
      reasons?.push({
        rule: "policy.at-least.1",
        code: "at-least",
        message: `at least 2 business days between touches: last sent at ${isoText(state.lastTouch)}, next not before ${isoText(earliest)}`,
      });
    }
  }
  const dayNum = Math.floor(wall / DAY);
  if (!CALENDAR.isBusinessDayNum(dayNum)) {
    until = Math.max(until, CALENDAR.businessDayStart(zone, t));
    reasons?.push({
      rule: "policy.only-business-days.1",
      code: "business-days",
      message: `only business days: ${dateText(dayNum)} is not a business day in \`${zone}\``,
    });
  }
  return deny ? DENY : until;
}

/** The first rule that denies the touch at `t` (for the `stage-change` message). */
function firstDenial(state: ContactState, contact: Contact, touch: ProposedTouch, bit: number, zone: string, t: number): HandReason {
  const all: HandReason[] = [];
  check(state, contact, touch, bit, zone, t, all);
  return all.find((r) => DENYING.has(r.code))!;
}

const DENYING = new Set(["final-stage", "channel-not-allowed", "never-without", "never-when"]);

/**
 * The other declared channels allowed at `at`: none when a rule over every
 * channel is unmet (it judges them all alike), else each channel's own rules.
 */
function alternativesAt(state: ContactState, contact: Contact, touch: ProposedTouch, zone: string, at: number): string[] {
  const wall = toWall(zone, at);
  if (commonRules(state, contact, touch, zone, at, wall, null) !== at) return [];
  const out: string[] = [];
  for (const channel of DECLARED) {
    if (channel === touch.channel) continue;
    if (channelRules(state, contact, touch, channelBit(channel), zone, at, wall, null) === at) out.push(channel);
  }
  return out;
}

/**
 * Decides on a contact's state (which it advances): the timers due by `at`
 * fire, then deny, allow, or defer to the earliest instant at which every
 * rule is met together, following the contact through the timers on the way;
 * with the reasons' messages and the `alternatives`, as Heed decides.
 */
export function decideOn(state: ContactState, contact: Contact, touch: ProposedTouch, at: number): HandDecision {
  state.advance(at, true);
  const stage = STAGES[state.stage]!;
  const reasons: HandReason[] = [];
  const bit = channelBit(touch.channel);
  const zone = zoneOf(contact);
  if (bit === 0) reasons.push({ rule: "policy.channels", code: "unknown-channel", message: `unknown channel \`${touch.channel}\`: the policy declares ${DECLARED_TEXT}` });
  let target = check(state, contact, touch, bit, zone, at, reasons);
  if (target === at && bit !== 0) return { verdict: "allow", stage, reasons };
  const alternatives = alternativesAt(state, contact, touch, zone, at);
  if (target === DENY || bit === 0) return { verdict: "deny", stage, reasons, alternatives };
  const limit = at + YEAR;
  for (;;) {
    if (target > limit) {
      reasons.push({ rule: "policy.no-window", code: "no-window", message: `no instant within a year of ${isoText(at)} meets every rule` });
      return { verdict: "deny", stage, reasons, alternatives };
    }
    const timer = state.nextTimer();
    let t: number;
    if (timer <= target) {
      state.advance(timer, true);
      t = timer;
    } else {
      t = target;
    }
    const next = check(state, contact, touch, bit, zone, t, null);
    if (next === DENY) {
      const denial = firstDenial(state, contact, touch, bit, zone, t);
      reasons.push({
        rule: "policy.stage-change",
        code: "stage-change",
        message: `waiting is not enough: at ${isoText(t)} the contact is in stage \`${STAGES[state.stage]}\` and \`${denial.rule}\` denies the touch (${denial.code})`,
      });
      return { verdict: "deny", stage, reasons, alternatives };
    }
    if (next === t) return { verdict: "defer", notBefore: isoText(t), stage, reasons, alternatives };
    target = next;
  }
}

/** The hand-written peer: one decision from the full history. */
export function evaluateHandwritten(input: EvaluateInput): HandDecision {
  const at = parseIso(input.at);
  const { events, times } = normalize(input.history, at);
  return decideOn(replay(events, times, at), input.contact, input.touch, at);
}

/**
 * The hand-written peer on a stored state (the state after the contact's
 * last event; advanced, so pass a copy), given what `decide()` is given.
 */
export function decideStored(state: ContactState, contact: Contact, touch: ProposedTouch, at: string): HandDecision {
  return decideOn(state, contact, touch, parseIso(at));
}

/** A decision reduced to what the json-rules-engine and XState peers are compared on. */
export function outcomeOf(d: HandDecision): Outcome {
  const reasons = d.reasons.map((r) => (r.code === "stage-change" || r.code === "no-window" ? r.code : `${r.rule}:${r.code}`)).sort();
  const o: Outcome = { verdict: d.verdict, stage: d.stage, reasons };
  if (d.notBefore !== undefined) o.notBefore = parseIso(d.notBefore);
  if (d.alternatives !== undefined) o.alternatives = d.alternatives;
  return o;
}
