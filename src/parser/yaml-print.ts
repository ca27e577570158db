/**
 * The canonical YAML form of a policy (spec section 4): AST -> YAML text.
 *
 * Policy fields first, then stages (each a block map, or a flow map when it
 * is only `final` or only `allow`), then policy-wide transitions and rules,
 * each rule and transition one flow map. Leaf values are printed in the
 * DSL's own syntax; conditions are single-quoted.
 *
 * `parseYamlPolicy(printYaml(p))` gives back `p`, spans aside.
 *
 * @module
 */

import type * as A from "../ast.js";
import { assertNever } from "../diagnostics.js";
import { printCondition, printDuration, printNumber, printTime, printTouchCount, printWindow } from "../print.js";
import { lineNode, placeComments, type Placed } from "./format.js";

/** The first line of a printed policy unless the caller gives another: editors find the schema by it. */
export const SCHEMA_LINE = "# yaml-language-server: $schema=../schema/heed-policy.schema.json";

/** A comment that is a schema line (a DSL file keeps the one of the YAML it came from): the printer writes its own instead. */
const SCHEMA_COMMENT = /^\s*yaml-language-server:/;

const RESERVED = /^(true|false|null|yes|no|on|off|y|n|~)$/i;
const PLAIN = /^[A-Za-z_][A-Za-z0-9_./-]*( [A-Za-z0-9_./-]+)*$/;

/** A string as a YAML scalar: plain when that reads back as the same string, else double-quoted. */
export function yamlString(value: string): string {
  if (PLAIN.test(value) && !RESERVED.test(value)) return value;
  return JSON.stringify(value);
}

/** A condition, single-quoted as in the spec (double-quoted when it must escape a control character). */
function yamlCondition(expr: A.Expr): string {
  const text = printCondition(expr);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) return JSON.stringify(text);
  return `'${text.replace(/'/g, "''")}'`;
}

function list(items: readonly string[]): string {
  return `[${items.join(", ")}]`;
}

function channelSet(set: A.ChannelSet): string {
  if (set.kind === "all") return set.word;
  if (set.channels.length === 1) return yamlString(set.channels[0]!.name);
  return list(set.channels.map((c) => yamlString(c.name)));
}

function flow(entries: readonly (readonly [string, string] | undefined)[]): string {
  const present = entries.filter((e): e is readonly [string, string] => e !== undefined);
  return `{ ${present.map(([k, v]) => `${k}: ${v}`).join(", ")} }`;
}

function trigger(t: A.Trigger): [string, string][] {
  switch (t.kind) {
    case "ignored":
      return [["after", printTouchCount(t.count, true)]];
    case "touches":
      return [["after", printTouchCount(t.count, false)]];
    case "elapsed":
      return [["after", printDuration(t.duration)]];
    case "signal":
      return t.where === undefined
        ? [["on", yamlString(t.signal.name)]]
        : [
            ["on", yamlString(t.signal.name)],
            ["where", yamlCondition(t.where)],
          ];
    case "when":
      return [["when", yamlCondition(t.condition)]];
    default:
      return assertNever(t, "trigger");
  }
}

/** One transition as a flow map. */
export function printTransition(t: A.Transition): string {
  return flow([...trigger(t.trigger), ["moveTo", yamlString(t.target.name)]]);
}

/** One rule as a flow map. */
export function printRule(r: A.Rule): string {
  const id = r.name === undefined ? undefined : (["id", yamlString(r.name.name)] as const);
  const forChannels = (set: A.ChannelSet | undefined) => (set === undefined ? undefined : (["for", channelSet(set)] as const));
  // `when:` or `unless:` (spec section 8.3); on a `never ... when|unless` rule, the rule's own condition
  const condition =
    r.when !== undefined ? (["when", yamlCondition(r.when)] as const) : r.unless !== undefined ? (["unless", yamlCondition(r.unless)] as const) : undefined;
  switch (r.kind) {
    case "never-without":
    case "never-after":
    case "never-within":
    case "never-when": {
      const head = [
        id,
        ["never", channelSet(r.channels)] as const,
        r.tagged === undefined ? undefined : (["tagged", yamlString(r.tagged.value)] as const),
      ];
      const where = "where" in r && r.where !== undefined ? (["where", yamlCondition(r.where)] as const) : undefined;
      if (r.kind === "never-without") return flow([...head, ["without", yamlString(r.signal.name)], where, condition]);
      if (r.kind === "never-after") return flow([...head, ["after", yamlString(r.signal.name)], where, condition]);
      if (r.kind === "never-within") {
        return flow([...head, ["within", printDuration(r.duration)], ["of", yamlString(r.signal.name)], where, condition]);
      }
      return flow([...head, condition]);
    }
    case "at-most":
      return flow([
        id,
        ["atMost", printNumber(r.count)],
        ["of", channelSet(r.channels)],
        ["per", printWindow(r.window)],
        r.by === undefined ? undefined : (["by", yamlString(r.by.name)] as const),
        condition,
      ]);
    case "at-most-account":
      return flow([id, ["atMost", printNumber(r.count)], ["of", channelSet(r.channels)], ["per", printWindow(r.window)], ["across", "account"], condition]);
    case "at-least":
      return flow([id, ["atLeast", printDuration(r.duration)], ["between", channelSet(r.channels)], condition]);
    case "quiet-hours":
      return flow([id, ["quietHours", `"${printTime(r.start)}-${printTime(r.end)}"`], forChannels(r.channels), condition]);
    case "only-business-days":
      return flow([id, ["onlyBusinessDays", "true"], forChannels(r.channels), condition]);
    default:
      return assertNever(r, "rule");
  }
}

