/**
 * Facts about the history (spec section 8.2): `seen(S [where C])`,
 * `count(S [where C])`, `last(S [where C]).PROP`, `touches(CHANNELS)` and
 * `total_touches(CHANNELS)`. A policy's conditions are read once at compile
 * time for the distinct facts they name; a contact's state keeps one value
 * per fact (a count, or the latest prop value, `null` when missing), so a
 * snapshot stays bounded whatever the length of the history.
 *
 * `seen` and `count` of the same signal and `where` share one count
 * (`seen` is `count > 0`).
 *
 * @module
 */

import type { Expr, Fact, Policy } from "../ast.js";
import { conditionFacts, isSignalFact, neverCondition, ruleApplies, stripSpans } from "../ast.js";
import { canonicalJson } from "../canonical.js";
import { printChannels, printCondition } from "../print.js";
import type { IrFact } from "./ir.js";

/** What a state keeps of one fact: a count, or the latest prop value (`null`: missing). */
export type FactValue = unknown;

/** The IR form of a fact as written. */
export function irFact(fact: Fact): IrFact {
  if (isSignalFact(fact)) {
    const where = fact.where === undefined ? null : stripSpans(fact.where);
    return fact.kind === "last" ? { kind: "last", signal: fact.signal.name, where, prop: [...fact.prop] } : { kind: "count", signal: fact.signal.name, where };
  }
  const channels = fact.channels.kind === "all" ? null : [...new Set(fact.channels.channels.map((c) => c.name))].sort();
  return { kind: "touches", channels, stage: fact.kind === "touches" };
}

/** The key two facts share when a state keeps one value for both. */
export function factKey(fact: IrFact): string {
  return canonicalJson(fact);
}

/** Every condition of a policy, where it stands (facts inside a fact's `where` are refused by the checks). */
export function policyConditions(policy: Policy): Expr[] {
  const out: Expr[] = [];
  if (policy.appliesWhen !== undefined) out.push(policy.appliesWhen);
  const rules = [...policy.stages.flatMap((s) => s.rules), ...policy.rules];
  for (const rule of rules) {
    if (rule.kind === "never-when") out.push(neverCondition(rule));
    const applies = ruleApplies(rule);
    if (applies !== undefined) out.push(applies);
    if ("where" in rule && rule.where !== undefined) out.push(rule.where);
  }
  const transitions = [...policy.stages.flatMap((s) => s.transitions), ...policy.transitions];
  for (const t of transitions) {
    if (t.trigger.kind === "when") out.push(t.trigger.condition);
    else if (t.trigger.kind === "signal" && t.trigger.where !== undefined) out.push(t.trigger.where);
  }
  return out;
}

/** The distinct facts a policy's conditions read, in the order first met. */
export function policyFacts(policy: Policy): IrFact[] {
  const seen = new Set<string>();
  const out: IrFact[] = [];
  for (const condition of policyConditions(policy)) {
    for (const fact of conditionFacts(condition)) {
      const ir = irFact(fact);
      const key = factKey(ir);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(ir);
    }
  }
  return out;
}

/** A fact as explanations name it: `count(reply where ...)`, `last(reply).prefers`, `total_touches(email)`. */
export function factText(fact: IrFact): string {
  const where = (e: Expr | null): string => (e === null ? "" : ` where ${printCondition(e)}`);
  switch (fact.kind) {
    case "count":
      return `count(${fact.signal}${where(fact.where)})`;
    case "last":
      return `last(${fact.signal}${where(fact.where)}).${fact.prop.join(".")}`;
    case "touches": {
      const channels = fact.channels === null ? "any" : printChannels({ kind: "list", channels: fact.channels.map((name) => ({ name })) });
      return `${fact.stage ? "touches" : "total_touches"}(${channels})`;
    }
  }
}

/** A value read from a signal's props for `last(...).PROP`: own properties only, `null` when missing. */
export function propValue(props: Record<string, unknown>, prop: readonly string[]): FactValue {
  let current: unknown = props;
  for (const key of prop) {
    if (typeof current !== "object" || current === null || Array.isArray(current) || !Object.hasOwn(current, key)) return null;
    current = (current as Record<string, unknown>)[key];
  }
  return current === undefined ? null : current;
}

/** True when a stored value fits a fact: a whole count for counts, any JSON value for `last`. */
export function factFits(fact: IrFact, value: unknown): boolean {
  if (fact.kind === "last") return value !== undefined && isJson(value, 0);
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function isJson(value: unknown, depth: number): boolean {
  if (depth > 64) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => isJson(v, depth + 1));
  if (typeof value === "object") return Object.values(value as object).every((v) => isJson(v, depth + 1));
  return false;
}
