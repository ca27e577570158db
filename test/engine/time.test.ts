import fc from "fast-check";
import { describe, expect, it } from "vitest";

import type { TimeOfDay } from "../../src/ast.js";
import {
  addDuration,
  businessDayStart,
  businessDaysBound,
  calendarWindowStart,
  durationMs,
  formatInstant,
  holidayDays,
  inQuietHours,
  isBusinessDay,
  isValidZone,
  localDate,
  makeCalendar,
  nextCalendarWindowStart,
  parseInstant,
  quietHoursEnd,
  rollingMs,
  ZoneTable,
} from "../../src/engine/time.js";
import type { Calendar } from "../../src/engine/time.js";

/** An instant from ISO text, failing the test when the text does not parse. */
function at(text: string): number {
  const ms = parseInstant(text);
  if (ms === undefined) throw new Error(`test instant does not parse: ${text}`);
  return ms;
}

const iso = formatInstant;
const time = (text: string): TimeOfDay => {
  const [hour, minute] = text.split(":").map(Number);
  return { hour: hour ?? 0, minute: minute ?? 0 };
};

const NY = "America/New_York";
const LONDON = "Europe/London";
const LORD_HOWE = "Australia/Lord_Howe";
/** The zones the tests use, by name (the engine keeps one table of them per compiled engine). */
const table = new ZoneTable();
const zoneOf = (name: string) => table.zone(name);
const calendar = (name: string, ...holidays: string[]): Calendar => makeCalendar(zoneOf(name), holidayDays(holidays));

/** Runs of the heavier properties; raise with HEED_TIME_RUNS for a deeper search. */
const RUNS = Number(process.env["HEED_TIME_RUNS"] ?? 300);

