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
  amount: number;
  unit: DurationUnit;
}

/** A local time of day. */
export interface IrTimeOfDay {
  hour: number;
  minute: number;
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
  | { kind: "ignored"; count: number }
  | { kind: "touches"; count: number }
  | { kind: "elapsed"; duration: IrDuration }
  | { kind: "signal"; signal: string; where: Expr | null }
  | { kind: "when"; condition: Expr };

/** A compiled transition. */
export interface IrTransition {
  trigger: IrTrigger;
  target: string;
  /** How the trigger reads in the language (`after 2 ignored touches`), for explanations. */
  cause: string;
  span?: Span;
}

/** A compiled stage. */
export interface IrStage {
  name: string;
  final: boolean;
  /** The stage's allow list; `null` allows every declared channel. */
  allow: string[] | null;
  /** The ids of the stage's own rules, in source order. */
  rules: string[];
  transitions: IrTransition[];
  span?: Span;
}

/** A compiled policy. */
export interface IrPolicy {
  format: typeof IR_FORMAT;
  name: string;
  appliesWhen: Expr | null;
  /** Where the zone comes from (a path such as `contact.timezone`) and the fallback zone. */
  timezone: { from: string[]; fallback: string | null };
  channels: string[];
  engagement: string[];
  ignoreWindow: IrDuration;
  holidays: string[];
  start: string;
  stages: IrStage[];
  /** Every rule of the policy, stage rules first (stage by stage), then policy-wide ones. */
  rules: IrRule[];
  /** The ids of the policy-wide rules, in source order. */
  policyRules: string[];
  /** Policy-wide transitions, tried after the stage's own (never out of a final stage). */
  transitions: IrTransition[];
  span?: Span;
}
