/**
 * The GitHub Action (`action.yml`), run here as GitHub's runner would run it
 * on a pull request: a temporary git repository whose base branch holds the
 * examples and whose head commit changes a policy and adds one; the steps'
 * commands executed with their `${{ }}` expressions evaluated, a fake
 * `GITHUB_STEP_SUMMARY` and `GITHUB_OUTPUT`; the upload steps checked to
 * point at valid SARIF of their category.
 */

import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { XMLValidator } from "fast-xml-parser";
import { beforeAll, describe, expect, it } from "vitest";

import { runCompositeAction, type StepRun } from "../support/actions.js";
import { githubIngestionProblems, sarifValidator } from "../support/sarif.js";

const ROOT = resolve(import.meta.dirname, "..", "..");

function git(args: string[], cwd: string): string {
  const run = spawnSync("git", ["-c", "user.name=Heed tests", "-c", "user.email=tests@heed.invalid", "-c", "init.defaultBranch=main", ...args], { cwd, encoding: "utf8" });
  expect(run.status, `git ${args.join(" ")}: ${run.stderr}`).toBe(0);
  return run.stdout;
}

/** A repository with the examples on `main` and a pull request branch that changes and adds policies. */
function pullRequest(change: (policies: string) => void): string {
  const repo = realpathSync(mkdtempSync(join(tmpdir(), "heed-action-repo-")));
  const policies = join(repo, "policies");
  mkdirSync(policies);
  for (const name of readdirSync(join(ROOT, "examples"))) cpSync(join(ROOT, "examples", name), join(policies, name));
  writeFileSync(join(repo, "README.md"), "policies\n");
  git(["init", "-q"], repo);
  git(["add", "."], repo);
  git(["commit", "-q", "-m", "policies"], repo);
  git(["checkout", "-q", "-b", "feature"], repo);
  change(policies);
  git(["add", "."], repo);
  git(["commit", "-q", "-m", "change the policies"], repo);
  return repo;
}

function runAction(repo: string, inputs: Record<string, string>) {
  const runnerTemp = realpathSync(mkdtempSync(join(tmpdir(), "heed-action-runner-")));
  const summaryFile = join(runnerTemp, "step-summary.md");
  writeFileSync(summaryFile, "");
  const result = runCompositeAction({
    actionPath: ROOT,
    inputs,
    github: { workspace: repo, base_ref: "main", event_name: "pull_request" },
    runnerTemp,
    summaryFile,
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", NO_COLOR: "1" },
  });
  return { ...result, summary: readFileSync(summaryFile, "utf8"), runnerTemp };
}

