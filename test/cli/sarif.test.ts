/**
 * The SARIF of `heed check`, `heed test` and `heed diff`, as code scanning
 * ingests it: valid against the SARIF 2.1.0 schema, every rule with its help
 * and a link into the language reference, every location relative to the
 * repository root (`%SRCROOT%`, found from git or `--root`), no absolute
 * path; and clean under Microsoft's SARIF multitool with the GitHub rules.
 * `--format github` names files the same way.
 */

import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

import { sarifLog } from "../../src/adapters/report/sarif.js";
import { githubIngestionProblems, multitoolFindings, sarifValidator, writeLog } from "../support/sarif.js";
import { heed, ROOT, workspace } from "./helpers.js";

interface Log {
  runs: {
    tool: { driver: { name: string; semanticVersion: string; informationUri: string; rules: { id: string; helpUri: string; help: { text: string; markdown: string } }[] } };
    automationDetails?: { id: string };
    originalUriBaseIds?: Record<string, { uri: string }>;
    results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number } } }[] }[];
  }[];
}

const WARNINGS = `cadence "warned" {
  timezone from contact.timezone else "UTC"
  channels email, call
  start stage prospecting {
    allow email, call
    on replied move to engaged
  }
  stage engaged { allow email }
  stage orphan { allow email }
}
`;
const BROKEN = 'cadence "broken" {\n  channels email\n  start stage a {\n    after 2 ignored touches move to nurtur\n  }\n}\n';
const FAILING_TEST = `policy: inbound.heed
cases:
  - name: a first email is allowed
    contact: { id: c1, timezone: America/New_York }
    at: "2026-03-02T10:00:00-05:00"
    touch: { channel: email }
    expect: { verdict: allow }
  - name: a call at night is allowed (it is not)
    contact: { id: c2, timezone: America/New_York }
    at: "2026-03-02T23:00:00-05:00"
    touch: { channel: call }
    expect: { verdict: allow }
`;

