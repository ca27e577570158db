/**
 * The human format: `file:line:column: error[code]: message`, a code frame
 * (the source line with a caret underline), then the hint. Everything from
 * the policy or its file name is shown with control characters escaped.
 *
 * @module
 */

import type { Diagnostic } from "../../diagnostics.js";
import { palette } from "./color.js";
import { escapeChar, escapeControl, isControl } from "./terminal.js";

/** Where a diagnostic is: `file:line:column`, or what is known of it. */
export function location(d: Diagnostic, fallbackFile?: string): string {
  const file = d.span?.file ?? fallbackFile;
  if (d.span === undefined) return escapeControl(file ?? "heed");
  return `${escapeControl(file ?? "<input>")}:${d.span.line}:${d.span.column}`;
}

/** How much of a long source line a code frame shows, and how much of it before the span. */
const FRAME_WIDTH = 100;
const FRAME_BEFORE = 40;

/** How `char` is shown in a code frame: a tab as itself, a control character escaped. */
function shown(char: string): string {
  return isControl(char) ? escapeChar(char) : char;
}

/**
 * The source line of the span with a caret underline. A span over several
 * lines underlines the first line from its column to the end. A line longer
 * than {@link FRAME_WIDTH} is cut to a window around the column, marked with
 * `…` where it was cut; control characters are shown escaped, the caret
 * still under the span.
 */
export function codeFrame(source: string, d: Diagnostic, color = false): string[] {
  const span = d.span;
  if (span === undefined) return [];
  const lines = source.split(/\r?\n/);
  const text = lines[span.line - 1];
  if (text === undefined) return [];
  const p = palette(color);
  const gutter = String(span.line).length;
  const start = Math.max(1, span.column) - 1;
  // End columns are inclusive: the span's last character, 1-based, is the index just past it.
  const last = span.endLine === span.line ? Math.max(span.endColumn, start + 1) : Math.max(text.length, start + 1);
  let from = 0;
  let to = text.length;
  if (text.length > FRAME_WIDTH) {
    from = Math.max(0, Math.min(start - FRAME_BEFORE, text.length - FRAME_WIDTH));
    to = Math.min(text.length, from + FRAME_WIDTH);
    // Never cut a surrogate pair in two.
    if (from > 0 && /[\udc00-\udfff]/.test(text[from] ?? "")) from--;
    if (to < text.length && /[\ud800-\udbff]/.test(text[to - 1] ?? "")) to++;
  }
  let line = from > 0 ? "…" : "";
  let pad = from > 0 ? " " : "";
  let width = 0;
  for (let i = from; i < to; i++) {
    const char = text[i]!;
    const display = shown(char);
    line += display;
    if (i < start) pad += char === "\t" ? "\t" : " ".repeat(display.length);
    else if (i < last) width += display.length;
  }
  if (to < text.length) line += "…";
  const caret = "^".repeat(Math.max(1, width));
  const marker = d.severity === "error" ? p.red(caret) : p.yellow(caret);
  return [`${" ".repeat(gutter)} ${p.dim("|")}`, `${p.dim(`${span.line} |`)} ${line}`, `${" ".repeat(gutter)} ${p.dim("|")} ${pad}${marker}`];
}

/** One diagnostic in the human format, as lines. */
export function prettyDiagnostic(d: Diagnostic, sources: ReadonlyMap<string, string>, color = false, fallbackFile?: string): string[] {
  const p = palette(color);
  const level = d.severity === "error" ? p.red(p.bold(`error[${escapeControl(d.code)}]`)) : p.yellow(p.bold(`warning[${escapeControl(d.code)}]`));
  const out = [`${p.bold(location(d, fallbackFile))}: ${level}: ${escapeControl(d.message)}`];
  const file = d.span?.file ?? fallbackFile;
  const source = file === undefined ? undefined : sources.get(file);
  if (source !== undefined) out.push(...codeFrame(source, d, color));
  if (d.hint !== undefined) out.push(`  ${p.cyan("= hint:")} ${escapeControl(d.hint)}`);
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
