/**
 * Policies sent inline with `POST /v1/evaluate` are anyone's text: they are
 * parsed, checked, compiled and evaluated in worker threads
 * (`inline-worker.ts`), each job with a deadline. Past it the worker is
 * terminated (which stops even a loop that never yields) and replaced, and
 * the request is refused; the thread that answers every other request never
 * runs the policy, so it stays responsive and SIGTERM always stops it.
 *
 * At most {@link InlineOptions.workers} jobs run at once and at most
 * {@link InlineOptions.queue} wait; beyond that requests are refused as
 * busy, so a flood of costly policies costs a bounded amount.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { Diagnostic } from "../../diagnostics.js";
import type { Decision } from "../../model.js";

/** One inline evaluation, as the worker gets it. */
export interface InlineJob {
  id: number;
  /** Tells compiled policies apart in the worker's cache: the hash of the format and the text. */
  key: string;
  text: string;
  format?: "dsl" | "yaml";
  input: unknown;
}

/** What a worker answers. */
export type InlineAnswer =
  | { kind: "decision"; decision: Decision; name: string }
  | { kind: "invalid-policy"; diagnostics: Diagnostic[] }
  | { kind: "input-error"; code: string; field: string; message: string; index?: number }
  | { kind: "failed"; message: string };

/** What an inline evaluation gives: the worker's answer, or why there is none. */
export type InlineOutcome = InlineAnswer | { kind: "budget-exceeded"; budgetMs: number } | { kind: "busy" };

/** Options of {@link InlineEvaluator}. */
export interface InlineOptions {
  /** How long one policy may take to be parsed, checked, compiled and evaluated, in ms (default 1000). */
  budgetMs?: number;
  /** Worker threads (default: one less than the cores, 1 or 2). */
  workers?: number;
  /** Jobs that may wait for a worker (default 16). */
  queue?: number;
}

/** Default {@link InlineOptions.budgetMs}. */
export const DEFAULT_INLINE_BUDGET_MS = 1000;

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  job: { id: number; resolve: (outcome: InlineOutcome) => void; timer: NodeJS.Timeout | undefined } | undefined;
}

interface Waiting {
  job: Omit<InlineJob, "id">;
  resolve: (outcome: InlineOutcome) => void;
}

/** How to start the worker: the built script, or (from the TypeScript sources, in tests) the source through tsx. */
function spawnWorker(): Worker {
  const built = new URL("./inline-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(built))) return new Worker(built);
  const source = new URL("./inline-worker.ts", import.meta.url).href;
  // tsx's ESM API (the `import` condition of `tsx/esm/api`); require.resolve would give its CommonJS twin.
  const tsx = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve("tsx/package.json")), "dist/esm/api/index.mjs")).href;
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(boot, { eval: true });
}

/** The pool of inline-policy workers. */
export class InlineEvaluator {
  readonly budgetMs: number;
  private readonly size: number;
  private readonly queueLimit: number;
  private readonly slots: Slot[] = [];
  private readonly waiting: Waiting[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    options: InlineOptions = {},
    private readonly onFailure: (message: string) => void = () => undefined,
  ) {
    this.budgetMs = options.budgetMs ?? DEFAULT_INLINE_BUDGET_MS;
    // One core is left to the thread that answers requests: a costly policy never starves it.
    this.size = Math.max(1, options.workers ?? Math.min(2, availableParallelism() - 1));
    this.queueLimit = options.queue ?? 16;
  }

  /** Evaluates an inline policy in a worker, within the budget. */
  evaluate(job: Omit<InlineJob, "id">): Promise<InlineOutcome> {
    if (this.closed) return Promise.resolve({ kind: "busy" });
    if (this.waiting.length >= this.queueLimit) return Promise.resolve({ kind: "busy" });
    return new Promise((resolve) => {
      this.waiting.push({ job, resolve });
      this.dispatch();
    });
  }

  /** Terminates every worker; jobs in flight or waiting are answered busy. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiting of this.waiting.splice(0)) waiting.resolve({ kind: "busy" });
    await Promise.all(this.slots.splice(0).map((slot) => this.retire(slot, { kind: "busy" })));
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      let slot = this.slots.find((s) => s.job === undefined);
      if (slot === undefined && this.slots.length < this.size) slot = this.start();
      if (slot === undefined) return;
      const next = this.waiting.shift()!;
      this.run(slot, next);
    }
  }

  private run(slot: Slot, waiting: Waiting): void {
    const id = this.nextId++;
    slot.job = { id, resolve: waiting.resolve, timer: undefined };
    // The deadline runs from when the worker is ready to take the job, so that starting a worker is not charged to the policy.
    void slot.ready.then(() => {
      if (slot.job?.id !== id) return;
      slot.job.timer = setTimeout(() => {
        void this.retire(slot, { kind: "budget-exceeded", budgetMs: this.budgetMs }).then(() => this.dispatch());
      }, this.budgetMs);
      slot.worker.postMessage({ ...waiting.job, id } satisfies InlineJob);
    });
  }

  private start(): Slot {
    const worker = spawnWorker();
    worker.unref();
    let ready!: () => void;
    const slot: Slot = { worker, ready: new Promise<void>((resolve) => (ready = resolve)), job: undefined };
    worker.on("message", (message: { ready?: true; id?: number; answer?: InlineAnswer }) => {
      if (message.ready === true) {
        ready();
        return;
      }
      const job = slot.job;
      if (job === undefined || job.id !== message.id || message.answer === undefined) return;
      if (job.timer !== undefined) clearTimeout(job.timer);
      slot.job = undefined;
      job.resolve(message.answer);
      this.dispatch();
    });
    const lost = (why: string): void => {
      if (!this.slots.includes(slot)) return;
      this.onFailure(why);
      void this.retire(slot, { kind: "failed", message: why }).then(() => this.dispatch());
    };
    const starting = setTimeout(() => lost("an inline-policy worker did not start within 30 s"), 30_000);
    starting.unref();
    void slot.ready.then(() => clearTimeout(starting));
    worker.on("error", (error) => lost(`an inline-policy worker failed: ${error.message}`));
    worker.on("exit", (code) => lost(`an inline-policy worker stopped with code ${code}`));
    this.slots.push(slot);
    return slot;
  }

  /** Answers the slot's job with `outcome`, terminates its worker and forgets it. */
  private async retire(slot: Slot, outcome: InlineOutcome): Promise<void> {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    const job = slot.job;
    slot.job = undefined;
    if (job !== undefined) {
      if (job.timer !== undefined) clearTimeout(job.timer);
      job.resolve(outcome);
    }
    await slot.worker.terminate();
  }
}
