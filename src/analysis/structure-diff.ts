/**
 * The structural diff of two policies: which settings, stages, rules and
 * transitions were added, removed, changed or moved, each with where it is
 * written in the old and in the new text. Each edit can be applied alone to
 * the old policy, which is how a behavioural change found by the semantic
 * diff is traced to the edits that cause it.
 *
 * @module
 */

import type { Declaration, Policy, Rule, SignalDeclaration, Stage, Transition } from "../ast.js";
import { stripSpans } from "../ast.js";
import { canonicalJson } from "../canonical.js";
import { HeedInputError, type Span } from "../diagnostics.js";
import type { Contact, HistoryEvent } from "../model.js";
import type { Engine } from "../engine/api.js";
import { compile } from "../engine/index.js";
import { printChannels, printCondition, printDeclaration, printDuration, printRule, printSignalDeclaration, printTransition } from "../print.js";

/** One side of an edit: the line as the DSL prints it, and where it is written. */
export interface EditSide {
  /** The line (`quiet hours 21:00 to 08:00 for call, sms`). */
  text: string;
  /** Where it is written in its file. */
  span?: Span;
}

/** One edit between the two texts. */
export interface StructuralChange {
  /** `added`, `removed`, `changed` (a line rewritten in place) or `moved` (the same line elsewhere in its list). */
  kind: "added" | "removed" | "changed" | "moved";
  /** What was edited: a policy setting, a declaration (an attribute, or a signal and its props), a stage, a stage's setting, a rule or a transition. */
  what: "setting" | "declaration" | "stage" | "rule" | "transition";
  /** Where: `the policy` or ``stage `nurture` ``. */
  scope: string;
  /** The old line, with where it is written in OLD. */
  old?: EditSide;
  /** The new line, with where it is written in NEW. */
  new?: EditSide;
  /** Where to point in NEW: the new line, else (for a removal) what encloses it. */
  anchor?: Span;
  /** The edit in words: ``changed `quiet hours 21:00 to 08:00 for call, sms` to `quiet hours 20:00 to 08:00 for call, sms` ``. */
  summary: string;
}

/** An edit with how to apply it alone to the old policy. */
interface Edit {
  change: StructuralChange;
  apply(old: Policy): Policy;
}

const same = (a: unknown, b: unknown): boolean => canonicalJson(stripSpans(a)) === canonicalJson(stripSpans(b));

/** The edits from `oldPolicy` to `newPolicy`, in the order of the new text. */
export function structuralDiff(oldPolicy: Policy, newPolicy: Policy): StructuralChange[] {
  return edits(oldPolicy, newPolicy).map((e) => e.change);
}

