/**
 * The persistence contract of the adapters: a contact's history, its stored
 * contact record and snapshot, and idempotency records, all behind one
 * per-contact transaction so that a check and the write it permits happen
 * atomically.
 *
 * @module
 */

import type { Snapshot } from "../../engine/api.js";
import type { Contact, HistoryEvent } from "../../model.js";

/** An event as stored: every stored event has an id. */
export type StoredEvent = HistoryEvent & {
  /** The event's id; a contact's events are unique by type and id. */
  id: string;
};

/** A stored event with its place in the contact's order of storing. */
export interface NumberedEvent {
  /** Ascending in the order the contact's events were stored. */
  seq: number;
  /** The event's instant, epoch ms. */
  ms: number;
  /** The event as stored. */
  event: StoredEvent;
}

/**
 * Where a stored snapshot stands in the contact's events: it holds every
 * event numbered up to {@link seen} whose (instant, number) is at or before
 * (`at`, `seq`) in time order, and nothing else. An event numbered after
 * `seen`, or one ordered after the cut, is still to be stepped; one
 * numbered after `seen` but ordered before the cut came out of order, and
 * the snapshot must be rebuilt.
 */
export interface SnapshotMark {
  /** The highest event number the snapshot's builder had seen. */
  seen: number;
  /** The instant (epoch ms) of the last event stepped, or null before the first. */
  at: number | null;
  /** That event's number, or null before the first. */
  seq: number | null;
}

/** A contact's snapshot under one policy version, with where it stands. */
export interface SnapshotRecord {
  /** The snapshot, as the engine made it. */
  snapshot: Snapshot;
  /** Which of the contact's events it holds. */
  mark: SnapshotMark;
}

/** A touch sent to a contact of an account, as the stores index them. */
export interface AccountTouchRecord {
  /** The contact the touch was sent to. */
  contactId: string;
  /** The touch as stored. */
  event: StoredEvent;
}

/** Options of {@link Store.withContact}. */
export interface LockOptions {
  /**
   * Also hold this account's lock, taken before the contact's (always in
   * that order, so two transactions never wait on each other in a cycle).
   */
  account?: string;
}

/** The first answer given under an idempotency key. */
export interface IdempotencyRecord {
  /** The idempotency key. */
  key: string;
  /** The stored response, plain JSON. */
  response: unknown;
  /** When it was stored (ISO-8601, UTC). */
  storedAt: string;
}

/** What {@link Store.append} stored. */
export interface AppendResult {
  /** Ids of the events stored. */
  added: string[];
  /** Ids already stored, skipped. */
  duplicates: string[];
}

/**
 * One transaction on one contact, holding its lock (see {@link Store.withContact}).
 * Everything done through it commits together when the transaction's
 * function returns and is rolled back when it throws.
 */
export interface ContactTx {
  /** The contact this transaction holds. */
  readonly contactId: string;
  /** The stored contact record, if one was saved. */
  contact(): Promise<Contact | undefined>;
  /** Stores the contact record (time zone, attributes). */
  saveContact(contact: Contact): Promise<void>;
  /** The contact's events in the order they were stored. */
  history(): Promise<StoredEvent[]>;
  /** Stores an event unless one with the same type and id exists; true when stored. */
  append(event: StoredEvent): Promise<boolean>;
  /** The stored engine snapshot, if any. */
  snapshot(): Promise<Snapshot | undefined>;
  /** Stores an engine snapshot. */
  saveSnapshot(snapshot: Snapshot): Promise<void>;
  /** Stores an event as {@link append} does; its number when stored, undefined when it was there already. */
  appendNumbered(event: StoredEvent): Promise<number | undefined>;
  /**
   * The events a snapshot at `mark` has not stepped (numbered after
   * `mark.seen`, or ordered after its cut), in time order (instant, then
   * number); every event of the contact when `mark` is null.
   */
  eventsAfter(mark: SnapshotMark | null): Promise<NumberedEvent[]>;
  /** The instant (epoch ms) of the contact's latest touch dated at most `horizon`, if any. */
  latestTouch(horizon: number): Promise<number | undefined>;
  /** The contact's snapshot stored under a policy version, with its mark. */
  snapshotFor(version: string): Promise<SnapshotRecord | undefined>;
  /** Stores the contact's snapshot under a policy version. */
  saveSnapshotFor(version: string, record: SnapshotRecord): Promise<void>;
  /**
   * The touches of the account's other contacts dated in `(from, to]`
   * (epoch ms), by instant. The stores index a touch under the account of
   * its contact's record when the touch is stored.
   */
  accountTouches(account: string, from: number, to: number): Promise<AccountTouchRecord[]>;
  /** The instant (epoch ms) of the latest touch of the account's other contacts dated at most `horizon`, if any. */
  latestAccountTouch(account: string, horizon: number): Promise<number | undefined>;
  /**
   * The record stored under an idempotency key of this contact. A record
   * stored before `notBefore` (epoch ms) has expired: it is removed, in this
   * transaction, and not returned, so the key can be used afresh.
   */
  idempotency(key: string, notBefore?: number): Promise<IdempotencyRecord | undefined>;
  /** Stores the first answer under an idempotency key, stamped `at` (epoch ms; default: the store's clock). */
  saveIdempotency(key: string, response: unknown, at?: number): Promise<void>;
}

/** The kinds of store. */
export type StoreKind = "memory" | "postgres" | "pglite";

/** Where contacts' histories, records, snapshots and idempotency records are kept. */
export interface Store {
  /** `memory`, `postgres` or `pglite`. */
  readonly kind: StoreKind;
  /**
   * Runs `fn` in one transaction holding the contact's lock: no other
   * transaction on the same contact runs until it commits or rolls back.
   * With `options.account`, it holds that account's lock too, taken first.
   */
  withContact<T>(contactId: string, fn: (tx: ContactTx) => Promise<T>, options?: LockOptions): Promise<T>;
  /** The contact's stored record, read outside any lock (the gate's first guess of its account). */
  readContact(contactId: string): Promise<Contact | undefined>;
  /** Appends events (each in the contact's transaction), skipping those whose type and id are already stored. */
  append(contactId: string, events: readonly StoredEvent[]): Promise<AppendResult>;
  /** The contact's events in the order they were stored. */
  history(contactId: string): Promise<StoredEvent[]>;
  /** The contact's stored engine snapshot, if any. */
  readSnapshot(contactId: string): Promise<Snapshot | undefined>;
  /** Stores the contact's engine snapshot. */
  writeSnapshot(contactId: string, snapshot: Snapshot): Promise<void>;
  /** Removes the idempotency records stored before `before` (epoch ms), of every contact; resolves to how many. */
  expireIdempotency(before: number): Promise<number>;
  /** The schema version in use (0 for the memory store, which has none). */
  schemaVersion(): Promise<number>;
  /** Closes connections; the store is not used afterwards. */
  close(): Promise<void>;
}

/** Helper for the convenience methods every store shares. */
export async function appendAll(store: Store, contactId: string, events: readonly StoredEvent[]): Promise<AppendResult> {
  return store.withContact(contactId, async (tx) => {
    const result: AppendResult = { added: [], duplicates: [] };
    for (const event of events) {
      if (await tx.append(event)) result.added.push(event.id);
      else result.duplicates.push(event.id);
    }
    return result;
  });
}
