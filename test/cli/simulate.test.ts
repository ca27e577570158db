import { describe, expect, it } from "vitest";
import { copyFixture, heed, workspace } from "./helpers.js";

interface Report {
  contacts: number;
  violationCount: number;
  totals: { contacts: number; touches: number; finalStages: Record<string, number> };
  personas: Record<string, { contacts: number }>;
}

describe("heed simulate", () => {
  // Two runs of 10,000 contacts over the default 90 days: about 12 s apiece on two free cores.
  it("10,000 contacts on the inbound policy: zero safety violations, and the same seed gives the same report byte for byte", () => {
    const dir = workspace();
    copyFixture(dir, "inbound.heed");
    const args = ["simulate", "inbound.heed", "--contacts", "10000", "--seed", "42", "--json"];
    const first = heed(args, dir);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as Report;
    expect(report.contacts).toBe(10000);
    expect(report.totals.contacts).toBe(10000);
    expect(report.violationCount).toBe(0);
    expect(report.totals.touches).toBeGreaterThan(10000);
    expect(report.totals.finalStages["closed"]).toBeGreaterThan(1000);
    for (const persona of ["silent", "replies", "unsubscribes", "negative-reply", "books-meeting", "prefers-email"]) {
      expect(report.personas[persona]!.contacts).toBeGreaterThan(1000);
    }
    const second = heed(args, dir);
    expect(second.stdout).toBe(first.stdout);
  }, 600_000);

  it("gives the same report with or without worker threads, and another for another seed", () => {
    const dir = workspace();
    copyFixture(dir, "inbound.heed");
    const args = ["simulate", "inbound.heed", "--contacts", "2000", "--seed", "7", "--horizon", "5"];
    const threaded = heed(args, dir);
    expect(threaded.code).toBe(0);
    const single = heed([...args, "--workers", "0"], dir);
    expect(single.stdout).toBe(threaded.stdout);
    expect(threaded.stdout).toContain("simulated 2000 contacts against `inbound-content` (seed 7, horizon 5 days)");
    expect(threaded.stdout).toContain("safety violations: 0");
    expect(threaded.stdout).toMatch(/persona unsubscribes\n {2}contacts: +\d+/);
    expect(threaded.stdout).toMatch(/stage prospecting\n {2}entered by: +2000 contacts, .*\n {2}touches sent: \d+ \(/);
    const other = heed(["simulate", "inbound.heed", "--contacts", "2000", "--seed", "8", "--horizon", "5", "--workers", "0"], dir);
    expect(other.stdout).not.toBe(threaded.stdout);
  }, 600_000);

  it("says what was expected on usage errors", () => {
    const dir = workspace();
    copyFixture(dir, "inbound.heed");
    expect(heed(["simulate", "inbound.heed", "--seed", "1"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("heed simulate: expected `--contacts N`") });
    expect(heed(["simulate", "inbound.heed", "--contacts", "ten", "--seed", "1"], dir)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("option `--contacts` expects an integer of at least 1, got `ten`"),
    });
    expect(heed(["simulate", "inbound.heed", "--contacts", "-5", "--seed", "1"], dir)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("option `--contacts` expects an integer of at least 1, got `-5`"),
    });
    expect(heed(["simulate", "inbound.heed", "--contacts", "--seed", "1"], dir)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("option `--contacts` expects N, got the option `--seed`"),
    });
  });
});
