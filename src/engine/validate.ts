/**
 * Semantic checks of a parsed policy: names that must refer to something,
 * names that must be unique, numbers, times, dates and zones that must make
 * sense. A policy with no error here compiles; warnings about policies that
 * compile but probably do not do what was meant live in `analysis/`.
 *
 * Choices made where the contract is silent:
 * - `at most 0 ...` is an error (`invalid-count`): a limit of zero allows no
 *   touch, which a stage's `allow` list or a `never` rule says more plainly.
 * - Every duration, including a rolling window's length and a duration
 *   compared in a condition, must be a positive whole number of its unit.
 * - A policy-wide transition in a policy without stages has nowhere to go
 *   (`no-stages-to-move-to`), even towards the implicit stage `active`.
 * - A contact's zone is read from `contact.timezone`, `contact.X` or
 *   `contact.attributes.X`; any other `timezone from` path is an error
 *   (`invalid-timezone-source`) rather than a zone silently never found.
 *
 * @module
 */

import type {
  ChannelList,
  ChannelSet,
  Duration,
  DurationUnit,
  Expr,
  Ident,
  NodeBase,
  Operand,
  Policy,
  RollingUnit,
  Rule,
  Stage,
  TimeOfDay,
  Transition,
} from "../ast.js";
import type { Diagnostic, Span } from "../diagnostics.js";
import { sortDiagnostics } from "../diagnostics.js";
import { conditionDepth, conditionOperands, MAX_CONDITION_DEPTH } from "../ast.js";
import { Suggestions } from "../parser/names.js";
import { isValidZone } from "./time.js";

/** Semantic errors (and a few warnings) of a parsed policy, sorted. A policy with no error diagnostic here compiles. */
export function validatePolicy(policy: Policy): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (
    severity: Diagnostic["severity"],
    code: string,
    message: string,
    span: Span | undefined,
    hint?: string,
  ): void => {
    const diagnostic: Diagnostic = { severity, code, message };
    if (span !== undefined) diagnostic.span = span;
    if (hint !== undefined) diagnostic.hint = hint;
    out.push(diagnostic);
  };
  const error = (code: string, message: string, span: Span | undefined, hint?: string): void =>
    report("error", code, message, span, hint);

  const policySpan = policy.name?.span ?? policy.span;
  const hints = new Suggestions();
  const names = checkChannels(policy, policySpan, error);
  const channels: Declared = { names, set: new Set(names), hints };
  const stages = checkStages(policy, policySpan, error);
  const stageSet: ReadonlySet<string> = new Set(stages);
  checkSettings(policy, error, hints);

  const scopes: { stage: Stage | undefined; rules: readonly Rule[]; transitions: readonly Transition[] }[] = [
    ...policy.stages.map((stage) => ({ stage, rules: stage.rules, transitions: stage.transitions })),
    { stage: undefined, rules: policy.rules, transitions: policy.transitions },
  ];

  const ruleNames = new Map<string, NodeBase>();
  for (const scope of scopes) {
    if (scope.stage?.allow !== undefined) checkChannelNames(scope.stage.allow, channels, error, scope.stage);
    for (const rule of scope.rules) {
      if (rule.name !== undefined) {
        const first = ruleNames.get(rule.name.name);
        if (first !== undefined) {
          error(
            "duplicate-rule",
            `another rule is already named \`${rule.name.name}\``,
            spanOf(rule.name, rule),
            `give each rule its own name${firstAt(first)}`,
          );
        } else {
          ruleNames.set(rule.name.name, { span: spanOf(rule.name, rule) });
        }
      }
      checkRule(rule, channels, error);
    }
    for (const transition of scope.transitions) {
      checkTransition(transition, scope.stage, stages, stageSet, error, hints);
    }
  }

  for (const expr of conditionsOf(policy)) {
    // parsed conditions are bounded by the parser; one built in code may be deeper than any later step can walk
    if (conditionDepth(expr) > MAX_CONDITION_DEPTH) {
      error("too-deep", `condition nested more than ${MAX_CONDITION_DEPTH} levels deep, counting each \`and\`, \`or\` and \`not\``, expr.span);
    } else {
      checkCondition(expr, error);
    }
  }
  return sortDiagnostics(out);
}