describe("parseInstant and formatInstant", () => {
  it("reads ISO-8601 with an offset or Z and prints canonical UTC", () => {
    expect(iso(at("2026-03-02T10:00:00-05:00"))).toBe("2026-03-02T15:00:00Z");
    expect(iso(at("2026-03-02T10:00:00Z"))).toBe("2026-03-02T10:00:00Z");
    expect(iso(at("2026-03-02T10:00Z"))).toBe("2026-03-02T10:00:00Z");
    expect(iso(at("2026-03-02T10:00:00+05:30"))).toBe("2026-03-02T04:30:00Z");
    expect(iso(at("2026-03-02T10:00:00+0530"))).toBe("2026-03-02T04:30:00Z");
    expect(iso(at("2026-03-02T10:00:00.250Z"))).toBe("2026-03-02T10:00:00.250Z");
    expect(iso(at("2026-03-02T10:00:00.001+01:00"))).toBe("2026-03-02T09:00:00.001Z");
  });

  it("refuses text without an offset, without a time, or with impossible fields", () => {
    for (const text of [
      "2026-03-02T10:00:00",
      "2026-03-02",
      "2026-02-30T10:00:00Z",
      "2026-13-01T10:00:00Z",
      "2026-03-02T24:30:00Z",
      "2026-03-02T10:60:00Z",
      "2026-03-02T10:00:00+25:00",
      "2026-03-02 10:00",
      "yesterday",
      "",
      "1772463600000",
    ]) {
      expect(parseInstant(text), text).toBeUndefined();
    }
  });

  it("reads 24:00 as the midnight ending the day, years before 100 as written", () => {
    expect(iso(at("2026-03-02T24:00:00Z"))).toBe("2026-03-03T00:00:00Z");
    expect(parseInstant("2026-03-02T24:00:01Z")).toBeUndefined();
    expect(iso(at("0099-03-01T00:00:00+01:00"))).toBe("0099-02-28T23:00:00Z");
    expect(iso(at("2026-03-02T10:00:00.123456789Z"))).toBe("2026-03-02T10:00:00.123Z");
  });

  it("parseInstant agrees with luxon's ISO reader on instants with an offset (property)", async () => {
    const { DateTime } = await import("luxon");
    const two = (max: number): fc.Arbitrary<string> => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, "0"));
    const text = fc
      .tuple(
        fc.oneof(fc.integer({ min: 1900, max: 2100 }), fc.integer({ min: 0, max: 9999 })).map((n) => String(n).padStart(4, "0")),
        two(13),
        two(32),
        two(24),
        two(60),
        fc.option(two(60), { nil: undefined }),
        fc.option(fc.stringMatching(/^[0-9]{1,9}$/), { nil: undefined }),
        fc.constantFrom("T", "t"),
        fc.constantFrom("Z", "z", "+00:00", "-05:00", "+05:30", "+0530", "+05", "-23:59", "+24:00", "-03:60", "+15:59", "-16:00"),
      )
      .map(
        ([y, mo, d, h, mi, s, f, t, z]) =>
          `${y}-${mo}-${d}${t}${h}:${mi}${s === undefined ? "" : `:${s}${f === undefined ? "" : `.${f}`}`}${z}`,
      );
    const luxon = (t: string): number | undefined => {
      // Offsets of 24 hours or more, or of 60 minutes or more, are not offsets.
      if (/[+-](2[4-9]|[3-9]\d)(:?\d\d)?$/.test(t) || /[+-]\d\d:?[6-9]\d$/.test(t)) return undefined;
      // Heed's range (PostgreSQL's, within ISO-8601's four-digit years): offsets up to ±15:59, no year 0000, UTC instants in years 0001-9999.
      if (/[+-](1[6-9]|2[0-3])(:?\d\d)?$/.test(t) || t.startsWith("0000")) return undefined;
      const parsed = DateTime.fromISO(t.replace("t", "T").replace("z", "Z"), { setZone: true });
      if (!parsed.isValid) return undefined;
      const ms = parsed.toMillis();
      return ms >= Date.parse("0001-01-01T00:00:00Z") && ms < Date.parse("+010000-01-01T00:00:00Z") ? ms : undefined;
    };
    fc.assert(
      fc.property(text, (t) => {
        // luxon reads `24:00` of a year before 100 as the start of that day, not of the next (checked below).
        fc.pre(!/^00\d\d-\d\d-\d\d[Tt]24/.test(t));
        expect(parseInstant(t)).toBe(luxon(t));
      }),
      { numRuns: RUNS * 5 },
    );
    // Found by this property (`0000-01-01T24:00Z`): `24:00` ends the day, in every year.
    expect(parseInstant("0001-01-01T24:00Z")).toBe(parseInstant("0001-01-02T00:00Z"));
    expect(parseInstant("0099-12-31T24:00Z")).toBe(parseInstant("0100-01-01T00:00Z"));
    expect(parseInstant("2026-01-01T24:00Z")).toBe(Date.UTC(2026, 0, 2));
  });

  it("formatInstant round-trips through parseInstant (property: canonical form is stable)", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2200, 0, 1) }), (ms) => {
        const text = iso(ms);
        expect(parseInstant(text)).toBe(ms);
        expect(text.endsWith("Z")).toBe(true);
        expect(text.includes(".000")).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe("zones and fixed durations", () => {
  it("knows IANA zones and refuses made-up ones", () => {
    expect(isValidZone("UTC")).toBe(true);
    expect(isValidZone(NY)).toBe(true);
    expect(isValidZone(LORD_HOWE)).toBe(true);
    expect(isValidZone("")).toBe(false);
    expect(isValidZone("Mars/Base")).toBe(false);
    expect(isValidZone("+05:00")).toBe(false);
  });

  it("gives fixed units their length, days being 24 hours", () => {
    expect(durationMs(90, "minutes")).toBe(90 * 60_000);
    expect(durationMs(4, "hours")).toBe(4 * 3_600_000);
    expect(durationMs(2, "days")).toBe(48 * 3_600_000);
    expect(durationMs(1, "weeks")).toBe(7 * 24 * 3_600_000);
    expect(rollingMs(14, "days")).toBe(14 * 24 * 3_600_000);
  });

  it("adds days as 24 hours even across a daylight-saving change", () => {
    // Saturday noon EST + 1 day is Sunday 13:00 EDT: 24 h later, not the same wall time.
    expect(iso(addDuration(at("2026-03-07T12:00:00-05:00"), 1, "days", undefined))).toBe("2026-03-08T17:00:00Z");
    expect(iso(addDuration(at("2026-03-02T15:00:00Z"), 4, "hours", undefined))).toBe("2026-03-02T19:00:00Z");
  });
});

describe("business days", () => {
  it("skips a holiday inside the gap: Wed + 1 business day is Fri, same local time", () => {
    const cal = calendar(NY, "2026-11-26");
    expect(iso(addDuration(at("2026-11-25T10:00:00-05:00"), 1, "business-days", cal))).toBe("2026-11-27T15:00:00Z");
  });

  it("skips the weekend: Fri + 1 is Mon, Sat + 1 is Mon, Fri + 5 is the next Fri", () => {
    const cal = calendar(NY);
    expect(iso(addDuration(at("2026-11-27T10:00:00-05:00"), 1, "business-days", cal))).toBe("2026-11-30T15:00:00Z");
    expect(iso(addDuration(at("2026-11-28T10:00:00-05:00"), 1, "business-days", cal))).toBe("2026-11-30T15:00:00Z");
    expect(iso(addDuration(at("2026-11-27T10:00:00-05:00"), 5, "business-days", cal))).toBe("2026-12-04T15:00:00Z");
  });

  it("keeps the local time across a spring-forward weekend (America/New_York 2026-03-08)", () => {
    // Fri 09:00 EST -> Mon 09:00 EDT: 71 hours later, not 72.
    expect(iso(addDuration(at("2026-03-06T09:00:00-05:00"), 1, "business-days", calendar(NY)))).toBe("2026-03-09T13:00:00Z");
  });

  it("keeps the local time across a fall-back weekend (America/New_York 2026-11-01)", () => {
    expect(iso(addDuration(at("2026-10-30T09:00:00-04:00"), 1, "business-days", calendar(NY)))).toBe("2026-11-02T14:00:00Z");
  });

  it("keeps the local time across Lord Howe's 30-minute shift (2026-10-04)", () => {
    // Fri 02:15 at +10:30 -> Mon 02:15 at +11:00.
    expect(iso(addDuration(at("2026-10-02T02:15:00+10:30"), 1, "business-days", calendar(LORD_HOWE)))).toBe(
      "2026-10-04T15:15:00Z",
    );
  });

  it("moves a local time that does not exist forward by the gap (Asia/Jerusalem, Friday 2026-03-27)", () => {
    // Clocks jump 02:00 -> 03:00 on a Friday; Thu 02:30 + 1 business day is Fri 03:30 IDT.
    expect(iso(addDuration(at("2026-03-26T02:30:00+02:00"), 1, "business-days", calendar("Asia/Jerusalem")))).toBe(
      "2026-03-27T00:30:00Z",
    );
  });

  it("takes the earlier instant of an ambiguous local time (Africa/Cairo, Thursday 2026-10-29)", () => {
    // 23:00-24:00 happens twice that Thursday; 23:30 is taken at +03:00.
    expect(iso(addDuration(at("2026-10-28T23:30:00+03:00"), 1, "business-days", calendar("Africa/Cairo")))).toBe(
      "2026-10-29T20:30:00Z",
    );
  });

  it("refuses business days without a calendar", () => {
    expect(() => addDuration(0, 1, "business-days", undefined)).toThrow();
  });

  it("judges the local date of the contact's zone, holidays included", () => {
    const holiday = calendar(NY, "2026-11-26");
    // 03:00Z on Friday is still Thursday evening (a holiday) in New York.
    expect(isBusinessDay(at("2026-11-27T03:00:00Z"), holiday)).toBe(false);
    expect(isBusinessDay(at("2026-11-27T03:00:00Z"), calendar("UTC", "2026-11-26"))).toBe(true);
    expect(isBusinessDay(at("2026-11-28T12:00:00-05:00"), holiday)).toBe(false);
    expect(isBusinessDay(at("2026-11-25T12:00:00-05:00"), holiday)).toBe(true);
  });

  it("starts the next business day at local midnight", () => {
    const cal = calendar(NY, "2026-11-26");
    const wednesday = at("2026-11-25T12:00:00-05:00");
    expect(businessDayStart(wednesday, cal)).toBe(wednesday);
    expect(iso(businessDayStart(at("2026-11-26T12:00:00-05:00"), cal))).toBe("2026-11-27T05:00:00Z");
    // Saturday before the spring-forward Sunday: Monday midnight is EDT.
    expect(iso(businessDayStart(at("2026-03-07T12:00:00-05:00"), cal))).toBe("2026-03-09T04:00:00Z");
  });

  it("starts a business day whose midnight does not exist at its first instant (Africa/Cairo 2026-04-24)", () => {
    // Clocks jump 00:00 -> 01:00 on Friday; Thursday is a holiday here.
    const cal = calendar("Africa/Cairo", "2026-04-23");
    expect(iso(businessDayStart(at("2026-04-23T12:00:00+02:00"), cal))).toBe("2026-04-23T22:00:00Z");
  });

  it("business days keep the local time of day (property, across zones with DST)", () => {
    const zones = [NY, LONDON, LORD_HOWE, "UTC", "Asia/Kolkata"];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31) }),
        fc.integer({ min: 1, max: 15 }),
        fc.constantFrom(...zones),
        (ms, days, zone) => {
          const cal = calendar(zone, "2026-11-26", "2026-12-25");
          const result = addDuration(ms, days, "business-days", cal);
          expect(result).toBeGreaterThan(ms);
          expect(isBusinessDay(result, cal)).toBe(true);
          const local = (instant: number): string =>
            new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).format(instant);
          // Wall time is kept unless it fell into a gap (never in these zones on a weekday in 2026-2027).
          expect(local(result)).toBe(local(ms));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("local dates through the offset memo", () => {
  it("match the zone's own calendar on walks from day to day and hour to hour across offset changes (property)", () => {
    const zones = [NY, LONDON, LORD_HOWE, "Pacific/Apia", "Africa/Cairo", "Asia/Kolkata"];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(2010, 0, 1), max: Date.UTC(2030, 11, 31) }),
        fc.array(fc.integer({ min: -2 * 86_400_000, max: 2 * 86_400_000 }), { minLength: 1, maxLength: 60 }),
        (zone, start, steps) => {
          const format = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" });
          let ms = start;
          for (const step of steps) {
            ms += step;
            expect(localDate(ms, zoneOf(zone))).toBe(format.format(ms));
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe("the bound on business days", () => {
  it("is never shorter than adding the business days (property: zones with DST and a skipped date, runs of holidays)", () => {
    const zones = [NY, LONDON, LORD_HOWE, "UTC", "Pacific/Apia", "Africa/Cairo"];
    const day = fc.integer({ min: Date.UTC(2010, 0, 1) / 86_400_000, max: Date.UTC(2030, 11, 31) / 86_400_000 });
    // a holiday list of single days and runs of up to 12 days in a row
    const holidays = fc.array(fc.tuple(day, fc.integer({ min: 1, max: 12 })), { maxLength: 6 }).map((runs) =>
      runs.flatMap(([start, length]) => Array.from({ length }, (_, i) => new Date((start + i) * 86_400_000).toISOString().slice(0, 10))),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2010, 0, 1), max: Date.UTC(2030, 11, 31) }),
        fc.integer({ min: 0, max: 20 }),
        fc.constantFrom(...zones),
        holidays,
        (ms, days, zone, list) => {
          const cal = calendar(zone, ...list);
          expect(addDuration(ms, days, "business-days", cal) - ms).toBeLessThanOrEqual(businessDaysBound(days, cal.holidays.longestRun!));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("grows with the longest run of days off", () => {
    const DAY = 86_400_000;
    // weekends only: runs of 2 days
    expect(businessDaysBound(2, holidayDays([]).longestRun)).toBe((2 * 4 + 2) * DAY);
    // Friday 2026-12-25 joins the weekend: 3 days off in a row
    expect(businessDaysBound(2, holidayDays(["2026-11-26", "2026-12-25"]).longestRun)).toBe((2 * 5 + 2) * DAY);
    // a run that starts on a weekend day before its first holiday: Saturday 2010-01-02 to Thursday 2010-01-07 (found by the property above)
    const runDates = ["2010-01-03", "2010-01-04", "2010-01-05", "2010-01-06", "2010-01-07"];
    const run = holidayDays(runDates);
    expect(businessDaysBound(1, run.longestRun)).toBe((1 * 8 + 2) * DAY);
    expect(addDuration(Date.UTC(2010, 0, 1), 1, "business-days", calendar("UTC", ...runDates)) - Date.UTC(2010, 0, 1)).toBeLessThanOrEqual(businessDaysBound(1, run.longestRun));
    // Samoa skipped 2011-12-30 (a Friday): from Thursday 2011-12-29 one business day later is Monday 2012-01-02
    const cal = calendar("Pacific/Apia");
    const thursday = at("2011-12-29T10:00:00-10:00");
    expect(iso(addDuration(thursday, 1, "business-days", cal))).toBe("2012-01-01T20:00:00Z"); // 10:00 at +14 (summer time)
    expect(addDuration(thursday, 1, "business-days", cal) - thursday).toBeLessThanOrEqual(businessDaysBound(1, cal.holidays.longestRun!));
  });
});

describe("quiet hours", () => {
  const evening = time("21:00");
  const morning = time("08:00");

  it("covers [start, end) wrapping midnight (21:00 to 08:00)", () => {
    expect(inQuietHours(at("2026-03-02T20:59:00-05:00"), evening, morning, zoneOf(NY))).toBe(false);
    expect(inQuietHours(at("2026-03-02T21:00:00-05:00"), evening, morning, zoneOf(NY))).toBe(true);
    expect(inQuietHours(at("2026-03-02T23:59:00-05:00"), evening, morning, zoneOf(NY))).toBe(true);
    expect(inQuietHours(at("2026-03-03T00:00:00-05:00"), evening, morning, zoneOf(NY))).toBe(true);
    expect(inQuietHours(at("2026-03-03T07:59:59-05:00"), evening, morning, zoneOf(NY))).toBe(true);
    expect(inQuietHours(at("2026-03-03T08:00:00-05:00"), evening, morning, zoneOf(NY))).toBe(false);
    expect(inQuietHours(at("2026-03-03T12:00:00-05:00"), evening, morning, zoneOf(NY))).toBe(false);
  });

  it("covers [start, end) without wrapping, and nothing when start equals end", () => {
    expect(inQuietHours(at("2026-03-02T12:30:00-05:00"), time("12:00"), time("13:00"), zoneOf(NY))).toBe(true);
    expect(inQuietHours(at("2026-03-02T13:00:00-05:00"), time("12:00"), time("13:00"), zoneOf(NY))).toBe(false);
    expect(inQuietHours(at("2026-03-02T11:59:00-05:00"), time("12:00"), time("13:00"), zoneOf(NY))).toBe(false);
    expect(inQuietHours(at("2026-03-02T12:00:00-05:00"), time("12:00"), time("12:00"), zoneOf(NY))).toBe(false);
  });

  it("uses the contact's zone: 02:00Z is quiet in New York, not in London", () => {
    expect(inQuietHours(at("2026-03-03T02:00:00Z"), evening, morning, zoneOf(NY))).toBe(true);
    expect(inQuietHours(at("2026-03-03T02:00:00Z"), time("00:00"), time("01:00"), zoneOf(LONDON))).toBe(false);
  });

  it("ends at the local end time, the same night or the next morning", () => {
    expect(iso(quietHoursEnd(at("2026-03-02T23:00:00-05:00"), evening, morning, zoneOf(NY)))).toBe("2026-03-03T13:00:00Z");
    expect(iso(quietHoursEnd(at("2026-03-03T02:00:00-05:00"), evening, morning, zoneOf(NY)))).toBe("2026-03-03T13:00:00Z");
    const outside = at("2026-03-03T12:00:00-05:00");
    expect(quietHoursEnd(outside, evening, morning, zoneOf(NY))).toBe(outside);
  });

  it("ends at 08:00 EDT on the spring-forward night (America/New_York 2026-03-08)", () => {
    expect(iso(quietHoursEnd(at("2026-03-07T22:00:00-05:00"), evening, morning, zoneOf(NY)))).toBe("2026-03-08T12:00:00Z");
  });

  it("ends at 08:00 EST on the fall-back night (America/New_York 2026-11-01)", () => {
    expect(iso(quietHoursEnd(at("2026-10-31T22:00:00-04:00"), evening, morning, zoneOf(NY)))).toBe("2026-11-01T13:00:00Z");
  });

  it("ends at 08:00 local on London's change nights (2026-03-29 and 2026-10-25)", () => {
    expect(iso(quietHoursEnd(at("2026-03-28T23:00:00Z"), evening, morning, zoneOf(LONDON)))).toBe("2026-03-29T07:00:00Z");
    expect(iso(quietHoursEnd(at("2026-10-24T23:00:00+01:00"), evening, morning, zoneOf(LONDON)))).toBe("2026-10-25T08:00:00Z");
  });

  it("ends at 08:00 local on Lord Howe's half-hour change nights (2026-04-05 and 2026-10-04)", () => {
    expect(iso(quietHoursEnd(at("2026-04-04T22:00:00+11:00"), evening, morning, zoneOf(LORD_HOWE)))).toBe("2026-04-04T21:30:00Z");
    expect(iso(quietHoursEnd(at("2026-10-03T22:00:00+10:30"), evening, morning, zoneOf(LORD_HOWE)))).toBe("2026-10-03T21:00:00Z");
  });

  it("ends when the clocks jump past an end time that does not exist that night", () => {
    // Quiet until 02:30, but 02:00 EST jumps to 03:00 EDT: the first instant outside is 03:00 EDT.
    expect(iso(quietHoursEnd(at("2026-03-07T22:00:00-05:00"), evening, time("02:30"), zoneOf(NY)))).toBe("2026-03-08T07:00:00Z");
  });

  it("ends at the first of two 01:30s, and again at the second when the repeated hour is quiet", () => {
    const end = time("01:30");
    expect(iso(quietHoursEnd(at("2026-10-31T23:00:00-04:00"), time("22:00"), end, zoneOf(NY)))).toBe("2026-11-01T05:30:00Z");
    // 01:10 EST comes after 01:59 EDT: its wall time is quiet again until 01:30 EST.
    expect(inQuietHours(at("2026-11-01T01:10:00-05:00"), time("22:00"), end, zoneOf(NY))).toBe(true);
    expect(iso(quietHoursEnd(at("2026-11-01T01:10:00-05:00"), time("22:00"), end, zoneOf(NY)))).toBe("2026-11-01T06:30:00Z");
  });

  it("quietHoursEnd is the first instant outside quiet hours (property, across DST zones)", () => {
    const zones = [NY, LONDON, LORD_HOWE, "Africa/Cairo", "America/Santiago", "Asia/Jerusalem", "UTC"];
    const timeOfDay = fc.record({ hour: fc.integer({ min: 0, max: 23 }), minute: fc.constantFrom(0, 15, 30, 45, 59) });
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
        timeOfDay,
        timeOfDay,
        fc.constantFrom(...zones),
        (ms, start, end, zone) => {
          const result = quietHoursEnd(ms, start, end, zoneOf(zone));
          expect(result).toBeGreaterThanOrEqual(ms);
          expect(inQuietHours(result, start, end, zoneOf(zone))).toBe(false);
          if (result > ms) {
            expect(inQuietHours(ms, start, end, zoneOf(zone))).toBe(true);
            expect(inQuietHours(result - 1, start, end, zoneOf(zone))).toBe(true);
            for (let step = 1; step < 8; step++) {
              const probe = ms + Math.floor(((result - ms) * step) / 8);
              expect(inQuietHours(probe, start, end, zoneOf(zone))).toBe(true);
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe("calendar windows", () => {
  it("puts 23:59 and 00:01 local in different days", () => {
    const late = at("2026-03-02T23:59:00-05:00");
    const early = at("2026-03-03T00:01:00-05:00");
    expect(iso(calendarWindowStart(late, "day", zoneOf(NY)))).toBe("2026-03-02T05:00:00Z");
    expect(iso(calendarWindowStart(early, "day", zoneOf(NY)))).toBe("2026-03-03T05:00:00Z");
    expect(iso(nextCalendarWindowStart(late, "day", zoneOf(NY)))).toBe("2026-03-03T05:00:00Z");
    // The same two instants share a UTC day but not a New York day.
    expect(localDate(late, zoneOf(NY))).toBe("2026-03-02");
    expect(localDate(late, zoneOf("UTC"))).toBe("2026-03-03");
  });

  it("has a 23-hour spring-forward day and a 25-hour fall-back day in New York", () => {
    const spring = at("2026-03-08T12:00:00-04:00");
    expect(iso(calendarWindowStart(spring, "day", zoneOf(NY)))).toBe("2026-03-08T05:00:00Z");
    expect(iso(nextCalendarWindowStart(spring, "day", zoneOf(NY)))).toBe("2026-03-09T04:00:00Z");
    const fall = at("2026-11-01T12:00:00-05:00");
    expect(iso(calendarWindowStart(fall, "day", zoneOf(NY)))).toBe("2026-11-01T04:00:00Z");
    expect(iso(nextCalendarWindowStart(fall, "day", zoneOf(NY)))).toBe("2026-11-02T05:00:00Z");
  });

  it("has London and Lord Howe days of their local length on change days", () => {
    expect(iso(calendarWindowStart(at("2026-03-29T12:00:00+01:00"), "day", zoneOf(LONDON)))).toBe("2026-03-29T00:00:00Z");
    expect(iso(nextCalendarWindowStart(at("2026-03-29T12:00:00+01:00"), "day", zoneOf(LONDON)))).toBe("2026-03-29T23:00:00Z");
    expect(iso(calendarWindowStart(at("2026-04-05T12:00:00+10:30"), "day", zoneOf(LORD_HOWE)))).toBe("2026-04-04T13:00:00Z");
    expect(iso(nextCalendarWindowStart(at("2026-04-05T12:00:00+10:30"), "day", zoneOf(LORD_HOWE)))).toBe("2026-04-05T13:30:00Z");
  });

  it("starts a day whose midnight does not exist at its first instant (America/Santiago 2026-09-06)", () => {
    expect(iso(calendarWindowStart(at("2026-09-06T12:00:00-03:00"), "day", zoneOf("America/Santiago")))).toBe("2026-09-06T04:00:00Z");
    expect(iso(nextCalendarWindowStart(at("2026-09-05T12:00:00-04:00"), "day", zoneOf("America/Santiago")))).toBe("2026-09-06T04:00:00Z");
  });

  it("uses ISO weeks from Monday 00:00 local", () => {
    // Sunday 2026-03-08 belongs to the week of Monday 2026-03-02 (EST); the next week starts in EDT.
    const sunday = at("2026-03-08T12:00:00-04:00");
    expect(iso(calendarWindowStart(sunday, "week", zoneOf(NY)))).toBe("2026-03-02T05:00:00Z");
    expect(iso(nextCalendarWindowStart(sunday, "week", zoneOf(NY)))).toBe("2026-03-09T04:00:00Z");
    const monday = at("2026-03-09T00:00:00-04:00");
    expect(calendarWindowStart(monday, "week", zoneOf(NY))).toBe(monday);
    // Across a year boundary: Thursday 2026-01-01 is in the week of Monday 2025-12-29.
    expect(iso(calendarWindowStart(at("2026-01-01T12:00:00Z"), "week", zoneOf("UTC")))).toBe("2025-12-29T00:00:00Z");
    expect(iso(nextCalendarWindowStart(at("2026-01-04T23:59:59Z"), "week", zoneOf("UTC")))).toBe("2026-01-05T00:00:00Z");
  });

  it("a calendar window contains its instant and ends where the next starts (property)", () => {
    const zones = [NY, LONDON, LORD_HOWE, "America/Santiago", "Africa/Cairo", "UTC"];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
        fc.constantFrom<"day" | "week">("day", "week"),
        fc.constantFrom(...zones),
        (ms, unit, zone) => {
          const start = calendarWindowStart(ms, unit, zoneOf(zone));
          const next = nextCalendarWindowStart(ms, unit, zoneOf(zone));
          expect(start).toBeLessThanOrEqual(ms);
          expect(next).toBeGreaterThan(ms);
          expect(calendarWindowStart(next, unit, zoneOf(zone))).toBe(next);
          expect(calendarWindowStart(next - 1, unit, zoneOf(zone))).toBe(start);
          const hours = (next - start) / 3_600_000;
          const nominal = unit === "day" ? 24 : 168;
          expect(Math.abs(hours - nominal)).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("agreement with luxon's own calendar (an independent oracle)", () => {
  const zones = [
    NY,
    LONDON,
    LORD_HOWE,
    "America/Santiago",
    "America/Havana",
    "Africa/Cairo",
    "Asia/Jerusalem",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "Pacific/Apia",
    "UTC",
  ];

  it("local dates and day/week starts match luxon's startOf (property)", async () => {
    const { DateTime } = await import("luxon");
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.constantFrom(...zones), (ms, zone) => {
        const local = DateTime.fromMillis(ms, { zone });
        const reading = (instant: number): string => DateTime.fromMillis(instant, { zone }).toFormat("yyyy-MM-dd HH:mm");
        // Where midnight happens twice luxon takes the second; the day starts at the first.
        const sameStart = (ours: number, theirs: number): void => {
          if (ours === theirs) return;
          expect(ours).toBeLessThan(theirs);
          expect(reading(ours)).toBe(reading(theirs));
        };
        expect(localDate(ms, zoneOf(zone))).toBe(local.toISODate());
        sameStart(calendarWindowStart(ms, "day", zoneOf(zone)), local.startOf("day").toMillis());
        sameStart(calendarWindowStart(ms, "week", zoneOf(zone)), local.startOf("week").toMillis());
        sameStart(nextCalendarWindowStart(ms, "day", zoneOf(zone)), local.startOf("day").plus({ days: 1 }).startOf("day").toMillis());
      }),
      { numRuns: RUNS },
    );
  });

  it("differs from luxon only where midnight happens twice: the day starts at the first (America/Havana 2026-11-01)", async () => {
    const { DateTime } = await import("luxon");
    // Havana falls back from 01:00 CDT to 00:00 CST: 00:00-00:59 is read twice on 1 November.
    const noon = at("2026-11-01T12:00:00-05:00");
    expect(iso(calendarWindowStart(noon, "day", zoneOf("America/Havana")))).toBe("2026-11-01T04:00:00Z");
    expect(iso(DateTime.fromMillis(noon, { zone: "America/Havana" }).startOf("day").toMillis())).toBe("2026-11-01T05:00:00Z");
    // The instant between the two midnights belongs to 1 November, so the day must start before it.
    expect(localDate(at("2026-11-01T04:30:00Z"), zoneOf("America/Havana"))).toBe("2026-11-01");
    expect(iso(nextCalendarWindowStart(at("2026-10-31T12:00:00-04:00"), "day", zoneOf("America/Havana")))).toBe("2026-11-01T04:00:00Z");
  });

  it("starts a day at its first instant where midnight is skipped (America/Havana 2026-03-08)", () => {
    expect(iso(calendarWindowStart(at("2026-03-08T12:00:00-04:00"), "day", zoneOf("America/Havana")))).toBe("2026-03-08T05:00:00Z");
  });
});

describe("a date the zone skips (Pacific/Apia crossed the date line after 2011-12-29)", () => {
  const apia = calendar("Pacific/Apia", "2011-12-29");

  it("is no business day to count", () => {
    // Thu 10:00 at -10:00; Friday 2011-12-30 never happened, so the next business day is Mon 2012-01-02 at +14:00.
    expect(iso(addDuration(at("2011-12-29T10:00:00-10:00"), 1, "business-days", calendar("Pacific/Apia")))).toBe(
      "2012-01-01T20:00:00Z",
    );
  });

  it("is no business day to start", () => {
    expect(iso(businessDayStart(at("2011-12-29T12:00:00-10:00"), apia))).toBe("2012-01-01T10:00:00Z");
    expect(localDate(at("2011-12-30T10:00:00Z"), zoneOf("Pacific/Apia"))).toBe("2011-12-31");
  });
});

describe("more daylight-saving edges", () => {
  const evening = (): TimeOfDay => time("21:00");
  it("quiet hours inside the repeated hour end after the second pass (America/New_York 2026-11-01)", () => {
    // 01:00-02:00 is quiet; the clock reads 01:xx twice, so the first instant outside is 02:00 EST.
    expect(iso(quietHoursEnd(at("2026-11-01T01:15:00-04:00"), time("01:00"), time("02:00"), zoneOf(NY)))).toBe("2026-11-01T07:00:00Z");
    expect(inQuietHours(at("2026-11-01T01:59:59-04:00"), time("01:00"), time("02:00"), zoneOf(NY))).toBe(true);
    expect(inQuietHours(at("2026-11-01T01:00:00-05:00"), time("01:00"), time("02:00"), zoneOf(NY))).toBe(true);
  });

  it("quiet hours that lie wholly in the skipped hour never apply that night", () => {
    const start = time("02:00");
    const end = time("03:00");
    expect(inQuietHours(at("2026-03-08T01:59:59-05:00"), start, end, zoneOf(NY))).toBe(false);
    expect(inQuietHours(at("2026-03-08T03:00:00-04:00"), start, end, zoneOf(NY))).toBe(false);
    expect(inQuietHours(at("2026-03-09T02:30:00-04:00"), start, end, zoneOf(NY))).toBe(true);
  });

  it("Lord Howe: quiet hours ending inside the half-hour gap end at 02:30 (2026-10-04)", () => {
    // 02:00 at +10:30 jumps to 02:30 at +11:00; quiet until 02:15 ends at the jump.
    expect(iso(quietHoursEnd(at("2026-10-03T22:00:00+10:30"), evening(), time("02:15"), zoneOf(LORD_HOWE)))).toBe("2026-10-03T15:30:00Z");
  });

  it("Lord Howe: the repeated half hour is quiet twice (2026-04-05)", () => {
    const end = time("01:45");
    expect(iso(quietHoursEnd(at("2026-04-04T22:00:00+11:00"), evening(), end, zoneOf(LORD_HOWE)))).toBe("2026-04-04T14:45:00Z");
    expect(inQuietHours(at("2026-04-05T01:35:00+10:30"), evening(), end, zoneOf(LORD_HOWE))).toBe(true);
    expect(iso(quietHoursEnd(at("2026-04-05T01:35:00+10:30"), evening(), end, zoneOf(LORD_HOWE)))).toBe("2026-04-04T15:15:00Z");
  });

  it("Lord Howe: ISO weeks of 167.5 and 168.5 hours", () => {
    const sunday = at("2026-04-05T12:00:00+10:30");
    expect(iso(calendarWindowStart(sunday, "week", zoneOf(LORD_HOWE)))).toBe("2026-03-29T13:00:00Z");
    expect(iso(nextCalendarWindowStart(sunday, "week", zoneOf(LORD_HOWE)))).toBe("2026-04-05T13:30:00Z");
    const october = at("2026-10-04T12:00:00+11:00");
    expect(iso(calendarWindowStart(october, "week", zoneOf(LORD_HOWE)))).toBe("2026-09-27T13:30:00Z");
    expect(iso(nextCalendarWindowStart(october, "week", zoneOf(LORD_HOWE)))).toBe("2026-10-04T13:00:00Z");
  });

  it("business days from inside the repeated hour keep its wall time (America/New_York 2026-11-01)", () => {
    // Both 01:30s of Sunday lead to Monday 01:30 EST.
    expect(iso(addDuration(at("2026-11-01T01:30:00-04:00"), 1, "business-days", calendar(NY)))).toBe("2026-11-02T06:30:00Z");
    expect(iso(addDuration(at("2026-11-01T01:30:00-05:00"), 1, "business-days", calendar(NY)))).toBe("2026-11-02T06:30:00Z");
  });

  it("business days across London's spring change and Santiago's autumn change", () => {
    expect(iso(addDuration(at("2026-03-27T01:30:00Z"), 1, "business-days", calendar(LONDON)))).toBe("2026-03-30T00:30:00Z");
    // Santiago leaves summer time at midnight between Saturday 4 and Sunday 5 April 2026.
    expect(iso(addDuration(at("2026-04-03T00:30:00-03:00"), 1, "business-days", calendar("America/Santiago")))).toBe(
      "2026-04-06T04:30:00Z",
    );
  });

  it("counts business days backwards with a negative amount", () => {
    const cal = calendar(NY, "2026-11-26");
    expect(iso(addDuration(at("2026-11-30T10:00:00-05:00"), -1, "business-days", cal))).toBe("2026-11-27T15:00:00Z");
    expect(iso(addDuration(at("2026-11-27T10:00:00-05:00"), -1, "business-days", cal))).toBe("2026-11-25T15:00:00Z");
    expect(addDuration(at("2026-11-27T10:00:00-05:00"), 0, "business-days", cal)).toBe(at("2026-11-27T10:00:00-05:00"));
  });

  it("starts Monday after London's autumn weekend at 00:00 GMT", () => {
    expect(iso(businessDayStart(at("2026-10-24T12:00:00+01:00"), calendar(LONDON)))).toBe("2026-10-26T00:00:00Z");
  });
});
