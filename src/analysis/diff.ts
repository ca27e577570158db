/**
 * Semantic diff of two policies: where do they decide differently? Both are
 * compiled and asked the same questions: every short abstract history (a
 * touch on each channel, each signal with and without the props the
 * policies test, time gaps taken from the policies' own durations plus or
 * minus a minute) and seeded random longer ones, each followed by a
 * proposed touch on every channel. Each kind of change is reported with the
 * smallest history found that shows it.
 *
 * @module
 */

import { DateTime } from "luxon";

import type { Duration, Expr, Policy } from "../ast.js";
import { stripSpans } from "../ast.js";
import type { Contact, Decision, HistoryEvent } from "../model.js";
import type { Engine } from "../engine/api.js";
import { compile, policyStructure, type PolicyStructure, type StructureRule } from "../engine/index.js";
import type { IrDuration, IrTransition } from "../engine/ir.js";
import { addDuration, formatInstant, holidayDays, makeCalendar, parseInstant, ZoneTable, type Calendar } from "../engine/time.js";
import { printDuration } from "../print.js";
import { mulberry32 } from "../random.js";

/** Options of {@link diffPolicies}. */
export interface DiffOptions {
  /** Every abstract history up to this many steps is tried. Default 3. */
  depth?: number;
  /** At most this many exhaustive histories; beyond, only random ones. Default 30,000. */
  maxHistories?: number;
  /** How many random histories to try after the exhaustive ones. Default 300. */
  randomHistories?: number;
  /** Longest random history, in steps. Default 8. */
  randomLength?: number;
  /** Seed of the random histories. Default 1. */
  seed?: number;
  /** The contact's time zone. Default: the new policy's fallback, else the old one's, else `UTC`. */
  zone?: string;
  /** When every history starts (ISO-8601). Default: Monday 2026-01-05, 10:00 in the zone. */
  start?: string;
  /** How deep the exhaustive histories go for each contact attribute, touch prop and tag the policies test. Default 2. */
  variantDepth?: number;
}

/** One step of an abstract history. */
export type DiffStep =
  | {
      /** A touch is sent. */
      kind: "touch";
      /** Its channel. */
      channel: string;
    }
  | {
      /** The contact sends a signal. */
      kind: "signal";
      /** The signal (`reply`, `unsubscribe`, ...). */
      type: string;
      /** Its props (`sentiment: "negative"`). */
      props: Record<string, string | number | boolean>;
    }
  | {
      /** Time passes. */
      kind: "wait";
      /** A duration the policies speak of. */
      duration: Duration;
      /** A minute before it (-1), at it (0) or after it (1): the edges of windows. */
      minutes: -1 | 0 | 1;
    };

/**
 * Who the touch is proposed to and what it carries, beyond the plain
 * contact and touch: an attribute or a touch prop the policies test, or a tag.
 */
export interface DiffVariant {
  /** In words: ``a contact with `role` "analyst"``, ``a touch tagged "meeting-ask"``. */
  label: string;
  /** The contact's attributes in this variant. */
  attributes?: Record<string, string | number | boolean | string[]>;
  /** The proposed touch's props and `tags` in this variant. */
  touch?: Record<string, string | number | boolean | string[]>;
}

/** One kind of change, with the smallest history found that shows it. */
export interface DiffChange {
  /** What changed: the verdict, the `notBefore` instant, or the stage. */
  kind: "verdict" | "notBefore" | "stage";
  /** The proposed touch's channel (verdict and notBefore changes). */
  channel?: string;
  /** The old answer: a verdict, a notBefore instant, or a stage. */
  before: string;
  /** The new answer. */
  after: string;
  /** The counterexample, in words. */
  steps: string[];
  /** The counterexample as a history, ready for `heed explain`. */
  history: HistoryEvent[];
  /** The instant the touch was proposed. */
  at: string;
  /** The contact's attributes or the touch's props and tags, when the change needs them. */
  variant?: DiffVariant;
  /** The change in words: ``now allows `call` where it deferred, after: touch `email`, wait 3 days``. */
  message: string;
}

/** The result of {@link diffPolicies}. */
export interface DiffReport {
  /** True when no history showed a difference. */
  same: boolean;
  /** Every kind of change found, each with its smallest counterexample. */
  changes: DiffChange[];
  /** How many histories were tried. */
  explored: {
    /** Histories tried exhaustively. */
    exhaustive: number;
    /** Random histories tried. */
    random: number;
    /** The depth of the exhaustive histories. */
    depth: number;
  };
}

const VERB: Record<string, string> = { allow: "allows", deny: "denies", defer: "defers" };

