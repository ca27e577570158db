import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

import { BIN, heed, ROOT, workspace } from "./helpers.js";

const INBOUND = readFileSync(join(ROOT, "examples", "inbound.heed"), "utf8");
/** The 1-based line of the first occurrence of `needle` in the inbound example. */
const lineOf = (needle: string): number => INBOUND.slice(0, INBOUND.indexOf(needle)).split("\n").length;
const SMALL = (after: number) => `cadence "small" {
  timezone from contact.timezone else "UTC"
  channels email, call
  start stage prospecting {
    allow email, call
    after ${after} ignored touches move to nurture
  }
  stage nurture {
    allow email
    after 30 days move to closed
  }
  final stage closed
}
`;

beforeAll(() => {
  if (!existsSync(join(BIN, "../../dist/adapters/cli/main.js"))) throw new Error("run `npm run build` before these tests");
});

describe("heed diff", () => {
  it("reports `after 2` versus `after 3 ignored touches` with a counterexample and the line that changed, exit 1", () => {
    const dir = workspace({ "old.heed": SMALL(2), "new.heed": SMALL(3) });
    const run = heed(["diff", "old.heed", "new.heed"], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("from `old.heed` to `new.heed`");
    expect(run.stdout).toContain("the new policy newly allows:\n- now allows `call` where it denied, after touch `email` on Mon 2026-01-05 10:00, touch `email` on Mon 2026-01-05 10:00; `call` proposed on Thu 2026-01-08 10:00");
    expect(run.stdout).toContain("  because new.heed:6:5: changed `after 2 ignored touches move to nurture` to `after 3 ignored touches move to nurture` in stage `prospecting`");
    expect(run.stdout).toContain("edits:\n  new.heed:6:5: changed `after 2 ignored touches move to nurture` to `after 3 ignored touches move to nurture` in stage `prospecting`");
    expect(run.stdout).toMatch(/explored \d+ histories \(\d+ decisions on each policy\): every history of up to 1 event at every boundary and the minute after it, then chains of up to 5 touches each sent at the first instant OLD allows; nothing was sampled or left out/);
    expect(run.stdout).toContain("  boundaries: 3 days after each event and each stage entry; 30 days after each event and each stage entry; local midnight;");
  });

  it("reports the quiet-hours change of the inbound example on the changed line, exit 1", () => {
    const dir = workspace({ "old.heed": INBOUND, "new.heed": INBOUND.replace("quiet hours 21:00 to 08:00", "quiet hours 20:00 to 08:00") });
    const run = heed(["diff", "old.heed", "new.heed"], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("the new policy newly refuses:\n- now defers `call` where it allowed, with no history; `call` proposed on Mon 2026-01-05 20:00");
    expect(run.stdout).toContain(`  because new.heed:${lineOf("quiet hours 21:00")}:3: changed \`quiet hours 21:00 to 08:00 for call, sms\` to \`quiet hours 20:00 to 08:00 for call, sms\``);
    const github = heed(["diff", "old.heed", "new.heed", "--format", "github"], dir);
    const line = lineOf("quiet hours 21:00");
    expect(github.stdout).toContain(
      `::warning file=new.heed,line=${line},col=3,endLine=${line},endColumn=42,title=heed diff::changed \`quiet hours 21:00 to 08:00 for call, sms\` to \`quiet hours 20:00 to 08:00 for call, sms\`: now defers \`call\` where it allowed`,
    );
  });

  it("reports an edit that changes no decision as such, exit 0", () => {
    const base = INBOUND.replace("at most 3 touches per 7 days", "at most 4 touches per 7 days");
    const dir = workspace({ "old.heed": base, "new.heed": INBOUND });
    const run = heed(["diff", "old.heed", "new.heed"], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("no difference in decisions between `old.heed` and `new.heed`");
    expect(run.stdout).toContain(`  new.heed:${lineOf("at most 3 touches per 7 days")}:3: changed \`at most 4 touches per 7 days\` to \`at most 3 touches per 7 days\` (no decision changes)`);
  });

  it("reports no difference for identical policies, exit 0", () => {
    const dir = workspace({ "a.heed": INBOUND, "b.heed": INBOUND });
    const run = heed(["diff", "a.heed", "b.heed"], dir);
    expect(run).toMatchObject({ code: 0, stdout: "no difference between `a.heed` and `b.heed`: the policies are the same\n" });
  });

  it("prints JSON with --json", () => {
    const dir = workspace({ "old.heed": SMALL(2), "new.heed": SMALL(3) });
    const run = heed(["diff", "old.heed", "new.heed", "--json", "--depth", "2"], dir);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.version).toBe(1);
    expect(report.explored).toMatchObject({ depth: 2, complete: true });
    expect(report.structure[0]).toMatchObject({ kind: "changed", what: "transition", new: { span: { file: "new.heed", line: 6 } } });
    expect(report.same).toBe(false);
    expect(report.changes.some((c: { kind: string; channel?: string }) => c.kind === "verdict" && c.channel === "call")).toBe(true);
  });

  it("says what was expected on usage errors, exit 2", () => {
    const dir = workspace({ "a.heed": SMALL(2), "bad.heed": SMALL(2).replace("move to nurture", "move to nurtur") });
    expect(heed(["diff", "a.heed"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("heed diff: expected two policy files, OLD and NEW") });
    expect(heed(["diff", "a.heed", "missing.heed"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("policy file `missing.heed` not found") });
    expect(heed(["diff", "a.heed", "bad.heed"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown stage `nurtur`") });
    expect(heed(["diff", "a.heed", "a.heed", "--depth", "x"], dir).code).toBe(2);
  });
});

describe("heed diff over declarations", () => {
  const declared = (role: string) => SMALL(2).replace("  channels email, call\n", `  channels email, call\n  attributes {\n    role: ${role}\n  }\n`);

  it("reports a narrowed choice with the contact NEW refuses, on the declaration's line, in every format, exit 1", () => {
    const dir = workspace({ "old.heed": declared('"analyst" | "student"'), "new.heed": declared('"analyst"') });
    const run = heed(["diff", "old.heed", "new.heed"], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'the new policy newly refuses:\n- now refuses the contact where it allowed `email` (`invalid-attribute`: `contact.attributes.role` must be one of `"analyst"` (as the policy declares it), got `student`) for a contact with `role` "student", with no history; `email` proposed on Mon 2026-01-05 10:00',
    );
    expect(run.stdout).toContain('  because new.heed:5:5: changed `role: "analyst" | "student"` to `role: "analyst"` in `attributes`');
    expect(run.stdout).toContain('  declarations: a contact with `role` "student" (refused by NEW)');

    const json = heed(["diff", "old.heed", "new.heed", "--json"], dir);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.changes).toEqual([
      expect.objectContaining({ direction: "newly-refused", before: "allow", after: "refused (invalid-attribute)", contact: expect.objectContaining({ attributes: { role: "student" } }), causes: [0] }),
    ]);
    expect(report.structure[0]).toMatchObject({ kind: "changed", what: "declaration", new: { span: { file: "new.heed", line: 5 } } });

    const github = heed(["diff", "old.heed", "new.heed", "--format", "github"], dir);
    expect(github.code).toBe(1);
    expect(github.stdout).toMatch(/^::warning file=new\.heed,line=5,col=5,.*title=heed diff::changed `role: "analyst" \| "student"` to `role: "analyst"` in `attributes`: now refuses the contact/m);
  });

  it("reports declarations only reordered as no difference in decisions, exit 0", () => {
    const both = (first: string, second: string) => SMALL(2).replace("  channels email, call\n", `  channels email, call\n  attributes {\n    ${first}\n    ${second}\n  }\n`);
    const dir = workspace({ "old.heed": both("role: string", "score: number"), "new.heed": both("score: number", "role: string") });
    const run = heed(["diff", "old.heed", "new.heed"], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("no difference in decisions between `old.heed` and `new.heed`");
  });
});
