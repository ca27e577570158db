import { describe, expect, it } from "vitest";
import { sarifValidator } from "../../support/sarif.js";
import type { Diagnostic } from "../../../src/diagnostics.js";
import { codeFrame, githubAnnotation, renderDiagnostics, sarifLog } from "../../../src/adapters/report/index.js";

const source = ["cadence \"x\" {", "  channels email", "  start stage a {", "    after 2 ignored touches move to nurtur", "  }", "}"].join("\n");
const diagnostics: Diagnostic[] = [
  {
    severity: "error",
    code: "unknown-stage",
    message: "unknown stage `nurtur` (did you mean `nurture`?)",
    span: { file: "p/in bound.heed", line: 4, column: 37, endLine: 4, endColumn: 42 },
    hint: "declare the stage or fix the name",
  },
  {
    severity: "warning",
    code: "unreachable-stage",
    message: "stage `b` can never be entered, so a, b",
    span: { file: "p/in bound.heed", line: 3, column: 3, endLine: 3, endColumn: 17 },
  },
];


describe("pretty report", () => {
  it("names file, line and column, the code, and underlines the span", () => {
    const text = renderDiagnostics(diagnostics, { format: "pretty", sources: new Map([["p/in bound.heed", source]]) });
    const lines = text.split("\n");
    expect(lines[0]).toBe("p/in bound.heed:3:3: warning[unreachable-stage]: stage `b` can never be entered, so a, b");
    expect(text).toContain("p/in bound.heed:4:37: error[unknown-stage]: unknown stage `nurtur` (did you mean `nurture`?)");
    expect(text).toContain("4 |     after 2 ignored touches move to nurtur\n  |                                     ^^^^^^\n");
    expect(text).toContain("= hint: declare the stage or fix the name");
    expect(text).not.toContain("\u001b[");
  });

  it("uses ANSI colour only when asked", () => {
    const text = renderDiagnostics(diagnostics, { format: "pretty", sources: new Map(), color: true });
    expect(text).toContain("\u001b[31m");
  });

  it("gives no frame for a line the source lacks", () => {
    expect(codeFrame("one line", { ...diagnostics[0]!, span: { line: 9, column: 1, endLine: 9, endColumn: 2 } })).toEqual([]);
  });
});

describe("github annotations", () => {
  it("writes one annotation per diagnostic with its position, escaping properties", () => {
    const lines = renderDiagnostics(diagnostics, { format: "github" }).trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(
      "::error file=p/in bound.heed,line=4,col=37,endLine=4,endColumn=42,title=heed unknown-stage::unknown stage `nurtur` (did you mean `nurture`?) (hint: declare the stage or fix the name)",
    );
    expect(githubAnnotation({ severity: "warning", code: "x", message: "50% off\nnext", span: { file: "a,b:c", line: 1, column: 2, endLine: 1, endColumn: 3 } })).toBe(
      "::warning file=a%2Cb%3Ac,line=1,col=2,endLine=1,endColumn=3,title=heed x::50%25 off%0Anext",
    );
  });
});

describe("json report", () => {
  it("has the documented, versioned shape", () => {
    const report = JSON.parse(renderDiagnostics(diagnostics, { format: "json" })) as { version: number; diagnostics: unknown[] };
    expect(report.version).toBe(1);
    expect(report.diagnostics[1]).toEqual({
      file: "p/in bound.heed",
      severity: "error",
      code: "unknown-stage",
      message: "unknown stage `nurtur` (did you mean `nurture`?)",
      hint: "declare the stage or fix the name",
      span: { line: 4, column: 37, endLine: 4, endColumn: 42 },
    });
  });
});

