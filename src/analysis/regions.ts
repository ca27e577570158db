/**
 * Holiday calendars in the analyses (`holidays from contact.country else
 * "US"`, spec section 8): which regions a contact can have under two
 * policies, the calendar each policy gives a contact, and the days on which
 * the two calendars part (where business days, and so decisions, can differ).
 *
 * @module
 */

import { isoWeekday } from "../calendar.js";
import type { Contact } from "../model.js";
import { HolidayTable, RegionHolidays } from "../engine/holidays.js";
import type { IrPolicy } from "../engine/ir.js";
import { holidayDays, makeCalendar, type Calendar, type Zone } from "../engine/time.js";

const DAY = 86_400_000;

/** Regions tried beside the policies' fallbacks, the first not among them (one region the policies do not name). */
const OTHER_REGIONS = ["GB", "DE", "JP"] as const;

/** The contact attribute a `holidays from` path reads (`contact.country`, `contact.attributes.country`: `country`). */
export function regionAttribute(from: readonly string[]): string {
  return from[from.length === 3 && from[1] === "attributes" ? 2 : 1]!;
}

/**
 * The holiday regions to try for a contact, as attributes: for each
 * attribute either policy reads the region from, each policy's fallback
 * and one region neither names. None when the two policies choose regions
 * alike (same path, same fallback): a contact's calendar is then the same
 * under both, up to the dates each lists, which every contact meets.
 */
export function regionAssignments(a: IrPolicy, b: IrPolicy): Record<string, string>[] {
  const specs = [a.holidaysFrom, b.holidaysFrom];
  if (JSON.stringify(specs[0] ?? null) === JSON.stringify(specs[1] ?? null)) return [];
  const names = [...new Set(specs.flatMap((s) => (s === undefined ? [] : [regionAttribute(s.from)])))];
  const values = [...new Set(specs.flatMap((s) => (s?.fallback == null ? [] : [s.fallback])))];
  const other = OTHER_REGIONS.find((r) => !values.includes(r));
  if (other !== undefined) values.push(other);
  return names.flatMap((name) => values.map((value) => ({ [name]: value })));
}

/** The calendars of contacts under policies, made once per policy and region. */
export class CalendarBook {
  private readonly table = new HolidayTable();
  private readonly made = new Map<string, Calendar | undefined>();

  constructor(private readonly zone: Zone) {}

  /**
   * The calendar `policy` gives `contact` (its region's holidays and the
   * dates the policy lists); undefined where it has none (`unknown-calendar`:
   * business days fail closed), or the region is no region (the engine
   * refuses the contact).
   */
  of(policy: IrPolicy, contact: Contact): Calendar | undefined {
    const region = regionOf(policy, contact, this.table);
    const key = `${policy.holidays.join(",")}|${region === null ? "" : (region ?? "?")}`;
    if (this.made.has(key)) return this.made.get(key);
    const dates = holidayDays(policy.holidays);
    const cal = region === undefined ? undefined : makeCalendar(this.zone, region === null ? dates : new RegionHolidays(this.table, region, dates));
    this.made.set(key, cal);
    return cal;
  }

  /**
   * The local days (day numbers) from the one of `from` for `days` days on
   * which one calendar has a business day and the other not: weekdays
   * that are a holiday in one only, or every weekday when one calendar is
   * missing and the other is not.
   */
  differences(a: Calendar | undefined, b: Calendar | undefined, from: number, days: number): number[] {
    if (a === undefined && b === undefined) return [];
    const first = Math.floor((from + this.zone.offsetAt(from)) / DAY);
    const out: number[] = [];
    for (let day = first; day < first + days; day++) {
      if (isoWeekday(day) > 5) continue;
      const offA = a === undefined || a.holidays.has(day);
      const offB = b === undefined || b.holidays.has(day);
      if (offA !== offB) out.push(day);
    }
    return out;
  }
}

/** As the engine reads it: the attribute's region, else the fallback; null without `holidays from`; undefined for none, or for a value that is no region. */
function regionOf(policy: IrPolicy, contact: Contact, table: HolidayTable): string | null | undefined {
  const spec = policy.holidaysFrom;
  if (spec === undefined) return null;
  const attributes = contact.attributes;
  const name = regionAttribute(spec.from);
  const value = attributes !== undefined && Object.hasOwn(attributes, name) ? attributes[name] : undefined;
  if (value === undefined || value === null) return spec.fallback ?? undefined;
  return typeof value === "string" && table.isValid(value) ? value.toUpperCase() : undefined;
}