function edits(oldPolicy: Policy, newPolicy: Policy): Edit[] {
  const out: Edit[] = [];
  const policyAnchor = newPolicy.name.span ?? newPolicy.span;
  // settings: every field of the policy but its name, stages, transitions, rules, declarations and comments (fields added later are compared too)
  const skip = new Set(["name", "stages", "transitions", "rules", "comments", "span", "kind", "attributes", "signals"]);
  const fields = [...new Set([...Object.keys(oldPolicy), ...Object.keys(newPolicy)])].filter((f) => !skip.has(f));
  for (const field of fields) {
    const a = (oldPolicy as unknown as Record<string, unknown>)[field];
    const b = (newPolicy as unknown as Record<string, unknown>)[field];
    if (same(a, b)) continue;
    const oldText = a === undefined ? undefined : settingText(field, a);
    const newText = b === undefined ? undefined : settingText(field, b);
    const change: StructuralChange = {
      kind: a === undefined ? "added" : b === undefined ? "removed" : "changed",
      what: "setting",
      scope: "the policy",
      summary: describe(a === undefined ? "added" : b === undefined ? "removed" : "changed", oldText, newText, "the policy"),
    };
    if (oldText !== undefined) change.old = located(oldText, spanOf(a));
    if (newText !== undefined) change.new = located(newText, spanOf(b));
    change.anchor = spanOf(b) ?? policyAnchor;
    out.push({ change, apply: (p) => ({ ...p, [field]: b }) as Policy });
  }
  out.push(...declarationEdits(oldPolicy, newPolicy, "attributes", printDeclaration), ...declarationEdits(oldPolicy, newPolicy, "signals", printSignalDeclaration));
  // stages, by name
  const oldStages = new Map(oldPolicy.stages.map((s) => [s.name.name, s] as const));
  const newStages = new Map(newPolicy.stages.map((s) => [s.name.name, s] as const));
  for (const s of oldPolicy.stages) {
    if (newStages.has(s.name.name)) continue;
    out.push({
      change: {
        kind: "removed",
        what: "stage",
        scope: "the policy",
        old: located(`stage ${s.name.name}`, s.name.span ?? s.span),
        ...(policyAnchor === undefined ? {} : { anchor: policyAnchor }),
        summary: `removed stage \`${s.name.name}\``,
      },
      apply: (p) => ({ ...p, stages: p.stages.filter((x) => x.name.name !== s.name.name) }),
    });
  }
  for (const s of newPolicy.stages) {
    const before = oldStages.get(s.name.name);
    if (before === undefined) {
      const span = s.name.span ?? s.span;
      out.push({
        change: { kind: "added", what: "stage", scope: "the policy", new: located(`stage ${s.name.name}`, span), ...(span === undefined ? {} : { anchor: span }), summary: `added stage \`${s.name.name}\`` },
        apply: (p) => ({ ...p, stages: [...p.stages, s] }),
      });
      continue;
    }
    out.push(...stageEdits(before, s));
  }
  out.push(
    ...listEdits(oldPolicy.transitions, newPolicy.transitions, "transition", "the policy", policyAnchor, true, (p) => p.transitions, (p, list) => ({ ...p, transitions: list as Transition[] })),
  );
  out.push(...listEdits(oldPolicy.rules, newPolicy.rules, "rule", "the policy", policyAnchor, false, (p) => p.rules, (p, list) => ({ ...p, rules: list as Rule[] })));
  return out;
}

/**
 * The edits of one declarations block (`attributes`, `signals`): each
 * attribute, or each signal with its props, added, removed or changed, by
 * name (the order declarations are written in is no edit: it changes no
 * decision and not the version).
 */
function declarationEdits<D extends Declaration | SignalDeclaration>(oldPolicy: Policy, newPolicy: Policy, field: "attributes" | "signals", print: (d: D) => string): Edit[] {
  const listOf = (p: Policy): readonly D[] => (p[field]?.declarations ?? []) as readonly D[];
  const byName = (list: readonly D[]): Map<string, D> => {
    const map = new Map<string, D>();
    for (const d of list) if (!map.has(d.name.name)) map.set(d.name.name, d);
    return map;
  };
  const before = byName(listOf(oldPolicy));
  const after = byName(listOf(newPolicy));
  const scope = `\`${field}\``;
  const blockAnchor = newPolicy[field]?.span ?? newPolicy.name.span ?? newPolicy.span;
  // the old policy with one declaration replaced, added (at the end of its block) or removed
  const withDeclaration = (p: Policy, name: string, d: D | undefined): Policy => {
    const block = p[field];
    const list = listOf(p);
    const next = d === undefined ? list.filter((x) => x.name.name !== name) : list.some((x) => x.name.name === name) ? list.map((x) => (x.name.name === name ? d : x)) : [...list, d];
    return { ...p, [field]: { ...(block ?? {}), declarations: next } } as Policy;
  };
  const out: Edit[] = [];
  for (const [name, d] of before) {
    if (after.has(name)) continue;
    const text = print(d);
    out.push({
      change: { kind: "removed", what: "declaration", scope, old: located(text, d.span), ...anchorOf(blockAnchor, undefined), summary: describe("removed", text, undefined, scope) },
      apply: (p) => withDeclaration(p, name, undefined),
    });
  }
  for (const [name, d] of after) {
    const old = before.get(name);
    if (old !== undefined && same(unordered(old), unordered(d))) continue;
    const text = print(d);
    const kind = old === undefined ? "added" : "changed";
    const change: StructuralChange = { kind, what: "declaration", scope, new: located(text, d.span), ...anchorOf(d.span, blockAnchor), summary: describe(kind, old === undefined ? undefined : print(old), text, scope) };
    if (old !== undefined) change.old = located(print(old), old.span);
    out.push({ change, apply: (p) => withDeclaration(p, name, d) });
  }
  return out;
}

