/**
 * Static checks of a policy that validation does not make: mistakes that
 * compile but cannot be what the author meant (a misspelled signal, a stage
 * nothing leads to, a transition that can never fire, a channel that can
 * never be used). Every finding is a {@link Diagnostic} with a code, the span
 * of the offending node and a hint.
 *
 * @module
 */

import type {
  ChannelSet,
  Duration,
  Expr,
  Ident,
  NeverAfterRule,
  NeverWithoutRule,
  Operand,
  Policy,
  QuietHoursRule,
  Rule,
  Stage,
  Transition,
  Trigger,
} from "../../ast.js";
import { DEFAULT_ENGAGEMENT, stripSpans } from "../../ast.js";
import type { Diagnostic, Span } from "../../diagnostics.js";
import { sortDiagnostics } from "../../diagnostics.js";
import { suggest } from "../../suggest.js";
import { printRule, printTime, printTransition, printTrigger } from "../../print.js";
import { allowedChannels, channelsOf, startStageName, transitionsOf } from "./describe.js";

/** Signals with a meaning of their own (spec section 1), never reported as unknown. */
export const BUILT_IN_SIGNALS: readonly string[] = [
  "reply",
  "meeting_booked",
  "call_connected",
  "unsubscribe",
  "bounce",
  "purchase",
  "content_download",
  "open",
  "click",
  "auto_reply",
];

/** Options of {@link analyzePolicy}. */
export interface AnalyzeOptions {
  /** Signals the embedding application sends besides the built-in ones; never reported as unknown. */
  knownSignals?: readonly string[];
}

/** The longest wait the engine searches for an allowed instant (spec section 2: one year). */
const SEARCH_HORIZON_MS = 365 * 24 * 3_600_000;

/**
 * Warnings about a policy that compiles but cannot behave as written:
 * `unknown-signal`, `unreachable-stage`, `no-way-out`, `shadowed-transition`,
 * `dead-channel`, `always-quiet` and `impossible-limit`. Sorted; each has a
 * span and a hint. Errors that validation reports are not repeated here.
 */
export function analyzePolicy(policy: Policy, options: AnalyzeOptions = {}): Diagnostic[] {
  const found: Diagnostic[] = [
    ...unknownSignals(policy, options),
    ...unreachableStages(policy),
    ...stagesWithoutWayOut(policy),
    ...shadowedTransitions(policy),
    ...deadChannels(policy),
    ...alwaysQuiet(policy),
    ...impossibleLimits(policy),
  ];
  return sortDiagnostics(found);
}

function warning(code: string, message: string, span: Span | undefined, hint: string): Diagnostic {
  const d: Diagnostic = { severity: "warning", code, message, hint };
  if (span !== undefined) d.span = span;
  return d;
}

// ---------------------------------------------------------------- signals

/** Every place a signal is named: triggers, rules and the engagement list. */
function signalMentions(policy: Policy): Ident[] {
  const mentions: Ident[] = [...(policy.engagement ?? [])];
  const fromTransitions = (ts: readonly Transition[]): void => {
    for (const t of ts) if (t.trigger.kind === "signal") mentions.push(t.trigger.signal);
  };
  const fromRules = (rs: readonly Rule[]): void => {
    for (const r of rs) {
      if (r.kind === "never-without" || r.kind === "never-after" || r.kind === "never-within") mentions.push(r.signal);
    }
  };
  for (const stage of policy.stages) {
    fromTransitions(stage.transitions);
    fromRules(stage.rules);
  }
  fromTransitions(policy.transitions);
  fromRules(policy.rules);
  return mentions;
}

