/**
 * What every CRM mapper returns: Heed history events (with the contact they
 * belong to) and a problem for every record it could not map, by index or
 * line. Nothing is dropped silently.
 *
 * @module
 */

import type { HistoryEvent } from "../../model.js";

/** One mapped event and whose history it belongs to. */
export interface CrmEvent {
  /** The contact (HubSpot contact, Salesforce WhoId, Outreach prospect, mapped column), when the record names one. */
  contactId: string | undefined;
  /** The Heed event. */
  event: HistoryEvent;
  /** The index of the record it came from (0-based), or its line for line-based input (1-based). */
  index?: number;
  /** The 1-based line of the record, for line-based input. */
  line?: number;
}

/** A record that could not be mapped, and why. */
export interface MappingProblem {
  /** 0-based index of the record in the input list. */
  index?: number;
  /** 1-based line of the record in a text input (CSV, JSON lines). */
  line?: number;
  /** What is wrong with the record. */
  message: string;
}

/** What a mapping function returns: the events, and the records it could not map. */
export interface MappingResult {
  /** The mapped events, in input order. */
  events: CrmEvent[];
  /** Every record not mapped, with its index or line. */
  problems: MappingProblem[];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Shows a value in a message, on one line (line breaks escaped). */
export function show(value: unknown): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  return text.replace(/\r/g, "\\r").replace(/\n/g, "\\n");
}

/**
 * An instant as Heed wants it (ISO-8601, UTC) from a vendor's timestamp:
 * epoch milliseconds (a number or digits), ISO-8601 with an offset or `Z`,
 * including Salesforce's `+0000` offsets. A date-time without an offset is
 * refused: its zone is unknown.
 */
export function toInstant(value: unknown, unit: "ms" | "s" = "ms"): string | undefined {
  let ms: number | undefined;
  if (typeof value === "number" && Number.isFinite(value)) ms = unit === "s" ? value * 1000 : value;
  else if (typeof value === "string" && /^\d{9,}$/.test(value)) ms = Number(value) * (unit === "s" ? 1000 : 1);
  else if (typeof value === "string") {
    const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})$/.exec(value.trim());
    if (m) {
      const offset = m[2] === "Z" ? "Z" : `${m[2]!.slice(0, 3)}:${m[2]!.slice(-2)}`;
      ms = Date.parse(`${m[1]}${offset}`);
    }
  }
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** A vendor id as a string (`12345` and `"12345"` alike). */
export function idOf(value: unknown): string | undefined {
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Copies the named fields that are present (not null) into props. */
export function pick(source: Record<string, unknown>, fields: Record<string, string>): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const [from, to] of Object.entries(fields)) {
    const value = source[from];
    if (value !== undefined && value !== null && value !== "") props[to] = value;
  }
  return props;
}
