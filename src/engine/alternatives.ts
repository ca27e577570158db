/**
 * The `alternatives` of a decision: the declared channels, other than the
 * proposed one, that every applicable policy allows at the same instant.
 *
 * Most rules judge alike whatever the channel they are asked about (those
 * that speak of it at all): their verdicts at the decision instant are
 * kept (`Member.known`) and each is judged at most once for all the
 * channels. Only a rule reading `touch.channel` is judged per channel.
 *
 * @module
 */

import type { Contact, ProposedTouch } from "../model.js";
import { judgeRule, rulesOnChannel, stageForbids, tagMatches } from "./judge.js";
import { newKnown, type Member } from "./member.js";
import type { Runtime, StageRuntime } from "./runtime.js";
import type { Verdict } from "./verdict.js";

/** True when the policy applies to this contact and touch (`applies when`), reading the facts of its state (spec section 8.2). */
export function policyApplies(rt: Runtime, contact: Contact, touch: ProposedTouch, facts?: readonly unknown[]): boolean {
  return rt.applies === null || rt.applies({ contact, touch, factValues: facts });
}

/**
 * The proposed touch moved to another declared channel. Only a condition
 * that reads `touch.channel` (a `never ... when` rule or an `applies when`)
 * needs the moved touch as an object: it is copied then, once, and its
 * channel changed in turn. Every other check reads the channel, or the rest
 * of the touch, directly.
 */
class MovedTouch {
  channel = "";
  private copy: ProposedTouch | undefined;

  constructor(readonly base: ProposedTouch) {}

  /** The touch on {@link channel}, as conditions read it. */
  get touch(): ProposedTouch {
    this.copy ??= { ...this.base };
    this.copy.channel = this.channel;
    return this.copy;
  }
}

/** Declared channels other than the proposed one that every applicable policy allows at `at`. */
export function alternatives(members: readonly Member[], declared: readonly string[], touch: ProposedTouch, at: number): string[] {
  const infos = members.map((m) => m.rt.stages.get(m.st.stage)!);
  for (let i = 0; i < members.length; i++) if (blocksEveryChannel(members[i]!, infos[i]!)) return [];
  const contact = members[0]!.ctx.contact;
  const known = members.map((m) => m.known ?? newKnown(m.rt));
  const moved = new MovedTouch(touch);
  const out: string[] = [];
  for (const channel of declared) {
    if (channel === touch.channel) continue;
    moved.channel = channel;
    let ok = true;
    for (let i = 0; ok && i < members.length; i++) {
      const m = members[i]!;
      // the moved touch is made only for an `applies when` to read
      ok = (m.rt.applies !== null && !policyApplies(m.rt, contact, moved.touch, m.st.facts)) || allowedAt(m, infos[i]!, moved, at, known[i]!);
    }
    if (ok) out.push(channel);
  }
  return out;
}

/**
 * True when a policy that applies to every touch has an unmet rule that
 * speaks of every channel alike (no channel list, a condition not reading
 * `touch.channel`): no other channel can be allowed either. `info` is the
 * member's stage.
 */
function blocksEveryChannel(m: Member, info: StageRuntime): boolean {
  const { rt, known } = m;
  if (known === undefined || rt.applies !== null) return false;
  const rules = info.anyChannelRules;
  for (let k = 0; k < rules.length; k++) {
    const r = rules[k]!;
    const verdict = known[r.index];
    if (verdict !== undefined && verdict.kind !== "met" && !r.readsChannel) return true;
  }
  return false;
}

/**
 * True when every check is met for the moved touch at `t`; `info` is the
 * member's stage, `known` holds the verdicts of the rules that judge alike
 * whatever the channel.
 */
function allowedAt(m: Member, info: StageRuntime, moved: MovedTouch, t: number, known: (Verdict | undefined)[]): boolean {
  const channel = moved.channel;
  if (stageForbids(m, info, channel)) return false;
  const touch = moved.base;
  const rules = rulesOnChannel(info, channel);
  for (let k = 0; k < rules.length; k++) {
    const r = rules[k]!;
    if (!tagMatches(r, touch)) continue;
    // A rule reading `touch.channel` is judged per channel, on the moved touch.
    if (r.readsChannel) {
      if (judgeRule(m, r, moved.touch, t).kind !== "met") return false;
      continue;
    }
    // The other rules judge alike whatever the channel: the touch as proposed will do.
    let verdict = known[r.index];
    if (verdict === undefined) {
      verdict = judgeRule(m, r, touch, t);
      known[r.index] = verdict;
    }
    if (verdict.kind !== "met") return false;
  }
  return true;
}
