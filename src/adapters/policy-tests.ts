/**
 * Policy test files (spec section 7): loading them with positions, running
 * each case through the engine, checking its expectations, and measuring
 * which rules and transitions the cases exercised.
 *
 * @module
 */

import { dirname, join, normalize } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from "yaml";
import type { Policy } from "../ast.js";
import { HeedInputError, HeedPolicyError, hasErrors, sortDiagnostics, type Diagnostic, type Span } from "../diagnostics.js";
import type { Explanation, StageChange } from "../engine/api.js";
import { compile, compileIr } from "../engine/index.js";
import { parseInstant } from "../engine/time.js";
import type { Contact, Decision, HistoryEvent, ProposedTouch, Verdict } from "../model.js";
import { loadPolicy, readText, type LoadedPolicy } from "./files.js";

// ---------------------------------------------------------------- loading

/** What a case expects; every field is optional. */
export interface Expectation {
  verdict?: Verdict;
  stage?: string;
  rules?: string[];
  codes?: string[];
  notBefore?: string;
}

/** One case of a test file, as written. */
export interface TestCase {
  name: string;
  /** Where the case starts in the test file. */
  span: Span;
  contact: unknown;
  history: unknown[];
  at: unknown;
  touch: unknown;
  expect: Expectation;
  /** Locates a field of the case (`history[2].at`) in the test file. */
  locate(field: string): Span;
}

/** A test file read and checked. */
export interface TestFile {
  file: string;
  /** The policies under test, relative to the current folder (a list makes a policy set). */
  policies: string[];
  policySpan: Span | undefined;
  cases: TestCase[];
  /** Problems of the test file itself; cases are not run when there are errors. */
  diagnostics: Diagnostic[];
}

const ROOT_KEYS = ["policy", "cases"];
const CASE_KEYS = ["name", "contact", "history", "at", "touch", "expect"];
const EXPECT_KEYS = ["verdict", "stage", "rules", "codes", "notBefore"];
const VERDICTS: readonly Verdict[] = ["allow", "deny", "defer"];

/** Reads a test file from disk; see {@link parseTestFile}. */
export function loadTestFile(file: string, cwd: string): TestFile {
  const read = readText(file, cwd);
  if ("diagnostic" in read) return { file, policies: [], policySpan: undefined, cases: [], diagnostics: [read.diagnostic] };
  return parseTestFile(read.text, file);
}

/**
 * Parses the text of a test file. Every problem is a diagnostic with the
 * line and column of the offending value.
 */
export function parseTestFile(text: string, file: string): TestFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const diagnostics: Diagnostic[] = [];
  const spanAt = (offset: number, end: number): Span => {
    const start = lineCounter.linePos(offset);
    const last = lineCounter.linePos(Math.max(offset, end - 1));
    return { file, line: start.line, column: start.col, endLine: last.line, endColumn: last.col, offset, endOffset: Math.max(offset + 1, end) };
  };
  const spanOf = (node: unknown): Span => {
    const range = (node as Node | null)?.range;
    return range ? spanAt(range[0], range[1]) : spanAt(0, 1);
  };
  const error = (node: unknown, code: string, message: string, hint?: string): void => {
    diagnostics.push({ severity: "error", code, message, span: spanOf(node), ...(hint === undefined ? {} : { hint }) });
  };
  const result: TestFile = { file, policies: [], policySpan: undefined, cases: [], diagnostics };

  for (const e of [...doc.errors, ...doc.warnings]) {
    const [from, to] = e.pos;
    diagnostics.push({
      severity: "error",
      code: "test-syntax",
      message: `invalid YAML: ${firstLine(e.message)}`,
      span: spanAt(from, to),
    });
  }
  if (diagnostics.length > 0) return result;

  const root = doc.contents;
  if (!isMap(root)) {
    error(root, "test-shape", "a test file must be a map with `policy` and `cases`");
    return result;
  }
  checkKeys(root, ROOT_KEYS, "test file", error);

  const policyNode = root.get("policy", true);
  if (policyNode === undefined) {
    error(root, "test-shape", "missing `policy`: the policy file under test, relative to this file");
  } else {
    result.policySpan = spanOf(policyNode);
    const names = isSeq(policyNode) ? policyNode.items : [policyNode];
    for (const item of names) {
      if (!isScalar(item) || typeof item.value !== "string" || item.value === "") {
        error(item, "test-shape", "`policy` must be a file name or a list of file names");
      } else {
        result.policies.push(normalize(join(dirname(file), item.value)));
      }
    }
  }

  const casesNode = root.get("cases", true);
  if (casesNode === undefined) {
    error(root, "test-shape", "missing `cases`: a list of cases");
    return result;
  }
  if (!isSeq(casesNode)) {
    error(casesNode, "test-shape", "`cases` must be a list");
    return result;
  }
  casesNode.items.forEach((caseNode, index) => {
    const loaded = readCase(caseNode, index, spanOf, error);
    if (loaded !== undefined) result.cases.push(loaded);
  });
  result.diagnostics = sortDiagnostics(diagnostics);
  return result;
}

