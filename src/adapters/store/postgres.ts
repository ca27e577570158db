/**
 * The PostgreSQL store, through a `pg` connection pool. Each contact
 * transaction runs on one pooled client; a client whose connection failed is
 * discarded rather than returned to the pool.
 *
 * @module
 */

import type pg from "pg";
import { loadDriver } from "./peer.js";
import { prepareSchema, type SchemaMode } from "./migrate.js";
import { SqlStore, type SqlConn, type SqlDriver } from "./sql.js";
import type { Store } from "./types.js";

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  /** A `postgres://` connection string. */
  connectionString: string;
  /** The most connections the pool opens (default 10). */
  max?: number;
  /**
   * How long a connection may sit idle inside a transaction before the
   * server ends it (default 60 s): a worker that hangs while holding a
   * contact's lock cannot block that contact for ever.
   */
  idleInTransactionTimeoutMs?: number;
  /** How long an attempt waits for a contact's lock before failing (default: no limit). */
  lockTimeoutMs?: number;
  /** Called with errors of idle connections (a restarted server); they are otherwise ignored. */
  onIdleError?: (error: Error) => void;
  /**
   * `migrate` (default): apply the migrations the database lacks. `check`:
   * only check that the schema is up to date, and throw `SchemaError`
   * saying to run `heed migrate` when not (a role with data rights alone
   * suffices). `as-is`: neither (`heed migrate` itself).
   */
  schema?: SchemaMode;
}

class PostgresDriver implements SqlDriver {
  readonly kind = "postgres" as const;

  constructor(private readonly pool: pg.Pool) {}

  async transaction<T>(fn: (conn: SqlConn) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A connection that dies while checked out emits `error`; without a
    // listener that would crash the process instead of failing this call.
    let broken: Error | undefined;
    const onError = (error: Error): void => {
      broken = error;
    };
    client.on("error", onError);
    try {
      await client.query("BEGIN");
      const result = await fn(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      try {
        await client.query("ROLLBACK");
      } catch (rollbackError) {
        broken ??= rollbackError as Error;
      }
      throw error;
    } finally {
      client.removeListener("error", onError);
      client.release(broken ?? false);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** Connects to PostgreSQL and migrates the schema (or checks it: see {@link PostgresStoreOptions.schema}). */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const { default: pgDriver } = await loadDriver("pg", "the PostgreSQL store", () => import("pg"));
  const pool = new pgDriver.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60_000,
    ...(options.lockTimeoutMs !== undefined ? { lock_timeout: options.lockTimeoutMs } : {}),
  });
  pool.on("error", (error) => options.onIdleError?.(error));
  const driver = new PostgresDriver(pool);
  try {
    await prepareSchema(driver, options.schema);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return new SqlStore(driver);
}
