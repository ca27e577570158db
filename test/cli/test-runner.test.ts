/**
 * What users of `opa test` and vitest expect of a test runner:
 * `heed test --filter PATTERN`, JUnit XML for CI (`--format junit`), and
 * `heed fmt --diff`; and the test-file additions of spec section 7
 * (`exact: true`, `expect: { error }`, `account`).
 */

import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";

import { heed, positionOf, ROOT, workspace } from "./helpers.js";

const FAILING = `policy: inbound.heed
cases:
  - name: a first email is allowed
    contact: { id: c1, timezone: America/New_York }
    at: "2026-03-02T10:00:00-05:00"
    touch: { channel: email }
    expect: { verdict: allow }
  - name: "a call at 23:00 <is> allowed & \\"quoted\\" \\u0007"
    contact: { id: c2, timezone: America/New_York }
    at: "2026-03-02T23:00:00-05:00"
    touch: { channel: call }
    expect: { verdict: allow, stage: nurture }
`;

function examples(extra: Record<string, string> = {}): string {
  const dir = workspace(extra);
  for (const name of ["inbound.heed", "inbound.test.yaml", "compliance.heed.yaml", "compliance.test.yaml"]) copyFileSync(join(ROOT, "examples", name), join(dir, name));
  return dir;
}

function caseNames(file: string): string[] {
  return [...readFileSync(file, "utf8").matchAll(/^  - name: (.*)$/gm)].map((m) => m[1]!.replace(/^"(.*)"$/, "$1"));
}

describe("heed test --filter", () => {
  it("runs only the cases whose name matches the regular expression and says how many were left out", () => {
    const dir = examples();
    const all = [...caseNames(join(dir, "inbound.test.yaml")), ...caseNames(join(dir, "compliance.test.yaml"))];
    const matching = all.filter((name) => /quiet|negative/.test(name));
    expect(matching.length).toBeGreaterThan(1);
    const run = heed(["test", ".", "--filter", "quiet|negative"], dir);
    expect(run.code).toBe(0);
    const shown = [...run.stdout.matchAll(/^ {2}ok {4}(.*)$/gm)].map((m) => m[1]);
    expect(shown.sort()).toEqual(matching.sort());
    expect(run.stdout).toContain(`${matching.length} case${matching.length === 1 ? "" : "s"}: ${matching.length} passed, 0 failed, ${all.length - matching.length} left out by --filter`);
    const json = JSON.parse(heed(["test", ".", "--filter", "quiet|negative", "--format", "json"], dir).stdout) as { summary: { cases: number; skipped: number } };
    expect(json.summary).toMatchObject({ cases: matching.length, skipped: all.length - matching.length });
  });

  it("leaves a failing case out when it does not match, and runs it when it does", () => {
    const dir = examples({ "failing.test.yaml": FAILING });
    expect(heed(["test", "failing.test.yaml", "--filter", "^a first"], dir)).toMatchObject({ code: 0 });
    const failing = heed(["test", "failing.test.yaml", "--filter", "23:00"], dir);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain("1 case: 0 passed, 1 failed, 1 left out by --filter");
  });

  it("refuses a pattern that is no regular expression, or that matches no case (exit 2)", () => {
    const dir = examples();
    expect(heed(["test", ".", "--filter", "(quiet"], dir)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("heed test: option `--filter` expects a regular expression, got `(quiet` (unterminated group)"),
    });
    expect(heed(["test", ".", "--filter", "no such case"], dir)).toMatchObject({ code: 2, stderr: expect.stringMatching(/^heed test: no case name matches `no such case` \(\d+ cases left out\)$/m) });
  });
});

/** Cases on the example inbound policy: a call at 22:00 in New York after a call that morning is deferred by three rules. */
const SECOND_CALL = `    contact: { id: c1, timezone: America/New_York, account: acme }
    history:
      - { type: touch, channel: call, at: "2026-03-03T10:00:00-05:00" }
    at: "2026-03-03T22:00:00-05:00"
    touch: { channel: call }
`;
const EXPECTATIONS = `# yaml-language-server: $schema=../schema/heed-test.schema.json
policy: inbound.heed
cases:
  - name: three reasons, exactly and in order
${SECOND_CALL}    expect: { verdict: defer, codes: [at-most, at-least, quiet-hours], exact: true }
  - name: two of the three reasons, as a subset
${SECOND_CALL}    expect: { codes: [quiet-hours, at-most] }
  - name: two of the three reasons, exactly
${SECOND_CALL}    expect: { codes: [quiet-hours, at-most], exact: true }
  - name: a reply at no instant is refused
    contact: { id: c1 }
    history:
      - { type: reply, at: soon }
    at: "2026-03-03T10:00:00-05:00"
    touch: { channel: email }
    expect: { error: invalid-time }
  - name: a refusal expected of a good input
${SECOND_CALL}    expect: { error: invalid-time }
  - name: the account's touches go along
${SECOND_CALL}    account:
      - { type: touch, channel: call, at: "2026-03-03T09:00:00-05:00" }
    expect: { verdict: defer }
`;

