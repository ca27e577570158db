/**
 * What `heed fmt` does to one DSL text, shared by the CLI verb and the
 * language server's formatting: the canonical text, or why there is none.
 *
 * Pure: no file system.
 *
 * @module
 */

import { stripSpans } from "../ast.js";
import type { Diagnostic } from "../diagnostics.js";
import { formatPolicy } from "../parser/format.js";
import { parsePolicy } from "../parser/index.js";

/** The canonical text of a policy, or the diagnostics that stop it from being formatted. */
export type FormatOutcome = { formatted: string } | { diagnostics: Diagnostic[] };

/**
 * Formats a `.heed` text with the `heed fmt` printer (comments kept). Only
 * a text that does not parse is refused (its syntax errors are returned);
 * mistakes of meaning are `heed check`'s to report. A text whose formatted
 * form would not read back as the same policy is refused with
 * `format-mismatch`.
 */
export function formatDslText(text: string, file: string): FormatOutcome {
  const parsed = parsePolicy(text, { file, format: "dsl" });
  if (parsed.policy === undefined) return { diagnostics: parsed.diagnostics.filter((d) => d.severity === "error") };
  const formatted = formatPolicy(parsed.policy);
  const reread = parsePolicy(formatted, { file, format: "dsl" }).policy;
  if (reread === undefined || JSON.stringify(stripSpans(reread)) !== JSON.stringify(stripSpans(parsed.policy))) {
    return {
      diagnostics: [
        {
          severity: "error",
          code: "format-mismatch",
          message: `formatting \`${file}\` would change its meaning; the file was left as it is`,
          span: { file, line: 1, column: 1, endLine: 1, endColumn: 1 },
        },
      ],
    };
  }
  return { formatted };
}
