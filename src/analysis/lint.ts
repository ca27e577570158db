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

import { BUILT_IN_SIGNALS, type Duration, type Expr, type Operand, type Policy } from "../ast.js";
import {
  check,
  checkVariant,
  CheckRegistry,
  named,
  render,
  walkPolicy,
  type Check,
  type CheckCategory,
  type CheckContext,
  type Finding,
  type PolicyForm,
  undeclaredVocabulary,
} from "../checks/index.js";
import { sortDiagnostics, type Diagnostic } from "../diagnostics.js";
import { policyStructure, type PolicyStructure, type StructureStage } from "../engine/index.js";
import type { IrDuration, IrNeverAfter, IrNeverWhen, IrQuietHours, IrRule, IrTransition, IrTrigger, IrNeverWithout } from "../engine/ir.js";
import { MAX_CHAIN } from "../engine/machine.js";
import { printRule, printTime } from "../print.js";
import { MAX_CANDIDATES } from "../suggest.js";
import { ANALYSIS_BUDGET, Budget, policySize } from "./budget.js";
import { coverWholeDay, stagePaths, unboundedStages } from "./bounds.js";
import { silentContact, type SilentContactOptions } from "./silent.js";

/** Signals with a meaning of their own (spec section 1), never reported as unknown. */
export { BUILT_IN_SIGNALS };

/** Options of {@link analyzePolicy}. */
export interface AnalyzeOptions {
  /** Signals the embedding application sends besides the built-in ones; never reported as unknown. */
  knownSignals?: readonly string[];
  /** The form the policy is written in, for the words of hints. Default `dsl`. */
  form?: PolicyForm;
  /**
   * The categories of checks to run: `lint` (the default) and `slow`, which
   * adds the silent-contact analysis (`silent-pursuit`).
   */
  categories?: readonly ("lint" | "slow")[];
  /** Options of the silent-contact analysis, when `slow` checks run. */
  silent?: SilentContactOptions;
  /**
   * The steps the lint checks may take together (default 10,000,000): past
   * it they stop, with an `analysis-incomplete` warning naming the check
   * that stopped. (The silent contact has a budget of its own.)
   */
  budget?: number;
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
  /**
   * The work the lint checks have left, counted in steps of their inner
   * loops (never by the clock: the same policy is cut short at the same
   * place on every machine). A check spends before it works, and stops
   * once {@link Budget.spend} says no.
   */
  readonly budget: Budget;
  /** The names a mistyped signal may have meant: the known ones, then the policy's. */
  readonly signalCandidates: readonly string[];
}

/** The longest wait the engine searches for an allowed instant (spec section 2: one year). */
const SEARCH_HORIZON_MS = 365 * 24 * 3_600_000;

// ---------------------------------------------------------------- signals

/**
 * A signal neither built in nor known to the application (`--signals`):
 * likely a typo. A policy that declares its signals gets the error from
 * validation instead (`src/checks/vocabulary.ts`).
 */
const unknownSignal = check<"signal", LintContext>("signal", "lint", (signal, ctx) => {
  if (ctx.policy.signals !== undefined || ctx.knownSignals.has(signal.name)) return;
  // a suggestion compares the name with up to MAX_CANDIDATES others, each in time |name| x |other|; a walk makes only the first
  const cost = ctx.suggesting() ? Math.min(ctx.signalCandidates.length, MAX_CANDIDATES) * (Math.min(signal.name.length, 64) + 1) : 1;
  if (!ctx.budget.spend(cost)) return;
  ctx.report("unknown-signal", { name: signal.name, suggestion: ctx.suggest(signal.name, ctx.signalCandidates), declared: false }, signal);
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
  if (!ctx.budget.spend(1)) return;
  if (!ctx.reachable.has(stage.name.name)) {
    ctx.report("unreachable-stage", { stage: stage.name.name, start: ctx.machine.ir.start }, stage.name, stage);
  }
});

const noWayOut = check<"stage", LintContext>("stage", "lint", (stage, ctx) => {
  const name = stage.name.name;
  if (stage.final) return;
  const ways = ctx.machine.stage(name)?.transitions ?? [];
  if (!ctx.budget.spend(ways.length + 1)) return;
  if (ways.every((t) => t.target === name)) ctx.report("no-way-out", { stage: name }, stage.name, stage);
});

