/**
 * `quiet hours HH:MM to HH:MM [for CHANNELS]`: no touch in `[start, end)`
 * of the contact's local time (wrapping midnight when start > end); a touch
 * then waits for the end.
 *
 * @module
 */

import type { QuietHoursRule } from "../../ast.js";
import { code } from "../../print.js";
import type { IrTimeOfDay } from "../ir.js";
import { inQuietHours, quietHoursEnd } from "../time.js";
import { defer, MET, type DeferVerdict } from "../verdict.js";
import type { IrRuleOf } from "./kind.js";
import { defineRuleKind, unsignalled, untouched } from "./kind.js";
import { NOTHING } from "./memory.js";

export interface IrQuietHours extends IrRuleOf<"quiet-hours"> {
  readonly start: IrTimeOfDay;
  readonly end: IrTimeOfDay;
}

/** The quiet minutes of the day as `[from, to)` spans: one, or two when they wrap midnight; none when empty. */
function minutesOf(start: IrTimeOfDay, end: IrTimeOfDay): readonly (readonly [number, number])[] {
  const from = start.hour * 60 + start.minute;
  const to = end.hour * 60 + end.minute;
  if (from < to) return [[from, to]];
  if (from > to) return [[from, 1440], [0, to]];
  return [];
}

export const quietHours = defineRuleKind<QuietHoursRule, IrQuietHours, null, DeferVerdict>({
  kind: "quiet-hours",
  code: "quiet-hours",
  memory: NOTHING,
  compile: (rule, base) => ({
    ...base,
    kind: "quiet-hours",
    start: { hour: rule.start.hour, minute: rule.start.minute },
    end: { hour: rule.end.hour, minute: rule.end.minute },
  }),
  behaviour: (rule) => {
    const { start, end } = rule;
    return {
      needsZone: true,
      timeless: false,
      readsChannel: false,
      tagged: null,
      signal: null,
      countsTouches: false,
      readsStage: false,
      deferredMinutes: minutesOf(start, end),
      onTouch: untouched,
      onSignal: unsignalled,
      check: (_memory, ctx, _st, _touch, t) => (inQuietHours(t, start, end, ctx.zone!) ? defer(quietHoursEnd(t, start, end, ctx.zone!)) : MET),
      detail: (_memory, ctx) => `it is quiet hours in ${code(ctx.zone!.name)}`,
    };
  },
  facts: () => ({ signals: [], durations: [], conditions: [], tag: null }),
});
