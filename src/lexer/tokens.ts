/**
 * The token vocabulary of the Heed DSL (spec section 3).
 *
 * Keywords are tried longest first and each has `longer_alt: Identifier`, so
 * `stages`, `closed`, `on-call` and `touchless` lex as identifiers while
 * `touches`, `only` and `ignored` stay keywords. Every pattern is linear: no
 * regular expression here can backtrack on a long input.
 *
 * @module
 */

import { Lexer, createToken, type TokenType } from "chevrotain";

/** Every token the parser sees: what an unknown statement may run on with. */
export const Anything = createToken({ name: "Anything", pattern: Lexer.NA });

/** Every word-like token (identifiers and keywords): a path segment after `.` may be any of them. */
export const Word = createToken({ name: "Word", pattern: Lexer.NA, label: "a name" });

export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*/,
  categories: [Word],
  label: "a name",
});

/** The keywords, by their spelling. */
export const keywordTokens = new Map<string, TokenType>();

function keyword(word: string): TokenType {
  const name = word.charAt(0).toUpperCase() + word.slice(1);
  const token = createToken({
    name,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: [Word],
    label: `\`${word}\``,
  });
  keywordTokens.set(word, token);
  return token;
}

export const Cadence = keyword("cadence");
export const Stage = keyword("stage");
export const Start = keyword("start");
export const Final = keyword("final");
export const Allow = keyword("allow");
export const After = keyword("after");
export const Ignored = keyword("ignored");
export const Touch = keyword("touch");
export const Touches = keyword("touches");
export const Move = keyword("move");
export const To = keyword("to");
export const On = keyword("on");
export const Where = keyword("where");
export const When = keyword("when");
export const Unless = keyword("unless");
export const Never = keyword("never");
export const Without = keyword("without");
export const Within = keyword("within");
export const Of = keyword("of");
export const Tagged = keyword("tagged");
export const At = keyword("at");
export const Most = keyword("most");
export const Least = keyword("least");
export const Per = keyword("per");
export const By = keyword("by");
export const Between = keyword("between");
export const Across = keyword("across");
export const Quiet = keyword("quiet");
export const Hours = keyword("hours");
export const Hour = keyword("hour");
export const For = keyword("for");
export const Only = keyword("only");
export const Business = keyword("business");
export const Days = keyword("days");
export const Day = keyword("day");
export const Minutes = keyword("minutes");
export const Minute = keyword("minute");
export const Weeks = keyword("weeks");
export const Week = keyword("week");
export const Rule = keyword("rule");
export const Timezone = keyword("timezone");
export const From = keyword("from");
export const Else = keyword("else");
export const Channels = keyword("channels");
export const Engagement = keyword("engagement");
export const Ignore = keyword("ignore");
export const Window = keyword("window");
export const Holidays = keyword("holidays");
export const Applies = keyword("applies");
/** The vocabulary declarations of spec section 8.1. */
export const Attributes = keyword("attributes");
export const Signals = keyword("signals");
export const Any = keyword("any");
export const And = keyword("and");
export const Or = keyword("or");
export const Not = keyword("not");
export const In = keyword("in");
export const Exists = keyword("exists");
export const True = keyword("true");
export const False = keyword("false");

/** Spellings of every keyword, for "did you mean" suggestions. */
export const KEYWORDS: readonly string[] = [...keywordTokens.keys()];

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n\f\v\uFEFF]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

/** `#` to the end of the line; kept in the `comments` group for the formatter. */
export const Comment = createToken({
  name: "Comment",
  pattern: /#[^\n\r]*/,
  group: "comments",
});

/*
 * Strings are matched as "unrolled loops" (runs of plain characters between
 * escapes) rather than `(?:plain|escape)*`: the regular expression engine
 * keeps a backtracking entry per repetition of a group, and a group per
 * character overflowed its stack on a string of a few million characters.
 */
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"[^"\\\r\n]*(?:\\[^\r\n][^"\\\r\n]*)*"/,
  label: "a quoted string",
});

/** A string missing its closing quote on the same line; reported by `tokenize`. */
export const UnclosedString = createToken({
  name: "UnclosedString",
  pattern: /"[^"\\\r\n]*(?:\\[^\r\n][^"\\\r\n]*)*\\?/,
  label: "a quoted string",
});

export const DateLiteral = createToken({
  name: "DateLiteral",
  pattern: /\d{4}-\d{2}-\d{2}/,
  label: "a date (`YYYY-MM-DD`)",
});

export const TimeLiteral = createToken({
  name: "TimeLiteral",
  pattern: /\d{1,2}:\d{2}(?![0-9])/,
  label: "a time of day (`HH:MM`)",
});

export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: /\d+(?:\.\d+)?/,
  label: "a number",
});

export const Equal = createToken({ name: "Equal", pattern: /==/, label: "`==`" });
export const NotEqual = createToken({ name: "NotEqual", pattern: /!=/, label: "`!=`" });
export const LessEqual = createToken({ name: "LessEqual", pattern: /<=/, label: "`<=`" });
export const GreaterEqual = createToken({ name: "GreaterEqual", pattern: />=/, label: "`>=`" });
export const Less = createToken({ name: "Less", pattern: /</, label: "`<`" });
export const Greater = createToken({ name: "Greater", pattern: />/, label: "`>`" });
/** A lone `=`, lexed so the parser can say "use `==`". */
export const SingleEqual = createToken({ name: "SingleEqual", pattern: /=/, label: "`=`" });

export const LCurly = createToken({ name: "LCurly", pattern: /\{/, label: "`{`" });
export const RCurly = createToken({ name: "RCurly", pattern: /\}/, label: "`}`" });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/, label: "`[`" });
export const RBracket = createToken({ name: "RBracket", pattern: /\]/, label: "`]`" });
export const LParen = createToken({ name: "LParen", pattern: /\(/, label: "`(`" });
export const RParen = createToken({ name: "RParen", pattern: /\)/, label: "`)`" });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: "`,`" });
export const Colon = createToken({ name: "Colon", pattern: /:/, label: "`:`" });
export const Dot = createToken({ name: "Dot", pattern: /\./, label: "`.`" });
export const Dash = createToken({ name: "Dash", pattern: /-/, label: "`-`" });
/** Between the strings of a choice type (`"analyst" | "student"`). */
export const Pipe = createToken({ name: "Pipe", pattern: /\|/, label: "`|`" });

/** Keywords longest first, so a keyword that is a prefix of another (`on`, `only`) never wins early. */
const keywordsLongestFirst = [...keywordTokens.values()].sort((a, b) => {
  const la = String(a.PATTERN).length;
  const lb = String(b.PATTERN).length;
  return lb - la;
});

/** Every token type, in the order the lexer tries them. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLiteral,
  UnclosedString,
  DateLiteral,
  TimeLiteral,
  NumberLiteral,
  Equal,
  NotEqual,
  LessEqual,
  GreaterEqual,
  Less,
  Greater,
  SingleEqual,
  LCurly,
  RCurly,
  LBracket,
  RBracket,
  LParen,
  RParen,
  Comma,
  Colon,
  Dot,
  Dash,
  Pipe,
  ...keywordsLongestFirst,
  Identifier,
  Word,
];

for (const token of allTokens) {
  if (token === WhiteSpace || token === Comment || token === Word) continue;
  token.CATEGORIES = [...(token.CATEGORIES ?? []), Anything];
}
allTokens.push(Anything);
