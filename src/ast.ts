/**
 * The policy AST: the one model that both front ends (the DSL and the YAML
 * form) produce, that the formatter prints and that the engine compiles.
 *
 * Every node carries its source `span`; spans (and comments) are left out of
 * equality: see {@link stripSpans}.
 *
 * Names are kept as written, except that a plural channel after a count
 * (`at most 3 calls`) is stored in the singular form it was declared in.
 *
 * @module
 */

import type { Span } from "./diagnostics.js";

/** Fields shared by every AST node. */
export interface NodeBase {
  /** Where the node was written (1-based line and column); absent on nodes built in code. */
  readonly span?: Span;
}

/** A name as written in the source: a channel, stage, signal or rule name. */
export interface Ident extends NodeBase {
  /** The name as written (a plural channel after a count is stored in its declared singular form). */
  readonly name: string;
}

// ---------------------------------------------------------------- time

/** Units of a {@link Duration}. `days` are 24 hours; `business-days` follow the local calendar. */
export type DurationUnit = "minutes" | "hours" | "days" | "weeks" | "business-days";

/** `4 hours`, `2 business days`, `14 days`. */
export interface Duration extends NodeBase {
  /** Tells a duration apart from the other operands of a condition. */
  readonly kind: "duration";
  /** How many units, a non-negative number. */
  readonly amount: number;
  /** The unit; `business-days` is written `business days` in the DSL. */
  readonly unit: DurationUnit;
}

/** Units of a rolling window. */
export type RollingUnit = "minutes" | "hours" | "days" | "weeks";

/**
 * The window of an `at most` rule: rolling (`per 24 hours`, `per 14 days`)
 * or calendar (`per day`, `per week`, in the contact's time zone).
 */
export type Window = RollingWindow | CalendarWindow;

/** `per N minutes|hours|days|weeks`: the interval `(t - D, t]`. */
export interface RollingWindow extends NodeBase {
  /** A rolling window, as opposed to a calendar one. */
  readonly kind: "rolling";
  /** The window's length in units (`per 14 days`: 14). */
  readonly amount: number;
  /** The window's unit (`per 24 hours`: hours). */
  readonly unit: RollingUnit;
}

/** `per day` (local calendar day) or `per week` (ISO week, Monday to Sunday). */
export interface CalendarWindow extends NodeBase {
  /** A calendar window, as opposed to a rolling one. */
  readonly kind: "calendar";
  /** `day` (local midnight to midnight) or `week` (ISO week, Monday to Sunday). */
  readonly unit: "day" | "week";
}

/** A local time of day, `HH:MM` with 00:00 <= t <= 23:59. */
export interface TimeOfDay extends NodeBase {
  /** The hour, 0 to 23. */
  readonly hour: number;
  /** The minute, 0 to 59. */
  readonly minute: number;
}

/** A calendar date `YYYY-MM-DD` (a holiday). */
export interface DateLit extends NodeBase {
  /** The date as written, `YYYY-MM-DD`. */
  readonly date: string;
}

// ---------------------------------------------------------------- channels

/**
 * Which touches a rule speaks of: every touch (`any` or `touches`, kept as
 * written so the formatter prints it back) or a list of declared channels.
 */
export type ChannelSet = AllChannels | ChannelList;

/** `any` or `touches`: every channel. */
export interface AllChannels extends NodeBase {
  /** Every channel, as opposed to a list. */
  readonly kind: "all";
  /** The word written, kept so the formatter prints it back. */
  readonly word: "any" | "touches";
}

/** `email, call`: the listed channels. */
export interface ChannelList extends NodeBase {
  /** A list of channels, as opposed to every channel. */
  readonly kind: "list";
  /** The channels, in the order written. */
  readonly channels: readonly Ident[];
}

// ---------------------------------------------------------------- conditions

/** Comparison operators of conditions. */
export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=";

