/**
 * The silent-contact run of `heed check` for the language server: off the
 * main thread (a worker), one run at a time, only the latest version of
 * each document queued, results for versions already replaced dropped.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Policy } from "../../ast.js";
import type { Diagnostic } from "../../diagnostics.js";
import { describeSilentContact, describeTouches, type StageVisit } from "../../analysis/index.js";
import { checkSilentContact, type CheckOptions } from "../check-policy.js";

/** One stay of the silent contact in a stage, as the editor shows it. */
export interface SilentStay {
  stage: string;
  final: boolean;
  days: number;
  /** `3 emails`, `2 touches (email, call)`, `no touch`. */
  touches: string;
  /** The stage moved to next, if the contact left. */
  next?: string;
}

/** What the editor keeps of a silent-contact report. */
export interface SilentResult {
  /** The report in plain words, as `heed check` prints it. */
  summary: string;
  horizonDays: number;
  /** Days until the contact entered its last stage. */
  endsAfterDays: number;
  stays: SilentStay[];
  /** The `unbounded-pursuit` warnings, with the spans of the text that was analysed. */
  diagnostics: Diagnostic[];
}

/** A run asked of the worker. */
export interface SilentJob {
  id: number;
  policy: Policy;
  options: CheckOptions;
}

/** The worker's answer. */
export type SilentReply = { id: number; result: SilentResult } | { id: number; error: string };

/** Runs the analysis and keeps what the editor shows. */
export function runSilentJob(job: SilentJob): SilentResult {
  const report = checkSilentContact(job.policy, job.options);
  const stays = report.visits.map((visit: StageVisit, i): SilentStay => {
    const next = report.visits[i + 1];
    const stay: SilentStay = { stage: visit.stage, final: visit.final, days: visit.days, touches: describeTouches(visit) };
    if (next !== undefined) stay.next = next.stage;
    return stay;
  });
  return {
    summary: describeSilentContact(report),
    horizonDays: report.horizonDays,
    endsAfterDays: report.endsAfterDays,
    stays,
    diagnostics: report.diagnostics,
  };
}

/** A request: which document version the run is for. */
interface Request {
  key: string;
  version: number;
  policy: Policy;
  options: CheckOptions;
  done: (result: SilentResult | undefined) => void;
}

/** The compiled worker script, when running from the build (under tsx there is none: runs stay in this thread). */
function workerScript(): string | undefined {
  const url = new URL("./silent-worker.js", import.meta.url);
  if (url.protocol !== "file:") return undefined;
  const path = fileURLToPath(url);
  return existsSync(path) ? path : undefined;
}

/**
 * Runs silent-contact analyses one at a time. A request for a document
 * replaces that document's request still waiting; `done` is called with
 * the result, or `undefined` when the request was replaced or failed.
 */
export class SilentRunner {
  private worker: Worker | undefined;
  private readonly waiting = new Map<string, Request>();
  private running: { id: number; request: Request } | undefined;
  private nextId = 1;
  private readonly script = workerScript();
  private readonly log: (message: string) => void;

  constructor(log: (message: string) => void) {
    this.log = log;
  }

  /** Asks for a run; replaces the document's waiting request, if any. */
  request(key: string, version: number, policy: Policy, options: CheckOptions, done: (result: SilentResult | undefined) => void): void {
    this.waiting.get(key)?.done(undefined);
    this.waiting.set(key, { key, version, policy, options, done });
    this.pump();
  }

  /** Drops a document's waiting request (the document was closed). */
  forget(key: string): void {
    this.waiting.get(key)?.done(undefined);
    this.waiting.delete(key);
  }

  /** Stops the worker. */
  async dispose(): Promise<void> {
    for (const request of this.waiting.values()) request.done(undefined);
    this.waiting.clear();
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }

  private pump(): void {
    if (this.running !== undefined) return;
    const first = this.waiting.values().next();
    if (first.done === true) return;
    const request = first.value;
    this.waiting.delete(request.key);
    const id = this.nextId++;
    this.running = { id, request };
    const job: SilentJob = { id, policy: request.policy, options: request.options };
    if (this.script === undefined) {
      setImmediate(() => {
        let result: SilentResult | undefined;
        try {
          result = runSilentJob(job);
        } catch (error) {
          this.log(`silent-contact analysis failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        this.finish(id, result);
      });
      return;
    }
    this.ensureWorker().postMessage(job);
  }

  private finish(id: number, result: SilentResult | undefined): void {
    const running = this.running;
    if (running === undefined || running.id !== id) return;
    this.running = undefined;
    running.request.done(result);
    this.pump();
  }

  private ensureWorker(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = new Worker(this.script as string);
    worker.unref();
    worker.on("message", (reply: SilentReply) => {
      if ("error" in reply) this.log(`silent-contact analysis failed: ${reply.error}`);
      this.finish(reply.id, "result" in reply ? reply.result : undefined);
    });
    const lost = (why: string): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.log(`silent-contact worker stopped: ${why}`);
      if (this.running !== undefined) this.finish(this.running.id, undefined);
    };
    worker.on("error", (error) => lost(error.message));
    worker.on("exit", (code) => lost(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }
}
