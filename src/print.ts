/**
 * The one printer of the language: numbers, strings, durations, windows,
 * times of day, channel sets, conditions, triggers, transitions and rules,
 * as the DSL writes them. The formatter (`parser/format.ts`), the YAML
 * printer's leaf values, the engine's reason messages, the checks' messages
 * and the analyses' reports all print through here, so the language is
 * printed one way.
 *
 * Two things differ between those readers, and a {@link RuleStyle} says
 * which: how a channel set reads (the formatter writes `calls` after a count
 * and keeps `any` or `touches` as written; a message quotes each channel and
 * says `touches` for every channel) and how a name a rule refers to reads
 * (plain in the source, in backticks in a message).
 *
 * @module
 */

import type { ChannelSet, Declaration, DurationUnit, Expr, Fact, Operand, Rule, RuleKind, SignalDeclaration, Transition, Trigger, ValueType } from "./ast.js";
import { assertNever } from "./diagnostics.js";

// ---------------------------------------------------------------- leaves

/** A name as messages quote it: `` `email` ``. */
export function code(name: string): string {
  return `\`${name}\``;
}

/** A number as the lexer reads it: digits and an optional fraction, never an exponent. */
export function printNumber(n: number): string {
  const plain = String(n);
  if (!/e/i.test(plain)) return plain;
  return n.toLocaleString("en-US", { useGrouping: false, maximumFractionDigits: 20 });
}

/** A string literal with `"`, `\` and control characters escaped. */
export function printString(value: string): string {
  let out = '"';
  for (const c of value) {
    if (c === '"') out += '\\"';
    else if (c === "\\") out += "\\\\";
    else if (c === "\n") out += "\\n";
    else if (c === "\t") out += "\\t";
    else if (c === "\r") out += "\\r";
    else out += c;
  }
  return `${out}"`;
}

const UNIT_SINGULAR: Readonly<Record<DurationUnit, string>> = {
  minutes: "minute",
  hours: "hour",
  days: "day",
  weeks: "week",
  "business-days": "business day",
};

const UNIT_PLURAL: Readonly<Record<DurationUnit, string>> = {
  minutes: "minutes",
  hours: "hours",
  days: "days",
  weeks: "weeks",
  "business-days": "business days",
};

/** `4 hours`, `1 business day`. */
export function printDuration(d: { readonly amount: number; readonly unit: DurationUnit }): string {
  return `${printNumber(d.amount)} ${d.amount === 1 ? UNIT_SINGULAR[d.unit] : UNIT_PLURAL[d.unit]}`;
}

/** An `at most` window without `per`: `day`, `week`, `14 days`. */
export function printWindow(
  w: { readonly kind: "calendar"; readonly unit: "day" | "week" } | { readonly kind: "rolling"; readonly amount: number; readonly unit: DurationUnit },
): string {
  return w.kind === "calendar" ? w.unit : printDuration(w);
}

/** Two digits: `08`. Values that are not a whole number from 0 to 9 are printed as they are. */
function twoDigits(value: number): string {
  return String(value).padStart(2, "0");
}

/** `08:00`. */
export function printTime(t: { readonly hour: number; readonly minute: number }): string {
  return `${twoDigits(t.hour)}:${twoDigits(t.minute)}`;
}

/** `1 touch`, `2 ignored touches`. */
export function printTouchCount(count: number, ignored: boolean): string {
  return `${printNumber(count)} ${ignored ? "ignored " : ""}${count === 1 ? "touch" : "touches"}`;
}

// ---------------------------------------------------------------- conditions

/** A value in a condition as written: `contact.role`, `"analyst"`, `[1, 2]`, `4 hours`. */
export function printOperand(o: Operand): string {
  switch (o.kind) {
    case "path":
      return o.segments.join(".");
    case "literal":
      if (typeof o.value === "string") return printString(o.value);
      return typeof o.value === "number" ? printNumber(o.value) : String(o.value);
    case "list":
      return `[${o.items.map(printOperand).join(", ")}]`;
    case "duration":
      return printDuration(o);
    case "count":
      return `count(${o.signal.name}${where(o.where)})`;
    case "last":
      return `last(${o.signal.name}${where(o.where)}).${o.prop.join(".")}`;
    case "touches":
    case "total_touches":
      return `${o.kind}(${printChannels(o.channels)})`;
    default:
      return assertNever(o, "operand");
  }
}

