/** `heed check`'s pursuit bounds and `unbounded-pursuit`, and `heed simulate --strict`. */

import { describe, expect, it } from "vitest";

import { copyFixture, heed, workspace } from "./helpers.js";

/** A cadence whose `engaged` stage, reached by a reply, limits emails and not calls. */
const ENGAGED = `cadence "engaged-calls" {
  timezone from contact.timezone else "UTC"
  channels email, call
  start stage prospecting {
    allow email
    at most 1 email per 7 days
    on reply move to engaged
  }
  stage engaged {
    allow email, call
    at most 2 emails per 7 days
  }
}
`;

interface JsonCheck {
  diagnostics: { code: string; message: string; span?: { line: number } }[];
  silentContacts: { file: string; pursuitBounds: { week: number | null; month: number | null; stages: { stage: string; week: number | null; month: number | null; path: string[]; unbounded: string[] }[] } }[];
}

describe("heed check: pursuit bounds", () => {
  it("prints the most touches in any 7 and 30 days per stage and for the policy", () => {
    const dir = workspace();
    copyFixture(dir, "inbound.heed");
    const run = heed(["check", "inbound.heed"], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("the most touches any contact receives in any 7 and any 30 days, whatever signals arrive:\n  inbound.heed: at most 3 in 7 days, 12 in 30 days (");
    expect(run.stdout).toContain("    nurture: at most 1 in 7 days, 3 in 30 days\n");
    expect(run.stdout).toContain("    engaged: at most 3 in 7 days, 12 in 30 days\n");
    const json = JSON.parse(heed(["check", "inbound.heed", "--format", "json"], dir).stdout) as JsonCheck;
    const bounds = json.silentContacts[0]!.pursuitBounds;
    expect([bounds.week, bounds.month]).toEqual([3, 12]);
    expect(bounds.stages.find((s) => s.stage === "email-only")).toMatchObject({ week: 3, month: 12, path: ['on reply where prefers == "email"'], unbounded: [] });
  }, 120_000);

  it("warns `unbounded-pursuit` on a stage a reply leads to that does not limit calls, and --strict fails", () => {
    const dir = workspace({ "engaged.heed": ENGAGED });
    const run = heed(["check", "engaged.heed"], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "engaged.heed:9:9: warning[unbounded-pursuit]: nothing limits how often any contact is touched on `call` in `engaged` (reached by `on reply`): a sender can touch a contact there without end",
    );
    expect(run.stdout).toContain("  engaged.heed: no bound (see `unbounded-pursuit`)");
    expect(run.stdout).toContain("    prospecting: at most 1 in 7 days, 5 in 30 days\n    engaged: no bound (see `unbounded-pursuit`)\n");
    expect(heed(["check", "--strict", "engaged.heed"], dir).code).toBe(1);
    const json = JSON.parse(heed(["check", "engaged.heed", "--format", "json"], dir).stdout) as JsonCheck;
    // (the silent contact is never moved out of `prospecting`, and `engaged` has no way out: warnings of their own)
    expect(json.diagnostics.map((d) => [d.code, d.span?.line])).toEqual([
      ["silent-pursuit", 4],
      ["no-way-out", 9],
      ["unbounded-pursuit", 9],
    ]);
    const github = heed(["check", "engaged.heed", "--format", "github"], dir);
    expect(github.stdout).toMatch(/^::warning file=engaged\.heed,line=9,col=9,.*title=heed unbounded-pursuit::nothing limits how often any contact is touched on `call` in `engaged`/m);
    expect(github.stdout).toMatch(/^::notice file=engaged\.heed,title=heed pursuit bounds::no bound/m);
  }, 120_000);
});

describe("heed simulate --strict", () => {
  it("exits 1 when a contact reaches the touch cap, naming the stage; 0 without --strict", () => {
    const dir = workspace({ "engaged.heed": ENGAGED });
    const args = ["simulate", "engaged.heed", "--contacts", "60", "--seed", "3", "--horizon", "20"];
    const plain = heed(args, dir);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^\d+ contacts reached the cap of 200 touches before the horizon \(\d+ in `engaged`\)$/m);
    const strict = heed([...args, "--strict"], dir);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/^heed simulate: --strict: \d+ contacts reached the cap of 200 touches \(\d+ in `engaged`\): nothing in the policy stops the sender there\n$/);
    const json = JSON.parse(heed([...args, "--json"], dir).stdout) as { cutShort: number; cutShortStages: Record<string, number> };
    expect(json.cutShort).toBeGreaterThan(0);
    expect(json.cutShortStages).toEqual({ engaged: json.cutShort });
  }, 120_000);

  it("exits 0 with --strict when no contact reaches the cap", () => {
    const dir = workspace();
    copyFixture(dir, "inbound.heed");
    const run = heed(["simulate", "inbound.heed", "--contacts", "40", "--seed", "1", "--horizon", "30", "--strict"], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain("reached the cap");
  }, 120_000);
});