/** One output line and the source positions of what it prints, for placing comments. */
interface YamlLine {
  indent: string;
  text: string;
  /** Anchors (source offsets) of the items printed on this line. */
  anchors: number[];
  /** A line that prints nothing itself: where the comments at the end of a stage or of the policy go. */
  placeholder?: boolean;
}

/** Collects the output lines and the anchors of the source items they print. */
class Printer {
  readonly lines: YamlLine[] = [];
  readonly anchors: { start: number; endLine: number }[] = [];

  /** The anchor of a node (its start offset), recorded with the line where its text ends. */
  anchor(node: A.NodeBase | undefined, endLine?: number): number | undefined {
    const start = node?.span?.offset;
    const line = endLine ?? node?.span?.endLine;
    if (start === undefined || line === undefined) return undefined;
    this.anchors.push({ start, endLine: line });
    return start;
  }

  /** The anchor of a DSL block's closing brace (the last character of the node), where comments after its last item go. */
  closing(node: A.NodeBase): number | undefined {
    const end = node.span?.endOffset;
    const line = node.span?.endLine;
    if (end === undefined || line === undefined) return undefined;
    this.anchors.push({ start: end - 1, endLine: line });
    return end - 1;
  }

  push(indent: string, text: string, ...anchors: (number | undefined)[]): void {
    this.lines.push({ indent, text, anchors: anchors.filter((a): a is number => a !== undefined) });
  }

  placeholder(indent: string, anchor: number | undefined): void {
    if (anchor !== undefined) this.lines.push({ indent, text: "", anchors: [anchor], placeholder: true });
  }

  /** A `key:` line and its items, each `- item` with its node's anchor. */
  block<T extends A.NodeBase>(indent: string, key: string, items: readonly T[], print: (item: T) => string): void {
    if (items.length === 0) return;
    this.push(indent, `${key}:`);
    for (const item of items) this.push(`${indent}  `, `- ${print(item)}`, this.anchor(item));
  }

  /** The text, with each comment before or at the end of the line of the item it belongs to. */
  render(comments: readonly A.Comment[]): string {
    const { byAnchor, leftover } = placeComments(comments, this.anchors);
    const out: string[] = [];
    for (const line of this.lines) {
      const placed = line.anchors.map((a) => byAnchor.get(a)).filter((p): p is Placed => p !== undefined);
      for (const c of placed.flatMap((p) => p.leading)) out.push(`${line.indent}#${c.text}`);
      const trailing = placed.flatMap((p) => p.trailing);
      if (line.placeholder) {
        for (const c of trailing) out.push(`${line.indent}#${c.text}`);
        continue;
      }
      const text = `${line.indent}${line.text}`;
      out.push(trailing.length === 0 ? text : `${text} #${trailing[0]!.text}`);
      for (const c of trailing.slice(1)) out.push(`${line.indent}#${c.text}`);
    }
    for (const c of leftover) out.push(`#${c.text}`);
    return `${out.join("\n")}\n`;
  }
}

function stage(p: Printer, s: A.Stage): void {
  const name = yamlString(s.name.name);
  const allow = s.allow === undefined ? undefined : list(s.allow.channels.map((c) => yamlString(c.name)));
  const simple = s.rules.length === 0 && s.transitions.length === 0;
  const header = p.anchor(s, s.name.span?.endLine);
  if (simple && !(s.final && allow !== undefined)) {
    const allowAt = s.allow === undefined ? undefined : p.anchor(s.allow);
    const close = p.closing(s);
    if (s.final) p.push("  ", `${name}: { final: true }`, header, allowAt, close);
    else if (allow !== undefined) p.push("  ", `${name}: { allow: ${allow} }`, header, allowAt, close);
    else p.push("  ", `${name}: {}`, header, allowAt, close);
    return;
  }
  p.push("  ", `${name}:`, header);
  if (s.final) p.push("    ", "final: true");
  if (allow !== undefined) p.push("    ", `allow: ${allow}`, p.anchor(s.allow));
  p.block("    ", "rules", s.rules, printRule);
  p.block("    ", "transitions", s.transitions, printTransition);
  p.placeholder("    ", p.closing(s));
}

