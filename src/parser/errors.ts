/**
 * Syntax errors in the user's terms.
 *
 * Chevrotain's own messages name token types (`--> MoveKw <--`). Here the
 * parser's error-message provider records what was expected as data, and
 * {@link syntaxDiagnostics} turns each recognition error into a message such
 * as ``expected `move to` after `after 2 ignored touches` `` or
 * ``unknown word `nevr` (did you mean `never`?)``, with the span of the
 * offending token (or, when something is missing at the end of a line, the
 * position just after the last token).
 *
 * @module
 */

import {
  EOF,
  type IParserErrorMessageProvider,
  type IRecognitionException,
  type IToken,
  type TokenType,
} from "chevrotain";
import type { Diagnostic, Span } from "../diagnostics.js";
import { excerpt, tokenSpan } from "../lexer/index.js";
import { Identifier, KEYWORDS } from "../lexer/tokens.js";
import { suggest } from "../suggest.js";

/** What the provider records for each error, read back by {@link syntaxDiagnostics}. */
interface ErrorData {
  kind: "mismatch" | "no-alternative" | "early-exit" | "not-all-input";
  expected: string[];
  expectedWords: string[];
  /** Keywords anywhere on the expected paths (`at most`: `at`, `most`), for "did you mean". */
  pathWords?: string[];
  rule: string;
}

function label(type: TokenType): string {
  if (type.name === "Move") return "`move to`";
  return type.LABEL ?? type.name;
}

/** Keyword spellings of the first tokens of the expected paths. */
function words(types: TokenType[]): string[] {
  return types.map((t) => (KEYWORDS.includes(t.name.toLowerCase()) ? t.name.toLowerCase() : "")).filter((w) => w !== "");
}

function firsts(paths: TokenType[][][]): TokenType[] {
  const out: TokenType[] = [];
  for (const alternative of paths) {
    for (const path of alternative) {
      const first = path[0];
      if (first !== undefined && !out.includes(first)) out.push(first);
    }
  }
  return out;
}

function encode(data: ErrorData): string {
  return JSON.stringify(data);
}

export const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, ruleName }) {
    return encode({ kind: "mismatch", expected: [label(expected)], expectedWords: words([expected]), rule: ruleName });
  },
  buildNotAllInputParsedMessage({ ruleName }) {
    return encode({ kind: "not-all-input", expected: [], expectedWords: [], rule: ruleName });
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, ruleName }) {
    const types = firsts(expectedPathsPerAlt);
    const pathWords = [...new Set(words(expectedPathsPerAlt.flat(2)))];
    return encode({ kind: "no-alternative", expected: types.map(label), expectedWords: words(types), pathWords, rule: ruleName });
  },
  buildEarlyExitMessage({ expectedIterationPaths, ruleName }) {
    const types = firsts([expectedIterationPaths]);
    return encode({ kind: "early-exit", expected: types.map(label), expectedWords: words(types), rule: ruleName });
  },
};

/** How a rule's expectations read in a message. */
const RULE_EXPECTS: Record<string, string> = {
  policyItem: "a policy line, a stage, a rule or a transition",
  stageItem: "`allow`, a rule or a transition",
  ruleBody: "a rule (`never`, `at most`, `at least`, `quiet hours` or `only business days`)",
  trigger: "`after`, `on` or `when`",
  channelSet: "channels (names, `any` or `touches`)",
  nameList: "a name",
  unit: "a duration unit (minutes, hours, days or weeks)",
  windowBody: "`day`, `week` or a duration such as `24 hours`",
  windowLeaf: "`day`, `week` or a duration such as `24 hours`",
  operand: "a value (a path such as `contact.role`, a string, a number, `true`, `false` or a list)",
  literal: "a value (a string, a number, `true` or `false`)",
  afterSpec: "`N ignored touches`, `N touches` or a duration",
  comparison: "a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`, `in` or `not in`)",
  compareOp: "a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`, `in` or `not in`)",
  neverRule: "`without`, `after`, `within` or `when`",
  path: "a path such as `contact.role`",
  notExpr: "a condition",
  atom: "a condition",
  condition: "a condition",
  timeRange: "`to` or `-`",
  businessDaysRule: "`days`",
  touchWord: "`touches`",
  stageDecl: "`stage`",
  list: "a value (a string, a number, `true` or `false`)",
};

function expectedText(data: ErrorData): string {
  if (data.kind !== "mismatch") {
    const described = RULE_EXPECTS[data.rule];
    if (described !== undefined) return described;
  }
  const list = data.expected.slice(0, 6);
  if (list.length === 0) return "more";
  if (list.length === 1) return list[0]!;
  return `${list.slice(0, -1).join(", ")} or ${list[list.length - 1]!}`;
}

