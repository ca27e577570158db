/**
 * A worker thread of `heed serve` for policies sent inline with
 * `POST /v1/evaluate`: it parses, checks, compiles and evaluates them, so
 * that a policy costing too much (or looping) costs this thread, which the
 * server terminates at the deadline, and never the thread that answers
 * every other request (see `inline.ts`).
 *
 * @module
 */

import { parentPort } from "node:worker_threads";
import { HeedInputError, HeedPolicyError } from "../../diagnostics.js";
import type { Engine } from "../../engine/api.js";
import { compile } from "../../engine/index.js";
import type { EvaluateInput } from "../../model.js";
import { parsePolicy } from "../../parser/index.js";
import type { InlineAnswer, InlineJob } from "./inline.js";

/** Policies compiled here, by the hash of their format and text; the oldest goes past 32. */
const compiled = new Map<string, { engine: Engine; name: string } | { invalid: InlineAnswer }>();

function engineFor(job: InlineJob): { engine: Engine; name: string } | { invalid: InlineAnswer } {
  const cached = compiled.get(job.key);
  if (cached !== undefined) return cached;
  let entry: { engine: Engine; name: string } | { invalid: InlineAnswer };
  const { policy, diagnostics } = parsePolicy(job.text, { file: "policy", ...(job.format !== undefined ? { format: job.format } : {}) });
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (policy === undefined || errors.length > 0) {
    entry = { invalid: { kind: "invalid-policy", diagnostics: errors } };
  } else {
    try {
      entry = { engine: compile(policy), name: policy.name.value };
    } catch (error) {
      if (!(error instanceof HeedPolicyError)) throw error;
      entry = { invalid: { kind: "invalid-policy", diagnostics: [...error.diagnostics] } };
    }
  }
  if (compiled.size >= 32) compiled.delete(compiled.keys().next().value as string);
  compiled.set(job.key, entry);
  return entry;
}

function answer(job: InlineJob): InlineAnswer {
  try {
    const entry = engineFor(job);
    if ("invalid" in entry) return entry.invalid;
    const decision = entry.engine.evaluate(job.input as EvaluateInput);
    return { kind: "decision", decision, name: entry.name };
  } catch (error) {
    if (error instanceof HeedInputError) {
      return { kind: "input-error", code: error.code, field: error.field, message: error.message, ...(error.index !== undefined ? { index: error.index } : {}) };
    }
    return { kind: "failed", message: error instanceof Error ? error.message : String(error) };
  }
}

// One policy through every stage before saying ready, so that the first job does not pay for the parser's set-up.
answer({
  id: 0,
  key: "",
  text: 'cadence "warm-up" {\n  channels email\n  at most 1 email per day\n}\n',
  input: { contact: { id: "c" }, history: [], touch: { channel: "email" }, at: "2026-01-01T00:00:00Z" },
});
compiled.clear();

parentPort?.on("message", (job: InlineJob) => parentPort?.postMessage({ id: job.id, answer: answer(job) }));
parentPort?.postMessage({ ready: true });
