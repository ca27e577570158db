/**
 * Code actions: the fix a diagnostic suggests (``unknown stage `nurtur`
 * (did you mean `nurture`?)`` replaces `nurtur` with `nurture`), and, for a
 * warning, accepting it for the file with a `# heed-check: allow CODE`
 * comment, as `heed check` reads them.
 *
 * @module
 */

import {
  CodeActionKind,
  type CodeAction,
  type Diagnostic as LspDiagnostic,
  DiagnosticSeverity,
  type Range,
  type TextEdit,
} from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Diagnostic } from "../../diagnostics.js";

/** What a published diagnostic carries for its quick fix. */
export interface FixData {
  /** The word written. */
  wrong: string;
  /** The word suggested. */
  suggestion: string;
}

/** The suggestion of a diagnostic's message or hint (`did you mean \`x\`?`), with the word it would replace. */
export function suggestedFix(diagnostic: Diagnostic): FixData | undefined {
  const suggestion = /did you mean `([^`]+)`\?|\(write `([^`]+)`\)/.exec(diagnostic.message)?.slice(1).find((s) => s !== undefined);
  const wrong = /`([^`]+)`/.exec(diagnostic.message)?.[1];
  if (suggestion === undefined || wrong === undefined || wrong === suggestion) return undefined;
  return { wrong, suggestion };
}

function isFixData(value: unknown): value is FixData {
  const data = value as Partial<FixData> | null | undefined;
  return typeof data?.wrong === "string" && typeof data.suggestion === "string";
}

/** The code actions for the diagnostics the client sends with the request. */
export function codeActions(document: TextDocument, diagnostics: readonly LspDiagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== "heed") continue;
    const data: unknown = diagnostic.data;
    if (isFixData(data)) {
      const range = wordIn(document, diagnostic.range, data.wrong);
      if (range !== undefined) {
        actions.push({
          title: `change \`${data.wrong}\` to \`${data.suggestion}\``,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: true,
          edit: { changes: { [document.uri]: [{ range, newText: data.suggestion }] } },
        });
      }
    }
    if (diagnostic.severity === DiagnosticSeverity.Warning && typeof diagnostic.code === "string") {
      actions.push({
        title: `accept \`${diagnostic.code}\` warnings in this file (\`# heed-check: allow\`)`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: { changes: { [document.uri]: [allowComment(document, diagnostic.code)] } },
      });
    }
  }
  return actions;
}

/** The first place of `word` within `range`, as a whole word. */
function wordIn(document: TextDocument, range: Range, word: string): Range | undefined {
  const start = document.offsetAt(range.start);
  const text = document.getText(range);
  const pattern = new RegExp(`(?<![A-Za-z0-9_-])${word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![A-Za-z0-9_])`);
  const match = pattern.exec(text);
  if (match === null) return undefined;
  return { start: document.positionAt(start + match.index), end: document.positionAt(start + match.index + word.length) };
}

/** A `# heed-check: allow CODE` line at the top of the file, after its leading comments. */
function allowComment(document: TextDocument, code: string): TextEdit {
  const lines = document.getText().split(/\r?\n/);
  let line = 0;
  while (line < lines.length && /^\s*#/.test(lines[line] ?? "") && !/^\s*#\s*yaml-language-server:/.test(lines[line] ?? "")) line++;
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `# heed-check: allow ${code}\n` };
}
