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

function toMermaid(graph: StageGraph): string {
  const id = new Map(graph.stages.map((s, i) => [s.name, `s${i}`]));
  const idOf = (name: string): string => id.get(name) ?? name.replace(/[^A-Za-z0-9_]/g, "_");
  const lines = ["stateDiagram-v2", `  %% cadence ${JSON.stringify(graph.name)}`];
  for (const s of graph.stages) lines.push(`  state "${s.name}" as ${idOf(s.name)}`);
  for (const s of graph.stages) if (s.start) lines.push(`  [*] --> ${idOf(s.name)}`);
  for (const e of graph.edges) {
    lines.push(`  ${idOf(e.from)} --> ${idOf(e.to)}: ${e.label}${e.policyWide ? " (policy-wide)" : ""}`);
  }
  for (const s of graph.stages) if (s.final) lines.push(`  ${idOf(s.name)} --> [*]`);
  const finals = graph.stages.filter((s) => s.final);
  if (finals.length > 0) {
    lines.push("  classDef final stroke-width:3px");
    lines.push(`  class ${finals.map((s) => idOf(s.name)).join(",")} final`);
  }
  return lines.join("\n") + "\n";
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function toDot(graph: StageGraph): string {
  const lines = [
    `digraph ${quote(graph.name)} {`,
    "  rankdir=LR;",
    '  node [shape=box, style=rounded, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
    '  "__start" [shape=point, label=""];',
  ];
  for (const s of graph.stages) {
    const attrs = s.final ? " [peripheries=2]" : "";
    lines.push(`  ${quote(s.name)}${attrs};`);
  }
  for (const s of graph.stages) if (s.start) lines.push(`  "__start" -> ${quote(s.name)};`);
  for (const e of graph.edges) {
    const style = e.policyWide ? ", style=dashed" : "";
    lines.push(`  ${quote(e.from)} -> ${quote(e.to)} [label=${quote(e.label)}${style}];`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
