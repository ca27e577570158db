/**
 * Hover: what the thing under the cursor means, in the engine's own words.
 * A rule gives the engine's description of it (the words its reasons begin
 * with), its id and reason code and what the form does; a stage gives its
 * channels, its ways out and what a contact who never answers goes through
 * there; a signal its built-in meaning; a counter what it counts; the
 * policy's name the silent-contact summary of the whole policy.
 *
 * @module
 */

import type { Hover, Position } from "vscode-languageserver/node";
import { MarkupKind } from "vscode-languageserver/node";
import { DEFAULT_ENGAGEMENT, type Rule, type Stage } from "../../ast.js";
import { namesOf, occurrenceAt, stageNamed, type DocumentAnalysis, type RuleEntry } from "./document.js";
import { spanContains, spanSize, spanToRange } from "./positions.js";
import type { SilentResult } from "./silent.js";
import { counterMeaning, reasonCode, ruleMeaning, signalMeaning } from "./vocabulary.js";
import { ruleWords, transitionWords } from "./words.js";

/** The hover at a position, if there is something to say. */
export function hoverAt(analysis: DocumentAnalysis, silent: SilentResult | undefined, position: Position): Hover | null {
  const policy = analysis.policy;
  if (policy === undefined) return null;
  const line = position.line + 1;
  const column = position.character + 1;
  const markdown = (value: string, range?: Hover["range"]): Hover => ({ contents: { kind: MarkupKind.Markdown, value }, ...(range === undefined ? {} : { range }) });

  const occurrence = occurrenceAt(analysis, line, column);
  if (occurrence !== undefined) {
    const range = spanToRange(occurrence.span);
    switch (occurrence.kind) {
      case "stage": {
        const stage = stageNamed(analysis, occurrence.name);
        return markdown(stage === undefined ? `unknown stage \`${occurrence.name}\`` : stageHover(analysis, stage, silent), range);
      }
      case "channel":
        return markdown(channelHover(analysis, occurrence.name), range);
      case "signal":
        return markdown(signalHover(analysis, occurrence.name), range);
      case "rule": {
        const entry = analysis.rules.find((r) => r.rule.name?.name === occurrence.name);
        if (entry !== undefined) return markdown(ruleHover(entry), range);
        break;
      }
    }
  }

  const path = analysis.paths.find((p) => spanContains(p.span, position));
  if (path !== undefined) {
    const text = pathHover(path.segments, path.signal);
    if (text !== undefined) return markdown(text, spanToRange(path.span));
  }

  if (policy.name.span !== undefined && spanContains(policy.name.span, position)) {
    return markdown(policyHover(analysis, silent), spanToRange(policy.name.span));
  }

  // The innermost rule, transition or stage around the position.
  const rule = innermost(analysis.rules.filter((r) => r.rule.span !== undefined && spanContains(r.rule.span, position)), (r) => r.rule.span);
  if (rule !== undefined && rule.rule.span !== undefined) return markdown(ruleHover(rule), spanToRange(rule.rule.span));
  const transition = innermost(
    analysis.transitions.filter((t) => t.transition.span !== undefined && spanContains(t.transition.span, position)),
    (t) => t.transition.span,
  );
  if (transition !== undefined && transition.transition.span !== undefined) {
    const scope = transition.stage === undefined ? "policy-wide: tried in every stage that is not final, after the stage's own" : `in stage \`${transition.stage.name.name}\`, tried in source order`;
    return markdown(`**transition** \`${transitionWords(transition.transition)}\`\n\n${scope}; the first that matches fires`, spanToRange(transition.transition.span));
  }
  const stage = innermost(policy.stages.filter((s) => s.span !== undefined && s.span.line === line && spanContains(s.span, position)), (s) => s.span);
  if (stage !== undefined && stage.span !== undefined) return markdown(stageHover(analysis, stage, silent), spanToRange(stage.name.span ?? stage.span));
  return null;
}

function innermost<T>(items: readonly T[], span: (item: T) => Parameters<typeof spanSize>[0] | undefined): T | undefined {
  let best: T | undefined;
  let size = Infinity;
  for (const item of items) {
    const s = span(item);
    if (s === undefined) continue;
    const n = spanSize(s);
    if (n < size) {
      best = item;
      size = n;
    }
  }
  return best;
}

/** A rule: the engine's description, its id, its reason code, where it applies and what the form does. */
export function ruleHover(entry: RuleEntry): string {
  const rule: Rule = entry.rule;
  const words = ruleWords(entry);
  const id = entry.ir?.id ?? rule.name?.name;
  const scope = entry.stage === undefined ? "policy-wide: judged in every stage" : `in stage \`${entry.stage.name.name}\` only`;
  const lines = [`**rule${id === undefined ? "" : ` \`${id}\``}**: ${words}`, "", `${ruleMeaning(rule.kind)}.`, "", `${scope} · reason code \`${reasonCode(rule.kind)}\``];
  return lines.join("\n");
}

