/**
 * The send gate with limits across an account (spec section 8.4): eight
 * concurrent workers over the contacts of three accounts never together
 * exceed the account's cap or a contact's own limits, checked from the
 * stored rows without the engine; a worker killed mid-attempt leaves no
 * partial record and no snapshot ahead of the events.
 */

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGate, snapshotVersion, type AttemptResult } from "../../src/adapters/gate.js";
import type { Store } from "../../src/adapters/store/types.js";
import { HeedInputError } from "../../src/diagnostics.js";
import type { Engine } from "../../src/engine/api.js";
import { compile } from "../../src/engine/index.js";
import { parsePolicy } from "../../src/parser/index.js";
import { lazyPostgres, storeBackends, type PostgresCluster } from "../support/postgres.js";

const ACCOUNT_CAP = 3;
const POLICY = `
cadence "accounts" {
  timezone from contact.timezone else "UTC"
  channels email, call
  rule account-cap: at most ${ACCOUNT_CAP} touches per day across account
  at most 1 call per day
  at least 2 hours between touches
}
`;
const engine: Engine = compile(parsePolicy(POLICY, { file: "accounts.heed" }).policy!);

const BASE = Date.UTC(2026, 2, 2, 8);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const iso = (ms: number): string => new Date(ms).toISOString();
/** The gates' clock: well after every attempt, so none is in the future. */
const clock = (): number => BASE + 120 * DAY;

const ACCOUNTS = ["acme", "globex", "initech"];
const PER_ACCOUNT = 4;
const WORKERS = 8;

const postgres = lazyPostgres();
const current = (): Promise<PostgresCluster> => postgres.cluster();
afterAll(() => postgres.stop());

/** Ends the worker inside its transaction, as each backend allows (PostgreSQL: its connection is terminated). */
async function killWorker(kind: Store["kind"]): Promise<void> {
  if (kind !== "postgres") throw new Error("worker died between decide and commit");
  const admin = new pg.Client({ connectionString: (await current()).url });
  await admin.connect();
  try {
    const { rows } = await admin.query(
      "SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE state = 'idle in transaction' AND pid <> pg_backend_pid()",
    );
    if (rows.length !== 1) throw new Error(`expected one worker inside a transaction, found ${rows.length}`);
  } finally {
    await admin.end();
  }
}

/** A seeded sequence in [0, 1). */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

/**
 * The stored snapshot of a contact is not ahead of its events: deciding on
 * it gives what replaying the stored history gives, and its mark names only
 * stored events.
 */
async function snapshotMatchesEvents(store: Store, contactId: string, account: readonly { type: string; at: string; channel?: string }[], at: string): Promise<void> {
  const record = await store.withContact(contactId, (tx) => tx.snapshotFor(snapshotVersion(engine)));
  const history = await store.history(contactId);
  if (record === undefined) {
    expect(history.filter((e) => e.type === "touch")).toEqual([]);
    return;
  }
  // the mark names stored events only: the last one stepped, and none beyond those stored
  const numbered = await store.withContact(contactId, (tx) => tx.eventsAfter(null));
  expect(record.mark.seen).toBeLessThanOrEqual(Math.max(0, ...numbered.map((e) => e.seq)));
  if (record.mark.seq !== null) expect(numbered.find((e) => e.seq === record.mark.seq)?.ms).toBe(record.mark.at);
  const contact = (await store.readContact(contactId)) ?? { id: contactId };
  for (const channel of ["email", "call"]) {
    const byReplay = engine.evaluate({ contact, history, account: [...account], touch: { channel }, at });
    expect(engine.decide(engine.restore(record.snapshot), { channel }, at, { account: [...account] })).toEqual(byReplay);
  }
}

