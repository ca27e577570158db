/**
 * The json-rules-engine peer. json-rules-engine has no notion of state or
 * time, so the integrator does what such a team would do: replays the stage
 * machine in plain TypeScript (the same replay as the hand-written peer),
 * computes every fact the rules read for the proposed touch at the instant
 * (stage, channel, counters, local time of day, windows, and the instant at
 * which each temporal limit clears), and lets the engine decide. The rules
 * themselves are JSON conditions, one per rule of the policy; each fires a
 * `deny` or `defer` event. A defer is followed through the contact's timers
 * by running the engine again on fresh facts at each candidate instant; the
 * `alternatives` of a deny or defer run it once per other declared channel.
 *
 * @module
 */

import { Engine, type RuleProperties } from "json-rules-engine";
import type { EvaluateInput, ProposedTouch } from "../src/model.js";
import {
  CALENDAR,
  DECLARED,
  NURTURE,
  STAGES,
  YEAR,
  channelBit,
  normalize,
  parseIso,
  replay,
  zoneOf,
  type ContactState,
  type Outcome,
} from "./handwritten.js";
import { DAY, HOUR, fromWall, nextLocalMidnight, toWall } from "./tz.js";

type Facts = Record<string, unknown>;

const deny = (rule: string, code: string) => ({ type: "deny", params: { rule, code } });
const defer = (rule: string, code: string, until: string) => ({ type: "defer", params: { rule, code, until } });
const isCall = { fact: "channel", operator: "equal", value: "call" };

/** The inbound policy's rules as JSON conditions. */
export const RULES: RuleProperties[] = [
  { conditions: { all: [{ fact: "stage", operator: "equal", value: "closed" }] }, event: deny("closed.final", "final-stage") },
  ...(
    [
      ["prospecting", ["email", "call", "linkedin", "calendar-invite"]],
      ["nurture", ["email"]],
      ["engaged", ["email", "call", "calendar-invite"]],
      ["email-only", ["email"]],
    ] as const
  ).map(([stage, allow]) => ({
    conditions: {
      all: [
        { fact: "stage", operator: "equal", value: stage },
        { fact: "channel", operator: "notIn", value: [...allow] },
      ],
    },
    event: deny(`${stage}.allow`, "channel-not-allowed"),
  })),
  {
    conditions: {
      all: [
        { fact: "channel", operator: "equal", value: "calendar-invite" },
        { fact: "hasReply", operator: "equal", value: false },
      ],
    },
    event: deny("no-cold-invites", "never-without"),
  },
  {
    conditions: { all: [isCall, { fact: "msSinceDownload", operator: "lessThan", value: 4 * HOUR }] },
    event: defer("let-them-read", "never-within", "downloadClearsAt"),
  },
  {
    conditions: { all: [isCall, { fact: "role", operator: "in", value: ["analyst", "student"] }] },
    event: deny("policy.never-when.1", "never-when"),
  },
  {
    conditions: {
      all: [
        { fact: "customer", operator: "equal", value: true },
        { fact: "campaign", operator: "equal", value: "acquisition" },
      ],
    },
    event: deny("policy.never-when.2", "never-when"),
  },
  {
    conditions: { all: [{ fact: "contactProducts", operator: "contains", value: { fact: "product" } }] },
    event: deny("policy.never-when.3", "never-when"),
  },
  {
    conditions: {
      all: [
        { fact: "tags", operator: "contains", value: "meeting-ask" },
        { fact: "totalTouches", operator: "equal", value: 0 },
      ],
    },
    event: deny("policy.never-when.4", "never-when"),
  },
  {
    conditions: { all: [{ fact: "touchesLast7Days", operator: "greaterThanInclusive", value: 3 }] },
    event: defer("policy.at-most.1", "at-most", "weekWindowClearsAt"),
  },
  {
    conditions: { all: [isCall, { fact: "callsToday", operator: "greaterThanInclusive", value: 1 }] },
    event: defer("policy.at-most.2", "at-most", "nextLocalMidnight"),
  },
  {
    conditions: { all: [{ fact: "now", operator: "lessThan", value: { fact: "gapEndsAt" } }] },
    event: defer("policy.at-least.1", "at-least", "gapEndsAt"),
  },
  {
    conditions: {
      all: [
        { fact: "channel", operator: "in", value: ["call", "sms"] },
        {
          any: [
            { fact: "localMinuteOfDay", operator: "greaterThanInclusive", value: 21 * 60 },
            { fact: "localMinuteOfDay", operator: "lessThan", value: 8 * 60 },
          ],
        },
      ],
    },
    event: defer("policy.quiet-hours.1", "quiet-hours", "quietHoursEndAt"),
  },
  {
    conditions: { all: [{ fact: "localBusinessDay", operator: "equal", value: false }] },
    event: defer("policy.only-business-days.1", "business-days", "businessDayStartsAt"),
  },
  {
    conditions: {
      all: [
        { fact: "stage", operator: "equal", value: "nurture" },
        { fact: "channel", operator: "equal", value: "email" },
        { fact: "emailsLast14Days", operator: "greaterThanInclusive", value: 1 },
      ],
    },
    event: defer("nurture.at-most.1", "at-most", "nurtureEmailClearsAt"),
  },
];

