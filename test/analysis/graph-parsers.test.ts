/**
 * The diagrams read back by the tools that draw them: Mermaid's own parser
 * (the `mermaid` package, in a jsdom window) and Graphviz (compiled to
 * WebAssembly, `@hpcc-js/wasm-graphviz`). A policy whose labels hold
 * Mermaid syntax (`;`, `#...;` entities, `%%{init}%%` directives, quotes),
 * HTML, Graphviz escapes (`\N`, `&amp;`) and stages named like the
 * diagrams' own nodes (`__start`, `start`, `end`) must come out with exactly
 * its stages and transitions, each label shown as written.
 */

import { Graphviz } from "@hpcc-js/wasm-graphviz";
import { XMLParser } from "fast-xml-parser";
import { beforeAll, describe, expect, it } from "vitest";

import { renderGraph, stageGraph, type StageGraph } from "../../src/analysis/graph.js";
import { parsePolicy } from "../../src/parser/index.js";

const HOSTILE = `cadence: "hostile; #quot; <b>name</b> %%{init: {}}%% \\"q\\" \\\\N"
channels: [email]
start: __start
stages:
  __start:
    allow: [email]
    transitions:
      - { on: reply, where: 'intent == "x; y # z <b>bold</b> &amp; %%{init: {\\"theme\\": \\"dark\\"}}%% \\\\N #quot; --> [*]"', moveTo: start }
      - { after: 1 ignored touch, moveTo: end }
  start:
    allow: [email]
    transitions:
      - { when: 'contact.note == "<script>alert(1)</script>;"', moveTo: note }
      - { after: 3 days, moveTo: end }
  note:
    allow: [email]
    transitions:
      - { after: 2 days, moveTo: end }
  end:
    final: true
transitions:
  - { on: unsubscribe, moveTo: end }
`;

/** The little of jsdom this file uses (jsdom ships no types). */
interface Window {
  document: { createElement(tag: string): { innerHTML: string; textContent: string | null } };
}
interface JsdomModule {
  JSDOM: new (html: string) => { window: Window };
}

const policy = (() => {
  const { policy: parsed, diagnostics } = parsePolicy(HOSTILE, { file: "hostile.heed.yaml" });
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return parsed!;
})();
const graph: StageGraph = stageGraph(policy);

/** The label each edge must show, in order. */
const EDGE_LABELS = graph.edges.map((e) => `${e.label}${e.policyWide ? " (policy-wide)" : ""}`);

describe("the graph of a policy with hostile labels", () => {
  it("has labels worth the test: Mermaid syntax, HTML and Graphviz escapes, stages named like synthetic nodes", () => {
    expect(graph.stages.map((s) => s.name)).toEqual(["__start", "start", "note", "end"]);
    expect(EDGE_LABELS[0]).toBe('on reply where intent == "x; y # z <b>bold</b> &amp; %%{init: {\\"theme\\": \\"dark\\"}}%% \\\\N #quot; --> [*]"');
    expect(EDGE_LABELS).toContain('when contact.note == "<script>alert(1)</script>;"');
  });
});