/**
 * A condition (`contact.role in ["analyst", "student"] and touches > 2`).
 * `and` and `or` are binary and left-associative as parsed; parentheses are
 * not kept (the formatter adds them where precedence needs them).
 * Precedence, loosest first: `or`, `and`, `not`, comparisons.
 */
export type Expr = CompareExpr | InExpr | ExistsExpr | AndExpr | OrExpr | NotExpr | SeenExpr;

/** `left OP right`, e.g. `touches > 2` or `contact.customer == true`. */
export interface CompareExpr extends NodeBase {
  /** A comparison such as `touches > 2`. */
  readonly kind: "compare";
  /** The operator; with a missing operand every operator but `!=` is false. */
  readonly op: CompareOp;
  /** The left operand. */
  readonly left: Operand;
  /** The right operand. */
  readonly right: Operand;
}

/** `left in right` / `left not in right`; `right` is a list literal or a path to a list. */
export interface InExpr extends NodeBase {
  /** A membership test. */
  readonly kind: "in";
  /** True for `not in`. */
  readonly negated: boolean;
  /** The value looked for. */
  readonly left: Operand;
  /** The list looked in: a list literal, or a path to a list (`contact.products`). */
  readonly right: Operand;
}

/** `exists contact.role`. */
export interface ExistsExpr extends NodeBase {
  /** A presence test. */
  readonly kind: "exists";
  /** The attribute or prop that must be present. */
  readonly path: PathRef;
}

/** `left and right`. */
export interface AndExpr extends NodeBase {
  /** Both sides must hold. */
  readonly kind: "and";
  /** The first condition. */
  readonly left: Expr;
  /** The second condition. */
  readonly right: Expr;
}

/** `left or right`. */
export interface OrExpr extends NodeBase {
  /** Either side must hold. */
  readonly kind: "or";
  /** The first condition. */
  readonly left: Expr;
  /** The second condition. */
  readonly right: Expr;
}

/** `not expr`. */
export interface NotExpr extends NodeBase {
  /** Prefix `not`. */
  readonly kind: "not";
  /** The negated condition. */
  readonly expr: Expr;
}

/** `seen(SIGNAL [where COND])`: such a signal has been processed (spec section 8.2). */
export interface SeenExpr extends NodeBase {
  /** A fact about the history that is itself a condition. */
  readonly kind: "seen";
  /** The signal looked for. */
  readonly signal: Ident;
  /** Only signals for which this holds count; it reads the signal's props and the contact. */
  readonly where?: Expr;
}

/** A value in a condition. */
export type Operand = PathRef | Literal | ListLiteral | Duration | CountFact | LastFact | TouchesFact;

/** `count(SIGNAL [where COND])`: how many such signals have been processed. */
export interface CountFact extends NodeBase {
  /** A number of signals. */
  readonly kind: "count";
  /** The signal counted. */
  readonly signal: Ident;
  /** Only signals for which this holds count. */
  readonly where?: Expr;
}

/** `last(SIGNAL [where COND]).PROP`: that prop of the latest such signal, missing when there is none. */
export interface LastFact extends NodeBase {
  /** A prop of the latest such signal. */
  readonly kind: "last";
  /** The signal looked for. */
  readonly signal: Ident;
  /** Only signals for which this holds count. */
  readonly where?: Expr;
  /** The prop read, as dotted segments (`prefers`). */
  readonly prop: readonly string[];
}

/** `touches(CHANNELS)` (in the current stage) or `total_touches(CHANNELS)` (over the whole history). */
export interface TouchesFact extends NodeBase {
  /** A number of touches on some channels. */
  readonly kind: "touches" | "total_touches";
  /** The channels counted. */
  readonly channels: ChannelSet;
}

/** The facts about the history (spec section 8.2): the terms a snapshot keeps a value for. */
export type Fact = SeenExpr | CountFact | LastFact | TouchesFact;

