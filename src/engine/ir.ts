/**
 * The compiled form of a policy (step three of the pipeline: AST -> IR).
 *
 * The IR is plain JSON: no functions, no maps, no spans inside conditions,
 * and the same policy always compiles to the same IR byte for byte. Tools
 * other than the engine (static analysis, graphs, diffs) read it, so it keeps
 * the words of the language: stage names, rule ids, channel lists.
 *
 * @module
 */

import type { Span } from "../diagnostics.js";
import type { DurationUnit, Expr } from "../ast.js";

/** The format tag of a compiled policy. */
export const IR_FORMAT = "heed-ir/1";

/** A duration as written: `amount unit`. */
export interface IrDuration {
  readonly amount: number;
  readonly unit: DurationUnit;
}

/** A local time of day. */
export interface IrTimeOfDay {
  readonly hour: number;
  readonly minute: number;
}

/** The touches a rule speaks of: `null` is every channel, else the listed ones. */
export type IrChannels = readonly string[] | null;

/** The compiled rules: one form per rule kind, each defined in its module under `rules/`. */
export type {
  IrAtLeast,
  IrAtMost,
  IrNeverAfter,
  IrNeverWhen,
  IrNeverWithin,
  IrNeverWithout,
  IrOnlyBusinessDays,
  IrQuietHours,
  IrRule,
  IrRuleBase,
} from "./rules/index.js";
import type { IrRule } from "./rules/index.js";

/** What makes a transition fire. */
export type IrTrigger =
  | { readonly kind: "ignored"; readonly count: number }
  | { readonly kind: "touches"; readonly count: number }
  | { readonly kind: "elapsed"; readonly duration: IrDuration }
  | { readonly kind: "signal"; readonly signal: string; readonly where: Expr | null }
  | { readonly kind: "when"; readonly condition: Expr };

/** A compiled transition. */
export interface IrTransition {
  readonly trigger: IrTrigger;
  readonly target: string;
  /** How the trigger reads in the language (`after 2 ignored touches`), for explanations. */
  readonly cause: string;
  readonly span?: Span;
}

/** A compiled stage. */
export interface IrStage {
  readonly name: string;
  readonly final: boolean;
  /** The stage's allow list; `null` allows every declared channel. */
  readonly allow: readonly string[] | null;
  /** The ids of the stage's own rules, in source order. */
  readonly rules: readonly string[];
  readonly transitions: readonly IrTransition[];
  readonly span?: Span;
}

/**
 * A fact about the history that the policy's conditions read (spec section
 * 8.2), one entry per distinct fact: a count of signals (`seen` and `count`
 * of one signal and `where` share it), the latest prop of a signal, or a
 * count of touches on some channels (in the stage, or over the history).
 */
export type IrFact =
  | { readonly kind: "count"; readonly signal: string; readonly where: Expr | null }
  | { readonly kind: "last"; readonly signal: string; readonly where: Expr | null; readonly prop: readonly string[] }
  | { readonly kind: "touches"; readonly channels: IrChannels; readonly stage: boolean };

/**
 * A declared type of a contact attribute or a signal's prop (spec section
 * 8.1): `string`, `number`, `boolean`, `list` (of strings), or a choice of
 * strings (listed as written, each once: an input error lists them so).
 */
export type IrValueType =
  | { readonly kind: "string" | "number" | "boolean" | "list" }
  | { readonly kind: "choice"; readonly values: readonly string[] };

/** One declared attribute or prop and its type. */
export interface IrDeclaration {
  readonly name: string;
  readonly type: IrValueType;
}

/**
 * The input types a policy declares, which the engine checks a contact's
 * attributes and each event's props against (`invalid-attribute`,
 * `invalid-event`): the attributes by name, and each signal declared with
 * props, its props by name. Every list is sorted by name, so that the order
 * declarations are written in changes neither the compiled form nor the
 * version. A signal declared without props checks nothing and is left out.
 */
export interface IrInputs {
  /** The declared attributes, sorted by name; absent when none is declared. */
  readonly attributes?: readonly IrDeclaration[];
  /** The signals declared with props, sorted by name, each with its props sorted by name; absent when there are none. */
  readonly signals?: readonly { readonly name: string; readonly props: readonly IrDeclaration[] }[];
}

/** A compiled policy. */
export interface IrPolicy {
  readonly format: typeof IR_FORMAT;
  readonly name: string;
  readonly appliesWhen: Expr | null;
  /** Where the zone comes from (a path such as `contact.timezone`) and the fallback zone. */
  readonly timezone: { readonly from: readonly string[]; readonly fallback: string | null };
  readonly channels: readonly string[];
  readonly engagement: readonly string[];
  readonly ignoreWindow: IrDuration;
  readonly holidays: readonly string[];
  /**
   * `holidays from PATH else "CODE"`: where a contact's holiday region is
   * read from, and the policy's fallback region. Absent without such a line
   * (so that the compiled form, and the version, of other policies is unchanged).
   */
  readonly holidaysFrom?: { readonly from: readonly string[]; readonly fallback: string | null };
  readonly start: string;
  readonly stages: readonly IrStage[];
  /** Every rule of the policy, stage rules first (stage by stage), then policy-wide ones. */
  readonly rules: readonly IrRule[];
  /** The ids of the policy-wide rules, in source order. */
  readonly policyRules: readonly string[];
  /** Policy-wide transitions, tried after the stage's own (never out of a final stage). */
  readonly transitions: readonly IrTransition[];
  /** The facts its conditions read, in the order a state keeps their values; absent when there are none. */
  readonly facts?: readonly IrFact[];
  /**
   * The input types its `attributes` and `signals` blocks declare: part of
   * the compiled form, so that the version and `heed diff` see a change to
   * them. Absent when the policy declares no attribute and no signal's prop
   * (so that the compiled form, and the version, of other policies is unchanged).
   */
  readonly inputs?: IrInputs;
  readonly span?: Span;
}
