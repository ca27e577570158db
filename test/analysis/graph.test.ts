import { describe, expect, it } from "vitest";

import { renderGraph, stageGraph } from "../../src/analysis/graph.js";
import { parsePolicy } from "../../src/parser/index.js";

function load(text: string) {
  const { policy, diagnostics } = parsePolicy(text, { file: "g.heed" });
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return policy!;
}

describe("the stage graph", () => {
  it("draws a policy without stages as its one implicit stage", () => {
    const policy = load(`cadence "flat" {\n  channels email\n  at most 1 email per day\n}\n`);
    expect(renderGraph(policy)).toBe('stateDiagram-v2\n  %% cadence flat\n  state "active" as s0\n  [*] --> s0\n');
  });

  it("labels every trigger form as written and marks policy-wide edges", () => {
    const policy = load(`cadence "forms" {
  channels email
  start stage a {
    after 1 ignored touch move to b
    after 5 touches move to b
    after 2 business days move to b
    when total_touches >= 3 and not exists contact.role move to b
  }
  stage b { on reply where sentiment == "negative" or prefers == "email" move to a }
  final stage done
  on unsubscribe move to done
}
`);
    const graph = stageGraph(policy);
    expect(graph.edges.map((e) => `${e.from} -> ${e.to}: ${e.label}${e.policyWide ? " *" : ""}`)).toEqual([
      "a -> b: after 1 ignored touch",
      "a -> b: after 5 touches",
      "a -> b: after 2 business days",
      "a -> b: when total_touches >= 3 and not exists contact.role",
      "a -> done: on unsubscribe *",
      'b -> a: on reply where sentiment == "negative" or prefers == "email"',
      "b -> done: on unsubscribe *",
    ]);
    expect(graph.stages).toEqual([
      { name: "a", start: true, final: false },
      { name: "b", start: false, final: false },
      { name: "done", start: false, final: true },
    ]);
  });
});