export function makeRulesEngine(): Engine {
  return new Engine(RULES, { allowUndefinedFacts: true });
}

/** Every fact the rules read, for `touch` at `t` on the replayed state. */
export function computeFacts(state: ContactState, input: EvaluateInput, zone: string, t: number): Facts {
  const attrs = input.contact.attributes ?? {};
  const touch: ProposedTouch = input.touch;
  const wall = toWall(zone, t);
  const dayNum = Math.floor(wall / DAY);
  const minute = Math.floor((wall - dayNum * DAY) / 60_000);
  const inWeek = [state.lastTouch, state.secondTouch, state.thirdTouch].filter((x) => x > t - 7 * DAY).length;
  const sameDayCall = state.lastCall > t - 25 * HOUR && Math.floor(toWall(zone, state.lastCall) / DAY) === dayNum;
  const quietEnd = minute < 8 * 60 ? fromWall(zone, dayNum * DAY + 8 * HOUR) : fromWall(zone, (dayNum + 1) * DAY + 8 * HOUR);
  return {
    now: t,
    stage: STAGES[state.stage],
    channel: touch.channel,
    hasReply: state.hasReply,
    role: attrs.role,
    customer: attrs.customer,
    campaign: touch.campaign,
    product: touch.product,
    contactProducts: Array.isArray(attrs.products) ? attrs.products : [],
    tags: Array.isArray(touch.tags) ? touch.tags : [],
    totalTouches: state.total,
    msSinceDownload: state.lastDownload === -Infinity ? Number.MAX_SAFE_INTEGER : t - state.lastDownload,
    downloadClearsAt: state.lastDownload + 4 * HOUR,
    touchesLast7Days: inWeek,
    weekWindowClearsAt: state.thirdTouch + 7 * DAY,
    callsToday: sameDayCall ? 1 : 0,
    nextLocalMidnight: nextLocalMidnight(zone, t),
    gapEndsAt: state.lastTouch === -Infinity ? 0 : CALENDAR.addBusinessDays(zone, state.lastTouch, 2),
    localMinuteOfDay: minute,
    quietHoursEndAt: quietEnd,
    localBusinessDay: CALENDAR.isBusinessDayNum(dayNum),
    businessDayStartsAt: CALENDAR.businessDayStart(zone, t),
    emailsLast14Days: state.stage === NURTURE && state.lastEmail > t - 14 * DAY ? 1 : 0,
    nurtureEmailClearsAt: state.lastEmail + 14 * DAY,
  };
}

interface Judgement {
  deny: boolean;
  until: number;
  reasons: string[];
}

async function judge(engine: Engine, facts: Facts, t: number): Promise<Judgement> {
  const { events } = await engine.run(facts);
  let deny = false;
  let until = t;
  const reasons: string[] = [];
  for (const e of events) {
    const params = e.params as { rule: string; code: string; until?: string };
    reasons.push(`${params.rule}:${params.code}`);
    if (e.type === "deny") deny = true;
    else until = Math.max(until, facts[params.until!] as number);
  }
  return { deny, until, reasons };
}

/** One decision: replay, facts, rules, and a defer followed through the timers. */
export async function evaluateJre(engine: Engine, input: EvaluateInput): Promise<Outcome> {
  const at = parseIso(input.at);
  const { events, times } = normalize(input.history, at);
  return decideJre(engine, replay(events, times, at), input, at);
}

/**
 * One decision on a contact's stored state (advanced through the timers due
 * by `at` and by the search, so pass a copy): facts, rules, and a defer
 * followed through the timers. The incremental counterpart, compared with
 * Heed's `decide()`.
 */
export async function decideJre(engine: Engine, state: ContactState, input: EvaluateInput, at: number): Promise<Outcome> {
  state.advance(at, true);
  const stage = STAGES[state.stage]!;
  const zone = zoneOf(input.contact);
  const facts = computeFacts(state, input, zone, at);
  const first = await judge(engine, facts, at);
  const declared = channelBit(input.touch.channel) !== 0;
  if (!declared) first.reasons.push("policy.channels:unknown-channel");
  const reasons = first.reasons.sort();
  if (!first.deny && declared && first.until === at) return { verdict: "allow", stage, reasons };
  const alternatives: string[] = [];
  for (const channel of DECLARED) {
    if (channel === input.touch.channel) continue;
    const other = await judge(engine, { ...facts, channel }, at);
    if (!other.deny && other.until === at) alternatives.push(channel);
  }
  if (first.deny || !declared) return { verdict: "deny", stage, reasons, alternatives };
  let target = first.until;
  for (;;) {
    if (target > at + YEAR) return { verdict: "deny", stage, reasons: [...reasons, "no-window"].sort(), alternatives };
    const timer = state.nextTimer();
    let t = target;
    if (timer <= target) {
      state.advance(timer, true);
      t = timer;
    }
    const next = await judge(engine, computeFacts(state, input, zone, t), t);
    if (next.deny) return { verdict: "deny", stage, reasons: [...reasons, "stage-change"].sort(), alternatives };
    if (next.until === t) return { verdict: "defer", stage, notBefore: t, reasons, alternatives };
    target = next.until;
  }
}

