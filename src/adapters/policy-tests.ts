/**
 * Policy test files (spec section 7): loading them with positions, running
 * each case through the engine, checking its expectations, and measuring
 * which rules and transitions the cases exercised.
 *
 * @module
 */

import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { dirname, join, normalize } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLMap } from "yaml";
import type { Policy } from "../ast.js";
import { HeedInputError, HeedPolicyError, hasErrors, sortDiagnostics, type Diagnostic, type Span } from "../diagnostics.js";
import type { Explanation, StageChange } from "../engine/api.js";
import { compile, compileIr } from "../engine/index.js";
import { parseInstant } from "../engine/time.js";
import type { Contact, Decision, HistoryEvent, ProposedTouch, Verdict } from "../model.js";
import { didYouMean, suggest } from "../parser/names.js";
import { loadPolicy, readText, type LoadedPolicy } from "./files.js";
import { TEST_SCHEMA } from "./test-file-schema.js";

// ---------------------------------------------------------------- loading

/** What a case expects; every field is optional. */
export interface Expectation {
  verdict?: Verdict;
  stage?: string;
  rules?: string[];
  codes?: string[];
  notBefore?: string;
  /** `rules` and `codes` are the whole list of reasons, in order (not only among them). */
  exact?: boolean;
  /** The input must be refused with this input-error code; the case then has no decision. */
  error?: string;
}

/** One case of a test file, as written. */
export interface TestCase {
  name: string;
  /** Where the case starts in the test file. */
  span: Span;
  contact: unknown;
  history: unknown[];
  /** The touches to the account's other contacts, when the case gives them (spec section 8.4). */
  account?: unknown[];
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

let validator: ValidateFunction | undefined;

/** The test-file schema, compiled once on first use. */
function schemaValidator(): ValidateFunction {
  if (validator === undefined) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
    // `errorMessage` words a failed check for editors (yaml-language-server reads it) and for the messages below.
    ajv.addKeyword({ keyword: "errorMessage", schemaType: "string" });
    validator = ajv.compile(TEST_SCHEMA);
  }
  return validator;
}

/** Reads a test file from disk; see {@link parseTestFile}. */
export function loadTestFile(file: string, cwd: string): TestFile {
  const read = readText(file, cwd);
  if ("diagnostic" in read) return { file, policies: [], policySpan: undefined, cases: [], diagnostics: [read.diagnostic] };
  return parseTestFile(read.text, file);
}

/**
 * Parses the text of a test file and checks it against the test-file
 * schema (`schema/heed-test.schema.json`). Every problem is a diagnostic
 * with the line and column of the offending value; cases are returned only
 * when there is none.
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
    if (!range) return spanAt(0, 1);
    // A block value's range runs on to the next line: point at its text.
    let end = range[1];
    while (end > range[0] + 1 && /\s/.test(text[end - 1] ?? "")) end--;
    return spanAt(range[0], end);
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

  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // An alias bomb and the like: the reader refuses it.
    diagnostics.push({ severity: "error", code: "test-syntax", message: `invalid YAML: ${firstLine((error as Error).message)}`, span: spanAt(0, 1) });
    return result;
  }
  const validate = schemaValidator();
  if (!validate(data)) diagnostics.push(...schemaDiagnostics(doc, data, validate.errors ?? [], spanOf));
  if (!isMap(doc.contents)) return { ...result, diagnostics: sortDiagnostics(diagnostics) };
  const root = doc.contents;

  const policyNode = root.get("policy", true);
  const casesNode = root.get("cases", true);
  const record = data as { policy?: unknown; cases?: unknown };
  if (policyNode !== undefined && !hasErrorsAt(diagnostics, spanOf(policyNode))) {
    result.policySpan = spanOf(policyNode);
    const names = Array.isArray(record.policy) ? record.policy : [record.policy];
    result.policies = names.map((name) => normalize(join(dirname(file), String(name))));
  }
  // What the schema cannot say: a notBefore that looks like an instant but is none (a 13th month).
  if (isSeq(casesNode)) {
    casesNode.items.forEach((caseNode, index) => {
      const notBefore = isMap(caseNode) ? nodeAt(caseNode, ["expect", "notBefore"]) : undefined;
      if (isScalar(notBefore) && typeof notBefore.value === "string" && INSTANT_LIKE.test(notBefore.value) && parseInstant(notBefore.value) === undefined) {
        diagnostics.push({
          severity: "error",
          code: "test-shape",
          message: `\`expect.notBefore\` of ${caseLabel((record.cases as unknown[])[index], index)} is no instant: \`${notBefore.value}\` (a date, a time and an offset or \`Z\`, within the years 0001 to 9999)`,
          span: spanOf(notBefore),
        });
      }
    });
  }
  result.diagnostics = sortDiagnostics(diagnostics);
  if (hasErrors(result.diagnostics) || !isSeq(casesNode)) return result;
  result.cases = casesNode.items.map((caseNode, index) => readCase(caseNode as YAMLMap, (record.cases as CaseData[])[index] as CaseData, spanOf));
  return result;
}

/** A notBefore of the schema's pattern; {@link parseInstant} also checks the ranges of its parts. */
const INSTANT_LIKE = new RegExp((TEST_SCHEMA.definitions.expect.properties.notBefore as { pattern: string }).pattern);

