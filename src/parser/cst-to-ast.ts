/**
 * Step two of the DSL pipeline: CST -> AST.
 *
 * Builds exactly the AST of `src/ast.ts` from the chevrotain CST and reports
 * what the grammar lets through on purpose so it can be named precisely:
 * negative or fractional counts, unknown duration units, `24:00`, impossible
 * dates, unknown string escapes, `=` for `==`, duplicate policy lines.
 *
 * A CST left incomplete by error recovery never makes this step throw: a
 * statement with a missing piece is skipped (the syntax error is already
 * reported).
 *
 * @module
 */

import type { CstNode, CstElement, IToken } from "chevrotain";
import type * as C from "./cst.js";
import type * as A from "../ast.js";
import { parseDate } from "../calendar.js";
import { conditionDepth, MAX_CONDITION_DEPTH, SIMPLE_TYPES as A_SIMPLE_TYPES } from "../ast.js";
import type { Diagnostic, Span } from "../diagnostics.js";
import { didYouMean } from "../suggest.js";
import { connectiveMessage } from "./errors.js";
import { singularChannel } from "./names.js";
import { excerpt, tokenSpan } from "../lexer/index.js";

/** A required piece of the CST is absent (only after error recovery). */
class Missing extends Error {}

/** A statement that cannot be built, its error already reported with its own message. */
class Reported extends Missing {}

export interface ConvertContext {
  file?: string;
  diagnostics: Diagnostic[];
  /** Declared channels, for plural channel names after a count. */
  declared: readonly string[];
}

// ------------------------------------------------------------ CST access

function isToken(element: CstElement): element is IToken {
  return (element as IToken).image !== undefined;
}

/** The children of a typed CST node. */
type Children<N> = N extends { children: infer C } ? C : never;
/** The names of a node's token children. */
type TokenName<N> = {
  [K in keyof Children<N>]-?: NonNullable<Children<N>[K]> extends IToken[] ? K : never;
}[keyof Children<N>] &
  string;
/** The names of a node's sub-rule children. */
type NodeName<N> = {
  [K in keyof Children<N>]-?: NonNullable<Children<N>[K]> extends CstNode[] ? K : never;
}[keyof Children<N>] &
  string;
/** The node type of a sub-rule child. */
type NodeAt<N, K extends keyof Children<N>> = NonNullable<Children<N>[K]> extends (infer E)[] ? E : never;

function tokensOf<N extends CstNode>(node: N, name: TokenName<N>): IToken[] {
  const found = node.children[name] ?? [];
  return found.filter((e): e is IToken => isToken(e) && e.isInsertedInRecovery !== true);
}

function nodesOf<N extends CstNode, K extends NodeName<N>>(node: N, name: K): NodeAt<N, K>[] {
  const found = node.children[name] ?? [];
  return found.filter((e) => !isToken(e)) as NodeAt<N, K>[];
}

function token<N extends CstNode>(node: N, name: TokenName<N>, index = 0): IToken {
  const found = tokensOf(node, name)[index];
  if (found === undefined) throw new Missing(name);
  return found;
}

function optionalToken<N extends CstNode>(node: N, name: TokenName<N>, index = 0): IToken | undefined {
  return tokensOf(node, name)[index];
}

function child<N extends CstNode, K extends NodeName<N>>(node: N, name: K, index = 0): NodeAt<N, K> {
  const found = nodesOf(node, name)[index] as CstNode | undefined;
  if (found === undefined || found.recoveredNode === true) throw new Missing(name);
  return found as NodeAt<N, K>;
}

function optionalChild<N extends CstNode, K extends NodeName<N>>(node: N, name: K, index = 0): NodeAt<N, K> | undefined {
  const found = nodesOf(node, name)[index] as CstNode | undefined;
  if (found !== undefined && found.recoveredNode === true) throw new Missing(name);
  return found as NodeAt<N, K> | undefined;
}

function nodeSpan(node: CstNode, ctx: ConvertContext): Span | undefined {
  const loc = node.location;
  if (loc === undefined || !Number.isFinite(loc.startOffset) || !Number.isFinite(loc.endOffset ?? NaN)) return undefined;
  const span: Span = {
    line: loc.startLine ?? 1,
    column: loc.startColumn ?? 1,
    endLine: loc.endLine ?? loc.startLine ?? 1,
    endColumn: loc.endColumn ?? loc.startColumn ?? 1,
    offset: loc.startOffset,
    endOffset: (loc.endOffset ?? loc.startOffset) + 1,
  };
  if (ctx.file !== undefined) span.file = ctx.file;
  return span;
}

function tSpan(tok: IToken, ctx: ConvertContext): Span {
  return tokenSpan(tok, ctx.file);
}

/** The smallest span covering both. */
export function joinSpans(a: Span | undefined, b: Span | undefined): Span | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  const span: Span = { line: a.line, column: a.column, endLine: b.endLine, endColumn: b.endColumn };
  if (a.offset !== undefined) span.offset = a.offset;
  if (b.endOffset !== undefined) span.endOffset = b.endOffset;
  if (a.file !== undefined) span.file = a.file;
  return span;
}

function withSpan<T extends object>(value: T, span: Span | undefined): T {
  if (span !== undefined) (value as A.Draft<A.NodeBase>).span = span;
  return value;
}

function error(ctx: ConvertContext, code: string, message: string, span: Span | undefined): void {
  const diagnostic: Diagnostic = { severity: "error", code, message };
  if (span !== undefined) diagnostic.span = span;
  ctx.diagnostics.push(diagnostic);
}

// ------------------------------------------------------------ leaves

