/**
 * Every verb that reports diagnostics speaks the four formats the same way:
 * a broken policy gives exit 1 and its error at the right line and column in
 * pretty, json, github and sarif (the last valid against SARIF 2.1.0).
 */

import { describe, expect, it } from "vitest";
import { sarifValidator } from "../support/sarif.js";

import { heed, workspace } from "./helpers.js";

const BROKEN = 'cadence "b" {\n  channels email\n  start stage a {\n    after 2 ignored touches nurture\n  }\n}\n';
const TEST_FILE =
  'policy: broken.heed\ncases:\n  - name: x\n    contact: { id: c }\n    history: []\n    at: "2026-01-05T10:00:00Z"\n    touch: { channel: email }\n    expect: { verdict: allow }\n';
const LINE = 4;
const COLUMN = 29;


const VERBS: [string, string[]][] = [
  ["check", ["check", "broken.heed"]],
  ["test", ["test", "broken.test.yaml"]],
  ["explain", ["explain", "broken.heed", "--touch", "email", "--at", "2026-01-05T10:00:00Z"]],
  ["fmt", ["fmt", "--check", "broken.heed"]],
  ["convert", ["convert", "broken.heed", "--to", "yaml"]],
  ["simulate", ["simulate", "broken.heed", "--contacts", "5", "--seed", "1"]],
];

describe("--format on every verb that reports diagnostics", () => {
  const validate = sarifValidator();

  it.each(VERBS)("heed %s: pretty, json, github and sarif name the error's line and column, exit 1", (_verb, args) => {
    const dir = workspace({ "broken.heed": BROKEN, "broken.test.yaml": TEST_FILE });

    const pretty = heed([...args, "--format", "pretty"], dir);
    expect(pretty.code).toBe(1);
    expect(pretty.stdout + pretty.stderr).toContain(`broken.heed:${LINE}:${COLUMN}: error[syntax]: expected \`move to\` after \`after 2 ignored touches\``);

    const json = heed([...args, "--format", "json"], dir);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { version: number; diagnostics: { file: string; severity: string; code: string; span: { line: number; column: number } }[] };
    expect(report.version).toBe(1);
    expect(report.diagnostics).toContainEqual(expect.objectContaining({ file: "broken.heed", severity: "error", code: "syntax", span: expect.objectContaining({ line: LINE, column: COLUMN }) }));

    const github = heed([...args, "--format", "github"], dir);
    expect(github.code).toBe(1);
    expect(github.stdout).toMatch(new RegExp(`^::error file=broken\\.heed,line=${LINE},col=${COLUMN},.*::expected \`move to\``, "m"));

    const sarif = heed([...args, "--format", "sarif"], dir);
    expect(sarif.code).toBe(1);
    const log = JSON.parse(sarif.stdout) as { runs: { results: { level: string; locations: { physicalLocation: { region: { startLine: number; startColumn: number } } }[] }[] }[] };
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const region = log.runs[0]!.results.find((r) => r.level === "error")!.locations[0]!.physicalLocation.region;
    expect(region).toMatchObject({ startLine: LINE, startColumn: COLUMN });
  }, 120_000);
});
