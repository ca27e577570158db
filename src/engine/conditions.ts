/**
 * Evaluation of conditions (`contact.role in ["analyst", "student"] and
 * touches > 2`) against a contact, the proposed touch, the signal being
 * matched and the counters of the contact's stage.
 *
 * Choices made here, where spec section 2 ("Missing values") leaves room:
 *
 * - A value is *missing* when its path leads nowhere: an absent attribute or
 *   prop, a `null`, a step into something that is not a plain object, or a
 *   duration in business days (which has no fixed length).
 * - `==` holds between two equal strings (exactly, case-sensitive), numbers
 *   or booleans, and between two lists of the same length whose elements are
 *   equal pairwise. Values of different types are never equal (`1 == "1"`
 *   is false). With a missing operand it is false.
 * - `<`, `<=`, `>`, `>=` hold only between two numbers or two strings
 *   (strings in code-unit order); any other pair, missing ones included, is
 *   false.
 * - `x in R` holds when `R` is a list (a list literal, or a path to a list
 *   such as `contact.products`) and `x` equals one of its elements; when `x`
 *   is itself a list, when any of its elements does. A missing `x` or an `R`
 *   that is not a list makes it false.
 * - `!=` and `not in` are the negations of `==` and `in`, so they hold when
 *   an operand is missing.
 * - `exists PATH` holds when the path resolves to a value (not missing).
 * - Evaluation never throws: a malformed condition is false.
 *
 * @module
 */

import { COUNTERS, conditionFacts, conditionOperands } from "../ast.js";
import type { Expr, Fact, Operand } from "../ast.js";
import type { Contact } from "../model.js";
import { durationMs } from "./time.js";

/** The counters of spec section 2, as they stand at the moment of evaluation. */
export interface Counters {
  /** Consecutive ignored touches sent in the current stage. */
  ignored: number;
  /** Touches sent in the current stage. */
  touches: number;
  /** All touches of the contact. */
  total_touches: number;
  /** Time spent in the current stage, in milliseconds. */
  time_in_stage: number;
}

/** What a condition can see. */
export interface ConditionScope {
  contact: Contact;
  /** The proposed touch (channel, tags, props). */
  touch?: Record<string, unknown>;
  /** The event being matched, inside `on ... where` / `never ... where`. */
  signal?: Record<string, unknown>;
  counters?: Counters;
  /**
   * The facts about the history (spec section 8.2), read by the tree walk
   * ({@link evaluateCondition}): the value of a fact as written (`seen`: a
   * boolean, `count` and the touch counts: a number, `last`: the prop, or
   * undefined when missing). Without it every fact is missing.
   */
  facts?: (fact: Fact) => unknown;
  /**
   * The facts as a state keeps them, one value per fact slot, read by the
   * conditions compiled with slots ({@link compileCondition}): a count, or
   * the latest prop (`null` when missing).
   */
  factValues?: readonly unknown[] | undefined;
}

/** Where a compiled condition finds each fact among {@link ConditionScope.factValues}; undefined: read through {@link ConditionScope.facts}. */
export type FactSlots = (fact: Fact) => number | undefined;

type Plain = Record<string, unknown>;