function git(args: string[], cwd: string): void {
  const run = spawnSync("git", args, { cwd, encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
}

function parse(text: string): Log {
  return JSON.parse(text) as Log;
}

describe("SARIF for code scanning", () => {
  const validate = sarifValidator();
  const language = readFileSync(join(ROOT, "docs", "language.md"), "utf8");
  let repo: string;
  let policies: string;
  const logs: Record<"check" | "test" | "diff", Log> = {} as Record<"check" | "test" | "diff", Log>;

  beforeAll(() => {
    repo = realpathSync(workspace());
    policies = join(repo, "policies");
    mkdirSync(join(policies, "base"), { recursive: true });
    for (const name of readdirSync(join(ROOT, "examples"))) cpSync(join(ROOT, "examples", name), join(policies, name));
    writeFileSync(join(policies, "warned.heed"), WARNINGS);
    writeFileSync(join(policies, "broken.heed"), BROKEN);
    writeFileSync(join(policies, "failing.test.yaml"), FAILING_TEST);
    const inbound = readFileSync(join(policies, "inbound.heed"), "utf8");
    writeFileSync(join(policies, "base", "inbound.heed"), inbound.replace("at most 3 touches per 7 days", "at most 2 touches per 7 days"));
    git(["init", "-q"], repo);
    // run from the policies' folder: the root comes from git, not from where heed ran
    const check = heed(["check", ".", "--format", "sarif"], policies);
    expect(check.code).toBe(1);
    logs.check = parse(check.stdout);
    const test = heed(["test", ".", "--coverage", "--format", "sarif"], policies);
    expect(test.code).toBe(1);
    logs.test = parse(test.stdout);
    const diff = heed(["diff", "base/inbound.heed", "inbound.heed", "--format", "sarif"], policies);
    expect(diff.code).toBe(1);
    logs.diff = parse(diff.stdout);
  }, 300_000);

  it.each(["check", "test", "diff"] as const)("heed %s: valid SARIF 2.1.0 with nothing GitHub's ingestion would refuse", (verb) => {
    const log = logs[verb];
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(githubIngestionProblems(log, [repo, tmpdir()])).toEqual([]);
    const run = log.runs[0]!;
    expect(run.results.length).toBeGreaterThan(0);
    expect(run.automationDetails).toEqual({ id: `heed/${verb}/` });
    expect(run.originalUriBaseIds).toEqual({ "%SRCROOT%": { uri: pathToFileURL(`${repo}/`).href, description: expect.any(Object) } });
    expect(run.tool.driver).toMatchObject({ name: "heed", semanticVersion: expect.stringMatching(/^\d+\.\d+\.\d+/), informationUri: expect.stringMatching(/^https:\/\//) });
  });

  it("locates results relative to the repository root, whatever folder heed ran in", () => {
    const uris = (log: Log) => [...new Set(log.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri))].sort();
    expect(uris(logs.check)).toEqual(["policies/broken.heed", "policies/warned.heed"]);
    expect(uris(logs.test)).toEqual(expect.arrayContaining(["policies/failing.test.yaml", "policies/inbound.heed"]));
    expect(uris(logs.diff)).toEqual(["policies/inbound.heed"]);
    const codes = (log: Log) => [...new Set(log.runs[0]!.results.map((r) => r.ruleId))].sort();
    expect(codes(logs.check)).toEqual(["no-way-out", "unbounded-pursuit", "unknown-signal", "unknown-stage", "unreachable-stage"]);
    expect(codes(logs.test)).toEqual(expect.arrayContaining(["test-failed", "rule-not-exercised"]));
    expect(codes(logs.diff)).toEqual(["changed-decision"]);
  });

  it("gives every rule the catalogue's help, with an example fix and a link to the code's row in docs/language.md", () => {
    for (const log of Object.values(logs)) {
      for (const rule of log.runs[0]!.tool.driver.rules) {
        expect(rule.help.text, rule.id).not.toContain("A diagnostic of Heed with the code");
        expect(rule.help.markdown, rule.id).toMatch(/\*\*Fix:\*\* .+\n\n\*\*Example\*\*\n\n```/);
        const anchor = new URL(rule.helpUri).hash.slice(1);
        expect(anchor).toBe(`code-${rule.id}`);
        expect(language).toContain(`<a id="${anchor}"></a>\`${rule.id}\``);
      }
    }
  });

  it("passes Microsoft's SARIF multitool (SARIF and GitHub rules) with no error or warning", () => {
    const files = (["check", "test", "diff"] as const).map((verb) => writeLog(join(repo, `${verb}.sarif`), logs[verb]));
    const findings = multitoolFindings(files, join(repo, "validation.sarif"));
    expect(findings.filter((f) => f.level === "error" || f.level === "warning")).toEqual([]);
  });

  it("the checks can fail: a log with bare paths and rules without help is refused by both", () => {
    const bare = sarifLog([{ severity: "warning", code: "no-way-out", message: "m", span: { file: join(repo, "x.heed"), line: 1, column: 1, endLine: 1, endColumn: 2 } }]) as unknown as Log;
    delete (bare.runs[0]!.tool.driver.rules[0] as { help?: unknown }).help;
    const problems = githubIngestionProblems(bare, [repo]);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining("no help.text"),
        expect.stringContaining("is not relative to the repository"),
        expect.stringContaining("has no declared uriBaseId"),
        expect.stringContaining("an absolute path"),
      ]),
    );
    const findings = multitoolFindings([writeLog(join(repo, "bare.sarif"), bare)], join(repo, "bare-validation.sarif"));
    expect(findings.map((f) => `${f.level} ${f.rule}`)).toEqual(expect.arrayContaining(["error GH2012", "error SARIF1004"]));
  });

  it("`--root` sets the root; outside a git work tree it is the current folder", () => {
    const viaRoot = parse(heed(["check", "broken.heed", "--format", "sarif", "--root", ".."], policies).stdout);
    expect(viaRoot.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: "policies/broken.heed", uriBaseId: "%SRCROOT%" });
    const plain = realpathSync(workspace({ "sub/broken.heed": BROKEN }));
    const log = parse(heed(["check", "sub/broken.heed", "--format", "sarif"], plain).stdout);
    expect(log.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: "sub/broken.heed", uriBaseId: "%SRCROOT%" });
    expect(log.runs[0]!.originalUriBaseIds!["%SRCROOT%"]!.uri).toBe(pathToFileURL(`${plain}/`).href);
  });

  it("`--format github` names files relative to the same root", () => {
    const check = heed(["check", ".", "--format", "github"], policies);
    const files = [...new Set([...check.stdout.matchAll(/^::\w+ file=([^,:]+)/gm)].map((m) => m[1]))].sort();
    expect(files).toContain("policies/broken.heed");
    expect(files).toContain("policies/warned.heed");
    expect(files.every((f) => f!.startsWith("policies/"))).toBe(true);
    expect(check.stdout).toMatch(/^::error file=policies\/broken\.heed,line=4,col=37,.*title=heed unknown-stage::unknown stage `nurtur`/m);
    const diff = heed(["diff", "base/inbound.heed", "inbound.heed", "--format", "github"], policies);
    const inbound = readFileSync(join(policies, "inbound.heed"), "utf8");
    const line = inbound.slice(0, inbound.indexOf("at most 3 touches per 7 days")).split("\n").length;
    expect(diff.stdout).toContain(
      `::warning file=policies/inbound.heed,line=${line},col=3,endLine=${line},endColumn=30,title=heed diff::changed \`at most 2 touches per 7 days\` to \`at most 3 touches per 7 days\`: now allows `,
    );
    const test = heed(["test", "failing.test.yaml", "--format", "github"], policies);
    expect(test.stdout).toMatch(/^::error file=policies\/failing\.test\.yaml,line=\d+,.*title=heed test-failed::case `a call at night is allowed \(it is not\)` failed/m);
  });
});