type ErrorFn = (node: unknown, code: string, message: string, hint?: string) => void;

function firstLine(text: string): string {
  const line = (text.split("\n")[0] ?? "").trim();
  const clipped = line.replace(/ at line \d+, column \d+:?$/, "").replace(/\.$/, "");
  return clipped.charAt(0).toLowerCase() + clipped.slice(1);
}

function checkKeys(map: YAMLMap, allowed: readonly string[], where: string, error: ErrorFn): void {
  for (const pair of map.items as Pair[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (!allowed.includes(key)) {
      error(pair.key, "test-shape", `unknown field \`${key}\` in ${where}`, `expected one of ${allowed.map((k) => `\`${k}\``).join(", ")}`);
    }
  }
}

function readCase(node: unknown, index: number, spanOf: (node: unknown) => Span, error: ErrorFn): TestCase | undefined {
  if (!isMap(node)) {
    error(node, "test-shape", `case ${index + 1} must be a map with \`name\`, \`contact\`, \`history\`, \`at\`, \`touch\` and \`expect\``);
    return undefined;
  }
  let ok = true;
  const fail: ErrorFn = (n, code, message, hint) => {
    ok = false;
    error(n, code, message, hint);
  };
  checkKeys(node, CASE_KEYS, `case ${index + 1}`, fail);
  const nameNode = node.get("name", true);
  let name = `case ${index + 1}`;
  if (nameNode === undefined) fail(node, "test-shape", `case ${index + 1} has no \`name\``);
  else if (!isScalar(nameNode) || typeof nameNode.value !== "string") fail(nameNode, "test-shape", "`name` must be a string");
  else name = nameNode.value;

  const contactNode = node.get("contact", true);
  if (contactNode === undefined) fail(node, "test-shape", `case \`${name}\` has no \`contact\``);
  else if (!isMap(contactNode)) fail(contactNode, "test-shape", "`contact` must be a map such as `{ id: c1 }`");

  const historyNode = node.get("history", true);
  if (historyNode !== undefined && !isSeq(historyNode)) fail(historyNode, "test-shape", "`history` must be a list of events");

  const atNode = node.get("at", true);
  if (atNode === undefined) fail(node, "test-shape", `case \`${name}\` has no \`at\`: the instant of the proposed touch`);
  else if (!isScalar(atNode) || typeof atNode.value !== "string") fail(atNode, "test-shape", "`at` must be an ISO-8601 instant such as `\"2026-03-12T10:00:00-04:00\"`");

  const touchNode = node.get("touch", true);
  if (touchNode === undefined) fail(node, "test-shape", `case \`${name}\` has no \`touch\`: the proposed touch, such as \`{ channel: email }\``);
  else if (!isMap(touchNode)) fail(touchNode, "test-shape", "`touch` must be a map such as `{ channel: email }`");

  const expect: Expectation = {};
  const expectNode = node.get("expect", true);
  if (expectNode !== undefined) {
    if (!isMap(expectNode)) {
      fail(expectNode, "test-shape", "`expect` must be a map");
    } else {
      checkKeys(expectNode, EXPECT_KEYS, "`expect`", fail);
      const verdict = expectNode.get("verdict", true);
      if (verdict !== undefined) {
        if (isScalar(verdict) && VERDICTS.includes(verdict.value as Verdict)) expect.verdict = verdict.value as Verdict;
        else fail(verdict, "test-shape", `\`verdict\` must be \`allow\`, \`deny\` or \`defer\`, got \`${String(isScalar(verdict) ? verdict.value : "a collection")}\``);
      }
      const stage = expectNode.get("stage", true);
      if (stage !== undefined) {
        if (isScalar(stage) && typeof stage.value === "string") expect.stage = stage.value;
        else fail(stage, "test-shape", "`stage` must be a stage name");
      }
      for (const key of ["rules", "codes"] as const) {
        const list = expectNode.get(key, true);
        if (list === undefined) continue;
        if (isSeq(list) && list.items.every((i) => isScalar(i) && typeof i.value === "string")) {
          expect[key] = list.items.map((i) => String((i as { value: unknown }).value));
        } else {
          fail(list, "test-shape", `\`${key}\` must be a list of names`);
        }
      }
      const notBefore = expectNode.get("notBefore", true);
      if (notBefore !== undefined) {
        if (isScalar(notBefore) && typeof notBefore.value === "string" && parseInstant(notBefore.value) !== undefined) expect.notBefore = notBefore.value;
        else fail(notBefore, "test-shape", "`notBefore` must be an ISO-8601 instant with an offset or `Z`");
      }
    }
  }
  if (!ok) return undefined;
  const caseSpan = spanOf(node);
  return {
    name,
    span: nameNode !== undefined ? { ...spanOf(nameNode), line: caseSpan.line, column: caseSpan.column } : caseSpan,
    contact: (contactNode as Node).toJSON(),
    history: historyNode === undefined ? [] : ((historyNode as Node).toJSON() as unknown[]),
    at: (atNode as Node).toJSON(),
    touch: (touchNode as Node).toJSON(),
    expect,
    locate(field: string): Span {
      const path = field.match(/[^.[\]]+/g) ?? [];
      let current: unknown = node;
      let found: unknown = node;
      for (const segment of path) {
        if (isMap(current)) current = current.get(segment, true);
        else if (isSeq(current)) current = current.items[Number(segment)];
        else current = undefined;
        if (current === undefined || current === null) break;
        found = current;
      }
      return spanOf(found);
    },
  };
}