function isPlainObject(value: unknown): value is Plain {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An own property of a plain object: `constructor` or `__proto__` are never found on the way. */
function own(value: unknown, key: string): unknown {
  if (!isPlainObject(value) || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
  const found = value[key];
  return found === null ? undefined : found;
}

/** Follows `keys` from index `from` on, starting at `value`, through plain objects. */
function walk(value: unknown, keys: readonly string[], from: number): unknown {
  let current: unknown = value === null ? undefined : value;
  for (let i = from; i < keys.length; i++) {
    current = own(current, keys[i]!);
    if (current === undefined) return undefined;
  }
  return current;
}

function isCounter(name: string): name is keyof Counters {
  return (COUNTERS as readonly string[]).includes(name);
}

/**
 * The value a path names:
 * `contact.id` and `contact.timezone` are the contact's fields;
 * `contact.attributes.X` and `contact.X` (any other X) are attribute X;
 * `touch.X` is a prop of the proposed touch; `signal.X` and `event.X` are
 * props of the signal being matched; a bare name is a counter when it is one
 * and counters are in scope, else the signal's prop of that name. Any other
 * path is read from the signal's props. Deeper segments walk plain objects.
 * Indices rather than slices: this runs for every condition of every decision.
 */
function resolvePath(segments: readonly string[], scope: ConditionScope): unknown {
  const head = segments[0];
  if (head === undefined) return undefined;
  const n = segments.length;
  switch (head) {
    case "contact": {
      const field = segments[1];
      if (field === undefined) return undefined;
      const contact: unknown = scope.contact;
      if (field === "id" || field === "timezone") return walk(own(contact, field), segments, 2);
      const attributes = own(contact, "attributes");
      if (field === "attributes") return n === 2 ? attributes : walk(attributes, segments, 2);
      return walk(attributes, segments, 1);
    }
    case "touch":
      return n === 1 ? undefined : walk(scope.touch, segments, 1);
    case "signal":
    case "event":
      return n === 1 ? undefined : walk(scope.signal, segments, 1);
    default:
      if (n === 1 && isCounter(head) && scope.counters !== undefined) {
        const count: unknown = scope.counters[head];
        return typeof count === "number" ? count : undefined;
      }
      return walk(scope.signal, segments, 0);
  }
}

/** Resolves an operand to a value, or undefined when missing. */
export function resolveOperand(op: Operand, scope: ConditionScope): unknown {
  try {
    switch (op.kind) {
      case "literal":
        return op.value ?? undefined;
      case "list":
        // (a compiled condition resolves its lists once; the tree walk, the definition, resolves them as it goes)
        return op.items.map((item) => item.value);
      case "duration":
        return op.unit === "business-days" ? undefined : durationMs(op.amount, op.unit);
      case "path":
        return resolvePath(op.segments, scope);
      case "count":
      case "last":
      case "touches":
      case "total_touches": {
        const value = scope.facts?.(op);
        return value === null ? undefined : value;
      }
      default:
        return undefined;
    }
  } catch {
    // A malformed operand (say, a path that is not a list of names) is missing.
    return undefined;
  }
}

/** Equality as described in the module comment: same type, same value, lists pairwise. */
function equal(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => equal(item, b[index]));
  }
  if (typeof a === "string" || typeof a === "number" || typeof a === "boolean") return a === b;
  return false;
}

function ordered(a: unknown, b: unknown, holds: (order: number) => boolean): boolean {
  if (typeof a === "number" && typeof b === "number") {
    if (Number.isNaN(a) || Number.isNaN(b)) return false;
    return holds(a < b ? -1 : a > b ? 1 : 0);
  }
  if (typeof a === "string" && typeof b === "string") return holds(a < b ? -1 : a > b ? 1 : 0);
  return false;
}

function member(left: unknown, right: unknown): boolean {
  if (left === undefined || !Array.isArray(right)) return false;
  if (!Array.isArray(left)) return contains(right, left);
  for (const value of left) if (contains(right, value)) return true;
  return false;
}

function contains(list: readonly unknown[], value: unknown): boolean {
  for (const item of list) if (equal(value, item)) return true;
  return false;
}

/** Thrown inside evaluation on a node of no known kind, so that the whole condition is false. */
class MalformedCondition extends Error {}

function evaluate(expr: Expr, scope: ConditionScope): boolean {
  switch (expr.kind) {
    case "and":
      return evaluate(expr.left, scope) && evaluate(expr.right, scope);
    case "or":
      return evaluate(expr.left, scope) || evaluate(expr.right, scope);
    case "not":
      return !evaluate(expr.expr, scope);
    case "exists":
      return resolveOperand(expr.path, scope) !== undefined;
    case "seen":
      return scope.facts?.(expr) === true;
    case "in": {
      const found = member(resolveOperand(expr.left, scope), resolveOperand(expr.right, scope));
      return expr.negated ? !found : found;
    }
    case "compare": {
      const left = resolveOperand(expr.left, scope);
      const right = resolveOperand(expr.right, scope);
      switch (expr.op) {
        case "==":
          return left !== undefined && right !== undefined && equal(left, right);
        case "!=":
          return !(left !== undefined && right !== undefined && equal(left, right));
        case "<":
          return ordered(left, right, (order) => order < 0);
        case "<=":
          return ordered(left, right, (order) => order <= 0);
        case ">":
          return ordered(left, right, (order) => order > 0);
        case ">=":
          return ordered(left, right, (order) => order >= 0);
        default:
          throw new MalformedCondition();
      }
    }
    default:
      throw new MalformedCondition();
  }
}