/** A declaration as far as it decides anything: a signal's props in order of name. */
function unordered(d: Declaration | SignalDeclaration): unknown {
  if (!("props" in d)) return d;
  return { ...d, props: [...d.props].sort((x, y) => (x.name.name < y.name.name ? -1 : x.name.name > y.name.name ? 1 : 0)) };
}

function stageEdits(a: Stage, b: Stage): Edit[] {
  const name = a.name.name;
  const scope = `stage \`${name}\``;
  const anchor = b.name.span ?? b.span;
  const withStage = (p: Policy, f: (s: Stage) => Stage): Policy => ({ ...p, stages: p.stages.map((s) => (s.name.name === name ? f(s) : s)) });
  const out: Edit[] = [];
  for (const field of ["start", "final", "allow"] as const) {
    if (same(a[field], b[field])) continue;
    const text = (s: Stage): string | undefined =>
      field === "allow" ? (s.allow === undefined ? undefined : `allow ${printChannels(s.allow)}`) : s[field] ? `${field} stage ${name}` : undefined;
    const oldText = text(a);
    const newText = text(b);
    const kind = oldText === undefined ? "added" : newText === undefined ? "removed" : "changed";
    const change: StructuralChange = { kind, what: "setting", scope, summary: describe(kind, oldText, newText, scope) };
    if (oldText !== undefined) change.old = located(oldText, field === "allow" ? a.allow?.span : a.name.span);
    if (newText !== undefined) change.new = located(newText, field === "allow" ? b.allow?.span : b.name.span);
    const at = (field === "allow" ? b.allow?.span : undefined) ?? anchor;
    if (at !== undefined) change.anchor = at;
    out.push({ change, apply: (p) => withStage(p, (s) => ({ ...s, [field]: b[field] }) as Stage) });
  }
  out.push(
    ...listEdits(a.transitions, b.transitions, "transition", scope, anchor, true, (p) => p.stages.find((s) => s.name.name === name)?.transitions ?? [], (p, list) =>
      withStage(p, (s) => ({ ...s, transitions: list as Transition[] })),
    ),
  );
  out.push(
    ...listEdits(a.rules, b.rules, "rule", scope, anchor, false, (p) => p.stages.find((s) => s.name.name === name)?.rules ?? [], (p, list) =>
      withStage(p, (s) => ({ ...s, rules: list as Rule[] })),
    ),
  );
  return out;
}

type Item = Rule | Transition;

function itemText(item: Item, what: "rule" | "transition"): string {
  if (what === "transition") return printTransition(item as Transition);
  const rule = item as Rule;
  return `${rule.name === undefined ? "" : `rule ${rule.name.name}: `}${printRule(rule)}`;
}

/**
 * The edits of one list (a scope's rules or transitions), by the longest
 * common subsequence of their meanings. A line removed and another added at
 * the same place is a change; the same line removed and added elsewhere is
 * a move (which matters for transitions, tried in order, and not for rules).
 */