describe("heed test: subset or exact reasons, expected input errors, account", () => {
  it("passes and fails each case as its expectation says, pointing at the expectation", () => {
    const dir = examples({ "expectations.test.yaml": EXPECTATIONS });
    const run = heed(["test", "expectations.test.yaml"], dir);
    expect(run.code).toBe(1);
    expect([...run.stdout.matchAll(/^ {2}(ok|FAIL) +(.*?)(?: {2}\S+:\d+:\d+)?$/gm)].map((m) => `${m[1]} ${m[2]}`)).toEqual([
      "ok three reasons, exactly and in order",
      "ok two of the three reasons, as a subset",
      "FAIL two of the three reasons, exactly",
      "ok a reply at no instant is refused",
      "FAIL a refusal expected of a good input",
      "ok the account's touches go along",
    ]);
    expect(run.stdout).toContain("6 cases: 4 passed, 2 failed");
    // Each failure points at the expectation that did not hold.
    const codes = positionOf(EXPECTATIONS, "[quiet-hours, at-most], exact");
    const error = positionOf(EXPECTATIONS, "invalid-time", EXPECTATIONS.indexOf("a refusal expected"));
    const github = heed(["test", "expectations.test.yaml", "--format", "github"], dir);
    expect(github.stdout.trimEnd().split("\n")).toEqual([
      `::error file=expectations.test.yaml,line=${codes.line},col=${codes.column},endLine=${codes.line},endColumn=${codes.column + 21},title=heed test-failed::case \`two of the three reasons, exactly\` failed: codes: expected exactly \`quiet-hours\`, \`at-most\`, in this order, got \`at-most\`, \`at-least\`, \`quiet-hours\``,
      `::error file=expectations.test.yaml,line=${error.line},col=${error.column},endLine=${error.line},endColumn=${error.column + 11},title=heed test-failed::case \`a refusal expected of a good input\` failed: expected the input error \`invalid-time\`, got a decision: defer until 2026-03-05T15:00:00Z (stage \`prospecting\`)`,
    ]);
  });

  it("reports the input error a case was refused with in JSON, where a decision would be", () => {
    const dir = examples({ "expectations.test.yaml": EXPECTATIONS });
    const run = heed(["test", "expectations.test.yaml", "--format", "json", "--filter", "refused"], dir);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { files: { cases: Record<string, unknown>[] }[] };
    expect(report.files[0]!.cases).toEqual([
      {
        name: "a reply at no instant is refused",
        line: positionOf(EXPECTATIONS, "- name: a reply").line,
        column: 5,
        passed: true,
        failures: [],
        inputError: { code: "invalid-time", field: "history[0].at", message: "`history[0].at` is not an ISO-8601 instant with an offset or `Z`: `soon`" },
      },
    ]);
  });

  it("refuses a test file the schema refuses before running any case, with line and column", () => {
    const typo = EXPECTATIONS.replace("exact: true }\n  - name: a reply", "exakt: true }\n  - name: a reply");
    const dir = examples({ "typo.test.yaml": typo });
    const run = heed(["test", "typo.test.yaml", "--format", "github"], dir);
    expect(run.code).toBe(1);
    const at = positionOf(typo, "exakt");
    expect(run.stdout.trimEnd().split("\n")).toEqual([
      `::error file=typo.test.yaml,line=${at.line},col=${at.column},endLine=${at.line},endColumn=${at.column + 4},title=heed test-shape::unknown field \`exakt\` in \`expect\` (did you mean \`exact\`?)`,
    ]);
  });
});

interface XmlNode {
  [key: string]: unknown;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: (name) => ["testsuite", "testcase", "failure", "error"].includes(name), parseAttributeValue: false, trimValues: false });

