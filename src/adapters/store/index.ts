/**
 * Stores of contacts' histories: in memory, PostgreSQL, or PGlite in a
 * folder. {@link openStore} picks one from a `--store` value.
 *
 * @module
 */

import { MemoryStore } from "./memory.js";
import { openPgliteStore } from "./pglite.js";
import { openPostgresStore } from "./postgres.js";
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

/** The folder `heed serve` keeps its PGlite database in when no `--store` is given. */
export const DEFAULT_STORE_FOLDER = ".heed/store";

/**
 * Opens a store from a `--store` value: `memory`, a `postgres://` (or
 * `postgresql://`) connection string, or a folder for PGlite.
 */
export function openStore(spec: string = DEFAULT_STORE_FOLDER): Promise<Store> {
  if (spec === "memory") return Promise.resolve(new MemoryStore());
  if (/^postgres(ql)?:\/\//.test(spec)) return openPostgresStore({ connectionString: spec });
  return openPgliteStore(spec);
}
