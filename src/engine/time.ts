/**
 * Time arithmetic for the engine: instants, durations, business days, quiet
 * hours and calendar windows, all in a contact's IANA time zone.
 *
 * Every instant is a number of epoch milliseconds. Nothing here reads the
 * clock. Daylight-saving changes come from the zone rules (via luxon), never
 * from fixed offsets: local wall times are mapped to instants by asking the
 * zone for its offset around them.
 *
 * Local times are handled as "local milliseconds": the wall-clock reading of
 * an instant written as if it were UTC (`instant + offset`). Calendar
 * arithmetic (dates, weekdays, times of day) is done on those with plain UTC
 * arithmetic, then mapped back to an instant with the zone's rules.
 *
 * @module
 */

import { IANAZone } from "luxon";

import type { DurationUnit, RollingUnit, TimeOfDay } from "../ast.js";
import { daysInMonth, formatDate, isoWeekday, parseDate } from "../calendar.js";

/**
 * The days off of a calendar besides weekends: a policy's dates, a
 * region's public holidays, or both. Answers about local day numbers (days
 * since 1970-01-01). Implementations may learn as they are asked (a
 * region's holidays are looked up year by year), but answer every question
 * the same way each time.
 */
export interface HolidaySet {
  /** True when the day is a holiday. */
  has(day: number): boolean;
  /** How many holidays fall on weekdays (Monday to Friday) in `(from, to]`. */
  weekdaysIn(from: number, to: number): number;
  /**
   * The holiday's name (`Thanksgiving Day (US-NY)`; under a region, a date
   * the policy lists is `a holiday the policy lists`), or undefined for a
   * day that is not one, or where the holidays have no names (the dates of
   * a policy without `holidays from`, whose messages stay as they were).
   */
  nameOf(day: number): string | undefined;
  /** Its holidays have names ({@link nameOf}): messages name them. */
  readonly named: boolean;
  /**
   * The longest run of days off (weekend days and holidays together) there
   * can be, on any date; undefined when it is not known for every date (a
   * region's holidays are known year by year).
   */
  readonly longestRun: number | undefined;
}

/**
 * The local calendar of a contact under a policy: its zone and its
 * holidays, with the business-day sums already computed there (walking the
 * calendar is the costly part of deciding; a sum is a pure function of the
 * zone, the holidays and its operands). Made by {@link makeCalendar},
 * owned by the compiled engine.
 */
export interface Calendar {
  readonly zone: Zone;
  /** The days off besides weekends. */
  readonly holidays: HolidaySet;
  /** Business-day sums by amount, then by starting instant (bounded). */
  readonly sums: Map<number, Map<number, number>>;
}

/** A calendar of a zone with these holidays (see {@link holidayDays}). */
export function makeCalendar(zone: Zone, holidays: HolidaySet): Calendar {
  return { zone, holidays, sums: new Map() };
}

/** A fixed set of holidays: the dates a policy lists. */
export class DateHolidays implements HolidaySet {
  /** Those that fall on weekdays, sorted (adding many business days counts them by binary search). */
  private readonly weekdays: readonly number[];
  readonly longestRun: number;
  readonly named = false;

  constructor(readonly days: ReadonlySet<number>) {
    this.weekdays = [...days].filter((day) => isoWeekday(day) <= 5).sort((a, b) => a - b);
    this.longestRun = longestRunOff(days);
  }

  has(day: number): boolean {
    return this.days.has(day);
  }

  weekdaysIn(from: number, to: number): number {
    return countIn(this.weekdays, from, to);
  }

  nameOf(): string | undefined {
    return undefined;
  }
}

/** Holidays written `YYYY-MM-DD` as local day numbers (days since 1970-01-01); dates that are not real are left out. */
export function holidayDays(dates: Iterable<string>): DateHolidays {
  const days = new Set<number>();
  for (const text of dates) {
    const day = parseDate(text);
    if (day !== undefined) days.add(day);
  }
  return new DateHolidays(days);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

// ---------------------------------------------------------------- instants

/**
 * Date, time, optional seconds and fraction, then `Z` or a numeric offset
 * (`+05:30`, `+0530`, `+05`). The separator may be `T` or `t` (RFC 3339).
 */
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:[Zz]|([+-])(\d{2})(?::?(\d{2}))?)$/;

/** 400 Gregorian years, in milliseconds: the calendar repeats after them. */
const FOUR_CENTURIES = 146_097 * DAY;

