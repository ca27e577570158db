/**
 * Step zero of the DSL pipeline: text -> tokens.
 *
 * `tokenize` never throws. Characters that start no token and strings
 * missing their closing quote are reported as diagnostics; an unclosed
 * string still becomes a string token so parsing can go on.
 *
 * @module
 */

import { Lexer, type IToken } from "chevrotain";
import type { Diagnostic, Span } from "../diagnostics.js";
import { allTokens, StringLiteral, UnclosedString } from "./tokens.js";

export * from "./tokens.js";

/** Where a piece of text starts in its file (1-based line and column, 0-based offset). */
export interface TextOrigin {
  file?: string;
  line: number;
  column: number;
  offset: number;
}

/** The start of a file. */
export const FILE_START: TextOrigin = { line: 1, column: 1, offset: 0 };

export interface TokenizeResult {
  tokens: IToken[];
  comments: IToken[];
  diagnostics: Diagnostic[];
}

const lexer = new Lexer(allTokens, { positionTracking: "full" });

/**
 * Moves a token's positions from "relative to the text" to "absolute in the
 * file": the first line's columns are shifted by `origin.column - 1`, later
 * lines keep their columns.
 */
function place(token: IToken, origin: TextOrigin): void {
  if (origin.line === 1 && origin.column === 1 && origin.offset === 0) return;
  const shift = origin.column - 1;
  if (token.startLine === 1 && token.startColumn !== undefined) token.startColumn += shift;
  if (token.endLine === 1 && token.endColumn !== undefined) token.endColumn += shift;
  if (token.startLine !== undefined) token.startLine += origin.line - 1;
  if (token.endLine !== undefined) token.endLine += origin.line - 1;
  token.startOffset += origin.offset;
  if (token.endOffset !== undefined) token.endOffset += origin.offset;
}

/** The span of one token (end inclusive, end offset exclusive). */
export function tokenSpan(token: IToken, file?: string): Span {
  const span: Span = {
    line: token.startLine ?? 1,
    column: token.startColumn ?? 1,
    endLine: token.endLine ?? token.startLine ?? 1,
    endColumn: token.endColumn ?? token.startColumn ?? 1,
    offset: token.startOffset,
    endOffset: (token.endOffset ?? token.startOffset) + 1,
  };
  if (file !== undefined) span.file = file;
  return span;
}

/** Cuts long user input down for a message. */
export function excerpt(text: string, max = 40): string {
  const oneLine = text.replace(/\s+/g, " ");
  return oneLine.length > max ? `${oneLine.slice(0, max - 3)}...` : oneLine;
}

/** Splits DSL text into tokens and comments; never throws. */
export function tokenize(text: string, origin: TextOrigin = FILE_START): TokenizeResult {
  const result = lexer.tokenize(text);
  const diagnostics: Diagnostic[] = [];
  const comments = result.groups["comments"] ?? [];
  for (const token of result.tokens) place(token, origin);
  for (const token of comments) place(token, origin);

  for (const token of result.tokens) {
    if (token.tokenType === UnclosedString) {
      diagnostics.push({
        severity: "error",
        code: "unclosed-string",
        message: `unclosed string \`${excerpt(token.image)}\` (a string ends with \`"\` on the same line)`,
        span: tokenSpan(token, origin.file),
      });
      token.tokenType = StringLiteral;
      token.tokenTypeIdx = StringLiteral.tokenTypeIdx!;
    }
  }

  for (const error of result.errors) {
    const bad = text.slice(error.offset, error.offset + error.length);
    const line = (error.line ?? 1) + origin.line - 1;
    const column = (error.line ?? 1) === 1 ? (error.column ?? 1) + origin.column - 1 : (error.column ?? 1);
    const span: Span = {
      line,
      column,
      endLine: line,
      endColumn: column + Math.max(bad.length, 1) - 1,
      offset: error.offset + origin.offset,
      endOffset: error.offset + origin.offset + Math.max(bad.length, 1),
    };
    if (origin.file !== undefined) span.file = origin.file;
    const shown = excerpt(bad, 20).replace(/`/g, "'");
    let message = bad.length === 1 ? `unexpected character \`${shown}\`` : `unexpected characters \`${shown}\``;
    if (bad.startsWith("'")) message += ` (strings use double quotes: \`"...\"\`)`;
    if (bad.startsWith("&") || bad.startsWith("|")) message += " (write `and` or `or`)";
    if (bad.startsWith("!")) message += " (write `not` or `!=`)";
    diagnostics.push({ severity: "error", code: "syntax", message, span });
  }
  return { tokens: result.tokens, comments, diagnostics };
}
