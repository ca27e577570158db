/**
 * The state of a contact under one compiled policy: its stage, counters,
 * pending ignore windows, the timers processed so far and what each rule
 * remembers of the history. Plain JSON, so that it can be a snapshot.
 *
 * @module
 */

import type { Counters } from "./conditions.js";

/**
 * What a rule remembers of the history; its shape is the rule kind's
 * (`rules/memory.ts`): a list of instants, an instant or null, a flag, or
 * nothing.
 */
export type RuleMemory = number[] | number | boolean | null | GroupedInstants;

/**
 * Per group of touches (`at most ... by PROP`), its key (the prop's value as
 * canonical JSON, `null` for touches lacking it) and the instants a limit
 * needs, ascending: a list of pairs, never changed in place.
 */
export type GroupedInstants = [string | null, number[]][];

/** The state of a contact under one policy. Plain JSON. */
export interface PolicyState {
  stage: string;
  /** When the contact entered the current stage (epoch ms). */
  entry: number;
  ignored: number;
  touches: number;
  totalTouches: number;
  /** Ends of the pending ignore windows of touches sent in this stage, ascending. */
  pending: number[];
  /** Every timer due at or before this instant has been processed. */
  through: number;
  /** One entry per rule of the policy, in the order of `IrPolicy.rules`. */
  memory: RuleMemory[];
  /** One value per fact of the policy (`IrPolicy.facts`, spec section 8.2); absent when it reads none. */
  facts?: unknown[];
}

/** The counters of spec section 2 at `now`; `time_in_stage` in milliseconds. */
export function counters(st: PolicyState, now: number): Counters {
  return { ignored: st.ignored, touches: st.touches, total_touches: st.totalTouches, time_in_stage: now - st.entry };
}

/** A deep copy of a state (rules' lists of instants are copied, since processing changes them in place). */
export function copyState(st: PolicyState): PolicyState {
  const memory = st.memory.slice();
  for (let i = 0; i < memory.length; i++) {
    const m = memory[i];
    if (Array.isArray(m)) memory[i] = m.slice();
  }
  const copy: PolicyState = {
    stage: st.stage,
    entry: st.entry,
    ignored: st.ignored,
    touches: st.touches,
    totalTouches: st.totalTouches,
    pending: st.pending.slice(),
    through: st.through,
    memory,
  };
  if (st.facts !== undefined) copy.facts = st.facts.slice();
  return copy;
}
