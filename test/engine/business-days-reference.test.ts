/**
 * Business-day sums against a walk from date to date that knows nothing of
 * the engine's samples and stretches: where a zone's offset moves across
 * the date line, each date is looked up hour by hour in the runtime's own
 * calendar (`Intl.DateTimeFormat`), and a date no instant has is skipped.
 * Forward and backward, over long spans, through the dates Samoa (Pacific/
 * Apia 2011-12-30), Tokelau (Pacific/Fakaofo, the same day), Kiribati
 * (Pacific/Kiritimati and Pacific/Kanton 1994-12-31), Manila (1844-12-31)
 * and Kwajalein (1993-08-21) skipped, and
 * the day Sitka (1867) and Kwajalein (1969) lived twice.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { addDuration, holidayDays, makeCalendar, ZoneTable } from "../../src/engine/time.js";

const RUNS = Number(process.env["HEED_TIME_RUNS"] ?? 60);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The runtime's reading of instants in one zone: local day number and time of day, and the offset. */
class Reference {
  private readonly parts: Intl.DateTimeFormat;
  private readonly offsets: Intl.DateTimeFormat;
  private readonly dayStarts = new Map<number, number>();
  private readonly exists = new Map<number, boolean>();

  constructor(readonly zone: string) {
    this.parts = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      hourCycle: "h23",
    });
    this.offsets = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
  }

  /** The local day (days since 1970-01-01) and time of day (`HH:MM:SS`) of an instant. */
  local(ms: number): { day: number; time: string } {
    const parts = this.parts.formatToParts(ms);
    const value = (type: string): string => parts.find((p) => p.type === type)!.value;
    const get = (type: string): number => Number(value(type));
    if (value("era") !== "AD") throw new Error(`out of range: ${ms}`);
    const date = new Date(0);
    date.setUTCFullYear(get("year"), get("month") - 1, get("day"));
    const time = [value("hour"), value("minute"), value("second")].map((v) => v.padStart(2, "0")).join(":");
    return { day: Math.floor(date.getTime() / DAY), time };
  }

  /** The offset at the start of a UTC day, in milliseconds. */
  private dayStartOffset(day: number): number {
    let offset = this.dayStarts.get(day);
    if (offset === undefined) {
      const match = /GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(this.offsets.format(day * DAY))!;
      offset = match[1] === undefined ? 0 : (match[1] === "-" ? -1 : 1) * (Number(match[2]) * HOUR + Number(match[3]) * 60_000 + Number(match[4] ?? 0) * 1000);
      this.dayStarts.set(day, offset);
    }
    return offset;
  }

  /**
   * True when some instant has this local day as its date. Where the offset
   * moves by less than half a day from a day before to two days after, the
   * date is there; elsewhere the instants that could have it are read hour
   * by hour (the dates skipped here last no time at all).
   */
  has(day: number): boolean {
    let found = this.exists.get(day);
    if (found === undefined) {
      found = Math.abs(this.dayStartOffset(day + 2) - this.dayStartOffset(day - 1)) < 12 * HOUR;
      for (let at = day * DAY - 16 * HOUR; !found && at <= (day + 1) * DAY + 16 * HOUR; at += HOUR) found = this.local(at).day === day;
      this.exists.set(day, found);
    }
    return found;
  }

  /** The local day of the `n`-th business day after (before, for n < 0) the local date of `ms`. */
  nthBusinessDay(ms: number, n: number, holidays: ReadonlySet<number>): number {
    const step = n < 0 ? -1 : 1;
    let day = this.local(ms).day;
    for (let remaining = Math.abs(n); remaining > 0; ) {
      day += step;
      const weekday = (((day + 3) % 7) + 7) % 7; // 0 Monday ... 6 Sunday (1970-01-01 was a Thursday)
      if (weekday < 5 && !holidays.has(day) && this.has(day)) remaining--;
    }
    return day;
  }
}

const references = new Map<string, Reference>();
const reference = (zone: string): Reference => {
  let found = references.get(zone);
  if (found === undefined) references.set(zone, (found = new Reference(zone)));
  return found;
};
const tables = new ZoneTable();
const dayText = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);
const dayOf = (text: string): number => Date.parse(`${text}T00:00:00Z`) / DAY;

/** Checks one sum against the reference: its local date, and the same local time of day (noon exists on every date here). */
function agree(zone: string, ms: number, n: number, holidays: readonly number[]): void {
  const ref = reference(zone);
  const cal = makeCalendar(tables.zone(zone), holidayDays(holidays.map(dayText)));
  const sum = addDuration(ms, n, "business-days", cal);
  const expected = ref.nthBusinessDay(ms, n, new Set(holidays));
  const got = ref.local(sum);
  const label = `${zone}: ${n} business days from ${new Date(ms).toISOString()}`;
  expect(dayText(got.day), label).toBe(dayText(expected));
  expect(got.time, label).toBe(ref.local(ms).time);
}

