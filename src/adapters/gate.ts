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
 * An attempt does not replay the contact's history: the store keeps the
 * contact's snapshot per policy version, and the attempt steps it through
 * the events recorded since, decides with `decide()`, and on allow steps
 * the touch in and stores it with the touch, in the one transaction (see
 * `snapshotAt` for when it is rebuilt from the events). With limits
 * `across account`, it holds the account's lock, then the contact's, and
 * reads the touches of the account's other contacts within
 * `engine.accountWindow`.
 *
 * @module
 */

import { createHash, randomUUID } from "node:crypto";
import { canonicalJson } from "../canonical.js";
import { HeedInputError } from "../diagnostics.js";
import type { Engine, Snapshot } from "../engine/api.js";
import { checkContact, checkEvent, checkTouch, parseTime } from "../engine/input.js";
import type { Contact, Decision, HistoryEvent, ProposedTouch } from "../model.js";
import { checkStorable, checkStorableEvent, checkStorableKey, storableInstant } from "./store/check.js";
import type { AppendResult, ContactTx, NumberedEvent, SnapshotMark, SnapshotRecord, Store, StoredEvent } from "./store/types.js";

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
  const version = snapshotVersion(engine);
  const accountWindow = engine.accountWindow;

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
    if (given?.account !== undefined) checkStorableKey(given.account, "invalid-contact", "contact.account");

    // With limits across the account, the account's lock is taken before the contact's, so the
    // account must be known first: the one given, else the stored record's, checked again under
    // the locks (a record changed in between makes the attempt start over).
    for (let tries = 0; ; tries++) {
      const account = accountWindow === null ? undefined : given !== undefined ? given.account : (await store.readContact(contactId))?.account;
      try {
        return await store.withContact(contactId, (tx) => decideIn(tx, account), account === undefined ? {} : { account });
      } catch (error) {
        if (!(error instanceof AccountChanged) || tries >= 8) throw error;
      }
    }

    async function decideIn(tx: ContactTx, lockedAccount: string | undefined): Promise<AttemptResult> {
      if (key !== undefined) {
        const first = await tx.idempotency(key, options.idempotencyTtl === undefined ? undefined : clock() - options.idempotencyTtl);
        if (first) return { ...(first.response as Omit<AttemptResult, "replayed">), replayed: true };
      }
      const contact = given ?? (await tx.contact()) ?? { id: contactId };
      if (accountWindow !== null && given === undefined && contact.account !== lockedAccount) throw new AccountChanged();
      if (given !== undefined) await tx.saveContact(given);
      const horizon = clock() + futureTolerance;
      const lastTouch = await tx.latestTouch(horizon);
      if (lastTouch !== undefined && when < lastTouch) {
        throw new HeedInputError(
          "out-of-order",
          "at",
          `attempt at \`${at}\` comes before the last recorded touch at \`${new Date(lastTouch).toISOString()}\`: attempts must come in time order`,
        );
      }
      // the touches of the account's other contacts that the limits across it can count
      let accountTouches: StoredEvent[] | undefined;
      if (accountWindow !== null && contact.account !== undefined) {
        const lastOfAccount = await tx.latestAccountTouch(contact.account, horizon);
        if (lastOfAccount !== undefined && when < lastOfAccount) {
          throw new HeedInputError(
            "out-of-order",
            "at",
            `attempt at \`${at}\` comes before the last recorded touch of account \`${contact.account}\` at \`${new Date(lastOfAccount).toISOString()}\`: attempts on an account must come in time order`,
          );
        }
        accountTouches = (await tx.accountTouches(contact.account, when - accountWindow - 1, when)).map((r) => r.event);
      }

      const state = await snapshotAt(tx, contact);
      const decision = engine.decide(state.forDecision, touch, at, accountTouches === undefined ? undefined : { account: accountTouches });
      let eventId: string | undefined;
      let kept = state.kept;
      if (decision.verdict === "allow") {
        eventId = newId();
        const event: StoredEvent = { ...touch, type: "touch", at, channel: touch.channel, id: eventId };
        const seq = await tx.appendNumbered(event);
        if (seq !== undefined && kept !== undefined) {
          kept = { snapshot: engine.step(kept.snapshot, event), mark: { seen: Math.max(kept.mark.seen, seq), at: when, seq } };
        }
      }
      if (kept !== undefined && (state.changed || eventId !== undefined)) await tx.saveSnapshotFor(version, kept);
      const result: Omit<AttemptResult, "replayed"> = eventId === undefined ? { decision } : { decision, eventId };
      if (attemptOptions.decisionId !== undefined) result.decisionId = attemptOptions.decisionId;
      if (key !== undefined) await tx.saveIdempotency(key, result, clock());
      await options.beforeCommit?.(contactId, decision);
      return { ...result, replayed: false };
    }

    /**
     * The contact's state for the decision at `when`: the stored snapshot
     * stepped through the events it has not seen that are dated up to
     * `when` (what is kept, with its new mark), and, for the decision, the
     * signals stamped up to the skew after `when` on top, taken as having
     * come at `at`. Rebuilt from every event when there is no snapshot, the
     * policies or the contact's record changed, or an event was recorded
     * out of order; not kept when the snapshot is ahead of this attempt.
     */
    async function snapshotAt(tx: ContactTx, contact: Contact): Promise<{ forDecision: Snapshot; kept: SnapshotRecord | undefined; changed: boolean }> {
      let stored = await tx.snapshotFor(version);
      let base: Snapshot | undefined;
      if (stored !== undefined) {
        try {
          base = engine.restore(stored.snapshot);
          // the states were built for the contact as it was: another record means another course
          if (canonicalJson((stored.snapshot as { contact?: unknown }).contact) !== canonicalJson(contact)) base = undefined;
        } catch (error) {
          if (!(error instanceof HeedInputError)) throw error;
          base = undefined;
        }
      }
      let mark = base === undefined ? null : stored!.mark;
      let events = await tx.eventsAfter(mark);
      let keep = true;
      if (mark !== null) {
        const m = mark;
        if (m.at !== null && m.at > when) keep = false;
        if (!keep || events.some((e) => e.seq > m.seen && !after(e, m))) {
          // recorded out of order, or the snapshot holds events after this attempt: from the start
          mark = null;
          events = await tx.eventsAfter(null);
        }
      }
      if (mark === null) {
        base = engine.start(contact, at);
        stored = undefined;
      }
      const through = events.filter((e) => e.ms <= when);
      const skewed = signalSkew <= 0 ? [] : events.filter((e) => e.ms > when && e.ms <= when + signalSkew && e.event.type !== "touch");
      let kept = base!;
      let last: NumberedEvent | undefined;
      for (const e of through) {
        kept = engine.step(kept, e.event);
        last = e;
      }
      let forDecision = kept;
      if (skewed.length > 0) {
        // at the instant `at`, events come in the order they were stored
        const atNow = [...through.filter((e) => e.ms === when), ...skewed].sort((a, b) => a.seq - b.seq);
        const before = through.filter((e) => e.ms < when);
        forDecision = base!;
        for (const e of before) forDecision = engine.step(forDecision, e.event);
        for (const e of atNow) forDecision = engine.step(forDecision, e.ms === when ? e.event : { ...e.event, at });
      }
      const seen = events.reduce((max, e) => Math.max(max, e.seq), mark?.seen ?? 0);
      const cut = last === undefined ? { at: mark?.at ?? null, seq: mark?.seq ?? null } : { at: last.ms, seq: last.seq };
      const record: SnapshotRecord = { snapshot: kept, mark: { seen, ...cut } };
      const changed = stored === undefined || through.length > 0 || seen !== stored.mark.seen;
      return { forDecision, kept: keep ? record : undefined, changed };
    }
  }

  return { attempt, ...createRecorder(options) };
}

/** A contact's record named another account than the one locked: the attempt starts over. */
class AccountChanged extends Error {}

/** True when the event comes after the mark's cut in time order (instant, then number). */
function after(e: NumberedEvent, mark: SnapshotMark): boolean {
  return mark.at === null || e.ms > mark.at || (e.ms === mark.at && e.seq > mark.seq!);
}

/**
 * The key a gate keeps its snapshots under: the versions of its policies
 * (name and fingerprint each), so that gates running two versions of a
 * policy side by side (a rolling deploy) each keep their own.
 */
export function snapshotVersion(engine: Engine): string {
  const joined = engine.versions.join(" ");
  return Buffer.byteLength(joined, "utf8") <= 400 ? joined : `sha256:${createHash("sha256").update(joined).digest("hex")}`;
}
