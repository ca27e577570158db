/**
 * The workbench's answer to "when may we call her?": for one contact and
 * history, what the engine decides for a touch on each declared channel at
 * every instant of a time window, as segments of equal decisions. Every
 * segment comes from `engine.evaluate` itself; nothing here decides.
 *
 * Instants are tried on a grid (every `stepMinutes`), at every event of the
 * history (an event counts from its own instant on), and at every
 * `notBefore` the engine names, so a deferral ends exactly where the engine
 * says it does.
 *
 * @module
 */

import type { Contact, Decision, Engine, HistoryEvent, Reason, StageChange, Verdict } from "../../src/index.js";
import { HeedInputError } from "../../src/index.js";

/** A stretch of time over which a touch on one channel gets the same decision. */
export interface Segment {
  /** Start (epoch ms), inclusive. */
  from: number;
  /** End (epoch ms), exclusive. */
  to: number;
  verdict: Verdict;
  /** Defer only: when the touch would be allowed. */
  notBefore?: string;
  /** The contact's stage. */
  stage: string;
  /** Why (deny and defer): the reasons of the decision at `from`. */
  reasons: Reason[];
}

/** One channel's strip. */
export interface Strip {
  channel: string;
  segments: Segment[];
}

/** A stay in a stage within the window. */
export interface StageBand {
  from: number;
  to: number;
  stage: string;
  /** What moved the contact there (`start`, `after 2 ignored touches`). */
  cause: string;
}

/** What {@link channelStrips} computes. */
export interface StripsResult {
  strips: Strip[];
  stages: StageBand[];
  /** The engine refused the input (an unknown time zone, a malformed event): the message, naming the field. */
  error?: string;
}

/** Options of {@link channelStrips}. */
export interface StripsInput {
  contact: Contact;
  history: readonly HistoryEvent[];
  channels: readonly string[];
  /** Window start, epoch ms. */
  from: number;
  /** Window end, epoch ms (exclusive). */
  to: number;
  /** Grid step in minutes. Default 30. */
  stepMinutes?: number;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Two decisions a strip shows as one segment: the same verdict, `notBefore`, stage and rules. */
function sameDecision(a: Pick<Decision, "verdict" | "notBefore" | "stage" | "reasons">, b: Decision): boolean {
  if (a.verdict !== b.verdict || a.notBefore !== b.notBefore || a.stage !== b.stage) return false;
  if (a.reasons.length !== b.reasons.length) return false;
  return a.reasons.every((r, i) => r.rule === b.reasons[i]?.rule && r.code === b.reasons[i]?.code);
}

/** The decisions for a touch on each channel over the window, and the contact's stages. */
export function channelStrips(engine: Engine, input: StripsInput): StripsResult {
  const step = (input.stepMinutes ?? 30) * 60_000;
  const base = new Set<number>();
  for (let t = input.from; t < input.to; t += step) base.add(t);
  for (const event of input.history) {
    const t = Date.parse(event.at);
    if (Number.isFinite(t) && t > input.from && t < input.to) base.add(t);
  }
  const decide = (channel: string, t: number): Decision =>
    engine.evaluate({ contact: input.contact, history: input.history, touch: { channel }, at: iso(t) });
  try {
    const strips = input.channels.map((channel) => ({ channel, segments: stripOf(channel, [...base], input.to, decide) }));
    return { strips, stages: stageBands(engine, input) };
  } catch (error) {
    if (error instanceof HeedInputError) return { strips: [], stages: [], error: error.message };
    throw error;
  }
}

function stripOf(channel: string, base: number[], end: number, decide: (channel: string, t: number) => Decision): Segment[] {
  const decided = new Map<number, Decision>();
  let pending = base;
  // A notBefore found may itself be a deferral with a later notBefore: follow a few rounds.
  for (let round = 0; round < 4 && pending.length > 0; round++) {
    const next: number[] = [];
    for (const t of pending) {
      if (decided.has(t)) continue;
      const d = decide(channel, t);
      decided.set(t, d);
      if (d.notBefore !== undefined) {
        const nb = Date.parse(d.notBefore);
        if (nb > t && nb < end && !decided.has(nb)) next.push(nb);
      }
    }
    pending = next;
  }
  const times = [...decided.keys()].sort((a, b) => a - b);
  const segments: Segment[] = [];
  times.forEach((t, i) => {
    const d = decided.get(t) as Decision;
    const to = times[i + 1] ?? end;
    const last = segments[segments.length - 1];
    if (last !== undefined && sameDecision(last, d)) {
      last.to = to;
      return;
    }
    segments.push({
      from: t,
      to,
      verdict: d.verdict,
      ...(d.notBefore !== undefined ? { notBefore: d.notBefore } : {}),
      stage: d.stage,
      reasons: d.reasons,
    });
  });
  return segments;
}

function stageBands(engine: Engine, input: StripsInput): StageBand[] {
  const channel = input.channels[0];
  if (channel === undefined) return [];
  const last = input.to - 1;
  const explained = engine.explain({ contact: input.contact, history: input.history, touch: { channel }, at: iso(last) });
  const changes: StageChange[] = explained.timeline;
  const bands: StageBand[] = [];
  // Before its first event the contact is in the start stage (it enters at the instant asked about).
  const first = changes[0];
  const startStage = first?.to ?? explained.decision.stage;
  let current: StageBand = { from: input.from, to: input.to, stage: startStage, cause: "start" };
  for (const change of changes) {
    const t = Date.parse(change.at);
    if (change.from === null) continue;
    if (t <= input.from) {
      current = { from: input.from, to: input.to, stage: change.to, cause: change.cause };
      continue;
    }
    current.to = t;
    bands.push(current);
    current = { from: t, to: input.to, stage: change.to, cause: change.cause };
  }
  bands.push(current);
  return bands.filter((b) => b.to > b.from);
}

/** A stretch where two versions of a policy decide a channel differently. */
export interface Difference {
  channel: string;
  from: number;
  to: number;
  /** The baseline's segment there. */
  before: Segment;
  /** The edited policy's segment there. */
  after: Segment;
}

/** Where two sets of strips (the baseline's and the policy's, over one window) disagree on a verdict or a `notBefore`. */
export function stripDifferences(baseline: readonly Strip[], current: readonly Strip[]): Difference[] {
  const out: Difference[] = [];
  for (const strip of current) {
    const other = baseline.find((s) => s.channel === strip.channel);
    if (other === undefined) continue;
    const cuts = [...new Set([...strip.segments.flatMap((s) => [s.from, s.to]), ...other.segments.flatMap((s) => [s.from, s.to])])].sort((a, b) => a - b);
    for (let i = 0; i + 1 < cuts.length; i++) {
      const from = cuts[i] as number;
      const to = cuts[i + 1] as number;
      const after = strip.segments.find((s) => s.from <= from && from < s.to);
      const before = other.segments.find((s) => s.from <= from && from < s.to);
      if (after === undefined || before === undefined) continue;
      if (after.verdict === before.verdict && after.notBefore === before.notBefore) continue;
      const last = out[out.length - 1];
      if (last !== undefined && last.channel === strip.channel && last.to === from && last.before === before && last.after === after) {
        last.to = to;
        continue;
      }
      out.push({ channel: strip.channel, from, to, before, after });
    }
  }
  return out;
}