/** An instant at local noon on a day (any offset: the start is read back through the reference). */
function noon(zone: string, day: number): number {
  const ref = reference(zone);
  let ms = day * DAY + 12 * HOUR;
  // two rounds reach local noon from UTC noon, offsets being under a day
  for (let round = 0; round < 2; round++) {
    const local = ref.local(ms);
    const [h, m, s] = local.time.split(":").map(Number) as [number, number, number];
    ms += (day - local.day) * DAY + (12 * HOUR - (h * HOUR + m * 60_000 + s * 1000));
  }
  return ms;
}

/** The moves across the date line, with the day they skipped or lived twice. */
const MOVES = [
  ["Pacific/Apia", "2011-12-30"],
  ["Pacific/Kiritimati", "1994-12-31"],
  ["Pacific/Kanton", "1994-12-31"],
  ["Pacific/Fakaofo", "2011-12-30"],
  ["Asia/Manila", "1844-12-31"],
  ["Pacific/Kwajalein", "1993-08-21"],
  ["Pacific/Kwajalein", "1969-09-30"],
  ["America/Sitka", "1867-10-18"],
] as const;

describe("the reference itself", () => {
  it("knows the dates skipped, and none in a steady zone", () => {
    expect(reference("Pacific/Apia").has(dayOf("2011-12-30"))).toBe(false);
    expect(reference("Pacific/Apia").has(dayOf("2011-12-29"))).toBe(true);
    expect(reference("Pacific/Apia").has(dayOf("2011-12-31"))).toBe(true);
    expect(reference("Pacific/Kiritimati").has(dayOf("1994-12-31"))).toBe(false);
    expect(reference("Pacific/Kanton").has(dayOf("1994-12-31"))).toBe(false);
    expect(reference("Pacific/Fakaofo").has(dayOf("2011-12-30"))).toBe(false);
    expect(reference("Asia/Manila").has(dayOf("1844-12-31"))).toBe(false);
    expect(reference("America/Sitka").has(dayOf("1867-10-18"))).toBe(true);
    expect(reference("Europe/Paris").has(dayOf("2026-03-29"))).toBe(true);
  });
});

describe("business-day sums agree with a walk from date to date", () => {
  it("across each move of the date line, forward and backward, from a year before to a year after", () => {
    for (const [zone, date] of MOVES) {
      for (const offset of [-300, -30, -3, -1, 0, 1]) {
        const start = noon(zone, dayOf(date) + offset);
        for (const n of [1, 2, 5, 64, 65, 300, -1, -2, -5, -64, -65, -300]) agree(zone, start, n, []);
      }
    }
  });

  it("over the longest sums (26,000 business days, 100 years) across the moves, forward and backward", () => {
    for (const [zone, date] of MOVES) {
      agree(zone, noon(zone, dayOf(date) - 20_000), 26_000, [dayOf(date) + 3, dayOf(date) - 1]);
      agree(zone, noon(zone, dayOf(date) + 20_000), -26_000, [dayOf(date) + 3]);
    }
  }, 120_000);

  it("in every zone that moved and in steady ones, from any year (property, with runs of holidays)", () => {
    const zones = [...new Set(MOVES.map(([zone]) => zone)), "America/New_York", "Australia/Lord_Howe", "UTC"];
    const moveDays = MOVES.map(([, date]) => dayOf(date));
    // starts near a move (where the samples matter) or anywhere from year 0010 to 9990
    const start = fc.oneof(
      fc.tuple(fc.constantFrom(...moveDays), fc.integer({ min: -3_000, max: 3_000 })).map(([day, offset]) => day + offset),
      fc.integer({ min: dayOf("0010-01-01"), max: dayOf("9990-12-31") }),
    );
    const runs = (from: number) =>
      fc.array(fc.tuple(fc.integer({ min: -2_000, max: 2_000 }), fc.integer({ min: 1, max: 12 })), { maxLength: 6 }).map((list) =>
        list.flatMap(([at, length]) => Array.from({ length }, (_, i) => from + at + i)),
      );
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        start.chain((day) => fc.tuple(fc.constant(day), runs(day))),
        fc.integer({ min: -1_500, max: 1_500 }).filter((n) => n !== 0),
        (zone, [day, holidays], n) => agree(zone, noon(zone, day), n, holidays),
      ),
      { numRuns: RUNS },
    );
  }, 120_000);
});