/** The value of a string token: quotes removed, escapes resolved. */
export function stringValue(tok: IToken, ctx: ConvertContext): string {
  const image = tok.image;
  const closed = image.length >= 2 && image.endsWith('"') && !image.endsWith('\\"');
  const body = image.slice(1, closed || image.endsWith('\\"') ? -1 : undefined);
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const next = body[i + 1];
    i++;
    switch (next) {
      case '"':
        out += '"';
        break;
      case "\\":
        out += "\\";
        break;
      case "n":
        out += "\n";
        break;
      case "t":
        out += "\t";
        break;
      case "r":
        out += "\r";
        break;
      case undefined:
        break;
      default:
        error(
          ctx,
          "syntax",
          `unknown escape \`\\${next}\` in string (use \`\\"\`, \`\\\\\`, \`\\n\` or \`\\t\`)`,
          tSpan(tok, ctx),
        );
        out += next;
    }
  }
  return out;
}

function ident(tok: IToken, ctx: ConvertContext): A.Ident {
  return { name: tok.image, span: tSpan(tok, ctx) };
}

function stringLit(tok: IToken, ctx: ConvertContext): A.StringLit {
  return { value: stringValue(tok, ctx), span: tSpan(tok, ctx) };
}

/** A count: a whole number, 0 or more. */
export function countValue(node: C.CountCstNode, ctx: ConvertContext, what = "count"): number {
  const num = token(node, "NumberLiteral");
  const dash = optionalToken(node, "Dash");
  const value = Number(num.image);
  const span = dash ? joinSpans(tSpan(dash, ctx), tSpan(num, ctx)) : tSpan(num, ctx);
  if (dash) {
    error(ctx, "invalid-count", `negative ${what} \`-${num.image}\` (a ${what} is a whole number, 0 or more)`, span);
    return value;
  }
  if (!Number.isInteger(value)) {
    error(ctx, "invalid-count", `${what} \`${num.image}\` is not a whole number`, span);
  } else if (!Number.isSafeInteger(value)) {
    error(ctx, "invalid-count", `${what} \`${excerpt(num.image)}\` is too large`, span);
  }
  return value;
}

/** A number literal in a condition: negative values are fine there. */
function numberValue(node: C.CountCstNode): number {
  const num = token(node, "NumberLiteral");
  const value = Number(num.image);
  return optionalToken(node, "Dash") ? -value : value;
}

/**
 * The unit words, by spelling. Name tables looked up by user text are maps:
 * a plain object would also find `constructor` or `toString`.
 */
const UNIT_WORDS: ReadonlyMap<string, A.RollingUnit> = new Map([
  ["minute", "minutes"],
  ["minutes", "minutes"],
  ["hour", "hours"],
  ["hours", "hours"],
  ["day", "days"],
  ["days", "days"],
  ["week", "weeks"],
  ["weeks", "weeks"],
]);

/** Abbreviations people write, with the word to write instead. */
const UNIT_ALIASES: ReadonlyMap<string, string> = new Map([
  ["min", "minutes"],
  ["mins", "minutes"],
  ["m", "minutes"],
  ["h", "hours"],
  ["hr", "hours"],
  ["hrs", "hours"],
  ["d", "days"],
  ["w", "weeks"],
  ["wk", "weeks"],
  ["wks", "weeks"],
]);

function unitOf(node: C.UnitCstNode, ctx: ConvertContext): { unit: A.RollingUnit; word: IToken } {
  const word = firstToken(node);
  if (word === undefined) throw new Missing("unit");
  const unit = UNIT_WORDS.get(word.image);
  if (unit !== undefined) return { unit, word };
  const alias = UNIT_ALIASES.get(word.image.toLowerCase());
  const hint =
    alias !== undefined
      ? ` (write \`${alias}\`)`
      : didYouMean(word.image, UNIT_WORDS.keys()) ||
        " (use minutes, hours, days, weeks or business days)";
  error(ctx, "invalid-duration", `unknown duration unit \`${excerpt(word.image)}\`${hint}`, tSpan(word, ctx));
  return { unit: "days", word };
}

function firstToken(node: CstNode): IToken | undefined {
  for (const elements of Object.values(node.children)) {
    for (const element of elements) {
      if (isToken(element) && element.isInsertedInRecovery !== true) return element;
    }
  }
  return undefined;
}

export function durationOf(node: C.DurationCstNode, ctx: ConvertContext): A.Duration {
  const amountNode = child(node, "count");
  const amount = countValue(amountNode, ctx, "duration");
  const business = optionalToken(node, "Business");
  const { unit, word } = unitOf(child(node, "unit"), ctx);
  const span = nodeSpan(node, ctx);
  if (business !== undefined) {
    if (unit !== "days") {
      error(
        ctx,
        "invalid-duration",
        `unknown duration \`business ${word.image}\` (only days can be business days)`,
        joinSpans(tSpan(business, ctx), tSpan(word, ctx)),
      );
    }
    return withSpan({ kind: "duration", amount, unit: "business-days" }, span);
  }
  return withSpan({ kind: "duration", amount, unit }, span);
}

export function windowOf(node: C.WindowBodyCstNode, ctx: ConvertContext): A.Window {
  const span = nodeSpan(node, ctx);
  if (optionalToken(node, "Day")) return withSpan({ kind: "calendar", unit: "day" }, span);
  if (optionalToken(node, "Week")) return withSpan({ kind: "calendar", unit: "week" }, span);
  const duration = durationOf(child(node, "duration"), ctx);
  if (duration.unit === "business-days") {
    error(
      ctx,
      "invalid-window",
      "a window cannot be counted in business days (write `per N days`, `per day` or `per week`)",
      duration.span,
    );
    return withSpan({ kind: "rolling", amount: duration.amount, unit: "days" }, span);
  }
  return withSpan({ kind: "rolling", amount: duration.amount, unit: duration.unit }, span);
}

