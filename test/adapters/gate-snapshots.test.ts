/**
 * Gate attempts on stored snapshots: whatever is recorded (signals in and
 * out of order, signals stamped ahead of an attempt, a changed contact
 * record, another version of the policy), an attempt decides as replaying
 * the contact's whole stored history would, and keeps a snapshot it steps
 * instead of replaying.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGate, snapshotVersion } from "../../src/adapters/gate.js";
import type { Store, StoredEvent } from "../../src/adapters/store/types.js";
import { HeedInputError } from "../../src/diagnostics.js";
import type { Engine } from "../../src/engine/api.js";
import { compile } from "../../src/engine/index.js";
import type { Contact, Decision, HistoryEvent } from "../../src/model.js";
import { parsePolicy } from "../../src/parser/index.js";
import { lazyPostgres, storeBackends, type PostgresCluster } from "../support/postgres.js";

const policy = (spacing: string): string => `
cadence "snap" {
  timezone from contact.timezone else "UTC"
  channels email, call
  ignore window 2 days
  start stage prospecting {
    allow email, call
    after 2 ignored touches move to nurture
    on reply move to engaged
  }
  stage nurture {
    allow email
    at most 1 email per 3 days
    on reply move to engaged
    after 6 days move to prospecting
  }
  stage engaged { allow email, call }
  on unsubscribe move to closed
  final stage closed
  at most 2 touches per day
  at least ${spacing} between touches
  never call within 4 hours of content_download
  never call when contact.role == "student"
}
`;
const engineOf = (text: string): Engine => compile(parsePolicy(text, { file: "snap.heed" }).policy!);
const first = engineOf(policy("1 hour"));
const second = engineOf(policy("3 hours"));

const BASE = Date.UTC(2026, 2, 2, 8);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SKEW = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

const postgres = lazyPostgres();
const current = (): Promise<PostgresCluster> => postgres.cluster();
afterAll(() => postgres.stop());

function seeded(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

/** What the gate decided before snapshots: the whole stored history replayed, signals within the skew after `at` taken as at `at`. */
function byReplay(engine: Engine, contact: Contact, stored: readonly StoredEvent[], channel: string, at: string): Decision {
  const when = Date.parse(at);
  const history: HistoryEvent[] = stored.map((e) => {
    const ms = Date.parse(e.at);
    return e.type !== "touch" && ms > when && ms <= when + SKEW ? { ...e, at } : e;
  });
  return engine.evaluate({ contact, history, touch: { channel }, at });
}

describe.each(storeBackends(current))("attempts on snapshots over the $name store", (backend) => {
  let opened: Store | undefined;
  beforeAll(async () => {
    opened = await backend.open();
  });
  afterAll(async () => {
    await opened?.close();
  });

  it("decide as replaying the stored history would, through signals in and out of order, record and policy changes", { timeout: 120_000 }, async () => {
    const store = opened!;
      const random = seeded(backend.name.length * 7919);
      const gates = new Map([first, second].map((engine) => [engine, createGate({ engine, store, clock: () => BASE + 400 * 24 * HOUR, signalSkew: SKEW })]));
      const steps = backend.name === "memory" ? 600 : 240;
      let compared = 0;
      let rebuiltOutOfOrder = 0;
      for (let c = 0; c < 3; c++) {
        const id = `snap-${c}`;
        let contact: Contact = { id };
        let engine = first;
        let t = BASE + c * HOUR;
        for (let step = 0; step < steps / 3; step++) {
          t += Math.floor(random() * 5 * HOUR);
          const roll = random();
          if (roll < 0.25) {
            const type = random() < 0.5 ? "reply" : random() < 0.9 ? "content_download" : "unsubscribe";
            // most in order, some late (before touches already stepped), some stamped just after the next attempt
            const late = random() < 0.3;
            const offset = late ? -Math.floor(random() * 30 * HOUR) : random() < 0.3 ? Math.floor(random() * 2 * SKEW) : 0;
            if (late) rebuiltOutOfOrder++;
            await gates.get(engine)!.record(id, { type, at: iso(t + offset) });
            continue;
          }
          if (roll < 0.3) {
            contact = random() < 0.5 ? { id, attributes: { role: "student" } } : { id, timezone: "America/New_York" };
            await store.withContact(id, (tx) => tx.saveContact(contact));
            continue;
          }
          if (roll < 0.34) {
            engine = engine === first ? second : first;
            continue;
          }
          if (roll < 0.45) {
            // a vendor's clock ahead: a signal stamped within twice the skew after the attempt, recorded first
            const type = random() < 0.5 ? "reply" : "content_download";
            await gates.get(engine)!.record(id, { type, at: iso(t + 1 + Math.floor(random() * 2 * SKEW)) });
          }
          const channel = random() < 0.5 ? "call" : "email";
          const at = iso(t);
          const expected = byReplay(engine, contact, await store.history(id), channel, at);
          try {
            const result = await gates.get(engine)!.attempt(id, { channel }, at);
            expect(result.decision, `${id}: ${channel} at ${at}`).toEqual(expected);
            compared++;
          } catch (error) {
            if (!(error instanceof HeedInputError && error.code === "out-of-order")) throw error;
          }
        }
        // the snapshot kept for the version last used, stepped through the events after its mark, decides as the history does
        const record = await store.withContact(id, (tx) => tx.snapshotFor(snapshotVersion(engine)));
        const later = t + 24 * HOUR;
        if (record !== undefined && (record.mark.at === null || record.mark.at <= later)) {
          const rest = await store.withContact(id, (tx) => tx.eventsAfter(record.mark));
          if (rest.every((e) => e.seq <= record.mark.seen || record.mark.at === null || e.ms >= record.mark.at)) {
            let snapshot = engine.restore(record.snapshot);
            for (const e of rest) if (e.ms <= later) snapshot = engine.step(snapshot, e.event);
            expect(engine.decide(snapshot, { channel: "email" }, iso(later))).toEqual(byReplay(engine, contact, await store.history(id), "email", iso(later)));
          }
        }
      }
      expect(compared).toBeGreaterThan(steps / 2);
      expect(rebuiltOutOfOrder).toBeGreaterThan(10);
  });

  it("keeps one snapshot per policy version, stepped by each allowed touch", async () => {
    const store = opened!;
      const gate = createGate({ engine: first, store, clock: () => BASE + 30 * 24 * HOUR });
      const other = createGate({ engine: second, store, clock: () => BASE + 30 * 24 * HOUR });
      expect(snapshotVersion(first)).not.toBe(snapshotVersion(second));
      await gate.attempt("v", { channel: "email" }, iso(BASE));
      const mark = async (engine: Engine) => (await store.withContact("v", (tx) => tx.snapshotFor(snapshotVersion(engine))))?.mark;
      expect(await mark(first)).toMatchObject({ at: BASE });
      expect(await mark(second)).toBeUndefined();
      await other.attempt("v", { channel: "email" }, iso(BASE + 4 * HOUR));
      expect(await mark(second)).toMatchObject({ at: BASE + 4 * HOUR });
      // the first version's snapshot is where it was, and catches up at its next attempt
      expect(await mark(first)).toMatchObject({ at: BASE });
      expect((await gate.attempt("v", { channel: "email" }, iso(BASE + 5 * HOUR))).decision.verdict).toBe("defer");
      expect(await mark(first)).toMatchObject({ at: BASE + 4 * HOUR });
  });
});