function unknownSignals(policy: Policy, options: AnalyzeOptions): Diagnostic[] {
  const known = new Set([...BUILT_IN_SIGNALS, ...(options.knownSignals ?? [])]);
  const mentions = signalMentions(policy);
  const uses = new Map<string, number>();
  for (const m of mentions) uses.set(m.name, (uses.get(m.name) ?? 0) + 1);
  const out: Diagnostic[] = [];
  for (const m of mentions) {
    if (known.has(m.name) || (uses.get(m.name) ?? 0) > 1) continue;
    const candidates = [...known, ...[...uses.keys()].filter((n) => n !== m.name)];
    const guess = suggest(m.name, candidates);
    out.push(
      warning(
        "unknown-signal",
        `unknown signal \`${m.name}\`${guess === undefined ? "" : ` (did you mean \`${guess}\`?)`}`,
        m.span,
        guess === undefined
          ? `if your application sends \`${m.name}\` events this is fine; otherwise use a built-in signal such as \`reply\``
          : `write \`${guess}\``,
      ),
    );
  }
  return out;
}

// ---------------------------------------------------------------- stages

function unreachableStages(policy: Policy): Diagnostic[] {
  if (policy.stages.length === 0) return [];
  const start = startStageName(policy);
  const reached = new Set<string>([start]);
  const queue = [start];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    for (const t of transitionsOf(policy, name)) {
      if (!reached.has(t.target.name)) {
        reached.add(t.target.name);
        queue.push(t.target.name);
      }
    }
  }
  return policy.stages
    .filter((s) => !reached.has(s.name.name))
    .map((s) =>
      warning(
        "unreachable-stage",
        `stage \`${s.name.name}\` can never be reached from the start stage \`${start}\``,
        s.name.span ?? s.span,
        `add a transition such as \`on reply move to ${s.name.name}\`, or remove the stage`,
      ),
    );
}

function stagesWithoutWayOut(policy: Policy): Diagnostic[] {
  return policy.stages
    .filter((s) => !s.final && transitionsOf(policy, s.name.name).every((t) => t.target.name === s.name.name))
    .map((s) =>
      warning(
        "no-way-out",
        `stage \`${s.name.name}\` is not final but has no transition out of it`,
        s.name.span ?? s.span,
        `add a transition such as \`after 180 days move to ...\`, or mark it \`final\` if it should allow no touch`,
      ),
    );
}

// ---------------------------------------------------------------- transitions

function sameExpr(a: Expr | undefined, b: Expr | undefined): boolean {
  return JSON.stringify(stripSpans(a ?? null)) === JSON.stringify(stripSpans(b ?? null));
}

/** Fixed length of a duration in minutes, or undefined for business days. */
function fixedMinutes(d: Duration): number | undefined {
  switch (d.unit) {
    case "minutes":
      return d.amount;
    case "hours":
      return d.amount * 60;
    case "days":
      return d.amount * 1440;
    case "weeks":
      return d.amount * 10080;
    case "business-days":
      return undefined;
  }
}

function durationNotLonger(a: Duration, b: Duration): boolean {
  if (a.unit === "business-days" || b.unit === "business-days") {
    return a.unit === b.unit && a.amount <= b.amount;
  }
  return (fixedMinutes(a) ?? Infinity) <= (fixedMinutes(b) ?? -Infinity);
}

/**
 * True when `earlier`, tried before `later` in the same stage, fires
 * whenever `later` would, so `later` can never fire there.
 */
function shadows(earlier: Trigger, later: Trigger): boolean {
  if (earlier.kind === "signal" && later.kind === "signal") {
    return earlier.signal.name === later.signal.name && (earlier.where === undefined || sameExpr(earlier.where, later.where));
  }
  if (earlier.kind === "ignored" && later.kind === "ignored") return earlier.count <= later.count;
  if (earlier.kind === "touches" && later.kind === "touches") return earlier.count <= later.count;
  if (earlier.kind === "when" && later.kind === "when") return sameExpr(earlier.condition, later.condition);
  return false;
}

