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
import { daysFromCivil, daysInMonth } from "../calendar.js";
import { isValidZone, parseInstant, type ZoneTable } from "./time.js";

/** The number at `text[at, at + width)` when all are digits, else -1. */
function digits(text: string, at: number, width: number): number {
  let value = 0;
  for (let i = at; i < at + width; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * The common shape of instants (`2026-03-02T10:00:00-05:00`,
 * `2026-03-02T15:00:00.250Z`, seconds optional) read by plain arithmetic;
 * undefined when the text has another shape.
 */
function commonInstant(text: string): number | undefined {
  const n = text.length;
  // '-' 45, ':' 58, 'T' 84, '.' 46, 'Z' 90, '+' 43
  if (n < 17 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  let i = 16;
  let second = 0;
  let millis = 0;
  if (text.charCodeAt(i) === 58) {
    second = digits(text, i + 1, 2);
    i += 3;
    if (text.charCodeAt(i) === 46) {
      let width = 0;
      while (width < 4 && i + 1 + width < n && text.charCodeAt(i + 1 + width) >= 48 && text.charCodeAt(i + 1 + width) <= 57) width++;
      if (width === 0 || width > 3) return undefined;
      millis = digits(text, i + 1, width) * (width === 1 ? 100 : width === 2 ? 10 : 1);
      i += 1 + width;
    }
  }
  let offset = 0;
  const sign = text.charCodeAt(i);
  if (i === n - 1 && sign === 90) {
    offset = 0;
  } else if (i === n - 6 && (sign === 43 || sign === 45) && text.charCodeAt(i + 3) === 58) {
    const oh = digits(text, i + 1, 2);
    const om = digits(text, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return undefined;
    offset = (sign === 45 ? -1 : 1) * (oh * 60 + om) * 60_000;
  } else {
    return undefined;
  }
  if (year < 100 || month < 1 || month > 12 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  return (((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60 + second) * 1000 + millis - offset;
}

/**
 * Parses an instant; the common shape by plain arithmetic (this runs for
 * every event of every evaluation), anything else by {@link parseInstant}.
 */
export function instantOf(text: string): number | undefined {
  return commonInstant(text) ?? parseInstant(text);
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
  if (!isStringList(value)) {
    throw new HeedInputError(code, field, `\`${field}\` must be a list of strings, got \`${show(value)}\``, index);
  }
  return value as string[];
}

/**
 * Checks the contact: a string `id`, a valid `timezone` when present,
 * well-formed attributes. `zones`, the compiled engine's table, remembers
 * which names are zones; without it the zone database is asked.
 */
export function checkContact(contact: unknown, zones?: ZoneTable): Contact {
  if (!isRecord(contact)) {
    throw new HeedInputError("invalid-contact", "contact", `\`contact\` must be an object, got \`${show(contact)}\``);
  }
  if (typeof contact.id !== "string") {
    throw new HeedInputError("invalid-contact", "contact.id", `\`contact.id\` must be a string, got \`${show(contact.id)}\``);
  }
  if (contact.timezone !== undefined) {
    if (typeof contact.timezone !== "string" || !(zones === undefined ? isValidZone(contact.timezone) : zones.isValid(contact.timezone))) {
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

/**
 * Checks one history event; `index` is its position in the history (for
 * messages). `name` is the event's field, undefined for `history[index]`
 * (built only when needed). The common case, a well-formed event, is checked without building
 * anything: the field's name and the message are made only for an error
 * ({@link eventError}), since this runs for every event of every evaluation.
 */
export function checkEvent(event: unknown, index: number | undefined, name: string | undefined): NormalEvent {
  if (!isRecord(event)) return eventError(event, index, name);
  const type = event.type;
  const text = event.at;
  const at = typeof text === "string" ? instantOf(text) : undefined;
  const id = event.id;
  const tags = event.tags;
  const channel = event.channel;
  if (
    typeof type !== "string" ||
    type === "" ||
    at === undefined ||
    (id !== undefined && typeof id !== "string") ||
    (tags !== undefined && !isStringList(tags)) ||
    (type === "touch" && (typeof channel !== "string" || channel === ""))
  ) {
    return eventError(event, index, name);
  }
  return {
    type: type === "reply" && event.auto === true ? "auto_reply" : type,
    at,
    id,
    channel: typeof channel === "string" ? channel : undefined,
    tags: tags === undefined ? NO_TAGS : (tags as string[]),
    props: event,
  };
}

function isStringList(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== "string") return false;
  return true;
}

/** Raises the error for an event {@link checkEvent} refused, naming its first bad field. */
function eventError(event: unknown, index: number | undefined, name: string | undefined): never {
  const field = name ?? `history[${index ?? 0}]`;
  if (!isRecord(event)) {
    throw new HeedInputError("invalid-event", field, `\`${field}\` must be an object, got \`${show(event)}\``, index);
  }
  if (typeof event.type !== "string" || event.type === "") {
    throw new HeedInputError("invalid-event", `${field}.type`, `\`${field}.type\` must be a non-empty string, got \`${show(event.type)}\``, index);
  }
  parseTime(event.at, `${field}.at`, index);
  if (event.id !== undefined && typeof event.id !== "string") {
    throw new HeedInputError("invalid-event", `${field}.id`, `\`${field}.id\` must be a string, got \`${show(event.id)}\``, index);
  }
  checkTags(event.tags, `${field}.tags`, "invalid-event", index);
  throw new HeedInputError("invalid-event", `${field}.channel`, `touch \`${field}\` needs a \`channel\` string, got \`${show(event.channel)}\``, index);
}

const NO_TAGS: readonly string[] = Object.freeze([]);

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
export function checkInput(input: EvaluateInput, zones?: ZoneTable): { contact: Contact; events: NormalEvent[]; touch: ProposedTouch; at: number } {
  if (!isRecord(input)) {
    throw new HeedInputError("invalid-input", "input", `the input must be an object with \`contact\`, \`history\`, \`touch\` and \`at\``);
  }
  const contact = checkContact(input.contact, zones);
  const history: unknown = input.history ?? [];
  if (!Array.isArray(history)) {
    throw new HeedInputError("invalid-history", "history", `\`history\` must be a list of events, got \`${show(history)}\``);
  }
  const events: NormalEvent[] = new Array<NormalEvent>(history.length);
  for (let i = 0; i < history.length; i++) events[i] = checkEvent(history[i], i, undefined);
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
  let seen: Set<string> | undefined;
  const kept: NormalEvent[] = [];
  let sorted = true;
  let last = -Infinity;
  for (const event of events) {
    if (event.id !== undefined) {
      seen ??= new Set();
      if (seen.has(event.id)) continue;
      seen.add(event.id);
    }
    if (event.at <= at) {
      if (event.at < last) sorted = false;
      last = event.at;
      kept.push(event);
    }
  }
  // Most histories arrive in order. Array.prototype.sort is stable, so events
  // at one instant keep their input order.
  return sorted ? kept : kept.sort((a, b) => a.at - b.at);
}
