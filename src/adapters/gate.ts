/**
 * The send gate: the one place a worker asks "may I send this now?" and, on
 * allow, records the touch in the same transaction, under the contact's
 * lock. Concurrent workers therefore see each other's touches and can never
 * together exceed a rule. Signals (replies, bounces, ...) are recorded with
 * dedupe by event type and id.
 *
 * Unlike the engine, the gate reads a clock (the one it is given): events
 * and attempts dated beyond a tolerance into the future are refused
 * (`future-event`), and an attempt sees the signals already recorded that
 * are stamped up to a small skew after its `at` (a vendor whose clock runs
 * ahead must not hide an unsubscribe).
 *
 * @module
 */

import { randomUUID } from "node:crypto";
import { HeedInputError } from "../diagnostics.js";
import type { Engine } from "../engine/api.js";
import { checkContact, checkEvent, checkTouch, parseTime } from "../engine/input.js";
import type { Contact, Decision, HistoryEvent, ProposedTouch } from "../model.js";
import { checkStorable, checkStorableEvent, checkStorableKey, storableInstant } from "./store/check.js";
import type { AppendResult, Store, StoredEvent } from "./store/types.js";

/** Options of one attempt. */
export interface AttemptOptions {
  /** A retried attempt with the same key returns the first answer and records nothing new. */
  idempotencyKey?: string;
  /** The contact's record (time zone, attributes); stored for later attempts. */
  contact?: Contact;
  /** An id for this answer (the HTTP service's `decisionId`), stored with it under the idempotency key. */
  decisionId?: string;
}

/** The answer to an attempt. */
export interface AttemptResult {
  /** The engine's decision for the touch. */
  decision: Decision;
  /** On allow: the id of the recorded touch. */
  eventId?: string;
  /** True when this answer was stored under the idempotency key by an earlier attempt. */
  replayed: boolean;
  /** The answer's id given in {@link AttemptOptions.decisionId}: on a replay, the first attempt's. */
  decisionId?: string;
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
  /** The current instant in epoch ms (default `Date.now`): what "the future" is measured from. */
  clock?: () => number;
  /**
   * How far past the clock an event or an attempt may be dated, in ms
   * (default {@link DEFAULT_FUTURE_TOLERANCE}: five minutes); later ones are
   * refused with `future-event`.
   */
  futureTolerance?: number;
  /**
   * How far after an attempt's `at` a signal already recorded may be stamped
   * and still count for the attempt, in ms (default {@link DEFAULT_SIGNAL_SKEW}:
   * one minute). Such a signal is taken as having come at `at`.
   */
  signalSkew?: number;
  /**
   * How long an idempotency record answers retries, in ms, by the gate's
   * clock (default: for ever). An older one has expired: the key is
   * decided afresh, and the new answer stored in its place.
   */
  idempotencyTtl?: number;
}

/** Events and attempts may be dated up to five minutes past the gate's clock. */
export const DEFAULT_FUTURE_TOLERANCE = 5 * 60_000;
/** An attempt sees signals stamped up to one minute after its `at`. */
export const DEFAULT_SIGNAL_SKEW = 60_000;

/** The send gate: see {@link createGate}. */
export interface Gate {
  /**
   * Decides a proposed touch at `at` and, when allowed, records it, in one
   * transaction under the contact's lock. Throws {@link HeedInputError} for
   * bad input, including an attempt before the contact's last recorded touch
   * (code `out-of-order`), which could otherwise slip a touch in between.
   */
  attempt(contactId: string, touch: ProposedTouch, at: string, options?: AttemptOptions): Promise<AttemptResult>;
  /**
   * Records a signal (or an externally sent touch); an event whose type and
   * id are already stored is not stored again. Throws {@link HeedInputError}
   * for bad input, including an event dated beyond the future tolerance
   * (code `future-event`).
   */
  record(contactId: string, event: HistoryEvent): Promise<RecordResult>;
  /**
   * Records several events of one contact in one transaction, as
   * {@link record} does each; errors name the event as `events[i]`.
   */
  recordAll(contactId: string, events: readonly HistoryEvent[]): Promise<AppendResult>;
}

function checkContactId(contactId: string): void {
  if (typeof contactId !== "string" || contactId === "") {
    throw new HeedInputError("invalid-contact", "contactId", "the contact id must be a non-empty string");
  }
  checkStorableKey(contactId, "invalid-contact", "contactId");
}

/** `5 minutes`, `30 seconds`, `1500 ms`: a tolerance in words. */
function describeSpan(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? "" : "s"}`;
  if (ms % 1000 === 0) return `${ms / 1000} second${ms === 1000 ? "" : "s"}`;
  return `${ms} ms`;
}

/** What recording events needs: a store and a clock, no engine. */
export type RecorderOptions = Pick<GateOptions, "store" | "newId" | "clock" | "futureTolerance">;

/** Refuses an instant more than the tolerance past the clock, with `future-event`. */
function futureCheck(options: RecorderOptions): (ms: number, text: string, field: string, what: string, index?: number) => void {
  const clock = options.clock ?? Date.now;
  const tolerance = options.futureTolerance ?? DEFAULT_FUTURE_TOLERANCE;
  return (ms, text, field, what, index) => {
    const now = clock();
    if (ms <= now + tolerance) return;
    throw new HeedInputError(
      "future-event",
      field,
      `\`${field}\` is \`${text}\`, more than ${describeSpan(tolerance)} after the gate's clock (${new Date(now).toISOString()}): ${what}`,
      index,
    );
  };
}

/**
 * The recording half of a gate, for callers that record events and decide
 * nothing (a webhook receiver): {@link Gate.record} and {@link Gate.recordAll}.
 */
