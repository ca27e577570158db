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
  stripSpans,
  type ChannelSet,
  type Duration,
  type Expr,
  type Operand,
  type Policy,
  type Rule,
  type Transition,
  type Trigger,
} from "../ast.js";
import { assertNever } from "../diagnostics.js";
import { IR_FORMAT, type IrChannels, type IrDuration, type IrPolicy, type IrRule, type IrStage, type IrTransition, type IrTrigger } from "./ir.js";

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
    start,
    stages,
    rules,
    policyRules: policyWide.map((r) => r.id),
    transitions: policy.transitions.map(compileTransition),
    ...spanField(policy.span),
  };
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
    return compileRule(rule, id, stage);
  });
}

function compileRule(rule: Rule, id: string, stage: string | null): IrRule {
  const base = { id, stage, ...spanField(rule.span) };
  switch (rule.kind) {
    case "never-without":
    case "never-after":
      return {
        ...base,
        kind: rule.kind,
        channels: channels(rule.channels),
        tagged: rule.tagged?.value ?? null,
        signal: rule.signal.name,
        where: rule.where ? stripSpans(rule.where) : null,
      };
    case "never-within":
      return {
        ...base,
        kind: rule.kind,
        channels: channels(rule.channels),
        tagged: rule.tagged?.value ?? null,
        signal: rule.signal.name,
        where: rule.where ? stripSpans(rule.where) : null,
        duration: duration(rule.duration),
      };
    case "never-when":
      return {
        ...base,
        kind: rule.kind,
        channels: channels(rule.channels),
        tagged: rule.tagged?.value ?? null,
        when: stripSpans(rule.when),
      };
    case "at-most":
      return {
        ...base,
        kind: rule.kind,
        channels: channels(rule.channels),
        count: rule.count,
        window:
          rule.window.kind === "rolling"
            ? { kind: "rolling", amount: rule.window.amount, unit: rule.window.unit }
            : { kind: "calendar", unit: rule.window.unit },
      };
    case "at-least":
      return { ...base, kind: rule.kind, channels: channels(rule.channels), duration: duration(rule.duration) };
    case "quiet-hours":
      return {
        ...base,
        kind: rule.kind,
        channels: channels(rule.channels),
        start: { hour: rule.start.hour, minute: rule.start.minute },
        end: { hour: rule.end.hour, minute: rule.end.minute },
      };
    case "only-business-days":
      return { ...base, kind: rule.kind, channels: channels(rule.channels) };
    default:
      return assertNever(rule, "rule");
  }
}

