/**
 * One open policy as the language server sees it: the `heed check`
 * diagnostics of its text (the static part), the AST whose spans match the
 * text, and an index of every place a stage, channel, signal or named rule
 * is declared or named, which navigation, rename and hover read.
 *
 * While a DSL text has syntax errors the parser's recovered tree still gives
 * an AST of the statements that are whole, so the outline, navigation and
 * completion keep working as you type.
 *
 * @module
 */

import { isMap, isPair, isScalar, LineCounter, parseDocument } from "yaml";
import type { ChannelSet, Expr, Ident, Operand, Policy, Rule, Stage, Transition } from "../../ast.js";
import type { Span } from "../../diagnostics.js";
import { compileIr } from "../../engine/compile.js";
import type { IrRule } from "../../engine/ir.js";
import { FILE_START } from "../../lexer/index.js";
import { policyOf } from "../../parser/cst-to-ast.js";
import type { PolicyCstNode } from "../../parser/cst.js";
import { runEntryRule } from "../../parser/dsl.js";
import { checkStatic, type CheckOptions, type StaticCheck } from "../check-policy.js";

/** The two forms of a policy. */
export type Form = "dsl" | "yaml";

/** The kinds of names the server navigates. */
export type NameKind = "stage" | "channel" | "rule" | "signal";

/** One place a name is written. */
export interface Occurrence {
  kind: NameKind;
  name: string;
  /** The written text (for a channel after a count, possibly its plural; in YAML, possibly quoted). */
  span: Span;
  /** True for the declaration (`stage x`, the `channels` line, `rule x:`). */
  declaration: boolean;
}

/** A rule with where it lives and its compiled form. */
export interface RuleEntry {
  rule: Rule;
  /** The stage it belongs to; absent for a policy-wide rule. */
  stage?: Stage;
  /** The compiled rule (its id and the engine's description), when the policy compiles. */
  ir?: IrRule;
}

/** A transition with the stage it belongs to. */
export interface TransitionEntry {
  transition: Transition;
  stage?: Stage;
}

/** A condition's paths with the signal whose props are in scope (inside `on X where`, `never ... X where`). */
export interface PathEntry {
  segments: readonly string[];
  span: Span;
  /** The signal of the enclosing `where`, if any. */
  signal?: string;
}

/** The analysis of one version of a document. */
export interface DocumentAnalysis {
  readonly uri: string;
  readonly version: number;
  readonly text: string;
  /** The name the diagnostics carry (the path as `heed check` would print it). */
  readonly file: string;
  readonly form: Form;
  /** What `heed check` finds before the silent-contact run. */
  readonly check: StaticCheck;
  /** An AST whose spans are those of this text: the checked policy, else (DSL) the recovered statements. */
  readonly policy: Policy | undefined;
  /** True when {@link policy} is the checked policy rather than a recovered one. */
  readonly complete: boolean;
  readonly occurrences: readonly Occurrence[];
  readonly rules: readonly RuleEntry[];
  readonly transitions: readonly TransitionEntry[];
  readonly paths: readonly PathEntry[];
}

/** The index of a policy's names, rules, transitions and paths. */
interface Index {
  occurrences: Occurrence[];
  rules: RuleEntry[];
  transitions: TransitionEntry[];
  paths: PathEntry[];
}

/** The form of a document: YAML by name, else the DSL. */
export function formOf(file: string, languageId?: string): Form {
  if (/\.ya?ml$/i.test(file) || languageId === "yaml") return "yaml";
  return "dsl";
}

/**
 * One version of a document. Only the check runs when it is made (that is
 * what every change publishes); the recovered tree of a text with errors and
 * the index are built on the first request that reads them.
 */
class Analysis implements DocumentAnalysis {
  readonly form: Form;
  readonly check: StaticCheck;
  readonly complete: boolean;
  private recovered: { policy: Policy | undefined } | undefined;
  private built: Index | undefined;

