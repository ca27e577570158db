/**
 * Fast local-calendar arithmetic for the hand-written peer: zone offsets from
 * `Intl`, cached per zone and UTC hour (every zone the benchmark uses changes
 * offset on a whole UTC hour), and local dates as day numbers since the
 * epoch. Semantics follow the spec: a local time in a daylight-saving gap
 * moves forward by the gap; an ambiguous one takes the earlier instant.
 *
 * @module
 */

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, Map<number, number>>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}

function computeOffset(zone: string, utc: number): number {
  const parts = formatter(zone).formatToParts(new Date(utc));
  let y = 0;
  let mo = 0;
  let d = 0;
  let h = 0;
  let mi = 0;
  let s = 0;
  for (const p of parts) {
    switch (p.type) {
      case "year":
        y = Number(p.value);
        break;
      case "month":
        mo = Number(p.value);
        break;
      case "day":
        d = Number(p.value);
        break;
      case "hour":
        h = Number(p.value);
        break;
      case "minute":
        mi = Number(p.value);
        break;
      case "second":
        s = Number(p.value);
        break;
      default:
        break;
    }
  }
  return Date.UTC(y, mo - 1, d, h, mi, s) - utc;
}

/** The zone's offset from UTC (ms) at the instant `utc`. */
export function offsetAt(zone: string, utc: number): number {
  let perZone = offsets.get(zone);
  if (perZone === undefined) {
    perZone = new Map();
    offsets.set(zone, perZone);
  }
  const bucket = Math.floor(utc / HOUR);
  let off = perZone.get(bucket);
  if (off === undefined) {
    off = computeOffset(zone, bucket * HOUR);
    perZone.set(bucket, off);
  }
  return off;
}

/** Local wall time as ms since the epoch "as if UTC". */
export function toWall(zone: string, utc: number): number {
  return utc + offsetAt(zone, utc);
}

/**
 * The instant of a local wall time. An ambiguous wall time (a daylight-saving
 * overlap) takes the earlier instant; one in a gap moves forward by the gap.
 */
export function fromWall(zone: string, wall: number): number {
  // at most one offset change lies within 15 hours of any wall time
  const before = offsetAt(zone, wall - 15 * HOUR);
  const after = offsetAt(zone, wall + 15 * HOUR);
  if (before === after) return wall - before;
  const beforeFits = offsetAt(zone, wall - before) === before;
  const afterFits = offsetAt(zone, wall - after) === after;
  if (beforeFits && afterFits) return wall - Math.max(before, after);
  if (beforeFits) return wall - before;
  if (afterFits) return wall - after;
  return wall - Math.min(before, after);
}

/** Day number (days since 1970-01-01) of a local date `YYYY-MM-DD`. */
export function dayNumber(date: string): number {
  const [y, m, d] = date.split("-").map(Number);
  return Date.UTC(y!, m! - 1, d!) / DAY;
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekday(dayNum: number): number {
  return (((dayNum + 4) % 7) + 7) % 7;
}

/** A zone with a holiday set: the local calendar of business days. */
export class BusinessCalendar {
  private readonly holidays: Set<number>;
  constructor(holidays: readonly string[]) {
    this.holidays = new Set(holidays.map(dayNumber));
  }

  isBusinessDayNum(dayNum: number): boolean {
    const wd = weekday(dayNum);
    return wd !== 0 && wd !== 6 && !this.holidays.has(dayNum);
  }

  isBusinessDay(zone: string, utc: number): boolean {
    return this.isBusinessDayNum(Math.floor(toWall(zone, utc) / DAY));
  }

  /** `utc` on a business day, else the local midnight starting the next one. */
  businessDayStart(zone: string, utc: number): number {
    let dn = Math.floor(toWall(zone, utc) / DAY);
    if (this.isBusinessDayNum(dn)) return utc;
    do dn++;
    while (!this.isBusinessDayNum(dn));
    return fromWall(zone, dn * DAY);
  }

  /** The same local time on the `n`th next business day. */
  addBusinessDays(zone: string, utc: number, n: number): number {
    const wall = toWall(zone, utc);
    let dn = Math.floor(wall / DAY);
    const timeOfDay = wall - dn * DAY;
    for (let i = 0; i < n; i++) {
      do dn++;
      while (!this.isBusinessDayNum(dn));
    }
    return fromWall(zone, dn * DAY + timeOfDay);
  }
}

/** The local midnight starting the day after the one containing `utc`. */
export function nextLocalMidnight(zone: string, utc: number): number {
  const dn = Math.floor(toWall(zone, utc) / DAY);
  return fromWall(zone, (dn + 1) * DAY);
}

/** The local midnight starting the day containing `utc`. */
export function localMidnight(zone: string, utc: number): number {
  const dn = Math.floor(toWall(zone, utc) / DAY);
  return fromWall(zone, dn * DAY);
}
