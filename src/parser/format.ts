/**
 * The formatter: AST -> canonical DSL text (spec section 3 layout).
 *
 * Two-space indent, one line per item; policy lines, then stages (a blank
 * line between them), then policy-wide transitions, then policy-wide rules.
 * In a stage: `allow`, rules, transitions. `final stage x` has no braces when
 * empty, and a stage that only has an `allow` line stays on one line.
 *
 * Comments come back where they were: a comment on its own line before the
 * item that followed it in the source, a comment at the end of a line at the
 * end of that item's line. Items are matched to comments by their spans.
 *
 * `formatPolicy(parse(formatPolicy(p)))` is `formatPolicy(p)`.
 *
 * @module
 */

import type * as A from "../ast.js";
import { KEYWORDS } from "../lexer/tokens.js";
import {
  printCondition,
  printDeclaration,
  printDuration,
  printSignalDeclaration,
  printRule,
  printString,
  printTransition,
  type RuleStyle,
  SOURCE_STYLE,
} from "../print.js";
import { singularChannel } from "./names.js";

// ------------------------------------------------------------ statements

/**
 * `any`, `touches`, `email, call`. After a count (`count`, with the declared
 * channels), a lone declared channel is written in the plural when the count
 * is not 1 and the plural reads back as that channel.
 */
function formatChannels(set: A.ChannelSet, count: number | undefined, declared: readonly string[]): string {
  if (set.kind === "list" && count !== undefined && count !== 1 && set.channels.length === 1) {
    const name = set.channels[0]!.name;
    const plural = /(s|sh|ch|x|z)$/.test(name) ? `${name}es` : `${name}s`;
    if (declared.includes(name) && !KEYWORDS.includes(plural) && singularChannel(plural, declared) === name) return plural;
  }
  return SOURCE_STYLE.channels(set, count);
}

/** The source style, with plural channel names after a count where the declared channels allow them. */
function sourceStyle(declared: readonly string[]): RuleStyle {
  return { ...SOURCE_STYLE, channels: (set, count) => formatChannels(set, count, declared) };
}

/** A rule as one line; `declared` (the policy's channels) decides plural channel names after a count. */
export function formatRule(r: A.Rule, declared: readonly string[] = []): string {
  const name = r.name ? `rule ${r.name.name}: ` : "";
  return name + printRule(r, sourceStyle(declared));
}

// ------------------------------------------------------------ layout with comments

/** One output line, tied to the source position of what it prints. */
interface Line {
  indent: number;
  text: string;
  /** Offset in the source where the printed item starts, for comment placement. */
  anchor?: number;
  /** Blank line before. */
  blank?: boolean;
}

/** The comments placed at one anchor: on their own lines before it, or at the end of its line. */
export interface Placed {
  leading: A.Comment[];
  trailing: A.Comment[];
}

/**
 * Assigns each comment to an anchor: a comment on the same line as the end
 * of the last item before it trails that item, any other comment leads the
 * first item after it. Anchors are `[start offset, end line]` of items.
 */
export function placeComments(comments: readonly A.Comment[], anchors: readonly { start: number; endLine: number }[]): {
  byAnchor: Map<number, Placed>;
  leftover: A.Comment[];
} {
  const sorted = [...anchors].sort((a, b) => a.start - b.start);
  const byAnchor = new Map<number, Placed>();
  const leftover: A.Comment[] = [];
  const entry = (start: number): Placed => {
    let placed = byAnchor.get(start);
    if (placed === undefined) {
      placed = { leading: [], trailing: [] };
      byAnchor.set(start, placed);
    }
    return placed;
  };
  for (const comment of comments) {
    const offset = comment.span?.offset;
    if (offset === undefined) {
      leftover.push(comment);
      continue;
    }
    // The first anchor at or after the comment; the one before it precedes the comment.
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (sorted[mid]!.start < offset) low = mid + 1;
      else high = mid;
    }
    const before = low > 0 ? sorted[low - 1] : undefined;
    const after = sorted[low];
    if (before !== undefined && before.endLine === comment.span?.line) entry(before.start).trailing.push(comment);
    else if (after !== undefined) entry(after.start).leading.push(comment);
    else leftover.push(comment);
  }
  return { byAnchor, leftover };
}

