/**
 * The shapes of what a rule remembers of the history (its part of a
 * snapshot's state): each rule kind names one. A shape gives a new
 * contact's memory and tells whether a stored value fits it, which is how
 * a restored snapshot is checked.
 *
 * @module
 */

import type { GroupedInstants, RuleMemory } from "../state.js";

/** One shape of rule memory. */
export interface MemoryShape<M extends RuleMemory> {
  /** The shape's name, in messages about a stored state that does not fit. */
  readonly name: "instants" | "instant" | "flag" | "none" | "groups";
  /** What a contact with no history remembers. */
  initial(): M;
  /** True when a stored value has this shape. */
  fits(value: unknown): boolean;
}

/** An instant: a finite number of epoch milliseconds. */
export function isInstant(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** True when every item of the list is an instant. */
export function allInstants(list: readonly unknown[]): boolean {
  for (let i = 0; i < list.length; i++) if (!isInstant(list[i])) return false;
  return true;
}

/** Instants in ascending order (the last touches an `at most` counts). */
export const INSTANTS: MemoryShape<number[]> = Object.freeze({
  name: "instants",
  initial: () => [],
  fits: (value: unknown) => Array.isArray(value) && allInstants(value),
});

/** One instant, or null before the first (the last touch, the end of a wait). */
export const INSTANT: MemoryShape<number | null> = Object.freeze({
  name: "instant",
  initial: () => null,
  fits: (value: unknown) => value === null || isInstant(value),
});

/** Whether something was seen. */
export const FLAG: MemoryShape<boolean> = Object.freeze({
  name: "flag",
  initial: () => false,
  fits: (value: unknown) => typeof value === "boolean",
});

/** Nothing: the rule judges from the instant, the touch and the counters alone. */
export const NOTHING: MemoryShape<null> = Object.freeze({
  name: "none",
  initial: () => null,
  fits: (value: unknown) => value === null,
});

/** Per group of touches, its key and instants (`at most ... by PROP`). */
export const GROUPS: MemoryShape<GroupedInstants> = Object.freeze({
  name: "groups",
  initial: () => [],
  fits: (value: unknown) =>
    Array.isArray(value) &&
    value.every(
      (entry) =>
        Array.isArray(entry) && entry.length === 2 && (entry[0] === null || typeof entry[0] === "string") && Array.isArray(entry[1]) && allInstants(entry[1] as unknown[]),
    ),
});
