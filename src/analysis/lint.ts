/**
 * Static checks of a policy that compiles: mistakes that cannot be what
 * the author meant (a misspelled signal, a stage nothing leads to, a
 * transition that can never fire, a channel that can never be used). Each
 * is a check of the checks registry (`src/checks`), category `lint`; they
 * ask the compiled machine (`policyStructure`) which transitions each stage
 * tries and which rules are in force there, instead of working it out from
 * the AST again.
 *
 * @module
 */

import type { Duration, Expr, Operand, Policy } from "../ast.js";
import { check, checkVariant, CheckRegistry, render, walkPolicy, type Check, type CheckCategory, type CheckContext, type PolicyForm } from "../checks/index.js";
import { sortDiagnostics, type Diagnostic } from "../diagnostics.js";
import { policyStructure, type PolicyStructure, type StructureStage } from "../engine/index.js";
import type { IrDuration, IrNeverAfter, IrNeverWithout, IrQuietHours, IrRule, IrTransition, IrTrigger } from "../engine/ir.js";
import { printRule, printTime } from "../print.js";
import { suggest } from "../suggest.js";
import { silentContact, type SilentContactOptions } from "./silent.js";

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
  /** The form the policy is written in, for the words of hints. Default `dsl`. */
  form?: PolicyForm;
  /**
   * The categories of checks to run: `lint` (the default) and `slow`, which
   * adds the silent-contact analysis (`unbounded-pursuit`).
   */
  categories?: readonly ("lint" | "slow")[];
  /** Options of the silent-contact analysis, when `slow` checks run. */
  silent?: SilentContactOptions;
}

/** What a lint check sees besides its node: the compiled machine, and the signals the policy names. */
export interface LintContext extends CheckContext {
  readonly machine: PolicyStructure;
  /** Signals never reported as unknown: the built-in ones and those the application declared. */
  readonly knownSignals: ReadonlySet<string>;
  /** How many times the policy names each signal. */
  readonly signalUses: ReadonlyMap<string, number>;
  /** The stages reachable from the start stage through the transitions each tries. */
  readonly reachable: ReadonlySet<string>;
  /** Per stage, the triggers of the transitions into it, from every stage, in order. */
  readonly incoming: ReadonlyMap<string, readonly IrTrigger[]>;
  /** Options of the silent-contact analysis. */
  readonly silent: SilentContactOptions;
}

/** The longest wait the engine searches for an allowed instant (spec section 2: one year). */
const SEARCH_HORIZON_MS = 365 * 24 * 3_600_000;

// ---------------------------------------------------------------- signals

/** A signal named once, neither built in nor declared by the application: likely a typo. */
const unknownSignal = check<"signal", LintContext>("signal", "lint", (signal, ctx) => {
  if (ctx.knownSignals.has(signal.name) || (ctx.signalUses.get(signal.name) ?? 0) > 1) return;
  const candidates = [...ctx.knownSignals, ...[...ctx.signalUses.keys()].filter((n) => n !== signal.name)];
  ctx.report("unknown-signal", { name: signal.name, suggestion: suggest(signal.name, candidates) }, signal);
});

// ---------------------------------------------------------------- stages

/** The stages reachable from the start stage through the transitions each tries. */
function reachable(machine: PolicyStructure): Set<string> {
  const start = machine.ir.start;
  const reached = new Set<string>([start]);
  const queue = [start];
  while (queue.length > 0) {
    for (const t of machine.stage(queue.shift()!)?.transitions ?? []) {
      if (!reached.has(t.target)) {
        reached.add(t.target);
        queue.push(t.target);
      }
    }
  }
  return reached;
}

const unreachableStage = check<"stage", LintContext>("stage", "lint", (stage, ctx) => {
  if (!ctx.reachable.has(stage.name.name)) {
    ctx.report("unreachable-stage", { stage: stage.name.name, start: ctx.machine.ir.start }, stage.name, stage);
  }
});