function startOf(node: A.NodeBase | undefined): number | undefined {
  return node?.span?.offset;
}

/** The offset of a stage's or the policy's closing brace: the last character of its span. */
function closeOf(node: A.NodeBase): number | undefined {
  const end = node.span?.endOffset;
  return end === undefined ? undefined : end - 1;
}

/** The line where a stage's header ends: the line of its name. */
function headerEndLine(stage: A.Stage): number | undefined {
  return stage.name.span?.endLine;
}

/** Prints a policy in the canonical layout, keeping its comments. */
export function formatPolicy(policy: A.Policy): string {
  const lines: Line[] = [];
  const anchors: { start: number; endLine: number }[] = [];
  const anchor = (node: A.NodeBase | undefined, endLine?: number): number | undefined => {
    const start = startOf(node);
    const line = endLine ?? node?.span?.endLine;
    if (start !== undefined && line !== undefined) anchors.push({ start, endLine: line });
    return start;
  };
  const closeAnchor = (node: A.NodeBase): number | undefined => {
    const close = closeOf(node);
    const line = node.span?.endLine;
    if (close !== undefined && line !== undefined) anchors.push({ start: close, endLine: line });
    return close;
  };
  const push = (indent: number, text: string, at: number | undefined, blank = false): void => {
    const line: Line = { indent, text };
    if (at !== undefined) line.anchor = at;
    if (blank) line.blank = true;
    lines.push(line);
  };

  const declared = policy.channels.map((c) => c.name);
  push(0, `cadence ${printString(policy.name.value)} {`, anchor(policy, policy.name.span?.endLine));
  let section = 0;
  const startSection = (): boolean => section++ > 0;
  {
    const header: [string, A.NodeBase | undefined][] = [];
    if (policy.appliesWhen) header.push([`applies when ${printCondition(policy.appliesWhen)}`, policy.appliesWhen]);
    if (policy.timezone) {
      const tz = policy.timezone;
      header.push([
        `timezone from ${tz.from.segments.join(".")}${tz.fallback ? ` else ${printString(tz.fallback.value)}` : ""}`,
        tz,
      ]);
    }
    if (policy.channels.length > 0) {
      header.push([`channels ${policy.channels.map((c) => c.name).join(", ")}`, lineNode(policy.channels)]);
    }
    if (policy.engagement && policy.engagement.length > 0) {
      header.push([`engagement ${policy.engagement.map((c) => c.name).join(", ")}`, lineNode(policy.engagement)]);
    }
    if (policy.ignoreWindow) header.push([`ignore window ${printDuration(policy.ignoreWindow)}`, policy.ignoreWindow]);
    if (policy.holidaysFrom) {
      const spec = policy.holidaysFrom;
      header.push([`holidays from ${spec.from.segments.join(".")}${spec.fallback ? ` else ${printString(spec.fallback.value)}` : ""}`, spec]);
    }
    if (policy.holidays && policy.holidays.length > 0) {
      header.push([`holidays ${policy.holidays.map((h) => h.date).join(", ")}`, lineNode(policy.holidays)]);
    }
    if (header.length > 0) {
      startSection();
      for (const [text, node] of header) push(1, text, anchor(node));
    }
  }

  const block = (word: string, node: A.NodeBase, items: readonly [string, A.NodeBase][]): void => {
    const blank = startSection();
    const headerAt = anchor(node, node.span?.line);
    if (items.length === 0) {
      const close = closeAnchor(node);
      lines.push({ indent: 1, text: `${word} {}`, ...(headerAt !== undefined ? { anchor: headerAt } : {}), ...(blank ? { blank } : {}), oneLine: [close] } as Line);
      return;
    }
    push(1, `${word} {`, headerAt, blank);
    for (const [text, item] of items) push(2, text, anchor(item));
    push(1, "}", closeAnchor(node));
  };
  if (policy.attributes !== undefined) block("attributes", policy.attributes, policy.attributes.declarations.map((d) => [printDeclaration(d), d]));
  if (policy.signals !== undefined) block("signals", policy.signals, policy.signals.declarations.map((d) => [printSignalDeclaration(d), d]));

  for (const stage of policy.stages) {
    const blank = startSection();
    const head = `${stage.start ? "start " : ""}${stage.final ? "final " : ""}stage ${stage.name.name}`;
    const headerAt = anchor(stage, headerEndLine(stage));
    const empty = stage.rules.length === 0 && stage.transitions.length === 0;
    if (empty && stage.allow === undefined && stage.final) {
      push(1, head, headerAt, blank);
      continue;
    }
    if (empty) {
      const allowAt = stage.allow ? anchor(stage.allow) : undefined;
      const hasBraces = closeAnchor(stage);
      const allow = stage.allow ? ` allow ${stage.allow.channels.map((c) => c.name).join(", ")} ` : " ";
      const text = `${head} {${allow}}`;
      lines.push({
        indent: 1,
        text,
        ...(headerAt !== undefined ? { anchor: headerAt } : {}),
        ...(blank ? { blank } : {}),
        oneLine: [allowAt, hasBraces],
      } as Line);
      continue;
    }
    push(1, `${head} {`, headerAt, blank);
    if (stage.allow) push(2, `allow ${stage.allow.channels.map((c) => c.name).join(", ")}`, anchor(stage.allow));
    for (const rule of stage.rules) push(2, formatRule(rule, declared), anchor(rule));
    for (const transition of stage.transitions) push(2, printTransition(transition), anchor(transition));
    push(1, "}", closeAnchor(stage));
  }

  if (policy.transitions.length > 0) {
    const blank = startSection();
    policy.transitions.forEach((t, i) => push(1, printTransition(t), anchor(t), blank && i === 0));
  }
  if (policy.rules.length > 0) {
    const blank = startSection();
    policy.rules.forEach((r, i) => push(1, formatRule(r, declared), anchor(r), blank && i === 0));
  }
  push(0, "}", closeAnchor(policy));

  const { byAnchor, leftover } = placeComments(policy.comments ?? [], anchors);
  return render(lines, byAnchor, leftover);
}

