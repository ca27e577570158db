/**
 * The playground bundles web/src/moment-timezone.ts in place of
 * moment-timezone (web/build.mjs): on what the holiday data asks of it, it
 * must answer as moment-timezone does.
 */

import Holidays from "date-holidays";
import momentTz from "moment-timezone";
import { describe, expect, it } from "vitest";

import shim from "../../web/src/moment-timezone.js";

const DAY = 86_400_000;

describe("the playground's moment-timezone on luxon", () => {
  it("gives each holiday's start and end the instants moment-timezone gives", () => {
    const zones = ["America/New_York", "Europe/London", "Europe/Berlin", "Asia/Tokyo", "Australia/Sydney", "America/Santiago", "Asia/Riyadh", "Pacific/Apia"];
    let compared = 0;
    for (const zone of zones) {
      // every local midnight and evening of a few years, daylight-saving changes included
      for (let day = Date.UTC(2026, 0, 1); day < Date.UTC(2027, 0, 1); day += DAY) {
        for (const time of ["00:00:00", "18:00:00", "02:30:00"]) {
          const local = `${new Date(day).toISOString().slice(0, 10)} ${time}`;
          expect(new Date(shim.tz(local, zone).format()).getTime(), `${local} in ${zone}`).toBe(new Date(momentTz.tz(local, zone).format()).getTime());
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(8_000);
  });

  it("reads an instant's local date in a zone and at an offset as moment-timezone does", () => {
    for (let ms = Date.UTC(2025, 0, 1, 3, 17); ms < Date.UTC(2027, 0, 1); ms += DAY / 3 + 1_234_567) {
      const text = new Date(ms).toISOString();
      for (const zone of ["Asia/Shanghai", "America/Santiago", "GMT"]) {
        const a = shim(text).tz(zone);
        const b = momentTz(text).tz(zone);
        expect([a.year(), a.month(), a.date(), a.hours(), a.minutes(), a.seconds()]).toEqual([b.year(), b.month(), b.date(), b.hours(), b.minutes(), b.seconds()]);
        const c = shim.tz(new Date(ms), zone);
        const d = momentTz.tz(new Date(ms), zone);
        expect([c.year(), c.month(), c.date(), c.hours()]).toEqual([d.year(), d.month(), d.date(), d.hours()]);
      }
      const a = shim(text).utcOffset("+09:00");
      const b = momentTz(text).utcOffset("+09:00");
      expect([a.month(), a.date()]).toEqual([b.month(), b.date()]);
    }
  });

  it("is all the holiday data asks of it: the public holidays computed through it are the package's", () => {
    // the equinoxes (Japan) go through `moment(text).utcOffset`, the other days through `moment.tz(text, zone)`
    const jp = new Holidays("JP", { types: ["public"] });
    const equinoxes = jp.getHolidays(2026, "en").filter((h) => /equinox/i.test(h.name));
    expect(equinoxes.map((h) => h.date.slice(0, 10))).toEqual(["2026-03-20", "2026-09-23"]);
  });
});