function hasErrorsAt(diagnostics: readonly Diagnostic[], span: Span): boolean {
  return diagnostics.some((d) => d.severity === "error" && d.span?.offset !== undefined && span.offset !== undefined && d.span.offset >= span.offset && d.span.offset < (span.endOffset ?? span.offset + 1));
}

/** A case as the schema admits it. */
interface CaseData {
  name: string;
  contact: unknown;
  history?: unknown[];
  account?: unknown[];
  at: unknown;
  touch: unknown;
  expect?: Expectation;
}

function firstLine(text: string): string {
  const line = (text.split("\n")[0] ?? "").trim();
  const clipped = line.replace(/ at line \d+, column \d+:?$/, "").replace(/\.$/, "");
  return clipped.charAt(0).toLowerCase() + clipped.slice(1);
}

/** `case \`name\``, or `case 3` for a case without a name. */
function caseLabel(data: unknown, index: number): string {
  const name = (data as { name?: unknown } | null)?.name;
  return typeof name === "string" && name !== "" ? `case \`${name}\`` : `case ${index + 1}`;
}

function readCase(node: YAMLMap, data: CaseData, spanOf: (node: unknown) => Span): TestCase {
  const caseSpan = spanOf(node);
  const nameNode = node.get("name", true);
  const testCase: TestCase = {
    name: data.name,
    span: nameNode !== undefined ? { ...spanOf(nameNode), line: caseSpan.line, column: caseSpan.column } : caseSpan,
    contact: data.contact,
    history: data.history ?? [],
    at: data.at,
    touch: data.touch,
    expect: data.expect ?? {},
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
  if (data.account !== undefined) testCase.account = data.account;
  return testCase;
}

// ---------------------------------------------------------------- schema messages

/** The node a path of keys and list indexes leads to, or `undefined`. */
function nodeAt(from: unknown, path: readonly string[]): unknown {
  let current: unknown = from;
  for (const segment of path) {
    if (isMap(current)) current = current.get(segment, true);
    else if (isSeq(current)) current = current.items[Number(segment)];
    else return undefined;
    if (current === undefined || current === null) return undefined;
  }
  return current;
}

/** The word for what a value is, for `got X`. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  const text = String(value);
  return `\`${text.length > 60 ? `${text.slice(0, 57)}...` : text}\``;
}

/** A field as the engine names it, from inside its case: `history[1].at`, `expect.verdict`; at the top: `policy[1]`. */
function fieldName(path: readonly string[]): string {
  const inner = path[0] === "cases" && path.length > 2 ? path.slice(2) : path;
  return inner.map((segment, i) => (/^[0-9]+$/.test(segment) ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join("");
}

/** What a message says the value at `path` is: `the test file`, `case \`x\``, `` `history[1]` ``. */
function subjectOf(path: readonly string[], data: unknown): string {
  if (path.length === 0) return "the test file";
  if (path[0] === "cases" && path.length === 2) return caseLabel((data as { cases: unknown[] }).cases[Number(path[1])], Number(path[1]));
  return `\`${fieldName(path)}\``;
}

type SchemaNode = { title?: string; errorMessage?: string; type?: unknown; properties?: Record<string, SchemaNode | undefined>; anyOf?: readonly SchemaNode[]; $ref?: string };

/** A schema node with its `$ref` followed (the test schema's refs are all `#/definitions/NAME`). */
function deref(schema: SchemaNode | undefined): SchemaNode | undefined {
  const ref = schema?.$ref;
  if (ref === undefined) return schema;
  const name = ref.replace(/^#\/definitions\//, "");
  return (TEST_SCHEMA.definitions as Record<string, SchemaNode>)[name];
}

/**
 * The schema of property `field` as seen from `node`, a node of the test
 * schema: the nearest node on the way up from it that declares the
 * property, so that an event's `then: { required: [channel] }` finds the
 * title of the event's `channel`. (Ajv gives a failed check's schema node
 * itself, but a path relative to the definition it was compiled in.)
 */
function propertyAt(node: SchemaNode | undefined, field: string): SchemaNode | undefined {
  const path = node === undefined ? undefined : pathTo(TEST_SCHEMA, node);
  for (const at of [...(path ?? [])].reverse()) {
    const found = (at as SchemaNode).properties?.[field];
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The schema nodes from `from` down to `target` (both included), or `undefined` where `target` is not inside `from`. */
function pathTo(from: unknown, target: unknown): unknown[] | undefined {
  if (from === target) return [from];
  if (from === null || typeof from !== "object") return undefined;
  for (const child of Object.values(from)) {
    const rest = pathTo(child, target);
    if (rest !== undefined) return [from, ...rest];
  }
  return undefined;
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (Number.isInteger(value)) return "integer";
  return typeof value;
}

function typeMatches(schema: SchemaNode | undefined, value: unknown): boolean {
  const type = deref(schema)?.type;
  const types = Array.isArray(type) ? (type as string[]) : type === undefined ? [] : [String(type)];
  const actual = jsonType(value);
  return types.includes(actual) || (actual === "integer" && types.includes("number"));
}

/**
 * The schema's errors as diagnostics, each at the node it is about, in the
 * user's words: `unknown field ... (did you mean ...?)`, `X has no Y`,
 * `X must be TITLE, got VALUE`. A value that fits none of several shapes is
 * one error, unless it has the type of one shape, whose own errors then say more.
 */
function schemaDiagnostics(doc: Document, data: unknown, errors: readonly ErrorObject[], spanOf: (node: unknown) => Span): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const report = (message: string, node: unknown, hint?: string): void => {
    const span = spanOf(node ?? doc.contents);
    const key = `${span.offset ?? 0}:${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ severity: "error", code: "test-shape", message, span, ...(hint === undefined ? {} : { hint }) });
  };
  // Errors inside the shapes of an `anyOf` that the value does not take are not about it.
  const dropped = new Set<ErrorObject>();
  for (const error of errors) {
    if (error.keyword !== "anyOf") continue;
    const branches = (error.schema as SchemaNode[] | undefined) ?? [];
    const taken = branches.findIndex((branch) => typeMatches(branch, error.data));
    const inBranch = (other: ErrorObject, i: number): boolean => {
      if (other === error || !other.instancePath.startsWith(error.instancePath)) return false;
      if (other.schemaPath.startsWith(`${error.schemaPath}/${i}/`)) return true;
      // Errors deeper in the value (an item of a list) come from the shape of the value's type, whatever their path.
      if (i === taken && other.instancePath.startsWith(`${error.instancePath}/`)) return true;
      // A branch that is a `$ref` reports its errors at the definition's path.
      const ref = branches[i]?.$ref;
      return ref !== undefined && other.instancePath === error.instancePath && other.schemaPath.startsWith(`${ref}/`);
    };
    for (const other of errors) {
      branches.forEach((_, i) => {
        if (i !== taken && inBranch(other, i)) dropped.add(other);
      });
    }
    if (taken >= 0 && errors.some((other) => inBranch(other, taken))) dropped.add(error);
  }
  // `polcy` for `policy`: the unknown field's message says it all, so the missing field is not reported too.
  const suggested = new Set<string>();
  for (const error of errors) {
    if (error.keyword !== "additionalProperties") continue;
    const field = String((error.params as { additionalProperty: string }).additionalProperty);
    const guess = suggest(field, Object.keys((error.parentSchema as SchemaNode).properties ?? {}));
    if (guess !== undefined) suggested.add(`${error.instancePath}/${guess}`);
  }
  const root = doc.contents;
  for (const error of errors) {
    if (dropped.has(error) || error.keyword === "if") continue;
    const path = error.instancePath === "" ? [] : error.instancePath.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    const node = nodeAt(root, path);
    const parent = error.parentSchema as SchemaNode | undefined;
    const subject = subjectOf(path, data);
    switch (error.keyword) {
      case "additionalProperties": {
        const field = String((error.params as { additionalProperty: string }).additionalProperty);
        const known = Object.keys(parent?.properties ?? {});
        const keyNode = isMap(node) ? (node.items as Pair[]).find((pair) => isScalar(pair.key) && String(pair.key.value) === field)?.key : undefined;
        const guess = didYouMean(field, known);
        report(`unknown field \`${field}\` in ${subject}${guess}`, keyNode ?? node, guess === "" ? `expected one of ${known.map((k) => `\`${k}\``).join(", ")}` : undefined);
        break;
      }
      case "required": {
        const field = String((error.params as { missingProperty: string }).missingProperty);
        if (suggested.has(`${error.instancePath}/${field}`)) break;
        const title = deref(propertyAt(parent, field))?.title;
        report(`${subject} has no \`${field}\`${title === undefined ? "" : `: ${title}`}`, node);
        break;
      }
      case "not":
        report(`${subject} ${parent?.errorMessage ?? "is not allowed here"}`, node);
        break;
      case "anyOf":
        if (parent?.errorMessage !== undefined) {
          // `exact: true` without a list: point at `exact`.
          const exactKey = isMap(node) ? (node.items as Pair[]).find((pair) => isScalar(pair.key) && pair.key.value === "exact")?.key : undefined;
          report(parent.errorMessage, exactKey ?? node);
        } else {
          report(`${subject} must be ${parent?.title ?? "something else"}, got ${describe(error.data)}`, node);
        }
        break;
      case "minLength":
      case "minItems":
        report(`${subject} must not be empty`, node);
        break;
      case "type":
      case "enum":
      case "const":
      case "pattern":
        report(`${subject} must be ${parent?.title ?? "something else"}, got ${describe(error.data)}`, node);
        break;
      default:
        report(`${subject} ${error.message ?? "is not valid"}`, node);
    }
  }
  return out;
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
  /** The input error the engine refused the case's input with, if it did. */
  inputError?: { code: string; field: string; message: string };
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
  const e = c.expect;
  let explanation: Explanation;
  try {
    // The engine checks its input and raises a typed error naming the field, so the case's raw values go as they are.
    // `account` goes along when the case gives it, for limits `across account`.
    const input = {
      contact: c.contact as Contact,
      history: c.history as HistoryEvent[],
      touch: c.touch as ProposedTouch,
      at: c.at as string,
      ...(c.account === undefined ? {} : { account: c.account as HistoryEvent[] }),
    };
    explanation = engine.explain(input);
  } catch (error) {
    if (!(error instanceof HeedInputError)) throw error;
    result.inputError = { code: error.code, field: error.field, message: error.message };
    if (e.error === error.code) {
      result.passed = true;
    } else {
      const wanted = e.error === undefined ? "a decision" : `the input error \`${e.error}\``;
      result.failures.push(`expected ${wanted}, got the input error \`${error.code}\`: ${error.message}`);
      result.failureSpans.push(c.locate(error.field));
    }
    return result;
  }
  result.explanation = explanation;
  const d = explanation.decision;
  const miss = (text: string, field: string) => {
    result.failures.push(text);
    result.failureSpans.push(c.locate(`expect.${field}`));
  };
  if (e.error !== undefined) {
    miss(`expected the input error \`${e.error}\`, got a decision: ${describeDecision(d)}`, "error");
    return result;
  }
  if (e.verdict !== undefined && e.verdict !== d.verdict) miss(`verdict: expected \`${e.verdict}\`, got \`${d.verdict}\``, "verdict");
  if (e.stage !== undefined && e.stage !== d.stage) miss(`stage: expected \`${e.stage}\`, got \`${d.stage}\``, "stage");
  const ruleIds = d.reasons.map((r) => r.rule);
  const codes = d.reasons.map((r) => r.code);
  if (e.exact === true) {
    if (e.rules !== undefined && !sameList(e.rules, ruleIds)) miss(`rules: expected exactly ${listOrNone(e.rules)}, in this order, got ${listOrNone(ruleIds)}`, "rules");
    if (e.codes !== undefined && !sameList(e.codes, codes)) miss(`codes: expected exactly ${listOrNone(e.codes)}, in this order, got ${listOrNone(codes)}`, "codes");
  } else {
    const missingRules = (e.rules ?? []).filter((r) => !ruleIds.includes(r));
    if (missingRules.length > 0) miss(`rules: expected ${list(missingRules)} among the reasons, got ${listOrNone(ruleIds)}`, "rules");
    const missingCodes = (e.codes ?? []).filter((code) => !codes.includes(code));
    if (missingCodes.length > 0) miss(`codes: expected ${list(missingCodes)} among the reasons, got ${listOrNone([...new Set(codes)])}`, "codes");
  }
  if (e.notBefore !== undefined) {
    const want = parseInstant(e.notBefore);
    const got = d.notBefore === undefined ? undefined : parseInstant(d.notBefore);
    if (got === undefined) miss(`notBefore: expected \`${e.notBefore}\`, got none (verdict \`${d.verdict}\`)`, "notBefore");
    else if (got !== want) miss(`notBefore: expected \`${e.notBefore}\`, got \`${d.notBefore}\``, "notBefore");
  }
  result.passed = result.failures.length === 0;
  return result;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function listOrNone(names: readonly string[]): string {
  return names.length === 0 ? "none" : list(names);
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
  if (e.error !== undefined) return `the input error \`${e.error}\``;
  if (e.verdict !== undefined) parts.push(e.verdict);
  if (e.notBefore !== undefined) parts.push(`until ${e.notBefore}`);
  if (e.stage !== undefined) parts.push(`(stage \`${e.stage}\`)`);
  const exactly = e.exact === true ? "exactly " : "";
  if (e.rules !== undefined) parts.push(`rules ${exactly}${listOrNone(e.rules)}`);
  if (e.codes !== undefined) parts.push(`codes ${exactly}${listOrNone(e.codes)}`);
  return parts.length === 0 ? "no error" : parts.join(" ");
}

/** A stage change in one line: `2026-03-06T15:00:00Z  prospecting → nurture  (after 2 ignored touches, inbound.heed:9:5)`. */
export function describeChange(change: StageChange, multiPolicy = false): string {
  const where = change.span === undefined ? "" : `, ${change.span.file ?? ""}:${change.span.line}:${change.span.column}`;
  const policy = multiPolicy ? `[${change.policy}] ` : "";
  const from = change.from === null ? "" : `${change.from} → `;
  return `${change.at}  ${policy}${from}${change.to}  (${change.cause}${where})`;
}
