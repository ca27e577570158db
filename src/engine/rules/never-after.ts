/**
 * `never CHANNELS [tagged "t"] after SIGNAL [where COND]`: once such a
 * signal has been seen, the touches are denied for good.
 *
 * @module
 */

import type { Expr, NeverAfterRule } from "../../ast.js";
import { stripSpans } from "../../ast.js";
import { code } from "../../print.js";
import { deny, MET } from "../verdict.js";
import type { IrRuleOf } from "./kind.js";
import { defineRuleKind, untouched, NO_MINUTES } from "./kind.js";
import { FLAG } from "./memory.js";

export interface IrNeverAfter extends IrRuleOf<"never-after"> {
  readonly tagged: string | null;
  readonly signal: string;
  readonly where: Expr | null;
}

const DENIED = deny("never-after");

export const neverAfter = defineRuleKind<NeverAfterRule, IrNeverAfter, boolean>({
  kind: "never-after",
  code: "never-after",
  memory: FLAG,
  compile: (rule, base) => ({
    ...base,
    kind: "never-after",
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
    check: (seen) => (seen ? DENIED : MET),
    detail: () => `${code(rule.signal)} was seen`,
  }),
  facts: (rule) => ({ signals: [{ type: rule.signal, where: rule.where }], durations: [], conditions: [], tag: rule.tagged }),
});