export function timeOfDay(tok: IToken, ctx: ConvertContext): A.TimeOfDay {
  const [h = "", m = ""] = tok.image.split(":");
  const hour = Number(h);
  const minute = Number(m);
  const span = tSpan(tok, ctx);
  if (hour === 24 && minute === 0) {
    error(ctx, "invalid-time", "invalid time of day `24:00` (write `00:00` for midnight)", span);
  } else if (hour > 23 || minute > 59) {
    error(
      ctx,
      "invalid-time",
      `invalid time of day \`${tok.image}\` (hours go from 00 to 23, minutes from 00 to 59)`,
      span,
    );
  }
  return { hour, minute, span };
}

export function timeRange(node: C.TimeRangeCstNode, ctx: ConvertContext): { start: A.TimeOfDay; end: A.TimeOfDay } {
  return {
    start: timeOfDay(token(node, "TimeLiteral", 0), ctx),
    end: timeOfDay(token(node, "TimeLiteral", 1), ctx),
  };
}

function dateLit(tok: IToken, ctx: ConvertContext): A.DateLit {
  if (parseDate(tok.image) === undefined) {
    error(ctx, "invalid-date", `invalid date \`${tok.image}\` (no such day)`, tSpan(tok, ctx));
  }
  return { date: tok.image, span: tSpan(tok, ctx) };
}

// ------------------------------------------------------------ channels

function nameList(node: C.NameListCstNode, ctx: ConvertContext): A.Ident[] {
  return tokensOf(node, "Identifier").map((tok) => ident(tok, ctx));
}

/** A channel set; after a count (`counted`) plural names map to declared channels. */
export function channelSetOf(node: C.ChannelSetCstNode, ctx: ConvertContext, counted: boolean): A.ChannelSet {
  const span = nodeSpan(node, ctx);
  if (optionalToken(node, "Any")) return withSpan({ kind: "all", word: "any" }, span);
  if (optionalChild(node, "touchWord")) return withSpan({ kind: "all", word: "touches" }, span);
  const channels = nameList(child(node, "nameList"), ctx).map((channel) =>
    counted ? { ...channel, name: singularChannel(channel.name, ctx.declared) } : channel,
  );
  if (channels.length === 0) throw new Missing("channel");
  return withSpan({ kind: "list", channels }, span);
}

// ------------------------------------------------------------ conditions

/**
 * How many terms one `and` or `or` chain may join. A chain is a tree as deep
 * as it is long, and every later step walks conditions recursively: like
 * nesting, length is bounded (no condition a person writes comes near it).
 */
export const MAX_TERMS = 64;

/** The number of parts of a chain to build: all, or the first {@link MAX_TERMS} after reporting the rest. */
function boundedTerms(parts: readonly CstNode[], operator: string, ctx: ConvertContext): number {
  if (parts.length <= MAX_TERMS) return parts.length;
  error(ctx, "too-long", `condition joins more than ${MAX_TERMS} terms with \`${operator}\``, nodeSpan(parts[MAX_TERMS]!, ctx));
  return MAX_TERMS;
}

/**
 * A condition, its depth bounded ({@link MAX_CONDITION_DEPTH}): nesting and
 * chains are bounded one by one, and together they must stay within what
 * recursive steps can walk.
 */
export function conditionOf(node: C.ConditionCstNode, ctx: ConvertContext): A.Expr {
  const expr = orOf(node, ctx);
  if (conditionDepth(expr) > MAX_CONDITION_DEPTH) {
    error(ctx, "too-deep", `condition nested more than ${MAX_CONDITION_DEPTH} levels deep, counting each \`and\`, \`or\` and \`not\``, expr.span);
  }
  return expr;
}

function orOf(node: C.ConditionCstNode, ctx: ConvertContext): A.Expr {
  const parts = nodesOf(node, "andExpr");
  if (parts.length === 0) throw new Missing("condition");
  const count = boundedTerms(parts, "or", ctx);
  let expr = andOf(child(node, "andExpr", 0), ctx);
  for (let i = 1; i < count; i++) {
    const right = andOf(child(node, "andExpr", i), ctx);
    expr = withSpan({ kind: "or", left: expr, right }, joinSpans(expr.span, right.span));
  }
  return expr;
}

function andOf(node: C.AndExprCstNode, ctx: ConvertContext): A.Expr {
  const parts = nodesOf(node, "notExpr");
  const count = boundedTerms(parts, "and", ctx);
  let expr = notOf(child(node, "notExpr", 0), ctx);
  for (let i = 1; i < count; i++) {
    const right = notOf(child(node, "notExpr", i), ctx);
    expr = withSpan({ kind: "and", left: expr, right }, joinSpans(expr.span, right.span));
  }
  return expr;
}

function notOf(node: C.NotExprCstNode, ctx: ConvertContext): A.Expr {
  const not = optionalToken(node, "Not");
  if (not !== undefined) {
    const inner = notOf(child(node, "notExpr"), ctx);
    return withSpan({ kind: "not", expr: inner }, nodeSpan(node, ctx));
  }
  return atomOf(child(node, "atom"), ctx);
}

function atomOf(node: C.AtomCstNode, ctx: ConvertContext): A.Expr {
  const nested = optionalChild(node, "condition");
  if (nested !== undefined) {
    token(node, "RParen");
    return orOf(nested, ctx);
  }
  if (optionalToken(node, "Exists")) {
    return withSpan({ kind: "exists", path: pathOf(child(node, "path"), ctx) }, nodeSpan(node, ctx));
  }
  const fact = optionalChild(node, "fact");
  if (fact !== undefined) {
    const seen = factOf(fact, ctx);
    if (seen.kind === "seen") return seen;
    throw new Reported("seen");
  }
  return comparisonOf(child(node, "comparison"), ctx);
}

