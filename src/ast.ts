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
  span?: Span;
}

/** A name as written in the source: a channel, stage, signal or rule name. */
export interface Ident extends NodeBase {
  name: string;
}

// ---------------------------------------------------------------- time

/** Units of a {@link Duration}. `days` are 24 hours; `business-days` follow the local calendar. */
export type DurationUnit = "minutes" | "hours" | "days" | "weeks" | "business-days";

/** `4 hours`, `2 business days`, `14 days`. */
export interface Duration extends NodeBase {
  kind: "duration";
  amount: number;
  unit: DurationUnit;
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
  kind: "rolling";
  amount: number;
  unit: RollingUnit;
}

/** `per day` (local calendar day) or `per week` (ISO week, Monday to Sunday). */
export interface CalendarWindow extends NodeBase {
  kind: "calendar";
  unit: "day" | "week";
}

/** A local time of day, `HH:MM` with 00:00 <= t <= 23:59. */
export interface TimeOfDay extends NodeBase {
  hour: number;
  minute: number;
}

/** A calendar date `YYYY-MM-DD` (a holiday). */
export interface DateLit extends NodeBase {
  date: string;
}

// ---------------------------------------------------------------- channels

/**
 * Which touches a rule speaks of: every touch (`any` or `touches`, kept as
 * written so the formatter prints it back) or a list of declared channels.
 */
export type ChannelSet = AllChannels | ChannelList;

/** `any` or `touches`: every channel. */
export interface AllChannels extends NodeBase {
  kind: "all";
  word: "any" | "touches";
}

