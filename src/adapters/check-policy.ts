/**
 * What `heed check` finds in one policy text, shared by the CLI verb and the
 * language server so that both report the same diagnostics with the same
 * codes and spans.
 *
 * The work is split in two because the second part is far slower: the
 * static check (parse, validate, analyse: milliseconds) and the silent-contact
 * run (a contact who never answers, driven for a year through the compiled
 * policy: up to a few hundred milliseconds on large policies). The CLI runs
 * both in turn; the language server publishes the first as you type and runs
 * the second off the main thread.
 *
 * Pure: no file system, no clock.
 *
 * @module
 */

import type { Policy } from "../ast.js";
import { hasErrors, type Diagnostic } from "../diagnostics.js";
import { analyzePolicy, analyzeSilentContact, type SilentContactReport } from "../analysis/index.js";
import { detectFormat, parsePolicy, withoutBom } from "../parser/index.js";

/** The options of `heed check` that change what it reports. */
export interface CheckOptions {
  /** Signals the application sends besides the built-in ones (`--signals`). */
  knownSignals?: readonly string[];
  /** How long to follow a silent contact, in days (`--horizon`, default 365). */
  horizonDays?: number;
  /** Warn when a silent contact gets more touches within 30 days (`--max-silent-touches`, default 8). */
  maxSilentTouches?: number;
}

/** The static part of the check of one policy text. */
export interface StaticCheck {
  /** The policy, when it parsed (it may still have validation errors). */
  policy: Policy | undefined;
  /** Syntax, validation and analysis diagnostics, before `# heed-check: allow` comments are applied. */
  diagnostics: Diagnostic[];
  /** True when the silent-contact run applies: the policy parsed with no error. */
  runsSilentContact: boolean;
}

/**
 * Parses, validates and analyses a policy text (DSL or YAML, told apart by
 * the file name as `heed check` does).
 */
export function checkStatic(text: string, file: string, options: CheckOptions = {}): StaticCheck {
  const parsed = parsePolicy(text, { file });
  const diagnostics = [...parsed.diagnostics];
  const clean = parsed.policy !== undefined && !hasErrors(parsed.diagnostics);
  // a loop, not push(...list): a large policy may have tens of thousands of warnings
  const form = detectFormat(withoutBom(text), { file });
  if (parsed.policy !== undefined && clean) for (const d of analyzePolicy(parsed.policy, { knownSignals: options.knownSignals ?? [], form })) diagnostics.push(d);
  return { policy: parsed.policy, diagnostics, runsSilentContact: clean };
}

/** The silent-contact run of `heed check` for a policy that has no error. */
export function checkSilentContact(policy: Policy, options: CheckOptions = {}): SilentContactReport {
  return analyzeSilentContact(policy, { horizonDays: options.horizonDays ?? 365, maxSilentTouches: options.maxSilentTouches ?? 8 });
}

/** The warning codes a file accepts with `# heed-check: allow CODE, CODE` comment lines. */
export function allowDirectives(text: string): Set<string> {
  const codes = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*#\s*heed-check:\s*allow\s+(.*)$/.exec(line);
    if (match === null) continue;
    for (const code of (match[1] ?? "").split(/[\s,]+/)) if (code !== "") codes.add(code);
  }
  return codes;
}

/**
 * The diagnostics that stay once the file's `# heed-check: allow` comments
 * are applied (errors always stay), and how many warnings they accepted.
 */
export function applyAllowDirectives(text: string, found: readonly Diagnostic[]): { kept: Diagnostic[]; allowed: number } {
  const allowedCodes = allowDirectives(text);
  const kept = found.filter((d) => d.severity === "error" || !allowedCodes.has(d.code));
  return { kept, allowed: found.length - kept.length };
}
