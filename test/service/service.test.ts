/**
 * `heed serve` as an operator runs it: migrations apart (`heed migrate`,
 * `--print`, `serve --no-migrate` under a role with data rights alone),
 * Prometheus metrics, where a contact stands, idempotent replays and the
 * expiry of their records, and `heed serve --help`.
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/adapters/cli/main.js";
import { runServe } from "../../src/adapters/http/command.js";
import { startServer, type RunningServer } from "../../src/adapters/http/server.js";
import { MemoryStore } from "../../src/adapters/store/memory.js";
import { MIGRATIONS, SCHEMA_VERSION } from "../../src/adapters/store/schema.js";
import { compile, parsePolicy } from "../../src/index.js";
import { createDatabase, lazyPostgres } from "../support/postgres.js";
import { parsePrometheusText, type Family } from "../support/prometheus.js";

const GATE = `cadence "gate" {
  timezone from contact.timezone else "UTC"
  channels email, call
  at most 1 call per day
  at least 2 hours between touches
}
`;

const STAGES = `cadence "stages" {
  channels email, call
  ignore window 1 day
  start stage prospecting {
    allow email, call
    after 2 ignored touches move to nurture
    on reply move to engaged
  }
  stage nurture { allow email }
  stage engaged { allow email, call }
}
`;

const JSON_TYPE = { "content-type": "application/json" };

/** Collects written text. */
function sink(): { write(chunk: string): boolean; text(): string; lines(): string[] } {
  let text = "";
  return {
    write: (chunk: string) => {
      text += chunk;
      return true;
    },
    text: () => text,
    lines: () => text.split("\n").filter((l) => l !== ""),
  };
}

/** Runs `heed ARGS` in process. */
async function heed(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = sink();
  const stderr = sink();
  const code = await main(args, { stdout, stderr, env, cwd: tmpdir() });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

// The responses are JSON on every path; `any` keeps the assertions short.
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${base}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: JSON_TYPE }) });
  return { status: res.status, json: JSON.parse(await res.text()) as Json };
}

function policyFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "heed-service-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("heed migrate and serve --no-migrate on PostgreSQL", () => {
  const postgres = lazyPostgres();
  afterAll(() => postgres.stop());

  async function query(url: string, text: string): Promise<pg.QueryResult> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await client.query(text);
    } finally {
      await client.end();
    }
  }

  it("prints the SQL without applying it, then applies it once", async () => {
    const url = await createDatabase(await postgres.cluster());
    const printed = await heed(["migrate", "--store", url, "--print"]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(/^BEGIN;\n/);
    expect(printed.stdout).toMatch(/COMMIT;\n$/);
    for (const m of MIGRATIONS) expect(printed.stdout).toContain(`-- migration ${m.version}: ${m.description}`);
    expect(printed.stdout).toContain("ALTER TABLE heed_events ADD PRIMARY KEY (contact_id, seq);");
    expect(printed.stderr).toContain(`lacks migration ${MIGRATIONS.map((m) => m.version).join(", ")}: printed, not applied`);
    // Nothing was applied: not even the version table.
    expect((await query(url, "SELECT to_regclass('heed_schema_version') AS t, to_regclass('heed_events') AS e")).rows[0]).toEqual({ t: null, e: null });

    const applied = await heed(["migrate", "--store", url]);
    expect(applied.code).toBe(0);
    expect(applied.stdout.split("\n").filter((l) => l.startsWith("applied migration"))).toEqual(MIGRATIONS.map((m) => `applied migration ${m.version}: ${m.description}`));
    expect(applied.stdout).toContain(`is at schema version ${SCHEMA_VERSION}`);
    const versions = await query(url, "SELECT version FROM heed_schema_version ORDER BY version");
    expect(versions.rows.map((r: { version: number }) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));

    const again = await heed(["migrate", "--store", url]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`is up to date (schema version ${SCHEMA_VERSION})`);
    const reprint = await heed(["migrate", "--print"], { HEED_STORE: url });
    expect(reprint.code).toBe(0);
    expect(reprint.stdout).toBe("");
    expect(reprint.stderr).toContain("is up to date");
  }, 60_000);

  it("runs the printed script with a plain client to the same schema", async () => {
    const url = await createDatabase(await postgres.cluster());
    const printed = await heed(["migrate", "--store", url, "--print"]);
    await query(url, printed.stdout);
    const again = await heed(["migrate", "--store", url]);
    expect(again.stdout).toContain("is up to date");
  }, 60_000);

  it("keeps contact_id in every primary key and unique index, so the tables distribute by it", async () => {
    const url = await createDatabase(await postgres.cluster());
    expect((await heed(["migrate", "--store", url])).code).toBe(0);
    const { rows } = await query(
      url,
      `SELECT c.relname AS table, i.relname AS index, array_agg(a.attname::text ORDER BY a.attname) AS columns
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class c ON c.oid = x.indrelid
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (x.indkey)
        WHERE x.indisunique AND c.relname LIKE 'heed\\_%' AND c.relname <> 'heed_schema_version'
        GROUP BY c.relname, i.relname`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const row of rows as { table: string; index: string; columns: string[] }[]) expect({ index: row.index, columns: row.columns }).toEqual({ index: row.index, columns: expect.arrayContaining(["contact_id"]) });
  }, 60_000);

  it("refuses --store memory (exit 2) and an unreachable database (exit 1), naming it without its password", async () => {
    const memory = await heed(["migrate", "--store", "memory"]);
    expect(memory.code).toBe(2);
    expect(memory.stderr.split("\n")[0]).toBe("heed migrate: `--store memory` keeps no schema: there is nothing to migrate");
    const cluster = await postgres.cluster();
    const gone = await heed(["migrate", "--store", `postgres://heed:secret@127.0.0.1:${cluster.port}/no_such_database`]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^heed migrate: cannot migrate `postgres:\/\/heed:\*\*\*@127\.0\.0\.1:\d+\/no_such_database`: /);
    expect(gone.stderr).not.toContain("secret");
  }, 60_000);

  it("serves under a role with only SELECT, INSERT, UPDATE and DELETE with --no-migrate, and says what to run when not migrated", async () => {
    const cluster = await postgres.cluster();
    const url = await createDatabase(cluster);
    const database = new URL(url).pathname.slice(1);
    const appUrl = `postgres://heed_app@127.0.0.1:${cluster.port}/${database}`;
    await query(url, "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'heed_app') THEN CREATE ROLE heed_app LOGIN; END IF; END $$");
    // PostgreSQL 15: PUBLIC may use the schema public but not create in it.
    await query(url, "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    const dir = policyFolder({ "gate.heed": GATE });
    try {
      // Not migrated: --no-migrate says to run heed migrate.
      const before = sink();
      expect(await runServe([dir, "--port", "0", "--store", appUrl, "--no-migrate"], { stdout: sink(), stderr: before })).toBe(1);
      expect(before.lines().at(-1)).toBe(
        "heed serve: cannot start: the database has no heed schema: run `heed migrate --store URL` as a role that may create tables, then start again",
      );

      expect((await heed(["migrate", "--store", url])).code).toBe(0);
      await query(url, "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO heed_app");

      // Migrating at start needs more than data rights: the failure operators met.
      const migrating = sink();
      expect(await runServe([dir, "--port", "0", "--store", appUrl], { stdout: sink(), stderr: migrating })).toBe(1);
      expect(migrating.lines().at(-1)).toBe("heed serve: cannot start: permission denied for schema public");

      let stop!: () => void;
      const stopSignal = new Promise<void>((resolve) => (stop = resolve));
      let base = "";
      const listening = new Promise<void>((resolve) => {
        const err = sink();
        void runServe([dir, "--port", "0", "--store", appUrl, "--no-migrate", "--decision-log", join(dir, "decisions.jsonl")], {
          stdout: sink(),
          stderr: err,
          stopSignal,
          onListening: (u) => {
            base = u;
            resolve();
          },
        }).then((code) => {
          if (code !== 0) throw new Error(`heed serve exited ${code}: ${err.text()}`);
        });
      });
      await listening;
      try {
        const at = new Date(Date.now() - 60_000).toISOString();
        const first = await call(base, "POST", "/v1/contacts/pg-app/attempts", { touch: { channel: "call" }, at, idempotencyKey: "k1" });
        expect(first.status).toBe(200);
        expect(first.json).toMatchObject({ decision: { verdict: "allow" }, replayed: false });
        const retry = await call(base, "POST", "/v1/contacts/pg-app/attempts", { touch: { channel: "call" }, at, idempotencyKey: "k1" });
        expect(retry.json).toMatchObject({ decisionId: first.json.decisionId, replayed: true });
        const event = await call(base, "POST", "/v1/contacts/pg-app/events", { type: "reply", at, id: "r-1" });
        expect(event.status).toBe(201);
        const standing = await call(base, "GET", "/v1/contacts/pg-app");
        expect(standing.status).toBe(200);
        expect(standing.json.lastTouches).toEqual([expect.objectContaining({ channel: "call", id: first.json.eventId })]);
        // The identity column numbers events without any right on a sequence.
        expect((await query(url, "SELECT count(*)::int AS n FROM heed_events WHERE contact_id = 'pg-app'")).rows[0].n).toBe(2);
      } finally {
        stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe("the service's endpoints", () => {
  let dir: string;
  let server: RunningServer;
  let now = Date.parse("2026-03-10T12:00:00Z");
  const store = new MemoryStore();
  const decisions = sink();

  beforeAll(async () => {
    dir = policyFolder({ "gate.heed": GATE, "stages.heed": STAGES });
    server = await startServer({
      policies: dir,
      store,
      decisionLog: decisions,
      pollInterval: 0,
      watch: false,
      clock: () => now,
      idempotencyTtl: 60 * 60_000,
      idempotencySweepMs: 0,
    });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows where a contact stands: stage and counters per policy, last touches, no snapshot", async () => {
    const events = [
      { type: "touch", channel: "email", at: "2026-03-02T09:00:00Z", id: "t1" },
      { type: "touch", channel: "email", at: "2026-03-04T09:00:00Z", id: "t2" },
      { type: "touch", channel: "call", at: "2026-03-06T09:00:00Z", id: "t3" },
    ];
    expect((await call(server.url, "POST", "/v1/contacts/ada/events", { events })).status).toBe(201);
    const { status, json } = await call(server.url, "GET", "/v1/contacts/ada");
    expect(status).toBe(200);
    expect(json).toEqual({
      contactId: "ada",
      at: "2026-03-10T12:00:00.000Z",
      contact: null,
      policies: [
        // Every window (3 days by default) has ended unanswered by 03-10.
        { name: "gate", stage: "active", since: "2026-03-02T09:00:00Z", counters: { ignored: 3, touches: 3, totalTouches: 3 } },
        // Two touches ignored (windows of one day): nurture from the end of the second; the call since then, ignored too.
        { name: "stages", stage: "nurture", since: "2026-03-05T09:00:00Z", counters: { ignored: 1, touches: 1, totalTouches: 3 } },
      ],
      events: { stored: 3, upToAt: 3 },
      lastTouches: [events[2], events[1], events[0]],
      snapshot: null,
    });
  });

  it("answers as of ?at= and for ?policy=, and 404 for an unknown contact or policy", async () => {
    // The first touch's window (one day) has ended unanswered; the second is not sent yet.
    const earlier = await call(server.url, "GET", "/v1/contacts/ada?at=2026-03-03T12:00:00Z&policy=stages");
    expect(earlier.status).toBe(200);
    expect(earlier.json.policies).toEqual([
      { name: "stages", stage: "prospecting", since: "2026-03-02T09:00:00Z", counters: { ignored: 1, touches: 1, totalTouches: 1 } },
    ]);
    expect(earlier.json.events).toEqual({ stored: 3, upToAt: 1 });
    expect(earlier.json.lastTouches.map((t: { id: string }) => t.id)).toEqual(["t1"]);
    const unknown = await call(server.url, "GET", "/v1/contacts/nobody");
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toEqual({ code: "unknown-contact", message: "no contact `nobody` is stored: it has no record, no event and no snapshot" });
    const policy = await call(server.url, "GET", "/v1/contacts/ada?policy=stagez");
    expect(policy.status).toBe(404);
    expect(policy.json.error.code).toBe("unknown-policy");
    const badAt = await call(server.url, "GET", "/v1/contacts/ada?at=yesterday");
    expect(badAt.status).toBe(400);
    expect(badAt.json.error).toMatchObject({ code: "invalid-time", field: "at" });
  });

  it("shows the stored snapshot's version, and whether it is current for the policies in use", async () => {
    const { policy } = parsePolicy(GATE, { file: "gate.heed" });
    const engine = compile(policy!);
    const snapshot = engine.step(engine.start({ id: "ada" }, "2026-03-02T09:00:00Z"), { type: "touch", channel: "email", at: "2026-03-02T09:00:00Z", id: "t1" });
    await store.writeSnapshot("ada", snapshot);
    const current = await call(server.url, "GET", "/v1/contacts/ada?policy=gate");
    expect(current.json.snapshot).toEqual({ format: "heed-snapshot/3", policies: [expect.stringMatching(/^gate#[0-9a-f]{14}$/)], current: true });
    const set = await call(server.url, "GET", "/v1/contacts/ada");
    expect(set.json.snapshot).toMatchObject({ current: false });
  });

  it("answers an idempotent retry with the first answer's decisionId, and logs it so", async () => {
    const body = { touch: { channel: "email" }, at: "2026-03-10T11:00:00Z", idempotencyKey: "send-1" };
    const first = await call(server.url, "POST", "/v1/contacts/bob/attempts", body);
    expect(first.json).toMatchObject({ decision: { verdict: "allow" }, replayed: false });
    const retry = await call(server.url, "POST", "/v1/contacts/bob/attempts", body);
    expect(retry.json).toEqual({ decisionId: first.json.decisionId, decision: first.json.decision, replayed: true, eventId: first.json.eventId });
    const logged = decisions.lines().map((l) => JSON.parse(l) as { decisionId: string; replayed?: boolean });
    expect(logged.slice(-2).map((l) => [l.decisionId, l.replayed])).toEqual([
      [first.json.decisionId, false],
      [first.json.decisionId, true],
    ]);
    const other = await call(server.url, "POST", "/v1/contacts/bob/attempts", { ...body, idempotencyKey: "send-2", at: "2026-03-10T11:30:00Z" });
    expect(other.json.decisionId).not.toBe(first.json.decisionId);
  });

  it("expires idempotency records after --idempotency-ttl, by the clock it is given", async () => {
    now = Date.parse("2026-03-10T12:00:00Z");
    const body = { touch: { channel: "email" }, at: "2026-03-10T12:00:00Z", idempotencyKey: "ttl-1" };
    const first = await call(server.url, "POST", "/v1/contacts/cy/attempts", body);
    expect(first.json).toMatchObject({ decision: { verdict: "allow" }, replayed: false });
    now += 59 * 60_000; // within the hour
    const within = await call(server.url, "POST", "/v1/contacts/cy/attempts", body);
    expect(within.json).toMatchObject({ decisionId: first.json.decisionId, replayed: true });
    now += 2 * 60_000; // 61 minutes after: expired, decided afresh (and deferred: 2 hours between touches)
    const after = await call(server.url, "POST", "/v1/contacts/cy/attempts", { ...body, at: new Date(now).toISOString() });
    expect(after.json).toMatchObject({ replayed: false, decision: { verdict: "defer" } });
    expect(after.json.decisionId).not.toBe(first.json.decisionId);
    // The new answer took the key's place.
    const again = await call(server.url, "POST", "/v1/contacts/cy/attempts", { ...body, at: new Date(now).toISOString() });
    expect(again.json).toMatchObject({ decisionId: after.json.decisionId, replayed: true });
    // The sweep removes what has expired, of every contact: bob's two records (from 11:00 and 11:30) and nothing newer.
    now = Date.parse("2026-03-10T13:10:00Z");
    expect(await server.expireIdempotency()).toBe(2);
    expect(await server.expireIdempotency()).toBe(0);
  });

  it("shows Prometheus metrics a text-format parser reads: decisions, latencies, store time, reload errors", async () => {
    now = Date.parse("2026-03-11T12:00:00Z");
    const input = { contact: { id: "m1" }, history: [], touch: { channel: "call" }, at: "2026-03-11T10:00:00Z" };
    for (let i = 0; i < 3; i++) expect((await call(server.url, "POST", "/v1/evaluate", input)).status).toBe(200);
    expect((await call(server.url, "POST", "/v1/evaluate", { ...input, policy: "stages" })).status).toBe(200);
    writeFileSync(join(dir, "broken.heed"), 'cadence "broken" {\n  channels email\n  at most x emails per day\n}\n');
    await server.reload();
    rmSync(join(dir, "broken.heed"));
    await server.reload();

    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusText(await res.text());
    const family = (name: string): Family => {
      const found = families.find((f) => f.name === name);
      if (found === undefined) throw new Error(`no metric family \`${name}\``);
      return found;
    };
    const series = (name: string, labels: Record<string, string> = {}): Family["series"][number] => {
      const found = family(name).series.find((m) => Object.entries(labels).every(([k, v]) => m.labels[k] === v));
      if (found === undefined) throw new Error(`no \`${name}\` with ${JSON.stringify(labels)}`);
      return found;
    };
    const value = (name: string, labels: Record<string, string> = {}): number | undefined => series(name, labels).value;

    expect(family("heed_decisions_total").type).toBe("counter");
    expect(value("heed_decisions_total", { kind: "evaluate", verdict: "allow", policy: "(all)" })).toBe(3);
    expect(value("heed_decisions_total", { kind: "evaluate", verdict: "allow", policy: "stages" })).toBe(1);
    // bob: allow, its replay, defer (30 minutes later); cy: allow, its replay, defer, its replay
    expect(value("heed_decisions_total", { kind: "attempt", verdict: "allow", policy: "(all)" })).toBe(4);
    expect(value("heed_decisions_total", { kind: "attempt", verdict: "defer", policy: "(all)" })).toBe(3);
    expect(value("heed_idempotent_replays_total")).toBe(3);
    expect(value("heed_idempotency_expired_total")).toBe(2); // bob's two, by the sweep (cy's was replaced when its key came again)
    expect(value("heed_policy_reload_errors_total")).toBe(1);
    expect(value("heed_policies_loaded")).toBe(2);
    expect(value("heed_policy_files_failing")).toBe(0);

    expect(family("heed_request_duration_seconds").type).toBe("histogram");
    const evaluate = series("heed_request_duration_seconds", { route: "/v1/evaluate", method: "POST", status: "200" });
    expect(evaluate.count).toBe(4);
    expect(evaluate.buckets?.has(0.005)).toBe(true);
    expect(series("heed_request_duration_seconds", { route: "/v1/contacts/{id}/attempts", status: "200" }).count).toBe(7);
    expect(series("heed_store_duration_seconds", { operation: "withContact" }).count).toBeGreaterThanOrEqual(7);
    expect(series("heed_store_duration_seconds", { operation: "tx.history" }).count).toBeGreaterThanOrEqual(4);
    expect(value("process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  it("is read by a parser that refuses what Prometheus would refuse", () => {
    expect(() => parsePrometheusText("# TYPE a counter\na{x=\"1\"} 1\n")).not.toThrow();
    expect(() => parsePrometheusText("a 1\n")).toThrow(/before any `# TYPE`/);
    expect(() => parsePrometheusText("# TYPE a counter\na{x=1} 1\n")).toThrow(/must be quoted/);
    expect(() => parsePrometheusText("# TYPE a counter\na one\n")).toThrow(/not a number/);
    // Prometheus reads values with Go's ParseFloat, whatever the case of NaN and Inf (prom-client writes `Nan`).
    expect(parsePrometheusText("# TYPE g gauge\ng Nan\n")[0]!.series[0]!.value).toBeNaN();
    expect(parsePrometheusText("# TYPE g gauge\ng -inf\n")[0]!.series[0]!.value).toBe(-Infinity);
    expect(() => parsePrometheusText("# TYPE g gauge\ng nanx\n")).toThrow(/not a number/);
    expect(() => parsePrometheusText('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\nh_sum 0\n')).toThrow(/not cumulative/);
  });
});

describe("heed serve --help", () => {
  it("lists every option, the endpoints, the environment and the exit codes, laid out as the other verbs' help", async () => {
    const { code, stdout } = await heed(["serve", "--help"]);
    expect(code).toBe(0);
    expect(stdout.split("\n").slice(0, 5)).toEqual(["heed serve PATH [options]", "", "serve decisions over HTTP", "", "Options:"]);
    const options = [
      "--port P",
      "--host H",
      "--store S",
      "--no-migrate",
      "--idempotency-ttl SPAN",
      "--token-file FILE",
      "--allow-origin ORIGIN",
      "--decision-log FILE",
      "--decision-log-max-bytes N",
      "--decision-log-keep K",
      "--decision-log-backpressure drop|block",
      "--require NAME",
      "--inline-budget MS",
      "--future-tolerance SECONDS",
      "--signal-skew SECONDS",
      "-h, --help",
    ];
    for (const option of options) expect(stdout).toContain(option);
    // Options in one column, their descriptions aligned in another, as describeOptions lays them out.
    const rows = stdout.split("\n").filter((l) => /^ {2}(-h|  )/.test(l) && l.includes("--"));
    expect(rows).toHaveLength(options.length);
    const descriptionColumn = (row: string): number | undefined => /^ {2}(?:-h, | {4})--[\w-]+(?: \S+)? +/.exec(row)?.[0].length;
    expect(new Set(rows.map(descriptionColumn)).size).toBe(1);
    expect(descriptionColumn(rows[0]!)).toBeGreaterThan(10);
    for (const endpoint of ["POST /v1/evaluate", "POST /v1/contacts/ID/attempts", "POST /v1/contacts/ID/events", "GET  /v1/contacts/ID", "GET  /v1/policies", "GET  /metrics", "GET  /healthz"]) {
      expect(stdout).toContain(endpoint);
    }
    expect(stdout).toContain("HEED_PORT and HEED_STORE");
    expect(stdout).toContain("Exit codes: 0 after a clean shutdown, 1 when the service cannot start");
    expect(stdout).toContain("heed migrate");
  });

  it("refuses a malformed --idempotency-ttl and a value given to --no-migrate", async () => {
    const err = sink();
    expect(await runServe([".", "--idempotency-ttl", "tomorrow"], { stdout: sink(), stderr: err })).toBe(2);
    expect(err.lines()[0]).toBe("heed serve: `--idempotency-ttl` must be a span such as `86400`, `90s`, `30m`, `24h` or `7d`, got `tomorrow`");
    const err2 = sink();
    expect(await runServe([".", "--no-migrate=yes"], { stdout: sink(), stderr: err2 })).toBe(2);
    expect(err2.lines()[0]).toBe("heed serve: option `--no-migrate` takes no value");
  });

  it("heed migrate --help says what it does and how it exits", async () => {
    const { code, stdout } = await heed(["migrate", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("--store S");
    expect(stdout).toContain("--print");
    expect(stdout).toContain("Exit codes: 0 migrated or up to date");
  });
});