function compileTransition(transition: Transition): IrTransition {
  return {
    trigger: compileTrigger(transition.trigger),
    target: transition.target.name,
    cause: describeTrigger(transition.trigger),
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

/** How a trigger reads in the DSL: `after 2 ignored touches`, `on reply where sentiment == "negative"`. */
export function describeTrigger(trigger: Trigger | IrTrigger): string {
  switch (trigger.kind) {
    case "ignored":
      return `after ${trigger.count} ignored ${trigger.count === 1 ? "touch" : "touches"}`;
    case "touches":
      return `after ${trigger.count} ${trigger.count === 1 ? "touch" : "touches"}`;
    case "elapsed":
      return `after ${describeDuration(trigger.duration)}`;
    case "signal": {
      const name = typeof trigger.signal === "string" ? trigger.signal : trigger.signal.name;
      return trigger.where ? `on ${name} where ${describeExpr(trigger.where)}` : `on ${name}`;
    }
    case "when":
      return `when ${describeExpr(trigger.condition)}`;
    default:
      return assertNever(trigger, "trigger");
  }
}

/** `2 business days`, `1 hour`, `14 days`. */
export function describeDuration(d: IrDuration): string {
  const one = d.amount === 1;
  switch (d.unit) {
    case "minutes":
      return `${d.amount} ${one ? "minute" : "minutes"}`;
    case "hours":
      return `${d.amount} ${one ? "hour" : "hours"}`;
    case "days":
      return `${d.amount} ${one ? "day" : "days"}`;
    case "weeks":
      return `${d.amount} ${one ? "week" : "weeks"}`;
    case "business-days":
      return `${d.amount} ${one ? "business day" : "business days"}`;
    default:
      return assertNever(d.unit, "duration unit");
  }
}

const PRECEDENCE: Record<Expr["kind"], number> = { or: 1, and: 2, not: 3, compare: 4, in: 4, exists: 4 };

/** A condition in the DSL's syntax, with parentheses only where precedence needs them. */
export function describeExpr(expr: Expr): string {
  const wrap = (inner: Expr, min: number): string =>
    PRECEDENCE[inner.kind] < min ? `(${describeExpr(inner)})` : describeExpr(inner);
  switch (expr.kind) {
    case "or":
      return `${wrap(expr.left, 1)} or ${wrap(expr.right, 2)}`;
    case "and":
      return `${wrap(expr.left, 2)} and ${wrap(expr.right, 3)}`;
    case "not":
      return `not ${wrap(expr.expr, 3)}`;
    case "compare":
      return `${describeOperand(expr.left)} ${expr.op} ${describeOperand(expr.right)}`;
    case "in":
      return `${describeOperand(expr.left)} ${expr.negated ? "not in" : "in"} ${describeOperand(expr.right)}`;
    case "exists":
      return `exists ${expr.path.segments.join(".")}`;
    default:
      return assertNever(expr, "condition");
  }
}

function describeOperand(operand: Operand): string {
  switch (operand.kind) {
    case "path":
      return operand.segments.join(".");
    case "literal":
      return typeof operand.value === "string" ? JSON.stringify(operand.value) : String(operand.value);
    case "list":
      return `[${operand.items.map((item) => describeOperand(item)).join(", ")}]`;
    case "duration":
      return describeDuration(operand);
    default:
      return assertNever(operand, "operand");
  }
}

/** A name as messages quote it: `` `email` ``. */
export function quote(name: string): string {
  return `\`${name}\``;
}

/** The channels a rule names (`` `email`, `call` ``), or, for a rule on every channel, the words that read right in it. */
function channelText(channels: IrChannels, every: string): string {
  return channels === null ? every : channels.map(quote).join(", ");
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/**
 * A rule in words, as reasons' messages begin (``at most 1 `call` per day``,
 * `at most 1 touch per day`, `never any channel when ...`).
 */
export function describeRule(rule: IrRule): string {
  // `any` and `touches` (every channel): "any channel" after `never`, a touch counted by its number otherwise
  const ch = channelText(rule.channels, rule.kind.startsWith("never-") ? "any channel" : rule.kind === "at-most" && rule.count === 1 ? "touch" : "touches");
  const tagged = "tagged" in rule && rule.tagged !== null ? ` tagged ${JSON.stringify(rule.tagged)}` : "";
  const where = "where" in rule && rule.where !== null ? ` where ${describeExpr(rule.where)}` : "";
  switch (rule.kind) {
    case "never-without":
      return `never ${ch}${tagged} without \`${rule.signal}\`${where}`;
    case "never-after":
      return `never ${ch}${tagged} after \`${rule.signal}\`${where}`;
    case "never-within":
      return `never ${ch}${tagged} within ${describeDuration(rule.duration)} of \`${rule.signal}\`${where}`;
    case "never-when":
      return `never ${ch}${tagged} when ${describeExpr(rule.when)}`;
    case "at-most": {
      const w = rule.window;
      const per = w.kind === "calendar" ? w.unit : describeDuration({ amount: w.amount, unit: w.unit });
      return `at most ${rule.count} ${ch} per ${per}`;
    }
    case "at-least":
      return `at least ${describeDuration(rule.duration)} between ${ch}`;
    case "quiet-hours": {
      const scope = rule.channels === null ? "" : ` for ${ch}`;
      return `quiet hours ${pad2(rule.start.hour)}:${pad2(rule.start.minute)} to ${pad2(rule.end.hour)}:${pad2(rule.end.minute)}${scope}`;
    }
    case "only-business-days":
      return rule.channels === null ? "only business days" : `only business days for ${ch}`;
  }
}