describe("sarif report", () => {
  const validate = sarifValidator();

  it("validates against the SARIF 2.1.0 schema", () => {
    const log = JSON.parse(renderDiagnostics(diagnostics, { format: "sarif" }));
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("validates when empty and when a diagnostic has no span", () => {
    expect(validate(sarifLog([]))).toBe(true);
    expect(validate(sarifLog([{ severity: "error", code: "read-error", message: "cannot read" }]))).toBe(true);
  });

  it("rejects a log the schema forbids, so the check can fail", () => {
    const log = sarifLog(diagnostics) as unknown as { runs: { results: { level: string }[] }[] };
    log.runs[0]!.results[0]!.level = "fatal";
    expect(validate(log)).toBe(false);
  });

  it("names the tool heed, lists the rules and places results with exclusive end columns", () => {
    const log = sarifLog(diagnostics);
    const run = log.runs[0]!;
    expect(run.tool.driver.name).toBe("heed");
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(["unknown-stage", "unreachable-stage"]);
    const result = run.results.find((r) => r.ruleId === "unknown-stage")!;
    expect(result.locations?.[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: "p/in%20bound.heed" },
      region: { startLine: 4, startColumn: 37, endLine: 4, endColumn: 43 },
    });
    expect(run.tool.driver.rules[result.ruleIndex]?.id).toBe("unknown-stage");
  });
});

describe("output hygiene", () => {
  const ESC = "\u001b";
  const long = (column: number, length: number): string => `${"a".repeat(column - 1)}nurtur${"b".repeat(length - column - 5)}`;

  it("cuts a long source line to a window around the column, the caret still under the span", () => {
    const line = long(50_000, 100_000);
    const d: Diagnostic = { severity: "error", code: "unknown-stage", message: "unknown stage `nurtur`", span: { file: "p.heed", line: 1, column: 50_000, endLine: 1, endColumn: 50_005 } };
    const frame = codeFrame(line, d);
    expect(frame).toHaveLength(3);
    for (const row of frame) expect(row.length).toBeLessThan(140);
    const text = frame[1]!;
    const caret = frame[2]!;
    expect(text).toMatch(/^1 \| …a+nurturb+…$/);
    // The caret sits under `nurtur`, six wide.
    const at = caret.indexOf("^");
    expect(text.slice(at, at + 6)).toBe("nurtur");
    expect(caret.slice(at)).toBe("^^^^^^");
    // Near the start of the line: no leading ellipsis.
    const start = codeFrame(long(3, 100_000), { ...d, span: { file: "p.heed", line: 1, column: 3, endLine: 1, endColumn: 8 } });
    expect(start[1]).toMatch(/^1 \| aanurturb+…$/);
    expect(start[2]).toBe("  |   ^^^^^^");
  });

  it("escapes control characters of the source, the message, the file and the hint in pretty output", () => {
    const source = `cadence "${ESC}[31mred" {\r\n  channels email\u0007\u009b\n}\n`;
    const d: Diagnostic = {
      severity: "error",
      code: "x",
      message: `policy \`${ESC}[31mred\` beeps\u0007 and\rreturns`,
      span: { file: `evil${ESC}]0;title\u0007.heed`, line: 1, column: 9, endLine: 1, endColumn: 20 },
      hint: `rename \u202eit`,
    };
    for (const color of [false, true]) {
      const text = renderDiagnostics([d], { format: "pretty", sources: new Map([[d.span!.file!, source]]), color });
      const stripped = text.replace(/\u001b\[(?:31|33|36|1|2|22|39)m/g, "");
      expect(stripped).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      expect(stripped).toContain("policy `\\x1b[31mred` beeps\\x07 and\\rreturns");
      expect(stripped).toContain("evil\\x1b]0;title\\x07.heed:1:9");
      expect(stripped).toContain("= hint: rename \\u202eit");
      expect(stripped).toContain('1 | cadence "\\x1b[31mred" {');
    }
    // The caret stays under the span when escapes widen the text before it.
    const frame = codeFrame(`a${ESC}b nurtur`, { severity: "error", code: "x", message: "m", span: { line: 1, column: 5, endLine: 1, endColumn: 10 } });
    expect(frame[1]).toBe("1 | a\\x1bb nurtur");
    expect(frame[2]).toBe(`  | ${" ".repeat(7)}^^^^^^`);
  });

  it("escapes control characters in github annotations", () => {
    const line = githubAnnotation({ severity: "error", code: "x", message: `bad ${ESC}[31mname\u0007`, span: { file: `a${ESC}.heed`, line: 1, column: 1, endLine: 1, endColumn: 2 } });
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(line).toBe("::error file=a\\x1b.heed,line=1,col=1,endLine=1,endColumn=2,title=heed x::bad \\x1b[31mname\\x07");
  });
});