/** `boolean`, `[analyst, student]`. */
function valueType(type: A.ValueType): string {
  return type.kind === "choice" ? list(type.values.map((v) => yamlString(v.value))) : type.kind;
}

/** `attributes:` or `signals:` and one `name: value` line per declaration (`{}` when there is none). */
function declarations(p: Printer, key: string, block: A.NodeBase, items: readonly [A.NodeBase & { name: A.Ident }, string][]): void {
  const header = p.anchor(block, block.span?.line);
  if (items.length === 0) {
    p.push("", `${key}: {}`, header, p.closing(block));
    return;
  }
  p.push("", `${key}:`, header);
  for (const [node, value] of items) p.push("  ", `${yamlString(node.name.name)}: ${value}`, p.anchor(node));
  p.placeholder("  ", p.closing(block));
}

/**
 * The canonical YAML form of a policy, starting with the schema line
 * `schemaLine` (by default `SCHEMA_LINE`, which names
 * `../schema/heed-policy.schema.json`). The policy's comments (from the
 * DSL, or from YAML) are kept, each before or at the end of the line of
 * the item it belongs to; a schema line among them gives way to the one
 * printed first.
 */
export function printYaml(policy: A.Policy, schemaLine: string = SCHEMA_LINE): string {
  const p = new Printer();
  p.push("", schemaLine);
  p.push("", `cadence: ${yamlString(policy.name.value)}`, p.anchor(policy, policy.name.span?.endLine));
  if (policy.appliesWhen !== undefined) p.push("", `appliesWhen: ${yamlCondition(policy.appliesWhen)}`, p.anchor(policy.appliesWhen));
  if (policy.timezone !== undefined) {
    const tz = policy.timezone;
    const from = ["from", yamlString(tz.from.segments.join("."))] as const;
    const fallback = tz.fallback === undefined ? undefined : (["fallback", yamlString(tz.fallback.value)] as const);
    p.push("", `timezone: ${flow([from, fallback])}`, p.anchor(tz));
  }
  p.push("", `channels: ${list(policy.channels.map((c) => yamlString(c.name)))}`, policy.channels.length > 0 ? p.anchor(lineNode(policy.channels)) : undefined);
  if (policy.engagement !== undefined) {
    p.push("", `engagement: ${list(policy.engagement.map((s) => yamlString(s.name)))}`, policy.engagement.length > 0 ? p.anchor(lineNode(policy.engagement)) : undefined);
  }
  if (policy.ignoreWindow !== undefined) p.push("", `ignoreWindow: ${printDuration(policy.ignoreWindow)}`, p.anchor(policy.ignoreWindow));
  const dates = policy.holidays?.map((h) => (/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(h.date) ? h.date : yamlString(h.date)));
  if (policy.holidaysFrom !== undefined) {
    const spec = policy.holidaysFrom;
    const from = ["from", yamlString(spec.from.segments.join("."))] as const;
    const fallback = spec.fallback === undefined ? undefined : (["fallback", yamlString(spec.fallback.value)] as const);
    // the dates stay in the map, on one line, as the DSL keeps them on theirs
    const listed = dates === undefined || dates.length === 0 ? undefined : (["dates", list(dates)] as const);
    p.push("", `holidays: ${flow([from, fallback, listed])}`, p.anchor(spec));
  } else if (policy.holidays !== undefined && dates !== undefined) {
    p.push("", `holidays: ${list(dates)}`, policy.holidays.length > 0 ? p.anchor(lineNode(policy.holidays)) : undefined);
  }
  if (policy.attributes !== undefined) declarations(p, "attributes", policy.attributes, policy.attributes.declarations.map((d) => [d, valueType(d.type)]));
  if (policy.signals !== undefined) {
    const signals = policy.signals.declarations.map((d): [A.NodeBase & { name: A.Ident }, string] => [d, d.props.length === 0 ? "{}" : flow(d.props.map((prop) => [yamlString(prop.name.name), valueType(prop.type)]))]);
    declarations(p, "signals", policy.signals, signals);
  }
  const start = policy.stages.find((s) => s.start);
  if (start !== undefined) p.push("", `start: ${yamlString(start.name.name)}`);
  if (policy.stages.length > 0) {
    p.push("", "stages:");
    for (const s of policy.stages) stage(p, s);
  }
  p.block("", "transitions", policy.transitions, printTransition);
  p.block("", "rules", policy.rules, printRule);
  p.placeholder("", p.closing(policy));
  return p.render((policy.comments ?? []).filter((c) => !SCHEMA_COMMENT.test(c.text)));
}
