/**
 * The human format: `file:line:column: error[code]: message`, a code frame
 * (the source line with a caret underline), then the hint.
 *
 * @module
 */

import type { Diagnostic } from "../../diagnostics.js";
import { palette } from "./color.js";

/** Where a diagnostic is: `file:line:column`, or what is known of it. */
export function location(d: Diagnostic, fallbackFile?: string): string {
  const file = d.span?.file ?? fallbackFile;
  if (d.span === undefined) return file ?? "heed";
  return `${file ?? "<input>"}:${d.span.line}:${d.span.column}`;
}

/**
 * The source line of the span with a caret underline. A span over several
 * lines underlines the first line from its column to the end.
 */
export function codeFrame(source: string, d: Diagnostic, color = false): string[] {
  const span = d.span;
  if (span === undefined) return [];
  const lines = source.split(/\r?\n/);
  const text = lines[span.line - 1];
  if (text === undefined) return [];
  const p = palette(color);
  const gutter = String(span.line).length;
  const start = Math.max(1, span.column);
  const lastOnLine = span.endLine === span.line ? Math.max(span.endColumn, start) : Math.max(text.length, start);
  const width = Math.max(1, Math.min(lastOnLine, Math.max(text.length, start)) - start + 1);
  const pad = text.slice(0, start - 1).replace(/[^\t]/g, " ");
  const marker = d.severity === "error" ? p.red("^".repeat(width)) : p.yellow("^".repeat(width));
  return [`${" ".repeat(gutter)} ${p.dim("|")}`, `${p.dim(`${span.line} |`)} ${text}`, `${" ".repeat(gutter)} ${p.dim("|")} ${pad}${marker}`];
}

/** One diagnostic in the human format, as lines. */
export function prettyDiagnostic(d: Diagnostic, sources: ReadonlyMap<string, string>, color = false, fallbackFile?: string): string[] {
  const p = palette(color);
  const level = d.severity === "error" ? p.red(p.bold(`error[${d.code}]`)) : p.yellow(p.bold(`warning[${d.code}]`));
  const out = [`${p.bold(location(d, fallbackFile))}: ${level}: ${d.message}`];
  const file = d.span?.file ?? fallbackFile;
  const source = file === undefined ? undefined : sources.get(file);
  if (source !== undefined) out.push(...codeFrame(source, d, color));
  if (d.hint !== undefined) out.push(`  ${p.cyan("= hint:")} ${d.hint}`);
  return out;
}

/** `2 errors, 1 warning` (or `no problems`). */
export function summarize(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  if (errors === 0 && warnings === 0) return "no problems";
  const parts: string[] = [];
  if (errors > 0) parts.push(`${errors} error${errors === 1 ? "" : "s"}`);
  if (warnings > 0) parts.push(`${warnings} warning${warnings === 1 ? "" : "s"}`);
  return parts.join(", ");
}