const uploads = (steps: StepRun[]) => steps.filter((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"));

describe("the GitHub Action on a pull request that changes a policy", () => {
  const validate = sarifValidator();
  let repo: string;
  let run: ReturnType<typeof runAction>;

  beforeAll(() => {
    repo = pullRequest((policies) => {
      const inbound = join(policies, "inbound.heed");
      writeFileSync(inbound, readFileSync(inbound, "utf8").replace("at most 3 touches per 7 days", "at most 3 touches per 8 days"));
      writeFileSync(join(policies, "webinar.heed"), 'cadence "webinar" {\n  timezone from contact.timezone else "UTC"\n  channels email\n  start stage invited {\n    allow email\n    at most 1 email per 3 days\n    after 2 ignored touches move to closed\n  }\n  final stage closed\n}\n');
    });
    run = runAction(repo, { paths: "policies", junit: "reports/heed-junit.xml" });
  }, 600_000);

  it("runs its command step, which passes (no errors, every test passes) and sets the outputs", () => {
    const step = run.steps.find((s) => s.id === "heed")!;
    expect(step.stderr).toBe("");
    expect(step.exitCode).toBe(0);
    expect(run.outputs).toEqual({ "sarif-dir": join(run.runnerTemp, "heed-sarif"), "changed-policies": "1", failed: "false" });
    // the workflow annotations on stdout, with paths from the repository root
    expect(step.stdout).toMatch(/^::notice file=policies\/inbound\.heed,title=heed silent contact::a silent contact gets /m);
    expect(step.stdout).toMatch(/^::warning file=policies\/inbound\.heed,line=57,col=3,endLine=57,endColumn=30,title=heed diff::changed `at most 3 touches per 7 days` to `at most 3 touches per 8 days`: now defers `email` /m);
  });

  it("writes a job summary with the checks, the tests, the silent contact of each policy and the behavioural changes", () => {
    const s = run.summary;
    expect(s.startsWith("## Heed: cadence policies\n")).toBe(true);
    expect(s).toContain("✅ 19 policies checked: 0 errors, 0 warnings");
    expect(s).toMatch(/✅ (\d+) test cases: \1 passed, 0 failed/);
    expect(s).toContain("2 policies changed against `main`, 1 of them deciding differently");
    expect(s).toContain("### A contact who never answers");
    expect(s).toContain("| `policies/inbound.heed` | a silent contact gets 3 emails over 5 days in `prospecting`, then 12 emails over 180 days in `nurture`, and ends in `closed` after 185 days |");
    expect(s).toContain("| `policies/webinar.heed` | a silent contact gets 2 emails over ");
    const changes = s.slice(s.indexOf("### Behavioural changes"));
    expect(changes).toContain("#### `policies/inbound.heed`\n\n- now defers `");
    expect(changes).toMatch(/^- now defers `email` longer \(until \S+ where it deferred until \S+\), after touch `call` on .+; `email` proposed on .+ \(touch proposed at \S+\)$/m);
    expect(changes).toContain("#### `policies/webinar.heed` (new)\n\nA new policy: nothing to compare with.");
    // each kind of change heed diff finds, one line each
    const listed = changes.slice(changes.indexOf("#### `policies/inbound.heed`"), changes.indexOf("#### `policies/webinar.heed`")).split("\n").filter((l) => l.startsWith("- now "));
    expect(listed.length).toBe(2);
    expect(s).not.toContain("### Problems");
    expect(s).not.toContain("### Failing policy tests");
  });

  it("uploads check, test and diff SARIF, each valid, of its own category, with paths from the repository root", () => {
    const steps = uploads(run.steps);
    expect(steps.map((s) => [s.ran, s.with?.["category"]])).toEqual([
      [true, "heed-check"],
      [true, "heed-test"],
      [true, "heed-diff"],
    ]);
    for (const step of steps) {
      const log = JSON.parse(readFileSync(step.with!["sarif_file"]!, "utf8")) as { runs: { automationDetails: { id: string }; results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
      expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
      expect(githubIngestionProblems(log, [repo])).toEqual([]);
      expect(log.runs[0]!.automationDetails.id).toBe(`heed/${step.with!["category"]!.replace("heed-", "")}/`);
    }
    const diff = JSON.parse(readFileSync(steps[2]!.with!["sarif_file"]!, "utf8")) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(diff.runs[0]!.results).toHaveLength(2);
    expect(new Set(diff.runs[0]!.results.map((r) => `${r.ruleId} ${r.locations[0]!.physicalLocation.artifactLocation.uri}`))).toEqual(new Set(["changed-decision policies/inbound.heed"]));
  });

  it("writes the tests' JUnit XML where asked", () => {
    const xml = readFileSync(join(repo, "reports", "heed-junit.xml"), "utf8");
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toMatch(/<testsuites name="heed test" tests="\d+" failures="0" errors="0"/);
  });
});

describe("the GitHub Action on a pull request that breaks a policy and a test", () => {
  it("fails its step, still uploads the SARIF, and lists the problems and failing tests in the summary", () => {
    const repo = pullRequest((policies) => {
      for (const name of readdirSync(policies)) if (!name.startsWith("inbound")) rmSync(join(policies, name));
      const inbound = join(policies, "inbound.heed");
      writeFileSync(inbound, readFileSync(inbound, "utf8").replace("after 2 ignored touches move to nurture", "after 2 ignored touches move to nurtur"));
      const tests = join(policies, "inbound-yaml.test.yaml");
      writeFileSync(tests, readFileSync(tests, "utf8").replace(/verdict: deny/, "verdict: allow"));
    });
    const run = runAction(repo, { paths: "policies" });
    const step = run.steps.find((s) => s.id === "heed")!;
    expect(step.exitCode).toBe(1);
    expect(run.outputs["failed"]).toBe("true");
    expect(uploads(run.steps).map((s) => s.ran)).toEqual([true, true, true]);
    const s = run.summary;
    expect(s).toContain("❌ 2 policies checked: 1 error, 0 warnings");
    expect(s).toContain("### Problems");
    expect(s).toMatch(/\| error \| `policies\/inbound\.heed:\d+:\d+` \| `unknown-stage` \| unknown stage `nurtur` \(did you mean `nurture`\?\) \|/);
    expect(s).toContain("### Failing policy tests");
    expect(s).toMatch(/- `policies\/inbound-yaml\.test\.yaml:\d+` .+: verdict: expected `allow`, got `deny`/);
    expect(s).toContain("#### `policies/inbound.heed`\n\nOne of the two versions has errors (see the problems above), so they were not compared.");
  }, 600_000);
});
