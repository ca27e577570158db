/**
 * What the editor says about Heed's built-in words: the signals with a
 * meaning of their own, the counters and the rule forms (spec sections 1
 * to 3), as hover and completion documentation.
 *
 * The names come from the engine (`BUILT_IN_SIGNALS`, `COUNTERS`, the rule
 * kinds); this module only adds the sentence shown next to each.
 *
 * @module
 */

import { COUNTERS, type RuleKind } from "../../ast.js";
import { BUILT_IN_SIGNALS } from "../../analysis/index.js";

/** The built-in meaning of each built-in signal. */
const SIGNAL_MEANINGS: Readonly<Record<string, string>> = {
  reply:
    "the contact answered. Props: `sentiment` (`positive`, `neutral` or `negative`), `intent`, `prefers` (a channel), `auto`. A reply with `auto: true` is the signal `auto_reply` instead, never a reply",
  meeting_booked: "the contact booked a meeting",
  call_connected: "a call reached the contact",
  unsubscribe: "the contact opted out (optional prop `channel`: the channel opted out of)",
  bounce: "a message could not be delivered",
  purchase: "the contact bought",
  content_download: "the contact downloaded a piece of content",
  open: "the contact opened a message",
  click: "the contact clicked a link",
  auto_reply:
    "an out-of-office or other automatic answer (a `reply` with `auto: true`): it matches no `reply` trigger or rule and never counts as engagement",
};

/** The props a built-in signal carries, for completion inside its `where`. */
export const SIGNAL_PROPS: Readonly<Record<string, readonly string[]>> = {
  reply: ["sentiment", "intent", "prefers"],
  unsubscribe: ["channel"],
};

/** The built-in meaning of a signal, or `undefined` for the application's own signals. */
export function signalMeaning(name: string): string | undefined {
  return BUILT_IN_SIGNALS.includes(name) ? SIGNAL_MEANINGS[name] ?? "a built-in signal" : undefined;
}

/** The built-in signals, in the spec's order. */
export function builtInSignals(): readonly string[] {
  return BUILT_IN_SIGNALS;
}

const COUNTER_MEANINGS: Readonly<Record<(typeof COUNTERS)[number], string>> = {
  ignored: "consecutive ignored touches sent in the current stage (reset by engagement and on entering a stage)",
  touches: "touches sent in the current stage (reset on entering a stage)",
  total_touches: "every touch the contact has received, in any stage",
  time_in_stage: "how long the contact has been in the current stage (compare with a duration: `time_in_stage > 30 days`)",
};

/** The counters usable in conditions. */
export function counters(): readonly string[] {
  return COUNTERS;
}

/** What a counter counts, or `undefined` when the name is not a counter. */
export function counterMeaning(name: string): string | undefined {
  return (COUNTER_MEANINGS as Record<string, string>)[name];
}

/** What a rule form does to a proposed touch, in words (spec section 2). */
const RULE_MEANINGS: Readonly<Record<RuleKind, string>> = {
  "never-without": "denies these touches until such a signal has been seen",
  "never-after": "denies these touches for good once such a signal has been seen",
  "never-within": "defers these touches until the wait after each such signal is over (from the signal, for the duration)",
  "never-when": "denies these touches while the condition holds",
  "at-most":
    "allows a touch while fewer than N earlier touches on these channels, sent in any stage, lie in the window; otherwise defers it until one leaves the window",
  "at-most-account":
    "allows a touch while fewer than N earlier touches on these channels, sent to any contact of the contact's account (this one included), lie in the window; otherwise defers it until one leaves the window",
  "at-least": "allows a touch once the duration has passed since the last such touch; otherwise defers it",
  "quiet-hours":
    "defers these touches out of the quiet hours, from the start (included) to the end (excluded), in the contact's time zone (else the policy's fallback; with neither, denies with `unknown-timezone`)",
  "only-business-days":
    "defers these touches to the next business day (weekends and the policy's holidays skipped), on the contact's local calendar",
};

/** What a rule form does, in words. */
export function ruleMeaning(kind: RuleKind): string {
  return RULE_MEANINGS[kind];
}

/** The reason code a rule form gives when it stops a touch. */
export function reasonCode(kind: RuleKind): string {
  return kind === "only-business-days" ? "business-days" : kind;
}