/** The names of the facts as written before their parentheses. */
export const FACT_NAMES = ["seen", "count", "last", "touches", "total_touches"] as const;

/**
 * A reference such as `contact.role`, `touch.campaign`, `sentiment` (a prop
 * of the signal inside `on ... where`) or a counter (`ignored`, `touches`,
 * `total_touches`, `time_in_stage`). Segments are as written.
 */
export interface PathRef extends NodeBase {
  /** A reference to a value of the contact, the touch, the signal or a counter. */
  readonly kind: "path";
  /** The dotted segments (`contact.role`: `["contact", "role"]`). */
  readonly segments: readonly string[];
}

/** A string, number or boolean in a condition: `"analyst"`, `3`, `true`. */
export interface Literal extends NodeBase {
  /** A string, number or boolean written in the condition. */
  readonly kind: "literal";
  /** The value. */
  readonly value: string | number | boolean;
}

/** `["analyst", "student"]`. */
export interface ListLiteral extends NodeBase {
  /** A list written in brackets, `["analyst", "student"]`. */
  readonly kind: "list";
  /** The items, in the order written. */
  readonly items: readonly Literal[];
}

// ---------------------------------------------------------------- rules

/** The rule forms of spec section 3 (besides a stage's `allow`). */
export type Rule =
  | NeverWithoutRule
  | NeverAfterRule
  | NeverWithinRule
  | NeverWhenRule
  | AtMostRule
  | AtMostAccountRule
  | AtLeastRule
  | QuietHoursRule
  | OnlyBusinessDaysRule;

/** The kinds of {@link Rule}; each is also the reason code of the rule. */
export type RuleKind = Rule["kind"];

/** Fields shared by every rule. */
export interface RuleBase extends NodeBase {
  /** The name given with `rule NAME:` (or `id:` in YAML). */
  readonly name?: Ident;
  /**
   * `... when COND` (spec section 8.3): the rule applies only where the
   * condition holds. On a `never CHANNELS when COND` rule it is the rule's
   * own condition.
   */
  readonly when?: Expr;
  /** `... unless COND`: the rule applies only where the condition does not hold (at most one of `when` and `unless`). */
  readonly unless?: Expr;
}

/** Fields shared by the `never` forms: which touches they forbid. */
export interface NeverBase extends RuleBase {
  /** The touches forbidden: a channel list, `any` or `touches`. */
  readonly channels: ChannelSet;
  /** Only touches carrying this tag (`never any tagged "meeting-ask" when ...`). */
  readonly tagged?: StringLit;
}

/** A quoted string: a policy name, a tag, a fallback zone. */
export interface StringLit extends NodeBase {
  /** The string without its quotes and escapes. */
  readonly value: string;
}

/** `never CHANNELS without SIGNAL [where COND]`: until such a signal has been seen. */
export interface NeverWithoutRule extends NeverBase {
  /** `never ... without ...`; also the reason code. */
  readonly kind: "never-without";
  /** The signal that must have been seen first (`reply`). */
  readonly signal: Ident;
  /** Only signals for which this holds count (`where sentiment != "negative"`). */
  readonly where?: Expr;
}

/** `never CHANNELS after SIGNAL [where COND]`: once such a signal has been seen. */
export interface NeverAfterRule extends NeverBase {
  /** `never ... after ...`; also the reason code. */
  readonly kind: "never-after";
  /** The signal after which the touches are forbidden for good. */
  readonly signal: Ident;
  /** Only signals for which this holds count. */
  readonly where?: Expr;
}

/** `never CHANNELS within DURATION of SIGNAL [where COND]`: during `[s, s + D)`. */
export interface NeverWithinRule extends NeverBase {
  /** `never ... within ... of ...`; also the reason code. */
  readonly kind: "never-within";
  /** How long after each such signal the touches wait. */
  readonly duration: Duration;
  /** The signal that starts the wait (`content_download`). */
  readonly signal: Ident;
  /** Only signals for which this holds count. */
  readonly where?: Expr;
}