/** The facts that name a signal, and those that name channels (spec section 8.2). */
const SIGNAL_FACTS: ReadonlySet<string> = new Set(["seen", "count", "last"]);
const CHANNEL_FACTS: ReadonlySet<string> = new Set(["touches", "total_touches"]);

/**
 * A fact: `seen(...)` (a condition), `count(...)`, `last(...).PROP`,
 * `touches(...)`, `total_touches(...)` (values). The grammar lets any name
 * and body through; what does not fit a fact is reported here.
 */
function factOf(node: C.FactCstNode, ctx: ConvertContext): A.SeenExpr | A.CountFact | A.LastFact | A.TouchesFact {
  const span = nodeSpan(node, ctx);
  const nameToken = optionalToken(node, "Identifier") ?? token(node, "Touches");
  const name = nameToken.image;
  token(node, "RParen");
  const props = tokensOf(node, "Word").map((t) => t.image);
  if (tokensOf(node, "Dot").length !== props.length) throw new Missing("prop");
  const whereNode = optionalChild(node, "condition");
  const where = whereNode === undefined ? undefined : conditionOf(whereNode, ctx);
  const channels = channelSetOf(child(node, "channelSet"), ctx, false);
  if (!SIGNAL_FACTS.has(name) && !CHANNEL_FACTS.has(name)) {
    const guess = didYouMean(name, [...SIGNAL_FACTS, ...CHANNEL_FACTS]);
    error(ctx, "syntax", `unknown fact \`${excerpt(name)}(...)\`${guess || " (use `seen`, `count`, `last`, `touches` or `total_touches`)"}`, tSpan(nameToken, ctx));
    throw new Reported("fact");
  }
  if (CHANNEL_FACTS.has(name)) {
    if (where !== undefined) error(ctx, "syntax", `\`${name}(...)\` counts touches on channels: it takes no \`where\``, where.span);
    if (props.length > 0) error(ctx, "syntax", `\`${name}(...)\` is a number: it has no props`, span);
    return withSpan({ kind: name as "touches" | "total_touches", channels }, span);
  }
  if (channels.kind !== "list" || channels.channels.length !== 1) {
    error(ctx, "syntax", `\`${name}(...)\` takes one signal (\`${name}(reply)\`)`, channels.span);
    throw new Reported("signal");
  }
  const signal = channels.channels[0]!;
  const fact: A.Draft<A.SeenExpr | A.CountFact | A.LastFact> =
    name === "last" ? { kind: "last", signal, prop: props } : { kind: name as "seen" | "count", signal };
  if (where !== undefined) fact.where = where;
  if (name === "last" && props.length === 0) {
    error(ctx, "syntax", "`last(...)` needs the prop to read (`last(reply).prefers`)", span);
  } else if (name !== "last" && props.length > 0) {
    error(ctx, "syntax", `\`${name}(...)\` has no props (\`last(${signal.name}).${props.join(".")}\` reads a prop of the latest one)`, span);
  }
  return withSpan(fact, span);
}

/** The comparison operators, by token type. */
const COMPARE_OPS: ReadonlyMap<string, A.CompareOp> = new Map([
  ["Equal", "=="],
  ["NotEqual", "!="],
  ["LessEqual", "<="],
  ["GreaterEqual", ">="],
  ["Less", "<"],
  ["Greater", ">"],
  ["SingleEqual", "=="],
]);

function comparisonOf(node: C.ComparisonCstNode, ctx: ConvertContext): A.Expr {
  const span = nodeSpan(node, ctx);
  const left = operandOf(child(node, "operand", 0), ctx);
  const opNode = optionalChild(node, "compareOp");
  if (opNode !== undefined) {
    const opToken = firstToken(opNode);
    if (opToken === undefined) throw new Missing("operator");
    const op = COMPARE_OPS.get(opToken.tokenType.name);
    if (op === undefined) throw new Missing("operator");
    if (opToken.tokenType.name === "SingleEqual") {
      error(ctx, "syntax", "use `==` to compare, not `=`", tSpan(opToken, ctx));
    }
    const right = operandOf(child(node, "operand", 1), ctx);
    return withSpan({ kind: "compare", op, left, right }, span);
  }
  token(node, "In");
  const negated = optionalToken(node, "Not") !== undefined;
  const right = operandOf(child(node, "operand", 1), ctx);
  return withSpan({ kind: "in", negated, left, right }, span);
}

function operandOf(node: C.OperandCstNode, ctx: ConvertContext): A.Operand {
  const factNode = optionalChild(node, "fact");
  if (factNode !== undefined) {
    const fact = factOf(factNode, ctx);
    if (fact.kind !== "seen") return fact;
    error(ctx, "syntax", "`seen(...)` is a condition, not a value: write it alone (`seen(reply)`, `not seen(reply)`)", fact.span);
    throw new Reported("value");
  }
  const path = optionalChild(node, "path");
  if (path !== undefined) return pathOf(path, ctx);
  const list = optionalChild(node, "list");
  if (list !== undefined) {
    const items = nodesOf(list, "literal").map((item) => literalOf(item, ctx));
    token(list, "RBracket");
    return withSpan({ kind: "list", items }, nodeSpan(list, ctx));
  }
  const duration = optionalChild(node, "duration");
  if (duration !== undefined) return durationOf(duration, ctx);
  return literalOf(child(node, "literal"), ctx);
}

