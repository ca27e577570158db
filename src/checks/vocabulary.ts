/**
 * Names are checked (spec section 8.1): a typo in a condition or a signal
 * never fails open. The checks of this module:
 *
 * - a bare name in a condition is a counter, or inside a signal's `where`
 *   a prop of that signal (one its declaration lists, when the policy
 *   declares the signal); anything else is `unknown-name`, with the
 *   nearest counter (or prop) suggested;
 * - with an `attributes` block, `contact.X` must be declared
 *   (`unknown-attribute`) and comparisons must be possible by type
 *   (`type-mismatch`); the same for a declared signal's props;
 * - with a `signals` block, a signal that is neither built in nor declared
 *   is the error `unknown-signal` (without one it is a warning of the
 *   static analysis, `src/analysis/lint.ts`);
 * - no name declared twice (`duplicate-declaration`).
 *
 * Choices made where the contract is silent:
 * - `contact.id` and `contact.timezone` are the contact's own fields, never
 *   attributes: they need no declaration.
 * - A dotted path outside a signal's `where` must start with `contact` or
 *   `touch` (`contcat.role` is `unknown-name`, with `contact.role`
 *   suggested); inside a `where`, `signal.X` and `event.X` are the signal's
 *   props as a bare `X` is.
 * - `type-mismatch` speaks only of values whose type a declaration gives
 *   (an attribute, a declared prop) and of the contact's own fields: a
 *   counter against a string is left to the analysis of the decision.
 *
 * @module
 */

import { BUILT_IN_SIGNALS, COUNTERS, conditionOperands, type Declaration, type Expr, type Ident, type Literal, type NodeBase, type Operand, type PathRef, type Policy, type ValueType } from "../ast.js";
import { printCondition, printOperand } from "../print.js";
import type { Place } from "./catalogue.js";
import { check, type Check, type CheckContext } from "./registry.js";

// ---------------------------------------------------------------- the declared vocabulary

/** What a policy declares: absent maps where it declares nothing (then nothing is checked against them). */
export interface Vocabulary {
  /** Declared attributes by name; undefined without an `attributes` block. */
  readonly attributes: ReadonlyMap<string, ValueType> | undefined;
  /** Declared signals, each with its props by name; undefined without a `signals` block. */
  readonly signals: ReadonlyMap<string, ReadonlyMap<string, ValueType>> | undefined;
}

function declaredTypes(declarations: readonly Declaration[]): Map<string, ValueType> {
  const types = new Map<string, ValueType>();
  for (const d of declarations) if (!types.has(d.name.name)) types.set(d.name.name, d.type);
  return types;
}

/** The vocabulary a policy declares. */
export function vocabularyOf(policy: Policy): Vocabulary {
  const attributes = policy.attributes === undefined ? undefined : declaredTypes(policy.attributes.declarations);
  let signals: Map<string, ReadonlyMap<string, ValueType>> | undefined;
  if (policy.signals !== undefined) {
    signals = new Map();
    for (const d of policy.signals.declarations) if (!signals.has(d.name.name)) signals.set(d.name.name, declaredTypes(d.props));
  }
  return { attributes, signals };
}

const COUNTER_NAMES: ReadonlySet<string> = new Set(COUNTERS);
const BUILT_IN: ReadonlySet<string> = new Set(BUILT_IN_SIGNALS);
/** The contact's own fields: never attributes. */
const CONTACT_FIELDS: ReadonlySet<string> = new Set(["id", "timezone"]);

/**
 * The attribute a path reads, if it reads one: `contact.X` or
 * `contact.attributes.X` (deeper paths read inside it), never the
 * contact's own fields.
 */
export function attributeOf(segments: readonly string[]): string | undefined {
  if (segments[0] !== "contact") return undefined;
  const field = segments[1];
  if (field === undefined || CONTACT_FIELDS.has(field)) return undefined;
  if (field === "attributes") return segments[2];
  return field;
}

// ---------------------------------------------------------------- types

/** What a check knows of an operand's type: a declared type, a literal's, or nothing. */
type Known =
  | { readonly kind: "string" | "number" | "boolean" | "list"; readonly declared: boolean }
  | { readonly kind: "choice"; readonly values: readonly string[]; readonly declared: true }
  | { readonly kind: "literal-list"; readonly items: readonly (string | number | boolean)[] };

function fromDeclared(type: ValueType): Known {
  return type.kind === "choice" ? { kind: "choice", values: type.values.map((v) => v.value), declared: true } : { kind: type.kind, declared: true };
}

/** The base type: a choice is a string. */
function base(known: Known): string {
  return known.kind === "choice" ? "string" : known.kind === "literal-list" ? "list" : known.kind;
}

