/**
 * `only business days [for CHANNELS]`: touches from local midnight of a
 * business day to the next midnight (weekends, the policy's holidays and
 * dates the zone skips are not business days); on another day a touch
 * waits for the next business day.
 *
 * @module
 */

import type { OnlyBusinessDaysRule } from "../../ast.js";
import { code } from "../../print.js";
import { businessDayStart, isBusinessDay, localDate, localDay } from "../time.js";
import { defer, MET, type DeferVerdict } from "../verdict.js";
import type { IrRuleOf } from "./kind.js";
import { defineRuleKind, unsignalled, untouched, NO_MINUTES } from "./kind.js";
import { NOTHING } from "./memory.js";

export type IrOnlyBusinessDays = IrRuleOf<"only-business-days">;

export const onlyBusinessDays = defineRuleKind<OnlyBusinessDaysRule, IrOnlyBusinessDays, null, DeferVerdict>({
  kind: "only-business-days",
  // spec section 2 names the reason `business-days`
  code: "business-days",
  memory: NOTHING,
  compile: (_rule, base) => ({ ...base, kind: "only-business-days" }),
  behaviour: () => ({
    needsZone: true,
    needsCalendar: true,
    timeless: false,
    readsChannel: false,
    tagged: null,
    signal: null,
    countsTouches: false,
    readsStage: false,
    deferredMinutes: NO_MINUTES,
    onTouch: untouched,
    onSignal: unsignalled,
    check: (_memory, ctx, _st, _touch, t) => (isBusinessDay(t, ctx.calendar!) ? MET : defer(businessDayStart(t, ctx.calendar!))),
    detail: (_memory, ctx, t) => {
      const holiday = ctx.calendar!.holidays.nameOf(localDay(t, ctx.zone!));
      return `${localDate(t, ctx.zone!)} is not a business day in ${code(ctx.zone!.name)}${holiday === undefined ? "" : `: ${holiday}`}`;
    },
  }),
  facts: () => ({ signals: [], durations: [], conditions: [], tag: null }),
});
