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
import { formatCondition, formatDuration, formatTime, formatWindow } from "./format.js";

/** The first line of every printed policy: editors find the schema by it. */
export const SCHEMA_LINE = "# yaml-language-server: $schema=../schema/heed-policy.schema.json";

const RESERVED = /^(true|false|null|yes|no|on|off|y|n|~)$/i;
const PLAIN = /^[A-Za-z_][A-Za-z0-9_./-]*( [A-Za-z0-9_./-]+)*$/;

/** A string as a YAML scalar: plain when that reads back as the same string, else double-quoted. */
export function yamlString(value: string): string {
  if (PLAIN.test(value) && !RESERVED.test(value)) return value;
  return JSON.stringify(value);
}

/** A condition, single-quoted as in the spec (double-quoted when it must escape a control character). */
function yamlCondition(expr: A.Expr): string {
  const text = formatCondition(expr);
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
      return [["after", `${t.count} ignored ${t.count === 1 ? "touch" : "touches"}`]];
    case "touches":
      return [["after", `${t.count} ${t.count === 1 ? "touch" : "touches"}`]];
    case "elapsed":
      return [["after", formatDuration(t.duration)]];
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
      if (r.kind === "never-without") return flow([...head, ["without", yamlString(r.signal.name)], where]);
      if (r.kind === "never-after") return flow([...head, ["after", yamlString(r.signal.name)], where]);
      if (r.kind === "never-within") {
        return flow([...head, ["within", formatDuration(r.duration)], ["of", yamlString(r.signal.name)], where]);
      }
      return flow([...head, ["when", yamlCondition(r.when)]]);
    }
    case "at-most":
      return flow([id, ["atMost", String(r.count)], ["of", channelSet(r.channels)], ["per", formatWindow(r.window)]]);
    case "at-least":
      return flow([id, ["atLeast", formatDuration(r.duration)], ["between", channelSet(r.channels)]]);
    case "quiet-hours":
      return flow([id, ["quietHours", `"${formatTime(r.start)}-${formatTime(r.end)}"`], forChannels(r.channels)]);
    case "only-business-days":
      return flow([id, ["onlyBusinessDays", "true"], forChannels(r.channels)]);
    default:
      return assertNever(r, "rule");
  }
}

function block(lines: string[], indent: string, key: string, items: readonly string[]): void {
  if (items.length === 0) return;
  lines.push(`${indent}${key}:`);
  for (const item of items) lines.push(`${indent}  - ${item}`);
}

function stage(lines: string[], s: A.Stage): void {
  const name = yamlString(s.name.name);
  const allow = s.allow === undefined ? undefined : list(s.allow.channels.map((c) => yamlString(c.name)));
  const simple = s.rules.length === 0 && s.transitions.length === 0;
  if (simple && !(s.final && allow !== undefined)) {
    if (s.final) lines.push(`  ${name}: { final: true }`);
    else if (allow !== undefined) lines.push(`  ${name}: { allow: ${allow} }`);
    else lines.push(`  ${name}: {}`);
    return;
  }
  lines.push(`  ${name}:`);
  if (s.final) lines.push("    final: true");
  if (allow !== undefined) lines.push(`    allow: ${allow}`);
  block(lines, "    ", "rules", s.rules.map(printRule));
  block(lines, "    ", "transitions", s.transitions.map(printTransition));
}

/** The canonical YAML form of a policy, starting with the schema line. */
export function printYaml(policy: A.Policy): string {
  const lines: string[] = [SCHEMA_LINE];
  lines.push(`cadence: ${yamlString(policy.name.value)}`);
  if (policy.appliesWhen !== undefined) lines.push(`appliesWhen: ${yamlCondition(policy.appliesWhen)}`);
  if (policy.timezone !== undefined) {
    const tz = policy.timezone;
    const from = ["from", yamlString(tz.from.segments.join("."))] as const;
    const fallback = tz.fallback === undefined ? undefined : (["fallback", yamlString(tz.fallback.value)] as const);
    lines.push(`timezone: ${flow([from, fallback])}`);
  }
  lines.push(`channels: ${list(policy.channels.map((c) => yamlString(c.name)))}`);
  if (policy.engagement !== undefined) lines.push(`engagement: ${list(policy.engagement.map((s) => yamlString(s.name)))}`);
  if (policy.ignoreWindow !== undefined) lines.push(`ignoreWindow: ${formatDuration(policy.ignoreWindow)}`);
  if (policy.holidays !== undefined) lines.push(`holidays: ${list(policy.holidays.map((h) => (/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(h.date) ? h.date : yamlString(h.date))))}`);
  const start = policy.stages.find((s) => s.start);
  if (start !== undefined) lines.push(`start: ${yamlString(start.name.name)}`);
  if (policy.stages.length > 0) {
    lines.push("stages:");
    for (const s of policy.stages) stage(lines, s);
  }
  block(lines, "", "transitions", policy.transitions.map(printTransition));
  block(lines, "", "rules", policy.rules.map(printRule));
  return `${lines.join("\n")}\n`;
}