const NO_SPACE_BEFORE = new Set(["Comma", "Dot", "RParen", "RBracket", "Colon"]);
const NO_SPACE_AFTER = new Set(["Dot", "LParen", "LBracket"]);

/** The source text of the statement before `previous`: the tokens on its line, from the line's first. */
function contextBefore(tokens: readonly IToken[], previous: IToken): string {
  const index = indexAt(tokens, previous.startOffset);
  if (index < 0) return previous.image;
  let start = index;
  while (
    start > 0 &&
    tokens[start - 1]!.startLine === previous.startLine &&
    tokens[start - 1]!.tokenType.name !== "LCurly" &&
    tokens[start - 1]!.tokenType.name !== "RCurly"
  ) {
    start--;
  }
  let text = "";
  for (let i = start; i <= index; i++) {
    const t = tokens[i]!;
    const before = i > start && !NO_SPACE_BEFORE.has(t.tokenType.name) && !NO_SPACE_AFTER.has(tokens[i - 1]!.tokenType.name);
    text += (before ? " " : "") + t.image;
  }
  const shown = excerpt(text, 60);
  return shown.length < text.length ? `...${text.slice(-57)}` : shown;
}

function isEnd(token: IToken): boolean {
  return token.tokenType === EOF || Number.isNaN(token.startOffset);
}

function afterSpan(previous: IToken, file: string | undefined): Span {
  const base = tokenSpan(previous, file);
  const span: Span = {
    line: base.endLine,
    column: base.endColumn + 1,
    endLine: base.endLine,
    endColumn: base.endColumn + 1,
  };
  if (base.endOffset !== undefined) {
    span.offset = base.endOffset;
    span.endOffset = base.endOffset + 1;
  }
  if (file !== undefined) span.file = file;
  return span;
}

/**
 * The `{` most likely left open at the end of the text. Braces are matched
 * as written, but a `}` alone on its line that is indented like an outer
 * opener's line, not like its own, most likely closes that outer one: the
 * opener it was matched with is the one missing its `}`.
 */
function unclosedBrace(tokens: readonly IToken[]): IToken | undefined {
  const open: { brace: IToken; indent: number }[] = [];
  const indentOf = (index: number): number => {
    let first = index;
    while (first > 0 && tokens[first - 1]!.startLine === tokens[index]!.startLine) first--;
    return tokens[first]!.startColumn ?? 1;
  };
  let misplaced: IToken | undefined;
  tokens.forEach((t, i) => {
    if (t.tokenType.name === "LCurly") open.push({ brace: t, indent: indentOf(i) });
    else if (t.tokenType.name === "RCurly") {
      const opener = open.pop();
      const aloneFirst = i === 0 || tokens[i - 1]!.startLine !== t.startLine;
      if (opener !== undefined && misplaced === undefined && aloneFirst && t.startColumn !== opener.indent) {
        if (open.some((outer) => outer.indent === t.startColumn)) misplaced = opener.brace;
      }
    }
  });
  if (open.length === 0) return undefined;
  return misplaced ?? open[open.length - 1]!.brace;
}

function realPrevious(error: IRecognitionException): IToken | undefined {
  const previous = (error as IRecognitionException & { previousToken?: IToken }).previousToken;
  if (previous === undefined || isEnd(previous) || previous.image === "") return undefined;
  return previous;
}

