/**
 * Stores of contacts' histories: in memory, PostgreSQL, or PGlite in a
 * folder. {@link openStore} picks one from a `--store` value.
 *
 * @module
 */

import { MemoryStore } from "./memory.js";
import { openPgliteStore } from "./pglite.js";
import { openPostgresStore } from "./postgres.js";
import type { SchemaMode } from "./migrate.js";
import type { Store } from "./types.js";

export type {
  AccountTouchRecord,
  AppendResult,
  ContactTx,
  IdempotencyRecord,
  LockOptions,
  NumberedEvent,
  SnapshotMark,
  SnapshotRecord,
  Store,
  StoreKind,
  StoredEvent,
} from "./types.js";
export { MemoryStore } from "./memory.js";
export { openPgliteStore } from "./pglite.js";
export { LOCK_FILE, StoreLockedError, type LockHolder } from "./lock.js";
export { openPostgresStore, type PostgresStoreOptions } from "./postgres.js";
export { MIGRATIONS, SCHEMA_VERSION, type Migration } from "./schema.js";
export { SqlStore, migrate, type SqlConn, type SqlDriver } from "./sql.js";
export { SchemaError, checkSchema, migrationScript, scriptOf, type MigrateResult, type SchemaMode } from "./migrate.js";

/** The folder `heed serve` keeps its PGlite database in when no `--store` is given. */
export const DEFAULT_STORE_FOLDER = ".heed/store";

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** What is done with the schema of a SQL store (default `migrate`): see {@link SchemaMode}. */
  schema?: SchemaMode;
}

/**
 * Opens a store from a `--store` value: `memory`, a `postgres://` (or
 * `postgresql://`) connection string, or a folder for PGlite.
 */
export function openStore(spec: string = DEFAULT_STORE_FOLDER, options: OpenStoreOptions = {}): Promise<Store> {
  if (spec === "memory") return Promise.resolve(new MemoryStore());
  if (isPostgresUrl(spec)) return openPostgresStore({ connectionString: spec, ...options });
  return openPgliteStore(spec, options);
}

/** True for a `postgres://` or `postgresql://` connection string. */
export function isPostgresUrl(spec: string): boolean {
  return /^postgres(ql)?:\/\//.test(spec);
}