/**
 * `never CHANNELS [tagged "t"] when COND` or `never CHANNELS [tagged "t"]
 * unless COND`: exactly one of `when` (the touches are forbidden where it
 * holds) and `unless` (where it does not).
 */
export interface NeverWhenRule extends NeverBase {
  /** `never ... when ...`; also the reason code. */
  readonly kind: "never-when";
}

/** `at most N CHANNELS per WINDOW`. */
export interface AtMostRule extends RuleBase {
  /** `at most`; also the reason code. */
  readonly kind: "at-most";
  /** The most touches allowed in a window, a whole number. */
  readonly count: number;
  /** The touches counted (all of the contact's touches on these channels, in any stage). */
  readonly channels: ChannelSet;
  /** The window counted over. */
  readonly window: Window;
  /** `by PROP` (spec section 8.4): only earlier touches whose prop equals the proposed touch's count. */
  readonly by?: Ident;
}

/** `at most N CHANNELS per WINDOW across account` (spec section 8.4): the touches of every contact of the account count. */
export interface AtMostAccountRule extends RuleBase {
  /** `at most ... across account`; also the reason code. */
  readonly kind: "at-most-account";
  /** The most touches allowed in a window to the contacts of one account, a whole number. */
  readonly count: number;
  /** The touches counted (to every contact of the account, this one included, on these channels). */
  readonly channels: ChannelSet;
  /** The window counted over. */
  readonly window: Window;
}

/** `at least DURATION between CHANNELS`. */
export interface AtLeastRule extends RuleBase {
  /** `at least`; also the reason code. */
  readonly kind: "at-least";
  /** The least time from the last such touch. */
  readonly duration: Duration;
  /** The touches spaced out. */
  readonly channels: ChannelSet;
}

/** `quiet hours HH:MM to HH:MM [for CHANNELS]`: `[start, end)` local time, may wrap midnight. */
export interface QuietHoursRule extends RuleBase {
  /** `quiet hours`; also the reason code. */
  readonly kind: "quiet-hours";
  /** When the quiet hours begin, local time (included). */
  readonly start: TimeOfDay;
  /** When they end, local time (excluded); before `start` when they wrap midnight. */
  readonly end: TimeOfDay;
  /** The channels kept quiet; absent means every channel. */
  readonly channels?: ChannelSet;
}

/** `only business days [for CHANNELS]`. */
export interface OnlyBusinessDaysRule extends RuleBase {
  /** `only business days`; the reason code is `business-days`. */
  readonly kind: "only-business-days";
  /** The channels limited to business days; absent means every channel. */
  readonly channels?: ChannelSet;
}

// ---------------------------------------------------------------- transitions

/** What makes a transition fire. */
export type Trigger = IgnoredTrigger | TouchesTrigger | ElapsedTrigger | SignalTrigger | WhenTrigger;

/** `after N ignored touches`. */
export interface IgnoredTrigger extends NodeBase {
  /** Fires on the Nth consecutive ignored touch in the stage. */
  readonly kind: "ignored";
  /** How many ignored touches in a row, at least 1. */
  readonly count: number;
}

/** `after N touches`. */
export interface TouchesTrigger extends NodeBase {
  /** Fires on the Nth touch sent in the stage. */
  readonly kind: "touches";
  /** How many touches, at least 1. */
  readonly count: number;
}

/** `after DURATION` (time in stage). */
export interface ElapsedTrigger extends NodeBase {
  /** Fires once the contact has been in the stage this long. */
  readonly kind: "elapsed";
  /** The time in stage. */
  readonly duration: Duration;
}

/** `on SIGNAL [where COND]`. */
export interface SignalTrigger extends NodeBase {
  /** Fires when such a signal arrives. */
  readonly kind: "signal";
  /** The signal (`reply`, `unsubscribe`, or one of the application's own). */
  readonly signal: Ident;
  /** Only signals for which this holds fire (`where sentiment == "negative"`); the signal's props are in scope. */
  readonly where?: Expr;
}

