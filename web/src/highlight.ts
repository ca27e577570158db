/**
 * Highlighting of the DSL in the editor, from the library's own lexer: the
 * tokens the parser sees are the tokens coloured, so the editor can never
 * disagree with `heed check` about what is a keyword.
 *
 * @module
 */

import { RangeSetBuilder } from "@codemirror/state";
import { Decoration, ViewPlugin, type DecorationSet, type EditorView, type ViewUpdate } from "@codemirror/view";
import type { TokenType } from "chevrotain";
import { DateLiteral, Identifier, keywordTokens, NumberLiteral, StringLiteral, TimeLiteral, tokenize } from "../../src/lexer/index.js";

const keywords = new Set<TokenType>(keywordTokens.values());
const marks = {
  keyword: Decoration.mark({ class: "tok-keyword" }),
  string: Decoration.mark({ class: "tok-string" }),
  number: Decoration.mark({ class: "tok-number" }),
  comment: Decoration.mark({ class: "tok-comment" }),
  name: Decoration.mark({ class: "tok-name" }),
  punctuation: Decoration.mark({ class: "tok-punctuation" }),
};

function markOf(type: TokenType): Decoration {
  if (keywords.has(type)) return marks.keyword;
  if (type === StringLiteral) return marks.string;
  if (type === NumberLiteral || type === DateLiteral || type === TimeLiteral) return marks.number;
  if (type === Identifier) return marks.name;
  return marks.punctuation;
}

function decorations(view: EditorView): DecorationSet {
  const { tokens, comments } = tokenize(view.state.doc.toString());
  const all = [...tokens.map((t) => ({ t, mark: markOf(t.tokenType) })), ...comments.map((t) => ({ t, mark: marks.comment }))];
  all.sort((a, b) => a.t.startOffset - b.t.startOffset);
  const builder = new RangeSetBuilder<Decoration>();
  const length = view.state.doc.length;
  for (const { t, mark } of all) {
    const end = Math.min((t.endOffset ?? t.startOffset) + 1, length);
    if (end > t.startOffset) builder.add(t.startOffset, end, mark);
  }
  return builder.finish();
}

/** The DSL's highlighting, recomputed when the text changes (the lexer takes well under a millisecond on a policy). */
export const dslHighlighting = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = decorations(view);
    }
    update(update: ViewUpdate): void {
      if (update.docChanged) this.decorations = decorations(update.view);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);
