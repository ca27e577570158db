/**
 * Every diagnostic code Heed reports, with what it means and an example
 * fix: the help that SARIF rules carry into code scanning, and the table
 * of codes in the language reference (`docs/language.md`, generated from
 * this list by `npm run docs:codes`). The help of the codes the checks
 * report (errors of meaning, warnings of the analysis) lives with their
 * wording in the checks' catalogue (`src/checks/catalogue.ts`); the codes
 * of the other stages are listed here.
 *
 * @module
 */

import { CATALOGUE, type CatalogueEntry, type CodeGroup } from "../../checks/index.js";

export type { CodeGroup };

/** One diagnostic code and its help. */
export interface CodeHelp {
  /** The code (`unknown-stage`). */
  code: string;
  /** How severe it is by default. */
  severity: "error" | "warning";
  /** The group it is listed under. */
  group: CodeGroup;
  /** What the code means in a few words (a phrase, no final period). */
  summary: string;
  /** What is wrong and why it matters, in a sentence or two. */
  meaning: string;
  /** How to fix it, in a sentence. */
  fix: string;
  /** An example: a line that gets the code, and the same line fixed. */
  example?: {
    before: string;
    after: string;
    /** The language of the two lines (default `heed`, the DSL). */
    language?: "heed" | "yaml";
    /** The lines stand for longer text (`...`), or the code comes after another error on them. */
    abridged?: true;
  };
}

/** The groups in the order the language reference lists them, with their headings. */
export const CODE_GROUPS: readonly { group: CodeGroup; title: string }[] = [
  { group: "text", title: "Errors of the text (parsing)" },
  { group: "meaning", title: "Errors of meaning (validation)" },
  { group: "analysis", title: "Warnings of the static analysis (`heed check`)" },
  { group: "tests", title: "Policy tests (`heed test`)" },
  { group: "tools", title: "Files, formatting, conversion and diff" },
];

/** The codes of the checks' catalogue in a group, in the catalogue's order, with their help. */
function fromCatalogue(group: CodeGroup): CodeHelp[] {
  return Object.entries(CATALOGUE).flatMap(([code, entry]: [string, CatalogueEntry<never>]) =>
    entry.help?.group === group ? [{ code, severity: entry.severity, ...entry.help }] : [],
  );
}

