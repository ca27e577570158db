/**
 * A worker thread of `heed simulate`: simulates one contiguous range of the
 * population and posts the outcomes back.
 *
 * @module
 */

import { parentPort, workerData } from "node:worker_threads";
import type { Policy } from "../ast.js";
import { simulateRange, type WorkerMessage } from "./simulate.js";

interface Job {
  policy: Policy;
  seed: number;
  from: number;
  to: number;
  horizonDays: number;
}

const job = workerData as Job;
const post = (message: WorkerMessage) => parentPort?.postMessage(message);
try {
  let done = 0;
  const outcomes = simulateRange(job.policy, job.seed, job.from, job.to, job.horizonDays, () => {
    done++;
    if (done % 50 === 0) post({ kind: "progress", done });
  });
  post({ kind: "done", outcomes });
} catch (error) {
  post({ kind: "error", message: error instanceof Error ? error.message : String(error) });
}
