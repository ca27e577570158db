/**
 * `never CHANNELS [tagged "t"] within DURATION of SIGNAL [where COND]`: the
 * touches wait `[s, s + D)` after each such signal at `s`.
 *
 * @module
 */

import type { Expr, NeverWithinRule } from "../../ast.js";
import { stripSpans } from "../../ast.js";
import { addIn } from "../context.js";
import type { IrDuration } from "../ir.js";
import { formatInstant } from "../time.js";
import { passingOver } from "./business.js";
import { defer, MET, type DeferVerdict } from "../verdict.js";
import type { IrRuleOf } from "./kind.js";
import { defineRuleKind, untouched, NO_MINUTES } from "./kind.js";
import { INSTANT } from "./memory.js";

export interface IrNeverWithin extends IrRuleOf<"never-within"> {
  readonly tagged: string | null;
  readonly signal: string;
  readonly where: Expr | null;
  readonly duration: IrDuration;
}

/** Remembers the latest end of its waits. */
export const neverWithin = defineRuleKind<NeverWithinRule, IrNeverWithin, number | null, DeferVerdict>({
  kind: "never-within",
  code: "never-within",
  memory: INSTANT,
  compile: (rule, base) => ({
    ...base,
    kind: "never-within",
    tagged: rule.tagged?.value ?? null,
    signal: rule.signal.name,
    where: rule.where ? stripSpans(rule.where) : null,
    duration: { amount: rule.duration.amount, unit: rule.duration.unit },
  }),
  behaviour: (rule) => ({
    needsZone: rule.duration.unit === "business-days",
    needsCalendar: rule.duration.unit === "business-days",
    timeless: false,
    readsChannel: false,
    tagged: rule.tagged,
    signal: { type: rule.signal, where: rule.where },
    countsTouches: false,
    readsStage: false,
    deferredMinutes: NO_MINUTES,
    onTouch: untouched,
    onSignal: (until, at, ctx) => {
      const end = addIn(ctx, at, rule.duration) ?? at;
      return until === null || end > until ? end : until;
    },
    check: (until, _ctx, _st, _touch, t) => (until !== null && t < until ? defer(until) : MET),
    detail: (_until, ctx, t, verdict) => `not before ${formatInstant(verdict.until)}${rule.duration.unit === "business-days" ? passingOver(t, verdict.until, ctx) : ""}`,
  }),
  facts: (rule) => ({ signals: [{ type: rule.signal, where: rule.where }], durations: [rule.duration], conditions: [], tag: rule.tagged }),
});