/** Compares two policies' decisions over bounded-exhaustive and random histories. */
export function diffPolicies(oldPolicy: Policy, newPolicy: Policy, options: DiffOptions = {}): DiffReport {
  const zone = options.zone ?? newPolicy.timezone?.fallback?.value ?? oldPolicy.timezone?.fallback?.value ?? "UTC";
  const start = options.start ?? defaultStart(zone);
  const startMs = parseInstant(start) ?? 0;
  // waits in business days are counted in the contact's zone, on both policies' holidays
  const zones = new ZoneTable();
  const holidays = holidayDays([...(newPolicy.holidays ?? []), ...(oldPolicy.holidays ?? [])].map((h) => h.date));
  const calendar: Calendar | undefined = zones.isValid(zone) ? makeCalendar(zones.zone(zone), holidays) : undefined;
  const engines = { old: compile(oldPolicy), new: compile(newPolicy) };
  // The same policy, spans and comments aside, decides the same everywhere: the engine is deterministic.
  if (JSON.stringify(stripSpans(oldPolicy)) === JSON.stringify(stripSpans(newPolicy))) {
    return { same: true, changes: [], explored: { exhaustive: 0, random: 0, depth: 0 } };
  }
  const channels = unique([...newPolicy.channels, ...oldPolicy.channels].map((c) => c.name));
  const machines = { old: policyStructure(oldPolicy), new: policyStructure(newPolicy) };
  const alphabet = abstractAlphabet(machines.old, machines.new, channels);
  const found = new Map<string, DiffChange>();
  const maxHistories = options.maxHistories ?? 30_000;

  const variants: (DiffVariant | undefined)[] = [undefined, ...diffVariants(machines.old, machines.new)];
  let exhaustive = 0;
  let reached = 0;
  let random = 0;
  const rng = mulberry32(options.seed ?? 1);
  const longest = options.randomLength ?? 8;
  const randomCount = options.randomHistories ?? 300;
  variants.forEach((variant, index) => {
    const tryHistory = (steps: DiffStep[]): void => {
      const { history, at } = realise(steps, startMs, calendar);
      compareAt(engines, zone, channels, steps, history, at, found, variant);
    };
    // the plain contact and touch get the full depth; each variant a shallower search
    const limit = index === 0 ? options.depth ?? 3 : Math.min(options.variantDepth ?? 2, options.depth ?? 3);
    let layer: DiffStep[][] = [[]];
    for (let length = 1; length <= limit; length++) {
      if (exhaustive + layer.length * alphabet.length > maxHistories * (index === 0 ? 1 : 2)) break;
      const next: DiffStep[][] = [];
      for (const prefix of layer) {
        for (const step of alphabet) {
          // A history never starts with a wait (it would only move the start), and two waits in a row
          // are left to the random histories: they mostly repeat what one wait shows.
          if (step.kind === "wait" && (prefix.length === 0 || prefix[prefix.length - 1]?.kind === "wait")) continue;
          const steps = [...prefix, step];
          next.push(steps);
          tryHistory(steps);
          exhaustive++;
        }
      }
      layer = next;
      if (index === 0) reached = length;
    }
    const share = index === 0 ? randomCount : Math.ceil(randomCount / 4);
    for (let i = 0; i < share; i++) {
      const length = 1 + Math.floor(rng() * longest);
      const steps: DiffStep[] = [];
      for (let j = 0; j < length; j++) steps.push(alphabet[Math.floor(rng() * alphabet.length)] as DiffStep);
      tryHistory(steps);
      random++;
    }
  });

  const changes = [...found.values()].sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  return { same: changes.length === 0, changes, explored: { exhaustive, random, depth: reached } };
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function defaultStart(zone: string): string {
  const local = DateTime.fromObject({ year: 2026, month: 1, day: 5, hour: 10 }, { zone });
  return formatInstant(local.isValid ? local.toMillis() : Date.UTC(2026, 0, 5, 10));
}

// ---------------------------------------------------------------- the alphabet

/** A policy's rules as the diff reads them: the policy-wide ones first, then each stage's, with what each measures and reads. */
function rulesOf(machine: PolicyStructure): readonly StructureRule[] {
  return [...machine.rules.filter((r) => r.ir.stage === null), ...machine.rules.filter((r) => r.ir.stage !== null)];
}

/** A policy's transitions: the policy-wide ones first, then each stage's own. */
function transitionsOf(machine: PolicyStructure): readonly IrTransition[] {
  return [...machine.ir.transitions, ...machine.ir.stages.flatMap((s) => s.transitions)];
}

/** Props a condition compares to literals (`sentiment == "negative"` gives `sentiment: "negative"`). */
function interestingProps(e: Expr | null, out: Record<string, string | number | boolean>[]): void {
  if (e === null) return;
  switch (e.kind) {
    case "compare": {
      const path = e.left.kind === "path" ? e.left : e.right.kind === "path" ? e.right : undefined;
      const lit = e.left.kind === "literal" ? e.left : e.right.kind === "literal" ? e.right : undefined;
      if (path !== undefined && lit !== undefined) {
        const name = path.segments[0] === "signal" || path.segments[0] === "event" ? path.segments.slice(1).join(".") : path.segments.join(".");
        if (!name.includes(".")) out.push({ [name]: lit.value });
      }
      return;
    }
    case "in":
      if (e.left.kind === "path" && e.right.kind === "list") {
        const name = e.left.segments.join(".");
        for (const item of e.right.items) if (!name.includes(".")) out.push({ [name]: item.value });
      }
      return;
    case "and":
    case "or":
      interestingProps(e.left, out);
      interestingProps(e.right, out);
      return;
    case "not":
      interestingProps(e.expr, out);
      return;
    case "exists":
      return;
  }
}

function abstractAlphabet(a: PolicyStructure, b: PolicyStructure, channels: string[]): DiffStep[] {
  const steps: DiffStep[] = channels.map((channel) => ({ kind: "touch", channel }));
  const signals = new Map<string, Record<string, string | number | boolean>[]>();
  const note = (type: string, where: Expr | null): void => {
    const variants = signals.get(type) ?? [{}];
    const props: Record<string, string | number | boolean>[] = [];
    interestingProps(where, props);
    for (const p of props) if (!variants.some((v) => JSON.stringify(v) === JSON.stringify(p))) variants.push(p);
    signals.set(type, variants);
  };
  const durations: IrDuration[] = [];
  for (const p of [a, b]) {
    for (const e of p.ir.engagement) note(e, null);
    durations.push(p.ir.ignoreWindow);
    for (const t of transitionsOf(p)) {
      if (t.trigger.kind === "signal") note(t.trigger.signal, t.trigger.where);
      if (t.trigger.kind === "elapsed") durations.push(t.trigger.duration);
    }
    for (const { facts } of rulesOf(p)) {
      for (const signal of facts.signals) note(signal.type, signal.where);
      durations.push(...facts.durations);
    }
  }
  for (const [type, variants] of signals) for (const props of variants) steps.push({ kind: "signal", type, props });
  const seen = new Set<string>();
  for (const d of durations) {
    const key = `${d.amount} ${d.unit}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const minutes of [-1, 0, 1] as const) steps.push({ kind: "wait", duration: { kind: "duration", amount: d.amount, unit: d.unit }, minutes });
  }
  return steps;
}

/** Values a condition compares a path to: `contact.role in ["analyst"]` gives `contact.role` = "analyst". */
function pathValues(e: Expr | null, out: { path: readonly string[]; value: string | number | boolean }[]): void {
  if (e === null) return;
  switch (e.kind) {
    case "compare": {
      const path = e.left.kind === "path" ? e.left : e.right.kind === "path" ? e.right : undefined;
      const lit = e.left.kind === "literal" ? e.left : e.right.kind === "literal" ? e.right : undefined;
      if (path !== undefined && lit !== undefined) out.push({ path: path.segments, value: lit.value });
      return;
    }
    case "in":
      if (e.left.kind === "path" && e.right.kind === "list") for (const item of e.right.items) out.push({ path: e.left.segments, value: item.value });
      return;
    case "and":
    case "or":
      pathValues(e.left, out);
      pathValues(e.right, out);
      return;
    case "not":
      pathValues(e.expr, out);
      return;
    case "exists":
      out.push({ path: e.path.segments, value: true });
      return;
  }
}

/** One variant per contact attribute value, touch prop value and tag the policies test, in a stable order. */
function diffVariants(a: PolicyStructure, b: PolicyStructure): DiffVariant[] {
  const found: { path: string[]; value: string | number | boolean }[] = [];
  const tags: string[] = [];
  for (const p of [a, b]) {
    pathValues(p.ir.appliesWhen, found);
    for (const t of transitionsOf(p)) {
      if (t.trigger.kind === "when") pathValues(t.trigger.condition, found);
    }
    for (const { facts } of rulesOf(p)) {
      for (const condition of facts.conditions) pathValues(condition, found);
      if (facts.tag !== null) tags.push(facts.tag);
    }
  }
  const variants: DiffVariant[] = [];
  const seen = new Set<string>();
  const add = (v: DiffVariant): void => {
    if (seen.has(v.label)) return;
    seen.add(v.label);
    variants.push(v);
  };
  for (const { path, value } of found) {
    const [head, ...rest] = path;
    const name = rest[0] === "attributes" ? rest.slice(1).join(".") : rest.join(".");
    if (name === "" || name.includes(".") || name === "id" || name === "timezone" || name === "channel" || name === "tags") continue;
    if (head === "contact") add({ label: `a contact with \`${name}\` ${JSON.stringify(value)}`, attributes: { [name]: value } });
    if (head === "touch") add({ label: `a touch with \`${name}\` ${JSON.stringify(value)}`, touch: { [name]: value } });
  }
  for (const tag of tags) add({ label: `a touch tagged ${JSON.stringify(tag)}`, touch: { tags: [tag] } });
  return variants;
}