  constructor(
    readonly uri: string,
    readonly version: number,
    readonly text: string,
    readonly file: string,
    options: CheckOptions,
  ) {
    this.form = formOf(file);
    this.check = checkStatic(text, file, options);
    this.complete = this.check.policy !== undefined;
  }

  get policy(): Policy | undefined {
    if (this.check.policy !== undefined) return this.check.policy;
    if (this.recovered === undefined) this.recovered = { policy: this.form === "dsl" ? recoveredDslPolicy(this.text, this.file) : undefined };
    return this.recovered.policy;
  }

  private get index(): Index {
    if (this.built === undefined) {
      const policy = this.policy;
      this.built = policy === undefined ? { occurrences: [], rules: [], transitions: [], paths: [] } : buildIndex(policy, this.form, this.text);
    }
    return this.built;
  }

  get occurrences(): readonly Occurrence[] {
    return this.index.occurrences;
  }

  get rules(): readonly RuleEntry[] {
    return this.index.rules;
  }

  get transitions(): readonly TransitionEntry[] {
    return this.index.transitions;
  }

  get paths(): readonly PathEntry[] {
    return this.index.paths;
  }
}

/** Analyses one version of a document: `heed check`'s static part now, the rest when asked for. */
export function analyseDocument(uri: string, version: number, text: string, file: string, options: CheckOptions): DocumentAnalysis {
  return new Analysis(uri, version, text, file, options);
}

/** The statements of a DSL text that parse, whatever errors the others have. */
function recoveredDslPolicy(text: string, file: string): Policy | undefined {
  try {
    const { cst, context } = runEntryRule("policy", text, { ...FILE_START, file });
    // The `policy` entry rule builds a `policy` node.
    return cst === undefined ? undefined : policyOf(cst as PolicyCstNode, context);
  } catch {
    // A recovered tree the converter cannot read leaves the editor without an outline, nothing worse.
    return undefined;
  }
}

// ------------------------------------------------------------ the index

function buildIndex(policy: Policy, form: Form, text: string): Index {
  const analysis: Index = { occurrences: [], rules: [], transitions: [], paths: [] };
  const out = analysis.occurrences;
  const add = (kind: NameKind, ident: Ident | undefined, declaration: boolean): void => {
    if (ident?.span !== undefined && ident.name !== "") out.push({ kind, name: ident.name, span: ident.span, declaration });
  };
  const channelSet = (set: ChannelSet | undefined): void => {
    if (set?.kind === "list") for (const c of set.channels) add("channel", c, false);
  };
  for (const c of policy.channels) add("channel", c, true);
  for (const e of policy.engagement ?? []) add("signal", e, false);
  for (const d of policy.signals?.declarations ?? []) add("signal", d.name, true);
  const conditions = (expr: Expr | undefined, signal?: string): void => {
    if (expr !== undefined) collectPaths(expr, signal, analysis.paths);
  };
  if (policy.appliesWhen !== undefined) conditions(policy.appliesWhen);
  const transitions = (list: readonly Transition[], stage?: Stage): void => {
    for (const t of list) {
      analysis.transitions.push(stage === undefined ? { transition: t } : { transition: t, stage });
      add("stage", t.target, false);
      if (t.trigger.kind === "signal") {
        add("signal", t.trigger.signal, false);
        conditions(t.trigger.where, t.trigger.signal.name);
      }
      if (t.trigger.kind === "when") conditions(t.trigger.condition);
    }
  };
  const rules = (list: readonly Rule[], stage?: Stage): void => {
    for (const r of list) {
      analysis.rules.push(stage === undefined ? { rule: r } : { rule: r, stage });
      add("rule", r.name, true);
      switch (r.kind) {
        case "never-without":
        case "never-after":
        case "never-within":
          channelSet(r.channels);
          add("signal", r.signal, false);
          conditions(r.where, r.signal.name);
          break;
        case "never-when":
          channelSet(r.channels);
          conditions(r.when);
          break;
        case "at-most":
        case "at-least":
          channelSet(r.channels);
          break;
        case "quiet-hours":
        case "only-business-days":
          channelSet(r.channels);
          break;
      }
      // `when` / `unless` on any rule (spec section 8.3); a `never ... when` rule's own `when` is read above
      if (r.kind !== "never-when") conditions(r.when);
      conditions(r.unless);
    }
  };
  for (const stage of policy.stages) {
    add("stage", stage.name, true);
    if (stage.allow !== undefined) channelSet(stage.allow);
    rules(stage.rules, stage);
    transitions(stage.transitions, stage);
  }
  transitions(policy.transitions);
  rules(policy.rules);
  if (form === "yaml") {
    const start = yamlStartValue(text);
    if (start !== undefined) out.push({ kind: "stage", ...start, declaration: false });
  }
  attachIr(analysis, policy);
  return analysis;
}