function literalOf(node: C.LiteralCstNode, ctx: ConvertContext): A.Literal {
  if (node.recoveredNode === true) throw new Missing("literal");
  const span = nodeSpan(node, ctx);
  const str = optionalToken(node, "StringLiteral");
  if (str !== undefined) return withSpan({ kind: "literal", value: stringValue(str, ctx) }, span);
  if (optionalToken(node, "True")) return withSpan({ kind: "literal", value: true }, span);
  if (optionalToken(node, "False")) return withSpan({ kind: "literal", value: false }, span);
  return withSpan({ kind: "literal", value: numberValue(child(node, "count")) }, span);
}

export function pathOf(node: C.PathCstNode, ctx: ConvertContext): A.PathRef {
  const heads = [
    ...tokensOf(node, "Identifier"),
    ...tokensOf(node, "Touch"),
    ...tokensOf(node, "Touches"),
    ...tokensOf(node, "Ignored"),
  ];
  const first = heads[0];
  if (first === undefined) throw new Missing("path");
  const rest = tokensOf(node, "Word").map((t) => t.image);
  if (tokensOf(node, "Dot").length !== rest.length) throw new Missing("path segment");
  return withSpan({ kind: "path", segments: [first.image, ...rest] }, nodeSpan(node, ctx));
}

// ------------------------------------------------------------ transitions

export function afterTriggerOf(
  node: C.AfterSpecCstNode,
  ctx: ConvertContext,
): A.IgnoredTrigger | A.TouchesTrigger | A.ElapsedTrigger {
  const span = nodeSpan(node, ctx);
  const duration = optionalChild(node, "duration");
  if (duration !== undefined) return withSpan({ kind: "elapsed", duration: durationOf(duration, ctx) }, span);
  const count = countValue(child(node, "count"), ctx);
  child(node, "touchWord");
  if (optionalToken(node, "Ignored")) return withSpan({ kind: "ignored", count }, span);
  return withSpan({ kind: "touches", count }, span);
}

function triggerOf(node: C.TriggerCstNode, ctx: ConvertContext): A.Trigger {
  const span = nodeSpan(node, ctx);
  if (optionalToken(node, "After")) return afterTriggerOf(child(node, "afterSpec"), ctx);
  const signal = optionalChild(node, "signalTrigger");
  if (signal !== undefined) {
    const trigger: A.Draft<A.SignalTrigger> = { kind: "signal", signal: ident(token(signal, "Identifier"), ctx) };
    const where = optionalChild(signal, "condition");
    if (where !== undefined) trigger.where = conditionOf(where, ctx);
    return withSpan(trigger, nodeSpan(signal, ctx));
  }
  token(node, "When");
  return withSpan({ kind: "when", condition: conditionOf(child(node, "condition"), ctx) }, span);
}

function transitionOf(node: C.TransitionCstNode, ctx: ConvertContext): A.Transition {
  const trigger = triggerOf(child(node, "trigger"), ctx);
  token(node, "Move");
  token(node, "To");
  const target = ident(token(node, "Identifier"), ctx);
  return withSpan({ trigger, target }, nodeSpan(node, ctx));
}

// ------------------------------------------------------------ rules

function whereOf(node: C.NeverRuleCstNode, index: number, ctx: ConvertContext): A.Expr | undefined {
  const where = optionalChild(node, "whereClause", index);
  return where === undefined ? undefined : conditionOf(child(where, "condition"), ctx);
}

function neverOf(node: C.NeverRuleCstNode, ctx: ConvertContext): A.Rule {
  const channels = channelSetOf(child(node, "channelSet"), ctx, false);
  const taggedToken = optionalToken(node, "Tagged") ? token(node, "StringLiteral") : undefined;
  const base: A.Draft<A.NeverBase> = { channels };
  if (taggedToken !== undefined) base.tagged = stringLit(taggedToken, ctx);
  const where = whereOf(node, 0, ctx);
  const withWhere = (rule: A.Draft<A.NeverWithoutRule | A.NeverAfterRule | A.NeverWithinRule>): A.Rule => {
    if (where !== undefined) rule.where = where;
    return rule;
  };
  if (optionalToken(node, "Without")) {
    return withWhere({ ...base, kind: "never-without", signal: ident(token(node, "Identifier"), ctx) });
  }
  if (optionalToken(node, "After")) {
    return withWhere({ ...base, kind: "never-after", signal: ident(token(node, "Identifier"), ctx) });
  }
  if (optionalToken(node, "Within")) {
    const duration = durationOf(child(node, "duration"), ctx);
    token(node, "Of");
    return withWhere({ ...base, kind: "never-within", duration, signal: ident(token(node, "Identifier"), ctx) });
  }
  const { word, condition } = ruleConditionOf(child(node, "ruleCondition"), ctx);
  return { ...base, kind: "never-when", [word]: condition };
}

/** `when COND` or `unless COND`. */
function ruleConditionOf(node: C.RuleConditionCstNode, ctx: ConvertContext): { word: "when" | "unless"; condition: A.Expr } {
  const word = optionalToken(node, "Unless") !== undefined ? "unless" : "when";
  return { word, condition: conditionOf(child(node, "condition"), ctx) };
}

/** A rule with its trailing `when COND` or `unless COND`, if any (spec section 8.3). */
function withCondition(rule: A.Draft<A.Rule>, node: C.RuleBodyCstNode, ctx: ConvertContext): A.Rule {
  const trailing = optionalChild(node, "ruleCondition");
  if (trailing === undefined) return rule;
  const { word, condition } = ruleConditionOf(trailing, ctx);
  if (rule.kind === "never-when") {
    error(
      ctx,
      "syntax",
      `a \`never ... ${rule.when !== undefined ? "when" : "unless"}\` rule takes one condition: join the two with \`and\``,
      nodeSpan(trailing, ctx),
    );
    return rule;
  }
  rule[word] = condition;
  return rule;
}

