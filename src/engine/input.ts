/**
 * Checks and normalises what an application hands the engine: the contact,
 * the history, the proposed touch and instants. Bad input raises a
 * {@link HeedInputError} naming the offending field and, for an event, its
 * index in the history.
 *
 * @module
 */

import { HeedInputError } from "../diagnostics.js";
import type { Contact, EvaluateInput, ProposedTouch } from "../model.js";
import { isValidZone, parseInstant } from "./time.js";

const zoneValidity = new Map<string, boolean>();

/** {@link isValidZone}, remembered per name: asking the zone database is slow and names repeat. */
export function knownZone(zone: string): boolean {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    valid = isValidZone(zone);
    if (zoneValidity.size < 1024) zoneValidity.set(zone, valid);
  }
  return valid;
}

/** The common shape of instants: `2026-03-02T10:00:00-05:00`, `2026-03-02T15:00:00.250Z`. */
const COMMON_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an instant; the common shape by plain arithmetic (this runs for
 * every event of every evaluation), anything else by {@link parseInstant}.
 */
export function instantOf(text: string): number | undefined {
  const m = COMMON_INSTANT.exec(text);
  if (m !== null) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    const hour = Number(m[4]);
    const minute = Number(m[5]);
    const second = m[6] === undefined ? 0 : Number(m[6]);
    const millis = m[7] === undefined ? 0 : Number(m[7].padEnd(3, "0"));
    const offsetHours = m[10] === undefined ? 0 : Number(m[10]);
    const offsetMinutes = m[11] === undefined ? 0 : Number(m[11]);
    const daysInMonth = month >= 1 && month <= 12 ? new Date(Date.UTC(year, month, 0)).getUTCDate() : 0;
    if (day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 23 && offsetMinutes <= 59) {
      const sign = m[9] === "-" ? -1 : 1;
      const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
      // Date.UTC maps years 0-99 to 1900-1999: leave those to the general parser.
      if (year >= 100) return local - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
    }
  }
  return parseInstant(text);
}

/** An event after checking: its instant in epoch ms, auto-replies renamed. */
export interface NormalEvent {
  /** The event type; a `reply` with `auto: true` becomes `auto_reply`. */
  type: string;
  at: number;
  id: string | undefined;
  /** For touches: the channel. */
  channel: string | undefined;
  tags: readonly string[];
  /** The event as given, for conditions over the signal's props. */
  props: Record<string, unknown>;
}

function show(value: unknown): string {
  if (typeof value === "string") return value;
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses an ISO-8601 instant with an offset or `Z`, or raises `invalid-time` for `field`. */
export function parseTime(value: unknown, field: string, index?: number): number {
  if (typeof value !== "string") {
    throw new HeedInputError("invalid-time", field, `\`${field}\` must be an ISO-8601 instant with an offset or \`Z\`, got \`${show(value)}\``, index);
  }
  const ms = instantOf(value);
  if (ms === undefined) {
    throw new HeedInputError("invalid-time", field, `\`${field}\` is not an ISO-8601 instant with an offset or \`Z\`: \`${value}\``, index);
  }
  return ms;
}

function checkTags(value: unknown, field: string, code: string, index?: number): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((t) => typeof t === "string")) {
    throw new HeedInputError(code, field, `\`${field}\` must be a list of strings, got \`${show(value)}\``, index);
  }
  return value as string[];
}

/** Checks the contact: a string `id`, a valid `timezone` when present, well-formed attributes. */
export function checkContact(contact: unknown): Contact {
  if (!isRecord(contact)) {
    throw new HeedInputError("invalid-contact", "contact", `\`contact\` must be an object, got \`${show(contact)}\``);
  }
  if (typeof contact.id !== "string") {
    throw new HeedInputError("invalid-contact", "contact.id", `\`contact.id\` must be a string, got \`${show(contact.id)}\``);
  }
  if (contact.timezone !== undefined) {
    if (typeof contact.timezone !== "string" || !knownZone(contact.timezone)) {
      throw new HeedInputError(
        "unknown-timezone",
        "contact.timezone",
        `unknown time zone \`${show(contact.timezone)}\` in \`contact.timezone\` (expected an IANA name such as \`America/New_York\`)`,
      );
    }
  }
  if (contact.attributes !== undefined && !isRecord(contact.attributes)) {
    throw new HeedInputError("invalid-contact", "contact.attributes", `\`contact.attributes\` must be an object, got \`${show(contact.attributes)}\``);
  }
  return contact as unknown as Contact;
}

