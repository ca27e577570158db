/**
 * The registry of checks: each check is one function registered for a
 * kind of AST node (a rule of a given kind, a transition on a given
 * trigger, a condition, a duration, ...) and a category, as Langium's
 * `ValidationRegistry`. A check reports findings as data, through its
 * context; `catalogue.ts` renders them.
 *
 * @module
 */

import type {
  ChannelList,
  DateLit,
  Duration,
  Expr,
  Ident,
  NodeBase,
  Operand,
  Policy,
  Rule,
  RuleKind,
  Stage,
  TimeOfDay,
  Transition,
  Trigger,
} from "../ast.js";
import type { Span } from "../diagnostics.js";
import type { CheckCode, DataOf, PolicyForm } from "./catalogue.js";
import type { Vocabulary } from "./vocabulary.js";

/**
 * When a check runs: `validation` checks find the errors that stop a policy
 * from compiling (run by `parsePolicy` and by `compile`); `lint` checks warn
 * about policies that compile but cannot do what was meant (`heed check`);
 * `slow` checks run the engine over simulated contacts (`heed check`).
 */
export type CheckCategory = "validation" | "lint" | "slow";

/** The kinds of node a check can be registered for, and the node each hands it. */
export interface NodeKinds {
  /** The whole policy (checks across declarations: duplicates, the start stage, the settings). */
  readonly policy: Policy;
  readonly stage: Stage;
  /** A rule; registered for one rule kind, or for all. */
  readonly rule: Rule;
  /** A transition; registered for one trigger kind, or for all. */
  readonly transition: Transition;
  /** A condition as written (each `where`, `when`, `applies when`): the root, not its parts. */
  readonly condition: Expr;
  /** A value in a condition: a path, a literal, a list or a duration. */
  readonly operand: Operand;
  /** A duration outside conditions: the ignore window, a rule's, an `after` transition's. */
  readonly duration: Duration;
  /** A list of channels: a stage's `allow` list, a rule's channels. */
  readonly channels: ChannelList;
  /** A time of day (quiet hours). */
  readonly time: TimeOfDay;
  /** A date (a holiday). */
  readonly date: DateLit;
  /** A signal the policy names (`on`, `without`, `after`, `within ... of`, `engagement`). */
  readonly signal: Ident;
}

export type NodeKind = keyof NodeKinds;

/** The variants a check may be limited to: a rule's kind, a transition's trigger, an operand's kind. */
export interface Variants {
  readonly rule: RuleKind;
  readonly transition: Trigger["kind"];
  readonly operand: Operand["kind"];
}

/** A finding: a code with its data and its place. The message is rendered from the data (`catalogue.ts`). */
export interface Finding<C extends CheckCode = CheckCode> {
  readonly code: C;
  readonly data: DataOf<C>;
  readonly span: Span | undefined;
}

/** What a check sees besides its node. */
export interface CheckContext {
  readonly policy: Policy;
  readonly form: PolicyForm;
  /** The declared channels, each once, in order. */
  readonly channels: readonly string[];
  /** The declared stages, each once, in order. */
  readonly stages: readonly string[];
  /** The same as sets (a policy may declare thousands). */
  readonly channelSet: ReadonlySet<string>;
  readonly stageSet: ReadonlySet<string>;
  /**
   * The nearest of `candidates` to a mistyped name, for a "did you mean"
   * (see `src/suggest.ts`); only the first `MAX_SUGGESTIONS` of a
   * walk look for one, so that thousands of unknown names cost little.
   */
  suggest(name: string, candidates: Iterable<string>): string | undefined;
  /** True while {@link suggest} still looks for suggestions in this walk. */
  suggesting(): boolean;
  /** The stage the node is written in, if any. */
  readonly stage: Stage | undefined;
  /** The signal whose `where` the node is in (the signal's props are in scope there), if any. */
  readonly where: Ident | undefined;
  /** The attributes and signals the policy declares (spec section 8.1). */
  readonly vocabulary: Vocabulary;
  /**
   * Reports a finding at the first of `at` that has a span, else at the
   * nearest enclosing node that has one.
   */
  report<C extends CheckCode>(code: C, data: DataOf<C>, ...at: (NodeBase | undefined)[]): void;
}