// ---------------------------------------------------------------- running

function realise(steps: readonly DiffStep[], start: number, calendar: Calendar | undefined): { history: HistoryEvent[]; at: number } {
  let t = start;
  const history: HistoryEvent[] = [];
  steps.forEach((step, i) => {
    const at = formatInstant(t);
    if (step.kind === "touch") history.push({ type: "touch", at, channel: step.channel, id: `e${i}` });
    else if (step.kind === "signal") history.push({ ...step.props, type: step.type, at, id: `e${i}` });
    else t = addDuration(t, step.duration.amount, step.duration.unit, calendar) + step.minutes * 60_000;
  });
  return { history, at: t };
}

/** A step in words: ``touch `email` ``, ``reply (sentiment "negative")``, `wait 3 days + 1 minute`. */
export function describeStep(step: DiffStep): string {
  switch (step.kind) {
    case "touch":
      return `touch \`${step.channel}\``;
    case "signal": {
      const props = Object.entries(step.props).map(([k, v]) => `${k} ${JSON.stringify(v)}`);
      return props.length === 0 ? `\`${step.type}\`` : `\`${step.type}\` (${props.join(", ")})`;
    }
    case "wait":
      return `wait ${printDuration(step.duration)}${step.minutes === 0 ? "" : step.minutes > 0 ? " + 1 minute" : " - 1 minute"}`;
  }
}

