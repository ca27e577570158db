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
];

/** The version a fully migrated database is at. */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
