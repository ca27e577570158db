/**
 * Drives one contact through a compiled policy with a maximally eager sender:
 * at every step it proposes each channel (in preference order), sends the
 * first one the engine allows, and otherwise waits for the earliest
 * `notBefore`. The contact answers as its persona says. Every decision goes
 * through the real engine, so what this reports is what the engine does.
 *
 * @module
 */

import type { Decision, HistoryEvent } from "../model.js";
import type { Contact } from "../model.js";
import type { Engine, Snapshot, StageChange } from "../engine/api.js";
import { HeedInputError } from "../diagnostics.js";
import { formatInstant, parseInstant } from "../engine/time.js";
import { Budget } from "./budget.js";

/** How a contact answers: after its `afterTouch`-th touch (1-based), `delayMinutes` later, it sends `event`. */
export interface Reaction {
  /** After which touch (1-based) the contact answers. */
  afterTouch: number;
  /** How long after that touch, in minutes. */
  delayMinutes: number;
  /** The signal, such as `{ type: "reply", sentiment: "negative" }`. */
  event: {
    /** The signal's type. */
    type: string;
    [prop: string]: unknown;
  };
}

/** A kind of contact: how it reacts to outreach. A silent persona has no reactions. */
export interface Persona {
  /** The persona's name (`silent`, `replies`, ...). */
  name: string;
  /** How it answers; empty for a silent contact. */
  reactions: Reaction[];
}

/** A persona who never answers. */
export const SILENT: Persona = { name: "silent", reactions: [] };

/** Options of {@link driveContact}. */
export interface DriveOptions {
  /** The contact driven. */
  contact: Contact;
  /** How the contact answers. */
  persona: Persona;
  /** When outreach starts (ISO-8601). */
  start: string;
  /** How long to follow the contact, in days. Default 365. */
  horizonDays?: number;
  /** The channels the sender proposes, in order of preference (usually the policy's declared channels). */
  channels: readonly string[];
  /** Stops after this many touches (guards policies with no limit at all). Default 1000. */
  maxTouches?: number;
  /** When every channel is denied, how long the sender waits before asking again, in minutes. Default one day. */
  retryMinutes?: number;
  /**
   * Steps the run may take, spent per decision asked: the events the
   * decision is about times `policySize`, plus the channels (each may be
   * judged as an alternative). Past it the run stops where it is
   * (`outOfBudget`). Default: no limit. (The run keeps a snapshot and
   * steps each event into it once, so a decision costs less than
   * replaying its events; the budget is counted as a replay would cost, so
   * that a policy is cut short at the same place as before.)
   */
  budget?: number;
  /** The work of replaying one event: the policy's rules, transitions and stages (default 1). */
  policySize?: number;
}

/** One touch the sender made. */
export interface SentTouch {
  /** When it was sent (ISO-8601, UTC). */
  at: string;
  /** Its channel. */
  channel: string;
  /** The stage the contact was in when it was sent. */
  stage: string;
}

/** What happened to the contact over the horizon. */
export interface DriveResult {
  /** The persona's name. */
  persona: string;
  /** Every touch sent, in time order. */
  touches: SentTouch[];
  /** The touches and the contact's answers, in time order. */
  history: HistoryEvent[];
  /** The stage at the end of the horizon. */
  finalStage: string;
  /** The contact's stage changes up to the end of the horizon (from the engine's explanation). */
  timeline: StageChange[];
  /** When outreach started. */
  start: string;
  /** The end of the horizon. */
  end: string;
  /** When the sender stopped: the end of the horizon, or earlier in a final stage or at `maxTouches`. */
  stopped: string;
  /** True when the run stopped at `maxTouches` rather than at the horizon. */
  cutShort: boolean;
  /** True when the run stopped because its budget was spent, before the horizon. */
  outOfBudget: boolean;
  /**
   * The engine's input error when it refused to answer for this contact
   * (a typed error such as `too-many-timers`): the run stops there, before
   * the horizon, and `stopped` says when.
   */
  refused?: {
    /** The input error's code (`too-many-timers`, ...). */
    code: string;
    /** Its message. */
    message: string;
  };
  /** The steps the run took (see `budget`). */
  steps: number;
  /** How many decisions were asked of the engine. */
  decisions: number;
}

const MINUTE = 60_000;

/**
 * Drives one contact with an eager sender against `engine` until the horizon
 * ends, no touch can ever be sent again (a final stage), or `maxTouches`.
 */
