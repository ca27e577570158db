import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BIN, copyFixture, FIXTURES, heed, positionOf, workspace } from "./helpers.js";

const INBOUND = readFileSync(join(FIXTURES, "inbound.heed"), "utf8");

/** The inbound policy with three mistakes: two unknown stages and an undeclared channel. */
const BROKEN = INBOUND.replace("after 2 ignored touches move to nurture", "after 2 ignored touches move to nurtur")
  .replace("stage email-only { allow email }", "stage email-only { allow emial }")
  .replace("on purchase move to closed", "on purchase move to clsed");

/**
 * A folder that cannot be searched: a locked one, unless the tests run as
 * root (who may read anything); then /proc/1, whose `fdinfo` refuses even
 * root in a sandbox. Undefined when there is none here.
 */
const UNREADABLE = ((): { dir: string; path: string; name: string } | undefined => {
  const dir = workspace({ "ok.heed": 'cadence "ok" {\n  channels email\n}\n' });
  mkdirSync(join(dir, "locked", "inner"), { recursive: true });
  chmodSync(join(dir, "locked"), 0o000);
  const refuses = (path: string): boolean => {
    try {
      readdirSync(path);
      return false;
    } catch {
      return true;
    }
  };
  if (refuses(join(dir, "locked"))) return { dir, path: ".", name: "locked" };
  if (!refuses("/proc/1") && refuses("/proc/1/fdinfo")) return { dir, path: "/proc/1", name: "fdinfo" };
  return undefined;
})();

beforeAll(() => {
  if (!existsSync(join(BIN, "../../dist/adapters/cli/main.js"))) throw new Error("run `npm run build` before these tests");
});