function compareAt(
  engines: { old: Engine; new: Engine },
  zone: string,
  channels: readonly string[],
  steps: DiffStep[],
  history: HistoryEvent[],
  at: number,
  found: Map<string, DiffChange>,
  variant: DiffVariant | undefined,
): void {
  const contact: Contact = { id: "diff-contact", timezone: zone };
  if (variant?.attributes !== undefined) contact.attributes = variant.attributes;
  const atText = formatInstant(at);
  const words = steps.map(describeStep);
  const record = (key: string, change: Omit<DiffChange, "steps" | "history" | "at" | "message">, message: string): void => {
    const known = found.get(key);
    // a counterexample with the plain contact and touch is smaller than one with a variant, then the shorter history wins
    const plainNow = variant === undefined;
    const plainKnown = known?.variant === undefined;
    const smaller = known === undefined || (plainNow && !plainKnown) || (plainNow === plainKnown && words.length < known.steps.length);
    if (!smaller) return;
    const full: DiffChange = { ...change, steps: words, history, at: atText, message: `${message}${variant === undefined ? "" : ` for ${variant.label}`}, after: ${words.join(", ")}` };
    if (variant !== undefined) full.variant = variant;
    found.set(key, full);
  };
  let stages: [string, string] | undefined;
  for (const channel of channels) {
    const input = { contact, history, touch: { ...variant?.touch, channel }, at: atText };
    const before: Decision = engines.old.evaluate(input);
    const after: Decision = engines.new.evaluate(input);
    stages ??= [before.stage, after.stage];
    if (before.verdict !== after.verdict) {
      record(
        `verdict:${channel}:${before.verdict}:${after.verdict}`,
        { kind: "verdict", channel, before: before.verdict, after: after.verdict },
        `now ${VERB[after.verdict]} \`${channel}\` where it ${before.verdict === "allow" ? "allowed" : before.verdict === "deny" ? "denied" : "deferred"}`,
      );
    } else if (before.verdict === "defer" && before.notBefore !== after.notBefore) {
      const later = (after.notBefore ?? "") > (before.notBefore ?? "");
      record(
        `notBefore:${channel}:${later ? "later" : "earlier"}`,
        { kind: "notBefore", channel, before: before.notBefore ?? "", after: after.notBefore ?? "" },
        `now defers \`${channel}\` until ${after.notBefore} where it deferred until ${before.notBefore}`,
      );
    }
  }
  if (stages !== undefined && stages[0] !== stages[1]) {
    record(
      `stage:${stages[0]}:${stages[1]}`,
      { kind: "stage", before: stages[0], after: stages[1] },
      `now puts the contact in \`${stages[1]}\` where it was in \`${stages[0]}\``,
    );
  }
}