/** A fact about the history as written: `seen(reply)`, `last(reply).prefers`, `touches(email)`. */
export function printFact(f: Fact): string {
  return f.kind === "seen" ? printCondition(f) : printOperand(f);
}

/** Binding strength, loosest first: `or`, `and`, `not`, comparisons. */
function precedence(e: Expr): number {
  switch (e.kind) {
    case "or":
      return 1;
    case "and":
      return 2;
    case "not":
      return 3;
    default:
      return 4;
  }
}

function wrap(e: Expr, needs: boolean): string {
  const text = printCondition(e);
  return needs ? `(${text})` : text;
}

/** A condition with parentheses only where precedence needs them (`and` and `or` are left-associative). */
export function printCondition(e: Expr): string {
  switch (e.kind) {
    case "compare":
      return `${printOperand(e.left)} ${e.op} ${printOperand(e.right)}`;
    case "in":
      return `${printOperand(e.left)} ${e.negated ? "not in" : "in"} ${printOperand(e.right)}`;
    case "exists":
      return `exists ${printOperand(e.path)}`;
    case "seen":
      return `seen(${e.signal.name}${where(e.where)})`;
    case "not":
      return `not ${wrap(e.expr, precedence(e.expr) < 3)}`;
    case "and":
    case "or": {
      const p = precedence(e);
      return `${wrap(e.left, precedence(e.left) < p)} ${e.kind} ${wrap(e.right, precedence(e.right) <= p)}`;
    }
    default:
      return assertNever(e, "condition");
  }
}

// ---------------------------------------------------------------- transitions

/** `after 2 ignored touches`, `on reply where sentiment == "negative"`, `after 180 days`. */
export function printTrigger(t: Trigger): string {
  switch (t.kind) {
    case "ignored":
      return `after ${printTouchCount(t.count, true)}`;
    case "touches":
      return `after ${printTouchCount(t.count, false)}`;
    case "elapsed":
      return `after ${printDuration(t.duration)}`;
    case "signal":
      return `on ${t.signal.name}${t.where ? ` where ${printCondition(t.where)}` : ""}`;
    case "when":
      return `when ${printCondition(t.condition)}`;
    default:
      return assertNever(t, "trigger");
  }
}

/** `after 2 ignored touches move to nurture`. */
export function printTransition(t: Transition): string {
  return `${printTrigger(t.trigger)} move to ${t.target.name}`;
}

// ---------------------------------------------------------------- rules

/** How a rule's parts read where it is printed: in the source, or in a message. */
export interface RuleStyle {
  /** A signal the rule names: `reply` in the source, `` `reply` `` in a message. */
  name(text: string): string;
  /** The touches a rule speaks of; `count` is the number before them, in `at most`. */
  channels(set: ChannelSet, count?: number): string;
  /** The touches a `never` rule forbids. */
  forbidden(set: ChannelSet): string;
  /** The optional ` for CHANNELS` of quiet hours and business days (empty for every channel). */
  scope(set: ChannelSet | undefined): string;
}

/** Channels as written in the source (`email, call`, `any`, `touches`), without plural forms. */
export function printChannels(set: ChannelSet): string {
  return set.kind === "all" ? set.word : set.channels.map((c) => c.name).join(", ");
}

/**
 * How a message names a channel set: each channel quoted; every channel is
 * `touches`, or `touch` after a count of 1.
 */
export function printChannelsInMessage(set: ChannelSet, count?: number): string {
  if (set.kind === "all") return count === 1 ? "touch" : "touches";
  return set.channels.map((c) => code(c.name)).join(", ");
}

/**
 * Rules as the source writes them: `touch` after a count of 1. (Plural
 * channel names after a count, `3 calls`, depend on the declared channels
 * and the keywords: the formatter adds them.)
 */
export const SOURCE_STYLE: RuleStyle = {
  name: (text) => text,
  channels: (set, count) => (set.kind === "all" && set.word === "touches" && count === 1 ? "touch" : printChannels(set)),
  forbidden: printChannels,
  scope: (set) => (set === undefined ? "" : ` for ${printChannels(set)}`),
};