/** Turns chevrotain's recognition errors into diagnostics in the user's terms, one per position. */
export function syntaxDiagnostics(
  errors: readonly IRecognitionException[],
  tokens: readonly IToken[],
  file: string | undefined,
  stopped = false,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  // Several errors at one token come from recovery: the one about a missing `}` is the echo.
  const closer = errors.map(isCloserMismatch);
  const realAt = new Set(errors.filter((_, i) => !closer[i]).map((e) => e.token.startOffset));
  for (let i = 0; i < errors.length; i++) {
    const error = errors[i]!;
    if (closer[i] && realAt.has(error.token.startOffset)) continue;
    if (out.length === MAX_SYNTAX_ERRORS) {
      out.push(moreFollow(out[out.length - 1]!));
      break;
    }
    const diagnostic = toDiagnostic(error, tokens, file);
    const key = `${diagnostic.span?.line}:${diagnostic.span?.column}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(diagnostic);
  }
  // the parse stopped at its limit of errors before the report's: say that more follow
  if (stopped && out.length > 0 && out.length < MAX_SYNTAX_ERRORS) out.push(moreFollow(out[out.length - 1]!));
  return out;
}

function moreFollow(last: Diagnostic): Diagnostic {
  const note: Diagnostic = {
    severity: "error",
    code: "syntax",
    message: `more syntax errors follow; fix these ${MAX_SYNTAX_ERRORS} first`,
  };
  if (last.span !== undefined) note.span = last.span;
  return note;
}

/** Reports stop after this many syntax errors: beyond it they are noise. */
export const MAX_SYNTAX_ERRORS = 100;

/** The index of the token starting at `offset`, or -1 (tokens are in offset order). */
function indexAt(tokens: readonly IToken[], offset: number): number {
  let low = 0;
  let high = tokens.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const at = tokens[mid]!.startOffset;
    if (at === offset) return mid;
    if (at < offset) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}

function isCloserMismatch(error: IRecognitionException): boolean {
  try {
    const data = JSON.parse(error.message) as ErrorData;
    return data.kind === "mismatch" && data.expected.length === 1 && data.expected[0] === "`}`";
  } catch {
    return false;
  }
}

function toDiagnostic(error: IRecognitionException, tokens: readonly IToken[], file: string | undefined): Diagnostic {
  let data: ErrorData;
  try {
    data = JSON.parse(error.message) as ErrorData;
  } catch {
    data = { kind: "mismatch", expected: [], expectedWords: [], rule: "" };
  }
  const actual = error.token;
  const previous = realPrevious(error) ?? previousOf(tokens, actual);
  const atEnd = isEnd(actual);
  // Where no alternative fits, the construct starts at the actual token: point there.
  const statementStart = ["policyItem", "stageItem", "ruleBody", "trigger"].includes(data.rule);
  const sameLine =
    !atEnd &&
    previous !== undefined &&
    (actual.startLine === previous.endLine || (data.kind === "no-alternative" && statementStart));
  const span: Span | undefined = !atEnd
    ? sameLine || previous === undefined
      ? tokenSpan(actual, file)
      : afterSpan(previous, file)
    : previous !== undefined
      ? afterSpan(previous, file)
      : undefined;
  const make = (message: string, at: Span | undefined = span): Diagnostic => {
    const d: Diagnostic = { severity: "error", code: "syntax", message };
    if (at !== undefined) d.span = at;
    return d;
  };
  const found = atEnd ? "" : `, found \`${excerpt(actual.image)}\``;
  const after = previous === undefined ? "" : ` after \`${contextBefore(tokens, previous)}\``;

  // `on reply when ...`: the wrong connective after a signal
  const connective = misplacedConnective(tokens, atEnd ? previous : sameLine ? actual : previous, file);
  if (connective !== undefined) return connective;

  if (data.kind === "not-all-input") {
    if (actual.tokenType.name === "RCurly") {
      return make("unexpected `}` (this brace closes nothing)", tokenSpan(actual, file));
    }
    return make(`unexpected \`${excerpt(actual.image)}\`${after}`, tokenSpan(actual, file));
  }

  if (atEnd && data.expected.includes("`}`") && data.kind === "mismatch") {
    const brace = unclosedBrace(tokens);
    if (brace !== undefined) {
      const opener = contextBefore(tokens, brace);
      return make(`unclosed \`{\` of \`${opener}\` (expected \`}\` before the end of the text)`, tokenSpan(brace, file));
    }
  }

  // A misspelled keyword: say which word was probably meant.
  if (!atEnd && actual.tokenType === Identifier) {
    const guess = suggest(actual.image, data.expectedWords);
    if (guess !== undefined) {
      return make(`unknown word \`${excerpt(actual.image)}\` (did you mean \`${guess}\`?)`, tokenSpan(actual, file));
    }
  }

  if (data.kind === "mismatch" && data.expectedWords.includes("cadence")) {
    const start: Span = { line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, endOffset: 0 };
    if (file !== undefined) start.file = file;
    const what = atEnd ? "found nothing" : `found \`${excerpt(actual.image)}\``;
    return make(`expected a policy: \`cadence "NAME" { ... }\`, ${what}`, atEnd ? start : tokenSpan(actual, file));
  }

  // `at mots 3 calls`: a misspelled keyword a few tokens into a construct.
  if (data.kind === "no-alternative" && !atEnd && (data.pathWords?.length ?? 0) > 0) {
    const index = indexAt(tokens, actual.startOffset);
    for (let i = index; i >= 0 && i < index + 3 && i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.startLine !== actual.startLine) break;
      if (t.tokenType !== Identifier) continue;
      const guess = suggest(t.image, data.pathWords ?? []);
      if (guess !== undefined) {
        return make(`unknown word \`${excerpt(t.image)}\` (did you mean \`${guess}\`?)`, tokenSpan(t, file));
      }
    }
  }

  // The statement is complete but its line goes on: `holidays 2026-11-26 2026-12-25`, `x == 1)`.
  if (data.kind === "mismatch" && data.expected.includes("`}`") && sameLine && previous !== undefined) {
    const listy = new Set(["Identifier", "DateLiteral", "StringLiteral", "NumberLiteral", "TimeLiteral"]);
    const comma = listy.has(actual.tokenType.name) && listy.has(previous.tokenType.name) ? " (is a `,` missing?)" : "";
    return make(`unexpected \`${excerpt(actual.image)}\`${after}${comma}`, tokenSpan(actual, file));
  }

  if (!atEnd && actual.tokenType.name === "SingleEqual") {
    return make("use `==` to compare, not `=`", tokenSpan(actual, file));
  }

  const quoteHint =
    sameLine && data.expected.includes("a quoted string") && actual.tokenType === Identifier
      ? ` (write \`"${excerpt(actual.image)}"\`)`
      : "";
  return make(`expected ${expectedText(data)}${after}${sameLine || previous === undefined ? found : ""}${quoteHint}`);
}

