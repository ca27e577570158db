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
  Expr,
  Ident,
  NodeBase,
  Operand,
  Policy,
  Rule,
  Stage,
  TimeOfDay,
  Transition,
} from "../ast.js";
import type { Diagnostic, Span } from "../diagnostics.js";
import { sortDiagnostics } from "../diagnostics.js";
import { conditionOperands } from "../ast.js";
import { didYouMean } from "../parser/names.js";
import { isValidZone } from "./time.js";
import { parseDate } from "../calendar.js";
import { printDuration, printTime } from "../print.js";

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
  const channels = checkChannels(policy, policySpan, error);
  const stages = checkStages(policy, policySpan, error);
  const stageSet: ReadonlySet<string> = new Set(stages);
  checkSettings(policy, error);

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
      checkRule(rule, channels, error, report);
    }
    for (const transition of scope.transitions) {
      checkTransition(transition, scope.stage, stages, stageSet, error);
    }
  }

  for (const expr of conditionsOf(policy)) checkCondition(expr, error);
  return sortDiagnostics(out);
}

type Report = (severity: Diagnostic["severity"], code: string, message: string, span: Span | undefined, hint?: string) => void;
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

/** True for `contact.timezone`, `contact.X` and `contact.attributes.X`: where a contact's zone can be read. */
function isZoneSource(segments: readonly string[]): boolean {
  if (segments[0] !== "contact") return false;
  if (segments.length === 2) return segments[1] !== "attributes";
  return segments.length === 3 && segments[1] === "attributes";
}

function checkSettings(policy: Policy, error: ReportError): void {
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
      `unknown time zone \`${fallback.value}\`${didYouMean(fallback.value, knownZones())}`,
      spanOf(fallback, policy.timezone),
      "use an IANA zone name such as `America/New_York` or `UTC`",
    );
  }
  for (const holiday of policy.holidays ?? []) {
    if (parseDate(holiday.date) === undefined) {
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

function checkChannelNames(list: ChannelList, declared: readonly string[], error: ReportError, parent: NodeBase): void {
  for (const channel of list.channels) {
    if (!declared.includes(channel.name)) {
      error(
        "unknown-channel",
        `unknown channel \`${channel.name}\`${didYouMean(channel.name, declared)}`,
        spanOf(channel, list, parent),
        declared.length > 0 ? `declared channels: ${declared.map((name) => `\`${name}\``).join(", ")}` : undefined,
      );
    }
  }
}

function checkChannelSet(set: ChannelSet | undefined, declared: readonly string[], error: ReportError, parent: NodeBase): void {
  if (set !== undefined && set.kind === "list") checkChannelNames(set, declared, error, parent);
}

function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 1;
}

function checkTime(time: TimeOfDay, error: ReportError, parent: NodeBase): boolean {
  const valid =
    Number.isInteger(time.hour) && time.hour >= 0 && time.hour <= 23 && Number.isInteger(time.minute) && time.minute >= 0 && time.minute <= 59;
  if (!valid) {
    const midnight = time.hour === 24 && time.minute === 0;
    error(
      "invalid-time",
      `invalid time \`${printTime(time)}\``,
      spanOf(time, parent),
      midnight ? "use `00:00`" : "write a time from `00:00` to `23:59`",
    );
  }
  return valid;
}

/** ` (first declared at line L, column C)` when the earlier declaration has a span. */
function firstAt(node: NodeBase | undefined): string {
  return node?.span === undefined ? "" : ` (first declared at line ${node.span.line}, column ${node.span.column})`;
}

function checkDuration(duration: Duration, error: ReportError, parent: NodeBase): void {
  if (!isCount(duration.amount)) {
    error(
      "invalid-duration",
      `invalid duration \`${printDuration(duration)}\`: the amount must be a positive whole number`,
      spanOf(duration, parent),
    );
  }
}

function checkRule(rule: Rule, declared: readonly string[], error: ReportError, report: Report): void {
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
      } else if (!isCount(rule.count)) {
        error("invalid-count", `invalid count \`${rule.count}\`: a count must be a whole number of at least 1`, spanOf(rule));
      }
      if (rule.window.kind === "rolling" && !isCount(rule.window.amount)) {
        error(
          "invalid-duration",
          `invalid window \`per ${rule.window.amount} ${rule.window.unit}\`: the amount must be a positive whole number`,
          spanOf(rule.window, rule),
        );
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
        report(
          "warning",
          "empty-quiet-hours",
          `quiet hours from \`${printTime(rule.start)}\` to \`${printTime(rule.end)}\` cover no time`,
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
): void {
  const trigger = transition.trigger;
  switch (trigger.kind) {
    case "ignored":
    case "touches":
      if (!isCount(trigger.count)) {
        error(
          "invalid-count",
          `invalid count \`${trigger.count}\`: a count must be a whole number of at least 1`,
          spanOf(trigger, transition),
        );
      }
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
      `unknown stage \`${target.name}\`${didYouMean(target.name, stages)}`,
      spanOf(target, transition, stage),
      `declared stages: ${stages.map((name) => `\`${name}\``).join(", ")}`,
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
        `\`${printDuration(operand)}\` has no fixed length and cannot be compared in a condition`,
        spanOf(operand, expr),
        "use `days` or `weeks`",
      );
    } else {
      checkDuration(operand, error, expr);
    }
  }
}
