/**
 * `never CHANNELS [tagged "t"] without SIGNAL [where COND]`: the touches are
 * denied until such a signal has been seen.
 *
 * @module
 */

import type { Expr, NeverWithoutRule } from "../../ast.js";
import { stripSpans } from "../../ast.js";
import { code } from "../../print.js";
import { deny, MET } from "../verdict.js";
import type { IrRuleOf } from "./kind.js";
import { defineRuleKind, untouched, NO_MINUTES } from "./kind.js";
import { FLAG } from "./memory.js";

export interface IrNeverWithout extends IrRuleOf<"never-without"> {
  readonly tagged: string | null;
  readonly signal: string;
  readonly where: Expr | null;
}

const DENIED = deny("never-without");

export const neverWithout = defineRuleKind<NeverWithoutRule, IrNeverWithout, boolean>({
  kind: "never-without",
  code: "never-without",
  memory: FLAG,
  compile: (rule, base) => ({
    ...base,
    kind: "never-without",
    tagged: rule.tagged?.value ?? null,
    signal: rule.signal.name,
    where: rule.where ? stripSpans(rule.where) : null,
  }),
  behaviour: (rule) => ({
    needsZone: false,
    timeless: true,
    readsChannel: false,
    tagged: rule.tagged,
    signal: { type: rule.signal, where: rule.where },
    countsTouches: false,
    readsStage: false,
    deferredMinutes: NO_MINUTES,
    onTouch: untouched,
    onSignal: () => true,
    check: (seen) => (seen ? MET : DENIED),
    detail: () => `no ${code(rule.signal)} seen yet`,
  }),
  facts: (rule) => ({ signals: [{ type: rule.signal, where: rule.where }], durations: [], conditions: [], tag: rule.tagged }),
});