/** The diagnostic codes, grouped, each with its help. */
export const CODES: readonly CodeHelp[] = [
  // ---------------------------------------------------------------- text
  {
    code: "syntax",
    severity: "error",
    group: "text",
    summary: "the text does not follow the DSL's grammar",
    meaning: "The DSL text does not follow the grammar: a word is missing, misspelt or out of place. The message says what was expected and where.",
    fix: "Write the statement as the message expects; the language reference lists every form.",
    example: { before: "after 2 ignored touches nurture", after: "after 2 ignored touches move to nurture" },
  },
  {
    code: "unclosed-string",
    severity: "error",
    group: "text",
    summary: "a quoted string is not closed on its line",
    meaning: 'A string starts with `"` but does not end with `"` on the same line, so the rest of the line is read as part of it.',
    fix: "Close the string on the line where it starts.",
    example: { before: 'cadence "inbound {', after: 'cadence "inbound" {' },
  },
  {
    code: "incomplete",
    severity: "error",
    group: "text",
    summary: "a statement stops before it is complete",
    meaning: "A statement stops before its end (the syntax error before it says where), so it is left out of the policy.",
    fix: "Finish the statement.",
    example: { before: "at most 3 emails per", after: "at most 3 emails per 7 days", abridged: true },
  },
  {
    code: "too-large",
    severity: "error",
    group: "text",
    summary: "a policy text over the size limit",
    meaning: "A policy text longer than 500,000 characters is refused at the first character past the limit, before it is parsed, so that no text can exhaust memory or time.",
    fix: "Split the policy into a policy set, or check that the file is the policy you meant.",
  },
  {
    code: "too-deep",
    severity: "error",
    group: "text",
    summary: "a condition is nested too deeply",
    meaning: "Parentheses or `not`s are nested beyond 64 levels, or a condition's tree is deeper than 200 levels counting each `and`, `or` and `not`. Heed refuses it rather than risk running out of stack.",
    fix: "Simplify the condition: drop double negations and redundant parentheses, or split it into several rules.",
    example: { before: "never call when not (not (not (contact.role == \"student\")))", after: "never call when contact.role != \"student\"", abridged: true },
  },
  {
    code: "too-long",
    severity: "error",
    group: "text",
    summary: "a condition chains more than 64 terms",
    meaning: "More than 64 terms are joined by one chain of `and` or of `or`.",
    fix: "Compare against a list with `in`, or split the rule.",
    example: { before: 'never call when contact.country == "FR" or contact.country == "DE" or ...', after: 'never call when contact.country in ["FR", "DE", ...]', abridged: true },
  },
  {
    code: "invalid-count",
    severity: "error",
    group: "text",
    summary: "a count that is not a whole number of at least 1",
    meaning: "A count (`after N touches`, `at most N`) is negative, not a whole number, too large, or 0 where a count of 0 allows nothing.",
    fix: "Write a whole number of at least 1; to forbid touches, use a `never` rule or leave the channel out of the stage's `allow` list.",
    example: { before: "after 2.5 ignored touches move to nurture", after: "after 3 ignored touches move to nurture" },
  },
  {
    code: "invalid-duration",
    severity: "error",
    group: "text",
    summary: "a duration with an unknown unit or an amount below 1",
    meaning: "A duration's unit is not `minutes`, `hours`, `days`, `weeks` or `business days`, or its amount is not a positive whole number.",
    fix: "Write a positive whole number and one of the units.",
    example: { before: "never call within 4 hrs of content_download", after: "never call within 4 hours of content_download" },
  },
  {
    code: "invalid-window",
    severity: "error",
    group: "text",
    summary: "a limit's window counted in business days",
    meaning: "An `at most` window is counted in business days, which have no fixed length.",
    fix: "Count the window in minutes, hours, days or weeks, or use `per day` or `per week`.",
    example: { before: "at most 3 touches per 5 business days", after: "at most 3 touches per 7 days" },
  },
  {
    code: "invalid-time",
    severity: "error",
    group: "text",
    summary: "a time of day that does not exist",
    meaning: "A time of day is not between `00:00` and `23:59`.",
    fix: "Write the time as `HH:MM` from `00:00` to `23:59`; midnight is `00:00`.",
    example: { before: "quiet hours 21:00 to 24:00", after: "quiet hours 21:00 to 00:00" },
  },
  {
    code: "invalid-date",
    severity: "error",
    group: "text",
    summary: "a holiday that is not a calendar date",
    meaning: "A holiday is not a real calendar date written `YYYY-MM-DD`.",
    fix: "Write a date that exists, as `YYYY-MM-DD`.",
    example: { before: "holidays 2026-02-30", after: "holidays 2026-03-02" },
  },
  {
    code: "duplicate-line",
    severity: "error",
    group: "text",
    summary: "a line that may appear once appears twice",
    meaning: "A line that a policy or a stage may have only once (`timezone`, `engagement`, `ignore window`, a stage's `allow`, ...) is written twice, so it is unclear which one holds.",
    fix: "Merge the two lines into one.",
    example: { before: "start stage prospecting { allow email allow call }", after: "start stage prospecting { allow email, call }" },
  },
  {
    code: "unknown-type",
    severity: "error",
    group: "text",
    summary: "a declared attribute or prop of a type that does not exist",
    meaning: "A declaration in an `attributes` or `signals` block names a type other than `string`, `number`, `boolean`, `list` or a choice of strings (`\"a\" | \"b\"`).",
    fix: "Use one of the types; the message suggests the nearest.",
    example: { before: "attributes { customer: bool }", after: "attributes { customer: boolean }" },
  },
  {
    code: "yaml",
    severity: "error",
    group: "text",
    summary: "malformed YAML",
    meaning: "The YAML policy cannot be read as YAML (an unclosed bracket or quote, a duplicate key, a bad indent), or uses a YAML feature policies do not allow (aliases, tags, keys that are not plain names).",
    fix: "Correct the YAML at the position given.",
    example: { before: "channels: [email, call", after: "channels: [email, call]", language: "yaml" },
  },
  {
    code: "schema",
    severity: "error",
    group: "text",
    summary: "a YAML field that does not belong, is missing or has the wrong type",
    meaning: "A field of the YAML policy is unknown, missing or of the wrong type for the policy schema (`schema/heed-policy.schema.json`).",
    fix: "Use the field names and types of the schema; the message names the expected ones.",
    example: { before: "- { after: 2 ignored touches, moveto: nurture }", after: "- { after: 2 ignored touches, moveTo: nurture }", language: "yaml" },
  },
  {
    code: "internal",
    severity: "error",
    group: "text",
    summary: "the policy could not be read for a reason Heed did not foresee",
    meaning: "Reading the policy failed in a way Heed does not expect; the message carries the underlying error.",
    fix: "Report the policy file that causes it, with the message.",
  },

  // ---------------------------------------------------------------- meaning, analysis: the checks' catalogue
  ...fromCatalogue("meaning"),
  ...fromCatalogue("analysis"),

  // ---------------------------------------------------------------- tests
  {
    code: "test-syntax",
    severity: "error",
    group: "tests",
    summary: "a test file that is not valid YAML",
    meaning: "A policy test file (`*.test.yaml`) cannot be read as YAML.",
    fix: "Correct the YAML at the position given.",
    example: { before: "touch: { channel: email", after: "touch: { channel: email }", language: "yaml" },
  },
  {
    code: "test-shape",
    severity: "error",
    group: "tests",
    summary: "a test file or case of the wrong shape",
    meaning:
      "A test file does not fit the test-file schema (`schema/heed-test.schema.json`), checked before any case runs: it lacks `policy` or `cases`, a case lacks a required field (`name`, `contact`, `at`, `touch`), a field has the wrong type or is unknown (the nearest known one is suggested), or `expect` gives a decision field beside `error`.",
    fix: "Give each case the fields of the test-file schema; the message names the one that is wrong. An editor with the schema line shows the same mistakes as you type.",
    example: { before: "expect: { verdict: denied }", after: "expect: { verdict: deny }", language: "yaml" },
  },
  {
    code: "missing-policy",
    severity: "error",
    group: "tests",
    summary: "a test file's policy is not found",
    meaning: "The `policy:` of a test file names a file that does not exist; the path is relative to the test file.",
    fix: "Name the policy file relative to the test file.",
    example: { before: "policy: policies/inbound.heed", after: "policy: inbound.heed", language: "yaml" },
  },
  {
    code: "test-failed",
    severity: "error",
    group: "tests",
    summary: "a test case whose expectation does not hold",
    meaning:
      "The policy decides the case differently from its `expect`, or the engine refuses the case's input with an input error the case does not expect (or decides a case that expects one): the message says what was expected and what happened, at the expectation that did not hold; `heed test` prints the timeline and the deciding rules.",
    fix: "Fix the policy if the case states the intended behaviour, or the case if the policy's decision is right.",
    example: { before: "expect: { verdict: allow }", after: "expect: { verdict: defer, notBefore: \"2026-03-03T09:00:00Z\" }", language: "yaml" },
  },
  {
    code: "rule-not-exercised",
    severity: "warning",
    group: "tests",
    summary: "no case makes the rule deny or defer (`--coverage`)",
    meaning: "No test case makes this rule deny or defer a touch, so a change to it would go unnoticed.",
    fix: "Add a case in which the rule decides.",
    example: { before: "cases: [ ... ]", after: "cases: [ ..., { name: a second call the same day waits, ..., expect: { verdict: defer, rules: [calls-per-day] } } ]", language: "yaml" },
  },
  {
    code: "transition-not-exercised",
    severity: "warning",
    group: "tests",
    summary: "no case fires the transition (`--coverage`)",
    meaning: "No test case fires this transition, so a change to it would go unnoticed.",
    fix: "Add a case whose history fires the transition and expects the stage it leads to.",
    example: { before: "cases: [ ... ]", after: "cases: [ ..., { name: a negative reply closes, ..., expect: { stage: closed } } ]", language: "yaml" },
  },

  // ---------------------------------------------------------------- tools
  {
    code: "read-error",
    severity: "error",
    group: "tools",
    summary: "a file that cannot be read",
    meaning: "A policy or test file named on the command line or found in a folder cannot be read (it does not exist, is a folder, or permission is denied).",
    fix: "Check the path and the file's permissions.",
  },
  {
    code: "symlink-outside",
    severity: "error",
    group: "tools",
    summary: "a policy file that links out of the policy folder (`heed serve`)",
    meaning: "`heed serve` reads only files inside the folder it serves; a symbolic link to a file elsewhere is refused unread, so that a link cannot expose or load another file.",
    fix: "Copy the policy into the folder, or serve the folder the link points into.",
  },
  {
    code: "file-too-large",
    severity: "error",
    group: "tools",
    summary: "a policy file over the size limit (`heed serve`)",
    meaning: "`heed serve` reads policy files of at most 4 MiB; a larger file is refused unread.",
    fix: "Split the policy, or check that the file is the policy you meant to serve.",
  },
  {
    code: "duplicate-policy",
    severity: "error",
    group: "tools",
    summary: "two policy files with one policy name (`heed serve`)",
    meaning: "`heed serve` loads policies by name; a second file with an already loaded name is refused.",
    fix: "Give each policy its own `cadence` name.",
    example: { before: 'cadence "inbound" {', after: 'cadence "inbound-emea" {' },
  },
  {
    code: "not-formatted",
    severity: "error",
    group: "tools",
    summary: "a file that is not in the canonical layout (`heed fmt --check`)",
    meaning: "The file's layout differs from what `heed fmt` writes (`heed fmt --diff` shows how).",
    fix: "Run `heed fmt --write` on the file.",
    example: { before: "at most   3 emails per 7 days", after: "at most 3 emails per 7 days" },
  },
  {
    code: "format-mismatch",
    severity: "error",
    group: "tools",
    summary: "formatting would change the policy's meaning",
    meaning: "The formatted text would not read back as the same policy, so `heed fmt` leaves the file as it is. This is a bug in the formatter.",
    fix: "Report the file; format it by hand meanwhile.",
  },
  {
    code: "not-convertible",
    severity: "error",
    group: "tools",
    summary: "a YAML policy the DSL cannot write",
    meaning: "The YAML policy says something the DSL has no words for: a stage that allows no channel, an empty `engagement` list, a name that is not a DSL identifier.",
    fix: "List the channels the stage allows (or make it final), or rename to letters, digits, `_` and inner `-`.",
    example: { before: "stages: { my stage: { allow: [email] } }", after: "stages: { my-stage: { allow: [email] } }", language: "yaml" },
  },
  {
    code: "changed-decision",
    severity: "warning",
    group: "tools",
    summary: "two versions of a policy decide a case differently (`heed diff`)",
    meaning: "The new version of the policy decides some touch differently from the old one; the message gives the smallest history found that shows it.",
    fix: "Check that the change is intended; add a policy test that pins the new behaviour.",
    example: { before: "at most 2 emails per 7 days", after: "at most 3 emails per 7 days" },
  },
];

/** The help of a code, when Heed knows it. */
export function codeHelp(code: string): CodeHelp | undefined {
  return CODES.find((c) => c.code === code);
}

/** The anchor of a code in the language reference (`code-unknown-stage`). */
export function codeAnchor(code: string): string {
  return `code-${code}`;
}