export function createRecorder(options: RecorderOptions): Pick<Gate, "record" | "recordAll"> {
  const { store } = options;
  const newId = options.newId ?? randomUUID;
  const refuseFuture = futureCheck(options);

  /** Checks one event to record and gives it its id. */
  function toRecord(event: HistoryEvent, field: string, index?: number): StoredEvent {
    checkEvent(event, index, field);
    const ms = checkStorableEvent(event, field, index);
    refuseFuture(ms, event.at, `${field}.at`, "events cannot be recorded ahead of time", index);
    return { ...event, id: event.id ?? newId() };
  }

  async function record(contactId: string, event: HistoryEvent): Promise<RecordResult> {
    checkContactId(contactId);
    const stored = toRecord(event, "event");
    const recorded = await store.withContact(contactId, (tx) => tx.append(stored));
    return { eventId: stored.id, recorded };
  }

  async function recordAll(contactId: string, events: readonly HistoryEvent[]): Promise<AppendResult> {
    checkContactId(contactId);
    const stored = events.map((event, i) => toRecord(event, `events[${i}]`, i));
    return store.append(contactId, stored);
  }

  return { record, recordAll };
}

/** Creates a gate over an engine and a store. */
export function createGate(options: GateOptions): Gate {
  const { engine, store } = options;
  const newId = options.newId ?? randomUUID;
  const clock = options.clock ?? Date.now;
  const futureTolerance = options.futureTolerance ?? DEFAULT_FUTURE_TOLERANCE;
  const signalSkew = options.signalSkew ?? DEFAULT_SIGNAL_SKEW;
  const refuseFuture = futureCheck(options);

  async function attempt(contactId: string, touch: ProposedTouch, at: string, attemptOptions: AttemptOptions = {}): Promise<AttemptResult> {
    checkContactId(contactId);
    checkTouch(touch);
    checkStorable(touch, "invalid-touch", "touch");
    parseTime(at, "at");
    const when = storableInstant(at, "at");
    refuseFuture(when, at, "at", "an attempt cannot be dated ahead of time");
    const key = attemptOptions.idempotencyKey;
    if (key !== undefined && (typeof key !== "string" || key === "")) {
      throw new HeedInputError("invalid-idempotency-key", "idempotencyKey", "`idempotencyKey` must be a non-empty string");
    }
    if (key !== undefined) checkStorableKey(key, "invalid-idempotency-key", "idempotencyKey");
    const given = attemptOptions.contact === undefined ? undefined : checkContact(attemptOptions.contact);
    if (given !== undefined) checkStorable(given, "invalid-contact", "contact");
    if (given !== undefined && given.id !== contactId) {
      throw new HeedInputError("invalid-contact", "contact.id", `\`contact.id\` is \`${given.id}\` but the attempt is for contact \`${contactId}\``);
    }

    return store.withContact(contactId, async (tx) => {
      if (key !== undefined) {
        const first = await tx.idempotency(key, options.idempotencyTtl === undefined ? undefined : clock() - options.idempotencyTtl);
        if (first) return { ...(first.response as Omit<AttemptResult, "replayed">), replayed: true };
      }
      const contact = given ?? (await tx.contact()) ?? { id: contactId };
      if (given !== undefined) await tx.saveContact(given);
      const stored = await tx.history();
      const lastTouch = latestTouch(stored, clock() + futureTolerance);
      if (lastTouch !== undefined && when < lastTouch.ms) {
        throw new HeedInputError(
          "out-of-order",
          "at",
          `attempt at \`${at}\` comes before the last recorded touch at \`${lastTouch.at}\`: attempts must come in time order`,
        );
      }
      const history = withSkew(stored, when, at, signalSkew);
      const decision = engine.evaluate({ contact, history, touch, at });
      let eventId: string | undefined;
      if (decision.verdict === "allow") {
        eventId = newId();
        const event: StoredEvent = { ...touch, type: "touch", at, channel: touch.channel, id: eventId };
        await tx.append(event);
      }
      const result: Omit<AttemptResult, "replayed"> = eventId === undefined ? { decision } : { decision, eventId };
      if (attemptOptions.decisionId !== undefined) result.decisionId = attemptOptions.decisionId;
      if (key !== undefined) await tx.saveIdempotency(key, result, clock());
      await options.beforeCommit?.(contactId, decision);
      return { ...result, replayed: false };
    });
  }

  return { attempt, ...createRecorder(options) };
}

/**
 * The latest recorded touch dated no later than `horizon`. A touch dated
 * beyond it (stored before the gate refused future dates, or written to the
 * store directly) is not a point attempts must come after: one touch dated
 * 2099 would otherwise make every later attempt `out-of-order`.
 */
function latestTouch(history: readonly StoredEvent[], horizon: number): { ms: number; at: string } | undefined {
  let latest: { ms: number; at: string } | undefined;
  for (const event of history) {
    if (event.type !== "touch") continue;
    const ms = parseTime(event.at, "history.at");
    if (ms > horizon) continue;
    if (latest === undefined || ms > latest.ms) latest = { ms, at: event.at };
  }
  return latest;
}

/**
 * The history an attempt at `when` is decided on: the signals recorded
 * before it and stamped in `(when, when + skew]` are taken as having come at
 * `at` (the engine ignores what comes after `at`). They arrived first, so
 * the sender's clock, not the order of events, put them after the attempt.
 */
function withSkew(history: StoredEvent[], when: number, at: string, skew: number): StoredEvent[] {
  if (skew <= 0) return history;
  return history.map((event) => {
    if (event.type === "touch") return event;
    const ms = parseTime(event.at, "history.at");
    return ms > when && ms <= when + skew ? { ...event, at } : event;
  });
}
