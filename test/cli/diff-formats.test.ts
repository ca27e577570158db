/** `heed diff --format`: notices for a pull request, SARIF warnings, and a broken policy's errors in the chosen format. */

import { describe, expect, it } from "vitest";

import { heed, workspace } from "./helpers.js";

const SMALL = (after: number) =>
  `cadence "small" {\n  timezone from contact.timezone else "UTC"\n  channels email, call\n  start stage prospecting {\n    allow email, call\n    after ${after} ignored touches move to nurture\n  }\n  stage nurture {\n    allow email\n    after 30 days move to closed\n  }\n  final stage closed\n}\n`;

describe("heed diff --format", () => {
  it("github: a warning on each changed line of NEW with the changes it causes; sarif: a changed-decision warning per change on its line", () => {
    const dir = workspace({ "old.heed": SMALL(2), "new.heed": SMALL(3) });
    const github = heed(["diff", "old.heed", "new.heed", "--format", "github"], dir);
    expect(github.code).toBe(1);
    const annotations = github.stdout.trim().split("\n");
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toMatch(
      /^::warning file=new\.heed,line=6,col=5,endLine=6,endColumn=\d+,title=heed diff::changed `after 2 ignored touches move to nurture` to `after 3 ignored touches move to nurture` in stage `prospecting`: now allows `call` where it denied, after touch `email` on Mon 2026-01-05 10:00, touch `email` on Mon 2026-01-05 10:00; `call` proposed on Thu 2026-01-08 10:00 \(history: touch email at 2026-01-05T10:00:00Z; touch email at 2026-01-05T10:00:00Z; touch proposed at 2026-01-08T10:00:00Z\)/,
    );
    const json = JSON.parse(heed(["diff", "old.heed", "new.heed", "--format", "json"], dir).stdout) as { changes: { causes: number[] }[] };
    const sarif = JSON.parse(heed(["diff", "old.heed", "new.heed", "--format", "sarif"], dir).stdout) as {
      runs: { results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
    };
    const results = sarif.runs[0]!.results;
    expect(results).toHaveLength(json.changes.reduce((n, c) => n + c.causes.length, 0));
    expect(results[0]).toMatchObject({ ruleId: "changed-decision", level: "warning" });
    expect(results[0]!.locations[0]!.physicalLocation).toMatchObject({ artifactLocation: { uri: "new.heed" }, region: { startLine: 6 } });
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