/**
 * ISO-8601 with a date, a time and an offset or Z; undefined when invalid or
 * when the offset is missing. Ranges are checked (no month 13, no February
 * 30, no minute 60); fractions beyond milliseconds are cut off; `24:00`
 * (with nothing after it) is the midnight ending that day, as ISO-8601 has it.
 * Read by hand rather than by a date library: this runs for every event.
 */
export function parseInstant(text: string): number | undefined {
  return readInstant(text, true);
}

/** 0001-01-01T00:00:00Z: PostgreSQL has no year 0000. */
export const YEAR_1 = -62_135_596_800_000;

/** Offsets go up to ±15:59, as in PostgreSQL (real zones stay within -12:00 and +14:00). */
const MAX_OFFSET_HOURS = 15;

/**
 * True when the text is an instant {@link parseInstant} refuses only for its
 * range: a year 0000, an offset beyond ±15:59, or an instant before
 * 0001-01-01 or after 9999-12-31 in UTC (what PostgreSQL's `timestamptz`
 * and ISO-8601's four-digit years allow together).
 */
export function isInstantOutOfRange(text: string): boolean {
  return readInstant(text, false) !== undefined && readInstant(text, true) === undefined;
}

/** {@link parseInstant}, or without its range (`inRange` false): any four-digit year, offsets up to ±23:59. */
function readInstant(text: string, inRange: boolean): number | undefined {
  if (typeof text !== "string") return undefined;
  const match = INSTANT.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, sign, oh, om] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, "0"));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  const endOfDay = hour === 24 && minute === 0 && second === 0 && millis === 0;
  if ((hour > 23 && !endOfDay) || minute > 59 || second > 59) return undefined;
  let offset = 0;
  if (sign !== undefined) {
    const offsetHours = Number(oh);
    const offsetMinutes = om === undefined ? 0 : Number(om);
    if (offsetHours > (inRange ? MAX_OFFSET_HOURS : 23) || offsetMinutes > 59) return undefined;
    offset = (sign === "-" ? -1 : 1) * (offsetHours * HOUR + offsetMinutes * MINUTE);
  }
  if (inRange && year === 0) return undefined;
  // Date.UTC reads years 0-99 as 1900-1999; shift such years by 400 and back.
  const shift = year < 100 ? 400 : 0;
  const utc = Date.UTC(year + shift, month - 1, day, hour, minute, second, millis) - (shift === 0 ? 0 : FOUR_CENTURIES) - offset;
  return inRange && (utc < YEAR_1 || utc >= YEAR_10000) ? undefined : utc;
}

/** Canonical output form: ISO-8601 UTC, e.g. 2026-03-02T15:00:00Z (no millis when they are 0; with .SSS otherwise). */
export function formatInstant(ms: number): string {
  // Years 1970-9999 by integer arithmetic (every reason and notBefore goes
  // through here); anything else through Date, which also handles the rest.
  if (!Number.isInteger(ms) || ms < 0 || ms >= YEAR_10000) {
    const iso = new Date(ms).toISOString();
    return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso;
  }
  const days = Math.floor(ms / DAY);
  let rest = ms - days * DAY;
  const hour = Math.floor(rest / HOUR);
  rest -= hour * HOUR;
  const minute = Math.floor(rest / MINUTE);
  rest -= minute * MINUTE;
  const second = Math.floor(rest / 1000);
  const millis = rest - second * 1000;
  const time = `${formatDate(days)}T${two(hour)}:${two(minute)}:${two(second)}`;
  return millis === 0 ? `${time}Z` : `${time}.${millis < 10 ? "00" : millis < 100 ? "0" : ""}${millis}Z`;
}

/** 10000-01-01T00:00:00Z: from here on ISO-8601 needs a sign and six digits. */
export const YEAR_10000 = 253_402_300_800_000;

function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

// ---------------------------------------------------------------- zones

/** True for a zone name the IANA database knows (`UTC` included); false for `""` or `Mars/Base`. */
export function isValidZone(zone: unknown): boolean {
  return typeof zone === "string" && zone !== "" && IANAZone.isValidZone(zone);
}

