/**
 * The CodeMirror 6 editors of the two tabs (the policy and its baseline):
 * highlighting for the DSL (from the library's lexer) and YAML, the checks'
 * diagnostics as underlines with the message on hover, and the formatter on
 * Shift-Alt-F.
 *
 * @module
 */

import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { yaml } from "@codemirror/lang-yaml";
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { lintGutter, lintKeymap, setDiagnostics, type Diagnostic as CmDiagnostic } from "@codemirror/lint";
import { Compartment, EditorState, type Extension, type Text } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import type { Diagnostic } from "../../src/index.js";
import { dslHighlighting } from "./highlight.js";
import type { TextFormat } from "./state.js";

/** What an editor tells the page. */
export interface EditorHooks {
  /** The text changed (typed, pasted, undone). */
  onChange(text: string): void;
  /** The formatter's key was pressed. */
  onFormat(): void;
}

/** One editor tab. */
export class PolicyEditor {
  readonly view: EditorView;
  private readonly language = new Compartment();
  private readonly readOnly = new Compartment();
  private format: TextFormat;

  constructor(parent: HTMLElement, text: string, format: TextFormat, label: string, hooks: EditorHooks) {
    this.format = format;
    const extensions: Extension[] = [
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      highlightActiveLine(),
      lintGutter(),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      // Tab is left to the page (moving focus), as keyboard users expect; indentation comes from Enter.
      keymap.of([
        { key: "Shift-Alt-f", run: () => (hooks.onFormat(), true), preventDefault: true },
        ...defaultKeymap,
        ...historyKeymap,
        ...lintKeymap,
      ]),
      this.language.of(languageOf(format)),
      this.readOnly.of([]),
      EditorView.contentAttributes.of({ "aria-label": label, "aria-multiline": "true", tabindex: "0" }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) hooks.onChange(update.state.doc.toString());
      }),
    ];
    this.view = new EditorView({ parent, state: EditorState.create({ doc: text, extensions }) });
  }

  get text(): string {
    return this.view.state.doc.toString();
  }

  /** Replaces the whole text (an example loaded, the formatter's output), keeping it undoable. */
  setText(text: string): void {
    if (text === this.text) return;
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: text } });
  }

  setFormat(format: TextFormat): void {
    if (format === this.format) return;
    this.format = format;
    this.view.dispatch({ effects: this.language.reconfigure(languageOf(format)) });
  }

  setReadOnly(readOnly: boolean): void {
    this.view.dispatch({
      effects: this.readOnly.reconfigure(readOnly ? [EditorState.readOnly.of(true), EditorView.editable.of(true)] : []),
    });
  }

  /** Shows the checks' diagnostics: underlines, messages on hover, marks in the gutter. */
  showDiagnostics(diagnostics: readonly Diagnostic[]): void {
    const doc = this.view.state.doc;
    this.view.dispatch(setDiagnostics(this.view.state, diagnostics.map((d) => toCodeMirror(d, doc))));
  }

  /** Puts the cursor at a line and column (1-based) and focuses the editor. */
  reveal(line: number, column: number): void {
    const doc = this.view.state.doc;
    const pos = positionOf(doc, line, column);
    this.view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
    this.view.focus();
  }
}

function languageOf(format: TextFormat): Extension {
  return format === "yaml" ? yaml() : dslHighlighting;
}

/** A 1-based line and column as an offset in the document, clamped to it. */
export function positionOf(doc: Text, line: number, column: number): number {
  const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
  return Math.min(l.from + Math.max(column - 1, 0), l.to);
}

function toCodeMirror(d: Diagnostic, doc: Text): CmDiagnostic {
  const span = d.span ?? { line: 1, column: 1, endLine: 1, endColumn: 1 };
  const from = positionOf(doc, span.line, span.column);
  let to = Math.max(from, positionOf(doc, span.endLine, span.endColumn + 1));
  if (to === from && to < doc.length) to += 1;
  return {
    from,
    to,
    severity: d.severity,
    message: d.hint === undefined ? d.message : `${d.message} (${d.hint})`,
    source: d.code,
  };
}