/** A check: one function for one kind of node (and variant). */
export interface Check<X extends CheckContext> {
  /** What messages about the check itself call it (the code it reports: `analysis-incomplete` says which check stopped). */
  readonly name?: string;
  readonly node: NodeKind;
  /** Only nodes of this variant (a rule kind, a trigger kind, an operand kind); all of the kind when absent. */
  readonly variant: string | undefined;
  readonly category: CheckCategory;
  readonly run: (node: never, ctx: X) => void;
}

/** A node of a kind, narrowed to a variant: a rule of one kind, a transition on one trigger, one kind of operand. */
export type NodeOf<K extends NodeKind, V> = K extends "rule"
  ? Extract<Rule, { kind: V }>
  : K extends "transition"
    ? Transition & { readonly trigger: Extract<Trigger, { kind: V }> }
    : K extends "operand"
      ? Extract<Operand, { kind: V }>
      : NodeKinds[K];

/** A check of every node of a kind. */
export function check<K extends NodeKind, X extends CheckContext = CheckContext>(
  node: K,
  category: CheckCategory,
  run: (node: NodeKinds[K], ctx: X) => void,
): Check<X> {
  return { node, variant: undefined, category, run };
}

/** A check of the nodes of one variant: a rule kind, a trigger kind, an operand kind. */
export function checkVariant<K extends keyof Variants, V extends Variants[K], X extends CheckContext = CheckContext>(
  node: K,
  variant: V,
  category: CheckCategory,
  run: (node: NodeOf<K, V>, ctx: X) => void,
): Check<X> {
  return { node, variant, category, run };
}

/** The check, named (see {@link Check.name}). */
export function named<X extends CheckContext>(name: string, c: Check<X>): Check<X> {
  return { ...c, name };
}

/** The checks of one kind of node: those of every node of the kind, and those of each variant. */
interface KindChecks<X extends CheckContext> {
  readonly all: Check<X>[];
  readonly byVariant: Map<string, Check<X>[]>;
}

/** The checks of some categories, by node kind and variant, in registration order. */
export class CheckRegistry<X extends CheckContext> {
  private readonly byNode = new Map<NodeKind, KindChecks<X>>();

  constructor(checks: readonly Check<X>[]) {
    for (const c of checks) {
      let kind = this.byNode.get(c.node);
      if (kind === undefined) this.byNode.set(c.node, (kind = { all: [], byVariant: new Map() }));
      if (c.variant === undefined) {
        kind.all.push(c);
      } else {
        const list = kind.byVariant.get(c.variant);
        if (list === undefined) kind.byVariant.set(c.variant, [c]);
        else list.push(c);
      }
    }
  }

  /** Runs the checks of `categories` registered for the node (all of its kind, then those of its variant). */
  run<K extends NodeKind>(kind: K, variant: string | undefined, node: NodeKinds[K], ctx: X, categories: ReadonlySet<CheckCategory>): void {
    const checks = this.byNode.get(kind);
    if (checks === undefined) return;
    this.runList(checks.all, node, ctx, categories);
    if (variant !== undefined) this.runList(checks.byVariant.get(variant), node, ctx, categories);
  }

  /** True when some check of `categories` is registered for the kind of node (so the walker need not visit it otherwise). */
  has(kind: NodeKind, categories: ReadonlySet<CheckCategory>): boolean {
    const checks = this.byNode.get(kind);
    if (checks === undefined) return false;
    const some = (list: readonly Check<X>[]): boolean => list.some((c) => categories.has(c.category));
    return some(checks.all) || [...checks.byVariant.values()].some(some);
  }

  private runList(list: readonly Check<X>[] | undefined, node: unknown, ctx: X, categories: ReadonlySet<CheckCategory>): void {
    if (list === undefined) return;
    // the registry files each check under its node kind and variant, so the node has the type its check expects
    for (const c of list) if (categories.has(c.category)) (c.run as (node: unknown, ctx: X) => void)(node, ctx);
  }
}
