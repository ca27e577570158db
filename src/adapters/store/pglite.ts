/**
 * The PGlite store: PostgreSQL compiled to WebAssembly, in process,
 * persisting to a folder (or to memory). The zero-setup default of
 * `heed serve`. PGlite runs one transaction at a time, which with the
 * advisory lock taken by the SQL store keeps contacts' checks atomic.
 *
 * @module
 */

import { mkdirSync } from "node:fs";
import type { PGlite } from "@electric-sql/pglite";
import { loadDriver } from "./peer.js";
import { SqlStore, migrate, type SqlConn, type SqlDriver } from "./sql.js";
import type { Store } from "./types.js";

class PgliteDriver implements SqlDriver {
  readonly kind = "pglite" as const;

  constructor(private readonly db: PGlite) {}

  transaction<T>(fn: (conn: SqlConn) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn({ query: (text, params) => tx.query(text, params) }));
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

/** Opens (creating when needed) a PGlite database in `folder`, or in memory without one, and migrates it. */
export async function openPgliteStore(folder?: string): Promise<Store> {
  // PGlite creates the folder itself but not its parents (`.heed/store` in a fresh checkout).
  if (folder !== undefined) mkdirSync(folder, { recursive: true });
  const { PGlite } = await loadDriver("@electric-sql/pglite", "the PGlite store", () => import("@electric-sql/pglite"));
  const db = folder === undefined ? new PGlite() : new PGlite(folder);
  await db.waitReady;
  const driver = new PgliteDriver(db);
  try {
    await migrate(driver);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return new SqlStore(driver);
}