type ReportError = (code: string, message: string, span: Span | undefined, hint?: string) => void;

/** The span of a node, else of the nearest enclosing node that has one. */
function spanOf(...nodes: (NodeBase | undefined)[]): Span | undefined {
  for (const node of nodes) if (node?.span !== undefined) return node.span;
  return undefined;
}

// ---------------------------------------------------------------- declarations

function checkChannels(policy: Policy, policySpan: Span | undefined, error: ReportError): string[] {
  const declared = new Map<string, Ident>();
  if (policy.channels.length === 0) {
    error("no-channels", "the policy declares no channel", policySpan, "add a line such as `channels email, call`");
  }
  for (const channel of policy.channels) {
    const first = declared.get(channel.name);
    if (first !== undefined) {
      error(
        "duplicate-channel",
        `channel \`${channel.name}\` is declared twice`,
        spanOf(channel, policy),
        `remove this declaration${firstAt(first)}`,
      );
    } else {
      declared.set(channel.name, channel);
    }
  }
  return [...declared.keys()];
}

function checkStages(policy: Policy, policySpan: Span | undefined, error: ReportError): string[] {
  const names = new Map<string, Stage>();
  const starts: Stage[] = [];
  for (const stage of policy.stages) {
    const name = stage.name.name;
    const first = names.get(name);
    if (first !== undefined) {
      error(
        "duplicate-stage",
        `stage \`${name}\` is declared twice`,
        spanOf(stage.name, stage),
        `give each stage its own name${firstAt({ span: spanOf(first.name, first) })}`,
      );
    } else {
      names.set(name, stage);
    }
    if (stage.start) starts.push(stage);
    if (stage.final) checkFinalStage(stage, error);
  }
  const first = policy.stages[0];
  const firstStart = starts[0];
  if (first !== undefined && firstStart === undefined) {
    error(
      "no-start-stage",
      "no stage is marked `start`",
      spanOf(first.name, first, { span: policySpan }),
      `mark the stage contacts begin in, such as \`start stage ${first.name.name}\``,
    );
  }
  for (const extra of starts.slice(1)) {
    error(
      "several-start-stages",
      `stage \`${extra.name.name}\` is marked \`start\` but \`${firstStart?.name.name ?? ""}\` already is`,
      spanOf(extra.name, extra),
      "mark exactly one stage `start`",
    );
  }
  return [...names.keys()];
}

