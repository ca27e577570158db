/**
 * The playground's whole state (the policy, the baseline it is compared
 * with, the contact, the history and the view) and its form in a link:
 * JSON, compressed with the browser's own `CompressionStream`
 * (`deflate-raw`) and written in base64url after `#s=`, so a link pasted in
 * a pull request opens the same page.
 *
 * @module
 */

import type { AttributeValue, HistoryEvent } from "../../src/index.js";

/** The form of the text in an editor tab. */
export type TextFormat = "dsl" | "yaml";

/** An attribute of the workbench's contact, with the type it is entered as. */
export interface AttributeEntry {
  name: string;
  type: "string" | "number" | "boolean" | "list";
  /** As typed (a list is comma-separated). */
  value: string;
}

/** The contact of the workbench. */
export interface WorkbenchContact {
  /** IANA zone; empty for none (the policy's fallback then applies). */
  timezone: string;
  /** The company the contact belongs to; empty for none. */
  account: string;
  attributes: AttributeEntry[];
}

/** Which example or served policy the text came from (shown, never trusted). */
export interface Origin {
  kind: "example" | "served" | "local" | "draft";
  /** The file name. */
  file: string;
}

/** Everything a link restores. */
export interface PlaygroundState {
  version: 1;
  policy: { text: string; format: TextFormat; origin?: Origin };
  /** The version the policy is compared with; empty text for none. */
  baseline: { text: string; format: TextFormat };
  contact: WorkbenchContact;
  history: HistoryEvent[];
  view: {
    /** The first local day of the time axis, `YYYY-MM-DD`. */
    from: string;
    /** How many days the axis spans. */
    days: number;
    /** The chosen instant (ISO-8601): the stage shown on the diagram, the decisions listed. */
    at: string;
    /** The editor tab on top. */
    tab: "policy" | "baseline";
  };
}

/** The zone used to show times when neither the contact nor the policy names one. */
export const DEFAULT_ZONE = "UTC";

/** Axis lengths offered, in days. */
export const AXIS_DAYS = [7, 14, 28, 60] as const;

/** A fresh state around a policy text. */
export function initialState(text: string, format: TextFormat, origin?: Origin): PlaygroundState {
  return {
    version: 1,
    policy: { text, format, ...(origin ? { origin } : {}) },
    baseline: { text: "", format },
    contact: { timezone: "America/New_York", account: "", attributes: [] },
    history: [],
    view: { from: "2026-03-02", days: 14, at: "2026-03-02T10:00:00-05:00", tab: "policy" },
  };
}

/** The contact handed to the engine. */
export function engineContact(contact: WorkbenchContact): { id: string; timezone?: string; account?: string; attributes: Record<string, AttributeValue> } {
  const attributes: Record<string, AttributeValue> = {};
  for (const entry of contact.attributes) {
    if (entry.name.trim() === "") continue;
    attributes[entry.name.trim()] = attributeValue(entry);
  }
  return {
    id: "playground-contact",
    ...(contact.timezone.trim() === "" ? {} : { timezone: contact.timezone.trim() }),
    ...(contact.account.trim() === "" ? {} : { account: contact.account.trim() }),
    attributes,
  };
}

/** An attribute's value in its type; a number that does not read as one stays text, so the engine names it. */
export function attributeValue(entry: AttributeEntry): AttributeValue {
  switch (entry.type) {
    case "number": {
      const n = Number(entry.value);
      return entry.value.trim() !== "" && Number.isFinite(n) ? n : entry.value;
    }
    case "boolean":
      return entry.value === "true";
    case "list":
      return entry.value
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
    case "string":
      return entry.value;
  }
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function pipe(bytes: Uint8Array<ArrayBuffer>, transform: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The state as the fragment of a link (`s=...`). */
export async function encodeState(state: PlaygroundState): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(state));
  return `s=${toBase64Url(await pipe(json, new CompressionStream("deflate-raw")))}`;
}

/** A link's fragment that does not hold a state the page can use. */
export class StateLinkError extends Error {}

/**
 * Reads the state back from a fragment (with or without the leading `#`);
 * `undefined` when the fragment holds none. Throws {@link StateLinkError}
 * when it holds one that cannot be read.
 */
export async function decodeState(fragment: string): Promise<PlaygroundState | undefined> {
  const match = /(?:^|[#&])s=([A-Za-z0-9_-]+)/.exec(fragment);
  if (match === null) return undefined;
  let value: unknown;
  try {
    const bytes = await pipe(fromBase64Url(match[1] ?? ""), new DecompressionStream("deflate-raw"));
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new StateLinkError("the link's state is damaged (it may have been cut short when copied)");
  }
  return checkState(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A state read from a link, checked field by field: a link is user input. */
export function checkState(value: unknown): PlaygroundState {
  const fail = (field: string): never => {
    throw new StateLinkError(`the link's state has no valid \`${field}\``);
  };
  if (!isRecord(value) || value.version !== 1) fail("version");
  const v = value as Record<string, unknown>;
  const text = (x: unknown, field: string): string => (typeof x === "string" ? x : fail(field));
  const format = (x: unknown, field: string): TextFormat => (x === "dsl" || x === "yaml" ? x : fail(field));
  if (!isRecord(v.policy)) fail("policy");
  if (!isRecord(v.baseline)) fail("baseline");
  if (!isRecord(v.contact)) fail("contact");
  if (!Array.isArray(v.history)) fail("history");
  if (!isRecord(v.view)) fail("view");
  const policy = v.policy as Record<string, unknown>;
  const baseline = v.baseline as Record<string, unknown>;
  const contact = v.contact as Record<string, unknown>;
  const view = v.view as Record<string, unknown>;
  const attributes = Array.isArray(contact.attributes) ? contact.attributes : fail("contact.attributes");
  const history = (v.history as unknown[]).map((e, i) => {
    if (!isRecord(e) || typeof e.type !== "string" || typeof e.at !== "string") return fail(`history[${i}]`);
    return e as HistoryEvent;
  });
  const origin = isRecord(policy.origin) && typeof policy.origin.file === "string" ? (policy.origin as unknown as Origin) : undefined;
  const days = typeof view.days === "number" && view.days >= 1 && view.days <= 366 ? Math.round(view.days) : fail("view.days");
  return {
    version: 1,
    policy: { text: text(policy.text, "policy.text"), format: format(policy.format, "policy.format"), ...(origin ? { origin } : {}) },
    baseline: { text: text(baseline.text, "baseline.text"), format: format(baseline.format, "baseline.format") },
    contact: {
      timezone: text(contact.timezone, "contact.timezone"),
      account: text(contact.account ?? "", "contact.account"),
      attributes: attributes.map((a, i) => {
        if (!isRecord(a) || typeof a.name !== "string" || typeof a.value !== "string") return fail(`contact.attributes[${i}]`);
        const type = a.type === "number" || a.type === "boolean" || a.type === "list" ? a.type : "string";
        return { name: a.name, type, value: a.value };
      }),
    },
    history,
    view: {
      from: /^\d{4}-\d{2}-\d{2}$/.test(String(view.from)) ? String(view.from) : fail("view.from"),
      days,
      at: text(view.at, "view.at"),
      tab: view.tab === "baseline" ? "baseline" : "policy",
    },
  };
}
