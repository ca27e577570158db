/**
 * The work of adding business days, counted in readings of a zone's offset
 * (each a question to the runtime's time-zone data, the costly part).
 * Found by the hostile fuzzer (seed 20261203, inputs 765,033 and 974,411):
 * a policy with an `after 1001 business days` loop, stepped through a
 * history from year 0001 to 9999, took 1.1 to 1.5 s, nearly all of it
 * reading the zone's offset every 28 days over each sum's four years, for
 * up to 2,000 timers a walk. A zone's offset is now read once per 364-day
 * stretch, and every 28 days only in a stretch where it moves by half a
 * day (across the date line). Decisions are unchanged: see
 * `business-days-reference.test.ts`.
 */

import { IANAZone } from "luxon";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { HeedInputError } from "../../src/diagnostics.js";
import { compile } from "../../src/engine/index.js";
import { addDuration, formatInstant, holidayDays, makeCalendar, parseInstant, ZoneTable } from "../../src/engine/time.js";
import { LIMITS } from "../../src/checks/index.js";
import { parsePolicy } from "../../src/parser/index.js";

/** Counts every reading of a zone's offset (luxon's `IANAZone#offset`, which the engine's zones ask). */
let readings = 0;
const offset = IANAZone.prototype.offset;
beforeEach(() => {
  readings = 0;
  IANAZone.prototype.offset = function (this: IANAZone, ms: number): number {
    readings++;
    return offset.call(this, ms);
  };
});
afterEach(() => {
  IANAZone.prototype.offset = offset;
});

/** The shape of input 765,033: a stage restarted every 1,001 business days. */
const LOOP = `cadence "role" {
  timezone from contact.timezone else "UTC"
  channels b
  ignore window 3 business days
  start stage a {
    allow b
  }
  after 1001 business days move to a
}
`;

describe("an `after N business days` loop over the years 0001 to 9999", () => {
  for (const zone of ["America/New_York", "Pacific/Apia", "Asia/Manila"]) {
    it(`follows its 2,000 timers reading the zone a few times per timer, not once per 28 days (${zone})`, () => {
      const { policy, diagnostics } = parsePolicy(LOOP, { format: "dsl" });
      expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const engine = compile(policy!);
      const input = {
        contact: { id: "c", timezone: zone },
        history: [{ type: "touch", channel: "b", at: "0001-01-01T00:00:00Z" }],
        touch: { channel: "b" },
        at: "9999-12-31T23:59:59Z",
      };
      let error: unknown;
      try {
        engine.evaluate(input);
      } catch (thrown) {
        error = thrown;
      }
      // 2,000 timers of 1,001 business days reach about year 5500: the walk stops there
      expect(error).toBeInstanceOf(HeedInputError);
      expect((error as HeedInputError).code).toBe("too-many-timers");
      // each timer's sum spans about four years: four stretches, and the instant's offsets around its day
      // (was: about 50 readings of samples per timer, 110,000 in all)
      expect(readings).toBeLessThan(2_000 * 12);
    });
  }
});

describe("one sum of business days", () => {
  const sum = (zone: string, from: string, amount: number): number => {
    const cal = makeCalendar(new ZoneTable().zone(zone), holidayDays([]));
    readings = 0;
    addDuration(parseInstant(from)!, amount, "business-days", cal);
    return readings;
  };

  it("of the maximum (26,000 business days, 100 years) reads the zone once a year, wherever the years lie", () => {
    for (const zone of ["UTC", "America/New_York", "Europe/London", "Pacific/Kiritimati"]) {
      for (const from of ["0001-01-01T12:00:00Z", "2000-06-01T12:00:00Z", "5000-03-01T12:00:00Z", "9899-12-01T12:00:00Z"]) {
        // 101 stretches of 364 days, and a few readings for the sum's own instant (measured: 108 to 111; was: 1,311)
        expect(sum(zone, from, LIMITS.businessDays), `${zone} from ${from}`).toBeLessThanOrEqual(115);
      }
    }
  });

  it("across the date line reads the 28-day samples of that one stretch, and the days around the move, besides", () => {
    // Samoa skipped 2011-12-30, Kiribati's Line Islands 1994-12-31, Manila 1844-12-31; Kwajalein went back a day in 1969 and skipped 1993-08-21
    for (const [zone, from, moves] of [
      ["Pacific/Apia", "1990-01-02T12:00:00-11:00", 1],
      ["Pacific/Kiritimati", "1990-01-02T12:00:00-10:00", 1],
      ["Asia/Manila", "1800-01-02T12:00:00Z", 1],
      ["Pacific/Kwajalein", "1900-01-02T12:00:00Z", 2],
    ] as const) {
      // 14 samples and about 35 days around each move, 2 readings a day (measured: 193, 193, 232 and 278)
      expect(sum(zone, from, LIMITS.businessDays), zone).toBeLessThanOrEqual(115 + 150 * moves);
    }
  });

  it("of a few business days at a time (walked day by day) reads the zone a few times per sum", () => {
    const cal = makeCalendar(new ZoneTable().zone("Europe/Paris"), holidayDays([]));
    readings = 0;
    let at = parseInstant("3000-01-01T10:00:00Z")!;
    for (let i = 0; i < 200; i++) at = addDuration(at, 5, "business-days", cal);
    // 200 sums of a week: about 3 stretches, and the offsets of about 1,400 days around the instants
    expect(readings).toBeLessThan(200 * 8);
    expect(formatInstant(at)).toBe("3003-11-02T10:00:00Z");
  });
});