function ruleBodyOf(node: C.RuleBodyCstNode, ctx: ConvertContext): A.Rule {
  const never = optionalChild(node, "neverRule");
  if (never !== undefined) return withCondition(neverOf(never, ctx), node, ctx);
  const atMost = optionalChild(node, "atMostRule");
  if (atMost !== undefined) {
    const count = countValue(child(atMost, "count"), ctx);
    const channels = channelSetOf(child(atMost, "channelSet"), ctx, true);
    token(atMost, "Per");
    const window = windowOf(child(atMost, "windowBody"), ctx);
    const across = optionalToken(atMost, "Across") === undefined ? undefined : optionalToken(atMost, "Identifier");
    if (across !== undefined) {
      // `across` names the group counted together; `account` is the one there is (spec section 8.4)
      if (across.image !== "account") error(ctx, "syntax", `expected \`account\` after \`across\`, got \`${across.image}\``, tSpan(across, ctx));
      return withCondition({ kind: "at-most-account", count, channels, window }, node, ctx);
    }
    const rule: A.Draft<A.AtMostRule> = { kind: "at-most", count, channels, window };
    if (optionalToken(atMost, "By") !== undefined) rule.by = ident(token(atMost, "Identifier"), ctx);
    return withCondition(rule, node, ctx);
  }
  const atLeast = optionalChild(node, "atLeastRule");
  if (atLeast !== undefined) {
    const duration = durationOf(child(atLeast, "duration"), ctx);
    token(atLeast, "Between");
    return withCondition({ kind: "at-least", duration, channels: channelSetOf(child(atLeast, "channelSet"), ctx, false) }, node, ctx);
  }
  const quiet = optionalChild(node, "quietHoursRule");
  if (quiet !== undefined) {
    const { start, end } = timeRange(child(quiet, "timeRange"), ctx);
    const rule: A.Draft<A.QuietHoursRule> = { kind: "quiet-hours", start, end };
    const forClause = optionalChild(quiet, "forClause");
    if (forClause !== undefined) rule.channels = channelSetOf(child(forClause, "channelSet"), ctx, false);
    return withCondition(rule, node, ctx);
  }
  const business = child(node, "businessDaysRule");
  token(business, "Business");
  const rule: A.Draft<A.OnlyBusinessDaysRule> = { kind: "only-business-days" };
  const forClause = optionalChild(business, "forClause");
  if (forClause !== undefined) rule.channels = channelSetOf(child(forClause, "channelSet"), ctx, false);
  return withCondition(rule, node, ctx);
}

function ruleOf(node: C.RuleDeclCstNode, ctx: ConvertContext): A.Rule {
  const rule: A.Draft<A.Rule> = ruleBodyOf(child(node, "ruleBody"), ctx);
  if (optionalToken(node, "Rule")) {
    rule.name = ident(token(node, "Word"), ctx);
    token(node, "Colon");
  }
  return withSpan(rule, nodeSpan(node, ctx));
}

// ------------------------------------------------------------ vocabulary (spec section 8.1)

const TYPE_WORDS: ReadonlyMap<string, A.SimpleTypeName> = new Map(A_SIMPLE_TYPES.map((t) => [t, t]));

/** Type names other languages use, with the one to write instead. */
const TYPE_ALIASES: ReadonlyMap<string, A.SimpleTypeName> = new Map([
  ["bool", "boolean"],
  ["int", "number"],
  ["integer", "number"],
  ["float", "number"],
  ["str", "string"],
  ["text", "string"],
  ["array", "list"],
]);

function valueTypeOf(node: C.ValueTypeCstNode, ctx: ConvertContext): A.ValueType {
  const span = nodeSpan(node, ctx);
  const word = optionalToken(node, "Identifier");
  if (word !== undefined) {
    const simple = TYPE_WORDS.get(word.image);
    if (simple !== undefined) return withSpan({ kind: simple }, span);
    const alias = TYPE_ALIASES.get(word.image.toLowerCase());
    const hint =
      alias !== undefined
        ? ` (write \`${alias}\`)`
        : didYouMean(word.image, TYPE_WORDS.keys()) || ' (use `string`, `number`, `boolean`, `list` or a choice such as `"a" | "b"`)';
    error(ctx, "unknown-type", `unknown type \`${excerpt(word.image)}\`${hint}`, tSpan(word, ctx));
    return withSpan({ kind: "string" }, span);
  }
  const values = tokensOf(node, "StringLiteral").map((t) => stringLit(t, ctx));
  if (values.length === 0) throw new Missing("type");
  return withSpan({ kind: "choice", values }, span);
}

function declarationsOf(node: C.DeclarationsCstNode | undefined, ctx: ConvertContext): A.Declaration[] {
  if (node === undefined) return [];
  return nodesOf(node, "declaration").map((d) => {
    const name = ident(token(d, "Word"), ctx);
    token(d, "Colon");
    return withSpan({ name, type: valueTypeOf(child(d, "valueType"), ctx) }, nodeSpan(d, ctx));
  });
}

function signalDeclarationsOf(node: C.SignalsBlockCstNode, ctx: ConvertContext): A.SignalDeclaration[] {
  token(node, "RCurly");
  return nodesOf(node, "signalDeclaration").map((d) => {
    const name = ident(token(d, "Identifier"), ctx);
    if (optionalToken(d, "LCurly") !== undefined) token(d, "RCurly");
    return withSpan({ name, props: declarationsOf(optionalChild(d, "declarations"), ctx) }, nodeSpan(d, ctx));
  });
}

