/**
 * `at most N CHANNELS per WINDOW [by PROP]`: a touch at `t` is allowed when
 * fewer than N earlier touches on the channels lie in the window: `(t - D,
 * t]` for a rolling window, the local calendar day or ISO week for `per
 * day` and `per week`. Every touch of the contact counts, whichever stage
 * it was sent in. With `by PROP` (spec section 8.4), only the earlier
 * touches whose prop equals the proposed touch's count; touches lacking it
 * form one group.
 *
 * @module
 */

import type { AtMostRule, RollingUnit, Window } from "../../ast.js";
import { canonicalJson } from "../../canonical.js";
import { printDuration } from "../../print.js";
import type { IrDuration } from "../ir.js";
import type { GroupedInstants, RuleMemory } from "../state.js";
import { calendarWindowStart, localDate, nextCalendarWindowStart, rollingMs } from "../time.js";
import { defer, deny, MET } from "../verdict.js";
import type { IrRuleOf } from "./kind.js";
import { defineRuleKind, unsignalled, NO_MINUTES } from "./kind.js";
import { GROUPS, INSTANTS, type MemoryShape } from "./memory.js";

/** The window of a limit as the IR keeps it (the AST's without spans). */
export type IrWindow = { readonly kind: "rolling"; readonly amount: number; readonly unit: RollingUnit } | { readonly kind: "calendar"; readonly unit: "day" | "week" };

/** A limit's window in the IR: what the AST says, without its spans. */
export function irWindow(window: Window): IrWindow {
  return window.kind === "rolling" ? { kind: "rolling", amount: window.amount, unit: window.unit } : { kind: "calendar", unit: window.unit };
}

export interface IrAtMost extends IrRuleOf<"at-most"> {
  readonly count: number;
  readonly window: IrWindow;
  /** `by PROP`: the touch prop that splits the touches into groups; absent when every touch counts. */
  readonly by?: string;
}

const DENIED = deny("at-most");

/** Touches of `times` in `(from, t]`, or in `[from, t]` when `inclusive`. */
function countWithin(times: readonly number[], from: number, t: number, inclusive: boolean): number {
  let count = 0;
  for (const x of times) if ((inclusive ? x >= from : x > from) && x <= t) count++;
  return count;
}

/** The group of a touch under `by PROP`: its prop's value as canonical JSON, `null` when it lacks the prop. */
export function groupKey(touch: Readonly<Record<string, unknown>>, prop: string): string | null {
  const value = Object.hasOwn(touch, prop) ? touch[prop] : undefined;
  return value === undefined || value === null ? null : canonicalJson(value);
}

const NO_TIMES: readonly number[] = Object.freeze([]);

/** The instants remembered for the touch's group. */
function groupTimes(groups: GroupedInstants, key: string | null): readonly number[] {
  for (const [k, times] of groups) if (k === key) return times;
  return NO_TIMES;
}

/** Keeps the last `count` instants, ascending. */
function keepLast(times: number[], at: number, count: number): number[] {
  times.push(at);
  if (times.length > count) times.splice(0, times.length - count);
  return times;
}

/**
 * Remembers the instants of the last N touches on its channels, ascending:
 * all a limit of N needs. With `by PROP`, the last N per group, and only of
 * groups with a touch recent enough to matter at or after the last touch
 * (a window back, two days for `per day`, eight for `per week`): a group
 * older than that can no longer limit anything, and is forgotten.
 */
