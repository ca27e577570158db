/**
 * `heed convert`: one form of a policy to the other. Both forms parse to the
 * same AST; the DSL is printed by the formatter, the YAML by the YAML printer.
 *
 * @module
 */

import { hasErrors, type Diagnostic } from "../diagnostics.js";
import { formatPolicy } from "./format.js";
import { parsePolicy } from "./index.js";
import { printYaml } from "./yaml-print.js";

export interface ConvertOptions {
  file?: string;
  to: "yaml" | "dsl";
}

export interface ConvertResult {
  /** The policy in the other form; absent when the input has errors. */
  output?: string;
  diagnostics: Diagnostic[];
}

/**
 * Converts a policy from either form (told apart by the file name, else the
 * content) to `options.to`; never throws. Comments are kept only DSL to DSL.
 */
export function convertPolicy(text: string, options: ConvertOptions): ConvertResult {
  const { policy, diagnostics } = parsePolicy(text, options.file === undefined ? {} : { file: options.file });
  if (policy === undefined || hasErrors(diagnostics)) return { diagnostics };
  return { output: options.to === "dsl" ? formatPolicy(policy) : printYaml(policy), diagnostics };
}
