/**
 * One policy of a contact while deciding: the compiled policy, the
 * contact's context under it, its state, and what was learnt judging it.
 *
 * @module
 */

import type { Context } from "./context.js";
import type { Runtime } from "./runtime.js";
import type { PolicyState } from "./state.js";
import type { Verdict } from "./verdict.js";

/** One policy of a contact: the compiled policy, the contact's context and its state. */
export interface Member {
  readonly rt: Runtime;
  readonly ctx: Context;
  st: PolicyState;
  /**
   * The contact has no event yet, so it enters at the instant of the
   * decision: while searching for `notBefore` it enters afresh at each
   * candidate instant instead of following timers from an earlier entry.
   */
  readonly fresh: boolean;
  /**
   * The verdicts judging found at the decision instant, by rule index, for
   * the rules that judge alike whatever the channel (`undefined`: not
   * judged): the `alternatives` then judge only the rest.
   */
  known: (Verdict | undefined)[] | undefined;
}

/** A member, every field set (members then share one shape, which keeps reading them fast). */
export function member(rt: Runtime, ctx: Context, st: PolicyState, fresh: boolean): Member {
  return { rt, ctx, st, fresh, known: undefined };
}

/** A fresh {@link Member.known}: nothing judged yet. */
export function newKnown(rt: Runtime): (Verdict | undefined)[] {
  return rt.noneKnown.slice();
}