// ------------------------------------------------------------ stages and policy

/**
 * Runs one statement's conversion; a statement left incomplete by error
 * recovery is skipped (its syntax error is already reported).
 */
function statement<T>(node: CstNode, ctx: ConvertContext, convert: () => T): T | undefined {
  try {
    return convert();
  } catch (e) {
    if (!(e instanceof Missing)) throw e;
    if (e instanceof Reported) return undefined;
    ctx.diagnostics.push({
      severity: "error",
      code: "incomplete",
      message: "incomplete statement",
      ...(nodeSpan(node, ctx) ? { span: nodeSpan(node, ctx)! } : {}),
    });
    return undefined;
  }
}

const POLICY_WORDS = [
  "timezone", "channels", "engagement", "ignore", "holidays", "applies", "attributes", "signals", "stage", "start", "final",
  "never", "at", "quiet", "only", "after", "on", "when", "rule",
];
const STAGE_WORDS = ["allow", "never", "at", "quiet", "only", "after", "on", "when", "rule"];

/** The tokens of a CST node, in source order. */
function tokensIn(node: CstNode): IToken[] {
  const found: IToken[] = [];
  const stack: CstElement[] = [node];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    if (isToken(top)) {
      if (top.isInsertedInRecovery !== true) found.push(top);
    } else for (const elements of Object.values(top.children)) for (const e of elements) stack.push(e);
  }
  return found.sort((a, b) => a.startOffset - b.startOffset);
}

/** True when the node ends with a list of names (`channels email, call`, `... for call, sms`), which a missing `,` would have continued. */
function endsWithNames(node: CstNode): boolean {
  let last: CstNode | undefined = node;
  while (last !== undefined) {
    if (last.name === "nameList") return true;
    let next: CstNode | undefined;
    let end = -1;
    for (const elements of Object.values(last.children)) {
      for (const e of elements) {
        const offset = isToken(e) ? e.endOffset ?? e.startOffset : e.location?.endOffset ?? -1;
        if (offset > end) {
          end = offset;
          next = isToken(e) ? undefined : e;
        }
      }
    }
    last = next;
  }
  return false;
}

/** Reports a line that starts with a word that starts no statement. */
function unknownStatement(node: C.UnknownStatementCstNode, ctx: ConvertContext, inStage: boolean, previousEndLine: number, previous?: CstNode): void {
  const word = optionalToken(node, "Identifier");
  if (word === undefined) return;
  const span = tSpan(word, ctx);
  if (word.startLine === previousEndLine) {
    // `never call within 2 days of content_download unless ...`: the wrong connective after a signal
    const before = previous === undefined ? [] : tokensIn(previous);
    const signal = before[before.length - 1];
    const keyword = before[before.length - 2];
    if ((word.image === "unless" || word.image === "when") && signal?.tokenType.name === "Identifier" && keyword !== undefined && ["On", "Without", "After", "Of"].includes(keyword.tokenType.name)) {
      const statement = before.map((t) => t.image).join(" ");
      error(ctx, "syntax", connectiveMessage(word.image, statement, keyword.image, signal.image), span);
      return;
    }
    const comma = previous !== undefined && endsWithNames(previous) ? " (is a `,` missing?)" : "";
    error(ctx, "syntax", `unexpected \`${excerpt(word.image)}\` after the end of a statement${comma}`, span);
    return;
  }
  const guess = didYouMean(word.image, inStage ? STAGE_WORDS : POLICY_WORDS);
  const expected = inStage ? "`allow`, a rule or a transition" : "a policy line, a stage, a rule or a transition";
  error(
    ctx,
    "syntax",
    guess !== "" ? `unknown word \`${excerpt(word.image)}\`${guess}` : `unknown word \`${excerpt(word.image)}\`, expected ${expected}`,
    span,
  );
}

function endLine(node: CstNode): number {
  return node.location?.endLine ?? 0;
}

function stageOf(node: C.StageDeclCstNode, ctx: ConvertContext): A.Stage {
  const name = ident(token(node, "Identifier"), ctx);
  const stage: A.Draft<A.Stage> = {
    name,
    start: optionalToken(node, "Start") !== undefined,
    final: optionalToken(node, "Final") !== undefined,
    rules: [],
    transitions: [],
  };
  if (optionalToken(node, "LCurly")) token(node, "RCurly");
  let previousEndLine = optionalToken(node, "LCurly")?.startLine ?? 0;
  let previousItem: CstNode | undefined;
  for (const item of nodesOf(node, "stageItem")) {
    const lastEnd = previousEndLine;
    const lastItem = previousItem;
    previousEndLine = endLine(item);
    previousItem = item;
    statement(item, ctx, () => {
      const unknown = optionalChild(item, "unknownStatement");
      if (unknown !== undefined) {
        unknownStatement(unknown, ctx, true, lastEnd, lastItem);
        return;
      }
      const allow = optionalChild(item, "allowLine");
      if (allow !== undefined) {
        const channels = nameList(child(allow, "nameList"), ctx);
        if (stage.allow !== undefined) {
          error(ctx, "duplicate-line", `stage \`${name.name}\` has more than one \`allow\` line`, nodeSpan(allow, ctx));
          stage.allow = { ...stage.allow, channels: [...stage.allow.channels, ...channels] };
        } else {
          stage.allow = withSpan<A.ChannelList>({ kind: "list", channels }, nodeSpan(allow, ctx));
        }
        return;
      }
      const transition = optionalChild(item, "transition");
      if (transition !== undefined) {
        stage.transitions.push(transitionOf(transition, ctx));
        return;
      }
      stage.rules.push(ruleOf(child(item, "ruleDecl"), ctx));
    });
  }
  return withSpan(stage, nodeSpan(node, ctx));
}

