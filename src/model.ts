/**
 * The domain model of spec section 1: contacts, events, proposed touches and
 * decisions. These are the shapes an embedding application passes to
 * `evaluate()` and gets back.
 *
 * @module
 */

import type { Span } from "./diagnostics.js";

/** A value of a contact attribute. */
export type AttributeValue = string | number | boolean | string[];

/** The person outreach is aimed at. */
export interface Contact {
  /** The contact's identifier in the application. */
  id: string;
  /** IANA zone name, such as `America/New_York`. */
  timezone?: string;
  /** Facts about the contact, read by conditions as `contact.NAME`; an absent or `null` one is missing. */
  attributes?: Record<string, AttributeValue>;
}

/**
 * One entry of a contact's history. `type: "touch"` is an outbound touch
 * (with `channel`); any other type is a signal (`reply`, `unsubscribe`, ...).
 * Extra props (`sentiment`, `product`, `campaign`, ...) are free-form.
 */
export interface HistoryEvent {
  /** `touch` for an outbound touch; anything else is a signal (`reply`, `unsubscribe`, ...). */
  type: string;
  /** ISO-8601 with an offset or `Z`. */
  at: string;
  /** Events sharing an id are one event: the first in input order is kept. */
  id?: string;
  /** The touch's channel (touches), or the channel an `unsubscribe` is limited to. */
  channel?: string;
  /** The touch's tags, matched by `tagged "t"`. */
  tags?: string[];
  [prop: string]: unknown;
}

/** The touch an application proposes to send. */
export interface ProposedTouch {
  /** The channel of the touch to be sent. */
  channel: string;
  /** Its tags, matched by `tagged "t"`. */
  tags?: string[];
  [prop: string]: unknown;
}

/** The input of `engine.evaluate()`. */
export interface EvaluateInput {
  /** The contact. */
  contact: Contact;
  /** Everything that happened to the contact, in any order; events after `at` are ignored. */
  history: readonly HistoryEvent[];
  /** The touch to decide. */
  touch: ProposedTouch;
  /** The instant of the proposed touch, ISO-8601 with an offset or `Z`. */
  at: string;
}

/** allow, deny, or defer until `notBefore`. */
export type Verdict = "allow" | "deny" | "defer";

/** Why a rule denied or deferred a touch. */
export interface Reason {
  /** The rule id: its name, or a stable id from its position. */
  rule: string;
  /** A reason code of spec section 2 (`at-most`, `quiet-hours`, `final-stage`, ...). */
  code: string;
  /** Why, in words (``at most 1 `call` per day: 1 or more already sent on 2026-03-02 (local)``). */
  message: string;
  /** Where the rule is written. */
  span?: Span;
  /** The policy the rule belongs to (set when several policies apply). */
  policy?: string;
}

/** The answer of the engine. */
export interface Decision {
  /** `allow`, `deny`, or `defer` until `notBefore`. */
  verdict: Verdict;
  /** On `defer`: the earliest instant (ISO-8601, UTC) at which the touch would be allowed. */
  notBefore?: string;
  /** The contact's stage at `at`. */
  stage: string;
  /** Every rule unmet at `at` (empty on allow). */
  reasons: Reason[];
  /** Declared channels that would be allowed at `at`. */
  alternatives?: string[];
  /** With a policy set: each applicable policy's own decision. */
  policies?: PolicyDecision[];
}

/** One policy's part in the decision of a policy set. */
export interface PolicyDecision {
  /** The policy's name. */
  policy: string;
  /** That policy's own verdict. */
  verdict: Verdict;
  /** The contact's stage in that policy. */
  stage: string;
  /** For `defer`: when that policy alone would allow the touch. */
  notBefore?: string;
}
