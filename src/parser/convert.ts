/**
 * `heed convert`: one form of a policy to the other. Both forms parse to the
 * same AST; the DSL is printed by the formatter, the YAML by the YAML printer.
 *
 * @module
 */

import type { Ident, PathRef, Policy } from "../ast.js";
import { hasErrors, type Diagnostic, type Span } from "../diagnostics.js";
import { KEYWORDS } from "../lexer/tokens.js";
import { formatPolicy } from "./format.js";
import { parsePolicy } from "./index.js";
import { printYaml } from "./yaml-print.js";

/** Options of {@link convertPolicy}. */
export interface ConvertOptions {
  /** The input's file name: tells the form apart and is shown in diagnostics. */
  file?: string;
  /** The form to write. */
  to: "yaml" | "dsl";
  /** YAML only: the editor schema line to start with (`# yaml-language-server: $schema=...`); by default the printer's own. */
  schemaLine?: string;
}

/** What {@link convertPolicy} returns. */
export interface ConvertResult {
  /** The policy in the other form; absent when the input has errors. */
  output?: string;
  /** Problems of the input, or what the other form cannot say. */
  diagnostics: Diagnostic[];
}

/**
 * What the YAML form can say and the DSL cannot: a stage that allows no
 * channel (`allow: []`), an empty engagement list, names that are no DSL
 * identifier (`my stage`, `final`).
 */
function dslGaps(policy: Policy): Diagnostic[] {
  const gaps: Diagnostic[] = [];
  if (policy.engagement !== undefined && policy.engagement.length === 0) {
    gaps.push({
      severity: "error",
      code: "not-convertible",
      message: "`engagement: []` (no signal counts as engagement) cannot be written in the DSL, where no `engagement` line means the default signals",
    });
  }
  for (const stage of policy.stages) {
    if (stage.allow !== undefined && stage.allow.channels.length === 0) {
      const diagnostic: Diagnostic = {
        severity: "error",
        code: "not-convertible",
        message: `stage \`${stage.name.name}\` allows no channel, which the DSL cannot write (list the channels it allows, or make it a \`final\` stage)`,
      };
      const span = stage.allow.span ?? stage.span;
      if (span !== undefined) diagnostic.span = span;
      gaps.push(diagnostic);
    }
  }
  // A rule's name may be a keyword (`rule quiet: ...`); other names may not.
  const ruleNames = new Set<object>();
  walk(policy, (node) => {
    const name = (node as { kind?: unknown; name?: unknown }).name;
    if (typeof (node as { kind?: unknown }).kind === "string" && name !== null && typeof name === "object") ruleNames.add(name);
  });
  // so may an attribute's or a prop's name (`attributes { start: string }`), as a path segment after `contact.` may
  for (const d of policy.attributes?.declarations ?? []) ruleNames.add(d.name);
  for (const signal of policy.signals?.declarations ?? []) for (const d of signal.props) ruleNames.add(d.name);
  const badName = (name: string, span: Span | undefined, what: string, keywordOk = false): void => {
    if (IDENTIFIER.test(name) && (keywordOk || !KEYWORDS.includes(name))) return;
    const diagnostic: Diagnostic = {
      severity: "error",
      code: "not-convertible",
      message: `${what} \`${name}\` cannot be written in the DSL (a name there is letters, digits, \`_\` and inner \`-\`, and no keyword)`,
    };
    if (span !== undefined) diagnostic.span = span;
    gaps.push(diagnostic);
  };
  walk(policy, (node) => {
    if (isIdent(node)) badName(node.name, node.span, "name", ruleNames.has(node));
    else if (isPath(node)) {
      const [head, ...rest] = node.segments;
      if (head !== undefined && !["touch", "touches", "ignored"].includes(head)) badName(head, node.span, "path");
      for (const segment of rest) {
        if (!IDENTIFIER.test(segment)) badName(segment, node.span, "path segment");
      }
    }
  });
  return gaps;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*$/;

function isIdent(node: object): node is Ident {
  const keys = Object.keys(node).filter((k) => k !== "span");
  return keys.length === 1 && keys[0] === "name" && typeof (node as { name: unknown }).name === "string";
}

function isPath(node: object): node is PathRef {
  return (node as { kind?: unknown }).kind === "path" && Array.isArray((node as { segments?: unknown }).segments);
}

/** Calls `visit` on every object in an AST, spans and comments aside. */
function walk(value: unknown, visit: (node: object) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit);
  } else if (value !== null && typeof value === "object") {
    visit(value);
    for (const [key, inner] of Object.entries(value)) if (key !== "span" && key !== "comments") walk(inner, visit);
  }
}

/**
 * Converts a policy from either form (told apart by the file name, else the
 * content) to `options.to`; never throws. Comments are kept, each with the
 * item it belongs to.
 */
export function convertPolicy(text: string, options: ConvertOptions): ConvertResult {
  const { policy, diagnostics } = parsePolicy(text, options.file === undefined ? {} : { file: options.file });
  if (policy === undefined || hasErrors(diagnostics)) return { diagnostics };
  if (options.to === "dsl") {
    const unprintable = dslGaps(policy);
    if (unprintable.length > 0) return { diagnostics: [...diagnostics, ...unprintable] };
  }
  return { output: options.to === "dsl" ? formatPolicy(policy) : printYaml(policy, options.schemaLine), diagnostics };
}
