import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCK_FILE, StoreLockedError } from "../../src/adapters/store/lock.js";
import { openPgliteStore } from "../../src/adapters/store/pglite.js";
import { openPostgresStore } from "../../src/adapters/store/postgres.js";
import { MIGRATIONS, SCHEMA_VERSION } from "../../src/adapters/store/schema.js";
import type { Store } from "../../src/adapters/store/types.js";
import type { Snapshot } from "../../src/engine/api.js";
import { createDatabase, lazyPostgres, storeBackends, type PostgresCluster } from "../support/postgres.js";

const postgres = lazyPostgres();
const current = (): Promise<PostgresCluster> => postgres.cluster();
afterAll(() => postgres.stop());

const at = (h: number): string => new Date(Date.UTC(2026, 2, 2, h)).toISOString();

describe.each(storeBackends(current))("the $name store", (backend) => {
  let opened: Store | undefined;
  const storeOf = (): Store => {
    if (!opened) throw new Error("the store did not open");
    return opened;
  };
  beforeAll(async () => {
    opened = await backend.open();
  });
  afterAll(async () => {
    await opened?.close();
  });
  let next = 0;
  /** Fresh contact ids, so that the tests sharing one store never meet. */
  const contacts = (): [string, string, string, string] => {
    const n = ++next;
    return [`c1-${n}`, `c2-${n}`, `a-${n}`, `b-${n}`];
  };
  it("keeps a contact's events in the order stored and drops a redelivered id", async () => {
    const [c1, c2, a, b] = contacts();
    const first = await storeOf().append(c1, [
      { type: "touch", channel: "email", at: at(10), id: "t1" },
      { type: "reply", at: at(9), id: "r1", sentiment: "positive" },
    ]);
    expect(first).toEqual({ added: ["t1", "r1"], duplicates: [] });
    const again = await storeOf().append(c1, [
      { type: "reply", at: at(9), id: "r1", sentiment: "negative" },
      { type: "open", at: at(11), id: "o1" },
    ]);
    expect(again).toEqual({ added: ["o1"], duplicates: ["r1"] });
    const history = await storeOf().history(c1);
    expect(history.map((e) => e.id)).toEqual(["t1", "r1", "o1"]);
    expect(history[1]).toEqual({ type: "reply", at: at(9), id: "r1", sentiment: "positive" });
    expect(await storeOf().history(c2)).toEqual([]);
  });

  it("keeps events of different types that share an id: an unsubscribe reusing a touch's id is stored", async () => {
    const [c1] = contacts();
    const first = await storeOf().append(c1, [{ type: "touch", channel: "email", at: at(9), id: "outreach:101" }]);
    expect(first).toEqual({ added: ["outreach:101"], duplicates: [] });
    const optOut = await storeOf().append(c1, [
      { type: "unsubscribe", at: at(10), id: "outreach:101" },
      { type: "unsubscribe", at: at(10), id: "outreach:101" },
    ]);
    expect(optOut).toEqual({ added: ["outreach:101"], duplicates: ["outreach:101"] });
    // A redelivered touch is still one event.
    expect(await storeOf().append(c1, [{ type: "touch", channel: "email", at: at(9), id: "outreach:101" }])).toEqual({ added: [], duplicates: ["outreach:101"] });
    expect((await storeOf().history(c1)).map((e) => [e.type, e.id])).toEqual([
      ["touch", "outreach:101"],
      ["unsubscribe", "outreach:101"],
    ]);
  });

  it("refuses what no store keeps with the same input error on every store, and never fails on an offset PostgreSQL cannot read", async () => {
    const [c1] = contacts();
    const refusal = async (run: () => Promise<unknown>): Promise<unknown> =>
      run().then(
        () => "stored",
        (error: Error & { code?: string; field?: string }) => ({ name: error.name, code: error.code, field: error.field }),
      );
    expect(await refusal(() => storeOf().append(c1, [{ type: "reply", at: at(1), id: "a\u0000b" }]))).toEqual({ name: "HeedInputError", code: "invalid-event", field: "event.id" });
    expect(await refusal(() => storeOf().append(c1, [{ type: "reply", at: at(1), id: "r", text: "\ud800" }]))).toEqual({ name: "HeedInputError", code: "invalid-event", field: "event.text" });
    expect(await refusal(() => storeOf().append(c1, [{ type: "reply", at: "0000-06-01T00:00:00Z", id: "r" }]))).toEqual({ name: "HeedInputError", code: "invalid-time", field: "event.at" });
    expect(await refusal(() => storeOf().append(c1, [{ type: "reply", at: at(1), id: "x".repeat(513) }]))).toEqual({ name: "HeedInputError", code: "invalid-event", field: "event.id" });
    expect(await refusal(() => storeOf().append("c\u0000", [{ type: "reply", at: at(1), id: "r" }]))).toEqual({ name: "HeedInputError", code: "invalid-contact", field: "contactId" });
    expect(await refusal(() => storeOf().history("\udfff"))).toEqual({ name: "HeedInputError", code: "invalid-contact", field: "contactId" });
    expect(await refusal(() => storeOf().withContact(c1, (tx) => tx.saveContact({ id: c1, attributes: { note: "\u0000" } })))).toEqual({
      name: "HeedInputError",
      code: "invalid-contact",
      field: "contact.attributes.note",
    });
    expect(await storeOf().history(c1)).toEqual([]);
    // An offset PostgreSQL does not read: kept as given, as memory keeps it, or (where instants are read only up to ±15:59) refused naming the field; never a database error.
    const farEast = await refusal(() => storeOf().append(c1, [{ type: "reply", at: "2026-03-02T20:00:00+20:00", id: "r" }]));
    expect(["stored", { name: "HeedInputError", code: "invalid-time", field: "event.at" }]).toContainEqual(farEast);
    expect((await storeOf().history(c1)).map((e) => e.at)).toEqual(farEast === "stored" ? ["2026-03-02T20:00:00+20:00"] : []);
  });

  it("keeps the same event id apart for two contacts", async () => {
    const [c1, c2, a, b] = contacts();
    await storeOf().append(a, [{ type: "reply", at: at(1), id: "same" }]);
    const other = await storeOf().append(b, [{ type: "reply", at: at(1), id: "same" }]);
    expect(other.added).toEqual(["same"]);
  });

  it("round-trips a snapshot, a contact and idempotency records", async () => {
    const [c1, c2, a, b] = contacts();
    expect(await storeOf().readSnapshot(c1)).toBeUndefined();
    const snapshot = { format: "heed-snapshot/2", contact: { id: c1 }, last: null, recentIds: ["x"], states: null } as unknown as Snapshot;
    await storeOf().writeSnapshot(c1, snapshot);
    expect(await storeOf().readSnapshot(c1)).toEqual(snapshot);
    await storeOf().withContact(c1, async (tx) => {
      await tx.saveContact({ id: c1, timezone: "Europe/Paris", attributes: { role: "cto", products: [a] } });
      await tx.saveIdempotency("k1", { decision: { verdict: "allow" } });
      await tx.saveIdempotency("k1", { decision: { verdict: "deny" } });
    });
    await storeOf().withContact(c1, async (tx) => {
      expect(await tx.contact()).toEqual({ id: c1, timezone: "Europe/Paris", attributes: { role: "cto", products: [a] } });
      expect(await tx.idempotency("k1")).toEqual({ key: "k1", response: { decision: { verdict: "allow" } }, storedAt: expect.any(String) });
      expect(await tx.idempotency("k2")).toBeUndefined();
      expect(await tx.snapshot()).toEqual(snapshot);
    });
  });

  it("rolls back every write of a transaction that throws", async () => {
    const [c1, c2, a, b] = contacts();
    await expect(
      storeOf().withContact(c1, async (tx) => {
        await tx.append({ type: "touch", channel: "call", at: at(10), id: "t1" });
        await tx.saveIdempotency("k", { any: 1 });
        await tx.saveContact({ id: c1 });
        throw new Error("worker died");
      }),
    ).rejects.toThrow("worker died");
    expect(await storeOf().history(c1)).toEqual([]);
    await storeOf().withContact(c1, async (tx) => {
      expect(await tx.idempotency("k")).toBeUndefined();
      expect(await tx.contact()).toBeUndefined();
    });
  });

  it("runs one transaction at a time per contact", async () => {
    const [c1, c2, a, b] = contacts();
    // Each transaction reads the count and writes count + 1 after a pause:
    // without the lock, two would read the same count and write one id twice.
    const bump = (): Promise<void> =>
      storeOf().withContact(c1, async (tx) => {
        const n = (await tx.history()).length;
        await new Promise((resolve) => setTimeout(resolve, 2));
        await tx.append({ type: "open", at: at(1), id: `e${n}` });
      });
    await Promise.all(Array.from({ length: 20 }, bump));
    expect((await storeOf().history(c1)).map((e) => e.id)).toEqual(Array.from({ length: 20 }, (_, i) => `e${i}`));
  });

  it("reports its schema version", async () => {
    const [c1, c2, a, b] = contacts();
    expect(await storeOf().schemaVersion()).toBe(storeOf().kind === "memory" ? 0 : SCHEMA_VERSION);
  });
});

