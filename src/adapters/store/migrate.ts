/**
 * The schema's migrations applied, printed, or checked: `heed migrate`
 * applies them (under a role that may create tables), `heed migrate
 * --print` shows the SQL it would run, and `heed serve --no-migrate` only
 * checks that the database is up to date, so it can run under a role with
 * data rights alone (SELECT, INSERT, UPDATE, DELETE).
 *
 * A migration is applied when its version is not recorded in
 * `heed_schema_version` (not merely when it is above the highest recorded),
 * so a database that has a later migration but missed an earlier one gets
 * it. A recorded version this build does not know means a newer heed
 * migrated the database: it is refused, never touched.
 *
 * @module
 */

import { MIGRATIONS, SCHEMA_VERSION, type Migration } from "./schema.js";
import type { SqlConn, SqlDriver } from "./sql.js";

/** A stable key for the schema migration lock (any constant would do). */
const MIGRATION_LOCK = 7_402_113;

const VERSION_TABLE = `CREATE TABLE IF NOT EXISTS heed_schema_version (
  version integer PRIMARY KEY,
  description text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/** The database's schema is not the one this build uses, and `--no-migrate` forbids changing it. */
export class SchemaError extends Error {
  /** Always `SchemaError`. */
  override readonly name = "SchemaError";
}

/**
 * What opening a store does with its schema: `migrate` applies what the
 * database lacks (the default), `check` only checks it is up to date
 * (`checkSchema`), `as-is` neither.
 */
export type SchemaMode = "migrate" | "check" | "as-is";

/** Does with a database's schema what `mode` says. */
export async function prepareSchema(driver: SqlDriver, mode: SchemaMode = "migrate"): Promise<void> {
  if (mode === "migrate") await migrate(driver);
  else if (mode === "check") await checkSchema(driver);
}

/** What {@link migrate} did. */
export interface MigrateResult {
  /** The versions applied now, in order (empty when the schema was up to date). */
  applied: number[];
  /** The version the database is at now. */
  version: number;
}

/** The versions recorded as applied; empty when the version table does not exist. */
async function recordedVersions(conn: SqlConn): Promise<number[]> {
  const { rows } = await conn.query("SELECT to_regclass('heed_schema_version') IS NOT NULL AS present");
  if (rows[0]?.present !== true) return [];
  const versions = await conn.query("SELECT version FROM heed_schema_version ORDER BY version");
  return versions.rows.map((row) => Number(row.version));
}

/** The migrations not yet applied; throws when the database knows a version this build does not. */
function pending(recorded: readonly number[]): Migration[] {
  const known = new Set(MIGRATIONS.map((m) => m.version));
  const unknown = recorded.filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new SchemaError(
      `the database schema is at version ${Math.max(...unknown)}, newer than this version of heed understands (${SCHEMA_VERSION}): run a newer heed`,
    );
  }
  const done = new Set(recorded);
  return MIGRATIONS.filter((m) => !done.has(m.version));
}

/** Creates the schema or brings it up to date, in one transaction under a lock, so two processes cannot race. */
export async function migrate(driver: SqlDriver): Promise<MigrateResult> {
  return driver.transaction(async (conn) => {
    await conn.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await conn.query(VERSION_TABLE);
    const todo = pending(await recordedVersions(conn));
    for (const migration of todo) {
      for (const statement of migration.statements) await conn.query(statement);
      await conn.query("INSERT INTO heed_schema_version (version, description) VALUES ($1, $2)", [migration.version, migration.description]);
    }
    return { applied: todo.map((m) => m.version), version: SCHEMA_VERSION };
  });
}

/**
 * The SQL {@link migrate} would run on this database, as one script a
 * database administrator can read and run with `psql` (empty when the
 * schema is up to date). Reads the recorded versions and changes nothing.
 */
export async function migrationScript(driver: SqlDriver): Promise<{ script: string; pending: number[] }> {
  const todo = await driver.transaction(async (conn) => pending(await recordedVersions(conn)));
  return { script: scriptOf(todo), pending: todo.map((m) => m.version) };
}

/** The migrations as one transaction of SQL, each with its version recorded. */
export function scriptOf(migrations: readonly Migration[]): string {
  if (migrations.length === 0) return "";
  const lines = ["BEGIN;", `SELECT pg_advisory_xact_lock(${MIGRATION_LOCK});`, `${VERSION_TABLE};`];
  for (const migration of migrations) {
    lines.push("", `-- migration ${migration.version}: ${migration.description}`);
    for (const statement of migration.statements) lines.push(`${dedent(statement)};`);
    lines.push(`INSERT INTO heed_schema_version (version, description) VALUES (${migration.version}, ${quote(migration.description)});`);
  }
  lines.push("", "COMMIT;");
  return `${lines.join("\n")}\n`;
}

/**
 * Checks, without changing anything, that the database's schema is the one
 * this build uses; throws {@link SchemaError} saying what to run when not.
 * Needs only SELECT on `heed_schema_version`.
 */
export async function checkSchema(driver: SqlDriver): Promise<number> {
  const todo = await driver.transaction(async (conn) => pending(await recordedVersions(conn)));
  if (todo.length === 0) return SCHEMA_VERSION;
  const missing = todo.map((m) => m.version).join(", ");
  const none = todo.length === MIGRATIONS.length;
  throw new SchemaError(
    none
      ? "the database has no heed schema: run `heed migrate --store URL` as a role that may create tables, then start again"
      : `the database schema lacks migration ${missing} (this version of heed needs version ${SCHEMA_VERSION}): run \`heed migrate --store URL\` as a role that may change tables, then start again`,
  );
}

/** The statement with the indentation of the source's template literal taken off its continuation lines. */
function dedent(statement: string): string {
  const lines = statement.split("\n");
  const indents = lines.slice(1).filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)![0].length);
  const cut = Math.max(0, Math.min(...indents) - 2);
  return [lines[0], ...lines.slice(1).map((l) => l.slice(Math.min(cut, /^ */.exec(l)![0].length)))].join("\n");
}

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
