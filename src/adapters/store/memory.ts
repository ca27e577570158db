/**
 * The in-memory store: for tests and single-process use. Each contact has
 * an async mutex, and a transaction's writes are staged and applied only
 * when its function returns, so a failure leaves nothing behind.
 *
 * @module
 */

import type { Snapshot } from "../../engine/api.js";
import type { Contact } from "../../model.js";
import { checkStorable, checkStorableEvent, checkStorableKey } from "./check.js";
import { appendAll, type AppendResult, type ContactTx, type IdempotencyRecord, type Store, type StoredEvent } from "./types.js";

interface ContactData {
  contact: Contact | undefined;
  snapshot: Snapshot | undefined;
  events: StoredEvent[];
  /** The identities of the stored events: see {@link identity}. */
  ids: Set<string>;
  idempotency: Map<string, StoredAnswer>;
}

/** An idempotency record's answer and when it was stored (epoch ms). */
interface StoredAnswer {
  response: unknown;
  at: number;
}

/** An event's identity: its type and its id (an unsubscribe may reuse the id of a touch). */
function identity(event: StoredEvent): string {
  return JSON.stringify([event.type, event.id]);
}

/** Deep copy through JSON, as a database round trip would do. */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

class MemoryContactTx implements ContactTx {
  readonly staged: { contact?: Contact; snapshot?: Snapshot; events: StoredEvent[]; idempotency: Map<string, StoredAnswer>; expired: Set<string> } = {
    expired: new Set(),
    events: [],
    idempotency: new Map(),
  };

  constructor(
    readonly contactId: string,
    private readonly data: ContactData,
  ) {}

  async contact(): Promise<Contact | undefined> {
    const value = this.staged.contact ?? this.data.contact;
    return value === undefined ? undefined : copy(value);
  }

  async saveContact(contact: Contact): Promise<void> {
    checkStorable(contact, "invalid-contact", "contact");
    this.staged.contact = copy(contact);
  }

  async history(): Promise<StoredEvent[]> {
    return copy([...this.data.events, ...this.staged.events]);
  }

  async append(event: StoredEvent): Promise<boolean> {
    checkStorableEvent(event, "event");
    const key = identity(event);
    if (this.data.ids.has(key) || this.staged.events.some((e) => identity(e) === key)) return false;
    this.staged.events.push(copy(event));
    return true;
  }

  async snapshot(): Promise<Snapshot | undefined> {
    const value = this.staged.snapshot ?? this.data.snapshot;
    return value === undefined ? undefined : copy(value);
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    checkStorable(snapshot, "invalid-snapshot", "snapshot");
    this.staged.snapshot = copy(snapshot);
  }

  async idempotency(key: string, notBefore?: number): Promise<IdempotencyRecord | undefined> {
    checkStorableKey(key, "invalid-idempotency-key", "idempotencyKey");
    const stored = this.stored(key);
    if (stored === undefined) return undefined;
    if (notBefore !== undefined && stored.at < notBefore) {
      this.staged.idempotency.delete(key);
      this.staged.expired.add(key);
      return undefined;
    }
    return { key, response: copy(stored.response), storedAt: new Date(stored.at).toISOString() };
  }

  async saveIdempotency(key: string, response: unknown, at: number = Date.now()): Promise<void> {
    checkStorableKey(key, "invalid-idempotency-key", "idempotencyKey");
    checkStorable(response, "invalid-input", "response");
    if (this.stored(key) !== undefined) return;
    this.staged.idempotency.set(key, { response: copy(response), at });
  }

  /** The record under `key` as this transaction sees it. */
  private stored(key: string): StoredAnswer | undefined {
    return this.staged.idempotency.get(key) ?? (this.staged.expired.has(key) ? undefined : this.data.idempotency.get(key));
  }

  commit(): void {
    if (this.staged.contact !== undefined) this.data.contact = this.staged.contact;
    if (this.staged.snapshot !== undefined) this.data.snapshot = this.staged.snapshot;
    for (const event of this.staged.events) {
      this.data.events.push(event);
      this.data.ids.add(identity(event));
    }
    for (const key of this.staged.expired) this.data.idempotency.delete(key);
    for (const [key, value] of this.staged.idempotency) this.data.idempotency.set(key, value);
  }
}

/** A {@link Store} in process memory. */
export class MemoryStore implements Store {
  readonly kind = "memory" as const;
  private readonly contacts = new Map<string, ContactData>();
  /** The tail of each contact's queue of transactions. */
  private readonly locks = new Map<string, Promise<void>>();

  async withContact<T>(contactId: string, fn: (tx: ContactTx) => Promise<T>): Promise<T> {
    checkStorableKey(contactId, "invalid-contact", "contactId");
    const previous = this.locks.get(contactId) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.locks.set(contactId, tail);
    await previous;
    try {
      const tx = new MemoryContactTx(contactId, this.data(contactId));
      const result = await fn(tx);
      tx.commit();
      return result;
    } finally {
      release();
      if (this.locks.get(contactId) === tail) this.locks.delete(contactId);
    }
  }

  append(contactId: string, events: readonly StoredEvent[]): Promise<AppendResult> {
    return appendAll(this, contactId, events);
  }

  async history(contactId: string): Promise<StoredEvent[]> {
    checkStorableKey(contactId, "invalid-contact", "contactId");
    return copy(this.contacts.get(contactId)?.events ?? []);
  }

  async readSnapshot(contactId: string): Promise<Snapshot | undefined> {
    checkStorableKey(contactId, "invalid-contact", "contactId");
    const value = this.contacts.get(contactId)?.snapshot;
    return value === undefined ? undefined : copy(value);
  }

  writeSnapshot(contactId: string, snapshot: Snapshot): Promise<void> {
    return this.withContact(contactId, (tx) => tx.saveSnapshot(snapshot));
  }

  async expireIdempotency(before: number): Promise<number> {
    let removed = 0;
    for (const data of this.contacts.values()) {
      for (const [key, answer] of data.idempotency) {
        if (answer.at >= before) continue;
        data.idempotency.delete(key);
        removed++;
      }
    }
    return removed;
  }

  async schemaVersion(): Promise<number> {
    return 0;
  }

  async close(): Promise<void> {
    this.contacts.clear();
  }

  private data(contactId: string): ContactData {
    let data = this.contacts.get(contactId);
    if (!data) {
      data = { contact: undefined, snapshot: undefined, events: [], ids: new Set(), idempotency: new Map() };
      this.contacts.set(contactId, data);
    }
    return data;
  }
}