describe("schema migrations", () => {
  it("create the schema once on PostgreSQL and leave it alone when reopened", async () => {
    const url = await createDatabase(await current());
    const [a, b] = await Promise.all([openPostgresStore({ connectionString: url }), openPostgresStore({ connectionString: url })]);
    await a.append("c1", [{ type: "reply", at: at(1), id: "r1" }]);
    await Promise.all([a.close(), b.close()]);
    const again = await openPostgresStore({ connectionString: url });
    expect(await again.history("c1")).toHaveLength(1);
    await again.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query("SELECT version FROM heed_schema_version ORDER BY version");
    await client.end();
    expect(rows.map((r: { version: number }) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  /** Builds a store as the first released schema left it, with one contact's events in it. */
  async function firstSchema(query: (text: string, params?: unknown[]) => Promise<unknown>): Promise<void> {
    await query("CREATE TABLE heed_schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
    const first = MIGRATIONS[0]!;
    for (const statement of first.statements) await query(statement);
    await query("INSERT INTO heed_schema_version (version, description) VALUES ($1, $2)", [first.version, first.description]);
    await query(
      `INSERT INTO heed_events (contact_id, event_id, type, at, body) VALUES
         ('c1', 'hub-1', 'touch', '2026-03-02T09:00:00Z', '{"type":"touch","channel":"email","at":"2026-03-02T09:00:00Z","id":"hub-1"}'),
         ('c1', 'hub-2', 'reply', '2026-03-02T10:00:00Z', '{"type":"reply","at":"2026-03-02T10:00:00Z","id":"hub-2"}')`,
    );
  }

  async function identityAfterMigration(store: Store): Promise<void> {
    expect(await store.schemaVersion()).toBe(SCHEMA_VERSION);
    expect((await store.history("c1")).map((e) => [e.type, e.id])).toEqual([
      ["touch", "hub-1"],
      ["reply", "hub-2"],
    ]);
    const result = await store.append("c1", [
      { type: "unsubscribe", at: at(11), id: "hub-1" },
      { type: "reply", at: at(10), id: "hub-2" },
    ]);
    expect(result).toEqual({ added: ["hub-1"], duplicates: ["hub-2"] });
  }

  it("migrate a PostgreSQL store of the first schema in place: its events kept, identity by type and id", async () => {
    const url = await createDatabase(await current());
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await firstSchema((text, params) => client.query(text, params));
    } finally {
      await client.end();
    }
    const store = await openPostgresStore({ connectionString: url });
    try {
      await identityAfterMigration(store);
    } finally {
      await store.close();
    }
  });

  it("migrate a PGlite folder of the first schema in place: its events kept, identity by type and id", async () => {
    const root = mkdtempSync(join(tmpdir(), "heed-pglite-v1-"));
    try {
      const db = new PGlite(root);
      await firstSchema((text, params) => db.query(text, params));
      await db.close();
      const store = await openPgliteStore(root);
      try {
        await identityAfterMigration(store);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("refuse a database migrated by a newer version", async () => {
    const url = await createDatabase(await current());
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("CREATE TABLE heed_schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
    await client.query("INSERT INTO heed_schema_version (version, description) VALUES (99, 'future')");
    await client.end();
    await expect(openPostgresStore({ connectionString: url })).rejects.toThrow(/schema is at version 99, newer than/);
  });

  it("persist a PGlite store in its folder across reopening, creating the folder and its parents", async () => {
    const root = mkdtempSync(join(tmpdir(), "heed-pglite-"));
    const folder = join(root, ".heed", "store");
    try {
      const first = await openPgliteStore(folder);
      await first.append("c1", [{ type: "touch", channel: "email", at: at(3), id: "t1" }]);
      await first.close();
      const second = await openPgliteStore(folder);
      expect((await second.history("c1")).map((e) => e.id)).toEqual(["t1"]);
      expect(await second.schemaVersion()).toBe(SCHEMA_VERSION);
      await second.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("the PGlite folder lock", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "heed-lock-"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("refuses a second opening of a folder in use, naming the holder, and lets it go on close", async () => {
    const folder = join(root, "one");
    const first = await openPgliteStore(folder);
    try {
      const lock = JSON.parse(readFileSync(join(folder, LOCK_FILE), "utf8")) as { pid: number; host: string; since: string };
      expect(lock).toMatchObject({ pid: process.pid, host: hostname() });
      const second = openPgliteStore(folder);
      await expect(second).rejects.toBeInstanceOf(StoreLockedError);
      await expect(second).rejects.toThrow(
        `the store folder \`${folder}\` is in use by this process since ${lock.since}: one PGlite folder serves one process (use PostgreSQL to share a store); if that process is gone, remove \`${join(folder, LOCK_FILE)}\``,
      );
      await first.append("c1", [{ type: "open", at: at(1), id: "o1" }]);
    } finally {
      await first.close();
    }
    expect(existsSync(join(folder, LOCK_FILE))).toBe(false);
    const again = await openPgliteStore(folder);
    expect((await again.history("c1")).map((e) => e.id)).toEqual(["o1"]);
    await again.close();
  });

  it("takes over the stale lock of a process that died, and refuses a lock held on another host", async () => {
    const folder = join(root, "two");
    mkdirSync(folder);
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    writeFileSync(join(folder, LOCK_FILE), JSON.stringify({ pid: dead, host: hostname(), since: "2026-01-01T00:00:00.000Z", token: "crashed" }));
    const store = await openPgliteStore(folder);
    expect(JSON.parse(readFileSync(join(folder, LOCK_FILE), "utf8"))).toMatchObject({ pid: process.pid, host: hostname() });
    await store.close();

    writeFileSync(join(folder, LOCK_FILE), JSON.stringify({ pid: 4242, host: "db-host-2", since: "2026-01-01T00:00:00.000Z", token: "elsewhere" }));
    await expect(openPgliteStore(folder)).rejects.toThrow(/^the store folder `.*` is in use by process 4242 on host `db-host-2` since 2026-01-01T00:00:00.000Z: /);
    // Refused, and the other host's lock left as it was.
    expect(JSON.parse(readFileSync(join(folder, LOCK_FILE), "utf8"))).toMatchObject({ token: "elsewhere" });
  });
});
