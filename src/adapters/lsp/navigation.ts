/**
 * Go to definition, find references, highlights, rename and the outline,
 * all read from the document's index of names (stages, channels, named
 * rules, signals).
 *
 * @module
 */

import {
  DocumentHighlightKind,
  ResponseError,
  ErrorCodes,
  SymbolKind,
  type DocumentHighlight,
  type DocumentSymbol,
  type Location,
  type Position,
  type Range,
  type TextEdit,
} from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Rule, Stage, Transition } from "../../ast.js";
import type { Span } from "../../diagnostics.js";
import { KEYWORDS } from "../../lexer/tokens.js";
import { occurrenceAt, type DocumentAnalysis, type NameKind, type Occurrence } from "./document.js";
import { spanToRange } from "./positions.js";
import { ruleWords, transitionWords } from "./words.js";

/** The occurrence under the cursor. */
export function occurrenceUnder(analysis: DocumentAnalysis, position: Position): Occurrence | undefined {
  return occurrenceAt(analysis, position.line + 1, position.character + 1);
}

/** Every occurrence of the same name. */
function sameName(analysis: DocumentAnalysis, occurrence: Occurrence): Occurrence[] {
  return analysis.occurrences.filter((o) => o.kind === occurrence.kind && o.name === occurrence.name);
}

/**
 * The range of the name itself within an occurrence's text: a channel after
 * a count may be written in the plural (`calls`), a YAML value may be quoted.
 */
export function nameRange(document: TextDocument, occurrence: Occurrence): Range | undefined {
  const span: Span = occurrence.span;
  const start = span.offset ?? document.offsetAt({ line: span.line - 1, character: span.column - 1 });
  const end = span.endOffset ?? document.offsetAt({ line: span.endLine - 1, character: span.endColumn });
  const text = document.getText().slice(start, end);
  const at = text.indexOf(occurrence.name);
  if (at < 0) return undefined;
  return { start: document.positionAt(start + at), end: document.positionAt(start + at + occurrence.name.length) };
}

/** Where the name under the cursor is declared. */
export function definition(analysis: DocumentAnalysis, position: Position): Location[] {
  const occurrence = occurrenceUnder(analysis, position);
  if (occurrence === undefined) return [];
  return sameName(analysis, occurrence)
    .filter((o) => o.declaration)
    .map((o) => ({ uri: analysis.uri, range: spanToRange(o.span) }));
}

/** Every place the name under the cursor is written. */
export function references(analysis: DocumentAnalysis, position: Position, includeDeclaration: boolean): Location[] {
  const occurrence = occurrenceUnder(analysis, position);
  if (occurrence === undefined) return [];
  return sameName(analysis, occurrence)
    .filter((o) => includeDeclaration || !o.declaration)
    .map((o) => ({ uri: analysis.uri, range: spanToRange(o.span) }));
}

/** The other places of the name under the cursor, in this document. */
export function highlights(analysis: DocumentAnalysis, position: Position): DocumentHighlight[] {
  const occurrence = occurrenceUnder(analysis, position);
  if (occurrence === undefined) return [];
  return sameName(analysis, occurrence).map((o) => ({
    range: spanToRange(o.span),
    kind: o.declaration ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
  }));
}

const RENAMABLE: ReadonlySet<NameKind> = new Set(["stage", "channel", "rule"]);

/** Checks that the name under the cursor can be renamed; gives its range and text. */
export function prepareRename(analysis: DocumentAnalysis, document: TextDocument, position: Position): { range: Range; placeholder: string } {
  const occurrence = occurrenceUnder(analysis, position);
  if (occurrence === undefined || !RENAMABLE.has(occurrence.kind)) {
    throw new ResponseError(ErrorCodes.InvalidRequest, "only a stage, a channel or a named rule can be renamed");
  }
  if (!analysis.complete) throw new ResponseError(ErrorCodes.InvalidRequest, "the policy has syntax errors: fix them before renaming");
  const range = nameRange(document, occurrence);
  if (range === undefined) throw new ResponseError(ErrorCodes.InvalidRequest, `cannot find \`${occurrence.name}\` here`);
  return { range, placeholder: occurrence.name };
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*$/;

/** The edits that rename the stage, channel or named rule under the cursor everywhere in the document, and nowhere else. */
export function rename(analysis: DocumentAnalysis, document: TextDocument, position: Position, newName: string): TextEdit[] {
  const occurrence = occurrenceUnder(analysis, position);
  prepareRename(analysis, document, position);
  if (occurrence === undefined) return [];
  if (!NAME.test(newName)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `\`${newName}\` is not a name: use letters, digits, \`_\` and inner \`-\``);
  }
  if (occurrence.kind !== "rule" && KEYWORDS.includes(newName)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `\`${newName}\` is a keyword of the language`);
  }
  if (newName !== occurrence.name && analysis.occurrences.some((o) => o.kind === occurrence.kind && o.declaration && o.name === newName)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `a ${occurrence.kind} named \`${newName}\` already exists`);
  }
  const edits: TextEdit[] = [];
  for (const o of sameName(analysis, occurrence)) {
    const range = nameRange(document, o);
    if (range !== undefined) edits.push({ range, newText: newName });
  }
  return edits;
}

// ------------------------------------------------------------ the outline

/** Stages (with their rules and transitions), then the policy-wide transitions and rules. */
export function documentSymbols(analysis: DocumentAnalysis): DocumentSymbol[] {
  const policy = analysis.policy;
  if (policy === undefined) return [];
  const rulesById = new Map(analysis.rules.map((r) => [r.rule, r.ir]));
  const symbol = (name: string, kind: SymbolKind, span: Span | undefined, selection: Span | undefined, detail?: string, children?: DocumentSymbol[]): DocumentSymbol | undefined => {
    if (span === undefined) return undefined;
    const selectionRange = selection === undefined ? spanToRange(span) : spanToRange(selection);
    // A YAML stage's key sits before its value's span: the symbol covers both.
    const range = union(spanToRange(span), selectionRange);
    return { name: name === "" ? "?" : name, kind, range, selectionRange, ...(detail === undefined ? {} : { detail }), ...(children === undefined ? {} : { children }) };
  };
  const rule = (r: Rule): DocumentSymbol | undefined => {
    const ir = rulesById.get(r);
    const words = ruleWords(ir === undefined ? { rule: r } : { rule: r, ir });
    return r.name === undefined ? symbol(words, SymbolKind.Function, r.span, r.span, "rule") : symbol(r.name.name, SymbolKind.Function, r.span, r.name.span, words);
  };
  const transition = (t: Transition): DocumentSymbol | undefined => symbol(transitionWords(t), SymbolKind.Event, t.span, t.target.span, "transition");
  const stage = (s: Stage): DocumentSymbol | undefined => {
    const children = [...s.rules.map(rule), ...s.transitions.map(transition)].filter((c): c is DocumentSymbol => c !== undefined);
    const flags = [s.start ? "start" : "", s.final ? "final" : ""].filter((f) => f !== "").join(" ");
    return symbol(s.name.name, SymbolKind.Class, s.span, s.name.span, flags === "" ? "stage" : `${flags} stage`, children);
  };
  return [...policy.stages.map(stage), ...policy.transitions.map(transition), ...policy.rules.map(rule)].filter((s): s is DocumentSymbol => s !== undefined);
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function union(a: Range, b: Range): Range {
  return { start: before(b.start, a.start) ? b.start : a.start, end: before(a.end, b.end) ? b.end : a.end };
}