/** How many answers a memo of a zone keeps before it starts afresh (zone names and instants come from input). */
const MAX_MEMO_HOURS = 50_000;
const MAX_MEMO_DAYS = 20_000;
const MAX_SAMPLES = 20_000;
/** Stretches of 364 days from year -10000 to 10000: the years 0001 to 9999 and the hundred years a sum reaches beyond never fill it. */
const MAX_STRETCHES = 20_000;

/** A zone's offset is sampled every this many days to find where it jumps by about a day. */
const SAMPLE_DAYS = 28;

/**
 * ... and first every this many samples (364 days, a "stretch"): the
 * samples of a stretch are read only when the offsets at its two ends
 * differ by half a day or more (see {@link Zone.stretchMoves}).
 */
const STRETCH_SAMPLES = 13;

/** Two offsets this far apart or more bracket a move across the date line. */
const HALF_DAY = 12 * HOUR;

/**
 * One IANA time zone, with what has been learnt of its offsets. Asking
 * luxon for an offset costs microseconds and decisions ask often: a zone
 * remembers, per UTC day and per UTC hour, whether its offset holds
 * throughout (zones change offset at most once in any 48 hours, so the
 * same offset at the start of a day and at the start of the next holds
 * through it; the offsets at those starts are remembered too, each read
 * once for the two days it ends and begins), and the last steady span it
 * was asked about. The answers are the zone's own, only faster.
 * Zones are made by a {@link ZoneTable}, which the compiled engine owns.
 */
export class Zone {
  private readonly iana: IANAZone;
  /** Offsets by UTC day (null: the offset changes that day). */
  private readonly days = new Map<number, number | null>();
  /** Offsets by UTC hour (null: the offset changes within the hour). */
  private readonly hours = new Map<number, number | null>();
  /** Offsets at the starts of UTC hours (and so of days), by instant: what {@link days} and {@link hours} are made of. */
  private readonly starts = new Map<number, number>();
  /** The last steady span looked up: `[from, to)` with its offset (a decision asks about one day many times in a row). */
  private spanFrom = 0;
  private spanTo = 0;
  private spanOffset = 0;
  /** Offsets at the start of every {@link SAMPLE_DAYS}-th UTC day, by sample number (see {@link sampleOffset}). */
  private readonly samples = new Map<number, number>();
  /** Offsets at the start of every stretch of {@link STRETCH_SAMPLES} samples, by stretch number (see {@link stretchMoves}). */
  private readonly stretches = new Map<number, number>();

  constructor(readonly name: string) {
    this.iana = IANAZone.create(name);
  }

  /** The zone's offset from UTC at an instant, in milliseconds. */
  offsetAt(ms: number): number {
    if (ms >= this.spanFrom && ms < this.spanTo) return this.spanOffset;
    const day = Math.floor(ms / DAY);
    const steadyDay = this.steady(this.days, MAX_MEMO_DAYS, day, DAY);
    if (steadyDay !== null) {
      const from = day * DAY;
      const to = from + DAY;
      // a walk from day to day (following a deferral) extends the span it is in
      if (steadyDay === this.spanOffset && from === this.spanTo) this.spanTo = to;
      else if (steadyDay === this.spanOffset && to === this.spanFrom) this.spanFrom = from;
      else this.setSpan(from, to, steadyDay);
      return steadyDay;
    }
    const hour = Math.floor(ms / HOUR);
    const steadyHour = this.steady(this.hours, MAX_MEMO_HOURS, hour, HOUR);
    if (steadyHour === null) return this.iana.offset(ms) * MINUTE;
    this.setSpan(hour * HOUR, (hour + 1) * HOUR, steadyHour);
    return steadyHour;
  }

  /**
   * The offset at the start of UTC day `index * SAMPLE_DAYS`, remembered
   * (bounded): two samples that differ by half a day or more bracket a jump
   * across the date line, the only way a zone skips a date.
   */
  sampleOffset(index: number): number {
    let offset = this.samples.get(index);
    if (offset === undefined) {
      offset = this.iana.offset(index * SAMPLE_DAYS * DAY) * MINUTE;
      if (this.samples.size >= MAX_SAMPLES) this.samples.clear();
      this.samples.set(index, offset);
    }
    return offset;
  }

  /**
   * True when the offsets at samples `index` and `index + 1` differ by half
   * a day or more: the zone moves across the date line between them. Reads
   * the two samples only in a stretch that {@link stretchMoves}.
   */
  sampleMoves(index: number): boolean {
    if (!this.stretchMoves(Math.floor(index / STRETCH_SAMPLES))) return false;
    return Math.abs(this.sampleOffset(index + 1) - this.sampleOffset(index)) >= HALF_DAY;
  }

