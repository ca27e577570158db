/**
 * Every code a check can report, with what users read of it: its severity,
 * a title (the short description a code-scanning tool shows), and its
 * message and hint rendered from the check's data, in the words of the
 * form the policy is written in (the DSL or YAML). A check reports data,
 * never text: one record per code holds both wordings (as Cedar renders
 * its validation errors), so no message is ever rewritten after the fact.
 *
 * @module
 */

import type { Severity } from "../diagnostics.js";
import { code, printDuration, printString, printTime, printWindow } from "../print.js";

/** The two forms a policy is written in. */
export type PolicyForm = "dsl" | "yaml";

/** Where an earlier declaration is, for "first declared at" hints. */
export interface Place {
  readonly line: number;
  readonly column: number;
}

/** A name the check found no declaration of, with the declared ones and the nearest of them. */
export interface UnknownName {
  readonly name: string;
  /** The nearest declared name, when one is close enough to be a likely typo. */
  readonly suggestion: string | undefined;
  readonly declared: readonly string[];
}

/** A duration as written: amount and unit. */
export interface DurationData {
  readonly amount: number;
  readonly unit: import("../ast.js").DurationUnit;
}

/** Where a code is listed in the language reference's table of codes. */
export type CodeGroup = "text" | "meaning" | "analysis" | "tests" | "tools";

/** What a code means and how to fix it: the help code-scanning tools show (SARIF) and the language reference's table. */
export interface CodeHelpText {
  /** The group the language reference lists it under. */
  readonly group: CodeGroup;
  /** What the code means in a few words (a phrase, no final period). */
  readonly summary: string;
  /** What is wrong and why it matters, in a sentence or two. */
  readonly meaning: string;
  /** How to fix it, in a sentence. */
  readonly fix: string;
  /** An example: a line that gets the code, and the same line fixed. */
  readonly example?: {
    readonly before: string;
    readonly after: string;
    /** The language of the two lines (default `heed`, the DSL). */
    readonly language?: "heed" | "yaml";
    /** The lines stand for longer text (`...`), or the code comes after another error on them. */
    readonly abridged?: true;
  };
}

/** One code: its severity, its help, and its wording. */
export interface CatalogueEntry<D> {
  readonly severity: Severity;
  /** The severity of one finding, when it depends on its data (`unknown-signal` is an error once the policy declares its signals). */
  severityOf?(data: D): Severity;
  /** Its help; absent for the codes the parser reports too, whose help is listed with the parser's codes. */
  readonly help?: CodeHelpText;
  /** What is wrong in this case (lowercase, no final period, user input in backticks). */
  message(data: D, form: PolicyForm): string;
  /** A suggested fix, when there is one. */
  hint?(data: D, form: PolicyForm): string | undefined;
}

function entry<D>(e: CatalogueEntry<D>): CatalogueEntry<D> {
  return e;
}

/** ` (did you mean `x`?)` or the empty string. */
function didYouMean(suggestion: string | undefined): string {
  return suggestion === undefined ? "" : ` (did you mean ${code(suggestion)}?)`;
}

/** ` (first declared at line L, column C)` when the earlier declaration has a place. */
function firstAt(first: Place | undefined): string {
  return first === undefined ? "" : ` (first declared at line ${first.line}, column ${first.column})`;
}

/** `` `a`, `b` ``. */
function names(list: readonly string[]): string {
  return list.map(code).join(", ");
}

/** {@link names} for a hint: the first 20, and a count of the rest (a policy may declare thousands). */
function someNames(list: readonly string[]): string {
  const shown = names(list.slice(0, 20));
  return list.length > 20 ? `${shown} and ${list.length - 20} more` : shown;
}

/** A string as a condition writes it: `"analyst"`. */
function printQuoted(value: string): string {
  return printString(value);
}

