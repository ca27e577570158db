/**
 * Heed's spans (1-based lines and columns, end column inclusive) and LSP
 * ranges (0-based, end exclusive, in UTF-16 code units like the parser's
 * columns) converted into each other.
 *
 * @module
 */

import type { Position, Range } from "vscode-languageserver/node";
import type { Span } from "../../diagnostics.js";

/** The range of a span: the same characters `heed check` points at. */
export function spanToRange(span: Span): Range {
  return {
    start: { line: span.line - 1, character: span.column - 1 },
    end: { line: span.endLine - 1, character: span.endColumn },
  };
}

/** True when the position lies within the span, its end included (a cursor just after a name is on it). */
export function spanContains(span: Span, position: Position): boolean {
  const line = position.line + 1;
  const column = position.character + 1;
  if (line < span.line || line > span.endLine) return false;
  if (line === span.line && column < span.column) return false;
  if (line === span.endLine && column > span.endColumn + 1) return false;
  return true;
}

/** How much text a span covers, to pick the innermost of several that contain a position. */
export function spanSize(span: Span): number {
  if (span.offset !== undefined && span.endOffset !== undefined) return span.endOffset - span.offset;
  return (span.endLine - span.line) * 10_000 + (span.endColumn - span.column);
}

/** True when two spans start at the same place. */
export function sameStart(a: Span, b: Span): boolean {
  return a.line === b.line && a.column === b.column;
}