/** `when COND`. */
export interface WhenTrigger extends NodeBase {
  /** Fires as soon as the condition holds, after any event or on entering the stage. */
  readonly kind: "when";
  /** The condition. */
  readonly condition: Expr;
}

/** `TRIGGER move to STAGE`. */
export interface Transition extends NodeBase {
  /** What fires it. */
  readonly trigger: Trigger;
  /** The stage moved to. */
  readonly target: Ident;
}

// ---------------------------------------------------------------- stages and policy

/** `[start|final] stage NAME { ... }` (in YAML, an entry of `stages:`). */
export interface Stage extends NodeBase {
  /** The stage's name. */
  readonly name: Ident;
  /** `start stage`. */
  readonly start: boolean;
  /** `final stage`: allows no touch and has no way out. */
  readonly final: boolean;
  /** The stage's `allow` list; absent means every declared channel. */
  readonly allow?: ChannelList;
  /** Rules in force only in this stage, judged before the policy-wide ones. */
  readonly rules: readonly Rule[];
  /** The stage's transitions, tried in source order before the policy-wide ones. */
  readonly transitions: readonly Transition[];
}

/** `timezone from contact.timezone else "America/New_York"`. */
export interface TimezoneSpec extends NodeBase {
  /** Where the contact's zone is read from, normally `contact.timezone`. */
  readonly from: PathRef;
  /** The policy's fallback zone, used when the contact has none. */
  readonly fallback?: StringLit;
}

/** `holidays from contact.country else "US"`: the public holidays of the contact's region. */
export interface HolidaysFromSpec extends NodeBase {
  /** Where the contact's region (`US`, `US-NY`, `GB-ENG`) is read from: `contact.X` or `contact.attributes.X`. */
  readonly from: PathRef;
  /** The policy's fallback region, used when the contact has none. */
  readonly fallback?: StringLit;
}

// ---------------------------------------------------------------- vocabulary (spec section 8.1)

/** The simple types of a declared attribute or prop: `string`, `number`, `boolean`, `list` (of strings). */
export type SimpleTypeName = "string" | "number" | "boolean" | "list";

/** The type names a declaration may write, in the order the language reference lists them. */
export const SIMPLE_TYPES: readonly SimpleTypeName[] = ["string", "number", "boolean", "list"];

/** `string`, `number`, `boolean` or `list`. */
export interface SimpleType extends NodeBase {
  /** The type's name as written. */
  readonly kind: SimpleTypeName;
}

/** `"analyst" | "student"` (YAML: `[analyst, student]`): a string that is one of these. */
export interface ChoiceType extends NodeBase {
  /** A choice of string literals. */
  readonly kind: "choice";
  /** The strings allowed, in the order written. */
  readonly values: readonly StringLit[];
}

/** The type of a declared attribute or prop. */
export type ValueType = SimpleType | ChoiceType;

/** `role: "analyst" | "student"`: an attribute of a contact, or a prop of a signal, and its type. */
export interface Declaration extends NodeBase {
  /** The attribute's or prop's name. */
  readonly name: Ident;
  /** Its type. */
  readonly type: ValueType;
}

/** `reply { sentiment: "positive" | "negative", prefers: string }` or `webinar_attended`: a signal and its props. */
export interface SignalDeclaration extends NodeBase {
  /** The signal's type (`reply`, `webinar_attended`). */
  readonly name: Ident;
  /** Its props; empty for a signal declared without any. */
  readonly props: readonly Declaration[];
}

/** `attributes { ... }`: the contact attributes a policy reads, with their types. */
export interface AttributesBlock extends NodeBase {
  /** The attributes, in the order written. */
  readonly declarations: readonly Declaration[];
}

