/**
 * The XState v5 peer: the stage machine as an XState machine driven by the
 * contact's events, the rules as named guards. XState has no notion of
 * ignore windows closing in the past, so the integrator replays the history
 * through an actor of the machine (one per decision) and injects the timer
 * events (`IGNORE_END` at each pending window's end, `NURTURE_TIMEOUT` 180
 * days into nurture) in time order, as read from the machine's context. A
 * `PROPOSE` event asks the machine for a decision: its action checks every
 * rule guard with `check()` and records the unmet rules in the context (once
 * per other declared channel for the `alternatives` of a deny or defer). A
 * defer is followed through the timers the same way.
 *
 * @module
 */

import { assign, createActor, enqueueActions, setup } from "xstate";
import type { Contact, EvaluateInput, HistoryEvent, ProposedTouch } from "../src/model.js";
import { CALENDAR, DECLARED, IGNORE_WINDOW, NURTURE_LIMIT, YEAR, channelBit, normalize, parseIso, zoneOf, type Outcome } from "./handwritten.js";
import { DAY, HOUR, fromWall, nextLocalMidnight, toWall } from "./tz.js";

interface Judgement {
  deny: boolean;
  until: number;
  reasons: string[];
}

interface Context {
  stage: string;
  zone: string;
  contact: Contact;
  entry: number;
  ignored: number;
  touches: number;
  total: number;
  pending: readonly number[];
  hasReply: boolean;
  lastDownload: number;
  lastTouches: readonly [number, number, number];
  lastCall: number;
  lastEmail: number;
  result: Judgement | null;
}

type Event =
  | { type: "TOUCH"; t: number; channel: string }
  | { type: "REPLY"; t: number; sentiment?: unknown; prefers?: unknown }
  | { type: "ENGAGE"; t: number }
  | { type: "DOWNLOAD"; t: number }
  | { type: "UNSUBSCRIBE"; t: number }
  | { type: "PURCHASE"; t: number }
  | { type: "IGNORE_END"; t: number }
  | { type: "NURTURE_TIMEOUT"; t: number }
  | { type: "PROPOSE"; t: number; touch: ProposedTouch };

type Args = { context: Context; event: Event };

function proposal(event: Event): { t: number; touch: ProposedTouch } {
  if (event.type !== "PROPOSE") throw new Error("rule guards read only PROPOSE events");
  return event;
}

function localWall(context: Context, t: number): { dayNum: number; minute: number } {
  const wall = toWall(context.zone, t);
  const dayNum = Math.floor(wall / DAY);
  return { dayNum, minute: Math.floor((wall - dayNum * DAY) / 60_000) };
}

const ALLOW: Record<string, readonly string[]> = {
  prospecting: ["email", "call", "linkedin", "calendar-invite"],
  nurture: ["email"],
  engaged: ["email", "call", "calendar-invite"],
  "email-only": ["email"],
};

/** The rules as guards over the context and the proposed touch. */
const ruleGuards = {
  finalStage: ({ context }: Args) => context.stage === "closed",
  channelNotAllowed: ({ context, event }: Args) => {
    const p = proposal(event);
    const allow = ALLOW[context.stage];
    return allow !== undefined && !allow.includes(p.touch.channel);
  },
  noColdInvites: ({ context, event }: Args) => proposal(event).touch.channel === "calendar-invite" && !context.hasReply,
  letThemRead: ({ context, event }: Args) => {
    const p = proposal(event);
    return p.touch.channel === "call" && p.t < context.lastDownload + 4 * HOUR;
  },
  notToAnalysts: ({ context, event }: Args) => {
    const role = context.contact.attributes?.role;
    return proposal(event).touch.channel === "call" && (role === "analyst" || role === "student");
  },
  notAcquiringCustomers: ({ context, event }: Args) =>
    context.contact.attributes?.customer === true && proposal(event).touch.campaign === "acquisition",
  notOwnedProducts: ({ context, event }: Args) => {
    const products = context.contact.attributes?.products;
    const product = proposal(event).touch.product;
    return product !== undefined && Array.isArray(products) && (products as unknown[]).includes(product);
  },
  noFirstMeetingAsk: ({ context, event }: Args) => {
    const tags = proposal(event).touch.tags;
    return context.total === 0 && Array.isArray(tags) && tags.includes("meeting-ask");
  },
  threePerWeek: ({ context, event }: Args) => context.lastTouches[2] > proposal(event).t - 7 * DAY,
  oneCallPerDay: ({ context, event }: Args) => {
    const p = proposal(event);
    return (
      p.touch.channel === "call" &&
      context.lastCall > p.t - 25 * HOUR &&
      localWall(context, context.lastCall).dayNum === localWall(context, p.t).dayNum
    );
  },
  twoBusinessDaysApart: ({ context, event }: Args) =>
    context.lastTouches[0] > -Infinity && proposal(event).t < gapEnd(context),
  quietHours: ({ context, event }: Args) => {
    const p = proposal(event);
    if (p.touch.channel !== "call" && p.touch.channel !== "sms") return false;
    const { minute } = localWall(context, p.t);
    return minute < 8 * 60 || minute >= 21 * 60;
  },
  onlyBusinessDays: ({ context, event }: Args) => !CALENDAR.isBusinessDayNum(localWall(context, proposal(event).t).dayNum),
  nurtureEmails: ({ context, event }: Args) => {
    const p = proposal(event);
    return context.stage === "nurture" && p.touch.channel === "email" && context.lastEmail > p.t - 14 * DAY;
  },
};

