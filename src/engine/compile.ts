/**
 * AST -> IR: resolves defaults, gives every rule its id and turns the policy
 * into the plain-JSON {@link IrPolicy} that the state machine runs and that
 * analysis tools read.
 *
 * @module
 */

import {
  DEFAULT_ENGAGEMENT,
  DEFAULT_IGNORE_WINDOW,
  IMPLICIT_STAGE,
  ruleApplies,
  stripSpans,
  type ChannelSet,
  type Declaration,
  type Duration,
  type Policy,
  type Rule,
  type Transition,
  type Trigger,
} from "../ast.js";
import { assertNever } from "../diagnostics.js";
import { compileRule } from "./rules/index.js";
import { policyFacts } from "./facts.js";
import { printTrigger } from "../print.js";
import { IR_FORMAT, type IrChannels, type IrDeclaration, type IrDuration, type IrInputs, type IrPolicy, type IrRule, type IrStage, type IrTransition, type IrTrigger } from "./ir.js";

/** Compiles a policy that has passed validation into its IR. */
export function compileIr(policy: Policy): IrPolicy {
  const rules: IrRule[] = [];
  const stages: IrStage[] = [];
  for (const stage of policy.stages) {
    const own = compileRules(stage.rules, stage.name.name);
    for (const rule of own) rules.push(rule);
    stages.push({
      name: stage.name.name,
      final: stage.final,
      allow: stage.allow ? stage.allow.channels.map((c) => c.name) : null,
      rules: own.map((r) => r.id),
      transitions: stage.transitions.map(compileTransition),
      ...spanField(stage.span),
    });
  }
  if (stages.length === 0) {
    stages.push({ name: IMPLICIT_STAGE, final: false, allow: null, rules: [], transitions: [] });
  }
  const policyWide = compileRules(policy.rules, null);
  for (const rule of policyWide) rules.push(rule);
  const start = policy.stages.find((s) => s.start)?.name.name ?? stages[0]!.name;
  const timezone = policy.timezone;
  // only a policy that reads facts has the field, so that the others keep their versions
  const facts = policyFacts(policy);
  const inputs = compileInputs(policy);
  return {
    format: IR_FORMAT,
    name: policy.name.value,
    appliesWhen: policy.appliesWhen ? stripSpans(policy.appliesWhen) : null,
    timezone: {
      from: timezone ? [...timezone.from.segments] : ["contact", "timezone"],
      fallback: timezone?.fallback?.value ?? null,
    },
    channels: policy.channels.map((c) => c.name),
    engagement: policy.engagement ? policy.engagement.map((e) => e.name) : [...DEFAULT_ENGAGEMENT],
    ignoreWindow: duration(policy.ignoreWindow ?? DEFAULT_IGNORE_WINDOW),
    holidays: (policy.holidays ?? []).map((h) => h.date),
    ...(policy.holidaysFrom === undefined
      ? {}
      : { holidaysFrom: { from: [...policy.holidaysFrom.from.segments], fallback: policy.holidaysFrom.fallback?.value.toUpperCase() ?? null } }),
    start,
    stages,
    rules,
    policyRules: policyWide.map((r) => r.id),
    transitions: policy.transitions.map(compileTransition),
    ...(facts.length > 0 ? { facts } : {}),
    ...(inputs === undefined ? {} : { inputs }),
    ...spanField(policy.span),
  };
}

/**
 * The input types the policy declares (spec section 8.1), sorted by name;
 * undefined when it declares no attribute and no signal's prop. A name
 * declared twice (an error the checks report) keeps its first type.
 */
function compileInputs(policy: Policy): IrInputs | undefined {
  const attributes = declarations(policy.attributes?.declarations ?? []);
  const signals = new Map<string, IrDeclaration[]>();
  for (const d of policy.signals?.declarations ?? []) {
    if (!signals.has(d.name.name) && d.props.length > 0) signals.set(d.name.name, declarations(d.props));
  }
  if (attributes.length === 0 && signals.size === 0) return undefined;
  const signalList = [...signals.entries()].sort((a, b) => byName(a[0], b[0])).map(([name, props]) => ({ name, props }));
  return { ...(attributes.length === 0 ? {} : { attributes }), ...(signalList.length === 0 ? {} : { signals: signalList }) };
}

function declarations(list: readonly Declaration[]): IrDeclaration[] {
  const out = new Map<string, IrDeclaration>();
  for (const d of list) {
    if (out.has(d.name.name)) continue;
    const t = d.type;
    out.set(d.name.name, { name: d.name.name, type: t.kind === "choice" ? { kind: "choice", values: [...new Set(t.values.map((v) => v.value))] } : { kind: t.kind } });
  }
  return [...out.values()].sort((a, b) => byName(a.name, b.name));
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function spanField(span: Policy["span"]): { span?: NonNullable<Policy["span"]> } {
  return span ? { span } : {};
}

function duration(d: Duration): IrDuration {
  return { amount: d.amount, unit: d.unit };
}

function channels(set: ChannelSet | undefined): IrChannels {
  if (set === undefined || set.kind === "all") return null;
  return set.channels.map((c) => c.name);
}

/** Gives each rule its id: its name, else `<scope>.<kind>.<n>`. */
function compileRules(list: readonly Rule[], stage: string | null): IrRule[] {
  const seen = new Map<string, number>();
  return list.map((rule) => {
    const n = (seen.get(rule.kind) ?? 0) + 1;
    seen.set(rule.kind, n);
    const id = rule.name?.name ?? `${stage ?? "policy"}.${rule.kind}.${n}`;
    const condition = ruleApplies(rule);
    return compileRule(rule, { id, stage, channels: channels(rule.channels), ...(condition ? { condition: stripSpans(condition) } : {}), ...spanField(rule.span) });
  });
}

function compileTransition(transition: Transition): IrTransition {
  return {
    trigger: compileTrigger(transition.trigger),
    target: transition.target.name,
    cause: printTrigger(transition.trigger),
    ...spanField(transition.span),
  };
}

function compileTrigger(trigger: Trigger): IrTrigger {
  switch (trigger.kind) {
    case "ignored":
      return { kind: "ignored", count: trigger.count };
    case "touches":
      return { kind: "touches", count: trigger.count };
    case "elapsed":
      return { kind: "elapsed", duration: duration(trigger.duration) };
    case "signal":
      return { kind: "signal", signal: trigger.signal.name, where: trigger.where ? stripSpans(trigger.where) : null };
    case "when":
      return { kind: "when", condition: stripSpans(trigger.condition) };
    default:
      return assertNever(trigger, "trigger");
  }
}
