/**
 * Small helpers to build the page's elements, and the colours shared by
 * every view (stages, verdicts).
 *
 * @module
 */

type Attributes = Record<string, string | number | boolean | undefined>;
type Child = Node | string | null | undefined | false;

function apply(node: Element, attributes: Attributes): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
}

/** An HTML element with attributes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  apply(node, attributes);
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** An SVG element with attributes and children. */
export function svg(tag: string, attributes: Attributes = {}, ...children: Child[]): SVGElement {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag) as SVGElement;
  apply(node, attributes);
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** The element with this id; a missing one is a mistake in the page. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`the page has no element \`#${id}\``);
  return node as T;
}

/** The colours of a stage: a fill, a stroke and a text colour readable on the fill. */
export interface StageColor {
  fill: string;
  stroke: string;
  text: string;
}

const STAGE_COLORS: StageColor[] = [
  { fill: "#dbe7fb", stroke: "#2f6fde", text: "#12305f" },
  { fill: "#efe0fa", stroke: "#8a3fc7", text: "#3e1560" },
  { fill: "#d8f3ef", stroke: "#138a7a", text: "#0a3d36" },
  { fill: "#fde4d2", stroke: "#c2570f", text: "#5a2505" },
  { fill: "#f9dcea", stroke: "#b8306e", text: "#561331" },
  { fill: "#e6ecd2", stroke: "#5f7d14", text: "#2b3a06" },
];
const FINAL_COLOR: StageColor = { fill: "#e4e6ea", stroke: "#6b7280", text: "#272b33" };

/** A policy's stages in source order (from `stageGraph`). */
export type StageList = readonly { name: string; final: boolean }[];

/** A stage's colours, by its place in the policy; final stages are grey. */
export function stageColor(stage: string, stages: StageList): StageColor {
  const index = stages.findIndex((s) => s.name === stage);
  if (index < 0 || stages[index]?.final === true) return FINAL_COLOR;
  return STAGE_COLORS[index % STAGE_COLORS.length] as StageColor;
}

/** The words shown with each verdict: colour is never the only sign. */
export const VERDICT_LABEL = { allow: "allow", defer: "defer", deny: "deny" } as const;