/** `signals { ... }`: the signals a policy names, with their props. */
export interface SignalsBlock extends NodeBase {
  /** The signals, in the order written. */
  readonly declarations: readonly SignalDeclaration[];
}

/** A `#` comment, kept so the formatter can print it back. */
export interface Comment extends NodeBase {
  /** The comment's text, from `#` to the end of the line. */
  readonly text: string;
}

/** A cadence policy. */
export interface Policy extends NodeBase {
  /** The policy's name (`cadence "inbound-content"`, or `cadence:` in YAML). */
  readonly name: StringLit;
  /** `applies when COND`: in a policy set, the policy applies only where this holds. */
  readonly appliesWhen?: Expr;
  /** Where the contact's zone comes from, and the fallback zone. */
  readonly timezone?: TimezoneSpec;
  /** The declared channels; a touch on any other is denied with `unknown-channel`. */
  readonly channels: readonly Ident[];
  /** The signals that count as a response; absent means `reply, meeting_booked, call_connected`. */
  readonly engagement?: readonly Ident[];
  /** Absent means 3 days. */
  readonly ignoreWindow?: Duration;
  /** Dates skipped by business days, in the contact's local calendar. */
  readonly holidays?: readonly DateLit[];
  /** The public holidays of the contact's region, also skipped by business days (beside {@link holidays}). */
  readonly holidaysFrom?: HolidaysFromSpec;
  /** The contact attributes the policy reads, with their types (`attributes { ... }`); absent when not declared. */
  readonly attributes?: AttributesBlock;
  /** The signals the policy names, with their props (`signals { ... }`); absent when not declared. */
  readonly signals?: SignalsBlock;
  /** Stages in source order. Empty means the implicit stage `active`. */
  readonly stages: readonly Stage[];
  /** Policy-wide transitions, tried after the stage's own. */
  readonly transitions: readonly Transition[];
  /** Policy-wide rules. */
  readonly rules: readonly Rule[];
  /** Comments in source order (DSL only), for the formatter. */
  readonly comments?: readonly Comment[];
}

/** The signals that count as engagement when a policy has no `engagement` line. */
export const DEFAULT_ENGAGEMENT: readonly string[] = ["reply", "meeting_booked", "call_connected"];
/** The ignore window when a policy has no `ignore window` line: 3 days. */
export const DEFAULT_IGNORE_WINDOW: Readonly<Duration> = { kind: "duration", amount: 3, unit: "days" };
/** The one stage of a policy that declares none; it allows every declared channel. */
export const IMPLICIT_STAGE = "active";

/** Signals with a meaning of their own (spec section 1, and `auto_reply`, what an auto-reply counts as). */
export const BUILT_IN_SIGNALS: readonly string[] = Object.freeze([
  "reply",
  "meeting_booked",
  "call_connected",
  "unsubscribe",
  "bounce",
  "purchase",
  "content_download",
  "open",
  "click",
  "auto_reply",
]);

/** Counters usable in conditions and their meaning (spec section 2). */
export const COUNTERS = ["ignored", "touches", "total_touches", "time_in_stage"] as const;

/** The operands of a condition (paths, literals, lists, durations), left to right. */
export function conditionOperands(expr: Expr): Operand[] {
  // walked with a stack, left to right: a condition built in code may be deeper than the call stack
  const found: Operand[] = [];
  const stack: Expr[] = [expr];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    switch (top.kind) {
      case "and":
      case "or":
        stack.push(top.right, top.left);
        break;
      case "not":
        stack.push(top.expr);
        break;
      case "exists":
        found.push(top.path);
        break;
      case "seen":
        break;
      case "in":
      case "compare":
        found.push(top.left, top.right);
        break;
    }
  }
  return found;
}

/**
 * How deep a condition's tree may be, counting every `and`, `or`, `not` and
 * parenthesis: every later step walks conditions recursively, and no
 * condition a person writes comes near it.
 */
export const MAX_CONDITION_DEPTH = 200;

