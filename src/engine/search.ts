/**
 * Following a deferral: from the decision instant, the members are
 * followed through their timers to the earliest instant at which every
 * check of every member is met together (spec section 2: a stage change on
 * the way can end the wait, or turn it into a denial).
 *
 * @module
 */

import type { ProposedTouch } from "../model.js";
import type { StageChange } from "./api.js";
import { clearance, firstDenial } from "./judge.js";
import { advance, enterPolicy, nextTimer } from "./machine.js";
import { member, type Member } from "./member.js";
import { copyState } from "./state.js";
import { parseInstant, YEAR_10000 } from "./time.js";

/** How far ahead a deferral may look before the verdict becomes `no-window`. */
export const HORIZON_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * A bound on the steps of the search for `notBefore`, so that no input can
 * make it spin. Durations are at least a minute, so a year holds at most
 * 525,600 timer instants per timer: the bound is never reached by a policy
 * that validates.
 */
const MAX_STEPS = 1_000_000;

/** Where a deferral ends: an instant every check allows, a denial met on the way, or no instant within the horizon. */
export type Search =
  | { readonly kind: "allow"; readonly at: number }
  | { readonly kind: "denied"; readonly at: number; readonly member: Member; readonly rule: string; readonly code: string }
  | { readonly kind: "no-window" };

/**
 * Follows the members from `at` through their timers to the earliest instant
 * at which every check is met together; `until` is the latest instant a
 * check deferring at `at` allows. The members are followed on copies: their
 * states are copied only once a timer changes them.
 */
export function search(given: readonly Member[], touch: ProposedTouch, at: number, until: number): Search {
  const members = given.map((m) => member(m.rt, m.ctx, m.st, m.fresh));
  const copied = members.map(() => false);
  let t = at;
  let target = until;
  // Where a failed passOver's trial first left a stage: until the walk gets there, a trial to an
  // instant at or past it leaves the same stage at the same instant and fails again (each trial
  // walks every timer on the way: hundreds, at every step of a long search).
  let leaves = Infinity;
  for (let step = 0; step < MAX_STEPS; step++) {
    const wanted = target;
    for (const m of members) {
      if (m.fresh) continue;
      const timer = nextTimer(m.rt, m.ctx, m.st);
      if (timer !== undefined && timer > t && timer < target) target = timer;
    }
    // no instant after year 9999 is ever answered: no store could keep it
    if (target <= t || target > at + HORIZON_MS || target >= YEAR_10000) return { kind: "no-window" };
    // beyond the horizon nothing is answered: a loop is followed at most to it
    const passTo = Math.min(wanted, at + HORIZON_MS, YEAR_10000 - 1);
    if (t >= leaves) leaves = Infinity;
    const passed = passTo - t > 16 * (target - t) && !(passTo >= leaves) ? passOver(members, copied, passTo) : false;
    if (passed === true) {
      // a loop of timers that only restarts the contact's stages, many times before the wanted instant: gone past at once
      t = passTo;
    } else {
      if (passed !== false) leaves = passed;
      t = target;
    }
    for (let i = 0; i < members.length; i++) {
      const m = members[i]!;
      if (m.fresh) {
        m.st = enterPolicy(m.rt, m.ctx, t);
        continue;
      }
      const due = nextTimer(m.rt, m.ctx, m.st);
      if (due === undefined || due > t) continue;
      // the state is copied the first time a timer changes it (it may be the caller's)
      if (!copied[i]) {
        m.st = copyState(m.st);
        copied[i] = true;
      }
      advance(m.rt, m.ctx, m.st, t);
    }
    let latest = -Infinity;
    for (let i = 0; i < members.length; i++) {
      const m = members[i]!;
      const verdict = clearance(m, touch, t, !m.fresh && !copied[i]);
      if (verdict.kind === "deny") {
        // the first denying check names the rule in the reason
        const first = firstDenial(m, touch, t)!;
        return { kind: "denied", at: t, member: m, rule: first.rule, code: first.code };
      }
      if (verdict.kind === "defer" && verdict.until > latest) latest = verdict.until;
    }
    if (latest === -Infinity) return { kind: "allow", at: t };
    target = latest;
  }
  return { kind: "no-window" };
}

/**
 * Follows the members to `until` at once, when on the way each only
 * restarts the stage it is in (`after 7 minutes move to SAME`), and no
 * check in those stages reads what a restart changes (`time_in_stage`,
 * `ignored`, `touches`): then no check judges differently before `until`
 * than at the last instant judged, where the check that wanted `until`
 * still defers, and stepping from one restart to the next (thousands of
 * them) finds what this finds. Tried on copies; true when taken, else
 * the instant the trial first left a stage (false when it was not tried).
 */
function passOver(members: Member[], copied: boolean[], until: number): boolean | number {
  if (members.some((m) => m.fresh || !m.rt.stages.get(m.st.stage)!.restartFree)) return false;
  const trials = members.map((m) => copyState(m.st));
  for (let i = 0; i < members.length; i++) {
    const m = members[i]!;
    const stage = m.st.stage;
    const log = m.ctx.log;
    const moves: StageChange[] = [];
    m.ctx.log = moves;
    try {
      advance(m.rt, m.ctx, trials[i]!, until);
    } finally {
      m.ctx.log = log;
    }
    const left = moves.find((move) => move.to !== stage);
    if (left !== undefined) return parseInstant(left.at) ?? false;
  }
  for (let i = 0; i < members.length; i++) {
    members[i]!.st = trials[i]!;
    copied[i] = true;
  }
  return true;
}
