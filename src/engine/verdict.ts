/**
 * How a check judges a proposed touch at an instant: met, denied (with the
 * reason code), or deferred until an instant. One type from a rule's check
 * to the decision.
 *
 * Judging allocates as little as it can: `met` is one shared object, each
 * rule keeps its own `deny` (see `CompiledRule.denied`), and only a
 * deferral, which carries its instant, is made as it is found.
 *
 * @module
 */

/** A check's answer: met, deny with a reason code, or defer until an instant (epoch ms, later than the instant judged). */
export type Verdict = MetVerdict | DenyVerdict | DeferVerdict;

/** The check is met. */
export interface MetVerdict {
  readonly kind: "met";
}

/** The check forbids the touch: waiting will not help. */
export interface DenyVerdict {
  readonly kind: "deny";
  /** The reason code (`never-without`, `unknown-timezone`, ...). */
  readonly code: string;
}

/** The check allows the touch from `until` on, not before. */
export interface DeferVerdict {
  readonly kind: "defer";
  /** The earliest instant this check alone allows (epoch ms). */
  readonly until: number;
}

/** The one `met` verdict. */
export const MET: MetVerdict = Object.freeze({ kind: "met" });

/** A denial with this code (made once per check, not per decision). */
export function deny(code: string): DenyVerdict {
  return Object.freeze({ kind: "deny", code });
}

/** A deferral until `until`. */
export function defer(until: number): DeferVerdict {
  return { kind: "defer", until };
}

/** A rule that needs local time, for a contact without a time zone. */
export const NO_ZONE: DenyVerdict = deny("unknown-timezone");

/** A rule that counts business days, for a contact whose holiday calendar is unknown (no region, no fallback). */
export const NO_CALENDAR: DenyVerdict = deny("unknown-calendar");
