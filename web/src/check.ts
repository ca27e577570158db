/**
 * What `heed check` says about the editor's text, computed in the page with
 * the library itself: the parser's and validator's diagnostics, the static
 * analysis, the silent-contact report and the diagram.
 *
 * @module
 */

import {
  analyzePolicy,
  analyzeSilentContact,
  compile,
  describeSilentContact,
  hasErrors,
  HeedPolicyError,
  parsePolicy,
  renderGraph,
  sortDiagnostics,
  type Diagnostic,
  type Engine,
  type Policy,
  type SilentContactReport,
} from "../../src/index.js";
import type { TextFormat } from "./state.js";

/** Everything the page shows about one version of a policy. */
export interface CheckResult {
  format: TextFormat;
  /** The policy, when it has no errors. */
  policy?: Policy;
  engine?: Engine;
  /** Every diagnostic, errors and warnings, sorted. */
  diagnostics: Diagnostic[];
  /** What a contact who never answers gets (policies without errors). */
  silent?: SilentContactReport;
  /** The silent-contact report in one sentence. */
  silentSummary?: string;
  /** The state machine as Mermaid text. */
  mermaid?: string;
}

/**
 * The warning codes a policy accepts with `# heed-check: allow CODE, CODE`
 * comment lines, read as `heed check` reads them (the CLI's reader lives
 * beside the file-system code, which the page cannot load).
 */
export function allowDirectives(text: string): Set<string> {
  const codes = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*#\s*heed-check:\s*allow\s+(.*)$/.exec(line);
    if (match === null) continue;
    for (const code of (match[1] ?? "").split(/[\s,]+/)) if (code !== "") codes.add(code);
  }
  return codes;
}

/** The file name diagnostics and the parser's form detection see. */
export function fileName(format: TextFormat): string {
  return format === "yaml" ? "policy.heed.yaml" : "policy.heed";
}

/** Parses, validates and analyses a policy text, as `heed check` does. */
export function checkPolicy(text: string, format: TextFormat, options: { silent?: boolean } = {}): CheckResult {
  const { policy, diagnostics } = parsePolicy(text, { file: fileName(format), format });
  const found = [...diagnostics];
  const result: CheckResult = { format, diagnostics: found };
  if (policy === undefined || hasErrors(diagnostics)) return { ...result, diagnostics: sortDiagnostics(found) };
  let engine: Engine;
  try {
    engine = compile(policy);
  } catch (error) {
    if (!(error instanceof HeedPolicyError)) throw error;
    return { ...result, diagnostics: sortDiagnostics([...found, ...error.diagnostics]) };
  }
  found.push(...analyzePolicy(policy));
  let silent: SilentContactReport | undefined;
  if (options.silent !== false) {
    silent = analyzeSilentContact(policy, { engine });
    found.push(...silent.diagnostics);
  }
  const allowed = allowDirectives(text);
  const kept = found.filter((d) => d.severity === "error" || !allowed.has(d.code));
  return {
    format,
    policy,
    engine,
    diagnostics: sortDiagnostics(kept),
    ...(silent ? { silent, silentSummary: describeSilentContact(silent) } : {}),
    mermaid: renderGraph(policy, "mermaid"),
  };
}