/** Evaluates a condition; never throws, whatever the input (a malformed condition is false). */
export function evaluateCondition(expr: Expr, scope: ConditionScope): boolean {
  try {
    return evaluate(expr, scope);
  } catch {
    // Malformed input (a hand-built AST, hostile props, a condition nested
    // deeper than the stack) must not crash a decision.
    return false;
  }
}

/** True when a condition may read the value at `head` (a path beginning with it: `touch.channel...`, `time_in_stage`). */
export function readsPath(condition: Expr, ...head: string[]): boolean {
  return conditionOperands(condition).some((op) => op.kind === "path" && head.every((segment, i) => op.segments[i] === segment));
}

/** The counters that entering a stage resets. */
const STAGE_COUNTERS = Object.freeze(["time_in_stage", "ignored", "touches"]);

/** True when a condition may read what entering a stage resets: `time_in_stage`, `ignored`, `touches`, `touches(CHANNELS)`. */
export function readsStageState(condition: Expr): boolean {
  return STAGE_COUNTERS.some((counter) => readsPath(condition, counter)) || conditionFacts(condition).some((fact) => fact.kind === "touches");
}

// ---------------------------------------------------------------- compiled conditions

/** A condition made into a function of its scope; same answers as {@link evaluateCondition}. */
export type CompiledCondition = (scope: ConditionScope) => boolean;

type Getter = (scope: ConditionScope) => unknown;

/**
 * The condition as a function: the engine judges the same conditions on
 * every decision, and walking the tree each time (switching on node kinds
 * and path heads) cost more than the comparisons themselves. Made once per
 * condition by the compiled engine, which keeps it. It answers exactly as
 * {@link evaluateCondition} (a property test holds them equal), which stays
 * the definition and what the reference interpreter uses: missing values,
 * malformed nodes (false for the whole condition), and operands that throw
 * (missing).
 */
export function compileCondition(expr: Expr, slots?: FactSlots): CompiledCondition {
  if (typeof expr !== "object" || expr === null) return () => false;
  let body: CompiledCondition;
  try {
    body = compileExpr(expr, slots);
  } catch {
    // a node too deep to compile is evaluated as the tree it is
    body = (scope) => evaluate(expr, scope);
  }
  return (scope) => {
    try {
      return body(scope);
    } catch {
      return false;
    }
  };
}

function malformed(): never {
  throw new MalformedCondition();
}

function compileExpr(expr: Expr, slots: FactSlots | undefined): CompiledCondition {
  if (typeof expr !== "object" || expr === null) return malformed;
  switch (expr.kind) {
    case "and": {
      const left = compileExpr(expr.left, slots);
      const right = compileExpr(expr.right, slots);
      return (scope) => left(scope) && right(scope);
    }
    case "or": {
      const left = compileExpr(expr.left, slots);
      const right = compileExpr(expr.right, slots);
      return (scope) => left(scope) || right(scope);
    }
    case "not": {
      const inner = compileExpr(expr.expr, slots);
      return (scope) => !inner(scope);
    }
    case "exists": {
      const path = compileOperand(expr.path, slots);
      return (scope) => path(scope) !== undefined;
    }
    case "seen": {
      const slot = slots?.(expr);
      if (slot === undefined) return (scope) => scope.facts?.(expr) === true;
      return (scope) => {
        const count = scope.factValues?.[slot];
        return typeof count === "number" && count > 0;
      };
    }
    case "in": {
      const left = compileOperand(expr.left, slots);
      const right = compileOperand(expr.right, slots);
      return expr.negated ? (scope) => !member(left(scope), right(scope)) : (scope) => member(left(scope), right(scope));
    }
    case "compare": {
      const left = compileOperand(expr.left, slots);
      const right = compileOperand(expr.right, slots);
      switch (expr.op) {
        case "==":
          return (scope) => {
            const a = left(scope);
            const b = right(scope);
            return a !== undefined && b !== undefined && equal(a, b);
          };
        case "!=":
          return (scope) => {
            const a = left(scope);
            const b = right(scope);
            return !(a !== undefined && b !== undefined && equal(a, b));
          };
        case "<":
          return (scope) => ordered(left(scope), right(scope), (order) => order < 0);
        case "<=":
          return (scope) => ordered(left(scope), right(scope), (order) => order <= 0);
        case ">":
          return (scope) => ordered(left(scope), right(scope), (order) => order > 0);
        case ">=":
          return (scope) => ordered(left(scope), right(scope), (order) => order >= 0);
        default:
          return malformed;
      }
    }
    default:
      return malformed;
  }
}

