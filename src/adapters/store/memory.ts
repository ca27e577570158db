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
import {
  appendAll,
  type AccountTouchRecord,
  type AppendResult,
  type ContactTx,
  type IdempotencyRecord,
  type LockOptions,
  type NumberedEvent,
  type SnapshotMark,
  type SnapshotRecord,
  type Store,
  type StoredEvent,
} from "./types.js";

interface ContactData {
  contact: Contact | undefined;
  snapshot: Snapshot | undefined;
  /** Snapshots by policy version. */
  snapshots: Map<string, SnapshotRecord>;
  /** The events in the order stored; an event's number is its position plus one. */
  events: StoredEvent[];
  /** Each event's instant (epoch ms), by position. */
  times: number[];
  /** The events' numbers in time order (instant, then number): snapshots read what follows their cut. */
  order: number[];
  /** The instants of the touches, ascending. */
  touchTimes: number[];
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

/** One indexed touch of an account. */
interface AccountEntry {
  contactId: string;
  ms: number;
  event: StoredEvent;
}

/** True when (ms, seq) comes after the mark's cut in time order. */
function afterCut(ms: number, seq: number, mark: SnapshotMark): boolean {
  return mark.at === null || ms > mark.at || (ms === mark.at && seq > mark.seq!);
}

/** The first position in a sorted list whose item is not before `item` (binary search). */
function lowerBound<T>(list: readonly T[], before: (x: T) => boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(list[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts into a sorted list: at the end when it comes last, as nearly every event does. */
function insertSorted<T>(list: T[], item: T, before: (x: T) => boolean): void {
  if (list.length === 0 || before(list[list.length - 1]!)) list.push(item);
  else list.splice(lowerBound(list, before), 0, item);
}

class MemoryContactTx implements ContactTx {
  readonly staged: {
    contact?: Contact;
    snapshot?: Snapshot;
    snapshots: Map<string, SnapshotRecord>;
    events: StoredEvent[];
    idempotency: Map<string, StoredAnswer>;
    expired: Set<string>;
  } = {
    snapshots: new Map(),
    expired: new Set(),
    events: [],
    idempotency: new Map(),
  };

  constructor(
    readonly contactId: string,
    private readonly data: ContactData,
    private readonly accounts: Map<string, AccountEntry[]>,
  ) {}

  /** The event numbered `seq`, stored or staged. */
  private numbered(seq: number): NumberedEvent {
    const stored = this.data.events.length;
    const event = seq <= stored ? this.data.events[seq - 1]! : this.staged.events[seq - stored - 1]!;
    return { seq, ms: seq <= stored ? this.data.times[seq - 1]! : Date.parse(event.at), event };
  }

  async appendNumbered(event: StoredEvent): Promise<number | undefined> {
    if (!(await this.append(event))) return undefined;
    return this.data.events.length + this.staged.events.length;
  }

  async eventsAfter(mark: SnapshotMark | null): Promise<NumberedEvent[]> {
    const { data } = this;
    const out: NumberedEvent[] = [];
    // stored events ordered after the cut (found by binary search), then those numbered after `seen`
    const order = data.order;
    const from = mark === null ? 0 : lowerBound(order, (seq) => !afterCut(data.times[seq - 1]!, seq, mark));
    for (let i = from; i < order.length; i++) out.push(this.numbered(order[i]!));
    const stored = data.events.length;
    const total = stored + this.staged.events.length;
    for (let seq = Math.min(mark?.seen ?? 0, stored) + 1; seq <= total; seq++) {
      const e = this.numbered(seq);
      // a stored event after the cut is listed already
      if (seq > stored || (mark !== null && seq > mark.seen && !afterCut(e.ms, e.seq, mark))) out.push(e);
    }
    return copy(out).sort((a, b) => a.ms - b.ms || a.seq - b.seq);
  }

  async latestTouch(horizon: number): Promise<number | undefined> {
    const times = this.data.touchTimes;
    const i = lowerBound(times, (ms) => ms <= horizon);
    let latest = i > 0 ? times[i - 1] : undefined;
    for (const event of this.staged.events) {
      const ms = Date.parse(event.at);
      if (event.type === "touch" && ms <= horizon && (latest === undefined || ms > latest)) latest = ms;
    }
    return latest;
  }

  async snapshotFor(version: string): Promise<SnapshotRecord | undefined> {
    const value = this.staged.snapshots.get(version) ?? this.data.snapshots.get(version);
    return value === undefined ? undefined : copy(value);
  }

  async saveSnapshotFor(version: string, record: SnapshotRecord): Promise<void> {
    checkStorable(record.snapshot, "invalid-snapshot", "snapshot");
    this.staged.snapshots.set(version, copy(record));
  }

  async accountTouches(account: string, from: number, to: number): Promise<AccountTouchRecord[]> {
    const entries = this.accounts.get(account) ?? [];
    const out: AccountTouchRecord[] = [];
    for (let i = lowerBound(entries, (e) => e.ms <= from); i < entries.length && entries[i]!.ms <= to; i++) {
      const e = entries[i]!;
      if (e.contactId !== this.contactId) out.push({ contactId: e.contactId, event: e.event });
    }
    return copy(out);
  }

  async latestAccountTouch(account: string, horizon: number): Promise<number | undefined> {
    const entries = this.accounts.get(account) ?? [];
    for (let i = lowerBound(entries, (e) => e.ms <= horizon) - 1; i >= 0; i--) if (entries[i]!.contactId !== this.contactId) return entries[i]!.ms;
    return undefined;
  }

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
    for (const [version, record] of this.staged.snapshots) this.data.snapshots.set(version, record);
    // a touch is indexed under the account of the contact's record as it stands when the touch is stored
    const account = this.data.contact?.account;
    const { data } = this;
    for (const event of this.staged.events) {
      const ms = Date.parse(event.at);
      data.events.push(event);
      data.times.push(ms);
      const seq = data.events.length;
      insertSorted(data.order, seq, (other) => data.times[other - 1]! <= ms);
      data.ids.add(identity(event));
      if (event.type !== "touch") continue;
      insertSorted(data.touchTimes, ms, (other) => other <= ms);
      if (account === undefined) continue;
      let entries = this.accounts.get(account);
      if (entries === undefined) this.accounts.set(account, (entries = []));
      insertSorted(entries, { contactId: this.contactId, ms, event }, (other) => other.ms <= ms);
    }
    for (const key of this.staged.expired) this.data.idempotency.delete(key);
    for (const [key, value] of this.staged.idempotency) this.data.idempotency.set(key, value);
  }
}

/** A {@link Store} in process memory. */
export class MemoryStore implements Store {
  readonly kind = "memory" as const;
  private readonly contacts = new Map<string, ContactData>();
  /** The touches indexed by account. */
  private readonly accounts = new Map<string, AccountEntry[]>();
  /** The tail of each contact's (`c:` id) and account's (`a:` id) queue of transactions. */
  private readonly locks = new Map<string, Promise<void>>();

  async withContact<T>(contactId: string, fn: (tx: ContactTx) => Promise<T>, options: LockOptions = {}): Promise<T> {
    checkStorableKey(contactId, "invalid-contact", "contactId");
    if (options.account !== undefined) checkStorableKey(options.account, "invalid-contact", "contact.account");
    // the account's lock first, then the contact's: always in that order
    const releaseAccount = options.account === undefined ? undefined : await this.lock(`a:${options.account}`);
    const releaseContact = await this.lock(`c:${contactId}`);
    try {
      const tx = new MemoryContactTx(contactId, this.data(contactId), this.accounts);
      const result = await fn(tx);
      tx.commit();
      return result;
    } finally {
      releaseContact();
      releaseAccount?.();
    }
  }

  /** Waits for the lock named `key` and returns its release. */
  private async lock(key: string): Promise<() => void> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.locks.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.locks.get(key) === tail) this.locks.delete(key);
    };
  }

  async readContact(contactId: string): Promise<Contact | undefined> {
    checkStorableKey(contactId, "invalid-contact", "contactId");
    const value = this.contacts.get(contactId)?.contact;
    return value === undefined ? undefined : copy(value);
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
    this.accounts.clear();
  }

  private data(contactId: string): ContactData {
    let data = this.contacts.get(contactId);
    if (!data) {
      data = { contact: undefined, snapshot: undefined, snapshots: new Map(), events: [], times: [], order: [], touchTimes: [], ids: new Set(), idempotency: new Map() };
      this.contacts.set(contactId, data);
    }
    return data;
  }
}