/** A node spanning a list of items printed on one line (`channels a, b`). */
export function lineNode(items: readonly A.NodeBase[]): A.NodeBase {
  const first = items[0]?.span;
  const last = items[items.length - 1]?.span;
  if (first === undefined || last === undefined) return {};
  return { span: { ...first, endLine: last.endLine, endColumn: last.endColumn } };
}

function commentText(c: A.Comment): string {
  return `#${c.text}`;
}

function render(lines: readonly Line[], byAnchor: Map<number, Placed>, leftover: readonly A.Comment[]): string {
  const out: string[] = [];
  const pad = (indent: number): string => "  ".repeat(indent);
  for (const line of lines) {
    const placed = line.anchor === undefined ? undefined : byAnchor.get(line.anchor);
    const oneLine = (line as Line & { oneLine?: (number | undefined)[] }).oneLine;
    const inner = (oneLine ?? [])
      .filter((at): at is number => at !== undefined)
      .map((at) => byAnchor.get(at))
      .filter((p): p is Placed => p !== undefined);
    if (line.blank) out.push("");
    const leading = [...(placed?.leading ?? []), ...inner.flatMap((p) => p.leading)];
    const trailing = [...(placed?.trailing ?? []), ...inner.flatMap((p) => p.trailing)];
    // A comment inside a closing brace's item comes before the closing line.
    for (const c of leading) out.push(pad(line.text === "}" ? line.indent + 1 : line.indent) + commentText(c));
    const text = pad(line.indent) + line.text;
    if (trailing.length === 0) out.push(text);
    else {
      out.push(`${text} ${commentText(trailing[0]!)}`);
      for (const c of trailing.slice(1)) out.push(pad(line.indent) + commentText(c));
    }
  }
  for (const c of leftover) out.push(commentText(c));
  return `${out.join("\n")}\n`;
}
