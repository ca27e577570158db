import { describe, expect, it } from "vitest";
import { tokenize } from "../../src/lexer/index.js";

function kinds(text: string): string[] {
  return tokenize(text).tokens.map((t) => `${t.tokenType.name}:${t.image}`);
}

describe("lexer", () => {
  it("tells keywords from identifiers that start with them", () => {
    expect(kinds("stages closed on-call only touches touch touchless ignored ignore")).toEqual([
      "Identifier:stages",
      "Identifier:closed",
      "Identifier:on-call",
      "Only:only",
      "Touches:touches",
      "Touch:touch",
      "Identifier:touchless",
      "Ignored:ignored",
      "Ignore:ignore",
    ]);
  });

  it("reads hyphenated and underscored names, and dotted paths as separate tokens", () => {
    expect(kinds("calendar-invite email-only content_download contact.role")).toEqual([
      "Identifier:calendar-invite",
      "Identifier:email-only",
      "Identifier:content_download",
      "Identifier:contact",
      "Dot:.",
      "Identifier:role",
    ]);
  });

  it("reads dates, times of day, numbers, operators and punctuation", () => {
    expect(kinds('2026-11-26 21:00 08:00-09:30 3 1.5 == != <= >= < > = { } [ ] ( ) , : -')).toEqual([
      "DateLiteral:2026-11-26",
      "TimeLiteral:21:00",
      "TimeLiteral:08:00",
      "Dash:-",
      "TimeLiteral:09:30",
      "NumberLiteral:3",
      "NumberLiteral:1.5",
      "Equal:==",
      "NotEqual:!=",
      "LessEqual:<=",
      "GreaterEqual:>=",
      "Less:<",
      "Greater:>",
      "SingleEqual:=",
      "LCurly:{",
      "RCurly:}",
      "LBracket:[",
      "RBracket:]",
      "LParen:(",
      "RParen:)",
      "Comma:,",
      "Colon::",
      "Dash:-",
    ]);
  });

  it("reads strings with escapes as one token", () => {
    expect(kinds('"a \\"quoted\\" word" "back\\\\slash"')).toEqual([
      'StringLiteral:"a \\"quoted\\" word"',
      'StringLiteral:"back\\\\slash"',
    ]);
  });

  it("keeps comments apart, with their positions, for the formatter", () => {
    const result = tokenize("channels email # the only one\n# next line\nstage a");
    expect(result.tokens.map((t) => t.image)).toEqual(["channels", "email", "stage", "a"]);
    expect(result.comments.map((c) => [c.image, c.startLine, c.startColumn])).toEqual([
      ["# the only one", 1, 16],
      ["# next line", 2, 1],
    ]);
  });

  it("reports an unclosed string at its line and column and still yields a string token", () => {
    const result = tokenize('when x == "abc\nstage b');
    expect(result.diagnostics.map((d) => [d.message, d.span?.line, d.span?.column])).toEqual([
      ['unclosed string `"abc` (a string ends with `"` on the same line)', 1, 11],
    ]);
    expect(result.tokens.map((t) => t.tokenType.name)).toEqual(["When", "Identifier", "Equal", "StringLiteral", "Stage", "Identifier"]);
  });

  it("reports characters that start no token, with a hint", () => {
    const result = tokenize("a && b\n  c @ d\n'x'");
    expect(result.diagnostics.map((d) => `${d.span?.line}:${d.span?.column} ${d.message}`)).toEqual([
      "1:3 unexpected characters `&&` (write `and` or `or`)",
      "2:5 unexpected character `@`",
      "3:1 unexpected character `'` (strings use double quotes: `\"...\"`)",
      "3:3 unexpected character `'` (strings use double quotes: `\"...\"`)",
    ]);
  });

  it("places tokens absolutely from an origin inside a larger file", () => {
    const result = tokenize("4 hours\nx", { line: 7, column: 12, offset: 100 });
    const [four, hours, x] = result.tokens;
    expect([four?.startLine, four?.startColumn, four?.startOffset]).toEqual([7, 12, 100]);
    expect([hours?.startLine, hours?.startColumn, hours?.endColumn]).toEqual([7, 14, 18]);
    expect([x?.startLine, x?.startColumn, x?.startOffset]).toEqual([8, 1, 108]);
  });

  it("lexes long pathological inputs in linear time", () => {
    const cases = [
      "a-".repeat(50_000) + "!",
      '"' + "\\a".repeat(50_000),
      "1".repeat(100_000) + ".",
      "x".repeat(100_000),
      "-".repeat(100_000),
      "a.".repeat(50_000),
    ];
    for (const text of cases) {
      const started = performance.now();
      tokenize(text);
      expect(performance.now() - started).toBeLessThan(1500);
    }
  });
});
