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
  const ms = parseInstant(value);
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
    if (typeof contact.timezone !== "string" || !isValidZone(contact.timezone)) {
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

