/**
 * The language server's worker thread: runs `heed check`'s silent-contact
 * analysis, which can take hundreds of milliseconds, so that the server's
 * main thread keeps answering (and publishing diagnostics) as you type.
 *
 * @module
 */

import { parentPort } from "node:worker_threads";
import { runSilentJob, type SilentJob, type SilentReply } from "./silent.js";

parentPort?.on("message", (job: SilentJob) => {
  let reply: SilentReply;
  try {
    reply = { id: job.id, result: runSilentJob(job) };
  } catch (error) {
    reply = { id: job.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
