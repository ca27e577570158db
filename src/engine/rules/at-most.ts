/**
 * `at most N CHANNELS per WINDOW`: a touch at `t` is allowed when fewer
 * than N earlier touches on the channels lie in the window: `(t - D, t]`
 * for a rolling window, the local calendar day or ISO week for `per day`
 * and `per week`. Every touch of the contact counts, whichever stage it
 * was sent in.
 *
 * @module
 */

import type { AtMostRule, RollingUnit } from "../../ast.js";
import { printDuration } from "../../print.js";
import type { IrDuration } from "../ir.js";
import { calendarWindowStart, localDate, nextCalendarWindowStart, rollingMs } from "../time.js";
import { defer, deny, MET } from "../verdict.js";
import type { IrRuleOf } from "./kind.js";
import { defineRuleKind, unsignalled, NO_MINUTES } from "./kind.js";
import { INSTANTS } from "./memory.js";

export interface IrAtMost extends IrRuleOf<"at-most"> {
  readonly count: number;
  readonly window: { readonly kind: "rolling"; readonly amount: number; readonly unit: RollingUnit } | { readonly kind: "calendar"; readonly unit: "day" | "week" };
}

const DENIED = deny("at-most");

/** Touches of `times` in `(from, t]`, or in `[from, t]` when `inclusive`. */
function countWithin(times: readonly number[], from: number, t: number, inclusive: boolean): number {
  let count = 0;
  for (const x of times) if ((inclusive ? x >= from : x > from) && x <= t) count++;
  return count;
}

/** Remembers the instants of the last N touches on its channels, ascending: all a limit of N needs. */
export const atMost = defineRuleKind<AtMostRule, IrAtMost, number[]>({
  kind: "at-most",
  code: "at-most",
  memory: INSTANTS,
  compile: (rule, base) => ({
    ...base,
    kind: "at-most",
    count: rule.count,
    window:
      rule.window.kind === "rolling"
        ? { kind: "rolling", amount: rule.window.amount, unit: rule.window.unit }
        : { kind: "calendar", unit: rule.window.unit },
  }),
  behaviour: (rule) => {
    const { count, window } = rule;
    const onTouch = (times: number[], at: number): number[] => {
      times.push(at);
      if (times.length === count + 1) times.shift();
      else if (times.length > count) times.splice(0, times.length - count);
      return times;
    };
    const common = { timeless: false, readsChannel: false, tagged: null, signal: null, countsTouches: true, readsStage: false, deferredMinutes: NO_MINUTES, onTouch, onSignal: unsignalled };
    if (window.kind === "rolling") {
      const length = rollingMs(window.amount, window.unit);
      return {
        needsZone: false,
        ...common,
        check: (times, _ctx, _st, _touch, t) => {
          if (count <= 0) return DENIED;
          if (countWithin(times, t - length, t, false) < count) return MET;
          return defer(times[times.length - count]! + length);
        },
        // Only the last `count` touches are remembered, so more may have been sent: the message says so.
        detail: (times, _ctx, t, verdict) =>
          verdict.kind === "deny"
            ? "no touch is ever allowed"
            : `${countWithin(times, t - length, t, false)} or more already sent in the last ${printDuration(window)}`,
      };
    }
    const unit = window.unit;
    return {
      needsZone: true,
      ...common,
      check: (times, ctx, _st, _touch, t) => {
        if (count <= 0) return DENIED;
        if (countWithin(times, calendarWindowStart(t, unit, ctx.zone!), t, true) < count) return MET;
        return defer(nextCalendarWindowStart(t, unit, ctx.zone!));
      },
      detail: (times, ctx, t, verdict) => {
        if (verdict.kind === "deny") return "no touch is ever allowed";
        const zone = ctx.zone!;
        const start = calendarWindowStart(t, unit, zone);
        const sent = countWithin(times, start, t, true);
        return `${sent} or more already sent ${unit === "day" ? `on ${localDate(t, zone)}` : `in the week of ${localDate(start, zone)}`} (local)`;
      },
    };
  },
  facts: (rule) => {
    const w = rule.window;
    const duration: IrDuration = w.kind === "rolling" ? { amount: w.amount, unit: w.unit } : { amount: w.unit === "day" ? 1 : 7, unit: "days" };
    return { signals: [], durations: [duration], conditions: [], tag: null };
  },
});