/** How a message names a type: `a boolean`, `one of ...`. */
function typeWords(known: Known): string {
  switch (known.kind) {
    case "choice":
      return "a choice of strings";
    case "literal-list":
    case "list":
      return "a list";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "string":
      return "a string";
  }
}

/** The scope a condition is read in: inside a signal's `where`, that signal. */
interface Scope {
  readonly signal: Ident | undefined;
}

function typeOf(operand: Operand, vocabulary: Vocabulary, scope: Scope): Known | undefined {
  switch (operand.kind) {
    case "literal":
      return typeof operand.value === "string" ? { kind: "string", declared: false } : typeof operand.value === "number" ? { kind: "number", declared: false } : { kind: "boolean", declared: false };
    case "list":
      return { kind: "literal-list", items: operand.items.map((i) => i.value) };
    case "duration":
      return { kind: "number", declared: false };
    case "path":
      return pathType(operand.segments, vocabulary, scope);
    default:
      return undefined;
  }
}

function pathType(segments: readonly string[], vocabulary: Vocabulary, scope: Scope): Known | undefined {
  const head = segments[0];
  if (head === "contact") {
    if (segments.length === 2 && CONTACT_FIELDS.has(segments[1] ?? "")) return { kind: "string", declared: true };
    const attribute = attributeOf(segments);
    const depth = segments[1] === "attributes" ? 3 : 2;
    if (attribute === undefined || segments.length !== depth) return undefined;
    const type = vocabulary.attributes?.get(attribute);
    return type === undefined ? undefined : fromDeclared(type);
  }
  const props = scope.signal === undefined ? undefined : vocabulary.signals?.get(scope.signal.name);
  if (props === undefined) return undefined;
  const prop = propOf(segments);
  if (prop === undefined) return undefined;
  const type = props.get(prop);
  return type === undefined ? undefined : fromDeclared(type);
}

/** The prop a path reads inside a `where` (`sentiment`, `signal.sentiment`), when it is one prop and no counter. */
function propOf(segments: readonly string[]): string | undefined {
  const head = segments[0];
  if (head === undefined) return undefined;
  if ((head === "signal" || head === "event") && segments.length === 2) return segments[1];
  if (segments.length === 1 && !COUNTER_NAMES.has(head)) return head;
  return undefined;
}

// ---------------------------------------------------------------- names

/** Reports an unknown name or attribute in a path. */
function checkPath(path: PathRef, vocabulary: Vocabulary, scope: Scope, ctx: CheckContext): void {
  const segments = path.segments;
  const head = segments[0];
  if (head === undefined) return;
  const written = segments.join(".");
  if (head === "contact") {
    const attribute = attributeOf(segments);
    if (attribute === undefined || vocabulary.attributes === undefined || vocabulary.attributes.has(attribute)) return;
    const declared = [...vocabulary.attributes.keys()];
    ctx.report("unknown-attribute", { name: attribute, suggestion: ctx.suggest(attribute, declared), declared }, path);
    return;
  }
  if (head === "touch") return;
  if (scope.signal !== undefined) {
    const props = vocabulary.signals?.get(scope.signal.name);
    // an undeclared signal's props are whatever its events carry
    if (props === undefined) return;
    const prop = (head === "signal" || head === "event") && segments.length > 1 ? segments[1]! : head;
    if (segments.length === 1 && COUNTER_NAMES.has(head)) return;
    if (props.has(prop)) return;
    const declared = [...props.keys()];
    const suggestion = ctx.suggest(prop, [...declared, ...COUNTERS]);
    ctx.report("unknown-name", { path: written, suggestion: suggestion === undefined ? undefined : written.replace(prop, suggestion), signal: scope.signal.name, declared }, path);
    return;
  }
  if (segments.length === 1 && COUNTER_NAMES.has(head)) return;
  // `contcat.role`: the head is what is unknown; suggest the path with the head corrected
  const candidates = segments.length === 1 ? COUNTERS : ["contact", "touch"];
  const guess = ctx.suggest(head, candidates);
  ctx.report("unknown-name", { path: written, suggestion: guess === undefined ? undefined : [guess, ...segments.slice(1)].join("."), signal: undefined, declared: [] }, path);
}

// ---------------------------------------------------------------- types

