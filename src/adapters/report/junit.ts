/**
 * JUnit XML, the test report CI systems read (Jenkins, GitLab, Azure
 * Pipelines, the GitHub test-report actions): `heed test --format junit`.
 *
 * One `<testsuite>` per test file, one `<testcase>` per case, with a
 * `<failure>` holding what did not hold, the expected and actual decision
 * and the stage timeline. A test file that could not run (bad YAML, a policy
 * with errors) is a suite with one `<testcase>` holding an `<error>` per
 * problem, so it fails the build like a failing case.
 *
 * @module
 */

import type { Diagnostic } from "../../diagnostics.js";
import { describeChange, describeDecision, describeExpectation, type CaseResult, type TestFileResult, type TestRun } from "../policy-tests.js";

/** Text escaped for XML content and attribute values; characters XML 1.0 cannot hold become U+FFFD. */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "\uFFFD")
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\r/g, "&#13;")
    .replace(/\n/g, "&#10;");
}

/** Content text: like {@link escapeXml}, but line breaks stay line breaks. */
function escapeText(text: string): string {
  return escapeXml(text).replace(/&#10;/g, "\n").replace(/&#13;/g, "");
}

function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join("");
}

/** Seconds, as JUnit writes durations. */
function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function location(span: { file?: string; line: number; column: number } | undefined, fallback: string): string {
  return span === undefined ? fallback : `${span.file ?? fallback}:${span.line}:${span.column}`;
}

/** The body of a failing case's `<failure>`: each miss with its place, then the decision and the timeline. */
function failureBody(file: TestFileResult, c: CaseResult): string {
  const lines = c.failures.map((failure, i) => `${failure}  (${location(c.failureSpans[i], file.file)})`);
  const explanation = c.explanation;
  if (explanation !== undefined) {
    lines.push(`expected: ${describeExpectation(c.expect)}`, `actual:   ${describeDecision(explanation.decision)}`, "timeline:");
    for (const change of explanation.timeline) lines.push(`  ${describeChange(change, file.policies.length > 1)}`);
    const deciding = explanation.rules.filter((r) => r.outcome === "deny" || r.outcome === "defer");
    lines.push(deciding.length === 0 ? "deciding rules: none (every rule met)" : "deciding rules:");
    for (const r of deciding) lines.push(`  ${r.rule}: ${r.outcome}${r.notBefore === undefined ? "" : ` until ${r.notBefore}`} [${r.code}] ${r.message}`);
  }
  return lines.join("\n");
}

function testcase(file: TestFileResult, c: CaseResult): string {
  const head = `    <testcase${attributes({ name: c.name, classname: file.file, file: file.file, line: c.span.line, time: seconds(c.durationMs ?? 0) })}`;
  if (c.passed) return `${head}/>`;
  const message = c.failures.join("; ");
  return `${head}>\n      <failure${attributes({ message, type: "test-failed" })}>${escapeText(failureBody(file, c))}</failure>\n    </testcase>`;
}

/** The problems that kept a test file from running, as one case with an `<error>` each. */
function loadErrors(file: TestFileResult, errors: readonly Diagnostic[]): string {
  const body = errors
    .map((d) => {
      const text = `${location(d.span, file.file)}: ${d.message}${d.hint === undefined ? "" : ` (hint: ${d.hint})`}`;
      return `      <error${attributes({ message: d.message, type: d.code })}>${escapeText(text)}</error>`;
    })
    .join("\n");
  return `    <testcase${attributes({ name: "(loading the test file and its policies)", classname: file.file, file: file.file, time: seconds(0) })}>\n${body}\n    </testcase>`;
}

/** Options of {@link junitReport}. */
export interface JunitOptions {
  /** The `<testsuites>` name (default `heed test`). */
  name?: string;
  /** When the run started (ISO-8601), for the suites' `timestamp`. */
  timestamp?: string;
}

/** The JUnit XML report of a test run, ending with a newline. */
export function junitReport(run: TestRun, options: JunitOptions = {}): string {
  const suites: string[] = [];
  const total = { tests: 0, failures: 0, errors: 0, skipped: 0, ms: 0 };
  for (const file of run.files) {
    const errors = file.diagnostics.filter((d) => d.severity === "error");
    const failures = file.cases.filter((c) => !c.passed).length;
    const ms = file.cases.reduce((sum, c) => sum + (c.durationMs ?? 0), 0);
    // run and left-out cases in the order of the file
    const entries = [
      ...file.cases.map((c) => ({ line: c.span.line, xml: testcase(file, c) })),
      ...file.skipped.map((left) => ({
        line: left.span.line,
        xml: `    <testcase${attributes({ name: left.name, classname: file.file, file: file.file, line: left.span.line, time: seconds(0) })}>\n      <skipped message="left out by --filter"/>\n    </testcase>`,
      })),
    ].sort((a, b) => a.line - b.line);
    const cases = entries.map((e) => e.xml);
    if (errors.length > 0) cases.unshift(loadErrors(file, errors));
    const tests = cases.length;
    const errored = errors.length > 0 ? 1 : 0;
    total.tests += tests;
    total.failures += failures;
    total.errors += errored;
    total.skipped += file.skipped.length;
    total.ms += ms;
    const head = `  <testsuite${attributes({ name: file.file, tests, failures, errors: errored, skipped: file.skipped.length, time: seconds(ms), timestamp: options.timestamp, file: file.file })}`;
    suites.push(cases.length === 0 ? `${head}/>` : `${head}>\n${cases.join("\n")}\n  </testsuite>`);
  }
  const root = `<testsuites${attributes({ name: options.name ?? "heed test", tests: total.tests, failures: total.failures, errors: total.errors, skipped: total.skipped, time: seconds(total.ms) })}`;
  const body = suites.length === 0 ? `${root}/>` : `${root}>\n${suites.join("\n")}\n</testsuites>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`;
}