describe("heed (no verb), help and usage errors", () => {
  it("lists the commands on --help with exit 0", () => {
    const run = heed(["--help"], workspace());
    expect(run.code).toBe(0);
    for (const verb of ["check", "test", "explain", "fmt", "convert", "simulate", "serve"]) expect(run.stdout).toContain(`  ${verb} `);
  });

  it("suggests the verb meant, with exit 2", () => {
    const run = heed(["chek", "a.heed"], workspace());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("heed: unknown command `chek` (did you mean `check`?)");
  });

  it("says what was expected: a missing PATH, an unknown flag, a missing path", () => {
    const dir = workspace();
    expect(heed(["check"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("heed check: expected at least one PATH") });
    expect(heed(["check", "--bogus", "x"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("heed check: unknown option `--bogus`") });
    expect(heed(["check", "nothere.heed"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("heed check: path `nothere.heed` not found") });
    expect(heed(["check", "--format", "xml", "a"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("expects one of pretty, json, github, sarif, got `xml`") });
    expect(heed(["convert", "a.heed"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("heed convert: expected `--to yaml` or `--to dsl`") });
  });

  it.skipIf(UNREADABLE === undefined)("names a folder it cannot search, with exit 2 and no stack trace", () => {
    const { dir, path, name } = UNREADABLE!;
    try {
      const run = heed(["check", path], dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`^heed check: cannot (search folder|read) \`[^\`]*${name}\`: permission denied\n`));
      expect(run.stderr).not.toContain("    at ");
    } finally {
      chmodSync(join(dir, "locked"), 0o755);
    }
  });

  it("prints each verb's help", () => {
    const run = heed(["explain", "--help"], workspace());
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("--contact FILE");
  });
});

describe("heed check", () => {
  it("passes the spec's inbound policy with exit 0", () => {
    const dir = workspace();
    copyFixture(dir, "inbound.heed", "policies/inbound.heed");
    const run = heed(["check", "policies/inbound.heed"], dir);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/checked 1 policy: /);
  });

  it("searches folders for DSL and YAML policies and leaves test files alone", () => {
    const dir = workspace({ "p/sub/b.heed.yaml": "cadence: b\nchannels: [email]\n", "p/a.heed": 'cadence "a" {\n  channels email\n}\n', "p/a.test.yaml": "not: [a, policy" });
    const run = heed(["check", "p", "--format", "json"], dir);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ version: 1 });
    const pretty = heed(["check", "p"], dir);
    expect(pretty.stdout).toContain("checked 2 policies");
  });

  it("reports a policy with three errors as exactly three github annotations at the right lines and columns", () => {
    const dir = workspace({ "broken.heed": BROKEN });
    const run = heed(["check", "broken.heed", "--format", "github"], dir);
    expect(run.code).toBe(1);
    const errors = run.stdout.split("\n").filter((line) => line.startsWith("::error "));
    expect(errors).toHaveLength(3);
    const nurtur = positionOf(BROKEN, "nurtur\n");
    const emial = positionOf(BROKEN, "emial");
    const clsed = positionOf(BROKEN, "clsed");
    const at = (p: { line: number; column: number }) => `file=broken.heed,line=${p.line},col=${p.column},`;
    expect(errors[0]).toContain(at(nurtur));
    expect(errors[0]).toContain("`nurtur`");
    expect(errors.find((e) => e.includes(at(emial)))).toContain("`emial`");
    expect(errors.find((e) => e.includes(at(clsed)))).toContain("`clsed`");
  });

  it("shows file:line:column, the message and a code frame in pretty form", () => {
    const dir = workspace({ "broken.heed": BROKEN });
    const run = heed(["check", "broken.heed"], dir);
    expect(run.code).toBe(1);
    const p = positionOf(BROKEN, "nurtur\n");
    expect(run.stdout).toContain(`broken.heed:${p.line}:${p.column}: error[`);
    expect(run.stdout).toContain(`${p.line} |     after 2 ignored touches move to nurtur\n`);
    expect(run.stdout).toMatch(/\| {37}\^{6}\n/);
    expect(run.stdout).toContain("3 errors");
    expect(run.stdout).not.toContain("\u001b[");
  });

  it("gives the same diagnostics in json and sarif", () => {
    const dir = workspace({ "broken.heed": BROKEN });
    const json = JSON.parse(heed(["check", "broken.heed", "--format", "json"], dir).stdout) as { diagnostics: { file: string; severity: string; span: { line: number } }[] };
    expect(json.diagnostics.filter((d) => d.severity === "error")).toHaveLength(3);
    expect(json.diagnostics[0]).toMatchObject({ file: "broken.heed", span: { line: positionOf(BROKEN, "nurtur\n").line } });
    const sarif = JSON.parse(heed(["check", "broken.heed", "--format", "sarif"], dir).stdout) as {
      version: string;
      runs: { tool: { driver: { name: string } }; results: { level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
    };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0]!.tool.driver.name).toBe("heed");
    const errors = sarif.runs[0]!.results.filter((r) => r.level === "error");
    expect(errors).toHaveLength(3);
    expect(errors[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe("broken.heed");
  });

  it("fails on warnings only with --strict", () => {
    const dir = workspace({ "warn.heed": 'cadence "w" {\n  channels email\n  start stage a { allow email }\n  stage lonely { allow email }\n}\n' });
    const relaxed = heed(["check", "warn.heed", "--format", "json"], dir);
    const report = JSON.parse(relaxed.stdout) as { diagnostics: { severity: string; code: string }[] };
    expect(report.diagnostics.some((d) => d.severity === "warning")).toBe(true);
    expect(report.diagnostics.some((d) => d.severity === "error")).toBe(false);
    expect(relaxed.code).toBe(0);
    expect(heed(["check", "warn.heed", "--strict"], dir).code).toBe(1);
  });

  it("uses colour on request of a terminal only: NO_COLOR keeps it off", () => {
    const dir = workspace({ "broken.heed": BROKEN });
    expect(heed(["check", "broken.heed"], dir, { NO_COLOR: "1" }).stdout).not.toContain("\u001b[");
  });
});

describe("heed test", () => {
  it("runs the cases of a test file and passes with exit 0", () => {
    const dir = workspace();
    copyFixture(dir, "inbound.heed", "policies/inbound.heed");
    copyFixture(dir, "inbound.test.yaml", "policies/inbound.test.yaml");
    const run = heed(["test", "."], dir);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("ok    a silent reader is nurtured, never calendar-invited");
    expect(run.stdout).toContain("4 cases: 4 passed, 0 failed");
    expect(run.code).toBe(0);
  });

  it("shows a failing case's expected and actual decision, the timeline and the deciding rules, with exit 1", () => {
    const dir = workspace();
    copyFixture(dir, "inbound.heed");
    const test = readFileSync(join(FIXTURES, "inbound.test.yaml"), "utf8").replace("      verdict: deny\n      stage: nurture", "      verdict: allow\n      stage: nurture");
    writeFileSync(join(dir, "inbound.test.yaml"), test);
    const run = heed(["test", "inbound.test.yaml"], dir);
    expect(run.code).toBe(1);
    const verdictAt = positionOf(test, "allow\n      stage: nurture");
    expect(run.stdout).toContain("FAIL  a silent reader is nurtured, never calendar-invited");
    expect(run.stdout).toContain(`verdict: expected \`allow\`, got \`deny\`  inbound.test.yaml:${verdictAt.line}:${verdictAt.column}`);
    expect(run.stdout).toContain("expected: allow (stage `nurture`)");
    expect(run.stdout).toContain("actual:   deny (stage `nurture`)");
    expect(run.stdout).toMatch(/timeline:\n {10}2026-03-02T15:00:00(\.000)?Z {2}prospecting {2}\(start\)\n {10}\S+ {2}prospecting → nurture {2}\(after 2 ignored touches, inbound\.heed:\d+:\d+\)/);
    expect(run.stdout).toMatch(/deciding rules:\n(.*\n)* {10}no-cold-invites: deny \[never-without\] .*inbound\.heed:\d+:\d+/);
    expect(run.stdout).toContain("4 cases: 3 passed, 1 failed");
  });

  it("reports failures as github annotations at the expectation", () => {
    const dir = workspace();
    copyFixture(dir, "inbound.heed");
    const test = readFileSync(join(FIXTURES, "inbound.test.yaml"), "utf8").replace("codes: [quiet-hours]", "codes: [at-most]");
    writeFileSync(join(dir, "inbound.test.yaml"), test);
    const run = heed(["test", "inbound.test.yaml", "--format", "github"], dir);
    expect(run.code).toBe(1);
    const p = positionOf(test, "[at-most]");
    expect(run.stdout.trimEnd().split("\n")).toEqual([
      `::error file=inbound.test.yaml,line=${p.line},col=${p.column},endLine=${p.line},endColumn=${p.column + 8},title=heed test-failed::case \`a call in quiet hours waits for the morning\` failed: codes: expected \`at-most\` among the reasons, got \`quiet-hours\``,
    ]);
  });

  it("reports a malformed test file with line and column, with exit 1", () => {
    const dir = workspace({
      "bad.test.yaml": "policy: inbound.heed\ncases:\n  - name: x\n    contact: { id: c1 }\n    at: 2026\n    touch: { channel: email }\n",
      "input.test.yaml": "policy: inbound.heed\ncases:\n  - name: a date without time\n    contact: { id: c1 }\n    at: 2026-03-03\n    touch: { channel: email }\n",
    });
    copyFixture(dir, "inbound.heed");
    const run = heed(["test", "bad.test.yaml"], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("bad.test.yaml:5:9: error[test-shape]: `at` must be the instant of the proposed touch, ISO-8601 such as `\"2026-03-12T10:00:00-04:00\"`, got `2026`");
    // Input the engine rejects fails the case, pointing at the field.
    const input = heed(["test", "input.test.yaml"], dir);
    expect(input.code).toBe(1);
    expect(input.stdout).toContain("expected a decision, got the input error `invalid-time`: `at` is not an ISO-8601 instant with an offset or `Z`: `2026-03-03`  input.test.yaml:5:9");
    const missing = workspace({ "m.test.yaml": "policy: nowhere.heed\ncases: []\n" });
    const run2 = heed(["test", "m.test.yaml", "--format", "json"], missing);
    expect(run2.code).toBe(1);
    expect(JSON.parse(run2.stdout).diagnostics[0]).toMatchObject({ code: "missing-policy", message: "policy file `nowhere.heed` not found", span: { line: 1, column: 9 } });
  });

  it("tests a policy set when `policy` lists several files", () => {
    const dir = workspace({
      "compliance.heed": 'cadence "compliance" {\n  channels email, call, sms, linkedin, calendar-invite\n  quiet hours 18:00 to 09:00\n}\n',
      "set.test.yaml": [
        "policy: [inbound.heed, compliance.heed]",
        "cases:",
        "  - name: an early email waits for the company-wide quiet hours to end",
        "    contact: { id: c1, timezone: America/New_York }",
        "    at: '2026-03-03T08:30:00-05:00'",
        "    touch: { channel: email }",
        "    expect: { verdict: defer, codes: [quiet-hours], notBefore: '2026-03-03T09:00:00-05:00' }",
        "",
      ].join("\n"),
    });
    copyFixture(dir, "inbound.heed");
    const run = heed(["test", "set.test.yaml"], dir);
    expect(run.stdout).toContain("1 case: 1 passed, 0 failed");
    expect(run.code).toBe(0);
  });

  it("lists the rules and transitions no case exercised with --coverage", () => {
    const dir = workspace();
    copyFixture(dir, "inbound.heed");
    copyFixture(dir, "inbound.test.yaml");
    const run = heed(["test", "inbound.test.yaml", "--coverage"], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("coverage of inbound.heed (`inbound-content`)");
    // Exercised by the cases: never listed as missing.
    expect(run.stdout).not.toMatch(/not exercised {2}no-cold-invites/);
    expect(run.stdout).not.toMatch(/never fired {2}prospecting: after 2 ignored touches move to nurture/);
    // Never made to deny or defer, never fired: listed.
    expect(run.stdout).toMatch(/not exercised {2}let-them-read .*inbound\.heed:\d+:\d+/);
    expect(run.stdout).toMatch(/never fired {2}nurture: after 180 days move to closed/);
    const json = JSON.parse(heed(["test", "inbound.test.yaml", "--coverage", "--format", "json"], dir).stdout) as {
      coverage: { rules: { rule: string; unmet: number }[]; transitions: { transition: string; fired: number }[] }[];
    };
    expect(json.coverage[0]!.rules.find((r) => r.rule === "no-cold-invites")!.unmet).toBeGreaterThan(0);
    expect(json.coverage[0]!.transitions.find((t) => t.transition === "any stage: on unsubscribe move to closed")!.fired).toBe(1);
  });
});

describe("heed explain", () => {
  it("prints the decision, the timeline and each rule with file:line:column", () => {
    const dir = workspace({
      "contact.json": JSON.stringify({ id: "c1", timezone: "America/New_York" }),
      "history.yaml": "- { type: touch, channel: email, at: '2026-03-03T10:00:00-05:00' }\n- { type: touch, channel: email, at: '2026-03-06T10:00:00-05:00' }\n",
    });
    copyFixture(dir, "inbound.heed");
    const run = heed(["explain", "inbound.heed", "--contact", "contact.json", "--history", "history.yaml", "--touch", "call", "--at", "2026-03-12T10:00:00-04:00"], dir);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe("decision: deny");
    expect(lines[1]).toBe("stage: nurture");
    expect(run.stdout).toMatch(/timeline:\n {2}2026-03-03T15:00:00(\.000)?Z {2}prospecting {2}\(start\)\n {2}\S+ {2}prospecting → nurture {2}\(after 2 ignored touches, inbound\.heed:\d+:\d+\)/);
    const atMost = positionOf(INBOUND, "at most 1 call per day");
    expect(run.stdout).toContain(`  policy.at-most.2             met             at most 1 \`call\` per day: met  inbound.heed:${atMost.line}:${atMost.column}\n`);
    expect(run.stdout).toMatch(/\n {2}nurture\.allow {16}deny {12}stage `nurture` allows only `email`, not `call` {2}inbound\.heed:\d+:\d+\n/);
  });

  it("lists each change of a fact the policy reads in the timeline (spec section 8.2)", () => {
    const dir = workspace({
      "p.heed": 'cadence "p" {\n  timezone from contact.timezone else "UTC"\n  channels email, call\n\n  never call when last(reply).prefers == "email"\n}\n',
      "history.json": JSON.stringify([
        { type: "reply", prefers: "email", at: "2026-03-02T10:00:00Z" },
        { type: "reply", at: "2026-03-03T10:00:00Z" },
      ]),
    });
    const run = heed(["explain", "p.heed", "--history", "history.json", "--touch", "call", "--at", "2026-03-04T10:00:00Z"], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'timeline:\n  2026-03-02T10:00:00Z  active  (start)\n  2026-03-02T10:00:00Z  last(reply).prefers is "email"\n  2026-03-03T10:00:00Z  last(reply).prefers is missing\n',
    );
    expect(run.stdout).toContain("decision: allow");
  });

  it("prints JSON with --format json, and exit 2 when a required option is missing", () => {
    const dir = workspace();
    copyFixture(dir, "inbound.heed");
    const run = heed(["explain", "inbound.heed", "--touch", "email", "--at", "2026-03-03T10:00:00-05:00", "--format", "json"], dir);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ version: 1, decision: { verdict: "allow", stage: "prospecting" } });
    expect(heed(["explain", "inbound.heed", "--touch", "email"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("expected `--at TIME`") });
  });

  it("names the offending field of bad input (exit 1) and the unreadable file (exit 2)", () => {
    const dir = workspace({ "history.json": JSON.stringify([{ type: "touch", channel: "email", at: "2026-03-03T10:00:00-05:00" }, { type: "reply", at: "yesterday" }]), "bad.json": "[{" });
    copyFixture(dir, "inbound.heed");
    const base = ["explain", "inbound.heed", "--touch", "email", "--at", "2026-03-04T10:00:00-05:00"];
    const invalid = heed([...base, "--history", "history.json"], dir);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^heed explain: invalid input: .*`history\[1\]\.at`.*`yesterday`/);
    const unreadable = heed([...base, "--history", "bad.json"], dir);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain("heed explain: `bad.json` is not valid JSON: expected property name or '}' at line 1, column 3\n");
    writeFileSync(join(dir, "typo.json"), '[\n  { "type": "touch",\n    "at": }\n]\n');
    const typo = heed([...base, "--history", "typo.json"], dir);
    expect(typo).toMatchObject({ code: 2, stderr: expect.stringContaining("heed explain: `typo.json` is not valid JSON: unexpected `}` at line 3, column 11\n") });
    expect(heed([...base, "--contact", "none.json"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("heed explain: `none.json`: no such file") });
  });

  it("reports the policy's errors with exit 1", () => {
    const dir = workspace({ "broken.heed": BROKEN });
    const run = heed(["explain", "broken.heed", "--touch", "email", "--at", "2026-03-03T10:00:00Z", "--format", "github"], dir);
    expect(run.code).toBe(1);
    expect(run.stdout.split("\n").filter((l) => l.startsWith("::error "))).toHaveLength(3);
  });
});

describe("heed fmt", () => {
  it("--check lists unformatted files with exit 1; --write fixes them; the policy is unchanged in meaning", () => {
    const messy = 'cadence "m" {\n      channels   email,call\n  start stage a {   allow email\n  }\n}\n';
    const dir = workspace({ "m.heed": messy });
    const check = heed(["fmt", "--check", "m.heed"], dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toBe("m.heed\n");
    const printed = heed(["fmt", "m.heed"], dir);
    expect(printed.code).toBe(0);
    expect(readFileSync(join(dir, "m.heed"), "utf8")).toBe(messy);
    expect(heed(["fmt", "--write", "m.heed"], dir).code).toBe(0);
    expect(readFileSync(join(dir, "m.heed"), "utf8")).toBe(printed.stdout);
    expect(heed(["fmt", "--check", "m.heed"], dir).code).toBe(0);
  });

  it("reports unformatted files as github annotations, and sends YAML to convert", () => {
    const dir = workspace({ "m.heed": 'cadence "m" {\n      channels   email\n}\n', "p.heed.yaml": "cadence: p\nchannels: [email]\n" });
    const run = heed(["fmt", "--check", "--format", "github", "m.heed"], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("::error file=m.heed,line=1,col=1,endLine=1,endColumn=1,title=heed not-formatted::`m.heed` is not formatted (run `heed fmt --write m.heed`)\n");
    expect(heed(["fmt", "p.heed.yaml"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("`p.heed.yaml` is not a `.heed` file (use `heed convert` for YAML policies)") });
  });

  it("never rewrites a file with errors, and reports them", () => {
    const broken = 'cadence "m" {\n  channels email\n  start stage a { allow email \n';
    const dir = workspace({ "b.heed": broken });
    const run = heed(["fmt", "--write", "b.heed"], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/b\.heed:\d+:\d+: error\[/);
    expect(readFileSync(join(dir, "b.heed"), "utf8")).toBe(broken);
  });

  it("formats a policy that parses but names an unknown stage (that is for `heed check`)", () => {
    const dir = workspace({ "u.heed": 'cadence "u" {\n  channels email\n  start stage a {\n     after 1 touch move to nowhere\n  }\n}\n' });
    const run = heed(["fmt", "--write", "u.heed"], dir);
    expect(run.code).toBe(0);
    expect(readFileSync(join(dir, "u.heed"), "utf8")).toContain("\n    after 1 touch move to nowhere\n");
    expect(heed(["check", "u.heed"], dir).code).toBe(1);
  });

  it("keeps the inbound policy's comments", () => {
    const dir = workspace();
    copyFixture(dir, "inbound.heed");
    const run = heed(["fmt", "inbound.heed"], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("# policies/inbound.heed");
  });
});

describe("heed convert", () => {
  it("turns the DSL into YAML and back into a policy that decides the same", () => {
    const dir = workspace();
    copyFixture(dir, "inbound.heed");
    copyFixture(dir, "inbound.test.yaml");
    const toYaml = heed(["convert", "inbound.heed", "--to", "yaml", "-o", "inbound.heed.yaml"], dir);
    expect(toYaml.code).toBe(0);
    expect(readFileSync(join(dir, "inbound.heed.yaml"), "utf8")).toContain("cadence: inbound-content");
    expect(heed(["check", "inbound.heed.yaml"], dir).code).toBe(0);
    // The test cases pass against the YAML form too.
    writeFileSync(join(dir, "yaml.test.yaml"), readFileSync(join(dir, "inbound.test.yaml"), "utf8").replace("policy: inbound.heed", "policy: inbound.heed.yaml"));
    expect(heed(["test", "yaml.test.yaml"], dir).code).toBe(0);
    const back = heed(["convert", "inbound.heed.yaml", "--to", "dsl"], dir);
    expect(back.code).toBe(0);
    expect(back.stdout).toContain('cadence "inbound-content" {');
  });

  it("reports a broken policy instead of converting it", () => {
    const dir = workspace({ "broken.heed": BROKEN });
    const run = heed(["convert", "broken.heed", "--to", "yaml"], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("broken.heed:");
  });
});
