/**
 * The DSL front end: text -> tokens -> CST -> AST, with every error as a
 * diagnostic.
 *
 * @module
 */

import type { CstNode, IToken } from "chevrotain";
import type { Policy } from "../ast.js";
import { hasErrors, sortDiagnostics, type Diagnostic, type Span } from "../diagnostics.js";
import { FILE_START, tokenize, tokenSpan, type TextOrigin } from "../lexer/index.js";
import { policyOf, type ConvertContext } from "./cst-to-ast.js";
import type { PolicyCstNode } from "./cst.js";
import { syntaxDiagnostics } from "./errors.js";
import { grammar, TooManySyntaxErrors, type EntryRule } from "./grammar.js";

/** Options of {@link parseDsl}. */
export interface ParseDslOptions {
  /** The file name, shown in diagnostics' spans. */
  file?: string;
}

/** What {@link parseDsl} returns. */
export interface ParseDslResult {
  /** The policy; absent whenever there is an error diagnostic. */
  policy: Policy | undefined;
  /** Every error found, sorted by position. */
  diagnostics: Diagnostic[];
}

/**
 * The longest policy text read, in characters (half a megabyte): far
 * beyond any cadence (the examples are a few kilobytes; 20,000 channels
 * take 150 kB, 10,000 transitions 300 kB), and a bound on what parsing may
 * cost (the YAML reader takes about a second per megabyte).
 */
export const MAX_POLICY_LENGTH = 500_000;

/** The `too-large` diagnostic for a text longer than {@link MAX_POLICY_LENGTH}, at the first character past it; undefined for a text within it. */
export function tooLarge(text: string, file?: string): Diagnostic | undefined {
  if (text.length <= MAX_POLICY_LENGTH) return undefined;
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < MAX_POLICY_LENGTH; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  const column = MAX_POLICY_LENGTH - lineStart + 1;
  const span: Span = { line, column, endLine: line, endColumn: column, offset: MAX_POLICY_LENGTH, endOffset: MAX_POLICY_LENGTH + 1 };
  if (file !== undefined) span.file = file;
  const count = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return {
    severity: "error",
    code: "too-large",
    message: `the policy is ${count(text.length)} characters long: at most ${count(MAX_POLICY_LENGTH)}`,
    span,
  };
}

/** At most this many diagnostics are reported for one text. */
export const MAX_DIAGNOSTICS = 200;

/** How deep parentheses and `not`s may nest: beyond this a condition is surely a mistake, and recursion must stay bounded. */
export const MAX_NESTING = 64;

/** The first token past the nesting limit, if any. */
function nestingLimit(tokens: readonly IToken[]): IToken | undefined {
  let depth = 0;
  let nots = 0;
  for (const token of tokens) {
    const name = token.tokenType.name;
    if (name === "LParen" || name === "LBracket" || name === "LCurly") depth++;
    else if (name === "RParen" || name === "RBracket" || name === "RCurly") depth = Math.max(0, depth - 1);
    nots = name === "Not" || name === "LParen" ? nots + 1 : 0;
    if (depth > MAX_NESTING || nots > MAX_NESTING) return token;
  }
  return undefined;
}

/** A span of nothing at `origin`. */
export function startOf(origin: TextOrigin): Span {
  const span: Span = { line: origin.line, column: origin.column, endLine: origin.line, endColumn: origin.column, offset: origin.offset, endOffset: origin.offset };
  if (origin.file !== undefined) span.file = origin.file;
  return span;
}

/** The outcome of running one entry rule over a piece of text. */
export interface EntryResult {
  cst: CstNode | undefined;
  context: ConvertContext;
  comments: IToken[];
}

/**
 * Lexes and parses `text` with one entry rule; lexer and syntax errors land
 * in the context's diagnostics. Positions are absolute, from `origin`.
 */