describe.each(storeBackends(current))("the gate across accounts over the $name store", (backend) => {
  let store: Store | undefined;
  const storeOf = (): Store => {
    if (!store) throw new Error("the store did not open");
    return store;
  };
  let run = 0;

  beforeAll(async () => {
    store = await backend.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it("never lets eight workers over three accounts exceed the account's cap or a contact's limits", { timeout: 120_000 }, async () => {
    const s = storeOf();
    run++;
    // PGlite runs one transaction at a time in process: more attempts there add time, not contention.
    const ATTEMPTS = backend.name === "pglite" ? 1200 : 3000;
    const accountOf = new Map<string, string>();
    for (const account of ACCOUNTS) {
      for (let i = 0; i < PER_ACCOUNT; i++) accountOf.set(`r${run}-${account}-${i}`, `${account}-${run}`);
    }
    const ids = [...accountOf.keys()];
    // the records name the accounts; a few contacts are given theirs with the attempt instead
    for (const [id, account] of accountOf) if (!id.endsWith("-3")) await s.withContact(id, (tx) => tx.saveContact({ id, account }));
    const counts = { allow: 0, deny: 0, defer: 0, outOfOrder: 0 };
    let issued = 0;
    const random = seeded(4242 + run);
    const worker = async (): Promise<void> => {
      const gate = createGate({ engine, store: s, clock });
      while (issued < ATTEMPTS) {
        const k = issued++;
        const id = ids[Math.floor(random() * ids.length)]!;
        const channel = random() < 0.4 ? "call" : "email";
        const options = id.endsWith("-3") ? { contact: { id, account: accountOf.get(id)! } } : {};
        try {
          const result = await gate.attempt(id, { channel }, iso(BASE + k * 7 * MINUTE), options);
          counts[result.decision.verdict] += 1;
        } catch (error) {
          if (error instanceof HeedInputError && error.code === "out-of-order") counts.outOfOrder += 1;
          else throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    expect(counts.allow + counts.deny + counts.defer + counts.outOfOrder).toBe(ATTEMPTS);
    expect(counts.allow).toBeGreaterThan(ATTEMPTS / 40);
    expect(counts.defer).toBeGreaterThan(ATTEMPTS / 4);

    // Checked from the stored rows, with the accounts as this test assigned them, without the engine.
    const violations: string[] = [];
    const perAccountDay = new Map<string, number>();
    let stored = 0;
    for (const id of ids) {
      const touches = (await s.history(id)).filter((e) => e.type === "touch").map((e) => ({ ms: Date.parse(e.at), channel: e.channel }));
      touches.sort((a, b) => a.ms - b.ms);
      stored += touches.length;
      const callDays = new Map<string, number>();
      touches.forEach((t, i) => {
        const previous = touches[i - 1];
        if (previous && t.ms - previous.ms < 2 * HOUR) violations.push(`${id}: touches ${iso(previous.ms)} and ${iso(t.ms)} closer than 2 hours`);
        const day = iso(t.ms).slice(0, 10);
        if (t.channel === "call") callDays.set(day, (callDays.get(day) ?? 0) + 1);
        const key = `${accountOf.get(id)} ${day}`;
        perAccountDay.set(key, (perAccountDay.get(key) ?? 0) + 1);
      });
      for (const [day, n] of callDays) if (n > 1) violations.push(`${id}: ${n} calls on ${day}`);
    }
    for (const [key, n] of perAccountDay) if (n > ACCOUNT_CAP) violations.push(`account ${key}: ${n} touches, at most ${ACCOUNT_CAP}`);
    expect(violations).toEqual([]);
    expect(stored).toBe(counts.allow);
    // the cap bound: some account-days are full, so the account rule did the limiting there
    expect([...perAccountDay.values()].filter((n) => n === ACCOUNT_CAP).length).toBeGreaterThan(5);

    // every contact's stored snapshot agrees with its stored events
    const later = iso(BASE + ATTEMPTS * 7 * MINUTE + DAY);
    for (const id of ids.slice(0, 4)) {
      const others = ids.filter((o) => o !== id && accountOf.get(o) === accountOf.get(id));
      const account = (await Promise.all(others.map((o) => s.history(o)))).flat().filter((e) => e.type === "touch");
      await snapshotMatchesEvents(s, id, account, later);
    }
  });

  it("a worker killed mid-attempt leaves no partial record and no snapshot ahead of the events", { timeout: 60_000 }, async () => {
    const s = storeOf();
    run++;
    const account = `kill-${run}`;
    const [a, b] = [`k${run}-a`, `k${run}-b`];
    for (const id of [a, b]) await s.withContact(id, (tx) => tx.saveContact({ id, account }));
    const gate = createGate({ engine, store: s, clock });
    // a first touch each, so each has a snapshot to be stepped
    expect((await gate.attempt(a, { channel: "email" }, iso(BASE))).decision.verdict).toBe("allow");
    expect((await gate.attempt(b, { channel: "email" }, iso(BASE + HOUR))).decision.verdict).toBe("allow");
    const before = await s.withContact(a, (tx) => tx.snapshotFor(snapshotVersion(engine)));
    let waiting: Promise<AttemptResult> | undefined;
    const dying = createGate({
      engine,
      store: s,
      clock,
      beforeCommit: async () => {
        // another worker on the same account queues behind this one's locks, then this one dies
        waiting = gate.attempt(b, { channel: "email" }, iso(BASE + 4 * HOUR));
        await new Promise((resolve) => setTimeout(resolve, 150));
        await killWorker(s.kind);
      },
    });
    await expect(dying.attempt(a, { channel: "call" }, iso(BASE + 3 * HOUR))).rejects.toThrow();
    expect(waiting).toBeDefined();
    // the survivor saw two touches of the account, not the dead worker's third: allowed, the account's third
    expect((await waiting!).decision.verdict).toBe("allow");
    const history = await s.history(a);
    expect(history.map((e) => e.channel)).toEqual(["email"]);
    // a's snapshot is the one before the dead attempt, and agrees with a's events
    expect(await s.withContact(a, (tx) => tx.snapshotFor(snapshotVersion(engine)))).toEqual(before);
    const bTouches = (await s.history(b)).filter((e) => e.type === "touch");
    await snapshotMatchesEvents(s, a, bTouches, iso(BASE + 5 * HOUR));
    // the account now holds three touches that day (a's email, b's two emails): a's call waits for the next day
    expect((await gate.attempt(a, { channel: "call" }, iso(BASE + 6 * HOUR))).decision).toMatchObject({
      verdict: "defer",
      notBefore: "2026-03-03T00:00:00Z",
      reasons: [expect.objectContaining({ rule: "account-cap", code: "at-most-account" })],
    });
  });
});

describe("the gate across accounts: rules of the account", () => {
  it("refuses an attempt dated before the account's last touch, and treats a contact without account as an account of its own", async () => {
    const { MemoryStore } = await import("../../src/adapters/store/memory.js");
    const store = new MemoryStore();
    const gate = createGate({ engine, store, clock });
    await gate.attempt("x1", { channel: "email" }, iso(BASE + 5 * HOUR), { contact: { id: "x1", account: "umbrella" } });
    await expect(gate.attempt("x2", { channel: "email" }, iso(BASE + 4 * HOUR), { contact: { id: "x2", account: "umbrella" } })).rejects.toMatchObject({
      code: "out-of-order",
      field: "at",
      message: "attempt at `2026-03-02T12:00:00.000Z` comes before the last recorded touch of account `umbrella` at `2026-03-02T13:00:00.000Z`: attempts on an account must come in time order",
    });
    expect(await store.history("x2")).toEqual([]);
    // three touches of the account that day: the fourth contact's first touch waits for the next day
    await gate.attempt("x2", { channel: "email" }, iso(BASE + 6 * HOUR), { contact: { id: "x2", account: "umbrella" } });
    await gate.attempt("x3", { channel: "email" }, iso(BASE + 7 * HOUR), { contact: { id: "x3", account: "umbrella" } });
    const fourth = await gate.attempt("x4", { channel: "email" }, iso(BASE + 8 * HOUR), { contact: { id: "x4", account: "umbrella" } });
    expect(fourth.decision).toMatchObject({ verdict: "defer", notBefore: "2026-03-03T00:00:00Z" });
    // a contact without account, and a contact of another account, are not held by umbrella's touches
    expect((await gate.attempt("loner", { channel: "email" }, iso(BASE + 8 * HOUR))).decision.verdict).toBe("allow");
    expect((await gate.attempt("y1", { channel: "email" }, iso(BASE + 8 * HOUR), { contact: { id: "y1", account: "hooli" } })).decision.verdict).toBe("allow");
    // a contact that moves to umbrella is held by its touches from then on
    expect((await gate.attempt("y1", { channel: "email" }, iso(BASE + 11 * HOUR), { contact: { id: "y1", account: "umbrella" } })).decision.verdict).toBe("defer");
    await store.close();
  });
});
