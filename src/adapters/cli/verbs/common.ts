/**
 * Helpers shared by the verbs: the report format, printing diagnostics.
 *
 * @module
 */

import type { Diagnostic } from "../../../diagnostics.js";
import { pathFromRoot, renderDiagnostics, reportRoot, type ReportBase, type ReportFormat } from "../../report/index.js";
import type { ParsedArgs } from "../args.js";
import { useColor, type CliIo } from "../io.js";

/** The `--format` the user chose (default `pretty`). */
export function reportFormat(args: ParsedArgs): ReportFormat {
  return (args.values.get("format") ?? "pretty") as ReportFormat;
}

/** Options of {@link emitDiagnostics}. */
export interface EmitOptions {
  format: ReportFormat;
  sources: ReadonlyMap<string, string>;
  /** Where pretty output goes: stderr when stdout carries the verb's output. */
  prettyStream?: "stdout" | "stderr";
  summary?: boolean;
  /** For `sarif`: the run's category (the verb: `check`, `test`, `diff`). */
  category?: string;
}

/** What `github` and `sarif` paths are relative to: `--root`, else the git work tree, else the current folder. */
export function reportBase(io: CliIo): ReportBase {
  return { cwd: io.cwd, root: reportRoot(io.cwd, io.reportRoot) };
}

/** A file as `github` annotations name it: relative to the root (as named when it lies outside). */
export function annotationPath(io: CliIo, file: string, base: ReportBase = reportBase(io)): string {
  return pathFromRoot(file, base) ?? file;
}

/**
 * Prints diagnostics in the chosen format. Machine formats always go to
 * stdout (an empty JSON or SARIF report too, so tools can parse it).
 */
export function emitDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[], options: EmitOptions): void {
  if (options.format === "pretty") {
    const streamName = options.prettyStream ?? "stdout";
    const text = renderDiagnostics(diagnostics, {
      format: "pretty",
      sources: options.sources,
      color: useColor(io, streamName),
      summary: options.summary ?? false,
    });
    (streamName === "stdout" ? io.stdout : io.stderr).write(text);
    return;
  }
  const machine = options.format === "github" || options.format === "sarif";
  io.stdout.write(
    renderDiagnostics(diagnostics, {
      format: options.format,
      ...(machine ? { base: reportBase(io) } : {}),
      ...(options.category === undefined ? {} : { category: options.category }),
    }),
  );
}

/** Gives every diagnostic a file when its span lacks one. */
export function withFile(diagnostics: readonly Diagnostic[], file: string): Diagnostic[] {
  return diagnostics.map((d) => {
    if (d.span === undefined) return { ...d, span: { file, line: 1, column: 1, endLine: 1, endColumn: 1 } };
    return d.span.file === undefined ? { ...d, span: { ...d.span, file } } : d;
  });
}

/** Splits `a,b, c` into names. */
export function splitList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
}
