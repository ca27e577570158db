/**
 * The send gate with workers in separate processes, as deployments run it:
 * four processes on one PostgreSQL database never together exceed a rule;
 * four processes on one PGlite folder are refused but one, which then
 * runs alone.
 */

import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/adapters/store/index.js";
import type { Store } from "../../src/adapters/store/types.js";
import { createDatabase, lazyPostgres } from "../support/postgres.js";

const WORKERS = 4;
const CONTACTS = 10;
const HOUR = 3_600_000;
const SCRIPT = resolve("test/support/gate-process.ts");
const TSX = pathToFileURL(resolve("node_modules/tsx/dist/loader.mjs")).href;

const postgres = lazyPostgres();
afterAll(() => postgres.stop());

interface Worker {
  child: ChildProcessWithoutNullStreams;
  /** `opened`, or the reason the store was refused. */
  started: Promise<{ opened: true } | { opened: false; code: number | null; stderr: string }>;
  /** The counts the worker printed, once it has run. */
  finished: Promise<Record<"allow" | "deny" | "defer" | "outOfOrder", number>>;
}

function startWorker(store: string, index: number, attempts: number): Worker {
  const child = spawn(process.execPath, ["--import", TSX, SCRIPT, store, String(index), String(WORKERS), String(attempts), String(CONTACTS)], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  const started = new Promise<{ opened: true } | { opened: false; code: number | null; stderr: string }>((done) => {
    child.stdout.on("data", () => {
      if (stdout.startsWith("opened\n")) done({ opened: true });
    });
    void exited.then((code) => done({ opened: false, code, stderr }));
  });
  const finished = exited.then((code) => {
    if (code !== 0) throw new Error(`worker ${index} exited with ${code}: ${stderr}`);
    return JSON.parse(stdout.split("\n")[1]!) as Record<"allow" | "deny" | "defer" | "outOfOrder", number>;
  });
  finished.catch(() => undefined);
  return { child, started, finished };
}

/** Every rule of the policy checked on the stored histories, independently of the engine. */
async function violations(store: Store): Promise<{ stored: number; found: string[] }> {
  const found: string[] = [];
  let stored = 0;
  for (let c = 0; c < CONTACTS; c++) {
    const id = `contact-${c}`;
    const touches = (await store.history(id)).filter((e) => e.type === "touch").map((e) => ({ ms: Date.parse(e.at), channel: e.channel }));
    touches.sort((a, b) => a.ms - b.ms);
    stored += touches.length;
    const callDays = new Map<string, number>();
    touches.forEach((t, i) => {
      const previous = touches[i - 1];
      if (previous && t.ms - previous.ms < 2 * HOUR) found.push(`${id}: touches closer than 2 hours at ${new Date(t.ms).toISOString()}`);
      if (t.channel === "call") {
        const day = new Date(t.ms).toISOString().slice(0, 10);
        callDays.set(day, (callDays.get(day) ?? 0) + 1);
      }
    });
    for (const [day, n] of callDays) if (n > 1) found.push(`${id}: ${n} calls on ${day}`);
  }
  return { stored, found };
}

describe("the gate with four worker processes", () => {
  it("on one PostgreSQL database: never exceeds a rule together", { timeout: 240_000 }, async () => {
    const url = await createDatabase(await postgres.cluster());
    // Migrate once first, so the workers' start-up is not what is tested.
    await (await openStore(url)).close();
    const workers = Array.from({ length: WORKERS }, (_, i) => startWorker(url, i, 250));
    try {
      const starts = await Promise.all(workers.map((w) => w.started));
      expect(starts.every((s) => s.opened)).toBe(true);
      for (const w of workers) w.child.stdin.end("go\n");
      const counts = await Promise.all(workers.map((w) => w.finished));
      const allowed = counts.reduce((sum, c) => sum + c.allow, 0);
      expect(counts.reduce((sum, c) => sum + c.allow + c.deny + c.defer + c.outOfOrder, 0)).toBe(WORKERS * 250);
      expect(allowed).toBeGreaterThan(50);
      expect(counts.reduce((sum, c) => sum + c.defer, 0)).toBeGreaterThan(0);
      const store = await openStore(url);
      try {
        const { stored, found } = await violations(store);
        expect(found).toEqual([]);
        expect(stored).toBe(allowed);
      } finally {
        await store.close();
      }
    } finally {
      for (const w of workers) w.child.kill("SIGKILL");
    }
  });

  it("on one PGlite folder: the second and later processes are refused, naming the holder, and the one left runs alone", { timeout: 240_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), "heed-gate-pglite-"));
    const folder = join(root, "store");
    const workers = Array.from({ length: WORKERS }, (_, i) => startWorker(folder, i, 120));
    try {
      const starts = await Promise.all(workers.map((w) => w.started));
      const opened = workers.filter((_, i) => starts[i]!.opened);
      const refused = starts.filter((s): s is { opened: false; code: number | null; stderr: string } => !s.opened);
      expect(opened).toHaveLength(1);
      expect(refused).toHaveLength(WORKERS - 1);
      const holder = opened[0]!.child.pid!;
      for (const r of refused) {
        expect(r.code).toBe(3);
        expect(r.stderr).toMatch(
          new RegExp(`^the store folder \`${folder.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\` is in use by process ${holder} on host \`${hostname()}\` since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z: `),
        );
      }
      opened[0]!.child.stdin.end("go\n");
      const counts = await opened[0]!.finished;
      const store = await openStore(folder);
      try {
        const { stored, found } = await violations(store);
        expect(found).toEqual([]);
        expect(stored).toBe(counts.allow);
        expect(counts.allow).toBeGreaterThan(20);
      } finally {
        await store.close();
      }
    } finally {
      for (const w of workers) w.child.kill("SIGKILL");
      rmSync(root, { recursive: true, force: true });
    }
  });
});
