/**
 * `at most N CHANNELS per WINDOW across account` (spec section 8.4): a
 * touch at `t` is allowed when fewer than N earlier touches on the
 * channels, sent to any contact of the contact's account (this one
 * included), lie in the window: `(t - D, t]` for a rolling window, the
 * contact's local calendar day or ISO week for `per day` and `per week`.
 *
 * The contact's own touches come from its history (the rule remembers the
 * last N, as `at most` does); the touches to the account's other contacts
 * come with the decision (`Context.account`), so a snapshot holds nothing
 * of them. A contact without an account is an account of its own: it
 * counts what it is given, and a gate gives it nothing.
 *
 * @module
 */

import type { AtMostAccountRule } from "../../ast.js";
import { printDuration } from "../../print.js";
import type { Context } from "../context.js";
import type { IrDuration } from "../ir.js";
import { calendarWindowStart, localDate, nextCalendarWindowStart, rollingMs } from "../time.js";
import { defer, deny, MET } from "../verdict.js";
import type { IrRuleOf } from "./kind.js";
import { defineRuleKind, NO_MINUTES, unsignalled } from "./kind.js";
import { INSTANTS } from "./memory.js";
import { irWindow, type IrWindow } from "./at-most.js";

export interface IrAtMostAccount extends IrRuleOf<"at-most-account"> {
  readonly count: number;
  readonly window: IrWindow;
}

const DENIED = deny("at-most-account");
const HOUR = 3_600_000;
/**
 * How far back a calendar window can reach from an instant inside it: a
 * local day lasts at most 25 hours and a week 7 days and an hour where the
 * clocks change; the reach is rounded up generously (48 hours, 8 days), so
 * that a caller reading the account's touches that far back never misses one.
 */
const CALENDAR_REACH = { day: 48 * HOUR, week: 8 * 24 * HOUR } as const;

/**
 * The instants of the touches counted at `t` in `[from, t]` (or `(from, t]`
 * when not `inclusive`): the contact's own (`own`, ascending) and the
 * account's other contacts' on the rule's channels, ascending.
 */
function inWindow(own: readonly number[], ctx: Context, channels: ReadonlySet<string> | null, from: number, t: number, inclusive: boolean): number[] {
  const out: number[] = [];
  const inside = (x: number): boolean => (inclusive ? x >= from : x > from) && x <= t;
  for (const x of own) if (inside(x)) out.push(x);
  const account = ctx.account;
  // the account's touches are sorted: walk back from the latest while they are in the window
  for (let i = account.length - 1; i >= 0; i--) {
    const touch = account[i]!;
    if (touch.at > t) continue;
    if (!(inclusive ? touch.at >= from : touch.at > from)) break;
    if (channels === null || channels.has(touch.channel)) out.push(touch.at);
  }
  return out.sort((a, b) => a - b);
}

/** Remembers the instants of the contact's last N touches on its channels; reads the account's from the context. */
export const atMostAccount = defineRuleKind<AtMostAccountRule, IrAtMostAccount, number[]>({
  kind: "at-most-account",
  code: "at-most-account",
  memory: INSTANTS,
  compile: (rule, base) => ({
    ...base,
    kind: "at-most-account",
    count: rule.count,
    window: irWindow(rule.window),
  }),
  behaviour: (rule) => {
    const { count, window } = rule;
    const channels = rule.channels === null ? null : new Set(rule.channels);
    const onTouch = (times: number[], at: number): number[] => {
      times.push(at);
      if (times.length > count) times.splice(0, times.length - count);
      return times;
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
    };
    if (window.kind === "rolling") {
      const length = rollingMs(window.amount, window.unit);
      return {
        ...common,
        needsZone: false,
        accountReach: length,
        check: (times, ctx, _st, _touch, t) => {
          if (count <= 0) return DENIED;
          const sent = inWindow(times, ctx, channels, t - length, t, false);
          if (sent.length < count) return MET;
          // allowed once all but count - 1 of them have left the window
          return defer(sent[sent.length - count]! + length);
        },
        detail: (times, ctx, t, verdict) =>
          verdict.kind === "deny"
            ? "no touch is ever allowed"
            : `${inWindow(times, ctx, channels, t - length, t, false).length} or more already sent to the account in the last ${printDuration(window)}`,
      };
    }
    const unit = window.unit;
    return {
      ...common,
      needsZone: true,
      accountReach: CALENDAR_REACH[unit],
      check: (times, ctx, _st, _touch, t) => {
        if (count <= 0) return DENIED;
        if (inWindow(times, ctx, channels, calendarWindowStart(t, unit, ctx.zone!), t, true).length < count) return MET;
        return defer(nextCalendarWindowStart(t, unit, ctx.zone!));
      },
      detail: (times, ctx, t, verdict) => {
        if (verdict.kind === "deny") return "no touch is ever allowed";
        const zone = ctx.zone!;
        const start = calendarWindowStart(t, unit, zone);
        const sent = inWindow(times, ctx, channels, start, t, true).length;
        return `${sent} or more already sent to the account ${unit === "day" ? `on ${localDate(t, zone)}` : `in the week of ${localDate(start, zone)}`} (local)`;
      },
    };
  },
  facts: (rule) => {
    const w = rule.window;
    const duration: IrDuration = w.kind === "rolling" ? { amount: w.amount, unit: w.unit } : { amount: w.unit === "day" ? 1 : 7, unit: "days" };
    return { signals: [], durations: [duration], conditions: [], tag: null };
  },
});