function quoted(value: string | number | boolean): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** Reports a comparison that can never hold by the declared types. */
function checkTypes(expr: Expr, vocabulary: Vocabulary, scope: Scope, ctx: CheckContext): void {
  if (expr.kind !== "compare" && expr.kind !== "in") return;
  const left = typeOf(expr.left, vocabulary, scope);
  const right = typeOf(expr.right, vocabulary, scope);
  const condition = printCondition(expr);
  const subjectOf = printOperand;
  if (expr.kind === "in") {
    if (right === undefined) return;
    if (right.kind !== "literal-list") {
      // `in` looks in a list: a declared scalar, or a literal, on the right never holds
      if (base(right) !== "list" && (right.declared || expr.right.kind === "literal")) {
        ctx.report("type-mismatch", { problem: "not-a-list", condition, subject: subjectOf(expr.right), subjectType: typeWords(right) }, expr.right, expr);
      }
      return;
    }
    if (left === undefined || left.kind === "literal-list" || !left.declared) return;
    const items = expr.right.kind === "list" ? expr.right.items : [];
    for (const item of items) if (!itemFits(left, item, condition, subjectOf(expr.left), expr, ctx)) return;
    return;
  }
  if (left === undefined || right === undefined) return;
  const declared = (k: Known): boolean => "declared" in k && k.declared;
  if (!declared(left) && !declared(right)) return;
  const [subject, subjectOperand, other, otherOperand] = declared(left) ? [left, expr.left, right, expr.right] : [right, expr.right, left, expr.left];
  const ordering = expr.op !== "==" && expr.op !== "!=";
  if (ordering && (base(subject) === "boolean" || base(subject) === "list")) {
    ctx.report("type-mismatch", { problem: "order", condition, subject: subjectOf(subjectOperand), subjectType: typeWords(subject), op: expr.op }, expr);
    return;
  }
  if (base(subject) !== base(other)) {
    ctx.report("type-mismatch", { problem: "types", condition, subject: subjectOf(subjectOperand), subjectType: typeWords(subject), other: printOperand(otherOperand), otherType: typeWords(other) }, expr);
    return;
  }
  if (subject.kind === "choice" && otherOperand.kind === "literal" && typeof otherOperand.value === "string" && !subject.values.includes(otherOperand.value)) {
    const value = otherOperand.value;
    ctx.report("type-mismatch", { problem: "choice", condition, subject: subjectOf(subjectOperand), value, choices: subject.values, suggestion: ctx.suggest(value, subject.values) }, otherOperand, expr);
  }
}

/** An item of a list literal looked for with `in`: of the subject's type, and listed by its choice. Reports and answers false when not. */
function itemFits(subject: Known, literal: Literal, condition: string, subjectText: string, expr: Expr, ctx: CheckContext): boolean {
  const item = literal.value;
  const itemType = typeof item;
  const subjectBase = base(subject) === "list" ? "string" : base(subject);
  if (itemType !== subjectBase) {
    ctx.report("type-mismatch", { problem: "types", condition, subject: subjectText, subjectType: typeWords(subject), other: quoted(item), otherType: `a ${itemType}` }, literal, expr);
    return false;
  }
  if (subject.kind === "choice" && typeof item === "string" && !subject.values.includes(item)) {
    ctx.report("type-mismatch", { problem: "choice", condition, subject: subjectText, value: item, choices: subject.values, suggestion: ctx.suggest(item, subject.values) }, literal, expr);
    return false;
  }
  return true;
}

/** Every comparison of a condition, walked without recursion. */
function comparisons(root: Expr): Expr[] {
  const found: Expr[] = [];
  const stack: Expr[] = [root];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    if (top.kind === "and" || top.kind === "or") stack.push(top.right, top.left);
    else if (top.kind === "not") stack.push(top.expr);
    else found.push(top);
  }
  return found;
}

// ---------------------------------------------------------------- the checks

/** Every name in a condition refers to something; with declarations, every comparison is possible by type. */
const conditionNames = check("condition", "validation", (condition, ctx) => {
  const vocabulary = ctx.vocabulary;
  const scope: Scope = { signal: ctx.where };
  for (const operand of conditionOperands(condition)) if (operand.kind === "path") checkPath(operand, vocabulary, scope, ctx);
  if (vocabulary.attributes === undefined && vocabulary.signals === undefined) return;
  for (const expr of comparisons(condition)) checkTypes(expr, vocabulary, scope, ctx);
});

/** With a `signals` block, a signal that is neither built in nor declared is an error. */
const declaredSignals = check("signal", "validation", (signal, ctx) => {
  const signals = ctx.vocabulary.signals;
  if (signals === undefined || BUILT_IN.has(signal.name) || signals.has(signal.name)) return;
  ctx.report("unknown-signal", { name: signal.name, suggestion: ctx.suggest(signal.name, [...BUILT_IN_SIGNALS, ...signals.keys()]), declared: true }, signal);
});

