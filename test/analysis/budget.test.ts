import { describe, expect, it } from "vitest";

import { compile } from "../../src/engine/index.js";
import { analyzePolicy, analyzeSilentContact, describeSilentContact } from "../../src/analysis/index.js";
import { parsePolicy } from "../../src/parser/index.js";

/** Issue 14, item 3: `heed check`'s analyses have a budget, and loops of `when` transitions are reported. */

function parsed(text: string) {
  const { policy, diagnostics } = parsePolicy(text, { format: "dsl", file: "big.heed" });
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return policy!;
}

const names = (prefix: string, n: number): string => Array.from({ length: n }, (_, i) => `${prefix}${i}`).join(", ");

describe("the static checks stop at their budget with `analysis-incomplete`", () => {
  it("10,000 transitions on distinct signals: the pairwise comparison stops and says where (was: minutes)", () => {
    const policy = parsed(
      `cadence "big" {\n  channels email\n  start stage a {\n${Array.from({ length: 10_000 }, (_, i) => `    on signal${i} move to b\n`).join("")}  }\n  final stage b\n}\n`,
    );
    const found = analyzePolicy(policy);
    const incomplete = found.filter((d) => d.code === "analysis-incomplete");
    expect(incomplete.map((d) => [d.severity, `${d.span?.line}:${d.span?.column}`, d.message])).toEqual([
      [
        "warning",
        "1:9",
        "the policy is too large to analyse in full (2 stages, 10,000 transitions, 0 rules, 1 channels): the checks stopped in `shadowed-transition` after 10,000,000 steps, and later warnings may be missing",
      ],
    ]);
    // the checks before it ran in full: every signal is unknown, the first 100 with a suggestion looked for
    expect(found.filter((d) => d.code === "unknown-signal").length).toBe(10_000);
  });

  it("a small budget stops early, at the same place every time", () => {
    const policy = parsed(`cadence "p" {\n  channels email\n  start stage a {\n${Array.from({ length: 50 }, (_, i) => `    on s${i} move to b\n`).join("")}  }\n  final stage b\n}\n`);
    const first = analyzePolicy(policy, { budget: 2_000 });
    expect(first.filter((d) => d.code === "analysis-incomplete").map((d) => d.message)).toEqual([
      "the policy is too large to analyse in full (2 stages, 50 transitions, 0 rules, 1 channels): the checks stopped in `unknown-signal` after 2,000 steps, and later warnings may be missing",
    ]);
    expect(analyzePolicy(policy, { budget: 2_000 })).toEqual(first);
    expect(analyzePolicy(policy).some((d) => d.code === "analysis-incomplete")).toBe(false);
  });

  it("20,000 channels and 2,000 quiet-hours rules are checked within the budget", () => {
    const channels = parsed(`cadence "wide" {\n  channels ${names("c", 20_000)}\n  never c7 when touches >= 0\n  at most 1 touches per day\n}\n`);
    expect(analyzePolicy(channels).map((d) => d.code)).toEqual(["dead-channel"]);
    const quiet = parsed(
      `cadence "quiet" {\n  timezone from contact.timezone else "UTC"\n  channels email, call\n${Array.from({ length: 2_000 }, (_, i) => `  quiet hours ${String(i % 24).padStart(2, "0")}:${String(i % 60).padStart(2, "0")} to ${String((i + 1) % 24).padStart(2, "0")}:30\n`).join("")}}\n`,
    );
    expect(analyzePolicy(quiet).map((d) => d.code)).toEqual(["always-quiet", "always-quiet"]);
  });
});

