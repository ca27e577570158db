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

describe("heed diff on holiday calendars and limits across an account", () => {
  const FLORIDA = (fallback: string) =>
    `cadence "fl" {\n  applies when contact.state == "FL"\n  timezone from contact.timezone else "America/New_York"\n  channels email, call\n  holidays from contact.country else "${fallback}"\n\n  attributes {\n    state: string\n    country: string\n  }\n\n  rule no-calls-on-holidays: only business days for call\n}\n`;
  const TEAM = (cap: number) =>
    `cadence "team" {\n  timezone from contact.timezone else "UTC"\n  channels email, call\n  at most 1 touches per week\n  at most ${cap} touches per week across account\n}\n`;

  it("a fallback region changed: the holiday the regions do not share, on the line of `holidays from`, in every format", () => {
    const dir = workspace({ "old.heed": FLORIDA("US"), "new.heed": FLORIDA("GB") });
    const pretty = heed(["diff", "old.heed", "new.heed"], dir);
    expect(pretty.code).toBe(1);
    expect(pretty.stdout).toContain('because new.heed:5:3: changed `holidays from contact.country else "US"` to `holidays from contact.country else "GB"`');
    expect(pretty.stdout).toContain("the public holidays of `DE`, `GB`, `US` (the days they part on, each from the day before)");
    expect(pretty.stdout).toMatch(/10:00 local the day before each day that is a business day under one policy only \(2026-01-19, 2026-02-16, [^)]*\), for a contact with `state` "FL"/);
    const json = JSON.parse(heed(["diff", "old.heed", "new.heed", "--json"], dir).stdout) as {
      changes: { message: string; contact: { attributes?: Record<string, string> }; at: string; before: string; after: string }[];
    };
    // Martin Luther King Jr. Day (US), 2026-01-19: a call is deferred under the US calendar, allowed under Great Britain's
    expect(json.changes.some((c) => c.at.startsWith("2026-01-19") && c.before === "defer" && c.after === "allow" && c.contact.attributes?.state === "FL")).toBe(true);
    const github = heed(["diff", "old.heed", "new.heed", "--format", "github"], dir);
    expect(github.stdout).toMatch(/^::warning file=new\.heed,line=5,col=3,.*title=heed diff::changed `holidays from contact\.country else "US"`/m);
    const sarif = JSON.parse(heed(["diff", "old.heed", "new.heed", "--format", "sarif"], dir).stdout) as { runs: { results: { locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
    expect(sarif.runs[0]!.results.length).toBeGreaterThan(0);
    for (const r of sarif.runs[0]!.results) expect(r.locations[0]!.physicalLocation.region.startLine).toBe(5);
  });

  it("an account-wide cap changed: the counterexample names the touches to the account's other contacts", () => {
    const dir = workspace({ "old.heed": TEAM(2), "new.heed": TEAM(3) });
    const pretty = heed(["diff", "old.heed", "new.heed"], dir);
    expect(pretty.code).toBe(1);
    expect(pretty.stdout).toMatch(/now allows `\w+` where it deferred, after touch `\w+` to another contact of the account on Mon 2026-01-05 10:00, touch `\w+` to another contact of the account on Mon 2026-01-05 10:00;/);
    expect(pretty.stdout).toMatch(/ {2}account \(touches to the account's other contacts\): touch \w+ at 2026-01-05T10:00:00Z; touch \w+ at 2026-01-05T10:00:00Z/);
    expect(pretty.stdout).toContain("because new.heed:5:3: changed `at most 2 touches per week across account` to `at most 3 touches per week across account`");
    const json = JSON.parse(heed(["diff", "old.heed", "new.heed", "--json"], dir).stdout) as { changes: { account?: { type: string; at: string }[] }[]; explored: { account: boolean } };
    expect(json.explored.account).toBe(true);
    expect(json.changes[0]!.account).toHaveLength(2);
  });
});