  /**
   * False when the zone's offset cannot move across the date line within
   * stretch `stretch` (samples `stretch * 13` to `stretch * 13 + 13`, 364
   * days): the offsets at its two ends differ by less than half a day.
   * This rests on one property of the tz database: no zone crosses the
   * date line and back within a stretch, so that a move of half a day or
   * more between two of its samples shows between its ends as well.
   * `scripts/date-line-jumps.ts` checks it for every zone and every
   * stretch of the years -100 to 10100: on Node 20's ICU (tz 2025c), 23
   * moves of half a day or more in 418 zones, each between the ends of its
   * stretch (a zone that crossed the date line has never crossed back
   * within decades).
   */
  stretchMoves(stretch: number): boolean {
    return Math.abs(this.stretchOffset(stretch + 1) - this.stretchOffset(stretch)) >= HALF_DAY;
  }

  /** The offset at the start of stretch `stretch` (sample `stretch * 13`), remembered (bounded). */
  private stretchOffset(stretch: number): number {
    let offset = this.stretches.get(stretch);
    if (offset === undefined) {
      offset = this.iana.offset(stretch * STRETCH_SAMPLES * SAMPLE_DAYS * DAY) * MINUTE;
      if (this.stretches.size >= MAX_STRETCHES) this.stretches.clear();
      this.stretches.set(stretch, offset);
    }
    return offset;
  }

  private setSpan(from: number, to: number, offset: number): void {
    this.spanFrom = from;
    this.spanTo = to;
    this.spanOffset = offset;
  }

  /**
   * The offset throughout span number `index` of `length` ms (from the
   * epoch), or null when the offsets at its start and at the next one's
   * differ (also when it changes at that very instant); remembered in
   * `memo` (at most `max` entries).
   */
  private steady(memo: Map<number, number | null>, max: number, index: number, length: number): number | null {
    let steady = memo.get(index);
    if (steady === undefined) {
      const atStart = this.startOffset(index * length);
      steady = atStart === this.startOffset((index + 1) * length) ? atStart : null;
      if (memo.size >= max) memo.clear();
      memo.set(index, steady);
    }
    return steady;
  }

  /** The offset at the start of a UTC hour or day, remembered (bounded). */
  private startOffset(ms: number): number {
    let offset = this.starts.get(ms);
    if (offset === undefined) {
      offset = this.iana.offset(ms) * MINUTE;
      if (this.starts.size >= MAX_MEMO_HOURS + MAX_MEMO_DAYS) this.starts.clear();
      this.starts.set(ms, offset);
    }
    return offset;
  }
}

/** How many zone names a table remembers the validity of before it starts afresh (names come from input). */
const MAX_ZONE_ANSWERS = 2_000;

/**
 * The zones one compiled engine has met, each made once, and the answers
 * to "is this a zone?" (asking the runtime builds a formatter, which costs
 * far more than a decision, and every evaluation asks about its contact).
 */
export class ZoneTable {
  private readonly zones = new Map<string, Zone>();
  private readonly validity = new Map<string, boolean>();

  /** True for a zone name the IANA database knows. */
  isValid(name: unknown): boolean {
    if (typeof name !== "string" || name === "") return false;
    let valid = this.validity.get(name);
    if (valid === undefined) {
      valid = isValidZone(name);
      if (this.validity.size >= MAX_ZONE_ANSWERS) this.validity.clear();
      this.validity.set(name, valid);
    }
    return valid;
  }

  /** The zone of that name; throws on a name that is not one (check with {@link isValid} first). */
  zone(name: string): Zone {
    let zone = this.zones.get(name);
    if (zone === undefined) {
      if (!this.isValid(name)) throw new Error(`invalid time zone \`${name}\``);
      zone = new Zone(name);
      this.zones.set(name, zone);
    }
    return zone;
  }
}

/** The local wall-clock reading of an instant, as local milliseconds. */
function toLocal(ms: number, zone: Zone): number {
  return ms + zone.offsetAt(ms);
}

/**
 * The instants whose local reading is `local`: two in a daylight-saving
 * overlap, one normally, none in a gap. Zones change offset at most once in
 * any 48 hours, so the offsets a day before and a day after are the only
 * candidates.
 */
