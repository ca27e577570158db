/**
 * The checks stage of the pipeline (text -> tokens -> CST -> AST -> checks
 * -> IR -> decisions): the checks a policy must pass to compile, run over
 * its AST through the registry, their findings rendered into
 * {@link Diagnostic}s in the words of the policy's form.
 *
 * A policy that passes is branded {@link CheckedPolicy}: `compile` trusts
 * it and checks nothing again; handed any other policy, `compile` runs
 * these checks once itself.
 *
 * @module
 */

import type { Policy } from "../ast.js";
import { sortDiagnostics, type Diagnostic } from "../diagnostics.js";
import { CATALOGUE, type CatalogueEntry, type PolicyForm } from "./catalogue.js";
import { CheckRegistry, type CheckCategory, type CheckContext, type Finding } from "./registry.js";
import { VALIDATION_CHECKS } from "./validation.js";
import { VOCABULARY_CHECKS } from "./vocabulary.js";

export { LIMITS, maxAmount } from "./validation.js";
import { walkPolicy } from "./walk.js";

export type { CatalogueEntry, CheckCode, CodeGroup, CodeHelpText, DataOf, PolicyForm, PolicySize } from "./catalogue.js";
export { CATALOGUE } from "./catalogue.js";
export type { Check, CheckCategory, CheckContext, Finding, NodeKind, NodeKinds, NodeOf } from "./registry.js";
export { check, checkVariant, CheckRegistry, named } from "./registry.js";
export { walkPolicy } from "./walk.js";
export { attributeOf, attributesRead, undeclaredVocabulary, vocabularyOf, type Vocabulary } from "./vocabulary.js";

/** The checks a policy must pass to compile. */
export const VALIDATION = new CheckRegistry<CheckContext>([...VALIDATION_CHECKS, ...VOCABULARY_CHECKS]);

const VALIDATION_ONLY: ReadonlySet<CheckCategory> = new Set(["validation"]);

/** Marks a policy that passed the validation checks (a type-only brand; see {@link isChecked}). */
declare const checkedBrand: unique symbol;

/** A policy that passed the validation checks: `compile` trusts it. */
export type CheckedPolicy = Policy & {
  /** The brand (a type only: no such field exists at run time). */
  readonly [checkedBrand]: true;
};

/** The property that marks a checked policy at run time: a symbol, not enumerable, so that copies and JSON leave it behind. */
const CHECKED = Symbol("heed.checked");

/** True when the policy passed the validation checks (and is the object that did: a copy is checked again). */
export function isChecked(policy: Policy): policy is CheckedPolicy {
  return Object.prototype.hasOwnProperty.call(policy, CHECKED);
}

function markChecked(policy: Policy): CheckedPolicy {
  if (Object.isExtensible(policy)) Object.defineProperty(policy, CHECKED, { value: true, enumerable: false });
  return policy as CheckedPolicy;
}

/** A finding as users read it: its message and hint rendered for the policy's form. */
export function render(finding: Finding, form: PolicyForm): Diagnostic {
  const entry = CATALOGUE[finding.code] as CatalogueEntry<typeof finding.data>;
  const severity = entry.severityOf?.(finding.data) ?? entry.severity;
  const diagnostic: Diagnostic = { severity, code: finding.code, message: entry.message(finding.data, form) };
  if (finding.span !== undefined) diagnostic.span = finding.span;
  const hint = entry.hint?.(finding.data, form);
  if (hint !== undefined) diagnostic.hint = hint;
  return diagnostic;
}

/** Options of {@link checkPolicy} and {@link validatePolicy}. */
export interface CheckOptions {
  /** The form the policy is written in, for the words of hints. Default `dsl`. */
  form?: PolicyForm;
}

/** What {@link checkPolicy} returns. */
export interface CheckResult {
  /** The policy, branded, when no check found an error. */
  policy: CheckedPolicy | undefined;
  /** Every finding, sorted by position. */
  diagnostics: Diagnostic[];
}

/** Runs the validation checks: the policy branded when it has no error, and every diagnostic, sorted. */
export function checkPolicy(policy: Policy, options: CheckOptions = {}): CheckResult {
  const form = options.form ?? "dsl";
  const findings = walkPolicy(policy, VALIDATION, { form, categories: VALIDATION_ONLY, extra: {} });
  const diagnostics = sortDiagnostics(findings.map((f) => render(f, form)));
  return { policy: diagnostics.some((d) => d.severity === "error") ? undefined : markChecked(policy), diagnostics };
}

/** Semantic errors (and a few warnings) of a parsed policy, sorted. A policy with no error diagnostic here compiles. */
export function validatePolicy(policy: Policy, options: CheckOptions = {}): Diagnostic[] {
  return checkPolicy(policy, options).diagnostics;
}
