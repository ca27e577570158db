/**
 * Diagnostic reports in the four formats of `--format`: `pretty` (people),
 * `json` (scripts), `github` (workflow annotations) and `sarif` (code
 * scanning).
 *
 * The JSON shape is stable and versioned:
 * `{ "version": 1, "diagnostics": [{ "file", "severity", "code", "message", "hint"?, "span"? }] }`.
 *
 * @module
 */

import { sortDiagnostics, type Diagnostic, type Span } from "../../diagnostics.js";
import { githubAnnotation } from "./github.js";
import { pathFromRoot, type ReportBase } from "./paths.js";
import { prettyDiagnostic, summarize } from "./pretty.js";
import { sarifLog } from "./sarif.js";

export { codeFrame, location, prettyDiagnostic, summarize } from "./pretty.js";
export { githubAnnotation } from "./github.js";
export { sarifLog, type SarifLog, type SarifOptions } from "./sarif.js";
export { pathFromRoot, reportRoot, type ReportBase } from "./paths.js";
export { palette, type Palette } from "./color.js";
export { escapeControl, escapeLines } from "./terminal.js";

/** The report formats. */
export type ReportFormat = "pretty" | "json" | "github" | "sarif";

/** One diagnostic in the JSON report. */
export interface JsonDiagnostic {
  file: string | null;
  severity: Diagnostic["severity"];
  code: string;
  message: string;
  hint?: string;
  span?: { line: number; column: number; endLine: number; endColumn: number };
}

/** A diagnostic as the JSON report shows it. */
export function jsonDiagnostic(d: Diagnostic): JsonDiagnostic {
  const out: JsonDiagnostic = { file: d.span?.file ?? null, severity: d.severity, code: d.code, message: d.message };
  if (d.hint !== undefined) out.hint = d.hint;
  if (d.span !== undefined) out.span = plainSpan(d.span);
  return out;
}

function plainSpan(span: Span): NonNullable<JsonDiagnostic["span"]> {
  return { line: span.line, column: span.column, endLine: span.endLine, endColumn: span.endColumn };
}

/** Options of {@link renderDiagnostics}. */
export interface RenderOptions {
  format: ReportFormat;
  /** Source texts by file name, for code frames. */
  sources?: ReadonlyMap<string, string>;
  color?: boolean;
  /** Print the `2 errors, 1 warning` line after pretty output. */
  summary?: boolean;
  /** For `github` and `sarif`: name files relative to the repository root rather than as the command named them. */
  base?: ReportBase;
  /** For `sarif`: the run's category (`check`, `test`, `diff`). */
  category?: string;
}

/** The diagnostic with its file named relative to the root (kept as named when it lies outside the root). */
function fromRoot(d: Diagnostic, base: ReportBase | undefined): Diagnostic {
  const file = d.span?.file;
  if (base === undefined || d.span === undefined || file === undefined) return d;
  const relative = pathFromRoot(file, base);
  return relative === undefined || relative === file ? d : { ...d, span: { ...d.span, file: relative } };
}

/**
 * The whole report of a list of diagnostics, ending with a newline (or empty
 * for pretty and github output without diagnostics and without summary).
 */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], options: RenderOptions): string {
  const sorted = sortDiagnostics(diagnostics);
  switch (options.format) {
    case "json":
      return `${JSON.stringify({ version: 1, diagnostics: sorted.map(jsonDiagnostic) }, null, 2)}\n`;
    case "sarif":
      return `${JSON.stringify(sarifLog(sorted, { ...(options.base ? { base: options.base } : {}), ...(options.category ? { category: options.category } : {}) }), null, 2)}\n`;
    case "github":
      return sorted.map((d) => `${githubAnnotation(fromRoot(d, options.base))}\n`).join("");
    case "pretty": {
      const sources = options.sources ?? new Map<string, string>();
      const blocks = sorted.map((d) => prettyDiagnostic(d, sources, options.color ?? false).join("\n"));
      if (options.summary === true) blocks.push(summarize(sorted));
      return blocks.length === 0 ? "" : `${blocks.join("\n\n")}\n`;
    }
  }
}
