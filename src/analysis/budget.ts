/**
 * How much work an analysis may do. Counted in steps of the analyses' inner
 * loops (a pair of transitions compared, a rule looked at for a channel, an
 * event replayed), never by the clock: the engine reads no clock, and the
 * same policy is cut short at the same place on every machine.
 *
 * @module
 */

import type { Policy } from "../ast.js";
import type { PolicySize } from "../checks/index.js";

/** The steps `heed check`'s static analyses may take on one policy (well under a second). */
export const ANALYSIS_BUDGET = 10_000_000;

/** The steps the silent-contact analysis may take on one policy (a few seconds at most). */
export const SILENT_CONTACT_BUDGET = 4_000_000;

/** Work left to an analysis. */
export class Budget {
  private used = 0;
  /** The steps it started with (Infinity for no limit). */
  readonly steps: number;

  constructor(steps: number) {
    this.steps = steps;
  }

  /** Takes `steps` from the budget; false once it is spent (and from then on). */
  spend(steps = 1): boolean {
    this.used += steps;
    return this.used <= this.steps;
  }

  /** The steps taken so far. */
  get spent(): number {
    return this.used;
  }

  /** True once more was asked than the budget held. */
  get exhausted(): boolean {
    return this.used > this.steps;
  }
}

/** How big a policy is, for `analysis-incomplete`. */
export function policySize(policy: Policy): PolicySize {
  return {
    stages: policy.stages.length,
    transitions: policy.transitions.length + policy.stages.reduce((n, s) => n + s.transitions.length, 0),
    rules: policy.rules.length + policy.stages.reduce((n, s) => n + s.rules.length, 0),
    channels: policy.channels.length,
  };
}
