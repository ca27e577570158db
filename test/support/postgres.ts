/**
 * A throwaway PostgreSQL cluster for tests: initdb into a temporary folder
 * owned by the `postgres` OS user, a free loopback port, trust auth, and
 * everything stopped and removed afterwards (also when a test fails or the
 * process exits). Missing binaries fail loudly: the tests must not skip.
 */

import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const PG_BIN = process.env.HEED_PG_BIN ?? "/usr/lib/postgresql/15/bin";

export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  url: string;
  port: number;
  stop(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function osUser(name: string): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`the \`${name}\` OS user is missing: PostgreSQL tests need it to run the server`);
  const parts = line.split(":");
  return { uid: Number(parts[2]), gid: Number(parts[3]) };
}

function asPostgres(binary: string, args: string[]): string {
  const runAsRoot = process.getuid?.() === 0;
  const command = runAsRoot ? "runuser" : join(PG_BIN, binary);
  const full = runAsRoot ? ["-u", "postgres", "--", join(PG_BIN, binary), ...args] : args;
  return execFileSync(command, full, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Starts a cluster; throws with a clear message when PostgreSQL is not installed. */
export async function startPostgres(): Promise<PostgresCluster> {
  for (const binary of ["initdb", "pg_ctl", "postgres"]) {
    if (!existsSync(join(PG_BIN, binary))) {
      throw new Error(
        `the PostgreSQL binaries are missing: \`${join(PG_BIN, binary)}\` not found (install PostgreSQL 15 or set HEED_PG_BIN); the store tests need a real server`,
      );
    }
  }
  const root = mkdtempSync(join(tmpdir(), "heed-pg-"));
  const data = join(root, "data");
  let started = false;
  const cleanup = (): void => {
    if (started) {
      try {
        asPostgres("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } catch {
        // already stopped
      }
      started = false;
    }
    rmSync(root, { recursive: true, force: true });
  };
  process.once("exit", cleanup);
  try {
    if (process.getuid?.() === 0) {
      const { uid, gid } = osUser("postgres");
      chownSync(root, uid, gid);
      chmodSync(root, 0o700);
    }
    asPostgres("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
    const port = await freePort();
    const options = [
      `-p ${port}`,
      "-c listen_addresses=127.0.0.1",
      `-c unix_socket_directories=${root}`,
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
      "-c max_connections=60",
    ].join(" ");
    asPostgres("pg_ctl", ["-D", data, "-o", options, "-l", join(root, "server.log"), "-w", "-t", "30", "start"]);
    started = true;
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      port,
      stop: () => {
        cleanup();
        process.removeListener("exit", cleanup);
      },
    };
  } catch (error) {
    const log = join(root, "server.log");
    const detail = existsSync(log) ? `\n${readFileSync(log, "utf8").slice(-2000)}` : "";
    cleanup();
    process.removeListener("exit", cleanup);
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`could not start a PostgreSQL test cluster: ${(error as Error).message} ${stderr}${detail}`);
  }
}

/**
 * A cluster started on first use and shared by a test file: the PostgreSQL
 * suites fail with the start-up error while the others still run.
 */
export function lazyPostgres(): { cluster(): Promise<PostgresCluster>; stop(): Promise<void> } {
  let started: Promise<PostgresCluster> | undefined;
  return {
    cluster: () => (started ??= startPostgres()),
    stop: async () => {
      const cluster = await started?.catch(() => undefined);
      cluster?.stop();
    },
  };
}

let databases = 0;

/** Creates an empty database in the cluster and returns its URL. */
export async function createDatabase(cluster: PostgresCluster): Promise<string> {
  const { default: pg } = await import("pg");
  const name = `heed_test_${process.pid}_${++databases}`;
  const client = new pg.Client({ connectionString: cluster.url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return `postgres://postgres@127.0.0.1:${cluster.port}/${name}`;
}

/** One kind of store the shared suites run against. */
export interface StoreBackend {
  name: "memory" | "pglite" | "postgres";
  /** Opens a fresh, empty store. */
  open(): Promise<import("../../src/adapters/store/types.js").Store>;
}

/**
 * The stores every store and gate suite runs against: PostgreSQL (a fresh
 * database in `cluster()`), PGlite (in memory) and the memory store.
 */
export function storeBackends(cluster: () => Promise<PostgresCluster>): StoreBackend[] {
  return [
    {
      name: "postgres",
      open: async () => {
        const { openPostgresStore } = await import("../../src/adapters/store/postgres.js");
        return openPostgresStore({ connectionString: await createDatabase(await cluster()), max: 10 });
      },
    },
    {
      name: "pglite",
      open: async () => {
        const { openPgliteStore } = await import("../../src/adapters/store/pglite.js");
        return openPgliteStore();
      },
    },
    {
      name: "memory",
      open: async () => {
        const { MemoryStore } = await import("../../src/adapters/store/memory.js");
        return new MemoryStore();
      },
    },
  ];
}