function listEdits(
  a: readonly Item[],
  b: readonly Item[],
  what: "rule" | "transition",
  scope: string,
  anchor: Span | undefined,
  ordered: boolean,
  get: (p: Policy) => readonly Item[],
  set: (p: Policy, list: Item[]) => Policy,
): Edit[] {
  const keyA = a.map((x) => canonicalJson(stripSpans(x)));
  const keyB = b.map((x) => canonicalJson(stripSpans(x)));
  // longest common subsequence, by dynamic programming (lists are short)
  const n = a.length;
  const m = b.length;
  const table: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) table[i]![j] = keyA[i] === keyB[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
  type Op = { op: "keep"; i: number; j: number } | { op: "del"; i: number } | { op: "add"; j: number };
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && keyA[i] === keyB[j]) ops.push({ op: "keep", i: i++, j: j++ });
    else if (j < m && (i === n || table[i]![j + 1]! >= table[i + 1]![j]!)) ops.push({ op: "add", j: j++ });
    else ops.push({ op: "del", i: i++ });
  }
  const out: Edit[] = [];
  const deleted = ops.filter((o): o is { op: "del"; i: number } => o.op === "del");
  const added = ops.filter((o): o is { op: "add"; j: number } => o.op === "add");
  const usedDel = new Set<number>();
  const usedAdd = new Set<number>();
  // moves: the same line deleted in one place and added in another
  for (const d of deleted) {
    const match = added.find((x) => !usedAdd.has(x.j) && keyB[x.j] === keyA[d.i]);
    if (match === undefined) continue;
    usedDel.add(d.i);
    usedAdd.add(match.j);
    if (!ordered) continue; // a rule's place in its list decides nothing (an unnamed rule's id aside)
    const text = itemText(a[d.i]!, what);
    const span = b[match.j]!.span;
    out.push({
      change: { kind: "moved", what, scope, old: located(text, a[d.i]!.span), new: located(text, span), ...anchorOf(span, anchor), summary: `moved \`${text}\` in ${scope}` },
      apply: (p) => {
        const list = [...get(p)];
        const at = list.findIndex((x) => canonicalJson(stripSpans(x)) === keyA[d.i]);
        if (at < 0) return p;
        const [item] = list.splice(at, 1);
        list.splice(Math.min(match.j, list.length), 0, item!);
        return set(p, list);
      },
    });
  }
  // changes: a deletion directly followed by an addition, in the same run of edits
  let k = 0;
  while (k < ops.length) {
    const o = ops[k]!;
    if (o.op === "keep") {
      k++;
      continue;
    }
    const run: Op[] = [];
    while (k < ops.length && ops[k]!.op !== "keep") run.push(ops[k++]!);
    const dels = run.filter((x): x is { op: "del"; i: number } => x.op === "del" && !usedDel.has(x.i));
    const adds = run.filter((x): x is { op: "add"; j: number } => x.op === "add" && !usedAdd.has(x.j));
    const pairs = Math.min(dels.length, adds.length);
    for (let p = 0; p < pairs; p++) {
      const d = dels[p]!;
      const ad = adds[p]!;
      const oldText = itemText(a[d.i]!, what);
      const newText = itemText(b[ad.j]!, what);
      const span = b[ad.j]!.span;
      out.push({
        change: { kind: "changed", what, scope, old: located(oldText, a[d.i]!.span), new: located(newText, span), ...anchorOf(span, anchor), summary: describe("changed", oldText, newText, scope) },
        apply: (pol) => set(pol, get(pol).map((x) => (canonicalJson(stripSpans(x)) === keyA[d.i] ? b[ad.j]! : x))),
      });
    }
    for (const d of dels.slice(pairs)) {
      const oldText = itemText(a[d.i]!, what);
      out.push({
        change: { kind: "removed", what, scope, old: located(oldText, a[d.i]!.span), ...anchorOf(undefined, anchor), summary: describe("removed", oldText, undefined, scope) },
        apply: (pol) => set(pol, get(pol).filter((x) => canonicalJson(stripSpans(x)) !== keyA[d.i])),
      });
    }
    for (const ad of adds.slice(pairs)) {
      const newText = itemText(b[ad.j]!, what);
      const span = b[ad.j]!.span;
      // inserted after the item kept just before it in the new list
      const before = ops.slice(0, ops.indexOf(ad)).reverse().find((x): x is { op: "keep"; i: number; j: number } => x.op === "keep");
      out.push({
        change: { kind: "added", what, scope, new: located(newText, span), ...anchorOf(span, anchor), summary: describe("added", undefined, newText, scope) },
        apply: (pol) => {
          const list = [...get(pol)];
          const at = before === undefined ? 0 : list.findIndex((x) => canonicalJson(stripSpans(x)) === keyA[before.i]) + 1;
          list.splice(at, 0, b[ad.j]!);
          return set(pol, list);
        },
      });
    }
  }
  return out;
}

function anchorOf(span: Span | undefined, fallback: Span | undefined): { anchor?: Span } {
  const at = span ?? fallback;
  return at === undefined ? {} : { anchor: at };
}

function located(text: string, span: Span | undefined): { text: string; span?: Span } {
  return span === undefined ? { text } : { text, span };
}

