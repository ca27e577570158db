import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import type { Policy } from "../../src/ast.js";
import { diffPolicies } from "../../src/analysis/diff.js";
import { compile } from "../../src/engine/index.js";
import { parsePolicy } from "../../src/parser/index.js";

const root = join(import.meta.dirname, "..", "..");
const inboundText = readFileSync(join(root, "examples", "inbound.heed"), "utf8");

function load(text: string, file = "t.heed"): Policy {
  const { policy, diagnostics } = parsePolicy(text, { file });
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return policy!;
}

const small = (after: string, extra = "") => `cadence "small" {
  timezone from contact.timezone else "UTC"
  channels email, call
  start stage prospecting {
    allow email, call
    after ${after} ignored touches move to nurture
  }
  stage nurture {
    allow email
    after 30 days move to closed
  }
  final stage closed
${extra}}
`;

describe("diffPolicies", () => {
  it("reports `after 2` versus `after 3 ignored touches` with the smallest counterexample, which replays as reported", () => {
    const before = load(inboundText, "inbound.heed");
    const after = load(inboundText.replace("after 2 ignored touches move to nurture", "after 3 ignored touches move to nurture"), "inbound3.heed");
    const report = diffPolicies(before, after, { randomHistories: 50 });
    expect(report.same).toBe(false);
    const call = report.changes.find((c) => c.kind === "verdict" && c.channel === "call" && c.before === "deny");
    expect(call?.message).toBe("now allows `call` where it denied, after: touch `email`, touch `email`, wait 3 days");
    const stage = report.changes.find((c) => c.kind === "stage" && c.before === "nurture");
    expect(stage?.message).toBe("now puts the contact in `prospecting` where it was in `nurture`, after: touch `email`, touch `email`, wait 3 days");
    // the counterexample is real: both engines decide as the report says
    const input = { contact: { id: "diff-contact", timezone: "America/New_York" }, history: call!.history, touch: { channel: "call" }, at: call!.at };
    expect(compile(before).evaluate(input)).toMatchObject({ verdict: "deny", stage: "nurture" });
    expect(compile(after).evaluate(input)).toMatchObject({ verdict: "allow", stage: "prospecting" });
  }, 120_000);

  it("finds no difference between identical policies", () => {
    const a = load(inboundText, "a.heed");
    const b = load(`# the same policy, reformatted\n${inboundText}`, "b.heed");
    expect(diffPolicies(a, b)).toMatchObject({ same: true, changes: [] });
  });

  it("finds no difference between policies written differently that decide alike", () => {
    const a = load(small("2", "  at most 1 call per day\n  at most 3 touches per 7 days\n"));
    const b = load(small("2", "  at most 3 touches per 7 days\n  rule one-call: at most 1 call per day\n"));
    const report = diffPolicies(a, b, { randomHistories: 100 });
    expect(report.changes).toEqual([]);
    expect(report.explored.exhaustive).toBeGreaterThan(500);
    expect(report.explored.depth).toBe(3);
  });

  it("is deterministic for a seed", () => {
    const a = load(small("1"));
    const b = load(small("2"));
    const first = diffPolicies(a, b, { depth: 2, randomHistories: 50, seed: 7 });
    expect(diffPolicies(a, b, { depth: 2, randomHistories: 50, seed: 7 })).toEqual(first);
    expect(first.changes.map((c) => c.message)).toContain("now allows `call` where it denied, after: touch `email`, wait 3 days");
  });
});

describe("diffPolicies with attributes, touch props and tags", () => {
  it("finds a change that only shows for a contact attribute the policies test", () => {
    const a = load(small("2", '  never call when contact.role == "analyst"\n'));
    const b = load(small("2", '  never call when contact.role == "student"\n'));
    const report = diffPolicies(a, b, { depth: 2, randomHistories: 20 });
    expect(report.changes.map((c) => c.message)).toContain('now allows `call` where it denied for a contact with `role` "analyst", after: touch `email`');
  });

  it("finds a change that only shows for a tagged touch", () => {
    const a = load(small("2"));
    const b = load(small("2", '  never any tagged "meeting-ask" when total_touches == 0\n'));
    const report = diffPolicies(a, b, { depth: 2, randomHistories: 20 });
    const change = report.changes.find((c) => c.variant?.touch?.tags !== undefined && c.channel === "email");
    expect(change?.message).toBe('now denies `email` where it allowed for a touch tagged "meeting-ask", after: `reply`');
  });
});