const noWayOut = check<"stage", LintContext>("stage", "lint", (stage, ctx) => {
  const name = stage.name.name;
  if (stage.final) return;
  if ((ctx.machine.stage(name)?.transitions ?? []).every((t) => t.target === name)) ctx.report("no-way-out", { stage: name }, stage.name, stage);
});

// ---------------------------------------------------------------- transitions

/** True for two equal conditions of the IR (which holds them without spans). */
function sameExpr(a: Expr | null, b: Expr | null): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** Fixed length of a duration in minutes, or undefined for business days. */
function fixedMinutes(d: IrDuration | Duration): number | undefined {
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

function durationNotLonger(a: IrDuration, b: IrDuration): boolean {
  if (a.unit === "business-days" || b.unit === "business-days") return a.unit === b.unit && a.amount <= b.amount;
  return (fixedMinutes(a) ?? Infinity) <= (fixedMinutes(b) ?? -Infinity);
}

/** True when `earlier`, tried before `later` in the same stage, fires whenever `later` would, so `later` can never fire there. */
function shadows(earlier: IrTrigger, later: IrTrigger): boolean {
  if (earlier.kind === "signal" && later.kind === "signal") {
    return earlier.signal === later.signal && (earlier.where === null || sameExpr(earlier.where, later.where));
  }
  if (earlier.kind === "ignored" && later.kind === "ignored") return earlier.count <= later.count;
  if (earlier.kind === "touches" && later.kind === "touches") return earlier.count <= later.count;
  if (earlier.kind === "when" && later.kind === "when") return sameExpr(earlier.condition, later.condition);
  return false;
}

/** `after 2 ignored touches move to nurture`. */
function written(t: IrTransition): string {
  return `${t.cause} move to ${t.target}`;
}

/** The transitions of one list (a stage's own, or the policy-wide ones) that an earlier one always beats. */
function shadowedIn(list: readonly IrTransition[], ctx: LintContext): void {
  list.forEach((later, j) => {
    for (let i = 0; i < list.length; i++) {
      const earlier = list[i]!;
      if (i === j) continue;
      const hit =
        earlier.trigger.kind === "elapsed" && later.trigger.kind === "elapsed"
          ? // timers fire in time order whatever the source order: the shorter wait wins
            i < j
            ? durationNotLonger(earlier.trigger.duration, later.trigger.duration)
            : durationNotLonger(earlier.trigger.duration, later.trigger.duration) && !durationNotLonger(later.trigger.duration, earlier.trigger.duration)
          : i < j && shadows(earlier.trigger, later.trigger);
      if (hit) {
        ctx.report(
          "shadowed-transition",
          { kind: "earlier", transition: written(later), other: written(earlier), trigger: earlier.cause, onSignal: earlier.trigger.kind === "signal" },
          later,
        );
        break;
      }
    }
  });
}

const shadowedTransitions = check<"policy", LintContext>("policy", "lint", (_policy, ctx) => {
  const { machine } = ctx;
  const declared = machine.stages.filter((s) => !s.implicit);
  for (const stage of declared) shadowedIn(stage.ir.transitions, ctx);
  shadowedIn(machine.ir.transitions, ctx);
  // A policy-wide transition overridden by its own stage's transitions in every stage never fires at all.
  const open = declared.filter((s) => !s.final);
  if (open.length === 0) return;
  for (const pw of machine.ir.transitions) {
    if (open.every((s) => s.ir.transitions.some((own) => shadows(own.trigger, pw.trigger)))) {
      ctx.report("shadowed-transition", { kind: "everywhere", transition: written(pw), other: "", trigger: pw.cause, onSignal: false }, pw);
    }
  }
});

// ---------------------------------------------------------------- channels

/**
 * True when a condition holds for every contact, touch and counter value
 * (conservatively: false when unsure). `channel` is the proposed touch's
 * channel, known when checking one channel.
 */
function alwaysTrue(e: Expr, channel: string): boolean {
  const constant = (op: Operand): unknown => {
    if (op.kind === "literal") return op.value;
    if (op.kind === "path" && op.segments.length === 2 && op.segments[0] === "touch" && op.segments[1] === "channel") return channel;
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

/** True when the rule speaks of the channel (it lists it, or lists none). */
function covers(rule: IrRule, channel: string): boolean {
  return rule.channels === null || rule.channels.includes(channel);
}

/** Per stage, the triggers of the transitions into it, from every stage, in order. */
function incomingTriggers(machine: PolicyStructure): Map<string, IrTrigger[]> {
  const incoming = new Map<string, IrTrigger[]>();
  for (const from of machine.stages) {
    for (const t of from.transitions) {
      const list = incoming.get(t.target);
      if (list === undefined) incoming.set(t.target, [t.trigger]);
      else list.push(t.trigger);
    }
  }
  return incoming;
}

/** The signal a stage is only ever entered on (`on SIGNAL`, without `where`, from every stage that leads there), if any. */
function enteredOnlyOn(stage: StructureStage, incoming: LintContext["incoming"]): string | undefined {
  if (stage.start) return undefined;
  const triggers = incoming.get(stage.name) ?? [];
  const first = triggers[0];
  if (first === undefined || first.kind !== "signal" || first.where !== null) return undefined;
  const signal = first.signal;
  return triggers.every((t) => t.kind === "signal" && t.signal === signal) ? signal : undefined;
}

/** A channel a stage allows but one of its rules always denies. */
const deadChannels = check<"policy", LintContext>("policy", "lint", (_policy, ctx) => {
  const { machine } = ctx;
  for (const stage of machine.stages) {
    if (stage.final) continue;
    const onlyAfter = stage.implicit ? undefined : enteredOnlyOn(stage, ctx.incoming);
    for (const channel of stage.allowed) {
      for (const { ir: rule } of stage.rules) {
        if (rule.kind !== "never-when" && rule.kind !== "never-after") continue;
        if (rule.tagged !== null || !covers(rule, channel)) continue;
        let because: { kind: "condition" } | { kind: "entered-on"; signal: string } | undefined;
        if (rule.kind === "never-when" && alwaysTrue(rule.when, channel)) because = { kind: "condition" };
        else if (rule.kind === "never-after" && rule.where === null && onlyAfter === rule.signal) because = { kind: "entered-on", signal: onlyAfter };
        if (because === undefined) continue;
        ctx.report("dead-channel", { channel, stage: stage.implicit ? undefined : stage.name, because, allowList: stage.ir.allow !== null }, rule);
        break;
      }
    }
  }
});

// ---------------------------------------------------------------- quiet hours

function minuteOfDay(t: { hour: number; minute: number }): number {
  return t.hour * 60 + t.minute;
}

/** True when the quiet hours together cover all 1,440 minutes of the day (compared as spans of minutes, a span wrapping midnight in two). */
function coverWholeDay(rules: readonly IrQuietHours[]): boolean {
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

/** A channel a stage allows that its quiet hours cover all day long. */
const alwaysQuiet = check<"policy", LintContext>("policy", "lint", (_policy, ctx) => {
  const reported = new Set<string>();
  for (const stage of ctx.machine.stages) {
    if (stage.final) continue;
    for (const channel of stage.allowed) {
      const rules = stage.rules.map((r) => r.ir).filter((r): r is IrQuietHours => r.kind === "quiet-hours" && covers(r, channel));
      const last = rules[rules.length - 1];
      if (last === undefined || !coverWholeDay(rules)) continue;
      const key = `${channel}@${rules.map((r) => JSON.stringify(r.span ?? null)).join("|")}`;
      if (reported.has(key)) continue;
      reported.add(key);
      ctx.report("always-quiet", { channel, times: rules.map((r) => `${printTime(r.start)} to ${printTime(r.end)}`) }, last);
    }
  }
});

// ---------------------------------------------------------------- limits

function atLeastBeyondHorizon(d: Duration): boolean {
  const minutes = fixedMinutes(d);
  if (minutes !== undefined) return minutes * 60_000 > SEARCH_HORIZON_MS;
  // a year holds at most 262 weekdays
  return d.amount > 262;
}

/** `at least` a wait longer than the engine ever looks ahead. */
const longWait = checkVariant<"rule", "at-least", LintContext>("rule", "at-least", "lint", (rule, ctx) => {
  if (atLeastBeyondHorizon(rule.duration)) ctx.report("impossible-limit", { kind: "wait", rule: printRule(rule) }, rule);
});

/** `never X without S` together with `never X after S`: before S the first denies, after S the second. */
const withoutAndAfter = check<"policy", LintContext>("policy", "lint", (_policy, ctx) => {
  const { machine } = ctx;
  const policyWide = machine.rules.map((r) => r.ir).filter((r) => r.stage === null);
  const scopes = [policyWide, ...machine.stages.filter((s) => !s.implicit).map((s) => s.rules.map((r) => r.ir))];
  const declared = machine.ir.channels;
  const channelsOf = (r: IrRule): readonly string[] => r.channels ?? declared;
  const seen = new Set<IrRule>();
  for (const scope of scopes) {
    for (const without of scope.filter((r): r is IrNeverWithout => r.kind === "never-without")) {
      for (const after of scope.filter((r): r is IrNeverAfter => r.kind === "never-after")) {
        if (seen.has(after) || without.signal !== after.signal) continue;
        if (without.tagged !== null || after.tagged !== null) continue;
        if (after.where !== null && !sameExpr(after.where, without.where)) continue;
        const both = channelsOf(without).filter((c) => channelsOf(after).includes(c));
        if (both.length === 0) continue;
        seen.add(after);
        ctx.report("impossible-limit", { kind: "without-and-after", channels: both, signal: without.signal }, after);
      }
    }
  }
});

// ---------------------------------------------------------------- slow: the engine runs a silent contact

/** A contact who never answers, driven through the engine for a year: `unbounded-pursuit` (see `silent.ts`). */
const silentContactCheck = check<"policy", LintContext>("policy", "slow", (policy, ctx) => {
  for (const f of silentContact(policy, { ...ctx.silent, form: ctx.form }).findings) ctx.report(f.code, f.data, { span: f.span });
});

/** Every lint check and slow analysis. */
export const LINT_CHECKS: readonly Check<LintContext>[] = [
  unknownSignal,
  unreachableStage,
  noWayOut,
  shadowedTransitions,
  deadChannels,
  alwaysQuiet,
  longWait,
  withoutAndAfter,
  silentContactCheck,
];

const LINT = new CheckRegistry<LintContext>(LINT_CHECKS);
const LINT_ONLY: ReadonlySet<CheckCategory> = new Set(["lint"]);

/** How many times the policy names each signal (`on`, `without`, `after`, `within ... of`, `engagement`). */
function signalUses(policy: Policy): Map<string, number> {
  const uses = new Map<string, number>();
  const count = new CheckRegistry<CheckContext>([check("signal", "lint", (signal) => void uses.set(signal.name, (uses.get(signal.name) ?? 0) + 1))]);
  walkPolicy(policy, count, { form: "dsl", categories: LINT_ONLY, extra: {} });
  return uses;
}

/**
 * Warnings about a policy that compiles but cannot behave as written:
 * `unknown-signal`, `unreachable-stage`, `no-way-out`, `shadowed-transition`,
 * `dead-channel`, `always-quiet` and `impossible-limit`, and with the `slow`
 * category `unbounded-pursuit`. Sorted; each has a span and a hint. Errors
 * that validation reports are not repeated here.
 */
export function analyzePolicy(policy: Policy, options: AnalyzeOptions = {}): Diagnostic[] {
  const form = options.form ?? "dsl";
  const machine = policyStructure(policy);
  const extra = {
    machine,
    reachable: reachable(machine),
    incoming: incomingTriggers(machine),
    knownSignals: new Set([...BUILT_IN_SIGNALS, ...(options.knownSignals ?? [])]),
    signalUses: signalUses(policy),
    silent: options.silent ?? {},
  };
  const categories: ReadonlySet<CheckCategory> = options.categories === undefined ? LINT_ONLY : new Set(options.categories);
  const findings = walkPolicy(policy, LINT, { form, categories, extra });
  return sortDiagnostics(findings.map((f) => render(f, form)));
}
