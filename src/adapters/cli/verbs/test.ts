/**
 * `heed test PATH...`: runs policy test files (`*.test.yaml`).
 *
 * @module
 */

import type { Diagnostic } from "../../../diagnostics.js";
import { discoverFiles, isTestFile, PathError } from "../../files.js";
import {
  coverage,
  describeChange,
  describeDecision,
  describeExpectation,
  failureDiagnostics,
  runTestFiles,
  type CaseResult,
  type PolicyCoverage,
  type TestRun,
} from "../../policy-tests.js";
import { jsonDiagnostic, palette, type Palette } from "../../report/index.js";
import { junitReport } from "../../report/junit.js";
import { FORMAT_OPTION, UsageError, type OptionSpec } from "../args.js";
import { println, useColor, type CliIo } from "../io.js";
import { EXIT_FAIL, EXIT_OK, type Verb } from "../verb.js";
import { emitDiagnostics, reportFormat } from "./common.js";

/** `--format` of `heed test`: the four report formats, and JUnit XML. */
const TEST_FORMAT_OPTION: OptionSpec = {
  ...FORMAT_OPTION,
  choices: [...(FORMAT_OPTION.choices ?? []), "junit"],
  value: "pretty|json|github|sarif|junit",
  description: "how to report (default pretty; junit: JUnit XML for CI test reports)",
};

/** The case filter of `--filter PATTERN`: a regular expression matched against each case's name. */
function caseFilter(pattern: string | undefined): ((name: string) => boolean) | undefined {
  if (pattern === undefined) return undefined;
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch (error) {
    const reason = (error as Error).message.replace(/^Invalid regular expression: (\/.*\/[a-z]*: )?/, "");
    throw new UsageError(`option \`--filter\` expects a regular expression, got \`${pattern}\` (${reason.charAt(0).toLowerCase()}${reason.slice(1)})`);
  }
  return (name) => regex.test(name);
}

export const testVerb: Verb = {
  name: "test",
  summary: "run policy test files (`*.test.yaml`)",
  usage: "heed test [options] PATH...",
  details: [
    "Folders are searched recursively for `*.test.yaml` and `*.test.yml`.",
    "Each case's `policy:` path is relative to its test file.",
    "",
    "--filter PATTERN runs only the cases whose name matches the regular expression PATTERN",
    "(`--filter 'negative reply'`, `--filter '^quiet'`); the others are reported as left out.",
    "--format junit writes JUnit XML (one testsuite per test file) for CI systems that read it.",
    "",
    "Exit codes: 0 all cases pass, 1 a case fails or a test file or policy has errors, 2 usage errors",
    "(a --filter that is no regular expression, or that matches no case).",
  ].join("\n"),
  options: [
    TEST_FORMAT_OPTION,
    { name: "filter", type: "string", value: "PATTERN", description: "run only the cases whose name matches this regular expression" },
    { name: "coverage", type: "flag", description: "report the rules and transitions no case exercised" },
  ],
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError("expected at least one PATH");
    let files: string[];
    try {
      files = discoverFiles(args.positionals, io.cwd, isTestFile);
    } catch (error) {
      if (error instanceof PathError) throw new UsageError(error.message);
      throw error;
    }
    if (files.length === 0) throw new UsageError(`no test files (\`*.test.yaml\`) found in ${args.positionals.map((p) => `\`${p}\``).join(", ")}`);
    const pattern = args.values.get("filter");
    const only = caseFilter(pattern);
    const startedAt = new Date().toISOString();
    const run = runTestFiles(files, io.cwd, only === undefined ? {} : { only });
    const leftOut = run.files.reduce((sum, f) => sum + f.skipped.length, 0);
    if (pattern !== undefined && leftOut > 0 && run.files.every((f) => f.cases.length === 0 && f.diagnostics.length === 0)) {
      throw new UsageError(`no case name matches \`${pattern}\` (${leftOut} case${leftOut === 1 ? "" : "s"} left out)`);
    }
    const problems = run.files.flatMap((f) => f.diagnostics);
    const failures = failureDiagnostics(run);
    const cases = run.files.flatMap((f) => f.cases);
    const failed = cases.filter((c) => !c.passed).length;
    const cov = args.flags.has("coverage") ? coverage(run) : undefined;
    const format = args.values.get("format") ?? "pretty";
    if (format === "junit") {
      io.stdout.write(junitReport(run, { timestamp: startedAt }));
    } else if (format === "json") {
      io.stdout.write(`${JSON.stringify(jsonReport(run, problems, cov), null, 2)}\n`);
    } else if (format === "pretty") {
      printPretty(io, run, problems, cov);
    } else {
      emitDiagnostics(io, [...problems, ...failures, ...coverageWarnings(cov)], { format: reportFormat(args), sources: run.sources, category: "test" });
    }
    return problems.length > 0 || failed > 0 ? EXIT_FAIL : EXIT_OK;
  },
};

