/**
 * `never CHANNELS [tagged "t"] when COND`: the touches are denied while the
 * condition holds, read with the proposed touch and the counters.
 *
 * @module
 */

import type { Expr, NeverWhenRule } from "../../ast.js";
import { neverCondition, stripSpans } from "../../ast.js";
import { compileCondition, readsPath, readsStageState } from "../conditions.js";
import { counters } from "../state.js";
import { deny, MET } from "../verdict.js";
import type { IrRuleOf } from "./kind.js";
import { defineRuleKind, unsignalled, untouched, NO_MINUTES } from "./kind.js";
import { NOTHING } from "./memory.js";

export interface IrNeverWhen extends IrRuleOf<"never-when"> {
  readonly tagged: string | null;
  readonly when: Expr;
}

const DENIED = deny("never-when");

export const neverWhen = defineRuleKind<NeverWhenRule, IrNeverWhen, null>({
  kind: "never-when",
  code: "never-when",
  memory: NOTHING,
  // `unless C` is `when not (C)`
  compile: (rule, base) => ({ ...base, kind: "never-when", tagged: rule.tagged?.value ?? null, when: stripSpans(neverCondition(rule)) }),
  behaviour: (rule, env) => {
    const when = compileCondition(rule.when, env.slots);
    return {
      needsZone: false,
      // A condition on time in stage is the one way an instant enters it.
      timeless: !readsPath(rule.when, "time_in_stage"),
      readsChannel: readsPath(rule.when, "touch", "channel"),
      tagged: rule.tagged,
      signal: null,
      countsTouches: false,
      readsStage: readsStageState(rule.when),
      deferredMinutes: NO_MINUTES,
      onTouch: untouched,
      onSignal: unsignalled,
      check: (_memory, ctx, st, touch, t) => (when({ contact: ctx.contact, touch, counters: counters(st, t), factValues: st.facts }) ? DENIED : MET),
      detail: () => "the condition holds",
    };
  },
  facts: (rule) => ({ signals: [], durations: [], conditions: [rule.when], tag: rule.tagged }),
});
