/**
 * `at least DURATION between CHANNELS`: a touch at `t` is allowed when
 * `t >= last + D` for the last touch on the channels.
 *
 * @module
 */

import type { AtLeastRule } from "../../ast.js";
import { addIn } from "../context.js";
import type { IrDuration } from "../ir.js";
import { businessDaysBound, durationMs, formatInstant } from "../time.js";
import { defer, MET, type DeferVerdict } from "../verdict.js";
import type { IrRuleOf } from "./kind.js";
import { defineRuleKind, unsignalled, NO_MINUTES } from "./kind.js";
import { INSTANT } from "./memory.js";
import { passingOver } from "./business.js";

export interface IrAtLeast extends IrRuleOf<"at-least"> {
  readonly duration: IrDuration;
}

/** Remembers the instant of the last touch on its channels. */
export const atLeast = defineRuleKind<AtLeastRule, IrAtLeast, number | null, DeferVerdict>({
  kind: "at-least",
  code: "at-least",
  memory: INSTANT,
  compile: (rule, base) => ({ ...base, kind: "at-least", duration: { amount: rule.duration.amount, unit: rule.duration.unit } }),
  behaviour: (rule) => {
    const d = rule.duration;
    const business = d.unit === "business-days";
    // Beyond this time after the last touch the rule is surely met: the calendar need not be walked
    // (in business days, on a calendar whose runs of days off are known for every date).
    const bound = business ? 0 : durationMs(d.amount, d.unit);
    return {
      needsZone: business,
      needsCalendar: business,
      timeless: false,
      readsChannel: false,
      tagged: null,
      signal: null,
      countsTouches: true,
      readsStage: false,
      deferredMinutes: NO_MINUTES,
      onTouch: (_last, at) => at,
      onSignal: unsignalled,
      check: (last, ctx, _st, _touch, t) => {
        if (last === null) return MET;
        if (!business) {
          if (t - last >= bound) return MET;
        } else {
          const run = ctx.calendar!.holidays.longestRun;
          if (run !== undefined && t - last >= businessDaysBound(d.amount, run)) return MET;
        }
        const until = addIn(ctx, last, d)!;
        return t < until ? defer(until) : MET;
      },
      detail: (last, ctx, _t, verdict) =>
        `last sent at ${formatInstant(last!)}, next not before ${formatInstant(verdict.until)}${business ? passingOver(last!, verdict.until, ctx) : ""}`,
    };
  },
  facts: (rule) => ({ signals: [], durations: [rule.duration], conditions: [], tag: null }),
});