/** A contact's zone read from an attribute (`timezone from contact.tz`) is one the `attributes` block declares. */
const zoneAttribute = check("policy", "validation", (policy, ctx) => {
  const from = policy.timezone?.from;
  const attributes = ctx.vocabulary.attributes;
  if (from === undefined || attributes === undefined) return;
  const attribute = attributeOf(from.segments);
  if (attribute === undefined || attributes.has(attribute)) return;
  const declared = [...attributes.keys()];
  ctx.report("unknown-attribute", { name: attribute, suggestion: ctx.suggest(attribute, declared), declared }, from, policy.timezone);
});

/** A contact's holiday region read from an attribute (`holidays from contact.country`) is one the `attributes` block declares. */
const regionAttribute = check("policy", "validation", (policy, ctx) => {
  const from = policy.holidaysFrom?.from;
  const attributes = ctx.vocabulary.attributes;
  if (from === undefined || attributes === undefined) return;
  const attribute = attributeOf(from.segments);
  if (attribute === undefined || attributes.has(attribute)) return;
  const declared = [...attributes.keys()];
  ctx.report("unknown-attribute", { name: attribute, suggestion: ctx.suggest(attribute, declared), declared }, from, policy.holidaysFrom);
});

function placeOf(node: NodeBase | undefined): Place | undefined {
  const span = node?.span;
  return span === undefined ? undefined : { line: span.line, column: span.column };
}

function duplicates(what: "attribute" | "signal" | "prop", items: readonly (NodeBase & { readonly name: Ident })[], ctx: CheckContext): void {
  const seen = new Map<string, Ident>();
  for (const item of items) {
    const first = seen.get(item.name.name);
    if (first !== undefined) ctx.report("duplicate-declaration", { what, name: item.name.name, first: placeOf(first) }, item.name, item);
    else seen.set(item.name.name, item.name);
  }
}

/** No attribute, signal or prop declared twice. */
const declarations = check("policy", "validation", (policy, ctx) => {
  duplicates("attribute", policy.attributes?.declarations ?? [], ctx);
  const signals = policy.signals?.declarations ?? [];
  duplicates("signal", signals, ctx);
  for (const signal of signals) duplicates("prop", signal.props, ctx);
});

/** Every node of an AST value with a `kind`, walked without recursion (a condition built in code may be deep). */
function nodesWithKind(root: unknown): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const stack: unknown[] = [root];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    if (Array.isArray(top)) {
      for (let i = top.length - 1; i >= 0; i--) stack.push(top[i]);
    } else if (top !== null && typeof top === "object") {
      const node = top as Record<string, unknown>;
      if (typeof node.kind === "string") found.push(node);
      for (const key of Object.keys(node)) if (key !== "span" && key !== "comments") stack.push(node[key]);
    }
  }
  return found;
}

/**
 * The contact attributes a policy reads (in conditions and `timezone
 * from`), in the order written, each with the type its use suggests (the
 * literal it is compared with; a list on the right of `in`; else a string).
 */
export function attributesRead(policy: Policy): { name: string; type: string }[] {
  const read = new Map<string, string>();
  const note = (operand: unknown, type: string | undefined): void => {
    const o = operand as Operand | undefined;
    if (o?.kind !== "path") return;
    const name = attributeOf(o.segments);
    if (name === undefined) return;
    if (!read.has(name) || (type !== undefined && read.get(name) === "string")) read.set(name, type ?? read.get(name) ?? "string");
  };
  const literalType = (o: unknown): string | undefined => {
    const operand = o as Operand | undefined;
    if (operand?.kind === "literal") return typeof operand.value;
    return undefined;
  };
  note(policy.timezone?.from, "string");
  note(policy.holidaysFrom?.from, "string");
  for (const node of nodesWithKind(policy)) {
    if (node.kind === "compare") {
      note(node.left, literalType(node.right));
      note(node.right, literalType(node.left));
    } else if (node.kind === "in") {
      note(node.left, undefined);
      note(node.right, "list");
    } else if (node.kind === "path") {
      note(node, undefined);
    }
  }
  return [...read].map(([name, type]) => ({ name, type }));
}

/** A policy that reads contact attributes without declaring them: one warning, listing them (spec section 8.1). */
export const undeclaredVocabulary = check("policy", "lint", (policy, ctx) => {
  if (policy.attributes !== undefined) return;
  const attributes = attributesRead(policy);
  if (attributes.length > 0) ctx.report("undeclared-vocabulary", { attributes }, policy.name, policy);
});

/** The checks of the declared vocabulary. */
export const VOCABULARY_CHECKS: readonly Check<CheckContext>[] = [declarations, zoneAttribute, regionAttribute, conditionNames, declaredSignals];
