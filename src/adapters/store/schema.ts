/**
 * The SQL schema shared by the PostgreSQL and PGlite stores, as an ordered
 * list of migrations. The version reached is kept in `heed_schema_version`;
 * opening a store applies the migrations it has not seen yet.
 *
 * @module
 */

/** One step of the schema; `version` numbers are 1, 2, 3, ... in order. */
export interface Migration {
  version: number;
  description: string;
  statements: readonly string[];
}

/** Every migration, oldest first. Never edit a released one: append a new one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "contacts, events and idempotency records",
    statements: [
      `CREATE TABLE heed_contacts (
         contact_id text PRIMARY KEY,
         contact jsonb,
         snapshot jsonb,
         updated_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE TABLE heed_events (
         seq bigserial PRIMARY KEY,
         contact_id text NOT NULL,
         event_id text NOT NULL,
         type text NOT NULL,
         at timestamptz NOT NULL,
         body jsonb NOT NULL,
         recorded_at timestamptz NOT NULL DEFAULT now(),
         UNIQUE (contact_id, event_id)
       )`,
      `CREATE INDEX heed_events_contact_at ON heed_events (contact_id, at)`,
      `CREATE TABLE heed_idempotency (
         contact_id text NOT NULL,
         key text NOT NULL,
         response jsonb NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (contact_id, key)
       )`,
    ],
  },
  {
    version: 2,
    description: "events are one event when they share contact, type and id",
    statements: [
      // Built before the old constraint goes, so the table is never without a unique key.
      // Rows unique by (contact_id, event_id) are unique by (contact_id, type, event_id) too.
      `CREATE UNIQUE INDEX heed_events_identity ON heed_events (contact_id, type, event_id)`,
      `ALTER TABLE heed_events DROP CONSTRAINT IF EXISTS heed_events_contact_id_event_id_key`,
    ],
  },
  {
    version: 3,
    description: "snapshots per policy version, touches indexed by account",
    statements: [
      // A contact's snapshot under one version of the policies, with where it stands in the
      // contact's events (see SnapshotMark): attempts step it instead of replaying the history.
      `CREATE TABLE heed_snapshots (
         contact_id text NOT NULL,
         policy_version text NOT NULL,
         snapshot jsonb NOT NULL,
         seen_seq bigint NOT NULL,
         last_at timestamptz,
         last_seq bigint,
         updated_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (contact_id, policy_version)
       )`,
      // What was stored since a snapshot's mark, by number within the contact.
      `CREATE INDEX heed_events_contact_seq ON heed_events (contact_id, seq)`,
      // The contact's latest touch (attempts come in time order), without reading its other touches.
      `CREATE INDEX heed_events_contact_type_at ON heed_events (contact_id, type, at)`,
      // Touches by account, for limits `across account`: written with the touch, under the
      // account of the contact's record at that time. Keyed by account, so that the table can
      // be distributed by it.
      `CREATE TABLE heed_account_touches (
         account_id text NOT NULL,
         contact_id text NOT NULL,
         event_id text NOT NULL,
         at timestamptz NOT NULL,
         body jsonb NOT NULL,
         PRIMARY KEY (account_id, contact_id, event_id)
       )`,
      `CREATE INDEX heed_account_touches_at ON heed_account_touches (account_id, at)`,
      // Touches stored before, of contacts whose record names an account.
      `INSERT INTO heed_account_touches (account_id, contact_id, event_id, at, body)
       SELECT c.contact->>'account', e.contact_id, e.event_id, e.at, e.body
         FROM heed_events e JOIN heed_contacts c ON c.contact_id = e.contact_id
        WHERE e.type = 'touch' AND jsonb_typeof(c.contact->'account') = 'string'
       ON CONFLICT DO NOTHING`,
    ],
  },
];

/** The version a fully migrated database is at. */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