// ---------------------------------------------------------------- running

/** How one case went. */
export interface CaseResult {
  name: string;
  span: Span;
  passed: boolean;
  /** What did not hold, one line each (`verdict: expected \`deny\`, got \`allow\``). */
  failures: string[];
  /** Where each failure points in the test file. */
  failureSpans: Span[];
  expect: Expectation;
  explanation?: Explanation;
  /** How long deciding the case took, in milliseconds (for JUnit reports). */
  durationMs?: number;
}

/** How one test file went. */
export interface TestFileResult {
  file: string;
  policies: string[];
  cases: CaseResult[];
  /** Problems of the test file or of the policies it tests. */
  diagnostics: Diagnostic[];
  /** The cases a filter left out (`heed test --filter`): their names and places. */
  skipped: { name: string; span: Span }[];
}

/** Runs the cases of a test file against already loaded policies. */
export function runCases(test: TestFile, policies: readonly Policy[]): CaseResult[] {
  const engine = compile(policies.length === 1 ? (policies[0] as Policy) : policies);
  return test.cases.map((c) => {
    const started = performance.now();
    const result = runCase(engine, c);
    result.durationMs = performance.now() - started;
    return result;
  });
}

function runCase(engine: ReturnType<typeof compile>, c: TestCase): CaseResult {
  const result: CaseResult = { name: c.name, span: c.span, passed: false, failures: [], failureSpans: [], expect: c.expect };
  let explanation: Explanation;
  try {
    // The engine checks its input and raises a typed error naming the field, so the case's raw values go as they are.
    explanation = engine.explain({
      contact: c.contact as Contact,
      history: c.history as HistoryEvent[],
      touch: c.touch as ProposedTouch,
      at: c.at as string,
    });
  } catch (error) {
    if (error instanceof HeedInputError) {
      result.failures.push(`invalid input: ${error.message}`);
      result.failureSpans.push(c.locate(error.field));
      return result;
    }
    throw error;
  }
  result.explanation = explanation;
  const d = explanation.decision;
  const miss = (text: string, field: string) => {
    result.failures.push(text);
    result.failureSpans.push(c.locate(`expect.${field}`));
  };
  const e = c.expect;
  if (e.verdict !== undefined && e.verdict !== d.verdict) miss(`verdict: expected \`${e.verdict}\`, got \`${d.verdict}\``, "verdict");
  if (e.stage !== undefined && e.stage !== d.stage) miss(`stage: expected \`${e.stage}\`, got \`${d.stage}\``, "stage");
  const ruleIds = d.reasons.map((r) => r.rule);
  const missingRules = (e.rules ?? []).filter((r) => !ruleIds.includes(r));
  if (missingRules.length > 0) miss(`rules: expected ${list(missingRules)} among the reasons, got ${ruleIds.length === 0 ? "none" : list(ruleIds)}`, "rules");
  const codes = d.reasons.map((r) => r.code);
  const missingCodes = (e.codes ?? []).filter((code) => !codes.includes(code));
  if (missingCodes.length > 0) miss(`codes: expected ${list(missingCodes)} among the reasons, got ${codes.length === 0 ? "none" : list([...new Set(codes)])}`, "codes");
  if (e.notBefore !== undefined) {
    const want = parseInstant(e.notBefore);
    const got = d.notBefore === undefined ? undefined : parseInstant(d.notBefore);
    if (got === undefined) miss(`notBefore: expected \`${e.notBefore}\`, got none (verdict \`${d.verdict}\`)`, "notBefore");
    else if (got !== want) miss(`notBefore: expected \`${e.notBefore}\`, got \`${d.notBefore}\``, "notBefore");
  }
  result.passed = result.failures.length === 0;
  return result;
}

