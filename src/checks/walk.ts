/**
 * Walks a policy's AST and runs, at each node, the checks registered for
 * its kind (see `registry.ts`), collecting their findings.
 *
 * A rule's or a trigger's parts are found by the names of their fields, the
 * same in every rule form: `channels` (a channel list), `duration`, `start`
 * and `end` (times of day), `signal`, and `where`, `when` or `condition` (a
 * condition). A new rule form that names its parts so is checked like the
 * others without a change here.
 *
 * @module
 */

import { conditionFacts, conditionOperands, isSignalFact, type Expr, type Ident, type NodeBase, type Policy, type Rule, type Transition } from "../ast.js";
import type { Span } from "../diagnostics.js";
import { MAX_SUGGESTIONS, suggest } from "../suggest.js";
import type { CheckCode, DataOf, PolicyForm } from "./catalogue.js";
import type { CheckCategory, CheckContext, CheckRegistry, Finding, NodeKind, NodeKinds } from "./registry.js";
import { vocabularyOf, type Vocabulary } from "./vocabulary.js";

/** Every kind of node (a record, so that TypeScript says when one is missing). */
const EVERY_KIND: Readonly<Record<NodeKind, true>> = Object.freeze({
  policy: true,
  stage: true,
  rule: true,
  transition: true,
  condition: true,
  operand: true,
  duration: true,
  channels: true,
  time: true,
  date: true,
  signal: true,
});
const NODE_KINDS = Object.keys(EVERY_KIND) as NodeKind[];

/** The parts of a rule or a trigger, by field name, and the kind of node each is. */
const PARTS: readonly (readonly [string, NodeKind])[] = [
  ["channels", "channels"],
  ["duration", "duration"],
  ["start", "time"],
  ["end", "time"],
  ["signal", "signal"],
  ["where", "condition"],
  ["when", "condition"],
  ["unless", "condition"],
  ["condition", "condition"],
];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when `value` has the shape of a node of that kind (a part found by its field name). */
function isPart(kind: NodeKind, value: unknown): boolean {
  if (!isObject(value)) return false;
  switch (kind) {
    case "channels":
      return value.kind === "list" && Array.isArray(value.channels);
    case "duration":
      return value.kind === "duration";
    case "time":
      return typeof value.hour === "number" && typeof value.minute === "number";
    case "signal":
      return typeof value.name === "string";
    case "condition":
      return typeof value.kind === "string";
    default:
      return false;
  }
}

/** Options of {@link walkPolicy}. */
export interface WalkOptions<X extends CheckContext> {
  readonly form: PolicyForm;
  readonly categories: ReadonlySet<CheckCategory>;
  /** What the checks of the registry see besides a {@link CheckContext}. */
  readonly extra: Omit<X, keyof CheckContext>;
}

/** The walk itself: it is the context every check is handed. */
class Walk implements CheckContext {
  readonly findings: Finding[] = [];
  readonly channels: readonly string[];
  readonly stages: readonly string[];
  readonly channelSet: ReadonlySet<string>;
  readonly stageSet: ReadonlySet<string>;
  stage: Policy["stages"][number] | undefined = undefined;
  where: Ident | undefined = undefined;
  readonly vocabulary: Vocabulary;
  /** How many suggestions the walk has looked for. */
  private suggested = 0;
  /** The nodes enclosing the one visited, outermost first. */
  private readonly path: NodeBase[] = [];

  constructor(
    readonly policy: Policy,
    readonly form: PolicyForm,
  ) {
    this.channelSet = new Set(policy.channels.map((c) => c.name));
    this.stageSet = new Set(policy.stages.map((s) => s.name.name));
    this.channels = [...this.channelSet];
    this.stages = [...this.stageSet];
    this.vocabulary = vocabularyOf(policy);
  }

  suggest(name: string, candidates: Iterable<string>): string | undefined {
    return this.suggested++ < MAX_SUGGESTIONS ? suggest(name, candidates) : undefined;
  }

  suggesting(): boolean {
    return this.suggested < MAX_SUGGESTIONS;
  }

  report<C extends CheckCode>(code: C, data: DataOf<C>, ...at: (NodeBase | undefined)[]): void {
    this.findings.push({ code, data, span: this.spanOf(at) } as Finding);
  }

  enter(node: NodeBase): void {
    this.path.push(node);
  }