/** Checks one history event; `index` is its position in the history (for messages). */
export function checkEvent(event: unknown, index: number | undefined, field: string): NormalEvent {
  if (!isRecord(event)) {
    throw new HeedInputError("invalid-event", field, `\`${field}\` must be an object, got \`${show(event)}\``, index);
  }
  if (typeof event.type !== "string" || event.type === "") {
    throw new HeedInputError("invalid-event", `${field}.type`, `\`${field}.type\` must be a non-empty string, got \`${show(event.type)}\``, index);
  }
  const at = parseTime(event.at, `${field}.at`, index);
  if (event.id !== undefined && typeof event.id !== "string") {
    throw new HeedInputError("invalid-event", `${field}.id`, `\`${field}.id\` must be a string, got \`${show(event.id)}\``, index);
  }
  const tags = checkTags(event.tags, `${field}.tags`, "invalid-event", index);
  let channel: string | undefined;
  if (event.type === "touch") {
    if (typeof event.channel !== "string" || event.channel === "") {
      throw new HeedInputError("invalid-event", `${field}.channel`, `touch \`${field}\` needs a \`channel\` string, got \`${show(event.channel)}\``, index);
    }
    channel = event.channel;
  } else if (typeof event.channel === "string") {
    channel = event.channel;
  }
  const type = event.type === "reply" && event.auto === true ? "auto_reply" : event.type;
  return { type, at, id: event.id as string | undefined, channel, tags, props: event };
}

/** Checks the proposed touch. */
export function checkTouch(touch: unknown): ProposedTouch {
  if (!isRecord(touch)) {
    throw new HeedInputError("invalid-touch", "touch", `\`touch\` must be an object, got \`${show(touch)}\``);
  }
  if (typeof touch.channel !== "string" || touch.channel === "") {
    throw new HeedInputError("invalid-touch", "touch.channel", `\`touch.channel\` must be a non-empty string, got \`${show(touch.channel)}\``);
  }
  checkTags(touch.tags, "touch.tags", "invalid-touch");
  return touch as ProposedTouch;
}

/** Checks a whole `evaluate` input; returns the events in input order. */
export function checkInput(input: EvaluateInput): { contact: Contact; events: NormalEvent[]; touch: ProposedTouch; at: number } {
  if (!isRecord(input)) {
    throw new HeedInputError("invalid-input", "input", `the input must be an object with \`contact\`, \`history\`, \`touch\` and \`at\``);
  }
  const contact = checkContact(input.contact);
  const history: unknown = input.history ?? [];
  if (!Array.isArray(history)) {
    throw new HeedInputError("invalid-history", "history", `\`history\` must be a list of events, got \`${show(history)}\``);
  }
  const events = history.map((event: unknown, i: number) => checkEvent(event, i, `history[${i}]`));
  const touch = checkTouch(input.touch);
  const at = parseTime(input.at, "at");
  return { contact, events, touch, at };
}

/**
 * The history as the engine processes it: duplicates by `id` dropped (the
 * first in input order is kept), events after `at` dropped, sorted stably by
 * instant.
 */
export function orderHistory(events: readonly NormalEvent[], at: number): NormalEvent[] {
  const seen = new Set<string>();
  const kept: NormalEvent[] = [];
  for (const event of events) {
    if (event.id !== undefined) {
      if (seen.has(event.id)) continue;
      seen.add(event.id);
    }
    if (event.at <= at) kept.push(event);
  }
  // Array.prototype.sort is stable, so events at one instant keep their input order.
  return kept.sort((a, b) => a.at - b.at);
}

