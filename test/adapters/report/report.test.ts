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
