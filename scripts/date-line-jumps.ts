/**
 * Checks the assumption behind the engine's search for skipped dates
 * (`src/engine/time.ts`, `skippedWeekdays`) against the time-zone data of
 * the Node that runs it (ICU's copy of the tz database):
 *
 *   npx tsx scripts/date-line-jumps.ts            # every zone, years -100 to 10100
 *   npx tsx scripts/date-line-jumps.ts --zones Pacific/Apia,Asia/Manila
 *
 * A zone skips a date only by moving its offset forward by a day, across
 * the date line. The engine samples each zone's offset every 28 days
 * (samples whose offsets differ by 12 hours or more bracket such a move),
 * and first every 13 samples (364 days): it looks at the 28-day samples of
 * a 364-day stretch only when the offsets at the stretch's two ends differ
 * by 12 hours or more. That misses nothing as long as no zone moves its
 * offset by 12 hours or more between two 28-day samples of a stretch whose
 * ends differ by less (a zone crossing the date line and back within a
 * year). This script reads every 28-day sample of every zone
 * `Intl.supportedValuesOf("timeZone")` lists, over years -100 to 10100 (a
 * history runs from year 0001 to 9999, and a sum reaches at most a
 * hundred years beyond), lists the moves of 12 hours or more it finds, and
 * fails when one lies in a stretch whose ends differ by less.
 *
 * Offsets are read with `Intl.DateTimeFormat`'s `longOffset` (ICU), not
 * through luxon as the engine reads them; luxon's reading is compared at
 * every move found and at the ends of its stretch.
 */

import { IANAZone } from "luxon";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** As in `src/engine/time.ts`. */
const SAMPLE_DAYS = 28;
const STRETCH_SAMPLES = 13;

/** 0001-01-01T00:00:00Z. */
const YEAR_1 = -62_135_596_800_000;
const FIRST = YEAR_1 - 101 * 366 * DAY;
const LAST = Date.UTC(9999, 11, 31) + 102 * 366 * DAY;

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/** The offset in milliseconds in a `longOffset` reading: `GMT`, `GMT+08:03:52`, `GMT-10:00`. */
function readOffset(text: string): number {
  const match = /GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (match === null) throw new Error(`unexpected reading \`${text}\``);
  const [, sign, h, m, s] = match;
  if (sign === undefined) return 0;
  return (sign === "-" ? -1 : 1) * ((Number(h) * 60 + Number(m)) * MINUTE + Number(s ?? 0) * 1000);
}

interface Move {
  zone: string;
  at: string;
  from: number;
  to: number;
  stretchEnds: [number, number];
}

function check(zone: string, moves: Move[], misses: Move[], disagreements: string[]): number {
  const format = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
  const luxon = IANAZone.create(zone);
  const first = Math.floor(FIRST / (SAMPLE_DAYS * DAY));
  const last = Math.ceil(LAST / (SAMPLE_DAYS * DAY));
  const offsets = new Float64Array(last - first + 1);
  for (let index = first; index <= last; index++) offsets[index - first] = readOffset(format.format(index * SAMPLE_DAYS * DAY));
  const at = (index: number): number => offsets[index - first]!;
  const viaLuxon = (index: number): void => {
    const ours = luxon.offset(index * SAMPLE_DAYS * DAY) * MINUTE;
    // luxon reads whole seconds and rounds nothing away beyond them
    if (Math.abs(ours - at(index)) >= 1000) disagreements.push(`${zone} at sample ${index}: luxon ${ours / HOUR} h, ICU ${at(index) / HOUR} h`);
  };
  for (let index = first; index < last; index++) {
    if (Math.abs(at(index + 1) - at(index)) < 12 * HOUR) continue;
    const stretch = Math.floor(index / STRETCH_SAMPLES) * STRETCH_SAMPLES;
    const start = Math.max(first, stretch);
    const end = Math.min(last, stretch + STRETCH_SAMPLES);
    const move: Move = {
      zone,
      at: new Date(index * SAMPLE_DAYS * DAY).toISOString().slice(0, 10),
      from: at(index) / HOUR,
      to: at(index + 1) / HOUR,
      stretchEnds: [at(start) / HOUR, at(end) / HOUR],
    };
    moves.push(move);
    if (Math.abs(at(end) - at(start)) < 12 * HOUR) misses.push(move);
    for (const i of [index, index + 1, start, end]) viaLuxon(i);
  }
  // and a spread of samples besides, so that the two readings are known to agree beyond the moves
  for (let index = first; index <= last; index += 997) viaLuxon(index);
  return last - first + 1;
}

const zones = option("zones")?.split(",") ?? Intl.supportedValuesOf("timeZone");
const moves: Move[] = [];
const misses: Move[] = [];
const disagreements: string[] = [];
let samples = 0;
const started = performance.now();
for (const zone of zones) samples += check(zone, moves, misses, disagreements);
console.log(`ICU ${process.versions.icu}, tz ${process.versions.tz}: ${zones.length} zones, ${samples} samples of 28 days, years -100 to 10100, ${((performance.now() - started) / 1000).toFixed(0)} s`);
console.log(`moves of 12 hours or more between two samples: ${moves.length}`);
for (const move of moves) {
  const hours = (value: number): string => `${value >= 0 ? "+" : ""}${value.toFixed(2)}`;
  console.log(`  ${move.zone} in the 28 days from ${move.at}: ${hours(move.from)} h to ${hours(move.to)} h; its stretch's ends ${hours(move.stretchEnds[0])} h, ${hours(move.stretchEnds[1])} h`);
}
for (const line of disagreements.slice(0, 20)) console.log(`luxon and ICU disagree: ${line}`);
if (misses.length > 0) console.log(`MISSED: ${misses.length} moves lie in a stretch whose ends differ by less than 12 hours`);
else console.log("every move lies in a stretch whose ends differ by 12 hours or more");
process.exitCode = misses.length > 0 || disagreements.length > 0 ? 1 : 0;
