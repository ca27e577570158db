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
import type { DurationUnit, Expr, RollingUnit } from "../ast.js";

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
export type IrChannels = string[] | null;

/** Fields shared by every compiled rule. */
interface IrRuleBase {
  /** The rule's name, or `<scope>.<kind>.<n>` from its position. */
  id: string;
  /** The stage the rule belongs to, or `null` for a policy-wide rule. */
  stage: string | null;
  channels: IrChannels;
  span?: Span;
}

export interface IrNeverWithout extends IrRuleBase {
  kind: "never-without";
  tagged: string | null;
  signal: string;
  where: Expr | null;
}

export interface IrNeverAfter extends IrRuleBase {
  kind: "never-after";
  tagged: string | null;
  signal: string;
  where: Expr | null;
}

export interface IrNeverWithin extends IrRuleBase {
  kind: "never-within";
  tagged: string | null;
  signal: string;
  where: Expr | null;
  duration: IrDuration;
}

export interface IrNeverWhen extends IrRuleBase {
  kind: "never-when";
  tagged: string | null;
  when: Expr;
}

export interface IrAtMost extends IrRuleBase {
  kind: "at-most";
  count: number;
  window: { kind: "rolling"; amount: number; unit: RollingUnit } | { kind: "calendar"; unit: "day" | "week" };
}

export interface IrAtLeast extends IrRuleBase {
  kind: "at-least";
  duration: IrDuration;
}

export interface IrQuietHours extends IrRuleBase {
  kind: "quiet-hours";
  start: IrTimeOfDay;
  end: IrTimeOfDay;
}

export interface IrOnlyBusinessDays extends IrRuleBase {
  kind: "only-business-days";
}

/** A compiled rule. */
export type IrRule =
  | IrNeverWithout
  | IrNeverAfter
  | IrNeverWithin
  | IrNeverWhen
  | IrAtMost
  | IrAtLeast
  | IrQuietHours
  | IrOnlyBusinessDays;

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
