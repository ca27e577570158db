/**
 * What the rules that count business days say about the holidays a wait
 * passed over (`explain` names them).
 *
 * @module
 */

import type { Context } from "../context.js";
import { weekdayHolidaysBetween } from "../time.js";

/** How many holidays a message names before it says how many more. */
const NAMED = 3;

/**
 * `, passing over Thanksgiving Day (US-NY) on 2026-11-26` for the holidays
 * on weekdays after the local date of `from` up to that of `to`, or the
 * empty string when there are none (or no calendar).
 */
export function passingOver(from: number, to: number, ctx: Context): string {
  if (ctx.calendar === undefined) return "";
  const found = weekdayHolidaysBetween(from, to, ctx.calendar);
  if (found.length === 0) return "";
  const named = found.slice(0, NAMED).map((h) => `${h.name ?? "a holiday"} on ${h.date}`);
  const more = found.length > NAMED ? ` and ${found.length - NAMED} more` : "";
  return `, passing over ${named.join(", ")}${more}`;
}
