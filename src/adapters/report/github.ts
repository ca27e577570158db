/**
 * GitHub Actions workflow commands: one `::error` or `::warning` annotation
 * per diagnostic, which GitHub shows on the pull request's diff.
 *
 * @module
 */

import type { Diagnostic } from "../../diagnostics.js";
import { escapeControl } from "./terminal.js";

/**
 * Escapes a message (the data part of a workflow command): `%`, CR and LF
 * as the workflow commands say, and every other control character shown
 * escaped (GitHub's log renders ANSI escapes).
 */
export function escapeData(text: string): string {
  return escapeControl(text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A"));
}

/** Escapes a property value (`file=`, `title=`). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** The annotation of one diagnostic. */
export function githubAnnotation(d: Diagnostic, fallbackFile?: string): string {
  const props: string[] = [];
  const file = d.span?.file ?? fallbackFile;
  if (file !== undefined) props.push(`file=${escapeProperty(file)}`);
  if (d.span !== undefined) {
    props.push(`line=${d.span.line}`, `col=${d.span.column}`, `endLine=${d.span.endLine}`, `endColumn=${d.span.endColumn}`);
  }
  props.push(`title=${escapeProperty(`heed ${d.code}`)}`);
  const message = d.hint === undefined ? d.message : `${d.message} (hint: ${d.hint})`;
  return `::${d.severity} ${props.join(",")}::${escapeData(message)}`;
}
