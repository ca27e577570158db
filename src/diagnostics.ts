/**
 * Source spans, diagnostics and the error classes shared by every stage of the
 * pipeline (text -> CST -> AST -> IR -> decision).
 *
 * Errors in user input are data: parsing and checking return a list of
 * {@link Diagnostic}s. Only programmer mistakes throw.
 *
 * @module
 */

/**
 * A region of a source file. Lines and columns are 1-based; `endLine` and
 * `endColumn` point at the last character of the region (inclusive).
 * Offsets are 0-based character offsets into the text, end exclusive.
 */
export interface Span {
  /** The file, when known (set by the CLI and by `parsePolicy` with `file`). */
  file?: string;
  /** The first line, from 1. */
  line: number;
  /** The first column, from 1. */
  column: number;
  /** The last line, from 1. */
  endLine: number;
  /** The last column, inclusive. */
  endColumn: number;
  /** The 0-based character offset of the start, when known. */
  offset?: number;
  /** The 0-based character offset just past the end, when known. */
  endOffset?: number;
}

/** How serious a diagnostic is: errors stop a policy from compiling. */
export type Severity = "error" | "warning";

/**
 * A problem found in a policy or test file, reported as data.
 *
 * Messages follow one style: lowercase start, no final period, no line
 * breaks, user input in backticks.
 */
export interface Diagnostic {
  /** `error` stops a policy from compiling; `warning` does not (unless `--strict`). */
  severity: Severity;
  /** A stable, kebab-case identifier such as `unknown-stage` or `syntax`. */
  code: string;
  /** What is wrong, in the user's terms (lowercase, no final period). */
  message: string;
  /** Where: the offending text. */
  span?: Span;
  /** A suggested fix, in the same style as the message. */
  hint?: string;
}

/** Orders diagnostics by file, position, then severity and message. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  const fa = a.span?.file ?? "";
  const fb = b.span?.file ?? "";
  if (fa !== fb) return fa < fb ? -1 : 1;
  const la = a.span?.line ?? 0;
  const lb = b.span?.line ?? 0;
  if (la !== lb) return la - lb;
  const ca = a.span?.column ?? 0;
  const cb = b.span?.column ?? 0;
  if (ca !== cb) return ca - cb;
  if (a.severity !== b.severity) return a.severity === "error" ? -1 : 1;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/** Returns a new array of the diagnostics, sorted by {@link compareDiagnostics}. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(compareDiagnostics);
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/**
 * Raised by `evaluate`, `start`, `step` and `decide` for malformed input: a
 * malformed event, an invalid time, an unknown time zone. `field` names the
 * offending field as a path (`history[3].at`, `contact.timezone`), and
 * `index` is the position in the history when the problem is in an event.
 */
export class HeedInputError extends Error {
  /** Always `HeedInputError`. */
  override readonly name = "HeedInputError";
  /** A stable, kebab-case identifier such as `invalid-time` or `unknown-timezone`. */
  readonly code: string;
  /** The offending field, as a path into the input (`history[3].at`). */
  readonly field: string;
  /** The index in the history of the offending event, when there is one. */
  readonly index: number | undefined;

  constructor(code: string, field: string, message: string, index?: number) {
    super(message);
    this.code = code;
    this.field = field;
    this.index = index;
  }
}

/**
 * Raised by `compile` when handed a policy that still has errors. Carries the
 * diagnostics so callers can print them.
 */
export class HeedPolicyError extends Error {
  /** Always `HeedPolicyError`. */
  override readonly name = "HeedPolicyError";
  /** The policy's errors, sorted by position. */
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[]) {
    const first = diagnostics[0];
    super(
      first
        ? `policy has ${diagnostics.length} error(s); first: ${first.message}`
        : "policy has errors",
    );
    this.diagnostics = diagnostics;
  }
}

/** Exhaustiveness check for discriminated unions. */
export function assertNever(value: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
