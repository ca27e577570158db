/**
 * The rule kinds, one module each: the registry the compiler and the engine
 * look a rule's kind up in. A new rule form is a new module here plus its
 * line in {@link RULE_KINDS} (and its grammar, its YAML form and its line in
 * the printer): see `docs/contributing.md`.
 *
 * @module
 */

import type { Rule, RuleKind as RuleKindName } from "../../ast.js";
import { atLeast } from "./at-least.js";
import { atMost } from "./at-most.js";
import { atMostAccount } from "./at-most-account.js";
import type { AnyRuleKind, IrRuleBase } from "./kind.js";
import { neverAfter } from "./never-after.js";
import { neverWhen } from "./never-when.js";
import { neverWithin } from "./never-within.js";
import { neverWithout } from "./never-without.js";
import { onlyBusinessDays } from "./only-business-days.js";
import { quietHours } from "./quiet-hours.js";

/** Every rule kind, by the name the AST and the IR give it. */
export const RULE_KINDS = Object.freeze({
  "never-without": neverWithout,
  "never-after": neverAfter,
  "never-within": neverWithin,
  "never-when": neverWhen,
  "at-most": atMost,
  "at-most-account": atMostAccount,
  "at-least": atLeast,
  "quiet-hours": quietHours,
  "only-business-days": onlyBusinessDays,
} satisfies { readonly [K in RuleKindName]: AnyRuleKind });

type Kinds = typeof RULE_KINDS;

/** A compiled rule of any kind: the union of the kinds' IR forms. */
export type IrRule = { [K in keyof Kinds]: ReturnType<Kinds[K]["compile"]> }[keyof Kinds];

/** The kind of a rule (its AST or IR form). */
export function ruleKind(rule: { readonly kind: RuleKindName }): AnyRuleKind {
  return RULE_KINDS[rule.kind];
}

/** AST -> IR for one rule, by its kind. */
export function compileRule(rule: Rule, base: IrRuleBase): IrRule {
  return ruleKind(rule).compile(rule, base) as IrRule;
}

export type { IrAtLeast } from "./at-least.js";
export type { IrAtMost } from "./at-most.js";
export type { IrAtMostAccount } from "./at-most-account.js";
export type { IrNeverAfter } from "./never-after.js";
export type { IrNeverWhen } from "./never-when.js";
export type { IrNeverWithin } from "./never-within.js";
export type { IrNeverWithout } from "./never-without.js";
export type { IrOnlyBusinessDays } from "./only-business-days.js";
export type { IrQuietHours } from "./quiet-hours.js";
export type { AnyRuleKind, CompiledRule, IrRuleBase, RuleBehaviour, RuleEnv, RuleFacts, RuleKind, Unmet } from "./kind.js";
