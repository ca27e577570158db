/**
 * `heed/testing`: fast-check arbitraries and a driver, so teams can
 * property-test their own cadence policies.
 *
 * ```ts
 * import fc from "fast-check";
 * import { compile, parsePolicy } from "heed";
 * import { personaArbitrary, driveContact, contactArbitrary } from "heed/testing";
 *
 * const engine = compile(parsePolicy(text).policy!);
 * fc.assert(
 *   fc.property(personaArbitrary(), contactArbitrary(), (persona, contact) => {
 *     const run = driveContact(engine, { contact, persona, start: "2026-03-02T09:00:00Z", channels: ["email", "call"] });
 *     // a contact who answered negatively is never touched again
 *     return !persona.reactions.some((r) => r.event.sentiment === "negative") ||
 *       run.touches.length <= Math.min(...persona.reactions.map((r) => r.afterTouch));
 *   }),
 * );
 * ```
 *
 * @module
 */

import fc from "fast-check";

import type { Engine } from "./engine/api.js";
import type { DriveOptions, DriveResult, Persona, Reaction } from "./analysis/drive.js";
import { driveContact, SILENT } from "./analysis/drive.js";
import { formatInstant, parseInstant } from "./engine/time.js";
import type { AttributeValue, Contact, HistoryEvent } from "./model.js";

export type { DriveOptions, DriveResult, Persona, Reaction, SentTouch } from "./analysis/drive.js";
export { driveContact, SILENT };

/** Time zones contacts are drawn from: both hemispheres, half-hour offsets and a 30-minute DST shift. */
export const SAMPLE_ZONES: readonly string[] = [
  "America/New_York",
  "America/Los_Angeles",
  "Europe/London",
  "Europe/Berlin",
  "Asia/Kolkata",
  "Australia/Lord_Howe",
  "UTC",
];

/** Options of {@link contactArbitrary}. */
export interface ContactArbitraryOptions {
  /** Zones to draw from; default {@link SAMPLE_ZONES}. */
  zones?: readonly string[];
  /** Whether some contacts have no time zone at all. Default false. */
  withoutZone?: boolean;
  /** Attribute names and the values each may take; each attribute is present or missing at random. */
  attributes?: Record<string, readonly AttributeValue[]>;
}

/** Contacts with a time zone (or none, when asked) and attributes drawn from the given values. */
export function contactArbitrary(options: ContactArbitraryOptions = {}): fc.Arbitrary<Contact> {
  const zones = options.zones ?? SAMPLE_ZONES;
  const zone = options.withoutZone ? fc.option(fc.constantFrom(...zones), { nil: undefined }) : fc.constantFrom(...zones);
  const attributeEntries = Object.entries(options.attributes ?? {}).map(([name, values]) =>
    fc.option(fc.constantFrom(...values), { nil: undefined }).map((v) => [name, v] as const),
  );
  return fc.record({ id: fc.uuid(), zone, attrs: fc.tuple(...attributeEntries) }).map(({ id, zone: tz, attrs }) => {
    const contact: Contact = { id };
    if (tz !== undefined) contact.timezone = tz;
    const attributes: Record<string, AttributeValue> = {};
    for (const [name, value] of attrs) if (value !== undefined) attributes[name] = value;
    if (Object.keys(attributes).length > 0) contact.attributes = attributes;
    return contact;
  });
}

/** A signal a history may contain, with the props it may carry. */
export interface SignalShape {
  /** The signal's type (`reply`, `unsubscribe`, ...). */
  type: string;
  /** Each prop is present or missing at random, with one of the values. */
  props?: Record<string, readonly (string | number | boolean)[]>;
}

/** Options of {@link historyArbitrary}. */
export interface HistoryArbitraryOptions {
  /** The channels touches are drawn from. */
  channels: readonly string[];
  /** Signals to mix in; default reply (with sentiment and prefers), meeting_booked, unsubscribe, content_download, open. */
  signals?: readonly SignalShape[];
  /** The earliest instant of the history (ISO-8601). */
  start: string;
  /** Events spread over this many days after `start`. Default 30. */
  spanDays?: number;
  /** At most this many events. Default 12. */
  maxEvents?: number;
  /** Tags touches may carry. Default none. */
  tags?: readonly string[];
  /** Whether to add duplicate deliveries (same `id`) and auto-replies. Default true. */
  noise?: boolean;
  /** Events fall on multiples of this many minutes after `start` (60 or 1440 make coincidences likely). Default 1. */
  stepMinutes?: number;
}

/** The signals {@link historyArbitrary} uses by default. */
export const DEFAULT_SIGNALS: readonly SignalShape[] = [
  { type: "reply", props: { sentiment: ["positive", "neutral", "negative"], prefers: ["email", "call"] } },
  { type: "meeting_booked" },
  { type: "unsubscribe" },
  { type: "content_download" },
  { type: "open" },
];

const MINUTE = 60_000;

/**
 * Histories of touches and signals at whole minutes within `spanDays` after
 * `start`, in input order (not necessarily sorted), with optional noise:
 * auto-replies and events delivered twice under one `id`.
 */