function candidates(local: number, zone: Zone): { before: number; after: number; found: number[] } {
  const before = zone.offsetAt(local - DAY);
  const after = zone.offsetAt(local + DAY);
  const found: number[] = [];
  for (const offset of before === after ? [before] : [before, after]) {
    const instant = local - offset;
    if (zone.offsetAt(instant) === offset && !found.includes(instant)) found.push(instant);
  }
  found.sort((a, b) => a - b);
  return { before, after, found };
}

/**
 * The one instant of a local reading when the zone keeps one offset from a
 * day before it to a day after (nearly always), without building the list
 * {@link candidates} builds; undefined otherwise.
 */
function steadyInstant(local: number, zone: Zone): number | undefined {
  const before = zone.offsetAt(local - DAY);
  if (before !== zone.offsetAt(local + DAY) || zone.offsetAt(local - before) !== before) return undefined;
  return local - before;
}

/**
 * The instant of a local wall time as the spec has it for added durations:
 * an ambiguous time (overlap) takes the earlier instant; a time that does not
 * exist (gap) moves forward by the gap.
 */
function fromLocalCompatible(local: number, zone: Zone): number {
  const steady = steadyInstant(local, zone);
  if (steady !== undefined) return steady;
  const { before, found } = candidates(local, zone);
  const first = found[0];
  if (first !== undefined) return first;
  // In a gap the offset before the change maps the wall time past the jump,
  // by exactly the length of the gap.
  return local - before;
}

/**
 * The first instant whose local reading is `local` or, when that wall time
 * does not exist (gap), the instant the clocks jump over it: the first
 * instant of a local day, or the first instant a time of day is reached.
 */
function firstInstantAtLocal(local: number, zone: Zone): number {
  const steady = steadyInstant(local, zone);
  if (steady !== undefined) return steady;
  const { before, after, found } = candidates(local, zone);
  const first = found[0];
  if (first !== undefined) return first;
  return changeInstant(zone, local - after, local - before);
}

/**
 * The instant in `(low, high]` at which the zone's offset changes from its
 * value at `low`, to the millisecond (`high` when it does not change).
 */
function changeInstant(zone: Zone, low: number, high: number): number {
  const initial = zone.offsetAt(low);
  let lo = low;
  let hi = high;
  if (zone.offsetAt(hi) === initial) return hi;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (zone.offsetAt(mid) === initial) lo = mid;
    else hi = mid;
  }
  return hi;
}

// ---------------------------------------------------------------- local calendar helpers

/** Local milliseconds of the midnight starting the local day of `local`. */
function dayStartLocal(local: number): number {
  return Math.floor(local / DAY) * DAY;
}

