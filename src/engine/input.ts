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
import { isInstantOutOfRange, isValidZone, parseInstant, YEAR_10000, type ZoneTable } from "./time.js";
import type { IrDeclaration, IrPolicy, IrValueType } from "./ir.js";

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
 * The two digits at `text[at, at + 2)` as a number, else -1 (also past the
 * end of the text, where a character code is NaN and fails both tests).
 */
function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The common shape of instants (`2026-03-02T10:00:00-05:00`,
 * `2026-03-02T15:00:00.250Z`, seconds optional) read by plain arithmetic;
 * undefined when the text has another shape. Every field is read as a pair
 * of digits and bounded as soon as it is read (this runs for every event of
 * every evaluation: a fifth of `evaluate()`).
 */
function commonInstant(text: string): number | undefined {
  const n = text.length;
  // '-' 45, ':' 58, 'T' 84, '.' 46, 'Z' 90, '+' 43
  if (n < 17 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58) return undefined;
  const century = twoDigits(text, 0);
  const yearOfCentury = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  // years from 0100 (`century` 0 is a year below 100)
  if (century < 1 || yearOfCentury < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined;
  const year = century * 100 + yearOfCentury;
  let i = 16;
  let second = 0;
  let millis = 0;
  let c = text.charCodeAt(i);
  if (c === 58) {
    second = twoDigits(text, i + 1);
    if (second < 0 || second > 59) return undefined;
    i += 3;
    c = text.charCodeAt(i);
    if (c === 46) {
      let width = 0;
      while (width < 4 && i + 1 + width < n && text.charCodeAt(i + 1 + width) >= 48 && text.charCodeAt(i + 1 + width) <= 57) width++;
      if (width === 0 || width > 3) return undefined;
      millis = digits(text, i + 1, width) * (width === 1 ? 100 : width === 2 ? 10 : 1);
      i += 1 + width;
      c = text.charCodeAt(i);
    }
  }
  let offset = 0;
  if (i === n - 1 && c === 90) {
    offset = 0;
  } else if (i === n - 6 && (c === 43 || c === 45) && text.charCodeAt(i + 3) === 58) {
    const oh = twoDigits(text, i + 1);
    const om = twoDigits(text, i + 4);
    if (oh < 0 || oh > 15 || om < 0 || om > 59) return undefined;
    offset = (c === 45 ? -1 : 1) * (oh * 60 + om) * 60_000;
  } else {
    return undefined;
  }
  if (day > 28 && day > daysInMonth(year, month)) return undefined;
  const ms = (((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60 + second) * 1000 + millis - offset;
  return ms < YEAR_10000 ? ms : undefined;
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
    if (isInstantOutOfRange(value)) {
      throw new HeedInputError(
        "invalid-time",
        field,
        `\`${field}\` is out of range: \`${value}\` (instants go from year 0001 to 9999, offsets from -15:59 to +15:59)`,
        index,
      );
    }
    throw new HeedInputError("invalid-time", field, `\`${field}\` is not an ISO-8601 instant with an offset or \`Z\`: \`${value}\``, index);
  }
  return ms;
}

// ---------------------------------------------------------------- JSON data the stores can keep

/** How deep values in attributes, props and touches may nest. */
export const MAX_VALUE_DEPTH = 64;

/**
 * What is wrong with a value, and where in it (`.note.deep`, `[1]`, or `""`
 * for the value itself). A value nested too deeply is named by its field
 * alone (`deep`): the path down to the limit says nothing more.
 */
interface ValueProblem {
  path: string;
  reason: string;
  deep: boolean;
}

/** Characters no store can keep as they are: NUL (PostgreSQL text and jsonb refuse it) and surrogates, which are fine only in pairs. */
const SUSPECT = /[\u0000\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `String.prototype.isWellFormed` (ES2024: Node 20 has it, and so do current browsers). */
type WellFormed = { isWellFormed(): boolean };
const NATIVE_WELL_FORMED = typeof (String.prototype as Partial<WellFormed>).isWellFormed === "function";

/**
 * True when a store can keep the text as it is: no NUL and no lone
 * surrogate (nearly every string). Told by two built-ins where there are
 * (a one-byte string has no surrogates at all), else by a loop that also
 * sends surrogate pairs to the full check; either is cheaper than a
 * regular expression on the short strings of events, checked on every
 * evaluation.
 */
function plain(text: string): boolean {
  if (NATIVE_WELL_FORMED) return !text.includes("\u0000") && (text as unknown as WellFormed).isWellFormed();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

function stringReason(text: string): string | undefined {
  if (plain(text) || !SUSPECT.test(text)) return undefined;
  if (text.includes("\u0000")) return "contains a NUL character (`\\u0000`), which no store can keep";
  if (LONE_SURROGATE.test(text)) return "contains a lone surrogate (text that is not valid Unicode), which no store can keep";
  return undefined;
}

/** A key as a path segment: `.role`, or `["odd key"]` (escaped, so that a NUL in a key is shown, not printed). */
function keySegment(key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/**
 * The first thing in a value that a store could not keep as it is, or that
 * is not JSON data: a string with a NUL or a lone surrogate, a number that
 * is not finite, a function, a value nested more than {@link MAX_VALUE_DEPTH}
 * levels deep. Walked to that depth and no further, so that a value of any
 * depth (or a cycle) is refused, never overflows the stack.
 */
function valueProblem(value: unknown, depth: number): ValueProblem | undefined {
  switch (typeof value) {
    case "string": {
      const reason = stringReason(value);
      return reason === undefined ? undefined : { path: "", reason, deep: false };
    }
    case "number":
      return Number.isFinite(value) ? undefined : { path: "", reason: `is \`${String(value)}\`, not a finite number`, deep: false };
    case "boolean":
    case "undefined":
      return undefined;
    case "object": {
      if (value === null) return undefined;
      if (depth >= MAX_VALUE_DEPTH) return { path: "", reason: `is nested more than ${MAX_VALUE_DEPTH} levels deep`, deep: true };
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const inner = valueProblem(value[i], depth + 1);
          if (inner !== undefined) return inner.deep ? inner : { path: `[${i}]${inner.path}`, reason: inner.reason, deep: false };
        }
        return undefined;
      }
      return recordProblem(value as Record<string, unknown>, depth);
    }
    default:
      return { path: "", reason: `is a ${typeof value}, not JSON data`, deep: false };
  }
}

/** {@link valueProblem} of each field of an object, keys included. */
function recordProblem(record: Record<string, unknown>, depth: number): ValueProblem | undefined {
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const keyReason = stringReason(key);
    if (keyReason !== undefined) return { path: keySegment(key), reason: `has a name that ${keyReason}`, deep: false };
    const inner = valueProblem(record[key], depth + 1);
    if (inner !== undefined) return inner.deep ? inner : { path: `${keySegment(key)}${inner.path}`, reason: inner.reason, deep: false };
  }
  return undefined;
}

/**
 * Raises `code` for the first problem in the fields of an object (the
 * contact, its attributes, an event, the touch), naming the field and the
 * place in it; `field` is the object's own path. Each field's value is
 * walked from depth 0.
 */
function checkFields(record: Record<string, unknown>, code: string, field: string, index?: number, skip?: string): void {
  for (const key in record) {
    if (!Object.hasOwn(record, key) || key === skip) continue;
    const keyReason = stringReason(key);
    const inner: ValueProblem | undefined =
      keyReason !== undefined ? { path: "", reason: `has a name that ${keyReason}`, deep: false } : valueProblem(record[key], 0);
    if (inner !== undefined) {
      const path = `${field}${keySegment(key)}${inner.path}`;
      throw new HeedInputError(code, path, `\`${path}\` ${inner.reason}`, index);
    }
  }
}

function checkTags(value: unknown, field: string, code: string, index?: number): readonly string[] {
  if (value === undefined) return [];
  if (!isStringList(value)) {
    throw new HeedInputError(code, field, `\`${field}\` must be a list of strings, got \`${show(value)}\``, index);
  }
  return value as string[];
}

/**
 * Checks the contact handed in: its shape ({@link checkContactShape}) and
 * that a store can keep every string and value of it.
 */
export function checkContact(contact: unknown, zones?: ZoneTable): Contact {
  const checked = checkContactShape(contact, zones);
  const fields = checked as unknown as Record<string, unknown>;
  checkFields(fields, "invalid-contact", "contact", undefined, "attributes");
  if (checked.attributes !== undefined) checkFields(checked.attributes, "invalid-contact", "contact.attributes");
  return checked;
}

/**
 * Checks the shape of a contact: a string `id`, a valid `timezone` when
 * present, attributes that are an object. Enough for the contact kept in a
 * snapshot, which was checked whole when the snapshot was started. `zones`,
 * the compiled engine's table, remembers which names are zones; without it
 * the zone database is asked.
 */
export function checkContactShape(contact: unknown, zones?: ZoneTable): Contact {
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
  if (contact.account !== undefined && typeof contact.account !== "string") {
    throw new HeedInputError("invalid-contact", "contact.account", `\`contact.account\` must be a string, got \`${show(contact.account)}\``);
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
  if (!eventClean(event)) checkFields(event, "invalid-event", name ?? `history[${index ?? 0}]`, index);
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

/**
 * True when every field of a well-formed event can be kept by a store as
 * it is: the fields the engine reads by their plain names, any other
 * through {@link valueProblem}. (`at` has been read as an instant, which
 * takes only digits and separators.)
 */
function eventClean(event: Record<string, unknown>): boolean {
  for (const key in event) {
    const value = event[key];
    switch (key) {
      case "at":
      case "auto":
        if (typeof value !== "string" && valueProblem(value, 0) !== undefined) return false;
        continue;
      case "type":
      case "id":
      case "channel":
        if (typeof value === "string" ? !plain(value) : valueProblem(value, 0) !== undefined) return false;
        continue;
      case "tags":
        if (Array.isArray(value)) {
          for (let i = 0; i < value.length; i++) if (!plain(value[i] as string)) return false;
          continue;
        }
        if (valueProblem(value, 0) !== undefined) return false;
        continue;
      default:
        // a clean field passes whether it is the event's own or not; only a suspect one asks
        if ((typeof value === "string" ? plain(value) : valueProblem(value, 0) === undefined) && plain(key)) continue;
        if (!Object.hasOwn(event, key)) continue;
        return false;
    }
  }
  return true;
}

/** {@link eventClean} for the proposed touch (its channel and tags are strings, checked before). */
function touchClean(touch: Record<string, unknown>): boolean {
  for (const key in touch) {
    const value = touch[key];
    switch (key) {
      case "channel":
        if (!plain(value as string)) return false;
        continue;
      case "tags":
        if (value !== undefined) for (let i = 0; i < (value as string[]).length; i++) if (!plain((value as string[])[i]!)) return false;
        continue;
      default:
        if (!Object.hasOwn(touch, key) || (plain(key) && valueProblem(value, 0) === undefined)) continue;
        return false;
    }
  }
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
  if (!touchClean(touch)) checkFields(touch, "invalid-touch", "touch");
  return touch as ProposedTouch;
}

/** Checks a whole `evaluate` input; returns the events in input order. */
export function checkInput(
  input: EvaluateInput,
  zones?: ZoneTable,
): { contact: Contact; events: NormalEvent[]; touch: ProposedTouch; at: number; account: readonly AccountTouch[] } {
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
  return { contact, events, touch, at, account: accountTouches(input.account, at) };
}

/** A touch sent to another contact of the account, as limits `across account` count it. */
export interface AccountTouch {
  readonly at: number;
  readonly channel: string;
}

/** No account touches (a contact that is an account of its own, or a caller that gave none). */
export const NO_ACCOUNT: readonly AccountTouch[] = Object.freeze([]);

/**
 * Checks the touches sent to the account's other contacts (spec section
 * 8.4) and returns those counted at `at`: every item is checked as a
 * history event is (named `account[i]`); other event types are dropped,
 * touches sharing an id are one (the first in input order is kept), those
 * after `at` are dropped; the rest sorted by instant.
 */
export function accountTouches(list: unknown, at: number): readonly AccountTouch[] {
  if (list === undefined) return NO_ACCOUNT;
  if (!Array.isArray(list)) {
    throw new HeedInputError("invalid-account", "account", `\`account\` must be a list of touches, got \`${show(list)}\``);
  }
  let seen: Set<string> | undefined;
  const out: AccountTouch[] = [];
  for (let i = 0; i < list.length; i++) {
    const event = checkEvent(list[i], i, `account[${i}]`);
    if (event.type !== "touch" || event.at > at) continue;
    if (event.id !== undefined) {
      seen ??= new Set();
      if (seen.has(event.id)) continue;
      seen.add(event.id);
    }
    out.push({ at: event.at, channel: event.channel! });
  }
  return out.length === 0 ? NO_ACCOUNT : out.sort((a, b) => a.at - b.at);
}

/**
 * The type that, with the id, makes an event's identity: the `type` as sent
 * (a `reply` stays a `reply` whether `auto` or not, so a redelivery that
 * changes the flag is still the same event).
 */
export function identityType(event: NormalEvent): string {
  return event.props.type as string;
}

/**
 * The history as the engine processes it: duplicates dropped (the first in
 * input order is kept), events after `at` dropped, sorted stably by
 * instant. Two events are one when they share their type and their id: an
 * unsubscribe that carries the id of an earlier touch is another event.
 */
export function orderHistory(events: readonly NormalEvent[], at: number): readonly NormalEvent[] {
  let seen: Map<string, Set<string>> | undefined;
  // The list as given while every event is kept (most histories); a copy from the first one dropped.
  let kept: NormalEvent[] | undefined;
  let sorted = true;
  let last = -Infinity;
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (event.id !== undefined) {
      seen ??= new Map();
      const type = identityType(event);
      const ids = seen.get(type);
      if (ids === undefined) seen.set(type, new Set([event.id]));
      else if (ids.has(event.id)) {
        kept ??= events.slice(0, i);
        continue;
      } else ids.add(event.id);
    }
    if (event.at <= at) {
      if (event.at < last) sorted = false;
      last = event.at;
      kept?.push(event);
    } else {
      kept ??= events.slice(0, i);
    }
  }
  if (sorted) return kept ?? events;
  // Array.prototype.sort is stable, so events at one instant keep their input order.
  return (kept ?? events.slice()).sort((a, b) => a.at - b.at);
}

// ---------------------------------------------------------------- declared vocabulary (spec section 8.1)

/** A declared type as the input check reads it. */
export type InputType = IrValueType;

/** What one policy declares: its attributes' types, and each declared signal's props' types. */
export interface InputVocabulary {
  readonly attributes: ReadonlyMap<string, InputType>;
  readonly signals: ReadonlyMap<string, ReadonlyMap<string, InputType>>;
}

/**
 * What a compiled policy declares, for the input checks (read from its
 * compiled form, as its version is); undefined when it declares nothing to
 * check (then contacts and events are checked as before).
 */
export function inputVocabulary(ir: IrPolicy): InputVocabulary | undefined {
  if (ir.inputs === undefined) return undefined;
  const types = (list: readonly IrDeclaration[]): Map<string, InputType> => new Map(list.map((d) => [d.name, d.type]));
  return {
    attributes: types(ir.inputs.attributes ?? []),
    signals: new Map((ir.inputs.signals ?? []).map((s) => [s.name, types(s.props)])),
  };
}

/** True when `value` is of the declared type (the check `invalid-attribute` and `invalid-event` make; the semantic diff looks for values one version's type takes and the other's does not). */
export function fits(value: unknown, type: InputType): boolean {
  switch (type.kind) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "list":
      return isStringList(value);
    case "choice":
      return typeof value === "string" && type.values.includes(value);
  }
}

/** How a message names a declared type. */
function typeText(type: InputType): string {
  switch (type.kind) {
    case "choice":
      return `one of ${type.values.map((v) => `\`${JSON.stringify(v)}\``).join(", ")}`;
    case "list":
      return "a list of strings";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "string":
      return "a string";
  }
}

/**
 * Checks the contact's declared attributes: a value present (not `null`)
 * must have the declared type, else `invalid-attribute` naming
 * `contact.attributes.X`. Undeclared attributes are allowed and ignored.
 */
export function checkAttributes(contact: Contact, vocabularies: readonly InputVocabulary[]): void {
  const attributes = contact.attributes;
  if (attributes === undefined) return;
  for (const vocabulary of vocabularies) {
    for (const [name, type] of vocabulary.attributes) {
      if (!Object.hasOwn(attributes, name)) continue;
      const value: unknown = attributes[name];
      if (value === null || value === undefined || fits(value, type)) continue;
      const field = `contact.attributes.${name}`;
      throw new HeedInputError("invalid-attribute", field, `\`${field}\` must be ${typeText(type)} (as the policy declares it), got \`${show(value)}\``);
    }
  }
}

/**
 * Checks an event's declared props: a declared signal's prop present (not
 * `null`) must have the declared type, else `invalid-event` naming
 * `FIELD.X` (`history[i].X`, `event.X`).
 */
export function checkEventProps(event: NormalEvent, vocabularies: readonly InputVocabulary[], field: string, index?: number): void {
  const type = identityType(event);
  for (const vocabulary of vocabularies) {
    const props = vocabulary.signals.get(type);
    if (props === undefined) continue;
    for (const [name, propType] of props) {
      if (!Object.hasOwn(event.props, name)) continue;
      const value = event.props[name];
      if (value === null || value === undefined || fits(value, propType)) continue;
      const at = `${field}.${name}`;
      throw new HeedInputError("invalid-event", at, `\`${at}\` must be ${typeText(propType)} (as the policy declares \`${type}\`'s props), got \`${show(value)}\``, index);
    }
  }
}
