/**
 * The PGlite store: PostgreSQL compiled to WebAssembly, in process,
 * persisting to a folder (or to memory). The zero-setup default of
 * `heed serve`. PGlite runs one transaction at a time, which with the
 * advisory lock taken by the SQL store keeps contacts' checks atomic
 * within the process. A folder serves one process only: opening it takes
 * the folder's lock (see {@link lockFolder}), and a second process is
 * refused with a message naming the holder.
 *
 * @module
 */

import { mkdirSync } from "node:fs";
import type { PGlite } from "@electric-sql/pglite";
import { lockFolder, type FolderLock } from "./lock.js";
import { loadDriver } from "./peer.js";
import { prepareSchema, type SchemaMode } from "./migrate.js";
import { SqlStore, type SqlConn, type SqlDriver } from "./sql.js";
import type { Store } from "./types.js";

class PgliteDriver implements SqlDriver {
  readonly kind = "pglite" as const;

  constructor(
    private readonly db: PGlite,
    private readonly lock: FolderLock | undefined,
  ) {}

  transaction<T>(fn: (conn: SqlConn) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn({ query: (text, params) => tx.query(text, params) }));
  }

  async close(): Promise<void> {
    try {
      await this.db.close();
    } finally {
      this.lock?.release();
    }
  }
}

/**
 * Opens (creating when needed) a PGlite database in `folder`, or in memory
 * without one, and migrates it. Throws {@link StoreLockedError} when another
 * process has the folder open. `schema` says what is done with the
 * schema, as for PostgreSQL (see {@link SchemaMode}).
 */
export async function openPgliteStore(folder?: string, options: { schema?: SchemaMode } = {}): Promise<Store> {
  // PGlite creates the folder itself but not its parents (`.heed/store` in a fresh checkout).
  if (folder !== undefined) mkdirSync(folder, { recursive: true });
  const { PGlite } = await loadDriver("@electric-sql/pglite", "the PGlite store", () => import("@electric-sql/pglite"));
  const lock = folder === undefined ? undefined : lockFolder(folder);
  let driver: PgliteDriver | undefined;
  try {
    const db = folder === undefined ? new PGlite() : new PGlite(folder);
    driver = new PgliteDriver(db, lock);
    await db.waitReady;
    await prepareSchema(driver, options.schema);
  } catch (error) {
    if (driver !== undefined) await driver.close().catch(() => undefined);
    else lock?.release();
    throw error;
  }
  return new SqlStore(driver);
}
