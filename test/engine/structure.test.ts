import { describe, expect, it } from "vitest";

import { policyStructure } from "../../src/engine/index.js";
import { parsePolicy } from "../../src/parser/index.js";

const TEXT = `cadence "s" {
  channels email, call
  start stage a {
    allow email
    after 2 ignored touches move to b
    on reply move to c
  }
  stage b { at most 1 email per day }
  final stage c
  on unsubscribe move to c
  never call after unsubscribe
}
`;

describe("policyStructure: the compiled machine as tools read it", () => {
  const { policy } = parsePolicy(TEXT, { file: "s.heed" });
  const machine = policyStructure(policy!);

  it("lists, per stage, the transitions the engine tries, in order: its own, then the policy-wide ones; none from a final stage", () => {
    expect(machine.stages.map((s) => [s.name, s.transitions.map((t) => `${t.cause} -> ${t.target}`), s.own])).toEqual([
      ["a", ["after 2 ignored touches -> b", "on reply -> c", "on unsubscribe -> c"], 2],
      ["b", ["on unsubscribe -> c"], 0],
      ["c", [], 0],
    ]);
    expect(machine.stage("a")?.start).toBe(true);
    expect(machine.stage("c")?.final).toBe(true);
  });

  it("lists the channels each stage allows and the rules in force there, with their kinds", () => {
    expect(machine.stages.map((s) => [s.name, s.allowed, s.rules.map((r) => `${r.ir.id} ${r.kind.kind}`)])).toEqual([
      ["a", ["email"], ["policy.never-after.1 never-after"]],
      ["b", ["email", "call"], ["b.at-most.1 at-most", "policy.never-after.1 never-after"]],
      ["c", [], ["policy.never-after.1 never-after"]],
    ]);
    expect(machine.rules.map((r) => r.facts)).toEqual([
      { signals: [], durations: [{ amount: 1, unit: "days" }], conditions: [], tag: null },
      { signals: [{ type: "unsubscribe", where: null }], durations: [], conditions: [], tag: null },
    ]);
    expect(machine.stage("b")?.nameSpan).toMatchObject({ line: 8, column: 9 });
  });

  it("describes the implicit stage `active` of a policy without stages", () => {
    const { policy: flat } = parsePolicy('cadence "f" {\n  channels email\n}\n', { file: "f.heed" });
    const m = policyStructure(flat!);
    expect(m.stages.map((s) => [s.name, s.implicit, s.start, s.allowed])).toEqual([["active", true, true, ["email"]]]);
  });
});