/** `1234567` -> `1,234,567`. */
function thousands(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** How big a policy is, for `analysis-incomplete`. */
export interface PolicySize {
  readonly stages: number;
  readonly transitions: number;
  readonly rules: number;
  readonly channels: number;
}

function sizeText(size: PolicySize): string {
  return `${thousands(size.stages)} stages, ${thousands(size.transitions)} transitions, ${thousands(size.rules)} rules, ${thousands(size.channels)} channels`;
}

/** A unit in words: `business days`, `days`. */
function unitWords(unit: DurationData["unit"]): string {
  return unit === "business-days" ? "business days" : unit;
}

/** How the DSL and YAML say "make it not final". */
function notFinal(form: PolicyForm): string {
  return form === "yaml" ? "`final: true`" : "the word `final`";
}

/** The catalogue: every code the checks report. */
export const CATALOGUE = {
  // ------------------------------------------------------------ validation (errors of meaning), in the order the language reference lists them
  "no-channels": entry<Record<string, never>>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "the policy declares no channel",
      meaning: "The policy has no `channels` line, so no touch could ever be allowed.",
      fix: "Declare the channels the policy governs.",
      example: { before: 'cadence "inbound" { }', after: 'cadence "inbound" { channels email, call }' },
    },
    message: () => "the policy declares no channel",
    hint: (_d, form) => (form === "yaml" ? "add a field such as `channels: [email, call]`" : "add a line such as `channels email, call`"),
  }),
  "empty-name": entry<Record<string, never>>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "the policy's name is empty",
      meaning: "The policy is named `\"\"`; reports, decisions and the HTTP service need a name to refer to it.",
      fix: "Name the cadence.",
      example: { before: 'cadence "" {', after: 'cadence "inbound-content" {' },
    },
    message: () => "the policy's name is empty",
    hint: (_d, form) => (form === "yaml" ? "name the cadence, as in `cadence: inbound-content`" : 'name the cadence, as in `cadence "inbound-content" { ... }`'),
  }),
  "duplicate-channel": entry<{ name: string; first: Place | undefined }>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "a channel declared twice",
      meaning: "The `channels` line names the same channel twice.",
      fix: "Remove the second declaration.",
      example: { before: "channels email, call, email", after: "channels email, call" },
    },
    message: (d) => `channel ${code(d.name)} is declared twice`,
    hint: (d) => `remove this declaration${firstAt(d.first)}`,
  }),
  "duplicate-stage": entry<{ name: string; first: Place | undefined }>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "two stages with one name",
      meaning: "Two stages share a name, so a transition to it would be ambiguous.",
      fix: "Give each stage its own name.",
      example: { before: "stage nurture { allow email }  stage nurture { allow call }", after: "stage nurture { allow email }  stage call-back { allow call }" },
    },
    message: (d) => `stage ${code(d.name)} is declared twice`,
    hint: (d) => `give each stage its own name${firstAt(d.first)}`,
  }),
  "duplicate-rule": entry<{ name: string; first: Place | undefined }>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "two rules with one name",
      meaning: "Two rules share a name; a decision's reasons name rules, so each name must be unique.",
      fix: "Give each rule its own name.",
      example: { before: "rule calls: at most 1 call per day  rule calls: at most 3 calls per 7 days", after: "rule calls-per-day: at most 1 call per day  rule calls-per-week: at most 3 calls per 7 days" },
    },
    message: (d) => `another rule is already named ${code(d.name)}`,
    hint: (d) => `give each rule its own name${firstAt(d.first)}`,
  }),
  "unknown-channel": entry<UnknownName>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "a channel that is not declared",
      meaning: "A stage's `allow` line or a rule names a channel the `channels` line does not declare (often a typo; the message suggests the nearest one).",
      fix: "Use a declared channel, or declare it.",
      example: { before: "at most 1 emial per day", after: "at most 1 email per day" },
    },
    message: (d) => `unknown channel ${code(d.name)}${didYouMean(d.suggestion)}`,
    hint: (d) => (d.declared.length > 0 ? `declared channels: ${someNames(d.declared)}` : undefined),
  }),
  "unknown-stage": entry<UnknownName>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "a transition to a stage that is not declared",
      meaning: "A transition moves to a stage the policy does not declare (often a typo; the message suggests the nearest one).",
      fix: "Use a declared stage, or declare it.",
      example: { before: "after 2 ignored touches move to nurtur", after: "after 2 ignored touches move to nurture" },
    },
    message: (d) => `unknown stage ${code(d.name)}${didYouMean(d.suggestion)}`,
    hint: (d) => `declared stages: ${someNames(d.declared)}`,
  }),
  "no-start-stage": entry<{ first: string }>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "stages, but none marked `start`",
      meaning: "The policy declares stages but none is marked `start`, so it is unclear where a contact begins.",
      fix: "Mark the stage contacts begin in with `start`.",
      example: { before: "stage prospecting { allow email }", after: "start stage prospecting { allow email }" },
    },
    message: () => "no stage is marked `start`",
    hint: (d, form) => `mark the stage contacts begin in, such as ${code(form === "yaml" ? `start: ${d.first}` : `start stage ${d.first}`)}`,
  }),
  "several-start-stages": entry<{ name: string; first: string }>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "more than one stage marked `start`",
      meaning: "More than one stage is marked `start`; a contact begins in exactly one.",
      fix: "Keep `start` on one stage only.",
      example: { before: "start stage nurture { allow email }", after: "stage nurture { allow email }" },
    },
    message: (d) => `stage ${code(d.name)} is marked \`start\` but ${code(d.first)} already is`,
    hint: () => "mark exactly one stage `start`",
  }),
  "no-stages-to-move-to": entry<{ target: string }>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "a transition in a policy without stages",
      meaning: "A transition moves to a stage, but the policy declares no stages (it has the single implicit stage `active`).",
      fix: "Declare the stages, one of them `start`, or remove the transition.",
      example: { before: "on unsubscribe move to closed", after: "start stage active { allow email }  final stage closed  on unsubscribe move to closed" },
    },
    message: (d) => `cannot move to ${code(d.target)}: the policy declares no stages`,
    hint: () => "declare the stages, one of them `start`, or remove the transition",
  }),
  "final-stage-has-rules": entry<{ stage: string; what: "allow" | "rule" }>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "a final stage that allows channels or has rules",
      meaning: "A final stage allows no touch, so an `allow` line or a rule in it can never apply.",
      fix: "Remove the line, or the word `final` if the stage should allow touches.",
      example: { before: "final stage closed { allow email }", after: "final stage closed" },
    },
    message: (d) => `final stage ${code(d.stage)} cannot ${d.what === "allow" ? "allow channels" : "have rules"}`,
    hint: (d, form) =>
      `a final stage allows no touch; remove ${d.what === "allow" ? (form === "yaml" ? "`allow`" : "the `allow` line") : "the rule"} or ${notFinal(form)}`,
  }),
  "final-stage-has-transitions": entry<{ stage: string }>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "a final stage with a transition out",
      meaning: "A final stage has no way out, so a transition in it can never fire.",
      fix: "Remove the transition, or the word `final` if contacts may leave the stage.",
      example: { before: "final stage closed { on reply move to engaged }", after: "stage closed { on reply move to engaged }" },
    },
    message: (d) => `final stage ${code(d.stage)} cannot have transitions`,
    hint: (_d, form) => `a final stage has no way out; remove the transition or ${notFinal(form)}`,
  }),
  "invalid-timezone": entry<{ zone: string; suggestion: string | undefined }>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "a fallback time zone that is not an IANA zone",
      meaning: "The `timezone ... else` fallback is not an IANA time zone name.",
      fix: "Use an IANA zone name such as `America/New_York` or `UTC`.",
      example: { before: 'timezone from contact.timezone else "America/New_Yrok"', after: 'timezone from contact.timezone else "America/New_York"' },
    },
    message: (d) => `unknown time zone ${code(d.zone)}${didYouMean(d.suggestion)}`,
    hint: () => "use an IANA zone name such as `America/New_York` or `UTC`",
  }),
  "unknown-region": entry<{ region: string; suggestion: string | undefined }>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "a fallback holiday region that is not one",
      meaning: "The `holidays from ... else` fallback is not a region the holiday data knows: an ISO 3166 country code with an optional subdivision.",
      fix: "Use a country code such as `US` or `GB`, or a subdivision such as `US-NY` or `GB-ENG`.",
      example: { before: 'holidays from contact.country else "UK"', after: 'holidays from contact.country else "GB"' },
    },
    message: (d) => `unknown holiday region ${code(d.region)}${didYouMean(d.suggestion)}`,
    hint: () => "use an ISO 3166 country code with an optional subdivision, such as `US`, `US-NY`, `GB-ENG` or `DE-BY`",
  }),
  "invalid-holidays-source": entry<{ path: string }>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "a contact's holiday region read from somewhere else than its attributes",
      meaning: "`holidays from` names something other than one of the contact's attributes (`contact.country`, `contact.attributes.country`).",
      fix: "Read the region from a contact attribute.",
      example: { before: "holidays from touch.country", after: "holidays from contact.country" },
    },
    message: (d) => `cannot read a contact's holiday region from ${code(d.path)}`,
    hint: (_d, form) =>
      form === "yaml" ? "write `holidays: { from: contact.country }` or name another contact attribute" : "write `holidays from contact.country` or name another contact attribute",
  }),
  "invalid-timezone-source": entry<{ path: string }>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "a contact's time zone read from somewhere else than the contact",
      meaning: "`timezone from` names something other than the contact's zone (`contact.timezone`) or one of its attributes.",
      fix: "Read the zone from `contact.timezone` or from a contact attribute.",
      example: { before: "timezone from touch.zone", after: "timezone from contact.timezone" },
    },
    message: (d) => `cannot read a contact's time zone from ${code(d.path)}`,
    hint: (_d, form) =>
      form === "yaml"
        ? "write `timezone: { from: contact.timezone }` or name a contact attribute, such as `contact.tz`"
        : "write `timezone from contact.timezone` or name a contact attribute, such as `contact.tz`",
  }),
  "empty-quiet-hours": entry<{ start: { hour: number; minute: number }; end: { hour: number; minute: number } }>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "quiet hours that cover no time",
      meaning: "Quiet hours cover `[start, end)`; from a time to the same time they cover nothing, which is rarely what was meant.",
      fix: "Give two different times.",
      example: { before: "quiet hours 08:00 to 08:00", after: "quiet hours 21:00 to 08:00" },
    },
    message: (d) => `quiet hours from ${code(printTime(d.start))} to ${code(printTime(d.end))} cover no time`,
    hint: () => "quiet hours cover `[start, end)`; give two different times",
  }),
  "too-many-holidays": entry<{ count: number; max: number }>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "more than 10,000 holidays",
      meaning: "A policy lists more than 10,000 holiday dates; business-day arithmetic is bounded by that number (see *Limits*).",
      fix: "Keep the holidays of the years the policy is in use.",
    },
    message: (d) => `${thousands(d.count)} holidays: at most ${thousands(d.max)}`,
  }),
  "business-days-in-condition": entry<{ duration: DurationData }>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "business days compared in a condition",
      meaning: "`N business days` has no fixed length (it depends on the calendar), so it cannot be compared in a condition.",
      fix: "Compare with `days` or `weeks`.",
      example: { before: "when time_in_stage > 5 business days move to nurture", after: "when time_in_stage > 7 days move to nurture" },
    },
    message: (d) => `${code(printDuration(d.duration))} has no fixed length and cannot be compared in a condition`,
    hint: () => "use `days` or `weeks`",
  }),

  // ------------------------------------------------------------ vocabulary (spec section 8.1): names and types checked
  "unknown-name": entry<{ path: string; suggestion: string | undefined; signal: string | undefined; declared: readonly string[] }>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "a name in a condition that is no counter, and no prop of the signal",
      meaning:
        "A bare name in a condition must be a counter (`ignored`, `touches`, `total_touches`, `time_in_stage`) or, inside a signal's `where`, a prop of that signal (one its declaration lists, when the policy declares it). Anything else is never set, so the condition would silently never hold (or always, under `!=` or `not`).",
      fix: "Use a counter, `contact.X` for an attribute, `touch.X` for a prop of the touch, or a prop the signal declares.",
      example: { before: "never call when total_touchs == 0", after: "never call when total_touches == 0" },
    },
    message: (d) =>
      d.signal === undefined
        ? `unknown name ${code(d.path)}${didYouMean(d.suggestion)}`
        : `unknown name ${code(d.path)}: signal ${code(d.signal)} declares no such prop${didYouMean(d.suggestion)}`,
    hint: (d, form) =>
      d.signal === undefined
        ? "a bare name in a condition is a counter (`ignored`, `touches`, `total_touches`, `time_in_stage`); write `contact.X` for an attribute of the contact, `touch.X` for a prop of the touch"
        : d.declared.length === 0
          ? `${code(d.signal)} is declared without props; declare the prop in ${form === "yaml" ? `\`signals: { ${d.signal}: { ... } }\`` : `\`signals { ${d.signal} { ... } }\``}`
          : `props of ${code(d.signal)}: ${someNames(d.declared)}; the counters are in scope too`,
  }),
  "unknown-attribute": entry<UnknownName>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "a contact attribute the `attributes` block does not declare",
      meaning: "The policy declares its attributes, and a condition reads one it does not declare (often a typo: the condition would read a value no contact has).",
      fix: "Use a declared attribute, or declare it with its type.",
      example: { before: "never any when contact.custmer == true", after: "never any when contact.customer == true", abridged: true },
    },
    message: (d) => `unknown attribute ${code(d.name)}${didYouMean(d.suggestion)}`,
    hint: (d, form) =>
      d.declared.length > 0
        ? `declared attributes: ${someNames(d.declared)}`
        : `declare it, as in ${code(form === "yaml" ? `attributes: { ${d.name}: string }` : `attributes { ${d.name}: string }`)}`,
  }),
  "type-mismatch": entry<
    | { problem: "types"; condition: string; subject: string; subjectType: string; other: string; otherType: string }
    | { problem: "order"; condition: string; subject: string; subjectType: string; op: string }
    | { problem: "choice"; condition: string; subject: string; value: string; choices: readonly string[]; suggestion: string | undefined }
    | { problem: "not-a-list"; condition: string; subject: string; subjectType: string }
  >({
    severity: "error",
    help: {
      group: "meaning",
      summary: "a comparison that can never hold by the declared types",
      meaning:
        "A condition compares a declared attribute or prop with a value of another type (a boolean against a string), orders booleans or lists, compares a choice with a string it does not list, or looks `in` something that is not a list. Such a comparison never holds, so the rule or transition would never apply.",
      fix: "Compare with a value of the declared type, or correct the declaration.",
      example: { before: 'never any when contact.customer == "yes"', after: "never any when contact.customer == true", abridged: true },
    },
    message: (d) => {
      const never = `${code(d.condition)} can never hold`;
      switch (d.problem) {
        case "types":
          return `${never}: ${code(d.subject)} is ${d.subjectType} and ${code(d.other)} ${d.otherType}`;
        case "order":
          return `${never}: ${code(d.op)} orders numbers and strings, and ${code(d.subject)} is ${d.subjectType}`;
        case "choice":
          return `${never}: ${code(d.subject)} is one of ${names(d.choices.map(printQuoted))}, not ${code(printQuoted(d.value))}${didYouMean(d.suggestion === undefined ? undefined : printQuoted(d.suggestion))}`;
        case "not-a-list":
          return `${never}: \`in\` looks in a list, and ${code(d.subject)} is ${d.subjectType}`;
      }
    },
  }),
  "duplicate-declaration": entry<{ what: "attribute" | "signal" | "prop"; name: string; first: Place | undefined }>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "an attribute, signal or prop declared twice",
      meaning: "The `attributes` or `signals` block declares the same name twice, so its type is unclear.",
      fix: "Keep one declaration.",
      example: { before: "attributes { role: string  role: list }", after: "attributes { role: string }" },
    },
    message: (d) => `${d.what} ${code(d.name)} is declared twice`,
    hint: (d) => `remove this declaration${firstAt(d.first)}`,
  }),
  "nested-fact": entry<{ fact: string }>({
    severity: "error",
    help: {
      group: "meaning",
      summary: "a fact about the history inside another fact's `where`",
      meaning: "A fact's `where` is read as each signal is processed, over that signal's props and the contact; a fact inside it would depend on the order the facts are kept in.",
      fix: "Move the inner fact out, next to the outer one, joined with `and`.",
      example: { before: "never call when seen(reply where count(reply) > 1)", after: "never call when seen(reply) and count(reply) > 1" },
    },
    message: (d) => `${code(d.fact)} inside the \`where\` of another fact`,
    hint: () => "join the two facts with `and` instead",
  }),

  // ------------------------------------------------------------ validation codes the parser reports too (their help is with the parser's codes)
  "invalid-date": entry<{ date: string }>({
    severity: "error",
    message: (d) => `invalid date ${code(d.date)}`,
    hint: () => "write a real calendar date as `YYYY-MM-DD`",
  }),
  "invalid-count": entry<{ count: number; problem: "zero-limit" | "not-count" } | { count: number; problem: "too-large"; max: number }>({
    severity: "error",
    message: (d) => {
      switch (d.problem) {
        case "zero-limit":
          return "`at most 0` allows no touch at all";
        case "not-count":
          return `invalid count ${code(String(d.count))}: a count must be a whole number of at least 1`;
        case "too-large":
          return `count ${code(String(d.count))} is too large: at most ${thousands(d.max)}`;
      }
    },
    hint: (d) => (d.problem === "zero-limit" ? "to forbid these touches, use a `never` rule or leave the channels out of the stage's `allow` list" : undefined),
  }),
  "invalid-duration": entry<
    | { problem: "unit"; unit: string }
    | { problem: "amount"; duration: DurationData; window: boolean }
    | { problem: "too-long"; duration: DurationData; window: boolean; max: number }
  >({
    severity: "error",
    message: (d) => {
      if (d.problem === "unit") return `invalid duration unit ${code(d.unit)} (use minutes, hours, days, weeks or business days)`;
      const written = d.window ? `window ${code(`per ${printWindow({ kind: "rolling", ...d.duration })}`)}` : `duration ${code(printDuration(d.duration))}`;
      if (d.problem === "too-long") return `${written} is too long: at most ${thousands(d.max)} ${unitWords(d.duration.unit)} (100 years)`;
      return `invalid ${written}: the amount must be a positive whole number`;
    },
  }),
  "invalid-window": entry<{ unit: string }>({
    severity: "error",
    message: (d) => `invalid window ${code(`per ${d.unit}`)} (use \`per day\`, \`per week\` or \`per N days\`)`,
  }),
  "too-deep": entry<{ max: number }>({
    severity: "error",
    message: (d) => `condition nested more than ${d.max} levels deep, counting each \`and\`, \`or\` and \`not\``,
  }),
  "invalid-time": entry<{ hour: number; minute: number }>({
    severity: "error",
    message: (d) => `invalid time ${code(printTime(d))}`,
    hint: (d) => (d.hour === 24 && d.minute === 0 ? "use `00:00`" : "write a time from `00:00` to `23:59`"),
  }),

  // ------------------------------------------------------------ analysis: policies that compile but cannot do what was meant
  "unknown-signal": entry<{ name: string; suggestion: string | undefined; declared: boolean }>({
    severity: "warning",
    severityOf: (d) => (d.declared ? "error" : "warning"),
    help: {
      group: "analysis",
      summary: "a signal that is neither built in nor declared",
      meaning:
        "A signal the policy names (in `on`, `without`, `after`, `within ... of` or `engagement`) is not a built-in signal and not declared, which is usually a typo: the trigger or rule would never match. A warning; an error once the policy declares its signals (`signals { ... }`).",
      fix: "Use the built-in name, or declare the application's own signals in a `signals` block (or tell `heed check` about them with `--signals a,b`).",
      example: { before: "on unsubscribed move to closed", after: "on unsubscribe move to closed" },
    },
    message: (d) => `unknown signal ${code(d.name)}${didYouMean(d.suggestion)}`,
    hint: (d, form) =>
      d.suggestion !== undefined
        ? `write ${code(d.suggestion)}`
        : d.declared
          ? `declare it in the \`signals\` block, as in ${code(form === "yaml" ? `signals: { ${d.name}: {} }` : `signals { ${d.name} }`)}`
          : `if your application sends ${code(d.name)} events, declare them (${code(form === "yaml" ? `signals: { ${d.name}: {} }` : `signals { ${d.name} }`)}); otherwise use a built-in signal such as \`reply\``,
  }),
  "undeclared-vocabulary": entry<{ attributes: readonly { name: string; type: string }[] }>({
    severity: "warning",
    help: {
      group: "analysis",
      summary: "a policy that reads contact attributes without declaring them",
      meaning:
        "The policy reads contact attributes but has no `attributes` block, so a misspelt attribute cannot be told from a real one and contacts' values are not checked. One warning per policy, listing them (so that `heed check --strict` requires declarations).",
      fix: "Declare the attributes the policy reads, with their types.",
      example: { before: 'cadence "x" {  channels email  never email when contact.optout == true  }', after: 'cadence "x" {  channels email  attributes { optout: boolean }  never email when contact.optout == true  }', abridged: true },
    },
    message: (d) => `the policy reads contact attributes it does not declare: ${names(d.attributes.map((a) => a.name))}`,
    hint: (d, form) =>
      form === "yaml"
        ? `declare them, as in \`attributes: { ${d.attributes.map((a) => `${a.name}: ${a.type}`).join(", ")} }\``
        : `declare them, as in \`attributes { ${d.attributes.map((a) => `${a.name}: ${a.type}`).join("  ")} }\``,
  }),
  "unreachable-stage": entry<{ stage: string; start: string }>({
    severity: "warning",
    help: {
      group: "analysis",
      summary: "a stage no transition leads to",
      meaning: "No chain of transitions leads from the start stage to this stage, so no contact ever enters it.",
      fix: "Add a transition into the stage, or remove it.",
      example: { before: "start stage prospecting { allow email }", after: "start stage prospecting { allow email  on reply move to engaged }" },
    },
    message: (d) => `stage ${code(d.stage)} can never be reached from the start stage ${code(d.start)}`,
    hint: (d, form) => `add a transition such as ${code(form === "yaml" ? `{ on: reply, moveTo: ${d.stage} }` : `on reply move to ${d.stage}`)}, or remove the stage`,
  }),
  "no-way-out": entry<{ stage: string }>({
    severity: "warning",
    help: {
      group: "analysis",
      summary: "a stage that is not final and that no transition leaves",
      meaning: "A contact who enters this stage stays in it for ever and keeps being touched.",
      fix: "Add a transition out of the stage, or mark it `final` if it should allow no touch.",
      example: { before: "stage nurture { allow email }", after: "stage nurture { allow email  after 180 days move to closed }" },
    },
    message: (d) => `stage ${code(d.stage)} is not final but has no transition out of it`,
    hint: (_d, form) =>
      form === "yaml"
        ? "add a transition such as `{ after: 180 days, moveTo: ... }`, or set `final: true` if it should allow no touch"
        : "add a transition such as `after 180 days move to ...`, or mark it `final` if it should allow no touch",
  }),
  "shadowed-transition": entry<{ kind: "earlier" | "everywhere"; transition: string; other: string; trigger: string; onSignal: boolean }>({
    severity: "warning",
    help: {
      group: "analysis",
      summary: "a transition that can never fire",
      meaning: "An earlier transition on the same trigger always fires first (transitions are tried in source order, the stage's own before the policy-wide ones).",
      fix: "Put the more specific transition first, or remove the one that never fires.",
      example: { before: "on reply move to engaged  on reply where sentiment == \"negative\" move to closed", after: "on reply where sentiment == \"negative\" move to closed  on reply move to engaged" },
    },
    message: (d) =>
      d.kind === "everywhere"
        ? `policy-wide ${code(d.transition)} can never fire: every stage handles ${code(d.trigger)} first`
        : `${code(d.transition)} can never fire: ${code(d.other)} always fires first`,
    hint: (d) =>
      d.kind === "everywhere"
        ? "remove it, or remove the stages' own transitions on the same trigger"
        : d.onSignal
          ? `move it above ${code(d.trigger)}`
          : "remove it, or change its trigger",
  }),
  "dead-channel": entry<{
    channel: string;
    stage: string | undefined;
    because: { kind: "condition" } | { kind: "entered-on"; signal: string };
    allowList: boolean;
  }>({
    severity: "warning",
    help: {
      group: "analysis",
      summary: "a channel a stage allows but a rule always denies",
      meaning: "The stage allows the channel, but a rule denies it in every state of that stage: its condition always holds, or it is a `never ... after SIGNAL` rule and the stage is only entered on that signal.",
      fix: "Leave the channel out of the stage's `allow` list, or narrow the rule.",
      example: { before: "stage engaged { allow email, call }  never call after reply", after: "stage engaged { allow email }  never call after reply" },
    },
    message: (d) =>
      `${code(d.channel)} is allowed${d.stage === undefined ? "" : ` in stage ${code(d.stage)}`} but a rule always denies it there: ${
        d.because.kind === "condition" ? "its condition always holds" : `the stage is only entered on ${code(d.because.signal)}`
      }`,
    hint: (d) =>
      d.allowList
        ? `remove ${code(d.channel)} from the stage's \`allow\` list, or narrow the rule`
        : `narrow the rule, or add an \`allow\` list without ${code(d.channel)}`,
  }),
  "always-quiet": entry<{ channel: string; times: readonly string[] }>({
    severity: "warning",
    help: {
      group: "analysis",
      summary: "quiet hours that cover the whole day",
      meaning: "The channel's quiet hours together cover all 24 hours, so it can never be sent.",
      fix: "Shorten the quiet hours so some time of day is left.",
      example: { before: "quiet hours 08:00 to 20:00 for call  quiet hours 20:00 to 08:00 for call", after: "quiet hours 20:00 to 08:00 for call" },
    },
    message: (d) => `quiet hours (${d.times.join(", ")}) cover the whole day for ${code(d.channel)}, so it can never be sent`,
    hint: () => "shorten the quiet hours so some time of day is left",
  }),
  "impossible-limit": entry<{ kind: "wait"; rule: string } | { kind: "without-and-after"; channels: readonly string[]; signal: string }>({
    severity: "warning",
    help: {
      group: "analysis",
      summary: "a limit that can never be met",
      meaning: "A rule can never allow the touches it governs: a wait longer than a year, or two rules that together deny before and after a signal.",
      fix: "Use a wait of at most 365 days, or remove one of the conflicting rules.",
      example: { before: "at least 400 days between touches", after: "at least 30 days between touches" },
    },
    message: (d) =>
      d.kind === "wait"
        ? `${code(d.rule)} waits longer than a year, so no second touch is ever allowed`
        : `${names(d.channels)} can never be sent: \`never ... without ${d.signal}\` denies before ${code(d.signal)} and \`never ... after ${d.signal}\` denies after it`,
    hint: (d) => (d.kind === "wait" ? "use a wait of at most 365 days" : "remove one of the two rules"),
  }),
  "when-cycle": entry<{ stages: readonly string[]; moves: number }>({
    severity: "warning",
    help: {
      group: "analysis",
      summary: "stages joined in a circle by `when` transitions",
      meaning:
        "Entering a stage tries its `when` transitions at once, so stages joined in a circle by `when` transitions can move a contact round it at one instant; the engine stops after 64 moves in a row. A warning, since conditions that never hold together make the loop harmless.",
      fix: "Make the conditions exclusive, or leave the loop through another kind of transition (`on`, `after`).",
      example: {
        before: "stage engaged { allow email  when touches >= 0 move to again }  stage again { allow email  when touches >= 0 move to engaged }",
        after: "stage engaged { allow email  when touches >= 3 move to again }  stage again { allow email  on reply move to engaged }",
      },
    },
    message: (d) => `\`when\` transitions can move a contact round ${[...d.stages, d.stages[0] ?? ""].map(code).join(" → ")} at one instant without end (the engine stops after ${d.moves} moves)`,
    hint: (_d, form) =>
      form === "yaml"
        ? "make the conditions exclusive, or leave the loop through another kind of transition (`on:`, `after:`)"
        : "make the conditions exclusive, or leave the loop through another kind of transition (`on`, `after`)",
  }),
  "analysis-incomplete": entry<
    | { kind: "checks"; size: PolicySize; check: string; steps: number }
    | { kind: "silent"; size: PolicySize; days: number; steps: number; stopped: string; touches: number }
    | { kind: "refused"; days: number; stopped: string; touches: number; reason: string }
    | { kind: "bounds"; steps: number; runs: number }
  >({
    severity: "warning",
    help: {
      group: "analysis",
      summary: "a policy too large to analyse in full",
      meaning:
        "The static checks (10,000,000 steps), the silent contact (4,000,000 steps) or the pursuit bounds (1,000,000 steps) stopped at their budget, or the engine refused to decide for the silent contact (for example `after` transitions looping over years); the warning says where, and later warnings may be missing.",
      fix: "Split the policy into smaller policies of a policy set, or accept the warning for this file with `# heed-check: allow analysis-incomplete`.",
    },
    message: (d) =>
      d.kind === "checks"
        ? `the policy is too large to analyse in full (${sizeText(d.size)}): the checks stopped in ${code(d.check)} after ${thousands(d.steps)} steps, and later warnings may be missing`
        : d.kind === "refused"
          ? `a silent contact could not be followed for ${d.days} days: at ${d.stopped}, with ${d.touches} ${d.touches === 1 ? "touch" : "touches"} sent, the engine refused to decide (${d.reason})`
          : d.kind === "bounds"
            ? `the policy is too large to bound in full: the pursuit bounds stopped after ${thousands(d.steps)} steps (${d.runs} contacts driven), and the bounds shown are the most found so far`
            : `the policy is too large to follow a silent contact for ${d.days} days (${sizeText(d.size)}): the run stopped after ${thousands(d.steps)} steps, at ${d.stopped}, with ${d.touches} ${d.touches === 1 ? "touch" : "touches"} sent`,
    hint: (d) =>
      d.kind === "refused"
        ? "every contact will be refused the same way: make the looping `after` transitions wait longer, or count them in days rather than business days"
        : "split the policy, or check the parts that matter in smaller policies",
  }),
  "unbounded-pursuit": entry<{ stage: string; channels: readonly string[]; path: readonly string[]; implicit: boolean }>({
    severity: "warning",
    help: {
      group: "analysis",
      summary: "a reachable stage where nothing limits how often a contact is touched",
      meaning:
        "A stage the contact can reach allows a channel that no `at most` or `at least` rule limits there (its own rules and the policy-wide ones, without `when`, `unless` or `by`): whatever signals arrive, a sender can touch a contact in that stage without end. The message names the way there from the start stage.",
      fix: "Add a limit to the stage or the policy; in a compliance overlay meant for a policy set, accept it with `# heed-check: allow unbounded-pursuit`.",
      example: { before: "channels email", after: "channels email  at most 3 touches per 7 days" },
    },
    message: (d) => {
      const where = d.implicit ? "this policy" : `${code(d.stage)}`;
      const way = d.path.length === 0 ? (d.implicit ? "" : " (the start stage)") : ` (reached by ${d.path.map(code).join(", then ")})`;
      return `nothing limits how often any contact is touched on ${d.channels.map(code).join(", ")} in ${where}${way}: a sender can touch a contact there without end`;
    },
    hint: (_d, form) =>
      form === "yaml"
        ? "add a rule such as `{ atMost: 3, of: touches, per: 7 days }` or `{ atLeast: 2 days, between: touches }`"
        : "add a limit such as `at most 3 touches per 7 days` or `at least 2 days between touches`",
  }),
  "silent-pursuit": entry<
    | { kind: "cut-short"; stage: string; touches: number; by: string }
    | { kind: "still-pursued"; stage: string; days: number; touches: number }
    | { kind: "busy"; touches: number; days: number; from: string; to: string; max: number }
  >({
    severity: "warning",
    help: {
      group: "analysis",
      summary: "a contact who never answers is pursued without end",
      meaning: "A contact who never answers, with a sender that sends whenever allowed, is never moved out of an outreach stage, or gets more than `--max-silent-touches` (default 8) touches within 30 days.",
      fix: "Add a limit, or a transition that moves silent contacts on; in a compliance overlay meant for a policy set, accept it with `# heed-check: allow silent-pursuit`.",
      example: { before: "start stage prospecting { allow email }", after: "start stage prospecting { allow email  after 3 ignored touches move to closed }  at most 3 touches per 7 days" },
    },
    message: (d) => {
      switch (d.kind) {
        case "cut-short":
          return `nothing limits how often a silent contact is touched in ${code(d.stage)}: an eager sender made ${d.touches} touches by ${d.by}`;
        case "still-pursued":
          return `a silent contact is still pursued in ${code(d.stage)} after ${d.days} days (${d.touches} ${d.touches === 1 ? "touch" : "touches"} there)`;
        case "busy":
          return `a silent contact gets ${d.touches} touches within ${d.days} days (from ${d.from} to ${d.to}), more than ${d.max}`;
      }
    },
    hint: (d, form) => {
      switch (d.kind) {
        case "cut-short":
          return form === "yaml"
            ? "add a rule such as `{ atMost: 3, of: touches, per: 7 days }` or `{ atLeast: 2 days, between: touches }`"
            : "add a limit such as `at most 3 touches per 7 days` or `at least 2 days between touches`";
        case "still-pursued":
          return `add a transition out of ${code(d.stage)}, such as ${code(form === "yaml" ? "{ after: 180 days, moveTo: closed }" : "after 180 days move to closed")}`;
        case "busy":
          return `add a rule such as ${code(form === "yaml" ? `{ atMost: ${d.max}, of: touches, per: ${d.days} days }` : `at most ${d.max} touches per ${d.days} days`)}, or move silent contacts on sooner`;
      }
    },
  }),
} as const;

/** The codes of the catalogue. */
export type CheckCode = keyof typeof CATALOGUE;

/** The data a check reports with a code. */
export type DataOf<C extends CheckCode> = (typeof CATALOGUE)[C] extends CatalogueEntry<infer D> ? D : never;