function spanOf(value: unknown): Span | undefined {
  if (Array.isArray(value)) {
    const first = value[0] as { span?: Span } | undefined;
    const last = value[value.length - 1] as { span?: Span } | undefined;
    if (first?.span !== undefined && last?.span !== undefined) return { ...first.span, endLine: last.span.endLine, endColumn: last.span.endColumn };
    return first?.span;
  }
  if (value !== null && typeof value === "object") return (value as { span?: Span }).span;
  return undefined;
}

function describe(kind: "added" | "removed" | "changed", oldText: string | undefined, newText: string | undefined, scope: string): string {
  const where = scope === "the policy" ? "" : ` in ${scope}`;
  if (kind === "added") return `added \`${newText}\`${where}`;
  if (kind === "removed") return `removed \`${oldText}\`${where}`;
  return `changed \`${oldText}\` to \`${newText}\`${where}`;
}

/** A policy-level setting as the DSL writes it. */
function settingText(field: string, value: unknown): string {
  const v = value as never;
  switch (field) {
    case "channels":
      return `channels ${(v as { name: string }[]).map((c) => c.name).join(", ")}`;
    case "engagement":
      return `engagement ${(v as { name: string }[]).map((c) => c.name).join(", ")}`;
    case "ignoreWindow":
      return `ignore window ${printDuration(v)}`;
    case "holidays":
      return Array.isArray(v) ? `holidays ${(v as { date: string }[]).map((d) => d.date).join(", ")}` : `holidays ${canonicalJson(stripSpans(v))}`;
    case "appliesWhen":
      return `applies when ${printCondition(v)}`;
    case "holidaysFrom": {
      const h = v as { from: { segments: string[] }; fallback?: { value: string } };
      return `holidays from ${h.from.segments.join(".")}${h.fallback === undefined ? "" : ` else "${h.fallback.value}"`}`;
    }
    case "timezone": {
      const tz = v as { from: { segments: string[] }; fallback?: { value: string } };
      return `timezone from ${tz.from.segments.join(".")}${tz.fallback === undefined ? "" : ` else "${tz.fallback.value}"`}`;
    }
    default:
      return `${field} ${canonicalJson(stripSpans(v))}`;
  }
}

/** A behavioural change to trace: its counterexample and what the new policy answered. */
export interface TracedChange {
  history: HistoryEvent[];
  contact: Contact;
  touch: Record<string, unknown>;
  at: string;
  kind: "verdict" | "notBefore" | "stage";
  before: string;
  after: string;
  /** The touches sent to the account's other contacts, as `evaluate`'s `account`. */
  account?: HistoryEvent[];
}

/**
 * A function that names, for a behavioural change, the edits that cause it:
 * each edit that, applied alone to the old policy, gives the new policy's
 * answer on the change's counterexample; when none does alone, every edit.
 */
export function attributeChanges(oldPolicy: Policy, newPolicy: Policy, _changes: readonly StructuralChange[]): (change: TracedChange) => number[] {
  const list = edits(oldPolicy, newPolicy);
  const engines: (Engine | null | undefined)[] = list.map(() => undefined);
  const engineOf = (i: number): Engine | null => {
    let e = engines[i];
    if (e === undefined) {
      try {
        e = compile(list[i]!.apply(oldPolicy));
      } catch {
        // the edit alone leaves a policy that does not compile (a transition to a stage added by another edit)
        e = null;
      }
      engines[i] = e;
    }
    return e;
  };
  return (change) => {
    if (list.length <= 1) return list.map((_, i) => i);
    const causes: number[] = [];
    for (let i = 0; i < list.length; i++) {
      const engine = engineOf(i);
      if (engine === null) continue;
      let answer: string;
      try {
        const input = { contact: change.contact, history: change.history, touch: change.touch as { channel: string }, at: change.at };
        const d = engine.evaluate(change.account === undefined ? input : { ...input, account: change.account });
        answer = change.kind === "verdict" ? d.verdict : change.kind === "notBefore" ? (d.notBefore ?? "") : d.stage;
      } catch (error) {
        // the edit alone makes the policy refuse the contact (`refused (CODE)`, as the diff reports it)
        if (!(error instanceof HeedInputError)) throw error;
        answer = `refused (${error.code})`;
      }
      if (answer === change.after) causes.push(i);
    }
    return causes.length > 0 ? causes : list.map((_, i) => i);
  };
}