/** A stage: start or final, what it allows, its ways out, and the silent contact's stay there. */
export function stageHover(analysis: DocumentAnalysis, stage: Stage, silent: SilentResult | undefined): string {
  const policy = analysis.policy;
  const flags = [stage.start ? "start" : "", stage.final ? "final" : ""].filter((f) => f !== "").join(", ");
  const lines = [`**stage \`${stage.name.name}\`**${flags === "" ? "" : ` (${flags})`}`, ""];
  if (stage.final) {
    lines.push("a final stage: allows no touch and has no way out");
  } else {
    const allowed = stage.allow === undefined ? "every declared channel" : stage.allow.channels.map((c) => `\`${c.name}\``).join(", ");
    lines.push(`allows: ${allowed}`);
    const own = stage.rules.length;
    const wide = policy?.rules.length ?? 0;
    lines.push("", `rules: ${own} of its own, ${wide} policy-wide`);
    const ways = [...stage.transitions.map((t) => `- \`${transitionWords(t)}\``), ...(policy?.transitions ?? []).map((t) => `- \`${transitionWords(t)}\` (policy-wide)`)];
    lines.push("", ways.length === 0 ? "no way out" : "ways out, tried in this order:", ...ways);
  }
  const stay = silentStayText(silent, stage.name.name);
  if (stay !== undefined) lines.push("", `a contact who never answers: ${stay}`);
  return lines.join("\n");
}

/** The silent contact's stay in a stage in words, as the code lens shows it (without its prefix). */
export function silentStayText(silent: SilentResult | undefined, stage: string): string | undefined {
  if (silent === undefined) return undefined;
  const stay = silent.stays.find((s) => s.stage === stage);
  if (stay === undefined) return "never gets here";
  if (stay.final) return `ends here after ${plural(silent.endsAfterDays, "day")}`;
  const over = `${stay.touches} over ${plural(stay.days, "day")}`;
  return stay.next === undefined ? `${over}, still here after ${plural(silent.horizonDays, "day")}` : `${over} → ${stay.next}`;
}

function plural(n: number, word: string): string {
  return `${n} ${n === 1 ? word : `${word}s`}`;
}

function channelHover(analysis: DocumentAnalysis, name: string): string {
  const policy = analysis.policy;
  const declared = policy?.channels.find((c) => c.name === name);
  const lines = [`**channel \`${name}\`**`, ""];
  if (declared === undefined) {
    lines.push("not declared: a touch on it is denied with `unknown-channel`");
    return lines.join("\n");
  }
  lines.push(`declared on line ${declared.span?.line ?? "?"}`);
  const stages = (policy?.stages ?? []).filter((s) => !s.final && (s.allow === undefined || s.allow.channels.some((c) => c.name === name)));
  if ((policy?.stages.length ?? 0) > 0) {
    lines.push("", `allowed in: ${stages.length === 0 ? "no stage" : stages.map((s) => `\`${s.name.name}\``).join(", ")}`);
  }
  const rules = analysis.rules.filter((r) => "channels" in r.rule && r.rule.channels !== undefined && (r.rule.channels.kind === "all" || r.rule.channels.channels.some((c) => c.name === name)));
  if (rules.length > 0) lines.push("", `rules on it: ${rules.map((r) => `\`${r.ir?.id ?? r.rule.name?.name ?? r.rule.kind}\``).join(", ")}`);
  return lines.join("\n");
}

function signalHover(analysis: DocumentAnalysis, name: string): string {
  const meaning = signalMeaning(name);
  const lines = [`**signal \`${name}\`**`, "", meaning === undefined ? "the application's own signal (not built in)" : `built in: ${meaning}`];
  const engagement = analysis.policy?.engagement?.map((e) => e.name) ?? [...DEFAULT_ENGAGEMENT];
  const byDefault = analysis.policy?.engagement === undefined;
  if (name === "auto_reply") return lines.join("\n");
  lines.push("", engagement.includes(name) ? `counts as engagement in this policy${byDefault ? " (by default)" : ""}` : "does not count as engagement in this policy");
  const uses = analysis.occurrences.filter((o) => o.kind === "signal" && o.name === name).length;
  lines.push("", `named ${uses} ${uses === 1 ? "time" : "times"} in this policy`);
  return lines.join("\n");
}

function pathHover(segments: readonly string[], signal: string | undefined): string | undefined {
  const [head, ...rest] = segments;
  if (head === undefined) return undefined;
  const counter = rest.length === 0 ? counterMeaning(head) : undefined;
  if (counter !== undefined) return `**counter \`${head}\`**: ${counter}`;
  if (head === "contact") return `**\`${segments.join(".")}\`**: the contact's attribute \`${rest.join(".")}\`; a missing attribute makes comparisons false (\`!=\` true)`;
  if (head === "touch") return `**\`${segments.join(".")}\`**: ${rest[0] === "channel" ? "the proposed touch's channel" : `the proposed touch's prop \`${rest.join(".")}\``}`;
  if (signal !== undefined && rest.length === 0) return `**\`${head}\`**: a prop of the \`${signal}\` signal`;
  return undefined;
}

function policyHover(analysis: DocumentAnalysis, silent: SilentResult | undefined): string {
  const policy = analysis.policy;
  const lines = [`**cadence \`${policy?.name.value ?? ""}\`**`, ""];
  lines.push(`${namesOf(analysis, "channel").length} channels, ${policy?.stages.length ?? 0} stages, ${analysis.rules.length} rules`);
  if (silent !== undefined) lines.push("", `a contact who never answers, over ${silent.horizonDays} days: ${silent.summary}`);
  return lines.join("\n");
}
