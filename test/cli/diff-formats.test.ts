/** `heed diff --format`: notices for a pull request, SARIF warnings, and a broken policy's errors in the chosen format. */

import { describe, expect, it } from "vitest";

import { heed, workspace } from "./helpers.js";

const SMALL = (after: number) =>
  `cadence "small" {\n  timezone from contact.timezone else "UTC"\n  channels email, call\n  start stage prospecting {\n    allow email, call\n    after ${after} ignored touches move to nurture\n  }\n  stage nurture {\n    allow email\n    after 30 days move to closed\n  }\n  final stage closed\n}\n`;

describe("heed diff --format", () => {
  it("github: one notice per change on the new file; sarif: a changed-decision warning per change", () => {
    const dir = workspace({ "old.heed": SMALL(2), "new.heed": SMALL(3) });
    const github = heed(["diff", "old.heed", "new.heed", "--format", "github"], dir);
    expect(github.code).toBe(1);
    expect(github.stdout).toContain(
      "::notice file=new.heed,title=heed diff::now allows `call` where it denied, after: touch `email`, touch `email`, wait 3 days (history: touch email at 2026-01-05T10:00:00Z; touch email at 2026-01-05T10:00:00Z; touch proposed at 2026-01-08T10:00:00Z)",
    );
    const notices = github.stdout.trim().split("\n");
    const json = JSON.parse(heed(["diff", "old.heed", "new.heed", "--format", "json"], dir).stdout) as { changes: unknown[] };
    expect(notices).toHaveLength(json.changes.length);

    const sarif = JSON.parse(heed(["diff", "old.heed", "new.heed", "--format", "sarif"], dir).stdout) as {
      runs: { results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
    };
    const results = sarif.runs[0]!.results;
    expect(results).toHaveLength(json.changes.length);
    expect(results[0]).toMatchObject({ ruleId: "changed-decision", level: "warning" });
    expect(results[0]!.locations[0]!.physicalLocation).toMatchObject({ artifactLocation: { uri: "new.heed" }, region: { startLine: 1 } });
  });

  it("reports a broken policy in the chosen format, exit 2", () => {
    const dir = workspace({ "old.heed": SMALL(2), "bad.heed": SMALL(2).replace("move to nurture", "nurture") });
    const run = heed(["diff", "old.heed", "bad.heed", "--format", "github"], dir);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^::error file=bad\.heed,line=6,col=29,.*title=heed syntax::expected `move to`/m);
    const same = heed(["diff", "old.heed", "old.heed", "--format", "github"], dir);
    expect(same).toMatchObject({ code: 0, stdout: "::notice file=old.heed,title=heed diff::no difference in decisions\n" });
  });
});
