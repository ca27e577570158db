/**
 * Instants as the workbench shows and takes them: in the contact's zone
 * (else the policy's fallback, else UTC), with the offset written out.
 *
 * @module
 */

import { DateTime, IANAZone } from "luxon";
import type { Policy } from "../../src/index.js";
import { DEFAULT_ZONE, type PlaygroundState } from "./state.js";

/** The zone times are shown in: the contact's when valid, else the policy's fallback, else UTC. */
export function displayZone(state: PlaygroundState, policy: Policy | undefined): string {
  const own = state.contact.timezone.trim();
  if (own !== "" && IANAZone.isValidZone(own)) return own;
  const fallback = policy?.timezone?.fallback?.value;
  if (fallback !== undefined && IANAZone.isValidZone(fallback)) return fallback;
  return DEFAULT_ZONE;
}

/** True for a zone name luxon (and so the engine) knows. */
export function isZone(name: string): boolean {
  return IANAZone.isValidZone(name);
}

/** The time axis: local midnight of `from` to `days` local days later. */
export function axisWindow(from: string, days: number, zone: string): { from: number; to: number; days: number[] } {
  const start = DateTime.fromISO(from, { zone }).startOf("day");
  const first = start.isValid ? start : DateTime.fromISO("2026-03-02", { zone }).startOf("day");
  const dayStarts: number[] = [];
  for (let i = 0; i <= days; i++) dayStarts.push(first.plus({ days: i }).toMillis());
  return { from: dayStarts[0] as number, to: dayStarts[days] as number, days: dayStarts };
}

/** `Tue 3 Mar 10:30`, in the zone. */
export function showTime(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat("ccc d LLL HH:mm");
}

/** `Tue 3 Mar`, in the zone. */
export function showDay(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat("ccc d LLL");
}

/** True when the local day of `ms` is a Saturday or a Sunday. */
export function isWeekend(ms: number, zone: string): boolean {
  return DateTime.fromMillis(ms, { zone }).weekday >= 6;
}

/** ISO-8601 with the zone's offset (`2026-03-03T10:30:00-05:00`). */
export function isoIn(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? new Date(ms).toISOString();
}

/** Rounds to the nearest `minutes` of local time. */
export function snap(ms: number, minutes: number): number {
  const step = minutes * 60_000;
  return Math.round(ms / step) * step;
}

/** The value of an `<input type="datetime-local">` for an instant, in the zone. */
export function toLocalInput(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat("yyyy-LL-dd'T'HH:mm");
}

/** An `<input type="datetime-local">` value read in the zone; `undefined` when empty or invalid. */
export function fromLocalInput(value: string, zone: string): number | undefined {
  const t = DateTime.fromISO(value, { zone });
  return t.isValid ? t.toMillis() : undefined;
}

/** The local day (`YYYY-MM-DD`) of an instant in the zone. */
export function localDay(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat("yyyy-LL-dd");
}
