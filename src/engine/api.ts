/**
 * The engine's public contract: what `compile()` returns. The engine is
 * pure: time is always an argument, never the clock, and nothing here does
 * I/O.
 *
 * @module
 */

import type { Span } from "../diagnostics.js";
import type { Contact, DecideOptions, Decision, EvaluateInput, HistoryEvent, ProposedTouch } from "../model.js";

/**
 * The incremental state of one contact under a compiled policy (or set):
 * plain JSON, bounded in size whatever the length of the history. Treat it as
 * opaque; store it and hand it back to `step` and `decide`.
 */
export interface Snapshot {
  /** The snapshot format, `heed-snapshot/3` (`/1` had no policy versions; `/2` remembered recent ids without their types). */
  readonly format: "heed-snapshot/3";
  readonly [field: string]: unknown;
}

/** One stage change of a contact, for explanations. */
export interface StageChange {
  /** When the contact changed stage (ISO-8601, UTC). */
  at: string;
  /** The policy whose stage changed. */
  policy: string;
  /** The stage left; `null` when the contact entered the start stage. */
  from: string | null;
  /** The stage entered. */
  to: string;
  /** What fired it: `start`, a transition's description (`after 2 ignored touches`, `on reply`). */
  cause: string;
  /** Where the transition that fired is written. */
  span?: Span;
}

/** One change of a fact about the history (spec section 8.2), for explanations. */
export interface FactChange {
  /** When it changed (ISO-8601, UTC): the instant of the event that changed it. */
  at: string;
  /** The policy whose condition reads it. */
  policy: string;
  /** The fact as written: `count(reply where ...)` (which `seen` reads too), `last(reply).prefers`, `total_touches(call)`. */
  fact: string;
  /** Its value from then on: a count, or the prop (`null`: missing). */
  value: unknown;
}

/** How one rule judged the proposed touch. */
export interface RuleOutcome {
  /** The policy the rule belongs to. */
  policy: string;
  /** The rule's id (its name, or a stable id from its position). */
  rule: string;
  /** The rule's reason code (`at-most`, `quiet-hours`, ...). */
  code: string;
  /** `met`, `not-applicable` (other channel, other tag, or `applies when` false), or the verdict it gave. */
  outcome: "met" | "not-applicable" | "deny" | "defer";
  /** The outcome in words. */
  message: string;
  /** For `defer`: the earliest instant this rule alone would allow. */
  notBefore?: string;
  /** Where the rule is written. */
  span?: Span;
}

/** A decision with how it was reached (`heed explain`, `heed test` failures). */
export interface Explanation {
  /** The decision, the same `evaluate` gives. */
  decision: Decision;
  /** Every stage change up to the instant, in time order. */
  timeline: StageChange[];
  /** Every change of a fact the policies' conditions read, in time order; absent when they read none. */
  facts?: FactChange[];
  /** How each rule judged the proposed touch. */
  rules: RuleOutcome[];
}

/** Where a contact stands under one policy at an instant: what `decide` would see there. */
export interface Standing {
  /** The policy's name. */
  policy: string;
  /** The contact's stage. */
  stage: string;
  /** When the contact entered the stage (ISO-8601, UTC). */
  since: string;
  /** Touches ignored in a row (the streak an engagement resets). */
  ignored: number;
  /** Touches sent in the current stage. */
  touches: number;
  /** Touches sent since the contact entered the policy. */
  totalTouches: number;
}

/** A compiled policy, or a set of policies, ready to decide. */
export interface Engine {
  /** The names of the compiled policies, in the order given. */
  readonly policies: readonly string[];
  /**
   * The version of each compiled policy, in the order given (its name and
   * a fingerprint of its compiled form): what a snapshot was built under.
   * A store keeps snapshots per version.
   */
  readonly versions: readonly string[];
  /**
   * How far before `at` the touches of the account's other contacts must
   * reach (`evaluate`'s `account`, `decide`'s `{ account }`), in ms: the
   * longest window of the policies' `across account` rules (a calendar
   * window counts as the longest it can be, a day as 48 hours, a week as 8
   * days); null when no rule counts across the account.
   */
  readonly accountWindow: number | null;
  /** Decides a proposed touch by replaying the whole history. */
  evaluate(input: EvaluateInput): Decision;
  /** Like `evaluate`, with the stage timeline and every rule's outcome. */
  explain(input: EvaluateInput): Explanation;
  /**
   * The state of a contact with no history yet. As with `evaluate`, the
   * contact enters the start stage at its first stepped event, or at the
   * instant of a `decide` when nothing was stepped; `at` is kept only as the
   * snapshot's creation time.
   */
  start(contact: Contact, at: string): Snapshot;
  /**
   * Checks a value read back from storage (a snapshot's JSON, parsed) and
   * returns it as a snapshot of this engine; throws `HeedInputError`
   * (`invalid-snapshot`, `stale-snapshot`) when it is not one. `step` and
   * `decide` do the same with a snapshot they have not seen, so calling it
   * is optional: a snapshot is checked once, where it enters, and the
   * snapshots this engine makes or checks are not checked again (hand them
   * back as they are; change them only through `step`).
   */
  restore(snapshot: unknown): Snapshot;
  /** The state after one more event (events must come in time order). */
  step(snapshot: Snapshot, event: HistoryEvent): Snapshot;
  /**
   * The same decision `evaluate` gives over the full history; `options.account`
   * are the touches sent to the account's other contacts, as `evaluate`'s.
   */
  decide(snapshot: Snapshot, touch: ProposedTouch, at: string, options?: DecideOptions): Decision;
  /**
   * Where the contact stands at `at` under each policy, in the order of
   * {@link Engine.policies}: the stage and counters `decide` would judge a touch
   * at `at` by (timers due by then processed). `at` must not come before
   * the last stepped event.
   */
  standing(snapshot: Snapshot, at: string): Standing[];
}