export function driveContact(engine: Engine, options: DriveOptions): DriveResult {
  const start = parseInstant(options.start);
  if (start === undefined) throw new Error(`invalid start instant \`${options.start}\``);
  const end = start + (options.horizonDays ?? 365) * 1440 * MINUTE;
  const maxTouches = options.maxTouches ?? 1000;
  const retry = (options.retryMinutes ?? 1440) * MINUTE;
  const history: HistoryEvent[] = [];
  const touches: SentTouch[] = [];
  let decisions = 0;
  let cutShort = false;
  let outOfBudget = false;
  const size = options.policySize ?? 1;
  const budget = new Budget(options.budget ?? Infinity);
  // the instants of the history's events, read once (a run asks hundreds of decisions about the same events)
  const instants = new Map<HistoryEvent, number>();
  const instantOf = (e: HistoryEvent): number => {
    let ms = instants.get(e);
    if (ms === undefined) {
      ms = parseInstant(e.at) ?? 0;
      instants.set(e, ms);
    }
    return ms;
  };
  let refused: { code: string; message: string } | undefined;
  // the last instant the engine answered at: where a refused run is explained
  let answered = start;
  // The contact's state after the first `stepped` events of the history (those up to the
  // last decision's instant): each event is stepped in once, and every decision is asked of
  // the snapshot, the same decision `evaluate` gives over those events. (Replaying the whole
  // history for every decision made a run quadratic in its touches, and every event's
  // strings were checked again at every decision.)
  let snapshot: Snapshot | undefined;
  let stepped = 0;
  const catchUp = (at: number): boolean => {
    try {
      snapshot ??= engine.start(options.contact, options.start);
      while (stepped < history.length && instantOf(history[stepped]!) <= at) {
        snapshot = engine.step(snapshot, history[stepped]!);
        stepped++;
      }
      return true;
    } catch (error) {
      if (!(error instanceof HeedInputError)) throw error;
      refused = { code: error.code, message: error.message };
      return false;
    }
  };
  const decide = (channel: string, at: number): Decision | undefined => {
    let visible = stepped;
    while (visible < history.length && instantOf(history[visible]!) <= at) visible++;
    if (!budget.spend((visible + 1) * size + options.channels.length)) return undefined;
    decisions++;
    if (!catchUp(at)) return undefined;
    try {
      const decision = engine.decide(snapshot!, { channel }, formatInstant(at));
      answered = at;
      return decision;
    } catch (error) {
      if (!(error instanceof HeedInputError)) throw error;
      refused = { code: error.code, message: error.message };
      return undefined;
    }
  };
  /** Adds events to the history, in time order; one dated before what was stepped starts the snapshot again. */
  const record = (events: readonly HistoryEvent[]): void => {
    const lastStepped = stepped === 0 ? -Infinity : instantOf(history[stepped - 1]!);
    history.push(...events);
    history.sort((a, b) => instantOf(a) - instantOf(b));
    if (events.some((e) => instantOf(e) < lastStepped)) {
      snapshot = undefined;
      stepped = 0;
    }
  };

  let t = start;
  while (t <= end) {
    if (touches.length >= maxTouches) {
      cutShort = true;
      break;
    }
    const answers: { channel: string; decision: Decision }[] = [];
    for (const channel of options.channels) {
      const decision = decide(channel, t);
      if (decision === undefined) break;
      answers.push({ channel, decision });
    }
    if (answers.length < options.channels.length) {
      if (refused === undefined) outOfBudget = true;
      break;
    }
    const allowed = answers.find((a) => a.decision.verdict === "allow");
    if (allowed !== undefined) {
      const at = formatInstant(t);
      const sent: HistoryEvent[] = [{ type: "touch", at, channel: allowed.channel }];
      touches.push({ at, channel: allowed.channel, stage: allowed.decision.stage });
      for (const reaction of options.persona.reactions) {
        if (reaction.afterTouch === touches.length) {
          sent.push({ ...reaction.event, at: formatInstant(t + reaction.delayMinutes * MINUTE) });
        }
      }
      record(sent);
      continue;
    }
    const waits = answers.flatMap((a) => {
      const nb = a.decision.notBefore === undefined ? undefined : parseInstant(a.decision.notBefore);
      return a.decision.verdict === "defer" && nb !== undefined ? [Math.max(nb, t + 1)] : [];
    });
    const first = answers[0];
    const now = t;
    // An answer of the contact may change the stage before the engine's notBefore: wake up for it.
    const answersAhead = history.slice(stepped).map(instantOf).filter((at) => at > now);
    // loops rather than Math.min(...list): a policy may declare tens of thousands of channels
    const earliest = (list: readonly number[], from: number): number => list.reduce((a, b) => (b < a ? b : a), from);
    if (waits.length > 0) {
      t = earliest(answersAhead, earliest(waits, Infinity));
    } else if (first !== undefined && first.decision.reasons.some((r) => r.code === "final-stage")) {
      break;
    } else {
      t = earliest(answersAhead, t + retry);
    }
  }
  const stopped = Math.min(t, end);
  const probe = options.channels[0] ?? "";
  decisions++;
  type Explained = { decision: { stage: string }; timeline: StageChange[] };
  const explainAt = (at: number): Explained | HeedInputError => {
    try {
      return engine.explain({ contact: options.contact, history: history.filter((e) => instantOf(e) <= at), touch: { channel: probe }, at: formatInstant(at) });
    } catch (error) {
      if (!(error instanceof HeedInputError)) throw error;
      return error;
    }
  };
  // a refused run is explained where the engine last answered, not at the end it could not reach
  let explained = explainAt(refused === undefined ? end : answered);
  if (explained instanceof HeedInputError && refused === undefined) {
    // The engine answered every decision but refuses to follow the contact on to the end of the
    // horizon (its timers in between). A run cut short is read only up to where it stopped;
    // any other stops, refused, where the engine last answered.
    const there = cutShort || outOfBudget ? explainAt(stopped) : explained;
    if (there instanceof HeedInputError) {
      refused = { code: explained.code, message: explained.message };
      explained = explainAt(answered);
    } else {
      explained = there;
    }
  }
  // refused from the first instant on: there is no stage to name
  if (explained instanceof HeedInputError) explained = { decision: { stage: "" }, timeline: [] };
  return {
    persona: options.persona.name,
    touches,
    history,
    finalStage: explained.decision.stage,
    timeline: explained.timeline,
    start: formatInstant(start),
    end: formatInstant(end),
    stopped: formatInstant(stopped),
    cutShort,
    outOfBudget,
    ...(refused === undefined ? {} : { refused }),
    steps: budget.spent,
    decisions,
  };
}
