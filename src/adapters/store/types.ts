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
   */
  withContact<T>(contactId: string, fn: (tx: ContactTx) => Promise<T>): Promise<T>;
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
