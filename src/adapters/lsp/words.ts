/**
 * The engine's own words for rules and transitions, as the editor quotes
 * them: the one place the language server takes them from, so that hover,
 * the outline and related information say what reasons and `heed check`
 * say (all three print through the one printer, `src/print.ts`).
 *
 * @module
 */

import type { Transition } from "../../ast.js";
import { MESSAGE_STYLE, printRule, printTransition } from "../../print.js";
import type { RuleEntry } from "./document.js";

/** A rule as the engine's reasons begin (``at most 1 `call` per day``), or its kind when the policy does not compile. */
export function ruleWords(entry: Pick<RuleEntry, "rule" | "ir">): string {
  return entry.ir === undefined ? entry.rule.kind : printRule(entry.rule, MESSAGE_STYLE);
}

/** A transition as `heed check` quotes it (`after 2 ignored touches move to nurture`). */
export function transitionWords(transition: Transition): string {
  return printTransition(transition);
}
