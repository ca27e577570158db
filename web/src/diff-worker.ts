/**
 * `heed diff` off the page's thread: the semantic diff tries thousands of
 * histories (most of a second on the inbound policy), so it runs in a
 * worker that the page ends and starts again when the texts change.
 *
 * @module
 */

import { diffPolicies, hasErrors, parsePolicy, type DiffReport } from "../../src/index.js";
import { fileName } from "./check.js";
import type { TextFormat } from "./state.js";

/** What the page asks. */
export interface DiffRequest {
  id: number;
  old: { text: string; format: TextFormat };
  new: { text: string; format: TextFormat };
  /** The contact's zone for the histories tried. */
  zone: string;
}

/** What the worker answers. */
export type DiffAnswer = { id: number; report: DiffReport; ms: number } | { id: number; error: string };

const scope = self as unknown as { onmessage: ((e: MessageEvent<DiffRequest>) => void) | null; postMessage(answer: DiffAnswer): void };

scope.onmessage = (e) => {
  const request = e.data;
  const started = performance.now();
  const parsed = [request.old, request.new].map((side) => parsePolicy(side.text, { file: fileName(side.format), format: side.format }));
  const [oldSide, newSide] = parsed;
  if (oldSide?.policy === undefined || hasErrors(oldSide.diagnostics)) {
    scope.postMessage({ id: request.id, error: "the baseline has errors: fix them to compare" });
    return;
  }
  if (newSide?.policy === undefined || hasErrors(newSide.diagnostics)) {
    scope.postMessage({ id: request.id, error: "the policy has errors: fix them to compare" });
    return;
  }
  try {
    const report = diffPolicies(oldSide.policy, newSide.policy, { zone: request.zone });
    scope.postMessage({ id: request.id, report, ms: Math.round(performance.now() - started) });
  } catch (error) {
    scope.postMessage({ id: request.id, error: `the comparison failed: ${(error as Error).message}` });
  }
};