describe("heed test --format junit", () => {
  it("writes well-formed JUnit XML: a testsuite per file, a testcase per case, failures with their reasons, counts that add up", () => {
    const dir = examples({ "failing.test.yaml": FAILING, "broken.test.yaml": "policy: missing.heed\ncases: []\n" });
    const run = heed(["test", ".", "--format", "junit"], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("");
    expect(run.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(XMLValidator.validate(run.stdout)).toBe(true);

    const doc = parser.parse(run.stdout) as { testsuites: XmlNode & { testsuite: (XmlNode & { testcase: (XmlNode & { failure?: XmlNode[]; error?: XmlNode[]; skipped?: unknown })[] })[] } };
    const suites = doc.testsuites.testsuite;
    expect(suites.map((s) => s["@name"])).toEqual(["broken.test.yaml", "compliance.test.yaml", "failing.test.yaml", "inbound.test.yaml"]);
    for (const suite of suites) {
      const cases = suite.testcase;
      expect(Number(suite["@tests"]), String(suite["@name"])).toBe(cases.length);
      expect(Number(suite["@failures"])).toBe(cases.filter((c) => c.failure !== undefined).length);
      expect(Number(suite["@errors"])).toBe(cases.filter((c) => c.error !== undefined).length);
      for (const c of cases) {
        expect(c["@classname"]).toBe(suite["@name"]);
        expect(Number(c["@time"])).toBeGreaterThanOrEqual(0);
      }
    }
    const total = (key: string) => suites.reduce((sum, s) => sum + Number(s[key]), 0);
    expect(Number(doc.testsuites["@tests"])).toBe(total("@tests"));
    expect(Number(doc.testsuites["@failures"])).toBe(1);
    expect(Number(doc.testsuites["@errors"])).toBe(1);

    const inbound = suites.find((s) => s["@name"] === "inbound.test.yaml")!;
    expect(inbound.testcase.map((c) => c["@name"])).toEqual(caseNames(join(dir, "inbound.test.yaml")));
    expect(inbound.testcase.every((c) => c.failure === undefined)).toBe(true);

    const failing = suites.find((s) => s["@name"] === "failing.test.yaml")!;
    const failed = failing.testcase[1]!;
    // the hostile name survives escaping (the control character becomes U+FFFD)
    expect(failed["@name"]).toBe('a call at 23:00 <is> allowed & "quoted" \uFFFD');
    expect(failed["@line"]).toBe("8");
    const failure = failed.failure![0]!;
    expect(failure["@type"]).toBe("test-failed");
    expect(failure["@message"]).toBe("verdict: expected `allow`, got `defer`; stage: expected `nurture`, got `prospecting`");
    expect(failure["#text"]).toContain("actual:   defer until 2026-03-03T13:00:00Z (stage `prospecting`)");
    expect(failure["#text"]).toContain("policy.quiet-hours.1: defer until 2026-03-03T13:00:00Z [quiet-hours]");

    const broken = suites.find((s) => s["@name"] === "broken.test.yaml")!;
    expect(broken.testcase[0]!.error![0]).toMatchObject({ "@type": "missing-policy", "@message": "policy file `missing.heed` not found" });
  });

  it("lists the cases a filter left out as skipped", () => {
    const dir = examples();
    const xml = heed(["test", "inbound.test.yaml", "--format", "junit", "--filter", "quiet"], dir).stdout;
    expect(XMLValidator.validate(xml)).toBe(true);
    const suite = (parser.parse(xml) as { testsuites: { testsuite: (XmlNode & { testcase: XmlNode[] })[] } }).testsuites.testsuite[0]!;
    const skipped = suite.testcase.filter((c) => c["skipped"] !== undefined);
    expect(skipped.length).toBe(Number(suite["@skipped"]));
    expect(suite.testcase.length - skipped.length).toBe(caseNames(join(dir, "inbound.test.yaml")).filter((n) => /quiet/.test(n)).length);
  });

  it("the XML check can fail: a broken document is refused", () => {
    expect(XMLValidator.validate('<testsuites><testsuite name="a & b"></testsuites>')).not.toBe(true);
  });
});

describe("heed fmt --diff", () => {
  const MESSY = 'cadence "m" {\n  channels   email\n  at most 3 emails per 7 days   # keep\n}\n';

  it("prints the unified diff of what --write would change, exits 1, and the diff applies with git", () => {
    const dir = workspace({ "m.heed": MESSY });
    copyFileSync(join(ROOT, "examples", "inbound.heed"), join(dir, "inbound.heed"));
    const run = heed(["fmt", "--diff", "."], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        "--- a/m.heed",
        "+++ b/m.heed",
        "@@ -1,4 +1,5 @@",
        ' cadence "m" {',
        "-  channels   email",
        "-  at most 3 emails per 7 days   # keep",
        "+  channels email",
        "+",
        "+  at most 3 emails per 7 days # keep",
        " }",
        "",
      ].join("\n"),
    );
    expect(run.stderr).toBe("1 file not formatted\n");
    writeFileSync(join(dir, "fix.patch"), run.stdout);
    const apply = spawnSync("git", ["apply", "fix.patch"], { cwd: dir, encoding: "utf8" });
    expect(apply.stderr).toBe("");
    expect(apply.status).toBe(0);
    const written = workspace({ "m.heed": MESSY });
    expect(heed(["fmt", "--write", "m.heed"], written).code).toBe(0);
    expect(readFileSync(join(dir, "m.heed"), "utf8")).toBe(readFileSync(join(written, "m.heed"), "utf8"));
    expect(heed(["fmt", "--diff", "."], dir)).toMatchObject({ code: 0, stdout: "", stderr: "" });
  });

  it("is refused beside --write or a machine --format (exit 2)", () => {
    const dir = workspace({ "m.heed": MESSY });
    expect(heed(["fmt", "--diff", "--write", "m.heed"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("expected --diff or --write, not both") });
    expect(heed(["fmt", "--diff", "--format", "json", "m.heed"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("`--diff` prints a patch on stdout; it takes no `--format`") });
  });
});
