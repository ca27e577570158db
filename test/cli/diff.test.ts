import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

import { BIN, heed, ROOT, workspace } from "./helpers.js";

const INBOUND = readFileSync(join(ROOT, "examples", "inbound.heed"), "utf8");
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
  it("reports `after 2` versus `after 3 ignored touches` with a counterexample, exit 1", () => {
    const dir = workspace({ "old.heed": SMALL(2), "new.heed": SMALL(3) });
    const run = heed(["diff", "old.heed", "new.heed"], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("from `old.heed` to `new.heed`");
    expect(run.stdout).toContain("- now allows `call` where it denied, after: touch `email`, touch `email`, wait 3 days");
    expect(run.stdout).toContain("  history: touch email at 2026-01-05T10:00:00Z; touch email at 2026-01-05T10:00:00Z");
    expect(run.stdout).toContain("  touch proposed at 2026-01-08T10:00:00Z");
  });

  it("reports no difference for identical policies, exit 0", () => {
    const dir = workspace({ "a.heed": INBOUND, "b.heed": INBOUND });
    const run = heed(["diff", "a.heed", "b.heed"], dir);
    expect(run).toMatchObject({ code: 0, stdout: "no difference between `a.heed` and `b.heed`: the policies are the same\n" });
  });

  it("prints JSON with --json", () => {
    const dir = workspace({ "old.heed": SMALL(2), "new.heed": SMALL(3) });
    const run = heed(["diff", "old.heed", "new.heed", "--json", "--depth", "3", "--random", "20"], dir);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.version).toBe(1);
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
