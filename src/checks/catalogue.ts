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
import { code, printDuration, printTime, printWindow } from "../print.js";

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
interface DurationData {
  readonly amount: number;
  readonly unit: import("../ast.js").DurationUnit;
}

/** One code: its severity, its title, and its wording. */
export interface CatalogueEntry<D> {
  readonly severity: Severity;
  /** A short description of the code (SARIF `shortDescription`): what is wrong, in general. */
  readonly title: string;
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

/** How the DSL and YAML say "make it not final". */
function notFinal(form: PolicyForm): string {
  return form === "yaml" ? "`final: true`" : "the word `final`";
}

/** The catalogue: every code the checks report. */
export const CATALOGUE = {
  // ------------------------------------------------------------ declarations
  "no-channels": entry<Record<string, never>>({
    severity: "error",
    title: "the policy declares no channel",
    message: () => "the policy declares no channel",
    hint: (_d, form) => (form === "yaml" ? "add a field such as `channels: [email, call]`" : "add a line such as `channels email, call`"),
  }),
  "duplicate-channel": entry<{ name: string; first: Place | undefined }>({
    severity: "error",
    title: "a channel is declared twice",
    message: (d) => `channel ${code(d.name)} is declared twice`,
    hint: (d) => `remove this declaration${firstAt(d.first)}`,
  }),
  "duplicate-stage": entry<{ name: string; first: Place | undefined }>({
    severity: "error",
    title: "a stage is declared twice",
    message: (d) => `stage ${code(d.name)} is declared twice`,
    hint: (d) => `give each stage its own name${firstAt(d.first)}`,
  }),
  "duplicate-rule": entry<{ name: string; first: Place | undefined }>({
    severity: "error",
    title: "two rules have one name",
    message: (d) => `another rule is already named ${code(d.name)}`,
    hint: (d) => `give each rule its own name${firstAt(d.first)}`,
  }),
  "no-start-stage": entry<{ first: string }>({
    severity: "error",
    title: "no stage is marked as the start stage",
    message: () => "no stage is marked `start`",
    hint: (d, form) => `mark the stage contacts begin in, such as ${code(form === "yaml" ? `start: ${d.first}` : `start stage ${d.first}`)}`,
  }),
  "several-start-stages": entry<{ name: string; first: string }>({
    severity: "error",
    title: "several stages are marked as the start stage",
    message: (d) => `stage ${code(d.name)} is marked \`start\` but ${code(d.first)} already is`,
    hint: () => "mark exactly one stage `start`",
  }),
  "final-stage-has-transitions": entry<{ stage: string }>({
    severity: "error",
    title: "a final stage has a transition",
    message: (d) => `final stage ${code(d.stage)} cannot have transitions`,
    hint: (_d, form) => `a final stage has no way out; remove the transition or ${notFinal(form)}`,
  }),
  "final-stage-has-rules": entry<{ stage: string; what: "allow" | "rule" }>({
    severity: "error",
    title: "a final stage has an allow list or a rule",
    message: (d) => `final stage ${code(d.stage)} cannot ${d.what === "allow" ? "allow channels" : "have rules"}`,
    hint: (d, form) =>
      `a final stage allows no touch; remove ${d.what === "allow" ? (form === "yaml" ? "`allow`" : "the `allow` line") : "the rule"} or ${notFinal(form)}`,
  }),
  "empty-name": entry<Record<string, never>>({
    severity: "error",
    title: "the policy's name is empty",
    message: () => "the policy's name is empty",
    hint: (_d, form) => (form === "yaml" ? "name the cadence, as in `cadence: inbound-content`" : 'name the cadence, as in `cadence "inbound-content" { ... }`'),
  }),
  "invalid-timezone-source": entry<{ path: string }>({
    severity: "error",
    title: "the contact's time zone cannot be read from there",
    message: (d) => `cannot read a contact's time zone from ${code(d.path)}`,
    hint: (_d, form) =>
      form === "yaml"
        ? "write `timezone: { from: contact.timezone }` or name a contact attribute, such as `contact.tz`"
        : "write `timezone from contact.timezone` or name a contact attribute, such as `contact.tz`",
  }),
  "invalid-timezone": entry<{ zone: string; suggestion: string | undefined }>({
    severity: "error",
    title: "unknown time zone",
    message: (d) => `unknown time zone ${code(d.zone)}${didYouMean(d.suggestion)}`,
    hint: () => "use an IANA zone name such as `America/New_York` or `UTC`",
  }),
  "invalid-date": entry<{ date: string }>({
    severity: "error",
    title: "a holiday is not a real date",
    message: (d) => `invalid date ${code(d.date)}`,
    hint: () => "write a real calendar date as `YYYY-MM-DD`",
  }),

  // ------------------------------------------------------------ names
  "unknown-channel": entry<UnknownName>({
    severity: "error",
    title: "a channel is not declared",
    message: (d) => `unknown channel ${code(d.name)}${didYouMean(d.suggestion)}`,
    hint: (d) => (d.declared.length > 0 ? `declared channels: ${names(d.declared)}` : undefined),
  }),
  "unknown-stage": entry<UnknownName>({
    severity: "error",
    title: "a transition moves to a stage that is not declared",
    message: (d) => `unknown stage ${code(d.name)}${didYouMean(d.suggestion)}`,
    hint: (d) => `declared stages: ${names(d.declared)}`,
  }),
  "no-stages-to-move-to": entry<{ target: string }>({
    severity: "error",
    title: "a transition in a policy without stages",
    message: (d) => `cannot move to ${code(d.target)}: the policy declares no stages`,
    hint: () => "declare the stages, one of them `start`, or remove the transition",
  }),

  // ------------------------------------------------------------ numbers and times
  "invalid-count": entry<{ count: number; zeroLimit: boolean }>({
    severity: "error",
    title: "a count is not a whole number of at least 1",
    message: (d) => (d.zeroLimit ? "`at most 0` allows no touch at all" : `invalid count ${code(String(d.count))}: a count must be a whole number of at least 1`),
    hint: (d) => (d.zeroLimit ? "to forbid these touches, use a `never` rule or leave the channels out of the stage's `allow` list" : undefined),
  }),
  "invalid-duration": entry<{ duration: DurationData; window: boolean }>({
    severity: "error",
    title: "a duration is not a positive whole number of its unit",
    message: (d) =>
      d.window
        ? `invalid window ${code(`per ${printWindow({ kind: "rolling", ...d.duration })}`)}: the amount must be a positive whole number`
        : `invalid duration ${code(printDuration(d.duration))}: the amount must be a positive whole number`,
  }),
  "invalid-time": entry<{ hour: number; minute: number }>({
    severity: "error",
    title: "a time of day is not between 00:00 and 23:59",
    message: (d) => `invalid time ${code(printTime(d))}`,
    hint: (d) => (d.hour === 24 && d.minute === 0 ? "use `00:00`" : "write a time from `00:00` to `23:59`"),
  }),
  "empty-quiet-hours": entry<{ start: { hour: number; minute: number }; end: { hour: number; minute: number } }>({
    severity: "warning",
    title: "quiet hours that cover no time",
    message: (d) => `quiet hours from ${code(printTime(d.start))} to ${code(printTime(d.end))} cover no time`,
    hint: () => "quiet hours cover `[start, end)`; give two different times",
  }),
  "business-days-in-condition": entry<{ duration: DurationData }>({
    severity: "error",
    title: "business days compared in a condition",
    message: (d) => `${code(printDuration(d.duration))} has no fixed length and cannot be compared in a condition`,
    hint: () => "use `days` or `weeks`",
  }),

  // ------------------------------------------------------------ lint: policies that compile but cannot do what was meant
  "unknown-signal": entry<{ name: string; suggestion: string | undefined }>({
    severity: "warning",
    title: "a signal named once that is neither built in nor declared",
    message: (d) => `unknown signal ${code(d.name)}${didYouMean(d.suggestion)}`,
    hint: (d) =>
      d.suggestion === undefined
        ? `if your application sends ${code(d.name)} events this is fine; otherwise use a built-in signal such as \`reply\``
        : `write ${code(d.suggestion)}`,
  }),
  "unreachable-stage": entry<{ stage: string; start: string }>({
    severity: "warning",
    title: "a stage no transition leads to",
    message: (d) => `stage ${code(d.stage)} can never be reached from the start stage ${code(d.start)}`,
    hint: (d, form) => `add a transition such as ${code(form === "yaml" ? `{ on: reply, moveTo: ${d.stage} }` : `on reply move to ${d.stage}`)}, or remove the stage`,
  }),
  "no-way-out": entry<{ stage: string }>({
    severity: "warning",
    title: "a stage that is not final has no transition out of it",
    message: (d) => `stage ${code(d.stage)} is not final but has no transition out of it`,
    hint: (_d, form) =>
      form === "yaml"
        ? "add a transition such as `{ after: 180 days, moveTo: ... }`, or set `final: true` if it should allow no touch"
        : "add a transition such as `after 180 days move to ...`, or mark it `final` if it should allow no touch",
  }),
  "shadowed-transition": entry<{ kind: "earlier" | "everywhere"; transition: string; other: string; trigger: string; onSignal: boolean }>({
    severity: "warning",
    title: "a transition that can never fire, since another always fires first",
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
    title: "a channel a stage allows but a rule always denies there",
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
    title: "quiet hours that cover the whole day for a channel",
    message: (d) => `quiet hours (${d.times.join(", ")}) cover the whole day for ${code(d.channel)}, so it can never be sent`,
    hint: () => "shorten the quiet hours so some time of day is left",
  }),
  "impossible-limit": entry<{ kind: "wait"; rule: string } | { kind: "without-and-after"; channels: readonly string[]; signal: string }>({
    severity: "warning",
    title: "rules that together allow no touch",
    message: (d) =>
      d.kind === "wait"
        ? `${code(d.rule)} waits longer than a year, so no second touch is ever allowed`
        : `${names(d.channels)} can never be sent: \`never ... without ${d.signal}\` denies before ${code(d.signal)} and \`never ... after ${d.signal}\` denies after it`,
    hint: (d) => (d.kind === "wait" ? "use a wait of at most 365 days" : "remove one of the two rules"),
  }),

  // ------------------------------------------------------------ slow analyses
  "unbounded-pursuit": entry<
    | { kind: "cut-short"; stage: string; touches: number; by: string }
    | { kind: "still-pursued"; stage: string; days: number; touches: number }
    | { kind: "busy"; touches: number; days: number; from: string; to: string; max: number }
  >({
    severity: "warning",
    title: "a contact who never answers is pursued without end",
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