/** ISO weekday of a local reading: 1 Monday ... 7 Sunday. */
function weekdayOfLocal(local: number): number {
  return isoWeekday(Math.floor(local / DAY));
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

/** `YYYY-MM-DD` of a local reading. */
function dateOfLocal(local: number): string {
  const days = Math.floor(local / DAY);
  if (days >= 0 && local < YEAR_10000) return formatDate(days);
  const date = new Date(local);
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
}

function isBusinessLocal(local: number, holidays: HolidaySet): boolean {
  return weekdayOfLocal(local) <= 5 && !holidays.has(Math.floor(local / DAY));
}

/**
 * True when the local day starting at `dayStart` (local milliseconds of a
 * midnight) happens at all: a zone that moves across the date line skips a
 * whole date (Pacific/Apia skipped 2011-12-30), and a skipped date is no
 * business day.
 */
function dayExists(dayStart: number, zone: Zone): boolean {
  // Only a jump of a day or more can skip a date; most zones never make one.
  if (Math.abs(zone.offsetAt(dayStart + 2 * DAY) - zone.offsetAt(dayStart - DAY)) < DAY) return true;
  return dayStartLocal(toLocal(firstInstantAtLocal(dayStart, zone), zone)) === dayStart;
}

/**
 * The longest run of days off (weekend days and these holidays together):
 * linear in the holidays, however long their runs.
 */
export function longestRunOff(days: ReadonlySet<number>): number {
  let longestRun = 2;
  const offDay = (day: number): boolean => days.has(day) || isoWeekday(day) > 5;
  for (const holiday of days) {
    // each run is walked once, from its first holiday (back over the weekend days before it,
    // forward over the rest)
    let from = holiday;
    let earlier = false;
    while (offDay(from - 1)) {
      from--;
      if (days.has(from)) {
        earlier = true;
        break;
      }
    }
    if (earlier) continue;
    let to = holiday;
    while (offDay(to + 1)) to++;
    longestRun = Math.max(longestRun, to - from + 1);
  }
  return longestRun;
}

/**
 * An upper bound on how long adding `amount` business days can take, in
 * milliseconds, whatever the zone and the starting instant, on a calendar
 * whose runs of days off are at most `longestRun` days: between two
 * business days lie at most that run, plus one date a zone may skip; two
 * days more cover offset changes. Lets a rule skip the calendar walk when
 * its last touch is older than that.
 */
export function businessDaysBound(amount: number, longestRun: number): number {
  return (Math.abs(amount) * (longestRun + 2) + 2) * DAY;
}

/** A business day that exists in the zone. */
function isBusinessDayIn(dayStart: number, cal: Calendar, zone: Zone): boolean {
  return isBusinessLocal(dayStart, cal.holidays) && (steadyAround(zone, dayStart / DAY) || dayExists(dayStart, zone));
}

/**
 * True when the zone's offset moves by less than half a day in the samples
 * around a local day: no date near it is skipped, which is nearly always
 * known from remembered samples, without asking the zone about the day.
 */
function steadyAround(zone: Zone, day: number): boolean {
  const last = Math.floor((day + 3) / SAMPLE_DAYS);
  for (let index = Math.floor((day - 3) / SAMPLE_DAYS); index <= last; index++) {
    if (zone.sampleMoves(index)) return false;
  }
  return true;
}

/** The local date `YYYY-MM-DD` of an instant in a zone. */
export function localDate(ms: number, zone: Zone): string {
  return dateOfLocal(toLocal(ms, zone));
}

// ---------------------------------------------------------------- durations

/**
 * The length of a fixed duration in milliseconds; `days` are 24 hours.
 * Validation lets no other unit through; one here is a programming error,
 * thrown rather than turned into a NaN that no timer ever reaches.
 */
export function durationMs(amount: number, unit: Exclude<DurationUnit, "business-days">): number {
  switch (unit) {
    case "minutes":
      return amount * MINUTE;
    case "hours":
      return amount * HOUR;
    case "days":
      return amount * DAY;
    case "weeks":
      return amount * WEEK;
    default:
      throw new Error(`unknown duration unit \`${String(unit)}\``);
  }
}

/** The length of a rolling window (`per 14 days`) in milliseconds. */
export function rollingMs(amount: number, unit: RollingUnit): number {
  return durationMs(amount, unit);
}

/**
 * `ms` plus a duration. Fixed units add absolute time (days are 24 h).
 * `business-days`: the same local wall time on the Nth next business day
 * (Saturdays, Sundays, holidays and dates the zone skips are passed over,
 * counting from the day after the local date of `ms`, whatever that date
 * is); a local time that does not
 * exist (DST gap) moves forward by the gap; an ambiguous one (DST overlap)
 * takes the earlier instant. A negative amount counts business days
 * backwards. Requires `cal` for business days.
 */
export function addDuration(ms: number, amount: number, unit: DurationUnit, cal: Calendar | undefined): number {
  if (unit !== "business-days") return ms + durationMs(amount, unit);
  if (cal === undefined) throw new Error("adding business days needs a calendar");
  if (!Number.isInteger(amount)) throw new Error(`business days must be a whole number, got ${amount}`);
  const zone = cal.zone;
  const local = toLocal(ms, zone);
  const timeOfDay = local - dayStartLocal(local);
  if (amount > WALK_LIMIT) return fromLocalCompatible(nthBusinessDayAfter(Math.floor(local / DAY), amount, cal, zone) * DAY + timeOfDay, zone);
  const step = amount < 0 ? -DAY : DAY;
  let day = dayStartLocal(local);
  for (let remaining = Math.abs(amount); remaining > 0; ) {
    day += step;
    if (isBusinessDayIn(day, cal, zone)) remaining--;
  }
  return fromLocalCompatible(day + timeOfDay, zone);
}

/**
 * Up to this many business days are added one day at a time (the common
 * case, a few days); beyond, whole weeks at once ({@link nthBusinessDayAfter}).
 */
const WALK_LIMIT = 64;

/**
 * Weekdays (Monday to Friday) from Monday 1970-01-05 (day 4) to `day`,
 * extended before it so that `weekdaysThrough(b) - weekdaysThrough(a)`
 * counts the weekdays in `(a, b]` for any days `a <= b`.
 */
function weekdaysThrough(day: number): number {
  const sinceMonday = day - 4;
  const weeks = Math.floor(sinceMonday / 7);
  return 5 * weeks + Math.min(sinceMonday - 7 * weeks + 1, 5);
}

/** The weekday whose {@link weekdaysThrough} is `count`. */
function weekdayNumbered(count: number): number {
  const weeks = Math.floor((count - 1) / 5);
  return 4 + 7 * weeks + (count - 1 - 5 * weeks);
}

/**
 * The local day (days since 1970-01-01) that is the `n`-th business day
 * after `start`, in time that does not grow with `n`: the `n`-th weekday
 * is found by arithmetic; the holidays and skipped dates among the days
 * passed over are counted, and as many weekdays more are taken from there,
 * until a round passes over none. Rounds are bounded by the days off in
 * the range.
 */
function nthBusinessDayAfter(start: number, n: number, cal: Calendar, zone: Zone): number {
  const holidays = cal.holidays;
  let from = start;
  let need = n;
  for (;;) {
    const to = weekdayNumbered(weekdaysThrough(from) + need);
    const off = holidays.weekdaysIn(from, to) + skippedWeekdays(zone, from, to, holidays);
    if (off === 0) return to;
    from = to;
    need = off;
  }
}

/** How many of the sorted `days` lie in `(from, to]`. */
export function countIn(days: readonly number[], from: number, to: number): number {
  return upperBound(days, to) - upperBound(days, from);
}

/** The number of `days` at most `value` (binary search over a sorted list). */
function upperBound(days: readonly number[], value: number): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (days[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * How many weekdays in `(from, to]`, holidays aside, the zone skips (see
 * {@link dayExists}). Skipping a date takes a jump of the offset by a whole
 * day, which shows between two samples {@link SAMPLE_DAYS} apart (no zone
 * has crossed the date line twice within weeks), and first between the
 * ends of their stretch of 364 days ({@link Zone.stretchMoves}): the zone
 * is read once a stretch, every 28 days only in a stretch that moves, and
 * day by day only around such a jump. The work is bounded by the span's
 * years (at most a hundred, for the largest sum), whatever years they are.
 */
function skippedWeekdays(zone: Zone, from: number, to: number, holidays: HolidaySet): number {
  let count = 0;
  let scanned = from;
  const last = Math.floor(to / SAMPLE_DAYS);
  for (let index = Math.floor(from / SAMPLE_DAYS) - 1; index <= last; index++) {
    const stretch = Math.floor(index / STRETCH_SAMPLES);
    if (!zone.stretchMoves(stretch)) {
      // on to the first sample of the next stretch
      index = (stretch + 1) * STRETCH_SAMPLES - 1;
      continue;
    }
    if (!zone.sampleMoves(index)) continue;
    // the jump lies in this sample; the date it skips is within two days of it
    const end = Math.min(to, (index + 1) * SAMPLE_DAYS + 2);
    for (let day = Math.max(scanned, index * SAMPLE_DAYS - 2) + 1; day <= end; day++) {
      if (isBusinessLocal(day * DAY, holidays) && !dayExists(day * DAY, zone)) count++;
    }
    scanned = Math.max(scanned, end);
  }
  return count;
}

// ---------------------------------------------------------------- business days

/** True when the local date of `ms` is neither a Saturday, a Sunday nor a holiday. */
export function isBusinessDay(ms: number, cal: Calendar): boolean {
  return isBusinessLocal(toLocal(ms, cal.zone), cal.holidays);
}

/**
 * `ms` itself when on a business day, else the local midnight starting the
 * next business day (if that midnight does not exist, the first instant of
 * that local day).
 */
export function businessDayStart(ms: number, cal: Calendar): number {
  const zone = cal.zone;
  const local = toLocal(ms, zone);
  if (isBusinessLocal(local, cal.holidays)) return ms;
  let day = dayStartLocal(local) + DAY;
  // Terminates: at most two weekend days in a row, and finitely many holidays.
  while (!isBusinessDayIn(day, cal, zone)) day += DAY;
  return firstInstantAtLocal(day, zone);
}

// ---------------------------------------------------------------- quiet hours

function minuteOfDay(time: TimeOfDay): number {
  return time.hour * 60 + time.minute;
}

function inQuietLocal(local: number, start: number, end: number): boolean {
  const minutes = (local - dayStartLocal(local)) / MINUTE;
  if (start === end) return false;
  if (start < end) return minutes >= start && minutes < end;
  return minutes >= start || minutes < end;
}

/**
 * True when the local time of day of `ms` is in `[start, end)`, wrapping
 * midnight when start > end (`21:00` to `08:00`). `start == end` is empty.
 * Wall time is what counts: in a fall-back overlap the repeated hour is
 * judged twice by its reading.
 */
export function inQuietHours(ms: number, start: TimeOfDay, end: TimeOfDay, zone: Zone): boolean {
  return inQuietLocal(toLocal(ms, zone), minuteOfDay(start), minuteOfDay(end));
}

/**
 * When `ms` is inside quiet hours, the first instant at or after `ms` outside
 * them; otherwise `ms`. That is normally the next local `end` time. When the
 * end time falls in an overlap, the first of its two instants still ahead;
 * when it does not exist that day (a gap), the instant the clocks jump past
 * it, the first instant whose local time is outside the quiet hours.
 */
export function quietHoursEnd(ms: number, start: TimeOfDay, end: TimeOfDay, zone: Zone): number {
  const tz = zone;
  const startMinute = minuteOfDay(start);
  const endMinute = minuteOfDay(end);
  let at = ms;
  // Each round either finds the end under a constant offset or moves to the
  // next offset change; zones change offset at most a few times a day.
  for (let round = 0; round < 8; round++) {
    const local = toLocal(at, tz);
    if (!inQuietLocal(local, startMinute, endMinute)) return at;
    let endLocal = dayStartLocal(local) + endMinute * MINUTE;
    if (endLocal <= local) endLocal += DAY;
    const offset = tz.offsetAt(at);
    const candidate = endLocal - offset;
    const change = changeInstant(tz, at, candidate);
    if (change === candidate && tz.offsetAt(candidate) === offset) return candidate;
    at = change;
  }
  throw new Error(`quiet hours in \`${zone.name}\` do not end near ${formatInstant(ms)}`);
}

// ---------------------------------------------------------------- calendar windows

function windowStartLocal(local: number, unit: "day" | "week"): number {
  const day = dayStartLocal(local);
  return unit === "day" ? day : day - (weekdayOfLocal(local) - 1) * DAY;
}

/** Start instant of the local calendar day / ISO week (Monday) containing `ms`. */
export function calendarWindowStart(ms: number, unit: "day" | "week", zone: Zone): number {
  const tz = zone;
  return firstInstantAtLocal(windowStartLocal(toLocal(ms, tz), unit), tz);
}

/** Start instant of the next local calendar day / ISO week after the one containing `ms`. */
export function nextCalendarWindowStart(ms: number, unit: "day" | "week", zone: Zone): number {
  const tz = zone;
  const start = windowStartLocal(toLocal(ms, tz), unit);
  return firstInstantAtLocal(start + (unit === "day" ? DAY : WEEK), tz);
}

// ---------------------------------------------------------------- holidays, for explanations

/** The local day (days since 1970-01-01) of an instant in a zone. */
export function localDay(ms: number, zone: Zone): number {
  return Math.floor(toLocal(ms, zone) / DAY);
}

/** How many days an explanation looks through for the holidays a wait passed over. */
const MAX_NAMED_SCAN = 400;

/**
 * The holidays on weekdays after the local date of `from` up to that of
 * `to`, in order, each with its name where the calendar has one (for
 * explanations: a wait in business days says which holidays made it longer).
 * Looks through at most the first 400 days; finds none on a calendar
 * whose holidays have no names.
 */
export function weekdayHolidaysBetween(from: number, to: number, cal: Calendar): { date: string; name: string | undefined }[] {
  const found: { date: string; name: string | undefined }[] = [];
  if (!cal.holidays.named) return found;
  const last = Math.min(localDay(to, cal.zone), localDay(from, cal.zone) + MAX_NAMED_SCAN);
  for (let day = localDay(from, cal.zone) + 1; day <= last; day++) {
    if (isoWeekday(day) <= 5 && cal.holidays.has(day)) found.push({ date: dateOfLocal(day * DAY), name: cal.holidays.nameOf(day) });
  }
  return found;
}
