/**
 * The parser's entry point: either form of a policy (the DSL or YAML) to
 * the one AST, then the checks stage (`src/checks`), with syntax, schema
 * and validation diagnostics together.
 *
 * @module
 */

import type { Policy } from "../ast.js";
import type { PolicyForm } from "../checks/index.js";
import { checkPolicy } from "../checks/index.js";
import { hasErrors, sortDiagnostics, type Diagnostic } from "../diagnostics.js";
import { parseDsl } from "./dsl.js";
import { parseYamlPolicy } from "./yaml.js";

export { parseDsl } from "./dsl.js";
export { parseYamlPolicy } from "./yaml.js";
export { printYaml } from "./yaml-print.js";

/** The two forms of a policy: the DSL (`*.heed`) and YAML (`*.heed.yaml`). */
export type PolicyFormat = PolicyForm;

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
 * Parses and checks a policy in either form. Never throws. A policy without
 * errors is returned branded as checked (`CheckedPolicy`), so that
 * `compile` does not check it again. A leading
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
  // the checks stage: a policy without errors comes back branded as checked, and `compile` trusts it
  const checked = checkPolicy(parsed.policy, { form: format });
  return { policy: checked.policy ?? parsed.policy, diagnostics: sortDiagnostics([...parsed.diagnostics, ...checked.diagnostics]) };
}