function list(names: readonly string[]): string {
  return names.map((n) => `\`${n}\``).join(", ");
}

/** A test run over many files, with the policies each loaded once. */
export interface TestRun {
  files: TestFileResult[];
  /** The loaded policies by file, for coverage and code frames. */
  policies: Map<string, LoadedPolicy>;
  /** The test files' texts, for code frames. */
  sources: Map<string, string>;
}

/** Options of {@link runTestFiles}. */
export interface RunOptions {
  /** Runs only the cases whose name it accepts (`heed test --filter`). */
  only?: (caseName: string) => boolean;
}

/** Loads and runs every test file. */
export function runTestFiles(files: readonly string[], cwd: string, options: RunOptions = {}): TestRun {
  const policies = new Map<string, LoadedPolicy>();
  const sources = new Map<string, string>();
  const results: TestFileResult[] = [];
  for (const file of files) {
    const read = readText(file, cwd);
    const test = "diagnostic" in read ? { file, policies: [], policySpan: undefined, cases: [], diagnostics: [read.diagnostic] } : parseTestFile(read.text, file);
    if (!("diagnostic" in read)) sources.set(file, read.text);
    const only = options.only;
    const selected = only === undefined ? test.cases : test.cases.filter((c) => only(c.name));
    const result: TestFileResult = { file, policies: test.policies, cases: [], diagnostics: [...test.diagnostics], skipped: test.cases.filter((c) => !selected.includes(c)).map((c) => ({ name: c.name, span: c.span })) };
    results.push(result);
    if (hasErrors(test.diagnostics)) continue;
    const loaded: Policy[] = [];
    for (const policyFile of test.policies) {
      let policy = policies.get(policyFile);
      if (policy === undefined) {
        policy = loadPolicy(policyFile, cwd);
        policies.set(policyFile, policy);
        if (policy.text !== undefined) sources.set(policyFile, policy.text);
      }
      if (policy.text === undefined) {
        result.diagnostics.push({
          severity: "error",
          code: "missing-policy",
          message: `policy file \`${policyFile}\` not found`,
          ...(test.policySpan === undefined ? {} : { span: test.policySpan }),
        });
        continue;
      }
      const errors = policy.diagnostics.filter((d) => d.severity === "error");
      result.diagnostics.push(...errors);
      if (policy.policy !== undefined && errors.length === 0) loaded.push(policy.policy);
    }
    if (hasErrors(result.diagnostics) || loaded.length === 0) continue;
    try {
      result.cases = runCases({ ...test, cases: selected }, loaded);
    } catch (error) {
      if (!(error instanceof HeedPolicyError)) throw error;
      result.diagnostics.push(...error.diagnostics);
    }
  }
  return { files: results, policies, sources };
}

/** The failing cases of a run as diagnostics, located at the case in its test file. */
export function failureDiagnostics(run: TestRun): Diagnostic[] {
  return run.files.flatMap((f) =>
    f.cases
      .filter((c) => !c.passed)
      .flatMap((c) =>
        c.failures.map((failure, i): Diagnostic => ({
          severity: "error",
          code: "test-failed",
          message: `case \`${c.name}\` failed: ${failure}`,
          span: c.failureSpans[i] ?? c.span,
        })),
      ),
  );
}

// ---------------------------------------------------------------- coverage

/** One rule or transition and how often the cases exercised it. */
export interface CoverageItem {
  policy: string;
  /** The rule id, or the transition as written (`prospecting: after 2 ignored touches move to nurture`). */
  name: string;
  span?: Span;
  /** Cases in which a rule was unmet (denied or deferred), or a transition fired. */
  hits: number;
  /** Rules only: cases in which the rule applied to the touch and was met. */
  metHits?: number;
}

/** Coverage of one policy file. */
export interface PolicyCoverage {
  file: string;
  policy: string;
  rules: CoverageItem[];
  transitions: CoverageItem[];
}

function transitionKey(policy: string, span: Span | undefined, to: string, cause: string): string {
  return span === undefined ? `${policy}|${to}|${cause}` : `${policy}|${span.line}:${span.column}`;
}