/** The declared channel names, read before the rest so plurals resolve whatever the order of lines. */
function declaredChannels(root: C.PolicyCstNode): string[] {
  const names: string[] = [];
  for (const item of nodesOf(root, "policyItem")) {
    for (const line of nodesOf(item, "channelsLine")) {
      for (const list of nodesOf(line, "nameList")) for (const t of tokensOf(list, "Identifier")) names.push(t.image);
    }
  }
  return names;
}

export function policyOf(root: C.PolicyCstNode, ctx: ConvertContext): A.Draft<A.Policy> | undefined {
  ctx.declared = declaredChannels(root);
  const nameToken = optionalToken(root, "StringLiteral") ?? optionalToken(root, "Identifier");
  if (nameToken === undefined) return undefined;
  const name: A.StringLit =
    nameToken.tokenType.name === "StringLiteral"
      ? stringLit(nameToken, ctx)
      : { value: nameToken.image, span: tSpan(nameToken, ctx) };
  const policy: A.Draft<A.Policy> = { name, channels: [], stages: [], transitions: [], rules: [] };
  const seen = new Set<string>();
  const once = (line: string, node: CstNode): void => {
    if (seen.has(line)) error(ctx, "duplicate-line", `more than one \`${line}\` line`, nodeSpan(node, ctx));
    seen.add(line);
  };

  let previousEndLine = optionalToken(root, "LCurly")?.startLine ?? 0;
  let previousItem: CstNode | undefined;
  for (const item of nodesOf(root, "policyItem")) {
    const lastEnd = previousEndLine;
    const lastItem = previousItem;
    previousEndLine = endLine(item);
    previousItem = item;
    statement(item, ctx, () => {
      const timezone = optionalChild(item, "timezoneLine");
      if (timezone !== undefined) {
        once("timezone", timezone);
        const spec: A.Draft<A.TimezoneSpec> = { from: pathOf(child(timezone, "path"), ctx) };
        if (optionalToken(timezone, "Else")) spec.fallback = stringLit(token(timezone, "StringLiteral"), ctx);
        policy.timezone = withSpan(spec, nodeSpan(timezone, ctx));
        return;
      }
      const channels = optionalChild(item, "channelsLine");
      if (channels !== undefined) {
        once("channels", channels);
        for (const channel of nameList(child(channels, "nameList"), ctx)) policy.channels.push(channel);
        return;
      }
      const engagement = optionalChild(item, "engagementLine");
      if (engagement !== undefined) {
        once("engagement", engagement);
        policy.engagement = [...(policy.engagement ?? []), ...nameList(child(engagement, "nameList"), ctx)];
        return;
      }
      const ignoreWindow = optionalChild(item, "ignoreWindowLine");
      if (ignoreWindow !== undefined) {
        once("ignore window", ignoreWindow);
        policy.ignoreWindow = durationOf(child(ignoreWindow, "duration"), ctx);
        return;
      }
      const holidays = optionalChild(item, "holidaysLine");
      if (holidays !== undefined && optionalToken(holidays, "From")) {
        // beside a line of dates, one line naming where the contact's region comes from
        once("holidays from", holidays);
        const spec: A.Draft<A.HolidaysFromSpec> = { from: pathOf(child(holidays, "path"), ctx) };
        if (optionalToken(holidays, "Else")) spec.fallback = stringLit(token(holidays, "StringLiteral"), ctx);
        policy.holidaysFrom = withSpan(spec, nodeSpan(holidays, ctx));
        return;
      }
      if (holidays !== undefined) {
        once("holidays", holidays);
        policy.holidays = [...(policy.holidays ?? []), ...tokensOf(holidays, "DateLiteral").map((t) => dateLit(t, ctx))];
        return;
      }
      const applies = optionalChild(item, "appliesLine");
      if (applies !== undefined) {
        once("applies when", applies);
        policy.appliesWhen = conditionOf(child(applies, "condition"), ctx);
        return;
      }
      const attributes = optionalChild(item, "attributesBlock");
      if (attributes !== undefined) {
        once("attributes", attributes);
        token(attributes, "RCurly");
        const declarations = [...(policy.attributes?.declarations ?? []), ...declarationsOf(child(attributes, "declarations"), ctx)];
        policy.attributes = withSpan({ declarations }, policy.attributes?.span ?? nodeSpan(attributes, ctx));
        return;
      }
      const signals = optionalChild(item, "signalsBlock");
      if (signals !== undefined) {
        once("signals", signals);
        const declarations = [...(policy.signals?.declarations ?? []), ...signalDeclarationsOf(signals, ctx)];
        policy.signals = withSpan({ declarations }, policy.signals?.span ?? nodeSpan(signals, ctx));
        return;
      }
      const stage = optionalChild(item, "stageDecl");
      if (stage !== undefined) {
        policy.stages.push(stageOf(stage, ctx));
        return;
      }
      const transition = optionalChild(item, "transition");
      if (transition !== undefined) {
        policy.transitions.push(transitionOf(transition, ctx));
        return;
      }
      const rule = optionalChild(item, "ruleDecl");
      if (rule !== undefined) {
        policy.rules.push(ruleOf(rule, ctx));
        return;
      }
      const allow = optionalChild(item, "allowLine");
      if (allow !== undefined) {
        error(
          ctx,
          "syntax",
          "`allow` belongs inside a stage (a policy without stages allows every declared channel)",
          nodeSpan(allow, ctx),
        );
        return;
      }
      unknownStatement(child(item, "unknownStatement"), ctx, false, lastEnd, lastItem);
    });
  }
  return withSpan(policy, nodeSpan(root, ctx));
}