function gapEnd(context: Context): number {
  return CALENDAR.addBusinessDays(context.zone, context.lastTouches[0], 2);
}

function quietHoursEnd(context: Context, t: number): number {
  const { dayNum, minute } = localWall(context, t);
  return minute < 8 * 60 ? fromWall(context.zone, dayNum * DAY + 8 * HOUR) : fromWall(context.zone, (dayNum + 1) * DAY + 8 * HOUR);
}

type RuleGuard = keyof typeof ruleGuards;

/** Each rule: its guard, id, code, and for a temporal rule the instant it clears. */
const RULES: readonly (readonly [RuleGuard, string, string, ((c: Context, t: number) => number) | null])[] = [
  ["finalStage", "closed.final", "final-stage", null],
  ["channelNotAllowed", "", "channel-not-allowed", null],
  ["noColdInvites", "no-cold-invites", "never-without", null],
  ["letThemRead", "let-them-read", "never-within", (c) => c.lastDownload + 4 * HOUR],
  ["notToAnalysts", "policy.never-when.1", "never-when", null],
  ["notAcquiringCustomers", "policy.never-when.2", "never-when", null],
  ["notOwnedProducts", "policy.never-when.3", "never-when", null],
  ["noFirstMeetingAsk", "policy.never-when.4", "never-when", null],
  ["threePerWeek", "policy.at-most.1", "at-most", (c) => c.lastTouches[2] + 7 * DAY],
  ["oneCallPerDay", "policy.at-most.2", "at-most", (c, t) => nextLocalMidnight(c.zone, t)],
  ["twoBusinessDaysApart", "policy.at-least.1", "at-least", gapEnd],
  ["quietHours", "policy.quiet-hours.1", "quiet-hours", quietHoursEnd],
  ["onlyBusinessDays", "policy.only-business-days.1", "business-days", (c, t) => CALENDAR.businessDayStart(c.zone, t)],
  ["nurtureEmails", "nurture.at-most.1", "at-most", (c) => c.lastEmail + 14 * DAY],
];

export const cadenceMachine = setup({
  types: {
    context: {} as Context,
    events: {} as Event,
    input: {} as { zone: string; contact: Contact; entry: number },
  },
  guards: {
    ...ruleGuards,
    negative: ({ event }: Args) => event.type === "REPLY" && event.sentiment === "negative",
    prefersEmail: ({ event }: Args) => event.type === "REPLY" && event.prefers === "email",
    twoIgnored: ({ context }: Args) => context.ignored >= 2,
    threeIgnored: ({ context }: Args) => context.ignored >= 3,
  },
  actions: {
    enterStage: assign(({ context, event }, params: { stage: string }) => ({
      stage: params.stage,
      entry: "t" in event ? event.t : context.entry,
      ignored: 0,
      touches: 0,
      pending: [] as readonly number[],
    })),
    engage: assign({ pending: [] as readonly number[], ignored: 0 }),
    reply: assign({ pending: [] as readonly number[], ignored: 0, hasReply: true }),
  },
}).createMachine({
  id: "inbound-content",
  initial: "prospecting",
  context: ({ input }) => ({
    stage: "prospecting",
    zone: input.zone,
    contact: input.contact,
    entry: input.entry,
    ignored: 0,
    touches: 0,
    total: 0,
    pending: [],
    hasReply: false,
    lastDownload: -Infinity,
    lastTouches: [-Infinity, -Infinity, -Infinity],
    lastCall: -Infinity,
    lastEmail: -Infinity,
    result: null,
  }),
  on: {
    TOUCH: {
      actions: assign(({ context, event }) => ({
        total: context.total + 1,
        touches: context.touches + 1,
        pending: [...context.pending, event.t + IGNORE_WINDOW],
        lastTouches: [event.t, context.lastTouches[0], context.lastTouches[1]] as const,
        lastCall: event.channel === "call" ? event.t : context.lastCall,
        lastEmail: event.channel === "email" ? event.t : context.lastEmail,
      })),
    },
    REPLY: { actions: "reply" },
    ENGAGE: { actions: "engage" },
    DOWNLOAD: { actions: assign({ lastDownload: ({ context, event }) => Math.max(context.lastDownload, event.t) }) },
    IGNORE_END: { actions: assign(({ context }) => ({ pending: context.pending.slice(1), ignored: context.ignored + 1 })) },
    UNSUBSCRIBE: { target: ".closed" },
    PURCHASE: { target: ".closed" },
    PROPOSE: {
      actions: enqueueActions(({ context, event, check, enqueue }) => {
        const p = proposal(event);
        let deny = false;
        let until = p.t;
        const reasons: string[] = [];
        for (const [guard, rule, code, clears] of RULES) {
          if (!check(guard)) continue;
          reasons.push(`${rule === "" ? `${context.stage}.allow` : rule}:${code}`);
          if (clears === null) deny = true;
          else until = Math.max(until, clears(context, p.t));
        }
        enqueue.assign({ result: { deny, until, reasons } });
      }),
    },
  },
  states: {
    prospecting: {
      entry: { type: "enterStage", params: { stage: "prospecting" } },
      always: { guard: "twoIgnored", target: "nurture" },
      on: {
        REPLY: [
          { guard: "negative", target: "closed", actions: "reply" },
          { guard: "prefersEmail", target: "email-only", actions: "reply" },
          { target: "engaged", actions: "reply" },
        ],
      },
    },
    nurture: {
      entry: { type: "enterStage", params: { stage: "nurture" } },
      on: {
        REPLY: { target: "engaged", actions: "reply" },
        NURTURE_TIMEOUT: { target: "closed" },
      },
    },
    engaged: {
      entry: { type: "enterStage", params: { stage: "engaged" } },
      always: { guard: "threeIgnored", target: "nurture" },
    },
    "email-only": { entry: { type: "enterStage", params: { stage: "email-only" } } },
    closed: {
      entry: { type: "enterStage", params: { stage: "closed" } },
      on: { UNSUBSCRIBE: { actions: [] }, PURCHASE: { actions: [] } },
    },
  },
});

