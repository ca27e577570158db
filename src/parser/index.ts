/**
 * The parser's entry point: either form of a policy (the DSL or YAML) to
 * the one AST, with syntax, schema and validation diagnostics together.
 *
 * @module
 */

import type { Policy } from "../ast.js";
import { hasErrors, sortDiagnostics, type Diagnostic } from "../diagnostics.js";
import { validatePolicy } from "../engine/validate.js";
import { parseDsl } from "./dsl.js";
import { parseYamlPolicy } from "./yaml.js";

export { parseDsl } from "./dsl.js";
export { parseYamlPolicy } from "./yaml.js";
export { printYaml } from "./yaml-print.js";

/** The two forms of a policy: the DSL (`*.heed`) and YAML (`*.heed.yaml`). */
export type PolicyFormat = "dsl" | "yaml";

/** Options of {@link parsePolicy}. */
export interface ParsePolicyOptions {
  /** The file name, shown in diagnostics and used to tell the form apart. */
  file?: string;
  /** The form; by default from the file name, else from the content. */
  format?: PolicyFormat;
}

/** What {@link parsePolicy} returns. */
export interface ParsePolicyResult {
  /** Set whenever an AST could be built, even with validation errors. */
  policy: Policy | undefined;
  /** Every diagnostic, sorted by position. */
  diagnostics: Diagnostic[];
}

/**
 * The form of a policy: the option, else the file name (`.heed` is the
 * DSL, `.yaml`/`.yml` YAML), else the content: a first line (after
 * comments and blank lines) of `cadence` followed by a name, quoted or not,
 * is the DSL; `cadence:` (a YAML key) and anything else is YAML.
 */
export function detectFormat(text: string, options: ParsePolicyOptions = {}): PolicyFormat {
  if (options.format !== undefined) return options.format;
  const file = options.file;
  if (file !== undefined) {
    if (/\.heed$/i.test(file)) return "dsl";
    if (/\.ya?ml$/i.test(file)) return "yaml";
  }
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    return /^cadence\s+["\p{L}_]/u.test(trimmed) ? "dsl" : "yaml";
  }
  return "yaml";
}

/** The text without a leading byte-order mark (editors on Windows write one), so that columns on the first line count from `cadence`. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Parses and validates a policy in either form. Never throws. A leading
 * byte-order mark is ignored; positions are those of the text after it.
 */
export function parsePolicy(source: string, options: ParsePolicyOptions = {}): ParsePolicyResult {
  const text = withoutBom(source);
  const format = detectFormat(text, options);
  const file = options.file === undefined ? {} : { file: options.file };
  const parsed = format === "dsl" ? parseDsl(text, file) : parseYamlPolicy(text, file);
  if (parsed.policy === undefined || hasErrors(parsed.diagnostics)) {
    return { policy: undefined, diagnostics: sortDiagnostics(parsed.diagnostics) };
  }
  const semantic = validatePolicy(parsed.policy).map((d) => (format === "yaml" ? inYamlTerms(d) : d));
  return { policy: parsed.policy, diagnostics: sortDiagnostics([...parsed.diagnostics, ...semantic]) };
}

/** Validation hints speak the DSL; in a YAML policy, say the same in YAML. */
function inYamlTerms(diagnostic: Diagnostic): Diagnostic {
  if (diagnostic.hint === undefined) return diagnostic;
  const hint = diagnostic.hint
    .replace(/such as `start stage ([^`]+)`/, "such as `start: $1`")
    .replace("add a line such as `channels email, call`", "add a field such as `channels: [email, call]`")
    .replace("the `allow` line", "`allow`")
    .replace("the word `final`", "`final: true`");
  return hint === diagnostic.hint ? diagnostic : { ...diagnostic, hint };
}
