import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGate, type AttemptResult, type Gate } from "../../src/adapters/gate.js";
import { MemoryStore } from "../../src/adapters/store/memory.js";
import type { Store } from "../../src/adapters/store/types.js";
import { HeedInputError } from "../../src/diagnostics.js";
import { compile } from "../../src/engine/index.js";
import type { Engine } from "../../src/engine/api.js";
import { parsePolicy } from "../../src/parser/index.js";
import { lazyPostgres, storeBackends, type PostgresCluster } from "../support/postgres.js";

const POLICY = `
cadence "gate" {
  timezone from contact.timezone else "UTC"
  channels email, call
  at most 1 call per day
  at least 2 hours between touches
}
`;

function engineOf(text: string): Engine {
  const { policy, diagnostics } = parsePolicy(text, { file: "gate.heed" });
  if (!policy) throw new Error(diagnostics.map((d) => d.message).join("; "));
  return compile(policy);
}

const engine = engineOf(POLICY);

const OPT_OUT = `
cadence "opt-out" {
  channels email
  never email after unsubscribe
}
`;
const optOutEngine = engineOf(OPT_OUT);
/**
 * Whether the engine takes two events sharing an id but not a type for two
 * events (the engine's half of event identity). The stores and the gate keep
 * both either way; the decision after them needs the engine's half too.
 */
const ENGINE_TYPED_IDENTITY =
  optOutEngine.evaluate({
    contact: { id: "probe" },
    history: [
      { type: "touch", channel: "email", at: "2026-03-02T08:00:00Z", id: "x" },
      { type: "unsubscribe", at: "2026-03-02T09:00:00Z", id: "x" },
    ],
    touch: { channel: "email" },
    at: "2026-03-02T10:00:00Z",
  }).verdict === "deny";
const BASE = Date.UTC(2026, 2, 2, 8);
const iso = (ms: number): string => new Date(ms).toISOString();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The gates' clock in these tests: a month after the attempts, so none is in the future. */
const NOW = BASE + 30 * DAY;
const clock = (): number => NOW;

const postgres = lazyPostgres();
const current = (): Promise<PostgresCluster> => postgres.cluster();
afterAll(() => postgres.stop());