// ---------------------------------------------------------------- when cycles

/**
 * Loops of `when` transitions: entering a stage tries its `when`
 * transitions (and the policy-wide ones) at once, so stages joined by
 * `when` transitions in a circle may move a contact round and round at one
 * instant. The engine stops after {@link MAX_CHAIN} moves in a row; the
 * contact ends wherever that leaves it, which is not what anyone wrote.
 * Reported once per group of stages that reach one another, naming the
 * loop's stages in order, at its first transition. A warning, not an
 * error: conditions that never hold together (`contact.tier == 1` one way,
 * `== 2` back) make a loop harmless.
 */
const whenCycles = check<"policy", LintContext>("policy", "lint", (_policy, ctx) => {
  // the `when` edges between stages, from every stage that is not final, in the order the engine tries them
  const edges = new Map<string, IrTransition[]>();
  for (const stage of ctx.machine.stages) {
    if (stage.final) continue;
    if (!ctx.budget.spend(stage.transitions.length + 1)) return;
    edges.set(
      stage.name,
      stage.transitions.filter((t) => t.trigger.kind === "when"),
    );
  }
  for (const component of stronglyConnected(edges)) {
    const loop = loopIn(component, edges);
    if (loop === undefined) continue;
    ctx.report("when-cycle", { stages: loop.map((step) => step.from), moves: MAX_CHAIN }, loop[0]!.transition);
  }
});

/**
 * The groups of stages that reach one another by the edges, with more than
 * one stage or a stage that reaches itself (Tarjan's algorithm, iterative:
 * a policy may have thousands of stages).
 */
