/**
 * The store over SQL, shared by PostgreSQL (`pg`) and PGlite: both speak the
 * same dialect, so only connecting and running a transaction differ (see
 * {@link SqlDriver}).
 *
 * The per-contact lock is `pg_advisory_xact_lock(hashtext(contact_id))`,
 * taken first in every contact transaction and released by COMMIT or
 * ROLLBACK, so two workers can never check and write one contact at once.
 *
 * @module
 */

import type { Snapshot } from "../../engine/api.js";
import type { Contact } from "../../model.js";
import { checkStorable, checkStorableEvent, checkStorableKey } from "./check.js";
import { appendAll, type AppendResult, type ContactTx, type IdempotencyRecord, type Store, type StoreKind, type StoredEvent } from "./types.js";

/** A row as both drivers return it. */
export type Row = Record<string, unknown>;

/** A connection inside a transaction. */
export interface SqlConn {
  query(text: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

/** What a SQL store needs from its database. */
export interface SqlDriver {
  readonly kind: Extract<StoreKind, "postgres" | "pglite">;
  /** Runs `fn` between BEGIN and COMMIT on one connection; rolls back when it throws. */
  transaction<T>(fn: (conn: SqlConn) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

import { migrate, migrationScript, type MigrateResult } from "./migrate.js";

export { migrate } from "./migrate.js";

async function readVersion(conn: SqlConn): Promise<number> {
  const { rows } = await conn.query("SELECT coalesce(max(version), 0)::integer AS version FROM heed_schema_version");
  return Number(rows[0]?.version ?? 0);
}

/** JSON values go in as text and are cast, so both drivers treat them alike. */
function json(value: unknown): string {
  return JSON.stringify(value);
}

/** jsonb comes back parsed from both drivers; a string is parsed defensively. */
function fromJson<T>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

class SqlContactTx implements ContactTx {
  constructor(
    readonly contactId: string,
    private readonly conn: SqlConn,
  ) {}

  async contact(): Promise<Contact | undefined> {
    const { rows } = await this.conn.query("SELECT contact FROM heed_contacts WHERE contact_id = $1", [this.contactId]);
    const value = rows[0]?.contact;
    return value === null || value === undefined ? undefined : fromJson<Contact>(value);
  }

  async saveContact(contact: Contact): Promise<void> {
    checkStorable(contact, "invalid-contact", "contact");
    await this.conn.query(
      `INSERT INTO heed_contacts (contact_id, contact) VALUES ($1, $2::text::jsonb)
       ON CONFLICT (contact_id) DO UPDATE SET contact = excluded.contact, updated_at = now()`,
      [this.contactId, json(contact)],
    );
  }

  async history(): Promise<StoredEvent[]> {
    const { rows } = await this.conn.query("SELECT body FROM heed_events WHERE contact_id = $1 ORDER BY seq", [this.contactId]);
    return rows.map((row) => fromJson<StoredEvent>(row.body));
  }

  async append(event: StoredEvent): Promise<boolean> {
    // The instant goes to the column in UTC: PostgreSQL reads offsets up to 15:59 only.
    const at = new Date(checkStorableEvent(event, "event")).toISOString();
    const { rows } = await this.conn.query(
      `INSERT INTO heed_events (contact_id, event_id, type, at, body)
       VALUES ($1, $2, $3, $4::text::timestamptz, $5::text::jsonb)
       ON CONFLICT (contact_id, type, event_id) DO NOTHING
       RETURNING event_id`,
      [this.contactId, event.id, event.type, at, json(event)],
    );
    return rows.length > 0;
  }

  async snapshot(): Promise<Snapshot | undefined> {
    const { rows } = await this.conn.query("SELECT snapshot FROM heed_contacts WHERE contact_id = $1", [this.contactId]);
    const value = rows[0]?.snapshot;
    return value === null || value === undefined ? undefined : fromJson<Snapshot>(value);
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    checkStorable(snapshot, "invalid-snapshot", "snapshot");
    await this.conn.query(
      `INSERT INTO heed_contacts (contact_id, snapshot) VALUES ($1, $2::text::jsonb)
       ON CONFLICT (contact_id) DO UPDATE SET snapshot = excluded.snapshot, updated_at = now()`,
      [this.contactId, json(snapshot)],
    );
  }

  async idempotency(key: string, notBefore?: number): Promise<IdempotencyRecord | undefined> {
    checkStorableKey(key, "invalid-idempotency-key", "idempotencyKey");
    if (notBefore !== undefined) {
      await this.conn.query("DELETE FROM heed_idempotency WHERE contact_id = $1 AND key = $2 AND created_at < $3::text::timestamptz", [
        this.contactId,
        key,
        new Date(notBefore).toISOString(),
      ]);
    }
    const { rows } = await this.conn.query("SELECT response, created_at FROM heed_idempotency WHERE contact_id = $1 AND key = $2", [this.contactId, key]);
    const row = rows[0];
    return row ? { key, response: fromJson<unknown>(row.response), storedAt: new Date(row.created_at as string | Date).toISOString() } : undefined;
  }

  async saveIdempotency(key: string, response: unknown, at?: number): Promise<void> {
    checkStorableKey(key, "invalid-idempotency-key", "idempotencyKey");
    checkStorable(response, "invalid-input", "response");
    await this.conn.query(
      `INSERT INTO heed_idempotency (contact_id, key, response, created_at) VALUES ($1, $2, $3::text::jsonb, coalesce($4::text::timestamptz, now()))
       ON CONFLICT (contact_id, key) DO NOTHING`,
      [this.contactId, key, json(response), at === undefined ? null : new Date(at).toISOString()],
    );
  }
}

/** A {@link Store} over a migrated SQL database. */
export class SqlStore implements Store {
  readonly kind: StoreKind;

  constructor(private readonly driver: SqlDriver) {
    this.kind = driver.kind;
  }

  async withContact<T>(contactId: string, fn: (tx: ContactTx) => Promise<T>): Promise<T> {
    checkStorableKey(contactId, "invalid-contact", "contactId");
    return this.driver.transaction(async (conn) => {
      await conn.query("SELECT pg_advisory_xact_lock(hashtext($1))", [contactId]);
      return fn(new SqlContactTx(contactId, conn));
    });
  }

  append(contactId: string, events: readonly StoredEvent[]): Promise<AppendResult> {
    return appendAll(this, contactId, events);
  }

  async history(contactId: string): Promise<StoredEvent[]> {
    checkStorableKey(contactId, "invalid-contact", "contactId");
    return this.driver.transaction((conn) => new SqlContactTx(contactId, conn).history());
  }

  async readSnapshot(contactId: string): Promise<Snapshot | undefined> {
    checkStorableKey(contactId, "invalid-contact", "contactId");
    return this.driver.transaction((conn) => new SqlContactTx(contactId, conn).snapshot());
  }

  writeSnapshot(contactId: string, snapshot: Snapshot): Promise<void> {
    return this.withContact(contactId, (tx) => tx.saveSnapshot(snapshot));
  }

  /** Applies the migrations the database lacks (`heed migrate`). */
  migrate(): Promise<MigrateResult> {
    return migrate(this.driver);
  }

  /** The SQL {@link migrate} would run, and the versions it would apply; changes nothing (`heed migrate --print`). */
  migrationScript(): Promise<{ script: string; pending: number[] }> {
    return migrationScript(this.driver);
  }

  async expireIdempotency(before: number): Promise<number> {
    const { rows } = await this.driver.transaction((conn) =>
      conn.query("WITH gone AS (DELETE FROM heed_idempotency WHERE created_at < $1::text::timestamptz RETURNING 1) SELECT count(*)::integer AS n FROM gone", [
        new Date(before).toISOString(),
      ]),
    );
    return Number(rows[0]?.n ?? 0);
  }

  schemaVersion(): Promise<number> {
    return this.driver.transaction(readVersion);
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}