function checkFinalStage(stage: Stage, error: ReportError): void {
  const name = stage.name.name;
  for (const transition of stage.transitions) {
    error(
      "final-stage-has-transitions",
      `final stage \`${name}\` cannot have transitions`,
      spanOf(transition, stage),
      "a final stage has no way out; remove the transition or the word `final`",
    );
  }
  if (stage.allow !== undefined) {
    error(
      "final-stage-has-rules",
      `final stage \`${name}\` cannot allow channels`,
      spanOf(stage.allow, stage),
      "a final stage allows no touch; remove the `allow` line or the word `final`",
    );
  }
  for (const rule of stage.rules) {
    error(
      "final-stage-has-rules",
      `final stage \`${name}\` cannot have rules`,
      spanOf(rule, stage),
      "a final stage allows no touch; remove the rule or the word `final`",
    );
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written `YYYY-MM-DD`. */
function isRealDate(text: string): boolean {
  const match = DATE.exec(text);
  if (match === null) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= (lengths[month - 1] ?? 0);
}

/** True for `contact.timezone`, `contact.X` and `contact.attributes.X`: where a contact's zone can be read. */
function isZoneSource(segments: readonly string[]): boolean {
  if (segments[0] !== "contact") return false;
  if (segments.length === 2) return segments[1] !== "attributes";
  return segments.length === 3 && segments[1] === "attributes";
}

function checkSettings(policy: Policy, error: ReportError, hints: Suggestions): void {
  // The YAML schema refuses `cadence: ""`; the DSL's `cadence ""` is refused here, so both forms agree.
  if (policy.name.value.trim() === "") {
    error("empty-name", "the policy's name is empty", spanOf(policy.name, policy), 'name the cadence, as in `cadence "inbound-content" { ... }`');
  }
  const from = policy.timezone?.from;
  if (from !== undefined && !isZoneSource(from.segments)) {
    error(
      "invalid-timezone-source",
      `cannot read a contact's time zone from \`${from.segments.join(".")}\``,
      spanOf(from, policy.timezone),
      "write `timezone from contact.timezone` or name a contact attribute, such as `contact.tz`",
    );
  }
  const fallback = policy.timezone?.fallback;
  if (fallback !== undefined && !isValidZone(fallback.value)) {
    error(
      "invalid-timezone",
      `unknown time zone \`${fallback.value}\`${hints.didYouMean(fallback.value, knownZones())}`,
      spanOf(fallback, policy.timezone),
      "use an IANA zone name such as `America/New_York` or `UTC`",
    );
  }
  const holidays = policy.holidays ?? [];
  if (holidays.length > LIMITS.holidays) {
    error("too-many-holidays", `${thousands(holidays.length)} holidays: at most ${thousands(LIMITS.holidays)}`, spanOf(holidays[LIMITS.holidays], policy));
  }
  for (const holiday of holidays) {
    if (!isRealDate(holiday.date)) {
      error("invalid-date", `invalid date \`${holiday.date}\``, spanOf(holiday, policy), "write a real calendar date as `YYYY-MM-DD`");
    }
  }
  if (policy.ignoreWindow !== undefined) checkDuration(policy.ignoreWindow, error, policy);
}

/** IANA zone names for suggestions (`America/New_Yrok`); empty where the runtime cannot list them. */
function knownZones(): string[] {
  const intl = Intl as { supportedValuesOf?: (key: string) => string[] };
  return ["UTC", ...(intl.supportedValuesOf?.("timeZone") ?? [])];
}

// ---------------------------------------------------------------- rules and transitions

/** The declared channels: in order, for messages, and as a set (a policy may declare thousands). */
interface Declared {
  names: readonly string[];
  set: ReadonlySet<string>;
  hints: Suggestions;
}

/** `` `a`, `b`, `c` `` for a hint, the first 20 and a count of the rest. */
function nameList(names: readonly string[]): string {
  const shown = names.slice(0, 20).map((name) => `\`${name}\``).join(", ");
  return names.length > 20 ? `${shown} and ${names.length - 20} more` : shown;
}

function checkChannelNames(list: ChannelList, declared: Declared, error: ReportError, parent: NodeBase): void {
  for (const channel of list.channels) {
    if (!declared.set.has(channel.name)) {
      error(
        "unknown-channel",
        `unknown channel \`${channel.name}\`${declared.hints.didYouMean(channel.name, declared.names)}`,
        spanOf(channel, list, parent),
        declared.names.length > 0 ? `declared channels: ${nameList(declared.names)}` : undefined,
      );
    }
  }
}

function checkChannelSet(set: ChannelSet | undefined, declared: Declared, error: ReportError, parent: NodeBase): void {
  if (set !== undefined && set.kind === "list") checkChannelNames(set, declared, error, parent);
}

function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 1;
}

function formatTime(time: TimeOfDay): string {
  const part = (value: number): string => (Number.isInteger(value) && value >= 0 && value < 10 ? `0${value}` : String(value));
  return `${part(time.hour)}:${part(time.minute)}`;
}

function checkTime(time: TimeOfDay, error: ReportError, parent: NodeBase): boolean {
  const valid =
    Number.isInteger(time.hour) && time.hour >= 0 && time.hour <= 23 && Number.isInteger(time.minute) && time.minute >= 0 && time.minute <= 59;
  if (!valid) {
    const midnight = time.hour === 24 && time.minute === 0;
    error(
      "invalid-time",
      `invalid time \`${formatTime(time)}\``,
      spanOf(time, parent),
      midnight ? "use `00:00`" : "write a time from `00:00` to `23:59`",
    );
  }
  return valid;
}

function formatDuration(duration: Duration): string {
  const unit = duration.unit === "business-days" ? "business days" : duration.unit;
  return `${duration.amount} ${duration.amount === 1 ? unit.slice(0, -1) : unit}`;
}

/** ` (first declared at line L, column C)` when the earlier declaration has a span. */
function firstAt(node: NodeBase | undefined): string {
  return node?.span === undefined ? "" : ` (first declared at line ${node.span.line}, column ${node.span.column})`;
}

/** The units of a duration, by spelling: a set, so that a unit read from user text such as `toString` is never found. */
const DURATION_UNITS: ReadonlySet<string> = new Set<DurationUnit>(["minutes", "hours", "days", "weeks", "business-days"]);
const ROLLING_UNITS: ReadonlySet<string> = new Set<RollingUnit>(["minutes", "hours", "days", "weeks"]);
const CALENDAR_UNITS: ReadonlySet<string> = new Set(["day", "week"]);

function checkUnit(unit: unknown, units: ReadonlySet<string>, error: ReportError, span: Span | undefined): boolean {
  if (typeof unit === "string" && units.has(unit)) return true;
  error("invalid-duration", `invalid duration unit \`${String(unit)}\` (use minutes, hours, days, weeks or business days)`, span);
  return false;
}

/**
 * The largest amounts a policy may write (docs/language.md, *Limits*). A
 * wait beyond a year already ends in `no-window`, and a history spans years
 * 1 to 9999: a hundred years is beyond anything that can matter to a
 * contact, and keeps every sum of an instant and a duration a finite
 * instant. Counts are bounded so that what a rule remembers (the last N
 * touches of `at most N`) stays small in a snapshot.
 */
export const LIMITS = {
  /** 100 years of minutes, hours, days or weeks. */
  minutes: 52_560_000,
  hours: 876_000,
  days: 36_500,
  weeks: 5_214,
  /** About 100 years of weekdays. */
  businessDays: 26_000,
  /** `at most N`, `after N touches`, `after N ignored touches`. */
  count: 1_000,
  /** Holidays of one policy. */
  holidays: 10_000,
} as const;

/** The largest amount of a unit. */
function maxAmount(unit: DurationUnit): number {
  switch (unit) {
    case "minutes":
      return LIMITS.minutes;
    case "hours":
      return LIMITS.hours;
    case "days":
      return LIMITS.days;
    case "weeks":
      return LIMITS.weeks;
    case "business-days":
      return LIMITS.businessDays;
  }
}

/** `1234567` -> `1,234,567`. */
function thousands(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** The maximum of a unit in words: `36,500 days (100 years)`. */
function maxText(unit: DurationUnit): string {
  return `${thousands(maxAmount(unit))} ${unit === "business-days" ? "business days" : unit} (100 years)`;
}

function checkDuration(duration: Duration, error: ReportError, parent: NodeBase): void {
  if (!checkUnit(duration.unit, DURATION_UNITS, error, spanOf(duration, parent))) return;
  if (!isCount(duration.amount)) {
    error(
      "invalid-duration",
      `invalid duration \`${formatDuration(duration)}\`: the amount must be a positive whole number`,
      spanOf(duration, parent),
    );
  } else if (duration.amount > maxAmount(duration.unit)) {
    error("invalid-duration", `duration \`${formatDuration(duration)}\` is too long: at most ${maxText(duration.unit)}`, spanOf(duration, parent));
  }
}

/** A count (`at most N`, `after N touches`): a whole number from 1 to {@link LIMITS.count}. */
function checkCount(count: number, error: ReportError, span: Span | undefined): void {
  if (!isCount(count)) {
    error("invalid-count", `invalid count \`${count}\`: a count must be a whole number of at least 1`, span);
  } else if (count > LIMITS.count) {
    error("invalid-count", `count \`${count}\` is too large: at most ${thousands(LIMITS.count)}`, span);
  }
}

function checkRule(rule: Rule, declared: Declared, error: ReportError): void {
  switch (rule.kind) {
    case "never-without":
    case "never-after":
    case "never-when":
      checkChannelSet(rule.channels, declared, error, rule);
      return;
    case "never-within":
      checkChannelSet(rule.channels, declared, error, rule);
      checkDuration(rule.duration, error, rule);
      return;
    case "at-most":
      checkChannelSet(rule.channels, declared, error, rule);
      if (rule.count === 0) {
        error(
          "invalid-count",
          "`at most 0` allows no touch at all",
          spanOf(rule),
          "to forbid these touches, use a `never` rule or leave the channels out of the stage's `allow` list",
        );
      } else {
        checkCount(rule.count, error, spanOf(rule));
      }
      if (rule.window.kind === "calendar") {
        if (!CALENDAR_UNITS.has(rule.window.unit)) {
          error("invalid-window", `invalid window \`per ${String(rule.window.unit)}\` (use \`per day\`, \`per week\` or \`per N days\`)`, spanOf(rule.window, rule));
        }
      } else if (checkUnit(rule.window.unit, ROLLING_UNITS, error, spanOf(rule.window, rule))) {
        const { amount, unit } = rule.window;
        if (!isCount(amount)) {
          error("invalid-duration", `invalid window \`per ${amount} ${unit}\`: the amount must be a positive whole number`, spanOf(rule.window, rule));
        } else if (amount > maxAmount(unit)) {
          error("invalid-duration", `window \`per ${amount} ${unit}\` is too long: at most ${maxText(unit)}`, spanOf(rule.window, rule));
        }
      }
      return;
    case "at-least":
      checkChannelSet(rule.channels, declared, error, rule);
      checkDuration(rule.duration, error, rule);
      return;
    case "quiet-hours": {
      checkChannelSet(rule.channels, declared, error, rule);
      const startValid = checkTime(rule.start, error, rule);
      const endValid = checkTime(rule.end, error, rule);
      if (startValid && endValid && rule.start.hour === rule.end.hour && rule.start.minute === rule.end.minute) {
        error(
          "empty-quiet-hours",
          `quiet hours from \`${formatTime(rule.start)}\` to \`${formatTime(rule.end)}\` cover no time`,
          spanOf(rule),
          "quiet hours cover `[start, end)`; give two different times",
        );
      }
      return;
    }
    case "only-business-days":
      checkChannelSet(rule.channels, declared, error, rule);
      return;
  }
}

function checkTransition(
  transition: Transition,
  stage: Stage | undefined,
  stages: readonly string[],
  stageSet: ReadonlySet<string>,
  error: ReportError,
  hints: Suggestions,
): void {
  const trigger = transition.trigger;
  switch (trigger.kind) {
    case "ignored":
    case "touches":
      checkCount(trigger.count, error, spanOf(trigger, transition));
      break;
    case "elapsed":
      checkDuration(trigger.duration, error, trigger);
      break;
    case "signal":
    case "when":
      break;
  }
  const target: Ident = transition.target;
  if (stages.length === 0) {
    error(
      "no-stages-to-move-to",
      `cannot move to \`${target.name}\`: the policy declares no stages`,
      spanOf(target, transition),
      "declare the stages, one of them `start`, or remove the transition",
    );
  } else if (!stageSet.has(target.name)) {
    error(
      "unknown-stage",
      `unknown stage \`${target.name}\`${hints.didYouMean(target.name, stages)}`,
      spanOf(target, transition, stage),
      `declared stages: ${nameList(stages)}`,
    );
  }
}

// ---------------------------------------------------------------- conditions

/** Every condition of the policy, wherever it is written. */
function conditionsOf(policy: Policy): Expr[] {
  const found: Expr[] = [];
  if (policy.appliesWhen !== undefined) found.push(policy.appliesWhen);
  const rules = [...policy.rules, ...policy.stages.flatMap((stage) => stage.rules)];
  for (const rule of rules) {
    if (rule.kind === "never-when") found.push(rule.when);
    else if ((rule.kind === "never-without" || rule.kind === "never-after" || rule.kind === "never-within") && rule.where !== undefined) {
      found.push(rule.where);
    }
  }
  const transitions = [...policy.transitions, ...policy.stages.flatMap((stage) => stage.transitions)];
  for (const { trigger } of transitions) {
    if (trigger.kind === "when") found.push(trigger.condition);
    else if (trigger.kind === "signal" && trigger.where !== undefined) found.push(trigger.where);
  }
  return found;
}


function checkCondition(expr: Expr, error: ReportError): void {
  for (const operand of conditionOperands(expr)) {
    if (operand.kind !== "duration") continue;
    if (operand.unit === "business-days") {
      error(
        "business-days-in-condition",
        `\`${formatDuration(operand)}\` has no fixed length and cannot be compared in a condition`,
        spanOf(operand, expr),
        "use `days` or `weeks`",
      );
    } else {
      checkDuration(operand, error, expr);
    }
  }
}
