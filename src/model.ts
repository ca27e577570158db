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
  /**
   * The company the contact belongs to, for limits `across account`
   * (spec section 8.4). A contact without one is an account of its own.
   */
  account?: string;
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
  /**
   * The touches sent to the other contacts of the contact's account, for
   * limits `across account` (spec section 8.4): other event types are
   * ignored, touches sharing an id are one, and those after `at` are ignored.
   */
  account?: readonly HistoryEvent[];
}

/** The options of `engine.decide()`. */
export interface DecideOptions {
  /** The touches sent to the other contacts of the contact's account, as {@link EvaluateInput.account}. */
  account?: readonly HistoryEvent[];
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

/** What every decision holds, whatever its verdict. */
export interface DecisionBase {
  /** The contact's stage at `at`. */
  stage: string;
  /** Every rule unmet at `at` (empty on allow). */
  reasons: Reason[];
  /** Declared channels that would be allowed at `at` (on deny and defer). */
  alternatives?: string[];
  /** With a policy set: each applicable policy's own decision. */
  policies?: PolicyDecision[];
}

/** The touch may be sent now. */
export interface AllowDecision extends DecisionBase {
  /** `allow`. */
  verdict: "allow";
  /** Never set on an allow. */
  notBefore?: never;
}

/** The touch is refused: waiting will not help. */
export interface DenyDecision extends DecisionBase {
  /** `deny`. */
  verdict: "deny";
  /** Never set on a deny. */
  notBefore?: never;
}

/** The touch may be sent from `notBefore` on, not before. */
export interface DeferDecision extends DecisionBase {
  /** `defer`. */
  verdict: "defer";
  /** The earliest instant (ISO-8601, UTC) at which the touch would be allowed. */
  notBefore: string;
}

/** The answer of the engine: allow, deny, or defer until `notBefore` (a union on `verdict`). */
export type Decision = AllowDecision | DenyDecision | DeferDecision;

/** What each policy's part in a policy set's decision holds. */
export interface PolicyDecisionBase {
  /** The policy's name. */
  policy: string;
  /** The contact's stage in that policy. */
  stage: string;
}

/** A policy of a set that allows or denies the touch on its own. */
export interface PolicyAllowOrDeny extends PolicyDecisionBase {
  /** That policy's own verdict. */
  verdict: "allow" | "deny";
  /** Never set unless the policy defers. */
  notBefore?: never;
}

/** A policy of a set that defers the touch on its own. */
export interface PolicyDefer extends PolicyDecisionBase {
  /** That policy's own verdict. */
  verdict: "defer";
  /** When that policy alone would allow the touch. */
  notBefore: string;
}

/** One policy's part in the decision of a policy set (a union on `verdict`, as {@link Decision}). */
export type PolicyDecision = PolicyAllowOrDeny | PolicyDefer;
