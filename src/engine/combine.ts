/**
 * The decision: each applicable policy's checks judged at the instant, the
 * verdicts combined (deny beats defer beats allow), a deferral followed to
 * `notBefore`, the `alternatives` of a touch not allowed, and, for a policy
 * set, each policy's own verdict.
 *
 * @module
 */

import type { Decision, PolicyDecision, ProposedTouch, Reason } from "../model.js";
import { code } from "../print.js";
import type { RuleOutcome } from "./api.js";
import { alternatives, policyApplies } from "./alternatives.js";
import { explainJudgements, judge, type Judgement } from "./judge.js";
import { newKnown, type Member } from "./member.js";
import { search } from "./search.js";
import { formatInstant } from "./time.js";

function toReason(j: Judgement, policy: string | undefined): Reason {
  const reason: Reason = { rule: j.rule, code: j.code, message: j.message };
  if (j.span) reason.span = j.span;
  if (policy !== undefined) reason.policy = policy;
  return reason;
}

/** The `policy` field of a reason about `m`, when reasons name their policy. */
function policyOf(m: Member, tagPolicy: boolean): { policy?: string } {
  return tagPolicy ? { policy: m.rt.ir.name } : {};
}

/** The combined verdict of some members, with `notBefore` for a deferral. */
type Combined = { readonly verdict: "allow" | "deny"; readonly reasons: Reason[] } | { readonly verdict: "defer"; readonly notBefore: number; readonly reasons: Reason[] };

/** The verdict of the applicable members (already advanced to `at`), searching for `notBefore` on copies. */
function combine(members: readonly Member[], touch: ProposedTouch, at: number, tagPolicy: boolean): Combined {
  const reasons: Reason[] = [];
  let denied = false;
  let until = at;
  for (const m of members) {
    const policy = tagPolicy ? m.rt.ir.name : undefined;
    for (const j of judge(m, touch, at, (m.known ??= newKnown(m.rt)))) {
      reasons.push(toReason(j, policy));
      if (j.verdict.kind === "deny") denied = true;
      else if (j.verdict.until > until) until = j.verdict.until;
    }
  }
  if (denied) return { verdict: "deny", reasons };
  if (reasons.length === 0) return { verdict: "allow", reasons };
  const found = search(members, touch, at, until);
  switch (found.kind) {
    case "allow":
      return { verdict: "defer", notBefore: found.at, reasons };
    case "denied": {
      const stage = found.member.st.stage;
      reasons.push({
        rule: "policy.stage-change",
        code: "stage-change",
        message: `waiting is not enough: at ${formatInstant(found.at)} the contact is in stage ${code(stage)} and ${code(found.rule)} denies the touch (${found.code})`,
        ...policyOf(found.member, tagPolicy),
      });
      return { verdict: "deny", reasons };
    }
    case "no-window":
      reasons.push({
        rule: "policy.no-window",
        code: "no-window",
        message: `no instant within a year of ${formatInstant(at)} meets every rule`,
        ...policyOf(members[0]!, tagPolicy),
      });
      return { verdict: "deny", reasons };
  }
}

/**
 * The decision for a contact whose members have been advanced to `at`.
 * `members` are all compiled policies in order; with several, reasons carry
 * `policy` and the decision lists each applicable policy's own verdict.
 */
export function decideMembers(members: readonly Member[], declared: readonly string[], touch: ProposedTouch, at: number): Decision {
  const multi = members.length > 1;
  const contact = members[0]!.ctx.contact;
  const applicable = members.every((m) => m.rt.applies === null) ? members : members.filter((m) => policyApplies(m.rt, contact, touch, m.st.facts));
  const stage = (applicable[0] ?? members[0]!).st.stage;
  if (applicable.length === 0) return { verdict: "allow", stage, reasons: [] };
  const result = combine(applicable, touch, at, multi);
  // Keys in the documented order, so that equal decisions serialise alike.
  const decision: Decision =
    result.verdict === "defer"
      ? { verdict: "defer", notBefore: formatInstant(result.notBefore), stage, reasons: result.reasons }
      : { verdict: result.verdict, stage, reasons: result.reasons };
  if (result.verdict !== "allow") decision.alternatives = alternatives(members, declared, touch, at);
  if (multi) {
    decision.policies = applicable.map((m): PolicyDecision => {
      const own = combine([m], touch, at, false);
      return own.verdict === "defer"
        ? { policy: m.rt.ir.name, verdict: "defer", stage: m.st.stage, notBefore: formatInstant(own.notBefore) }
        : { policy: m.rt.ir.name, verdict: own.verdict, stage: m.st.stage };
    });
  }
  return decision;
}

/** Every check's outcome for the touch at `at`, for explanations. */
export function ruleOutcomes(members: readonly Member[], touch: ProposedTouch, at: number): RuleOutcome[] {
  const contact = members[0]!.ctx.contact;
  const out: RuleOutcome[] = [];
  for (const m of members) {
    const policy = m.rt.ir.name;
    const applicable = policyApplies(m.rt, contact, touch, m.st.facts);
    for (const j of explainJudgements(m, touch, at)) {
      const outcome: RuleOutcome = {
        policy,
        rule: j.rule,
        code: j.code,
        outcome: applicable ? (j.verdict === null ? "not-applicable" : j.verdict.kind) : "not-applicable",
        message: applicable ? j.message : `the policy does not apply here (\`applies when\` does not hold): ${j.message}`,
      };
      if (applicable && j.verdict !== null && j.verdict.kind === "defer") outcome.notBefore = formatInstant(j.verdict.until);
      if (j.span) outcome.span = j.span;
      out.push(outcome);
    }
  }
  return out;
}
