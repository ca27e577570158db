/**
 * `heed convert`: one form of a policy to the other. Both forms parse to the
 * same AST; the DSL is printed by the formatter, the YAML by the YAML printer.
 *
 * @module
 */

import type { Policy } from "../ast.js";
import { hasErrors, type Diagnostic } from "../diagnostics.js";
import { parseDsl } from "./dsl.js";
import { formatPolicy } from "./format.js";

export interface ConvertOptions {
  file?: string;
  to: "yaml" | "dsl";
}

export interface ConvertResult {
  /** The policy in the other form; absent when the input has errors. */
  output?: string;
  diagnostics: Diagnostic[];
}

interface FrontEnd {
  parsePolicy(text: string, options?: { file?: string }): { policy: Policy | undefined; diagnostics: readonly Diagnostic[] };
}
interface YamlPrinter {
  printYaml(policy: Policy): string;
}

// The YAML front end and printer live beside this module; they are loaded by
// path so that the DSL side of the converter works on its own.
const FRONT_END = "./index.js";
const YAML_PRINTER = "./yaml-print.js";
const frontEnd = (await import(FRONT_END).catch(() => undefined)) as FrontEnd | undefined;
const yamlPrinter = (await import(YAML_PRINTER).catch(() => undefined)) as YamlPrinter | undefined;

/** True when the text starts (after comments) with `cadence NAME {` rather than `cadence:`. */
export function looksLikeDsl(text: string): boolean {
  const body = text.replace(/^(?:\s*#[^\n]*\n)*\s*/, "");
  return /^cadence\s+[^:\s]/.test(body);
}

function parseEither(text: string, file: string | undefined): { policy: Policy | undefined; diagnostics: Diagnostic[] } {
  const options = file === undefined ? {} : { file };
  if (frontEnd !== undefined) {
    const { policy, diagnostics } = frontEnd.parsePolicy(text, options);
    return { policy, diagnostics: [...diagnostics] };
  }
  if (looksLikeDsl(text)) return parseDsl(text, options);
  return {
    policy: undefined,
    diagnostics: [{ severity: "error", code: "unsupported", message: "this build cannot read YAML policies" }],
  };
}

/** Converts a policy from either form to `options.to`; never throws. */
export function convertPolicy(text: string, options: ConvertOptions): ConvertResult {
  const { policy, diagnostics } = parseEither(text, options.file);
  if (policy === undefined || hasErrors(diagnostics)) return { diagnostics };
  if (options.to === "dsl") return { output: formatPolicy(policy), diagnostics };
  if (yamlPrinter === undefined) {
    return {
      diagnostics: [...diagnostics, { severity: "error", code: "unsupported", message: "this build cannot print YAML policies" }],
    };
  }
  return { output: yamlPrinter.printYaml(policy), diagnostics };
}
