import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { civilFromDays, daysFromCivil, daysInMonth, formatDate, isLeapYear, isoWeekday, isValidDate, parseDate } from "../../src/calendar.js";

const DAY = 86_400_000;

describe("calendar", () => {
  it("knows the leap years and the month lengths", () => {
    expect([1900, 2000, 2024, 2026, 2100].map(isLeapYear)).toEqual([false, true, true, false, false]);
    expect([daysInMonth(2024, 2), daysInMonth(2026, 2), daysInMonth(2026, 4), daysInMonth(2026, 12), daysInMonth(2026, 13)]).toEqual([29, 28, 30, 31, 0]);
    expect([isValidDate(2026, 2, 29), isValidDate(2028, 2, 29), isValidDate(2026, 0, 1), isValidDate(2026, 6, 31)]).toEqual([false, true, false, false]);
  });

  it("reads `YYYY-MM-DD` dates, refusing days that do not exist", () => {
    expect(parseDate("1970-01-01")).toBe(0);
    expect(parseDate("2026-11-26")).toBe(Date.UTC(2026, 10, 26) / DAY);
    expect(parseDate("0050-12-25")).toBe(daysFromCivil(50, 12, 25));
    expect([parseDate("2026-02-30"), parseDate("2026-13-01"), parseDate("2026-1-01"), parseDate("26-01-01")]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("day numbers agree with Date for years 100-9999, and dates read back from them", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(100, 0, 1) / DAY, max: Date.UTC(9999, 11, 31) / DAY }), (days) => {
        const date = new Date(days * DAY);
        const civil = civilFromDays(days);
        expect(civil).toEqual({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() });
        expect(daysFromCivil(civil.year, civil.month, civil.day)).toBe(days);
        expect(formatDate(days)).toBe(date.toISOString().slice(0, 10));
        expect(parseDate(formatDate(days))).toBe(days);
        expect(isoWeekday(days)).toBe(((date.getUTCDay() + 6) % 7) + 1);
      }),
    );
  });
});