export const atMost = defineRuleKind<AtMostRule, IrAtMost, number[]>({
  kind: "at-most",
  code: "at-most",
  memory: INSTANTS,
  compile: (rule, base) => ({
    ...base,
    kind: "at-most",
    count: rule.count,
    window: irWindow(rule.window),
    ...(rule.by === undefined ? {} : { by: rule.by.name }),
  }),
  behaviour: (rule) => {
    const { count, window } = rule;
    const by = rule.by;
    const DAY = 24 * 60 * 60 * 1000;
    const reach = window.kind === "rolling" ? rollingMs(window.amount, window.unit) : window.unit === "day" ? 2 * DAY : 8 * DAY;
    // The memory is a list of instants, or with `by` a list of groups; the rule's functions take the one it keeps.
    const timesOf =
      by === undefined
        ? (memory: RuleMemory): readonly number[] => memory as number[]
        : (memory: RuleMemory, touch: Readonly<Record<string, unknown>>): readonly number[] => groupTimes(memory as GroupedInstants, groupKey(touch, by));
    const onTouch =
      by === undefined
        ? (times: number[], at: number): number[] => keepLast(times, at, count)
        : (memory: number[], at: number, touch: Readonly<Record<string, unknown>>): number[] => {
            const key = groupKey(touch, by);
            const next: GroupedInstants = [];
            let found = false;
            for (const [k, times] of memory as unknown as GroupedInstants) {
              const kept = times.filter((x) => x > at - reach);
              if (k === key) {
                next.push([k, keepLast(kept, at, count)]);
                found = true;
              } else if (kept.length > 0) {
                next.push([k, kept]);
              }
            }
            if (!found) next.push([key, [at]]);
            return next as unknown as number[];
          };
    const common = {
      timeless: false,
      readsChannel: false,
      tagged: null,
      signal: null,
      countsTouches: true,
      readsStage: false,
      deferredMinutes: NO_MINUTES,
      onTouch,
      onSignal: unsignalled,
      ...(by === undefined ? {} : { memory: GROUPS as unknown as MemoryShape<RuleMemory> }),
    };
    const group = by === undefined ? "" : ` with the same \`${by}\``;
    if (window.kind === "rolling") {
      const length = rollingMs(window.amount, window.unit);
      return {
        needsZone: false,
        ...common,
        // without `by`, the memory is the instants themselves: no look-up on the hot path
        check:
          by === undefined
            ? (times, _ctx, _st, _touch, t) => {
                if (count <= 0) return DENIED;
                if (countWithin(times, t - length, t, false) < count) return MET;
                return defer(times[times.length - count]! + length);
              }
            : (memory, _ctx, _st, touch, t) => {
                if (count <= 0) return DENIED;
                const times = timesOf(memory, touch);
                if (countWithin(times, t - length, t, false) < count) return MET;
                return defer(times[times.length - count]! + length);
              },
        // Only the last `count` touches are remembered, so more may have been sent: the message says so.
        detail: (memory, _ctx, t, verdict) =>
          verdict.kind === "deny"
            ? "no touch is ever allowed"
            : `${countWithin(by === undefined ? (memory as number[]) : latestGroup(memory as unknown as GroupedInstants, t, length), t - length, t, false)} or more already sent${group} in the last ${printDuration(window)}`,
      };
    }
    const unit = window.unit;
    return {
      needsZone: true,
      ...common,
      check: (memory, ctx, _st, touch, t) => {
        if (count <= 0) return DENIED;
        if (countWithin(timesOf(memory, touch), calendarWindowStart(t, unit, ctx.zone!), t, true) < count) return MET;
        return defer(nextCalendarWindowStart(t, unit, ctx.zone!));
      },
      detail: (memory, ctx, t, verdict) => {
        if (verdict.kind === "deny") return "no touch is ever allowed";
        const zone = ctx.zone!;
        const start = calendarWindowStart(t, unit, zone);
        const times = by === undefined ? (memory as number[]) : latestGroup(memory as unknown as GroupedInstants, t, t - start);
        const sent = countWithin(times, start, t, true);
        return `${sent} or more already sent${group} ${unit === "day" ? `on ${localDate(t, zone)}` : `in the week of ${localDate(start, zone)}`} (local)`;
      },
    };
  },
  facts: (rule) => {
    const w = rule.window;
    const duration: IrDuration = w.kind === "rolling" ? { amount: w.amount, unit: w.unit } : { amount: w.unit === "day" ? 1 : 7, unit: "days" };
    return { signals: [], durations: [duration], conditions: [], tag: null };
  },
});

/**
 * For a message, the instants of the fullest group in the window ending
 * at `t` (`detail` is not handed the touch; the group that defers it is
 * full, and no group holds more than the limit).
 */
function latestGroup(groups: GroupedInstants, t: number, length: number): readonly number[] {
  let best: readonly number[] = NO_TIMES;
  let most = -1;
  for (const [, times] of groups) {
    const n = countWithin(times, t - length, t, false);
    if (n > most) {
      most = n;
      best = times;
    }
  }
  return best;
}
