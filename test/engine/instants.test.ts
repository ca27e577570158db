import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { instantOf } from "../../src/engine/input.js";
import { formatInstant } from "../../src/engine/time.js";

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

describe("instants read by arithmetic", () => {
  it("agree with Date.parse on every valid ISO-8601 instant with an offset or Z", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("0101-01-01T00:00:00Z"), max: new Date("9998-12-31T23:59:59Z"), noInvalidDate: true }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        fc.constantFrom("ms", "s", "min"),
        (date, offsetMinutes, precision) => {
          const local = new Date(date.getTime() + offsetMinutes * 60_000);
          const base = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
          const time = precision === "min" ? base : precision === "s" ? `${base}:${pad(local.getUTCSeconds())}` : `${base}:${pad(local.getUTCSeconds())}.${pad(local.getUTCMilliseconds(), 3)}`;
          const sign = offsetMinutes < 0 ? "-" : "+";
          const abs = Math.abs(offsetMinutes);
          const text = offsetMinutes === 0 ? `${time}Z` : `${time}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
          expect(instantOf(text)).toBe(Date.parse(text));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("refuses dates that do not exist instead of rolling them over", () => {
    expect(instantOf("2026-02-29T10:00:00Z")).toBeUndefined();
    expect(instantOf("2026-04-31T10:00:00Z")).toBeUndefined();
    expect(instantOf("2028-02-29T10:00:00Z")).toBe(Date.parse("2028-02-29T10:00:00Z"));
  });
});

describe("instants written by arithmetic", () => {
  const viaDate = (ms: number): string => {
    const iso = new Date(ms).toISOString();
    return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso;
  };

  it("agree with Date's ISO text (without .000) on every instant, before 1970 and after 9999 included", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: Date.UTC(1969, 0, 1), max: Date.UTC(10001, 0, 1) }),
          fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2028, 0, 1) }).map((ms) => ms - (ms % 60_000)),
        ),
        (ms) => {
          expect(formatInstant(ms)).toBe(viaDate(ms));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it("writes whole seconds without millis and keeps leading zeros", () => {
    expect(formatInstant(Date.UTC(2026, 2, 8, 7, 0))).toBe("2026-03-08T07:00:00Z");
    expect(formatInstant(Date.UTC(2026, 11, 31, 23, 59, 59, 5))).toBe("2026-12-31T23:59:59.005Z");
    expect(formatInstant(Date.UTC(2028, 1, 29, 0, 0, 0, 250))).toBe("2028-02-29T00:00:00.250Z");
    expect(formatInstant(0)).toBe("1970-01-01T00:00:00Z");
  });
});
