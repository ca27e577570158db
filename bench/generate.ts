/**
 * Deterministic contact histories for the benchmark: a seeded PRNG drives
 * every choice, so the same seed always gives the same cases, byte for byte.
 * Histories mix touches on the policy's channels with replies (sentiments,
 * preferred channels, auto-replies), downloads, opens, clicks, bounces,
 * meetings, connected calls, unsubscribes and purchases; some are delivered
 * out of order or twice (the same `id`), and some proposed touches fall in
 * the middle of the history.
 *
 * @module
 */

import type { Contact, EvaluateInput, HistoryEvent, ProposedTouch } from "../src/model.js";
import { mulberry32 } from "../src/random.js";
import { DAY, HOUR, MINUTE } from "./tz.js";

/** mulberry32: small, fast and good enough to spread cases. */
export const prng = mulberry32;

export const ZONES = [
  "America/New_York",
  "America/Los_Angeles",
  "America/Chicago",
  "Europe/London",
  "Europe/Berlin",
  "Asia/Tokyo",
  "Asia/Kolkata",
  "Australia/Sydney",
] as const;

export const CHANNELS = ["email", "call", "sms", "linkedin", "calendar-invite"] as const;

const ROLES = ["marketer", "analyst", "student", "engineer", "vp-sales", "founder"];
const PRODUCTS = ["crm", "analytics", "dialer"];

type Rand = () => number;

function pick<T>(rand: Rand, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

function weighted<T>(rand: Rand, table: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of table) total += w;
  let x = rand() * total;
  for (const [value, w] of table) {
    x -= w;
    if (x < 0) return value;
  }
  return table[table.length - 1]![0];
}