/** `email, call`: the listed channels. */
export interface ChannelList extends NodeBase {
  kind: "list";
  channels: Ident[];
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
export type Expr = CompareExpr | InExpr | ExistsExpr | AndExpr | OrExpr | NotExpr;

export interface CompareExpr extends NodeBase {
  kind: "compare";
  op: CompareOp;
  left: Operand;
  right: Operand;
}

/** `left in right` / `left not in right`; `right` is a list literal or a path to a list. */
export interface InExpr extends NodeBase {
  kind: "in";
  negated: boolean;
  left: Operand;
  right: Operand;
}

/** `exists contact.role`. */
export interface ExistsExpr extends NodeBase {
  kind: "exists";
  path: PathRef;
}

export interface AndExpr extends NodeBase {
  kind: "and";
  left: Expr;
  right: Expr;
}

export interface OrExpr extends NodeBase {
  kind: "or";
  left: Expr;
  right: Expr;
}

export interface NotExpr extends NodeBase {
  kind: "not";
  expr: Expr;
}

/** A value in a condition. */
export type Operand = PathRef | Literal | ListLiteral | Duration;

/**
 * A reference such as `contact.role`, `touch.campaign`, `sentiment` (a prop
 * of the signal inside `on ... where`) or a counter (`ignored`, `touches`,
 * `total_touches`, `time_in_stage`). Segments are as written.
 */
export interface PathRef extends NodeBase {
  kind: "path";
  segments: string[];
}

export interface Literal extends NodeBase {
  kind: "literal";
  value: string | number | boolean;
}

export interface ListLiteral extends NodeBase {
  kind: "list";
  items: Literal[];
}

// ---------------------------------------------------------------- rules

/** The rule forms of spec section 3 (besides a stage's `allow`). */
export type Rule =
  | NeverWithoutRule
  | NeverAfterRule
  | NeverWithinRule
  | NeverWhenRule
  | AtMostRule
  | AtLeastRule
  | QuietHoursRule
  | OnlyBusinessDaysRule;

/** The kinds of {@link Rule}; each is also the reason code of the rule. */
export type RuleKind = Rule["kind"];

/** Fields shared by every rule. */
export interface RuleBase extends NodeBase {
  /** The name given with `rule NAME:` (or `id:` in YAML). */
  name?: Ident;
}

/** Fields shared by the `never` forms: which touches they forbid. */
export interface NeverBase extends RuleBase {
  channels: ChannelSet;
  /** Only touches carrying this tag (`never any tagged "meeting-ask" when ...`). */
  tagged?: StringLit;
}

export interface StringLit extends NodeBase {
  value: string;
}

/** `never CHANNELS without SIGNAL [where COND]`: until such a signal has been seen. */
export interface NeverWithoutRule extends NeverBase {
  kind: "never-without";
  signal: Ident;
  where?: Expr;
}

/** `never CHANNELS after SIGNAL [where COND]`: once such a signal has been seen. */
export interface NeverAfterRule extends NeverBase {
  kind: "never-after";
  signal: Ident;
  where?: Expr;
}

/** `never CHANNELS within DURATION of SIGNAL [where COND]`: during `[s, s + D)`. */
export interface NeverWithinRule extends NeverBase {
  kind: "never-within";
  duration: Duration;
  signal: Ident;
  where?: Expr;
}

/** `never CHANNELS [tagged "t"] when COND`. */
export interface NeverWhenRule extends NeverBase {
  kind: "never-when";
  when: Expr;
}

/** `at most N CHANNELS per WINDOW`. */
export interface AtMostRule extends RuleBase {
  kind: "at-most";
  count: number;
  channels: ChannelSet;
  window: Window;
}

/** `at least DURATION between CHANNELS`. */
export interface AtLeastRule extends RuleBase {
  kind: "at-least";
  duration: Duration;
  channels: ChannelSet;
}

/** `quiet hours HH:MM to HH:MM [for CHANNELS]`: `[start, end)` local time, may wrap midnight. */
export interface QuietHoursRule extends RuleBase {
  kind: "quiet-hours";
  start: TimeOfDay;
  end: TimeOfDay;
  channels?: ChannelSet;
}

/** `only business days [for CHANNELS]`. */
export interface OnlyBusinessDaysRule extends RuleBase {
  kind: "only-business-days";
  channels?: ChannelSet;
}

// ---------------------------------------------------------------- transitions

/** What makes a transition fire. */
export type Trigger = IgnoredTrigger | TouchesTrigger | ElapsedTrigger | SignalTrigger | WhenTrigger;

/** `after N ignored touches`. */
export interface IgnoredTrigger extends NodeBase {
  kind: "ignored";
  count: number;
}

/** `after N touches`. */
export interface TouchesTrigger extends NodeBase {
  kind: "touches";
  count: number;
}

/** `after DURATION` (time in stage). */
export interface ElapsedTrigger extends NodeBase {
  kind: "elapsed";
  duration: Duration;
}

/** `on SIGNAL [where COND]`. */
export interface SignalTrigger extends NodeBase {
  kind: "signal";
  signal: Ident;
  where?: Expr;
}

/** `when COND`. */
export interface WhenTrigger extends NodeBase {
  kind: "when";
  condition: Expr;
}

/** `TRIGGER move to STAGE`. */
export interface Transition extends NodeBase {
  trigger: Trigger;
  target: Ident;
}

// ---------------------------------------------------------------- stages and policy

export interface Stage extends NodeBase {
  name: Ident;
  /** `start stage`. */
  start: boolean;
  /** `final stage`: allows no touch and has no way out. */
  final: boolean;
  /** The stage's `allow` list; absent means every declared channel. */
  allow?: ChannelList;
  rules: Rule[];
  transitions: Transition[];
}

/** `timezone from contact.timezone else "America/New_York"`. */
export interface TimezoneSpec extends NodeBase {
  /** Where the contact's zone is read from, normally `contact.timezone`. */
  from: PathRef;
  /** The policy's fallback zone, used when the contact has none. */
  fallback?: StringLit;
}

/** A `#` comment, kept so the formatter can print it back. */
export interface Comment extends NodeBase {
  text: string;
}

/** A cadence policy. */
export interface Policy extends NodeBase {
  name: StringLit;
  /** `applies when COND`: in a policy set, the policy applies only where this holds. */
  appliesWhen?: Expr;
  timezone?: TimezoneSpec;
  channels: Ident[];
  /** The signals that count as a response; absent means `reply, meeting_booked, call_connected`. */
  engagement?: Ident[];
  /** Absent means 3 days. */
  ignoreWindow?: Duration;
  holidays?: DateLit[];
  /** Stages in source order. Empty means the implicit stage `active`. */
  stages: Stage[];
  /** Policy-wide transitions, tried after the stage's own. */
  transitions: Transition[];
  /** Policy-wide rules. */
  rules: Rule[];
  /** Comments in source order (DSL only), for the formatter. */
  comments?: Comment[];
}

/** The defaults of spec section 2. */
export const DEFAULT_ENGAGEMENT: readonly string[] = ["reply", "meeting_booked", "call_connected"];
export const DEFAULT_IGNORE_WINDOW: Readonly<Duration> = { kind: "duration", amount: 3, unit: "days" };
export const IMPLICIT_STAGE = "active";

/** Counters usable in conditions and their meaning (spec section 2). */
export const COUNTERS = ["ignored", "touches", "total_touches", "time_in_stage"] as const;

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
    for (const [key, inner] of Object.entries(value)) {
      if (key === "span" || key === "comments" || inner === undefined) continue;
      out[key] = strip(inner);
    }
    return out;
  }
  return value;
}