/**
 * Which rules and transitions of the tested policies the cases exercised.
 * A rule is exercised when it was unmet in some case (it shows among the
 * reasons); a rule only ever met where it applied is counted apart. A
 * transition is exercised when it fired in some case's timeline.
 */
export function coverage(run: TestRun): PolicyCoverage[] {
  const out: PolicyCoverage[] = [];
  const byFile = new Map<string, PolicyCoverage>();
  // Transitions by policy file, then by their place in it.
  const transitionIndex = new Map<string, Map<string, CoverageItem>>();
  for (const [file, loaded] of [...run.policies].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (loaded.policy === undefined || hasErrors(loaded.diagnostics)) continue;
    const ir = compileIr(loaded.policy);
    const cov: PolicyCoverage = {
      file,
      policy: ir.name,
      rules: ir.rules.map((r) => ({ policy: ir.name, name: r.id, ...(r.span ? { span: r.span } : {}), hits: 0, metHits: 0 })),
      transitions: [],
    };
    const index = new Map<string, CoverageItem>();
    const addTransition = (from: string, t: { span?: Span; target: string; cause: string }) => {
      const item: CoverageItem = { policy: ir.name, name: `${from}: ${t.cause} move to ${t.target}`, ...(t.span ? { span: t.span } : {}), hits: 0 };
      index.set(transitionKey(ir.name, t.span, t.target, t.cause), item);
      cov.transitions.push(item);
    };
    for (const stage of ir.stages) for (const t of stage.transitions) addTransition(stage.name, t);
    for (const t of ir.transitions) addTransition("any stage", t);
    byFile.set(file, cov);
    transitionIndex.set(file, index);
    out.push(cov);
  }
  for (const file of run.files) {
    // Several files may hold policies of one name: a test file's cases count for its own policy files.
    const byName = new Map<string, { cov: PolicyCoverage; transitions: Map<string, CoverageItem> }>();
    for (const policyFile of file.policies) {
      const cov = byFile.get(policyFile);
      const transitions = transitionIndex.get(policyFile);
      if (cov !== undefined && transitions !== undefined) byName.set(cov.policy, { cov, transitions });
    }
    for (const c of file.cases) {
      const explanation = c.explanation;
      if (explanation === undefined) continue;
      const seen = new Set<CoverageItem>();
      for (const outcome of explanation.rules) {
        const item = byName.get(outcome.policy)?.cov.rules.find((r) => r.name === outcome.rule);
        if (item === undefined || seen.has(item)) continue;
        if (outcome.outcome === "deny" || outcome.outcome === "defer") {
          item.hits++;
          seen.add(item);
        } else if (outcome.outcome === "met") {
          item.metHits = (item.metHits ?? 0) + 1;
          seen.add(item);
        }
      }
      const fired = new Set<CoverageItem>();
      for (const change of explanation.timeline) {
        if (change.cause === "start") continue;
        const item = byName.get(change.policy)?.transitions.get(transitionKey(change.policy, change.span, change.to, change.cause));
        if (item !== undefined && !fired.has(item)) {
          item.hits++;
          fired.add(item);
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- describing

/** The decision in one line: `defer until 2026-03-12T14:00:00Z in stage nurture`. */
export function describeDecision(d: Decision): string {
  const verdict = d.verdict === "defer" && d.notBefore !== undefined ? `defer until ${d.notBefore}` : d.verdict;
  return `${verdict} (stage \`${d.stage}\`)`;
}

/** The expectation in one line. */
export function describeExpectation(e: Expectation): string {
  const parts: string[] = [];
  if (e.verdict !== undefined) parts.push(e.verdict);
  if (e.notBefore !== undefined) parts.push(`until ${e.notBefore}`);
  if (e.stage !== undefined) parts.push(`(stage \`${e.stage}\`)`);
  if (e.rules !== undefined) parts.push(`rules ${list(e.rules)}`);
  if (e.codes !== undefined) parts.push(`codes ${list(e.codes)}`);
  return parts.length === 0 ? "no error" : parts.join(" ");
}

/** A stage change in one line: `2026-03-06T15:00:00Z  prospecting → nurture  (after 2 ignored touches, inbound.heed:9:5)`. */
export function describeChange(change: StageChange, multiPolicy = false): string {
  const where = change.span === undefined ? "" : `, ${change.span.file ?? ""}:${change.span.line}:${change.span.column}`;
  const policy = multiPolicy ? `[${change.policy}] ` : "";
  const from = change.from === null ? "" : `${change.from} → `;
  return `${change.at}  ${policy}${from}${change.to}  (${change.cause}${where})`;
}
