/**
 * `heed migrate [--store S] [--print]`: applies the store's schema
 * migrations (or prints their SQL), apart from `heed serve`, so the
 * service can run under a role with data rights alone (`--no-migrate`).
 *
 * @module
 */

import { resolve } from "node:path";
import { UsageError } from "../args.js";
import { println } from "../io.js";
import { EXIT_FAIL, EXIT_OK, type Verb } from "../verb.js";

/** The store module is held in a variable so the CLI loads the stores only for this verb. */
const STORE_MODULE = "../../store/index.js";

type StoreModule = typeof import("../../store/index.js");

/** A connection string with its password shown as `***`, for messages. */
export function redacted(spec: string): string {
  return spec.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:)[^@/]*@/, "$1***@");
}

export const migrateVerb: Verb = {
  name: "migrate",
  summary: "apply the store's schema migrations (or print their SQL)",
  usage: "heed migrate [--store S] [--print]",
  details: [
    "Brings the schema of a PostgreSQL database or a PGlite folder up to date: each migration the",
    "database lacks, in order, in one transaction under an advisory lock (several processes may run",
    "it at once). Run it as a role that may create and alter tables, before starting `heed serve",
    "--no-migrate` under a role that has only SELECT, INSERT, UPDATE and DELETE on them.",
    "",
    "--print changes nothing: it writes the SQL the migration would run on that database to stdout,",
    "as one script to read or run with psql (nothing when the schema is up to date).",
    "A database migrated by a newer heed is refused, never touched.",
    "",
    "Environment: HEED_STORE stands for --store when it is not given.",
    "",
    "Exit codes: 0 migrated or up to date, 1 the database cannot be reached or migrated, 2 usage errors.",
  ].join("\n"),
  options: [
    { name: "store", type: "string", value: "S", description: "a postgres:// URL or a PGlite folder (default .heed/store, or HEED_STORE)" },
    { name: "print", type: "flag", description: "print the SQL of the migrations the database lacks, apply nothing" },
  ],
  async run(args, io) {
    if (args.positionals.length > 0) throw new UsageError(`unexpected \`${args.positionals[0] ?? ""}\`: the store is named by \`--store\``);
    const stores = (await import(STORE_MODULE)) as StoreModule;
    const spec = args.values.get("store") ?? io.env["HEED_STORE"] ?? stores.DEFAULT_STORE_FOLDER;
    if (spec === "memory") throw new UsageError("`--store memory` keeps no schema: there is nothing to migrate");
    const target = stores.isPostgresUrl(spec) ? spec : resolve(io.cwd, spec);
    const shown = redacted(spec);
    let store: Awaited<ReturnType<StoreModule["openStore"]>> | undefined;
    try {
      store = await stores.openStore(target, { schema: "as-is" });
      if (!(store instanceof stores.SqlStore)) throw new Error("this store keeps no schema");
      if (args.flags.has("print")) {
        const { script, pending } = await store.migrationScript();
        io.stdout.write(script);
        println(io.stderr, pending.length === 0 ? `heed migrate: \`${shown}\` is up to date (schema version ${stores.SCHEMA_VERSION}): nothing to run` : `heed migrate: \`${shown}\` lacks migration ${pending.join(", ")}: printed, not applied`);
        return EXIT_OK;
      }
      const { applied, version } = await store.migrate();
      const migrations = new Map(stores.MIGRATIONS.map((m) => [m.version, m.description]));
      for (const v of applied) println(io.stdout, `applied migration ${v}: ${migrations.get(v) ?? ""}`);
      println(io.stdout, applied.length === 0 ? `\`${shown}\` is up to date (schema version ${version})` : `\`${shown}\` is at schema version ${version}`);
      return EXIT_OK;
    } catch (error) {
      println(io.stderr, `heed migrate: cannot migrate \`${shown}\`: ${(error as Error).message.split("\n")[0] ?? ""}`);
      return EXIT_FAIL;
    } finally {
      await store?.close().catch(() => undefined);
    }
  },
};