export function historyArbitrary(options: HistoryArbitraryOptions): fc.Arbitrary<HistoryEvent[]> {
  const start = parseInstant(options.start);
  if (start === undefined) throw new Error(`invalid start instant \`${options.start}\``);
  const span = (options.spanDays ?? 30) * 1440;
  const signals = options.signals ?? DEFAULT_SIGNALS;
  const step = Math.max(1, Math.floor(options.stepMinutes ?? 1));
  const minute = fc.integer({ min: 0, max: Math.floor(span / step) }).map((n) => n * step);
  const touch = fc
    .record({
      minute,
      channel: fc.constantFrom(...options.channels),
      tags: options.tags && options.tags.length > 0 ? fc.subarray([...options.tags]) : fc.constant([] as string[]),
    })
    .map(({ minute: m, channel, tags }): HistoryEvent => {
      const e: HistoryEvent = { type: "touch", at: formatInstant(start + m * MINUTE), channel };
      if (tags.length > 0) e.tags = tags;
      return e;
    });
  const signalArbs = signals.map((shape) => {
    const props = Object.entries(shape.props ?? {}).map(([name, values]) =>
      fc.option(fc.constantFrom(...values), { nil: undefined }).map((v) => [name, v] as const),
    );
    return fc.record({ minute, props: fc.tuple(...props), auto: fc.boolean() }).map(({ minute: m, props: ps, auto }) => {
      const e: HistoryEvent = { type: shape.type, at: formatInstant(start + m * MINUTE) };
      for (const [name, value] of ps) if (value !== undefined) e[name] = value;
      if (shape.type === "reply" && options.noise !== false && auto && m % 5 === 0) e.auto = true;
      return e;
    });
  });
  const event = fc.oneof({ arbitrary: touch, weight: 3 }, ...signalArbs.map((arbitrary) => ({ arbitrary, weight: 1 })));
  return fc.array(event, { maxLength: options.maxEvents ?? 12 }).chain((events) => {
    if (options.noise === false || events.length === 0) return fc.constant(events);
    // Some events are delivered twice: the copy shares the id and may differ in time.
    return fc.array(fc.nat({ max: events.length - 1 }), { maxLength: 2 }).map((dups) => {
      const out: HistoryEvent[] = events.map((e, i) => ({ ...e, id: `ev${i}` }));
      for (const i of dups) {
        const original = out[i] as HistoryEvent;
        out.push({ ...original, at: formatInstant((parseInstant(original.at) ?? start) + 7 * MINUTE) });
      }
      return out;
    });
  });
}

/** The personas of {@link personaArbitrary}. */
export type PersonaKind = "silent" | "replies" | "unsubscribes" | "negative-reply" | "books-meeting" | "prefers-email";

/** A persona of the given kind, answering after its `afterTouch`-th touch, `delayMinutes` later. */
export function persona(kind: PersonaKind, afterTouch = 1, delayMinutes = 60): Persona {
  const at = (event: Reaction["event"]): Reaction[] => [{ afterTouch, delayMinutes, event }];
  switch (kind) {
    case "silent":
      return SILENT;
    case "replies":
      return { name: `replies on touch ${afterTouch}`, reactions: at({ type: "reply", sentiment: "positive" }) };
    case "unsubscribes":
      return { name: `unsubscribes after touch ${afterTouch}`, reactions: at({ type: "unsubscribe" }) };
    case "negative-reply":
      return { name: `replies negatively on touch ${afterTouch}`, reactions: at({ type: "reply", sentiment: "negative" }) };
    case "books-meeting":
      return { name: `books a meeting after touch ${afterTouch}`, reactions: at({ type: "meeting_booked" }) };
    case "prefers-email":
      return { name: `asks for email on touch ${afterTouch}`, reactions: at({ type: "reply", prefers: "email" }) };
  }
}

/** Personas: silent, replies on touch N, unsubscribes, replies negatively, books a meeting, asks for email. */
export function personaArbitrary(options: { maxTouch?: number } = {}): fc.Arbitrary<Persona> {
  return fc
    .record({
      kind: fc.constantFrom<PersonaKind>("silent", "replies", "unsubscribes", "negative-reply", "books-meeting", "prefers-email"),
      afterTouch: fc.integer({ min: 1, max: options.maxTouch ?? 5 }),
      delayMinutes: fc.integer({ min: 1, max: 3 * 1440 }),
    })
    .map(({ kind, afterTouch, delayMinutes }) => persona(kind, afterTouch, delayMinutes));
}

/**
 * Drives a persona with an eager sender against a compiled policy (see
 * {@link driveContact}); a shorthand that fills in the contact and start.
 */
export function drivePersona(
  engine: Engine,
  who: Persona,
  options: Omit<DriveOptions, "persona" | "contact"> & { contact?: Contact },
): DriveResult {
  return driveContact(engine, { ...options, persona: who, contact: options.contact ?? { id: "persona", timezone: "UTC" } });
}
