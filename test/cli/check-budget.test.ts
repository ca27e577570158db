/**
 * `heed check` on policies too large to analyse in full: it stops at the
 * analyses' budgets, says so, and exits like any run with warnings.
 */

import { describe, expect, it } from "vitest";

import { heed, workspace } from "./helpers.js";

describe("heed check on a policy too large to analyse in full", () => {
  const channels = Array.from({ length: 20_000 }, (_, i) => `c${i}`).join(", ");
  // each signal named in two stages (each is still reported unknown, spec section 8.1: the report runs to megabytes)
  const transitions = Array.from({ length: 5_000 }, (_, i) => `    on signal${i} move to b\n`).join("");
  const dir = workspace({
    "wide.heed": `cadence "wide" {\n  channels ${channels}\n  at most 1 touches per day\n}\n`,
    "long.heed": `cadence "long" {\n  channels email\n  at most 1 touches per day\n  start stage a {\n${transitions}  }\n  stage c {\n${transitions}  }\n  final stage b\n}\n`,
  });

  it("prints `analysis-incomplete` for each analysis it cut short, and exits 0 (1 with --strict)", () => {
    const run = heed(["check", "--format", "json", "wide.heed", "long.heed"], dir);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      diagnostics: { file: string; code: string; message: string; span?: { line: number } }[];
      silentContacts: { file: string; outOfBudget: boolean; summary: string }[];
    };
    const incomplete = report.diagnostics.filter((d) => d.code === "analysis-incomplete");
    expect(incomplete.map((d) => [d.file, d.span?.line, d.message.replace(/\d[\d,]* touch(es)? sent$/, "N sent").replace(/at [0-9T:-]+Z/, "at T").replace(/\(\d{2,} contacts driven\)/, "(N contacts driven)")])).toEqual([
      ["long.heed", 1, "the policy is too large to analyse in full (3 stages, 10,000 transitions, 1 rules, 1 channels): the checks stopped in `shadowed-transition` after 10,000,000 steps, and later warnings may be missing"],
      // 5,001 signal patterns (none, or each signal after every touch) to drive, and 20,000 channels to ask at every instant
      ["long.heed", 1, "the policy is too large to bound in full: the pursuit bounds stopped after 1,000,000 steps (N contacts driven), and the bounds shown are the most found so far"],
      ["long.heed", 1, "the policy is too large to follow a silent contact for 365 days (3 stages, 10,000 transitions, 1 rules, 1 channels): the run stopped after 4,000,000 steps, at T, with N sent"],
      ["wide.heed", 1, "the policy is too large to bound in full: the pursuit bounds stopped after 1,000,000 steps (0 contacts driven), and the bounds shown are the most found so far"],
      ["wide.heed", 1, "the policy is too large to follow a silent contact for 365 days (0 stages, 0 transitions, 1 rules, 20,000 channels): the run stopped after 4,000,000 steps, at T, with N sent"],
    ]);
    expect(report.silentContacts.map((s) => [s.file, s.outOfBudget])).toEqual([
      ["wide.heed", true],
      ["long.heed", true],
    ]);
    expect(heed(["check", "--strict", "wide.heed"], dir).code).toBe(1);
  });

  it("says in the pretty report where the silent contact was left", () => {
    const run = heed(["check", "wide.heed"], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/warning\[analysis-incomplete\]|analysis-incomplete/);
    expect(run.stdout).toMatch(/wide\.heed: the policy is too large to follow a silent contact for 365 days: it got \d+ touch(es)? by 2026-01-05T09:00:00Z, when the analysis stopped/);
  });
});