function shadowedIn(list: readonly Transition[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  list.forEach((later, j) => {
    for (let i = 0; i < list.length; i++) {
      const earlier = list[i] as Transition;
      if (i === j) continue;
      const hit =
        earlier.trigger.kind === "elapsed" && later.trigger.kind === "elapsed"
          ? // timers fire in time order whatever the source order: the shorter wait wins
            i < j
            ? durationNotLonger(earlier.trigger.duration, later.trigger.duration)
            : durationNotLonger(earlier.trigger.duration, later.trigger.duration) &&
              !durationNotLonger(later.trigger.duration, earlier.trigger.duration)
          : i < j && shadows(earlier.trigger, later.trigger);
      if (hit) {
        out.push(
          warning(
            "shadowed-transition",
            `\`${printTransition(later)}\` can never fire: \`${printTransition(earlier)}\` always fires first`,
            later.span ?? later.trigger.span,
            earlier.trigger.kind === "signal"
              ? `move it above \`${printTrigger(earlier.trigger)}\``
              : `remove it, or change its trigger`,
          ),
        );
        break;
      }
    }
  });
  return out;
}

function shadowedTransitions(policy: Policy): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const stage of policy.stages) out.push(...shadowedIn(stage.transitions));
  out.push(...shadowedIn(policy.transitions));
  // A policy-wide transition overridden by its own stage's transitions in every stage never fires at all.
  const open = policy.stages.filter((s) => !s.final);
  if (open.length > 0) {
    for (const pw of policy.transitions) {
      const overriddenEverywhere = open.every((s) => s.transitions.some((own) => shadows(own.trigger, pw.trigger)));
      if (overriddenEverywhere) {
        out.push(
          warning(
            "shadowed-transition",
            `policy-wide \`${printTransition(pw)}\` can never fire: every stage handles \`${printTrigger(pw.trigger)}\` first`,
            pw.span ?? pw.trigger.span,
            `remove it, or remove the stages' own transitions on the same trigger`,
          ),
        );
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- channels

/**
 * True when a condition holds for every contact, touch and counter value
 * (conservatively: false when unsure). `channel` is the proposed touch's
 * channel, known when checking one channel.
 */
function alwaysTrue(e: Expr, channel: string): boolean {
  const constant = (op: Operand): unknown => {
    if (op.kind === "literal") return op.value;
    if (op.kind === "path" && op.segments.length === 2 && op.segments[0] === "touch" && op.segments[1] === "channel") {
      return channel;
    }
    return undefined;
  };
  switch (e.kind) {
    case "compare": {
      const l = constant(e.left);
      const r = constant(e.right);
      const counter = (op: Operand): boolean =>
        op.kind === "path" && op.segments.length === 1 && ["ignored", "touches", "total_touches"].includes(op.segments[0] ?? "");
      // counters are never negative
      if (counter(e.left) && e.op === ">=" && r === 0) return true;
      if (counter(e.right) && e.op === "<=" && l === 0) return true;
      if (l === undefined || r === undefined) return false;
      switch (e.op) {
        case "==":
          return l === r;
        case "!=":
          return l !== r;
        case "<":
          return typeof l === typeof r && (l as number) < (r as number);
        case "<=":
          return typeof l === typeof r && (l as number) <= (r as number);
        case ">":
          return typeof l === typeof r && (l as number) > (r as number);
        case ">=":
          return typeof l === typeof r && (l as number) >= (r as number);
      }
      return false;
    }
    case "in": {
      const l = constant(e.left);
      if (l === undefined || e.right.kind !== "list") return false;
      const member = e.right.items.some((i) => i.value === l);
      return e.negated ? !member : member;
    }
    case "exists":
      return e.path.segments[0] === "touch" && e.path.segments[1] === "channel" && e.path.segments.length === 2;
    case "and":
      return alwaysTrue(e.left, channel) && alwaysTrue(e.right, channel);
    case "or":
      return alwaysTrue(e.left, channel) || alwaysTrue(e.right, channel);
    case "not":
      return alwaysFalse(e.expr, channel);
  }
}

function alwaysFalse(e: Expr, channel: string): boolean {
  switch (e.kind) {
    case "and":
      return alwaysFalse(e.left, channel) || alwaysFalse(e.right, channel);
    case "or":
      return alwaysFalse(e.left, channel) && alwaysFalse(e.right, channel);
    case "not":
      return alwaysTrue(e.expr, channel);
    case "compare":
      return alwaysTrue({ ...e, op: negateOp(e.op) }, channel) && e.left.kind === "literal" && e.right.kind === "literal";
    default:
      return false;
  }
}

function negateOp(op: "==" | "!=" | "<" | "<=" | ">" | ">="): "==" | "!=" | "<" | "<=" | ">" | ">=" {
  return ({ "==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<" } as const)[op];
}

function covers(set: ChannelSet | undefined, channel: string, policy: Policy): boolean {
  return channelsOf(set, policy).includes(channel);
}

/** The rules in force in a stage: its own, then the policy-wide ones. */
function rulesIn(policy: Policy, stage: Stage | undefined): Rule[] {
  return [...(stage?.rules ?? []), ...policy.rules];
}

/** The triggers of the transitions into each stage, in source order, from every non-final stage. */
function incomingTriggers(policy: Policy): Map<string, Trigger[]> {
  const incoming = new Map<string, Trigger[]>();
  for (const from of policy.stages) {
    for (const t of transitionsOf(policy, from.name.name)) {
      const list = incoming.get(t.target.name);
      if (list === undefined) incoming.set(t.target.name, [t.trigger]);
      else list.push(t.trigger);
    }
  }
  return incoming;
}

/** Stages the contact can only enter through `on SIGNAL` (no `where`), by signal. */
function enteredOnlyOn(stage: Stage, incoming: ReadonlyMap<string, readonly Trigger[]>): string | undefined {
  if (stage.start) return undefined;
  const triggers = incoming.get(stage.name.name) ?? [];
  const first = triggers[0];
  if (first === undefined || first.kind !== "signal" || first.where !== undefined) return undefined;
  const signal = first.signal.name;
  return triggers.every((t) => t.kind === "signal" && t.signal.name === signal) ? signal : undefined;
}

function deadChannels(policy: Policy): Diagnostic[] {
  const out: Diagnostic[] = [];
  const stages: (Stage | undefined)[] = policy.stages.length === 0 ? [undefined] : policy.stages.filter((s) => !s.final);
  const incoming = incomingTriggers(policy);
  for (const stage of stages) {
    const stageName = stage?.name.name ?? "active";
    const onlyAfter = stage === undefined ? undefined : enteredOnlyOn(stage, incoming);
    for (const channel of allowedChannels(policy, stageName)) {
      for (const rule of rulesIn(policy, stage)) {
        if (rule.kind !== "never-when" && rule.kind !== "never-after") continue;
        if (rule.tagged !== undefined || !covers(rule.channels, channel, policy)) continue;
        let why: string | undefined;
        if (rule.kind === "never-when" && alwaysTrue(rule.when, channel)) {
          why = `its condition always holds`;
        } else if (rule.kind === "never-after" && rule.where === undefined && onlyAfter === rule.signal.name) {
          why = `the stage is only entered on \`${onlyAfter}\``;
        }
        if (why === undefined) continue;
        const place = stage === undefined ? "" : ` in stage \`${stageName}\``;
        out.push(
          warning(
            "dead-channel",
            `\`${channel}\` is allowed${place} but a rule always denies it there: ${why}`,
            rule.span,
            stage?.allow !== undefined
              ? `remove \`${channel}\` from the stage's \`allow\` list, or narrow the rule`
              : `narrow the rule, or add an \`allow\` list without \`${channel}\``,
          ),
        );
        break;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- quiet hours

function minuteOfDay(t: { hour: number; minute: number }): number {
  return t.hour * 60 + t.minute;
}

/** True when the quiet hours together cover all 1,440 minutes of the day (compared as spans of minutes, a span wrapping midnight in two). */
function coverWholeDay(rules: readonly QuietHoursRule[]): boolean {
  const spans: [number, number][] = [];
  for (const rule of rules) {
    const start = minuteOfDay(rule.start);
    const end = minuteOfDay(rule.end);
    if (start === end) continue;
    if (start < end) {
      spans.push([start, end]);
    } else {
      spans.push([start, 1440]);
      if (end > 0) spans.push([0, end]);
    }
  }
  spans.sort((a, b) => a[0] - b[0]);
  let reached = 0;
  for (const [start, end] of spans) {
    if (start > reached) return false;
    reached = Math.max(reached, end);
  }
  return reached >= 1440;
}

function alwaysQuiet(policy: Policy): Diagnostic[] {
  const out: Diagnostic[] = [];
  const reported = new Set<string>();
  const stages: (Stage | undefined)[] = policy.stages.length === 0 ? [undefined] : policy.stages.filter((s) => !s.final);
  for (const stage of stages) {
    const stageName = stage?.name.name ?? "active";
    for (const channel of allowedChannels(policy, stageName)) {
      const rules = rulesIn(policy, stage).filter(
        (r): r is QuietHoursRule => r.kind === "quiet-hours" && covers(r.channels, channel, policy),
      );
      const last = rules[rules.length - 1];
      if (last === undefined || !coverWholeDay(rules)) continue;
      const key = `${channel}@${rules.map((r) => JSON.stringify(r.span ?? null)).join("|")}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const times = rules
        .map((r) => `${printTime(r.start)} to ${printTime(r.end)}`)
        .join(", ");
      out.push(
        warning(
          "always-quiet",
          `quiet hours (${times}) cover the whole day for \`${channel}\`, so it can never be sent`,
          last.span,
          `shorten the quiet hours so some time of day is left`,
        ),
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------- limits

function impossibleLimits(policy: Policy): Diagnostic[] {
  const out: Diagnostic[] = [];
  const scopes: Rule[][] = [policy.rules, ...policy.stages.map((s) => [...s.rules, ...policy.rules])];
  const seen = new Set<Rule>();
  for (const rule of [...policy.rules, ...policy.stages.flatMap((s) => s.rules)]) {
    if (rule.kind === "at-least" && !seen.has(rule) && atLeastBeyondHorizon(rule.duration)) {
      seen.add(rule);
      out.push(
        warning(
          "impossible-limit",
          `\`${printRule(rule)}\` waits longer than a year, so no second touch is ever allowed`,
          rule.span,
          `use a wait of at most 365 days`,
        ),
      );
    }
  }
  // `never X without S` together with `never X after S`: before S the first denies, after S the second.
  for (const scope of scopes) {
    for (const without of scope.filter((r): r is NeverWithoutRule => r.kind === "never-without")) {
      for (const after of scope.filter((r): r is NeverAfterRule => r.kind === "never-after")) {
        if (seen.has(after) || without.signal.name !== after.signal.name) continue;
        if (without.tagged !== undefined || after.tagged !== undefined) continue;
        if (after.where !== undefined && !sameExpr(after.where, without.where)) continue;
        const both = channelsOf(without.channels, policy).filter((c) => channelsOf(after.channels, policy).includes(c));
        if (both.length === 0) continue;
        seen.add(after);
        out.push(
          warning(
            "impossible-limit",
            `${both.map((c) => `\`${c}\``).join(", ")} can never be sent: \`never ... without ${without.signal.name}\` denies before \`${without.signal.name}\` and \`never ... after ${after.signal.name}\` denies after it`,
            after.span,
            `remove one of the two rules`,
          ),
        );
      }
    }
  }
  return out;
}

function atLeastBeyondHorizon(d: Duration): boolean {
  const minutes = fixedMinutes(d);
  if (minutes !== undefined) return minutes * 60_000 > SEARCH_HORIZON_MS;
  // a year holds at most 262 weekdays
  return d.amount > 262;
}

/** The engagement signals of a policy (its `engagement` line, else the defaults). */
export function engagementSignals(policy: Policy): string[] {
  return policy.engagement ? policy.engagement.map((e) => e.name) : [...DEFAULT_ENGAGEMENT];
}