function coverageWarnings(cov: PolicyCoverage[] | undefined): Diagnostic[] {
  if (cov === undefined) return [];
  return cov.flatMap((p) => [
    ...p.rules
      .filter((r) => r.hits === 0)
      .map((r): Diagnostic => ({ severity: "warning", code: "rule-not-exercised", message: `no case makes rule \`${r.name}\` deny or defer`, span: r.span ?? { file: p.file, line: 1, column: 1, endLine: 1, endColumn: 1 } })),
    ...p.transitions
      .filter((t) => t.hits === 0)
      .map((t): Diagnostic => ({ severity: "warning", code: "transition-not-exercised", message: `no case fires transition \`${t.name}\``, span: t.span ?? { file: p.file, line: 1, column: 1, endLine: 1, endColumn: 1 } })),
  ]);
}

function where(span: { file?: string; line: number; column: number } | undefined, fallback: string): string {
  return span === undefined ? fallback : `${span.file ?? fallback}:${span.line}:${span.column}`;
}

function printPretty(io: CliIo, run: TestRun, problems: Diagnostic[], cov: PolicyCoverage[] | undefined): void {
  const p = palette(useColor(io, "stdout"));
  if (problems.length > 0) emitDiagnostics(io, problems, { format: "pretty", sources: run.sources });
  for (const file of run.files) {
    if (file.cases.length === 0) continue;
    println(io.stdout, p.bold(file.file));
    for (const c of file.cases) {
      if (c.passed) println(io.stdout, `  ${p.green("ok")}    ${c.name}`);
      else printFailure(io, p, c, file.policies.length > 1);
    }
  }
  if (cov !== undefined) printCoverage(io, p, cov);
  const cases = run.files.flatMap((f) => f.cases);
  const failed = cases.filter((c) => !c.passed).length;
  const broken = run.files.filter((f) => f.diagnostics.some((d) => d.severity === "error")).length;
  const parts = [`${cases.length - failed} passed`, `${failed} failed`];
  if (broken > 0) parts.push(`${broken} test file${broken === 1 ? "" : "s"} with errors`);
  const leftOut = run.files.reduce((sum, f) => sum + f.skipped.length, 0);
  if (leftOut > 0) parts.push(`${leftOut} left out by --filter`);
  println(io.stdout);
  const line = `${cases.length} case${cases.length === 1 ? "" : "s"}: ${parts.join(", ")}`;
  println(io.stdout, failed > 0 || broken > 0 ? p.red(line) : p.green(line));
}