function stronglyConnected(edges: ReadonlyMap<string, readonly IrTransition[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  let counter = 0;
  for (const root of edges.keys()) {
    if (index.has(root)) continue;
    const work: [string, number][] = [[root, 0]];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [node, next] = frame;
      const out = edges.get(node) ?? [];
      if (next < out.length) {
        frame[1]++;
        const target = out[next]!.target;
        if (!edges.has(target)) continue;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push([target, 0]);
        } else if (onStack.has(target)) {
          low.set(node, Math.min(low.get(node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent[0], Math.min(low.get(parent[0])!, low.get(node)!));
      if (low.get(node) === index.get(node)) {
        const component: string[] = [];
        for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
          onStack.delete(member);
          component.push(member);
          if (member === node) break;
        }
        const selfLoop = component.length === 1 && out.some((t) => t.target === node);
        if (component.length > 1 || selfLoop) found.push(component.reverse());
      }
    }
  }
  return found;
}

/** A loop through the stages of one component, as the transitions taken: from its first stage, the first edge staying inside, until a stage comes back. */
function loopIn(component: readonly string[], edges: ReadonlyMap<string, readonly IrTransition[]>): { from: string; transition: IrTransition }[] | undefined {
  const inside = new Set(component);
  const path: { from: string; transition: IrTransition }[] = [];
  const at = new Map<string, number>();
  let stage = component[0];
  while (stage !== undefined && !at.has(stage)) {
    at.set(stage, path.length);
    const transition = (edges.get(stage) ?? []).find((t) => inside.has(t.target));
    if (transition === undefined) return undefined;
    path.push({ from: stage, transition });
    stage = transition.target;
  }
  return stage === undefined ? undefined : path.slice(at.get(stage));
}

/** The number of nodes of a condition, counted without recursion. */
function conditionSize(root: Expr): number {
  let size = 0;
  const stack: Expr[] = [root];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    size++;
    if (top.kind === "and" || top.kind === "or") stack.push(top.left, top.right);
    else if (top.kind === "not") stack.push(top.expr);
  }
  return size;
}

/** What comparing two triggers costs: conditions are compared as JSON text. */
function comparisonCost(a: IrTrigger, b: IrTrigger): number {
  if (a.kind !== b.kind) return 1;
  if (a.kind === "when" && b.kind === "when") return 1 + 4 * (conditionSize(a.condition) + conditionSize(b.condition));
  if (a.kind === "signal" && b.kind === "signal" && a.where !== null) return 1 + 4 * (conditionSize(a.where) + (b.where === null ? 0 : conditionSize(b.where)));
  return 1;
}

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
      if (!ctx.budget.spend(comparisonCost(earlier.trigger, later.trigger))) return;
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
    const everywhere = open.every((s) => s.ir.transitions.some((own) => ctx.budget.spend(comparisonCost(own.trigger, pw.trigger)) && shadows(own.trigger, pw.trigger)));
    if (ctx.budget.exhausted) return;
    if (everywhere) {
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
    case "seen":
      // depends on the history
      return false;
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

/** Why a rule always denies a channel. */
type Because = { kind: "condition" } | { kind: "entered-on"; signal: string };

/** A channel a stage allows but one of its rules always denies. */
const deadChannels = check<"policy", LintContext>("policy", "lint", (_policy, ctx) => {
  const { machine } = ctx;
  for (const stage of machine.stages) {
    if (stage.final) continue;
    const onlyAfter = stage.implicit ? undefined : enteredOnlyOn(stage, ctx.incoming);
    // only `never ... when` and `never ... after` rules can deny a channel for good
    const rules = stage.rules.map((r) => r.ir).filter((r): r is IrNeverWhen | IrNeverAfter => (r.kind === "never-when" || r.kind === "never-after") && r.tagged === null && r.condition === undefined);
    const channels = stage.allowed;
    if (!ctx.budget.spend(channels.length + rules.length)) return;
    const allowed = new Set(channels);
    // per channel, the first rule (in order) that always denies it: each rule is looked at only for the channels it names
    const denied = new Map<string, { rule: IrRule; because: Because }>();
    for (const rule of rules) {
      const cost = rule.kind === "never-when" ? 1 + 4 * conditionSize(rule.when) : 1;
      const names = rule.channels === null ? channels : rule.channels.filter((c) => allowed.has(c));
      for (const channel of names) {
        if (denied.has(channel)) continue;
        if (!ctx.budget.spend(cost)) return;
        let because: Because | undefined;
        if (rule.kind === "never-when" && alwaysTrue(rule.when, channel)) because = { kind: "condition" };
        else if (rule.kind === "never-after" && rule.where === null && onlyAfter === rule.signal) because = { kind: "entered-on", signal: onlyAfter };
        if (because !== undefined) denied.set(channel, { rule, because });
      }
    }
    for (const channel of channels) {
      const found = denied.get(channel);
      if (found === undefined) continue;
      ctx.report("dead-channel", { channel, stage: stage.implicit ? undefined : stage.name, because: found.because, allowList: stage.ir.allow !== null }, found.rule);
    }
  }
});

// ---------------------------------------------------------------- quiet hours

/** A channel a stage allows that its quiet hours cover all day long. */
const alwaysQuiet = check<"policy", LintContext>("policy", "lint", (_policy, ctx) => {
  const reported = new Set<string>();
  for (const stage of ctx.machine.stages) {
    if (stage.final) continue;
    const quiet = stage.rules.map((r) => r.ir).filter((r): r is IrQuietHours => r.kind === "quiet-hours");
    const channels = stage.allowed;
    if (!ctx.budget.spend(channels.length + 1)) return;
    for (const channel of channels) {
      if (!ctx.budget.spend(quiet.length * (1 + Math.log2(quiet.length + 1)))) return;
      const rules = quiet.filter((r) => covers(r, channel));
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
        if (!ctx.budget.spend(1 + declared.length)) return;
        if (seen.has(after) || without.signal !== after.signal) continue;
        if (without.tagged !== null || after.tagged !== null) continue;
        if (after.where !== null && !sameExpr(after.where, without.where)) continue;
        const afterChannels = new Set(channelsOf(after));
        const both = channelsOf(without).filter((c) => afterChannels.has(c));
        if (both.length === 0) continue;
        seen.add(after);
        ctx.report("impossible-limit", { kind: "without-and-after", channels: both, signal: without.signal }, after);
      }
    }
  }
});

// ---------------------------------------------------------------- pursuit without a bound

/**
 * A stage the contact can reach that allows a channel no limit bounds
 * there: `unbounded-pursuit`, with the way there (see `bounds.ts`).
 */
const unboundedPursuit = check<"policy", LintContext>("policy", "lint", (policy, ctx) => {
  if (!ctx.budget.spend(ctx.machine.stages.length + ctx.machine.rules.length)) return;
  const free = unboundedStages(ctx.machine);
  if (free.size === 0) return;
  const paths = stagePaths(ctx.machine);
  for (const stage of ctx.machine.stages) {
    const channels = free.get(stage.name);
    const path = paths.get(stage.name);
    if (channels === undefined || path === undefined) continue;
    ctx.report("unbounded-pursuit", { stage: stage.name, channels, path, implicit: stage.implicit }, { span: stage.nameSpan ?? policy.name.span });
  }
});

// ---------------------------------------------------------------- slow: the engine runs a silent contact

/** A contact who never answers, driven through the engine for a year: `silent-pursuit` (see `silent.ts`). */
const silentContactCheck = check<"policy", LintContext>("policy", "slow", (policy, ctx) => {
  for (const f of silentContact(policy, { ...ctx.silent, form: ctx.form }).findings) ctx.report(f.code, f.data, { span: f.span });
});

/**
 * Every lint check and slow analysis, in the order they run, each named by
 * the code it reports (an `analysis-incomplete` warning names the check
 * that ran out of budget; the ones before it ran in full).
 */
export const LINT_CHECKS: readonly Check<LintContext>[] = [
  named("unknown-signal", unknownSignal),
  named("undeclared-vocabulary", undeclaredVocabulary as Check<LintContext>),
  named("unreachable-stage", unreachableStage),
  named("no-way-out", noWayOut),
  named("when-cycle", whenCycles),
  named("shadowed-transition", shadowedTransitions),
  named("dead-channel", deadChannels),
  named("always-quiet", alwaysQuiet),
  named("impossible-limit", longWait),
  named("impossible-limit", withoutAndAfter),
  named("unbounded-pursuit", unboundedPursuit),
  named("silent-pursuit", silentContactCheck),
];

/** Each check in a registry of its own: they run one after the other, so that the budget stops them in order. */
const ONE_BY_ONE: readonly (readonly [Check<LintContext>, CheckRegistry<LintContext>])[] = LINT_CHECKS.map((c) => [c, new CheckRegistry([c])] as const);
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
 * `unknown-signal`, `unreachable-stage`, `no-way-out`, `when-cycle`,
 * `shadowed-transition`, `dead-channel`, `always-quiet` and
 * `impossible-limit`, `unbounded-pursuit`, and with the `slow` category
 * `silent-pursuit`.
 * Sorted; each has a span and a hint. Errors that validation reports are
 * not repeated here.
 *
 * The lint checks share a budget of steps (`options.budget`): on a policy
 * too large to check in full they stop where it runs out, and a warning
 * `analysis-incomplete` says which check stopped and that later warnings
 * may be missing.
 */
export function analyzePolicy(policy: Policy, options: AnalyzeOptions = {}): Diagnostic[] {
  const form = options.form ?? "dsl";
  const machine = policyStructure(policy);
  const knownSignals = new Set([...BUILT_IN_SIGNALS, ...(options.knownSignals ?? [])]);
  const uses = signalUses(policy);
  const budget = new Budget(options.budget ?? ANALYSIS_BUDGET);
  const extra = {
    machine,
    reachable: reachable(machine),
    incoming: incomingTriggers(machine),
    knownSignals,
    signalUses: uses,
    signalCandidates: [...knownSignals, ...uses.keys()],
    silent: options.silent ?? {},
    budget,
  };
  const categories: ReadonlySet<CheckCategory> = options.categories === undefined ? LINT_ONLY : new Set(options.categories);
  const findings: Finding[] = [];
  let stopped = false;
  for (const [c, registry] of ONE_BY_ONE) {
    // past the budget the lint checks stop; a slow check has a budget of its own
    if (!categories.has(c.category) || (stopped && c.category === "lint")) continue;
    for (const f of walkPolicy(policy, registry, { form, categories, extra })) findings.push(f);
    if (!stopped && budget.exhausted) {
      stopped = true;
      const data = { kind: "checks", size: policySize(policy), check: c.name ?? "", steps: budget.steps } as const;
      findings.push({ code: "analysis-incomplete", data, span: policy.name.span ?? policy.span } as Finding);
    }
  }
  return sortDiagnostics(findings.map((f) => render(f, form)));
}