/**
 * Rules as reasons' messages begin: ``at most 1 `call` per day``,
 * ``never `call` without `reply` ``, `never any channel when ...`, `at most 1
 * touch per day`.
 */
export const MESSAGE_STYLE: RuleStyle = {
  name: code,
  channels: printChannelsInMessage,
  forbidden: (set) => (set.kind === "all" ? "any channel" : printChannelsInMessage(set)),
  scope: (set) => (set === undefined || set.kind === "all" ? "" : ` for ${printChannelsInMessage(set)}`),
};

function tagged(tag: { readonly value: string } | undefined): string {
  return tag === undefined ? "" : ` tagged ${printString(tag.value)}`;
}

function where(e: Expr | undefined): string {
  return e === undefined ? "" : ` where ${printCondition(e)}`;
}

type RuleOf<K extends RuleKind> = Extract<Rule, { kind: K }>;

/**
 * How each rule form reads, one line per form: the grammar printed back.
 * (A new rule form adds its line here, beside its grammar rule.)
 */
const RULES: { readonly [K in RuleKind]: (rule: RuleOf<K>, style: RuleStyle) => string } = {
  "never-without": (r, s) => `never ${s.forbidden(r.channels)}${tagged(r.tagged)} without ${s.name(r.signal.name)}${where(r.where)}`,
  "never-after": (r, s) => `never ${s.forbidden(r.channels)}${tagged(r.tagged)} after ${s.name(r.signal.name)}${where(r.where)}`,
  "never-within": (r, s) =>
    `never ${s.forbidden(r.channels)}${tagged(r.tagged)} within ${printDuration(r.duration)} of ${s.name(r.signal.name)}${where(r.where)}`,
  "never-when": (r, s) => `never ${s.forbidden(r.channels)}${tagged(r.tagged)}`,
  "at-most": (r, s) => `at most ${printNumber(r.count)} ${s.channels(r.channels, r.count)} per ${printWindow(r.window)}${r.by ? ` by ${s.name(r.by.name)}` : ""}`,
  "at-most-account": (r, s) => `at most ${printNumber(r.count)} ${s.channels(r.channels, r.count)} per ${printWindow(r.window)} across account`,
  "at-least": (r, s) => `at least ${printDuration(r.duration)} between ${s.channels(r.channels)}`,
  "quiet-hours": (r, s) => `quiet hours ${printTime(r.start)} to ${printTime(r.end)}${s.scope(r.channels)}`,
  "only-business-days": (r, s) => `only business days${s.scope(r.channels)}`,
};

/** A rule without its name, in a style: `at most 1 call per day` (source), ``at most 1 `call` per day`` (message). */
export function printRule(rule: Rule, style: RuleStyle = SOURCE_STYLE): string {
  const print = RULES[rule.kind] as (rule: Rule, style: RuleStyle) => string;
  return `${print(rule, style)}${printRuleCondition(rule)}`;
}

/** A rule's ` when COND` or ` unless COND` (spec section 8.3), or nothing. */
export function printRuleCondition(rule: { readonly when?: Expr; readonly unless?: Expr }): string {
  if (rule.when !== undefined) return ` when ${printCondition(rule.when)}`;
  if (rule.unless !== undefined) return ` unless ${printCondition(rule.unless)}`;
  return "";
}

// ---------------------------------------------------------------- vocabulary (spec section 8.1)

/** `boolean`, `"analyst" | "student"`. */
export function printValueType(type: ValueType): string {
  return type.kind === "choice" ? type.values.map((v) => printString(v.value)).join(" | ") : type.kind;
}

/** `role: "analyst" | "student"`. */
export function printDeclaration(d: Declaration): string {
  return `${d.name.name}: ${printValueType(d.type)}`;
}

/** `reply { sentiment: "positive" | "negative", prefers: string }`, or `webinar_attended` without props. */
export function printSignalDeclaration(d: SignalDeclaration): string {
  return d.props.length === 0 ? d.name.name : `${d.name.name} { ${d.props.map(printDeclaration).join(", ")} }`;
}