describe("the silent contact stops at its budget with `analysis-incomplete`", () => {
  it("20,000 channels: the run stops, says so in the report and in words, and warns nothing else (was: minutes)", () => {
    const policy = parsed(`cadence "wide" {\n  channels ${names("c", 20_000)}\n  at most 1 touches per day\n}\n`);
    const report = analyzeSilentContact(policy);
    expect(report.run.outOfBudget).toBe(true);
    expect(report.diagnostics.map((d) => [d.code, `${d.span?.line}:${d.span?.column}`])).toEqual([["analysis-incomplete", "1:9"]]);
    expect(report.diagnostics[0]!.message).toMatch(
      /^the policy is too large to follow a silent contact for 365 days \(0 stages, 0 transitions, 1 rules, 20,000 channels\): the run stopped after 4,000,000 steps, at 2026-01-05T09:00:00Z, with \d+ touch(es)?? sent$/,
    );
    expect(describeSilentContact(report)).toMatch(/^the policy is too large to follow a silent contact for 365 days: it got \d+ touch(es)? by 2026-01-05T09:00:00Z, when the analysis stopped$/);
  });

  it("5,000 `at most` rules: the run stops at the budget", () => {
    const policy = parsed(`cadence "rules" {\n  channels email\n${Array.from({ length: 5_000 }, (_, i) => `  at most ${(i % 1000) + 1} email per day\n`).join("")}}\n`);
    const report = analyzeSilentContact(policy);
    expect(report.diagnostics.map((d) => d.code)).toEqual(["analysis-incomplete"]);
    expect(report.steps).toBeGreaterThan(4_000_000);
  });

  it("the bundled kind of policy runs to its horizon well within the budget", () => {
    const policy = parsed(
      `cadence "small" {\n  timezone from contact.timezone else "UTC"\n  channels email, call\n  at most 1 touches per day\n  quiet hours 20:00 to 08:00\n  start stage a {\n    after 3 ignored touches move to b\n  }\n  stage b {\n    allow email\n    after 90 days move to c\n  }\n  final stage c\n}\n`,
    );
    const report = analyzeSilentContact(policy);
    expect(report.run.outOfBudget).toBe(false);
    expect(report.ended).toBe(true);
    expect(report.steps).toBeLessThan(500_000);
  });
});

describe("loops of `when` transitions are reported (was: the engine silently stopped after 64 moves)", () => {
  const warnings = (body: string) =>
    analyzePolicy(parsed(`cadence "p" {\n  channels email\n${body}}\n`))
      .filter((d) => d.code === "when-cycle")
      .map((d) => `${d.span?.line}:${d.span?.column} ${d.message}`);

  it("names the loop's stages in order, at its first transition", () => {
    const body = `  start stage a {\n    when touches >= 0 move to b\n  }\n  stage b {\n    on reply move to c\n    when touches >= 0 move to a\n  }\n  final stage c\n`;
    expect(warnings(body)).toEqual([
      "4:5 `when` transitions can move a contact round `a` → `b` → `a` at one instant without end (the engine stops after 64 moves)",
    ]);
  });

  it("a policy-wide `when` into a stage that is not final loops on itself", () => {
    const body = `  start stage a {\n    on reply move to b\n  }\n  stage b {\n    on reply move to a\n  }\n  when contact.vip == true move to b\n`;
    expect(warnings(body)).toEqual([
      "9:3 `when` transitions can move a contact round `b` → `b` at one instant without end (the engine stops after 64 moves)",
    ]);
  });

  it("three stages, two loops apart, and none into a final stage", () => {
    const body = `  start stage a {\n    when touches > 1 move to b\n  }\n  stage b {\n    when touches > 1 move to c\n  }\n  stage c {\n    when touches > 1 move to a\n    when contact.done == true move to d\n  }\n  stage d {\n    when contact.x == 1 move to d\n    on reply move to e\n  }\n  final stage e\n`;
    expect(warnings(body)).toEqual([
      "4:5 `when` transitions can move a contact round `a` → `b` → `c` → `a` at one instant without end (the engine stops after 64 moves)",
      "14:5 `when` transitions can move a contact round `d` → `d` at one instant without end (the engine stops after 64 moves)",
    ]);
    expect(warnings(`  start stage a {\n    when touches > 1 move to b\n  }\n  final stage b\n`)).toEqual([]);
  });

  it("the loop the warning names is what the engine does: 64 moves at one instant, on entry and again on each event", () => {
    const policy = parsed(`cadence "p" {\n  channels email\n  start stage a {\n    when touches >= 0 move to b\n  }\n  stage b {\n    when touches >= 0 move to a\n  }\n}\n`);
    const explained = compile(policy).explain({ contact: { id: "c" }, history: [{ type: "open", at: "2026-03-02T10:00:00Z" }], touch: { channel: "email" }, at: "2026-03-02T10:00:00Z" });
    // the start, 64 moves on entering, 64 more when the event tries the transitions again
    expect(explained.timeline.length).toBe(1 + 64 + 64);
    expect(new Set(explained.timeline.map((c) => c.at))).toEqual(new Set(["2026-03-02T10:00:00Z"]));
  });
});
