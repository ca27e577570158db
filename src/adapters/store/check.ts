/**
 * What every store can keep, checked before anything is written: the three
 * stores answer the same input the same way (a typed input error naming the
 * field) instead of PostgreSQL refusing what memory took, with a 500.
 *
 * - Text holds no NUL character (PostgreSQL's `text` and `jsonb` refuse it)
 *   and no lone surrogate (not valid Unicode: `jsonb` refuses it, and a
 *   `text` column would silently store U+FFFD in its place, making two
 *   contact ids one).
 * - Instants lie in the years 0001 to 9999 (UTC), the four-digit years
 *   ISO-8601 writes and PostgreSQL's `timestamptz` reads back alike.
 * - Values nest at most {@link MAX_DEPTH} levels (a deeper one overflows
 *   the stack of every JSON encoder on the way).
 * - Contact ids, event ids and types, and idempotency keys are at most
 *   {@link MAX_KEY_BYTES} bytes of UTF-8: they make up the stores' unique
 *   keys, and a PostgreSQL index entry holds some 2,700 bytes.
 *
 * @module
 */

import { HeedInputError } from "../../diagnostics.js";
import { instantOf } from "../../engine/input.js";

/** The deepest nesting of objects and lists a stored value may have. */
export const MAX_DEPTH = 64;

/** The longest contact id, event id or type, or idempotency key, in bytes of UTF-8. */
export const MAX_KEY_BYTES = 512;

/** The earliest instant a store keeps: 0001-01-01T00:00:00Z. */
export const EARLIEST_INSTANT = Date.parse("0001-01-01T00:00:00.000Z");
/** The latest instant a store keeps: 9999-12-31T23:59:59.999Z. */
export const LATEST_INSTANT = Date.parse("9999-12-31T23:59:59.999Z");

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What in `text` no store keeps, described; undefined when there is nothing. */
function badText(text: string): string | undefined {
  if (text.includes("\u0000")) return "holds a NUL character (`\\u0000`), which the stores cannot keep";
  const lone = LONE_SURROGATE.exec(text);
  if (lone !== null) return `holds a lone surrogate (\`\\u${lone[0].charCodeAt(0).toString(16)}\`): it is not valid Unicode text`;
  return undefined;
}

/** `field.key`, or `field["odd key"]` when the key is not a plain name. */
function member(field: string, key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `${field}.${key}` : `${field}[${JSON.stringify(key)}]`;
}

/**
 * Checks that a value can be stored: its text (keys included), its depth.
 * Walks without recursion, so no nesting overflows the stack here.
 *
 * @param code the input error's code (`invalid-event`, `invalid-contact`, ...)
 * @param field the value's name in messages (`event`, `events[2]`, `contact`)
 */
export function checkStorable(value: unknown, code: string, field: string, index?: number): void {
  const pending: { value: unknown; field: string; depth: number }[] = [{ value, field, depth: 0 }];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const current = item.value;
    if (typeof current === "string") {
      const problem = badText(current);
      if (problem !== undefined) throw new HeedInputError(code, item.field, `\`${item.field}\` ${problem}`, index);
      continue;
    }
    if (typeof current !== "object" || current === null) continue;
    if (item.depth >= MAX_DEPTH) {
      throw new HeedInputError(code, item.field, `\`${item.field}\` is nested more than ${MAX_DEPTH} levels deep: the stores keep no deeper values`, index);
    }
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) pending.push({ value: current[i], field: `${item.field}[${i}]`, depth: item.depth + 1 });
      continue;
    }
    const entries = Object.entries(current as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, inner] = entries[i]!;
      const keyProblem = badText(key);
      if (keyProblem !== undefined) {
        throw new HeedInputError(code, item.field, `a key of \`${item.field}\` ${keyProblem}`, index);
      }
      pending.push({ value: inner, field: member(item.field, key), depth: item.depth + 1 });
    }
  }
}

/**
 * Checks an instant for storing and returns it in epoch ms: an ISO-8601
 * instant in the years 0001 to 9999.
 */
export function storableInstant(text: unknown, field: string, index?: number): number {
  const ms = typeof text === "string" ? instantOf(text) : undefined;
  if (ms === undefined) {
    throw new HeedInputError("invalid-time", field, `\`${field}\` must be an ISO-8601 instant with an offset or \`Z\``, index);
  }
  if (ms < EARLIEST_INSTANT || ms > LATEST_INSTANT) {
    throw new HeedInputError("invalid-time", field, `\`${field}\` is \`${String(text)}\`, outside the years 0001 to 9999 that the stores keep`, index);
  }
  return ms;
}

/** Checks an event for storing (its text, depth, keys and instant); `field` names it (`event`, `events[2]`). */
export function checkStorableEvent(event: { at: unknown; type?: unknown; id?: unknown }, field: string, index?: number): number {
  checkStorable(event, "invalid-event", field, index);
  if (typeof event.type === "string") checkStorableKey(event.type, "invalid-event", `${field}.type`, index);
  if (typeof event.id === "string") checkStorableKey(event.id, "invalid-event", `${field}.id`, index);
  return storableInstant(event.at, `${field}.at`, index);
}

/** Checks a contact id, an event id or type, or an idempotency key for storing: its text and its length. */
export function checkStorableKey(key: string, code: string, field: string, index?: number): void {
  const problem = badText(key);
  if (problem !== undefined) throw new HeedInputError(code, field, `\`${field}\` ${problem}`, index);
  const bytes = Buffer.byteLength(key, "utf8");
  if (bytes > MAX_KEY_BYTES) {
    throw new HeedInputError(code, field, `\`${field}\` is ${bytes} bytes long: the stores keep at most ${MAX_KEY_BYTES}`, index);
  }
}