/** An instant as ISO-8601: mostly `Z`, sometimes with a numeric offset. */
export function iso(rand: Rand, ms: number): string {
  if (rand() < 0.8) return new Date(ms).toISOString().replace(".000Z", "Z");
  const offMin = pick(rand, [-300, -240, 60, 120, 330, 540]);
  const local = new Date(ms + offMin * MINUTE).toISOString().slice(0, 19);
  const sign = offMin < 0 ? "-" : "+";
  const abs = Math.abs(offMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

function makeContact(rand: Rand, i: number): Contact {
  const attributes: Record<string, string | number | boolean | string[]> = {};
  if (rand() < 0.85) attributes.role = pick(rand, ROLES);
  if (rand() < 0.7) attributes.customer = rand() < 0.3;
  if (rand() < 0.4) attributes.products = PRODUCTS.filter(() => rand() < 0.4);
  attributes.score = Math.floor(rand() * 100);
  const contact: Contact = { id: `c${i}`, attributes };
  if (rand() < 0.85) contact.timezone = pick(rand, ZONES);
  return contact;
}

type EventKind =
  | "touch"
  | "open"
  | "click"
  | "content_download"
  | "reply"
  | "meeting_booked"
  | "call_connected"
  | "bounce"
  | "unsubscribe"
  | "purchase";

const KINDS: readonly (readonly [EventKind, number])[] = [
  ["touch", 48],
  ["open", 21],
  ["click", 3],
  ["content_download", 7],
  ["reply", 8],
  ["meeting_booked", 2],
  ["call_connected", 3],
  ["bounce", 1],
  ["unsubscribe", 0.25],
  ["purchase", 0.25],
];

const TOUCH_CHANNELS: readonly (readonly [string, number])[] = [
  ["email", 40],
  ["call", 25],
  ["linkedin", 15],
  ["calendar-invite", 10],
  ["sms", 10],
];

function makeEvent(rand: Rand, kind: EventKind, at: string, closing: boolean): HistoryEvent {
  switch (kind) {
    case "touch": {
      const e: HistoryEvent = { type: "touch", at, channel: weighted(rand, TOUCH_CHANNELS) };
      if (rand() < 0.1) e.tags = ["meeting-ask"];
      if (rand() < 0.3) e.campaign = pick(rand, ["acquisition", "expansion", "webinar"]);
      if (rand() < 0.2) e.template = `t${Math.floor(rand() * 20)}`;
      return e;
    }
    case "reply": {
      const e: HistoryEvent = { type: "reply", at };
      if (rand() < 0.2) e.auto = true;
      if (rand() < 0.7) e.sentiment = weighted(rand, [["positive", 3], ["neutral", 5], ["negative", 1]] as const);
      if (rand() < 0.25) e.prefers = pick(rand, ["email", "call", "sms"]);
      return e;
    }
    case "content_download":
      return { type: "content_download", at, asset: `wp-${Math.floor(rand() * 9)}` };
    case "unsubscribe":
    case "purchase":
      return closing ? { type: kind, at } : { type: "open", at };
    default:
      return { type: kind, at };
  }
}

/** Gaps between events: minutes to days, skewed short. */
function gap(rand: Rand): number {
  const r = rand();
  if (r < 0.3) return Math.floor(rand() * 6 * HOUR);
  if (r < 0.8) return Math.floor(rand() * 3 * DAY);
  return Math.floor(rand() * 8 * DAY);
}

const EPOCH_START = Date.UTC(2026, 0, 5, 13, 0);
const EPOCH_SPAN = Date.UTC(2026, 11, 20) - EPOCH_START;

export interface GenerateOptions {
  /** Events per history: a fixed number, or [min, max]. */
  events: number | readonly [number, number];
  /** Whether unsubscribes and purchases occur (scaling runs turn them off). */
  closing?: boolean;
  /**
   * Round every instant down to a multiple of this many ms (default one
   * minute). A coarse grid (hours) makes events fall exactly on timers and
   * window edges, to hunt for ordering disagreements.
   */
  grid?: number;
}

/** One benchmark case: a contact, its history, a proposed touch and an instant. */
export function generateCase(rand: Rand, i: number, options: GenerateOptions): EvaluateInput {
  const contact = makeContact(rand, i);
  const n =
    typeof options.events === "number"
      ? options.events
      : options.events[0] + Math.floor(rand() * (options.events[1] - options.events[0] + 1));
  const closing = options.closing ?? true;
  const grid = options.grid ?? MINUTE;
  let t = EPOCH_START + Math.floor(rand() * EPOCH_SPAN);
  t -= t % grid;
  const history: HistoryEvent[] = [];
  const times: number[] = [];
  for (let k = 0; k < n; k++) {
    t += gap(rand);
    t -= t % grid;
    const kind = weighted(rand, KINDS);
    const event = makeEvent(rand, kind, iso(rand, t), closing);
    if (rand() < 0.1) event.id = `e${i}-${k}`;
    history.push(event);
    times.push(t);
  }
  // webhooks deliver twice: a copy with the same id (kept: the first in input order)
  if (history.length > 0 && rand() < 0.15) {
    const k = Math.floor(rand() * history.length);
    const original = history[k]!;
    original.id = `e${i}-${k}`;
    const copy: HistoryEvent = { ...original, at: iso(rand, times[k]! + Math.floor(rand() * 3) * Math.max(HOUR, grid)) };
    history.splice(Math.min(history.length, k + 1 + Math.floor(rand() * 3)), 0, copy);
  }
  // some histories arrive unsorted
  if (rand() < 0.15) {
    for (let s = 0; s < 3; s++) {
      const a = Math.floor(rand() * history.length);
      const b = Math.floor(rand() * history.length);
      const tmp = history[a]!;
      history[a] = history[b]!;
      history[b] = tmp;
    }
  }
  const last = times.length > 0 ? times[times.length - 1]! : t;
  let at: number;
  const r = rand();
  if (r < 0.08 && times.length > 2) at = times[Math.floor(rand() * times.length)]! + Math.floor(rand() * 2 * HOUR);
  else if (r < 0.4) at = last + Math.floor(rand() * 2 * DAY);
  else at = last + Math.floor(rand() * 20 * DAY);
  at -= at % grid;
  const touch: ProposedTouch = {
    channel: rand() < 0.02 ? "fax" : weighted(rand, TOUCH_CHANNELS.map(([c, w]) => [c, c === "sms" ? 3 : w] as const)),
  };
  if (rand() < 0.1) touch.tags = ["meeting-ask"];
  if (rand() < 0.2) touch.campaign = pick(rand, ["acquisition", "expansion"]);
  if (rand() < 0.25) touch.product = pick(rand, PRODUCTS);
  return { contact, history, touch, at: iso(rand, at) };
}

/** `count` cases from `seed`. */
export function generateCases(seed: number, count: number, options: GenerateOptions): EvaluateInput[] {
  const rand = prng(seed);
  const cases: EvaluateInput[] = [];
  for (let i = 0; i < count; i++) cases.push(generateCase(rand, i, options));
  return cases;
}