function collectPaths(expr: Expr, signal: string | undefined, out: PathEntry[]): void {
  const operand = (op: Operand): void => {
    if (op.kind === "path" && op.span !== undefined) out.push(signal === undefined ? { segments: op.segments, span: op.span } : { segments: op.segments, span: op.span, signal });
  };
  switch (expr.kind) {
    case "and":
    case "or":
      collectPaths(expr.left, signal, out);
      collectPaths(expr.right, signal, out);
      return;
    case "not":
      collectPaths(expr.expr, signal, out);
      return;
    case "exists":
      operand(expr.path);
      return;
    case "compare":
    case "in":
      operand(expr.left);
      operand(expr.right);
      return;
  }
}

/** The compiled rules, matched to the AST's by order (stages in order, then the policy-wide rules, as `compileIr` lists them). */
function attachIr(analysis: Index, policy: Policy): void {
  let compiled: readonly IrRule[];
  try {
    compiled = compileIr(policy).rules;
  } catch {
    // A recovered tree may lack what compiling needs; hover then shows the rule without the engine's words.
    return;
  }
  if (compiled.length !== analysis.rules.length) return;
  analysis.rules.forEach((entry, i) => {
    const ir = compiled[i];
    if (ir !== undefined) entry.ir = ir;
  });
}

/**
 * The `start:` value of a YAML policy, which names a stage without being a
 * node of the AST (the AST keeps it as the stage's `start` flag).
 */
function yamlStartValue(text: string): { name: string; span: Span } | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: false });
  if (!isMap(doc.contents)) return undefined;
  for (const pair of doc.contents.items) {
    if (!isPair(pair) || !isScalar(pair.key) || pair.key.value !== "start") continue;
    const value = pair.value;
    if (!isScalar(value) || typeof value.value !== "string" || value.range === undefined || value.range === null) return undefined;
    const [from, to] = value.range;
    const start = lineCounter.linePos(from);
    const end = lineCounter.linePos(Math.max(from, to - 1));
    return { name: value.value, span: { line: start.line, column: start.col, endLine: end.line, endColumn: end.col, offset: from, endOffset: to } };
  }
  return undefined;
}

// ------------------------------------------------------------ look-ups

/** The names of a kind, in the order first written. */
export function namesOf(analysis: DocumentAnalysis | undefined, kind: NameKind): string[] {
  if (analysis === undefined) return [];
  const names: string[] = [];
  for (const o of analysis.occurrences) if (o.kind === kind && !names.includes(o.name)) names.push(o.name);
  return names;
}

/** The occurrence under a 1-based line and column, if any. */
export function occurrenceAt(analysis: DocumentAnalysis, line: number, column: number): Occurrence | undefined {
  return analysis.occurrences.find(
    (o) =>
      (line > o.span.line || (line === o.span.line && column >= o.span.column)) &&
      (line < o.span.endLine || (line === o.span.endLine && column <= o.span.endColumn + 1)),
  );
}

/** The stage declared with that name. */
export function stageNamed(analysis: DocumentAnalysis, name: string): Stage | undefined {
  return analysis.policy?.stages.find((s) => s.name.name === name);
}