// ------------------------------------------------------------ a condition written with the wrong connective

/** The words that bring a signal into a statement: `on X`, `without X`, `after X`, `within ... of X`. */
const SIGNAL_WORDS: ReadonlySet<string> = new Set(["On", "Without", "After", "Of"]);
/** The words that condition a rule (spec section 8.3). */
const CONNECTIVES: ReadonlySet<string> = new Set(["when", "unless"]);

/**
 * The message for `when` or `unless` written after a signal
 * (`on reply when sentiment == "negative" move to closed`): a signal's own
 * props are filtered with `where`; `when` and `unless` condition a rule.
 * `statement` is the text up to the signal, `word` the signal's keyword.
 */
export function connectiveMessage(connective: string, statement: string, word: string, signal: string): string {
  const transition = word === "on";
  return (
    `\`${connective}\` cannot follow \`${excerpt(statement, 60)}\`: \`where\` filters the signal's own props (\`${word} ${signal} where ...\`), ` +
    (transition ? "while `when COND move to STAGE` is a transition of its own" : "while `when` and `unless` condition a rule")
  );
}

/**
 * `when` or `unless` right after a signal clause on the line of the error
 * (`on reply when ...`, `never call without reply when ...`), with the
 * message that says which connective goes there; undefined otherwise.
 */
function misplacedConnective(tokens: readonly IToken[], at: IToken | undefined, file: string | undefined): Diagnostic | undefined {
  if (at === undefined) return undefined;
  const index = indexAt(tokens, at.startOffset);
  if (index < 0) return undefined;
  let start = index;
  while (start > 0 && tokens[start - 1]!.startLine === at.startLine && tokens[start - 1]!.tokenType.name !== "LCurly" && tokens[start - 1]!.tokenType.name !== "RCurly") start--;
  // a signal clause, then (its `where` aside) `when` or `unless` at or before the error
  for (let i = start; i + 2 <= index + 1 && i + 2 < tokens.length; i++) {
    const word = tokens[i]!;
    const signal = tokens[i + 1]!;
    if (!SIGNAL_WORDS.has(word.tokenType.name) || signal.tokenType !== Identifier) continue;
    for (let j = i + 2; j <= index && j < tokens.length; j++) {
      const t = tokens[j]!;
      if (t.startLine !== at.startLine) break;
      if (!CONNECTIVES.has(t.image)) continue;
      const d: Diagnostic = {
        severity: "error",
        code: "syntax",
        message: connectiveMessage(t.image, contextBefore(tokens, signal), word.image, signal.image),
        span: tokenSpan(t, file),
      };
      return d;
    }
    // No connective after the first signal clause, so none after a later one either (they read
    // less of the same line): one pass, not one per clause (a line of thousands of them).
    return undefined;
  }
  return undefined;
}

function previousOf(tokens: readonly IToken[], actual: IToken): IToken | undefined {
  if (isEnd(actual)) return tokens[tokens.length - 1];
  // The last token starting before `actual`.
  let low = 0;
  let high = tokens.length - 1;
  let found: IToken | undefined;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (tokens[mid]!.startOffset < actual.startOffset) {
      found = tokens[mid];
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}