/** The depth of a condition's tree, walked without recursion. */
export function conditionDepth(root: Expr): number {
  let deepest = 0;
  const stack: [Expr, number][] = [[root, 1]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [expr, depth] = top;
    if (depth > deepest) deepest = depth;
    if (expr.kind === "and" || expr.kind === "or") stack.push([expr.left, depth + 1], [expr.right, depth + 1]);
    else if (expr.kind === "not") stack.push([expr.expr, depth + 1]);
    else for (const fact of conditionFacts(expr)) if (isSignalFact(fact) && fact.where !== undefined) stack.push([fact.where, depth + 1]);
  }
  return deepest;
}

/**
 * The facts a condition reads (spec section 8.2), left to right: `seen`
 * terms and fact operands. The conditions inside the facts' own `where`
 * are not walked (they read the signal, not the history).
 */
export function conditionFacts(expr: Expr): Fact[] {
  const found: Fact[] = [];
  const stack: Expr[] = [expr];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    switch (top.kind) {
      case "and":
      case "or":
        stack.push(top.right, top.left);
        break;
      case "not":
        stack.push(top.expr);
        break;
      case "seen":
        found.push(top);
        break;
      case "in":
      case "compare":
        for (const op of [top.left, top.right]) if (isFactOperand(op)) found.push(op);
        break;
      default:
        break;
    }
  }
  return found;
}

/** The facts that read signals: `seen`, `count` and `last`. */
export type SignalFact = SeenExpr | CountFact | LastFact;

/** True for a fact that reads signals (rather than counting touches). */
export function isSignalFact(fact: Fact): fact is SignalFact {
  return fact.kind === "seen" || fact.kind === "count" || fact.kind === "last";
}

/** True for an operand that is a fact about the history. */
export function isFactOperand(op: Operand): op is CountFact | LastFact | TouchesFact {
  return op.kind === "count" || op.kind === "last" || op.kind === "touches" || op.kind === "total_touches";
}

/**
 * When a rule applies (spec section 8.3), as one condition: its `when`, or
 * `not (unless)`; undefined when it always applies. A `never ... when`
 * rule's own condition is not one: it is what the rule forbids under.
 */
export function ruleApplies(rule: Rule): Expr | undefined {
  if (rule.kind === "never-when") return undefined;
  if (rule.when !== undefined) return rule.when;
  if (rule.unless !== undefined) return { kind: "not", expr: rule.unless };
  return undefined;
}

/** The condition under which a `never ... when|unless` rule forbids its touches. */
export function neverCondition(rule: NeverWhenRule): Expr {
  if (rule.when !== undefined) return rule.when;
  if (rule.unless !== undefined) return { kind: "not", expr: rule.unless };
  // a rule built in code without either: it forbids nothing (a `not` of nothing would throw later)
  return { kind: "compare", op: "==", left: { kind: "literal", value: true }, right: { kind: "literal", value: false } };
}

/**
 * A deep copy of an AST value without `span` and `comments` fields, for
 * comparing two ASTs "spans aside".
 */
export function stripSpans<T>(value: T): T {
  return strip(value) as T;
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    const fields = value as Record<string, unknown>;
    // keys rather than entries: compiling strips every condition, and the pairs cost more than the copy
    for (const key of Object.keys(fields)) {
      const inner = fields[key];
      if (key === "span" || key === "comments" || inner === undefined) continue;
      out[key] = strip(inner);
    }
    return out;
  }
  return value;
}

/**
 * A node under construction: its own fields writable, its lists growable
 * (the parsers build a node field by field, then hand it out as the
 * readonly AST). The nodes it holds stay readonly.
 */
export type Draft<T> = T extends unknown ? { -readonly [K in keyof T]: Growable<T[K]> } : never;

/** A readonly list made growable, `undefined` kept (an optional list). */
type Growable<V> = V extends readonly (infer U)[] ? U[] : V;
