import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

import { BIN, heed, ROOT, workspace } from "./helpers.js";

const INBOUND = readFileSync(join(ROOT, "examples", "inbound.heed"), "utf8");

beforeAll(() => {
  if (!existsSync(join(BIN, "../../dist/adapters/cli/main.js"))) throw new Error("run `npm run build` before these tests");
});

describe("heed graph", () => {
  it("draws the inbound policy as Mermaid: start and final stages marked, triggers as labels, policy-wide transitions from every open stage", () => {
    const run = heed(["graph", "inbound.heed"], workspace({ "inbound.heed": INBOUND }));
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe("stateDiagram-v2");
    expect(lines).toContain('  state "email-only" as s3');
    expect(lines).toContain("  [*] --> s0");
    expect(lines).toContain("  s0 --> s1: after 2 ignored touches");
    // quotes (and `;`, `#`, `%`, HTML) as Mermaid's entity codes, which the drawing shows as the characters
    expect(lines).toContain("  s0 --> s4: on reply where sentiment == #34;negative#34;");
    expect(lines).toContain("  s1 --> s4: after 180 days");
    expect(lines).toContain("  s4 --> [*]");
    // `on unsubscribe` is drawn from each of the four non-final stages, never from `closed`
    expect(lines.filter((l) => l.endsWith(": on unsubscribe (policy-wide)"))).toEqual([
      "  s0 --> s4: on unsubscribe (policy-wide)",
      "  s1 --> s4: on unsubscribe (policy-wide)",
      "  s2 --> s4: on unsubscribe (policy-wide)",
      "  s3 --> s4: on unsubscribe (policy-wide)",
    ]);
  });

  it("draws Graphviz DOT with --format dot", () => {
    const run = heed(["graph", "inbound.heed", "--format", "dot"], workspace({ "inbound.heed": INBOUND }));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('digraph "inbound-content" {');
    // nodes by position, labelled with the stage: the start point cannot be mistaken for a stage
    expect(run.stdout).toContain('  s0 [label="prospecting"];');
    expect(run.stdout).toContain("  start -> s0;");
    expect(run.stdout).toContain('  s4 [label="closed", peripheries=2];');
    expect(run.stdout).toContain('  s0 -> s4 [label="on reply where sentiment == \\"negative\\""];');
    expect(run.stdout).toContain('  s2 -> s4 [label="on purchase", style=dashed];');
    expect(run.stdout.trimEnd().endsWith("}")).toBe(true);
  });

  it("reports a broken policy with exit 1 and usage errors with exit 2", () => {
    const dir = workspace({ "bad.heed": INBOUND.replace("move to nurture", "move to nurtur") });
    const bad = heed(["graph", "bad.heed"], dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("unknown stage `nurtur` (did you mean `nurture`?)");
    expect(heed(["graph"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("heed graph: expected a POLICY file") });
    expect(heed(["graph", "bad.heed", "--format", "png"], dir).code).toBe(2);
  });
});