  leave(): void {
    this.path.pop();
  }

  private spanOf(at: readonly (NodeBase | undefined)[]): Span | undefined {
    for (const node of at) if (node?.span !== undefined) return node.span;
    for (let i = this.path.length - 1; i >= 0; i--) {
      const span = this.path[i]!.span;
      if (span !== undefined) return span;
    }
    return undefined;
  }
}

/** Runs the registry's checks of the given categories over a policy; the findings in the order found. */
export function walkPolicy<X extends CheckContext>(policy: Policy, registry: CheckRegistry<X>, options: WalkOptions<X>): Finding[] {
  const walk = new Walk(policy, options.form);
  const ctx = Object.assign(walk, options.extra) as unknown as X;
  const categories = options.categories;
  // the kinds of node some check of these categories is registered for: the others are not visited
  const wanted = new Set<NodeKind>(NODE_KINDS.filter((kind) => registry.has(kind, categories)));
  const visitOperands = wanted.has("operand");
  // conditions are walked for their operands, and for the signals and channels their facts name (spec section 8.2)
  const intoConditions = wanted.has("condition") || visitOperands || wanted.has("signal") || wanted.has("channels");
  const parts = PARTS.filter(([, kind]) => wanted.has(kind) || (kind === "condition" && intoConditions));
  const visit = <K extends NodeKind>(kind: K, node: NodeKinds[K], variant?: string): void => {
    walk.enter(node);
    registry.run(kind, variant, node, ctx, categories);
    if (kind === "condition" && visitOperands) {
      for (const operand of conditionOperands(node as Expr)) visit("operand", operand, operand.kind);
    }
    // the facts of a condition (spec section 8.2) name signals and channels, and have their own `where`
    if (kind === "condition") {
      for (const fact of conditionFacts(node as Expr)) {
        walk.enter(fact);
        if (!isSignalFact(fact)) {
          if (wanted.has("channels") && fact.channels.kind === "list") visit("channels", fact.channels);
        } else {
          if (wanted.has("signal")) visit("signal", fact.signal);
          if (fact.where !== undefined && intoConditions) {
            // a fact's `where` reads the props of its own signal
            const outer = walk.where;
            walk.where = fact.signal;
            visit("condition", fact.where);
            walk.where = outer;
          }
        }
        walk.leave();
      }
    }
    walk.leave();
  };
  const visitParts = (node: Rule | Transition["trigger"]): void => {
    const fields = node as unknown as Record<string, unknown>;
    for (const [field, kind] of parts) {
      const value = fields[field];
      if (!isPart(kind, value)) continue;
      // a `where` reads the props of the signal it filters
      walk.where = field === "where" && isPart("signal", fields.signal) ? (fields.signal as Ident) : undefined;
      visit(kind, value as NodeKinds[typeof kind]);
      walk.where = undefined;
    }
  };
  const rule = (r: Rule): void => {
    walk.enter(r);
    registry.run("rule", r.kind, r, ctx, categories);
    visitParts(r);
    walk.leave();
  };
  const transition = (t: Transition): void => {
    walk.enter(t);
    registry.run("transition", t.trigger.kind, t, ctx, categories);
    walk.enter(t.trigger);
    visitParts(t.trigger);
    walk.leave();
    walk.leave();
  };

  walk.enter(policy);
  registry.run("policy", undefined, policy, ctx, categories);
  if (wanted.has("date")) for (const holiday of policy.holidays ?? []) visit("date", holiday);
  if (policy.ignoreWindow !== undefined && wanted.has("duration")) visit("duration", policy.ignoreWindow);
  if (wanted.has("signal")) for (const signal of policy.engagement ?? []) visit("signal", signal);
  if (policy.appliesWhen !== undefined && intoConditions) visit("condition", policy.appliesWhen);
  for (const stage of policy.stages) {
    walk.stage = stage;
    walk.enter(stage);
    registry.run("stage", undefined, stage, ctx, categories);
    if (stage.allow !== undefined && wanted.has("channels")) visit("channels", stage.allow);
    for (const r of stage.rules) rule(r);
    for (const t of stage.transitions) transition(t);
    walk.leave();
  }
  walk.stage = undefined;
  for (const t of policy.transitions) transition(t);
  for (const r of policy.rules) rule(r);
  walk.leave();
  return walk.findings;
}
