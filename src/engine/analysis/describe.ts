/**
 * Plain-words renderings of AST pieces (durations, conditions, triggers)
 * shared by the analyses, the graph and the diff report. They print the DSL
 * as a user would write it.
 *
 * @module
 */

import type { ChannelSet, Duration, Expr, Operand, Policy, Stage, Transition, Trigger, Window } from "../../ast.js";
import { IMPLICIT_STAGE } from "../../ast.js";
import { assertNever } from "../../diagnostics.js";

/** `4 hours`, `1 day`, `2 business days`. */
export function describeDuration(d: Duration): string {
  const unit = d.unit === "business-days" ? "business days" : d.unit;
  return `${d.amount} ${d.amount === 1 ? unit.replace(/s$/, "") : unit}`;
}

/** `per day`, `per 14 days`. */
export function describeWindow(w: Window): string {
  if (w.kind === "calendar") return `per ${w.unit}`;
  return `per ${w.amount} ${w.amount === 1 ? w.unit.replace(/s$/, "") : w.unit}`;
}

/** `any`, `touches` or `email, call`. */
export function describeChannels(set: ChannelSet): string {
  return set.kind === "all" ? set.word : set.channels.map((c) => c.name).join(", ");
}

function describeOperand(op: Operand): string {
  switch (op.kind) {
    case "path":
      return op.segments.join(".");
    case "literal":
      return typeof op.value === "string" ? JSON.stringify(op.value) : String(op.value);
    case "list":
      return `[${op.items.map((i) => describeOperand(i)).join(", ")}]`;
    case "duration":
      return describeDuration(op);
    default:
      return assertNever(op, "operand");
  }
}

function precedence(e: Expr): number {
  return e.kind === "or" ? 1 : e.kind === "and" ? 2 : e.kind === "not" ? 3 : 4;
}

/** A condition as DSL text, with parentheses only where precedence needs them. */
export function describeExpr(e: Expr): string {
  const wrap = (inner: Expr, min: number): string =>
    precedence(inner) < min ? `(${describeExpr(inner)})` : describeExpr(inner);
  switch (e.kind) {
    case "compare":
      return `${describeOperand(e.left)} ${e.op} ${describeOperand(e.right)}`;
    case "in":
      return `${describeOperand(e.left)} ${e.negated ? "not in" : "in"} ${describeOperand(e.right)}`;
    case "exists":
      return `exists ${e.path.segments.join(".")}`;
    case "and":
      return `${wrap(e.left, 2)} and ${wrap(e.right, 3)}`;
    case "or":
      return `${wrap(e.left, 1)} or ${wrap(e.right, 2)}`;
    case "not":
      return `not ${wrap(e.expr, 3)}`;
    default:
      return assertNever(e, "condition");
  }
}

/** `after 2 ignored touches`, `on reply where sentiment == "negative"`, `after 180 days`. */
export function describeTrigger(t: Trigger): string {
  switch (t.kind) {
    case "ignored":
      return `after ${t.count} ignored ${t.count === 1 ? "touch" : "touches"}`;
    case "touches":
      return `after ${t.count} ${t.count === 1 ? "touch" : "touches"}`;
    case "elapsed":
      return `after ${describeDuration(t.duration)}`;
    case "signal":
      return t.where ? `on ${t.signal.name} where ${describeExpr(t.where)}` : `on ${t.signal.name}`;
    case "when":
      return `when ${describeExpr(t.condition)}`;
    default:
      return assertNever(t, "trigger");
  }
}

/** `after 2 ignored touches move to nurture`. */
export function describeTransition(t: Transition): string {
  return `${describeTrigger(t.trigger)} move to ${t.target.name}`;
}

/** The stage names of a policy, the implicit `active` stage when it has none. */
export function stageNames(policy: Policy): string[] {
  return policy.stages.length === 0 ? [IMPLICIT_STAGE] : policy.stages.map((s) => s.name.name);
}

/** The start stage's name (the first stage marked `start`, else the first stage, else `active`). */
export function startStageName(policy: Policy): string {
  const start = policy.stages.find((s) => s.start) ?? policy.stages[0];
  return start ? start.name.name : IMPLICIT_STAGE;
}

/** Stages by name, built once per policy (the analyses look stages up for every transition). */
const stageIndex = new WeakMap<Policy, { stages: readonly Stage[]; count: number; byName: Map<string, Stage> }>();

/** The stage of that name, when the policy declares it (the first, when a name is declared twice). */
export function findStage(policy: Policy, name: string): Stage | undefined {
  let index = stageIndex.get(policy);
  // rebuilt if the stage list was replaced or grew (policies are not meant to change, but tests build them)
  if (index === undefined || index.stages !== policy.stages || index.count !== policy.stages.length) {
    const byName = new Map<string, Stage>();
    for (const s of policy.stages) if (!byName.has(s.name.name)) byName.set(s.name.name, s);
    index = { stages: policy.stages, count: policy.stages.length, byName };
    stageIndex.set(policy, index);
  }
  return index.byName.get(name);
}

/** The declared channels a channel set speaks of. */
export function channelsOf(set: ChannelSet | undefined, policy: Policy): string[] {
  const declared = policy.channels.map((c) => c.name);
  if (set === undefined || set.kind === "all") return declared;
  return set.channels.map((c) => c.name);
}

/** The channels a stage allows (every declared channel without an `allow` line; none when final). */
export function allowedChannels(policy: Policy, stageName: string): string[] {
  const stage = findStage(policy, stageName);
  if (stage === undefined) return policy.channels.map((c) => c.name);
  if (stage.final) return [];
  if (stage.allow === undefined) return policy.channels.map((c) => c.name);
  const allowed = new Set(stage.allow.channels.map((c) => c.name));
  return policy.channels.map((c) => c.name).filter((c) => allowed.has(c));
}

/** The transitions tried in a stage: its own in source order, then the policy-wide ones (none for a final stage). */
export function transitionsOf(policy: Policy, stageName: string): Transition[] {
  const stage = findStage(policy, stageName);
  if (stage?.final) return [];
  return [...(stage?.transitions ?? []), ...(policy.stages.length === 0 ? [] : policy.transitions)];
}
