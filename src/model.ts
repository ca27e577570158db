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
  id: string;
  /** IANA zone name, such as `America/New_York`. */
  timezone?: string;
  attributes?: Record<string, AttributeValue>;
}

/**
 * One entry of a contact's history. `type: "touch"` is an outbound touch
 * (with `channel`); any other type is a signal (`reply`, `unsubscribe`, ...).
 * Extra props (`sentiment`, `product`, `campaign`, ...) are free-form.
 */
export interface HistoryEvent {
  type: string;
  /** ISO-8601 with an offset or `Z`. */
  at: string;
  id?: string;
  channel?: string;
  tags?: string[];
  [prop: string]: unknown;
}

/** The touch an application proposes to send. */
export interface ProposedTouch {
  channel: string;
  tags?: string[];
  [prop: string]: unknown;
}

/** The input of `engine.evaluate()`. */
export interface EvaluateInput {
  contact: Contact;
  history: readonly HistoryEvent[];
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
  message: string;
  span?: Span;
  /** The policy the rule belongs to (set when several policies apply). */
  policy?: string;
}

/** The answer of the engine. */
export interface Decision {
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
  policy: string;
  verdict: Verdict;
  stage: string;
  notBefore?: string;
}