describe("Mermaid, read by mermaid's own parser", () => {
  type StateDb = {
    getStates(): Map<string, { descriptions?: string[] }>;
    getRelations(): { id1: string; id2: string; relationTitle?: string }[];
  };
  let parse: (text: string) => Promise<StateDb>;
  let shown: (label: string) => string;

  beforeAll(async () => {
    // mermaid sanitises labels with DOMPurify, which needs a window
    const jsdom = "jsdom"; // a variable, as jsdom ships no declarations
    const { JSDOM } = (await import(jsdom)) as JsdomModule;
    const { window } = new JSDOM("");
    Object.assign(globalThis, { window, document: window.document });
    const { default: mermaid } = await import("mermaid");
    parse = async (text) => {
      await mermaid.parse(text);
      const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
      return diagram.db as unknown as StateDb;
    };
    // What a rendered label shows: mermaid keeps entity codes (`#59;`) as placeholders that its
    // render step turns into HTML entities (`&#59;`) in the SVG, which the browser then decodes.
    shown = (label) => {
      const html = label.replace(/ﬂ°°/g, "&#").replace(/ﬂ°/g, "&").replace(/¶ß/g, ";");
      const element = window.document.createElement("span");
      element.innerHTML = html;
      return element.textContent ?? "";
    };
  }, 120_000);

  it("gives exactly the stages and transitions, each label shown as written", async () => {
    const db = await parse(renderGraph(policy, "mermaid"));
    const states = db.getStates();
    // `[*]` is mermaid's start and end pseudo-states, `root_start` and `root_end`
    expect([...states.keys()].sort()).toEqual(["root_end", "root_start", "s0", "s1", "s2", "s3"]);
    expect(graph.stages.map((_, i) => shown(states.get(`s${i}`)?.descriptions?.[0] ?? ""))).toEqual(graph.stages.map((s) => s.name));
    const index = new Map(graph.stages.map((s, i) => [s.name, `s${i}`]));
    const relations = db.getRelations().filter((r) => r.id1 !== "root_start" && r.id2 !== "root_end");
    expect(relations.map((r) => [r.id1, r.id2])).toEqual(graph.edges.map((e) => [index.get(e.from), index.get(e.to)]));
    expect(relations.map((r) => shown(r.relationTitle ?? ""))).toEqual(EDGE_LABELS);
  });

  it("the check can fail: the same label written raw splits the diagram and loses text", async () => {
    const raw = `stateDiagram-v2\n  state "__start" as s0\n  state "start" as s1\n  s0 --> s1: ${EDGE_LABELS[0]}\n`;
    const db = await parse(raw);
    expect([...db.getStates().keys()].length).toBeGreaterThan(2);
    expect(shown(db.getRelations()[0]?.relationTitle ?? "")).not.toBe(EDGE_LABELS[0]);
  });
});

describe("DOT, read and drawn by Graphviz", () => {
  let graphviz: Awaited<ReturnType<typeof Graphviz.load>>;

  beforeAll(async () => {
    graphviz = await Graphviz.load();
  }, 120_000);

  /** The texts Graphviz draws, by node and edge title, from its SVG. */
  function drawn(dot: string): { nodes: Map<string, string[]>; edges: { title: string; texts: string[] }[] } {
    const svg = graphviz.layout(dot, "svg", "dot");
    type Group = { "@class"?: string; title?: string; text?: (string | { "#text"?: string })[]; g?: Group[] };
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: (name) => name === "g" || name === "text", processEntities: true, htmlEntities: true, trimValues: false });
    const root = (parser.parse(svg) as { svg: { g: Group[] } }).svg.g;
    const groups: Group[] = [];
    const walk = (list: Group[] | undefined): void => {
      for (const g of list ?? []) {
        groups.push(g);
        walk(g.g);
      }
    };
    walk(root);
    const texts = (g: Group) => (g.text ?? []).map((t) => String(typeof t === "string" ? t : (t["#text"] ?? "")));
    return {
      nodes: new Map(groups.filter((g) => g["@class"] === "node").map((g) => [String(g.title ?? ""), texts(g)])),
      edges: groups.filter((g) => g["@class"] === "edge").map((g) => ({ title: String(g.title ?? ""), texts: texts(g) })),
    };
  }

  it("draws one node per stage plus the start point, each labelled with its stage's name; the edges' labels as written", () => {
    const { nodes, edges } = drawn(renderGraph(policy, "dot"));
    expect([...nodes.keys()].sort()).toEqual(["s0", "s1", "s2", "s3", "start"]);
    expect(nodes.get("start")).toEqual([]);
    expect(graph.stages.map((_, i) => nodes.get(`s${i}`))).toEqual(graph.stages.map((s) => [s.name]));
    expect(edges[0]).toEqual({ title: "start->s0", texts: [] });
    expect(edges.slice(1).map((e) => e.texts.join("\n"))).toEqual(EDGE_LABELS.map((l) => l.replace(/ \(policy-wide\)$/, "")));
  });

  it("the check can fail: Graphviz refuses broken DOT, and shows `\\N` and `&amp;` written raw as something else", () => {
    expect(() => graphviz.layout("digraph { a -> ; }", "svg", "dot")).toThrow(/syntax error/);
    const { nodes } = drawn('digraph { n [label="\\N &amp;"]; }');
    expect(nodes.get("n")).toEqual(["n &"]);
  });
});