type Actor = ReturnType<typeof createActor<typeof cadenceMachine>>;

function nextTimer(c: Context): { t: number; type: "IGNORE_END" | "NURTURE_TIMEOUT" } {
  const ignore = c.pending.length > 0 ? c.pending[0]! : Infinity;
  const elapsed = c.stage === "nurture" ? c.entry + NURTURE_LIMIT : Infinity;
  return ignore <= elapsed ? { t: ignore, type: "IGNORE_END" } : { t: elapsed, type: "NURTURE_TIMEOUT" };
}

/** Injects the timer events due before `limit` (or at it, when `inclusive`). */
function fireTimers(actor: Actor, limit: number, inclusive: boolean): void {
  for (;;) {
    const next = nextTimer(actor.getSnapshot().context);
    if (inclusive ? next.t > limit : next.t >= limit) return;
    actor.send({ type: next.type, t: next.t });
  }
}

function machineEvent(e: HistoryEvent, t: number): Event | null {
  switch (e.type) {
    case "touch":
      return { type: "TOUCH", t, channel: String(e.channel) };
    case "reply":
      return e.auto === true ? null : { type: "REPLY", t, sentiment: e.sentiment, prefers: e.prefers };
    case "meeting_booked":
    case "call_connected":
      return { type: "ENGAGE", t };
    case "content_download":
      return { type: "DOWNLOAD", t };
    case "unsubscribe":
      return { type: "UNSUBSCRIBE", t };
    case "purchase":
      return { type: "PURCHASE", t };
    default:
      return null;
  }
}

function propose(actor: Actor, touch: ProposedTouch, t: number): Judgement {
  actor.send({ type: "PROPOSE", t, touch });
  return actor.getSnapshot().context.result!;
}

/** One decision: replay through an actor of the machine, then ask it. */
export function evaluateXState(input: EvaluateInput): Outcome {
  const at = parseIso(input.at);
  const { events, times } = normalize(input.history, at);
  const zone = zoneOf(input.contact);
  const actor = createActor(cadenceMachine, { input: { zone, contact: input.contact, entry: times[0] ?? at } });
  actor.start();
  for (let i = 0; i < events.length; i++) {
    const t = times[i]!;
    fireTimers(actor, t, false);
    const ev = machineEvent(events[i]!, t);
    if (ev !== null) actor.send(ev);
  }
  fireTimers(actor, at, true);
  const stage = actor.getSnapshot().context.stage;
  const first = propose(actor, input.touch, at);
  const declared = channelBit(input.touch.channel) !== 0;
  const reasons = declared ? [...first.reasons].sort() : [...first.reasons, "policy.channels:unknown-channel"].sort();
  if (!first.deny && declared && first.until === at) return { verdict: "allow", stage, reasons };
  const alternatives: string[] = [];
  for (const channel of DECLARED) {
    if (channel === input.touch.channel) continue;
    const other = propose(actor, { ...input.touch, channel }, at);
    if (!other.deny && other.until === at) alternatives.push(channel);
  }
  if (first.deny || !declared) return { verdict: "deny", stage, reasons, alternatives };
  let target = first.until;
  for (;;) {
    if (target > at + YEAR) return { verdict: "deny", stage, reasons: [...reasons, "no-window"].sort(), alternatives };
    const timer = nextTimer(actor.getSnapshot().context);
    let t = target;
    if (timer.t <= target) {
      fireTimers(actor, timer.t, true);
      t = timer.t;
    }
    const next = propose(actor, input.touch, t);
    if (next.deny) return { verdict: "deny", stage, reasons: [...reasons, "stage-change"].sort(), alternatives };
    if (next.until === t) return { verdict: "defer", stage, notBefore: t, reasons, alternatives };
    target = next.until;
  }
}