/** An operand as a getter; like {@link resolveOperand}, an operand that throws is missing. */
function compileOperand(op: Operand, slots: FactSlots | undefined): Getter {
  const getter = operandGetter(op, slots);
  return (scope) => {
    try {
      return getter(scope);
    } catch {
      return undefined;
    }
  };
}

function operandGetter(op: Operand, slots: FactSlots | undefined): Getter {
  if (typeof op !== "object" || op === null) return () => undefined;
  switch (op.kind) {
    case "count":
    case "last":
    case "touches":
    case "total_touches": {
      const slot = slots?.(op);
      if (slot === undefined) return (scope) => resolveOperand(op, scope);
      return (scope) => {
        const value = scope.factValues?.[slot];
        return value === null ? undefined : value;
      };
    }
    case "literal":
    case "list":
    case "duration": {
      // constants: resolved once (resolving them reads nothing from the scope, and never throws)
      const value = resolveOperand(op, { contact: {} as Contact });
      return () => value;
    }
    case "path":
      return pathGetter(op.segments);
    default:
      return () => undefined;
  }
}

/** {@link resolvePath} specialised to one path (the head and the field are known in advance). */
function pathGetter(segments: readonly string[]): Getter {
  if (!Array.isArray(segments)) return (scope) => resolvePath(segments, scope);
  const head = segments[0];
  const n = segments.length;
  if (head === "contact" && n === 2 && typeof segments[1] === "string") {
    const field = segments[1];
    if (field === "id" || field === "timezone") return (scope) => own(scope.contact, field);
    if (field === "attributes") return (scope) => own(scope.contact, "attributes");
    return (scope) => own(own(scope.contact, "attributes"), field);
  }
  if (head === "touch" && n === 2 && typeof segments[1] === "string") {
    const field = segments[1];
    return (scope) => own(scope.touch, field);
  }
  return (scope) => resolvePath(segments, scope);
}

/**
 * For a condition that compares `time_in_stage`: where, after `t`, it may
 * next change while nothing else does (`time_in_stage` is the one value of
 * a condition that changes between events and timers). Each comparison of
 * `time_in_stage` with a value `x` (read on the scope) may change at
 * `entry + x` and at the millisecond after. Null when the condition does
 * not read `time_in_stage`.
 */
export function stageTimeFlips(expr: Expr): ((scope: ConditionScope, entry: number, t: number) => number | undefined) | null {
  const others: Operand[] = [];
  const isStageTime = (op: Operand): boolean => op.kind === "path" && op.segments.length === 1 && op.segments[0] === "time_in_stage";
  const stack: Expr[] = [expr];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    switch (top.kind) {
      case "and":
      case "or":
        stack.push(top.left, top.right);
        break;
      case "not":
        stack.push(top.expr);
        break;
      case "compare":
      case "in":
        if (isStageTime(top.left)) others.push(top.right);
        if (isStageTime(top.right)) others.push(top.left);
        break;
      default:
        break;
    }
  }
  if (others.length === 0) return null;
  return (scope, entry, t) => {
    let next: number | undefined;
    for (const other of others) {
      const value = resolveOperand(other, scope);
      const values: readonly unknown[] = Array.isArray(value) ? value : [value];
      for (const x of values) {
        if (typeof x !== "number" || !Number.isFinite(x)) continue;
        for (const at of [entry + x, entry + x + 1]) if (at > t && (next === undefined || at < next)) next = at;
      }
    }
    return next;
  };
}
