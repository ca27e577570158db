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
  type StoreKind,
  type StoredEvent,
} from "./types.js";

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

/** The class of the accounts' advisory locks (the first of two keys; any constant would do). */
const ACCOUNT_LOCKS = 0x48656564;

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
    return (await this.appendNumbered(event)) !== undefined;
  }

  async appendNumbered(event: StoredEvent): Promise<number | undefined> {
    // The instant goes to the column in UTC: PostgreSQL reads offsets up to 15:59 only.
    const at = new Date(checkStorableEvent(event, "event")).toISOString();
    const { rows } = await this.conn.query(
      `INSERT INTO heed_events (contact_id, event_id, type, at, body)
       VALUES ($1, $2, $3, $4::text::timestamptz, $5::text::jsonb)
       ON CONFLICT (contact_id, type, event_id) DO NOTHING
       RETURNING seq`,
      [this.contactId, event.id, event.type, at, json(event)],
    );
    if (rows.length === 0) return undefined;
    if (event.type === "touch") {
      // indexed under the account the contact's record names now
      await this.conn.query(
        `INSERT INTO heed_account_touches (account_id, contact_id, event_id, at, body)
         SELECT contact->>'account', contact_id, $2, $3::text::timestamptz, $4::text::jsonb
           FROM heed_contacts WHERE contact_id = $1 AND jsonb_typeof(contact->'account') = 'string'
         ON CONFLICT DO NOTHING`,
        [this.contactId, event.id, at, json(event)],
      );
    }
    return Number(rows[0]!.seq);
  }

  async eventsAfter(mark: SnapshotMark | null): Promise<NumberedEvent[]> {
    const { rows } =
      mark === null
        ? await this.conn.query(
            "SELECT seq, (extract(epoch FROM at) * 1000)::float8 AS ms, body FROM heed_events WHERE contact_id = $1 ORDER BY at, seq",
            [this.contactId],
          )
        : mark.at === null
          ? await this.conn.query(
              "SELECT seq, (extract(epoch FROM at) * 1000)::float8 AS ms, body FROM heed_events WHERE contact_id = $1 ORDER BY at, seq",
              [this.contactId],
            )
          : // two index ranges, (contact_id, seq) and (contact_id, at): what was stored since, and what is dated after the cut
            await this.conn.query(
              `SELECT seq, (extract(epoch FROM at) * 1000)::float8 AS ms, body FROM heed_events WHERE contact_id = $1 AND seq > $2
               UNION ALL
               SELECT seq, (extract(epoch FROM at) * 1000)::float8 AS ms, body FROM heed_events
                WHERE contact_id = $1 AND at >= $3::text::timestamptz AND (at > $3::text::timestamptz OR seq > $4)
               ORDER BY 2, 1`,
              [this.contactId, mark.seen, new Date(mark.at).toISOString(), mark.seq],
            );
    const out: NumberedEvent[] = [];
    // an event both numbered after the mark and dated after its cut comes in both ranges: once is enough
    for (const row of rows) {
      const seq = Number(row.seq);
      if (out.length > 0 && out[out.length - 1]!.seq === seq) continue;
      out.push({ seq, ms: Math.round(Number(row.ms)), event: fromJson<StoredEvent>(row.body) });
    }
    return out;
  }

  async latestTouch(horizon: number): Promise<number | undefined> {
    const { rows } = await this.conn.query(
      `SELECT (extract(epoch FROM at) * 1000)::float8 AS ms FROM heed_events
        WHERE contact_id = $1 AND type = 'touch' AND at <= $2::text::timestamptz ORDER BY at DESC LIMIT 1`,
      [this.contactId, new Date(horizon).toISOString()],
    );
    return rows[0] === undefined ? undefined : Math.round(Number(rows[0].ms));
  }

  async snapshotFor(version: string): Promise<SnapshotRecord | undefined> {
    const { rows } = await this.conn.query(
      `SELECT snapshot, seen_seq, (extract(epoch FROM last_at) * 1000)::float8 AS last_ms, last_seq
         FROM heed_snapshots WHERE contact_id = $1 AND policy_version = $2`,
      [this.contactId, version],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    const at = row.last_ms === null ? null : Math.round(Number(row.last_ms));
    return { snapshot: fromJson<Snapshot>(row.snapshot), mark: { seen: Number(row.seen_seq), at, seq: row.last_seq === null ? null : Number(row.last_seq) } };
  }

  async saveSnapshotFor(version: string, record: SnapshotRecord): Promise<void> {
    checkStorable(record.snapshot, "invalid-snapshot", "snapshot");
    const { mark } = record;
    await this.conn.query(
      `INSERT INTO heed_snapshots (contact_id, policy_version, snapshot, seen_seq, last_at, last_seq)
       VALUES ($1, $2, $3::text::jsonb, $4, $5::text::timestamptz, $6)
       ON CONFLICT (contact_id, policy_version) DO UPDATE
         SET snapshot = excluded.snapshot, seen_seq = excluded.seen_seq, last_at = excluded.last_at, last_seq = excluded.last_seq, updated_at = now()`,
      [this.contactId, version, json(record.snapshot), mark.seen, mark.at === null ? null : new Date(mark.at).toISOString(), mark.seq],
    );
  }

  async accountTouches(account: string, from: number, to: number): Promise<AccountTouchRecord[]> {
    const { rows } = await this.conn.query(
      `SELECT contact_id, body FROM heed_account_touches
        WHERE account_id = $1 AND contact_id <> $2 AND at > $3::text::timestamptz AND at <= $4::text::timestamptz
        ORDER BY at, contact_id, event_id`,
      [account, this.contactId, new Date(from).toISOString(), new Date(to).toISOString()],
    );
    return rows.map((row) => ({ contactId: String(row.contact_id), event: fromJson<StoredEvent>(row.body) }));
  }

  async latestAccountTouch(account: string, horizon: number): Promise<number | undefined> {
    const { rows } = await this.conn.query(
      `SELECT (extract(epoch FROM at) * 1000)::float8 AS ms FROM heed_account_touches
        WHERE account_id = $1 AND contact_id <> $2 AND at <= $3::text::timestamptz ORDER BY at DESC LIMIT 1`,
      [account, this.contactId, new Date(horizon).toISOString()],
    );
    return rows[0] === undefined ? undefined : Math.round(Number(rows[0].ms));
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

  async withContact<T>(contactId: string, fn: (tx: ContactTx) => Promise<T>, options: LockOptions = {}): Promise<T> {
    checkStorableKey(contactId, "invalid-contact", "contactId");
    const account = options.account;
    if (account !== undefined) checkStorableKey(account, "invalid-contact", "contact.account");
    return this.driver.transaction(async (conn) => {
      // The account's lock (the two-key form: its own key space, apart from contacts') before the contact's.
      if (account !== undefined) await conn.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [ACCOUNT_LOCKS, account]);
      await conn.query("SELECT pg_advisory_xact_lock(hashtext($1))", [contactId]);
      return fn(new SqlContactTx(contactId, conn));
    });
  }

  async readContact(contactId: string): Promise<Contact | undefined> {
    checkStorableKey(contactId, "invalid-contact", "contactId");
    return this.driver.transaction((conn) => new SqlContactTx(contactId, conn).contact());
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
