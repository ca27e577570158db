/**
 * The policy's state machine as a diagram: stages as states, transitions as
 * edges labelled with their triggers, the start and final stages marked, and
 * policy-wide transitions drawn from every non-final stage.
 *
 * @module
 */

import type { Policy } from "../ast.js";
import { policyStructure } from "../engine/index.js";

/** Diagram languages {@link renderGraph} writes. */
export type GraphFormat = "mermaid" | "dot";

/** One edge of the stage graph. */
export interface GraphEdge {
  /** The stage the transition leaves. */
  from: string;
  /** The stage it enters. */
  to: string;
  /** The trigger, as written: `after 2 ignored touches`, `on reply where sentiment == "negative"`. */
  label: string;
  /** True for a policy-wide transition, drawn from every non-final stage. */
  policyWide: boolean;
}

/** The stages and transitions of a policy, ready to draw. */
export interface StageGraph {
  /** The policy's name. */
  name: string;
  /** Every stage, in source order. */
  stages: {
    /** The stage's name. */
    name: string;
    /** The start stage. */
    start: boolean;
    /** A final stage. */
    final: boolean;
  }[];
  /** Every transition, the stage's own first. */
  edges: GraphEdge[];
}

/** The stage graph of a policy (the implicit `active` stage when it declares none), as the engine runs it. */
export function stageGraph(policy: Policy): StageGraph {
  const machine = policyStructure(policy);
  const stages = machine.stages.map((s) => ({ name: s.name, start: s.start, final: s.final }));
  const edges: GraphEdge[] = [];
  for (const stage of machine.stages) {
    stage.transitions.forEach((t, i) => {
      edges.push({ from: stage.name, to: t.target, label: t.cause, policyWide: i >= stage.own });
    });
  }
  return { name: machine.ir.name, stages, edges };
}

/** The policy's state machine as Mermaid (`stateDiagram-v2`) or Graphviz DOT text, ending with a newline. */
export function renderGraph(policy: Policy, format: GraphFormat = "mermaid"): string {
  const graph = stageGraph(policy);
  return format === "dot" ? toDot(graph) : toMermaid(graph);
}

/**
 * Text for a Mermaid label: the characters Mermaid reads as syntax (`;`
 * ends a statement, `#...;` is an entity, `%%` a comment or directive, `"`
 * closes a state's name) or as HTML (`<`, `>`, `&`), and control
 * characters, written as Mermaid's numeric entity codes (`#59;`), which the
 * rendered diagram shows as the characters themselves.
 */
export function mermaidLabel(text: string): string {
  return text.replace(/[#;"%<>&\u0000-\u001f\u007f]/g, (c) => `#${c.charCodeAt(0)};`);
}

function toMermaid(graph: StageGraph): string {
  // Stages are drawn by position (`s0`, `s1`, ...): a stage's name, whatever it holds, is only ever a label.
  const id = new Map(graph.stages.map((s, i) => [s.name, `s${i}`]));
  const idOf = (name: string): string => id.get(name) ?? `s${id.size}`;
  const lines = ["stateDiagram-v2", `  %% cadence ${mermaidLabel(graph.name)}`];
  for (const s of graph.stages) lines.push(`  state "${mermaidLabel(s.name)}" as ${idOf(s.name)}`);
  for (const s of graph.stages) if (s.start) lines.push(`  [*] --> ${idOf(s.name)}`);
  for (const e of graph.edges) {
    lines.push(`  ${idOf(e.from)} --> ${idOf(e.to)}: ${mermaidLabel(`${e.label}${e.policyWide ? " (policy-wide)" : ""}`)}`);
  }
  for (const s of graph.stages) if (s.final) lines.push(`  ${idOf(s.name)} --> [*]`);
  const finals = graph.stages.filter((s) => s.final);
  if (finals.length > 0) {
    lines.push("  classDef final stroke-width:3px");
    lines.push(`  class ${finals.map((s) => idOf(s.name)).join(",")} final`);
  }
  return lines.join("\n") + "\n";
}

/**
 * A DOT string: quoted, with `\` and `"` escaped (so no `\N`-style escape of
 * Graphviz applies), line breaks as `\n`, and `&` as `&amp;` (Graphviz reads
 * HTML entities in every label).
 */
function quote(text: string): string {
  const escaped = text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/&/g, "&amp;").replace(/\r?\n|\r/g, "\\n");
  return `"${escaped}"`;
}

function toDot(graph: StageGraph): string {
  // Nodes are named by position (`s0`, `s1`, ...) and labelled with the stage's name, so the
  // synthetic start node (`start`) can never be a stage, whatever the stages are called.
  const id = new Map(graph.stages.map((s, i) => [s.name, `s${i}`]));
  const idOf = (name: string): string => id.get(name) ?? `s${id.size}`;
  const lines = [
    `digraph ${quote(graph.name)} {`,
    "  rankdir=LR;",
    '  node [shape=box, style=rounded, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
    '  start [shape=point, label=""];',
  ];
  for (const s of graph.stages) {
    lines.push(`  ${idOf(s.name)} [label=${quote(s.name)}${s.final ? ", peripheries=2" : ""}];`);
  }
  for (const s of graph.stages) if (s.start) lines.push(`  start -> ${idOf(s.name)};`);
  for (const e of graph.edges) {
    const style = e.policyWide ? ", style=dashed" : "";
    lines.push(`  ${idOf(e.from)} -> ${idOf(e.to)} [label=${quote(e.label)}${style}];`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
