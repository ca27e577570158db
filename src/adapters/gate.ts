/**
 * The send gate: the one place a worker asks "may I send this now?" and, on
 * allow, records the touch in the same transaction, under the contact's
 * lock. Concurrent workers therefore see each other's touches and can never
 * together exceed a rule. Signals (replies, bounces, ...) are recorded with
 * dedupe by event id.
 *
 * @module
 */

import { randomUUID } from "node:crypto";
import { HeedInputError } from "../diagnostics.js";
import type { Engine } from "../engine/api.js";
import { checkContact, checkEvent, checkTouch, parseTime } from "../engine/input.js";
import type { Contact, Decision, HistoryEvent, ProposedTouch } from "../model.js";
import type { Store, StoredEvent } from "./store/types.js";

/** Options of one attempt. */
export interface AttemptOptions {
  /** A retried attempt with the same key returns the first answer and records nothing new. */
  idempotencyKey?: string;
  /** The contact's record (time zone, attributes); stored for later attempts. */
  contact?: Contact;
}

/** The answer to an attempt. */
export interface AttemptResult {
  /** The engine's decision for the touch. */
  decision: Decision;
  /** On allow: the id of the recorded touch. */
  eventId?: string;
  /** True when this answer was stored under the idempotency key by an earlier attempt. */
  replayed: boolean;
}

/** The answer to recording a signal. */
export interface RecordResult {
  /** The event's id (the one given, or a new one). */
  eventId: string;
  /** False when an event with this id was already stored (a redelivered webhook). */
  recorded: boolean;
}

/** A seam for tests: runs after the decision and its writes, before COMMIT. */
export type BeforeCommit = (contactId: string, decision: Decision) => Promise<void>;

/** Options of {@link createGate}. */
export interface GateOptions {
  /** The compiled policy or policy set that decides. */
  engine: Engine;
  /** Where each contact's history is kept. */
  store: Store;
  /** Creates ids of recorded touches and of signals given without one (default: random UUIDs). */
  newId?: () => string;
  /** Runs after the decision and its writes, before the commit (tests use it to kill a worker mid-transaction). */
  beforeCommit?: BeforeCommit;
}

/** The send gate: see {@link createGate}. */
export interface Gate {
  /**
   * Decides a proposed touch at `at` and, when allowed, records it, in one
   * transaction under the contact's lock. Throws {@link HeedInputError} for
   * bad input, including an attempt before the contact's last recorded touch
   * (code `out-of-order`), which could otherwise slip a touch in between.
   */
  attempt(contactId: string, touch: ProposedTouch, at: string, options?: AttemptOptions): Promise<AttemptResult>;
  /** Records a signal (or an externally sent touch); an event id already stored is not stored again. */
  record(contactId: string, event: HistoryEvent): Promise<RecordResult>;
}

function checkContactId(contactId: string): void {
  if (typeof contactId !== "string" || contactId === "") {
    throw new HeedInputError("invalid-contact", "contactId", "the contact id must be a non-empty string");
  }
}

/** Creates a gate over an engine and a store. */
export function createGate(options: GateOptions): Gate {
  const { engine, store } = options;
  const newId = options.newId ?? randomUUID;

  async function attempt(contactId: string, touch: ProposedTouch, at: string, attemptOptions: AttemptOptions = {}): Promise<AttemptResult> {
    checkContactId(contactId);
    checkTouch(touch);
    const when = parseTime(at, "at");
    const key = attemptOptions.idempotencyKey;
    if (key !== undefined && (typeof key !== "string" || key === "")) {
      throw new HeedInputError("invalid-idempotency-key", "idempotencyKey", "`idempotencyKey` must be a non-empty string");
    }
    const given = attemptOptions.contact === undefined ? undefined : checkContact(attemptOptions.contact);
    if (given !== undefined && given.id !== contactId) {
      throw new HeedInputError("invalid-contact", "contact.id", `\`contact.id\` is \`${given.id}\` but the attempt is for contact \`${contactId}\``);
    }

    return store.withContact(contactId, async (tx) => {
      if (key !== undefined) {
        const first = await tx.idempotency(key);
        if (first) return { ...(first.response as Omit<AttemptResult, "replayed">), replayed: true };
      }
      const contact = given ?? (await tx.contact()) ?? { id: contactId };
      if (given !== undefined) await tx.saveContact(given);
      const history = await tx.history();
      const lastTouch = latestTouch(history);
      if (lastTouch !== undefined && when < lastTouch.ms) {
        throw new HeedInputError(
          "out-of-order",
          "at",
          `attempt at \`${at}\` comes before the last recorded touch at \`${lastTouch.at}\`: attempts must come in time order`,
        );
      }
      const decision = engine.evaluate({ contact, history, touch, at });
      let eventId: string | undefined;
      if (decision.verdict === "allow") {
        eventId = newId();
        const event: StoredEvent = { ...touch, type: "touch", at, channel: touch.channel, id: eventId };
        await tx.append(event);
      }
      const result: Omit<AttemptResult, "replayed"> = eventId === undefined ? { decision } : { decision, eventId };
      if (key !== undefined) await tx.saveIdempotency(key, result);
      await options.beforeCommit?.(contactId, decision);
      return { ...result, replayed: false };
    });
  }

  async function record(contactId: string, event: HistoryEvent): Promise<RecordResult> {
    checkContactId(contactId);
    checkEvent(event, undefined, "event");
    const eventId = event.id ?? newId();
    const stored: StoredEvent = { ...event, id: eventId };
    const recorded = await store.withContact(contactId, (tx) => tx.append(stored));
    return { eventId, recorded };
  }

  return { attempt, record };
}

function latestTouch(history: readonly StoredEvent[]): { ms: number; at: string } | undefined {
  let latest: { ms: number; at: string } | undefined;
  for (const event of history) {
    if (event.type !== "touch") continue;
    const ms = parseTime(event.at, "history.at");
    if (latest === undefined || ms > latest.ms) latest = { ms, at: event.at };
  }
  return latest;
}