export function runEntryRule(entry: EntryRule, text: string, origin: TextOrigin): EntryResult {
  const context: ConvertContext = { diagnostics: [], declared: [] };
  if (origin.file !== undefined) context.file = origin.file;
  const { tokens, comments, diagnostics } = tokenize(text, origin);
  for (const diagnostic of diagnostics) context.diagnostics.push(diagnostic);
  const tooDeep = nestingLimit(tokens);
  if (tooDeep !== undefined) {
    context.diagnostics.push({
      severity: "error",
      code: "too-deep",
      message: `condition nested more than ${MAX_NESTING} levels deep`,
      span: tokenSpan(tooDeep, origin.file),
    });
    return { cst: undefined, context, comments };
  }
  grammar.input = tokens;
  let cst: CstNode | undefined;
  let stopped = false;
  try {
    cst = grammar[entry]();
  } catch (e) {
    if (e instanceof TooManySyntaxErrors) {
      // the errors so far are reported (more than a report shows); the tree is incomplete
      stopped = true;
      cst = undefined;
    } else {
      // Nesting is bounded above; a stack overflow here would still be a text too deep to read, not a crash.
      if (!(e instanceof RangeError)) throw e;
      grammar.input = [];
      context.diagnostics.push({ severity: "error", code: "too-deep", message: "the text is nested too deeply to read", span: startOf(origin) });
      return { cst: undefined, context, comments };
    }
  }
  const syntax = syntaxDiagnostics(grammar.errors, tokens, origin.file, stopped);
  // an error with no token to point at (a text of nothing but characters the lexer refused) points at the text's start
  for (const diagnostic of syntax) context.diagnostics.push(diagnostic.span === undefined ? { ...diagnostic, span: startOf(origin) } : diagnostic);
  grammar.input = [];
  return { cst, context, comments };
}

/**
 * Drops diagnostics of the CST -> AST step that sit on a line already
 * carrying a syntax error: recovery leaves odd pieces there, and one
 * message per problem reads better.
 */
export function settle(syntaxCount: number, diagnostics: Diagnostic[]): Diagnostic[] {
  const syntax = diagnostics.slice(0, syntaxCount);
  const lines = new Set(syntax.map((d) => d.span?.line));
  const later = diagnostics.slice(syntaxCount).filter((d) => d.code !== "incomplete" || syntaxCount === 0);
  const kept = later.filter((d) => syntaxCount === 0 || !lines.has(d.span?.line));
  const all = sortDiagnostics([...syntax, ...kept]);
  if (all.length <= MAX_DIAGNOSTICS) return all;
  const shown = all.slice(0, MAX_DIAGNOSTICS);
  const last = shown[shown.length - 1]!;
  const note: Diagnostic = { severity: "error", code: "syntax", message: `${all.length - MAX_DIAGNOSTICS} more errors not shown` };
  if (last.span !== undefined) note.span = last.span;
  return [...shown, note];
}

/** Parses a `.heed` policy. Never throws; a policy is returned only when there is no error. */
export function parseDsl(text: string, options: ParseDslOptions = {}): ParseDslResult {
  const large = tooLarge(text, options.file);
  if (large !== undefined) return { policy: undefined, diagnostics: [large] };
  const origin: TextOrigin = { ...FILE_START };
  if (options.file !== undefined) origin.file = options.file;
  const { cst, context, comments } = runEntryRule("policy", text, origin);
  const syntaxCount = context.diagnostics.length;
  // The `policy` entry rule builds a `policy` node: the generated CST type names its children.
  const policy = cst === undefined ? undefined : policyOf(cst as PolicyCstNode, context);
  if (policy !== undefined && comments.length > 0) {
    policy.comments = comments.map((c) => {
      const span = {
        line: c.startLine ?? 1,
        column: c.startColumn ?? 1,
        endLine: c.endLine ?? c.startLine ?? 1,
        endColumn: c.endColumn ?? c.startColumn ?? 1,
        offset: c.startOffset,
        endOffset: (c.endOffset ?? c.startOffset) + 1,
        ...(options.file !== undefined ? { file: options.file } : {}),
      };
      return { text: c.image.slice(1).trimEnd(), span };
    });
  }
  const diagnostics = settle(syntaxCount, context.diagnostics);
  if (policy === undefined && !hasErrors(diagnostics)) {
    diagnostics.push({ severity: "error", code: "syntax", message: "expected a policy: `cadence \"NAME\" { ... }`", span: startOf(origin) });
  }
  return { policy: hasErrors(diagnostics) ? undefined : policy, diagnostics };
}
