/**
 * Holiday regions: the public holidays of a country or one of its
 * subdivisions, as the `date-holidays` package publishes them (its type
 * `public` only). A region is written as an ISO 3166 code with an optional
 * subdivision: `US`, `US-NY`, `GB-ENG`, `DE-BY`.
 *
 * The package is data (rules per country, kept up to date by its
 * maintainers), read here and nowhere else: the checks ask which codes
 * exist, the engine asks for a region's holidays of one year and keeps the
 * answers in a table it owns (`src/engine/holidays.ts`). Nothing here
 * remembers anything between calls.
 *
 * @module
 */

import Holidays from "date-holidays";

import { parseDate } from "./calendar.js";

/**
 * The years whose public holidays are looked up: the package's rules are
 * written for the calendar in use since 1900, some of them (the Chinese
 * calendar) take long to compute far from it, and one asked about year 1
 * never ends. Outside these years a region has no holidays of its own.
 */
export const REGION_YEARS = Object.freeze({ first: 1900, last: 2199 });

/** One public holiday: its local day (days since 1970-01-01) and its name in English where the package has one. */
export interface RegionHoliday {
  readonly day: number;
  readonly name: string;
}

/** A region's public holidays, year by year: made by {@link openRegion}. */
export type RegionLookup = (year: number) => readonly RegionHoliday[];

/** A region code as written: `CC` or `CC-SUB` (letters and digits, case as written). */
const CODE = /^([A-Za-z]{2})(?:-([A-Za-z0-9]{1,3}))?$/;

/** The country and subdivision of a code (upper case), or undefined when it is not shaped as one. */
export function splitRegion(code: string): { country: string; state: string | undefined } | undefined {
  const match = CODE.exec(code);
  if (match === null) return undefined;
  return { country: match[1]!.toUpperCase(), state: match[2]?.toUpperCase() };
}

/**
 * The countries and subdivisions the package knows. Listing them costs
 * milliseconds: whoever asks often keeps one directory (it learns each
 * country's subdivisions as it is asked about them).
 */
export class RegionDirectory {
  private readonly holidays = new Holidays();
  private countries: Readonly<Record<string, string>> | undefined;
  private readonly states = new Map<string, Readonly<Record<string, string>>>();

  /** True for a code of a country, or of a subdivision, that the package knows (case does not matter: `us-ny` is `US-NY`). */
  has(code: unknown): boolean {
    if (typeof code !== "string") return false;
    const parts = splitRegion(code);
    if (parts === undefined) return false;
    this.countries ??= this.holidays.getCountries();
    if (!Object.hasOwn(this.countries, parts.country)) return false;
    if (parts.state === undefined) return true;
    let states = this.states.get(parts.country);
    if (states === undefined) {
      states = this.holidays.getStates(parts.country) ?? {};
      this.states.set(parts.country, states);
    }
    return Object.hasOwn(states, parts.state);
  }
}

/** True for a code of a country, or of a subdivision, that the package knows (see {@link RegionDirectory}). */
export function isKnownRegion(code: unknown): boolean {
  return new RegionDirectory().has(code);
}

/** Every code the package knows, countries first then their subdivisions (`US`, ..., `US-NY`, ...): for suggestions. */
export function knownRegions(): string[] {
  const holidays = new Holidays();
  const countries = Object.keys(holidays.getCountries()).sort();
  const states = countries.flatMap((country) => Object.keys(holidays.getStates(country) ?? {}).map((state) => `${country}-${state}`));
  return [...countries, ...states];
}

/** A suggestion for a code that is not one: ISO's `GB` for the common `UK`, else undefined (the caller suggests by spelling). */
export function regionAlias(code: string): string | undefined {
  const parts = splitRegion(code);
  if (parts?.country !== "UK") return undefined;
  return parts.state === undefined ? "GB" : `GB-${parts.state}`;
}

const DAY = 86_400_000;

/**
 * The public holidays of a known region (check with {@link isKnownRegion}),
 * year by year. Building the package's rules for a country takes
 * milliseconds and each year more: the caller keeps the lookup and its
 * answers. A holiday that lasts several days covers each of its dates; the
 * dates are the region's own, read as dates of the contact's calendar.
 */
export function openRegion(code: string): RegionLookup {
  const parts = splitRegion(code);
  if (parts === undefined) throw new Error(`not a region code: \`${code}\``);
  // only public holidays: the package then computes fewer days, and names fewer that are dropped
  const options = { types: ["public" as const] };
  const holidays = parts.state === undefined ? new Holidays(parts.country, options) : new Holidays(parts.country, parts.state, options);
  return (year: number): readonly RegionHoliday[] => {
    if (!Number.isInteger(year) || year < REGION_YEARS.first || year > REGION_YEARS.last) return [];
    const found: RegionHoliday[] = [];
    for (const holiday of holidays.getHolidays(year, "en")) {
      if (holiday.type !== "public") continue;
      // `2026-03-20 00:00:00 -0600`: the date comes first, whatever follows it
      const first = parseDate(holiday.date.slice(0, 10));
      if (first === undefined || holiday.date.slice(0, 4) !== String(year).padStart(4, "0")) continue;
      const days = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY));
      for (let k = 0; k < days; k++) found.push({ day: first + k, name: holiday.name });
    }
    return found;
  };
}
