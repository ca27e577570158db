/**
 * Holiday calendars chosen per contact (`holidays from contact.country else
 * "US"`): the public holidays of a region (`src/regions.ts`), year by year,
 * together with the dates the policy lists.
 *
 * A region's holidays are a function of its code and the year; computing
 * them costs milliseconds a year (far more than a decision), so the
 * compiled engine keeps them in a {@link HolidayTable} it owns, as it keeps
 * its zones in a `ZoneTable`. Nothing here is module-level state.
 *
 * @module
 */

import { civilFromDays, daysFromCivil, isoWeekday } from "../calendar.js";
import { openRegion, RegionDirectory, type RegionHoliday, type RegionLookup } from "../regions.js";
import { countIn, type DateHolidays, type HolidaySet } from "./time.js";

/** How many region codes a table remembers the validity of before it starts afresh (codes come from input). */
const MAX_CODE_ANSWERS = 2_000;
/** How many years of one region a table keeps before it starts afresh for that region. */
const MAX_YEARS = 400;
/** How many regions a table keeps open. */
const MAX_REGIONS = 500;

/** One region's holidays of one year (with the policy's dates of that year), as a calendar reads them. */
interface YearHolidays {
  /** The first day of the year and the first of the next (local day numbers). */
  readonly from: number;
  readonly to: number;
  readonly days: ReadonlySet<number>;
  /** The days of {@link days} that fall on weekdays, sorted. */
  readonly weekdays: readonly number[];
  readonly names: ReadonlyMap<number, string>;
}

/** The public holidays of the regions one compiled engine has met, year by year (see the module's comment). */
export class HolidayTable {
  private readonly validity = new Map<string, boolean>();
  private readonly directory = new RegionDirectory();
  private readonly regions = new Map<string, { lookup: RegionLookup; years: Map<number, readonly RegionHoliday[]> }>();

  /** True for a region code the holiday data knows (`US`, `US-NY`, `GB-ENG`). */
  isValid(code: unknown): boolean {
    if (typeof code !== "string" || code === "") return false;
    let valid = this.validity.get(code);
    if (valid === undefined) {
      valid = this.directory.has(code);
      if (this.validity.size >= MAX_CODE_ANSWERS) this.validity.clear();
      this.validity.set(code, valid);
    }
    return valid;
  }

  /** The public holidays a known region lists for a year (some may spill into the next). */
  listed(code: string, year: number): readonly RegionHoliday[] {
    const key = code.toUpperCase();
    let region = this.regions.get(key);
    if (region === undefined) {
      if (this.regions.size >= MAX_REGIONS) this.regions.clear();
      region = { lookup: openRegion(key), years: new Map() };
      this.regions.set(key, region);
    }
    let list = region.years.get(year);
    if (list === undefined) {
      list = region.lookup(year);
      if (region.years.size >= MAX_YEARS) region.years.clear();
      region.years.set(year, list);
    }
    return list;
  }
}

/**
 * The holidays of one region together with the dates a policy lists: what
 * one contact's calendar reads. Years are looked up as they are asked
 * about; the year asked last is kept at hand (a decision asks about the
 * same days over and over).
 */
export class RegionHolidays implements HolidaySet {
  /** Unknown for every date: each year has its own runs (see {@link HolidaySet.longestRun}). */
  readonly longestRun = undefined;
  readonly named = true;
  private readonly years = new Map<number, YearHolidays>();
  private current: YearHolidays | undefined;

  constructor(
    private readonly table: HolidayTable,
    /** The region's code, upper case. */
    readonly code: string,
    private readonly dates: DateHolidays,
  ) {}

  has(day: number): boolean {
    const year = this.current !== undefined && day >= this.current.from && day < this.current.to ? this.current : this.yearOf(day);
    return year.days.has(day);
  }

  weekdaysIn(from: number, to: number): number {
    if (to <= from) return 0;
    let count = 0;
    for (let year = civilFromDays(from + 1).year, last = civilFromDays(to).year; year <= last; year++) {
      count += countIn(this.year(year).weekdays, from, to);
    }
    return count;
  }

  nameOf(day: number): string | undefined {
    const name = this.yearOf(day).names.get(day);
    if (name !== undefined) return `${name} (${this.code})`;
    return this.dates.has(day) ? "a holiday the policy lists" : undefined;
  }

  private yearOf(day: number): YearHolidays {
    const found = this.year(civilFromDays(day).year);
    this.current = found;
    return found;
  }

  private year(year: number): YearHolidays {
    let found = this.years.get(year);
    if (found !== undefined) return found;
    const from = daysFromCivil(year, 1, 1);
    const to = daysFromCivil(year + 1, 1, 1);
    const days = new Set<number>();
    const names = new Map<number, string>();
    // a holiday of several days listed late in the year before may spill into this one
    for (const listed of [this.table.listed(this.code, year - 1), this.table.listed(this.code, year)]) {
      for (const h of listed) {
        if (h.day < from || h.day >= to) continue;
        days.add(h.day);
        // two holidays on one date: both names
        const before = names.get(h.day);
        names.set(h.day, before === undefined || before === h.name ? h.name : `${before}, ${h.name}`);
      }
    }
    for (const day of this.dates.days) if (day >= from && day < to) days.add(day);
    const weekdays = [...days].filter((day) => isoWeekday(day) <= 5).sort((a, b) => a - b);
    found = { from, to, days, weekdays, names };
    if (this.years.size >= MAX_YEARS) this.years.clear();
    this.years.set(year, found);
    return found;
  }
}
