/**
 * Every diagnostic code Heed reports, with what it means and an example
 * fix: the help that SARIF rules carry into code scanning, and the table
 * of codes in the language reference (`docs/language.md`, generated from
 * this list by `npm run docs:codes`).
 *
 * @module
 */

/** Where a code comes from, as the language reference groups them. */
export type CodeGroup = "text" | "meaning" | "analysis" | "tests" | "tools";

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

  // ---------------------------------------------------------------- meaning
  {
    code: "no-channels",
    severity: "error",
    group: "meaning",
    summary: "the policy declares no channel",
    meaning: "The policy has no `channels` line, so no touch could ever be allowed.",
    fix: "Declare the channels the policy governs.",
    example: { before: 'cadence "inbound" { }', after: 'cadence "inbound" { channels email, call }' },
  },
  {
    code: "empty-name",
    severity: "error",
    group: "meaning",
    summary: "the policy's name is empty",
    meaning: "The policy is named `\"\"`; reports, decisions and the HTTP service need a name to refer to it.",
    fix: "Name the cadence.",
    example: { before: 'cadence "" {', after: 'cadence "inbound-content" {' },
  },
  {
    code: "duplicate-channel",
    severity: "error",
    group: "meaning",
    summary: "a channel declared twice",
    meaning: "The `channels` line names the same channel twice.",
    fix: "Remove the second declaration.",
    example: { before: "channels email, call, email", after: "channels email, call" },
  },
  {
    code: "duplicate-stage",
    severity: "error",
    group: "meaning",
    summary: "two stages with one name",
    meaning: "Two stages share a name, so a transition to it would be ambiguous.",
    fix: "Give each stage its own name.",
    example: { before: "stage nurture { allow email }  stage nurture { allow call }", after: "stage nurture { allow email }  stage call-back { allow call }" },
  },
  {
    code: "duplicate-rule",
    severity: "error",
    group: "meaning",
    summary: "two rules with one name",
    meaning: "Two rules share a name; a decision's reasons name rules, so each name must be unique.",
    fix: "Give each rule its own name.",
    example: { before: "rule calls: at most 1 call per day  rule calls: at most 3 calls per 7 days", after: "rule calls-per-day: at most 1 call per day  rule calls-per-week: at most 3 calls per 7 days" },
  },
  {
    code: "unknown-channel",
    severity: "error",
    group: "meaning",
    summary: "a channel that is not declared",
    meaning: "A stage's `allow` line or a rule names a channel the `channels` line does not declare (often a typo; the message suggests the nearest one).",
    fix: "Use a declared channel, or declare it.",
    example: { before: "at most 1 emial per day", after: "at most 1 email per day" },
  },
  {
    code: "unknown-stage",
    severity: "error",
    group: "meaning",
    summary: "a transition to a stage that is not declared",
    meaning: "A transition moves to a stage the policy does not declare (often a typo; the message suggests the nearest one).",
    fix: "Use a declared stage, or declare it.",
    example: { before: "after 2 ignored touches move to nurtur", after: "after 2 ignored touches move to nurture" },
  },
  {
    code: "no-start-stage",
    severity: "error",
    group: "meaning",
    summary: "stages, but none marked `start`",
    meaning: "The policy declares stages but none is marked `start`, so it is unclear where a contact begins.",
    fix: "Mark the stage contacts begin in with `start`.",
    example: { before: "stage prospecting { allow email }", after: "start stage prospecting { allow email }" },
  },
  {
    code: "several-start-stages",
    severity: "error",
    group: "meaning",
    summary: "more than one stage marked `start`",
    meaning: "More than one stage is marked `start`; a contact begins in exactly one.",
    fix: "Keep `start` on one stage only.",
    example: { before: "start stage nurture { allow email }", after: "stage nurture { allow email }" },
  },
  {
    code: "no-stages-to-move-to",
    severity: "error",
    group: "meaning",
    summary: "a transition in a policy without stages",
    meaning: "A transition moves to a stage, but the policy declares no stages (it has the single implicit stage `active`).",
    fix: "Declare the stages, one of them `start`, or remove the transition.",
    example: { before: "on unsubscribe move to closed", after: "start stage active { allow email }  final stage closed  on unsubscribe move to closed" },
  },
  {
    code: "final-stage-has-rules",
    severity: "error",
    group: "meaning",
    summary: "a final stage that allows channels or has rules",
    meaning: "A final stage allows no touch, so an `allow` line or a rule in it can never apply.",
    fix: "Remove the line, or the word `final` if the stage should allow touches.",
    example: { before: "final stage closed { allow email }", after: "final stage closed" },
  },
  {
    code: "final-stage-has-transitions",
    severity: "error",
    group: "meaning",
    summary: "a final stage with a transition out",
    meaning: "A final stage has no way out, so a transition in it can never fire.",
    fix: "Remove the transition, or the word `final` if contacts may leave the stage.",
    example: { before: "final stage closed { on reply move to engaged }", after: "stage closed { on reply move to engaged }" },
  },
  {
    code: "invalid-timezone",
    severity: "error",
    group: "meaning",
    summary: "a fallback time zone that is not an IANA zone",
    meaning: "The `timezone ... else` fallback is not an IANA time zone name.",
    fix: "Use an IANA zone name such as `America/New_York` or `UTC`.",
    example: { before: 'timezone from contact.timezone else "America/New_Yrok"', after: 'timezone from contact.timezone else "America/New_York"' },
  },
  {
    code: "invalid-timezone-source",
    severity: "error",
    group: "meaning",
    summary: "a contact's time zone read from somewhere else than the contact",
    meaning: "`timezone from` names something other than the contact's zone (`contact.timezone`) or one of its attributes.",
    fix: "Read the zone from `contact.timezone` or from a contact attribute.",
    example: { before: "timezone from touch.zone", after: "timezone from contact.timezone" },
  },
  {
    code: "empty-quiet-hours",
    severity: "error",
    group: "meaning",
    summary: "quiet hours that cover no time",
    meaning: "Quiet hours cover `[start, end)`; from a time to the same time they cover nothing, which is rarely what was meant.",
    fix: "Give two different times.",
    example: { before: "quiet hours 08:00 to 08:00", after: "quiet hours 21:00 to 08:00" },
  },
  {
    code: "too-many-holidays",
    severity: "error",
    group: "meaning",
    summary: "more than 10,000 holidays",
    meaning: "A policy lists more than 10,000 holiday dates; business-day arithmetic is bounded by that number (see *Limits*).",
    fix: "Keep the holidays of the years the policy is in use.",
  },
  {
    code: "business-days-in-condition",
    severity: "error",
    group: "meaning",
    summary: "business days compared in a condition",
    meaning: "`N business days` has no fixed length (it depends on the calendar), so it cannot be compared in a condition.",
    fix: "Compare with `days` or `weeks`.",
    example: { before: "when time_in_stage > 5 business days move to nurture", after: "when time_in_stage > 7 days move to nurture" },
  },

  // ---------------------------------------------------------------- analysis
  {
    code: "unknown-signal",
    severity: "warning",
    group: "analysis",
    summary: "a signal that is neither built in nor used elsewhere",
    meaning: "A signal the policy names is not one of the built-in signals and is used only once, which is usually a typo: the trigger or rule would never match.",
    fix: "Use the built-in name, or tell `heed check` about the application's own signals with `--signals a,b`.",
    example: { before: "on replied move to engaged", after: "on reply move to engaged" },
  },
  {
    code: "unreachable-stage",
    severity: "warning",
    group: "analysis",
    summary: "a stage no transition leads to",
    meaning: "No chain of transitions leads from the start stage to this stage, so no contact ever enters it.",
    fix: "Add a transition into the stage, or remove it.",
    example: { before: "start stage prospecting { allow email }", after: "start stage prospecting { allow email  on reply move to engaged }" },
  },
  {
    code: "no-way-out",
    severity: "warning",
    group: "analysis",
    summary: "a stage that is not final and that no transition leaves",
    meaning: "A contact who enters this stage stays in it for ever and keeps being touched.",
    fix: "Add a transition out of the stage, or mark it `final` if it should allow no touch.",
    example: { before: "stage nurture { allow email }", after: "stage nurture { allow email  after 180 days move to closed }" },
  },
  {
    code: "shadowed-transition",
    severity: "warning",
    group: "analysis",
    summary: "a transition that can never fire",
    meaning: "An earlier transition on the same trigger always fires first (transitions are tried in source order, the stage's own before the policy-wide ones).",
    fix: "Put the more specific transition first, or remove the one that never fires.",
    example: { before: "on reply move to engaged  on reply where sentiment == \"negative\" move to closed", after: "on reply where sentiment == \"negative\" move to closed  on reply move to engaged" },
  },
  {
    code: "dead-channel",
    severity: "warning",
    group: "analysis",
    summary: "a channel a stage allows but a rule always denies",
    meaning: "The stage allows the channel, but a rule denies it in every state of that stage: its condition always holds, or it is a `never ... after SIGNAL` rule and the stage is only entered on that signal.",
    fix: "Leave the channel out of the stage's `allow` list, or narrow the rule.",
    example: { before: "stage engaged { allow email, call }  never call after reply", after: "stage engaged { allow email }  never call after reply" },
  },
  {
    code: "always-quiet",
    severity: "warning",
    group: "analysis",
    summary: "quiet hours that cover the whole day",
    meaning: "The channel's quiet hours together cover all 24 hours, so it can never be sent.",
    fix: "Shorten the quiet hours so some time of day is left.",
    example: { before: "quiet hours 08:00 to 20:00 for call  quiet hours 20:00 to 08:00 for call", after: "quiet hours 20:00 to 08:00 for call" },
  },
  {
    code: "impossible-limit",
    severity: "warning",
    group: "analysis",
    summary: "a limit that can never be met",
    meaning: "A rule can never allow the touches it governs: a wait longer than a year, or two rules that together deny before and after a signal.",
    fix: "Use a wait of at most 365 days, or remove one of the conflicting rules.",
    example: { before: "at least 400 days between touches", after: "at least 30 days between touches" },
  },
  {
    code: "when-cycle",
    severity: "warning",
    group: "analysis",
    summary: "stages joined in a circle by `when` transitions",
    meaning: "Entering a stage tries its `when` transitions at once, so stages joined in a circle by `when` transitions can move a contact round it at one instant; the engine stops after 64 moves in a row. A warning, since conditions that never hold together make the loop harmless.",
    fix: "Make the conditions exclusive, or leave the loop through another kind of transition (`on`, `after`).",
    example: {
      before: "stage engaged { allow email  when touches >= 0 move to again }  stage again { allow email  when touches >= 0 move to engaged }",
      after: "stage engaged { allow email  when touches >= 3 move to again }  stage again { allow email  on reply move to engaged }",
    },
  },
  {
    code: "analysis-incomplete",
    severity: "warning",
    group: "analysis",
    summary: "a policy too large to analyse in full",
    meaning: "The static checks (10,000,000 steps) or the silent contact (4,000,000 steps) stopped at their budget; the warning says where, and later warnings may be missing.",
    fix: "Split the policy into smaller policies of a policy set, or accept the warning for this file with `# heed-check: allow analysis-incomplete`.",
  },
  {
    code: "unbounded-pursuit",
    severity: "warning",
    group: "analysis",
    summary: "a contact who never answers is pursued without end",
    meaning: "A contact who never answers, with a sender that sends whenever allowed, is never moved out of an outreach stage, or gets more than `--max-silent-touches` (default 8) touches within 30 days.",
    fix: "Add a limit, or a transition that moves silent contacts on; in a compliance overlay meant for a policy set, accept it with `# heed-check: allow unbounded-pursuit`.",
    example: { before: "start stage prospecting { allow email }", after: "start stage prospecting { allow email  after 3 ignored touches move to closed }  at most 3 touches per 7 days" },
  },

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
    meaning: "A test file lacks `policy` or `cases`, or a case lacks a required field (`name`, `contact`, `at`, `touch`) or has one of the wrong type or an unknown one.",
    fix: "Give each case the fields of the test-file schema; the message names the one that is wrong.",
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
    meaning: "The policy decides the case differently from its `expect`: the message says what was expected and what the decision was; `heed test` prints the timeline and the deciding rules.",
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
