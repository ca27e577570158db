/**
 * Gate attempts against contacts with long histories: the cost of an
 * attempt (a transaction that reads the contact's stored snapshot, steps
 * it through what was recorded since, decides and records the touch) for
 * contacts with 10, 1,000 and 10,000 stored events, beside what replaying
 * the whole history (`evaluate()`, the gate's former way) costs for the
 * same contact. Part of `npm run bench`; `bench:serve` can call
 * {@link measureGateAttempts} with its own store (PostgreSQL).
 *
 * Run alone: `npx tsx bench/gate.ts [memory|pglite|postgres://...] [ATTEMPTS] [RUNS]`.
 *
 * @module
 */

import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { createGate } from "../src/adapters/gate.js";
import type { Store, StoredEvent } from "../src/adapters/store/types.js";
import type { Engine } from "../src/engine/api.js";
import { compile } from "../src/engine/index.js";
import { parsePolicy } from "../src/parser/index.js";

/** The policy the gate decides under: limits that allow some attempts and defer others, and a signal rule. */
export const GATE_POLICY = `
cadence "bench-gate" {
  timezone from contact.timezone else "UTC"
  channels email, call
  at most 3 touches per day
  at least 1 hour between touches
  never call within 4 hours of content_download
}
`;

/** One history length's measurement. */
export interface GateAttemptCost {
  /** Stored events of the contact before the attempts. */
  events: number;
  /** Attempts measured (after one warm-up attempt, which builds the snapshot). */
  attempts: number;
  /** Wall-clock microseconds per attempt, median of the runs. */
  microsPerAttempt: number;
  /** Microseconds per `evaluate()` over the contact's stored history (what an attempt cost before snapshots). */
  replayMicros: number;
  /** How the attempts were answered. */
  verdicts: Record<string, number>;
}

const MINUTE = 60_000;
/** The attempts come after the history, which ends here. */
const START = Date.UTC(2026, 0, 1);

/** `size` events ending at {@link START}, one every 20 minutes: a touch every fourth, signals between. */
function history(size: number): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (let i = 0; i < size; i++) {
    const at = new Date(START - (size - i) * 20 * MINUTE).toISOString();
    if (i % 4 === 0) out.push({ type: "touch", channel: i % 8 === 0 ? "call" : "email", at, id: `t${i}` });
    else out.push({ type: i % 4 === 1 ? "open" : "content_download", at, id: `s${i}` });
  }
  return out;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Measures gate attempts on one contact per history length, in the store
 * `open` gives (one store for all sizes, closed at the end). Each run makes
 * `attempts` attempts, every 2 hours of the contact's time, after one
 * signal recorded between runs (so each run steps the snapshot through it).
 */
export async function measureGateAttempts(
  open: () => Promise<Store>,
  options: { sizes?: readonly number[]; attempts?: number; runs?: number; engine?: Engine } = {},
): Promise<GateAttemptCost[]> {
  const sizes = options.sizes ?? [10, 1_000, 10_000];
  const attempts = options.attempts ?? 200;
  const runs = options.runs ?? 5;
  const engine = options.engine ?? compile(parsePolicy(GATE_POLICY, { file: "bench-gate.heed" }).policy!);
  const store = await open();
  try {
    // one contact per size, then the runs interleaved across sizes, so that load on the machine weighs on each alike
    const contacts = [];
    for (const size of sizes) {
      const contactId = `bench-gate-${size}-${Date.now()}`;
      const events = history(size);
      for (let i = 0; i < events.length; i += 1000) await store.append(contactId, events.slice(i, i + 1000));
      // what an attempt cost before snapshots: replaying the whole history for one decision
      const replays: number[] = [];
      const at = new Date(START + MINUTE).toISOString();
      for (let run = 0; run < runs; run++) {
        const n = Math.max(3, Math.ceil(2_000 / Math.max(10, size)));
        const began = performance.now();
        for (let i = 0; i < n; i++) engine.evaluate({ contact: { id: contactId }, history: events, touch: { channel: "email" }, at });
        replays.push(((performance.now() - began) * 1000) / n);
      }
      const clock = { t: START + MINUTE };
      const gate = createGate({ engine, store, clock: () => clock.t + 365 * 24 * 60 * MINUTE });
      // the first attempt builds the snapshot from the history
      await gate.attempt(contactId, { channel: "email" }, new Date(clock.t).toISOString());
      contacts.push({ size, contactId, gate, clock, replays, perRun: [] as number[], verdicts: {} as Record<string, number> });
    }
    for (let run = 0; run < runs; run++) {
      for (const c of contacts) {
        await c.gate.record(c.contactId, { type: "open", at: new Date(c.clock.t + MINUTE).toISOString() });
        const began = performance.now();
        for (let i = 0; i < attempts; i++) {
          c.clock.t += 2 * 60 * MINUTE;
          const { decision } = await c.gate.attempt(c.contactId, { channel: i % 3 === 0 ? "call" : "email" }, new Date(c.clock.t).toISOString());
          c.verdicts[decision.verdict] = (c.verdicts[decision.verdict] ?? 0) + 1;
        }
        c.perRun.push(((performance.now() - began) * 1000) / attempts);
      }
    }
    return contacts.map((c) => ({ events: c.size, attempts: attempts * runs, microsPerAttempt: median(c.perRun), replayMicros: median(c.replays), verdicts: c.verdicts }));
  } finally {
    await store.close();
  }
}

/** Prints the measurements as the table BENCHMARKS.md keeps. */
export function printGateAttempts(title: string, rows: readonly GateAttemptCost[]): void {
  console.log(`\n${title}`);
  console.log("| stored events | µs per attempt | attempts per second | replay (`evaluate()`) µs | verdicts |");
  console.log("|---:|---:|---:|---:|---|");
  for (const r of rows) {
    const verdicts = Object.entries(r.verdicts)
      .map(([v, n]) => `${v} ${n}`)
      .join(", ");
    console.log(`| ${r.events.toLocaleString("en")} | ${r.microsPerAttempt.toFixed(0)} | ${Math.round(1e6 / r.microsPerAttempt).toLocaleString("en")} | ${r.replayMicros.toFixed(0)} | ${verdicts} |`);
  }
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  console.log(`${last.events.toLocaleString("en")} vs ${first.events.toLocaleString("en")} events: ${(last.microsPerAttempt / first.microsPerAttempt).toFixed(2)}x the time per attempt`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const kind = process.argv[2] ?? "memory";
  const { openStore } = await import("../src/adapters/store/index.js");
  const { openPgliteStore } = await import("../src/adapters/store/pglite.js");
  const attempts = Number(process.argv[3] ?? 200);
  const runs = Number(process.argv[4] ?? 5);
  const rows = await measureGateAttempts(() => (kind === "pglite" ? openPgliteStore() : openStore(kind)), { attempts, runs });
  printGateAttempts(`gate attempts, ${kind} store (wall-clock, one worker)`, rows);
}