function printFailure(io: CliIo, p: Palette, c: CaseResult, multiPolicy: boolean): void {
  println(io.stdout, `  ${p.red("FAIL")}  ${c.name}  ${p.dim(where(c.span, ""))}`);
  c.failures.forEach((failure, i) => {
    println(io.stdout, `        ${failure}  ${p.dim(where(c.failureSpans[i], ""))}`);
  });
  const explanation = c.explanation;
  if (explanation === undefined) return;
  println(io.stdout, `        expected: ${describeExpectation(c.expect)}`);
  println(io.stdout, `        actual:   ${describeDecision(explanation.decision)}`);
  println(io.stdout, "        timeline:");
  for (const change of explanation.timeline) println(io.stdout, `          ${describeChange(change, multiPolicy)}`);
  const deciding = explanation.rules.filter((r) => r.outcome === "deny" || r.outcome === "defer");
  println(io.stdout, deciding.length === 0 ? "        deciding rules: none (every rule met)" : "        deciding rules:");
  for (const r of deciding) {
    const until = r.notBefore === undefined ? "" : ` until ${r.notBefore}`;
    println(io.stdout, `          ${r.rule}: ${r.outcome}${until} [${r.code}] ${r.message}  ${p.dim(where(r.span, ""))}`);
  }
}

function printCoverage(io: CliIo, p: Palette, cov: PolicyCoverage[]): void {
  for (const policy of cov) {
    const rulesHit = policy.rules.filter((r) => r.hits > 0).length;
    const transitionsHit = policy.transitions.filter((t) => t.hits > 0).length;
    println(io.stdout);
    println(io.stdout, p.bold(`coverage of ${policy.file} (\`${policy.policy}\`)`));
    println(io.stdout, `  rules: ${rulesHit} of ${policy.rules.length} made a case deny or defer`);
    for (const r of policy.rules.filter((x) => x.hits === 0)) {
      const met = (r.metHits ?? 0) > 0 ? ` (applied and met in ${r.metHits} case${r.metHits === 1 ? "" : "s"})` : " (never applied)";
      println(io.stdout, `    ${p.yellow("not exercised")}  ${r.name}${met}  ${p.dim(where(r.span, policy.file))}`);
    }
    println(io.stdout, `  transitions: ${transitionsHit} of ${policy.transitions.length} fired`);
    for (const t of policy.transitions.filter((x) => x.hits === 0)) {
      println(io.stdout, `    ${p.yellow("never fired")}  ${t.name}  ${p.dim(where(t.span, policy.file))}`);
    }
  }
}

/**
 * The JSON report of `heed test --format json`, version 1:
 * `{ version: 1, summary: { files, cases, passed, failed, errors, skipped },
 *    diagnostics: [JsonDiagnostic],                       // problems of test files and policies
 *    files: [{ file, policies: [path], cases: [{ name, line, column, passed, failures: [string], decision?, inputError?: { code, field, message } }] }],
 *    coverage?: [{ file, policy, rules: [{ rule, unmet, met, line?, column? }], transitions: [{ transition, fired, line?, column? }] }] }`.
 */
function jsonReport(run: TestRun, problems: Diagnostic[], cov: PolicyCoverage[] | undefined): unknown {
  const cases = run.files.flatMap((f) => f.cases);
  const failed = cases.filter((c) => !c.passed).length;
  return {
    version: 1,
    summary: {
      files: run.files.length,
      cases: cases.length,
      passed: cases.length - failed,
      failed,
      errors: problems.filter((d) => d.severity === "error").length,
      skipped: run.files.reduce((sum, f) => sum + f.skipped.length, 0),
    },
    diagnostics: problems.map(jsonDiagnostic),
    files: run.files.map((f) => ({
      file: f.file,
      policies: f.policies,
      cases: f.cases.map((c) => ({
        name: c.name,
        line: c.span.line,
        column: c.span.column,
        passed: c.passed,
        failures: c.failures,
        ...(c.explanation === undefined ? {} : { decision: c.explanation.decision }),
        ...(c.inputError === undefined ? {} : { inputError: c.inputError }),
      })),
    })),
    ...(cov === undefined
      ? {}
      : {
          coverage: cov.map((p) => ({
            file: p.file,
            policy: p.policy,
            rules: p.rules.map((r) => ({ rule: r.name, unmet: r.hits, met: r.metHits ?? 0, ...(r.span ? { line: r.span.line, column: r.span.column } : {}) })),
            transitions: p.transitions.map((t) => ({ transition: t.name, fired: t.hits, ...(t.span ? { line: t.span.line, column: t.span.column } : {}) })),
          })),
        }),
  };
}
