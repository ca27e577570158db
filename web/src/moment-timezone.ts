/**
 * What the holiday data needs of `moment-timezone`, on luxon: the page
 * bundles this instead (web/build.mjs aliases the package here), since
 * moment-timezone with its zone data is about 800 KB that luxon, already in
 * the page, does the work of. `date-holidays` asks it two things: the
 * instant a local date-time has in a zone (a holiday's start and end), and
 * the local date of an instant in a zone or at an offset (the equinoxes
 * of Japan, Chile and Taiwan). test/web/moment-timezone.test.ts compares
 * the answers with moment-timezone's.
 *
 * @module
 */

import { DateTime, FixedOffsetZone, IANAZone } from "luxon";

const DAY = 86_400_000;

/**
 * A local date-time `YYYY-MM-DD HH:mm:ss` in a zone, as moment-timezone
 * reads it: a time that happens twice (the autumn overlap) is the earlier
 * instant; a time the clocks skip moves forward by the gap (luxon's reading).
 */
function localTime(text: string, zone: string): DateTime {
  const wall = DateTime.fromSQL(text, { zone: "utc" }).toMillis();
  const iana = IANAZone.create(zone);
  let earliest: number | undefined;
  for (const offset of [iana.offset(wall - DAY), iana.offset(wall + DAY)]) {
    const instant = wall - offset * 60_000;
    if (iana.offset(instant) === offset && (earliest === undefined || instant < earliest)) earliest = instant;
  }
  return earliest === undefined ? DateTime.fromSQL(text, { zone }) : DateTime.fromMillis(earliest, { zone });
}

/** The part of a moment the holiday data reads. */
class Moment {
  constructor(private readonly dt: DateTime) {}

  year(): number {
    return this.dt.year;
  }
  /** 0 for January, as moment has it. */
  month(): number {
    return this.dt.month - 1;
  }
  date(): number {
    return this.dt.day;
  }
  hours(): number {
    return this.dt.hour;
  }
  minutes(): number {
    return this.dt.minute;
  }
  seconds(): number {
    return this.dt.second;
  }
  /** ISO-8601 with the offset: `2026-11-26T00:00:00-05:00`. */
  format(): string {
    return this.dt.toISO({ suppressMilliseconds: true }) ?? "Invalid date";
  }
  /** The same instant in a zone. */
  tz(zone: string): Moment {
    return new Moment(this.dt.setZone(zone));
  }
  /** The same instant at a fixed offset (`+09:00`). */
  utcOffset(offset: string): Moment {
    const match = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset);
    const minutes = match === null ? 0 : (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3] ?? 0));
    return new Moment(this.dt.setZone(FixedOffsetZone.instance(minutes)));
  }
}

/** `moment(text)`: an instant written in ISO-8601 (the holiday data writes them with `Z`). */
function moment(input: string | Date): Moment {
  return new Moment(input instanceof Date ? DateTime.fromJSDate(input, { zone: "utc" }) : DateTime.fromISO(input, { zone: "utc" }));
}

/**
 * `moment.tz(text, zone)`: the local date-time `YYYY-MM-DD HH:mm:ss` in a
 * zone (a time the clocks skip moves forward, as in moment);
 * `moment.tz(date, zone)`: an instant, read in the zone.
 */
moment.tz = (input: string | Date, zone: string): Moment =>
  new Moment(input instanceof Date ? DateTime.fromJSDate(input, { zone }) : localTime(input, zone));

export default moment;