/** Ends a worker abruptly while it holds a contact's lock, as each backend allows. */
async function killWorker(kind: Store["kind"]): Promise<void> {
  if (kind !== "postgres") throw new Error("worker died between evaluate and commit");
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

describe.each(storeBackends(current))("the gate over the $name store", (backend) => {
  let store: Store | undefined;
  const storeOf = (): Store => {
    if (!store) throw new Error("the store did not open");
    return store;
  };
  let gate: Gate;
  let next = 0;
  const contact = (): string => `contact-${++next}`;

  beforeAll(async () => {
    store = await backend.open();
    gate = createGate({ engine, store, clock });
  });
  afterAll(async () => {
    await store?.close();
  });

  it("records an allowed touch and defers the next one until the spacing has passed", async () => {
    const id = contact();
    const first = await gate.attempt(id, { channel: "email" }, iso(BASE));
    expect(first.decision.verdict).toBe("allow");
    expect(first.eventId).toBeTypeOf("string");
    const second = await gate.attempt(id, { channel: "email" }, iso(BASE + 30 * MINUTE));
    expect(second.decision.verdict).toBe("defer");
    expect(second.decision.notBefore).toBe("2026-03-02T10:00:00Z");
    expect(second.eventId).toBeUndefined();
    const third = await gate.attempt(id, { channel: "email" }, "2026-03-02T10:00:00Z");
    expect(third.decision.verdict).toBe("allow");
    const history = await storeOf().history(id);
    expect(history.map((e) => [e.type, e.channel, e.at, e.id])).toEqual([
      ["touch", "email", iso(BASE), first.eventId],
      ["touch", "email", "2026-03-02T10:00:00Z", third.eventId],
    ]);
  });

  it("answers a retried attempt with the first decision and records nothing new", async () => {
    const id = contact();
    const first = await gate.attempt(id, { channel: "call" }, iso(BASE), { idempotencyKey: "send-1" });
    const retry = await gate.attempt(id, { channel: "call" }, iso(BASE + 5 * MINUTE), { idempotencyKey: "send-1" });
    expect(first.replayed).toBe(false);
    expect(retry).toEqual({ ...first, replayed: true });
    expect(await storeOf().history(id)).toHaveLength(1);
    const other = await gate.attempt(id, { channel: "call" }, iso(BASE + 5 * MINUTE), { idempotencyKey: "send-2" });
    expect(other.decision.verdict).toBe("defer");
  });

  it("uses the contact's stored time zone for calendar windows", async () => {
    const id = contact();
    const tokyo = { id, timezone: "Asia/Tokyo" };
    // 14:00Z on March 2 is 23:00 in Tokyo; 15:00Z is already March 3 there.
    expect((await gate.attempt(id, { channel: "call" }, "2026-03-02T14:00:00Z", { contact: tokyo })).decision.verdict).toBe("allow");
    const next = await gate.attempt(id, { channel: "call" }, "2026-03-02T16:00:00Z");
    expect(next.decision.verdict).toBe("allow");
  });

  it("dedupes recorded signals by event id", async () => {
    const id = contact();
    const reply = { type: "reply", at: iso(BASE), id: "hub-77", sentiment: "positive" };
    expect(await gate.record(id, reply)).toEqual({ eventId: "hub-77", recorded: true });
    expect(await gate.record(id, reply)).toEqual({ eventId: "hub-77", recorded: false });
    const unnamed = await gate.record(id, { type: "open", at: iso(BASE) });
    expect(unnamed.recorded).toBe(true);
    expect((await storeOf().history(id)).map((e) => e.id)).toEqual(["hub-77", unnamed.eventId]);
  });

  it("records an unsubscribe whose id equals an earlier touch's, and dedupes each by type and id", async () => {
    const id = contact();
    expect(await gate.record(id, { type: "touch", channel: "email", at: iso(BASE), id: "outreach:101" })).toEqual({ eventId: "outreach:101", recorded: true });
    expect(await gate.record(id, { type: "unsubscribe", at: iso(BASE + HOUR), id: "outreach:101" })).toEqual({ eventId: "outreach:101", recorded: true });
    expect(await gate.record(id, { type: "unsubscribe", at: iso(BASE + HOUR), id: "outreach:101" })).toEqual({ eventId: "outreach:101", recorded: false });
    expect((await storeOf().history(id)).map((e) => e.type)).toEqual(["touch", "unsubscribe"]);
  });

  it.runIf(ENGINE_TYPED_IDENTITY)("refuses the next attempt after an unsubscribe that reuses a touch's id", async () => {
    const id = contact();
    const optOut = createGate({ engine: optOutEngine, store: storeOf(), clock });
    await optOut.record(id, { type: "touch", channel: "email", at: iso(BASE), id: "outreach:202" });
    await optOut.record(id, { type: "unsubscribe", at: iso(BASE + HOUR), id: "outreach:202" });
    const next = await optOut.attempt(id, { channel: "email" }, iso(BASE + 2 * HOUR));
    expect(next.decision.verdict).toBe("deny");
    expect(next.decision.reasons.map((r) => r.code)).toEqual(["never-after"]);
  });

  it("rejects bad input with the offending field and records nothing", async () => {
    const id = contact();
    const fieldOf = async (run: () => Promise<unknown>): Promise<string> => {
      try {
        await run();
      } catch (error) {
        if (error instanceof HeedInputError) return error.field;
        throw error;
      }
      throw new Error("expected an input error");
    };
    expect(await fieldOf(() => gate.attempt(id, { channel: "" }, iso(BASE)))).toBe("touch.channel");
    expect(await fieldOf(() => gate.attempt(id, { channel: "email" }, "yesterday"))).toBe("at");
    expect(await fieldOf(() => gate.attempt(id, { channel: "email" }, iso(BASE), { contact: { id, timezone: "Mars/Olympus" } }))).toBe("contact.timezone");
    expect(await fieldOf(() => gate.attempt(id, { channel: "email" }, iso(BASE), { contact: { id: "someone-else" } }))).toBe("contact.id");
    expect(await fieldOf(() => gate.record(id, { type: "reply", at: "2026-13-45" }))).toBe("event.at");
    expect(await storeOf().history(id)).toEqual([]);
  });

  it("refuses events and attempts dated beyond the future tolerance of its clock (`future-event`), and records nothing", async () => {
    const id = contact();
    const at = NOW;
    const near = createGate({ engine, store: storeOf(), clock: () => at, futureTolerance: 5 * MINUTE });
    // Within the tolerance: a worker's clock a little ahead of the gate's.
    expect((await near.record(id, { type: "open", at: iso(at + 4 * MINUTE), id: "o-1" })).recorded).toBe(true);
    await expect(near.record(id, { type: "touch", channel: "email", at: "2099-01-01T00:00:00Z", id: "t-2099" })).rejects.toMatchObject({
      name: "HeedInputError",
      code: "future-event",
      field: "event.at",
      message: "`event.at` is `2099-01-01T00:00:00Z`, more than 5 minutes after the gate's clock (2026-04-01T08:00:00.000Z): events cannot be recorded ahead of time",
    });
    await expect(near.attempt(id, { channel: "email" }, iso(at + 6 * MINUTE))).rejects.toMatchObject({ code: "future-event", field: "at" });
    expect((await storeOf().history(id)).map((e) => e.id)).toEqual(["o-1"]);
  });

  it("lets a later attempt through when a touch dated in 2099 is already stored", async () => {
    const id = contact();
    // Stored before the gate refused such dates (or straight into the store).
    await storeOf().append(id, [{ type: "touch", channel: "email", at: "2099-01-01T00:00:00Z", id: "t-2099" }]);
    const next = await gate.attempt(id, { channel: "email" }, iso(BASE));
    expect(next.decision.verdict).toBe("allow");
    const after = await gate.attempt(id, { channel: "email" }, iso(BASE + 3 * HOUR));
    expect(after.decision.verdict).toBe("allow");
    await expect(gate.attempt(id, { channel: "email" }, iso(BASE + HOUR))).rejects.toMatchObject({ code: "out-of-order" });
  });

  it("sees a signal recorded before the attempt and stamped up to the skew after its `at` (a vendor's clock ahead)", async () => {
    const id = contact();
    const optOut = createGate({ engine: optOutEngine, store: storeOf(), clock, signalSkew: 30_000 });
    await optOut.record(id, { type: "unsubscribe", at: iso(BASE + 5_000), id: "u-1" });
    const attempt = await optOut.attempt(id, { channel: "email" }, iso(BASE));
    expect(attempt.decision.verdict).toBe("deny");
    expect(attempt.decision.reasons.map((r) => r.code)).toEqual(["never-after"]);
    // Beyond the skew, a signal stamped after the attempt is not the attempt's to see.
    const other = contact();
    await optOut.record(other, { type: "unsubscribe", at: iso(BASE + 60_000), id: "u-2" });
    expect((await optOut.attempt(other, { channel: "email" }, iso(BASE))).decision.verdict).toBe("allow");
  });

  it("refuses text no store keeps, instants outside the years 0001 to 9999 and values nested too deep, naming the field", async () => {
    const id = contact();
    const refused = async (run: () => Promise<unknown>): Promise<{ code: string; field: string; message: string }> => {
      try {
        await run();
      } catch (error) {
        if (error instanceof HeedInputError) return { code: error.code, field: error.field, message: error.message };
        throw error;
      }
      throw new Error("expected an input error");
    };
    let deep: unknown = "bottom";
    for (let i = 0; i < 200_000; i++) deep = [deep];
    // The engine's own input checks may speak first (with their own words); the code and the field are the same.
    expect(await refused(() => gate.record(id, { type: "reply", at: iso(BASE), id: "r\u0000x" }))).toMatchObject({
      code: "invalid-event",
      field: "event.id",
      message: expect.stringMatching(/^`event\.id` (holds|contains) a NUL character \(`\\u0000`\)/),
    });
    expect(await refused(() => gate.record(id, { type: "reply", at: iso(BASE), note: "half \ud83d" }))).toMatchObject({
      code: "invalid-event",
      field: "event.note",
      message: expect.stringMatching(/^`event\.note` (holds|contains) a lone surrogate/),
    });
    expect(await refused(() => gate.record(id, { type: "reply", at: "0000-01-01T00:00:00Z" }))).toMatchObject({ code: "invalid-time", field: "event.at" });
    expect(await refused(() => gate.record(id, { type: "reply", at: iso(BASE), payload: { nested: deep } }))).toMatchObject({
      code: "invalid-event",
      field: expect.stringMatching(/^event\.payload/),
      message: expect.stringContaining("nested more than 64 levels deep"),
    });
    expect(await refused(() => gate.attempt(id, { channel: "email", campaign: "\u0000" }, iso(BASE)))).toMatchObject({ code: "invalid-touch", field: "touch.campaign" });
    expect(await refused(() => gate.attempt(id, { channel: "email" }, iso(BASE), { contact: { id, attributes: { role: "\udc00" } } }))).toMatchObject({
      code: "invalid-contact",
      field: "contact.attributes.role",
    });
    expect(await refused(() => gate.attempt(id, { channel: "email" }, iso(BASE), { idempotencyKey: "k\u0000" }))).toMatchObject({ field: "idempotencyKey" });
    expect(await refused(() => gate.attempt("c\u0000", { channel: "email" }, iso(BASE)))).toMatchObject({ code: "invalid-contact", field: "contactId" });
    expect(await storeOf().history(id)).toEqual([]);
  });

  it("answers an event whose offset PostgreSQL would not read (+20:00) as the memory store does: kept as given, or refused naming `event.at`", async () => {
    const id = contact();
    const outcome = await gate.record(id, { type: "reply", at: "2026-03-02T20:00:00+20:00", id: "far-east" }).then(
      (result) => result.recorded,
      (error: Error & { code?: string; field?: string }) => (error.name === "HeedInputError" ? `${error.code} ${error.field}` : error),
    );
    const memory = await createGate({ engine, store: new MemoryStore(), clock }).record(id, { type: "reply", at: "2026-03-02T20:00:00+20:00", id: "far-east" }).then(
      (result) => result.recorded,
      (error: Error & { code?: string; field?: string }) => (error.name === "HeedInputError" ? `${error.code} ${error.field}` : error),
    );
    expect(outcome).toEqual(memory);
    expect([true, "invalid-time event.at"]).toContain(outcome);
    expect((await storeOf().history(id)).map((e) => e.at)).toEqual(outcome === true ? ["2026-03-02T20:00:00+20:00"] : []);
  });

  it("refuses an attempt dated before the contact's last recorded touch", async () => {
    const id = contact();
    await gate.attempt(id, { channel: "email" }, iso(BASE + HOUR));
    await expect(gate.attempt(id, { channel: "email" }, iso(BASE))).rejects.toMatchObject({ code: "out-of-order", field: "at" });
    expect(await storeOf().history(id)).toHaveLength(1);
  });

  it("leaves no partial record when a worker dies holding the lock, and the waiting worker goes on", async () => {
    const id = contact();
    let waiting: Promise<AttemptResult> | undefined;
    const dying = createGate({
      engine,
      store: storeOf(),
      clock,
      beforeCommit: async () => {
        // Another worker queues behind this one's lock, then this one dies.
        waiting = gate.attempt(id, { channel: "call" }, iso(BASE), { idempotencyKey: "k" });
        await new Promise((resolve) => setTimeout(resolve, 150));
        await killWorker(storeOf().kind);
      },
    });
    await expect(dying.attempt(id, { channel: "call" }, iso(BASE), { idempotencyKey: "k" })).rejects.toThrow();
    expect(waiting).toBeDefined();
    const survivor = await waiting!;
    // Had the dead worker's touch been kept, this one would be deferred (or replayed).
    expect(survivor.decision.verdict).toBe("allow");
    expect(survivor.replayed).toBe(false);
    const history = await storeOf().history(id);
    expect(history.map((e) => e.id)).toEqual([survivor.eventId]);
  });

  it("never lets concurrent workers together exceed a rule", async () => {
    const CONTACTS = 20;
    // PGlite runs one transaction at a time in process: more attempts there add time, not contention.
    const ATTEMPTS = backend.name === "pglite" ? 1500 : 4000;
    const WORKERS = 8;
    const ids = Array.from({ length: CONTACTS }, () => contact());
    // Each worker has its own gate; with PostgreSQL each holds its own connection per attempt.
    const counts = { allow: 0, deny: 0, defer: 0, outOfOrder: 0 };
    let allowedIds = 0;
    let issued = 0;
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const worker = async (): Promise<void> => {
      const own = createGate({ engine, store: storeOf(), clock });
      while (issued < ATTEMPTS) {
        const k = issued++;
        const id = ids[Math.floor(random() * CONTACTS)]!;
        const channel = random() < 0.5 ? "call" : "email";
        try {
          const result = await own.attempt(id, { channel }, iso(BASE + k * MINUTE));
          counts[result.decision.verdict] += 1;
          if (result.eventId !== undefined) allowedIds += 1;
        } catch (error) {
          if (error instanceof HeedInputError && error.code === "out-of-order") counts.outOfOrder += 1;
          else throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    expect(counts.allow + counts.deny + counts.defer + counts.outOfOrder).toBe(ATTEMPTS);
    expect(counts.allow).toBeGreaterThan(ATTEMPTS / 20);
    expect(counts.defer).toBeGreaterThan(0);

    let stored = 0;
    const violations: string[] = [];
    for (const id of ids) {
      const touches = (await storeOf().history(id)).filter((e) => e.type === "touch").map((e) => ({ ms: Date.parse(e.at), channel: e.channel }));
      touches.sort((a, b) => a.ms - b.ms);
      stored += touches.length;
      const callDays = new Map<string, number>();
      touches.forEach((t, i) => {
        const previous = touches[i - 1];
        if (previous && t.ms - previous.ms < 2 * HOUR) violations.push(`${id}: touches ${iso(previous.ms)} and ${iso(t.ms)} closer than 2 hours`);
        if (t.channel === "call") {
          const day = iso(t.ms).slice(0, 10);
          callDays.set(day, (callDays.get(day) ?? 0) + 1);
        }
      });
      for (const [day, n] of callDays) if (n > 1) violations.push(`${id}: ${n} calls on ${day}`);
    }
    expect(violations).toEqual([]);
    expect(stored).toBe(counts.allow);
    expect(allowedIds).toBe(counts.allow);
  });
});

describe("the gate over PostgreSQL with a hung worker", () => {
  it("ends the hung worker's transaction after the idle timeout, records nothing of it, and lets the next worker in", async () => {
    const { openPostgresStore } = await import("../../src/adapters/store/postgres.js");
    const { createDatabase } = await import("../support/postgres.js");
    const store = await openPostgresStore({ connectionString: await createDatabase(await current()), idleInTransactionTimeoutMs: 300 });
    try {
      const hung = createGate({ engine, store, beforeCommit: () => new Promise((resolve) => setTimeout(resolve, 1500)) });
      const healthy = createGate({ engine, store });
      const stuck = hung.attempt("h1", { channel: "call" }, iso(BASE));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const next = await healthy.attempt("h1", { channel: "call" }, iso(BASE));
      expect(next.decision.verdict).toBe("allow");
      await expect(stuck).rejects.toThrow();
      expect((await store.history("h1")).map((e) => e.id)).toEqual([next.eventId]);
    } finally {
      await store.close();
    }
  });
});
